/* SPDX-License-Identifier: Apache-2.0 */
/* A person's data as a streamed tar archive; see export.h. */
#include "rights/export.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "base/err.h"
#include "base/tar.h"
#include "base/util.h"
#include "core/keyring.h"
#include "records/catalog.h"
#include "records/content.h"
#include "records/interaction.h"
#include "records/subject.h"
#include "records/vault.h"
#include "records/view.h"
#include "store/store.h"

#define DOC_NAME	"person.json"
#define NAME_MAX_TAR	64

/*
 * A content item to stream, or the original kept of one: its file, its
 * name in the archive, its size.
 */
struct item {
	struct cxv_content_info info;
	int original;
	uint64_t size;
	char *path;
	char name[NAME_MAX_TAR];
};

struct cxv_export {
	char *doc;
	size_t doclen;
	struct item *items;
	size_t nitems, cap;
	struct cxv_subject_key *key;	/* locked memory */
	/* The stream: part 0 is the document, 1..n the items. */
	size_t part;
	int phase, started;
	uint8_t hdr[CXV_TAR_BLOCK];
	size_t pos;			/* in the header or padding */
	uint64_t left;			/* data bytes of the part still to come */
	struct cxv_content_reader *rd;
};

enum { PH_HEADER, PH_DATA, PH_PAD, PH_TRAILER, PH_DONE };

/* What the document builder carries. */
struct build {
	struct cxv_vault *v;
	int64_t id;
	struct cxv_export *x;
	json_t *records;
	json_t *fields;			/* of the record being opened */
};

static json_t *
category_of(const char *store)
{
	const struct cxv_category *c = cxv_catalog_find(store);

	if (c == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "category", c->name,
	    "purpose", c->purpose, "source", c->source, "legal_basis",
	    c->basis, "retention", "kept until erased (no retention "
	    "schedule applies)");
}

