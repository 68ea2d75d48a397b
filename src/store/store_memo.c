/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a piped transaction's reads already know (cxv_store_pipeline,
 * store_int.h): the rows one query per kind read for a window of
 * records to come (cxv_store_prefetch), with the transaction's own
 * writes added as they are made. It answers "no such row" only for what
 * it was asked to read: the transaction holds the writers' lock, so
 * nothing but its own writes, all added here, changes those rows. A
 * delete or an undone savepoint forgets everything. Blind indexes and
 * wrapped keys only (nothing in clear), wiped when forgotten.
 *
 * The people it found outlive a committed transaction: their wrapped
 * keys (read through 64 partitions, the dearest lookup) and the
 * identifiers it asked for (the holders, or none), with its own writes
 * added as they are made, while no other transaction has deleted or
 * rewrapped a key or changed an identifier since. The sequence
 * subject_changed counts those statements (its triggers: db_pg.c,
 * migrations 20 -> 21 and 21 -> 22). It is read as a piped transaction
 * commits and as the next begins, both holding the writers' lock: the
 * same count means no other writer came between.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"
#include "store/store_int.h"

/* Open addressing over the hashes' first bytes (keyed, so uniform). */
#define MEMO_SLOTS	4096
#define MEMO_FILL	(MEMO_SLOTS / 2)
/* People of many windows: 7 MB of identifiers and 10 MB of keys,
 * allocated as used. */
#define IDENT_SLOTS	131072
#define IDENT_FILL	(IDENT_SLOTS / 2)
#define KEY_SLOTS	65536
#define KEY_FILL	(KEY_SLOTS / 2)
#define KEY_MAX		128
#define SOURCE_MAX	32

/* Rows per prefetch query: the engines' parameter cap (db_pg.c). */
#define BATCH_PARAMS	64

enum slot_type {
	SLOT_FREE, SLOT_REF_ASKED, SLOT_REF, SLOT_IDENT_ASKED, SLOT_IDENT
};

struct slot {
	uint8_t type;
	uint8_t hash[32];	/* ref or bidx */
	int64_t a;		/* ref: started_ms; ident: kind */
	int64_t sid;		/* ident rows */
};

struct key_slot {
	int64_t sid;		/* 0: free */
	int64_t created_ms;
	size_t len;
	uint8_t wrapped[KEY_MAX];
};

/* The refs a window's prefetch read, forgotten at the next. */
struct memo_rows {
	int on;
	char source[SOURCE_MAX];	/* the refs' source */
	struct slot slot[MEMO_SLOTS];
	size_t used;
	int head_known;
	int64_t head_seq;
	uint8_t head_hash[32];
};

struct store_memo {
	struct memo_rows rows;
	/* subject_changed as last read: its value and oid. */
	int64_t changed[2];
	size_t idents;
	uint32_t ident_at[IDENT_FILL];	/* the slots used, to wipe them */
	struct slot ident[IDENT_SLOTS];
	size_t keys;
	uint32_t key_at[KEY_FILL];	/* the slots used, to wipe them */
	struct key_slot key[KEY_SLOTS];
};

enum stmt_id { S_REFS, S_IDENTS, S_KEYS, S_CHANGED, S__COUNT };

/* "(?3), (?4), ..., (?64)", spelt out once. */
#define V10(a)	"(?" #a "0), (?" #a "1), (?" #a "2), (?" #a "3), (?" #a \
	"4), (?" #a "5), (?" #a "6), (?" #a "7), (?" #a "8), (?" #a "9)"
#define V_3_64	"(?3), (?4), (?5), (?6), (?7), (?8), (?9), " V10(1) ", " \
	V10(2) ", " V10(3) ", " V10(4) ", " V10(5) ", (?60), (?61), " \
	"(?62), (?63), (?64)"

/*
 * PostgreSQL's SQL (only its engine has round trips to save): each
 * value looked up on its own, in a nested loop over the index (OFFSET 0
 * keeps the planner from joining otherwise), whatever the planner's
 * figures for the tables an import is filling say, and without
 * planning 64 partitions of subject. Unbound parameters are NULL and
 * match nothing.
 */
