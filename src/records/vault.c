/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating and opening a vault's data directory, and master-key
 * rotation; see vault.h. Order matters here: nothing is written until
 * the master key has proved it opens the vault.
 */
#include "records/vault.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/journal.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/tls.h"
#include "store/store.h"

#define F_CONFIG	"cxvault.conf"
#define F_DB		"vault.db"
#define F_KEY		"master.key"
#define F_KEY_OLD	"master.key.old"
#define F_KEY_NEW	"master.key.new"
#define D_CONTENT	"content"
#define D_LOGS		"logs"
#define F_LOG_NAME	"cxvault.log"
#define F_LOG		D_LOGS "/" F_LOG_NAME
#define D_TLS		"tls"
#define META_ROOT	"vault_root"
/*
 * Present in vaults made since 0.2, whose Asterisk records were all keyed
 * by their legs (issue 26); older vaults may hold records keyed by the
 * uniqueid alone, which imports must also recognise.
 */
#define META_LEG_KEYS	"cdr_leg_keys"

struct cxv_vault {
	char dir[PATH_MAX];
	struct cxv_config cfg;
	struct cxv_keyring *kr;
	struct cxv_store *st;
	char actor[CXV_AUDIT_TEXT_MAX + 1];
	int log_open;
	struct cxv_journal *journal;	/* the server's, borrowed */
	int legacy_cdr_keys;		/* no META_LEG_KEYS */
	int shred_later;		/* the server's shredder runs */
};

/* dir/name into out; CXV_ERR_TOO_LARGE if it does not fit PATH_MAX. */
static int
path_in(const char *dir, const char *name, char out[PATH_MAX])
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return CXV_ERR_TOO_LARGE;
	return CXV_OK;
}

/* Make dir 0700, or accept an existing empty directory. */
static int
make_dir(const char *dir, int *made, char *why, size_t whylen)
{
	DIR *d;
	struct dirent *e;
	int empty = 1;

	*made = 0;
	if (mkdir(dir, 0700) == 0)
		return *made = 1, CXV_OK;
	if (errno != EEXIST || (d = opendir(dir)) == NULL) {
		snprintf(why, whylen, "cannot create %s: %s", dir, strerror(errno));
		return CXV_ERR_IO;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	if (!empty) {
		snprintf(why, whylen, "%s exists and is not empty; "
		    "refusing to overwrite it", dir);
		return CXV_ERR_EXISTS;
	}
	if (chmod(dir, 0700) != 0) {
		snprintf(why, whylen, "cannot chmod %s: %s", dir, strerror(errno));
		return CXV_ERR_IO;
	}
	return CXV_OK;
}

/* Undo a failed init: remove what it may have made, nothing else. */
static void
init_cleanup(const char *dir, int made_dir)
{
	static const char *const files[] = { F_CONFIG, F_KEY, F_DB,
	    F_DB "-wal", F_DB "-shm", F_LOG, CXV_VAULT_TLS_CERT,
	    CXV_VAULT_TLS_KEY };
	static const char *const dirs[] = { D_LOGS, D_CONTENT, D_TLS };
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (path_in(dir, files[i], p) == CXV_OK)
			(void)unlink(p);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (path_in(dir, dirs[i], p) == CXV_OK)
			(void)rmdir(p);
	if (made_dir)
		(void)rmdir(dir);
}

/*
 * Write cfg to path, or to what path links to: a packaged install keeps
 * the file in /etc/cxvault and a link to it in the data directory
 * ('init --config'), which a rewrite must not replace by a file.
 */
static int
write_config_at(const char *path, const struct cxv_config *cfg, int replace)
{
	char real[PATH_MAX], *text = NULL;
	int r;

	if ((r = cxv_config_render(cfg, &text)) != CXV_OK)
		return r;
	r = cxv_write_file_atomic(realpath(path, real) != NULL ? real : path,
	    text, strlen(text), 0600, replace);
	free(text);
	return r;
}

static int
write_config(const char *dir, const struct cxv_config *cfg, int replace)
{
	char p[PATH_MAX];
	int r;

	if ((r = path_in(dir, F_CONFIG, p)) != CXV_OK)
		return r;
	return write_config_at(p, cfg, replace);
}

/*
 * init --config FILE: the vault's settings are FILE's (written with the
 * defaults if there is none yet) and DIR/cxvault.conf links to it.
 */
static int
config_elsewhere(const char *dir, const char *file, struct cxv_config *cfg,
    char *why, size_t whylen)
{
	char p[PATH_MAX];
	int r;

	if (file[0] != '/') {
		snprintf(why, whylen, "--config needs an absolute path");
		return CXV_ERR_INVALID;
	}
	if ((r = write_config_at(file, cfg, 1)) != CXV_OK) {
		snprintf(why, whylen, "%s: %s", file, cxv_strerror(r));
		return r;
	}
	if ((r = path_in(dir, F_CONFIG, p)) == CXV_OK && symlink(file, p) != 0)
		r = CXV_ERR_IO;
	if (r != CXV_OK)
		snprintf(why, whylen, "%s: cannot link to %s", F_CONFIG, file);
	return r;
}

static int
make_subdirs(const char *dir)
{
	static const char *const dirs[] = { D_CONTENT, D_LOGS, D_TLS };
	char p[PATH_MAX];
	size_t i;
	int r;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((r = path_in(dir, dirs[i], p)) != CXV_OK)
			return r;
		if (mkdir(p, 0700) != 0)
			return CXV_ERR_IO;
	}
	return CXV_OK;
}

