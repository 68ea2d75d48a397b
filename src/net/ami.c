/* SPDX-License-Identifier: Apache-2.0 */
/* The Asterisk Manager Interface client; see ami.h. */
#include "net/ami.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "core/config.h"
#include "core/log.h"
#include "ingest/cdr_format.h"
#include "net/tls_client.h"
#include "records/cdr.h"
#include "records/interaction.h"
#include "records/vault.h"
#include "store/store.h"

#define IO_TIMEOUT_MS	10000
#define QUIET_MS	20000	/* a Ping after this long without a byte */
#define MSG_MAX		(CXV_IMPORT_LINE_MAX + 1024)	/* one message */
#define SECRET_MAX	256
#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	60000
#define SEEN_SAVE_MS	30000	/* how stale the kept "seen" may be */
#define GAPS_KEPT	16
#define STATE_MAX	4096
/*
 * A gap reaches this far beyond what is known: an event in flight when
 * the connection broke, and the PBX's clock against the vault's.
 */
#define GAP_MARGIN_MS	60000

/* fill()'s own results beside the CXV_ERR_ codes. */
enum { R_QUIET = -1, R_STOP = -2 };

enum state { S_NEVER, S_UP, S_DOWN, S_LOGIN_FAILED };
static const char *const state_names[] = { "never", "up", "down",
    "login_failed" };

struct gap {
	int64_t from, to;	/* to 0: still open */
};

struct feed {
	struct cxv_ami *owner;
	struct cxv_source src;
	char *secret;		/* sodium_malloc'd, NUL-terminated */
	struct cxv_vault *v;	/* the thread's own clone */
	pthread_t thread;
	int started;
	/* The connection. */
	int fd;
	gnutls_session_t s;
	char buf[MSG_MAX];
	size_t len;
	/* What is kept in the vault (ami.NAME). */
	enum state state;
	int64_t since, seen, seen_saved;
	uint64_t stored, duplicates, skipped, rejected;
	struct gap gaps[GAPS_KEPT];
	size_t ngaps;
	struct cxv_cdr_own cdr;
};

struct cxv_ami {
	struct feed feeds[CXV_SOURCES_MAX];
	size_t n;
	struct cxv_tls_client *tls;
	int wake[2];		/* a byte here: stop */
	atomic_int stop;
};

/* ---- The state kept in the vault ---------------------------------- */

static void
meta_key(const char *source, char out[CXV_SOURCE_NAME_MAX + 8])
{
	snprintf(out, CXV_SOURCE_NAME_MAX + 8, "ami.%s", source);
}

static json_t *
iso(int64_t ms)
{
	char t[CXV_TIME_STR];

	if (ms == 0)
		return json_null();
	cxv_time_format(ms, t);
	return json_string(t);
}

static json_t *
state_json(const struct feed *f)
{
	json_t *gaps = json_array(), *g;
	size_t i;

	for (i = 0; i < f->ngaps; i++) {
		g = json_pack("{s:o}", "from", iso(f->gaps[i].from));
		if (g != NULL && f->gaps[i].to != 0)
			json_object_set_new(g, "to", iso(f->gaps[i].to));
		json_array_append_new(gaps, g);
	}
	return json_pack("{s:s,s:o,s:o,s:I,s:I,s:I,s:I,s:o}",
	    "state", state_names[f->state], "since", iso(f->since),
	    "seen", iso(f->seen), "stored", (json_int_t)f->stored,
	    "duplicates", (json_int_t)f->duplicates,
	    "skipped", (json_int_t)f->skipped,
	    "rejected", (json_int_t)f->rejected, "gaps", gaps);
}

static int
put_state(struct cxv_vault *v, const struct feed *f)
{
	char key[CXV_SOURCE_NAME_MAX + 8];
	json_t *j = state_json(f);
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	int r = CXV_ERR_NOMEM;

	meta_key(f->src.name, key);
	if (text != NULL)
		r = cxv_store_meta_set(cxv_vault_store(v), key,
		    (const uint8_t *)text, strlen(text));
	free(text);
	json_decref(j);
	return r;
}

static int
put_locked(struct cxv_vault *v, void *arg)
{
	return put_state(v, arg);
}

