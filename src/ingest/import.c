/* SPDX-License-Identifier: Apache-2.0 */
/* Batched, idempotent imports of platform files; see import.h. */
#include "ingest/import.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "base/caps.h"
#include "base/csv_line.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "core/log.h"
#include "ingest/cdr_format.h"
#include "records/campaign.h"
#include "records/cdr.h"
#include "records/interaction.h"
#include "records/vault.h"
#include "store/store.h"

/* What a reader's next() found. */
enum got { GOT_RECORD, GOT_END, GOT_REJECT, GOT_FAIL };

/* A source of CDRs in one format; where is the line or document number. */
/* A line parser of cdr_format.h. */
typedef int (*line_parser)(const char *line, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out, const char **why);

struct reader {
	FILE *in;
	const struct cxv_source *src;
	line_parser parse_line;		/* line formats */
	char *buf;		/* CXV_IMPORT_LINE_MAX + 1, locked */
	char *doc;		/* DOC_CAP: a FreeSWITCH document, wiped */
	uint64_t where;
	enum got (*next)(struct reader *rd, struct cxv_cdr *c,
	    const char **why, int *r);
};

/*
 * Read one line (without its end) into buf. Returns 1 for a line, 0 at
 * EOF, -1 for a line over CXV_IMPORT_LINE_MAX (skipped to its end).
 */
static int
read_line(FILE *in, char *buf, size_t *len)
{
	int c;
	size_t n = 0, over = 0;

	/* The import's own stream: no other thread reads it. */
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (n < CXV_IMPORT_LINE_MAX)
			buf[n++] = (char)c;
		else
			over = 1;
	}
	if (c == EOF && n == 0 && !over)
		return 0;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*len = n;
	return over ? -1 : 1;
}

/* The next non-empty line into rd->buf (*len bytes), counted in rd->where. */
static enum got
next_line(struct reader *rd, size_t *len, const char **why, int *r)
{
	int got;

	do {
		if ((got = read_line(rd->in, rd->buf, len)) == 0)
			return ferror(rd->in) ? (*r = CXV_ERR_IO, GOT_FAIL) :
			    GOT_END;
		/* A byte-order mark some tools put before the first line. */
		if (rd->where++ == 0 && got > 0 && *len >= 3 &&
		    memcmp(rd->buf, "\xEF\xBB\xBF", 3) == 0) {
			*len -= 3;
			memmove(rd->buf, rd->buf + 3, *len);
		}
	} while (got > 0 && *len == 0);
	if (got < 0)
		return *why = "line too long", GOT_REJECT;
	return GOT_RECORD;
}

/* Asterisk cdr_csv and cdr_custom: one record per non-empty line. */
static enum got
next_asterisk(struct reader *rd, struct cxv_cdr *c, const char **why, int *r)
{
	size_t len = 0;
	enum got got;

	if ((got = next_line(rd, &len, why, r)) != GOT_RECORD)
		return got;
	return rd->parse_line(rd->buf, len, rd->src, c, why) == CXV_OK ?
	    GOT_RECORD : GOT_REJECT;
}

/* A byte-order mark some tools write first: no JSON starts with 0xEF. */
static void
skip_bom(FILE *f)
{
	int c = getc_unlocked(f);

	if (c == 0xEF) {
		(void)getc_unlocked(f);
		(void)getc_unlocked(f);
	} else if (c != EOF)
		ungetc(c, f);
}

/* An encoded document is up to three times as long as its JSON. */
#define DOC_CAP	((size_t)3 * CXV_JSON_DOC_MAX)

/* Where a JSON text ends: a brace count that knows strings. */
struct scan {
	int depth, in_str, esc;
};

