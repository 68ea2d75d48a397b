/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keyring holds the only secrets of the vault (DESIGN 2, R5.5).
 *
 * master key  32 bytes from master.key or Argon2id(passphrase, salt);
 *             never stored in the database. It only wraps keys.
 * vault root  32 random bytes made at init, stored wrapped by the master
 *             key. The blind-index, pseudonym and audit keys are derived
 *             from it, so rotating the master key re-wraps the root and
 *             every index stays valid.
 * subject key 32 random bytes per data subject, stored wrapped by the
 *             master key with the subject id as associated data; seals
 *             that subject's values and content. Destroying the wrapped
 *             key crypto-shreds every copy of the subject's data.
 *
 * All key memory is sodium_malloc'd (locked, guarded) and wiped on free.
 * A keyring is immutable after unlock and may be shared between threads.
 */
#ifndef CXV_KEYRING_H
#define CXV_KEYRING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"

#define CXV_KEY_BYTES		32
#define CXV_HASH_BYTES		32	/* blind index, audit chain */
/* version byte + XChaCha20 nonce + MAC */
#define CXV_SEAL_OVERHEAD	(1 + 24 + 16)
#define CXV_WRAPPED_KEY_BYTES	(CXV_KEY_BYTES + CXV_SEAL_OVERHEAD)
/* "ps:" + 16 hex digits */
#define CXV_PSEUDONYM_LEN	19

struct cxv_keyring;

/*
 * A subject's data key, unwrapped. Lives on the caller's stack for one
 * operation; the caller must cxv_subject_key_wipe() it on every path.
 */
struct cxv_subject_key {
	uint8_t k[CXV_KEY_BYTES];
};

/* Wipe an unwrapped subject key. Accepts NULL. */
void cxv_subject_key_wipe(struct cxv_subject_key *key);

/*
 * A key of its own for one purpose ("content.original"), derived from a
 * subject key by keyed BLAKE2b: gone with the subject key, and what is
 * sealed under it does not open with the subject key itself.
 */
void cxv_subject_key_derive(const struct cxv_subject_key *key,
    const char *purpose, struct cxv_subject_key *out /* OUT */);

/*
 * Master key from the key file at path: it must be a regular file of
 * exactly 32 bytes, not a symlink, with no group/other permission bits.
 * Returns CXV_ERR_NOT_FOUND, CXV_ERR_DENIED (mode), CXV_ERR_CORRUPT (size).
 */
int cxv_keyring_from_file(const char *path, struct cxv_keyring **out /* OUT */);

/* Master key derived with Argon2id from a passphrase and a salt. */
int cxv_keyring_from_passphrase(const char *pass, size_t passlen,
    const uint8_t salt[CXV_SALT_BYTES], struct cxv_keyring **out /* OUT */);

/* A copy in its own locked memory (one per server thread's vault). */
int cxv_keyring_dup(const struct cxv_keyring *kr,
    struct cxv_keyring **out /* OUT */);

/* A new random master key (init, rotation). */
int cxv_keyring_generate(struct cxv_keyring **out /* OUT */);

/* Write the master key to path (mode 0600); refuses to overwrite. */
int cxv_keyring_write_file(const struct cxv_keyring *kr, const char *path);

/* Wipe and free. Accepts NULL. */
void cxv_keyring_free(struct cxv_keyring *kr);

/*
 * Make a new random vault root for a fresh vault and return it wrapped
 * by kr's master key in wrapped[CXV_WRAPPED_KEY_BYTES]. kr is unlocked.
 */
int cxv_keyring_create_root(struct cxv_keyring *kr,
    uint8_t wrapped[CXV_WRAPPED_KEY_BYTES] /* OUT */);

/*
 * Unwrap the stored vault root with kr's master key and derive the
 * working keys. CXV_ERR_WRONG_KEY if the master key does not fit.
 */
int cxv_keyring_unlock(struct cxv_keyring *kr, const uint8_t *wrapped,
    size_t len);

/*
 * Key rotation: give fresh (a new master key, not unlocked) the vault
 * root of the unlocked old, and write the root wrapped by fresh's master.
 */
int cxv_keyring_adopt_root(struct cxv_keyring *fresh,
    const struct cxv_keyring *old,
    uint8_t wrapped[CXV_WRAPPED_KEY_BYTES] /* OUT */);

/* Make a subject key for subject id; returns it and its wrapped form. */
int cxv_keyring_new_subject_key(const struct cxv_keyring *kr, int64_t id,
    struct cxv_subject_key *key /* OUT */,
    uint8_t wrapped[CXV_WRAPPED_KEY_BYTES] /* OUT */);

