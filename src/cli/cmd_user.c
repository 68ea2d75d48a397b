/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault user add|show|list|login|unlock: internal users (R1.1, R2). */
#include <stdio.h>
#include <string.h>

#include "api/auth.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/profile.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_user = {
	"user",
	"add, show and list internal users (agents, staff)",
	"cxvault user add [--data DIR] --logon ID [--kind local|remote|api]\n"
	"                [--subject ID] FIELD...\n"
	"       cxvault user show [--data DIR] LOGON\n"
	"       cxvault user list [--data DIR]\n"
	"       cxvault user login [--data DIR] LOGON --profile P "
	"[--password-stdin] [--pin-stdin]\n"
	"       cxvault user unlock [--data DIR] LOGON\n"
	"       cxvault user anonymize [--data DIR] LOGON",
	"  add   create a user; FIELDs: --first-name --middle-name --last-name\n"
	"        --chat-name --extension --mobile --home-phone --work-phone --fax\n"
	"        --email --location --department --organisation --title\n"
	"        --address. The user is also a data subject: its logon id,\n"
	"        extension, numbers, email and name find it. A number or\n"
	"        address another person holds is refused: a user never takes\n"
	"        over someone's record; --subject ID makes the user that\n"
	"        person on purpose (audited). Prints its id.\n"
	"  show  the user's fields, decrypted, as JSON (audited).\n"
	"  list  every user's id, kind, status and creation time (no personal\n"
	"        data) as JSON lines.\n"
	"  login give the user a login with profile P (administrator,\n"
	"        supervisor, agent, system_assistant, hospitality_manager,\n"
	"        api_integration, auditor, end_user or a custom one); with\n"
	"        --password-stdin a password (R2.2 policy) read on standard\n"
	"        input, with --pin-stdin a PIN for local networks (R2.3).\n"
	"  unlock end a lock after failed logins (R2.4).\n"
	"  anonymize  instead of erasing (R6.2): names become \"Deleted User\n"
	"        N\", other fields, identifiers, login, own content, personal\n"
	"        contacts and call log go; interactions it handled stay\n"
	"        reportable. Only the account's data: refused under legal\n"
	"        hold; a person with records beyond the account keeps its\n"
	"        identifiers. Erasing the user's subject removes everything.",
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
	const char *logon, *kind, *profile, *subject;
	int pw_stdin, pin_stdin;
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
	else if (o == 's')
		a->subject = arg;
	else if (o == 'p')
		a->profile = arg;
	else if (o == 'P')
		a->pw_stdin = 1;
	else if (o == 'N')
		a->pin_stdin = 1;
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
	int64_t id = 0, into = 0;
	int r;

	if (a->kind != NULL && cxv_user_kind_parse(a->kind, &kind) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "--kind takes local, remote or api");
	if (a->subject != NULL &&
	    (r = cxv_cli_parse_id(&cxv_cmd_user, a->subject, &into)) != -1)
		return r;
	r = cxv_user_add(v, a->logon, kind, a->fs.f, a->fs.n, into, &id,
	    &why);
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

/* A secret from standard input, then set by fn; *why on refusal. */
static int
set_secret(struct cxv_vault *v, int64_t id, const char *prompt,
    int (*fn)(struct cxv_vault *, int64_t, const char *, size_t,
    const char **), const char **why)
{
	char *s = NULL;
	size_t len = 0;
	int r;

	if ((r = cxv_cli_read_secret(prompt, &s, &len)) != CXV_OK)
		return r;
	r = fn(v, id, s, len, why);
	cxv_cli_free_secret(s);
	return r;
}

/* The CLI is the local administrator: its passwords are not temporary. */
static int
set_password(struct cxv_vault *v, int64_t id, const char *pw, size_t len,
    const char **why)
{
	return cxv_auth_set_password(v, id, pw, len, 0, why);
}

