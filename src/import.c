/* SPDX-License-Identifier: Apache-2.0 */
/* Batched, idempotent imports of platform files; see import.h. */
#include "import.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "caps.h"
#include "cdr.h"
#include "err.h"
#include "interaction.h"
#include "log.h"
#include "store.h"
#include "vault.h"

/* What a reader's next() found. */
enum got { GOT_RECORD, GOT_END, GOT_REJECT, GOT_FAIL };

/* A source of CDRs in one format; where is the line or document number. */
struct reader {
	FILE *in;
	char *buf;		/* CXV_IMPORT_LINE_MAX + 1, locked */
	FILE *doc;		/* capped view of in, for JSON documents */
	size_t doc_left;
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

	while ((c = getc(in)) != EOF && c != '\n') {
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

/* Asterisk cdr_csv: one record per non-empty line. */
static enum got
next_asterisk(struct reader *rd, struct cxv_cdr *c, const char **why, int *r)
{
	size_t len = 0;
	int got;

	do {
		if ((got = read_line(rd->in, rd->buf, &len)) == 0)
			return ferror(rd->in) ? (*r = CXV_ERR_IO, GOT_FAIL) :
			    GOT_END;
		rd->where++;
	} while (got > 0 && len == 0);
	if (got < 0)
		return *why = "line too long", GOT_REJECT;
	return cxv_cdr_parse_asterisk(rd->buf, len, c, why) == CXV_OK ?
	    GOT_RECORD : GOT_REJECT;
}

/* fopencookie read: at most doc_left bytes per document, then "EOF". */
static ssize_t
capped_read(void *cookie, char *buf, size_t size)
{
	struct reader *rd = cookie;
	size_t n = size < rd->doc_left ? size : rd->doc_left;

	n = fread(buf, 1, n, rd->in);
	rd->doc_left -= n;
	return ferror(rd->in) ? -1 : (ssize_t)n;
}

/* At EOF, or only white space left? */
static int
at_end(FILE *f)
{
	int c;

	while ((c = getc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
		;
	if (c == EOF)
		return 1;
	ungetc(c, f);
	return 0;
}

/*
 * FreeSWITCH mod_json_cdr: one JSON document after another (one file
 * per call, or files concatenated). A malformed document ends the file:
 * JSON gives no safe point to resynchronize.
 */
static enum got
next_freeswitch(struct reader *rd, struct cxv_cdr *c, const char **why, int *r)
{
	json_error_t err;
	json_t *doc;

	if (rd->where > 0 && rd->doc == NULL)
		return GOT_END;		/* stopped after a malformed one */
	rd->doc_left = CXV_JSON_DOC_MAX;
	if (at_end(rd->doc))
		return ferror(rd->in) ? (*r = CXV_ERR_IO, GOT_FAIL) : GOT_END;
	rd->where++;
	doc = json_loadf(rd->doc, JSON_DISABLE_EOF_CHECK |
	    JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL) {
		fclose(rd->doc);
		rd->doc = NULL;
		return *why = rd->doc_left == 0 ? "document over 1 MiB; rest of "
		    "file skipped" : "malformed JSON; rest of file skipped",
		    GOT_REJECT;
	}
	*r = cxv_cdr_from_freeswitch(doc, c, why);
	json_decref(doc);
	return *r == CXV_OK ? GOT_RECORD : GOT_REJECT;
}

static const struct {
	const char *name;
	enum got (*next)(struct reader *, struct cxv_cdr *, const char **,
	    int *);
	const char *unit;
} formats[] = {
	{ "asterisk-csv", next_asterisk, "line" },
	{ "freeswitch-json", next_freeswitch, "document" },
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

struct run {
	struct cxv_vault *v;
	const struct cxv_import_report *rep;
	struct cxv_import_stats *st;
	struct reader rd;
	struct cxv_cdr *cdr;
	int in_batch;
};

static void
reject(struct run *ru, const char *why)
{
	ru->st->rejected++;
	if (ru->rep->reject != NULL)
		ru->rep->reject(ru->rep->ctx, ru->rd.where, why);
}

/* Store one parsed record inside its savepoint. */
static int
store_record(struct run *ru)
{
	struct cxv_store *db = cxv_vault_store(ru->v);
	const char *why = NULL;
	int64_t id = 0;
	int dup = 0, r;

	if ((r = cxv_store_savepoint(db)) != CXV_OK)
		return r;
	r = cxv_interaction_add_cdr(ru->v, ru->cdr, &id, &dup, &why);
	if (r == CXV_OK) {
		ru->st->duplicates += dup;
		ru->st->imported += !dup;
		return cxv_store_release(db);
	}
	cxv_store_rollback_savepoint(db);
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
	if ((r = cxv_store_commit(cxv_vault_store(ru->v))) != CXV_OK)
		return r;
	if (ru->rep->progress != NULL)
		ru->rep->progress(ru->rep->ctx, ru->st);
	return CXV_OK;
}

static int
import_records(struct run *ru)
{
	uint64_t in_batch = 0;
	const char *why;
	enum got got;
	int r = CXV_OK;

	while ((got = ru->rd.next(&ru->rd, ru->cdr, &why, &r)) != GOT_END) {
		if (got == GOT_FAIL)
			return r;
		ru->st->read++;
		if (got == GOT_REJECT) {
			reject(ru, why != NULL ? why : "unreadable record");
			continue;
		}
		if (!ru->in_batch) {
			if ((r = cxv_store_begin(cxv_vault_store(ru->v))) != CXV_OK)
				return r;
			ru->in_batch = 1;
			in_batch = 0;
		}
		if ((r = store_record(ru)) != CXV_OK)
			return r;
		if (++in_batch == CXV_IMPORT_BATCH && (r = end_batch(ru)) != CXV_OK)
			return r;
	}
	return end_batch(ru);
}

/* The reader for format over in; the JSON reader reads through a cap. */
static int
reader_open(struct reader *rd, const char *format, FILE *in)
{
	static const cookie_io_functions_t io = { capped_read, NULL, NULL,
	    NULL };
	int i = format_index(format);

	memset(rd, 0, sizeof(*rd));
	if (i < 0)
		return CXV_ERR_INVALID;
	rd->in = in;
	rd->next = formats[i].next;
	if ((rd->buf = sodium_malloc(CXV_IMPORT_LINE_MAX + 1)) == NULL)
		return CXV_ERR_NOMEM;
	if (rd->next == next_freeswitch) {
		if ((rd->doc = fopencookie(rd, "r", io)) == NULL)
			return CXV_ERR_NOMEM;
		/* Unbuffered, so the cap counts what the parser consumed. */
		setvbuf(rd->doc, NULL, _IONBF, 0);
	}
	return CXV_OK;
}

static void
reader_close(struct reader *rd)
{
	if (rd->doc != NULL)
		fclose(rd->doc);
	sodium_free(rd->buf);
}

int
cxv_import_cdr(struct cxv_vault *v, const char *format, FILE *in,
    const struct cxv_import_report *rep, struct cxv_import_stats *st)
{
	struct run ru;
	int r;

	memset(st, 0, sizeof(*st));
	memset(&ru, 0, sizeof(ru));
	ru.v = v;
	ru.rep = rep;
	ru.st = st;
	/* Parsed records hold personal data: locked memory, wiped. */
	if ((r = reader_open(&ru.rd, format, in)) == CXV_OK &&
	    (ru.cdr = sodium_malloc(sizeof(*ru.cdr))) == NULL)
		r = CXV_ERR_NOMEM;
	if (r == CXV_OK)
		r = import_records(&ru);
	if (r != CXV_OK)
		cxv_store_rollback(cxv_vault_store(v));
	reader_close(&ru.rd);
	sodium_free(ru.cdr);
	CXV_LOG(CXV_LOG_INFO, "import.cdr", CXV_LF("format", format),
	    CXV_LF("result", cxv_errcode(r)));
	return r;
}
