/* SPDX-License-Identifier: Apache-2.0 */
/* The hash-chained audit trail; see audit.h. */
#include "core/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/keyring.h"

/* The MAC of one entry over prev and every column but the hash itself. */
static void
entry_hash(const struct cxv_keyring *kr, const struct cxv_audit_row *row,
    uint8_t out[CXV_HASH_BYTES])
{
	char seq[CXV_INT_STR], ts[CXV_INT_STR];
	const char *parts[7];

	(void)cxv_fmt_int(seq, sizeof(seq), "", row->seq);
	(void)cxv_fmt_int(ts, sizeof(ts), "", row->ts_ms);
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
cxv_audit_event_valid(const struct cxv_audit_event *ev)
{
	return valid_text(ev->actor) && valid_text(ev->action) &&
	    valid_text(ev->object_type) && (ev->object_id == NULL ||
	    valid_text(ev->object_id)) && valid_text(ev->fields);
}

_Static_assert(sizeof(((struct cxv_audit_tail *)0)->hash) == CXV_HASH_BYTES,
    "the tail holds an entry hash");

int
cxv_audit_append_next(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_tail *tail, const struct cxv_audit_event *ev)
{
	uint8_t hash[CXV_HASH_BYTES];
	struct cxv_audit_row row;
	int r;

	if (ev->object_id == NULL || !cxv_audit_event_valid(ev))
		return CXV_ERR_INVALID;
	if (!tail->known && (r = cxv_store_audit_head(st, &tail->seq,
	    tail->hash)) != CXV_OK)
		return r;
	tail->known = 1;
	row.seq = tail->seq + 1;
	row.ts_ms = ev->ts_ms != 0 ? ev->ts_ms : cxv_now_ms();
	row.actor = ev->actor;
	row.action = ev->action;
	row.object_type = ev->object_type;
	row.object_id = ev->object_id;
	row.fields = ev->fields;
	row.prev = tail->hash;
	entry_hash(kr, &row, hash);
	row.hash = hash;
	if ((r = cxv_store_audit_insert(st, &row)) != CXV_OK)
		return r;
	tail->seq = row.seq;
	memcpy(tail->hash, hash, sizeof(hash));
	return CXV_OK;
}

int
cxv_audit_append(struct cxv_store *st, const struct cxv_keyring *kr,
    const struct cxv_audit_event *ev)
{
	struct cxv_audit_tail tail = { 0 };

	return cxv_audit_append_next(st, kr, &tail, ev);
}

/* Kinds of record a group keeps pending at once. */
#define GROUP_KINDS	4

/* One pending entry: closed id runs in ids, the open run first..last. */
struct pending {
	const char *action, *object_type;
	char actor[CXV_AUDIT_TEXT_MAX + 1];
	char fields[CXV_AUDIT_TEXT_MAX + 1];
	char ids[CXV_AUDIT_TEXT_MAX + 1];
	size_t len;
	int64_t first, last;
	int used;
};

struct cxv_audit_group {
	struct pending p[GROUP_KINDS];
};

int
cxv_audit_group_new(struct cxv_audit_group **out)
{
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? CXV_OK : CXV_ERR_NOMEM;
}

void
cxv_audit_group_free(struct cxv_audit_group *g)
{
	free(g);
}

/* Append p's entry: its closed runs as they are. */
static int
pending_append(struct cxv_store *st, const struct cxv_keyring *kr,
    const struct pending *p)
{
	const struct cxv_audit_event ev = { p->actor, p->action, p->object_type,
	    p->ids, p->fields, 0 };

	return cxv_audit_append(st, kr, &ev);
}

/* Close the open run into p->ids, appending the entry first if full. */
static int
close_run(struct cxv_store *st, const struct cxv_keyring *kr,
    struct pending *p)
{
	char run[48];
	int n, r;

	n = p->first == p->last ?
	    snprintf(run, sizeof(run), "%lld", (long long)p->first) :
	    snprintf(run, sizeof(run), "%lld..%lld", (long long)p->first,
	    (long long)p->last);
	if (p->len > 0 && p->len + 1 + (size_t)n > CXV_AUDIT_TEXT_MAX) {
		if ((r = pending_append(st, kr, p)) != CXV_OK)
			return r;
		p->len = 0;
	}
	p->len += (size_t)snprintf(p->ids + p->len, sizeof(p->ids) - p->len,
	    "%s%s", p->len > 0 ? "," : "", run);
	return CXV_OK;
}

static int
pending_flush(struct cxv_store *st, const struct cxv_keyring *kr,
    struct pending *p)
{
	int r;

	if (!p->used)
		return CXV_OK;
	if ((r = close_run(st, kr, p)) == CXV_OK)
		r = pending_append(st, kr, p);
	p->used = 0;
	p->len = 0;
	return r;
}

/* The pending entry for ev's kind, or a free one (displacing the first). */
static int
pending_for(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_group *g, const struct cxv_audit_event *ev,
    struct pending **out)
{
	struct pending *p, *free_one = NULL;
	int r;

	for (p = g->p; p < g->p + GROUP_KINDS; p++) {
		if (!p->used) {
			free_one = free_one != NULL ? free_one : p;
			continue;
		}
		if (strcmp(p->actor, ev->actor) == 0 &&
		    p->action == ev->action && p->object_type ==
		    ev->object_type && strcmp(p->fields, ev->fields) == 0)
			return *out = p, CXV_OK;
	}
	if (free_one == NULL) {
		free_one = g->p;
		if ((r = pending_flush(st, kr, free_one)) != CXV_OK)
			return r;
	}
	*out = free_one;
	return CXV_OK;
}

int
cxv_audit_group_add(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_group *g, const struct cxv_audit_event *ev, int64_t id)
{
	struct pending *p;
	int r;

	if (!cxv_audit_event_valid(ev))
		return CXV_ERR_INVALID;
	if ((r = pending_for(st, kr, g, ev, &p)) != CXV_OK)
		return r;
	if (p->used && id == p->last + 1) {
		p->last = id;
		return CXV_OK;
	}
	if (p->used && (r = close_run(st, kr, p)) != CXV_OK)
		return r;
	if (!p->used) {
		snprintf(p->actor, sizeof(p->actor), "%s", ev->actor);
		p->action = ev->action;
		p->object_type = ev->object_type;
		snprintf(p->fields, sizeof(p->fields), "%s", ev->fields);
		p->used = 1;
	}
	p->first = p->last = id;
	return CXV_OK;
}

int
cxv_audit_group_flush(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_group *g)
{
	int r = CXV_OK;

	for (size_t i = 0; i < GROUP_KINDS && r == CXV_OK; i++)
		r = pending_flush(st, kr, &g->p[i]);
	if (r != CXV_OK)
		cxv_audit_group_discard(g);
	return r;
}

void
cxv_audit_group_discard(struct cxv_audit_group *g)
{
	memset(g, 0, sizeof(*g));
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
	char s[CXV_INT_STR];
	const char *parts[2] = { "audit-anchor", s };

	(void)cxv_fmt_int(s, sizeof(s), "", seq);
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