static void
scan(struct scan *s, int ch)
{
	if (s->in_str) {
		if (s->esc)
			s->esc = 0;
		else if (ch == '\\')
			s->esc = 1;
		else if (ch == '"')
			s->in_str = 0;
	} else if (ch == '"')
		s->in_str = 1;
	else if (ch == '{' || ch == '[')
		s->depth++;
	else if (ch == '}' || ch == ']')
		s->depth--;
}

/*
 * The JSON document that starts with the '{' just read, into rd->doc
 * (*n bytes; *over if it did not fit). Files concatenated with cat start
 * each document at the beginning of a line, and no document has a line
 * that starts with '{' inside it: such a line ends a broken document
 * (0 returned) and starts the next.
 */
static int
read_document(struct reader *rd, size_t *n, int *over)
{
	struct scan sc = { 0, 0, 0 };
	int ch = '{', line_start = 0;

	*n = 0;
	*over = 0;
	for (;;) {
		if (*n < CXV_JSON_DOC_MAX)
			rd->doc[(*n)++] = (char)ch;
		else
			*over = 1;
		scan(&sc, ch);
		if (sc.depth == 0)
			return 1;
		/* The import's own stream: no other thread reads it. */
		if ((ch = getc_unlocked(rd->in)) == EOF)
			return 0;
		if (line_start && ch == '{') {
			ungetc(ch, rd->in);
			return 0;
		}
		line_start = ch == '\n';
	}
}

/* One line (an err-log-dir file of encode=true|base64) into rd->doc. */
static void
read_encoded(struct reader *rd, int ch, size_t *n, int *over)
{
	*n = 0;
	*over = 0;
	for (; ch != EOF && ch != '\n'; ch = getc_unlocked(rd->in)) {
		if (*n < DOC_CAP)
			rd->doc[(*n)++] = (char)ch;
		else
			*over = 1;
	}
}

/*
 * FreeSWITCH mod_json_cdr: JSON documents one after another (one file per
 * call, or files concatenated; on one line or pretty-printed), or an
 * encoded document per line (err-log-dir with encode=true or base64). A
 * broken document is rejected and the next one read.
 */
static enum got
next_freeswitch(struct reader *rd, struct cxv_cdr *c, const char **why, int *r)
{
	json_error_t err;
	json_t *doc;
	size_t n = 0;
	int ch, over, whole = 1;

	if (rd->where == 0)
		skip_bom(rd->in);
	while ((ch = getc_unlocked(rd->in)) == ' ' || ch == '\n' ||
	    ch == '\r' || ch == '\t')
		;
	if (ch == EOF)
		return ferror(rd->in) ? (*r = CXV_ERR_IO, GOT_FAIL) : GOT_END;
	rd->where++;
	if (ch == '{')
		whole = read_document(rd, &n, &over);
	else
		read_encoded(rd, ch, &n, &over);
	if (ferror(rd->in))
		*r = CXV_ERR_IO;
	else if (over)
		*r = (*why = "document over 1 MiB", CXV_ERR_TOO_LARGE);
	else if (ch != '{')
		*r = cxv_cdr_parse_freeswitch(rd->doc, n, c, why);
	/* Older releases write one "callflow" key per profile: the last. */
	else if (!whole || (doc = json_loadb(rd->doc, n, 0, &err)) == NULL)
		*r = (*why = "malformed JSON", CXV_ERR_INVALID);
	else {
		*r = cxv_cdr_from_freeswitch(doc, c, why);
		json_decref(doc);
	}
	sodium_memzero(rd->doc, n);
	if (*r == CXV_ERR_IO)
		return GOT_FAIL;
	return *r == CXV_OK ? GOT_RECORD : GOT_REJECT;
}

static const struct {
	const char *name;
	enum got (*next)(struct reader *, struct cxv_cdr *, const char **,
	    int *);
	line_parser parse_line;
	const char *unit;
} formats[] = {
	{ "asterisk-csv", next_asterisk, cxv_cdr_parse_asterisk, "line" },
	{ "asterisk-custom", next_asterisk, cxv_cdr_parse_asterisk_custom,
	  "line" },
	{ "freeswitch-json", next_freeswitch, NULL, "document" },
};

