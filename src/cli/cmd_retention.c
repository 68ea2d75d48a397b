/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault retention show|set|run: retention schedules (R6.6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/vault.h"
#include "rights/retention.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_retention = {
	"retention",
	"show, change and run retention policies",
	"cxvault retention show [--data DIR]\n"
	"       cxvault retention set [--data DIR] CATEGORY POLICY\n"
	"       cxvault retention run [--data DIR] [--dry-run]",
	"Retention (R6.6): each category keeps its records for a number of\n"
	"days, then deletes them, or archives them encrypted and deletes\n"
	"them. 'cxvault serve' runs the policies daily at retention_time.\n\n"
	"  show  the policies as JSON.\n"
	"  set   CATEGORY (interactions, recordings, voicemail, greetings,\n"
	"        transcripts, email, case_notes, photos, call_logs,\n"
	"        campaign_results, statistics, charges, audit) gets POLICY:\n"
	"        'none', 'DAYS delete' or 'DAYS backup-and-delete' (one\n"
	"        argument, quoted). Audited; a running server takes it at\n"
	"        its next reload (SIGHUP).\n"
	"  run   every policy once now, and print what went (JSON);\n"
	"        --dry-run only counts what would go. Persons under legal\n"
	"        hold are kept; content goes with its interaction.",
	run,
};

struct args {
	struct cxv_cli_args cli;
	int dry;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	(void)arg;
	if (o != 'n')
		return CXV_EXIT_USAGE;
	a->dry = 1;
	return -1;
}

static int
print_text(char *s)
{
	if (s == NULL)
		return cxv_cli_fail("retention", CXV_ERR_NOMEM, NULL, NULL);
	printf("%s\n", s);
	free(s);
	return CXV_EXIT_OK;
}

static int
act(struct cxv_vault *v, const char *verb, const struct args *a)
{
	struct cxv_ret_report rep;
	struct cxv_ret_policy p;
	int cat, r;

	if (strcmp(verb, "show") == 0)
		return print_text(cxv_retention_policies_json(
		    cxv_vault_config(v)));
	if (strcmp(verb, "set") == 0) {
		cat = cxv_ret_category_parse(a->cli.pos[0]);
		if ((r = cxv_ret_policy_parse(a->cli.pos[1], &p)) != CXV_OK ||
		    (r = cxv_retention_set(v, cat, &p)) != CXV_OK)
			return cxv_cli_fail("retention set", r, NULL, NULL);
		return print_text(cxv_retention_policies_json(
		    cxv_vault_config(v)));
	}
	r = cxv_retention_run(v, cxv_now_ms(), a->dry, NULL, &rep);
	if (r != CXV_OK)
		return cxv_cli_fail("retention run", r, "stopped; what was done "
		    "is committed and the next run goes on", NULL);
	return print_text(cxv_retention_report_json(&rep));
}

static int
check(const char *verb, const struct args *a)
{
	struct cxv_ret_policy p;
	int npos = strcmp(verb, "set") == 0 ? 2 : 0;

	if (a->cli.npos != npos)
		return cxv_cli_usage_error(&cxv_cmd_retention,
		    "wrong number of arguments");
	if (a->dry && strcmp(verb, "run") != 0)
		return cxv_cli_usage_error(&cxv_cmd_retention,
		    "--dry-run is for run");
	if (npos && cxv_ret_category_parse(a->cli.pos[0]) < 0)
		return cxv_cli_usage_error(&cxv_cmd_retention,
		    "unknown category (see --help)");
	if (npos && cxv_ret_policy_parse(a->cli.pos[1], &p) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_retention, "POLICY must be "
		    "'none', 'DAYS delete' or 'DAYS backup-and-delete' with "
		    "DAYS 1-36500");
	return -1;
}

static int
run(int argc, char **argv)
{
	static const char *const verbs[] = { "show", "set", "run" };
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_retention, argc, argv, verbs, 3, &verb))
	    != -1)
		return r;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_retention, argc - 1, argv + 1, opts,
	    opt, &a, &a.cli)) != -1 || (r = check(argv[1], &a)) != -1)
		return r;
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = act(v, argv[1], &a);
	cxv_vault_close(v);
	return r;
}
