/* SPDX-License-Identifier: Apache-2.0 */
/* Retention runs; see retention.h. */
#include "rights/retention.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/archive.h"
#include "core/audit.h"
#include "core/config.h"
#include "core/log.h"
#include "records/content.h"
#include "records/vault.h"
#include "store/store.h"

#define DAY_MS		86400000LL
/* A content file without a row is an orphan once this old (a crash
 * between a commit and an unlink; an upload renames just before its
 * row commits). */
#define ORPHAN_AGE_S	3600

/* backup-and-delete: the archive being filled (ARCHIVE_DIR/.work). */
struct work {
	char dir[PATH_MAX];		/* ARCHIVE_DIR */
	char work[PATH_MAX];		/* ARCHIVE_DIR/.work */
	int attached;
	int64_t archived;		/* records copied this run */
};

struct sweep {
	struct cxv_vault *v;
	int cat;
	int64_t before;
	struct work *arch;		/* NULL: plain delete */
	int64_t ids[CXV_RETENTION_BATCH];
	size_t n;
	int64_t kept[CXV_RETENTION_BATCH];	/* archived in phase one */
	size_t nkept;
	struct cxv_content_doomed doomed;
	struct cxv_ret_count *count;
	const atomic_int *cancel;
};

/* The archive directory: configured, or archive/ in the vault. */
static int
archive_dir(struct cxv_vault *v, char out[PATH_MAX])
{
	const char *d = cxv_vault_config(v)->retention_archive_dir;

	if (d[0] == '\0')
		return cxv_vault_path(v, "archive", out, PATH_MAX);
	return (size_t)snprintf(out, PATH_MAX, "%s", d) < PATH_MAX ? CXV_OK :
	    CXV_ERR_TOO_LARGE;
}

static int
make_dir(const char *p)
{
	return mkdir(p, 0700) == 0 || errno == EEXIST ? CXV_OK : CXV_ERR_IO;
}

static int
work_path(const struct work *w, const char *name, char out[PATH_MAX])
{
	return (size_t)snprintf(out, PATH_MAX, "%s/%s", w->work, name) <
	    PATH_MAX ? CXV_OK : CXV_ERR_TOO_LARGE;
}