static int
format_index(const char *format)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i].name) == 0)
			return (int)i;
	return -1;
}

int
cxv_import_cdr_format_known(const char *format)
{
	return format_index(format) >= 0;
}

const char *
cxv_import_cdr_unit(const char *format)
{
	int i = format_index(format);

	return i >= 0 ? formats[i].unit : "record";
}

/* A calling list's columns: which is the name, the number, the rest. */
struct list_cols {
	const char *col[2 + CXV_CAMPAIGN_CUSTOM_MAX];
	size_t ncol;
	int name, number;			/* column numbers */
	char header[2 + CXV_CAMPAIGN_CUSTOM_MAX][65];
	char store[CXV_IMPORT_LINE_MAX + 2 + CXV_CAMPAIGN_CUSTOM_MAX];
	int64_t campaign_id;
};

/*
 * CDRs read ahead, so that a piped transaction (cxv_store_pipeline)
 * reads what they will look up in a few queries, not a few each: what
 * reading each gave, in the file's order. A window waits for its
 * lookups once, with the server's queue drained: 512 records keep the
 * server busy between (128 left it idle a quarter of the time). Their
 * strings share AHEAD_TEXT bytes, room for records of 2 KB on average;
 * a window ends early when what is left could not hold the longest.
 * So does a stream that has no more to give yet, so that a live feed
 * is not held up.
 */
#define IMPORT_AHEAD	512
#define AHEAD_TEXT	(IMPORT_AHEAD * (size_t)2048 + CXV_CDR_TEXT_MAX)

struct ahead {
	struct cxv_cdr *cdr;		/* IMPORT_AHEAD records, locked */
	char *text;			/* their strings, locked */
	size_t text_used;
	struct {
		enum got got;
		const char *why;
		int r;
		uint64_t where;
	} e[IMPORT_AHEAD];
	size_t n, at;			/* read; handed out */
	int fetched;			/* the rest prefetched in this txn */
	int whole;			/* a file (or memory): read on */
	int dry;			/* a stream with no more to give yet */
};

struct run {
	struct cxv_vault *v;
	const struct cxv_import_report *rep;
	struct cxv_import_stats *st;
	struct cxv_import_stats done;	/* as of the last commit */
	struct reader rd;
	uint64_t where;			/* the record's line or document */
	struct ahead *ahead;		/* CDR imports */
	struct cxv_cdr *cdr;		/* CDR imports: the record */
	struct list_cols *list;		/* calling-list imports */
	enum got (*next)(struct run *ru, const char **why, int *r);
	/* *fate: stored, duplicate or skipped (enum cxv_cdr_fate) */
	int (*store)(struct run *ru, int *fate, const char **why);
	struct cxv_cdr_batch *batch;	/* CDR imports */
	const struct cxv_import_window *win;	/* CDR imports; NULL: all */
	int in_batch;
};

/* A record left out by the window: not a fate of cxv_interaction_add_cdr(). */
#define FATE_OUTSIDE	(-1)

static void
run_init(struct run *ru, struct cxv_vault *v,
    const struct cxv_import_report *rep, struct cxv_import_stats *st,
    enum got (*next)(struct run *, const char **, int *),
    int (*store)(struct run *, int *, const char **))
{
	memset(st, 0, sizeof(*st));
	memset(ru, 0, sizeof(*ru));
	ru->v = v;
	ru->rep = rep;
	ru->st = st;
	ru->next = next;
	ru->store = store;
}

static void
reject(struct run *ru, const char *why)
{
	ru->st->rejected++;
	if (ru->rep->reject != NULL)
		ru->rep->reject(ru->rep->ctx, ru->where, why);
}

