/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault import cdr: records from PBX and contact-center files (R10.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "core/config.h"
#include "core/mask.h"
#include "ingest/import.h"
#include "records/campaign.h"
#include "records/content.h"
#include "records/interaction.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_import = {
	"import",
	"import call detail records and content files",
	"cxvault import cdr [--data DIR] --format FORMAT [--source NAME]\n"
	"       [--ended-from T] [--ended-to T] FILE...\n"
	"       cxvault import content [--data DIR] --interaction ID|--user LOGON "
	"--kind KIND\n"
	"       [--mask-spans START-END[,...]] FILE\n"
	"       cxvault import campaign [--data DIR] --campaign NAME FILE.csv",
	"  cdr  read call detail records and store each as an interaction of\n"
	"       its customer (the caller, else the called party, if a person\n"
	"       and no user's extension), else of the user who took or made it,\n"
	"       with its trail. FORMAT: asterisk-csv (cdr_csv Master.csv, any\n"
	"       of its 16-21 column layouts), asterisk-custom (cdr_custom, in\n"
	"       the source's columns) or freeswitch-json (mod_json_cdr\n"
	"       documents, one per file or concatenated). NAME: a source of\n"
	"       cxvault.conf (source.NAME.*: region, zone, extensions,\n"
	"       columns); 'default' if none. Re-importing a file adds nothing.\n"
	"       --ended-from/--ended-to: only calls that ended then (UTC), as\n"
	"       a live feed's gap in 'cxvault status' gives them; the others\n"
	"       are counted as outside_window.\n"
	"       Calls with no person among their parties (service legs, a\n"
	"       withheld caller to an extension no user holds) are skipped and\n"
	"       counted. Rejected records are named FILE:LINE (or FILE:\n"
	"       document N) with the reason, never their content. Prints one\n"
	"       JSON summary per file. Exit 1 only if a record was malformed or\n"
	"       a file could not be read.\n"
	"  content  seal FILE (a recording, voicemail, transcript...) into the\n"
	"       content store as content of interaction ID, or of user LOGON\n"
	"       (greetings, voicemail box), streamed in constant memory. KIND:\n"
	"       recording, voicemail, greeting, chat_transcript,\n"
	"       sms_transcript, email, case_note, photo (a user's). Recordings\n"
	"       and voicemail (WAV: 16-bit PCM, A-law, u-law, 8/16 kHz, mono\n"
	"       or stereo) have every DTMF tone silenced before they are\n"
	"       sealed, and the spans --mask-spans gives (seconds from the\n"
	"       start, as an IVR or agent desktop marks a card being given);\n"
	"       other bytes are kept as they are. Prints the content id and\n"
	"       what was masked (times and kinds, never digits) as JSON.\n"
	"  campaign  load a calling list: a CSV header row naming 'name' and\n"
	"       'number' and up to 10 custom columns, then one person per line.\n"
	"       Numbers on the do-not-call list are skipped and counted.",
	run,
};

struct report_ctx {
	const char *file;
	const char *unit;
	int tty;
	unsigned batches;
};

static void
on_reject(void *ctx, uint64_t line, const char *why)
{
	struct report_ctx *rc = ctx;

	if (rc->tty)
		fputc('\n', stderr);
	if (strcmp(rc->unit, "line") == 0)
		fprintf(stderr, "cxvault: import: %s:%llu: %s\n", rc->file,
		    (unsigned long long)line, why);
	else
		fprintf(stderr, "cxvault: import: %s: %s %llu: %s\n", rc->file,
		    rc->unit, (unsigned long long)line, why);
}

/* A progress bar on a terminal; elsewhere a plain line every 10 batches. */
static void
on_progress(void *ctx, const struct cxv_import_stats *st)
{
	struct report_ctx *rc = ctx;

	if (rc->tty)
		fprintf(stderr, "\r%s: %llu read, %llu imported", rc->file,
		    (unsigned long long)st->read,
		    (unsigned long long)st->imported);
	else if (++rc->batches % 10 == 0)
		fprintf(stderr, "cxvault: import: %s: %llu read, %llu imported\n",
		    rc->file, (unsigned long long)st->read,
		    (unsigned long long)st->imported);
}

/*
 * Import one file: CDRs in format, or (format NULL) a calling list of
 * campaign cid. Prints the JSON summary; exit 1 if anything was rejected.
 */