/* Open (or, after a crash, resume) the work archive and attach it. */
static int
work_open(struct cxv_vault *v, struct work *w)
{
	char p[PATH_MAX];
	int fd, r;

	if (w->attached)
		return CXV_OK;
	if ((r = archive_dir(v, w->dir)) != CXV_OK ||
	    (size_t)snprintf(w->work, sizeof(w->work), "%s/.work", w->dir) >=
	    sizeof(w->work))
		return r != CXV_OK ? r : CXV_ERR_TOO_LARGE;
	if ((r = make_dir(w->dir)) != CXV_OK || (r = make_dir(w->work)) !=
	    CXV_OK || (r = work_path(w, "files", p)) != CXV_OK ||
	    (r = make_dir(p)) != CXV_OK ||
	    (r = work_path(w, "records.db", p)) != CXV_OK)
		return r;
	/* The store opens files without creating them: make it (0600). */
	if ((fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return CXV_ERR_IO;
	close(fd);
	if ((r = cxv_store_archive_attach(cxv_vault_store(v), p)) == CXV_OK)
		w->attached = 1;
	return r;
}

/* A sealed content file copied as it is into the work archive. */
static int
copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out, r = CXV_OK;

	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? CXV_OK : CXV_ERR_IO;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0) {
		close(in);
		return CXV_ERR_IO;
	}
	while (r == CXV_OK && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			r = CXV_ERR_IO;
	if (n < 0 || fsync(out) != 0)
		r = CXV_ERR_IO;
	close(in);
	if (close(out) != 0)
		r = CXV_ERR_IO;
	return r;
}

struct file_copy {
	struct cxv_vault *v;
	struct work *w;
};

static int
archive_file(void *ctx, const char *file, int64_t size)
{
	struct file_copy *fc = ctx;
	char src[PATH_MAX], dst[PATH_MAX], rel[64];
	int r;

	(void)size;
	if (strlen(file) >= 40)
		return CXV_ERR_CORRUPT;
	snprintf(rel, sizeof(rel), "content/%s", file);
	if ((r = cxv_vault_path(fc->v, rel, src, sizeof(src))) != CXV_OK)
		return r;
	snprintf(rel, sizeof(rel), "files/%s", file);
	if ((r = work_path(fc->w, rel, dst)) != CXV_OK)
		return r;
	return copy_file(src, dst);
}

/* Phase one of backup-and-delete: copy a batch into the archive. */
static int
archive_batch(struct cxv_vault *v, void *arg)
{
	struct sweep *sw = arg;
	struct cxv_store *st = cxv_vault_store(v);
	struct file_copy fc = { v, sw->arch };
	int r;

	if ((r = cxv_store_ret_expired(st, sw->cat, sw->before, sw->kept,
	    CXV_RETENTION_BATCH, &sw->nkept)) != CXV_OK ||
	    (r = cxv_store_archive_copy(st, sw->cat, sw->kept, sw->nkept)) !=
	    CXV_OK)
		return r;
	if ((r = cxv_store_ret_files(st, sw->cat, sw->kept, sw->nkept,
	    archive_file, &fc)) == CXV_OK)
		sw->arch->archived += (int64_t)sw->nkept;
	return r;
}

/* Keep only the ids phase one archived (a hold may have come since). */
static void
only_archived(struct sweep *sw)
{
	size_t i, j, m = 0;

	for (i = 0; i < sw->n; i++)
		for (j = 0; j < sw->nkept; j++)
			if (sw->ids[i] == sw->kept[j]) {
				sw->ids[m++] = sw->ids[i];
				break;
			}
	sw->n = m;
}

/* Delete a batch: its files are unlinked after the commit. */
static int
delete_batch(struct cxv_vault *v, void *arg)
{
	struct sweep *sw = arg;
	struct cxv_store *st = cxv_vault_store(v);
	int r;

	if ((r = cxv_store_ret_expired(st, sw->cat, sw->before, sw->ids,
	    CXV_RETENTION_BATCH, &sw->n)) != CXV_OK)
		return r;
	if (sw->arch != NULL)
		only_archived(sw);
	if (sw->cat == CXV_RET_AUDIT)
		return cxv_audit_prune(st, cxv_vault_keyring(v), sw->ids, sw->n);
	if ((r = cxv_store_ret_files(st, sw->cat, sw->ids, sw->n,
	    cxv_content_doom, &sw->doomed)) != CXV_OK)
		return r;
	return cxv_store_ret_delete(st, sw->cat, sw->ids, sw->n);
}

static int
sweep(struct sweep *sw)
{
	int r;

	do {
		if (sw->cancel != NULL && atomic_load(sw->cancel))
			return CXV_ERR_BUSY;
		sw->doomed.n = 0;
		if (sw->arch != NULL && (r = cxv_vault_in_txn(sw->v,
		    archive_batch, sw)) != CXV_OK)
			return r;
		if ((r = cxv_vault_in_txn(sw->v, delete_batch, sw)) != CXV_OK)
			return r;
		cxv_content_doomed_unlink(sw->v, &sw->doomed);
		sw->count->deleted += (int64_t)sw->n;
		sw->count->files += (int64_t)sw->doomed.n;
		/* Let the API's writers in between batches. */
		nanosleep(&(struct timespec){ 0, CXV_RETENTION_YIELD_US * 1000L },
		    NULL);
	} while (sw->n > 0 || (sw->arch != NULL && sw->nkept > 0));
	return CXV_OK;
}

static int
run_category(struct cxv_vault *v, int cat, int64_t now, int dry,
    const atomic_int *cancel, struct work *w, struct cxv_ret_report *rep)
{
	const struct cxv_ret_policy *p = &cxv_vault_config(v)->retention[cat];
	struct cxv_ret_count *c = &rep->cat[cat];
	struct sweep sw;
	int64_t dummy;
	int r;

	if (p->method == CXV_RET_NONE)
		return CXV_OK;
	memset(&sw, 0, sizeof(sw));
	sw.v = v;
	sw.cat = cat;
	sw.before = now - (int64_t)p->days * DAY_MS;
	sw.count = c;
	sw.cancel = cancel;
	if (dry)
		return cxv_store_ret_count(cxv_vault_store(v), cat, sw.before,
		    &c->deleted, &c->files, &c->held);
	if (p->method == CXV_RET_BACKUP_AND_DELETE) {
		if ((r = work_open(v, w)) != CXV_OK)
			return r;
		sw.arch = w;
	}
	r = sweep(&sw);
	free(sw.doomed.name);
	if (r == CXV_OK)
		r = cxv_store_ret_count(cxv_vault_store(v), cat, sw.before,
		    &dummy, &dummy, &c->held);
	return r;
}

/* Every file of the work archive under files/ into the archive. */
static int
pack_files(struct cxv_archive *a, const struct work *w)
{
	char dir[PATH_MAX], src[PATH_MAX], name[64];
	struct dirent *e;
	DIR *d;
	int r = CXV_OK;

	if ((r = work_path(w, "files", dir)) != CXV_OK ||
	    (d = opendir(dir)) == NULL)
		return r != CXV_OK ? r : CXV_ERR_IO;
	while (r == CXV_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= 40)
			continue;
		snprintf(name, sizeof(name), "files/%s", e->d_name);
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir, e->d_name) >=
		    sizeof(src))
			r = CXV_ERR_TOO_LARGE;
		else
			r = cxv_archive_add_file(a, name, src);
	}
	closedir(d);
	return r;
}