static int
ahead_new(FILE *in, struct ahead **out)
{
	struct ahead *a;
	struct stat sb;

	if ((*out = a = calloc(1, sizeof(*a))) == NULL)
		return CXV_ERR_NOMEM;
	/* Parsed records hold personal data: locked memory, wiped. */
	if ((a->cdr = sodium_malloc(IMPORT_AHEAD * sizeof(*a->cdr))) == NULL ||
	    (a->text = sodium_malloc(AHEAD_TEXT)) == NULL)
		return CXV_ERR_NOMEM;
	memset(a->cdr, 0, IMPORT_AHEAD * sizeof(*a->cdr));
	a->whole = fileno(in) < 0 || (fstat(fileno(in), &sb) == 0 &&
	    S_ISREG(sb.st_mode));
	return CXV_OK;
}

static void
ahead_free(struct ahead *a)
{
	size_t i;

	if (a == NULL)
		return;
	if (a->cdr != NULL)
		for (i = 0; i < a->n; i++)
			cxv_cdr_wipe(&a->cdr[i]);
	sodium_free(a->cdr);
	sodium_free(a->text);
	free(a);
}

/* Whether more of a stream can be read without waiting for it. */
static int
more_now(const struct ahead *a, FILE *in)
{
	struct pollfd pfd = { fileno(in), POLLIN, 0 };

	return a->whole || poll(&pfd, 1, 0) > 0;
}

/* The next records into the window, up to the end or a failure. */
static void
read_ahead(struct run *ru)
{
	struct ahead *a = ru->ahead;
	struct cxv_cdr *c;
	enum got got;
	size_t i;

	for (i = 0; i < a->n; i++)
		cxv_cdr_wipe(&a->cdr[i]);
	a->n = a->at = 0;
	a->text_used = 0;
	a->fetched = 0;
	a->dry = 0;
	do {
		c = &a->cdr[a->n];
		cxv_cdr_init(c, a->text + a->text_used, CXV_CDR_TEXT_MAX);
		got = ru->rd.next(&ru->rd, c, &a->e[a->n].why, &a->e[a->n].r);
		a->text_used += c->used;
		a->e[a->n].got = got;
		a->e[a->n++].where = ru->rd.where;
	} while (a->n < IMPORT_AHEAD && AHEAD_TEXT - a->text_used >=
	    CXV_CDR_TEXT_MAX && (got == GOT_RECORD || got == GOT_REJECT) &&
	    !(a->dry = !more_now(a, ru->rd.in)));
}

static enum got
next_cdr(struct run *ru, const char **why, int *r)
{
	struct ahead *a = ru->ahead;
	size_t at;

	if (a->at == a->n)
		read_ahead(ru);
	at = a->at++;
	ru->cdr = &a->cdr[at];
	ru->where = a->e[at].where;
	*why = a->e[at].why;
	*r = a->e[at].r;
	return a->e[at].got;
}

/*
 * In the batch's transaction, piped where that saves round trips: what
 * the window's records still to store will look up, read at once.
 */
static int
prefetch(struct run *ru)
{
	struct cxv_store *st = cxv_vault_store(ru->v);
	struct ahead *a = ru->ahead;
	const struct cxv_cdr *todo[IMPORT_AHEAD];
	size_t i, n = 0;
	int r;

	if (!cxv_store_piped(st)) {
		if ((r = cxv_store_pipeline(st)) != CXV_OK)
			return r;
		a->fetched = 0;
	}
	if (a->fetched || !cxv_store_piped(st))
		return CXV_OK;
	a->fetched = 1;
	for (i = a->at - 1; i < a->n; i++)
		if (a->e[i].got == GOT_RECORD)
			todo[n++] = &a->cdr[i];
	return cxv_interaction_prefetch_cdrs(ru->v, ru->rd.src, todo, n,
	    ru->batch);
}

