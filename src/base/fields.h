/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named fields of a record packed into one buffer before sealing, so a
 * record's personal columns are one sealed blob: repeated
 * [u8 name length][name][u16 value length, big endian][value].
 * Pure functions, thread-safe.
 */
#ifndef CXV_FIELDS_H
#define CXV_FIELDS_H

#include <stddef.h>
#include <stdint.h>

/* One named value of a record (borrowed strings). */
struct cxv_field {
	const char *name;
	const char *value;
};

/*
 * Append name = value to buf (cap bytes, *len used). CXV_ERR_TOO_LARGE
 * if it does not fit or a name/value exceeds its length field.
 */
int cxv_fields_put(uint8_t *buf, size_t cap, size_t *len, const char *name,
    const char *value);

/*
 * Call fn for each field of buf in order, with NUL-terminated copies
 * (wiped after each call). CXV_ERR_CORRUPT if buf is malformed.
 */
typedef int (*cxv_fields_fn)(void *ctx, const char *name, const char *value);
int cxv_fields_each(const uint8_t *buf, size_t len, cxv_fields_fn fn,
    void *ctx);

#endif
