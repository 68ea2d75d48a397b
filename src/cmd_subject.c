/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault subject add|find|show|merge: data subjects from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "erase.h"
#include "err.h"
#include "caps.h"
#include "subject.h"
#include "util.h"
#include "vault.h"
#include "view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_subject = {
	"subject",
	"add, find, show and merge data subjects",
	"cxvault subject add [--data DIR] IDENTIFIER...\n"
	"       cxvault subject find [--data DIR] IDENTIFIER [--records]\n"
	"       cxvault subject show [--data DIR] ID\n"
	"       cxvault subject merge [--data DIR] KEEP OTHER\n"
	"       cxvault subject erase [--data DIR] ID [--dnc]",
	"Manage data subjects (the people the vault holds data about).\n\n"
	"  add    resolve-or-create a subject from identifiers; prints its id.\n"
	"         Identifiers may repeat. A known phone, email, chat handle,\n"
	"         account or logon id adds the rest to its subject.\n"
	"  find   subject ids holding one identifier, as JSON lines (the\n"
	"         lookup goes through the blind index; audited). With\n"
	"         --records, every record held about each one in every store\n"
	"         (store, id, time) follows its line.\n"
	"  show   a subject's decrypted identifiers as JSON (audited).\n"
	"  merge  move OTHER's identifiers to KEEP and delete OTHER.\n"
	"  erase  remove the person and everything held about them from every\n"
	"         store, destroy their key, record the erasure; prints the\n"
	"         receipt (JSON, counts per store, no personal data). With\n"
	"         --dnc their numbers go on the do-not-call list first.\n\n"
	"Identifiers: --phone P --email E --name N --chat H --account A\n"
	"--logon L. Phones: +E.164, 00..., national 0... (default country\n"
	"from cxvault.conf) or a 2-6 digit extension.",
	run,
};

struct args {
	struct cxv_cli_args cli;
	struct cxv_cli_idents idents;
	int64_t idv[2];		/* positional subject ids */
	int dnc, records;
};

static int
ident_opt(void *ctx, int opt, const char *arg)
{
	struct args *a = ctx;
	int r;

	if (opt == 'D')
		return a->dnc = 1, -1;
	if (opt == 'R')
		return a->records = 1, -1;
	r = cxv_cli_ident_opt(&cxv_cmd_subject, &a->idents, opt, arg);
	return r == 0 ? CXV_EXIT_USAGE : r;
}

/* Parse options after the verb; returns -1 to go on, else an exit code. */
static int
parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		CXV_CLI_IDENT_OPTIONS,
		{ "dnc", no_argument, NULL, 'D' },
		{ "records", no_argument, NULL, 'R' },
		CXV_CLI_COMMON_OPTIONS
	};
	int i, r;

	memset(a, 0, sizeof(*a));
	if ((r = cxv_cli_parse(&cxv_cmd_subject, argc, argv, opts, ident_opt,
	    a, &a->cli)) != -1)
		return r;
	for (i = 0; i < a->cli.npos && i < 2; i++)
		if ((r = cxv_cli_parse_id(&cxv_cmd_subject, a->cli.pos[i],
		    &a->idv[i])) != -1)
			return r;
	return -1;
}

static int
fail(const char *what, int r, const char *why)
{
	return cxv_cli_fail(what, r, why, "no such subject");
}

static int
do_add(struct cxv_vault *v, struct args *a)
{
	const char *why = NULL;
	int64_t id = 0;
	int created = 0, r;

	r = cxv_subject_resolve(v, a->idents.ids, a->idents.n, &id, &created, &why);
	if (r == CXV_ERR_CONFLICT)
		why = "they belong to different subjects; merge them first";
	if (r != CXV_OK)
		return fail("subject add", r, why);
	printf("%lld\n", (long long)id);
	return CXV_EXIT_OK;
}

static int
print_record(void *ctx, const char *store, int64_t id, int64_t ts_ms)
{
	char ts[CXV_TIME_STR];

	cxv_time_format(ts_ms, ts);
	return cxv_cli_print_json(json_pack("{s:I, s:s, s:I, s:s}", "subject",
	    (json_int_t)*(int64_t *)ctx, "store", store, "record",
	    (json_int_t)id, "time", ts)) == CXV_EXIT_OK ? CXV_OK : CXV_ERR_IO;
}

