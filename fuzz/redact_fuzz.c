/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: free-text redaction (R8.4), which sees request
 * targets and parser errors, so any bytes. The output must fit the
 * buffer, be NUL-terminated, and never be longer than the input plus
 * what the masks add. (Redacting twice is not idempotent at the edges:
 * a run of digits too long to be a phone number is kept whole, and a
 * neighbour masked can leave a phone-sized part of it on its own.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[4096];
	size_t cap = size % 2 ? sizeof(out) : 1 + size % 64, n;

	n = cxv_redact((const char *)data, size, out, cap);
	/* Each mask ("[phone]", 7 bytes) stands for at least 2 bytes. */
	if (n > size || strlen(out) >= cap || strlen(out) > size + 5 * n)
		abort();
	return 0;
}
