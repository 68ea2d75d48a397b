/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A vault is a data directory (cxvault.conf, vault.db, master.key,
 * content/, logs/) opened with its master key: the handle every command
 * and, later, the server work through. It owns the config, keyring,
 * store and logger, and knows the actor named in audit entries.
 *
 * A handle is used by one thread at a time.
 */
#ifndef CXV_VAULT_H
#define CXV_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "store/store.h"

/* The self-signed TLS certificate and key init makes, inside the vault. */
#define CXV_VAULT_TLS_CERT	"tls/cert.pem"
#define CXV_VAULT_TLS_KEY	"tls/key.pem"

struct cxv_vault;
struct cxv_store;
struct cxv_audit_group;
struct cxv_journal;
struct cxv_keyring;

/*
 * Create a vault in dir (made 0700; an existing dir must be empty),
 * with a self-signed TLS certificate for the server in tls/.
 * With pass non-NULL the master key is Argon2id(pass, new salt) and no
 * key file is written; else master.key holds 32 random bytes (0600).
 * store is NULL for vault.db in dir (SQLite), or a PostgreSQL URL
 * (an empty database of the vault's own). conf is NULL for
 * dir/cxvault.conf, else an absolute path whose settings the vault takes
 * (the defaults written there if there is no file yet), dir/cxvault.conf
 * a link to it (/etc/cxvault/cxvault.conf of a packaged install); later
 * rewrites go to the file linked. actor is named in the first audit
 * entry. On failure nothing is left behind in dir and why says what went
 * wrong.
 */
int cxv_vault_init(const char *dir, const char *conf, const char *store,
    const char *pass, size_t passlen, const char *actor, char *why,
    size_t whylen);

/*
 * Where dir's master key comes from (reads cxvault.conf), so a caller
 * knows whether to ask for the passphrase before cxv_vault_open().
 */
int cxv_vault_key_source(const char *dir, enum cxv_key_source *src /* OUT */,
    char *why, size_t whylen);

/*
 * Why a new store on a database server (cxv_store_open with create)
 * refused, and what to do about it, in why. Never names the URL.
 */
void cxv_vault_server_problem(int r, char *why, size_t whylen);

/*
 * Where dir's records are (reads cxvault.conf): the path of vault.db,
 * or the PostgreSQL URL with *server set. out has PATH_MAX bytes.
 */
int cxv_vault_store_location(const char *dir, char *out /* OUT */,
    int *server /* OUT */, char *why, size_t whylen);

/*
 * Open the vault in dir, acting as actor (e.g. "local:alice"). pass is
 * needed only by passphrase vaults. Checks the key before migrating, so
 * a wrong key, missing/bad key file, corrupt or newer database changes
 * no file. On success opens the log and applies pending migrations.
 */
int cxv_vault_open(const char *dir, const char *pass, size_t passlen,
    const char *actor, struct cxv_vault **out /* OUT */, char *why,
    size_t whylen);

/*
 * Another handle on the same open vault (its own database connection and
 * keyring copy; the log stays the first handle's), for another thread.
 * Close clones before the handle they came from.
 */
int cxv_vault_clone(const struct cxv_vault *v, struct cxv_vault **out /* OUT */);

/*
 * The master key of the vault in dir (its key file, or pass with its
 * salt), without opening the database: a restore needs it when the
 * database is damaged or gone. Not unlocked; the caller frees it.
 */
int cxv_vault_master_key(const char *dir, const char *pass, size_t passlen,
    struct cxv_keyring **out /* OUT */, char *why, size_t whylen);

/* Close and free everything; accepts NULL. */
void cxv_vault_close(struct cxv_vault *v);

/*
 * Act as actor from now on (the server names the account of each
 * request: "user:<id>"); CXV_ERR_TOO_LARGE if it does not fit.
 */
int cxv_vault_set_actor(struct cxv_vault *v, const char *actor);

/*
 * Use cfg from now on (a reloaded cxvault.conf); the key source and salt
 * stay those the vault was opened with. Not while other threads use v.
 */
void cxv_vault_set_config(struct cxv_vault *v, const struct cxv_config *cfg);

/*
 * Write cfg to cxvault.conf (atomically, in its canonical form) and use
 * it; a running server picks it up at its next reload.
 */
int cxv_vault_save_config(struct cxv_vault *v, const struct cxv_config *cfg);

