/* SPDX-License-Identifier: Apache-2.0 */
/* Personal field sets of record types; see person.h. */
#include "records/person.h"

#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"

static int
field_index(const struct cxv_person_spec *spec, const char *name)
{
	size_t i;

	for (i = 0; i < spec->n; i++)
		if (strcmp(name, spec->fields[i].name) == 0)
			return (int)i;
	return -1;
}

int
cxv_person_check(const struct cxv_person_spec *spec, const struct cxv_field *f,
    size_t n, const char **why)
{
	uint32_t seen = 0;
	size_t i, len;
	int k;

	for (i = 0; i < n; i++) {
		if ((k = field_index(spec, f[i].name)) < 0)
			return *why = "unknown field", CXV_ERR_INVALID;
		if (seen & (UINT32_C(1) << k))
			return *why = "a field is given twice", CXV_ERR_INVALID;
		seen |= UINT32_C(1) << k;
		len = strlen(f[i].value);
		if (len > CXV_FIELD_MAX || !cxv_utf8_printable(f[i].value, len))
			return *why = "a field is not printable text",
			    CXV_ERR_INVALID;
	}
	return CXV_OK;
}

size_t
cxv_person_idents(const struct cxv_person_spec *spec,
    const struct cxv_field *f, size_t n, struct cxv_ident_input *ids,
    size_t have, size_t cap, char *name, size_t namecap)
{
	const char *first = NULL, *last = NULL;
	size_t i;
	int k, x;

	for (i = 0; i < n; i++) {
		if ((k = field_index(spec, f[i].name)) < 0)
			continue;
		x = spec->fields[k].ident;
		if (x != CXV_NO_IDENT && *f[i].value != '\0' && have < cap)
			ids[have++] = (struct cxv_ident_input){
			    (enum cxv_ident_kind)x, f[i].value };
		if (strcmp(f[i].name, "first_name") == 0)
			first = f[i].value;
		if (strcmp(f[i].name, "last_name") == 0)
			last = f[i].value;
	}
	if ((first != NULL || last != NULL) && have < cap) {
		snprintf(name, namecap, "%s %s", first ? first : "",
		    last ? last : "");
		ids[have++] = (struct cxv_ident_input){ CXV_IDENT_NAME, name };
	}
	return have;
}
