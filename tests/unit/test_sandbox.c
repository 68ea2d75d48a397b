/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Issue 10 (R4): the server's privilege drop and system call filter,
 * each tried in a child process, since neither can be undone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "net/sandbox.h"

/* What a child reports through its exit status. */
enum { CHILD_OK = 0, CHILD_BAD = 1 };

/* Run fn in a child; returns its wait status. */
static int
in_child(int (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static int
filtered(void)
{
	char why[256] = "";

	return cxv_sandbox_filter(why, sizeof(why)) == CXV_OK ? CHILD_OK :
	    CHILD_BAD;
}

static int thread_ran;

static void *
thread_fn(void *arg)
{
	(void)arg;
	thread_ran = 1;
	return NULL;
}

/* What the server does still works under the filter. */
static int
allowed_calls(void)
{
	pthread_t t;
	int fd;

	if (filtered() != CHILD_OK)
		return CHILD_BAD;
	if (pthread_create(&t, NULL, thread_fn, NULL) != 0 ||
	    pthread_join(t, NULL) != 0 || !thread_ran)
		return 2;
	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) < 0)
		return 3;
	close(fd);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0)
		return 4;
	close(fd);
	return CHILD_OK;
}

/* Refused calls fail with the documented errno and nothing else. */
static int
refused_calls(void)
{
	if (filtered() != CHILD_OK)
		return CHILD_BAD;
	errno = 0;
	if (socket(AF_PACKET, SOCK_DGRAM, 0) >= 0 || errno != EAFNOSUPPORT)
		return 2;
	errno = 0;
	if (socket(AF_INET, SOCK_RAW, 1) >= 0 || errno != EPERM)
		return 3;
	errno = 0;
	if (setuid(getuid()) == 0 || errno != EPERM)
		return 4;
	errno = 0;
	if (socket(9999, SOCK_STREAM, 0) >= 0 || errno != EAFNOSUPPORT)
		return 5;
	errno = 0;
	if (socket(AF_NETLINK, SOCK_DGRAM, 0) >= 0 || errno != EAFNOSUPPORT)
		return 6;
	return CHILD_OK;
}

static int
exec_call(void)
{
	char *const argv[] = { (char *)"true", NULL };

	if (filtered() != CHILD_OK)
		return CHILD_BAD;
	execv("/bin/true", argv);
	return 2;		/* neither ran nor was killed */
}

static void
test_filter_allows_what_serving_needs(void **state)
{
	int st;

	(void)state;
	st = in_child(allowed_calls);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), CHILD_OK);
}

static void
test_filter_refuses(void **state)
{
	int st;

	(void)state;
	st = in_child(refused_calls);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), CHILD_OK);
}

/* An attacker's shell: exec kills the process, nothing runs. */
static void
test_exec_kills(void **state)
{
	int st;

	(void)state;
	st = in_child(exec_call);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

/* Built without the sanitizers only, whose builds keep fork. */
#if !CXV_SANDBOX_KEEPS_FORK
static int
fork_call(void)
{
	pid_t pid;

	if (filtered() != CHILD_OK)
		return CHILD_BAD;
	if ((pid = fork()) == 0)
		_exit(0);
	return 2;
}

/* No new processes. */
static void
test_fork_kills(void **state)
{
	int st;

	(void)state;
	st = in_child(fork_call);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}
#endif

static char drop_dir[64];

static int
drop_to_nobody(void)
{
	char why[256] = "";

	if (cxv_sandbox_drop("nobody", drop_dir, why, sizeof(why)) != CXV_OK)
		return CHILD_BAD;
	/* No way back, and the supplementary groups are gone. */
	if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0 ||
	    getgroups(0, NULL) > 1)
		return 2;
	return CHILD_OK;
}

static int
drop_not_owner(void)
{
	char why[256] = "";

	if (cxv_sandbox_drop("nobody", "/", why, sizeof(why)) !=
	    CXV_ERR_DENIED || strstr(why, "must belong to 'nobody'") == NULL ||
	    geteuid() != 0)
		return CHILD_BAD;
	if (cxv_sandbox_drop("no-such-user-cxv", drop_dir, why,
	    sizeof(why)) != CXV_ERR_INVALID || strstr(why, "no user") == NULL)
		return 2;
	if (cxv_sandbox_drop("root", drop_dir, why, sizeof(why)) !=
	    CXV_ERR_INVALID)
		return 3;
	return CHILD_OK;
}

/* Root becomes the configured user; wrong settings are named. */
static void
test_drop(void **state)
{
	const struct passwd *pw;
	int st;

	(void)state;
	snprintf(drop_dir, sizeof(drop_dir), "/tmp/cxv-drop-XXXXXX");
	assert_non_null(mkdtemp(drop_dir));
	assert_non_null(pw = getpwnam("nobody"));
	assert_int_equal(chown(drop_dir, pw->pw_uid, pw->pw_gid), 0);
	st = in_child(drop_to_nobody);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), CHILD_OK);
	st = in_child(drop_not_owner);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), CHILD_OK);
	assert_int_equal(rmdir(drop_dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_allows_what_serving_needs),
		cmocka_unit_test(test_filter_refuses),
		cmocka_unit_test(test_exec_kills),
#if !CXV_SANDBOX_KEEPS_FORK
		cmocka_unit_test(test_fork_kills),
#endif
		cmocka_unit_test(test_drop),	/* last: root only */
	};
	size_t n = sizeof(tests) / sizeof(tests[0]);

	/* Only root can switch users (CI runs as root). */
	if (geteuid() != 0) {
		printf("# SKIP test_drop: needs root\n");
		n--;
	}
	return _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
}
