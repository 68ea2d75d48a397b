/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault interaction list|show: a person's interactions and their trails. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/interaction.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_interaction = {
	"interaction",
	"record, list and show interactions (sessions, CDRs)",
	"cxvault interaction list [--data DIR] IDENTIFIER|--agent LOGON "
	"[--since T] [--until T]\n"
	"       cxvault interaction show [--data DIR] ID [--reveal]\n"
	"       cxvault interaction item [--data DIR] ID --name N --value V "
	"[--protected] [--to agent,cdr,ivr_report]\n"
	"       cxvault interaction add [--data DIR] --media M IDENTIFIER... "
	"--start T [--answer T] [--end T] --outcome O [--field NAME=VALUE]...",
	"  list  interactions of the person holding IDENTIFIER (--phone,\n"
	"        --email, --chat, --account, --logon, --name, --sip or\n"
	"        --dialled), or handled by\n"
	"        agent LOGON, started in [--since, --until)\n"
	"        (YYYY-MM-DD[THH:MM:SSZ]), as JSON lines.\n"
	"  show  one interaction with its decrypted fields, its trail and its\n"
	"        data items; protected items' values only with --reveal.\n"
	"  item  attach a data item (IVR input, a tagged value); --protected\n"
	"        ones are never logged and hidden unless revealed.\n"
	"  add   a session of any media (voice, email, chat, sms, open_media)\n"
	"        for the customer with these identifiers (first a number,\n"
	"        email, chat handle...; --name may follow), times as\n"
	"        YYYY-MM-DDTHH:MM:SSZ. Prints its id.\n"
	"All are audited.",
	run,
};

struct args {
	struct cxv_cli_args cli;
	struct cxv_cli_idents idents;
	const char *since, *until, *name, *value, *to, *agent;
	const char *media, *start, *answer, *end, *outcome;
	struct cxv_field fields[8];
	char fbuf[8][CXV_FIELD_MAX + 66];
	size_t nfields;
	int reveal, protected_;
};

/* --field NAME=VALUE, kept in the args' own buffer. */
static int
field_opt(struct args *a, const char *arg)
{
	char *eq;

	if (a->nfields == 8 || strlen(arg) >= sizeof(a->fbuf[0]) ||
	    (eq = strchr(arg, '=')) == NULL)
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "--field takes NAME=VALUE (at most 8)");
	snprintf(a->fbuf[a->nfields], sizeof(a->fbuf[0]), "%s", arg);
	eq = a->fbuf[a->nfields] + (eq - arg);
	*eq = '\0';
	a->fields[a->nfields].name = a->fbuf[a->nfields];
	a->fields[a->nfields++].value = eq + 1;
	return -1;
}

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;
	int r;

	if (o == 's')
		a->since = arg;
	else if (o == 'u')
		a->until = arg;
	else if (o == 'r')
		a->reveal = 1;
	else if (o == 'P')
		a->protected_ = 1;
	else if (o == 'n')
		a->name = arg;
	else if (o == 'v')
		a->value = arg;
	else if (o == 't')
		a->to = arg;
	else if (o == 'a')
		a->agent = arg;
	else if (o == 'm')
		a->media = arg;
	else if (o == 'S')
		a->start = arg;
	else if (o == 'A')
		a->answer = arg;
	else if (o == 'E')
		a->end = arg;
	else if (o == 'O')
		a->outcome = arg;
	else if (o == 'F')
		return field_opt(a, arg);
	else if ((r = cxv_cli_ident_opt(&cxv_cmd_interaction, &a->idents, o,
	    arg)) != -1)
		return r == 0 ? CXV_EXIT_USAGE : r;
	return -1;
}

static int
print_row(void *ctx, const struct cxv_interaction_row *row)
{
	return cxv_cli_print_doc(ctx, cxv_view_interaction_row(row));
}

static int
fail(const char *what, int r, const char *why)
{
	return cxv_cli_fail(what, r, why, "no such interaction");
}

static int
do_list(struct cxv_vault *v, struct args *a)
{
	int64_t since = INT64_MIN, until = INT64_MAX;
	const char *why = NULL;
	int r;

	/* --name is the person's name here, the item's name for "item". */
	if (a->name != NULL && (r = cxv_cli_ident_opt(&cxv_cmd_interaction,
	    &a->idents, CXV_CLI_OPT_IDENT + CXV_IDENT_NAME, a->name)) != -1)
		return r;
	if (a->idents.n + (a->agent != NULL) != 1)
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "give exactly one identifier or --agent");
	if ((a->since && cxv_time_parse(a->since, &since) != CXV_OK) ||
	    (a->until && cxv_time_parse(a->until, &until) != CXV_OK))
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "--since/--until take YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
	if (a->agent != NULL) {
		int64_t uid = 0;

		if ((r = cxv_user_lookup(v, a->agent, &uid)) == CXV_OK)
			r = cxv_interaction_list_agent(v, uid, since, until,
			    print_row, NULL);
		return r == CXV_OK ? CXV_EXIT_OK : fail("interaction list", r,
		    r == CXV_ERR_NOT_FOUND ? "no such agent" : NULL);
	}
	r = cxv_interaction_list(v, &a->idents.ids[0], since, until, print_row,
	    NULL, &why);
	return r == CXV_OK ? CXV_EXIT_OK : fail("interaction list", r, why);
}