static const char *const stmt_sql[S__COUNT] = {
	[S_REFS] = "SELECT i.started_ms, i.source_ref FROM (VALUES "
	    "(CAST(?2 AS BIGINT)), " V_3_64 ") AS w(t) CROSS JOIN LATERAL "
	    "(SELECT started_ms, source_ref FROM interaction WHERE "
	    "source = ?1 AND started_ms = w.t OFFSET 0) AS i",
	[S_IDENTS] = "SELECT i.kind, i.bidx, i.subject_id FROM (VALUES "
	    "(CAST(?1 AS BYTEA)), (?2), " V_3_64 ") AS w(b) CROSS JOIN "
	    "LATERAL (SELECT kind, bidx, subject_id FROM subject_ident "
	    "WHERE bidx = w.b OFFSET 0) AS i",
	[S_KEYS] = "SELECT s.id, s.wrapped_key, s.created_ms FROM (VALUES "
	    "(CAST(?1 AS BIGINT)), (?2), " V_3_64 ") AS w(id) CROSS JOIN "
	    "LATERAL (SELECT id, wrapped_key, created_ms FROM subject WHERE "
	    "id = w.id OFFSET 0) AS s",
	/*
	 * Its first nextval leaves last_value as it was (1) and sets
	 * is_called. A restore's new sequence has another oid.
	 */
	[S_CHANGED] = "SELECT last_value + CAST(is_called AS INTEGER), "
	    "CAST(CAST(CAST('subject_changed' AS regclass) AS oid) AS BIGINT) "
	    "FROM subject_changed",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_MEMO, stmt_sql, (id), (r))

/* Where a row's probe starts in a table of size slots (a power of 2). */
static size_t
hash_of(const uint8_t h[32], int64_t a, size_t size)
{
	uint32_t x;

	memcpy(&x, h, sizeof(x));
	return (x ^ (uint32_t)a * 2654435761u) & (size - 1);
}

/* The memo if its rows are on; NULL sends refs to the database. */
static struct store_memo *
memo(struct cxv_store *st)
{
	struct store_memo *m = *cxv_store_memo_slot(st);

	return m != NULL && m->rows.on ? m : NULL;
}

/*
 * The memo of people in a piped transaction, which sees every write of
 * the transaction; NULL outside one (the next piped one begins by
 * checking that nobody changed people meanwhile).
 */
static struct store_memo *
people(struct cxv_store *st)
{
	struct store_memo *m = *cxv_store_memo_slot(st);

	return m != NULL && cxv_store_piped(st) ? m : NULL;
}

/* The *n slots used of a table wiped, one by one: most were never touched. */
static void
wipe_used(void *tab, size_t slot_size, const uint32_t *at, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		sodium_memzero((char *)tab + at[i] * slot_size, slot_size);
	*n = 0;
}

static void
forget_keys(struct store_memo *m)
{
	wipe_used(m->key, sizeof(m->key[0]), m->key_at, &m->keys);
}

static void
forget_idents(struct store_memo *m)
{
	wipe_used(m->ident, sizeof(m->ident[0]), m->ident_at, &m->idents);
}

void
cxv_store_memo_forget(struct cxv_store *st, int people_stay)
{
	struct store_memo *m = *cxv_store_memo_slot(st);

	if (m == NULL)
		return;
	if (m->rows.on || m->rows.used != 0 || m->rows.head_known)
		sodium_memzero(&m->rows, sizeof(m->rows));
	if (!people_stay) {
		forget_idents(m);
		forget_keys(m);
	}
}

/* subject_changed now, into changed[] (value, oid). */
static int
read_changed(struct cxv_store *st, int64_t changed[2])
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CHANGED, &r)) == NULL)
		return r;
	if ((r = cxv_store_step_row(s)) == CXV_OK) {
		changed[0] = db_column_int64(s, 0);
		changed[1] = db_column_int64(s, 1);
	}
	db_reset(s);
	return r;
}

int
cxv_store_memo_begin(struct cxv_store *st)
{
	struct store_memo **slot = cxv_store_memo_slot(st), *m = *slot;
	int64_t changed[2] = { 0, 0 };
	int r;

	/* Made for the first piped import of the handle, kept till it closes. */
	if (m == NULL && (m = *slot = calloc(1, sizeof(*m))) == NULL)
		return CXV_ERR_NOMEM;
	r = read_changed(st, changed);
	if (r != CXV_OK || changed[0] != m->changed[0] ||
	    changed[1] != m->changed[1])
		cxv_store_memo_forget(st, 0);
	m->changed[0] = changed[0];
	m->changed[1] = changed[1];
	return r;
}

void
cxv_store_memo_commit(struct cxv_store *st)
{
	struct store_memo *m = people(st);

	/* The count with this transaction's own changes in it. */
	if (m != NULL && read_changed(st, m->changed) != CXV_OK)
		cxv_store_memo_forget(st, 0);
}

