/* SPDX-License-Identifier: Apache-2.0 */
/* The do-not-call list; see dnc.h. */
#include "records/dnc.h"

#include <sodium.h>

#include "base/err.h"
#include "base/util.h"
#include "core/ident.h"
#include "core/keyring.h"
#include "records/vault.h"

/* The do-not-call blind index of a number (its own key domain). */
static int
dnc_index(struct cxv_vault *v, const char *number, uint8_t bidx[CXV_HASH_BYTES],
    const char **why)
{
	char norm[CXV_IDENT_NORM_MAX];
	int r;

	r = cxv_ident_normalize(CXV_IDENT_PHONE, number,
	    cxv_vault_config(v)->country_code, norm, why);
	if (r == CXV_OK)
		cxv_keyring_blind_index(cxv_vault_keyring(v), "dnc", norm, bidx);
	sodium_memzero(norm, sizeof(norm));
	return r;
}

struct dnc {
	uint8_t bidx[CXV_HASH_BYTES];
	int listed, add;
};

static int
dnc_locked(struct cxv_vault *v, void *arg)
{
	struct dnc *d = arg;
	int r;

	if (d->add)
		r = cxv_store_dnc_add(cxv_vault_store(v), d->bidx, cxv_now_ms());
	else {
		r = cxv_store_dnc_has(cxv_vault_store(v), d->bidx);
		d->listed = r == CXV_OK;
		if (r == CXV_ERR_NOT_FOUND)
			r = CXV_OK;
	}
	if (r != CXV_OK)
		return r;
	return cxv_vault_audit(v, d->add ? "dnc.add" : "dnc.check", "dnc", "-",
	    "number");
}

int
cxv_dnc_add_tx(struct cxv_vault *v, const char *number, const char **why)
{
	uint8_t bidx[CXV_HASH_BYTES];
	int r;

	if ((r = dnc_index(v, number, bidx, why)) != CXV_OK)
		return r;
	return cxv_store_dnc_add(cxv_vault_store(v), bidx, cxv_now_ms());
}

int
cxv_dnc_add(struct cxv_vault *v, const char *number, const char **why)
{
	struct dnc d = { { 0 }, 0, 1 };
	int r;

	if ((r = dnc_index(v, number, d.bidx, why)) != CXV_OK)
		return r;
	return cxv_vault_in_txn(v, dnc_locked, &d);
}

int
cxv_dnc_check(struct cxv_vault *v, const char *number, int *listed,
    const char **why)
{
	struct dnc d = { { 0 }, 0, 0 };
	int r;

	*listed = 0;
	if ((r = dnc_index(v, number, d.bidx, why)) != CXV_OK ||
	    (r = cxv_vault_in_txn(v, dnc_locked, &d)) != CXV_OK)
		return r;
	*listed = d.listed;
	return CXV_OK;
}

int
cxv_dnc_listed(struct cxv_vault *v, const char *number, int *listed,
    const char **why)
{
	uint8_t bidx[CXV_HASH_BYTES];
	int r;

	*listed = 0;
	if ((r = dnc_index(v, number, bidx, why)) != CXV_OK)
		return r;
	r = cxv_store_dnc_has(cxv_vault_store(v), bidx);
	*listed = r == CXV_OK;
	return r == CXV_ERR_NOT_FOUND ? CXV_OK : r;
}
