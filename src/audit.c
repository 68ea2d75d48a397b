/* SPDX-License-Identifier: Apache-2.0 */
/* The hash-chained audit trail; see audit.h. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keyring.h"
#include "caps.h"
#include "util.h"

/* The MAC of one entry over prev and every column but the hash itself. */
static void
entry_hash(const struct cxv_keyring *kr, const struct cxv_audit_row *row,
    uint8_t out[CXV_HASH_BYTES])
{
	char seq[24], ts[24];
	const char *parts[7];

	snprintf(seq, sizeof(seq), "%lld", (long long)row->seq);
	snprintf(ts, sizeof(ts), "%lld", (long long)row->ts_ms);
	parts[0] = seq;
	parts[1] = ts;
	parts[2] = row->actor;
	parts[3] = row->action;
	parts[4] = row->object_type;
	parts[5] = row->object_id;
	parts[6] = row->fields;
	cxv_keyring_audit_hash(kr, row->prev, parts, 7, out);
}

static int
valid_text(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	return n <= CXV_AUDIT_TEXT_MAX && cxv_utf8_printable(s, n);
}

int
cxv_audit_append(struct cxv_store *st, const struct cxv_keyring *kr,
    const struct cxv_audit_event *ev)
{
	uint8_t prev[CXV_HASH_BYTES], hash[CXV_HASH_BYTES];
	struct cxv_audit_row row;
	int64_t seq = 0;
	int r;

	if (!valid_text(ev->actor) || !valid_text(ev->action) ||
	    !valid_text(ev->object_type) || !valid_text(ev->object_id) ||
	    !valid_text(ev->fields))
		return CXV_ERR_INVALID;
	if ((r = cxv_store_audit_head(st, &seq, prev)) != CXV_OK)
		return r;
	row.seq = seq + 1;
	row.ts_ms = cxv_now_ms();
	row.actor = ev->actor;
	row.action = ev->action;
	row.object_type = ev->object_type;
	row.object_id = ev->object_id;
	row.fields = ev->fields;
	row.prev = prev;
	entry_hash(kr, &row, hash);
	row.hash = hash;
	return cxv_store_audit_insert(st, &row);
}

struct verify_state {
	const struct cxv_keyring *kr;
	int64_t count;
	int64_t bad_seq;
	const char *why;
	uint8_t last[CXV_HASH_BYTES];
};

static int
verify_row(void *ctx, const struct cxv_audit_row *row)
{
	struct verify_state *vs = ctx;
	uint8_t want[CXV_HASH_BYTES];

	vs->bad_seq = row->seq;
	if (row->seq != vs->count + 1) {
		vs->why = row->seq > vs->count + 1 ? "entries missing before it" :
		    "sequence number out of order";
		return CXV_ERR_CORRUPT;
	}
	if (sodium_memcmp(row->prev, vs->last, CXV_HASH_BYTES) != 0) {
		vs->why = "does not link to the entry before it";
		return CXV_ERR_CORRUPT;
	}
	entry_hash(vs->kr, row, want);
	if (sodium_memcmp(row->hash, want, CXV_HASH_BYTES) != 0) {
		vs->why = "content does not match its hash (altered)";
		return CXV_ERR_CORRUPT;
	}
	memcpy(vs->last, row->hash, CXV_HASH_BYTES);
	vs->count++;
	vs->bad_seq = 0;
	return CXV_OK;
}

int
cxv_audit_verify(struct cxv_store *st, const struct cxv_keyring *kr,
    int64_t *count, int64_t *bad_seq, const char **why)
{
	struct verify_state vs;
	int r;

	memset(&vs, 0, sizeof(vs));
	vs.kr = kr;
	r = cxv_store_audit_scan(st, INT64_MIN, verify_row, &vs);
	*count = vs.count;
	*bad_seq = vs.bad_seq;
	*why = vs.why;
	return r;
}

int
cxv_audit_scan(struct cxv_store *st, int64_t since_ms, cxv_store_audit_fn fn,
    void *ctx)
{
	return cxv_store_audit_scan(st, since_ms, fn, ctx);
}