static int
add_ident(void *ctx, enum cxv_ident_kind kind, const char *value)
{
	return json_array_append_new(ctx, json_pack("{s:s, s:s}", "kind",
	    cxv_ident_kind_name(kind), "value", value)) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

static int
add_field(void *ctx, const char *name, const char *value)
{
	struct build *b = ctx;

	return json_object_set_new(b->fields, name, cxv_view_text(value)) == 0 ?
	    CXV_OK : CXV_ERR_NOMEM;
}

static int
take_interaction(void *ctx, const struct cxv_interaction_row *row)
{
	json_t **out = ctx, *trail;

	if ((*out = cxv_view_interaction_row(row)) == NULL ||
	    (trail = cxv_view_trail(row)) == NULL)
		return CXV_ERR_NOMEM;
	return json_object_set_new(*out, "trail", trail) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

/* An interaction's clear columns and trail, besides its fields. */
static int
interaction_details(struct build *b, int64_t id, json_t *rec)
{
	json_t *row = NULL;
	int r;

	if ((r = cxv_store_interaction_get(cxv_vault_store(b->v), id,
	    take_interaction, &row)) != CXV_OK) {
		json_decref(row);
		return r;
	}
	return json_object_set_new(rec, "details", row) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

/* One sealed record: where it is, what it is for, its fields opened. */
static int
add_record(void *ctx, int table, const char *ad, int64_t id, int64_t ts_ms,
    const uint8_t *sealed, size_t len)
{
	struct build *b = ctx;
	const char *store = cxv_store_sealed_name(table);
	char full[64];
	json_t *rec;
	int r;

	snprintf(full, sizeof(full), "%s:%lld", ad, (long long)id);
	if ((b->fields = json_object()) == NULL)
		return CXV_ERR_NOMEM;
	if ((rec = json_pack("{s:s, s:I, s:o, s:o, s:O}", "store", store,
	    "record", (json_int_t)id, "time", cxv_view_time(ts_ms), "about",
	    category_of(store), "fields", b->fields)) == NULL) {
		json_decref(b->fields);
		return CXV_ERR_NOMEM;
	}
	r = cxv_subject_open_fields(b->v, b->id, full, sealed, len, add_field,
	    b);
	json_decref(b->fields);
	b->fields = NULL;
	if (r == CXV_OK && table == CXV_SEALED_INTERACTION)
		r = interaction_details(b, id, rec);
	if (r == CXV_OK && json_array_append(b->records, rec) != 0)
		r = CXV_ERR_NOMEM;
	json_decref(rec);
	return r;
}

/* Rows of traffic statistics under the pseudonym of each identifier. */
struct stats {
	struct cxv_vault *v;
	json_t *list;
};

static int
add_stats(void *ctx, enum cxv_ident_kind kind, const char *value)
{
	struct stats *s = ctx;
	char ps[CXV_PSEUDONYM_LEN + 1];
	int64_t n = 0;
	int r;

	if (kind == CXV_IDENT_NAME)
		return CXV_OK;
	cxv_keyring_pseudonym(cxv_vault_keyring(s->v), value, ps);
	if ((r = cxv_store_stat_count(cxv_vault_store(s->v), ps, &n)) != CXV_OK)
		return r;
	if (n == 0)
		return CXV_OK;
	return json_array_append_new(s->list, json_pack("{s:s, s:I, s:o}",
	    "pseudonym", ps, "rows", (json_int_t)n, "about",
	    category_of("statistics"))) == 0 ? CXV_OK : CXV_ERR_NOMEM;
}

/* An item, or its original, to stream after the document. */
static int
add_part(struct build *b, const struct cxv_content_info *info, int original)
{
	struct cxv_export *x = b->x;
	char path[PATH_MAX];
	struct item *it;
	void *p;
	int r;

	if (x->nitems == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 8;
		if ((p = realloc(x->items, x->cap * sizeof(*x->items))) == NULL)
			return CXV_ERR_NOMEM;
		x->items = p;
	}
	it = &x->items[x->nitems];
	memset(it, 0, sizeof(*it));
	it->info = *info;
	it->original = original;
	it->size = (uint64_t)(original ? info->original_size : info->size);
	snprintf(it->name, sizeof(it->name), "content/%lld-%s%s",
	    (long long)info->id, cxv_content_kind_name(info->kind),
	    original ? "-original" : "");
	if ((r = cxv_content_path_of(b->v, info, original, path)) != CXV_OK)
		return r;
	if ((it->path = strdup(path)) == NULL)
		return CXV_ERR_NOMEM;
	x->nitems++;
	return CXV_OK;
}

/*
 * A content item: listed in the document, streamed after it, with the
 * original kept of it (masked_and_original): the person's data too.
 */
static int
add_item(void *ctx, const struct cxv_content_info *info)
{
	int r = add_part(ctx, info, 0);

	if (r == CXV_OK && info->original[0] != '\0')
		r = add_part(ctx, info, 1);
	return r;
}

static json_t *
content_list(const struct cxv_export *x)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; list != NULL && i < x->nitems; i++) {
		const struct cxv_content_info *in = &x->items[i].info;
		/* An original follows its item: named in the item's entry. */
		int orig = i + 1 < x->nitems && x->items[i + 1].original;

		if (x->items[i].original)
			continue;
		/* What was masked: the person sees their recording was. */
		if (json_array_append_new(list, json_pack("{s:I, s:s, s:o, s:I, "
		    "s:o, s:s, s:o, s:o, s:o}", "content", (json_int_t)in->id,
		    "kind", cxv_content_kind_name(in->kind), "interaction",
		    in->interaction_id ? json_integer(in->interaction_id) :
		    json_null(), "size", (json_int_t)in->size, "created",
		    cxv_view_time(in->created_ms), "file", x->items[i].name,
		    "masking", cxv_view_masking(in->masking),
		    "original_file", orig ? json_string(x->items[i + 1].name) :
		    json_null(), "about", category_of("content"))) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* Everything held about the person, inside the caller's read snapshot. */
static int
gather(struct build *b, json_t *idents, json_t *stats)
{
	struct stats s = { b->v, stats };
	int r;

	if ((r = cxv_subject_identifiers_tx(b->v, b->id, add_ident, idents)) !=
	    CXV_OK ||
	    (r = cxv_store_sealed_each(cxv_vault_store(b->v), b->id, add_record,
	    b)) != CXV_OK ||
	    (r = cxv_subject_identifiers_tx(b->v, b->id, add_stats, &s)) !=
	    CXV_OK)
		return r;
	return cxv_content_list_subject(b->v, b->id, add_item, b);
}

/* The document as JSON text into x->doc. */
static int
build_doc(struct cxv_vault *v, int64_t id, struct cxv_export *x)
{
	struct build b = { v, id, x, json_array(), NULL };
	json_t *idents = json_array(), *stats = json_array(), *doc = NULL;
	int hold = 0, restricted = 0, r = CXV_ERR_NOMEM;

	if (b.records != NULL && idents != NULL && stats != NULL &&
	    (r = cxv_store_read_begin(cxv_vault_store(v))) == CXV_OK) {
		if ((r = cxv_subject_flags(v, id, &hold, &restricted)) ==
		    CXV_OK)
			r = gather(&b, idents, stats);
		cxv_store_read_end(cxv_vault_store(v));
	}
	if (r == CXV_OK && (doc = json_pack("{s:s, s:I, s:o, s:s, s:{s:b, s:b}, "
	    "s:O, s:O, s:o, s:O}", "format", "cxvault-export/1", "subject",
	    (json_int_t)id, "exported_at", cxv_view_time(cxv_now_ms()),
	    "exported_by", cxv_vault_actor(v), "flags", "legal_hold", hold,
	    "restricted", restricted, "identifiers", idents, "records",
	    b.records, "content", content_list(x), "statistics", stats)) ==
	    NULL)
		r = CXV_ERR_NOMEM;
	if (r == CXV_OK && (x->doc = json_dumps(doc, JSON_INDENT(1) |
	    JSON_SORT_KEYS)) == NULL)
		r = CXV_ERR_NOMEM;
	if (r == CXV_OK)
		x->doclen = strlen(x->doc);
	json_decref(doc);
	json_decref(idents);
	json_decref(stats);
	json_decref(b.records);
	return r;
}

void
cxv_export_close(struct cxv_export *x)
{
	size_t i;

	if (x == NULL)
		return;
	cxv_content_close(x->rd);
	if (x->doc != NULL)
		cxv_freezero(x->doc, x->doclen + 1);
	for (i = 0; i < x->nitems; i++)
		free(x->items[i].path);
	free(x->items);
	sodium_free(x->key);
	free(x);
}

int
cxv_export_open(struct cxv_vault *v, int64_t id, struct cxv_export **out)
{
	struct cxv_export *x;
	char idstr[24];
	int r;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return CXV_ERR_NOMEM;
	if ((x->key = sodium_malloc(sizeof(*x->key))) == NULL)
		r = CXV_ERR_NOMEM;
	else if ((r = cxv_subject_key(v, id, x->key)) == CXV_OK &&
	    (r = build_doc(v, id, x)) == CXV_OK) {
		/* Recorded before the first byte leaves (R7.2). */
		snprintf(idstr, sizeof(idstr), "%lld", (long long)id);
		r = cxv_vault_audit_read(v, "subject.export", "subject", idstr,
		    "records,content");
	}
	if (r != CXV_OK) {
		cxv_export_close(x);
		return r;
	}
	*out = x;
	return CXV_OK;
}

/* Bytes of one part: header, data, padding. */
static uint64_t
part_bytes(uint64_t size)
{
	return CXV_TAR_BLOCK + size + cxv_tar_padding(size);
}

uint64_t
cxv_export_size(const struct cxv_export *x)
{
	uint64_t n = part_bytes(x->doclen) + CXV_TAR_TRAILER;
	size_t i;

	for (i = 0; i < x->nitems; i++)
		n += part_bytes(x->items[i].size);
	return n;
}

/* Size of the current part's data. */
static uint64_t
part_size(const struct cxv_export *x)
{
	return x->part > 0 ? x->items[x->part - 1].size : x->doclen;
}

/* Enter the header of the current part (opening an item's stream). */
static int
start_part(struct cxv_export *x)
{
	struct item *it = x->part > 0 ? &x->items[x->part - 1] : NULL;
	int r;

	x->left = part_size(x);
	if ((r = cxv_tar_header(it != NULL ? it->name : DOC_NAME, x->left,
	    (it != NULL ? it->info.created_ms : cxv_now_ms()) / 1000, x->hdr)) !=
	    CXV_OK)
		return r;
	if (it != NULL && (r = (it->original ?
	    cxv_content_open_original_keyed : cxv_content_open_keyed)(it->path,
	    x->key, &it->info, &x->rd)) != CXV_OK)
		return r;
	x->phase = PH_HEADER;
	x->pos = 0;
	return CXV_OK;
}

/* Data of the current part into buf; an item must hold its size. */
static int
part_data(struct cxv_export *x, uint8_t *buf, size_t cap, size_t *got)
{
	size_t want = x->left < cap ? (size_t)x->left : cap;
	int r;

	if (x->part == 0) {
		memcpy(buf, x->doc + (x->doclen - x->left), want);
		*got = want;
		return CXV_OK;
	}
	if ((r = cxv_content_read(x->rd, buf, want, got)) != CXV_OK)
		return r;
	return *got == 0 ? CXV_ERR_CORRUPT : CXV_OK;	/* shorter than said */
}

/* Zeros up to total, counted in x->pos; 1 when done. */
static int
zeros(struct cxv_export *x, size_t total, uint8_t *buf, size_t cap,
    size_t *got)
{
	size_t n = total - x->pos < cap ? total - x->pos : cap;

	memset(buf, 0, n);
	*got = n;
	x->pos += n;
	return x->pos == total;
}

/* The part after the current one, or the trailer. */
static int
next_part(struct cxv_export *x)
{
	cxv_content_close(x->rd);
	x->rd = NULL;
	if (++x->part <= x->nitems)
		return start_part(x);
	x->phase = PH_TRAILER;
	x->pos = 0;
	return CXV_OK;
}

/* One step of the stream into buf; *got may be 0 between phases. */
static int
step(struct cxv_export *x, uint8_t *buf, size_t cap, size_t *got)
{
	size_t n;
	int r;

	*got = 0;
	switch (x->phase) {
	case PH_HEADER:
		n = CXV_TAR_BLOCK - x->pos < cap ? CXV_TAR_BLOCK - x->pos : cap;
		memcpy(buf, x->hdr + x->pos, n);
		*got = n;
		if ((x->pos += n) == CXV_TAR_BLOCK)
			x->phase = PH_DATA;
		return CXV_OK;
	case PH_DATA:
		if (x->left > 0 && (r = part_data(x, buf, cap, got)) != CXV_OK)
			return r;
		if ((x->left -= *got) == 0) {
			x->phase = PH_PAD;
			x->pos = 0;
		}
		return CXV_OK;
	case PH_PAD:
		if (zeros(x, cxv_tar_padding(part_size(x)), buf, cap, got))
			return next_part(x);
		return CXV_OK;
	case PH_TRAILER:
		if (zeros(x, CXV_TAR_TRAILER, buf, cap, got))
			x->phase = PH_DONE;
		return CXV_OK;
	default:
		return CXV_OK;
	}
}

int
cxv_export_read(struct cxv_export *x, uint8_t *buf, size_t cap, size_t *got)
{
	size_t n;
	int r;

	*got = 0;
	if (!x->started) {
		x->started = 1;
		if ((r = start_part(x)) != CXV_OK)
			return r;
	}
	while (*got < cap && x->phase != PH_DONE) {
		if ((r = step(x, buf + *got, cap - *got, &n)) != CXV_OK)
			return r;
		*got += n;
	}
	return CXV_OK;
}
