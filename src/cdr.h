/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A call detail record as a platform wrote it (R1.3, R10.1), parsed but
 * not yet stored: the parsers of each format (cdr_asterisk.c, ...) fill
 * it, interaction.c stores it. Pure data, no vault access; the strings
 * live inside the struct, so one struct is one record.
 */
#ifndef CXV_CDR_H
#define CXV_CDR_H

#include <stddef.h>
#include <stdint.h>

#include "caps.h"

struct cxv_cdr_field {
	const char *name;	/* the platform's column name */
	const char *value;
};

struct cxv_cdr {
	const char *source;		/* "asterisk", ... (static) */
	const char *source_id;		/* the platform's unique id */
	const char *caller;		/* number as given, "" if none */
	const char *caller_name;	/* "" if none */
	const char *callee;		/* "" if none */
	int64_t start_ms, answer_ms, end_ms;	/* 0: did not happen */
	const char *outcome;		/* answered, no_answer, busy, ... */
	/* Every other column, sealed as a whole with the record. */
	struct cxv_cdr_field fields[CXV_CDR_FIELDS_MAX];
	size_t nfields;
	char text[2 * CXV_IMPORT_LINE_MAX];	/* storage of the strings */
	size_t used;
};

/*
 * Parse one line of Asterisk cdr_csv Master.csv (16 columns, or 18 with
 * loguniqueid/loguserfield): accountcode, src, dst, dcontext, clid,
 * channel, dstchannel, lastapp, lastdata, start, answer, end, duration,
 * billsec, disposition, amaflags, uniqueid, userfield. Times are UTC
 * ("usegmtime=yes"). Returns CXV_OK, or CXV_ERR_INVALID / TOO_LARGE with
 * a static reason in *why that never quotes the line.
 */
int cxv_cdr_parse_asterisk(const char *line, size_t len, struct cxv_cdr *out,
    const char **why /* OUT */);

#endif
