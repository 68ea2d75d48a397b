/* SPDX-License-Identifier: Apache-2.0 */
/* Texts and stable names of the error codes of err.h. */
#include "base/err.h"

#include <stddef.h>

static const struct {
	const char *code;
	const char *text;
} errs[CXV_ERR__COUNT] = {
	[CXV_OK] = { "ok", "success" },
	[CXV_ERR_INTERNAL] = { "internal", "internal error" },
	[CXV_ERR_NOMEM] = { "no_memory", "out of memory" },
	[CXV_ERR_INVALID] = { "invalid", "invalid input" },
	[CXV_ERR_TOO_LARGE] = { "too_large", "input too large" },
	[CXV_ERR_NOT_FOUND] = { "not_found", "not found" },
	[CXV_ERR_EXISTS] = { "exists", "already exists" },
	[CXV_ERR_DENIED] = { "denied", "permission denied" },
	[CXV_ERR_CORRUPT] = { "corrupt", "data is corrupt" },
	[CXV_ERR_CRYPTO] = { "auth_failed",
	    "sealed data failed authentication (tampered or wrong key)" },
	[CXV_ERR_WRONG_KEY] = { "wrong_key",
	    "master key or passphrase does not open this vault" },
	[CXV_ERR_VERSION] = { "version",
	    "vault was written by a newer cxvault" },
	[CXV_ERR_IO] = { "io", "input/output error" },
	[CXV_ERR_BUSY] = { "busy", "vault is busy (locked by another process)" },
	[CXV_ERR_CONFLICT] = { "conflict",
	    "identifiers belong to different subjects" },
	[CXV_ERR_AUTH] = { "bad_credentials",
	    "wrong name or password, PIN or token" },
	[CXV_ERR_LOCKED] = { "account_locked",
	    "too many failed logins; locked for a while" },
	[CXV_ERR_LIMIT] = { "limit_reached", "a configured limit is reached" },
	[CXV_ERR_HELD] = { "legal_hold",
	    "the person is under legal hold; release the hold first" },
	[CXV_ERR_UNAVAILABLE] = { "unavailable",
	    "a server the vault relies on cannot be reached" },
};

const char *
cxv_strerror(int r)
{
	if (r < 0 || r >= CXV_ERR__COUNT)
		return "unknown error";
	return errs[r].text;
}

const char *
cxv_errcode(int r)
{
	if (r < 0 || r >= CXV_ERR__COUNT)
		return "unknown";
	return errs[r].code;
}
