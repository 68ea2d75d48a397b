/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys, sealing and keyed hashes (libsodium); see keyring.h for the key
 * hierarchy. This is the only module that sees key bytes.
 */
#include "keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "caps.h"
#include "util.h"

#define SEAL_VERSION	1
#define NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define STREAM_MAGIC	"CXVS1\n"
#define STREAM_MAGIC_LEN	6

/* Sub-key ids for crypto_kdf: never reuse or renumber. */
enum { KDF_BLIND_INDEX = 1, KDF_PSEUDONYM = 2, KDF_AUDIT = 3 };
static const char kdf_ctx[crypto_kdf_CONTEXTBYTES] = { 'c', 'x', 'v', 'a',
    'u', 'l', 't', '1' };

_Static_assert(crypto_kdf_KEYBYTES == CXV_KEY_BYTES, "kdf key size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == CXV_KEY_BYTES,
    "aead key size");
_Static_assert(CXV_SEAL_OVERHEAD == 1 + NONCE_BYTES +
    crypto_aead_xchacha20poly1305_ietf_ABYTES, "seal overhead");

struct cxv_keyring {
	uint8_t master[CXV_KEY_BYTES];
	int unlocked;
	uint8_t root[CXV_KEY_BYTES];
	uint8_t k_index[CXV_KEY_BYTES];
	uint8_t k_pseudonym[CXV_KEY_BYTES];
	uint8_t k_audit[CXV_KEY_BYTES];
};

void
cxv_subject_key_wipe(struct cxv_subject_key *key)
{
	if (key != NULL)
		sodium_memzero(key, sizeof(*key));
}

static int
keyring_new(struct cxv_keyring **out)
{
	struct cxv_keyring *kr;

	*out = NULL;
	if (sodium_init() < 0)
		return CXV_ERR_INTERNAL;
	/* Guarded, mlock'd, zero-filled on free by libsodium. */
	if ((kr = sodium_malloc(sizeof(*kr))) == NULL)
		return CXV_ERR_NOMEM;
	sodium_memzero(kr, sizeof(*kr));
	*out = kr;
	return CXV_OK;
}

void
cxv_keyring_free(struct cxv_keyring *kr)
{
	sodium_free(kr);
}

int
cxv_keyring_generate(struct cxv_keyring **out)
{
	int r;

	if ((r = keyring_new(out)) != CXV_OK)
		return r;
	randombytes_buf((*out)->master, CXV_KEY_BYTES);
	return CXV_OK;
}

static int
read_key_fd(int fd, uint8_t key[CXV_KEY_BYTES])
{
	struct stat st;
	uint8_t extra;
	ssize_t n;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return CXV_ERR_CORRUPT;
	if ((st.st_mode & 077) != 0)
		return CXV_ERR_DENIED;
	if (st.st_size != CXV_KEY_BYTES)
		return CXV_ERR_CORRUPT;
	do {
		n = read(fd, key, CXV_KEY_BYTES);
	} while (n < 0 && errno == EINTR);
	if (n != CXV_KEY_BYTES || read(fd, &extra, 1) != 0)
		return CXV_ERR_CORRUPT;
	return CXV_OK;
}

int
cxv_keyring_from_file(const char *path, struct cxv_keyring **out)
{
	struct cxv_keyring *kr = NULL;
	int fd, r;

	*out = NULL;
	if ((r = keyring_new(&kr)) != CXV_OK)
		return r;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		r = errno == ENOENT ? CXV_ERR_NOT_FOUND :
		    errno == EACCES ? CXV_ERR_DENIED : CXV_ERR_CORRUPT;
		cxv_keyring_free(kr);
		return r;
	}
	r = read_key_fd(fd, kr->master);
	close(fd);
	if (r != CXV_OK) {
		cxv_keyring_free(kr);
		return r;
	}
	*out = kr;
	return CXV_OK;
}

