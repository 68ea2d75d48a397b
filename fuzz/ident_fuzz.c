/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: identifier normalization. The first byte picks the
 * kind and country code; the rest is the identifier. A normal form must
 * be stable: normalizing it again yields itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[CXV_IDENT_MAX + 2], out[CXV_IDENT_NORM_MAX],
	    again[CXV_IDENT_NORM_MAX];
	enum cxv_ident_kind kind;
	unsigned cc;
	const char *why;

	if (size < 1 || size - 1 > CXV_IDENT_MAX + 1)
		return 0;
	kind = (enum cxv_ident_kind)(data[0] % CXV_IDENT__COUNT);
	cc = data[0] < 128 ? 49 : 1;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	if (cxv_ident_normalize(kind, in, cc, out, &why) != CXV_OK)
		return 0;
	if (cxv_ident_normalize(kind, out, cc, again, &why) != CXV_OK ||
	    strcmp(out, again) != 0)
		abort();
	return 0;
}