static void
save_state(struct feed *f)
{
	int r = cxv_vault_in_txn(f->v, put_locked, f);

	if (r != CXV_OK)
		CXV_LOG(CXV_LOG_WARN, "ami.state", CXV_LF("source",
		    f->src.name), CXV_LF("result", cxv_errcode(r)));
	else
		f->seen_saved = f->seen;
}

static json_t *
load_json(struct cxv_vault *v, const char *source)
{
	char key[CXV_SOURCE_NAME_MAX + 8];
	uint8_t buf[STATE_MAX];
	size_t len = 0;

	meta_key(source, key);
	if (cxv_store_meta_get(cxv_vault_store(v), key, buf, sizeof(buf),
	    &len) != CXV_OK)
		return NULL;
	return json_loadb((const char *)buf, len, 0, NULL);
}

static int64_t
ms_of(const json_t *j)
{
	int64_t ms = 0;

	return json_is_string(j) && cxv_time_parse(json_string_value(j), &ms)
	    == CXV_OK ? ms : 0;
}

static void gap_open(struct feed *f);

/* What an earlier run kept: counts, gaps, and since when it knows. */
static void
load_state(struct feed *f)
{
	json_t *j = load_json(f->v, f->src.name), *g;
	size_t i;

	if (j == NULL)
		return;
	f->stored = (uint64_t)json_integer_value(json_object_get(j, "stored"));
	f->duplicates = (uint64_t)json_integer_value(json_object_get(j,
	    "duplicates"));
	f->skipped = (uint64_t)json_integer_value(json_object_get(j,
	    "skipped"));
	f->rejected = (uint64_t)json_integer_value(json_object_get(j,
	    "rejected"));
	f->seen = ms_of(json_object_get(j, "seen"));
	json_array_foreach(json_object_get(j, "gaps"), i, g) {
		if (f->ngaps == GAPS_KEPT)
			break;
		f->gaps[f->ngaps++] = (struct gap){ ms_of(json_object_get(g,
		    "from")), ms_of(json_object_get(g, "to")) };
	}
	json_decref(j);
	gap_open(f);	/* since the last run knew it complete */
}

/* The feed is complete up to f->seen, and no longer (log, vault). */
static void
gap_open(struct feed *f)
{
	char from[CXV_TIME_STR];

	if (f->seen == 0 || (f->ngaps > 0 && f->gaps[f->ngaps - 1].to == 0))
		return;		/* never complete, or already open */
	if (f->ngaps == GAPS_KEPT)
		memmove(f->gaps, f->gaps + 1, --f->ngaps * sizeof(f->gaps[0]));
	f->gaps[f->ngaps++] = (struct gap){ f->seen - GAP_MARGIN_MS, 0 };
	cxv_time_format(f->seen - GAP_MARGIN_MS, from);
	CXV_LOG(CXV_LOG_WARN, "ami.gap", CXV_LF("source", f->src.name),
	    CXV_LF("from", from), CXV_LF("hint", "calls that end from then "
	    "until the feed is back may be missing: import cdr "
	    "--ended-from/--ended-to from the PBX's Master.csv"));
}

static void
gap_close(struct feed *f, int64_t now)
{
	char from[CXV_TIME_STR], to[CXV_TIME_STR];
	struct gap *g = f->ngaps > 0 ? &f->gaps[f->ngaps - 1] : NULL;

	if (g == NULL || g->to != 0)
		return;
	g->to = now + GAP_MARGIN_MS;
	cxv_time_format(g->from, from);
	cxv_time_format(g->to, to);
	CXV_LOG(CXV_LOG_WARN, "ami.gap", CXV_LF("source", f->src.name),
	    CXV_LF("from", from), CXV_LF("to", to), CXV_LF("hint",
	    "import cdr --ended-from FROM --ended-to TO of the PBX's "
	    "Master.csv fills it"));
}

static void
set_state(struct feed *f, enum state st, const char *why)
{
	int64_t now = cxv_now_ms();

	if (st == S_UP)
		gap_close(f, now);
	else
		gap_open(f);
	if (st != f->state)
		f->since = now;
	if (st == S_UP)
		f->seen = now;
	if (st != f->state || st == S_UP)
		CXV_LOG(st == S_UP ? CXV_LOG_INFO : CXV_LOG_WARN, "ami.state",
		    CXV_LF("source", f->src.name), CXV_LF("state",
		    state_names[st]), CXV_LF("why", why));
	f->state = st;
	save_state(f);
}

