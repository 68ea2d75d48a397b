/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The personal fields a record type holds about a person (a user, a
 * directory contact) and which of them are identifiers of that person's
 * subject. Record modules describe their fields once and share the
 * checks. Pure functions, thread-safe.
 */
#ifndef CXV_PERSON_H
#define CXV_PERSON_H

#include <stddef.h>

#include "base/fields.h"
#include "records/subject.h"

#define CXV_NO_IDENT	(-1)

struct cxv_field_spec {
	const char *name;
	int ident;		/* enum cxv_ident_kind, or CXV_NO_IDENT */
};

struct cxv_person_spec {
	const struct cxv_field_spec *fields;
	size_t n;		/* at most 32 */
};

/*
 * Every field known, given once, printable text of at most CXV_FIELD_MAX
 * bytes; else CXV_ERR_INVALID with *why (static, no value quoted).
 */
int cxv_person_check(const struct cxv_person_spec *spec,
    const struct cxv_field *f, size_t n, const char **why /* OUT */);

/*
 * Append to ids (room for cap) the identifier fields of f, and the name
 * "first_name last_name" (built in name, namecap bytes) if either is
 * given. Returns the new count (starting from have).
 */
size_t cxv_person_idents(const struct cxv_person_spec *spec,
    const struct cxv_field *f, size_t n, struct cxv_ident_input *ids,
    size_t have, size_t cap, char *name, size_t namecap);

#endif
