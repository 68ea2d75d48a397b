/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interactions in the store (store.h): the records of calls and
 * sessions, their data items, and the traffic statistics written with
 * them.
 */
#include "store/store.h"

#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_TS_COUNT, S_IA_INSERT, S_IT_INSERT, S_IT_BY_IA, S_TS_INSERT,
	S_TS_DAYS, S_IA_COUNT, S_IA_BY_AGENT, S_IA_BY_TIME, S_IA_EXISTS,
	S_IA_GET, S_IA_SHOW, S_IA_BY_SUBJECT, S_IA_SAME, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_IA_SAME] = "SELECT 1 FROM interaction WHERE source = ?1 AND "
	    "source_ref = ?2 AND started_ms = ?3 AND answered_ms = ?4 AND "
	    "ended_ms = ?5 AND outcome = ?6",
	[S_TS_COUNT] = "SELECT count(*) FROM traffic_stat WHERE number_ps = ?1",
	[S_IA_INSERT] = "INSERT INTO interaction (id, subject_id, media, source, "
	    "source_ref, started_ms, answered_ms, ended_ms, outcome, sealed, "
	    "agent_user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_IT_INSERT] = "INSERT INTO interaction_item (id, interaction_id, "
	    "subject_id, name, protected, destinations, created_ms, sealed) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_IT_BY_IA] = "SELECT id, interaction_id, subject_id, name, protected, "
	    "destinations, created_ms, sealed FROM interaction_item "
	    "WHERE interaction_id = ?1 ORDER BY created_ms, id",
	[S_TS_INSERT] = "INSERT INTO traffic_stat (ts_ms, duration_s, answered, "
	    "number_ps) VALUES (?1, ?2, ?3, ?4)",
	[S_TS_DAYS] = "SELECT ts_ms / 86400000, count(*), sum(answered), "
	    "sum(duration_s), count(DISTINCT number_ps) FROM traffic_stat "
	    "WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY 1 ORDER BY 1",
	[S_IA_COUNT] = "SELECT count(*) FROM interaction",
	[S_IA_BY_AGENT] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM "
	    "interaction WHERE agent_user_id = ?1 AND started_ms >= ?2 AND "
	    "started_ms < ?3 ORDER BY started_ms, id",
	[S_IA_BY_TIME] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM interaction "
	    "WHERE started_ms >= ?1 AND started_ms < ?2 ORDER BY started_ms, id",
	[S_IA_EXISTS] = "SELECT 1 FROM interaction WHERE source = ?1 AND "
	    "started_ms = ?3 AND source_ref = ?2",
	[S_IA_GET] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id "
	    "FROM interaction WHERE id = ?1",
	/* CASE, not a bare EXISTS: PostgreSQL's would be a boolean. */
	[S_IA_SHOW] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id, "
	    "CASE WHEN EXISTS (SELECT 1 FROM interaction_item WHERE "
	    "interaction_id = ?1) THEN 1 ELSE 0 END, "
	    "CASE WHEN EXISTS (SELECT 1 FROM content WHERE "
	    "interaction_id = ?1) THEN 1 ELSE 0 END "
	    "FROM interaction WHERE id = ?1",
	[S_IA_BY_SUBJECT] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM interaction "
	    "WHERE subject_id = ?1 AND started_ms >= ?2 AND started_ms < ?3 "
	    "ORDER BY started_ms, id",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_INTERACTION, stmt_sql, (id), (r))

int
cxv_store_interaction_count(struct cxv_store *st, int64_t *n)
{
	return cxv_store_count(st, STORE_PART_INTERACTION, stmt_sql,
	    S_IA_COUNT, n);
}

int
cxv_store_interaction_insert(struct cxv_store *st,
    const struct cxv_interaction_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IA_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_int64(s, 3, row->media);
	db_bind_text(s, 4, row->source);
	db_bind_blob(s, 5, row->source_ref, 32);
	db_bind_int64(s, 6, row->started_ms);
	db_bind_int64(s, 7, row->answered_ms);
	db_bind_int64(s, 8, row->ended_ms);
	db_bind_text(s, 9, row->outcome);
	db_bind_blob(s, 10, row->sealed, row->sealed_len);
	if (row->agent_user_id != 0)
		db_bind_int64(s, 11, row->agent_user_id);
	if ((r = cxv_store_step_new_id(st, STORE_IDS_INTERACTION, row->id,
	    s)) == CXV_OK)
		cxv_store_memo_interaction_add(st, row->source, row->started_ms,
		    row->source_ref);
	return r;
}

int
cxv_store_interaction_exists(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32])
{
	struct db_stmt *s;
	int r;

	if (cxv_store_memo_interaction(st, source, started_ms, ref, &r))
		return r;
	if ((s = STMT(st, S_IA_EXISTS, &r)) == NULL)
		return r;
	db_bind_text(s, 1, source);
	db_bind_blob(s, 2, ref, 32);
	db_bind_int64(s, 3, started_ms);
	r = cxv_store_step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_interaction_same(struct cxv_store *st, const char *source,
    const uint8_t ref[32], const struct cxv_interaction_row *times)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IA_SAME, &r)) == NULL)
		return r;
	db_bind_text(s, 1, source);
	db_bind_blob(s, 2, ref, 32);
	db_bind_int64(s, 3, times->started_ms);
	db_bind_int64(s, 4, times->answered_ms);
	db_bind_int64(s, 5, times->ended_ms);
	db_bind_text(s, 6, times->outcome);
	r = cxv_store_step_row(s);
	db_reset(s);
	return r;
}

