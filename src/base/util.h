/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small safe helpers shared by every module: bounded number parsing
 * (OpenBSD strtonum), bounded file reads, wiping frees, hex, UTF-8
 * checks and time formatting. No module state; all thread-safe.
 */
#ifndef CXV_UTIL_H
#define CXV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Parse the whole of s as a base-10 integer within [min, max] into *out.
 * Returns CXV_OK, CXV_ERR_INVALID (not a number, trailing bytes) or
 * CXV_ERR_TOO_LARGE (out of range). *out is untouched on error.
 */
int cxv_strtonum(const char *s, long long min, long long max,
    long long *out /* OUT */);

/*
 * Stable names of enum values: names[i] if 0 <= i < n, else "unknown";
 * and the value named name, or -1.
 */
const char *cxv_name_of(const char *const *names, int n, int i);
int cxv_name_index(const char *const *names, int n, const char *name);

/* Wipe len bytes at p, then free(p). Accepts NULL. */
void cxv_freezero(void *p, size_t len);

/*
 * Read the file at path into a new NUL-terminated buffer of at most max
 * bytes (not counting the NUL). *out is the caller's to cxv_freezero()
 * with *len + 1. Returns CXV_ERR_NOT_FOUND, CXV_ERR_TOO_LARGE, CXV_ERR_IO.
 */
int cxv_read_file(const char *path, size_t max, char **out /* OUT */,
    size_t *len /* OUT */);

/* Write all len bytes to fd (again after EINTR); CXV_ERR_IO. */
int cxv_write_all(int fd, const void *data, size_t len);

/*
 * Write len bytes to path atomically: a temporary file beside it with
 * the given mode, fsync, rename. Fails with CXV_ERR_EXISTS if path exists
 * and !replace.
 */
int cxv_write_file_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int replace);

/* Lower-case hex of len bytes into out, which has room for 2*len+1. */
void cxv_hex(const uint8_t *p, size_t len, char *out);

/* Decode exactly outlen bytes of hex; CXV_ERR_INVALID otherwise. */
int cxv_unhex(const char *hex, uint8_t *out, size_t outlen);

/* 1 if the len bytes at s are valid UTF-8 without control characters. */
int cxv_utf8_printable(const char *s, size_t len);

/* 1 if the len bytes at s are valid UTF-8 (NUL and controls allowed). */
int cxv_utf8_valid(const char *s, size_t len);

/*
 * For showing bytes a platform wrote in another encoding: *out NULL if
 * the len bytes at s are valid UTF-8, else a new NUL-terminated copy
 * (the caller frees it) with U+FFFD for each byte that is not.
 */
int cxv_utf8_repair(const char *s, size_t len, char **out /* OUT */);

/*
 * A new random record id: positive, below 2^CXV_ID_BITS (exact
 * in JSON), not guessable. Callers retry on the rare collision.
 */
int64_t cxv_random_id(void);

/*
 * A counter for cxv_time_id(), one per table: the records of one table
 * written together get consecutive ids, so that an audit entry can name
 * a batch of them as ranges. Zero-initialised (static) is ready.
 */
struct cxv_id_seq {
	_Atomic uint32_t next;
	_Atomic int seeded;
};

/*
 * A new record id that grows with time: seconds since the epoch in the
 * high bits, seq (random start) in the low 21, below 2^CXV_ID_BITS.
 * Records written together sit together in the table's B-tree, which
 * keeps bulk imports fast; ids reveal only the creation second, which
 * the record holds anyway. Callers retry on a clash. Thread-safe.
 */
int64_t cxv_time_id(struct cxv_id_seq *seq);

/* Milliseconds since the Unix epoch (wall clock). */
int64_t cxv_now_ms(void);

/* Room for any int64_t in decimal, its sign and a NUL. */
#define CXV_INT_STR	21

/*
 * prefix, then v in decimal, into out (cap bytes, NUL included): what
 * snprintf(out, cap, "%s%lld") prints, without its cost on the hot
 * paths (ids in associated data, audit lines). Returns the length, or
 * 0 with out "" if it does not fit.
 */
size_t cxv_fmt_int(char *out, size_t cap, const char *prefix, int64_t v);

/* Format ms since the epoch as "2026-11-25T03:48:08.123Z" (fits CXV_TIME_STR). */
#define CXV_TIME_STR	64
void cxv_time_format(int64_t ms, char out[CXV_TIME_STR]);
/* The same for file names: "20261125T034808.123Z". */
#define CXV_STAMP_STR	32
void cxv_time_stamp(int64_t ms, char out[CXV_STAMP_STR]);

/* The CLOCK_REALTIME time ms from now: a pthread_cond_timedwait deadline. */
struct timespec cxv_deadline_ms(int ms);

/*
 * Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.mmmZ"
 * (UTC) into ms since the epoch. Returns CXV_OK or CXV_ERR_INVALID.
 */
int cxv_time_parse(const char *s, int64_t *ms /* OUT */);

#endif