static int
store_cdr(struct run *ru, int *fate, const char **why)
{
	enum cxv_cdr_fate f = CXV_CDR_STORED;
	const struct cxv_import_window *w = ru->win;
	int64_t id = 0, ended = ru->cdr->end_ms != 0 ? ru->cdr->end_ms :
	    ru->cdr->start_ms;
	int r;

	if (w != NULL && (ended < w->from || ended > w->to)) {
		*fate = FATE_OUTSIDE;
		return CXV_OK;
	}
	if ((r = prefetch(ru)) != CXV_OK)
		return r;
	r = cxv_interaction_add_cdr(ru->v, ru->rd.src, ru->cdr, ru->batch, &id,
	    &f, why);
	*fate = (int)f;
	return r;
}

/*
 * Store one parsed record. The store functions refuse a record before
 * writing any of it (or undo it themselves), so a refusal needs no
 * savepoint; any other error ends the import.
 */
static int
store_record(struct run *ru)
{
	const char *why = NULL;
	int fate = CXV_CDR_STORED, r;

	if ((r = ru->store(ru, &fate, &why)) == CXV_OK) {
		if (fate == FATE_OUTSIDE)
			ru->st->outside++;
		else if (fate == CXV_CDR_DUPLICATE)
			ru->st->duplicates++;
		else if (fate == CXV_CDR_SKIPPED_SERVICE)
			ru->st->skipped_service++;
		else if (fate == CXV_CDR_SKIPPED_NO_PERSON)
			ru->st->skipped_no_person++;
		else {
			ru->st->imported++;
			if (ru->cdr != NULL)
				ru->st->dropped += ru->cdr->dropped;
		}
		return CXV_OK;
	}
	if (r == CXV_ERR_DENIED) {
		ru->st->dnc++;		/* skipped and counted, R1.6 */
		return CXV_OK;
	}
	if (r == CXV_ERR_INVALID || r == CXV_ERR_CONFLICT ||
	    r == CXV_ERR_TOO_LARGE) {
		reject(ru, why != NULL ? why : cxv_strerror(r));
		return CXV_OK;
	}
	return r;
}

