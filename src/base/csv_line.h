/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One line of CSV (RFC 4180 quoting, strict) split into columns with
 * libcsv, for every CSV format the vault reads (Asterisk cdr_csv,
 * campaign calling lists). Pure function, thread-safe.
 */
#ifndef CXV_CSV_LINE_H
#define CXV_CSV_LINE_H

#include <stddef.h>

/*
 * Split len bytes of line into at most max columns: col[i] point into
 * buf (cap bytes, NUL-terminated copies), *n columns, *used bytes of buf.
 * Every column is printable UTF-8 of at most CXV_FIELD_MAX bytes.
 * Returns CXV_OK, or CXV_ERR_INVALID / TOO_LARGE / NOMEM with a static
 * reason in *why that never quotes the line.
 */
int cxv_csv_split(const char *line, size_t len, const char **col, size_t max,
    size_t *n /* OUT */, char *buf, size_t cap, size_t *used /* OUT */,
    const char **why /* OUT */);

#endif
