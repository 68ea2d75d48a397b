/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: cxv_seal/cxv_open and content streams against the same libsodium
 * primitives called directly, in one program (target: >= 70% of raw).
 * Prints one line per measurement: name, MB/s, ratio to raw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "base/err.h"
#include "bench.h"
#include "core/keyring.h"

/* MB/s of n operations on len bytes taking secs. */
static double
mbps(size_t n, size_t len, double secs)
{
	return (double)n * (double)len / secs / 1e6;
}

static void
report(const char *name, double ours, double raw)
{
	printf("%-28s cxvault %9.1f MB/s   raw %9.1f MB/s   ratio %5.1f%%\n",
	    name, ours, raw, 100.0 * ours / raw);
}

static void
bench_values(const struct cxv_subject_key *key, size_t len, size_t n)
{
	uint8_t *m = calloc(1, len), *c = malloc(len + CXV_SEAL_OVERHEAD),
	    *o = malloc(len);
	uint8_t nonce[24];
	unsigned long long clen;
	size_t i, olen;
	double t, seal, rawseal, open, rawopen;
	char name[64];

	t = bench_now();
	for (i = 0; i < n; i++)
		cxv_seal(key, "ident:1234567890:0:abcdef", m, len, c);
	seal = mbps(n, len, bench_now() - t);
	t = bench_now();
	for (i = 0; i < n; i++) {
		randombytes_buf(nonce, sizeof(nonce));
		crypto_aead_xchacha20poly1305_ietf_encrypt(c + 25, &clen, m, len,
		    (const uint8_t *)"ident:1234567890:0:abcdef", 25, NULL,
		    nonce, key->k);
	}
	rawseal = mbps(n, len, bench_now() - t);
	cxv_seal(key, "ad", m, len, c);
	t = bench_now();
	for (i = 0; i < n; i++)
		if (cxv_open(key, "ad", c, len + CXV_SEAL_OVERHEAD, o, &olen))
			abort();
	open = mbps(n, len, bench_now() - t);
	t = bench_now();
	for (i = 0; i < n; i++)
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(o, NULL, NULL,
		    c + 25, len + 16, (const uint8_t *)"ad", 2, c + 1, key->k))
			abort();
	rawopen = mbps(n, len, bench_now() - t);
	snprintf(name, sizeof(name), "seal %zu B", len);
	report(name, seal, rawseal);
	snprintf(name, sizeof(name), "open %zu B", len);
	report(name, open, rawopen);
	free(m);
	free(c);
	free(o);
}

/* Raw secretstream over an in-memory buffer, 64 KiB chunks. */
static double
raw_stream(const uint8_t key[32], const uint8_t *m, size_t len, FILE *out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t *c = malloc(65536 + 17);
	unsigned long long clen;
	size_t off, n;
	double t = bench_now();

	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, key);
	fwrite(hdr, 1, sizeof(hdr), out);
	for (off = 0; off < len; off += n) {
		n = len - off < 65536 ? len - off : 65536;
		crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, m + off,
		    n, (const uint8_t *)"content:1", 9, off + n == len ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		fwrite(c, 1, (size_t)clen, out);
	}
	fflush(out);
	free(c);
	return bench_now() - t;
}

/* Raw secretstream pull over an in-memory sealed stream (cxvault layout). */
static double
raw_pull(const uint8_t key[32], const uint8_t *c, size_t clen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t *m = malloc(65536), tag = 0;
	unsigned long long mlen;
	size_t off = 6 + crypto_secretstream_xchacha20poly1305_HEADERBYTES, n;
	double t = bench_now();

	crypto_secretstream_xchacha20poly1305_init_pull(&st, c + 6, key);
	for (; off < clen; off += n) {
		n = clen - off < 65536 + 17 ? clen - off : 65536 + 17;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, m, &mlen, &tag,
		    c + off, n, (const uint8_t *)"content:1", 9) != 0)
			abort();
	}
	t = bench_now() - t;
	free(m);
	return t;
}

static void
bench_stream(const struct cxv_subject_key *key, size_t len)
{
	uint8_t *m = calloc(1, len);
	char *sealed = NULL;
	size_t slen = 0;
	uint64_t n = 0;
	FILE *in = fmemopen(m, len, "rb"), *out = fopen("/dev/null", "wb");
	FILE *mem = open_memstream(&sealed, &slen);
	double t, ours, raw;

	/* Fault every page in first, so neither side pays for it. */
	memset(m, 0x5a, len);
	t = bench_now();
	if (cxv_seal_stream(key, "content:1", in, out, &n) != CXV_OK)
		abort();
	ours = mbps(1, len, bench_now() - t);
	raw = mbps(1, len, raw_stream(key->k, m, len, out));
	report("seal stream 256 MiB", ours, raw);
	rewind(in);
	if (cxv_seal_stream(key, "content:1", in, mem, &n) != CXV_OK)
		abort();
	fclose(mem);
	fclose(in);
	in = fmemopen(sealed, slen, "rb");
	t = bench_now();
	if (cxv_open_stream(key, "content:1", in, out) != CXV_OK)
		abort();
	ours = mbps(1, len, bench_now() - t);
	raw = mbps(1, len, raw_pull(key->k, (const uint8_t *)sealed, slen));
	report("open stream 256 MiB", ours, raw);
	fclose(in);
	fclose(out);
	free(sealed);
	free(m);
}

int
main(void)
{
	struct cxv_keyring *kr = NULL;
	struct cxv_subject_key key;
	uint8_t w[CXV_WRAPPED_KEY_BYTES];

	if (sodium_init() < 0 || cxv_keyring_generate(&kr) != CXV_OK ||
	    cxv_keyring_create_root(kr, w) != CXV_OK ||
	    cxv_keyring_new_subject_key(kr, 1, &key, w) != CXV_OK)
		return 1;
	bench_values(&key, 32, 2000000);
	bench_values(&key, 4096, 200000);
	bench_stream(&key, (size_t)256 << 20);
	cxv_subject_key_wipe(&key);
	cxv_keyring_free(kr);
	return 0;
}
