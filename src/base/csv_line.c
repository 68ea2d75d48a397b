/* SPDX-License-Identifier: Apache-2.0 */
/* Strict CSV line splitting with libcsv; see csv_line.h. */
#include "base/csv_line.h"

#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"

struct split {
	const char **col;
	size_t max, n;
	enum cxv_csv_text text;
	char *buf;
	size_t cap, used;
	int err;		/* CXV_OK or the first problem */
	const char *why;
};

static void
fail(struct split *sp, int err, const char *why)
{
	sp->err = err;
	sp->why = why;
}

static int
has_controls(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* libcsv field callback: keep a checked copy of the field. */
static void
on_field(void *s, size_t len, void *data)
{
	struct split *sp = data;
	char *p = sp->buf + sp->used;

	if (sp->err != CXV_OK)
		return;
	if (sp->n == sp->max) {
		fail(sp, CXV_ERR_INVALID, "too many columns");
		return;
	}
	if (len > CXV_FIELD_MAX || len + 1 > sp->cap - sp->used) {
		fail(sp, CXV_ERR_TOO_LARGE, "field too long");
		return;
	}
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	if (sp->text == CXV_CSV_UTF8 ? !cxv_utf8_printable(p, len) :
	    has_controls(p, len)) {
		fail(sp, CXV_ERR_INVALID, sp->text == CXV_CSV_UTF8 ?
		    "field is not printable UTF-8" : "field holds control "
		    "characters");
		return;
	}
	sp->col[sp->n++] = p;
	sp->used += len + 1;
}

static void
on_row(int term, void *data)
{
	(void)term;
	(void)data;
}

int
cxv_csv_split(const char *line, size_t len, const char **col, size_t max,
    enum cxv_csv_text text, size_t *n, char *buf, size_t cap, size_t *used,
    const char **why)
{
	struct split sp = { col, max, 0, text, buf, cap, 0, CXV_OK, NULL };
	struct csv_parser p;
	int r = CXV_OK;

	*n = 0;
	*used = 0;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return *why = "out of memory", CXV_ERR_NOMEM;
	if (csv_parse(&p, line, len, on_field, on_row, &sp) != len ||
	    csv_fini(&p, on_field, on_row, &sp) != 0) {
		r = csv_error(&p) == CSV_ENOMEM ? CXV_ERR_NOMEM : CXV_ERR_INVALID;
		*why = "malformed CSV (quotes)";
	}
	csv_free(&p);
	if (r == CXV_OK && sp.err != CXV_OK) {
		r = sp.err;
		*why = sp.why;
	}
	if (r == CXV_OK) {
		*n = sp.n;
		*used = sp.used;
	}
	return r;
}

int
cxv_csv_put(FILE *f, const char *s, int last)
{
	size_t len = strlen(s);
	char *safe, *fixed = NULL;
	int rc;

	/* Bytes a platform wrote in another encoding: U+FFFD each. */
	if (cxv_utf8_repair(s, len, &fixed) != CXV_OK)
		return CXV_ERR_NOMEM;
	if (fixed != NULL) {
		rc = cxv_csv_put(f, fixed, last);
		cxv_freezero(fixed, strlen(fixed) + 1);
		return rc;
	}
	if (len > 0 && strchr("=+-@\t\r", *s) != NULL) {
		if ((safe = malloc(len + 2)) == NULL)
			return CXV_ERR_NOMEM;
		safe[0] = '\'';
		memcpy(safe + 1, s, len + 1);
		rc = csv_fwrite(f, safe, len + 1);
		cxv_freezero(safe, len + 2);
	} else
		rc = csv_fwrite(f, s, len);
	if (rc != 0)
		return CXV_ERR_IO;
	return fputc(last ? '\n' : ',', f) == EOF ? CXV_ERR_IO : CXV_OK;
}
