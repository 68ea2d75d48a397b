/* SPDX-License-Identifier: Apache-2.0 */
/* The sealed content store under DIR/content; see content.h. */
#include "records/content.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base/err.h"
#include "base/util.h"
#include "core/keyring.h"
#include "records/subject.h"
#include "records/vault.h"
#include "records/voicemail.h"
#include "store/store.h"

#define NAME_BYTES	16	/* random file names: 32 hex digits */
#define NAME_LEN	((size_t)2 * NAME_BYTES)
#define AD_MAX		40

static struct cxv_id_seq content_ids;

static const char *const kind_names[CXV_CONTENT__COUNT] = {
	"recording", "voicemail", "greeting", "chat_transcript",
	"sms_transcript", "email", "case_note", "photo",
};

const char *
cxv_content_kind_name(int kind)
{
	return cxv_name_of(kind_names, CXV_CONTENT__COUNT, kind);
}

int
cxv_content_kind_parse(const char *name, enum cxv_content_kind *kind)
{
	int i = cxv_name_index(kind_names, CXV_CONTENT__COUNT, name);

	if (i < 0)
		return CXV_ERR_INVALID;
	*kind = (enum cxv_content_kind)i;
	return CXV_OK;
}

static void
content_ad(int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "content:%lld", (long long)id);
}

/* DIR/content/<file>; refuses anything but a name this module made. */
static int
content_path(struct cxv_vault *v, const char *file, const char *suffix,
    char out[PATH_MAX])
{
	char rel[96];

	if (strlen(file) != NAME_LEN ||
	    strspn(file, "0123456789abcdef") != NAME_LEN)
		return CXV_ERR_CORRUPT;
	snprintf(rel, sizeof(rel), "content/%s%s", file, suffix);
	return cxv_vault_path(v, rel, out, PATH_MAX);
}

static int
subject_of(void *ctx, const struct cxv_interaction_row *row)
{
	*(int64_t *)ctx = row->subject_id;
	return CXV_OK;
}

static int
user_subject(void *ctx, const struct cxv_user_row *row)
{
	*(int64_t *)ctx = row->subject_id;
	return CXV_OK;
}

/* Whether a mask's summary (core/mask.h) says something was masked. */
static int
was_masked(const char *masking)
{
	return masking != NULL &&
	    strstr(masking, "\"state\":\"masked\"") != NULL;
}

/*
 * The row and its audit entry, in one transaction; a user's voicemail
 * message joins the mail outbox in it too (R4.3). With replaces, the
 * row of a stored item now masked is pointed at its new file instead
 * (NOT_FOUND if it was erased or changed meanwhile).
 */
static int
commit_row(struct cxv_vault *v, const struct cxv_content_row *row,
    int64_t user_id, const char *replaces)
{
	struct cxv_store *st = cxv_vault_store(v);
	char idstr[24], detail[40];
	int r;

	snprintf(idstr, sizeof(idstr), "%lld", (long long)row->id);
	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	/* What was masked is said in the entry: kind and "masked". */
	snprintf(detail, sizeof(detail), "%s%s", cxv_content_kind_name(row->kind),
	    was_masked(row->masking) ? " masked" : "");
	if (replaces != NULL) {
		if ((r = cxv_store_content_remask(st, row, replaces)) == CXV_OK &&
		    (r = cxv_vault_audit(v, "content.mask", "content", idstr,
		    detail)) == CXV_OK)
			r = cxv_store_commit(st);
	} else if ((r = cxv_store_content_insert(st, row)) == CXV_OK &&
	    (r = cxv_vault_audit(v, "content.create", "content", idstr,
	    detail)) == CXV_OK &&
	    (row->kind != CXV_CONTENT_VOICEMAIL || user_id == 0 ||
	    (r = cxv_voicemail_queue_tx(v, user_id, row->id)) == CXV_OK))
		r = cxv_store_commit(st);
	if (r != CXV_OK)
		cxv_store_rollback(st);
	return r;
}

/*
 * A file being sealed: DIR/content/<name>.tmp, renamed to <name> once
 * complete and synced.
 */
struct sealing {
	char name[NAME_LEN + 1];
	char tmp[PATH_MAX], path[PATH_MAX];
	FILE *f;
	struct cxv_stream *s;
};

