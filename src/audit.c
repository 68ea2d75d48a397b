/* SPDX-License-Identifier: Apache-2.0 */
/* The hash-chained audit trail; see audit.h. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keyring.h"
#include "retention.h"
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
	int64_t count;			/* last seq checked */
	int64_t first;			/* pruned before it (the anchor) */
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

/*
 * The anchor of a pruned trail: the last pruned entry's seq and hash,
 * with a MAC, so whoever deletes entries without the key cannot move it.
 */
#define META_ANCHOR	"audit_anchor"
#define ANCHOR_BYTES	(8 + 2 * CXV_HASH_BYTES)

static void
anchor_mac(const struct cxv_keyring *kr, int64_t seq,
    const uint8_t hash[CXV_HASH_BYTES], uint8_t out[CXV_HASH_BYTES])
{
	char s[24];
	const char *parts[2] = { "audit-anchor", s };

	snprintf(s, sizeof(s), "%lld", (long long)seq);
	cxv_keyring_audit_hash(kr, hash, parts, 2, out);
}

int
cxv_audit_prune(struct cxv_store *st, const struct cxv_keyring *kr,
    const int64_t *seqs, size_t n)
{
	uint8_t a[ANCHOR_BYTES];
	int64_t last;
	int i, r;

	if (n == 0)
		return CXV_OK;
	last = seqs[n - 1];
	if ((r = cxv_store_audit_hash(st, last, a + 8)) != CXV_OK ||
	    (r = cxv_store_ret_delete(st, CXV_RET_AUDIT, seqs, n)) != CXV_OK)
		return r;
	for (i = 0; i < 8; i++)
		a[i] = (uint8_t)((uint64_t)last >> (8 * i));
	anchor_mac(kr, last, a + 8, a + 8 + CXV_HASH_BYTES);
	return cxv_store_meta_set(st, META_ANCHOR, a, sizeof(a));
}

/* Where verification starts: after the anchor, or at the beginning. */
static int
load_anchor(struct cxv_store *st, struct verify_state *vs)
{
	uint8_t a[ANCHOR_BYTES + 1], mac[CXV_HASH_BYTES];
	uint64_t seq = 0;
	size_t len = 0;
	int i, r;

	r = cxv_store_meta_get(st, META_ANCHOR, a, sizeof(a), &len);
	if (r == CXV_ERR_NOT_FOUND)
		return CXV_OK;
	if (r != CXV_OK)
		return r;
	for (i = 7; i >= 0; i--)
		seq = seq << 8 | a[i];
	if (len != ANCHOR_BYTES || seq > INT64_MAX) {
		vs->why = "the anchor of the pruned trail is damaged";
		return CXV_ERR_CORRUPT;
	}
	anchor_mac(vs->kr, (int64_t)seq, a + 8, mac);
	if (sodium_memcmp(mac, a + 8 + CXV_HASH_BYTES, CXV_HASH_BYTES) != 0) {
		vs->why = "the anchor of the pruned trail was altered";
		return CXV_ERR_CORRUPT;
	}
	vs->count = vs->first = (int64_t)seq;
	memcpy(vs->last, a + 8, CXV_HASH_BYTES);
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
	if ((r = load_anchor(st, &vs)) == CXV_OK)
		r = cxv_store_audit_scan(st, INT64_MIN, verify_row, &vs);
	vs.count -= vs.first;
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