/* The self-signed certificate HTTPS starts with (R4.1). */
static int
make_tls(const char *dir, char *why, size_t whylen)
{
	char cert[PATH_MAX], key[PATH_MAX];
	int r;

	if ((r = path_in(dir, CXV_VAULT_TLS_CERT, cert)) != CXV_OK ||
	    (r = path_in(dir, CXV_VAULT_TLS_KEY, key)) != CXV_OK)
		return r;
	return cxv_tls_make_self_signed(cert, key, why, whylen);
}

/* Master key of a new vault: a passphrase or a fresh key file. */
static int
init_key(const char *dir, struct cxv_config *cfg, const char *pass,
    size_t passlen, struct cxv_keyring **kr)
{
	char p[PATH_MAX];
	int r;

	if (pass != NULL) {
		cfg->key_source = CXV_KEY_SOURCE_PASSPHRASE;
		cfg->has_salt = 1;
		randombytes_buf(cfg->salt, sizeof(cfg->salt));
		return cxv_keyring_from_passphrase(pass, passlen, cfg->salt, kr);
	}
	if ((r = path_in(dir, F_KEY, p)) != CXV_OK ||
	    (r = cxv_keyring_generate(kr)) != CXV_OK)
		return r;
	return cxv_keyring_write_file(*kr, p);
}

/*
 * Where the records are: the site's PostgreSQL database (store in
 * cxvault.conf), or vault.db in the data directory. *name is what
 * messages call it: never the connection string, which may hold a
 * password.
 */
static int
store_location(const char *dir, const struct cxv_config *cfg,
    char p[PATH_MAX], const char **name)
{
	if (cfg->store[0] == '\0') {
		*name = F_DB;
		return path_in(dir, F_DB, p);
	}
	*name = "the PostgreSQL store";
	return snprintf(p, PATH_MAX, "%s", cfg->store) < PATH_MAX ? CXV_OK :
	    CXV_ERR_TOO_LARGE;
}

/* The database of a new vault with its wrapped root and first entry. */
static int
init_db(const char *dir, const struct cxv_config *cfg,
    struct cxv_keyring *kr, const char *actor)
{
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES];
	struct cxv_audit_event ev = { actor, "vault.init", "vault", "-", "",
	    0 };
	struct cxv_store *st = NULL;
	const char *name;
	char p[PATH_MAX];
	int r;

	if ((r = store_location(dir, cfg, p, &name)) != CXV_OK ||
	    (r = cxv_store_open(p, 1, &st)) != CXV_OK)
		return r;
	if ((r = cxv_keyring_create_root(kr, wrapped)) == CXV_OK &&
	    (r = cxv_store_begin(st)) == CXV_OK) {
		if ((r = cxv_store_meta_set(st, META_ROOT, wrapped,
		    sizeof(wrapped))) == CXV_OK &&
		    (r = cxv_store_meta_set(st, META_LEG_KEYS,
		    (const uint8_t *)"2", 1)) == CXV_OK &&
		    (r = cxv_audit_append(st, kr, &ev)) == CXV_OK)
			r = cxv_store_commit(st);
	}
	cxv_store_close(st);
	return r;
}

