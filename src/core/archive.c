/* SPDX-License-Identifier: Apache-2.0 */
/* Encrypted tar archives; see archive.h. */
#include "core/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/tar.h"
#include "core/keyring.h"

#define COPY_BUF	65536

struct cxv_archive {
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;
	struct cxv_stream *s;
	uint8_t *buf;
};

int
cxv_archive_create(const char *path, const struct cxv_keyring *kr,
    const char *kind, struct cxv_archive **out)
{
	struct cxv_subject_key key;
	struct cxv_archive *a;
	int fd, r;

	*out = NULL;
	if (access(path, F_OK) == 0)
		return CXV_ERR_EXISTS;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->buf = malloc(COPY_BUF)) == NULL) {
		free(a);
		return CXV_ERR_NOMEM;
	}
	if ((size_t)snprintf(a->path, sizeof(a->path), "%s", path) >=
	    sizeof(a->path) || (size_t)snprintf(a->tmp, sizeof(a->tmp),
	    "%s.tmp", path) >= sizeof(a->tmp)) {
		a->tmp[0] = '\0';
		r = CXV_ERR_TOO_LARGE;
		goto fail;
	}
	fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		r = errno == EEXIST ? CXV_ERR_EXISTS : CXV_ERR_IO;
		a->tmp[0] = '\0';	/* not ours to remove */
		goto fail;
	}
	if ((a->f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		r = CXV_ERR_IO;
		goto fail;
	}
	cxv_keyring_backup_key(kr, &key);
	r = cxv_stream_seal_begin(&key, kind, a->f, &a->s);
	cxv_subject_key_wipe(&key);
	if (r != CXV_OK)
		goto fail;
	*out = a;
	return CXV_OK;
 fail:
	cxv_archive_abort(a);
	return r;
}

static int
add_header(struct cxv_archive *a, const char *name, uint64_t size)
{
	uint8_t h[CXV_TAR_BLOCK];
	int r;

	if ((r = cxv_tar_header(name, size, (int64_t)time(NULL), h)) != CXV_OK)
		return r;
	return cxv_stream_seal_write(a->s, h, sizeof(h));
}

static int
add_padding(struct cxv_archive *a, uint64_t size)
{
	static const uint8_t zero[CXV_TAR_BLOCK];

	return cxv_stream_seal_write(a->s, zero, cxv_tar_padding(size));
}

int
cxv_archive_add_bytes(struct cxv_archive *a, const char *name,
    const void *data, size_t len)
{
	int r;

	if ((r = add_header(a, name, len)) != CXV_OK ||
	    (r = cxv_stream_seal_write(a->s, data, len)) != CXV_OK)
		return r;
	return add_padding(a, len);
}

int
cxv_archive_add_file(struct cxv_archive *a, const char *name,
    const char *src)
{
	uint64_t size, done = 0;
	FILE *in;
	size_t n;
	int r;

	if ((in = fopen(src, "rbe")) == NULL)
		return errno == ENOENT ? CXV_ERR_NOT_FOUND : CXV_ERR_IO;
	/* The size is in the header before the bytes: take it once. */
	if (fseeko(in, 0, SEEK_END) != 0 || ftello(in) < 0) {
		fclose(in);
		return CXV_ERR_IO;
	}
	size = (uint64_t)ftello(in);
	rewind(in);
	r = add_header(a, name, size);
	while (r == CXV_OK && done < size) {
		n = fread(a->buf, 1, size - done < COPY_BUF ?
		    (size_t)(size - done) : COPY_BUF, in);
		if (n == 0) {
			r = CXV_ERR_IO;		/* it shrank under us */
			break;
		}
		r = cxv_stream_seal_write(a->s, a->buf, n);
		done += n;
	}
	fclose(in);
	return r == CXV_OK ? add_padding(a, size) : r;
}

