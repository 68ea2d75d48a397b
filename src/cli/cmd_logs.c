/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault logs purge: delete the whole content of the logs (R6.7). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "cli/cmds.h"
#include "core/log.h"
#include "records/vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_logs = {
	"logs",
	"purge the logs",
	"cxvault logs purge [--data DIR]",
	"  purge  delete the whole content of the vault's logs (R6.7): the\n"
	"         current file is emptied and every rotated file removed.\n"
	"         The purge itself is recorded in the audit trail.",
	run,
};

static int
purge_audit(struct cxv_vault *v, void *arg)
{
	(void)arg;
	return cxv_vault_audit(v, "logs.purge", "logs", "-", "all");
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = { CXV_CLI_COMMON_OPTIONS };
	static const char *const verbs[] = { "purge" };
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_logs, argc, argv, verbs, 1, &verb)) !=
	    -1 || (r = cxv_cli_parse(&cxv_cmd_logs, argc - 1, argv + 1, opts, NULL,
	    NULL, &a)) != -1)
		return r;
	if (a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_logs, "unexpected argument");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	if ((r = cxv_log_purge()) == CXV_OK)
		r = cxv_vault_in_txn(v, purge_audit, NULL);
	cxv_vault_close(v);
	return r == CXV_OK ? CXV_EXIT_OK : cxv_cli_fail("logs purge", r, NULL,
	    "not found");
}
