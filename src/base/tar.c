/* SPDX-License-Identifier: Apache-2.0 */
/* ustar headers; see tar.h. */
#include "base/tar.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"

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

/* An octal field: digits, then spaces or NULs to its end. */
static int
parse_octal(const uint8_t *f, size_t len, uint64_t *out)
{
	uint64_t n = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return CXV_ERR_CORRUPT;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (n > (UINT64_MAX >> 3))
			return CXV_ERR_CORRUPT;
		n = n << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return CXV_ERR_CORRUPT;
	*out = n;
	return CXV_OK;
}

static int
parse_size(const uint8_t f[12], uint64_t *out)
{
	uint64_t n = 0;
	int i;

	if (f[0] != 0x80)
		return parse_octal(f, 12, out);
	for (i = 1; i < 4; i++)
		if (f[i] != 0)
			return CXV_ERR_CORRUPT;	/* beyond 2^64 */
	for (i = 4; i < 12; i++)
		n = n << 8 | f[i];
	*out = n;
	return CXV_OK;
}

int
cxv_tar_is_end(const uint8_t block[CXV_TAR_BLOCK])
{
	size_t i;

	for (i = 0; i < CXV_TAR_BLOCK; i++)
		if (block[i] != 0)
			return 0;
	return 1;
}

int
cxv_tar_parse(const uint8_t h[CXV_TAR_BLOCK], char name[100],
    uint64_t *size)
{
	uint64_t want;
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < CXV_TAR_BLOCK; i++)
		sum += i >= 148 && i < 156 ? (unsigned)' ' : h[i];
	if (parse_octal(h + 148, 8, &want) != CXV_OK || want != sum)
		return CXV_ERR_CORRUPT;
	if (memcmp(h + 257, "ustar", 6) != 0 || (h[156] != '0' &&
	    h[156] != '\0') || memchr(h, '\0', 100) == NULL || h[0] == '\0' ||
	    h[345] != '\0')			/* no prefix: names are short */
		return CXV_ERR_CORRUPT;
	if (parse_size(h + 124, size) != CXV_OK)
		return CXV_ERR_CORRUPT;
	memcpy(name, h, 100);
	return CXV_OK;
}
