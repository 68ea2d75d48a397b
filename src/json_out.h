/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compact JSON of a jansson document, written straight into a buffer:
 * byte for byte what json_dumps(doc, JSON_COMPACT) gives (keys in
 * insertion order), for the API's replies. jansson's own dumper was a
 * sixth of the instructions of a GET: a snprintf per number and a set
 * of visited containers, keyed by their printed address, against
 * cycles that a document built by the vault cannot have.
 */
#ifndef CXV_JSON_OUT_H
#define CXV_JSON_OUT_H

#include <jansson.h>

#include "buf.h"

/*
 * Append doc to b. CXV_ERR_TOO_LARGE or CXV_ERR_NOMEM from the buffer,
 * CXV_ERR_INVALID for a document nested deeper than jansson parses;
 * b then holds a partial document, for the caller to discard.
 */
int cxv_json_write(const json_t *doc, struct cxv_buf *b);

#endif
