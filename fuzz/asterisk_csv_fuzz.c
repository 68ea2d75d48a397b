/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: one Asterisk cdr_csv line into struct cxv_cdr. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "ingest/cdr_format.h"
#include "records/cdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cxv_cdr cdr;
	const char *why = NULL;
	size_t i;

	if (cxv_cdr_parse_asterisk((const char *)data, size, NULL, &cdr, &why)
	    != CXV_OK) {
		if (why == NULL)
			abort();	/* every refusal has a reason */
		return 0;
	}
	/* Every string of an accepted record is inside the record. */
	if (strlen(cdr.caller) + strlen(cdr.callee) + strlen(cdr.source_id) +
	    strlen(cdr.caller_name) > sizeof(cdr.text))
		abort();
	for (i = 0; i < cdr.nfields; i++)
		if (strlen(cdr.fields[i].value) > CXV_FIELD_MAX)
			abort();
	return 0;
}