/* An item being sealed, and its original where the policy keeps it. */
struct cxv_content_upload {
	struct cxv_content_row row;
	int64_t user_id;		/* a user's own item, or 0 */
	struct sealing main;
	struct sealing orig;		/* orig.s NULL: no original kept */
	struct cxv_mask *mask;		/* recordings, voicemail, text */
	char *masking;			/* the mask's summary, at commit */
	uint64_t max, seen;
	const char *replaces;		/* a stored item's file being masked */
};

static void
sealing_drop(struct sealing *sf)
{
	cxv_stream_free(sf->s);
	sf->s = NULL;
	if (sf->f != NULL)
		fclose(sf->f);
	sf->f = NULL;
	if (sf->tmp[0] != '\0')
		(void)unlink(sf->tmp);
}

void
cxv_content_upload_abort(struct cxv_content_upload *up)
{
	if (up == NULL)
		return;
	cxv_mask_free(up->mask);
	free(up->masking);
	sealing_drop(&up->main);
	sealing_drop(&up->orig);
	free(up);
}

/*
 * A fresh name, its temporary file (0600, never an existing one) and
 * the stream sealing into it under key with ad.
 */
static int
sealing_open(struct cxv_vault *v, struct sealing *sf,
    const struct cxv_subject_key *key, const char *ad)
{
	uint8_t name[NAME_BYTES];
	int fd, r;

	randombytes_buf(name, sizeof(name));
	cxv_hex(name, sizeof(name), sf->name);
	if ((r = content_path(v, sf->name, ".tmp", sf->tmp)) != CXV_OK ||
	    (r = content_path(v, sf->name, "", sf->path)) != CXV_OK)
		return r;
	fd = open(sf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		sf->tmp[0] = '\0';	/* not ours to remove */
		return CXV_ERR_IO;
	}
	if ((sf->f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		return CXV_ERR_IO;
	}
	return cxv_stream_seal_begin(key, ad, sf->f, &sf->s);
}

/* The end sealed, synced and renamed into place; *size the plaintext. */
static int
sealing_finish(struct sealing *sf, uint64_t *size)
{
	int r = cxv_stream_seal_end(sf->s, size);

	if (r == CXV_OK && fsync(fileno(sf->f)) != 0)
		r = CXV_ERR_IO;
	if (fclose(sf->f) != 0 && r == CXV_OK)
		r = CXV_ERR_IO;
	sf->f = NULL;
	if (r == CXV_OK && rename(sf->tmp, sf->path) != 0)
		r = CXV_ERR_IO;
	if (r == CXV_OK)
		sf->tmp[0] = '\0';	/* in place: no temporary left */
	return r;
}

/* Associated data of the original: it opens as nothing else. */
static void
original_ad(int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "content-original:%lld", (long long)id);
}

/* The mask's output: sealed as it comes. */
static int
seal_out(void *ctx, const uint8_t *data, size_t len)
{
	struct cxv_content_upload *up = ctx;

	return cxv_stream_seal_write(up->main.s, data, len);
}

/* Calls hold card numbers keyed or read out; greetings and photos not. */
static int
masked_kind(enum cxv_content_kind kind)
{
	return kind == CXV_CONTENT_RECORDING || kind == CXV_CONTENT_VOICEMAIL;
}

/* Transcripts, emails and notes are redacted as log lines are (R8.4). */
static int
redacted_kind(enum cxv_content_kind kind)
{
	return kind == CXV_CONTENT_CHAT_TRANSCRIPT ||
	    kind == CXV_CONTENT_SMS_TRANSCRIPT || kind == CXV_CONTENT_EMAIL ||
	    kind == CXV_CONTENT_CASE_NOTE;
}

/* Whether the policy of kind's category keeps the original (issue 29). */
static int
keeps_original(struct cxv_vault *v, enum cxv_content_kind kind)
{
	static const int cat[CXV_CONTENT__COUNT] = {
		[CXV_CONTENT_RECORDING] = CXV_MASK_CAT_RECORDINGS,
		[CXV_CONTENT_VOICEMAIL] = CXV_MASK_CAT_VOICEMAIL,
		[CXV_CONTENT_GREETING] = -1,
		[CXV_CONTENT_CHAT_TRANSCRIPT] = CXV_MASK_CAT_TRANSCRIPTS,
		[CXV_CONTENT_SMS_TRANSCRIPT] = CXV_MASK_CAT_TRANSCRIPTS,
		[CXV_CONTENT_EMAIL] = CXV_MASK_CAT_EMAIL,
		[CXV_CONTENT_CASE_NOTE] = CXV_MASK_CAT_CASE_NOTES,
		[CXV_CONTENT_PHOTO] = -1,
	};

	return cat[kind] >= 0 &&
	    cxv_vault_config(v)->mask_keep_original[cat[kind]];
}

