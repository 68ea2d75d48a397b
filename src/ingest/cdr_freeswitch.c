/* SPDX-License-Identifier: Apache-2.0 */
/* FreeSWITCH mod_json_cdr documents into struct cxv_cdr, with jansson. */
#include "ingest/cdr_format.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include <jansson.h>

#include "base/err.h"
#include "base/util.h"
#include "records/cdr.h"

/* Variables kept, sealed, with the record (when present). */
static const char *const sealed_vars[] = {
	"caller_id_name", "caller_id_number", "destination_number",
	"effective_caller_id_name", "effective_caller_id_number", "context",
	"direction", "accountcode", "last_app", "last_arg", "hangup_cause",
	"sip_from_user", "sip_to_user", "sip_user_agent",
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Bytes that are not UTF-8 read as Latin-1 (what a percent-encoded name
 * from an old PBX is), in place: buf has room for cap bytes, *n grows.
 * 0 if they do not fit.
 */
static int
latin1(char *buf, size_t *n, size_t cap)
{
	size_t high = 0, i, j;

	for (i = 0; i < *n; i++)
		high += (unsigned char)buf[i] >= 0x80;
	if (*n + high > cap)
		return 0;
	for (i = *n, j = *n + high; i-- > 0;) {
		unsigned char b = (unsigned char)buf[i];

		if (b < 0x80) {
			buf[--j] = (char)b;
			continue;
		}
		buf[--j] = (char)(0x80 | (b & 0x3f));
		buf[--j] = (char)(0xc0 | b >> 6);
	}
	*n += high;
	return 1;
}

/*
 * A variable's value, URL-decoded (encode-values=true writes %XX) into
 * the record's storage; "" if absent. NULL if unusable (not a string,
 * not printable after decoding, or no room).
 */
static const char *
var(struct cxv_cdr *c, const json_t *vars, const char *name)
{
	const json_t *j = json_object_get(vars, name);
	const char *s;
	char buf[2 * CXV_FIELD_MAX];
	size_t n = 0, i, len;

	if (j == NULL)
		return "";
	if (!json_is_string(j) ||
	    (len = json_string_length(j)) > CXV_FIELD_MAX)
		return NULL;
	s = json_string_value(j);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			buf[n++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		} else
			buf[n++] = s[i];
	}
	if (!cxv_utf8_valid(buf, n) && !latin1(buf, &n, sizeof(buf)))
		return NULL;
	if (!cxv_utf8_printable(buf, n))
		return NULL;
	return cxv_cdr_keep(c, buf, n);
}

/* A decimal epoch (seconds) variable into ms; "" or "0" is 0. */
static int
epoch(struct cxv_cdr *c, const json_t *vars, const char *name, int64_t *ms)
{
	const char *s = var(c, vars, name);
	long long v;

	*ms = 0;
	if (s == NULL)
		return CXV_ERR_INVALID;
	if (*s == '\0')
		return CXV_OK;
	if (cxv_strtonum(s, 0, 32503680000LL, &v) != CXV_OK)
		return CXV_ERR_INVALID;
	*ms = (int64_t)v * 1000;
	return CXV_OK;
}

static const char *
outcome(int64_t answer_ms, const char *cause)
{
	if (answer_ms != 0)
		return "answered";
	if (strcmp(cause, "USER_BUSY") == 0)
		return "busy";
	if (strcmp(cause, "NO_ANSWER") == 0 ||
	    strcmp(cause, "NO_USER_RESPONSE") == 0 ||
	    strcmp(cause, "ORIGINATOR_CANCEL") == 0)
		return "no_answer";
	return "failed";
}

/* callflow is an array in current versions, an object in old ones. */
static const json_t *
caller_profile(const json_t *doc)
{
	const json_t *cf = json_object_get(doc, "callflow");

	if (json_is_array(cf))
		cf = json_array_get(cf, 0);
	return json_object_get(cf, "caller_profile");
}

