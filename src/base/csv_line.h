/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CSV with libcsv: one line (RFC 4180 quoting, strict) split into
 * columns, for every CSV format the vault reads (Asterisk cdr_csv,
 * campaign calling lists); and cells written, for every CSV the vault
 * writes, safe to open in a spreadsheet. Thread-safe.
 */
#ifndef CXV_CSV_LINE_H
#define CXV_CSV_LINE_H

#include <stddef.h>
#include <stdio.h>

/* What a column may hold besides printable text. */
enum cxv_csv_text {
	CXV_CSV_UTF8,		/* printable UTF-8 only */
	CXV_CSV_BYTES,		/* any bytes but controls: a PBX's Latin-1 */
};

/*
 * Split len bytes of line into at most max columns: col[i] point into
 * buf (cap bytes, NUL-terminated copies), *n columns, *used bytes of buf.
 * Every column is at most CXV_FIELD_MAX bytes of text as allowed.
 * Returns CXV_OK, or CXV_ERR_INVALID / TOO_LARGE / NOMEM with a static
 * reason in *why that never quotes the line.
 */
int cxv_csv_split(const char *line, size_t len, const char **col, size_t max,
    enum cxv_csv_text text, size_t *n /* OUT */, char *buf, size_t cap,
    size_t *used /* OUT */, const char **why /* OUT */);

/*
 * Write s to f as one quoted cell, then ',' or, with last, a newline. A
 * value a spreadsheet would run as a formula (starting with '=', '+',
 * '-', '@', a tab or a carriage return: OWASP's CSV injection rule) is
 * written with a leading "'", so it is shown, never evaluated.
 * CXV_ERR_IO on a write error.
 */
int cxv_csv_put(FILE *f, const char *s, int last);

#endif