json_t *
cxv_ami_state(struct cxv_vault *v)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	json_t *out = json_object(), *j;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < cfg->nsources; i++) {
		if (cfg->sources[i].ami_text[0] == '\0')
			continue;
		if ((j = load_json(v, cfg->sources[i].name)) == NULL)
			j = json_pack("{s:s}", "state", "never");
		json_object_set_new(out, cfg->sources[i].name, j);
	}
	return out;
}

/* ---- The connection ------------------------------------------------- */

static void
hang_up(struct feed *f)
{
	cxv_tls_client_hang_up(&f->s, &f->fd);
	sodium_memzero(f->buf, f->len);
	f->len = 0;
}

static int
dial(struct feed *f, const char **why)
{
	int r;

	*why = "cannot connect";
	if ((f->fd = cxv_net_dial(f->src.ami_host, f->src.ami_port,
	    IO_TIMEOUT_MS)) < 0)
		return CXV_ERR_IO;
	if (f->src.ami_tls && (r = cxv_tls_client_connect(f->owner->tls,
	    f->fd, f->src.ami_host, IO_TIMEOUT_MS, &f->s, why)) != CXV_OK) {
		hang_up(f);
		return r;
	}
	return CXV_OK;
}

static int
send_text(struct feed *f, const char *m, size_t len)
{
	size_t off = 0;
	ssize_t w;

	while (off < len) {
		w = f->s != NULL ? gnutls_record_send(f->s, m + off, len - off) :
		    write(f->fd, m + off, len - off);
		if (f->s != NULL ? w == GNUTLS_E_AGAIN ||
		    w == GNUTLS_E_INTERRUPTED : w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return CXV_ERR_IO;
		off += (size_t)w;
	}
	return CXV_OK;
}

/*
 * More bytes into f->buf, waiting at most ms; R_QUIET if none
 * came, CXV_ERR_IO if the connection ended, R_STOP to stop.
 */
static int
fill(struct feed *f, int ms)
{
	struct pollfd p[2] = { { f->fd, POLLIN, 0 },
	    { f->owner->wake[0], POLLIN, 0 } };
	ssize_t n;

	if (f->len == sizeof(f->buf))
		return CXV_ERR_TOO_LARGE;
	if (f->s == NULL || gnutls_record_check_pending(f->s) == 0) {
		if (poll(p, 2, ms) < 0 && errno != EINTR)
			return CXV_ERR_IO;
		if (atomic_load(&f->owner->stop))
			return R_STOP;
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			return R_QUIET;
	}
	do {
		n = f->s != NULL ? gnutls_record_recv(f->s, f->buf + f->len,
		    sizeof(f->buf) - f->len) : read(f->fd, f->buf + f->len,
		    sizeof(f->buf) - f->len);
	} while (f->s != NULL ? n == GNUTLS_E_AGAIN ||
	    n == GNUTLS_E_INTERRUPTED : n < 0 && errno == EINTR);
	if (n <= 0)
		return CXV_ERR_IO;
	f->len += (size_t)n;
	return CXV_OK;
}

/* The length of the first message in f->buf with its blank line, 0 if none yet. */
static size_t
framed(const struct feed *f, const char *end_mark)
{
	const char *e = memmem(f->buf, f->len, end_mark, strlen(end_mark));

	return e != NULL ? (size_t)(e - f->buf) + strlen(end_mark) : 0;
}

/*
 * The next message (a line for the banner: end_mark "\r\n") into msg,
 * its length without the end mark in *len; R_QUIET after ms.
 */
static int
next_message(struct feed *f, const char *end_mark, int ms, char *msg,
    size_t *len)
{
	size_t n;
	int r;

	while ((n = framed(f, end_mark)) == 0)
		if ((r = fill(f, ms)) != CXV_OK)
			return r;
	*len = n - strlen(end_mark);
	memcpy(msg, f->buf, *len);
	msg[*len] = '\0';
	memmove(f->buf, f->buf + n, f->len - n);
	f->len -= n;
	sodium_memzero(f->buf + f->len, n);	/* the copy left behind */
	return CXV_OK;
}

/* The value of header name in a message, into out (cap bytes); 0 if none. */
static int
header(const char *msg, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name), v;
	const char *p = msg;

	for (; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n') {
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		p += *p == ' ';
		v = strcspn(p, "\r\n");
		if (v >= cap)
			return 0;
		memcpy(out, p, v);
		out[v] = '\0';
		return 1;
	}
	return 0;
}

