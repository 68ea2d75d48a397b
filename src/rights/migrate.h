/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Moving a vault's records from its SQLite file to a PostgreSQL
 * database (issue 7, docs/scaling.md): every row copied and counted on
 * both sides, the move audited, cxvault.conf pointed at the new store,
 * then the old file overwritten and removed.
 */
#ifndef CXV_MIGRATE_H
#define CXV_MIGRATE_H

#include "store/store.h"

struct cxv_vault;

/*
 * Copy v's records (SQLite) into the empty PostgreSQL database at url
 * and make it v's store in cxvault.conf; fn hears each table and its
 * rows. Nothing is removed: call cxv_migrate_remove_old() once v is
 * closed. On failure why says what to do and the vault is as it was.
 */
int cxv_migrate_copy(struct cxv_vault *v, const char *url,
    cxv_store_copy_fn fn, void *ctx, char *why, size_t whylen);

/* Overwrite with zeros and remove vault.db and its WAL in dir. */
int cxv_migrate_remove_old(const char *dir);

#endif