/*
 * The rest of a new upload whose row has its id, subject and kind: the
 * sealed temporary file, the original's beside it if the policy keeps
 * one, the mask of its kind.
 */
static int
upload_start(struct cxv_vault *v, struct cxv_content_upload *up,
    const struct cxv_mask_span *marked, size_t nmarked)
{
	enum cxv_content_kind kind = (enum cxv_content_kind)up->row.kind;
	struct cxv_subject_key key, okey;
	char ad[AD_MAX];
	int r;

	if ((r = cxv_subject_key(v, up->row.subject_id, &key)) != CXV_OK)
		return r;
	content_ad(up->row.id, ad);
	r = sealing_open(v, &up->main, &key, ad);
	up->row.file = up->main.name;
	if (r == CXV_OK && (masked_kind(kind) || redacted_kind(kind)) &&
	    keeps_original(v, kind)) {
		cxv_subject_key_derive(&key, "content.original", &okey);
		original_ad(up->row.id, ad);
		r = sealing_open(v, &up->orig, &okey, ad);
		cxv_subject_key_wipe(&okey);
	}
	cxv_subject_key_wipe(&key);
	if (r == CXV_OK && (masked_kind(kind) || redacted_kind(kind)))
		r = cxv_mask_new(masked_kind(kind) ? CXV_MASK_AUDIO :
		    CXV_MASK_TEXT, marked, nmarked, seal_out, up, &up->mask);
	return r;
}

int
cxv_content_upload_begin(struct cxv_vault *v, int64_t interaction_id,
    int64_t user_id, enum cxv_content_kind kind,
    const struct cxv_mask_span *marked, size_t nmarked, uint64_t max,
    struct cxv_content_upload **out)
{
	struct cxv_content_upload *up;
	int r;

	*out = NULL;
	if ((unsigned)kind >= CXV_CONTENT__COUNT ||
	    (nmarked > 0 && !masked_kind(kind)))
		return CXV_ERR_INVALID;
	if ((up = calloc(1, sizeof(*up))) == NULL)
		return CXV_ERR_NOMEM;
	r = interaction_id != 0 ? cxv_store_interaction_get(cxv_vault_store(v),
	    interaction_id, subject_of, &up->row.subject_id) :
	    cxv_store_user_get(cxv_vault_store(v), user_id, user_subject,
	    &up->row.subject_id);
	if (r == CXV_OK) {
		up->row.id = cxv_time_id(&content_ids);
		up->row.interaction_id = interaction_id;
		up->row.kind = (int)kind;
		up->user_id = interaction_id == 0 ? user_id : 0;
		up->max = max;
		r = upload_start(v, up, marked, nmarked);
	}
	if (r != CXV_OK) {
		cxv_content_upload_abort(up);
		return r;
	}
	*out = up;
	return CXV_OK;
}

int
cxv_content_upload_write(struct cxv_content_upload *up, const void *data,
    size_t len)
{
	int r;

	if (len > up->max - up->seen)
		return CXV_ERR_TOO_LARGE;
	up->seen += len;
	if (up->orig.s != NULL &&
	    (r = cxv_stream_seal_write(up->orig.s, data, len)) != CXV_OK)
		return r;
	if (up->mask != NULL)
		return cxv_mask_write(up->mask, data, len);
	return cxv_stream_seal_write(up->main.s, data, len);
}

/*
 * The mask's end and summary; the original kept only where the mask
 * changed something (else it is the same bytes, dropped).
 */
static int
finish_mask(struct cxv_content_upload *up)
{
	uint64_t osize = 0;
	const char *why;
	int r;

	if (up->mask == NULL)
		return CXV_OK;
	if ((r = cxv_mask_end(up->mask, &why)) != CXV_OK ||
	    (r = cxv_mask_summary(up->mask, &up->masking)) != CXV_OK)
		return r;
	up->row.masking = up->masking;
	if (up->orig.s == NULL)
		return CXV_OK;
	if (!was_masked(up->masking)) {
		sealing_drop(&up->orig);
		return CXV_OK;
	}
	if ((r = sealing_finish(&up->orig, &osize)) == CXV_OK) {
		up->row.original = up->orig.name;
		up->row.original_size = (int64_t)osize;
	}
	return r;
}