static int
do_login(struct cxv_vault *v, struct args *a)
{
	struct cxv_profile prof;
	const char *why = NULL;
	int64_t id = 0;
	int r;

	if (a->profile == NULL)
		return cxv_cli_usage_error(&cxv_cmd_user, "login needs --profile");
	if ((r = cxv_user_lookup(v, a->cli.pos[0], &id)) != CXV_OK)
		why = "no such user";
	else if ((r = cxv_profile_by_name(v, a->profile, &prof)) != CXV_OK)
		why = "no such profile";
	else if ((r = cxv_auth_grant(v, id, prof.id)) == CXV_OK &&
	    a->pw_stdin)
		r = set_secret(v, id, "password", set_password, &why);
	if (r == CXV_OK && a->pin_stdin)
		r = set_secret(v, id, "PIN", cxv_auth_set_pin, &why);
	if (r != CXV_OK) {
		cxv_cli_error("user login", "%s%s%s", cxv_strerror(r),
		    why ? ": " : "", why ? why : "");
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

static int
do_unlock(struct cxv_vault *v, struct args *a)
{
	int64_t id = 0;
	int r;

	if ((r = cxv_user_lookup(v, a->cli.pos[0], &id)) == CXV_OK)
		r = cxv_auth_unlock(v, id);
	if (r != CXV_OK) {
		cxv_cli_error("user unlock", "%s", r == CXV_ERR_NOT_FOUND ?
		    "no such user, or it has no login" : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

static int
do_anonymize(struct cxv_vault *v, struct args *a)
{
	int64_t id = 0, n = 0;
	int kept = 0, r;

	if ((r = cxv_user_lookup(v, a->cli.pos[0], &id)) == CXV_OK)
		r = cxv_user_anonymize(v, id, &n, &kept);
	if (r != CXV_OK) {
		cxv_cli_error("user anonymize", "%s", r == CXV_ERR_NOT_FOUND ?
		    "no such user" : r == CXV_ERR_HELD ? "the person is under "
		    "legal hold" : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	printf("Deleted User %lld\n", (long long)n);
	if (kept)
		fprintf(stderr, "cxvault: user anonymize: the person has records "
		    "beyond the account; their identifiers stay until the "
		    "person is erased (subject erase)\n");
	return CXV_EXIT_OK;
}

static const struct verb {
	const char *name;
	int npos;
	int (*fn)(struct cxv_vault *, struct args *);
} verbs[] = {
	{ "add", 0, do_add }, { "show", 1, do_show }, { "list", 0, do_list },
	{ "login", 1, do_login }, { "unlock", 1, do_unlock },
	{ "anonymize", 1, do_anonymize },
};

static int
run(int argc, char **argv)
{
	static struct option opts[NFIELD_OPTS + 9] = {
		{ "logon", required_argument, NULL, 'l' },
		{ "kind", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "pin-stdin", no_argument, NULL, 'N' },
	};
	static const struct option common[] = { CXV_CLI_COMMON_OPTIONS };
	const struct verb *vb = NULL;
	struct cxv_vault *v = NULL;
	struct args a;
	size_t i;
	int r;

	cxv_cli_field_options(field_opts, NFIELD_OPTS, opts + 6);
	memcpy(opts + 6 + NFIELD_OPTS, common, sizeof(common));
	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cxv_cli_help(&cxv_cmd_user);
	for (i = 0; argc >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			vb = &verbs[i];
	if (vb == NULL)
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "expected add, show, list, login, unlock or anonymize");
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_user, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (a.cli.npos != vb->npos)
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "wrong number of arguments");
	if (vb->fn == do_add ? a.logon == NULL :
	    (a.logon != NULL || a.kind != NULL || a.subject != NULL ||
	    a.fs.n != 0))
		return cxv_cli_usage_error(&cxv_cmd_user, vb->fn == do_add ?
		    "--logon is required" : "fields are for add");
	if (vb->fn != do_login && (a.profile || a.pw_stdin || a.pin_stdin))
		return cxv_cli_usage_error(&cxv_cmd_user,
		    "--profile, --password-stdin and --pin-stdin are for login");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = vb->fn(v, &a);
	cxv_vault_close(v);
	return r;
}
