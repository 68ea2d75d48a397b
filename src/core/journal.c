/* SPDX-License-Identifier: Apache-2.0 */
/* The audit journal of the server's reads; see journal.h. */
#include "core/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/keyring.h"
#include "core/log.h"
#include "store/store.h"

/*
 * The file: a header naming the journal's random id, which starts its
 * chain, then one line per entry:
 *   ts_ms TAB actor TAB action TAB object_type TAB object_id TAB fields
 *   TAB mac NL
 * with mac the keyed hash of the entry over the mac before it. The
 * store's meta row holds the id, the offset moved to and the last mac.
 */
#define MAGIC		"cxvault-journal 1 "
#define HEX_LEN		((size_t)2 * CXV_HASH_BYTES)	/* a mac in hex */
#define HEADER_LEN	(sizeof(MAGIC) - 1 + HEX_LEN + 1)
#define META_KEY	"audit_journal"
#define META_LEN	(CXV_HASH_BYTES + 8 + CXV_HASH_BYTES)
#define PARTS		6
#define JLINE_MAX	(24 + (size_t)(PARTS - 1) * (CXV_AUDIT_TEXT_MAX + 1) + \
			    HEX_LEN + 2)
_Static_assert(CXV_INT_STR <= 24, "a time fits the line's first part");

/* Lines moved per transaction: the write lock is held briefly. */
#define MOVE_LINES	2048
/* What one read of the file takes in. */
#define READ_BYTES	(MOVE_LINES * JLINE_MAX / 8 + JLINE_MAX)
/* Emptied once all is moved and it is this long. */
#define TRIM_BYTES	((off_t)64 * 1024)
/* The mover gathers lines this long after the first one. */
#define GATHER_MS	20

struct cxv_journal {
	pthread_mutex_t mu;		/* the file's end, prev, pending */
	pthread_cond_t cv;
	int fd;
	off_t size;			/* bytes written */
	uint8_t prev[CXV_HASH_BYTES];
	const struct cxv_keyring *kr;
	/* The mover. */
	pthread_t thread;
	struct cxv_store *st;
	int running, stop, pending;
};

/* Where moving stands: journal id, offset, the mac before it. */
struct position {
	uint8_t id[CXV_HASH_BYTES];
	uint64_t off;
	uint8_t prev[CXV_HASH_BYTES];
};

static void
line_mac(const struct cxv_keyring *kr, const uint8_t prev[CXV_HASH_BYTES],
    const char *const parts[PARTS], uint8_t out[CXV_HASH_BYTES])
{
	const char *all[PARTS + 1] = { "journal" };
	int i;

	for (i = 0; i < PARTS; i++)
		all[i + 1] = parts[i];
	cxv_keyring_audit_hash(kr, prev, all, PARTS + 1, out);
}

/* Empty the file and start a chain with a new id (under j->mu). */
static int
restart(struct cxv_journal *j)
{
	char header[HEADER_LEN + 1];

	randombytes_buf(j->prev, sizeof(j->prev));
	memcpy(header, MAGIC, sizeof(MAGIC) - 1);
	cxv_hex(j->prev, CXV_HASH_BYTES, header + sizeof(MAGIC) - 1);
	header[HEADER_LEN - 1] = '\n';
	if (ftruncate(j->fd, 0) != 0 ||
	    cxv_write_all(j->fd, header, HEADER_LEN) != CXV_OK)
		return CXV_ERR_IO;
	j->size = (off_t)HEADER_LEN;
	return CXV_OK;
}

/* The id of the file's header; NOT_FOUND if there is none (yet). */
static int
read_header(int fd, uint8_t id[CXV_HASH_BYTES])
{
	char h[HEADER_LEN];

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h, MAGIC, sizeof(MAGIC) - 1) != 0 || h[HEADER_LEN - 1] != '\n')
		return CXV_ERR_NOT_FOUND;
	h[HEADER_LEN - 1] = '\0';
	return cxv_unhex(h + sizeof(MAGIC) - 1, id, CXV_HASH_BYTES) == CXV_OK ?
	    CXV_OK : CXV_ERR_NOT_FOUND;
}

