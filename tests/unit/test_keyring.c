/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the keyring: sealing, streams, blind index, rotation (R5.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "core/keyring.h"

struct fixture {
	struct cxv_keyring *kr;
	uint8_t root[CXV_WRAPPED_KEY_BYTES];
	struct cxv_subject_key key;
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(cxv_keyring_generate(&f->kr), CXV_OK);
	assert_int_equal(cxv_keyring_create_root(f->kr, f->root), CXV_OK);
	assert_int_equal(cxv_keyring_new_subject_key(f->kr, 42, &f->key,
	    f->wrapped), CXV_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	cxv_keyring_free(f->kr);
	free(f);
	return 0;
}

/* DESIGN 2: seal/open round trip with the record id as AD. */
static void
test_seal_open(void **state)
{
	struct fixture *f = *state;
	const char *msg = "+4930123456789";
	uint8_t c[64], m[64];
	size_t n = 0;

	assert_int_equal(cxv_seal(&f->key, "ident:42:0", (const uint8_t *)msg,
	    strlen(msg), c), CXV_OK);
	assert_null(memmem(c, strlen(msg) + CXV_SEAL_OVERHEAD, msg, strlen(msg)));
	assert_int_equal(cxv_open(&f->key, "ident:42:0", c,
	    strlen(msg) + CXV_SEAL_OVERHEAD, m, &n), CXV_OK);
	assert_int_equal(n, strlen(msg));
	assert_memory_equal(m, msg, n);
}

/* Flipping any bit of a sealed value, or cutting it, fails to open. */
static void
test_tamper(void **state)
{
	struct fixture *f = *state;
	uint8_t c[64], m[64];
	size_t len = 5 + CXV_SEAL_OVERHEAD, i, n;

	assert_int_equal(cxv_seal(&f->key, "ad", (const uint8_t *)"hello", 5, c),
	    CXV_OK);
	for (i = 0; i < len; i++) {
		c[i] ^= 0x01;
		assert_int_equal(cxv_open(&f->key, "ad", c, len, m, &n),
		    CXV_ERR_CRYPTO);
		c[i] ^= 0x01;
	}
	assert_int_equal(cxv_open(&f->key, "ad", c, len - 1, m, &n),
	    CXV_ERR_CRYPTO);
	assert_int_equal(cxv_open(&f->key, "ad", c, 3, m, &n), CXV_ERR_CRYPTO);
	assert_int_equal(cxv_open(&f->key, "ad", c, len, m, &n), CXV_OK);
}

/* A sealed value moved to another record (other AD) does not open. */
static void
test_wrong_ad_and_key(void **state)
{
	struct fixture *f = *state;
	struct cxv_subject_key other;
	uint8_t c[64], m[64], w[CXV_WRAPPED_KEY_BYTES];
	size_t n;

	assert_int_equal(cxv_seal(&f->key, "ident:42:1", (const uint8_t *)"x", 1,
	    c), CXV_OK);
	assert_int_equal(cxv_open(&f->key, "ident:43:1", c,
	    1 + CXV_SEAL_OVERHEAD, m, &n), CXV_ERR_CRYPTO);
	assert_int_equal(cxv_keyring_new_subject_key(f->kr, 43, &other, w),
	    CXV_OK);
	assert_int_equal(cxv_open(&other, "ident:42:1", c,
	    1 + CXV_SEAL_OVERHEAD, m, &n), CXV_ERR_CRYPTO);
	cxv_subject_key_wipe(&other);
}

/* A wrapped subject key opens only for its own subject id and master. */
static void
test_subject_key_wrap(void **state)
{
	struct fixture *f = *state;
	struct cxv_subject_key k;
	struct cxv_keyring *other = NULL;

	assert_int_equal(cxv_keyring_unwrap_subject_key(f->kr, 42, f->wrapped,
	    sizeof(f->wrapped), &k), CXV_OK);
	assert_memory_equal(k.k, f->key.k, CXV_KEY_BYTES);
	assert_int_equal(cxv_keyring_unwrap_subject_key(f->kr, 41, f->wrapped,
	    sizeof(f->wrapped), &k), CXV_ERR_CRYPTO);
	assert_int_equal(cxv_keyring_unwrap_subject_key(f->kr, 42, f->wrapped,
	    sizeof(f->wrapped) - 1, &k), CXV_ERR_CORRUPT);
	assert_int_equal(cxv_keyring_generate(&other), CXV_OK);
	assert_int_equal(cxv_keyring_unwrap_subject_key(other, 42, f->wrapped,
	    sizeof(f->wrapped), &k), CXV_ERR_CRYPTO);
	assert_int_equal(cxv_keyring_unlock(other, f->root, sizeof(f->root)),
	    CXV_ERR_WRONG_KEY);
	cxv_keyring_free(other);
	cxv_subject_key_wipe(&k);
}

/* Blind index: stable, keyed, kind-separated. */
static void
test_blind_index(void **state)
{
	struct fixture *f = *state;
	struct cxv_keyring *other = NULL;
	uint8_t a[CXV_HASH_BYTES], b[CXV_HASH_BYTES], o[CXV_HASH_BYTES];

	cxv_keyring_blind_index(f->kr, "phone", "+4930123456789", a);
	cxv_keyring_blind_index(f->kr, "phone", "+4930123456789", b);
	assert_memory_equal(a, b, sizeof(a));
	cxv_keyring_blind_index(f->kr, "account", "+4930123456789", b);
	assert_memory_not_equal(a, b, sizeof(a));
	cxv_keyring_blind_index(f->kr, "phon", "e+4930123456789", b);
	assert_memory_not_equal(a, b, sizeof(a));
	/* Another vault (other root) indexes the same number differently. */
	assert_int_equal(cxv_keyring_generate(&other), CXV_OK);
	assert_int_equal(cxv_keyring_create_root(other, f->root), CXV_OK);
	cxv_keyring_blind_index(other, "phone", "+4930123456789", o);
	assert_memory_not_equal(a, o, sizeof(a));
	cxv_keyring_free(other);
}

/* R5.5: rotation re-wraps; indexes and subject keys survive it. */
static void
test_rotation(void **state)
{
	struct fixture *f = *state;
	struct cxv_keyring *fresh = NULL, *reopened = NULL;
	uint8_t root2[CXV_WRAPPED_KEY_BYTES], w2[CXV_WRAPPED_KEY_BYTES];
	uint8_t a[CXV_HASH_BYTES], b[CXV_HASH_BYTES];
	struct cxv_subject_key k;
	char p1[CXV_PSEUDONYM_LEN + 1], p2[CXV_PSEUDONYM_LEN + 1];

	assert_int_equal(cxv_keyring_generate(&fresh), CXV_OK);
	assert_int_equal(cxv_keyring_adopt_root(fresh, f->kr, root2), CXV_OK);
	assert_int_equal(cxv_keyring_rewrap_subject_key(f->kr, fresh, 42,
	    f->wrapped, sizeof(f->wrapped), w2), CXV_OK);
	/* The old master no longer opens the new wrapping... */
	assert_int_equal(cxv_keyring_unwrap_subject_key(f->kr, 42, w2,
	    sizeof(w2), &k), CXV_ERR_CRYPTO);
	assert_int_equal(cxv_keyring_unlock(f->kr, root2, sizeof(root2)),
	    CXV_ERR_WRONG_KEY);
	/* ...the new one does, and yields the same subject key. */
	assert_int_equal(cxv_keyring_unwrap_subject_key(fresh, 42, w2,
	    sizeof(w2), &k), CXV_OK);
	assert_memory_equal(k.k, f->key.k, CXV_KEY_BYTES);
	cxv_keyring_blind_index(f->kr, "email", "a@b.c", a);
	cxv_keyring_blind_index(fresh, "email", "a@b.c", b);
	assert_memory_equal(a, b, sizeof(a));
	cxv_keyring_pseudonym(f->kr, "a@b.c", p1);
	cxv_keyring_pseudonym(fresh, "a@b.c", p2);
	assert_string_equal(p1, p2);
	assert_int_equal(strlen(p1), CXV_PSEUDONYM_LEN);
	assert_int_equal(strncmp(p1, "ps:", 3), 0);
	cxv_keyring_free(fresh);
	cxv_keyring_free(reopened);
	cxv_subject_key_wipe(&k);
}

static FILE *
stream_of(const uint8_t *data, size_t len)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	rewind(f);
	return f;
}

static size_t
file_size(FILE *f)
{
	long n;

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	return (size_t)n;
}

/* Seal a stream of len bytes and check it opens to the same bytes. */
static void
stream_round_trip(const struct cxv_subject_key *key, size_t len)
{
	uint8_t *data = malloc(len + 1), *back = malloc(len + 1);
	FILE *in, *sealed = tmpfile(), *out = tmpfile();
	uint64_t n = 0;

	assert_non_null(data);
	assert_non_null(back);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	in = stream_of(data, len);
	assert_int_equal(cxv_seal_stream(key, "content:9", in, sealed, &n),
	    CXV_OK);
	assert_int_equal(n, len);
	rewind(sealed);
	assert_int_equal(cxv_open_stream(key, "content:9", sealed, out), CXV_OK);
	assert_int_equal(file_size(out), len);
	assert_int_equal(fread(back, 1, len, out), len);
	assert_memory_equal(back, data, len);
	fclose(in);
	fclose(sealed);
	fclose(out);
	free(data);
	free(back);
}

/* Streams of every shape: empty, short, exact chunks, several chunks. */
static void
test_stream_sizes(void **state)
{
	struct fixture *f = *state;

	stream_round_trip(&f->key, 0);
	stream_round_trip(&f->key, 1);
	stream_round_trip(&f->key, 65536);
	stream_round_trip(&f->key, 65537);
	stream_round_trip(&f->key, 3 * 65536 + 100);
}

/* Open a sealed stream after edit(); expect CXV_ERR_CRYPTO. */
static void
stream_attack(const struct cxv_subject_key *key, const char *ad,
    void (*edit)(uint8_t *buf, size_t *len))
{
	static uint8_t data[70000];
	uint8_t *buf = malloc(200000);
	FILE *in, *sealed = tmpfile(), *out;
	uint64_t n = 0;
	size_t len;

	assert_non_null(buf);
	memset(data, 'A', sizeof(data));
	in = stream_of(data, sizeof(data));
	assert_int_equal(cxv_seal_stream(key, "content:1", in, sealed, &n),
	    CXV_OK);
	rewind(sealed);
	len = fread(buf, 1, 200000, sealed);
	edit(buf, &len);
	fclose(sealed);
	sealed = stream_of(buf, len);
	out = tmpfile();
	assert_int_equal(cxv_open_stream(key, ad, sealed, out), CXV_ERR_CRYPTO);
	fclose(in);
	fclose(sealed);
	fclose(out);
	free(buf);
}

static void edit_none(uint8_t *b, size_t *l) { (void)b; (void)l; }
static void edit_flip(uint8_t *b, size_t *l) { b[*l / 2] ^= 0x80; }
static void edit_truncate(uint8_t *b, size_t *l) { (void)b; *l -= 4500; }
static void edit_drop_last(uint8_t *b, size_t *l)
{
	(void)b;
	*l = 6 + 24 + 65536 + 17;	/* magic, header, first chunk only */
}
static void edit_append(uint8_t *b, size_t *l) { b[(*l)++] = 0; }
static void edit_magic(uint8_t *b, size_t *l) { (void)l; b[0] = 'X'; }

/* Tampering, truncation, dropped chunks, trailing bytes, wrong AD. */
static void
test_stream_tamper(void **state)
{
	struct fixture *f = *state;

	stream_attack(&f->key, "content:2", edit_none);
	stream_attack(&f->key, "content:1", edit_flip);
	stream_attack(&f->key, "content:1", edit_truncate);
	stream_attack(&f->key, "content:1", edit_drop_last);
	stream_attack(&f->key, "content:1", edit_append);
	stream_attack(&f->key, "content:1", edit_magic);
}

/* Key files: 0600 and 32 bytes exactly, else a precise error. */
static void
test_key_file(void **state)
{
	char dir[] = "/tmp/cxv-kr-XXXXXX", path[64];
	struct cxv_keyring *kr = NULL;
	struct fixture *f = *state;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/master.key", dir);
	assert_int_equal(cxv_keyring_from_file(path, &kr), CXV_ERR_NOT_FOUND);
	assert_int_equal(cxv_keyring_write_file(f->kr, path), CXV_OK);
	assert_int_equal(cxv_keyring_write_file(f->kr, path), CXV_ERR_EXISTS);
	assert_int_equal(cxv_keyring_from_file(path, &kr), CXV_OK);
	assert_int_equal(cxv_keyring_unlock(kr, f->root, sizeof(f->root)), CXV_OK);
	cxv_keyring_free(kr);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(cxv_keyring_from_file(path, &kr), CXV_ERR_DENIED);
	assert_null(kr);
	assert_int_equal(chmod(path, 0600), 0);
	assert_non_null(fp = fopen(path, "a"));
	fputc('x', fp);
	fclose(fp);
	assert_int_equal(cxv_keyring_from_file(path, &kr), CXV_ERR_CORRUPT);
	unlink(path);
	rmdir(dir);
}

/* Argon2id: same passphrase and salt, same key; another passphrase not. */
static void
test_passphrase(void **state)
{
	static const uint8_t salt[CXV_SALT_BYTES] = { 1, 2, 3 };
	struct cxv_keyring *a = NULL, *b = NULL;
	uint8_t root[CXV_WRAPPED_KEY_BYTES];

	(void)state;
	assert_int_equal(cxv_keyring_from_passphrase("correct horse battery",
	    21, salt, &a), CXV_OK);
	assert_int_equal(cxv_keyring_create_root(a, root), CXV_OK);
	cxv_keyring_free(a);
	assert_int_equal(cxv_keyring_from_passphrase("correct horse battery",
	    21, salt, &a), CXV_OK);
	assert_int_equal(cxv_keyring_unlock(a, root, sizeof(root)), CXV_OK);
	assert_int_equal(cxv_keyring_from_passphrase("correct horse batterx",
	    21, salt, &b), CXV_OK);
	assert_int_equal(cxv_keyring_unlock(b, root, sizeof(root)),
	    CXV_ERR_WRONG_KEY);
	cxv_keyring_free(a);
	cxv_keyring_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seal_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ad_and_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_subject_key_wrap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_blind_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_sizes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stream_tamper, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test(test_passphrase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