void
cxv_vault_server_problem(int r, char *why, size_t whylen)
{
	if (r == CXV_ERR_EXISTS)
		snprintf(why, whylen, "the PostgreSQL database is not empty: a "
		    "vault's records need a database of their own");
	else if (r == CXV_ERR_UNAVAILABLE)
		snprintf(why, whylen, "cannot connect to the PostgreSQL store "
		    "(check the server, the address, sslmode and the password "
		    "in ~/.pgpass)");
	else
		snprintf(why, whylen, "the PostgreSQL store: %s",
		    cxv_strerror(r));
}

/* Why a new vault's store refused. */
static void
store_problem(const struct cxv_config *cfg, int r, char *why, size_t whylen)
{
	if (cfg->store[0] == '\0')
		snprintf(why, whylen, "%s: %s", F_DB, cxv_strerror(r));
	else
		cxv_vault_server_problem(r, why, whylen);
}

/* The new vault's cxvault.conf: in dir, or conf linked from dir. */
static int
first_config(const char *dir, const char *conf, struct cxv_config *cfg,
    char *why, size_t whylen)
{
	int r;

	if (conf != NULL)
		return config_elsewhere(dir, conf, cfg, why, whylen);
	if ((r = write_config(dir, cfg, 0)) != CXV_OK)
		snprintf(why, whylen, "%s: %s", F_CONFIG, cxv_strerror(r));
	return r;
}

int
cxv_vault_init(const char *dir, const char *conf, const char *store,
    const char *pass, size_t passlen, const char *actor, char *why,
    size_t whylen)
{
	struct cxv_keyring *kr = NULL;
	struct cxv_config cfg;
	int made = 0, r;

	if (strlen(dir) + 32 >= PATH_MAX) {
		snprintf(why, whylen, "data directory path too long");
		return CXV_ERR_TOO_LARGE;
	}
	/* An operator's file is used as it is; a broken one is refused. */
	if (conf != NULL && access(conf, F_OK) == 0) {
		if ((r = cxv_config_load(conf, &cfg, why, whylen)) != CXV_OK)
			return r;
	} else
		cxv_config_defaults(&cfg);
	if ((r = make_dir(dir, &made, why, whylen)) != CXV_OK)
		return r;
	if (store != NULL)
		snprintf(cfg.store, sizeof(cfg.store), "%s", store);
	/* The database last: a refusal there leaves nothing behind. */
	if ((r = init_key(dir, &cfg, pass, passlen, &kr)) != CXV_OK)
		snprintf(why, whylen, "master key: %s", cxv_strerror(r));
	else if ((r = first_config(dir, conf, &cfg, why, whylen)) != CXV_OK)
		;	/* why says which file */
	else if ((r = make_subdirs(dir)) != CXV_OK)
		snprintf(why, whylen, "content/logs/tls directories: %s",
		    cxv_strerror(r));
	else if ((r = make_tls(dir, why, whylen)) == CXV_OK &&
	    (r = init_db(dir, &cfg, kr, actor)) != CXV_OK)
		store_problem(&cfg, r, why, whylen);
	cxv_keyring_free(kr);
	if (r != CXV_OK)
		init_cleanup(dir, made);
	return r;
}

/* dir's cxvault.conf, before a vault is opened. */
static int
load_config(const char *dir, struct cxv_config *cfg, char *why,
    size_t whylen)
{
	char p[PATH_MAX];
	int r;

	if ((r = path_in(dir, F_CONFIG, p)) != CXV_OK) {
		snprintf(why, whylen, "data directory path too long");
		return r;
	}
	return cxv_config_load(p, cfg, why, whylen);
}

int
cxv_vault_key_source(const char *dir, enum cxv_key_source *src, char *why,
    size_t whylen)
{
	struct cxv_config cfg;
	int r;

	if ((r = load_config(dir, &cfg, why, whylen)) == CXV_OK)
		*src = cfg.key_source;
	return r;
}

