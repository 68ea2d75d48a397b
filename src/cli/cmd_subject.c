/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cxvault subject add|find|show|merge|erase|hold|restrict|rectify|export:
 * data subjects and their rights (R9) from the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/interaction.h"
#include "records/subject.h"
#include "records/vault.h"
#include "records/view.h"
#include "rights/erase.h"
#include "rights/export.h"
#include "rights/rectify.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_subject = {
	"subject",
	"find, show, export, rectify, hold and erase data subjects",
	"cxvault subject add [--data DIR] IDENTIFIER...\n"
	"       cxvault subject find [--data DIR] IDENTIFIER [--records "
	"[--since T] [--until T] [--media M]]\n"
	"       cxvault subject show [--data DIR] ID\n"
	"       cxvault subject merge [--data DIR] KEEP OTHER\n"
	"       cxvault subject erase [--data DIR] ID --reason GROUND [--dnc]\n"
	"       cxvault subject hold|restrict [--data DIR] ID --on|--off\n"
	"       cxvault subject rectify [--data DIR] ID IDENTIFIER --to VALUE\n"
	"       cxvault subject export [--data DIR] ID --out FILE",
	"Manage data subjects (the people the vault holds data about).\n\n"
	"  add      resolve-or-create a subject from identifiers; prints its\n"
	"           id. A known phone, email, chat handle, account or logon\n"
	"           id adds the rest to its subject.\n"
	"  find     subject ids holding one identifier, as JSON lines (through\n"
	"           the blind index; audited). With --records, every record\n"
	"           held about each in every store (store, id, time, media),\n"
	"           statistics by pseudonym and do-not-call entries follow;\n"
	"           --since/--until/--media narrow them (R9.1).\n"
	"  show     a subject's identifiers and flags as JSON (audited).\n"
	"  merge    move OTHER's identifiers and records to KEEP; delete OTHER.\n"
	"  erase    remove the person from every store, destroy their key,\n"
	"           record the erasure; prints the receipt (JSON, no personal\n"
	"           data). GROUND: no_longer_necessary, consent_withdrawn,\n"
	"           objection, unlawful_processing, legal_obligation,\n"
	"           child_consent or retention. --dnc lists their numbers as\n"
	"           do-not-call first. Refused under legal hold.\n"
	"  hold     legal hold on or off (R9.5): no erasure, no purge.\n"
	"  restrict restriction of processing on or off (R9.5).\n"
	"  rectify  replace the identifier given (e.g. --email OLD) by VALUE\n"
	"           everywhere it is held (R9.3); prints what changed.\n"
	"  export   everything held about the person as a tar archive (a\n"
	"           JSON document and the content files) to FILE, or '-'\n"
	"           for standard output (R9.2; audited).\n\n"
	"Identifiers: --phone P --email E --name N --chat H --account A\n"
	"--logon L --sip S --dialled D. Phones: +E.164, 00..., national 0...\n"
	"(default country from cxvault.conf) or a 2-6 digit extension. SIP:\n"
	"a URI or user name a PBX wrote. Dialled: digits a PBX wrote that\n"
	"are no number of its region, found exactly as written.",
	run,
};

struct args {
	struct cxv_cli_args cli;
	struct cxv_cli_idents idents;
	int64_t idv[2];		/* positional subject ids */
	int dnc, records, on, off;
	const char *reason, *to, *out, *since, *until, *media;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;
	int r;