int
cxv_keyring_from_passphrase(const char *pass, size_t passlen,
    const uint8_t salt[CXV_SALT_BYTES], struct cxv_keyring **out)
{
	struct cxv_keyring *kr = NULL;
	int r;

	_Static_assert(crypto_pwhash_SALTBYTES == CXV_SALT_BYTES, "salt");
	*out = NULL;
	if (passlen > CXV_PASSPHRASE_MAX)
		return CXV_ERR_TOO_LARGE;
	if ((r = keyring_new(&kr)) != CXV_OK)
		return r;
	if (crypto_pwhash(kr->master, CXV_KEY_BYTES, pass, passlen, salt,
	    crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		cxv_keyring_free(kr);
		return CXV_ERR_NOMEM;
	}
	*out = kr;
	return CXV_OK;
}

int
cxv_keyring_write_file(const struct cxv_keyring *kr, const char *path)
{
	return cxv_write_file_atomic(path, kr->master, CXV_KEY_BYTES, 0600, 0);
}

/* Seal with a raw key; the shared core of key wrapping and value sealing. */
static int
seal_raw(const uint8_t key[CXV_KEY_BYTES], const char *ad, const uint8_t *m,
    size_t mlen, uint8_t *out)
{
	uint8_t *nonce = out + 1;

	out[0] = SEAL_VERSION;
	randombytes_buf(nonce, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + NONCE_BYTES, NULL,
	    m, mlen, (const uint8_t *)ad, strlen(ad), NULL, nonce, key);
	return CXV_OK;
}

static int
open_raw(const uint8_t key[CXV_KEY_BYTES], const char *ad, const uint8_t *c,
    size_t clen, uint8_t *out, size_t *mlen)
{
	unsigned long long n = 0;

	*mlen = 0;
	if (clen < CXV_SEAL_OVERHEAD || c[0] != SEAL_VERSION)
		return CXV_ERR_CRYPTO;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &n, NULL,
	    c + 1 + NONCE_BYTES, clen - 1 - NONCE_BYTES, (const uint8_t *)ad,
	    strlen(ad), c + 1, key) != 0)
		return CXV_ERR_CRYPTO;
	*mlen = (size_t)n;
	return CXV_OK;
}

static void
derive_working_keys(struct cxv_keyring *kr)
{
	crypto_kdf_derive_from_key(kr->k_index, CXV_KEY_BYTES, KDF_BLIND_INDEX,
	    kdf_ctx, kr->root);
	crypto_kdf_derive_from_key(kr->k_pseudonym, CXV_KEY_BYTES,
	    KDF_PSEUDONYM, kdf_ctx, kr->root);
	crypto_kdf_derive_from_key(kr->k_audit, CXV_KEY_BYTES, KDF_AUDIT,
	    kdf_ctx, kr->root);
	kr->unlocked = 1;
}

#define ROOT_AD	"cxvault:vault-root"

int
cxv_keyring_create_root(struct cxv_keyring *kr,
    uint8_t wrapped[CXV_WRAPPED_KEY_BYTES])
{
	randombytes_buf(kr->root, CXV_KEY_BYTES);
	derive_working_keys(kr);
	return seal_raw(kr->master, ROOT_AD, kr->root, CXV_KEY_BYTES, wrapped);
}

int
cxv_keyring_unlock(struct cxv_keyring *kr, const uint8_t *wrapped, size_t len)
{
	size_t n = 0;

	if (len != CXV_WRAPPED_KEY_BYTES)
		return CXV_ERR_CORRUPT;
	if (open_raw(kr->master, ROOT_AD, wrapped, len, kr->root, &n) != CXV_OK)
		return CXV_ERR_WRONG_KEY;
	derive_working_keys(kr);
	return CXV_OK;
}

int
cxv_keyring_adopt_root(struct cxv_keyring *fresh, const struct cxv_keyring *old,
    uint8_t wrapped[CXV_WRAPPED_KEY_BYTES])
{
	if (!old->unlocked)
		return CXV_ERR_INTERNAL;
	memcpy(fresh->root, old->root, CXV_KEY_BYTES);
	derive_working_keys(fresh);
	return seal_raw(fresh->master, ROOT_AD, fresh->root, CXV_KEY_BYTES,
	    wrapped);
}

/* Associated data binding a wrapped subject key to its subject id. */
static void
subject_ad(int64_t id, char ad[48])
{
	snprintf(ad, 48, "cxvault:subject-key:%lld", (long long)id);
}