int
cxv_vault_store_location(const char *dir, char *out, int *server,
    char *why, size_t whylen)
{
	struct cxv_config cfg;
	const char *name;
	int r;

	if ((r = load_config(dir, &cfg, why, whylen)) != CXV_OK)
		return r;
	*server = cfg.store[0] != '\0';
	return store_location(dir, &cfg, out, &name);
}

static const char *
key_file_problem(int r)
{
	switch (r) {
	case CXV_ERR_NOT_FOUND:
		return "is missing";
	case CXV_ERR_DENIED:
		return "must be mode 0600 (no group/other access) and readable";
	case CXV_ERR_CORRUPT:
		return "is not a 32-byte regular file (corrupt?)";
	default:
		return cxv_strerror(r);
	}
}

static int
open_key(struct cxv_vault *v, const char *pass, size_t passlen, char *why,
    size_t whylen)
{
	char p[PATH_MAX];
	int r;

	if (v->cfg.key_source == CXV_KEY_SOURCE_PASSPHRASE) {
		if (pass == NULL) {
			snprintf(why, whylen, "this vault needs its passphrase");
			return CXV_ERR_INVALID;
		}
		if ((r = cxv_keyring_from_passphrase(pass, passlen,
		    v->cfg.salt, &v->kr)) != CXV_OK)
			snprintf(why, whylen, "passphrase: %s", cxv_strerror(r));
		return r;
	}
	if ((r = path_in(v->dir, F_KEY, p)) != CXV_OK)
		return r;
	if ((r = cxv_keyring_from_file(p, &v->kr)) != CXV_OK)
		snprintf(why, whylen, "key file %s %s", p, key_file_problem(r));
	return r;
}

static int
open_db(struct cxv_vault *v, char *why, size_t whylen)
{
	const char *name;
	char p[PATH_MAX];
	int r;

	if ((r = store_location(v->dir, &v->cfg, p, &name)) != CXV_OK)
		return r;
	if ((r = cxv_store_open(p, 0, &v->st)) == CXV_OK)
		return CXV_OK;
	if (v->cfg.store[0] == '\0')
		name = p;
	if (r == CXV_ERR_VERSION)
		snprintf(why, whylen, "%s was written by a newer cxvault "
		    "(schema newer than %d); upgrade cxvault", name,
		    cxv_store_schema_latest());
	else if (r == CXV_ERR_CORRUPT)
		snprintf(why, whylen, "%s is not a vault database or is "
		    "corrupt; restore it from a backup", name);
	else if (r == CXV_ERR_NOT_FOUND && v->cfg.store[0] != '\0')
		snprintf(why, whylen, "%s holds no vault", name);
	else
		snprintf(why, whylen, "%s: %s", name, cxv_strerror(r));
	return r;
}

static int
unlock(struct cxv_vault *v, char *why, size_t whylen)
{
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES + 1];
	char old[PATH_MAX];
	size_t len = 0;
	int r;

	r = cxv_store_meta_get(v->st, META_LEG_KEYS, wrapped, sizeof(wrapped),
	    &len);
	if (r != CXV_OK && r != CXV_ERR_NOT_FOUND)
		return snprintf(why, whylen, "vault: %s", cxv_strerror(r)), r;
	v->legacy_cdr_keys = r == CXV_ERR_NOT_FOUND;
	r = cxv_store_meta_get(v->st, META_ROOT, wrapped, sizeof(wrapped), &len);
	if (r == CXV_OK)
		r = cxv_keyring_unlock(v->kr, wrapped, len);
	if (r == CXV_ERR_WRONG_KEY && v->cfg.key_source == CXV_KEY_SOURCE_FILE &&
	    path_in(v->dir, F_KEY_OLD, old) == CXV_OK && access(old, F_OK) == 0)
		snprintf(why, whylen, "master.key does not open this vault; a "
		    "key rotation was interrupted: move %s back to master.key",
		    old);
	else if (r == CXV_ERR_WRONG_KEY)
		snprintf(why, whylen, "%s", v->cfg.key_source ==
		    CXV_KEY_SOURCE_FILE ? "master.key does not open this vault" :
		    "wrong passphrase");
	else if (r != CXV_OK)
		snprintf(why, whylen, "vault root key: %s", cxv_strerror(r));
	return r;
}

