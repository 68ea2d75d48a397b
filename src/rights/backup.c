/* SPDX-License-Identifier: Apache-2.0 */
/* Encrypted online backups and restores; see backup.h. */
#include "rights/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "base/err.h"
#include "base/util.h"
#include "core/archive.h"
#include "core/keyring.h"
#include "core/log.h"
#include "records/content.h"
#include "records/vault.h"
#include "rights/erase.h"
#include "store/store.h"

#define FORMAT		"cxvault-backup/1"
#define MANIFEST	"manifest.json"
#define MANIFEST_MAX	4096
#define NAME_HEX	32

/* "content/<32 hex>" (backups) or "files/<32 hex>" (retention). */
static int
content_entry(const char *name, const char *prefix)
{
	size_t p = strlen(prefix);
	const char *f = name + p;

	return strncmp(name, prefix, p) == 0 && strlen(f) == NAME_HEX &&
	    strspn(f, "0123456789abcdef") == NAME_HEX;
}

static int
count_erasure(void *ctx, int64_t id, int64_t ms, const char *receipt)
{
	(void)id;
	(void)ms;
	(void)receipt;
	(*(int64_t *)ctx)++;
	return CXV_OK;
}

/* What the snapshot holds: counts and the content files it names. */
static int
survey(const char *snap, struct cxv_backup_info *info,
    struct cxv_content_doomed *files)
{
	struct cxv_store *st = NULL;
	int r;

	if ((r = cxv_store_open(snap, 0, &st)) != CXV_OK)
		return r;
	if ((r = cxv_store_schema_version(st, &info->schema)) == CXV_OK &&
	    (r = cxv_store_subject_count(st, &info->subjects)) == CXV_OK &&
	    (r = cxv_store_erasures(st, count_erasure, &info->erasures)) ==
	    CXV_OK)
		r = cxv_store_content_files(st, cxv_content_doom, files);
	cxv_store_close(st);
	return r;
}

static char *
manifest(const struct cxv_backup_info *info)
{
	json_t *doc = json_pack("{s:s, s:s, s:i, s:I, s:I, s:I}", "format",
	    FORMAT, "created", info->created, "schema", info->schema,
	    "subjects", (json_int_t)info->subjects, "content_files",
	    (json_int_t)info->content_files, "erasures",
	    (json_int_t)info->erasures);
	char *s = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;

	json_decref(doc);
	return s;
}

/* The archive: vault.db, the content files still there, the manifest. */
static int
write_archive(struct cxv_vault *v, const char *path, const char *snap,
    const struct cxv_content_doomed *files, struct cxv_backup_info *info)
{
	struct cxv_archive *a = NULL;
	char src[PATH_MAX], rel[64], *m;
	size_t i;
	int r;

	if ((r = cxv_archive_create(path, cxv_vault_keyring(v),
	    CXV_ARCHIVE_BACKUP, &a)) != CXV_OK)
		return r;
	r = cxv_archive_add_file(a, "vault.db", snap);
	for (i = 0; r == CXV_OK && i < files->n; i++) {
		snprintf(rel, sizeof(rel), "content/%s", files->name[i]);
		if ((r = cxv_vault_path(v, rel, src, sizeof(src))) != CXV_OK)
			break;
		/* Gone since the snapshot: erased or expired meanwhile. */
		if ((r = cxv_archive_add_file(a, rel, src)) == CXV_ERR_NOT_FOUND)
			r = CXV_OK;
		else if (r == CXV_OK)
			info->content_files++;
	}
	if (r == CXV_OK && (m = manifest(info)) != NULL) {
		r = cxv_archive_add_bytes(a, MANIFEST, m, strlen(m));
		free(m);
	} else if (r == CXV_OK)
		r = CXV_ERR_NOMEM;
	if (r != CXV_OK) {
		cxv_archive_abort(a);
		return r;
	}
	return cxv_archive_commit(a);
}

struct audit_args {
	const char *action;
	char fields[128];
};

