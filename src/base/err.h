/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One error enum for the whole vault (OpenSSH ssherr.h, curl CURLcode).
 * Each code has a stable machine name used by the CLI today and by the
 * HTTP API's JSON errors later; never renumber or rename a code.
 */
#ifndef CXV_ERR_H
#define CXV_ERR_H

enum cxv_err {
	CXV_OK = 0,
	CXV_ERR_INTERNAL,	/* a bug or an impossible state */
	CXV_ERR_NOMEM,
	CXV_ERR_INVALID,	/* malformed input */
	CXV_ERR_TOO_LARGE,	/* input over a cap of limits.h */
	CXV_ERR_NOT_FOUND,
	CXV_ERR_EXISTS,		/* would overwrite something that exists */
	CXV_ERR_DENIED,		/* permissions (file mode, later: access) */
	CXV_ERR_CORRUPT,	/* stored data fails a consistency check */
	CXV_ERR_CRYPTO,		/* authentication of sealed data failed */
	CXV_ERR_WRONG_KEY,	/* master key or passphrase does not open the vault */
	CXV_ERR_VERSION,	/* schema newer than this program */
	CXV_ERR_IO,		/* file system or database I/O failure */
	CXV_ERR_BUSY,		/* database locked by another process too long */
	CXV_ERR_CONFLICT,	/* identifiers belong to different subjects */
	CXV_ERR_AUTH,		/* wrong name, password, PIN or token */
	CXV_ERR_LOCKED,		/* too many failed logins: locked for a while */
	CXV_ERR_LIMIT,		/* a configured limit (sessions, ...) reached */
	CXV_ERR_HELD,		/* the subject is under legal hold */
	CXV_ERR_UNAVAILABLE,	/* a server the vault relies on cannot be
				 * reached (directory, mail server) */
	CXV_ERR__COUNT
};

/* Human-readable text for an error code; never NULL. Thread-safe. */
const char *cxv_strerror(int r);

/* Stable machine name ("not_found", ...) for an error code; never NULL. */
const char *cxv_errcode(int r);

#endif