static int
import_file(struct cxv_vault *v, const char *format,
    const struct cxv_source *src, const struct cxv_import_window *win,
    int64_t cid, const char *path)
{
	struct report_ctx rc = { path, format ? cxv_import_cdr_unit(format) :
	    "line", isatty(STDERR_FILENO), 0 };
	struct cxv_import_report rep = { on_reject, on_progress, &rc };
	struct cxv_import_stats st;
	FILE *in;
	int r;

	if ((in = fopen(path, "rbe")) == NULL) {
		cxv_cli_error("import", "%s: %s", path, strerror(errno));
		return CXV_EXIT_FAIL;
	}
	r = format ? cxv_import_cdr(v, format, src, win, in, &rep, &st) :
	    cxv_import_campaign(v, cid, in, &rep, &st);
	fclose(in);
	if (rc.tty)
		fputc('\n', stderr);
	if (r == CXV_ERR_INVALID && format == NULL)
		return CXV_EXIT_FAIL;	/* the header was reported */
	if (r != CXV_OK) {
		cxv_cli_error("import", "%s: stopped after %llu records: %s",
		    path, (unsigned long long)st.imported, cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	r = cxv_cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:{s:I, s:I}, s:o*}", "file", path, "read", (json_int_t)st.read,
	    "imported", (json_int_t)st.imported, "duplicates",
	    (json_int_t)st.duplicates, "dnc_skipped", (json_int_t)st.dnc,
	    "rejected", (json_int_t)st.rejected, "fields_dropped",
	    (json_int_t)st.dropped, "skipped",
	    cxv_cdr_fate_skip_name(CXV_CDR_SKIPPED_SERVICE),
	    (json_int_t)st.skipped_service,
	    cxv_cdr_fate_skip_name(CXV_CDR_SKIPPED_NO_PERSON),
	    (json_int_t)st.skipped_no_person, "outside_window", win != NULL ?
	    json_integer((json_int_t)st.outside) : NULL));
	return r == CXV_EXIT_OK && st.rejected == 0 ? CXV_EXIT_OK :
	    CXV_EXIT_FAIL;
}

