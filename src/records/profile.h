/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authorization (R3): permissions, the predefined least-privilege
 * profiles, and custom profiles with individually set permissions
 * (R3.2). Every API route names the permission it needs; an account's
 * profile says which it has. Predefined profiles live in code (ids
 * 1-99), so a new permission reaches them on upgrade; custom profiles
 * live in the store (ids from 100).
 */
#ifndef CXV_PROFILE_H
#define CXV_PROFILE_H

#include <stddef.h>
#include <stdint.h>

struct cxv_vault;

enum cxv_perm {
	CXV_PERM_ACCOUNTS,		/* accounts, profiles, tokens */
	CXV_PERM_CONFIG,		/* system configuration */
	CXV_PERM_SUBJECTS_READ,		/* find a person, see identifiers */
	CXV_PERM_USERS_READ,
	CXV_PERM_USERS_WRITE,
	CXV_PERM_CONTACTS_READ,
	CXV_PERM_CONTACTS_WRITE,
	CXV_PERM_INTERACTIONS_READ,	/* every interaction */
	CXV_PERM_INTERACTIONS_OWN,	/* those the account handled (R3.3) */
	CXV_PERM_INTERACTIONS_WRITE,
	CXV_PERM_ITEMS_REVEAL,		/* protected data items (R5.3) */
	CXV_PERM_CDR_INGEST,		/* platform feeds */
	CXV_PERM_CONTENT_READ,		/* recordings, transcripts, ... */
	CXV_PERM_CONTENT_WRITE,
	CXV_PERM_CALLLOG_READ,		/* any agent's call log */
	CXV_PERM_CAMPAIGNS_READ,
	CXV_PERM_CAMPAIGNS_WRITE,
	CXV_PERM_STATS_READ,
	CXV_PERM_CHARGES_READ,
	CXV_PERM_CHARGES_WRITE,
	CXV_PERM_AUDIT_READ,
	CXV_PERM_CDR_EXPORT,		/* call accounting (R10.2) */
	CXV_PERM_SELF,			/* one's own data (R3.4) */
	CXV_PERM_SUBJECTS_WRITE,	/* rectify a person's data (R9.3) */
	CXV_PERM_SUBJECTS_ERASE,	/* erase, hold, decide requests (R9.4) */
	CXV_PERM_SUBJECTS_EXPORT,	/* export a person's data (R9.2) */
	CXV_PERM_CONTENT_UNMASKED,	/* originals kept beside masked content */
	CXV_PERM__COUNT
};

#define CXV_PERM_BIT(p)		(UINT64_C(1) << (p))
#define CXV_PERMS_ALL		(CXV_PERM_BIT(CXV_PERM__COUNT) - 1)

/* Predefined profiles (R3.1). */
enum cxv_profile_builtin {
	CXV_PROFILE_ADMINISTRATOR = 1,
	CXV_PROFILE_SUPERVISOR,
	CXV_PROFILE_AGENT,
	CXV_PROFILE_SYSTEM_ASSISTANT,
	CXV_PROFILE_HOSPITALITY,
	CXV_PROFILE_API,
	CXV_PROFILE_AUDITOR,
	CXV_PROFILE_END_USER,
	CXV_PROFILE__BUILTIN_END
};
#define CXV_PROFILE_CUSTOM_MIN	100

/* Stable name of a permission ("interactions.read"); NULL if unknown. */
const char *cxv_perm_name(int perm);
/* The permission named name, or -1. */
int cxv_perm_parse(const char *name);

/*
 * Whether an account with these permissions manages the system
 * configuration or accounts: such accounts are limited in parallel
 * sessions (R2.5).
 */
int cxv_perms_configure(uint64_t perms);

struct cxv_profile {
	int64_t id;
	char name[64];
	uint64_t perms;
	int builtin;
};

/* The profile with this id or name; CXV_ERR_NOT_FOUND if none. */
int cxv_profile_get(struct cxv_vault *v, int64_t id,
    struct cxv_profile *out /* OUT */);
int cxv_profile_by_name(struct cxv_vault *v, const char *name,
    struct cxv_profile *out /* OUT */);

/* Every profile, predefined ones first; fn's non-OK return stops. */
int cxv_profile_list(struct cxv_vault *v,
    int (*fn)(void *ctx, const struct cxv_profile *p), void *ctx);

/*
 * Create (id 0) or change a custom profile, audited. Names are 1-63
 * characters of [a-z0-9_-] and unique; a custom profile cannot carry
 * CXV_PERM_ACCOUNTS (only administrators manage accounts, R3.2).
 * *why says what was wrong with CXV_ERR_INVALID / CXV_ERR_EXISTS.
 */
int cxv_profile_save(struct cxv_vault *v, int64_t id, const char *name,
    uint64_t perms, int64_t *out_id /* OUT */, const char **why /* OUT */);

/* Delete a custom profile no account uses; audited. */
int cxv_profile_delete(struct cxv_vault *v, int64_t id,
    const char **why /* OUT */);

#endif