struct ia_cb {
	cxv_store_interaction_fn fn;
	void *ctx;
};

static int
interaction_row(struct db_stmt *s, void *ctx)
{
	struct ia_cb *cb = ctx;
	struct cxv_interaction_row row;

	memset(&row, 0, sizeof(row));
	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.media = (int)db_column_int64(s, 2);
	row.source = cxv_store_column_text(s, 3);
	row.started_ms = db_column_int64(s, 4);
	row.answered_ms = db_column_int64(s, 5);
	row.ended_ms = db_column_int64(s, 6);
	row.outcome = cxv_store_column_text(s, 7);
	row.sealed = db_column_blob(s, 8);
	row.sealed_len = (size_t)db_column_bytes(s, 8);
	row.agent_user_id = db_column_int64(s, 9);
	return cb->fn(cb->ctx, &row);
}

/* One interaction's row; and what it has, unless has is NULL. */
static int
interaction_one(struct cxv_store *st, int64_t id,
    struct cxv_interaction_has *has, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, has != NULL ? S_IA_SHOW : S_IA_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = cxv_store_step_row(s)) == CXV_OK && has != NULL) {
		has->items = db_column_int64(s, 10) != 0;
		has->content = db_column_int64(s, 11) != 0;
	}
	if (r == CXV_OK)
		r = interaction_row(s, &cb);
	db_reset(s);
	return r;
}

int
cxv_store_interaction_get(struct cxv_store *st, int64_t id,
    cxv_store_interaction_fn fn, void *ctx)
{
	return interaction_one(st, id, NULL, fn, ctx);
}

int
cxv_store_interaction_show(struct cxv_store *st, int64_t id,
    struct cxv_interaction_has *has, cxv_store_interaction_fn fn, void *ctx)
{
	return interaction_one(st, id, has, fn, ctx);
}

int
cxv_store_interaction_by_subject(struct cxv_store *st, int64_t subject_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IA_BY_SUBJECT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, since_ms);
	db_bind_int64(s, 3, until_ms);
	return cxv_store_each_row(s, interaction_row, &cb);
}

int
cxv_store_interaction_by_agent(struct cxv_store *st, int64_t user_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IA_BY_AGENT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, since_ms);
	db_bind_int64(s, 3, until_ms);
	return cxv_store_each_row(s, interaction_row, &cb);
}

int
cxv_store_interaction_by_time(struct cxv_store *st, int64_t since_ms,
    int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IA_BY_TIME, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	db_bind_int64(s, 2, until_ms);
	return cxv_store_each_row(s, interaction_row, &cb);
}

int
cxv_store_stat_count(struct cxv_store *st, const char *number_ps,
    int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = STMT(st, S_TS_COUNT, &r)) == NULL)
		return r;
	db_bind_text(s, 1, number_ps);
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		*n = db_column_int64(s, 0);
	db_reset(s);
	return r;
}

int
cxv_store_item_insert(struct cxv_store *st, const struct cxv_item_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->interaction_id);
	db_bind_int64(s, 3, row->subject_id);
	db_bind_text(s, 4, row->name);
	db_bind_int64(s, 5, row->protected_);
	db_bind_int64(s, 6, row->destinations);
	db_bind_int64(s, 7, row->created_ms);
	db_bind_blob(s, 8, row->sealed, row->sealed_len);
	return cxv_store_step_done(s);
}

struct it_cb {
	cxv_store_item_fn fn;
	void *ctx;
};

static int
item_row(struct db_stmt *s, void *ctx)
{
	struct it_cb *cb = ctx;
	struct cxv_item_row row;

	row.id = db_column_int64(s, 0);
	row.interaction_id = db_column_int64(s, 1);
	row.subject_id = db_column_int64(s, 2);
	row.name = cxv_store_column_text(s, 3);
	row.protected_ = (int)db_column_int64(s, 4);
	row.destinations = (int)db_column_int64(s, 5);
	row.created_ms = db_column_int64(s, 6);
	row.sealed = db_column_blob(s, 7);
	row.sealed_len = (size_t)db_column_bytes(s, 7);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_items(struct cxv_store *st, int64_t interaction_id,
    cxv_store_item_fn fn, void *ctx)
{
	struct it_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IT_BY_IA, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, interaction_id);
	return cxv_store_each_row(s, item_row, &cb);
}

int
cxv_store_stat_insert(struct cxv_store *st, int64_t ts_ms, int64_t duration_s,
    int answered, const char *number_ps)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_TS_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, ts_ms);
	db_bind_int64(s, 2, duration_s);
	db_bind_int64(s, 3, answered);
	db_bind_text(s, 4, number_ps);
	return cxv_store_step_piped(st, s, DB_PIPE_HELD);
}

struct day_cb {
	cxv_store_stat_day_fn fn;
	void *ctx;
};

static int
day_row(struct db_stmt *s, void *ctx)
{
	struct day_cb *cb = ctx;
	struct cxv_stat_day d;

	d.day_ms = db_column_int64(s, 0) * 86400000;
	d.calls = db_column_int64(s, 1);
	d.answered = db_column_int64(s, 2);
	d.duration_s = db_column_int64(s, 3);
	d.numbers = db_column_int64(s, 4);
	return cb->fn(cb->ctx, &d);
}

int
cxv_store_stat_days(struct cxv_store *st, int64_t since_ms, int64_t until_ms,
    cxv_store_stat_day_fn fn, void *ctx)
{
	struct day_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_TS_DAYS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	db_bind_int64(s, 2, until_ms);
	return cxv_store_each_row(s, day_row, &cb);
}
