/* SPDX-License-Identifier: Apache-2.0 */
/* Moving a vault's records to PostgreSQL (migrate.h). */
#include "rights/migrate.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "core/config.h"
#include "records/vault.h"

int
cxv_migrate_copy(struct cxv_vault *v, const char *url, cxv_store_copy_fn fn,
    void *ctx, char *why, size_t whylen)
{
	struct cxv_config cfg = *cxv_vault_config(v);
	struct cxv_store *to = NULL;
	int r;

	if (cfg.store[0] != '\0') {
		snprintf(why, whylen, "the vault's records are in PostgreSQL "
		    "already");
		return CXV_ERR_INVALID;
	}
	if (!cxv_store_is_server(url)) {
		snprintf(why, whylen, "--to must be a postgresql:// URL");
		return CXV_ERR_INVALID;
	}
	if (strlen(url) >= sizeof(cfg.store)) {
		snprintf(why, whylen, "--to is longer than %zu characters",
		    sizeof(cfg.store) - 1);
		return CXV_ERR_TOO_LARGE;
	}
	if ((r = cxv_store_open(url, 1, &to)) != CXV_OK) {
		cxv_vault_server_problem(r, why, whylen);
		return r;
	}
	/* Audited first, so the entry moves with the trail. */
	if ((r = cxv_vault_audit(v, "store.migrate", "store", "postgresql",
	    "")) == CXV_OK && (r = cxv_store_copy(cxv_vault_store(v), to, fn,
	    ctx)) != CXV_OK)
		snprintf(why, whylen, "copying the records: %s%s",
		    cxv_strerror(r), r == CXV_ERR_CORRUPT ? " (row counts "
		    "differ; is something writing to the vault?)" : "");
	cxv_store_close(to);
	if (r != CXV_OK)
		return r;
	snprintf(cfg.store, sizeof(cfg.store), "%s", url);
	if ((r = cxv_vault_save_config(v, &cfg)) != CXV_OK)
		snprintf(why, whylen, "cxvault.conf: %s (the records are "
		    "copied; set store by hand)", cxv_strerror(r));
	return r;
}

/* Zeros over the file, then unlink (DESIGN 3: no readable leftovers). */
static int
wipe(const char *path)
{
	static const unsigned char zeros[65536];
	struct stat st;
	off_t left;
	int fd, r = CXV_OK;

	if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return CXV_OK;	/* no WAL left: nothing to wipe */
	if (fstat(fd, &st) != 0)
		r = CXV_ERR_IO;
	for (left = st.st_size; r == CXV_OK && left > 0;) {
		size_t n = left > (off_t)sizeof(zeros) ? sizeof(zeros) :
		    (size_t)left;
		ssize_t w = write(fd, zeros, n);

		if (w <= 0)
			r = CXV_ERR_IO;
		else
			left -= w;
	}
	if (r == CXV_OK && fdatasync(fd) != 0)
		r = CXV_ERR_IO;
	close(fd);
	if (r == CXV_OK && unlink(path) != 0)
		r = CXV_ERR_IO;
	return r;
}

int
cxv_migrate_remove_old(const char *dir)
{
	static const char *const names[] = {
		"vault.db-wal", "vault.db-shm", "vault.db",
	};
	char p[PATH_MAX];
	size_t i;
	int r = CXV_OK;

	for (i = 0; r == CXV_OK && i < sizeof(names) / sizeof(names[0]); i++) {
		if (snprintf(p, sizeof(p), "%s/%s", dir, names[i]) >=
		    (int)sizeof(p))
			return CXV_ERR_TOO_LARGE;
		r = wipe(p);
	}
	return r;
}
