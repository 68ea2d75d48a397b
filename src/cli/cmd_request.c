/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault request file|list|show|approve|reject: erasure requests (R9.4). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/vault.h"
#include "records/view.h"
#include "rights/erase.h"
#include "rights/request.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_request = {
	"request",
	"file and decide erasure requests",
	"cxvault request file [--data DIR] SUBJECT --reason GROUND\n"
	"       cxvault request list [--data DIR] [--status S]\n"
	"       cxvault request show [--data DIR] ID\n"
	"       cxvault request approve [--data DIR] ID [--dnc]\n"
	"       cxvault request reject [--data DIR] ID --reason CODE",
	"Erasure requests (R9.4), filed by staff or by end users (API\n"
	"self service), decided by the data-protection team.\n\n"
	"  file     a request to erase SUBJECT; GROUND as for 'subject erase'.\n"
	"  list     requests as JSON lines, oldest first; --status pending,\n"
	"           rejected or executed.\n"
	"  show     one request with its decision and receipt.\n"
	"  approve  erase the person now; the receipt joins the request.\n"
	"  reject   with CODE: identity_not_verified, legal_hold,\n"
	"           legal_obligation, legal_claims, public_interest,\n"
	"           archiving or expression.",
	run,
};

struct args {
	struct cxv_cli_args cli;
	const char *reason, *status;
	int dnc;
	int64_t id;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	if (o == 'r')
		a->reason = arg;
	else if (o == 's')
		a->status = arg;
	else if (o == 'D')
		a->dnc = 1;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

static int
print_request(void *ctx, const struct cxv_request_row *row)
{
	return cxv_cli_print_doc(ctx, cxv_request_view(row));
}

static int
fail(const char *what, int r)
{
	return cxv_cli_fail(what, r, r == CXV_ERR_NOT_FOUND ?
	    "no such (pending) request or subject" : NULL, "not found");
}

static int
act(struct cxv_vault *v, const char *verb, struct args *a)
{
	int64_t id = 0;
	int status = -1, r;

	if (strcmp(verb, "file") == 0) {
		if ((r = cxv_request_file(v, a->id, 0, a->reason, &id)) != CXV_OK)
			return fail("request file", r);
		printf("%lld\n", (long long)id);
		return CXV_EXIT_OK;
	}
	if (strcmp(verb, "list") == 0) {
		if (a->status != NULL &&
		    cxv_request_status_parse(a->status, &status) != CXV_OK)
			return cxv_cli_usage_error(&cxv_cmd_request,
			    "--status takes pending, rejected or executed");
		r = cxv_request_list(v, status, 0, print_request, NULL);
	} else if (strcmp(verb, "show") == 0)
		r = cxv_request_get(v, a->id, print_request, NULL);
	else
		r = cxv_request_decide(v, a->id, 0, strcmp(verb, "approve") == 0,
		    a->dnc, a->reason);
	return r == CXV_OK ? CXV_EXIT_OK : fail("request", r);
}

/* The verb's arguments and options, before the vault is opened. */
static int
check(const char *verb, struct args *a)
{
	int npos = strcmp(verb, "list") == 0 ? 0 : 1, r;

	if (a->cli.npos != npos)
		return cxv_cli_usage_error(&cxv_cmd_request,
		    "wrong number of arguments");
	if (npos && (r = cxv_cli_parse_id(&cxv_cmd_request, a->cli.pos[0],
	    &a->id)) != -1)
		return r;
	if (strcmp(verb, "file") == 0 && !cxv_erase_ground_valid(a->reason))
		return cxv_cli_usage_error(&cxv_cmd_request, "file needs "
		    "--reason GROUND (see 'cxvault subject --help')");
	if (strcmp(verb, "reject") == 0 && !cxv_request_refusal_valid(a->reason))
		return cxv_cli_usage_error(&cxv_cmd_request, "reject needs "
		    "--reason CODE (see --help)");
	if (a->dnc && strcmp(verb, "approve") != 0)
		return cxv_cli_usage_error(&cxv_cmd_request, "--dnc is for "
		    "approve");
	return -1;
}

static int
run(int argc, char **argv)
{
	static const char *const verbs[] = { "file", "list", "show", "approve",
	    "reject" };
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 's' },
		{ "dnc", no_argument, NULL, 'D' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_request, argc, argv, verbs, 5, &verb))
	    != -1)
		return r;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_request, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1 || (r = check(argv[1], &a)) != -1)
		return r;
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = act(v, argv[1], &a);
	cxv_vault_close(v);
	return r;
}
