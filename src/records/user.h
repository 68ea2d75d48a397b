/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal users: employees, agents, supervisors, administrators (R1.1).
 * Each user is also a data subject; its logon id, extension, numbers,
 * email and name are that subject's identifiers (so a CDR from extension
 * 101 resolves to the agent), and its personal fields are one sealed blob
 * under the subject's key ("user:<id>"). Writes and reads are audited.
 * Accounts' credentials and roles come with the API issue.
 */
#ifndef CXV_USER_H
#define CXV_USER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct cxv_vault;
struct cxv_field;

/* Stored as numbers: never renumber. */
enum cxv_user_kind { CXV_USER_LOCAL, CXV_USER_REMOTE, CXV_USER_API,
	CXV_USER_KIND__COUNT };
enum cxv_user_status { CXV_USER_ACTIVE, CXV_USER_DISABLED,
	CXV_USER_STATUS__COUNT };

const char *cxv_user_kind_name(int kind);
int cxv_user_kind_parse(const char *name, enum cxv_user_kind *kind /* OUT */);
const char *cxv_user_status_name(int status);

/*
 * Create a user with logon id logon and the n fields (names known to
 * cxv_user_field_known(), each at most once), as a new person, or as
 * person into when into is not 0 (a caller allowed to write persons'
 * data decided that; audited as user.attach). CXV_ERR_EXISTS if the logon
 * id is taken; CXV_ERR_INVALID with *why (static, naming the field, never
 * its value) for a malformed field; CXV_ERR_CONFLICT if another person
 * already holds one of its numbers or addresses (a user never takes over
 * someone's record: *why says so without naming who); NOT_FOUND if into
 * does not exist.
 */
int cxv_user_add(struct cxv_vault *v, const char *logon,
    enum cxv_user_kind kind, const struct cxv_field *fields, size_t n,
    int64_t into, int64_t *id /* OUT */, const char **why /* OUT */);

/* The user with this logon id (via its blind index); NOT_FOUND if none. */
int cxv_user_lookup(struct cxv_vault *v, const char *logon,
    int64_t *id /* OUT */);

/* Every user's clear columns (no personal data), oldest first. */
int cxv_user_list(struct cxv_vault *v, cxv_store_user_fn fn, void *ctx);

/* One user: its row, then its opened fields. Audited read. */
int cxv_user_show(struct cxv_vault *v, int64_t id, cxv_store_user_fn record,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx);

/*
 * Each decrypted field of user id to field(), without an audit entry:
 * for checks inside the vault (a new password must not contain the
 * user's names), never for output.
 */
int cxv_user_fields_internal(struct cxv_vault *v, int64_t id,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx);

/*
 * Anonymize user id instead of erasing it (R6.2): its names become
 * "Deleted User N", every other field goes, as do its login, sessions,
 * own content (greetings, photo), personal contacts and call log; the
 * interactions it handled stay reportable under its id. Only the
 * account's data goes: CXV_ERR_HELD if its person is under legal hold;
 * the identifiers its fields gave the person go (nobody finds it by
 * number or email any more), but when the person holds records beyond
 * the account (calls as a customer, list entries...) only its logon id
 * goes and *kept is 1; identifiers the person has from elsewhere always
 * stay. What is the person's goes through erasure.
 * Audited; *n is N.
 */
int cxv_user_anonymize(struct cxv_vault *v, int64_t id, int64_t *n /* OUT */,
    int *kept /* OUT */);

/*
 * Enable or disable an account (audited); a disabled one cannot log in
 * and its sessions and tokens end. NOT_FOUND if there is no such user.
 */
int cxv_user_set_status(struct cxv_vault *v, int64_t id, int status);

#endif
