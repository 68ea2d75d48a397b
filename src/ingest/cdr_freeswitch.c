/* SPDX-License-Identifier: Apache-2.0 */
/* FreeSWITCH mod_json_cdr documents into struct cxv_cdr, with jansson. */
#include "ingest/cdr_format.h"

#include <string.h>

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

/* Numbers from variables, else from the caller profile. */
static int
parties(struct cxv_cdr *c, const json_t *doc, const json_t *vars,
    const char **why)
{
	const json_t *prof = caller_profile(doc);

	c->caller = var(c, vars, "caller_id_number");
	c->caller_name = var(c, vars, "caller_id_name");
	c->callee = var(c, vars, "destination_number");
	if (c->caller != NULL && *c->caller == '\0' && prof != NULL)
		c->caller = var(c, prof, "caller_id_number");
	if (c->callee != NULL && *c->callee == '\0' && prof != NULL)
		c->callee = var(c, prof, "destination_number");
	/* The name is often only in the caller profile. */
	if (c->caller_name != NULL && *c->caller_name == '\0' && prof != NULL)
		c->caller_name = var(c, prof, "caller_id_name");
	if (c->caller_name == NULL) {
		c->caller_name = "";	/* unreadable: the call is kept */
		c->dropped++;
	}
	if (c->caller == NULL || c->callee == NULL)
		return *why = "caller or destination not a printable string",
		    CXV_ERR_INVALID;
	if (strcmp(c->caller_name, c->caller) == 0)
		c->caller_name = "";
	return CXV_OK;
}

int
cxv_cdr_from_freeswitch(const json_t *doc, struct cxv_cdr *c, const char **why)
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
	if ((r = times(c, vars, why)) != CXV_OK ||
	    (r = parties(c, doc, vars, why)) != CXV_OK)
		return r;
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
			return *why = "too many variables", CXV_ERR_TOO_LARGE;
	}
	return CXV_OK;
}

int
cxv_cdr_parse_freeswitch(const char *buf, size_t len, struct cxv_cdr *out,
    const char **why)
{
	json_error_t err;
	json_t *doc;
	int r;

	*why = NULL;
	cxv_cdr_reset(out, "freeswitch");
	if (len > CXV_JSON_DOC_MAX)
		return *why = "document too large", CXV_ERR_TOO_LARGE;
	/* Older releases write one "callflow" key per profile: the last. */
	if ((doc = json_loadb(buf, len, 0, &err)) == NULL)
		return *why = "malformed JSON", CXV_ERR_INVALID;
	r = cxv_cdr_from_freeswitch(doc, out, why);
	json_decref(doc);
	return r;
}