	switch (o) {
	case 'D': a->dnc = 1; return -1;
	case 'R': a->records = 1; return -1;
	case '1': a->on = 1; return -1;
	case '0': a->off = 1; return -1;
	case 'r': a->reason = arg; return -1;
	case 't': a->to = arg; return -1;
	case 'o': a->out = arg; return -1;
	case 's': a->since = arg; return -1;
	case 'u': a->until = arg; return -1;
	case 'm': a->media = arg; return -1;
	default: break;
	}
	r = cxv_cli_ident_opt(&cxv_cmd_subject, &a->idents, o, arg);
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
		{ "on", no_argument, NULL, '1' },
		{ "off", no_argument, NULL, '0' },
		{ "reason", required_argument, NULL, 'r' },
		{ "to", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "media", required_argument, NULL, 'm' },
		CXV_CLI_COMMON_OPTIONS
	};
	int i, r;

	memset(a, 0, sizeof(*a));
	if ((r = cxv_cli_parse(&cxv_cmd_subject, argc, argv, opts, opt, a,
	    &a->cli)) != -1)
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
usage(const char *msg)
{
	return cxv_cli_usage_error(&cxv_cmd_subject, msg);
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

/* The records of a find, narrowed by time and media. */
struct filter {
	int64_t subject, since, until;
	int media;
};

static int
print_record(void *ctx, const struct cxv_record_ref *ref)
{
	struct filter *f = ctx;

	if ((ref->ts_ms != 0 && (ref->ts_ms < f->since ||
	    ref->ts_ms >= f->until)) || (f->media >= 0 && ref->media != f->media))
		return CXV_OK;
	return cxv_cli_print_doc(NULL, cxv_view_record(f->subject, ref));
}

static int
do_find(struct cxv_vault *v, struct args *a)
{
	struct filter f = { 0, INT64_MIN, INT64_MAX, -1 };
	enum cxv_media media;
	int64_t ids[CXV_FIND_MAX];
	const char *why = NULL;
	size_t n = 0, i;
	int r, rr;

	if ((a->since && cxv_time_parse(a->since, &f.since) != CXV_OK) ||
	    (a->until && cxv_time_parse(a->until, &f.until) != CXV_OK))
		return usage("--since/--until take YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ");
	if (a->media != NULL && cxv_media_parse(a->media, &media) != CXV_OK)
		return usage("--media takes voice, email, chat, sms or open_media");
	if (a->media != NULL)
		f.media = (int)media;
	r = cxv_subject_find(v, &a->idents.ids[0], ids, CXV_FIND_MAX, &n, &why);
	if (r != CXV_OK)
		return fail("subject find", r, why);
	for (i = 0; i < n && r == CXV_EXIT_OK; i++) {
		r = cxv_cli_print_json(json_pack("{s:I}", "subject",
		    (json_int_t)ids[i]));
		f.subject = ids[i];
		if (r == CXV_EXIT_OK && a->records &&
		    (rr = cxv_subject_records(v, ids[i], print_record, &f)) !=
		    CXV_OK)
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
		return fail("subject merge", r, r == CXV_ERR_CONFLICT ?
		    "the other subject has content (recordings...); erase it "
		    "or keep both" : r == CXV_ERR_EXISTS ? "both are on one "
		    "calling list" : NULL);
	printf("%lld\n", (long long)keep);
	return CXV_EXIT_OK;
}

static int
do_erase(struct cxv_vault *v, struct args *a)
{
	char *receipt = NULL;
	int r;

	if (!cxv_erase_ground_valid(a->reason))
		return usage("--reason takes no_longer_necessary, "
		    "consent_withdrawn, objection, unlawful_processing, "
		    "legal_obligation, child_consent or retention");
	if ((r = cxv_subject_erase(v, a->idv[0], a->dnc, a->reason,
	    &receipt)) != CXV_OK)
		return fail("subject erase", r, NULL);
	r = puts(receipt) >= 0 ? CXV_EXIT_OK : CXV_EXIT_FAIL;
	free(receipt);
	return r;
}

/* hold and restrict: a flag on or off. */
static int
set_flag(struct cxv_vault *v, struct args *a, int restricted)
{
	const char *what = restricted ? "subject restrict" : "subject hold";
	int r;

	if (a->on == a->off)
		return usage("give --on or --off");
	if ((r = cxv_subject_set_flag(v, a->idv[0], restricted, a->on)) !=
	    CXV_OK)
		return fail(what, r, NULL);
	return CXV_EXIT_OK;
}

static int
do_hold(struct cxv_vault *v, struct args *a)
{
	return set_flag(v, a, 0);
}

static int
do_restrict(struct cxv_vault *v, struct args *a)
{
	return set_flag(v, a, 1);
}

static int
do_rectify(struct cxv_vault *v, struct args *a)
{
	const char *why = NULL;
	char *summary = NULL;
	int r;

	if (a->to == NULL)
		return usage("rectify needs --to VALUE");
	if ((r = cxv_subject_rectify(v, a->idv[0], a->idents.ids[0].kind,
	    a->idents.ids[0].value, a->to, &summary, &why)) != CXV_OK)
		return fail("subject rectify", r, why);
	r = puts(summary) >= 0 ? CXV_EXIT_OK : CXV_EXIT_FAIL;
	free(summary);
	return r;
}

/* Copy the archive to fd; the file is removed if it fails. */
static int
write_export(struct cxv_export *x, int fd)
{
	uint8_t buf[CXV_STREAM_CHUNK];
	size_t got = 0, off;
	ssize_t w;
	int r;

	do {
		if ((r = cxv_export_read(x, buf, sizeof(buf), &got)) != CXV_OK)
			return r;
		for (off = 0; off < got; off += (size_t)w)
			if ((w = write(fd, buf + off, got - off)) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				return CXV_ERR_IO;
			}
	} while (got > 0);
	return CXV_OK;
}

static int
do_export(struct cxv_vault *v, struct args *a)
{
	struct cxv_export *x = NULL;
	int fd, r, tostdout;

	if (a->out == NULL)
		return usage("export needs --out FILE (or - for standard output)");
	tostdout = strcmp(a->out, "-") == 0;
	if ((r = cxv_export_open(v, a->idv[0], &x)) != CXV_OK)
		return fail("subject export", r, NULL);
	fd = tostdout ? STDOUT_FILENO : open(a->out, O_WRONLY | O_CREAT |
	    O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		cxv_export_close(x);
		cxv_cli_error("subject export", "%s: %s", a->out,
		    strerror(errno));
		return CXV_EXIT_FAIL;
	}
	r = write_export(x, fd);
	cxv_export_close(x);
	if (!tostdout && (fsync(fd) != 0 || close(fd) != 0) && r == CXV_OK)
		r = CXV_ERR_IO;
	if (r != CXV_OK && !tostdout)
		(void)unlink(a->out);
	return r == CXV_OK ? CXV_EXIT_OK : fail("subject export", r, NULL);
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
	{ "hold", 0, 0, 1, do_hold },
	{ "restrict", 0, 0, 1, do_restrict },
	{ "rectify", 1, 1, 1, do_rectify },
	{ "export", 0, 0, 1, do_export },
};

/* Options that belong to one verb only. */
static const char *
misplaced(const struct verb *vb, const struct args *a)
{
	if (a->dnc && vb->fn != do_erase)
		return "--dnc is for erase";
	if (a->reason && vb->fn != do_erase)
		return "--reason is for erase";
	if ((a->records || a->since || a->until || a->media) &&
	    vb->fn != do_find)
		return "--records, --since, --until and --media are for find";
	if ((a->since || a->until || a->media) && !a->records)
		return "--since, --until and --media narrow --records";
	if ((a->on || a->off) && vb->fn != do_hold && vb->fn != do_restrict)
		return "--on and --off are for hold and restrict";
	if (a->to && vb->fn != do_rectify)
		return "--to is for rectify";
	if (a->out && vb->fn != do_export)
		return "--out is for export";
	return NULL;
}

static int
run(int argc, char **argv)
{
	struct cxv_vault *v = NULL;
	const struct verb *vb = NULL;
	const char *bad;
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
		return usage("expected add, find, show, merge, erase, hold, "
		    "restrict, rectify or export");
	if ((r = parse(argc - 1, argv + 1, &a)) != -1)
		return r;
	if ((int)a.idents.n < vb->min_ids || (int)a.idents.n > vb->max_ids)
		return usage(vb->max_ids == 1 ? "give exactly one identifier" :
		    vb->max_ids == 0 ? "identifiers are not taken here" :
		    "give an identifier");
	if (a.cli.npos != vb->npos)
		return usage("wrong number of arguments");
	if ((bad = misplaced(vb, &a)) != NULL)
		return usage(bad);
	if (vb->npos == 2 && a.idv[0] == a.idv[1])
		return usage("cannot merge a subject into itself");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = vb->fn(v, &a);
	cxv_vault_close(v);
	return r;
}
