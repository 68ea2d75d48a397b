/* SPDX-License-Identifier: Apache-2.0 */
/* ustar headers; see tar.h. */
#include "tar.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

/* A number in octal, NUL-ended, in a field of len bytes. */
static void
octal(uint8_t *field, size_t len, uint64_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%0*llo", (int)len - 1, (unsigned long long)n);
	memcpy(field, buf, len);
	field[len - 1] = '\0';
}

/* The size field: octal up to 8 GiB - 1, else GNU base-256. */
static void
size_field(uint8_t field[12], uint64_t size)
{
	int i;

	if (size < (1ULL << 33)) {
		octal(field, 12, size);
		return;
	}
	memset(field, 0, 12);
	field[0] = 0x80;
	for (i = 11; i > 3; i--, size >>= 8)
		field[i] = (uint8_t)(size & 0xff);
}

int
cxv_tar_header(const char *name, uint64_t size, int64_t mtime_s,
    uint8_t out[CXV_TAR_BLOCK])
{
	size_t nl = strlen(name), i;
	unsigned sum = 0;

	if (nl == 0 || nl >= 100)
		return CXV_ERR_INVALID;
	memset(out, 0, CXV_TAR_BLOCK);
	memcpy(out, name, nl + 1);	/* NUL-padded: the field is 100 */
	octal(out + 100, 8, 0600);
	octal(out + 108, 8, 0);
	octal(out + 116, 8, 0);
	size_field(out + 124, size);
	octal(out + 136, 12, mtime_s > 0 ? (uint64_t)mtime_s : 0);
	out[156] = '0';				/* a regular file */
	memcpy(out + 257, "ustar", sizeof("ustar"));
	out[263] = '0';				/* version "00", no NUL */
	out[264] = '0';
	/* The checksum counts its own field as spaces. */
	memset(out + 148, ' ', 8);
	for (i = 0; i < CXV_TAR_BLOCK; i++)
		sum += out[i];
	snprintf((char *)out + 148, 8, "%06o", sum);
	out[155] = ' ';
	return CXV_OK;
}

size_t
cxv_tar_padding(uint64_t size)
{
	return (size_t)((CXV_TAR_BLOCK - size % CXV_TAR_BLOCK) % CXV_TAR_BLOCK);
}
