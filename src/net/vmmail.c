/* SPDX-License-Identifier: Apache-2.0 */
/* Voicemail to email over SMTP with TLS; see vmmail.h. */
#include "net/vmmail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/config.h"
#include "core/log.h"
#include "net/tls_client.h"
#include "records/content.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/voicemail.h"
#include "records/worker.h"

#define BATCH		16		/* messages per run */
#define PAUSE_MS	60000LL		/* the first retry; doubles */
#define PAUSE_MAX_MS	3600000LL
#define TICK_S		5		/* the sender looks this often */
#define SECRET_MAX	1024

int
cxv_vmmail_config_check(const struct cxv_config *cfg, char *why,
    size_t whylen)
{
	if (cfg->smtp_url[0] == '\0')
		return CXV_OK;
	if (strncmp(cfg->smtp_url, "smtps://", 8) != 0 &&
	    strncmp(cfg->smtp_url, "smtp://", 7) != 0)
		snprintf(why, whylen, "smtp_url must be smtps://HOST[:PORT] or "
		    "smtp://HOST[:PORT] (STARTTLS)");
	else if (strchr(cfg->smtp_from, '@') == NULL)
		snprintf(why, whylen, "smtp_from must be an address");
	else if (cfg->smtp_user[0] != '\0' && cfg->smtp_password_file[0] == '\0')
		snprintf(why, whylen, "smtp_user needs smtp_password_file");
	else
		return CXV_OK;
	return CXV_ERR_INVALID;
}

/* The user's email address (an internal read; the send is audited). */
struct email {
	char addr[CXV_IDENT_MAX + 1];
};

static int
take_email(void *ctx, const char *name, const char *value)
{
	struct email *e = ctx;

	if (strcmp(name, "email") == 0)
		snprintf(e->addr, sizeof(e->addr), "%s", value);
	return CXV_OK;
}

static size_t
read_audio(char *buf, size_t size, size_t n, void *arg)
{
	size_t got = 0;

	if (cxv_content_read(arg, (uint8_t *)buf, size * n, &got) != CXV_OK)
		return CURL_READFUNC_ABORT;
	return got;
}

#define CODE_MAX	16

/* A short code for the user's page and the log, never personal. */
static void
curl_code(CURLcode c, long smtp, char code[CODE_MAX])
{
	const char *s;

	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
		s = "connect";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		s = "tls";
		break;
	case CURLE_USE_SSL_FAILED:
		s = "no_starttls";
		break;
	case CURLE_LOGIN_DENIED:
		s = "login";
		break;
	default:
		s = "io";
		break;
	}
	if (c != CURLE_OK && strcmp(s, "io") == 0 && smtp >= 400 && smtp < 600)
		snprintf(code, CODE_MAX, "smtp_%ld", smtp);
	else
		snprintf(code, CODE_MAX, "%s", s);
}

struct mail {
	CURL *curl;
	curl_mime *mime;
	struct curl_slist *rcpt, *hdrs;
	char *pw;
	size_t pwlen;
};

static void
mail_free(struct mail *m)
{
	curl_mime_free(m->mime);
	curl_slist_free_all(m->rcpt);
	curl_slist_free_all(m->hdrs);
	if (m->curl != NULL)
		curl_easy_cleanup(m->curl);
	if (m->pw != NULL)
		cxv_freezero(m->pw, m->pwlen + 1);
}

static int
add_header(struct curl_slist **l, const char *name, const char *value)
{
	char line[CXV_CONFIG_STR_MAX + 64];
	struct curl_slist *n;

	if ((size_t)snprintf(line, sizeof(line), "%s: %s", name, value) >=
	    sizeof(line))
		return CXV_ERR_TOO_LARGE;
	if ((n = curl_slist_append(*l, line)) == NULL)
		return CXV_ERR_NOMEM;
	*l = n;
	return CXV_OK;
}

