/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the store: what its other files (store_maint.c, store_mail.c)
 * share with store.c. Not for use outside src/store/.
 */
#ifndef CXV_STORE_INT_H
#define CXV_STORE_INT_H

#include "store/db.h"

struct cxv_store;

/* The connection, for statements prepared outside store.c. */
struct db *cxv_store_db(struct cxv_store *st);

/* The retention archive's connection while one is attached (or NULL). */
struct db **cxv_store_archive_db(struct cxv_store *st);

/*
 * The rows select (?1 bound to id) returns from `from`, inserted into
 * table of `to` column by column by name; with ignore, rows whose key is
 * there already are skipped. *rows counts the rows read.
 */
int cxv_store_copy_rows(struct db *from, struct db *to, const char *table,
    const char *select, int64_t id, int ignore, int64_t *rows);

#endif
