/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault audit verify|list: check and read the hash-chained audit trail. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "core/audit.h"
#include "core/keyring.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_audit = {
	"audit",
	"verify and list the audit trail",
	"cxvault audit verify [--data DIR]\n"
	"       cxvault audit list [--data DIR] [--since YYYY-MM-DD[THH:MM:SSZ]]",
	"  verify  check the whole hash chain; names the first broken entry\n"
	"          and exits 1 if the trail was altered.\n"
	"  list    print entries (oldest first) as JSON lines.\n"
	"Entries name actors, actions, record ids and field names, never\n"
	"personal values.",
	run,
};

static int
do_verify(struct cxv_vault *v)
{
	const char *why = NULL;
	int64_t count = 0, bad = 0;
	int r;

	r = cxv_vault_audit_verify(v, &count, &bad, &why);
	if (r == CXV_ERR_CORRUPT && bad > 0) {
		cxv_cli_error("audit verify", "entry %lld is broken: %s "
		    "(%lld entries before it are intact)", (long long)bad,
		    why != NULL ? why : "corrupt", (long long)count);
		return CXV_EXIT_FAIL;
	}
	if (r != CXV_OK) {
		cxv_cli_error("audit verify", "%s", cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	printf("audit trail intact: %lld entries\n", (long long)count);
	return CXV_EXIT_OK;
}

static int
print_entry(void *ctx, const struct cxv_audit_row *row)
{
	return cxv_cli_print_doc(ctx, cxv_view_audit_row(row));
}

static int
do_list(struct cxv_vault *v, int64_t since)
{
	int r = cxv_vault_audit_scan(v, since, print_entry, NULL);

	if (r != CXV_OK) {
		cxv_cli_error("audit list", "%s", cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

static int
audit_opt(void *ctx, int opt, const char *arg)
{
	if (opt != 's')
		return CXV_EXIT_USAGE;
	*(const char **)ctx = arg;
	return -1;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	const char *since = NULL;
	int64_t since_ms = INT64_MIN;
	int r, list;

	if (argc < 2 || (strcmp(argv[1], "verify") != 0 &&
	    strcmp(argv[1], "list") != 0)) {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return cxv_cli_help(&cxv_cmd_audit);
		return cxv_cli_usage_error(&cxv_cmd_audit,
		    "expected verify or list");
	}
	list = strcmp(argv[1], "list") == 0;
	if ((r = cxv_cli_parse(&cxv_cmd_audit, argc - 1, argv + 1, opts,
	    audit_opt, &since, &a)) != -1)
		return r;
	if (a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_audit, "unexpected argument");
	if (since != NULL && (!list || cxv_time_parse(since, &since_ms) != CXV_OK))
		return cxv_cli_usage_error(&cxv_cmd_audit,
		    "--since (list only) takes YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = list ? do_list(v, since_ms) : do_verify(v);
	cxv_vault_close(v);
	return r;
}