static int
position_get(struct cxv_store *st, struct position *pos)
{
	uint8_t m[META_LEN + 1];
	size_t len = 0;
	int r, i;

	memset(pos, 0, sizeof(*pos));
	if ((r = cxv_store_meta_get(st, META_KEY, m, sizeof(m), &len)) != CXV_OK)
		return r;
	if (len != META_LEN)
		return CXV_ERR_CORRUPT;
	memcpy(pos->id, m, CXV_HASH_BYTES);
	for (i = 7; i >= 0; i--)
		pos->off = pos->off << 8 | m[CXV_HASH_BYTES + i];
	memcpy(pos->prev, m + CXV_HASH_BYTES + 8, CXV_HASH_BYTES);
	return CXV_OK;
}

static int
position_set(struct cxv_store *st, const struct position *pos)
{
	uint8_t m[META_LEN];
	int i;

	memcpy(m, pos->id, CXV_HASH_BYTES);
	for (i = 0; i < 8; i++)
		m[CXV_HASH_BYTES + i] = (uint8_t)(pos->off >> (8 * i));
	memcpy(m + CXV_HASH_BYTES + 8, pos->prev, CXV_HASH_BYTES);
	return cxv_store_meta_set(st, META_KEY, m, sizeof(m));
}

/*
 * One line (without its NL) into its parts and its mac's hex;
 * CXV_ERR_CORRUPT if it is not one.
 */
static int
split_line(char *line, char *parts[PARTS], const char **machex)
{
	char *p = line, *tab;
	int i;

	for (i = 0; i < PARTS; i++) {
		if ((tab = strchr(p, '\t')) == NULL)
			return CXV_ERR_CORRUPT;
		*tab = '\0';
		parts[i] = p;
		p = tab + 1;
	}
	*machex = p;
	return strlen(p) == HEX_LEN ? CXV_OK : CXV_ERR_CORRUPT;
}

/* A line that is not what was written: the trail says so. */
static int
record_break(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_tail *tail, uint64_t off)
{
	char where[32];
	const struct cxv_audit_event ev = { "vault", "audit.journal.broken",
	    "journal", where, "", 0 };

	snprintf(where, sizeof(where), "%llu", (unsigned long long)off);
	CXV_LOG(CXV_LOG_ERROR, "audit.journal.broken", CXV_LF("offset", where));
	return cxv_audit_append_next(st, kr, tail, &ev);
}

/* Move one verified line into the trail (or record that it is broken). */
static int
move_line(struct cxv_store *st, const struct cxv_keyring *kr, char *line,
    struct position *pos, struct cxv_audit_tail *tail)
{
	uint8_t mac[CXV_HASH_BYTES], want[CXV_HASH_BYTES];
	char *parts[PARTS], wanthex[HEX_LEN + 1];
	const char *machex;
	long long ts = 0;
	struct cxv_audit_event ev;
	int r;

	if (split_line(line, parts, &machex) != CXV_OK ||
	    cxv_strtonum(parts[0], 1, INT64_MAX, &ts) != CXV_OK)
		return record_break(st, kr, tail, pos->off);
	line_mac(kr, pos->prev, (const char *const *)parts, want);
	cxv_hex(want, CXV_HASH_BYTES, wanthex);
	/* The hex as appends write it compares as text (decoding it costs
	 * more than the mac); any other is decoded, and the chain goes on
	 * from the mac the line holds, so one altered line breaks once. */
	if (sodium_memcmp(machex, wanthex, HEX_LEN) != 0) {
		if (cxv_unhex(machex, mac, CXV_HASH_BYTES) != CXV_OK)
			return record_break(st, kr, tail, pos->off);
		memcpy(pos->prev, mac, CXV_HASH_BYTES);
		if (sodium_memcmp(mac, want, CXV_HASH_BYTES) != 0)
			return record_break(st, kr, tail, pos->off);
	} else
		memcpy(pos->prev, want, CXV_HASH_BYTES);
	ev = (struct cxv_audit_event){ parts[1], parts[2], parts[3], parts[4],
	    parts[5], ts };
	/* A line the trail refuses was altered (appends check the texts). */
	if ((r = cxv_audit_append_next(st, kr, tail, &ev)) == CXV_ERR_INVALID)
		r = record_break(st, kr, tail, pos->off);
	return r;
}

