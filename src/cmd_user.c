/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault user add|show|list: internal users (R1.1). */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "err.h"
#include "fields.h"
#include "user.h"
#include "util.h"
#include "vault.h"
#include "view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_user = {
	"user",
	"add, show and list internal users (agents, staff)",
	"cxvault user add [--data DIR] --logon ID [--kind local|remote|api] FIELD...\n"
	"       cxvault user show [--data DIR] LOGON\n"
	"       cxvault user list [--data DIR]",
	"  add   create a user; FIELDs: --first-name --middle-name --last-name\n"
	"        --chat-name --extension --mobile --home-phone --work-phone --fax\n"
	"        --email --location --department --organisation --title\n"
	"        --address. The user is also a data subject: its logon id,\n"
	"        extension, numbers, email and name find it. Prints its id.\n"
	"  show  the user's fields, decrypted, as JSON (audited).\n"
	"  list  every user's id, kind, status and creation time (no personal\n"
	"        data) as JSON lines.",
	run,
};

/* Field options: --first-name sets first_name, and so on. */
static const char *const field_opts[] = {
	"first-name", "middle-name", "last-name", "chat-name", "extension",
	"mobile", "home-phone", "work-phone", "fax", "email", "location",
	"department", "organisation", "title", "address",
};
#define NFIELD_OPTS	(sizeof(field_opts) / sizeof(field_opts[0]))

struct args {
	struct cxv_cli_args cli;
	const char *logon, *kind;
	struct cxv_cli_fields fs;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	if (o == 'l')
		a->logon = arg;
	else if (o == 'k')
		a->kind = arg;
	else if (cxv_cli_field_opt(&a->fs, field_opts, NFIELD_OPTS, o, arg)
	    == 0)
		return CXV_EXIT_USAGE;
	return -1;
}

static int
do_add(struct cxv_vault *v, struct args *a)
{
	enum cxv_user_kind kind = CXV_USER_LOCAL;
	const char *why = NULL;
	int64_t id = 0;
	int r;

	if (a->kind != NULL && cxv_user_kind_parse(a->kind, &kind) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "--kind takes local, remote or api");
	r = cxv_user_add(v, a->logon, kind, a->fs.f, a->fs.n, &id, &why);
	if (r != CXV_OK) {
		cxv_cli_error("user add", "%s%s%s", cxv_strerror(r),
		    why ? ": " : "", why ? why : "");
		return CXV_EXIT_FAIL;
	}
	printf("%lld\n", (long long)id);
	return CXV_EXIT_OK;
}

static int
print_row(void *ctx, const struct cxv_user_row *row)
{
	return cxv_cli_print_doc(ctx, cxv_view_user_row(row));
}

static int
do_show(struct cxv_vault *v, struct args *a)
{
	json_t *doc = NULL;
	int64_t id = 0;
	int r;

	if ((r = cxv_user_lookup(v, a->cli.pos[0], &id)) == CXV_OK)
		r = cxv_view_user(v, id, &doc);
	if (r != CXV_OK) {
		cxv_cli_error("user show", "%s", r == CXV_ERR_NOT_FOUND ?
		    "no such user" : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return cxv_cli_print_json(doc);
}

static int
do_list(struct cxv_vault *v, struct args *a)
{
	int r;

	(void)a;
	if ((r = cxv_user_list(v, print_row, NULL)) != CXV_OK) {
		cxv_cli_error("user list", "%s", cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

static const struct verb {
	const char *name;
	int npos;
	int (*fn)(struct cxv_vault *, struct args *);
} verbs[] = {
	{ "add", 0, do_add }, { "show", 1, do_show }, { "list", 0, do_list },
};

static int
run(int argc, char **argv)
{
	static struct option opts[NFIELD_OPTS + 5] = {
		{ "logon", required_argument, NULL, 'l' },
		{ "kind", required_argument, NULL, 'k' },
	};
	static const struct option common[] = { CXV_CLI_COMMON_OPTIONS };
	const struct verb *vb = NULL;
	struct cxv_vault *v = NULL;
	struct args a;
	size_t i;
	int r;

	cxv_cli_field_options(field_opts, NFIELD_OPTS, opts + 2);
	memcpy(opts + 2 + NFIELD_OPTS, common, sizeof(common));
	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cxv_cli_help(&cxv_cmd_user);
	for (i = 0; argc >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			vb = &verbs[i];
	if (vb == NULL)
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "expected add, show or list");
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_user, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (a.cli.npos != vb->npos)
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "wrong number of arguments");
	if (vb->fn == do_add ? a.logon == NULL :
	    (a.logon != NULL || a.kind != NULL || a.fs.n != 0))
		return cxv_cli_usage_error(&cxv_cmd_user, vb->fn == do_add ?
		    "--logon is required" : "fields are for add");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = vb->fn(v, &a);
	cxv_vault_close(v);
	return r;
}
