/* SPDX-License-Identifier: Apache-2.0 */
/* Packing named fields into one buffer; see fields.h. */
#include "base/fields.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"

int
cxv_fields_put(uint8_t *buf, size_t cap, size_t *len, const char *name,
    const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);

	if (nl == 0 || nl > 255 || vl > 65535 || 3 + nl + vl > cap - *len)
		return CXV_ERR_TOO_LARGE;
	/* Length-prefixed binary: no NUL is stored, on purpose. */
	buf[(*len)++] = (uint8_t)nl;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(buf + *len, name, nl);
	*len += nl;
	buf[(*len)++] = (uint8_t)(vl >> 8);
	buf[(*len)++] = (uint8_t)vl;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(buf + *len, value, vl);
	*len += vl;
	return CXV_OK;
}

int
cxv_fields_each(const uint8_t *buf, size_t len, cxv_fields_fn fn, void *ctx)
{
	char name[256], *value;
	size_t pos = 0, nl, vl;
	int r = CXV_OK;

	if ((value = malloc(65536)) == NULL)
		return CXV_ERR_NOMEM;
	while (pos < len && r == CXV_OK) {
		nl = buf[pos++];
		if (nl == 0 || nl + 2 > len - pos) {
			r = CXV_ERR_CORRUPT;
			break;
		}
		memcpy(name, buf + pos, nl);
		name[nl] = '\0';
		pos += nl;
		vl = (size_t)buf[pos] << 8 | buf[pos + 1];
		pos += 2;
		if (vl > len - pos) {
			r = CXV_ERR_CORRUPT;
			break;
		}
		memcpy(value, buf + pos, vl);
		value[vl] = '\0';
		pos += vl;
		r = fn(ctx, name, value);
		sodium_memzero(value, vl);
	}
	free(value);
	return r;
}