static int
audit_locked(struct cxv_vault *v, void *arg)
{
	const struct audit_args *a = arg;

	return cxv_vault_audit(v, a->action, "backup", "-", a->fields);
}

/* A fresh, empty, private file for the snapshot inside the vault. */
static int
snapshot_path(struct cxv_vault *v, char out[PATH_MAX])
{
	uint8_t rnd[8];
	char rel[40], hex[17];
	int fd, r;

	randombytes_buf(rnd, sizeof(rnd));
	cxv_hex(rnd, sizeof(rnd), hex);
	snprintf(rel, sizeof(rel), ".backup-%s.db", hex);
	if ((r = cxv_vault_path(v, rel, out, PATH_MAX)) != CXV_OK)
		return r;
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return CXV_ERR_IO;
	close(fd);
	return CXV_OK;
}

static void
remove_db(const char *p)
{
	char side[PATH_MAX + 8];

	(void)unlink(p);
	snprintf(side, sizeof(side), "%s-wal", p);
	(void)unlink(side);
	snprintf(side, sizeof(side), "%s-shm", p);
	(void)unlink(side);
	snprintf(side, sizeof(side), "%s-journal", p);
	(void)unlink(side);
}

int
cxv_backup_create(struct cxv_vault *v, const char *path,
    struct cxv_backup_info *info)
{
	struct cxv_content_doomed files;
	struct audit_args au = { "backup.create", "" };
	char snap[PATH_MAX];
	int r;

	memset(info, 0, sizeof(*info));
	memset(&files, 0, sizeof(files));
	snprintf(info->kind, sizeof(info->kind), "backup");
	if (access(path, F_OK) == 0)
		return CXV_ERR_EXISTS;
	cxv_time_format(cxv_now_ms(), info->created);
	/* The reads the server has journaled go into the copy too. */
	if ((r = snapshot_path(v, snap)) != CXV_OK ||
	    (r = cxv_vault_audit_settle(v)) != CXV_OK)
		return r;
	if ((r = cxv_store_snapshot(cxv_vault_store(v), snap)) == CXV_OK &&
	    (r = survey(snap, info, &files)) == CXV_OK)
		r = write_archive(v, path, snap, &files, info);
	remove_db(snap);
	free(files.name);
	if (r != CXV_OK)
		return r;
	snprintf(au.fields, sizeof(au.fields), "subjects:%lld,files:%lld",
	    (long long)info->subjects, (long long)info->content_files);
	return cxv_vault_in_txn(v, audit_locked, &au);
}

/* Verification: each entry counted, the manifest read and checked. */
struct verify {
	struct cxv_backup_info *info;
	const char *kind;
	int has_db, has_manifest;
	int64_t content;
};

static int
read_manifest(struct cxv_archive_entry *e, uint64_t size,
    struct cxv_backup_info *info)
{
	char buf[MANIFEST_MAX + 1];
	json_t *doc;
	const char *fmt = NULL, *created = NULL;
	json_int_t subj = 0, files = 0, eras = 0;
	size_t got;
	int r, schema = 0;

