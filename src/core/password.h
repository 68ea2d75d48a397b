/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Passwords and PINs (R2.2, R2.3): the policy a new one must meet, and
 * memory-hard hashing with Argon2id (libsodium's crypto_pwhash_str, so
 * the parameters travel inside each hash and can be raised later).
 * Thread-safe. Callers keep passwords in locked memory and wipe them.
 */
#ifndef CXV_PASSWORD_H
#define CXV_PASSWORD_H

#include <stddef.h>

/* An encoded Argon2id hash, NUL included. */
#define CXV_PASSWORD_HASH_MAX	128

/* The embedded common-password list (generated), sorted bytewise. */
extern const char *const cxv_common_passwords[];
extern const size_t cxv_common_passwords_n;

/*
 * Check a new password: at least min_length characters (UTF-8 code
 * points), at most CXV_PASSWORD_MAX bytes of printable UTF-8, not on the
 * common-password list (compared lower-case), not containing any of the
 * n personal strings (logon id, names; those under 3 characters are
 * ignored). Returns CXV_OK or CXV_ERR_INVALID with *why a fixed message
 * that never quotes the password.
 */
int cxv_password_check(const char *pw, size_t len, int min_length,
    const char *const *personal, size_t n, const char **why /* OUT */);

/* Check a new PIN: 4 to 12 digits, not one digit repeated or a run. */
int cxv_pin_check(const char *pin, size_t len, const char **why /* OUT */);

/* Hash pw with Argon2id into out. CXV_ERR_NOMEM if memory is short. */
int cxv_password_hash(const char *pw, size_t len,
    char out[CXV_PASSWORD_HASH_MAX] /* OUT */);

/*
 * CXV_OK if pw matches hash, else CXV_ERR_DENIED. With hash NULL it
 * spends the time of a real check and returns CXV_ERR_DENIED, so an
 * unknown account cannot be told from a wrong password by timing.
 */
int cxv_password_verify(const char *hash, const char *pw, size_t len);

#endif