int
cxv_content_upload_commit(struct cxv_vault *v, struct cxv_content_upload *up,
    int64_t *id)
{
	uint64_t size = 0;
	int r;

	*id = 0;
	/* Synced before its row commits: a row never names a missing file. */
	if ((r = finish_mask(up)) == CXV_OK)
		r = sealing_finish(&up->main, &size);
	if (r == CXV_OK) {
		up->row.size = (int64_t)size;
		if (up->replaces == NULL)
			up->row.created_ms = cxv_now_ms();
		if ((r = commit_row(v, &up->row, up->user_id, up->replaces))
		    == CXV_OK)
			*id = up->row.id;
	}
	if (r != CXV_OK) {
		(void)unlink(up->main.path);
		if (up->row.original != NULL)
			(void)unlink(up->orig.path);
	}
	cxv_content_upload_abort(up);
	return r;
}

int
cxv_content_put(struct cxv_vault *v, int64_t interaction_id, int64_t user_id,
    enum cxv_content_kind kind, const struct cxv_mask_span *marked,
    size_t nmarked, FILE *in, int64_t *id)
{
	struct cxv_content_upload *up = NULL;
	uint8_t *buf;
	size_t got;
	int r;

	*id = 0;
	if ((buf = malloc(CXV_STREAM_CHUNK)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_content_upload_begin(v, interaction_id, user_id, kind,
	    marked, nmarked, UINT64_MAX, &up)) == CXV_OK) {
		while (r == CXV_OK && (got = fread(buf, 1, CXV_STREAM_CHUNK,
		    in)) > 0)
			r = cxv_content_upload_write(up, buf, got);
		if (r == CXV_OK && ferror(in))
			r = CXV_ERR_IO;
		if (r == CXV_OK)
			r = cxv_content_upload_commit(v, up, id);
		else
			cxv_content_upload_abort(up);
	}
	cxv_freezero(buf, CXV_STREAM_CHUNK);
	return r;
}

static int
take_row(void *ctx, const struct cxv_content_row *row)
{
	struct cxv_content_info *info = ctx;

	if (strlen(row->file) != NAME_LEN)
		return CXV_ERR_CORRUPT;
	info->id = row->id;
	info->subject_id = row->subject_id;
	info->interaction_id = row->interaction_id;
	info->kind = row->kind;
	info->size = row->size;
	info->created_ms = row->created_ms;
	memcpy(info->file, row->file, sizeof(info->file));
	snprintf(info->masking, sizeof(info->masking), "%s",
	    row->masking != NULL ? row->masking : "");
	if (row->original != NULL && strlen(row->original) != NAME_LEN)
		return CXV_ERR_CORRUPT;
	snprintf(info->original, sizeof(info->original), "%s",
	    row->original != NULL ? row->original : "");
	info->original_size = row->original_size;
	return CXV_OK;
}

int
cxv_content_info(struct cxv_vault *v, int64_t id,
    struct cxv_content_info *info)
{
	memset(info, 0, sizeof(*info));
	return cxv_store_content_get(cxv_vault_store(v), id, take_row, info);
}

/* An item's row, and its read (or its original's) recorded (R7.2). */
struct fetch {
	struct cxv_content_info *info;
	int original;
};

static int
fetch_locked(struct cxv_vault *v, void *arg)
{
	struct fetch *f = arg;
	char idstr[24];
	int r;

	snprintf(idstr, sizeof(idstr), "%lld", (long long)f->info->id);
	if ((r = cxv_store_content_get(cxv_vault_store(v), f->info->id,
	    take_row, f->info)) != CXV_OK)
		return r;
	if (f->original && f->info->original[0] == '\0')
		return CXV_ERR_NOT_FOUND;
	return cxv_vault_audit(v, f->original ? "content.read.original" :
	    "content.read", "content", idstr, "bytes");
}

/* An item being read back: its file and the authenticated stream. */
struct cxv_content_reader {
	FILE *f;
	struct cxv_stream *s;
};

void
cxv_content_close(struct cxv_content_reader *rd)
{
	if (rd == NULL)
		return;
	cxv_stream_free(rd->s);
	if (rd->f != NULL)
		fclose(rd->f);
	free(rd);
}

int
cxv_content_doom(void *ctx, const char *file, int64_t size)
{
	struct cxv_content_doomed *d = ctx;
	void *p;

	if (strlen(file) != NAME_LEN)
		return CXV_ERR_CORRUPT;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		if ((p = realloc(d->name, d->cap * sizeof(d->name[0]))) == NULL)
			return CXV_ERR_NOMEM;
		d->name = p;
	}
	memcpy(d->name[d->n++], file, NAME_LEN + 1);
	d->bytes += size;
	return CXV_OK;
}

