/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys, sealing and keyed hashes (libsodium); see keyring.h for the key
 * hierarchy. This is the only module that sees key bytes.
 */
#include "core/keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"

#define SEAL_VERSION	1
#define NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define STREAM_MAGIC	"CXVS1\n"
#define STREAM_MAGIC_LEN	6

/* Sub-key ids for crypto_kdf: never reuse or renumber. */
enum { KDF_BLIND_INDEX = 1, KDF_PSEUDONYM = 2, KDF_AUDIT = 3, KDF_BACKUP = 4 };
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

void
cxv_subject_key_derive(const struct cxv_subject_key *key, const char *purpose,
    struct cxv_subject_key *out)
{
	crypto_generichash(out->k, sizeof(out->k), (const uint8_t *)purpose,
	    strlen(purpose), key->k, sizeof(key->k));
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
cxv_keyring_dup(const struct cxv_keyring *kr, struct cxv_keyring **out)
{
	int r;

	if ((r = keyring_new(out)) != CXV_OK)
		return r;
	memcpy(*out, kr, sizeof(*kr));
	return CXV_OK;
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
	(void)cxv_fmt_int(ad, 48, "cxvault:subject-key:", id);
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

/*
 * A stream in either direction: the secretstream state, one chunk of
 * plaintext (locked memory) and one of ciphertext.
 */
struct cxv_stream {
	crypto_secretstream_xchacha20poly1305_state st;
	FILE *f;
	char ad[CXV_STREAM_AD_MAX];
	uint8_t *m, *c;
	size_t mlen, mpos;	/* plaintext held; read position */
	uint64_t total;
	int final, failed;
};

static int
stream_new(FILE *f, const char *ad, struct cxv_stream **out)
{
	struct cxv_stream *s;

	*out = NULL;
	if (strlen(ad) >= CXV_STREAM_AD_MAX)
		return CXV_ERR_TOO_LARGE;
	if ((s = sodium_malloc(sizeof(*s))) == NULL)
		return CXV_ERR_NOMEM;
	memset(s, 0, sizeof(*s));
	if ((s->m = sodium_malloc(CXV_STREAM_CHUNK)) == NULL ||
	    (s->c = malloc(CHUNK_SEALED)) == NULL) {
		cxv_stream_free(s);
		return CXV_ERR_NOMEM;
	}
	s->f = f;
	memcpy(s->ad, ad, strlen(ad) + 1);
	*out = s;
	return CXV_OK;
}

void
cxv_stream_free(struct cxv_stream *s)
{
	if (s == NULL)
		return;
	sodium_free(s->m);
	free(s->c);
	sodium_free(s);		/* wipes the state */
}

int
cxv_stream_seal_begin(const struct cxv_subject_key *key, const char *ad,
    FILE *out, struct cxv_stream **s)
{
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	int r;

	if ((r = stream_new(out, ad, s)) != CXV_OK)
		return r;
	crypto_secretstream_xchacha20poly1305_init_push(&(*s)->st, hdr, key->k);
	if (fwrite(STREAM_MAGIC, 1, STREAM_MAGIC_LEN, out) != STREAM_MAGIC_LEN ||
	    fwrite(hdr, 1, sizeof(hdr), out) != sizeof(hdr)) {
		cxv_stream_free(*s);
		*s = NULL;
		return CXV_ERR_IO;
	}
	return CXV_OK;
}

/* Seal and write the chunk held; tag FINAL for the last one. */
static int
push_chunk(struct cxv_stream *s, uint8_t tag)
{
	unsigned long long clen;

	crypto_secretstream_xchacha20poly1305_push(&s->st, s->c, &clen, s->m,
	    s->mlen, (const uint8_t *)s->ad, strlen(s->ad), tag);
	sodium_memzero(s->m, s->mlen);
	s->mlen = 0;
	if (fwrite(s->c, 1, (size_t)clen, s->f) != (size_t)clen)
		return s->failed = 1, CXV_ERR_IO;
	return CXV_OK;
}

int
cxv_stream_seal_write(struct cxv_stream *s, const uint8_t *data, size_t len)
{
	size_t n;
	int r;

	if (s->failed || s->final)
		return CXV_ERR_INTERNAL;
	while (len > 0) {
		/* A full chunk is sealed only once more data shows it is not
		 * the last: a short chunk is the last, a multiple ends empty. */
		if (s->mlen == CXV_STREAM_CHUNK && (r = push_chunk(s, 0)) !=
		    CXV_OK)
			return r;
		n = CXV_STREAM_CHUNK - s->mlen < len ?
		    CXV_STREAM_CHUNK - s->mlen : len;
		memcpy(s->m + s->mlen, data, n);
		s->mlen += n;
		s->total += n;
		data += n;
		len -= n;
	}
	return CXV_OK;
}

int
cxv_stream_seal_end(struct cxv_stream *s, uint64_t *nbytes)
{
	int r;

	if (s->failed || s->final)
		return CXV_ERR_INTERNAL;
	if (s->mlen == CXV_STREAM_CHUNK && (r = push_chunk(s, 0)) != CXV_OK)
		return r;
	if ((r = push_chunk(s,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL)) != CXV_OK)
		return r;
	s->final = 1;
	*nbytes = s->total;
	return fflush(s->f) == 0 ? CXV_OK : CXV_ERR_IO;
}

int
cxv_seal_stream(const struct cxv_subject_key *key, const char *ad, FILE *in,
    FILE *out, uint64_t *nbytes)
{
	struct cxv_stream *s = NULL;
	uint8_t *buf = NULL;
	size_t got = 0;
	int r;

	*nbytes = 0;
	if ((buf = sodium_malloc(CXV_STREAM_CHUNK)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_stream_seal_begin(key, ad, out, &s)) == CXV_OK) {
		do {
			if ((r = read_full(in, buf, CXV_STREAM_CHUNK, &got)) ==
			    CXV_OK)
				r = cxv_stream_seal_write(s, buf, got);
		} while (r == CXV_OK && got == CXV_STREAM_CHUNK);
		if (r == CXV_OK)
			r = cxv_stream_seal_end(s, nbytes);
	}
	cxv_stream_free(s);
	sodium_free(buf);
	return r;
}

int
cxv_stream_open_begin(const struct cxv_subject_key *key, const char *ad,
    FILE *in, struct cxv_stream **s)
{
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	char magic[STREAM_MAGIC_LEN];
	int r;

	if ((r = stream_new(in, ad, s)) != CXV_OK)
		return r;
	if (fread(magic, 1, sizeof(magic), in) != sizeof(magic) ||
	    memcmp(magic, STREAM_MAGIC, sizeof(magic)) != 0 ||
	    fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr) ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&(*s)->st, hdr,
	    key->k) != 0) {
		cxv_stream_free(*s);
		*s = NULL;
		return CXV_ERR_CRYPTO;
	}
	return CXV_OK;
}

