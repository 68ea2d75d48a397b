/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A call detail record as a platform wrote it (R1.3, R10.1), parsed but
 * not yet stored: the parsers of each format (cdr_format.h) fill it,
 * interaction.c stores it. Pure data, no vault access; the strings
 * live in storage the record is given (cxv_cdr_init): a record of its
 * own (struct cxv_cdr_own), or a share of an import's window.
 */
#ifndef CXV_CDR_H
#define CXV_CDR_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/fields.h"

struct cxv_cdr {
	const char *source;		/* "asterisk", ... (static) */
	const char *source_id;		/* the platform's unique id */
	/* What sets this leg apart from others with its id (Asterisk's
	 * channels and durations without newcdrcolumns); NULL: nothing. */
	const char *leg;
	const char *caller;		/* number as given, "" if none */
	const char *caller_name;	/* "" if none */
	const char *callee;		/* "" if none */
	int64_t start_ms, answer_ms, end_ms;	/* 0: did not happen */
	const char *outcome;		/* answered, no_answer, busy, ... */
	/* Every other column, sealed as a whole with the record. */
	struct cxv_field fields[CXV_CDR_FIELDS_MAX];	/* platform's names */
	size_t nfields;
	unsigned dropped;		/* side fields left out (unreadable) */
	char *text;			/* storage of the strings, not owned */
	size_t cap, used;
};

/* Storage that holds the strings of any one line (Latin-1 doubled). */
#define CXV_CDR_TEXT_MAX	((size_t)2 * CXV_IMPORT_LINE_MAX)

/* A record with storage of its own. */
struct cxv_cdr_own {
	struct cxv_cdr c;
	char text[CXV_CDR_TEXT_MAX];
};

/* c, empty, with its strings in text (cap bytes: CXV_CDR_TEXT_MAX for
 * any record). */
void cxv_cdr_init(struct cxv_cdr *c, char *text, size_t cap);

/* o's record, empty, over o's own storage. */
struct cxv_cdr *cxv_cdr_own_init(struct cxv_cdr_own *o);

/* Empty out c for a record from source (a static name). */
void cxv_cdr_reset(struct cxv_cdr *c, const char *source);

/* Wipe the strings c holds and empty it (for the next record). */
void cxv_cdr_wipe(struct cxv_cdr *c);

/* Copy n bytes of s into c's storage; the copy, or NULL if full. */
const char *cxv_cdr_keep(struct cxv_cdr *c, const char *s, size_t n);

/* Add a sealed column (name static, value already in c's storage). */
int cxv_cdr_add_field(struct cxv_cdr *c, const char *name, const char *value);

/* Answer and end, when set, not before the start or each other. */
int cxv_cdr_check_times(const struct cxv_cdr *c, const char **why /* OUT */);

#endif
