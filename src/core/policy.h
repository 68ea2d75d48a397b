/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Retention policies as cxvault.conf and the API write them (R6.6):
 * the data categories' names and "none", "30 delete", "365
 * backup-and-delete". Plain values, below the configuration that holds
 * them and the retention engine (retention.h) that runs them.
 */
#ifndef CXV_POLICY_H
#define CXV_POLICY_H

#include "store/store.h"

enum cxv_ret_method {
	CXV_RET_NONE,			/* kept */
	CXV_RET_DELETE,
	CXV_RET_BACKUP_AND_DELETE,	/* archived (encrypted), then deleted */
};

struct cxv_ret_policy {
	enum cxv_ret_method method;
	int days;			/* kept this long */
};

/* "interactions", "recordings", ...; NULL if out of range. */
const char *cxv_ret_category_name(int c);
/* The category of a name; -1 if unknown. */
int cxv_ret_category_parse(const char *name);
/* A policy as written: "none", "30 delete", "365 backup-and-delete". */
int cxv_ret_policy_parse(const char *text, struct cxv_ret_policy *out /* OUT */);
void cxv_ret_policy_text(const struct cxv_ret_policy *p, char out[48]);

#endif