	if (size > MANIFEST_MAX)
		return CXV_ERR_CORRUPT;
	if ((r = cxv_archive_data(e, (uint8_t *)buf, sizeof(buf) - 1, &got)) !=
	    CXV_OK)
		return r;
	buf[got] = '\0';
	if ((doc = json_loads(buf, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return CXV_ERR_CORRUPT;
	r = json_unpack(doc, "{s:s, s:s, s:i, s:I, s:I, s:I}", "format", &fmt,
	    "created", &created, "schema", &schema, "subjects", &subj,
	    "content_files", &files, "erasures", &eras) == 0 &&
	    strcmp(fmt, FORMAT) == 0 ? CXV_OK : CXV_ERR_CORRUPT;
	if (r == CXV_OK) {
		snprintf(info->created, sizeof(info->created), "%s", created);
		info->schema = schema;
		info->subjects = subj;
		info->content_files = files;
		info->erasures = eras;
	}
	json_decref(doc);
	return r;
}

static int
verify_entry(void *ctx, const char *name, uint64_t size,
    struct cxv_archive_entry *e)
{
	struct verify *vf = ctx;
	int backup = strcmp(vf->kind, CXV_ARCHIVE_BACKUP) == 0;

	vf->info->entries++;
	vf->info->bytes += (int64_t)size;
	if (strcmp(name, backup ? "vault.db" : "records.db") == 0 &&
	    !vf->has_db)
		vf->has_db = 1;
	else if (content_entry(name, backup ? "content/" : "files/"))
		vf->content++;
	else if (backup && strcmp(name, MANIFEST) == 0 && !vf->has_manifest) {
		vf->has_manifest = 1;
		return read_manifest(e, size, vf->info);
	} else
		return CXV_ERR_CORRUPT;
	return CXV_OK;
}

static int
verify_as(const struct cxv_keyring *kr, const char *path, const char *kind,
    struct cxv_backup_info *info)
{
	struct verify vf = { info, kind, 0, 0, 0 };
	int backup = strcmp(kind, CXV_ARCHIVE_BACKUP) == 0;
	int r;

	memset(info, 0, sizeof(*info));
	snprintf(info->kind, sizeof(info->kind), "%s", backup ? "backup" :
	    "retention");
	if ((r = cxv_archive_each(path, kr, kind, verify_entry, &vf)) != CXV_OK)
		return r;
	if (!vf.has_db || (backup && (!vf.has_manifest ||
	    vf.content != info->content_files)))
		return CXV_ERR_CORRUPT;
	info->content_files = vf.content;
	return CXV_OK;
}

int
cxv_backup_verify(const struct cxv_keyring *kr, const char *path,
    struct cxv_backup_info *info)
{
	int r = verify_as(kr, path, CXV_ARCHIVE_BACKUP, info);

	if (r == CXV_ERR_CRYPTO)
		r = verify_as(kr, path, CXV_ARCHIVE_RETENTION, info);
	return r;
}

char *
cxv_backup_info_json(const struct cxv_backup_info *info)
{
	json_t *doc = json_pack("{s:s, s:s?, s:i, s:I, s:I, s:I, s:I, s:I}",
	    "kind", info->kind, "created", info->created[0] != '\0' ?
	    info->created : NULL, "schema", info->schema, "subjects",
	    (json_int_t)info->subjects, "content_files",
	    (json_int_t)info->content_files, "erasures",
	    (json_int_t)info->erasures, "entries", (json_int_t)info->entries,
	    "bytes", (json_int_t)info->bytes);
	char *s = doc != NULL ? json_dumps(doc, JSON_INDENT(2) |
	    JSON_SORT_KEYS) : NULL;

	json_decref(doc);
	return s;
}

/* The erasure register that was current before the restore. */
struct reg_entry {
	int64_t id, ms;
	char *receipt;
};
struct reg {
	struct reg_entry *e;
	size_t n, cap;
};

static int
reg_add(void *ctx, int64_t id, int64_t ms, const char *receipt)
{
	struct reg *g = ctx;
	void *p;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		if ((p = realloc(g->e, g->cap * sizeof(g->e[0]))) == NULL)
			return CXV_ERR_NOMEM;
		g->e = p;
	}
	if ((g->e[g->n].receipt = strdup(receipt)) == NULL)
		return CXV_ERR_NOMEM;
	g->e[g->n].id = id;
	g->e[g->n++].ms = ms;
	return CXV_OK;
}

static void
reg_free(struct reg *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->e[i].receipt);
	free(g->e);
}

/* 1 if the current database could be read (its register is in g). */
static int
current_register(const char *db, struct reg *g, int *found)
{
	struct cxv_store *st = NULL;
	int r;

	*found = 0;
	if ((r = cxv_store_open(db, 0, &st)) == CXV_ERR_NOT_FOUND)
		return CXV_OK;
	if (r != CXV_OK)
		return r;
	if ((r = cxv_store_erasures(st, reg_add, g)) == CXV_OK)
		*found = 1;
	cxv_store_close(st);
	return r;
}

/* Extraction into DIR/.restore. */
struct extract {
	char dir[PATH_MAX];
};

static int
write_entry(struct cxv_archive_entry *e, const char *path)
{
	struct extract_buf { uint8_t b[65536]; } *eb;
	size_t got;
	int fd, r = CXV_OK;

	if ((eb = malloc(sizeof(*eb))) == NULL)
		return CXV_ERR_NOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		r = CXV_ERR_IO;
	while (r == CXV_OK && (r = cxv_archive_data(e, eb->b, sizeof(eb->b),
	    &got)) == CXV_OK && got > 0)
		if (write(fd, eb->b, got) != (ssize_t)got)
			r = CXV_ERR_IO;
	if (fd >= 0 && fsync(fd) != 0)
		r = CXV_ERR_IO;
	if (fd >= 0 && close(fd) != 0)
		r = CXV_ERR_IO;
	free(eb);
	return r;
}

static int
extract_entry(void *ctx, const char *name, uint64_t size,
    struct cxv_archive_entry *e)
{
	const struct extract *x = ctx;
	char p[PATH_MAX];

