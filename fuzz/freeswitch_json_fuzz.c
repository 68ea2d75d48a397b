/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: one FreeSWITCH mod_json_cdr document into struct cxv_cdr. */
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "ingest/cdr_format.h"
#include "records/cdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cxv_cdr_own own;
	const char *why = NULL;

	if (cxv_cdr_parse_freeswitch((const char *)data, size,
	    cxv_cdr_own_init(&own), &why)
	    != CXV_OK && why == NULL)
		abort();	/* every refusal has a reason */
	return 0;
}