/* The message: headers, a line of text, the audio streamed from rd. */
static int
compose(struct mail *m, const struct cxv_config *cfg, const char *to,
    const struct cxv_content_info *info, struct cxv_content_reader *rd)
{
	char when[CXV_TIME_STR], text[160], date[64], name[48];
	curl_mimepart *p;
	time_t now = time(NULL);
	struct tm tm;

	cxv_time_format(info->created_ms, when);
	snprintf(text, sizeof(text), "A new voicemail message arrived at %s "
	    "(UTC). The recording is attached.\r\n", when);
	snprintf(name, sizeof(name), "voicemail-%lld.wav",
	    (long long)info->id);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((m->mime = curl_mime_init(m->curl)) == NULL ||
	    (p = curl_mime_addpart(m->mime)) == NULL ||
	    curl_mime_data(p, text, CURL_ZERO_TERMINATED) != CURLE_OK ||
	    curl_mime_type(p, "text/plain; charset=utf-8") != CURLE_OK ||
	    (p = curl_mime_addpart(m->mime)) == NULL ||
	    curl_mime_data_cb(p, (curl_off_t)info->size, read_audio, NULL, NULL,
	    rd) != CURLE_OK || curl_mime_type(p, "audio/wav") != CURLE_OK ||
	    curl_mime_filename(p, name) != CURLE_OK ||
	    curl_mime_encoder(p, "base64") != CURLE_OK)
		return CXV_ERR_NOMEM;
	if (add_header(&m->hdrs, "From", cfg->smtp_from) != CXV_OK ||
	    add_header(&m->hdrs, "To", to) != CXV_OK ||
	    add_header(&m->hdrs, "Subject", "New voicemail message") != CXV_OK ||
	    add_header(&m->hdrs, "Date", date) != CXV_OK ||
	    (m->rcpt = curl_slist_append(NULL, to)) == NULL)
		return CXV_ERR_NOMEM;
	return CXV_OK;
}

/* The connection: TLS checked, STARTTLS required, the login if any. */
static int
connection(struct mail *m, const struct cxv_config *cfg)
{
	if (cxv_tls_client_curl(cfg->tls_client_ca, m->curl) != CXV_OK ||
	    curl_easy_setopt(m->curl, CURLOPT_URL, cfg->smtp_url) != CURLE_OK ||
	    curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps") !=
	    CURLE_OK || curl_easy_setopt(m->curl, CURLOPT_USE_SSL,
	    (long)CURLUSESSL_ALL) != CURLE_OK ||
	    curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT, 10L) != CURLE_OK ||
	    curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, 300L) != CURLE_OK ||
	    curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(m->curl, CURLOPT_MAIL_FROM, cfg->smtp_from) !=
	    CURLE_OK)
		return CXV_ERR_INVALID;
	if (cfg->smtp_user[0] == '\0')
		return CXV_OK;
	if (cxv_read_file(cfg->smtp_password_file, SECRET_MAX, &m->pw,
	    &m->pwlen) != CXV_OK)
		return CXV_ERR_INVALID;
	while (m->pwlen > 0 && (m->pw[m->pwlen - 1] == '\n' ||
	    m->pw[m->pwlen - 1] == '\r'))
		m->pw[--m->pwlen] = '\0';
	if (curl_easy_setopt(m->curl, CURLOPT_USERNAME, cfg->smtp_user) !=
	    CURLE_OK || curl_easy_setopt(m->curl, CURLOPT_PASSWORD, m->pw) !=
	    CURLE_OK)
		return CXV_ERR_INVALID;
	return CXV_OK;
}

/* Send content info to the address to; *code names a failure. */
static int
send_one(const struct cxv_config *cfg, const char *to,
    const struct cxv_content_info *info, struct cxv_content_reader *rd,
    char code[CODE_MAX])
{
	struct mail m;
	CURLcode c;
	long smtp = 0;
	int r;

	memset(&m, 0, sizeof(m));
	snprintf(code, CODE_MAX, "setup");
	if ((m.curl = curl_easy_init()) == NULL) {
		r = CXV_ERR_NOMEM;
		goto out;
	}
	if ((r = connection(&m, cfg)) != CXV_OK ||
	    (r = compose(&m, cfg, to, info, rd)) != CXV_OK)
		goto out;
	if (curl_easy_setopt(m.curl, CURLOPT_MAIL_RCPT, m.rcpt) != CURLE_OK ||
	    curl_easy_setopt(m.curl, CURLOPT_HTTPHEADER, m.hdrs) != CURLE_OK ||
	    curl_easy_setopt(m.curl, CURLOPT_MIMEPOST, m.mime) != CURLE_OK) {
		r = CXV_ERR_INVALID;
		goto out;
	}
	c = curl_easy_perform(m.curl);
	(void)curl_easy_getinfo(m.curl, CURLINFO_RESPONSE_CODE, &smtp);
	curl_code(c, smtp, code);
	r = c == CURLE_OK ? CXV_OK : CXV_ERR_UNAVAILABLE;
 out:
	mail_free(&m);
	return r;
}

/* After a send: the outbox row, the audit, a deletion if wanted. */
struct outcome {
	struct cxv_outbox_row row;
	int delete_after;
	struct cxv_content_doomed doomed;
};