static int
times(struct cxv_cdr *c, const json_t *vars, const char **why)
{
	if (epoch(c, vars, "start_epoch", &c->start_ms) != CXV_OK ||
	    epoch(c, vars, "answer_epoch", &c->answer_ms) != CXV_OK ||
	    epoch(c, vars, "end_epoch", &c->end_ms) != CXV_OK)
		return *why = "start/answer/end_epoch not epoch seconds",
		    CXV_ERR_INVALID;
	if (c->start_ms == 0)
		return *why = "no start_epoch", CXV_ERR_INVALID;
	return cxv_cdr_check_times(c, why);
}

/*
 * A party's field: from the variables, else from the caller profile; the
 * other way round where the variables cannot be trusted (a URL-encoded
 * document: see escape_again()). NULL if unreadable.
 */
static const char *
party(struct cxv_cdr *c, const json_t *vars, const json_t *prof,
    int profile_first, const char *name)
{
	const json_t *first = profile_first ? prof : vars;
	const json_t *then = profile_first ? vars : prof;
	const char *v = first != NULL ? var(c, first, name) : "";

	if (v != NULL && *v == '\0' && then != NULL)
		v = var(c, then, name);
	return v;
}

/*
 * The caller, the name (often only in the caller profile) and the
 * destination. One that cannot be read is left out and counted: the
 * call is kept.
 */
static void
parties(struct cxv_cdr *c, const json_t *doc, const json_t *vars,
    int profile_first)
{
	const json_t *prof = caller_profile(doc);
	const char **f[] = { &c->caller, &c->caller_name, &c->callee };
	static const char *const names[] = { "caller_id_number",
	    "caller_id_name", "destination_number" };
	size_t i;

	for (i = 0; i < 3; i++)
		if ((*f[i] = party(c, vars, prof, profile_first, names[i]))
		    == NULL) {
			*f[i] = "";
			c->dropped++;
		}
	if (strcmp(c->caller_name, c->caller) == 0)
		c->caller_name = "";
}

static int
from_doc(const json_t *doc, struct cxv_cdr *c, int profile_first,
    const char **why)
{
	const json_t *vars = json_object_get(doc, "variables");
	const char *v, *cause;
	size_t i;
	int r;

	*why = NULL;
	cxv_cdr_reset(c, "freeswitch");
	if (!json_is_object(doc))
		return *why = "not a JSON object", CXV_ERR_INVALID;
	if (!json_is_object(vars))
		return *why = "no \"variables\" object", CXV_ERR_INVALID;
	if ((c->source_id = var(c, vars, "uuid")) == NULL ||
	    *c->source_id == '\0')
		return *why = "no uuid", CXV_ERR_INVALID;
	if ((r = times(c, vars, why)) != CXV_OK)
		return r;
	parties(c, doc, vars, profile_first);
	if ((cause = var(c, vars, "hangup_cause")) == NULL) {
		cause = "";		/* the outcome from the answer alone */
		c->dropped++;
	}
	c->outcome = outcome(c->answer_ms, cause);
	/* A side variable that cannot be read is left out, never the call. */
	for (i = 0; i < sizeof(sealed_vars) / sizeof(sealed_vars[0]); i++) {
		if ((v = var(c, vars, sealed_vars[i])) == NULL) {
			c->dropped++;
			continue;
		}
		if (*v != '\0' && cxv_cdr_add_field(c, sealed_vars[i], v)
		    != CXV_OK)
			c->dropped++;	/* no room left: the call is kept */
	}
	return CXV_OK;
}

int
cxv_cdr_from_freeswitch(const json_t *doc, struct cxv_cdr *c, const char **why)
{
	return from_doc(doc, c, 0, why);
}

/* Decode %XX and '+' of a form value; 0 if malformed. */
static int
form_decode(const char *s, size_t len, char *out, size_t *n)
{
	size_t i;

	for (*n = 0, i = 0; i < len; i++) {
		if (s[i] == '+')
			out[(*n)++] = ' ';
		else if (s[i] != '%')
			out[(*n)++] = s[i];
		else if (i + 2 >= len || hexval(s[i + 1]) < 0 ||
		    hexval(s[i + 2]) < 0)
			return 0;
		else {
			out[(*n)++] = (char)(hexval(s[i + 1]) << 4 |
			    hexval(s[i + 2]));
			i += 2;
		}
	}
	return 1;
}

