/* SPDX-License-Identifier: Apache-2.0 */
/* Password policy and Argon2id hashing; see password.h. */
#include "core/password.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"

#define OPSLIMIT	crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEMLIMIT	crypto_pwhash_MEMLIMIT_INTERACTIVE

_Static_assert(crypto_pwhash_STRBYTES <= CXV_PASSWORD_HASH_MAX,
    "Argon2id strings fit");

static int
cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* lower is pw lower-cased (ASCII letters), NUL-ended. */
static int
is_common(const char *lower)
{
	return bsearch(lower, cxv_common_passwords, cxv_common_passwords_n,
	    sizeof(cxv_common_passwords[0]), cmp_word) != NULL;
}

/* Whether lower contains the lower-cased s (at least 3 bytes). */
static int
contains_personal(const char *lower, const char *s)
{
	char l[CXV_IDENT_MAX + 1];
	size_t i, n = strlen(s);
	int found;

	if (n < 3 || n > CXV_IDENT_MAX)
		return 0;
	for (i = 0; i <= n; i++)
		l[i] = (char)tolower((unsigned char)s[i]);
	found = strstr(lower, l) != NULL;
	sodium_memzero(l, sizeof(l));
	return found;
}

/* UTF-8 code points in s (valid UTF-8 assumed). */
static size_t
code_points(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

int
cxv_password_check(const char *pw, size_t len, int min_length,
    const char *const *personal, size_t n, const char **why)
{
	char lower[CXV_PASSWORD_MAX + 1];
	size_t i;
	int r = CXV_ERR_INVALID;

	if (len > CXV_PASSWORD_MAX || !cxv_utf8_printable(pw, len))
		return *why = "a password is printable text of at most 1024 "
		    "bytes", CXV_ERR_INVALID;
	if (code_points(pw, len) < (size_t)min_length)
		return *why = "password too short", CXV_ERR_INVALID;
	for (i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)pw[i]);
	lower[len] = '\0';
	if (is_common(lower))
		*why = "password is on the list of common passwords";
	else {
		for (i = 0; i < n && !contains_personal(lower, personal[i]); i++)
			;
		if (i < n)
			*why = "password contains the logon id or a name";
		else
			r = CXV_OK;
	}
	sodium_memzero(lower, sizeof(lower));
	return r;
}

int
cxv_pin_check(const char *pin, size_t len, const char **why)
{
	int up = 1, down = 1, same = 1;
	size_t i;

	if (len < 4 || len > 12 || strspn(pin, "0123456789") != len)
		return *why = "a PIN has 4 to 12 digits", CXV_ERR_INVALID;
	for (i = 1; i < len; i++) {
		same &= pin[i] == pin[0];
		up &= pin[i] == pin[i - 1] + 1;
		down &= pin[i] == pin[i - 1] - 1;
	}
	if (same || up || down)
		return *why = "PIN is too easy to guess (one digit or a run)",
		    CXV_ERR_INVALID;
	return CXV_OK;
}

int
cxv_password_hash(const char *pw, size_t len, char out[CXV_PASSWORD_HASH_MAX])
{
	if (crypto_pwhash_str(out, pw, len, OPSLIMIT, MEMLIMIT) != 0)
		return CXV_ERR_NOMEM;
	return CXV_OK;
}

static char dummy_hash[CXV_PASSWORD_HASH_MAX];
static int dummy_ok;

static void
make_dummy(void)
{
	uint8_t random[16];

	randombytes_buf(random, sizeof(random));
	dummy_ok = crypto_pwhash_str(dummy_hash, (const char *)random,
	    sizeof(random), OPSLIMIT, MEMLIMIT) == 0;
}

int
cxv_password_verify(const char *hash, const char *pw, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int unknown = hash == NULL, ok;

	if (unknown) {
		/* The cost of a real check, against a hash nobody can match. */
		(void)pthread_once(&once, make_dummy);
		hash = dummy_ok ? dummy_hash : NULL;
	}
	ok = hash != NULL && crypto_pwhash_str_verify(hash, pw, len) == 0;
	return ok && !unknown ? CXV_OK : CXV_ERR_DENIED;
}
