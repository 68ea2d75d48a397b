/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parties of a call as a PBX wrote them ("+7 924...", "8924...",
 * "100", "alice", "anonymous", "s", "*72"), each classified by the
 * source's region and dial plan (source.h) into what the vault files it
 * under: a person's number, dialled digits, a SIP name, an extension, or
 * no person at all (a withheld caller, a service leg). No party is an
 * error: what cannot be a person is said so, never forced into one.
 * Pure functions, thread-safe.
 */
#ifndef CXV_PARTY_H
#define CXV_PARTY_H

#include "core/ident.h"
#include "core/source.h"

enum cxv_party_kind {
	CXV_PARTY_NUMBER,	/* a number of the plan: phone, E.164 */
	CXV_PARTY_DIALLED,	/* digits that are no such number */
	CXV_PARTY_SIP,		/* a SIP URI or user name */
	CXV_PARTY_EXTENSION,	/* the source's dial plan: "ext:100" */
	CXV_PARTY_WITHHELD,	/* anonymous, unavailable, none given */
	CXV_PARTY_SERVICE,	/* s, h, feature codes, Local/ channels */
	CXV_PARTY__COUNT
};

struct cxv_party {
	enum cxv_party_kind kind;
	enum cxv_ident_kind ident;	/* NUMBER to EXTENSION */
	char norm[CXV_IDENT_NORM_MAX];	/* normal form; "" for no person */
};

/* Stable name of a kind ("number", "withheld", ...). */
const char *cxv_party_kind_name(enum cxv_party_kind kind);

/* Whether a party of this kind may be a person (a subject or a user). */
int cxv_party_is_person(enum cxv_party_kind kind);

/* Classify value, the calling (callee 0) or called party of a record. */
void cxv_party_classify(const struct cxv_source *src, const char *value,
    int callee, struct cxv_party *out /* OUT */);

#endif