void
cxv_store_memo_free(struct cxv_store *st)
{
	struct store_memo **m = cxv_store_memo_slot(st);

	cxv_store_memo_forget(st, 0);
	free(*m);
	*m = NULL;
}

/* Room for one more ref, else the rows turn off (correct, just slower). */
static int
room(struct store_memo *m)
{
	if (m->rows.used < MEMO_FILL)
		return 1;
	m->rows.on = 0;
	return 0;
}

/* A row into a table of size slots with room for it; its slot. */
static size_t
put(struct slot *tab, size_t size, int type, const uint8_t h[32], int64_t a,
    int64_t sid)
{
	size_t i = hash_of(h, a, size);

	while (tab[i].type != SLOT_FREE)
		i = (i + 1) & (size - 1);
	tab[i].type = (uint8_t)type;
	memcpy(tab[i].hash, h, 32);
	tab[i].a = a;
	tab[i].sid = sid;
	return i;
}

/* Whether a row of type with h and a (and sid, unless 0) is there. */
static int
has(const struct slot *tab, size_t size, int type, const uint8_t h[32],
    int64_t a, int64_t sid)
{
	size_t i;

	for (i = hash_of(h, a, size); tab[i].type != SLOT_FREE;
	    i = (i + 1) & (size - 1)) {
		const struct slot *s = &tab[i];

		if (s->type == type && s->a == a && (sid == 0 || s->sid == sid) &&
		    memcmp(s->hash, h, 32) == 0)
			return 1;
	}
	return 0;
}

static void
put_ref(struct store_memo *m, int type, const uint8_t ref[32],
    int64_t started_ms)
{
	if (room(m)) {
		put(m->rows.slot, MEMO_SLOTS, type, ref, started_ms, 0);
		m->rows.used++;
	}
}

static int
has_ref(const struct store_memo *m, int type, const uint8_t ref[32],
    int64_t started_ms)
{
	return has(m->rows.slot, MEMO_SLOTS, type, ref, started_ms, 0);
}

/*
 * An identifier's row, or the mark that it was asked for. Full, the
 * memo forgets every identifier and begins again: an identifier not
 * marked asked is asked of the database.
 */
static void
put_ident(struct store_memo *m, int type, const uint8_t bidx[32], int kind,
    int64_t sid)
{
	if (m->idents >= IDENT_FILL)
		forget_idents(m);
	m->ident_at[m->idents++] = (uint32_t)put(m->ident, IDENT_SLOTS, type,
	    bidx, kind, sid);
}

static int
has_ident(const struct store_memo *m, int type, const uint8_t bidx[32],
    int kind, int64_t sid)
{
	return has(m->ident, IDENT_SLOTS, type, bidx, kind, sid);
}

int
cxv_store_memo_interaction(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32], int *r)
{
	struct store_memo *m = memo(st);

	if (m == NULL || strcmp(m->rows.source, source) != 0 ||
	    !has_ref(m, SLOT_REF_ASKED, ref, started_ms))
		return 0;
	*r = has_ref(m, SLOT_REF, ref, started_ms) ? CXV_OK : CXV_ERR_NOT_FOUND;
	return 1;
}

