/* SPDX-License-Identifier: Apache-2.0 */
/* The sealed content store under DIR/content; see content.h. */
#include "content.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "keyring.h"
#include "store.h"
#include "subject.h"
#include "util.h"
#include "vault.h"

#define NAME_BYTES	16	/* random file names: 32 hex digits */
#define NAME_LEN	((size_t)2 * NAME_BYTES)
#define AD_MAX		40

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

/* Seal in to a new file tmp (0600, synced); *size gets the plain bytes. */
static int
write_sealed(const char *tmp, const struct cxv_subject_key *key,
    const char *ad, FILE *in, uint64_t *size)
{
	int fd, r;
	FILE *f;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return CXV_ERR_IO;
	if ((f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		return CXV_ERR_IO;
	}
	r = cxv_seal_stream(key, ad, in, f, size);
	if (r == CXV_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		r = CXV_ERR_IO;
	if (fclose(f) != 0 && r == CXV_OK)
		r = CXV_ERR_IO;
	return r;
}

/* The row and its audit entry, in one transaction. */
static int
commit_row(struct cxv_vault *v, const struct cxv_content_row *row)
{
	struct cxv_store *st = cxv_vault_store(v);
	char idstr[24];
	int r;

	snprintf(idstr, sizeof(idstr), "%lld", (long long)row->id);
	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = cxv_store_content_insert(st, row)) == CXV_OK &&
	    (r = cxv_vault_audit(v, "content.create", "content", idstr,
	    cxv_content_kind_name(row->kind))) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK)
		cxv_store_rollback(st);
	return r;
}

int
cxv_content_put(struct cxv_vault *v, int64_t interaction_id, int64_t user_id,
    enum cxv_content_kind kind, FILE *in, int64_t *id)
{
	struct cxv_content_row row = { 0 };
	struct cxv_subject_key key;
	uint8_t name[NAME_BYTES];
	char file[NAME_LEN + 1], ad[AD_MAX];
	char tmp[PATH_MAX], path[PATH_MAX];
	uint64_t size = 0;
	int r;

	*id = 0;
	if ((unsigned)kind >= CXV_CONTENT__COUNT)
		return CXV_ERR_INVALID;
	r = interaction_id != 0 ? cxv_store_interaction_get(cxv_vault_store(v),
	    interaction_id, subject_of, &row.subject_id) :
	    cxv_store_user_get(cxv_vault_store(v), user_id, user_subject,
	    &row.subject_id);
	if (r != CXV_OK)
		return r;
	randombytes_buf(name, sizeof(name));
	cxv_hex(name, sizeof(name), file);
	if ((r = content_path(v, file, ".tmp", tmp)) != CXV_OK ||
	    (r = content_path(v, file, "", path)) != CXV_OK ||
	    (r = cxv_subject_key(v, row.subject_id, &key)) != CXV_OK)
		return r;
	row.id = cxv_time_id();
	content_ad(row.id, ad);
	r = write_sealed(tmp, &key, ad, in, &size);
	cxv_subject_key_wipe(&key);
	if (r == CXV_OK && rename(tmp, path) != 0)
		r = CXV_ERR_IO;
	if (r != CXV_OK) {
		(void)unlink(tmp);
		return r;
	}
	row.interaction_id = interaction_id;
	row.kind = (int)kind;
	row.file = file;
	row.size = (int64_t)size;
	row.created_ms = cxv_now_ms();
	if ((r = commit_row(v, &row)) != CXV_OK) {
		(void)unlink(path);
		return r;
	}
	*id = row.id;
	return CXV_OK;
}

struct held {
	int64_t subject_id;
	char file[NAME_LEN + 1];
};

static int
hold(void *ctx, const struct cxv_content_row *row)
{
	struct held *h = ctx;

	h->subject_id = row->subject_id;
	if (strlen(row->file) != NAME_LEN)
		return CXV_ERR_CORRUPT;
	memcpy(h->file, row->file, sizeof(h->file));
	return CXV_OK;
}

struct fetch {
	int64_t id;
	struct held *h;
};

static int
fetch_locked(struct cxv_vault *v, void *arg)
{
	struct fetch *f = arg;
	char idstr[24];
	int r;

	snprintf(idstr, sizeof(idstr), "%lld", (long long)f->id);
	if ((r = cxv_store_content_get(cxv_vault_store(v), f->id, hold, f->h))
	    != CXV_OK)
		return r;
	return cxv_vault_audit(v, "content.read", "content", idstr, "bytes");
}

/* Look the item up and record the read before anything is revealed. */
static int
fetch_audited(struct cxv_vault *v, int64_t id, struct held *h)
{
	struct fetch f = { id, h };

	return cxv_vault_in_txn(v, fetch_locked, &f);
}

int
cxv_content_get(struct cxv_vault *v, int64_t id, FILE *out)
{
	struct cxv_subject_key key;
	struct held h;
	char path[PATH_MAX], ad[AD_MAX];
	FILE *in;
	int fd, r;

	memset(&h, 0, sizeof(h));
	if ((r = fetch_audited(v, id, &h)) != CXV_OK ||
	    (r = content_path(v, h.file, "", path)) != CXV_OK)
		return r;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? CXV_ERR_CORRUPT : CXV_ERR_IO;
	if ((in = fdopen(fd, "rb")) == NULL) {
		close(fd);
		return CXV_ERR_IO;
	}
	content_ad(id, ad);
	if ((r = cxv_subject_key(v, h.subject_id, &key)) == CXV_OK) {
		r = cxv_open_stream(&key, ad, in, out);
		cxv_subject_key_wipe(&key);
	}
	fclose(in);
	return r;
}
