/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault migrate: move a vault's records to PostgreSQL (issue 7). */
#include <stdio.h>

#include "base/err.h"
#include "cli/cmds.h"
#include "records/vault.h"
#include "rights/migrate.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_migrate = {
	"migrate",
	"move a vault's records from SQLite to PostgreSQL",
	"cxvault migrate --from DIR --to postgresql://...",
	"Copy every record of the vault in DIR from vault.db into an empty\n"
	"PostgreSQL database (a libpq URL, as for init --store; see\n"
	"docs/scaling.md), count every table again on both sides, point\n"
	"cxvault.conf's store at the database, then overwrite vault.db with\n"
	"zeros and remove it. Stop the server first. The move is audited;\n"
	"prints one JSON line per table with its rows. On any failure the\n"
	"vault stays as it was, on SQLite.",
	run,
};

struct args {
	const char *from, *to;
};

static int
migrate_opt(void *ctx, int opt, const char *arg)
{
	struct args *a = ctx;

	if (opt == 'f')
		a->from = arg;
	else if (opt == 't')
		a->to = arg;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

static int
print_table(void *ctx, const char *table, int64_t rows)
{
	(void)ctx;
	printf("{\"table\":\"%s\",\"rows\":%lld}\n", table, (long long)rows);
	return CXV_OK;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		CXV_CLI_COMMON_OPTIONS
	};
	char why[CXV_WHY_MAX] = "";
	struct cxv_vault *v = NULL;
	struct cxv_cli_args cli;
	struct args a = { NULL, NULL };
	int r;

	if ((r = cxv_cli_parse(&cxv_cmd_migrate, argc, argv, opts, migrate_opt,
	    &a, &cli)) != -1)
		return r;
	if (cli.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_migrate,
		    "unexpected argument");
	if (a.from == NULL || a.to == NULL)
		return cxv_cli_usage_error(&cxv_cmd_migrate,
		    "--from DIR and --to URL are both needed");
	if ((r = cxv_cli_open(a.from, &v)) != CXV_EXIT_OK)
		return r;
	r = cxv_migrate_copy(v, a.to, print_table, NULL, why, sizeof(why));
	cxv_vault_close(v);
	if (r != CXV_OK)
		return cxv_cli_fail("migrate", r, why[0] ? why : NULL, NULL);
	if ((r = cxv_migrate_remove_old(a.from)) != CXV_OK)
		return cxv_cli_fail("migrate", r, "the records are in PostgreSQL "
		    "now, but vault.db could not be removed: remove it", NULL);
	return CXV_EXIT_OK;
}
