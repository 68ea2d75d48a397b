/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Free-text redaction (R8.4): text that reaches a log (an error from a
 * parser, a request path, an imported field) is scanned for personal
 * data and each find is masked:
 *   [card]   13-19 digits, single spaces or dashes between groups,
 *            passing the Luhn check
 *   [iban]   two letters, two check digits, 11-30 letters or digits
 *            (spaces between groups of four), passing ISO 7064 mod 97
 *   [email]  local@domain.tld
 *   [phone]  + or 0 and 7-15 digits in all (spaces, dashes, slashes,
 *            dots, parentheses between groups), or 10-15 digits alone
 * Numbers that fail the checks (a Luhn-invalid order number) stay.
 * One pass over the text; pure; thread-safe.
 */
#ifndef CXV_REDACT_H
#define CXV_REDACT_H

#include <stddef.h>

/*
 * Redact len bytes of in into out (cap bytes, NUL-terminated; cap >= 1).
 * Output longer than cap - 1 is cut. Returns the number of matches.
 */
size_t cxv_redact(const char *in, size_t len, char *out, size_t cap);

#endif
