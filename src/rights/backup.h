/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backups (R5.4, R6.8, DESIGN 3). A backup is an encrypted archive
 * (archive.h) of a consistent snapshot of the database taken while the
 * vault runs, the content files its rows name (still sealed under their
 * subjects' keys) and a manifest. Restoring replaces the database and
 * content of a vault directory (what was there moves aside, nothing is
 * lost) and then re-applies the erasure register that was current: a
 * person erased after the backup was taken is erased again, so a
 * restore never brings anyone back.
 */
#ifndef CXV_BACKUP_H
#define CXV_BACKUP_H

#include <stddef.h>
#include <stdint.h>

struct cxv_vault;
struct cxv_keyring;

/* What a backup holds (its manifest), or what verify found. */
struct cxv_backup_info {
	char kind[16];			/* "backup" or "retention" (archives) */
	char created[64];		/* UTC, ISO 8601 */
	int schema;
	int64_t subjects, content_files, erasures;
	int64_t entries, bytes;		/* tar entries and their bytes */
};

/* Write a backup of v to path (EXISTS if there is a file); audited. */
int cxv_backup_create(struct cxv_vault *v, const char *path,
    struct cxv_backup_info *info /* OUT */);

/*
 * Read path through with kr's backup key: every byte authenticated, the
 * tar and the manifest consistent. Also takes retention archives.
 */
int cxv_backup_verify(const struct cxv_keyring *kr, const char *path,
    struct cxv_backup_info *info /* OUT */);

/*
 * Restore path into the vault directory dir (whose cxvault.conf and key
 * open it: pass for a passphrase vault). The report is JSON text the
 * caller frees: the backup's manifest, where the replaced files went,
 * and the erasure register re-applied (subject ids erased again).
 */
int cxv_backup_restore(const char *dir, const char *pass, size_t passlen,
    const char *path, const char *actor, char **report /* OUT */,
    char *why, size_t whylen);

/* The info as JSON text (the caller frees). */
char *cxv_backup_info_json(const struct cxv_backup_info *info);

#endif
