/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault campaign ... and cxvault dnc ...: outbound campaigns (R1.6). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/campaign.h"
#include "records/dnc.h"
#include "records/vault.h"
#include "records/view.h"

static int run_campaign(int argc, char **argv);
static int run_dnc(int argc, char **argv);

const struct cxv_cmd cxv_cmd_campaign = {
	"campaign",
	"outbound campaigns: lists, results",
	"cxvault campaign create [--data DIR] NAME [--state future|ongoing|completed]\n"
	"       cxvault campaign list [--data DIR]\n"
	"       cxvault campaign show [--data DIR] NAME\n"
	"       cxvault campaign result [--data DIR] NAME --phone P --outcome O [--note N]\n"
	"       cxvault campaign clear-list [--data DIR] NAME\n"
	"       cxvault campaign state [--data DIR] NAME --state STATE",
	"  create      a campaign (default state: future); prints its id.\n"
	"  list        campaigns with state and counts (no personal data).\n"
	"  show        calling-list entries and results, decrypted (audited).\n"
	"  result      record a call result for the person with that number.\n"
	"  clear-list  delete the calling list; results are kept.\n"
	"  state       move the campaign to future, ongoing or completed.\n"
	"Calling lists are loaded with 'cxvault import campaign'.",
	run_campaign,
};

const struct cxv_cmd cxv_cmd_dnc = {
	"dnc",
	"the do-not-call list",
	"cxvault dnc add|check [--data DIR] --phone P",
	"  add    put a number on the do-not-call list (stored as a blind\n"
	"         index only); calling-list entries with it are refused.\n"
	"  check  print {\"listed\": true|false}.\nBoth are audited.",
	run_dnc,
};

struct args {
	struct cxv_cli_args cli;
	const char *state, *phone, *outcome, *note;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	switch (o) {
	case 's': a->state = arg; break;
	case 'p': a->phone = arg; break;
	case 'o': a->outcome = arg; break;
	case 'n': a->note = arg; break;
	default: return CXV_EXIT_USAGE;
	}
	return -1;
}

static int
parse(const struct cxv_cmd *cmd, int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "phone", required_argument, NULL, 'p' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "note", required_argument, NULL, 'n' },
		CXV_CLI_COMMON_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	return cxv_cli_parse(cmd, argc, argv, opts, opt, a, &a->cli);
}

static int
fail(const char *what, int r, const char *why)
{
	cxv_cli_error(what, "%s%s%s", r == CXV_ERR_NOT_FOUND ? "not found" :
	    r == CXV_ERR_EXISTS ? "a campaign with that name exists" :
	    cxv_strerror(r), why ? ": " : "", why ? why : "");
	return CXV_EXIT_FAIL;
}

static int
print_campaign(void *ctx, const struct cxv_campaign_row *row)
{
	return cxv_cli_print_doc(ctx, cxv_view_campaign_row(row));
}

static int
take_id(void *ctx, const struct cxv_campaign_row *row)
{
	*(int64_t *)ctx = row->id;
	return CXV_OK;
}

static int
do_show(struct cxv_vault *v, int64_t id)
{
	json_t *doc = NULL;
	int r;

	if ((r = cxv_view_campaign(v, id, &doc)) != CXV_OK)
		return fail("campaign show", r, NULL);
	return cxv_cli_print_json(doc);
}

static int
do_verb(struct cxv_vault *v, const char *verb, struct args *a)
{
	enum cxv_campaign_state state = CXV_CAMPAIGN_FUTURE;
	const char *why = NULL, *name = a->cli.npos ? a->cli.pos[0] : "";
	int64_t id = 0, n = 0;
	int r;

	if (strcmp(verb, "list") == 0)
		return (r = cxv_campaign_list(v, print_campaign, NULL)) ==
		    CXV_OK ? CXV_EXIT_OK : fail("campaign list", r, NULL);
	if (strcmp(verb, "create") == 0) {
		if (a->state != NULL &&
		    cxv_campaign_state_parse(a->state, &state) != CXV_OK)
			return cxv_cli_usage_error(&cxv_cmd_campaign,
			    "--state takes future, ongoing or completed");
		if ((r = cxv_campaign_create(v, name, state, &id)) != CXV_OK)
			return fail("campaign create", r, NULL);
		printf("%lld\n", (long long)id);
		return CXV_EXIT_OK;
	}
	if ((r = cxv_campaign_find(v, name, take_id, &id)) != CXV_OK)
		return fail(verb, r, "no such campaign");
	if (strcmp(verb, "show") == 0)
		return do_show(v, id);
	if (strcmp(verb, "state") == 0) {
		if (a->state == NULL ||
		    cxv_campaign_state_parse(a->state, &state) != CXV_OK)
			return cxv_cli_usage_error(&cxv_cmd_campaign,
			    "--state takes future, ongoing or completed");
		return (r = cxv_campaign_set_state(v, id, state)) == CXV_OK ?
		    CXV_EXIT_OK : fail("campaign state", r, NULL);
	}
	if (strcmp(verb, "clear-list") == 0) {
		if ((r = cxv_campaign_clear_list(v, id, &n)) != CXV_OK)
			return fail("campaign clear-list", r, NULL);
		return cxv_cli_print_json(json_pack("{s:I}", "deleted",
		    (json_int_t)n));
	}
	if (a->phone == NULL || a->outcome == NULL)
		return cxv_cli_usage_error(&cxv_cmd_campaign,
		    "result needs --phone and --outcome");
	r = cxv_campaign_add_result(v, id, a->phone, a->outcome,
	    a->note ? a->note : "", &why);
	return r == CXV_OK ? CXV_EXIT_OK : fail("campaign result", r,
	    r == CXV_ERR_NOT_FOUND ? "no person with that number" : why);
}

static int
run_campaign(int argc, char **argv)
{
	static const char *const verbs[] = { "create", "list", "show",
	    "result", "clear-list", "state" };
	struct cxv_vault *v = NULL;
	struct args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_campaign, argc, argv, verbs, 6, &verb))
	    != -1 || (r = parse(&cxv_cmd_campaign, argc - 1, argv + 1, &a)) != -1)
		return r;
	if (a.cli.npos != (verb == 1 ? 0 : 1))
		return cxv_cli_usage_error(&cxv_cmd_campaign,
		    "wrong number of arguments");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = do_verb(v, argv[1], &a);
	cxv_vault_close(v);
	return r;
}

static int
run_dnc(int argc, char **argv)
{
	static const char *const verbs[] = { "add", "check" };
	struct cxv_vault *v = NULL;
	const char *why = NULL;
	struct args a;
	int add, listed = 0, verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_dnc, argc, argv, verbs, 2, &verb)) != -1)
		return r;
	add = verb == 0;
	if ((r = parse(&cxv_cmd_dnc, argc - 1, argv + 1, &a)) != -1)
		return r;
	if (a.phone == NULL || a.cli.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_dnc, "give --phone");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = add ? cxv_dnc_add(v, a.phone, &why) :
	    cxv_dnc_check(v, a.phone, &listed, &why);
	cxv_vault_close(v);
	if (r != CXV_OK)
		return fail(add ? "dnc add" : "dnc check", r, why);
	return add ? CXV_EXIT_OK : cxv_cli_print_json(json_pack("{s:b}",
	    "listed", listed));
}
