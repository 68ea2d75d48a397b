/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault export cdr: CDRs for an external call-accounting system (R10.2). */
#include <stdio.h>
#include <string.h>


#include "base/csv_line.h"
#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/interaction.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_export = {
	"export",
	"export CDRs to a call-accounting system",
	"cxvault export cdr [--data DIR] [--since T] [--until T] "
	"[--format csv|json] [--pseudonymize]",
	"  cdr  every interaction started in [--since, --until)\n"
	"       (YYYY-MM-DD[THH:MM:SSZ]) on standard output: CSV with a header\n"
	"       row (default) or JSON lines. Columns: interaction, source,\n"
	"       started, answered, ended, duration_s, billsec_s, outcome,\n"
	"       caller, callee. --pseudonymize writes keyed pseudonyms (ps:...)\n"
	"       instead of numbers, the same for one number on every platform.\n"
	"       The export is audited.",
	run,
};

struct args {
	struct cxv_cli_args cli;
	const char *since, *until, *format;
	int pseudo;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	switch (o) {
	case 's': a->since = arg; break;
	case 'u': a->until = arg; break;
	case 'f': a->format = arg; break;
	case 'p': a->pseudo = 1; break;
	default: return CXV_EXIT_USAGE;
	}
	return -1;
}

static int
put_csv(void *ctx, const struct cxv_interaction_row *row, const char *caller,
    const char *callee)
{
	char s[CXV_TIME_STR], a[CXV_TIME_STR] = "", e[CXV_TIME_STR] = "";
	int r;

	(void)ctx;
	cxv_time_format(row->started_ms, s);
	if (row->answered_ms)
		cxv_time_format(row->answered_ms, a);
	if (row->ended_ms)
		cxv_time_format(row->ended_ms, e);
	if (printf("%lld,", (long long)row->id) < 0)
		return CXV_ERR_IO;
	if ((r = cxv_csv_put(stdout, row->source, 0)) != CXV_OK ||
	    (r = cxv_csv_put(stdout, s, 0)) != CXV_OK || (r = cxv_csv_put(stdout, a, 0)) != CXV_OK ||
	    (r = cxv_csv_put(stdout, e, 0)) != CXV_OK)
		return r;
	if (printf("%lld,%lld,", (long long)cxv_view_secs(row->started_ms, row->ended_ms),
	    (long long)cxv_view_secs(row->answered_ms, row->ended_ms)) < 0)
		return CXV_ERR_IO;
	if ((r = cxv_csv_put(stdout, row->outcome, 0)) != CXV_OK ||
	    (r = cxv_csv_put(stdout, caller, 0)) != CXV_OK)
		return r;
	return cxv_csv_put(stdout, callee, 1);
}

static int
put_json(void *ctx, const struct cxv_interaction_row *row, const char *caller,
    const char *callee)
{
	return cxv_cli_print_doc(ctx, cxv_view_export_row(row, caller, callee));
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'f' },
		{ "pseudonymize", no_argument, NULL, 'p' },
		CXV_CLI_COMMON_OPTIONS
	};
	int64_t since = INT64_MIN, until = INT64_MAX;
	struct cxv_vault *v = NULL;
	struct args a;
	int json, r;

	if (argc < 2 || strcmp(argv[1], "cdr") != 0) {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return cxv_cli_help(&cxv_cmd_export);
		return cxv_cli_usage_error(&cxv_cmd_export, "expected cdr");
	}
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_export, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (a.cli.npos != 0 || (a.format != NULL &&
	    strcmp(a.format, "csv") != 0 && strcmp(a.format, "json") != 0))
		return cxv_cli_usage_error(&cxv_cmd_export,
		    "--format takes csv or json");
	if ((a.since && cxv_time_parse(a.since, &since) != CXV_OK) ||
	    (a.until && cxv_time_parse(a.until, &until) != CXV_OK))
		return cxv_cli_usage_error(&cxv_cmd_export,
		    "--since/--until take YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
	json = a.format != NULL && strcmp(a.format, "json") == 0;
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	if (!json)
		printf("interaction,source,started,answered,ended,duration_s,"
		    "billsec_s,outcome,caller,callee\n");
	r = cxv_interaction_export(v, since, until, a.pseudo,
	    json ? put_json : put_csv, NULL);
	cxv_vault_close(v);
	if (r == CXV_OK && fflush(stdout) != 0)
		r = CXV_ERR_IO;
	if (r != CXV_OK) {
		cxv_cli_error("export cdr", "%s", cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}
