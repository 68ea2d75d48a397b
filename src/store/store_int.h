/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the store: what its other files (store_maint.c, store_mail.c)
 * share with store.c. Not for use outside src/store/.
 */
#ifndef CXV_STORE_INT_H
#define CXV_STORE_INT_H

#include "db.h"

struct cxv_store;

/* The connection, for statements prepared outside store.c. */
struct db *cxv_store_db(struct cxv_store *st);

#endif