void
cxv_content_doomed_unlink(struct cxv_vault *v, struct cxv_content_doomed *d)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < d->n; i++)
		if (content_path(v, d->name[i], "", path) == CXV_OK)
			(void)unlink(path);
}

int
cxv_content_path_of(struct cxv_vault *v, const struct cxv_content_info *info,
    int original, char out[PATH_MAX])
{
	return content_path(v, original ? info->original : info->file, "", out);
}

/* The file at path opened as the authenticated stream sealed with ad. */
static int
open_sealed(const char *path, const struct cxv_subject_key *key,
    const char *ad, struct cxv_content_reader **out)
{
	struct cxv_content_reader *rd;
	int fd, r;

	*out = NULL;
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		return CXV_ERR_NOMEM;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		r = errno == ENOENT ? CXV_ERR_CORRUPT : CXV_ERR_IO;
	else if ((rd->f = fdopen(fd, "rb")) == NULL) {
		close(fd);
		r = CXV_ERR_IO;
	} else
		r = cxv_stream_open_begin(key, ad, rd->f, &rd->s);
	if (r != CXV_OK) {
		cxv_content_close(rd);
		return r;
	}
	*out = rd;
	return CXV_OK;
}

int
cxv_content_open_keyed(const char *path, const struct cxv_subject_key *key,
    const struct cxv_content_info *info, struct cxv_content_reader **out)
{
	char ad[AD_MAX];

	content_ad(info->id, ad);
	return open_sealed(path, key, ad, out);
}

int
cxv_content_open_original_keyed(const char *path,
    const struct cxv_subject_key *key, const struct cxv_content_info *info,
    struct cxv_content_reader **out)
{
	struct cxv_subject_key okey;
	char ad[AD_MAX];
	int r;

	cxv_subject_key_derive(key, "content.original", &okey);
	original_ad(info->id, ad);
	r = open_sealed(path, &okey, ad, out);
	cxv_subject_key_wipe(&okey);
	return r;
}

struct each_item {
	int (*fn)(void *ctx, const struct cxv_content_info *info);
	void *ctx;
};

static int
each_row(void *ctx, const struct cxv_content_row *row)
{
	struct each_item *e = ctx;
	struct cxv_content_info info;
	int r;

	if ((r = take_row(&info, row)) != CXV_OK)
		return r;
	return e->fn(e->ctx, &info);
}

int
cxv_content_list_subject(struct cxv_vault *v, int64_t subject_id,
    int (*fn)(void *ctx, const struct cxv_content_info *info), void *ctx)
{
	struct each_item e = { fn, ctx };

	return cxv_store_content_by_subject(cxv_vault_store(v), subject_id,
	    each_row, &e);
}

int
cxv_content_list_interaction(struct cxv_vault *v, int64_t interaction_id,
    int (*fn)(void *ctx, const struct cxv_content_info *info), void *ctx)
{
	struct each_item e = { fn, ctx };

	return cxv_store_content_by_interaction(cxv_vault_store(v),
	    interaction_id, each_row, &e);
}

/* The item, or its original, opened after its read is recorded. */
static int
open_audited(struct cxv_vault *v, int64_t id, int original,
    struct cxv_content_reader **out, struct cxv_content_info *info)
{
	struct cxv_subject_key key;
	struct fetch f;
	char path[PATH_MAX];
	int r;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	info->id = id;
	f.info = info;
	f.original = original;
	/* The read is recorded before anything is revealed (R7.2). */
	if ((r = cxv_vault_in_txn(v, fetch_locked, &f)) != CXV_OK ||
	    (r = content_path(v, original ? info->original : info->file, "",
	    path)) != CXV_OK ||
	    (r = cxv_subject_key(v, info->subject_id, &key)) != CXV_OK)
		return r;
	r = original ? cxv_content_open_original_keyed(path, &key, info, out) :
	    cxv_content_open_keyed(path, &key, info, out);
	cxv_subject_key_wipe(&key);
	return r;
}

int
cxv_content_open(struct cxv_vault *v, int64_t id,
    struct cxv_content_reader **out, struct cxv_content_info *info)
{
	return open_audited(v, id, 0, out, info);
}

int
cxv_content_open_original(struct cxv_vault *v, int64_t id,
    struct cxv_content_reader **out, struct cxv_content_info *info)
{
	return open_audited(v, id, 1, out, info);
}