int
cxv_keyring_new_subject_key(const struct cxv_keyring *kr, int64_t id,
    struct cxv_subject_key *key, uint8_t wrapped[CXV_WRAPPED_KEY_BYTES])
{
	char ad[48];

	randombytes_buf(key->k, CXV_KEY_BYTES);
	subject_ad(id, ad);
	return seal_raw(kr->master, ad, key->k, CXV_KEY_BYTES, wrapped);
}

int
cxv_keyring_unwrap_subject_key(const struct cxv_keyring *kr, int64_t id,
    const uint8_t *wrapped, size_t len, struct cxv_subject_key *key)
{
	char ad[48];
	size_t n = 0;
	int r;

	if (len != CXV_WRAPPED_KEY_BYTES)
		return CXV_ERR_CORRUPT;
	subject_ad(id, ad);
	if ((r = open_raw(kr->master, ad, wrapped, len, key->k, &n)) != CXV_OK)
		cxv_subject_key_wipe(key);
	return r;
}

int
cxv_keyring_rewrap_subject_key(const struct cxv_keyring *old,
    const struct cxv_keyring *fresh, int64_t id, const uint8_t *wrapped,
    size_t len, uint8_t out[CXV_WRAPPED_KEY_BYTES])
{
	struct cxv_subject_key key;
	char ad[48];
	int r;

	if ((r = cxv_keyring_unwrap_subject_key(old, id, wrapped, len, &key))
	    != CXV_OK)
		return r;
	subject_ad(id, ad);
	r = seal_raw(fresh->master, ad, key.k, CXV_KEY_BYTES, out);
	cxv_subject_key_wipe(&key);
	return r;
}

int
cxv_seal(const struct cxv_subject_key *key, const char *ad, const uint8_t *m,
    size_t mlen, uint8_t *out)
{
	return seal_raw(key->k, ad, m, mlen, out);
}

int
cxv_open(const struct cxv_subject_key *key, const char *ad, const uint8_t *c,
    size_t clen, uint8_t *out, size_t *mlen)
{
	return open_raw(key->k, ad, c, clen, out, mlen);
}

/* Fill buf with up to cap bytes from in; short only at EOF. */
static int
read_full(FILE *in, uint8_t *buf, size_t cap, size_t *got)
{
	*got = fread(buf, 1, cap, in);
	return ferror(in) ? CXV_ERR_IO : CXV_OK;
}

#define CHUNK_SEALED	(CXV_STREAM_CHUNK + \
    crypto_secretstream_xchacha20poly1305_ABYTES)

int
cxv_seal_stream(const struct cxv_subject_key *key, const char *ad, FILE *in,
    FILE *out, uint64_t *nbytes)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t *m = NULL, *c = NULL;
	size_t got = 0;
	unsigned long long clen;
	uint8_t tag;
	int r = CXV_ERR_NOMEM;

	*nbytes = 0;
	if ((m = sodium_malloc(CXV_STREAM_CHUNK)) == NULL ||
	    (c = malloc(CHUNK_SEALED)) == NULL)
		goto out;
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, key->k);
	r = CXV_ERR_IO;
	if (fwrite(STREAM_MAGIC, 1, STREAM_MAGIC_LEN, out) != STREAM_MAGIC_LEN ||
	    fwrite(hdr, 1, sizeof(hdr), out) != sizeof(hdr))
		goto out;
	do {
		if ((r = read_full(in, m, CXV_STREAM_CHUNK, &got)) != CXV_OK)
			goto out;
		*nbytes += got;
		/* A short chunk is the last; an exact multiple ends empty. */
		tag = got < CXV_STREAM_CHUNK ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
		crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, m,
		    got, (const uint8_t *)ad, strlen(ad), tag);
		if (fwrite(c, 1, (size_t)clen, out) != (size_t)clen) {
			r = CXV_ERR_IO;
			goto out;
		}
	} while (got == CXV_STREAM_CHUNK);
	r = fflush(out) == 0 ? CXV_OK : CXV_ERR_IO;
 out:
	sodium_memzero(&st, sizeof(st));
	sodium_free(m);
	free(c);
	return r;
}

