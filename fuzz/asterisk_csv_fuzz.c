/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: one Asterisk cdr_csv or cdr_custom line, or one
 * manager "Event: Cdr" (cdr_manager), into struct cxv_cdr, then its
 * parties classified (party.h). The first byte picks the format and a
 * source (UTC or Moscow time, a dial plan or not).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/party.h"
#include "core/source.h"
#include "ingest/cdr_format.h"
#include "records/cdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A person's normal form reads back as itself. */
static void
check_party(const struct cxv_source *src, const char *value, int callee)
{
	char again[CXV_IDENT_NORM_MAX];
	struct cxv_party p;
	const char *why;

	cxv_party_classify(src, value, callee, &p);
	if (!cxv_party_is_person(p.kind)) {
		if (p.norm[0] != '\0')
			abort();
		return;
	}
	if (cxv_ident_normalize(p.ident, p.norm, src->country_code, again,
	    &why) != CXV_OK || strcmp(again, p.norm) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cxv_cdr_own own;
	struct cxv_cdr *c = cxv_cdr_own_init(&own);
	struct cxv_source src;
	const char *why = NULL;
	size_t i;
	int r;

	if (size < 1)
		return 0;
	cxv_source_init(&src, "f");
	src.country_code = data[0] & 2 ? 7 : 49;
	if ((data[0] & 4) && (cxv_source_set(&src, "zone", "Europe/Moscow",
	    &why) != CXV_OK || cxv_source_set(&src, "extensions",
	    "100-199, 4 digits", &why) != CXV_OK))
		abort();
	if (data[0] & 8)
		r = cxv_cdr_parse_ami((const char *)data + 1, size - 1, &src,
		    c, &why);
	else if (data[0] & 1)
		r = cxv_cdr_parse_asterisk_custom((const char *)data + 1,
		    size - 1, &src, c, &why);
	else
		r = cxv_cdr_parse_asterisk((const char *)data + 1, size - 1,
		    &src, c, &why);
	if (r != CXV_OK) {
		if (why == NULL)
			abort();	/* every refusal has a reason */
		return 0;
	}
	/* Every string of an accepted record is inside the record. */
	if (strlen(c->caller) + strlen(c->callee) + strlen(c->source_id) +
	    strlen(c->caller_name) > c->cap)
		abort();
	for (i = 0; i < c->nfields; i++)
		if (strlen(c->fields[i].value) > CXV_FIELD_MAX)
			abort();
	check_party(&src, c->caller, 0);
	check_party(&src, c->callee, 1);
	return 0;
}
