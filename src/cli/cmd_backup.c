/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault backup create|verify|restore: encrypted backups (R5.4, R6.8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "core/keyring.h"
#include "records/vault.h"
#include "rights/backup.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_backup = {
	"backup",
	"encrypted backups: create, verify, restore",
	"cxvault backup create [--data DIR] FILE\n"
	"       cxvault backup verify [--data DIR] FILE\n"
	"       cxvault backup restore [--data DIR] FILE",
	"  create   a consistent snapshot of the vault, taken while it runs\n"
	"           (the server need not stop), with its content files,\n"
	"           encrypted and authenticated with a key derived from the\n"
	"           master key, into FILE (never overwritten). Audited.\n"
	"  verify   read FILE through: every byte authenticated, the\n"
	"           contents consistent with its manifest. Also checks the\n"
	"           archives of retention's backup-and-delete. Prints JSON.\n"
	"  restore  replace DIR's database and content with FILE's (stop\n"
	"           the server first). DIR needs its cxvault.conf and key\n"
	"           (master.key or the passphrase) as when the backup was\n"
	"           made; what DIR held moves to DIR/replaced-TIME. The\n"
	"           erasure register DIR held is then re-applied: whoever\n"
	"           was erased after the backup is erased again (DESIGN 3).\n"
	"           Prints the report (JSON).",
	run,
};

static int
print_text(const char *what, char *s)
{
	if (s == NULL)
		return cxv_cli_fail(what, CXV_ERR_NOMEM, NULL, NULL);
	printf("%s\n", s);
	free(s);
	return CXV_EXIT_OK;
}

static int
create(const char *dir, const char *file)
{
	struct cxv_backup_info info;
	struct cxv_vault *v = NULL;
	int r;

	if ((r = cxv_cli_open(dir, &v)) != CXV_EXIT_OK)
		return r;
	r = cxv_backup_create(v, file, &info);
	cxv_vault_close(v);
	if (r != CXV_OK)
		return cxv_cli_fail("backup create", r, r == CXV_ERR_EXISTS ?
		    "FILE exists; backups are never overwritten" : NULL, NULL);
	return print_text("backup create", cxv_backup_info_json(&info));
}

static int
verify(const char *dir, const char *file)
{
	char why[CXV_WHY_MAX] = "", *pass = NULL;
	struct cxv_backup_info info;
	struct cxv_keyring *kr = NULL;
	size_t len = 0;
	int r;

	if ((r = cxv_cli_passphrase(dir, &pass, &len)) != CXV_EXIT_OK)
		return r;
	r = cxv_vault_master_key(dir, pass, len, &kr, why, sizeof(why));
	cxv_cli_free_secret(pass);
	if (r != CXV_OK)
		return cxv_cli_fail("backup verify", r, why, NULL);
	r = cxv_backup_verify(kr, file, &info);
	cxv_keyring_free(kr);
	if (r != CXV_OK)
		return cxv_cli_fail("backup verify", r, r == CXV_ERR_CRYPTO ?
		    "not made with this vault's master key, or altered or cut" :
		    NULL, "no such file");
	return print_text("backup verify", cxv_backup_info_json(&info));
}

static int
restore(const char *dir, const char *file)
{
	char why[CXV_WHY_MAX] = "", actor[96], *pass = NULL, *report = NULL;
	size_t len = 0;
	int r;

	if ((r = cxv_cli_passphrase(dir, &pass, &len)) != CXV_EXIT_OK)
		return r;
	cxv_cli_actor(actor, sizeof(actor));
	r = cxv_backup_restore(dir, pass, len, file, actor, &report, why,
	    sizeof(why));
	cxv_cli_free_secret(pass);
	if (r != CXV_OK)
		return cxv_cli_fail("backup restore", r, why[0] ? why : NULL,
		    NULL);
	return print_text("backup restore", report);
}

static int
run(int argc, char **argv)
{
	static const char *const verbs[] = { "create", "verify", "restore" };
	static const struct option opts[] = { CXV_CLI_COMMON_OPTIONS };
	struct cxv_cli_args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_backup, argc, argv, verbs, 3, &verb)) !=
	    -1 || (r = cxv_cli_parse(&cxv_cmd_backup, argc - 1, argv + 1, opts, NULL,
	    NULL, &a)) != -1)
		return r;
	if (a.npos != 1)
		return cxv_cli_usage_error(&cxv_cmd_backup, "expected one FILE");
	if (verb == 0)
		return create(a.dir, a.pos[0]);
	if (verb == 1)
		return verify(a.dir, a.pos[0]);
	return restore(a.dir, a.pos[0]);
}
