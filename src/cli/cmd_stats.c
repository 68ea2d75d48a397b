/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault stats: traffic statistics per day, from pseudonymized rows (R1.8). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/vault.h"
#include "records/view.h"
#include "store/store.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_stats = {
	"stats",
	"traffic statistics per day",
	"cxvault stats [--data DIR] [--since T] [--until T]",
	"Per day (UTC): calls, answered calls, total duration and distinct\n"
	"numbers, as JSON lines. Statistics rows hold a pseudonym instead of\n"
	"the number and no link to a person (R1.8, R5.2).",
	run,
};

struct range {
	const char *since, *until;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct range *rg = ctx;

	if (o == 's')
		rg->since = arg;
	else if (o == 'u')
		rg->until = arg;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

static int
print_day(void *ctx, const struct cxv_stat_day *d)
{
	return cxv_cli_print_doc(ctx, cxv_view_stat_day(d));
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		CXV_CLI_COMMON_OPTIONS
	};
	int64_t since = INT64_MIN, until = INT64_MAX;
	struct range rg = { NULL, NULL };
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	int r;

	if ((r = cxv_cli_parse(&cxv_cmd_stats, argc, argv, opts, opt, &rg, &a))
	    != -1)
		return r;
	if (a.npos != 0 ||
	    (rg.since && cxv_time_parse(rg.since, &since) != CXV_OK) ||
	    (rg.until && cxv_time_parse(rg.until, &until) != CXV_OK))
		return cxv_cli_usage_error(&cxv_cmd_stats,
		    "--since/--until take YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = cxv_store_stat_days(cxv_vault_store(v), since, until, print_day,
	    NULL);
	cxv_vault_close(v);
	if (r != CXV_OK) {
		cxv_cli_error("stats", "%s", cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}
