/* SPDX-License-Identifier: Apache-2.0 */
/* The data categories; see catalog.h. */
#include "records/catalog.h"

#include <string.h>

static const struct cxv_category categories[] = {
	{ "identifiers", "identifiers of the person (phone numbers, email "
	  "addresses, chat handles, account numbers, logon ids, names)",
	  "recognising the person across contacts", "the person, the "
	  "telephone and contact-center platforms", "6(1)(b) contract, "
	  "6(1)(f) legitimate interest" },
	{ "interaction", "interaction records (call detail records of voice, "
	  "email, chat, SMS and open-media sessions, with their trails)",
	  "handling and documenting customer contacts, call accounting",
	  "the telephony and contact-center platforms (CDR feeds)",
	  "6(1)(b) contract, 6(1)(f) legitimate interest" },
	{ "data_item", "data items captured in sessions (IVR input, values "
	  "tagged by external systems; protected ones sealed and never "
	  "logged)", "serving the person's request", "the person (IVR), "
	  "external systems", "6(1)(b) contract" },
	{ "content", "recordings, voicemail, greetings, chat and SMS "
	  "transcripts, email messages, case notes, photos",
	  "quality assurance, evidence of agreements, voicemail service",
	  "the platforms, the person", "6(1)(a) consent, 6(1)(b) contract, "
	  "6(1)(c) legal obligation" },
	{ "user", "internal users (staff, agents): names, numbers, email, "
	  "organisation, account data", "operating the contact center and "
	  "its accounts", "the employer's administration", "6(1)(b) "
	  "employment contract" },
	{ "call_log", "agents' call logs (the other party's name and number, "
	  "time, duration)", "agents calling back and following up",
	  "the telephony platform", "6(1)(f) legitimate interest" },
	{ "contact", "directory contacts and personal contact lists",
	  "reaching people", "administrators and users", "6(1)(f) "
	  "legitimate interest" },
	{ "campaign_entry", "outbound calling lists (name, number, custom "
	  "fields)", "outbound campaigns", "calling lists imported by the "
	  "organisation", "6(1)(a) consent, 6(1)(f) legitimate interest" },
	{ "campaign_result", "outbound call results", "campaign reporting",
	  "agents", "6(1)(f) legitimate interest" },
	{ "charge", "hospitality call charges (guest, room, dialled number, "
	  "amount)", "guest invoicing", "the hotel's PBX", "6(1)(b) "
	  "contract" },
	{ "correction", "corrections the person asked for and staff have "
	  "yet to confirm (the old and new number or address)", "keeping "
	  "the person's data accurate (Art. 16)", "the person (self "
	  "service)", "6(1)(c) legal obligation" },
	{ "statistics", "traffic statistics (pseudonymized numbers, times, "
	  "durations)", "capacity planning and reporting", "derived from "
	  "interactions", "6(1)(f) legitimate interest" },
	{ "audit", "audit trail (accounts, record ids, actions; no personal "
	  "values)", "accountability and security (Art. 5(2), 32)",
	  "the vault itself", "6(1)(c) legal obligation" },
};

const struct cxv_category *
cxv_catalog_find(const char *store)
{
	size_t i;

	for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		if (strcmp(categories[i].store, store) == 0)
			return &categories[i];
	return NULL;
}

const struct cxv_category *
cxv_catalog_all(size_t *n)
{
	*n = sizeof(categories) / sizeof(categories[0]);
	return categories;
}
