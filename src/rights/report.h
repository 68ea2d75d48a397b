/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record of processing activities (R10.3, GDPR Art. 30), generated
 * from the live vault: controller and DPO (cxvault.conf), the data
 * categories with purposes, sources and legal bases (catalog.h), their
 * record counts and oldest records, subjects and erasures, retention,
 * where the data is stored and how it is protected, transfers and
 * recipients, access profiles, and the state of the audit trail. No
 * personal data.
 */
#ifndef CXV_REPORT_H
#define CXV_REPORT_H

#include <jansson.h>

struct cxv_vault;

/* The record as a JSON document (a new reference). Audited. */
int cxv_report_processing(struct cxv_vault *v, json_t **out /* OUT */);

/*
 * The same record as a self-contained HTML page (no scripts, no
 * external resources); *out is the caller's to free().
 */
int cxv_report_html(const json_t *doc, char **out /* OUT */);

#endif