/* Can JSON go on this way after a string that ends just before p? */
static int
ends_string(const char *p, const char *end)
{
	if (p == end || *p == ':' || *p == '}' || *p == ']')
		return 1;
	/* After a comma, whatever starts a JSON value. */
	return *p == ',' && p + 1 < end && strchr("\"{[-0123456789tfn",
	    p[1]) != NULL;
}

/*
 * encode=true with encode-values=true: FreeSWITCH percent-encodes each
 * value, then the whole text except the %XX already in it
 * (switch_url_encode never encodes twice), so one decoding leaves a
 * value's quotes, backslashes and control characters raw in its JSON
 * string. Escape them again; a quote ends a string only where JSON can
 * go on after it. out has room for 6 * n + 1 bytes.
 */
static size_t
escape_again(const char *d, size_t n, char *out)
{
	const char *p, *end = d + n;
	size_t o = 0;
	int in_str = 0;

	for (p = d; p < end; p++) {
		unsigned char ch = (unsigned char)*p;

		if (!in_str)
			in_str = ch == '"';
		else if (ch == '\\' && p + 1 < end &&
		    strchr("\"\\/bfnrtu", p[1]) != NULL) {
			out[o++] = *p++;	/* an escape cJSON wrote */
		} else if (ch == '\\' || (ch == '"' && !ends_string(p + 1, end))) {
			out[o++] = '\\';
		} else if (ch == '"')
			in_str = 0;
		else if (ch < 0x20) {
			o += (size_t)snprintf(out + o, 7, "\\u%04x", ch);
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
	return o;
}

/*
 * The JSON text of a document in any mod_json_cdr mode into *json (the
 * caller's to cxv_freezero(*json, cap)); *urlenc says it was URL-encoded.
 */
static int
decode_body(const char *text, size_t len, char **json, size_t *n,
    size_t *cap, int *urlenc)
{
	char *d;

	while (len > 0 && strchr(" \t\r\n", *text) != NULL)
		text++, len--;
	if (len >= 4 && strncmp(text, "cdr=", 4) == 0)
		text += 4, len -= 4;
	*urlenc = len > 0 && *text == '%';
	*cap = 6 * len + 1;
	if ((*json = d = malloc(*cap)) == NULL)
		return CXV_ERR_NOMEM;
	*n = 0;
	if (len > 0 && (*text == '{' || *text == '['))
		memcpy(d, text, *n = len);
	else if (*urlenc) {
		/* The decoded text sits at the end; escape_again() writes
		 * from the start, never past its reading point. */
		char *tail = d + *cap - len;

		if (!form_decode(text, len, tail, n))
			*n = 0;
		else
			*n = escape_again(tail, *n, d);
	} else if (sodium_base642bin((unsigned char *)d, *cap, text, len,
	    " \t\r\n", n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		*n = 0;
	d[*n] = '\0';
	return CXV_OK;
}

int
cxv_cdr_parse_freeswitch(const char *buf, size_t len, struct cxv_cdr *out,
    const char **why)
{
	json_error_t err;
	json_t *doc;
	char *text;
	size_t n, cap;
	int r, urlenc;

	*why = NULL;
	cxv_cdr_reset(out, "freeswitch");
	if (len > (size_t)3 * CXV_JSON_DOC_MAX)
		return *why = "document too large", CXV_ERR_TOO_LARGE;
	if ((r = decode_body(buf, len, &text, &n, &cap, &urlenc)) != CXV_OK)
		return *why = "out of memory", r;
	/* Older releases write one "callflow" key per profile: the last. */
	doc = n > CXV_JSON_DOC_MAX ? NULL : json_loadb(text, n, 0, &err);
	cxv_freezero(text, cap);
	if (doc == NULL)
		return *why = n > CXV_JSON_DOC_MAX ? "document too large" :
		    "not a mod_json_cdr document (JSON, URL-encoded or "
		    "base64)", n > CXV_JSON_DOC_MAX ? CXV_ERR_TOO_LARGE :
		    CXV_ERR_INVALID;
	r = from_doc(doc, out, urlenc, why);
	json_decref(doc);
	return r;
}