/* Complete lines of buf[0..len) from pos on; *used bytes consumed. */
static int
move_lines(struct cxv_store *st, const struct cxv_keyring *kr, char *buf,
    size_t len, struct position *pos, struct cxv_audit_tail *tail,
    size_t *nlines)
{
	char *p = buf, *nl;
	int r;

	while (*nlines < MOVE_LINES &&
	    (nl = memchr(p, '\n', len - (size_t)(p - buf))) != NULL) {
		*nl = '\0';
		if ((r = move_line(st, kr, p, pos, tail)) != CXV_OK)
			return r;
		pos->off += (uint64_t)(nl + 1 - p);
		p = nl + 1;
		(*nlines)++;
	}
	return CXV_OK;
}

/*
 * One transaction: the lines of fd after the stored position, at most
 * MOVE_LINES. *more says whether lines may be left; *end is the offset
 * moved to.
 */
static int
move_some(int fd, struct cxv_store *st, const struct cxv_keyring *kr,
    int *more, uint64_t *end)
{
	struct position pos;
	struct cxv_audit_tail tail = { 0 };	/* of this transaction */
	uint8_t id[CXV_HASH_BYTES];
	char *buf;
	size_t nlines = 0;
	ssize_t got;
	int r;

	*more = 0;
	if (read_header(fd, id) != CXV_OK)
		return CXV_OK;		/* none yet, or being started over */
	if ((buf = malloc(READ_BYTES)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_store_begin(st)) != CXV_OK) {
		free(buf);
		return r;
	}
	r = position_get(st, &pos);
	if (r == CXV_ERR_NOT_FOUND || (r == CXV_OK &&
	    sodium_memcmp(pos.id, id, CXV_HASH_BYTES) != 0)) {
		memcpy(pos.id, id, CXV_HASH_BYTES);
		memcpy(pos.prev, id, CXV_HASH_BYTES);
		pos.off = HEADER_LEN;
		r = CXV_OK;
	}
	while (r == CXV_OK && nlines < MOVE_LINES && (got = pread(fd, buf,
	    READ_BYTES, (off_t)pos.off)) > 0) {
		uint64_t at = pos.off;

		r = move_lines(st, kr, buf, (size_t)got, &pos, &tail, &nlines);
		if (r == CXV_OK && pos.off == at && (size_t)got >= JLINE_MAX) {
			/* No line ends where one must: not written by us. */
			r = record_break(st, kr, &tail, pos.off);
			pos.off += (uint64_t)got;
			nlines++;
		} else if (pos.off == at)
			break;		/* a line being written */
		*more = nlines == MOVE_LINES;
	}
	free(buf);
	if (r == CXV_OK && nlines > 0 && (r = position_set(st, &pos)) == CXV_OK)
		r = cxv_store_commit(st);
	else
		cxv_store_rollback(st);
	*end = pos.off;
	return r;
}

/* Everything moved; *end the offset reached. A shared lock: no restart. */
static int
move_all(int fd, struct cxv_store *st, const struct cxv_keyring *kr,
    uint64_t *end)
{
	int more = 1, r = CXV_OK;

	(void)flock(fd, LOCK_SH);
	while (r == CXV_OK && more)
		r = move_some(fd, st, kr, &more, end);
	(void)flock(fd, LOCK_UN);
	return r;
}

int
cxv_journal_move_file(const char *path, struct cxv_store *st,
    const struct cxv_keyring *kr)
{
	uint64_t end = 0;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? CXV_OK : CXV_ERR_IO;
	r = move_all(fd, st, kr, &end);
	close(fd);
	return r;
}

/*
 * Move all; start the file over if all is moved, it is at least trim
 * bytes long and nobody else reads it.
 */
static int
move_and_trim(struct cxv_journal *j, struct cxv_store *st, off_t trim)
{
	uint64_t end = 0;
	int r;

	pthread_mutex_lock(&j->mu);
	j->pending = 0;
	pthread_mutex_unlock(&j->mu);
	if ((r = move_all(j->fd, st, j->kr, &end)) != CXV_OK)
		return r;
	pthread_mutex_lock(&j->mu);
	if ((off_t)end == j->size && j->size >= trim &&
	    flock(j->fd, LOCK_EX | LOCK_NB) == 0) {
		r = restart(j);
		(void)flock(j->fd, LOCK_UN);
	}
	pthread_mutex_unlock(&j->mu);
	return r;
}

int
cxv_journal_move(struct cxv_journal *j, struct cxv_store *st)
{
	return move_and_trim(j, st, TRIM_BYTES);
}