static void
log_pseudonym(void *ctx, const char *value, char *out, size_t cap)
{
	char ps[CXV_PSEUDONYM_LEN + 1];

	cxv_keyring_pseudonym(ctx, value, ps);
	snprintf(out, cap, "%s", ps);
}

static void
log_opts(const struct cxv_config *cfg, struct cxv_log_opts *o)
{
	o->level = cfg->log_level;
	o->hide_private = cfg->hide_private_data;
	o->max_bytes = cfg->log_max_bytes;
	o->max_files = cfg->log_max_files;
	o->max_age_days = cfg->log_max_age_days;
}

static int
open_log(struct cxv_vault *v, char *why, size_t whylen)
{
	struct cxv_log_opts o;
	char p[PATH_MAX] = "", rel[PATH_MAX];
	int r;

	log_opts(&v->cfg, &o);
	/* log_dir: absolute, or inside the data directory. */
	if ((size_t)snprintf(rel, sizeof(rel), "%s/%s", v->cfg.log_dir,
	    F_LOG_NAME) >= sizeof(rel))
		r = CXV_ERR_TOO_LARGE;
	else if (rel[0] == '/') {
		memcpy(p, rel, sizeof(p));
		r = CXV_OK;
	} else
		r = path_in(v->dir, rel, p);
	if (r != CXV_OK || (r = cxv_log_open(p, &o)) != CXV_OK) {
		snprintf(why, whylen, "cannot open log %s", p);
		return r;
	}
	cxv_log_set_pseudonymizer(log_pseudonym, v->kr);
	v->log_open = 1;
	return CXV_OK;
}

int
cxv_vault_master_key(const char *dir, const char *pass, size_t passlen,
    struct cxv_keyring **out, char *why, size_t whylen)
{
	struct cxv_vault *v;
	char p[PATH_MAX];
	int r;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return CXV_ERR_NOMEM;
	if ((size_t)snprintf(v->dir, sizeof(v->dir), "%s", dir) >=
	    sizeof(v->dir) - 32) {
		snprintf(why, whylen, "data directory path too long");
		r = CXV_ERR_TOO_LARGE;
	} else if ((r = path_in(dir, F_CONFIG, p)) == CXV_OK &&
	    (r = cxv_config_load(p, &v->cfg, why, whylen)) == CXV_OK &&
	    (r = open_key(v, pass, passlen, why, whylen)) == CXV_OK) {
		*out = v->kr;
		v->kr = NULL;
	}
	cxv_vault_close(v);
	return r;
}

int
cxv_vault_open(const char *dir, const char *pass, size_t passlen,
    const char *actor, struct cxv_vault **out, char *why, size_t whylen)
{
	struct cxv_vault *v;
	char p[PATH_MAX];
	int r;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return CXV_ERR_NOMEM;
	if ((size_t)snprintf(v->dir, sizeof(v->dir), "%s", dir) >=
	    sizeof(v->dir) - 32 ||
	    (size_t)snprintf(v->actor, sizeof(v->actor), "%s", actor) >=
	    sizeof(v->actor)) {
		snprintf(why, whylen, "data directory or actor name too long");
		r = CXV_ERR_TOO_LARGE;
		goto fail;
	}
	if ((r = path_in(dir, F_CONFIG, p)) != CXV_OK ||
	    (r = cxv_config_load(p, &v->cfg, why, whylen)) != CXV_OK ||
	    (r = open_key(v, pass, passlen, why, whylen)) != CXV_OK ||
	    (r = open_db(v, why, whylen)) != CXV_OK ||
	    (r = unlock(v, why, whylen)) != CXV_OK)
		goto fail;
	if ((r = cxv_store_migrate(v->st)) != CXV_OK) {
		snprintf(why, whylen, "schema migration: %s", cxv_strerror(r));
		goto fail;
	}
	if ((r = open_log(v, why, whylen)) != CXV_OK)
		goto fail;
	*out = v;
	return CXV_OK;
 fail:
	cxv_vault_close(v);
	return r;
}