static int
do_find(struct cxv_vault *v, struct args *a)
{
	int64_t ids[CXV_FIND_MAX];
	const char *why = NULL;
	size_t n = 0, i;
	int r, rr;

	r = cxv_subject_find(v, &a->idents.ids[0], ids, CXV_FIND_MAX, &n, &why);
	if (r != CXV_OK)
		return fail("subject find", r, why);
	for (i = 0; i < n && r == CXV_EXIT_OK; i++) {
		r = cxv_cli_print_json(json_pack("{s:I}", "subject",
		    (json_int_t)ids[i]));
		if (r == CXV_EXIT_OK && a->records &&
		    (rr = cxv_subject_records(v, ids[i], print_record, &ids[i]))
		    != CXV_OK)
			r = fail("subject find", rr, NULL);
	}
	return r;
}

static int
do_show(struct cxv_vault *v, struct args *a)
{
	json_t *doc = NULL;
	int r;

	if ((r = cxv_view_subject(v, a->idv[0], &doc)) != CXV_OK)
		return fail("subject show", r, NULL);
	return cxv_cli_print_json(doc);
}

static int
do_merge(struct cxv_vault *v, struct args *a)
{
	int64_t keep = a->idv[0], other = a->idv[1];
	int r;

	if ((r = cxv_subject_merge(v, keep, other)) != CXV_OK)
		return fail("subject merge", r, NULL);
	printf("%lld\n", (long long)keep);
	return CXV_EXIT_OK;
}

static int
do_erase(struct cxv_vault *v, struct args *a)
{
	char *receipt = NULL;
	int r;

	if ((r = cxv_subject_erase(v, a->idv[0], a->dnc, &receipt)) != CXV_OK)
		return fail("subject erase", r, NULL);
	r = puts(receipt) >= 0 ? CXV_EXIT_OK : CXV_EXIT_FAIL;
	free(receipt);
	return r;
}

static const struct verb {
	const char *name;
	int min_ids, max_ids, npos;
	int (*fn)(struct cxv_vault *, struct args *);
} verbs[] = {
	{ "add", 1, CXV_SUBJECT_IDENTS_MAX, 0, do_add },
	{ "find", 1, 1, 0, do_find },
	{ "show", 0, 0, 1, do_show },
	{ "merge", 0, 0, 2, do_merge },
	{ "erase", 0, 0, 1, do_erase },
};

static int
run(int argc, char **argv)
{
	struct cxv_vault *v = NULL;
	const struct verb *vb = NULL;
	struct args a;
	size_t i;
	int r;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cxv_cli_help(&cxv_cmd_subject);
	for (i = 0; argc >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			vb = &verbs[i];
	if (vb == NULL)
		return cxv_cli_usage_error(&cxv_cmd_subject,
		    "expected add, find, show, merge or erase");
	if ((r = parse(argc - 1, argv + 1, &a)) != -1)
		return r;
	if ((int)a.idents.n < vb->min_ids || (int)a.idents.n > vb->max_ids)
		return cxv_cli_usage_error(&cxv_cmd_subject, vb->max_ids == 1 ?
		    "give exactly one identifier" : vb->max_ids == 0 ?
		    "identifiers are not taken here" : "give an identifier");
	if (a.cli.npos != vb->npos)
		return cxv_cli_usage_error(&cxv_cmd_subject,
		    "wrong number of arguments");
	if ((a.dnc && vb->fn != do_erase) || (a.records && vb->fn != do_find))
		return cxv_cli_usage_error(&cxv_cmd_subject,
		    "--dnc is for erase, --records for find");
	if (vb->npos == 2 && a.idv[0] == a.idv[1])
		return cxv_cli_usage_error(&cxv_cmd_subject,
		    "cannot merge a subject into itself");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = vb->fn(v, &a);
	cxv_vault_close(v);
	return r;
}