/* The response to the action with id, skipping events before it. */
static int
response(struct feed *f, const char *id, char *msg, char *status,
    size_t cap)
{
	char got[32];
	size_t len;
	int r;

	do {
		if ((r = next_message(f, "\r\n\r\n", IO_TIMEOUT_MS, msg, &len))
		    != CXV_OK)
			return r;
	} while (!header(msg, "ActionID", got, sizeof(got)) ||
	    strcmp(got, id) != 0);
	if (!header(msg, "Response", status, cap))
		*status = '\0';
	return CXV_OK;
}

/* md5(challenge secret) in hex, as manager.c authenticate() checks it. */
static int
md5_key(const char *challenge, const char *secret, char hex[33])
{
	gnutls_hash_hd_t h;
	uint8_t digest[16];

	if (gnutls_hash_init(&h, GNUTLS_DIG_MD5) < 0)
		return CXV_ERR_CRYPTO;
	if (gnutls_hash(h, challenge, strlen(challenge)) < 0 ||
	    gnutls_hash(h, secret, strlen(secret)) < 0) {
		gnutls_hash_deinit(h, NULL);
		return CXV_ERR_CRYPTO;
	}
	gnutls_hash_deinit(h, digest);
	cxv_hex(digest, sizeof(digest), hex);
	sodium_memzero(digest, sizeof(digest));
	return CXV_OK;
}

/*
 * Log in, asking for CDR events only. The MD5 challenge if the server
 * offers it; else the secret itself, which only TLS or loopback carry.
 */
static int
login(struct feed *f, char *msg, const char **why)
{
	static const char ask[] = "Action: Challenge\r\nActionID: cxv-c\r\n"
	    "AuthType: MD5\r\n\r\n";
	char status[32], challenge[64], key[33] = "", *action;
	size_t len;
	int r, n = 0;

	*why = "no manager banner";
	if ((r = next_message(f, "\r\n", IO_TIMEOUT_MS, msg, &len)) != CXV_OK)
		return r;
	if (strncmp(msg, "Asterisk Call Manager/", 22) != 0)
		return CXV_ERR_INVALID;
	*why = "no answer to the challenge";
	if ((r = send_text(f, ask, sizeof(ask) - 1)) != CXV_OK ||
	    (r = response(f, "cxv-c", msg, status, sizeof(status))) != CXV_OK)
		return r;
	if ((action = sodium_malloc(SECRET_MAX + 256)) == NULL)
		return CXV_ERR_NOMEM;
	if (strcasecmp(status, "Success") == 0 &&
	    header(msg, "Challenge", challenge, sizeof(challenge))) {
		if ((r = md5_key(challenge, f->secret, key)) == CXV_OK)
			n = snprintf(action, SECRET_MAX + 256, "Action: Login\r\n"
			    "ActionID: cxv-l\r\nAuthType: MD5\r\nUsername: %s\r\n"
			    "Key: %s\r\nEvents: cdr\r\n\r\n", f->src.ami_user,
			    key);
	} else
		n = snprintf(action, SECRET_MAX + 256, "Action: Login\r\n"
		    "ActionID: cxv-l\r\nUsername: %s\r\nSecret: %s\r\n"
		    "Events: cdr\r\n\r\n", f->src.ami_user, f->secret);
	*why = "login refused";
	if (r == CXV_OK)
		r = send_text(f, action, (size_t)n);
	sodium_free(action);
	sodium_memzero(key, sizeof(key));
	if (r == CXV_OK && (r = response(f, "cxv-l", msg, status,
	    sizeof(status))) == CXV_OK && strcasecmp(status, "Success") != 0)
		r = CXV_ERR_AUTH;
	return r;
}

/* ---- Events ------------------------------------------------------- */

struct add {
	struct feed *f;
	int64_t id;
	enum cxv_cdr_fate fate;
	const char *why;
};