int
cxv_vault_save_config(struct cxv_vault *v, const struct cxv_config *cfg)
{
	struct cxv_config c = *cfg;
	int r;

	/* The key source and salt are the vault's, whatever cfg says. */
	c.key_source = v->cfg.key_source;
	c.has_salt = v->cfg.has_salt;
	memcpy(c.salt, v->cfg.salt, sizeof(c.salt));
	if ((r = write_config(v->dir, &c, 1)) == CXV_OK)
		cxv_vault_set_config(v, &c);
	return r;
}

int
cxv_vault_clone(const struct cxv_vault *v, struct cxv_vault **out)
{
	struct cxv_vault *c;
	const char *name;
	char p[PATH_MAX];
	int r;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CXV_ERR_NOMEM;
	memcpy(c->dir, v->dir, sizeof(c->dir));
	c->cfg = v->cfg;
	memcpy(c->actor, v->actor, sizeof(c->actor));
	c->journal = v->journal;
	c->legacy_cdr_keys = v->legacy_cdr_keys;
	c->shred_later = v->shred_later;
	if ((r = cxv_keyring_dup(v->kr, &c->kr)) != CXV_OK ||
	    (r = store_location(v->dir, &c->cfg, p, &name)) != CXV_OK ||
	    (r = cxv_store_open(p, 0, &c->st)) != CXV_OK) {
		cxv_vault_close(c);
		return r;
	}
	*out = c;
	return CXV_OK;
}

void
cxv_vault_close(struct cxv_vault *v)
{
	if (v == NULL)
		return;
	if (v->log_open)
		cxv_log_close();
	cxv_store_close(v->st);
	cxv_keyring_free(v->kr);
	free(v);
}

int
cxv_vault_path(const struct cxv_vault *v, const char *name, char *out,
    size_t cap)
{
	if ((size_t)snprintf(out, cap, "%s/%s", v->dir, name) >= cap)
		return CXV_ERR_TOO_LARGE;
	return CXV_OK;
}

int
cxv_vault_set_actor(struct cxv_vault *v, const char *actor)
{
	if ((size_t)snprintf(v->actor, sizeof(v->actor), "%s", actor) >=
	    sizeof(v->actor))
		return CXV_ERR_TOO_LARGE;
	return CXV_OK;
}

void
cxv_vault_set_config(struct cxv_vault *v, const struct cxv_config *cfg)
{
	struct cxv_config keep = v->cfg;

	v->cfg = *cfg;
	v->cfg.key_source = keep.key_source;
	v->cfg.has_salt = keep.has_salt;
	memcpy(v->cfg.salt, keep.salt, sizeof(v->cfg.salt));
	if (v->log_open) {
		struct cxv_log_opts o;

		log_opts(&v->cfg, &o);
		cxv_log_set_opts(&o);
	}
}

const char *
cxv_vault_actor(const struct cxv_vault *v)
{
	return v->actor;
}

struct cxv_store *
cxv_vault_store(struct cxv_vault *v)
{
	return v->st;
}

int
cxv_vault_alone(struct cxv_vault *v, char *beside, size_t cap, char *why,
    size_t whylen)
{
	int r;

	if ((r = cxv_store_foreign(v->st, beside, cap)) != CXV_OK)
		return snprintf(why, whylen, "database: %s", cxv_strerror(r)), r;
	if (*beside == '\0')
		return CXV_OK;
	snprintf(why, whylen, "the vault's database also holds %s, which the "
	    "vault did not make: records in clear beside the vault "
	    "(docs/scaling.md); move them to a database of their own", beside);
	return CXV_ERR_CONFLICT;
}

int
cxv_vault_legacy_cdr_keys(const struct cxv_vault *v)
{
	return v->legacy_cdr_keys;
}

const struct cxv_keyring *
cxv_vault_keyring(const struct cxv_vault *v)
{
	return v->kr;
}

const struct cxv_config *
cxv_vault_config(const struct cxv_vault *v)
{
	return &v->cfg;
}

int
cxv_vault_in_txn(struct cxv_vault *v, int (*fn)(struct cxv_vault *, void *),
    void *arg)
{
	int r;

	if ((r = cxv_store_begin(v->st)) != CXV_OK)
		return r;
	if ((r = fn(v, arg)) == CXV_OK)
		r = cxv_store_commit(v->st);
	if (r != CXV_OK)
		cxv_store_rollback(v->st);
	return r;
}

