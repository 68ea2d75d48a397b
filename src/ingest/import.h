/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Importing records from platform files (R10.1): one record at a time,
 * in transactions of up to CXV_IMPORT_BATCH records or
 * CXV_IMPORT_BATCH_MS. A bad record is refused before any of it is
 * written, so it is rejected alone and never leaves a partial record;
 * a killed import keeps every committed batch. A batch's CDRs are
 * audited by one entry naming their ids. Re-importing a file adds
 * nothing (records are keyed by the platform's unique id).
 *
 * CDRs are read up to 128 ahead (fewer from a stream with no more to
 * give yet, which also ends the batch: nothing is held while it is
 * quiet), so that on PostgreSQL a batch is piped (store.h,
 * cxv_store_pipeline): what a window of records looks up is read in a
 * few queries and their rows are written without waiting for each
 * answer. A row the database refuses there fails its batch as a whole.
 */
#ifndef CXV_IMPORT_H
#define CXV_IMPORT_H

#include <stdint.h>
#include <stdio.h>

struct cxv_vault;

struct cxv_import_stats {
	uint64_t read;		/* non-empty lines */
	uint64_t imported;
	uint64_t duplicates;
	uint64_t rejected;
	uint64_t skipped_service;	/* service legs with no person */
	uint64_t skipped_no_person;	/* e.g. withheld to an unheld ext. */
	uint64_t dnc;		/* skipped: on the do-not-call list */
	uint64_t outside;	/* skipped: ended outside the window */
	uint64_t dropped;	/* side fields left out of stored records */
};

/* A rejected record: its line or document number and a static reason. */
typedef void (*cxv_import_reject_fn)(void *ctx, uint64_t line,
    const char *why);
/* Called after each committed batch and at the end. */
typedef void (*cxv_import_progress_fn)(void *ctx,
    const struct cxv_import_stats *st);

struct cxv_import_report {
	cxv_import_reject_fn reject;
	cxv_import_progress_fn progress;
	void *ctx;
};

/*
 * 1 if format names a CDR format this build reads: "asterisk-csv",
 * "asterisk-custom" or "freeswitch-json".
 */
int cxv_import_cdr_format_known(const char *format);

/* What the numbers given to the reject callback count: "line" or "document". */
const char *cxv_import_cdr_unit(const char *format);

/*
 * Calls that ended in [from, to] (ms; a call with no end time by its
 * start): what a live feed may have missed (net/ami.h).
 */
struct cxv_import_window {
	int64_t from, to;
};

/*
 * Import the CDRs of in, written in format by src (NULL: the default
 * source): its zone, columns, region and dial plan (source.h); only
 * those in win if it is not NULL (the others counted as outside).
 * Records with no person among their parties are skipped and counted by
 * reason; malformed ones are reported and counted. The return is not
 * CXV_OK only for what stops the whole import (I/O, database), with
 * earlier batches kept (and *st counting those alone).
 */
struct cxv_source;
int cxv_import_cdr(struct cxv_vault *v, const char *format,
    const struct cxv_source *src, const struct cxv_import_window *win,
    FILE *in, const struct cxv_import_report *rep,
    struct cxv_import_stats *st /* OUT */);

/*
 * Import a campaign's calling list from CSV: a header row naming "name"
 * and "number" (any order, any case) and up to 10 custom columns, then
 * one entry per line. Numbers on the do-not-call list are skipped and
 * counted (st->dnc). A bad header fails the file (CXV_ERR_INVALID, one
 * rejected record at line 1); NOT_FOUND if there is no such campaign.
 */
int cxv_import_campaign(struct cxv_vault *v, int64_t campaign_id, FILE *in,
    const struct cxv_import_report *rep, struct cxv_import_stats *st /* OUT */);

#endif
