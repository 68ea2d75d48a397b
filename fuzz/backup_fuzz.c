/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the backup and archive reader (cxv_backup_verify).
 * The first byte chooses: raw bytes read as an archive file (they must
 * never pass), or entries sealed with the right key from the input
 * (names chosen, sizes and contents the fuzzer's), so the manifest and
 * entry checks behind the authentication are reached. An accepted
 * archive has exactly the entries and bytes that went in.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "core/archive.h"
#include "core/keyring.h"
#include "rights/backup.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cxv_keyring *kr;
static char path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/cxv-fuzz-backup-%ld.cxb",
	    (long)getpid());
	return cxv_keyring_generate(&kr) == CXV_OK ? 0 : -1;
}

static void
raw(const uint8_t *data, size_t size)
{
	struct cxv_backup_info info;
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return;
	}
	fclose(f);
	if (cxv_backup_verify(kr, path, &info) == CXV_OK)
		abort();	/* bytes not sealed with the key passed */
}

/* Entries: [name selector][length, 2 bytes][bytes]... */
static void
sealed(const uint8_t *data, size_t size, const char *kind)
{
	static const char *const names[] = { "vault.db", "manifest.json",
	    "content/", "records.db", "files/", "other" };
	struct cxv_backup_info info;
	struct cxv_archive *a;
	char name[64];
	size_t len, n = 0, total = 0;
	int r = CXV_OK;

	if (cxv_archive_create(path, kr, kind, &a) != CXV_OK)
		return;
	while (r == CXV_OK && size >= 3) {
		const char *base = names[data[0] % 6];

		len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		snprintf(name, sizeof(name), "%s%s", base,
		    base[strlen(base) - 1] == '/' ?
		    "0123456789abcdef0123456789abcdef" : "");
		r = cxv_archive_add_bytes(a, name, data, len);
		data += len;
		size -= len;
		n++;
		total += len;
	}
	if (r != CXV_OK) {
		cxv_archive_abort(a);
		return;
	}
	if (cxv_archive_commit(a) != CXV_OK)
		return;
	if (cxv_backup_verify(kr, path, &info) == CXV_OK &&
	    (info.entries != (int64_t)n || info.bytes != (int64_t)total))
		abort();
	(void)unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)unlink(path);
	if (size == 0)
		return 0;
	if (data[0] % 3 == 0)
		raw(data + 1, size - 1);
	else
		sealed(data + 1, size - 1, data[0] % 3 == 1 ?
		    CXV_ARCHIVE_BACKUP : CXV_ARCHIVE_RETENTION);
	(void)unlink(path);
	return 0;
}