int
cxv_vault_audit(struct cxv_vault *v, const char *action,
    const char *object_type, const char *object_id, const char *fields)
{
	struct cxv_audit_event ev = { v->actor, action, object_type, object_id,
	    fields, 0 };

	return cxv_audit_append(v->st, v->kr, &ev);
}

int
cxv_vault_audit_record(struct cxv_vault *v, struct cxv_audit_group *g,
    const char *action, const char *object_type, int64_t id,
    const char *fields)
{
	struct cxv_audit_event ev = { v->actor, action, object_type, NULL,
	    fields, 0 };
	char idstr[24];

	if (g != NULL)
		return cxv_audit_group_add(v->st, v->kr, g, &ev, id);
	snprintf(idstr, sizeof(idstr), "%lld", (long long)id);
	ev.object_id = idstr;
	return cxv_audit_append(v->st, v->kr, &ev);
}

int
cxv_vault_audit_flush(struct cxv_vault *v, struct cxv_audit_group *g)
{
	return cxv_audit_group_flush(v->st, v->kr, g);
}

int
cxv_vault_audit_scan(struct cxv_vault *v, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx)
{
	int r = cxv_vault_audit_settle(v);

	return r == CXV_OK ? cxv_audit_scan(v->st, since_ms, fn, ctx) : r;
}

int
cxv_vault_audit_verify(struct cxv_vault *v, int64_t *count, int64_t *bad_seq,
    const char **why)
{
	int r = cxv_vault_audit_settle(v);

	*count = *bad_seq = 0;
	*why = NULL;
	return r == CXV_OK ? cxv_audit_verify(v->st, v->kr, count, bad_seq,
	    why) : r;
}

struct audit_args {
	const char *action, *object_type, *object_id, *fields;
};

static int
audit_locked(struct cxv_vault *v, void *arg)
{
	struct audit_args *a = arg;

	return cxv_vault_audit(v, a->action, a->object_type, a->object_id,
	    a->fields);
}

int
cxv_vault_audit_read(struct cxv_vault *v, const char *action,
    const char *object_type, const char *object_id, const char *fields)
{
	struct audit_args a = { action, object_type, object_id, fields };

	if (v->journal != NULL) {
		const struct cxv_audit_event ev = { v->actor, action,
		    object_type, object_id, fields, 0 };

		return cxv_journal_append(v->journal, &ev);
	}
	return cxv_vault_in_txn(v, audit_locked, &a);
}

void
cxv_vault_set_journal(struct cxv_vault *v, struct cxv_journal *j)
{
	v->journal = j;
}

void
cxv_vault_set_shred_later(struct cxv_vault *v, int later)
{
	v->shred_later = later;
}

int
cxv_vault_shred_later(const struct cxv_vault *v)
{
	return v->shred_later;
}

int
cxv_vault_audit_settle(struct cxv_vault *v)
{
	char path[PATH_MAX];
	int r;

	if (v->journal != NULL)
		return cxv_journal_move(v->journal, v->st);
	if ((r = path_in(v->dir, CXV_JOURNAL_FILE, path)) != CXV_OK)
		return r;
	return cxv_journal_move_file(path, v->st, v->kr);
}

struct rewrap_ctx {
	const struct cxv_keyring *old, *fresh;
};

static int
rewrap_one(void *ctx, int64_t id, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct rewrap_ctx *rc = ctx;

	if (cap < CXV_WRAPPED_KEY_BYTES)
		return CXV_ERR_INTERNAL;
	*outlen = CXV_WRAPPED_KEY_BYTES;
	return cxv_keyring_rewrap_subject_key(rc->old, rc->fresh, id, in, inlen,
	    out);
}

