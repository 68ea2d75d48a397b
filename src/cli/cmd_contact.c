/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault contact add|list: the shared directory and personal lists (R1.2). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/contact.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_contact = {
	"contact",
	"directory contacts and personal contact lists",
	"cxvault contact add [--data DIR] [--owner LOGON] FIELD...\n"
	"       cxvault contact list [--data DIR] [--owner LOGON]",
	"  add   a contact in the shared directory, or in the personal list of\n"
	"        user LOGON. FIELDs: --first-name --last-name --phone --mobile\n"
	"        --email --organisation --phonetic --keywords --activities.\n"
	"        Its numbers, email and name find its subject. Prints its id.\n"
	"  list  a list's contacts with their fields, as JSON lines (audited).",
	run,
};

static const char *const field_opts[] = {
	"first-name", "last-name", "phone", "mobile", "email", "organisation",
	"phonetic", "keywords", "activities",
};
#define NFIELD_OPTS	(sizeof(field_opts) / sizeof(field_opts[0]))

struct args {
	struct cxv_cli_args cli;
	const char *owner;
	struct cxv_cli_fields fs;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	if (o == 'o')
		a->owner = arg;
	else if (cxv_cli_field_opt(&a->fs, field_opts, NFIELD_OPTS, o, arg)
	    == 0)
		return CXV_EXIT_USAGE;
	return -1;
}

static int
act(struct cxv_vault *v, int add, struct args *a)
{
	const char *why = NULL;
	int64_t owner = 0, id = 0;
	int r = CXV_OK;

	if (a->owner != NULL && (r = cxv_user_lookup(v, a->owner, &owner))
	    != CXV_OK)
		why = "no such user";
	else if (add && (r = cxv_contact_add(v, owner, a->fs.f, a->fs.n, &id,
	    &why)) == CXV_OK)
		printf("%lld\n", (long long)id);
	else if (!add)
		r = cxv_view_contacts(v, owner, cxv_cli_print_doc, NULL);
	if (r != CXV_OK) {
		cxv_cli_error(add ? "contact add" : "contact list", "%s%s%s",
		    cxv_strerror(r), why ? ": " : "", why ? why : "");
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	static struct option opts[NFIELD_OPTS + 4] = {
		{ "owner", required_argument, NULL, 'o' },
	};
	static const struct option common[] = { CXV_CLI_COMMON_OPTIONS };
	struct cxv_vault *v = NULL;
	struct args a;
	int add, r;

	cxv_cli_field_options(field_opts, NFIELD_OPTS, opts + 1);
	memcpy(opts + 1 + NFIELD_OPTS, common, sizeof(common));
	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cxv_cli_help(&cxv_cmd_contact);
	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "list") != 0))
		return cxv_cli_usage_error(&cxv_cmd_contact,
		    "expected add or list");
	add = strcmp(argv[1], "add") == 0;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_contact, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (a.cli.npos != 0 || (!add && a.fs.n != 0))
		return cxv_cli_usage_error(&cxv_cmd_contact, add ?
		    "unexpected argument" : "fields are for add");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = act(v, add, &a);
	cxv_vault_close(v);
	return r;
}
