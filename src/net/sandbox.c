/* SPDX-License-Identifier: Apache-2.0 */
/* Privileges and system calls the server gives up; see sandbox.h. */
#include "net/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <seccomp.h>

#include "base/err.h"

int
cxv_sandbox_drop(const char *user, const char *data_dir, char *why,
    size_t whylen)
{
	struct passwd pw, *found = NULL;
	struct stat st;
	char buf[4096];
	gid_t gid;

	/* No core file, no ptrace by other processes of the same user. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (*user == '\0')
		return CXV_OK;
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &found) != 0 ||
	    found == NULL) {
		snprintf(why, whylen, "user: there is no user '%s'", user);
		return CXV_ERR_INVALID;
	}
	if (pw.pw_uid == 0) {
		snprintf(why, whylen, "user: '%s' is root; name an unprivileged "
		    "user", user);
		return CXV_ERR_INVALID;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw.pw_uid)
			return CXV_OK;
		snprintf(why, whylen, "user: switching to '%s' needs root (this "
		    "is uid %u)", user, (unsigned)geteuid());
		return CXV_ERR_DENIED;
	}
	if (stat(data_dir, &st) != 0 || st.st_uid != pw.pw_uid) {
		snprintf(why, whylen, "user: the data directory must belong to "
		    "'%s' (chown -R %s DIR)", user, user);
		return CXV_ERR_DENIED;
	}
	gid = pw.pw_gid;
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 ||
	    setuid(pw.pw_uid) != 0 || setuid(0) == 0 || getegid() != gid ||
	    geteuid() != pw.pw_uid) {
		snprintf(why, whylen, "user: could not become '%s': %s", user,
		    strerror(errno));
		return CXV_ERR_DENIED;
	}
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Per-user files (libpq's ~/.pgpass, ~/.postgresql/) are the user's. */
	if (setenv("HOME", pw.pw_dir, 1) != 0) {
		snprintf(why, whylen, "user: HOME: %s", strerror(errno));
		return CXV_ERR_NOMEM;
	}
	return CXV_OK;
}

/* Calls the server never makes; the worst kill the process. */
static const int killed[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
	SCMP_SYS(userfaultfd), SCMP_SYS(mount), SCMP_SYS(umount2),
	SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(swapon),
	SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(acct),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(setns), SCMP_SYS(unshare),
};

/* Calls that fail with EPERM: identity, clock, keys, kernel log. */
static const int refused[] = {
	SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid),
	SCMP_SYS(setregid), SCMP_SYS(setresuid), SCMP_SYS(setresgid),
	SCMP_SYS(setgroups), SCMP_SYS(setfsuid), SCMP_SYS(setfsgid),
	SCMP_SYS(capset), SCMP_SYS(settimeofday), SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime), SCMP_SYS(syslog), SCMP_SYS(keyctl),
	SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(quotactl),
	SCMP_SYS(name_to_handle_at), SCMP_SYS(personality),
};

/*
 * Socket families the server uses: local, IPv4, IPv6. (glibc's address
 * check asks netlink and, refused, assumes both IP versions are there.)
 */
static int
family_used(int af)
{
	return af == AF_UNIX || af == AF_INET || af == AF_INET6;
}

static int
add_rules(scmp_filter_ctx f)
{
	size_t i;
	int af, r = 0;

	for (i = 0; r == 0 && i < sizeof(killed) / sizeof(killed[0]); i++)
		r = seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, killed[i], 0);
	for (i = 0; r == 0 && i < sizeof(refused) / sizeof(refused[0]); i++)
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), refused[i], 0);
	/* Threads only; clone3's flags are out of reach: glibc falls back. */
	if (r == 0 && !CXV_SANDBOX_KEEPS_FORK)
		r = seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone),
		    1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
	if (r == 0 && !CXV_SANDBOX_KEEPS_FORK)
		r = seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, SCMP_SYS(ptrace),
		    0);
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
		    0);
	for (af = 0; r == 0 && af < AF_MAX; af++)
		if (!family_used(af))
			r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EAFNOSUPPORT),
			    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ,
			    (scmp_datum_t)af, 0));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EAFNOSUPPORT),
		    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_GE, AF_MAX, 0));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket),
		    1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
	return r;
}

int
cxv_sandbox_filter(char *why, size_t whylen)
{
	scmp_filter_ctx f;
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(why, whylen, "no_new_privs: %s", strerror(errno));
		return CXV_ERR_DENIED;
	}
	/* Calls of another architecture (int 0x80) kill: the default. */
	if ((f = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = add_rules(f)) == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	if (r != 0) {
		snprintf(why, whylen, "seccomp filter: %s", strerror(-r));
		return CXV_ERR_DENIED;
	}
	return CXV_OK;
}
