/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one logger of the program (R8, DESIGN 6). Lines are logfmt:
 *   2026-11-25T03:48:08.123Z level=3 event=subject.create subject=42 phone=ps:1a2b..
 * Values travel as typed fields. A PERSONAL value is replaced by its
 * keyed pseudonym (or "***" before the keyring is unlocked) unless the
 * privacy switch is off and the level is 7 or more (R8.3). TEXT (free
 * text: parser errors, request paths) goes through the redaction of
 * redact.h under the same condition (R8.4). A PROTECTED value (PINs,
 * card numbers) is never written (R5.3). Events are constant strings
 * and carry no personal data by contract. The file rotates by size,
 * keeping a number of files, and rotated files older than a number of
 * days are deleted (R8.2).
 *
 * Thread-safe: a mutex serializes lines. Several processes may log to
 * one file: the one that rotates renames, the others follow.
 */
#ifndef CXV_LOG_H
#define CXV_LOG_H

#include <stddef.h>

/* Levels 1-9; the default 3 writes no personal data. */
#define CXV_LOG_ERROR		1
#define CXV_LOG_WARN		2
#define CXV_LOG_INFO		3
#define CXV_LOG_DEBUG		6
#define CXV_LOG_TRACE		9
/* Lowest configured level at which personal values appear in clear. */
#define CXV_LOG_PERSONAL_LEVEL	7

enum cxv_log_kind {
	CXV_LOG_PLAIN,		/* ids, counts, codes: never personal */
	CXV_LOG_PERSONAL,	/* pseudonymized (R8.3) */
	CXV_LOG_PROTECTED,	/* never written */
	CXV_LOG_TEXT,		/* free text: redacted (R8.4) */
};

struct cxv_log_field {
	const char *key;
	enum cxv_log_kind kind;
	const char *value;
};

#define CXV_LF(k, v)		{ (k), CXV_LOG_PLAIN, (v) }
#define CXV_LF_PERSONAL(k, v)	{ (k), CXV_LOG_PERSONAL, (v) }
#define CXV_LF_PROTECTED(k, v)	{ (k), CXV_LOG_PROTECTED, (v) }
#define CXV_LF_TEXT(k, v)	{ (k), CXV_LOG_TEXT, (v) }

struct cxv_log_opts {
	int level;			/* 1-9 */
	int hide_private;		/* R8.3: personal values never in clear */
	long long max_bytes;		/* rotate above this size */
	int max_files;			/* rotated files kept */
	int max_age_days;		/* rotated files older are deleted; 0: no */
};

/* Replaces a personal value by a pseudonym into out (cap bytes). */
typedef void (*cxv_log_pseudonym_fn)(void *ctx, const char *value, char *out,
    size_t cap);

/*
 * Open path for appending (created 0600) and log with o from now on.
 * Returns CXV_ERR_IO if it cannot be opened. Until called, logging is a
 * no-op.
 */
int cxv_log_open(const char *path, const struct cxv_log_opts *o);

/* Use fn to pseudonymize personal values (NULL: write "***"). */
void cxv_log_set_pseudonymizer(cxv_log_pseudonym_fn fn, void *ctx);

/*
 * Also hand every written line (as written: pseudonymized, redacted;
 * without its newline) to fn, under the log's lock, so fn must be quick
 * and must not log (log forwarding, logfwd.h). NULL: no more.
 */
typedef void (*cxv_log_sink_fn)(void *ctx, int level, const char *line,
    size_t len);
void cxv_log_set_sink(cxv_log_sink_fn fn, void *ctx);

/* Log with o from now on (a reloaded configuration); if open. */
void cxv_log_set_opts(const struct cxv_log_opts *o);

/*
 * Delete the whole content of the logs (R6.7): the open file is
 * emptied and every rotated file removed. CXV_ERR_IO if one cannot be.
 */
int cxv_log_purge(void);

/* Flush and close; logging becomes a no-op again. */
void cxv_log_close(void);

/* 1 if a line at level would be written: skip building one that won't. */
int cxv_log_wants(int level);

/*
 * Write one line at level: event then the n fields. Never fails
 * visibly: a line that cannot be written is dropped.
 */
void cxv_log(int level, const char *event, const struct cxv_log_field *fields,
    size_t n);

/* cxv_log() with fields as a brace list: CXV_LOG(3, "x", CXV_LF("a", b)). */
#define CXV_LOG(level, event, ...) do {					\
	const struct cxv_log_field cxv_lf_[] = { __VA_ARGS__ };		\
	cxv_log((level), (event), cxv_lf_,				\
	    sizeof(cxv_lf_) / sizeof(cxv_lf_[0]));			\
} while (0)

#endif
