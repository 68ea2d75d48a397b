/* SPDX-License-Identifier: Apache-2.0 */
/* Permissions and profiles; see profile.h. */
#include "records/profile.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "records/vault.h"
#include "store/store.h"

#define B(p)	CXV_PERM_BIT(CXV_PERM_##p)

static const char *const perm_names[CXV_PERM__COUNT] = {
	"accounts", "config", "subjects.read", "users.read", "users.write",
	"contacts.read", "contacts.write", "interactions.read",
	"interactions.own", "interactions.write", "items.reveal",
	"cdr.ingest", "content.read", "content.write", "calllog.read",
	"campaigns.read", "campaigns.write", "stats.read", "charges.read",
	"charges.write", "audit.read", "cdr.export", "self", "subjects.write",
	"subjects.erase", "subjects.export", "content.unmasked",
};

/*
 * Least privilege (R3.1): the administrator configures and manages
 * accounts but does not play recordings or reveal protected items;
 * agents see only the sessions they took part in (R3.3); the auditor /
 * data-protection officer reads the trail, finds, exports, rectifies
 * and erases people and decides erasure requests (R9). Agents
 * reach content through their own interactions, not content.read.
 */
static const struct cxv_profile builtin[] = {
	{ CXV_PROFILE_ADMINISTRATOR, "administrator", B(ACCOUNTS) | B(CONFIG) |
	  B(USERS_READ) | B(USERS_WRITE) | B(CONTACTS_READ) |
	  B(CONTACTS_WRITE) | B(CAMPAIGNS_READ) | B(CAMPAIGNS_WRITE) |
	  B(STATS_READ) | B(AUDIT_READ) | B(SELF), 1 },
	{ CXV_PROFILE_SUPERVISOR, "supervisor", B(USERS_READ) |
	  B(CONTACTS_READ) | B(INTERACTIONS_READ) | B(CONTENT_READ) |
	  B(CALLLOG_READ) | B(CAMPAIGNS_READ) | B(CAMPAIGNS_WRITE) |
	  B(STATS_READ) | B(SELF), 1 },
	{ CXV_PROFILE_AGENT, "agent", B(CONTACTS_READ) | B(INTERACTIONS_OWN) |
	  B(INTERACTIONS_WRITE) | B(SELF), 1 },
	{ CXV_PROFILE_SYSTEM_ASSISTANT, "system_assistant", B(USERS_READ) |
	  B(USERS_WRITE) | B(CONTACTS_READ) | B(CONTACTS_WRITE) | B(SELF), 1 },
	{ CXV_PROFILE_HOSPITALITY, "hospitality_manager", B(CHARGES_READ) |
	  B(CHARGES_WRITE) | B(SELF), 1 },
	{ CXV_PROFILE_API, "api_integration", B(CDR_INGEST) |
	  B(INTERACTIONS_WRITE) | B(CONTENT_WRITE) | B(CONTACTS_READ) |
	  B(USERS_READ), 1 },
	{ CXV_PROFILE_AUDITOR, "auditor", B(AUDIT_READ) | B(SUBJECTS_READ) |
	  B(SUBJECTS_WRITE) | B(SUBJECTS_ERASE) | B(SUBJECTS_EXPORT) |
	  B(INTERACTIONS_READ) | B(USERS_READ) | B(CDR_EXPORT) | B(SELF), 1 },
	{ CXV_PROFILE_END_USER, "end_user", B(SELF), 1 },
};
#define NBUILTIN	(sizeof(builtin) / sizeof(builtin[0]))

_Static_assert(NBUILTIN == CXV_PROFILE__BUILTIN_END - 1, "one per id");
_Static_assert(CXV_PERM__COUNT < 63, "permissions fit the store's int64");

const char *
cxv_perm_name(int perm)
{
	return perm >= 0 && perm < CXV_PERM__COUNT ? perm_names[perm] : NULL;
}

int
cxv_perm_parse(const char *name)
{
	return cxv_name_index(perm_names, CXV_PERM__COUNT, name);
}

int
cxv_perms_configure(uint64_t perms)
{
	return (perms & (B(ACCOUNTS) | B(CONFIG))) != 0;
}

static int
copy_row(void *ctx, const struct cxv_profile_row *row)
{
	struct cxv_profile *p = ctx;

	p->id = row->id;
	snprintf(p->name, sizeof(p->name), "%s", row->name);
	p->perms = row->perms & CXV_PERMS_ALL;
	p->builtin = 0;
	return CXV_OK;
}

/* A predefined profile by id or name; NULL if none. */
static const struct cxv_profile *
find_builtin(int64_t id, const char *name)
{
	size_t i;

	for (i = 0; i < NBUILTIN; i++)
		if (name != NULL ? strcmp(builtin[i].name, name) == 0 :
		    builtin[i].id == id)
			return &builtin[i];
	return NULL;
}