int
cxv_journal_open(const char *path, struct cxv_store *st,
    const struct cxv_keyring *kr, struct cxv_journal **out)
{
	struct cxv_journal *j;
	uint64_t end = 0;
	int r;

	*out = NULL;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return CXV_ERR_NOMEM;
	j->kr = kr;
	if ((j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0) {
		free(j);
		return CXV_ERR_IO;
	}
	/* One appender: its chain is the file's (an OFD lock, not flock). */
	if (fcntl(j->fd, F_OFD_SETLK, &(struct flock){ .l_type = F_WRLCK,
	    .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 }) != 0) {
		close(j->fd);
		free(j);
		return CXV_ERR_BUSY;
	}
	if ((r = move_all(j->fd, st, kr, &end)) == CXV_OK) {
		(void)flock(j->fd, LOCK_EX);
		r = restart(j);
		(void)flock(j->fd, LOCK_UN);
	}
	if (r != CXV_OK ||
	    pthread_mutex_init(&j->mu, NULL) != 0 ||
	    pthread_cond_init(&j->cv, NULL) != 0) {
		close(j->fd);
		free(j);
		return r != CXV_OK ? r : CXV_ERR_NOMEM;
	}
	*out = j;
	return CXV_OK;
}

int
cxv_journal_append(struct cxv_journal *j, const struct cxv_audit_event *ev)
{
	char line[JLINE_MAX], ts[CXV_INT_STR];
	uint8_t mac[CXV_HASH_BYTES];
	const char *parts[PARTS];
	size_t n = 0, len;
	int i, r;

	if (ev->object_id == NULL || !cxv_audit_event_valid(ev))
		return CXV_ERR_INVALID;
	(void)cxv_fmt_int(ts, sizeof(ts), "", ev->ts_ms != 0 ? ev->ts_ms :
	    cxv_now_ms());
	parts[0] = ts;
	parts[1] = ev->actor;
	parts[2] = ev->action;
	parts[3] = ev->object_type;
	parts[4] = ev->object_id;
	parts[5] = ev->fields;
	/* Each text is checked to CXV_AUDIT_TEXT_MAX: JLINE_MAX holds all. */
	for (i = 0; i < PARTS; i++) {
		len = strlen(parts[i]);
		memcpy(line + n, parts[i], len);
		n += len;
		line[n++] = '\t';
	}
	pthread_mutex_lock(&j->mu);
	line_mac(j->kr, j->prev, parts, mac);
	cxv_hex(mac, CXV_HASH_BYTES, line + n);
	n += HEX_LEN;
	line[n++] = '\n';
	if ((r = cxv_write_all(j->fd, line, n)) == CXV_OK) {
		memcpy(j->prev, mac, CXV_HASH_BYTES);
		j->size += (off_t)n;
		if (j->pending++ == 0)
			pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
	return r;
}

/* The mover: woken by the first line, gathers more, moves them all. */
static void *
mover(void *arg)
{
	struct cxv_journal *j = arg;
	const struct timespec gather = { 0, GATHER_MS * 1000000L };
	int r;

	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		if (j->pending == 0) {
			pthread_cond_wait(&j->cv, &j->mu);
			continue;
		}
		pthread_mutex_unlock(&j->mu);
		nanosleep(&gather, NULL);
		if ((r = cxv_journal_move(j, j->st)) != CXV_OK)
			CXV_LOG(CXV_LOG_ERROR, "audit.journal.move",
			    CXV_LF("result", cxv_errcode(r)));
		pthread_mutex_lock(&j->mu);
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

int
cxv_journal_start(struct cxv_journal *j, struct cxv_store *st)
{
	j->st = st;
	cxv_store_set_trail_only(st);	/* sessions read stay current */
	if (pthread_create(&j->thread, NULL, mover, j) != 0)
		return CXV_ERR_NOMEM;
	j->running = 1;
	return CXV_OK;
}

void
cxv_journal_close(struct cxv_journal *j)
{
	int r;

	if (j == NULL)
		return;
	if (j->running) {
		pthread_mutex_lock(&j->mu);
		j->stop = 1;
		pthread_cond_signal(&j->cv);
		pthread_mutex_unlock(&j->mu);
		pthread_join(j->thread, NULL);
		/* All in the trail: the file need not keep a line. */
		if ((r = move_and_trim(j, j->st, 0)) != CXV_OK)
			CXV_LOG(CXV_LOG_ERROR, "audit.journal.move",
			    CXV_LF("result", cxv_errcode(r)));
	}
	close(j->fd);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}