int
cxv_archive_commit(struct cxv_archive *a)
{
	static const uint8_t trailer[CXV_TAR_TRAILER];
	uint64_t n;
	int r;

	if ((r = cxv_stream_seal_write(a->s, trailer, sizeof(trailer))) ==
	    CXV_OK && (r = cxv_stream_seal_end(a->s, &n)) == CXV_OK &&
	    (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0))
		r = CXV_ERR_IO;
	if (r == CXV_OK && fclose(a->f) != 0)
		r = CXV_ERR_IO;
	a->f = NULL;
	if (r == CXV_OK && rename(a->tmp, a->path) != 0)
		r = CXV_ERR_IO;
	if (r == CXV_OK)
		a->tmp[0] = '\0';
	cxv_archive_abort(a);
	return r;
}

void
cxv_archive_abort(struct cxv_archive *a)
{
	if (a == NULL)
		return;
	cxv_stream_free(a->s);
	if (a->f != NULL)
		fclose(a->f);
	if (a->tmp[0] != '\0')
		(void)unlink(a->tmp);
	free(a->buf);
	free(a);
}

/* Reading. */
struct cxv_archive_entry {
	struct cxv_stream *s;
	uint64_t left;			/* bytes of the entry not yet read */
};

/* Exactly len bytes, or CORRUPT at a premature (authenticated) end. */
static int
read_exact(struct cxv_stream *s, uint8_t *buf, size_t len)
{
	size_t got;
	int r;

	while (len > 0) {
		if ((r = cxv_stream_open_read(s, buf, len, &got)) != CXV_OK)
			return r;
		if (got == 0)
			return CXV_ERR_CORRUPT;
		buf += got;
		len -= got;
	}
	return CXV_OK;
}

int
cxv_archive_data(struct cxv_archive_entry *e, uint8_t *buf, size_t cap,
    size_t *got)
{
	size_t n = e->left < cap ? (size_t)e->left : cap;
	int r;

	*got = 0;
	if (n == 0)
		return CXV_OK;
	if ((r = read_exact(e->s, buf, n)) != CXV_OK)
		return r;
	e->left -= n;
	*got = n;
	return CXV_OK;
}

/* What fn left of the entry, and its padding. */
static int
skip_rest(struct cxv_archive_entry *e, uint64_t size)
{
	uint8_t buf[CXV_TAR_BLOCK];
	size_t got;
	int r;

	while (e->left > 0)
		if ((r = cxv_archive_data(e, buf, sizeof(buf), &got)) != CXV_OK)
			return r;
	return read_exact(e->s, buf, cxv_tar_padding(size));
}

static int
each_entry(struct cxv_stream *s, cxv_archive_fn fn, void *ctx)
{
	struct cxv_archive_entry e = { s, 0 };
	uint8_t h[CXV_TAR_BLOCK];
	char name[100];
	uint64_t size;
	size_t got;
	int r;

	for (;;) {
		if ((r = read_exact(s, h, sizeof(h))) != CXV_OK)
			return r;
		if (cxv_tar_is_end(h))
			break;
		if ((r = cxv_tar_parse(h, name, &size)) != CXV_OK)
			return r;
		e.left = size;
		if ((r = fn(ctx, name, size, &e)) != CXV_OK ||
		    (r = skip_rest(&e, size)) != CXV_OK)
			return r;
	}
	/* The second zero block, then the authenticated end. */
	if ((r = read_exact(s, h, sizeof(h))) != CXV_OK)
		return r;
	if (!cxv_tar_is_end(h))
		return CXV_ERR_CORRUPT;
	if ((r = cxv_stream_open_read(s, h, 1, &got)) != CXV_OK)
		return r;
	return got == 0 ? CXV_OK : CXV_ERR_CORRUPT;
}

int
cxv_archive_each(const char *path, const struct cxv_keyring *kr,
    const char *kind, cxv_archive_fn fn, void *ctx)
{
	struct cxv_subject_key key;
	struct cxv_stream *s = NULL;
	FILE *in;
	int r;

	if ((in = fopen(path, "rbe")) == NULL)
		return errno == ENOENT ? CXV_ERR_NOT_FOUND : CXV_ERR_IO;
	cxv_keyring_backup_key(kr, &key);
	r = cxv_stream_open_begin(&key, kind, in, &s);
	cxv_subject_key_wipe(&key);
	if (r == CXV_OK)
		r = each_entry(s, fn, ctx);
	cxv_stream_free(s);
	fclose(in);
	return r;
}