	(void)size;
	if (strcmp(name, MANIFEST) == 0)
		return CXV_OK;
	if (strcmp(name, "vault.db") != 0 && !content_entry(name, "content/"))
		return CXV_ERR_CORRUPT;
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", x->dir, name) >= sizeof(p))
		return CXV_ERR_TOO_LARGE;
	return write_entry(e, p);
}

static int
path2(char out[PATH_MAX], const char *a, const char *b)
{
	return (size_t)snprintf(out, PATH_MAX, "%s/%s", a, b) < PATH_MAX ?
	    CXV_OK : CXV_ERR_TOO_LARGE;
}

/* Remove DIR/.restore and what is in it (a failed restore). */
static void
remove_tree(const char *dir)
{
	char c[PATH_MAX], p[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (path2(c, dir, "content") == CXV_OK && (d = opendir(c)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && path2(p, c, e->d_name) ==
			    CXV_OK)
				(void)unlink(p);
		closedir(d);
		(void)rmdir(c);
	}
	if (path2(p, dir, "vault.db") == CXV_OK)
		remove_db(p);
	(void)rmdir(dir);
}

/* Move what is in dir (database, content) into dir/replaced-STAMP. */
static int
move_aside(const char *dir, const char *stamp, char moved[PATH_MAX])
{
	static const char *const names[] = { "vault.db", "vault.db-wal",
	    "vault.db-shm", "content" };
	char from[PATH_MAX], to[PATH_MAX], rel[64];
	size_t i;
	int r;

	snprintf(rel, sizeof(rel), "replaced-%s", stamp);
	if ((r = path2(moved, dir, rel)) != CXV_OK)
		return r;
	if (mkdir(moved, 0700) != 0)
		return CXV_ERR_IO;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((r = path2(from, dir, names[i])) != CXV_OK ||
		    (r = path2(to, moved, names[i])) != CXV_OK)
			return r;
		if (rename(from, to) != 0 && errno != ENOENT)
			return CXV_ERR_IO;
	}
	return CXV_OK;
}

/*
 * A vault on a database server: the extracted snapshot's rows copied
 * into it, what it held kept aside in the database (replaced_STAMP),
 * the snapshot file removed.
 */
static int
restore_server(const char *url, const char *from_dir, const char *stamp)
{
	struct cxv_store *src = NULL, *cur = NULL, *dst = NULL;
	char db[PATH_MAX];
	int r;

	if ((r = path2(db, from_dir, "vault.db")) != CXV_OK ||
	    (r = cxv_store_open(db, 0, &src)) != CXV_OK ||
	    (r = cxv_store_migrate(src)) != CXV_OK)
		goto out;
	if ((r = cxv_store_open(url, 0, &cur)) == CXV_OK)
		r = cxv_store_set_aside(cur, stamp);
	else if (r == CXV_ERR_NOT_FOUND)
		r = CXV_OK;		/* no vault there: nothing to keep */
	cxv_store_close(cur);
	if (r == CXV_OK && (r = cxv_store_open(url, 1, &dst)) == CXV_OK)
		r = cxv_store_copy(src, dst, NULL, NULL);
 out:
	cxv_store_close(dst);
	cxv_store_close(src);
	remove_db(db);
	return r;
}

/* Put the extracted database (unless it went to a server) and content in place. */
static int
move_in(const char *dir, const char *from_dir, int server)
{
	char from[PATH_MAX], to[PATH_MAX];
	int r;

	if ((r = path2(from, from_dir, "vault.db")) != CXV_OK ||
	    (r = path2(to, dir, "vault.db")) != CXV_OK)
		return r;
	if (!server && rename(from, to) != 0)
		return CXV_ERR_IO;
	if ((r = path2(from, from_dir, "content")) != CXV_OK ||
	    (r = path2(to, dir, "content")) != CXV_OK)
		return r;
	if (rename(from, to) != 0)
		return CXV_ERR_IO;
	(void)rmdir(from_dir);
	return CXV_OK;
}

/* Re-apply the register: erase again whom the backup still holds. */
static int
reapply(struct cxv_vault *v, const struct reg *g, json_t *erased,
    int64_t *absent)
{
	struct cxv_store *st = cxv_vault_store(v);
	size_t i;
	int r;

	for (i = 0; i < g->n; i++) {
		r = cxv_subject_erase_reapply(v, g->e[i].id, g->e[i].receipt);
		if (r == CXV_OK) {
			if (json_array_append_new(erased,
			    json_integer(g->e[i].id)) != 0)
				return CXV_ERR_NOMEM;
			continue;
		}
		if (r != CXV_ERR_NOT_FOUND)
			return r;
		(*absent)++;
		/* Keep the register whole for the next restore. */
		if ((r = cxv_store_begin(st)) != CXV_OK)
			return r;
		r = cxv_store_erasure_insert(st, g->e[i].id, g->e[i].ms,
		    g->e[i].receipt);
		if (r == CXV_OK || r == CXV_ERR_EXISTS)
			r = cxv_store_commit(st);
		if (r != CXV_OK) {
			cxv_store_rollback(st);
			return r;
		}
	}
	return CXV_OK;
}

struct restore {
	const char *dir, *pass, *path, *actor;
	size_t passlen;
	struct cxv_backup_info info;
	struct reg reg;
	int have_reg;
	char moved[PATH_MAX];
	json_t *erased;
	int64_t absent;
};

static char *
restore_report(const struct restore *rs)
{
	json_t *doc = json_pack("{s:s, s:s, s:i, s:I, s:I, s:s?, s:{s:b, s:I, "
	    "s:O, s:I}}", "restored_from", rs->path, "backup_created",
	    rs->info.created, "schema", rs->info.schema, "subjects",
	    (json_int_t)rs->info.subjects, "content_files",
	    (json_int_t)rs->info.content_files, "replaced_moved_to",
	    rs->moved[0] != '\0' ? rs->moved : NULL, "erasure_register",
	    "current_register_read", rs->have_reg, "entries",
	    (json_int_t)rs->reg.n, "erased_again", rs->erased, "already_absent",
	    (json_int_t)rs->absent);
	char *s = doc != NULL ? json_dumps(doc, JSON_INDENT(2) |
	    JSON_SORT_KEYS) : NULL;

	json_decref(doc);
	return s;
}

/* After the files are in place: open, migrate, re-apply, audit. */
static int
finish(struct restore *rs, char *why, size_t whylen)
{
	struct audit_args au = { "backup.restore", "" };
	struct cxv_vault *v = NULL;
	int r;

	if ((r = cxv_vault_open(rs->dir, rs->pass, rs->passlen, rs->actor, &v,
	    why, whylen)) != CXV_OK)
		return r;
	if ((r = reapply(v, &rs->reg, rs->erased, &rs->absent)) != CXV_OK)
		snprintf(why, whylen, "re-applying the erasure register: %s",
		    cxv_strerror(r));
	snprintf(au.fields, sizeof(au.fields), "erased_again:%zu,register:%s",
	    json_array_size(rs->erased), rs->have_reg ? "read" : "none");
	if (r == CXV_OK)
		r = cxv_vault_in_txn(v, audit_locked, &au);
	cxv_vault_close(v);
	return r;
}

static int
restore_files(struct restore *rs, const struct cxv_keyring *kr, char *why,
    size_t whylen)
{
	struct extract x;
	char db[PATH_MAX], c[PATH_MAX], stamp[CXV_STAMP_STR];
	int r, server = 0;

	if ((r = path2(x.dir, rs->dir, ".restore")) != CXV_OK ||
	    (r = cxv_vault_store_location(rs->dir, db, &server, why,
	    whylen)) != CXV_OK || (r = path2(c, x.dir, "content")) != CXV_OK)
		return r;
	if ((r = current_register(db, &rs->reg, &rs->have_reg)) != CXV_OK) {
		snprintf(why, whylen, "the current database cannot be read "
		    "(%s): move it away first if it is damaged", cxv_strerror(r));
		return r;
	}
	if (mkdir(x.dir, 0700) != 0 || mkdir(c, 0700) != 0) {
		snprintf(why, whylen, "cannot create %s (an earlier restore "
		    "was interrupted? remove it)", x.dir);
		return CXV_ERR_EXISTS;
	}
	if ((r = cxv_archive_each(rs->path, kr, CXV_ARCHIVE_BACKUP,
	    extract_entry, &x)) != CXV_OK) {
		remove_tree(x.dir);
		snprintf(why, whylen, "extracting: %s", cxv_strerror(r));
		return r;
	}
	cxv_time_stamp(cxv_now_ms(), stamp);
	if ((r = path2(c, rs->dir, "content")) != CXV_OK)
		return r;
	(void)rmdir(c);			/* if empty, it need not move */
	if ((access(db, F_OK) == 0 || access(c, F_OK) == 0) &&
	    (r = move_aside(rs->dir, stamp, rs->moved)) != CXV_OK) {
		snprintf(why, whylen, "moving the current files aside: %s",
		    cxv_strerror(r));
		return r;
	}
	if (server && (r = restore_server(db, x.dir, stamp)) != CXV_OK) {
		snprintf(why, whylen, "restoring into the PostgreSQL store: %s "
		    "(what it held is kept in a schema named replaced_ and the "
		    "time, docs/scaling.md; the content is in %s)",
		    cxv_strerror(r), rs->moved);
		return r;
	}
	if ((r = move_in(rs->dir, x.dir, server)) != CXV_OK)
		snprintf(why, whylen, "moving the restored files in: %s",
		    cxv_strerror(r));
	return r;
}

int
cxv_backup_restore(const char *dir, const char *pass, size_t passlen,
    const char *path, const char *actor, char **report, char *why,
    size_t whylen)
{
	struct cxv_keyring *kr = NULL;
	struct restore rs;
	int r;

	*report = NULL;
	memset(&rs, 0, sizeof(rs));
	rs.dir = dir;
	rs.pass = pass;
	rs.passlen = passlen;
	rs.path = path;
	rs.actor = actor;
	if ((rs.erased = json_array()) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_vault_master_key(dir, pass, passlen, &kr, why, whylen)) !=
	    CXV_OK)
		goto out;
	/* Every byte authenticated before anything is touched. */
	if ((r = verify_as(kr, path, CXV_ARCHIVE_BACKUP, &rs.info)) != CXV_OK) {
		snprintf(why, whylen, "%s is not a sound backup made with this "
		    "vault's master key (%s)", path, cxv_strerror(r));
		goto out;
	}
	if ((r = restore_files(&rs, kr, why, whylen)) == CXV_OK &&
	    (r = finish(&rs, why, whylen)) == CXV_OK &&
	    (*report = restore_report(&rs)) == NULL)
		r = CXV_ERR_NOMEM;
 out:
	cxv_keyring_free(kr);
	reg_free(&rs.reg);
	json_decref(rs.erased);
	return r;
}