static int
open_stream_header(const struct cxv_subject_key *key, FILE *in,
    crypto_secretstream_xchacha20poly1305_state *st)
{
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	char magic[STREAM_MAGIC_LEN];

	if (fread(magic, 1, sizeof(magic), in) != sizeof(magic) ||
	    memcmp(magic, STREAM_MAGIC, sizeof(magic)) != 0 ||
	    fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr))
		return CXV_ERR_CRYPTO;
	if (crypto_secretstream_xchacha20poly1305_init_pull(st, hdr, key->k)
	    != 0)
		return CXV_ERR_CRYPTO;
	return CXV_OK;
}

int
cxv_open_stream(const struct cxv_subject_key *key, const char *ad, FILE *in,
    FILE *out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t *m = NULL, *c = NULL;
	unsigned long long mlen;
	size_t got = 0;
	uint8_t tag = 0;
	int r = CXV_ERR_NOMEM;

	if ((m = sodium_malloc(CXV_STREAM_CHUNK)) == NULL ||
	    (c = malloc(CHUNK_SEALED)) == NULL)
		goto out;
	if ((r = open_stream_header(key, in, &st)) != CXV_OK)
		goto out;
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		if ((r = read_full(in, c, CHUNK_SEALED, &got)) != CXV_OK)
			goto out;
		r = CXV_ERR_CRYPTO;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, m, &mlen,
		    &tag, c, got, (const uint8_t *)ad, strlen(ad)) != 0)
			goto out;
		/* Only the last chunk may be short. */
		if (got < CHUNK_SEALED &&
		    tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			goto out;
		if (fwrite(m, 1, (size_t)mlen, out) != (size_t)mlen) {
			r = CXV_ERR_IO;
			goto out;
		}
	}
	r = fgetc(in) == EOF ? CXV_OK : CXV_ERR_CRYPTO;
	if (r == CXV_OK && fflush(out) != 0)
		r = CXV_ERR_IO;
 out:
	sodium_memzero(&st, sizeof(st));
	sodium_free(m);
	free(c);
	return r;
}

void
cxv_keyring_blind_index(const struct cxv_keyring *kr, const char *kind,
    const char *norm, uint8_t out[CXV_HASH_BYTES])
{
	crypto_generichash_state h;

	/* kind\0norm: the NUL keeps "a"+"bc" apart from "ab"+"c". */
	crypto_generichash_init(&h, kr->k_index, CXV_KEY_BYTES, CXV_HASH_BYTES);
	crypto_generichash_update(&h, (const uint8_t *)kind, strlen(kind) + 1);
	crypto_generichash_update(&h, (const uint8_t *)norm, strlen(norm));
	crypto_generichash_final(&h, out, CXV_HASH_BYTES);
	sodium_memzero(&h, sizeof(h));
}

void
cxv_keyring_pseudonym(const struct cxv_keyring *kr, const char *value,
    char out[CXV_PSEUDONYM_LEN + 1])
{
	uint8_t h[8];

	crypto_generichash(h, sizeof(h), (const uint8_t *)value, strlen(value),
	    kr->k_pseudonym, CXV_KEY_BYTES);
	out[0] = 'p';
	out[1] = 's';
	out[2] = ':';
	cxv_hex(h, sizeof(h), out + 3);
}

void
cxv_keyring_audit_hash(const struct cxv_keyring *kr,
    const uint8_t prev[CXV_HASH_BYTES], const char *const *parts, size_t n,
    uint8_t out[CXV_HASH_BYTES])
{
	crypto_generichash_state h;
	uint8_t len[8];
	uint64_t l;
	size_t i, j;

	crypto_generichash_init(&h, kr->k_audit, CXV_KEY_BYTES, CXV_HASH_BYTES);
	crypto_generichash_update(&h, prev, CXV_HASH_BYTES);
	for (i = 0; i < n; i++) {
		l = strlen(parts[i]);
		for (j = 0; j < 8; j++)
			len[j] = (uint8_t)(l >> (8 * j));
		crypto_generichash_update(&h, len, sizeof(len));
		crypto_generichash_update(&h, (const uint8_t *)parts[i], l);
	}
	crypto_generichash_final(&h, out, CXV_HASH_BYTES);
}