/* Unwrap subject id's key; CXV_ERR_CRYPTO if it does not authenticate. */
int cxv_keyring_unwrap_subject_key(const struct cxv_keyring *kr, int64_t id,
    const uint8_t *wrapped, size_t len, struct cxv_subject_key *key /* OUT */);

/* Re-wrap subject id's key from old's master key to fresh's. */
int cxv_keyring_rewrap_subject_key(const struct cxv_keyring *old,
    const struct cxv_keyring *fresh, int64_t id, const uint8_t *wrapped,
    size_t len, uint8_t out[CXV_WRAPPED_KEY_BYTES] /* OUT */);

/*
 * Seal mlen bytes under key with associated data ad (the record id, so
 * a sealed value cannot be moved to another record). out has room for
 * mlen + CXV_SEAL_OVERHEAD bytes.
 */
int cxv_seal(const struct cxv_subject_key *key, const char *ad,
    const uint8_t *m, size_t mlen, uint8_t *out /* OUT */);

/*
 * Open a sealed value into out (room for clen - CXV_SEAL_OVERHEAD bytes),
 * setting *mlen. CXV_ERR_CRYPTO on tampering, wrong key or wrong ad.
 */
int cxv_open(const struct cxv_subject_key *key, const char *ad,
    const uint8_t *c, size_t clen, uint8_t *out /* OUT */,
    size_t *mlen /* OUT */);

/*
 * Streamed content (recordings, transcripts): sealed in chunks of
 * CXV_STREAM_CHUNK plaintext bytes (constant memory, any size). Every
 * chunk carries ad; the last is marked final so truncation is caught.
 *
 * Push-style sealing: begin writes the header to out; write takes any
 * amounts; end seals the last chunk, flushes out and gives the
 * plaintext size. Pull-style opening: begin checks the header of in;
 * read gives up to cap authenticated bytes, *got 0 at the (verified)
 * end; CXV_ERR_CRYPTO on tampering, reordering, truncation, trailing
 * bytes, wrong key or wrong ad. A stream is freed with cxv_stream_free()
 * (accepts NULL), which wipes it; the FILE stays the caller's.
 */
#define CXV_STREAM_AD_MAX	64
struct cxv_stream;
int cxv_stream_seal_begin(const struct cxv_subject_key *key, const char *ad,
    FILE *out, struct cxv_stream **s /* OUT */);
int cxv_stream_seal_write(struct cxv_stream *s, const uint8_t *data,
    size_t len);
int cxv_stream_seal_end(struct cxv_stream *s, uint64_t *nbytes /* OUT */);
int cxv_stream_open_begin(const struct cxv_subject_key *key, const char *ad,
    FILE *in, struct cxv_stream **s /* OUT */);
int cxv_stream_open_read(struct cxv_stream *s, uint8_t *buf, size_t cap,
    size_t *got /* OUT */);
void cxv_stream_free(struct cxv_stream *s);

/* The whole of in sealed to out; *nbytes plaintext bytes. */
int cxv_seal_stream(const struct cxv_subject_key *key, const char *ad,
    FILE *in, FILE *out, uint64_t *nbytes /* OUT */);

/*
 * The whole stream in opened to out. out may have received the
 * authenticated chunks before a failing one.
 */
int cxv_open_stream(const struct cxv_subject_key *key, const char *ad,
    FILE *in, FILE *out);

/*
 * Blind index of a normalized identifier of one kind (the kind name
 * keeps equal strings of different kinds apart). Stable for the life
 * of the vault, across master-key rotations.
 */
void cxv_keyring_blind_index(const struct cxv_keyring *kr, const char *kind,
    const char *norm, uint8_t out[CXV_HASH_BYTES] /* OUT */);

/* Pseudonym for logs and statistics: "ps:" + 16 hex digits, NUL-ended. */
void cxv_keyring_pseudonym(const struct cxv_keyring *kr, const char *value,
    char out[CXV_PSEUDONYM_LEN + 1] /* OUT */);

/*
 * Keyed hash of the audit chain: MAC over prev and the n length-prefixed
 * parts. Without the master key nobody can forge a consistent chain.
 */
void cxv_keyring_audit_hash(const struct cxv_keyring *kr,
    const uint8_t prev[CXV_HASH_BYTES], const char *const *parts, size_t n,
    uint8_t out[CXV_HASH_BYTES] /* OUT */);

/*
 * The key of backups and retention archives, derived from the master
 * key (not from the vault root, which lives inside what is backed up):
 * whoever restores needs the master key the data was written with
 * anyway. The caller wipes it like a subject key.
 */
void cxv_keyring_backup_key(const struct cxv_keyring *kr,
    struct cxv_subject_key *out /* OUT */);

#endif
