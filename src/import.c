/* SPDX-License-Identifier: Apache-2.0 */
/* Batched, idempotent imports of platform files; see import.h. */
#include "import.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "caps.h"
#include "cdr.h"
#include "err.h"
#include "interaction.h"
#include "log.h"
#include "store.h"
#include "vault.h"

typedef int (*cdr_parse_fn)(const char *line, size_t len, struct cxv_cdr *out,
    const char **why);

static const struct {
	const char *name;
	cdr_parse_fn parse;
} cdr_formats[] = {
	{ "asterisk-csv", cxv_cdr_parse_asterisk },
};

static cdr_parse_fn
cdr_parser(const char *format)
{
	size_t i;

	for (i = 0; i < sizeof(cdr_formats) / sizeof(cdr_formats[0]); i++)
		if (strcmp(format, cdr_formats[i].name) == 0)
			return cdr_formats[i].parse;
	return NULL;
}

int
cxv_import_cdr_format_known(const char *format)
{
	return cdr_parser(format) != NULL;
}

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

struct run {
	struct cxv_vault *v;
	cdr_parse_fn parse;
	const struct cxv_import_report *rep;
	struct cxv_import_stats *st;
	struct cxv_cdr *cdr;
	uint64_t lineno;
	int in_batch;
};

static void
reject(struct run *ru, const char *why)
{
	ru->st->rejected++;
	if (ru->rep->reject != NULL)
		ru->rep->reject(ru->rep->ctx, ru->lineno, why);
}

/* One record inside its savepoint; store failures stop the import. */
static int
one_record(struct run *ru, const char *line, size_t len)
{
	struct cxv_store *db = cxv_vault_store(ru->v);
	const char *why = NULL;
	int64_t id = 0;
	int dup = 0, r;

	if (ru->parse(line, len, ru->cdr, &why) != CXV_OK) {
		reject(ru, why != NULL ? why : "unreadable record");
		return CXV_OK;
	}
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
import_lines(struct run *ru, FILE *in, char *line)
{
	size_t len = 0;
	uint64_t in_this_batch = 0;
	int got, r;

	while ((got = read_line(in, line, &len)) != 0) {
		ru->lineno++;
		if (got > 0 && len == 0)
			continue;
		ru->st->read++;
		if (got < 0) {
			reject(ru, "line too long");
			continue;
		}
		if (!ru->in_batch) {
			if ((r = cxv_store_begin(cxv_vault_store(ru->v))) != CXV_OK)
				return r;
			ru->in_batch = 1;
			in_this_batch = 0;
		}
		if ((r = one_record(ru, line, len)) != CXV_OK)
			return r;
		if (++in_this_batch == CXV_IMPORT_BATCH &&
		    (r = end_batch(ru)) != CXV_OK)
			return r;
	}
	if (ferror(in))
		return CXV_ERR_IO;
	return end_batch(ru);
}

int
cxv_import_cdr(struct cxv_vault *v, const char *format, FILE *in,
    const struct cxv_import_report *rep, struct cxv_import_stats *st)
{
	struct run ru;
	char *line;
	int r;

	memset(st, 0, sizeof(*st));
	memset(&ru, 0, sizeof(ru));
	ru.v = v;
	ru.rep = rep;
	ru.st = st;
	if ((ru.parse = cdr_parser(format)) == NULL)
		return CXV_ERR_INVALID;
	/* Lines and parsed records hold personal data: locked, wiped. */
	line = sodium_malloc(CXV_IMPORT_LINE_MAX + 1);
	ru.cdr = sodium_malloc(sizeof(*ru.cdr));
	if (line == NULL || ru.cdr == NULL)
		r = CXV_ERR_NOMEM;
	else
		r = import_lines(&ru, in, line);
	if (r != CXV_OK)
		cxv_store_rollback(cxv_vault_store(v));
	sodium_free(line);
	sodium_free(ru.cdr);
	CXV_LOG(CXV_LOG_INFO, "import.cdr", CXV_LF("format", format),
	    CXV_LF("result", cxv_errcode(r)));
	return r;
}