/* Remove the work archive once it is packed. */
static void
work_remove(const struct work *w)
{
	char dir[PATH_MAX], p[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (work_path(w, "files", dir) == CXV_OK && (d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && (size_t)snprintf(p, sizeof(p),
			    "%s/%s", dir, e->d_name) < sizeof(p))
				(void)unlink(p);
		closedir(d);
		(void)rmdir(dir);
	}
	if (work_path(w, "records.db", p) == CXV_OK)
		(void)unlink(p);
	(void)rmdir(w->work);
}

/* Detach, seal the work archive into DIR/retention-TIME.cxa, clean up. */
static int
work_pack(struct cxv_vault *v, struct work *w, int64_t now, char *out)
{
	struct cxv_archive *a = NULL;
	char p[PATH_MAX], stamp[CXV_STAMP_STR];
	int r;

	w->attached = 0;
	if ((r = cxv_store_archive_detach(cxv_vault_store(v))) != CXV_OK)
		return r;
	if (w->archived == 0) {
		work_remove(w);
		return CXV_OK;
	}
	cxv_time_stamp(now, stamp);
	if ((size_t)snprintf(out, PATH_MAX, "%s/retention-%s.cxa", w->dir,
	    stamp) >= PATH_MAX)
		return CXV_ERR_TOO_LARGE;
	if ((r = cxv_archive_create(out, cxv_vault_keyring(v),
	    CXV_ARCHIVE_RETENTION, &a)) != CXV_OK)
		return r;
	if ((r = work_path(w, "records.db", p)) != CXV_OK ||
	    (r = cxv_archive_add_file(a, "records.db", p)) != CXV_OK ||
	    (r = pack_files(a, w)) != CXV_OK) {
		cxv_archive_abort(a);
		return r;
	}
	if ((r = cxv_archive_commit(a)) == CXV_OK)
		work_remove(w);
	return r;
}

/* Content files no row names, left by a crash: they go too. */
static int
sweep_orphans(struct cxv_vault *v, int64_t now, int64_t *n)
{
	char dir[PATH_MAX], p[PATH_MAX];
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int r = CXV_OK;

	if ((r = cxv_vault_path(v, "content", dir, sizeof(dir))) != CXV_OK ||
	    (d = opendir(dir)) == NULL)
		return r != CXV_OK ? r : CXV_ERR_IO;
	while (r == CXV_OK && (e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 32 ||
		    strspn(e->d_name, "0123456789abcdef") != 32 ||
		    (size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >=
		    sizeof(p) || lstat(p, &sb) != 0 ||
		    sb.st_mtime > now / 1000 - ORPHAN_AGE_S)
			continue;
		r = cxv_store_content_file_known(cxv_vault_store(v), e->d_name);
		if (r == CXV_ERR_NOT_FOUND && unlink(p) == 0)
			(*n)++;
		if (r == CXV_ERR_NOT_FOUND)
			r = CXV_OK;
	}
	closedir(d);
	return r;
}

/* One audit entry per category that lost records, then the run's. */
static int
audit_run(struct cxv_vault *v, void *arg)
{
	const struct cxv_ret_report *rep = arg;
	char fields[CXV_AUDIT_TEXT_MAX];
	int64_t total = 0;
	int c, r;

	for (c = 0; c < CXV_RET__COUNT; c++) {
		const struct cxv_ret_count *k = &rep->cat[c];

		total += k->deleted;
		if (k->deleted == 0 && k->held == 0)
			continue;
		snprintf(fields, sizeof(fields), "deleted:%lld,files:%lld,"
		    "held:%lld", (long long)k->deleted, (long long)k->files,
		    (long long)k->held);
		if ((r = cxv_vault_audit(v, "retention.delete", "retention",
		    cxv_ret_category_name(c), fields)) != CXV_OK)
			return r;
	}
	snprintf(fields, sizeof(fields), "deleted:%lld,orphans:%lld,archive:%s",
	    (long long)total, (long long)rep->orphans,
	    rep->archive[0] != '\0' ? "yes" : "no");
	return cxv_vault_audit(v, "retention.run", "retention", "-", fields);
}

int
cxv_retention_run(struct cxv_vault *v, int64_t now_ms, int dry_run,
    const atomic_int *cancel, struct cxv_ret_report *rep)
{
	struct work w;
	char total[24];
	int64_t sum = 0;
	int c, r = CXV_OK;

	memset(rep, 0, sizeof(*rep));
	memset(&w, 0, sizeof(w));
	rep->dry_run = dry_run;
	rep->now_ms = now_ms;
	for (c = 0; c < CXV_RET__COUNT && r == CXV_OK; c++)
		r = run_category(v, c, now_ms, dry_run, cancel, &w, rep);
	if (w.attached) {
		/* What was archived is packed even after an error. */
		int pr = work_pack(v, &w, now_ms, rep->archive);

		if (pr != CXV_OK || w.archived == 0)
			rep->archive[0] = '\0';
		if (r == CXV_OK)
			r = pr;
	}
	if (dry_run)
		return r;
	if (r == CXV_OK)
		r = sweep_orphans(v, now_ms, &rep->orphans);
	if (r == CXV_OK)
		r = cxv_vault_in_txn(v, audit_run, rep);
	for (c = 0; c < CXV_RET__COUNT; c++)
		sum += rep->cat[c].deleted;
	snprintf(total, sizeof(total), "%lld", (long long)sum);
	CXV_LOG(r == CXV_OK ? CXV_LOG_INFO : CXV_LOG_ERROR, "retention.run",
	    CXV_LF("deleted", total), CXV_LF("result", cxv_strerror(r)));
	return r;
}

char *
cxv_retention_report_json(const struct cxv_ret_report *rep)
{
	char ts[CXV_TIME_STR];
	json_t *doc, *cats;
	char *s = NULL;
	int c;

	cxv_time_format(rep->now_ms, ts);
	if ((cats = json_object()) == NULL)
		return NULL;
	for (c = 0; c < CXV_RET__COUNT; c++)
		if (json_object_set_new(cats, cxv_ret_category_name(c),
		    json_pack("{s:I, s:I, s:I}", "deleted",
		    (json_int_t)rep->cat[c].deleted, "files",
		    (json_int_t)rep->cat[c].files, "held",
		    (json_int_t)rep->cat[c].held)) != 0) {
			json_decref(cats);
			return NULL;
		}
	doc = json_pack("{s:b, s:s, s:o, s:I, s:s?}", "dry_run", rep->dry_run,
	    "as_of", ts, "categories", cats, "orphan_files",
	    (json_int_t)rep->orphans, "archive",
	    rep->archive[0] != '\0' ? rep->archive : NULL);
	if (doc != NULL)
		s = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}

struct set_args {
	int cat;
	const struct cxv_ret_policy *p;
};

static int
set_locked(struct cxv_vault *v, void *arg)
{
	const struct set_args *a = arg;
	struct cxv_config cfg = *cxv_vault_config(v);
	char text[48];
	int r;

	cxv_ret_policy_text(a->p, text);
	cfg.retention[a->cat] = *a->p;
	if ((r = cxv_vault_audit(v, "retention.set", "retention",
	    cxv_ret_category_name(a->cat), text)) != CXV_OK)
		return r;
	return cxv_vault_save_config(v, &cfg);
}

int
cxv_retention_set(struct cxv_vault *v, int cat, const struct cxv_ret_policy *p)
{
	struct set_args a = { cat, p };

	if (cxv_ret_category_name(cat) == NULL || p->method < CXV_RET_NONE ||
	    p->method > CXV_RET_BACKUP_AND_DELETE ||
	    (p->method != CXV_RET_NONE && (p->days < 1 || p->days > 36500)))
		return CXV_ERR_INVALID;
	return cxv_vault_in_txn(v, set_locked, &a);
}

char *
cxv_retention_policies_json(const struct cxv_config *cfg)
{
	json_t *doc, *pol;
	char text[48], *s = NULL;
	int c;

	if ((pol = json_object()) == NULL)
		return NULL;
	for (c = 0; c < CXV_RET__COUNT; c++) {
		cxv_ret_policy_text(&cfg->retention[c], text);
		if (json_object_set_new(pol, cxv_ret_category_name(c),
		    json_string(text)) != 0) {
			json_decref(pol);
			return NULL;
		}
	}
	snprintf(text, sizeof(text), "%02d:%02d", cfg->retention_at_min / 60,
	    cfg->retention_at_min % 60);
	doc = json_pack("{s:o, s:s, s:s}", "policies", pol, "time_utc", text,
	    "archive_dir", cfg->retention_archive_dir);
	if (doc != NULL)
		s = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}