int
cxv_profile_get(struct cxv_vault *v, int64_t id, struct cxv_profile *out)
{
	const struct cxv_profile *b = find_builtin(id, NULL);

	if (b != NULL)
		return *out = *b, CXV_OK;
	return cxv_store_profile_get(cxv_vault_store(v), id, NULL, copy_row,
	    out);
}

int
cxv_profile_by_name(struct cxv_vault *v, const char *name,
    struct cxv_profile *out)
{
	const struct cxv_profile *b = find_builtin(0, name);

	if (b != NULL)
		return *out = *b, CXV_OK;
	return cxv_store_profile_get(cxv_vault_store(v), 0, name, copy_row,
	    out);
}

struct each {
	int (*fn)(void *ctx, const struct cxv_profile *p);
	void *ctx;
};

static int
each_custom(void *ctx, const struct cxv_profile_row *row)
{
	struct each *e = ctx;
	struct cxv_profile p;

	copy_row(&p, row);
	return e->fn(e->ctx, &p);
}

int
cxv_profile_list(struct cxv_vault *v,
    int (*fn)(void *ctx, const struct cxv_profile *p), void *ctx)
{
	struct each e = { fn, ctx };
	size_t i;
	int r;

	for (i = 0; i < NBUILTIN; i++)
		if ((r = fn(ctx, &builtin[i])) != CXV_OK)
			return r;
	return cxv_store_profile_all(cxv_vault_store(v), each_custom, &e);
}

static int
check_name(const char *name, const char **why)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return *why = "a profile name is 1-63 of a-z, 0-9, _ and -",
		    CXV_ERR_INVALID;
	if (find_builtin(0, name) != NULL)
		return *why = "a predefined profile has that name",
		    CXV_ERR_EXISTS;
	return CXV_OK;
}

struct save {
	struct cxv_profile_row row;
	int create;
};

/* A new custom profile: the name must be free; random ids retried. */
static int
insert_new(struct cxv_store *st, struct cxv_profile_row *row)
{
	struct cxv_profile seen = { 0, "", 0, 0 };
	int tries, r;

	r = cxv_store_profile_get(st, 0, row->name, copy_row, &seen);
	if (r != CXV_ERR_NOT_FOUND)
		return r == CXV_OK ? CXV_ERR_EXISTS : r;
	for (tries = 0, r = CXV_ERR_EXISTS; r == CXV_ERR_EXISTS && tries < 8;
	    tries++)
		if ((row->id = cxv_random_id()) >= CXV_PROFILE_CUSTOM_MIN)
			r = cxv_store_profile_insert(st, row);
	return r;
}

static int
save_locked(struct cxv_vault *v, void *arg)
{
	struct save *s = arg;
	char idstr[24];
	int r;

	r = s->create ? insert_new(cxv_vault_store(v), &s->row) :
	    cxv_store_profile_update(cxv_vault_store(v), &s->row);
	if (r != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)s->row.id);
	return cxv_vault_audit(v, s->create ? "profile.create" :
	    "profile.update", "profile", idstr, "name,perms");
}

int
cxv_profile_save(struct cxv_vault *v, int64_t id, const char *name,
    uint64_t perms, int64_t *out_id, const char **why)
{
	struct save s = { { id, name, perms }, id == 0 };
	int r;

	*out_id = 0;
	*why = NULL;
	if ((r = check_name(name, why)) != CXV_OK)
		return r;
	if (id != 0 && id < CXV_PROFILE_CUSTOM_MIN)
		return *why = "predefined profiles cannot be changed",
		    CXV_ERR_DENIED;
	if ((perms & ~CXV_PERMS_ALL) != 0 || (perms & B(ACCOUNTS)) != 0)
		return *why = "unknown permission, or 'accounts' (which only "
		    "the administrator profile has)", CXV_ERR_INVALID;
	if ((r = cxv_vault_in_txn(v, save_locked, &s)) == CXV_ERR_EXISTS)
		*why = "a profile has that name";
	if (r == CXV_OK)
		*out_id = s.row.id;
	return r;
}

static int
delete_locked(struct cxv_vault *v, void *arg)
{
	int64_t id = *(int64_t *)arg, users = 0;
	char idstr[24];
	int r;

	if ((r = cxv_store_profile_users(cxv_vault_store(v), id, &users))
	    != CXV_OK)
		return r;
	if (users > 0)
		return CXV_ERR_CONFLICT;
	if ((r = cxv_store_profile_delete(cxv_vault_store(v), id)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)id);
	return cxv_vault_audit(v, "profile.delete", "profile", idstr, "");
}

int
cxv_profile_delete(struct cxv_vault *v, int64_t id, const char **why)
{
	int r;

	*why = NULL;
	if (id < CXV_PROFILE_CUSTOM_MIN)
		return *why = "predefined profiles cannot be deleted",
		    CXV_ERR_DENIED;
	if ((r = cxv_vault_in_txn(v, delete_locked, &id)) == CXV_ERR_CONFLICT)
		*why = "accounts still hold this profile";
	return r;
}
