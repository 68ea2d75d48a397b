/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted archives: backups (R5.4) and retention archives (R6.6). An
 * archive is a tar stream (tar.h) sealed as one stream (keyring.h) under
 * the backup key, with the kind of archive as associated data, so a
 * retention archive cannot pass for a backup. Nothing in it is readable
 * or alterable without the master key; a cut or altered file fails as a
 * whole. Written to NAME.tmp, synced, renamed: a crash never leaves a
 * half archive under the final name.
 */
#ifndef CXV_ARCHIVE_H
#define CXV_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

struct cxv_keyring;

#define CXV_ARCHIVE_BACKUP	"cxvault:backup:1"
#define CXV_ARCHIVE_RETENTION	"cxvault:retention:1"

/* Writing: create, add files or bytes, then commit (or abort). */
struct cxv_archive;
/* EXISTS if path (or path.tmp) is there already. */
int cxv_archive_create(const char *path, const struct cxv_keyring *kr,
    const char *kind, struct cxv_archive **out /* OUT */);
/* The file at src as entry name; NOT_FOUND if src has gone. */
int cxv_archive_add_file(struct cxv_archive *a, const char *name,
    const char *src);
int cxv_archive_add_bytes(struct cxv_archive *a, const char *name,
    const void *data, size_t len);
/* Seal the end, sync, rename into place; frees a either way. */
int cxv_archive_commit(struct cxv_archive *a);
/* Remove the partial file; frees a; accepts NULL. */
void cxv_archive_abort(struct cxv_archive *a);

/*
 * Reading: fn is called for each entry in order with its name and size;
 * it may read the entry's bytes with cxv_archive_data() (what it leaves
 * is skipped). The whole stream is authenticated, including its end:
 * CXV_ERR_CRYPTO for a wrong key, kind, or any altered or cut byte
 * (entries already handed to fn must then be discarded), CXV_ERR_CORRUPT
 * for a damaged tar inside.
 */
struct cxv_archive_entry;
typedef int (*cxv_archive_fn)(void *ctx, const char *name, uint64_t size,
    struct cxv_archive_entry *e);
int cxv_archive_each(const char *path, const struct cxv_keyring *kr,
    const char *kind, cxv_archive_fn fn, void *ctx);
/* Up to cap bytes of the current entry; *got 0 at its end. */
int cxv_archive_data(struct cxv_archive_entry *e, uint8_t *buf, size_t cap,
    size_t *got /* OUT */);

#endif