/*
 * The record, and the feed's state with it in the same transaction: after
 * a crash, "seen" and the counts are exactly what was committed.
 */
static int
add_locked(struct cxv_vault *v, void *arg)
{
	struct add *a = arg;
	struct feed *f = a->f;
	int r;

	if ((r = cxv_interaction_add_cdr(v, &f->src, &f->cdr.c, NULL, &a->id,
	    &a->fate, &a->why)) != CXV_OK)
		return r;
	if (a->fate == CXV_CDR_DUPLICATE)
		f->duplicates++;
	else if (cxv_cdr_fate_skip_name(a->fate) != NULL)
		f->skipped++;
	else
		f->stored++;
	f->seen = cxv_now_ms();
	return put_state(v, f);
}

static void
reject_event(struct feed *f, const char *why)
{
	f->rejected++;
	CXV_LOG(CXV_LOG_WARN, "ami.reject", CXV_LF("source", f->src.name),
	    CXV_LF("why", why));
}

/*
 * Store one "Event: Cdr", committed before the next message is read.
 * Not CXV_OK only if the vault could not take it: the connection is then
 * dropped, so that the event falls in the gap.
 */
static int
take_cdr(struct feed *f, const char *msg, size_t len)
{
	struct add a = { f, 0, CXV_CDR_STORED, NULL };
	const uint64_t counts[3] = { f->stored, f->duplicates, f->skipped };
	int64_t seen = f->seen;
	int r;

	if (cxv_cdr_parse_ami(msg, len, &f->src, &f->cdr.c, &a.why) != CXV_OK) {
		reject_event(f, a.why);
		cxv_cdr_wipe(&f->cdr.c);
		return CXV_OK;
	}
	r = cxv_vault_in_txn(f->v, add_locked, &a);
	cxv_cdr_wipe(&f->cdr.c);
	if (r == CXV_OK) {
		f->seen_saved = f->seen;
		return CXV_OK;
	}
	/* Rolled back: so are the counts. */
	f->stored = counts[0];
	f->duplicates = counts[1];
	f->skipped = counts[2];
	f->seen = seen;
	if (r == CXV_ERR_INVALID || r == CXV_ERR_CONFLICT ||
	    r == CXV_ERR_TOO_LARGE) {
		reject_event(f, a.why != NULL ? a.why : cxv_errcode(r));
		return CXV_OK;
	}
	return r;
}

/* Read and store events until the connection ends or stop. */
static int
listen_events(struct feed *f, char *msg)
{
	static const char ping[] = "Action: Ping\r\nActionID: cxv-p\r\n\r\n";
	char ev[16];
	size_t len;
	int r, pinged = 0;

	for (;;) {
		r = next_message(f, "\r\n\r\n", QUIET_MS, msg, &len);
		if (r == R_QUIET && !pinged) {
			/* Quiet: is it still there? */
			if ((r = send_text(f, ping, sizeof(ping) - 1)) != CXV_OK)
				return r;
			pinged = 1;
			continue;
		}
		if (r != CXV_OK)
			return r;
		pinged = 0;
		if (header(msg, "Event", ev, sizeof(ev)) &&
		    strcasecmp(ev, "Cdr") == 0) {
			if ((r = take_cdr(f, msg, len)) != CXV_OK)
				return r;  /* complete up to the one before */
		} else
			f->seen = cxv_now_ms();
		sodium_memzero(msg, len);
		if (f->seen - f->seen_saved >= SEEN_SAVE_MS)
			save_state(f);
	}
}

/* Wait ms or until stop; 1 if stopping. */
static int
pause_ms(struct feed *f, int ms)
{
	struct pollfd p = { f->owner->wake[0], POLLIN, 0 };

	(void)poll(&p, 1, ms);
	return atomic_load(&f->owner->stop);
}