struct args {
	struct cxv_cli_args cli;
	const char *format, *kind, *interaction, *campaign, *user, *source;
	const char *ended_from, *ended_to, *mask_spans;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	if (o == 'f')
		a->format = arg;
	else if (o == 'k')
		a->kind = arg;
	else if (o == 'i')
		a->interaction = arg;
	else if (o == 'c')
		a->campaign = arg;
	else if (o == 'u')
		a->user = arg;
	else if (o == 's')
		a->source = arg;
	else if (o == 'F')
		a->ended_from = arg;
	else if (o == 'T')
		a->ended_to = arg;
	else if (o == 'M')
		a->mask_spans = arg;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

static int
import_cdrs(struct args *a)
{
	struct cxv_import_window win = { INT64_MIN, INT64_MAX };
	const struct cxv_source *src;
	struct cxv_vault *v = NULL;
	int i, r, rc = CXV_EXIT_OK;

	if (a->format == NULL || !cxv_import_cdr_format_known(a->format))
		return cxv_cli_usage_error(&cxv_cmd_import, "--format "
		    "asterisk-csv|asterisk-custom|freeswitch-json is required");
	if ((a->ended_from != NULL && cxv_time_parse(a->ended_from,
	    &win.from) != CXV_OK) || (a->ended_to != NULL &&
	    cxv_time_parse(a->ended_to, &win.to) != CXV_OK) ||
	    win.from > win.to)
		return cxv_cli_usage_error(&cxv_cmd_import, "--ended-from/"
		    "--ended-to take YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.mmm]Z, "
		    "from before to");
	if (a->cli.npos == 0)
		return cxv_cli_usage_error(&cxv_cmd_import, "no file given");
	if ((r = cxv_cli_open(a->cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	if ((src = cxv_config_source(cxv_vault_config(v), a->source)) == NULL) {
		cxv_cli_error("import", "no source '%s' in cxvault.conf "
		    "(source.NAME.region, zone, extensions, columns)",
		    a->source);
		cxv_vault_close(v);
		return CXV_EXIT_USAGE;
	}
	for (i = 0; i < a->cli.npos; i++)
		if (import_file(v, a->format, src, a->ended_from != NULL ||
		    a->ended_to != NULL ? &win : NULL, 0, a->cli.pos[i]) !=
		    CXV_EXIT_OK)
			rc = CXV_EXIT_FAIL;
	cxv_vault_close(v);
	return rc;
}

/* What was masked, as the vault keeps it (JSON), or null. */
static json_t *
masking_of(struct cxv_vault *v, int64_t id)
{
	struct cxv_content_info info;

	if (cxv_content_info(v, id, &info) != CXV_OK)
		return json_null();
	return cxv_view_masking(info.masking);
}

static int
put_content(struct cxv_vault *v, int64_t interaction, const char *user,
    enum cxv_content_kind kind, const struct cxv_mask_span *spans,
    size_t nspans, const char *path)
{
	int64_t id = 0, uid = 0;
	FILE *in;
	int r;

	if (user != NULL && cxv_user_lookup(v, user, &uid) != CXV_OK) {
		cxv_cli_error("import content", "no such user");
		return CXV_EXIT_FAIL;
	}
	if ((in = fopen(path, "rbe")) == NULL) {
		cxv_cli_error("import content", "%s: %s", path, strerror(errno));
		return CXV_EXIT_FAIL;
	}
	r = cxv_content_put(v, interaction, uid, kind, spans, nspans, in, &id);
	fclose(in);
	if (r != CXV_OK) {
		cxv_cli_error("import content", "%s: %s", path,
		    r == CXV_ERR_NOT_FOUND ? "no such interaction" :
		    r == CXV_ERR_INVALID && nspans > 0 ? "spans can be masked "
		    "only in a recording or voicemail the vault can read (WAV: "
		    "16-bit PCM, A-law or u-law, 8 or 16 kHz, mono or stereo); "
		    "nothing was stored" : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return cxv_cli_print_json(json_pack("{s:I, s:s, s:s, s:o}", "content",
	    (json_int_t)id, "kind", cxv_content_kind_name((int)kind), "file",
	    path, "masking", masking_of(v, id)));
}

static int
import_content(struct args *a)
{
	enum cxv_content_kind kind;
	struct cxv_vault *v = NULL;
	struct cxv_mask_span *spans = NULL;
	size_t nspans = 0;
	const char *why;
	int64_t interaction = 0;
	int r;

	if (a->kind == NULL || cxv_content_kind_parse(a->kind, &kind) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_import,
		    "--kind recording|voicemail|greeting|chat_transcript|"
		    "sms_transcript|email|case_note|photo is required");
	if ((a->interaction == NULL) == (a->user == NULL))
		return cxv_cli_usage_error(&cxv_cmd_import,
		    "give --interaction ID or --user LOGON");
	if (a->interaction != NULL && (r = cxv_cli_parse_id(&cxv_cmd_import,
	    a->interaction, &interaction)) != -1)
		return r;
	if (a->cli.npos != 1)
		return cxv_cli_usage_error(&cxv_cmd_import, "give one file");
	if (a->mask_spans != NULL && cxv_mask_spans_parse(a->mask_spans, &spans,
	    &nspans, &why) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_import, why);
	if ((r = cxv_cli_open(a->cli.dir, &v)) == CXV_EXIT_OK) {
		r = put_content(v, interaction, a->user, kind, spans, nspans,
		    a->cli.pos[0]);
		cxv_vault_close(v);
	}
	free(spans);
	return r;
}

static int
take_campaign(void *ctx, const struct cxv_campaign_row *row)
{
	*(int64_t *)ctx = row->id;
	return CXV_OK;
}

static int
import_list(int argc, char **argv, const struct option *opts)
{
	struct cxv_vault *v = NULL;
	int64_t cid = 0;
	struct args a;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_import, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (a.campaign == NULL || a.cli.npos != 1 || a.format || a.kind ||
	    a.interaction || a.source || a.mask_spans)
		return cxv_cli_usage_error(&cxv_cmd_import,
		    "import campaign takes --campaign NAME and one file");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	if ((r = cxv_campaign_find(v, a.campaign, take_campaign, &cid))
	    != CXV_OK) {
		cxv_cli_error("import campaign", "%s", r == CXV_ERR_NOT_FOUND ?
		    "no such campaign" : cxv_strerror(r));
		r = CXV_EXIT_FAIL;
	} else
		r = import_file(v, NULL, NULL, NULL, cid, a.cli.pos[0]);
	cxv_vault_close(v);
	return r;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "kind", required_argument, NULL, 'k' },
		{ "interaction", required_argument, NULL, 'i' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "source", required_argument, NULL, 's' },
		{ "ended-from", required_argument, NULL, 'F' },
		{ "ended-to", required_argument, NULL, 'T' },
		{ "mask-spans", required_argument, NULL, 'M' },
		CXV_CLI_COMMON_OPTIONS
	};
	static const char *const verbs[] = { "cdr", "content", "campaign" };
	struct args a;
	int cdr, verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_import, argc, argv, verbs, 3, &verb)) !=
	    -1)
		return r;
	if (verb == 2)
		return import_list(argc, argv, opts);
	cdr = verb == 0;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_import, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (cdr && (a.kind != NULL || a.interaction != NULL || a.user != NULL ||
	    a.mask_spans != NULL))
		return cxv_cli_usage_error(&cxv_cmd_import,
		    "--kind, --interaction, --user and --mask-spans are for "
		    "content");
	if (!cdr && (a.format != NULL || a.source != NULL ||
	    a.ended_from != NULL || a.ended_to != NULL))
		return cxv_cli_usage_error(&cxv_cmd_import,
		    "--format, --source, --ended-from and --ended-to are for cdr");
	return cdr ? import_cdrs(&a) : import_content(&a);
}
