/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Telephone numbering by the field's library, libphonenumber (DESIGN 8):
 * national numbers as each country writes them (trunk prefixes such as
 * Germany's 0, Russia's 8 or none in Italy, international prefixes such
 * as Russia's 8 10) into E.164. The one C++ file of the tree (phone.cc)
 * behind a C interface; thread-safe.
 */
#ifndef CXV_PHONE_H
#define CXV_PHONE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The digits (and nothing else) of a number as dialled within the
 * country of calling code cc, into out as "+<E.164>" (cap bytes). 1 if
 * it is a number of that numbering plan: a valid one, or one of a
 * possible length dialled with the country's trunk prefix; 0 if not
 * (local digits without an area code, a short code, a mistake), out "".
 */
int cxv_phone_national(const char *digits, unsigned cc, char *out,
    size_t cap);

/* The calling code of region (ISO 3166, "RU": 7); 0 if unknown. */
unsigned cxv_phone_region_code(const char *region);

#ifdef __cplusplus
}
#endif

#endif
