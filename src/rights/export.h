/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Access and portability (R9.2, GDPR Art. 15 and 20): everything the
 * vault holds about one person as one tar archive, produced as a stream:
 * "person.json" (the document of docs/export.md: identifiers, flags,
 * every record in every store with its category, purpose, source, dates
 * and retention, the content items, statistics) followed by the
 * decrypted content files under "content/". Memory does not grow with
 * the size of the content. The export is audited once, before the first
 * byte.
 */
#ifndef CXV_EXPORT_H
#define CXV_EXPORT_H

#include <stddef.h>
#include <stdint.h>

struct cxv_vault;
struct cxv_export;

/*
 * Prepare the export of subject id: the document is built and the
 * export audited. NOT_FOUND if there is no such subject. The export
 * needs v no more once open: it may be read from another thread.
 */
int cxv_export_open(struct cxv_vault *v, int64_t id,
    struct cxv_export **out /* OUT */);

/* Bytes of the whole archive, known in advance (for Content-Length). */
uint64_t cxv_export_size(const struct cxv_export *x);

/*
 * Up to cap bytes of the archive into buf; *got 0 at its end.
 * CXV_ERR_CRYPTO if a content file fails authentication (the archive
 * is then unusable: stop), CXV_ERR_IO on read errors.
 */
int cxv_export_read(struct cxv_export *x, uint8_t *buf, size_t cap,
    size_t *got /* OUT */);

/* Wipe and free; accepts NULL. */
void cxv_export_close(struct cxv_export *x);

#endif