static int
end_batch(struct run *ru)
{
	int r;

	if (!ru->in_batch)
		return CXV_OK;
	ru->in_batch = 0;
	if ((ru->batch != NULL &&
	    (r = cxv_cdr_batch_end(ru->v, ru->batch)) != CXV_OK) ||
	    (r = cxv_store_commit(cxv_vault_store(ru->v))) != CXV_OK)
		return r;
	ru->done = *ru->st;
	if (ru->rep->progress != NULL)
		ru->rep->progress(ru->rep->ctx, ru->st);
	return CXV_OK;
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Whether the batch is done: full, old enough, or, past its shortest
 * length, wanted by another writer (asked every CXV_IMPORT_ASK records:
 * a system call). A stream that has given all it has so far ends it
 * too: reading on would hold the writers' lock (and the records) for
 * as long as the stream stays quiet.
 */
static int
batch_full(struct run *ru, uint64_t n, int64_t began)
{
	struct cxv_store *st = cxv_vault_store(ru->v);
	int64_t age;

	if (n >= CXV_IMPORT_BATCH || (ru->ahead != NULL && ru->ahead->dry &&
	    ru->ahead->at == ru->ahead->n))
		return 1;
	/*
	 * A piped batch asks at its window's end, with the writes, and is
	 * told when the next window's lookups have been read (they wait
	 * for every answer): after the next window's first record, which
	 * ends the batch if a writer waits (a new transaction reads the
	 * rest of the window again). It ends for its age only at a
	 * window's end.
	 */
	if (cxv_store_piped(st) && ru->ahead->at == 1 && ru->ahead->n > 1)
		return monotonic_ms() - began >= CXV_IMPORT_BATCH_MIN_MS &&
		    cxv_store_yield_wanted(st);
	if (cxv_store_piped(st) ? ru->ahead->at != ru->ahead->n :
	    n % CXV_IMPORT_ASK != 0)
		return 0;
	age = monotonic_ms() - began;
	return age >= CXV_IMPORT_BATCH_MS || (age >= CXV_IMPORT_BATCH_MIN_MS &&
	    cxv_store_yield_wanted(st));
}

static int
import_records(struct run *ru)
{
	uint64_t in_batch = 0;
	int64_t began = 0;
	const char *why;
	enum got got;
	int r = CXV_OK;

	while ((got = ru->next(ru, &why, &r)) != GOT_END) {
		if (got == GOT_FAIL)
			return r;
		ru->st->read++;
		if (got == GOT_REJECT) {
			reject(ru, why != NULL ? why : "unreadable record");
			continue;
		}
		if (!ru->in_batch) {
			if ((r = cxv_store_begin_bulk(cxv_vault_store(ru->v))) !=
			    CXV_OK)
				return r;
			ru->in_batch = 1;
			in_batch = 0;
			began = monotonic_ms();
		}
		if ((r = store_record(ru)) != CXV_OK)
			return r;
		if (batch_full(ru, ++in_batch, began) &&
		    (r = end_batch(ru)) != CXV_OK)
			return r;
	}
	return end_batch(ru);
}

/* The reader for format over in. */
static int
reader_open(struct reader *rd, const char *format, FILE *in)
{
	int i = format_index(format);

	memset(rd, 0, sizeof(*rd));
	if (i < 0)
		return CXV_ERR_INVALID;
	rd->in = in;
	rd->next = formats[i].next;
	rd->parse_line = formats[i].parse_line;
	if ((rd->buf = sodium_malloc(CXV_IMPORT_LINE_MAX + 1)) == NULL)
		return CXV_ERR_NOMEM;
	/* Wiped after each document (personal data), so plain memory. */
	if (rd->next == next_freeswitch && (rd->doc = malloc(DOC_CAP)) == NULL)
		return CXV_ERR_NOMEM;
	return CXV_OK;
}

static void
reader_close(struct reader *rd)
{
	free(rd->doc);
	sodium_free(rd->buf);
}

int
cxv_import_cdr(struct cxv_vault *v, const char *format,
    const struct cxv_source *src, const struct cxv_import_window *win,
    FILE *in, const struct cxv_import_report *rep,
    struct cxv_import_stats *st)
{
	struct run ru;
	int r;

	run_init(&ru, v, rep, st, next_cdr, store_cdr);
	ru.win = win;
	if ((r = reader_open(&ru.rd, format, in)) == CXV_OK)
		r = ahead_new(in, &ru.ahead);
	if (r == CXV_OK)
		r = cxv_cdr_batch_new(&ru.batch);
	ru.rd.src = src;
	if (r == CXV_OK)
		r = import_records(&ru);
	if (r != CXV_OK) {
		cxv_store_rollback(cxv_vault_store(v));
		*st = ru.done;	/* the batch rolled back is not imported */
	}
	reader_close(&ru.rd);
	ahead_free(ru.ahead);
	cxv_cdr_batch_free(ru.batch);
	CXV_LOG(CXV_LOG_INFO, "import.cdr", CXV_LF("format", format),
	    CXV_LF("result", cxv_errcode(r)));
	return r;
}

/* The header row: "name" and "number" (any case), then custom fields. */
static int
list_header(struct run *ru, const char **why)
{
	struct list_cols *l = ru->list;
	size_t len = 0, used = 0, i;
	int got;

	l->name = l->number = -1;
	if ((got = read_line(ru->rd.in, ru->rd.buf, &len)) <= 0)
		return *why = got < 0 ? "header line too long" : "empty file",
		    CXV_ERR_INVALID;
	ru->rd.where = 1;
	if (cxv_csv_split(ru->rd.buf, len, l->col, 2 + CXV_CAMPAIGN_CUSTOM_MAX,
	    CXV_CSV_UTF8, &l->ncol, l->store, sizeof(l->store), &used, why) !=
	    CXV_OK)
		return *why = "header: more than 10 custom fields or malformed",
		    CXV_ERR_INVALID;
	for (i = 0; i < l->ncol; i++) {
		if (*l->col[i] == '\0' || strlen(l->col[i]) >= sizeof(l->header[0]))
			return *why = "header: empty or over-long column name",
			    CXV_ERR_INVALID;
		snprintf(l->header[i], sizeof(l->header[0]), "%s", l->col[i]);
		if (strcasecmp(l->header[i], "name") == 0)
			l->name = (int)i;
		else if (strcasecmp(l->header[i], "number") == 0)
			l->number = (int)i;
	}
	if (l->name < 0 || l->number < 0)
		return *why = "header needs 'name' and 'number' columns",
		    CXV_ERR_INVALID;
	return CXV_OK;
}

static enum got
next_list_line(struct run *ru, const char **why, int *r)
{
	struct list_cols *l = ru->list;
	size_t len = 0, used = 0, n = 0;
	enum got got;

	got = next_line(&ru->rd, &len, why, r);
	ru->where = ru->rd.where;
	if (got != GOT_RECORD)
		return got;
	if (cxv_csv_split(ru->rd.buf, len, l->col, 2 + CXV_CAMPAIGN_CUSTOM_MAX,
	    CXV_CSV_UTF8, &n, l->store, sizeof(l->store), &used, why) != CXV_OK)
		return GOT_REJECT;
	if (n != l->ncol)
		return *why = "column count differs from the header", GOT_REJECT;
	return GOT_RECORD;
}

/*
 * A calling-list entry can be refused after its person was resolved, so
 * it is stored inside a savepoint of its own. *fate is 1 (duplicate)
 * for a person already on the list.
 */
static int
store_list_entry(struct run *ru, int *fate, const char **why)
{
	struct cxv_store *db = cxv_vault_store(ru->v);
	struct list_cols *l = ru->list;
	struct cxv_field custom[CXV_CAMPAIGN_CUSTOM_MAX];
	size_t i, n = 0;
	int r;

	for (i = 0; i < l->ncol; i++)
		if ((int)i != l->name && (int)i != l->number)
			custom[n++] = (struct cxv_field){ l->header[i], l->col[i] };
	if ((r = cxv_store_savepoint(db)) != CXV_OK)
		return r;
	r = cxv_campaign_add_entry_tx(ru->v, l->campaign_id, l->col[l->name],
	    l->col[l->number], custom, n, fate, why);
	if (r == CXV_OK)
		return cxv_store_release(db);
	cxv_store_rollback_savepoint(db);
	return r;
}

int
cxv_import_campaign(struct cxv_vault *v, int64_t campaign_id, FILE *in,
    const struct cxv_import_report *rep, struct cxv_import_stats *st)
{
	const char *why = NULL;
	struct run ru;
	int r;

	run_init(&ru, v, rep, st, next_list_line, store_list_entry);
	if ((r = cxv_store_campaign_exists(cxv_vault_store(v), campaign_id)) !=
	    CXV_OK)
		return r;
	ru.rd.in = in;
	if ((ru.rd.buf = sodium_malloc(CXV_IMPORT_LINE_MAX + 1)) == NULL ||
	    (ru.list = sodium_malloc(sizeof(*ru.list))) == NULL)
		r = CXV_ERR_NOMEM;
	else {
		ru.list->campaign_id = campaign_id;
		if ((r = list_header(&ru, &why)) != CXV_OK && rep->reject)
			rep->reject(rep->ctx, 1, why);
		if (r == CXV_OK)
			r = import_records(&ru);
		else
			st->rejected++;
	}
	if (r != CXV_OK)
		cxv_store_rollback(cxv_vault_store(v));
	sodium_free(ru.rd.buf);
	sodium_free(ru.list);
	return r;
}
