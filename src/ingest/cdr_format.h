/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platforms' CDR formats (R10.1): one parser per format, each
 * filling a struct cxv_cdr (cdr.h) from one record as the platform
 * wrote it. Pure functions of their input; thread-safe.
 */
#ifndef CXV_CDR_FORMAT_H
#define CXV_CDR_FORMAT_H

#include <stddef.h>

struct cxv_cdr;
struct cxv_source;

/*
 * Parse one line of Asterisk cdr_csv Master.csv in any of its layouts,
 * told by the column count: the 16 columns accountcode, src, dst,
 * dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer,
 * end, duration, billsec, disposition, amaflags; then uniqueid and
 * userfield (loguniqueid, loguserfield) and peeraccount, linkedid,
 * sequence (newcdrcolumns): 16 to 21 columns. A leg is told apart by
 * uniqueid, linkedid and sequence where the line has them (the legs of
 * a parallel ring share their uniqueid; without sequence, their channels
 * tell them apart). Times are in src's zone (UTC if src is NULL or has
 * none: "usegmtime=yes"). Returns CXV_OK, or CXV_ERR_INVALID / TOO_LARGE
 * with a static reason in *why that never quotes the line.
 */
int cxv_cdr_parse_asterisk(const char *line, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out,
    const char **why /* OUT */);

/*
 * The same for a cdr_custom line, whose columns src names (source.h:
 * columns; Asterisk's sample mapping if none): the cdr_csv names
 * (src, dst, start, disposition at least), any other name kept sealed
 * under that name. Times as cdr_csv writes them, or seconds since the
 * epoch (start(int64)).
 */
int cxv_cdr_parse_asterisk_custom(const char *line, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out,
    const char **why /* OUT */);

/*
 * An Asterisk Manager Interface "Event: Cdr" (cdr_manager) as it is
 * read, its "Name: value" lines without the blank line that ends it:
 * the same record and leg key as the call's Master.csv line (cdr_csv
 * with loguniqueid; with newcdrcolumns when cdr_manager.conf's
 * [mappings] add LinkedID and Sequence), times in src's zone, so that an
 * import of the file adds nothing the feed stored. Headers beyond
 * cdr_manager's own (a site's mappings) are kept sealed.
 */
int cxv_cdr_parse_ami(const char *event, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out,
    const char **why /* OUT */);

/*
 * Parse one FreeSWITCH mod_json_cdr document as the module posts it or
 * writes it to err-log-dir, in any mode: JSON (encode=false), "cdr=" or
 * not and then URL-encoded JSON (encode=true) or base64 (encode=base64);
 * values URL-encoded or not (encode-values). The "variables" object gives
 * uuid, start/answer/end_epoch, hangup_cause; the parties
 * (caller_id_number/name, destination_number) come from the variables,
 * else from callflow's caller_profile, or the other way round in a
 * URL-encoded document, whose values FreeSWITCH's encoding leaves
 * ambiguous. A side field or party that cannot be read is left out and
 * counted in out->dropped; only a document with no uuid or no readable
 * times is refused.
 */
int cxv_cdr_parse_freeswitch(const char *buf, size_t len, struct cxv_cdr *out,
    const char **why /* OUT */);

/* The same from a JSON document already parsed by jansson. */
struct json_t;
int cxv_cdr_from_freeswitch(const struct json_t *doc, struct cxv_cdr *out,
    const char **why /* OUT */);

#endif