static int
do_show(struct cxv_vault *v, struct args *a)
{
	struct cxv_buf b;
	json_t *doc = NULL;
	int64_t id = 0;
	int r;

	if (a->idents.n != 0 || a->cli.npos != 1)
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "show takes one interaction id");
	if ((r = cxv_cli_parse_id(&cxv_cmd_interaction, a->cli.pos[0], &id))
	    != -1)
		return r;
	cxv_buf_init(&b, SIZE_MAX / 2);
	/* As a tree: printed as every other document (ASCII only). */
	if ((r = cxv_view_interaction(v, id, a->reveal, &b)) == CXV_OK &&
	    (doc = json_loadb(b.p, b.len, 0, NULL)) == NULL)
		r = CXV_ERR_NOMEM;
	cxv_buf_free(&b);
	if (r != CXV_OK)
		return fail("interaction show", r, NULL);
	return cxv_cli_print_json(doc);
}

static int
do_item(struct cxv_vault *v, struct args *a)
{
	const char *why = NULL;
	int64_t ia = 0, id = 0;
	int dest = CXV_ITEM_TO_AGENT | CXV_ITEM_TO_CDR, r;

	if (a->cli.npos != 1 || a->name == NULL || a->value == NULL)
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "item takes an interaction id, --name and --value");
	if ((r = cxv_cli_parse_id(&cxv_cmd_interaction, a->cli.pos[0], &ia))
	    != -1)
		return r;
	if (a->to != NULL && cxv_item_dest_parse(a->to, &dest) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "--to takes agent, cdr, ivr_report, comma-separated");
	r = cxv_interaction_add_item(v, ia, a->name, a->value, a->protected_,
	    dest, &id, &why);
	if (r != CXV_OK)
		return fail("interaction item", r, why);
	printf("%lld\n", (long long)id);
	return CXV_EXIT_OK;
}

static int
do_add(struct cxv_vault *v, struct args *a)
{
	struct cxv_session_in in;
	const char *why = NULL;
	int64_t id = 0;
	int r;

	memset(&in, 0, sizeof(in));
	if (a->name != NULL && (r = cxv_cli_ident_opt(&cxv_cmd_interaction,
	    &a->idents, CXV_CLI_OPT_IDENT + CXV_IDENT_NAME, a->name)) != -1)
		return r;
	if (a->media == NULL || cxv_media_parse(a->media, &in.media) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_interaction, "--media takes "
		    "voice, email, chat, sms or open_media");
	if (a->start == NULL || cxv_time_parse(a->start, &in.start_ms) ||
	    (a->answer && cxv_time_parse(a->answer, &in.answer_ms)) ||
	    (a->end && cxv_time_parse(a->end, &in.end_ms)) || !a->outcome)
		return cxv_cli_usage_error(&cxv_cmd_interaction, "add needs "
		    "--start, --outcome and times as YYYY-MM-DDTHH:MM:SSZ");
	in.customer = a->idents.ids;
	in.ncustomer = a->idents.n;
	in.outcome = a->outcome;
	in.fields = a->fields;
	in.nfields = a->nfields;
	if ((r = cxv_interaction_add(v, &in, &id, &why)) != CXV_OK)
		return fail("interaction add", r, why);
	printf("%lld\n", (long long)id);
	return CXV_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "reveal", no_argument, NULL, 'r' },
		{ "protected", no_argument, NULL, 'P' },
		{ "name", required_argument, NULL, 'n' },
		{ "value", required_argument, NULL, 'v' },
		{ "to", required_argument, NULL, 't' },
		{ "agent", required_argument, NULL, 'a' },
		{ "media", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 'S' },
		{ "answer", required_argument, NULL, 'A' },
		{ "end", required_argument, NULL, 'E' },
		{ "outcome", required_argument, NULL, 'O' },
		{ "field", required_argument, NULL, 'F' },
		{ "phone", required_argument, NULL, CXV_CLI_OPT_IDENT + 0 },
		{ "email", required_argument, NULL, CXV_CLI_OPT_IDENT + 1 },
		{ "chat", required_argument, NULL, CXV_CLI_OPT_IDENT + 2 },
		{ "account", required_argument, NULL, CXV_CLI_OPT_IDENT + 3 },
		{ "logon", required_argument, NULL, CXV_CLI_OPT_IDENT + 4 },
		{ "sip", required_argument, NULL, CXV_CLI_OPT_IDENT + 6 },
		{ "dialled", required_argument, NULL, CXV_CLI_OPT_IDENT + 7 },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct args a;
	static const char *const verbs[] = { "list", "show", "item", "add" };
	int list, item, add, verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_interaction, argc, argv, verbs, 4,
	    &verb)) != -1)
		return r;
	list = verb == 0;
	item = verb == 2;
	add = verb == 3;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_interaction, argc - 1, argv + 1, opts,
	    opt, &a, &a.cli)) != -1)
		return r;
	if ((list || add) && a.cli.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_interaction,
		    "unexpected argument");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = list ? do_list(v, &a) : item ? do_item(v, &a) : add ? do_add(v, &a) :
	    do_show(v, &a);
	cxv_vault_close(v);
	return r;
}
