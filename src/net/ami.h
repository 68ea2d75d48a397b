/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Asterisk Manager Interface client of `cxvault serve` (issue 27):
 * for each source with "ami" (source.h), a thread that connects (TLS
 * verified by tls_client, or TCP on loopback), logs in with the MD5
 * challenge (the plain secret only over TLS or loopback, when the server
 * offers no challenge), asks for CDR events only, and stores each
 * "Event: Cdr" as it is read, through the importer's path (the source's
 * zone, region and dial plan; the leg key of its Master.csv line),
 * committed before the next one is read. It reconnects with backoff.
 *
 * AMI keeps no history: events sent while no connection was up are lost
 * to the feed. Each source's state, counts and the intervals that may be
 * missing (from the last moment the feed was known complete to the next
 * login) are kept in the vault, so that /v1/health, `cxvault status` and
 * the log say which calls to import from Master.csv
 * (`import cdr --ended-from T --ended-to T`).
 */
#ifndef CXV_AMI_H
#define CXV_AMI_H

#include <stddef.h>

#include <jansson.h>

struct cxv_vault;
struct cxv_ami;

/*
 * The clients of v's sources with "ami", not yet started: each reads its
 * secret file now (before the server gives up its privileges). *out is
 * NULL if no source has "ami". why says what failed.
 */
int cxv_ami_new(struct cxv_vault *v, struct cxv_ami **out /* OUT */,
    char *why, size_t whylen);

/* Start the threads (after the sandbox: they inherit it). */
int cxv_ami_start(struct cxv_ami *a);

/* Stop the threads, wipe the secrets, free a (NULL is fine). */
void cxv_ami_free(struct cxv_ami *a);

/*
 * The state the clients keep in v, one member per source with "ami":
 * {"state": "up"|"down"|"login_failed"|"never", "since", "seen",
 * "stored", "duplicates", "skipped", "rejected", "gaps": [{"from","to"}]}
 * (times ISO 8601 UTC; "to" absent while the gap is open). NULL if it
 * cannot be read.
 */
json_t *cxv_ami_state(struct cxv_vault *v);

#endif