void
cxv_store_memo_interaction_add(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32])
{
	struct store_memo *m = memo(st);

	if (m != NULL && strcmp(m->rows.source, source) == 0 &&
	    has_ref(m, SLOT_REF_ASKED, ref, started_ms))
		put_ref(m, SLOT_REF, ref, started_ms);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int
cxv_store_memo_ident_find(struct cxv_store *st, int kind,
    const uint8_t bidx[32], cxv_store_id_fn fn, void *ctx, int *r)
{
	struct store_memo *m = people(st);
	int64_t ids[64];
	size_t i, n = 0, k;

	if (m == NULL || !has_ident(m, SLOT_IDENT_ASKED, bidx, kind, 0))
		return 0;
	for (i = hash_of(bidx, kind, IDENT_SLOTS); m->ident[i].type !=
	    SLOT_FREE; i = (i + 1) & (IDENT_SLOTS - 1)) {
		const struct slot *s = &m->ident[i];

		if (s->type != SLOT_IDENT || s->a != kind ||
		    memcmp(s->hash, bidx, 32) != 0)
			continue;
		if (n == sizeof(ids) / sizeof(ids[0]))
			return 0;	/* a name many hold: ask the database */
		ids[n++] = s->sid;
	}
	/* As the query gives them: distinct, in order. */
	qsort(ids, n, sizeof(ids[0]), cmp_id);
	*r = CXV_OK;
	for (i = 0; i < n && *r == CXV_OK; i = k) {
		*r = fn(ctx, ids[i]);
		for (k = i + 1; k < n && ids[k] == ids[i]; k++)
			;
	}
	return 1;
}

int
cxv_store_memo_ident_held(struct cxv_store *st, int64_t sid, int kind,
    const uint8_t bidx[32], int *r)
{
	struct store_memo *m = people(st);

	if (m == NULL || !has_ident(m, SLOT_IDENT_ASKED, bidx, kind, 0))
		return 0;
	*r = has_ident(m, SLOT_IDENT, bidx, kind, sid) ? CXV_OK :
	    CXV_ERR_NOT_FOUND;
	return 1;
}

void
cxv_store_memo_ident_add(struct cxv_store *st, int64_t sid, int kind,
    const uint8_t bidx[32])
{
	struct store_memo *m = people(st);

	if (m != NULL && has_ident(m, SLOT_IDENT_ASKED, bidx, kind, 0) &&
	    !has_ident(m, SLOT_IDENT, bidx, kind, sid))
		put_ident(m, SLOT_IDENT, bidx, kind, sid);
}

static struct key_slot *
key_slot(struct store_memo *m, int64_t sid)
{
	size_t i = (size_t)((uint64_t)sid % KEY_SLOTS);

	while (m->key[i].sid != 0 && m->key[i].sid != sid)
		i = (i + 1) % KEY_SLOTS;
	return &m->key[i];
}

int
cxv_store_memo_key(struct cxv_store *st, int64_t sid, uint8_t *wrapped,
    size_t cap, size_t *len, int64_t *created_ms)
{
	struct store_memo *m = people(st);
	struct key_slot *k;

	if (m == NULL || (k = key_slot(m, sid))->sid == 0 || k->len > cap)
		return 0;
	memcpy(wrapped, k->wrapped, k->len);
	*len = k->len;
	*created_ms = k->created_ms;
	return 1;
}

void
cxv_store_memo_key_add(struct cxv_store *st, int64_t sid,
    const uint8_t *wrapped, size_t len, int64_t created_ms)
{
	struct store_memo *m = people(st);
	struct key_slot *k;

	if (m == NULL || sid == 0 || len > KEY_MAX)
		return;
	if (m->keys >= KEY_FILL)
		forget_keys(m);		/* full: begin again */
	if ((k = key_slot(m, sid))->sid != 0)
		return;
	m->key_at[m->keys] = (uint32_t)(k - m->key);
	k->sid = sid;
	k->created_ms = created_ms;
	k->len = len;
	memcpy(k->wrapped, wrapped, len);
	m->keys++;
}

int
cxv_store_memo_audit_head(struct cxv_store *st, int64_t *seq,
    uint8_t hash[32])
{
	struct store_memo *m = memo(st);

	if (m == NULL || !m->rows.head_known)
		return 0;
	*seq = m->rows.head_seq;
	memcpy(hash, m->rows.head_hash, 32);
	return 1;
}

void
cxv_store_memo_audit_set(struct cxv_store *st, int64_t seq,
    const uint8_t hash[32])
{
	struct store_memo *m = memo(st);

	if (m == NULL)
		return;
	m->rows.head_known = 1;
	m->rows.head_seq = seq;
	memcpy(m->rows.head_hash, hash, 32);
}

/*
 * The rows of the refs w names, by chunks of 63 start times. Each ref
 * is marked asked first, so that one named twice is read once.
 */
static int
read_refs(struct cxv_store *st, struct store_memo *m,
    const struct cxv_store_want *w)
{
	const struct cxv_store_want_ref *ref;
	struct db_stmt *s = NULL;
	size_t i;
	int n = 0, r = CXV_OK, rc;

	/* One more turn than refs, to read the last chunk. */
	for (i = 0; r == CXV_OK && i <= w->nrefs; i++) {
		if (i < w->nrefs) {
			ref = &w->ref[i];
			if (has_ref(m, SLOT_REF_ASKED, ref->ref,
			    ref->started_ms) || !room(m))
				continue;
			if (n == 0 && (s = STMT(st, S_REFS, &r)) == NULL)
				return r;
			put_ref(m, SLOT_REF_ASKED, ref->ref, ref->started_ms);
			db_bind_int64(s, ++n + 1, ref->started_ms);
			if (n < BATCH_PARAMS - 1)
				continue;
		}
		if (n == 0)
			continue;
		db_bind_text(s, 1, w->source);
		while ((rc = db_step(s)) == DB_ROW)
			if (db_column_bytes(s, 1) == 32)
				put_ref(m, SLOT_REF, db_column_blob(s, 1),
				    db_column_int64(s, 0));
		r = db_rc(rc);
		db_reset(s);
		n = 0;
	}
	return r;
}

struct sid_list {
	int64_t *sids;
	size_t n, cap;
};

static int
collect_sid(void *ctx, int64_t sid)
{
	struct sid_list *c = ctx;

	if (c->n < c->cap)
		c->sids[c->n++] = sid;
	return CXV_OK;
}

/*
 * The rows of the identifiers w names, by chunks of 64, each read once;
 * *sids gets the holders whose keys are wanted.
 */
static int
read_idents(struct cxv_store *st, struct store_memo *m,
    const struct cxv_store_want *w, int64_t *sids, size_t *nsids)
{
	const struct cxv_store_want_ident *id;
	struct sid_list c = { sids, 0, w->nidents };
	struct db_stmt *s = NULL;
	size_t i;
	int n = 0, r = CXV_OK, rc;

	for (i = 0; r == CXV_OK && i <= w->nidents; i++) {
		if (i < w->nidents) {
			id = &w->ident[i];
			if (has_ident(m, SLOT_IDENT_ASKED, id->bidx, id->kind,
			    0))
				continue;
			if (n == 0 && (s = STMT(st, S_IDENTS, &r)) == NULL)
				return r;
			put_ident(m, SLOT_IDENT_ASKED, id->bidx, id->kind, 0);
			db_bind_blob(s, ++n, id->bidx, 32);
			if (n < BATCH_PARAMS)
				continue;
		}
		if (n == 0)
			continue;
		while ((rc = db_step(s)) == DB_ROW)
			if (db_column_bytes(s, 1) == 32)
				put_ident(m, SLOT_IDENT, db_column_blob(s, 1),
				    (int)db_column_int64(s, 0),
				    db_column_int64(s, 2));
		r = db_rc(rc);
		db_reset(s);
		n = 0;
	}
	for (i = 0; i < w->nidents && r == CXV_OK; i++)
		if (w->ident[i].key)
			(void)cxv_store_memo_ident_find(st, w->ident[i].kind,
			    w->ident[i].bidx, collect_sid, &c, &r);
	*nsids = c.n;
	return r;
}

/* The wrapped keys of sids not known already, by chunks of 64. */
static int
read_keys(struct cxv_store *st, struct store_memo *m, int64_t *sids,
    size_t nsids)
{
	struct db_stmt *s;
	size_t i, n;
	int r = CXV_OK, rc;

	for (i = n = 0; i < nsids; i++)
		if (key_slot(m, sids[i])->sid != sids[i])
			sids[n++] = sids[i];
	nsids = n;
	for (i = 0; i < nsids && r == CXV_OK; i += n) {
		if ((s = STMT(st, S_KEYS, &r)) == NULL)
			return r;
		for (n = 0; n < BATCH_PARAMS && i + n < nsids; n++)
			db_bind_int64(s, (int)n + 1, sids[i + n]);
		while ((rc = db_step(s)) == DB_ROW)
			cxv_store_memo_key_add(st, db_column_int64(s, 0),
			    db_column_blob(s, 1), db_column_bytes(s, 1),
			    db_column_int64(s, 2));
		r = db_rc(rc);
		db_reset(s);
	}
	return r;
}

int
cxv_store_prefetch(struct cxv_store *st, const struct cxv_store_want *w)
{
	struct store_memo *m = *cxv_store_memo_slot(st);
	int64_t *sids = NULL;
	size_t nsids = 0;
	int r;

	/* A window too large for the memo is read from the database. */
	if (!cxv_store_piped(st) || m == NULL || w->nrefs > MEMO_FILL / 2 ||
	    strlen(w->source) >= SOURCE_MAX)
		return CXV_OK;
	cxv_store_memo_forget(st, 1);
	m->rows.on = 1;
	memcpy(m->rows.source, w->source, strlen(w->source) + 1);
	if ((sids = calloc(w->nidents + 1, sizeof(*sids))) == NULL)
		r = CXV_ERR_NOMEM;
	else if ((r = read_refs(st, m, w)) == CXV_OK &&
	    (r = read_idents(st, m, w, sids, &nsids)) == CXV_OK)
		r = read_keys(st, m, sids, nsids);
	free(sids);
	if (r != CXV_OK)	/* identifiers marked asked, not all read */
		cxv_store_memo_forget(st, 0);
	return r;
}
