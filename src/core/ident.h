/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identifiers of data subjects and their normalization (DESIGN 1): one
 * canonical form per identifier, so that "030 123456" and "+4930123456"
 * meet in the same blind index. Pure functions, thread-safe.
 */
#ifndef CXV_IDENT_H
#define CXV_IDENT_H

#include <stddef.h>

#include "base/caps.h"

enum cxv_ident_kind {
	CXV_IDENT_PHONE,	/* E.164 "+4930123456" or "ext:1234" */
	CXV_IDENT_EMAIL,	/* lower-cased */
	CXV_IDENT_CHAT,		/* chat handle */
	CXV_IDENT_ACCOUNT,	/* account number */
	CXV_IDENT_LOGON,	/* logon id */
	CXV_IDENT_NAME,		/* display name; never resolves a subject */
	CXV_IDENT_SIP,		/* "sip:user@host" or "sip:user" (a SIP name) */
	CXV_IDENT_DIALLED,	/* digits that are no number of the plan */
	CXV_IDENT__COUNT
};

/* Room for any normalized identifier and its NUL. */
#define CXV_IDENT_NORM_MAX	(CXV_IDENT_MAX + 1)

/* Stable lower-case name of a kind ("phone", ...); NULL if out of range. */
const char *cxv_ident_kind_name(enum cxv_ident_kind kind);

/* Kind from its name; CXV_ERR_INVALID if unknown. */
int cxv_ident_kind_parse(const char *name, enum cxv_ident_kind *kind /* OUT */);

/*
 * Whether an identifier of this kind designates one person, so that a
 * match may resolve to an existing subject (a name never does).
 */
int cxv_ident_is_unique(enum cxv_ident_kind kind);

/*
 * Normalize in (NUL-terminated, as given by a user or a PBX) into out
 * (CXV_IDENT_NORM_MAX bytes). country_code serves national phone
 * numbers. Returns CXV_ERR_INVALID with a short reason in *why (a static
 * string that never quotes the input), or CXV_ERR_TOO_LARGE.
 */
int cxv_ident_normalize(enum cxv_ident_kind kind, const char *in,
    unsigned country_code, char out[CXV_IDENT_NORM_MAX] /* OUT */,
    const char **why /* OUT */);

/*
 * The form that is blind-indexed: the normalized form, lower-cased for
 * names so that a search by name ignores case.
 */
void cxv_ident_index_form(enum cxv_ident_kind kind, const char *norm,
    char out[CXV_IDENT_NORM_MAX] /* OUT */);

#endif