static void *
run(void *arg)
{
	struct feed *f = arg;
	int backoff = BACKOFF_MIN_MS, r;
	const char *why;
	char *msg;

	if ((msg = malloc(MSG_MAX + 1)) == NULL)
		return NULL;
	load_state(f);
	while (!atomic_load(&f->owner->stop)) {
		if ((r = dial(f, &why)) == CXV_OK && (r = login(f, msg, &why)) ==
		    CXV_OK) {
			backoff = BACKOFF_MIN_MS;
			set_state(f, S_UP, "logged in");
			r = listen_events(f, msg);
			why = r == R_STOP ? "stopping" : "connection lost";
		}
		hang_up(f);
		if (r == R_STOP)
			break;
		set_state(f, r == CXV_ERR_AUTH ? S_LOGIN_FAILED : S_DOWN, why);
		if (pause_ms(f, backoff))
			break;
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
		    backoff * 2;
	}
	if (f->state == S_UP)
		set_state(f, S_DOWN, "stopping");
	sodium_memzero(msg, MSG_MAX + 1);
	free(msg);
	return NULL;
}

/* ---- Life ------------------------------------------------------------ */

/* The secret: the file's first line, into secure memory. */
static int
read_secret(struct feed *f, char *why, size_t whylen)
{
	int fd = open(f->src.ami_secret_file, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0 && (f->secret = sodium_malloc(SECRET_MAX + 1)) != NULL)
		n = read(fd, f->secret, SECRET_MAX);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || n == SECRET_MAX) {
		snprintf(why, whylen, "source.%s.ami_secret_file: %s",
		    f->src.name, n == SECRET_MAX ? "longer than 255 bytes" :
		    n == 0 ? "empty" : strerror(errno));
		return CXV_ERR_INVALID;
	}
	f->secret[n] = '\0';
	f->secret[strcspn(f->secret, "\r\n")] = '\0';
	if (f->secret[0] == '\0') {
		snprintf(why, whylen, "source.%s.ami_secret_file: empty",
		    f->src.name);
		return CXV_ERR_INVALID;
	}
	return CXV_OK;
}

int
cxv_ami_new(struct cxv_vault *v, struct cxv_ami **out, char *why,
    size_t whylen)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct cxv_ami *a;
	struct feed *f;
	size_t i;
	int r = CXV_OK;

	*out = NULL;
	for (i = 0; i < cfg->nsources && cfg->sources[i].ami_text[0] == '\0';
	    i++)
		;
	if (i == cfg->nsources)
		return CXV_OK;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return CXV_ERR_NOMEM;
	a->wake[0] = a->wake[1] = -1;
	if (pipe2(a->wake, O_CLOEXEC) != 0)
		r = CXV_ERR_IO;
	if (r == CXV_OK)
		r = cxv_tls_client_new(cfg->tls_client_ca, &a->tls, why, whylen);
	for (i = 0; r == CXV_OK && i < cfg->nsources; i++) {
		if (cfg->sources[i].ami_text[0] == '\0')
			continue;
		f = &a->feeds[a->n++];
		f->owner = a;
		f->fd = -1;
		f->src = cfg->sources[i];
		(void)cxv_cdr_own_init(&f->cdr);
		if ((r = read_secret(f, why, whylen)) == CXV_OK &&
		    (r = cxv_vault_clone(v, &f->v)) != CXV_OK)
			snprintf(why, whylen, "database handle: %s",
			    cxv_strerror(r));
	}
	if (r != CXV_OK) {
		cxv_ami_free(a);
		return r;
	}
	*out = a;
	return CXV_OK;
}

int
cxv_ami_start(struct cxv_ami *a)
{
	size_t i;

	for (i = 0; a != NULL && i < a->n; i++) {
		if (pthread_create(&a->feeds[i].thread, NULL, run,
		    &a->feeds[i]) != 0)
			return CXV_ERR_NOMEM;
		a->feeds[i].started = 1;
	}
	return CXV_OK;
}

void
cxv_ami_free(struct cxv_ami *a)
{
	size_t i;

	if (a == NULL)
		return;
	atomic_store(&a->stop, 1);
	/* Closing the pipe's write end wakes every poll() on its read end. */
	if (a->wake[1] >= 0)
		close(a->wake[1]);
	a->wake[1] = -1;
	for (i = 0; i < a->n; i++) {
		struct feed *f = &a->feeds[i];

		if (f->started)
			pthread_join(f->thread, NULL);
		hang_up(f);
		if (f->secret != NULL)
			sodium_free(f->secret);
		cxv_vault_close(f->v);
	}
	cxv_tls_client_free(a->tls);
	if (a->wake[0] >= 0)
		close(a->wake[0]);
	free(a);
}