int
cxv_content_read(struct cxv_content_reader *rd, uint8_t *buf, size_t cap,
    size_t *got)
{
	return cxv_stream_open_read(rd->s, buf, cap, got);
}

int
cxv_content_get(struct cxv_vault *v, int64_t id, int original, FILE *out)
{
	struct cxv_content_reader *rd = NULL;
	struct cxv_content_info info;
	uint8_t *buf;
	size_t got = 0;
	int r;

	if ((buf = sodium_malloc(CXV_STREAM_CHUNK)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = open_audited(v, id, original, &rd, &info)) == CXV_OK)
		do {
			if ((r = cxv_content_read(rd, buf, CXV_STREAM_CHUNK,
			    &got)) == CXV_OK && got > 0 &&
			    fwrite(buf, 1, got, out) != got)
				r = CXV_ERR_IO;
		} while (r == CXV_OK && got > 0);
	if (r == CXV_OK && fflush(out) != 0)
		r = CXV_ERR_IO;
	cxv_content_close(rd);
	sodium_free(buf);
	return r;
}

/*
 * Stored item info read through a new upload of the same item (same id,
 * subject, kind and time; a new file), whose commit points the row at
 * the masked file; the old file goes after the commit.
 */
static int
remask_one(struct cxv_vault *v, const struct cxv_content_info *info,
    uint8_t *buf)
{
	struct cxv_content_reader *rd = NULL;
	struct cxv_content_upload *up;
	struct cxv_subject_key key;
	char old[PATH_MAX];
	size_t got = 0;
	int64_t id;
	int r;

	if ((up = calloc(1, sizeof(*up))) == NULL)
		return CXV_ERR_NOMEM;
	up->row.id = info->id;
	up->row.subject_id = info->subject_id;
	up->row.interaction_id = info->interaction_id;
	up->row.kind = info->kind;
	up->row.created_ms = info->created_ms;
	up->max = UINT64_MAX;
	up->replaces = info->file;
	if ((r = content_path(v, info->file, "", old)) == CXV_OK &&
	    (r = cxv_subject_key(v, info->subject_id, &key)) == CXV_OK) {
		r = cxv_content_open_keyed(old, &key, info, &rd);
		cxv_subject_key_wipe(&key);
	}
	if (r == CXV_OK)
		r = upload_start(v, up, NULL, 0);
	while (r == CXV_OK && (r = cxv_content_read(rd, buf, CXV_STREAM_CHUNK,
	    &got)) == CXV_OK && got > 0)
		r = cxv_content_upload_write(up, buf, got);
	cxv_content_close(rd);
	if (r != CXV_OK) {
		cxv_content_upload_abort(up);
		return r;
	}
	if ((r = cxv_content_upload_commit(v, up, &id)) == CXV_OK)
		(void)unlink(old);
	return r;
}

struct next_item {
	struct cxv_content_info info;
	int found;
};

static int
take_next(void *ctx, const struct cxv_content_row *row)
{
	struct next_item *n = ctx;

	n->found = 1;
	return take_row(&n->info, row);
}

int
cxv_content_mask_stored(struct cxv_vault *v, int64_t since_ms,
    struct cxv_content_mask_stats *st)
{
	struct next_item n;
	int64_t after = 0;
	uint8_t *buf;
	int r = CXV_OK;

	memset(st, 0, sizeof(*st));
	if ((buf = malloc(CXV_STREAM_CHUNK)) == NULL)
		return CXV_ERR_NOMEM;
	for (;;) {
		memset(&n, 0, sizeof(n));
		r = cxv_store_content_unchecked(cxv_vault_store(v), since_ms,
		    after, take_next, &n);
		if (r != CXV_OK || !n.found)
			break;
		after = n.info.id;
		if (!masked_kind((enum cxv_content_kind)n.info.kind) &&
		    !redacted_kind((enum cxv_content_kind)n.info.kind))
			continue;
		/* Erased or changed meanwhile: nothing left to mask. */
		if ((r = remask_one(v, &n.info, buf)) == CXV_ERR_NOT_FOUND) {
			st->gone++;
			continue;
		}
		if (r != CXV_OK) {
			st->failed = n.info.id;
			break;
		}
		st->checked++;
		if (cxv_content_info(v, n.info.id, &n.info) == CXV_OK &&
		    was_masked(n.info.masking))
			st->masked++;
	}
	cxv_freezero(buf, CXV_STREAM_CHUNK);
	return r;
}