/* Borrowed parts, valid until cxv_vault_close(). */
const char *cxv_vault_actor(const struct cxv_vault *v);
struct cxv_store *cxv_vault_store(struct cxv_vault *v);
const struct cxv_keyring *cxv_vault_keyring(const struct cxv_vault *v);

/*
 * What the vault's database holds beside the vault (store.h,
 * cxv_store_foreign()) into beside, "" if nothing; otherwise
 * CXV_ERR_CONFLICT with why naming them: serving refuses (issue 27).
 */
int cxv_vault_alone(struct cxv_vault *v, char *beside, size_t cap,
    char *why, size_t whylen);

/*
 * Whether the vault may hold Asterisk records keyed as releases before
 * 0.2 keyed them (uniqueid alone): made before 0.2 (interaction.c).
 */
int cxv_vault_legacy_cdr_keys(const struct cxv_vault *v);
const struct cxv_config *cxv_vault_config(const struct cxv_vault *v);

/*
 * dir/name inside the vault's data directory into out (cap bytes);
 * CXV_ERR_TOO_LARGE if it does not fit.
 */
int cxv_vault_path(const struct cxv_vault *v, const char *name, char *out,
    size_t cap);

/*
 * Run fn(v, arg) inside one write transaction: commit if it returns
 * CXV_OK, else roll back. For an operation and its audit entry.
 */
int cxv_vault_in_txn(struct cxv_vault *v,
    int (*fn)(struct cxv_vault *v, void *arg), void *arg);

/*
 * Record a read of personal data as this vault's actor: in the server's
 * audit journal (journal.h) if the vault has one, else in a transaction
 * of its own (the reads were done in a snapshot, so the write lock is
 * held only for the entry). Returns when the entry is recorded: reveal
 * nothing before, and nothing if it fails. Not inside a transaction.
 */
int cxv_vault_audit_read(struct cxv_vault *v, const char *action,
    const char *object_type, const char *object_id, const char *fields);

/*
 * The server's audit journal for the reads it records; clones made after
 * share it. The journal must outlive v and its clones; NULL: none.
 */
void cxv_vault_set_journal(struct cxv_vault *v, struct cxv_journal *j);

/*
 * Whether erasures leave their keys' removal from the store's files
 * (cxv_store_shred) to the server's shredder instead of waiting for it
 * before they return; clones made after inherit it.
 */
void cxv_vault_set_shred_later(struct cxv_vault *v, int later);
int cxv_vault_shred_later(const struct cxv_vault *v);

/*
 * Move the reads recorded in the audit journal (this process's, or the
 * running server's file) into the trail: before the trail is read,
 * verified or copied. Not inside a transaction.
 */
int cxv_vault_audit_settle(struct cxv_vault *v);

/* The trail with the journal moved in: audit.h's scan and verify. */
int cxv_vault_audit_scan(struct cxv_vault *v, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx);
int cxv_vault_audit_verify(struct cxv_vault *v, int64_t *count /* OUT */,
    int64_t *bad_seq /* OUT */, const char **why /* OUT */);

/* Append an audit entry as this vault's actor (inside a transaction). */
int cxv_vault_audit(struct cxv_vault *v, const char *action,
    const char *object_type, const char *object_id, const char *fields);

/*
 * Record a write of record id as this vault's actor, inside the
 * transaction that made it: in g's pending entries if g is given
 * (cxv_vault_audit_flush() before the commit), else as an entry of its
 * own. action and object_type are string literals.
 */
int cxv_vault_audit_record(struct cxv_vault *v, struct cxv_audit_group *g,
    const char *action, const char *object_type, int64_t id,
    const char *fields);

/* Append g's pending entries (inside the transaction, before commit). */
int cxv_vault_audit_flush(struct cxv_vault *v, struct cxv_audit_group *g);

/*
 * Rotate the master key (R5.5): every subject key and the vault root are
 * re-wrapped in one transaction. A key-file vault gets a new random
 * master.key, the old one kept as master.key.old until the commit; a
 * passphrase vault takes newpass.
 */
int cxv_vault_rotate_keys(struct cxv_vault *v, const char *newpass,
    size_t newlen, char *why, size_t whylen);

struct cxv_vault_stats {
	int schema_version;
	int64_t subjects;
	int64_t interactions;
	int64_t audit_entries;
};

int cxv_vault_stats(struct cxv_vault *v, struct cxv_vault_stats *out /* OUT */);

#endif