static int
outcome_locked(struct cxv_vault *v, void *arg)
{
	struct outcome *o = arg;
	struct cxv_store *st = cxv_vault_store(v);
	char id[24];
	int r;

	if ((r = cxv_store_outbox_update(st, &o->row)) != CXV_OK)
		return r;
	if (o->row.sent_ms == 0)
		return CXV_OK;
	snprintf(id, sizeof(id), "%lld", (long long)o->row.content_id);
	if ((r = cxv_vault_audit(v, "voicemail.mailed", "content", id,
	    "email,content")) != CXV_OK || !o->delete_after)
		return r;
	r = cxv_store_content_delete(st, o->row.content_id, cxv_content_doom,
	    &o->doomed);
	if (r == CXV_ERR_NOT_FOUND)
		return CXV_OK;
	return r == CXV_OK ? cxv_vault_audit(v, "content.delete", "content", id,
	    "mailed") : r;
}

static int64_t
pause_after(int attempts)
{
	int64_t p = PAUSE_MS;

	while (--attempts > 0 && p < PAUSE_MAX_MS)
		p *= 2;
	return p < PAUSE_MAX_MS ? p : PAUSE_MAX_MS;
}

/* Try one message and record what came of it. */
static int
deliver(struct cxv_vault *v, const struct cxv_outbox_row *row, int64_t now,
    struct cxv_vmmail_report *rep)
{
	struct cxv_content_reader *rd = NULL;
	struct cxv_content_info info;
	struct cxv_voicemail_settings set;
	struct outcome o;
	struct email e = { "" };
	char code[CODE_MAX] = "gone";
	int r;

	memset(&o, 0, sizeof(o));
	o.row = *row;
	o.row.attempts++;
	if ((r = cxv_voicemail_get(v, row->user_id, &set)) != CXV_OK &&
	    r != CXV_ERR_NOT_FOUND)
		return r;
	o.delete_after = set.delete_after;
	if (r == CXV_OK && (r = cxv_user_fields_internal(v, row->user_id,
	    take_email, &e)) == CXV_OK && e.addr[0] == '\0') {
		snprintf(code, sizeof(code), "no_email");
		r = CXV_ERR_INVALID;	/* retried: an address may come */
	} else if (r == CXV_OK && (r = cxv_content_open(v, row->content_id, &rd,
	    &info)) == CXV_OK) {
		r = send_one(cxv_vault_config(v), e.addr, &info, rd, code);
		cxv_content_close(rd);
	}
	if (r == CXV_OK) {
		o.row.sent_ms = now;
		o.row.last_error = "";
		rep->sent++;
	} else {
		/* A message gone or its user erased will not come back. */
		if (r == CXV_ERR_NOT_FOUND)
			o.row.attempts = CXV_VOICEMAIL_ATTEMPTS;
		else if (strcmp(code, "gone") == 0)
			snprintf(code, sizeof(code), "%s", cxv_errcode(r));
		o.row.next_ms = now + pause_after(o.row.attempts);
		o.row.last_error = code;
		rep->failed++;
		CXV_LOG(CXV_LOG_WARN, "voicemail.mail", CXV_LF("result", code));
	}
	sodium_memzero(&e, sizeof(e));
	r = cxv_vault_in_txn(v, outcome_locked, &o);
	cxv_content_doomed_unlink(v, &o.doomed);
	free(o.doomed.name);
	return r;
}

struct due {
	struct cxv_outbox_row rows[BATCH];
	size_t n;
};

static int
take_due(void *ctx, const struct cxv_outbox_row *row)
{
	struct due *d = ctx;

	d->rows[d->n] = *row;
	d->rows[d->n++].last_error = "";
	return CXV_OK;
}

int
cxv_vmmail_run(struct cxv_vault *v, int64_t now_ms,
    struct cxv_vmmail_report *rep)
{
	struct due d;
	size_t i;
	int r;

	memset(rep, 0, sizeof(*rep));
	if (cxv_vault_config(v)->smtp_url[0] == '\0')
		return CXV_ERR_INVALID;
	d.n = 0;
	if ((r = cxv_store_outbox_due(cxv_vault_store(v), now_ms,
	    CXV_VOICEMAIL_ATTEMPTS, BATCH, take_due, &d)) != CXV_OK)
		return r;
	for (i = 0; i < d.n && r == CXV_OK; i++)
		r = deliver(v, &d.rows[i], now_ms, rep);
	return r;
}

static void
send_due(struct cxv_vault *v, void *ctx)
{
	struct cxv_vmmail_report rep;

	(void)ctx;
	(void)cxv_vmmail_run(v, cxv_now_ms(), &rep);
}

int
cxv_vmmail_sender_start(struct cxv_vault *v, struct cxv_worker **out)
{
	*out = NULL;
	if (cxv_vault_config(v)->smtp_url[0] == '\0')
		return CXV_OK;
	return cxv_worker_start(v, "system:mail", 1000 * TICK_S, send_due, NULL,
	    out);
}
