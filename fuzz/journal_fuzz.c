/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the audit journal's reader (journal.h). The first
 * byte chooses: raw bytes after a journal header (no line of them can
 * carry a valid mac, so every entry they make must be a break), or
 * events appended through the journal, texts taken from the input
 * (each one the trail accepts is moved exactly once, none is a break).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base/err.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/journal.h"
#include "core/keyring.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cxv_store *st;
static struct cxv_keyring *kr;
static char path[96];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t root[CXV_WRAPPED_KEY_BYTES];
	static char dir[64];
	char db[96];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/cxv-fuzz-journal-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/vault.db", dir);
	snprintf(path, sizeof(path), "%s/%s", dir, CXV_JOURNAL_FILE);
	if (cxv_store_open(db, 1, &st) != CXV_OK ||
	    cxv_keyring_generate(&kr) != CXV_OK ||
	    cxv_keyring_create_root(kr, root) != CXV_OK)
		return -1;
	return 0;
}

/* What the trail gained after seq `after`. */
struct gained {
	int64_t after;
	int entries, broken;
};

static int
count_new(void *ctx, const struct cxv_audit_row *row)
{
	struct gained *g = ctx;

	if (row->seq > g->after) {
		g->entries++;
		g->broken += strcmp(row->action, "audit.journal.broken") == 0;
	}
	return CXV_OK;
}

static struct gained
gained_since(int64_t seq, int64_t since_ms)
{
	struct gained g = { seq, 0, 0 };

	if (cxv_audit_scan(st, since_ms, count_new, &g) != CXV_OK)
		abort();
	return g;
}

static void
raw(const uint8_t *data, size_t size)
{
	uint8_t id[32];
	char hex[65];
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return;
	randombytes_buf(id, sizeof(id));
	cxv_hex(id, sizeof(id), hex);
	ok = fprintf(f, "cxvault-journal 1 %s\n", hex) > 0 &&
	    fwrite(data, 1, size, f) == size;
	if (fclose(f) != 0 || !ok)
		return;
	if (cxv_journal_move_file(path, st, kr) != CXV_OK)
		abort();
}

/* Texts separated by NUL bytes, five to an event. */
static int
appended(const uint8_t *data, size_t size)
{
	struct cxv_journal *j = NULL;
	char *copy = malloc(size + 1), *p, *end;
	const char *t[5];
	int accepted = 0, r, i;

	if (copy == NULL || cxv_journal_open(path, st, kr, &j) != CXV_OK) {
		free(copy);
		return -1;
	}
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (p = copy, end = copy + size; p < end;) {
		for (i = 0; i < 5; i++) {
			t[i] = p < end ? p : "";
			if (p < end)
				p += strlen(p) + 1;
		}
		const struct cxv_audit_event ev = { t[0], t[1], t[2], t[3],
		    t[4], 0 };
		if ((r = cxv_journal_append(j, &ev)) == CXV_OK)
			accepted++;
		else if (r != CXV_ERR_INVALID)
			abort();
	}
	if (cxv_journal_move(j, st) != CXV_OK)
		abort();
	cxv_journal_close(j);
	free(copy);
	return accepted;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t seq = 0, since = cxv_now_ms();
	uint8_t head[32];
	struct gained g;
	int accepted;

	(void)unlink(path);
	if (size == 0 || cxv_store_audit_head(st, &seq, head) != CXV_OK)
		return 0;
	if (data[0] % 2 == 0) {
		raw(data + 1, size - 1);
		g = gained_since(seq, since);
		if (g.entries != g.broken)
			abort();	/* a line without the key was taken */
	} else if ((accepted = appended(data + 1, size - 1)) >= 0) {
		g = gained_since(seq, since);
		if (g.entries != accepted || g.broken != 0)
			abort();
	}
	(void)unlink(path);
	return 0;
}