/* Re-wrap everything under fresh inside the open transaction. */
static int
rewrap_all(struct cxv_vault *v, struct cxv_keyring *fresh)
{
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES];
	struct rewrap_ctx rc = { v->kr, fresh };
	int r;

	if ((r = cxv_keyring_adopt_root(fresh, v->kr, wrapped)) != CXV_OK ||
	    (r = cxv_store_subject_rewrap(v->st, rewrap_one, &rc)) != CXV_OK ||
	    (r = cxv_store_meta_set(v->st, META_ROOT, wrapped,
	    sizeof(wrapped))) != CXV_OK)
		return r;
	return cxv_vault_audit(v, "keys.rotate", "vault", "-", "master_key");
}

/*
 * Key-file rotation: master.key.old is a hard link to the old key, the
 * new key replaces master.key atomically, then the database commits. A
 * crash in between leaves master.key.old, which open() points out.
 */
static int
swap_key_file(struct cxv_vault *v, struct cxv_keyring *fresh, char *why,
    size_t whylen)
{
	char key[PATH_MAX], old[PATH_MAX], tmp[PATH_MAX];
	int r;

	if ((r = path_in(v->dir, F_KEY, key)) != CXV_OK ||
	    (r = path_in(v->dir, F_KEY_OLD, old)) != CXV_OK ||
	    (r = path_in(v->dir, F_KEY_NEW, tmp)) != CXV_OK)
		return r;
	if (link(key, old) != 0) {
		snprintf(why, whylen, "cannot keep %s (%s); is a rotation "
		    "already in progress?", old, strerror(errno));
		return CXV_ERR_EXISTS;
	}
	(void)unlink(tmp);
	if ((r = cxv_keyring_write_file(fresh, tmp)) != CXV_OK ||
	    rename(tmp, key) != 0) {
		(void)unlink(tmp);
		(void)unlink(old);
		snprintf(why, whylen, "cannot write the new master key");
		return r != CXV_OK ? r : CXV_ERR_IO;
	}
	if ((r = cxv_store_commit(v->st)) != CXV_OK) {
		(void)rename(old, key);
		snprintf(why, whylen, "commit: %s", cxv_strerror(r));
		return r;
	}
	(void)unlink(old);
	return CXV_OK;
}

static void
take_keyring(struct cxv_vault *v, struct cxv_keyring *fresh)
{
	cxv_keyring_free(v->kr);
	v->kr = fresh;
	cxv_log_set_pseudonymizer(log_pseudonym, v->kr);
}

int
cxv_vault_rotate_keys(struct cxv_vault *v, const char *newpass, size_t newlen,
    char *why, size_t whylen)
{
	struct cxv_keyring *fresh = NULL;
	int file = v->cfg.key_source == CXV_KEY_SOURCE_FILE, r;

	if (file)
		r = cxv_keyring_generate(&fresh);
	else if (newpass == NULL)
		r = CXV_ERR_INVALID;
	else
		r = cxv_keyring_from_passphrase(newpass, newlen, v->cfg.salt,
		    &fresh);
	if (r != CXV_OK) {
		snprintf(why, whylen, "new master key: %s", cxv_strerror(r));
		return r;
	}
	if ((r = cxv_store_begin(v->st)) != CXV_OK ||
	    (r = rewrap_all(v, fresh)) != CXV_OK) {
		snprintf(why, whylen, "re-wrapping keys: %s", cxv_strerror(r));
		goto fail;
	}
	if (file)
		r = swap_key_file(v, fresh, why, whylen);
	else if ((r = cxv_store_commit(v->st)) != CXV_OK)
		snprintf(why, whylen, "commit: %s", cxv_strerror(r));
	if (r != CXV_OK)
		goto fail;
	take_keyring(v, fresh);
	CXV_LOG(CXV_LOG_INFO, "keys.rotate", CXV_LF("result", "ok"));
	return CXV_OK;
 fail:
	cxv_store_rollback(v->st);
	cxv_keyring_free(fresh);
	return r;
}

int
cxv_vault_stats(struct cxv_vault *v, struct cxv_vault_stats *out)
{
	uint8_t hash[CXV_HASH_BYTES];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = cxv_store_schema_version(v->st, &out->schema_version)) != CXV_OK ||
	    (r = cxv_store_subject_count(v->st, &out->subjects)) != CXV_OK ||
	    (r = cxv_store_interaction_count(v->st, &out->interactions))
	    != CXV_OK)
		return r;
	return cxv_store_audit_head(v->st, &out->audit_entries, hash);
}