/* Read and authenticate the next chunk into s->m. */
static int
pull_chunk(struct cxv_stream *s)
{
	unsigned long long mlen;
	size_t got = 0;
	uint8_t tag = 0;
	int r;

	if ((r = read_full(s->f, s->c, CHUNK_SEALED, &got)) != CXV_OK)
		return r;
	if (crypto_secretstream_xchacha20poly1305_pull(&s->st, s->m, &mlen,
	    &tag, s->c, got, (const uint8_t *)s->ad, strlen(s->ad)) != 0)
		return CXV_ERR_CRYPTO;
	s->final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	/* Only the last chunk may be short, and nothing may follow it. */
	if ((got < CHUNK_SEALED && !s->final) ||
	    (s->final && fgetc(s->f) != EOF))
		return CXV_ERR_CRYPTO;
	s->mlen = (size_t)mlen;
	s->mpos = 0;
	return CXV_OK;
}

int
cxv_stream_open_read(struct cxv_stream *s, uint8_t *buf, size_t cap,
    size_t *got)
{
	size_t n;
	int r;

	*got = 0;
	if (s->failed)
		return CXV_ERR_CRYPTO;
	while (s->mpos == s->mlen && !s->final)
		if ((r = pull_chunk(s)) != CXV_OK) {
			s->failed = 1;
			sodium_memzero(s->m, CXV_STREAM_CHUNK);
			return r;
		}
	n = s->mlen - s->mpos < cap ? s->mlen - s->mpos : cap;
	memcpy(buf, s->m + s->mpos, n);
	s->mpos += n;
	*got = n;
	return CXV_OK;
}

int
cxv_open_stream(const struct cxv_subject_key *key, const char *ad, FILE *in,
    FILE *out)
{
	struct cxv_stream *s = NULL;
	uint8_t *buf = NULL;
	size_t got = 0;
	int r;

	if ((buf = sodium_malloc(CXV_STREAM_CHUNK)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_stream_open_begin(key, ad, in, &s)) == CXV_OK)
		do {
			if ((r = cxv_stream_open_read(s, buf, CXV_STREAM_CHUNK,
			    &got)) == CXV_OK && got > 0 &&
			    fwrite(buf, 1, got, out) != got)
				r = CXV_ERR_IO;
		} while (r == CXV_OK && got > 0);
	if (r == CXV_OK && fflush(out) != 0)
		r = CXV_ERR_IO;
	cxv_stream_free(s);
	sodium_free(buf);
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

void
cxv_keyring_backup_key(const struct cxv_keyring *kr,
    struct cxv_subject_key *out)
{
	crypto_kdf_derive_from_key(out->k, CXV_KEY_BYTES, KDF_BACKUP, kdf_ctx,
	    kr->master);
}
