/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the SQLite store: what its other files (sqlite_maint.c,
 * sqlite_mail.c) share with sqlite.c. Not for use outside src/store/.
 */
#ifndef CXV_SQLITE_INT_H
#define CXV_SQLITE_INT_H

#include <sqlite3.h>

struct cxv_store;

/* The connection, for statements prepared outside sqlite.c. */
sqlite3 *cxv_sqlite_db(struct cxv_store *st);

/* An SQLite result code as the vault's error. */
int cxv_sqlite_rc(int rc);

/* Prepare sql (the caller finalizes *s). */
int cxv_sqlite_prepare(struct cxv_store *st, const char *sql,
    sqlite3_stmt **s /* OUT */);

#endif
