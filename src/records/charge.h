/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hospitality call charges (R1.9): the calls a hotel guest made from a
 * room, for the guest's invoice. The guest is a subject (by name, and by
 * phone or email when given); the name and the dialled number are sealed
 * under the guest's key ("charge:<id>"); room, time, duration and amount
 * stay in clear. Writes and reads are audited.
 */
#ifndef CXV_CHARGE_H
#define CXV_CHARGE_H

#include <stdint.h>

#include "store/store.h"

struct cxv_vault;

struct cxv_charge_in {
	const char *room;		/* printable, 1-16 characters */
	const char *guest;		/* the guest's name */
	const char *guest_phone;	/* optional ("" if none) */
	const char *dialled;		/* the number the guest called */
	int64_t ts_ms, duration_s, amount_cents;
};

/* Record one charge. CXV_ERR_INVALID with *why (static) if malformed. */
int cxv_charge_add(struct cxv_vault *v, const struct cxv_charge_in *in,
    int64_t *id /* OUT */, const char **why /* OUT */);

/* One opened charge for the invoice. */
typedef int (*cxv_charge_fn)(void *ctx, const struct cxv_charge_row *row,
    const char *guest, const char *dialled);

/* A room's charges in [since_ms, until_ms), opened. Audited read. */
int cxv_charge_list(struct cxv_vault *v, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_charge_fn fn, void *ctx);

#endif
