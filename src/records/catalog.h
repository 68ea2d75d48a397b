/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The categories of personal data the vault holds, with what GDPR's
 * record of processing (Art. 30, R10.3) and a person's export (Art. 15,
 * R9.2) say of each: description, purpose, source, legal basis. One
 * table for both, so they cannot disagree. Constant data; thread-safe.
 */
#ifndef CXV_CATALOG_H
#define CXV_CATALOG_H

#include <stddef.h>

struct cxv_category {
	const char *store;	/* the store's name in records and receipts */
	const char *name;	/* what it is */
	const char *purpose;
	const char *source;
	const char *basis;	/* GDPR Art. 6(1) */
};

/* The category of a store ("interaction", "content", ...); NULL if none. */
const struct cxv_category *cxv_catalog_find(const char *store);

/* Every category, in a fixed order; *n entries. */
const struct cxv_category *cxv_catalog_all(size_t *n /* OUT */);

#endif
