/* SPDX-License-Identifier: Apache-2.0 */
/* Normalization of subject identifiers; see ident.h. */
#include "core/ident.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/util.h"
#include "core/phone.h"

static const char *const kind_names[CXV_IDENT__COUNT] = {
	[CXV_IDENT_PHONE] = "phone",
	[CXV_IDENT_EMAIL] = "email",
	[CXV_IDENT_CHAT] = "chat",
	[CXV_IDENT_ACCOUNT] = "account",
	[CXV_IDENT_LOGON] = "logon",
	[CXV_IDENT_NAME] = "name",
	[CXV_IDENT_SIP] = "sip",
	[CXV_IDENT_DIALLED] = "dialled",
};

const char *
cxv_ident_kind_name(enum cxv_ident_kind kind)
{
	if ((unsigned)kind >= CXV_IDENT__COUNT)
		return NULL;
	return kind_names[kind];
}

int
cxv_ident_kind_parse(const char *name, enum cxv_ident_kind *kind)
{
	int i = cxv_name_index(kind_names, CXV_IDENT__COUNT, name);

	if (i < 0)
		return CXV_ERR_INVALID;
	*kind = (enum cxv_ident_kind)i;
	return CXV_OK;
}

int
cxv_ident_is_unique(enum cxv_ident_kind kind)
{
	return kind != CXV_IDENT_NAME;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy in without surrounding white space; inner runs become one space. */
static int
squeeze(const char *in, char out[CXV_IDENT_NORM_MAX], const char **why)
{
	size_t n = 0, len = strlen(in);
	int pending = 0;

	if (len > CXV_IDENT_MAX)
		return *why = "too long", CXV_ERR_TOO_LARGE;
	for (; *in != '\0'; in++) {
		if (is_space(*in)) {
			pending = n > 0;
			continue;
		}
		if (pending)
			out[n++] = ' ';
		pending = 0;
		out[n++] = *in;
	}
	out[n] = '\0';
	if (n == 0)
		return *why = "empty", CXV_ERR_INVALID;
	if (!cxv_utf8_printable(out, n))
		return *why = "not printable UTF-8", CXV_ERR_INVALID;
	return CXV_OK;
}

/*
 * Keep the digits of a phone number, dropping the separators people
 * write; "(0)" in an international number ("+49 (0)30 ...", "0049 (0)30
 * ...") is the national trunk prefix and goes too. Sets *plus if the
 * number starts with '+'.
 */
static int
phone_digits(const char *s, char *d, size_t cap, int *plus, const char **why)
{
	size_t n = 0;
	int intl;

	*plus = (*s == '+');
	intl = *plus || strncmp(s, "00", 2) == 0;
	if (*plus)
		s++;
	for (; *s != '\0'; s++) {
		if (intl && strncmp(s, "(0)", 3) == 0) {
			s += 2;
			continue;
		}
		if (*s >= '0' && *s <= '9') {
			if (n + 1 >= cap)
				return *why = "too many digits", CXV_ERR_INVALID;
			d[n++] = *s;
		} else if (strchr(" -./()", *s) == NULL)
			return *why = "phone numbers hold digits, '+' and separators only",
			    CXV_ERR_INVALID;
	}
	d[n] = '\0';
	if (n == 0)
		return *why = "no digits", CXV_ERR_INVALID;
	return CXV_OK;
}

static int
e164(const char *digits, char out[CXV_IDENT_NORM_MAX], const char **why)
{
	size_t n = strlen(digits);

	if (digits[0] == '0')
		return *why = "country code cannot start with 0", CXV_ERR_INVALID;
	if (n < CXV_PHONE_DIGITS_MIN || n > CXV_PHONE_DIGITS_MAX)
		return *why = "an E.164 number has 7 to 15 digits",
		    CXV_ERR_INVALID;
	snprintf(out, CXV_IDENT_NORM_MAX, "+%s", digits);
	return CXV_OK;
}

/*
 * A number without '+' or "00": an internal extension if short, else a
 * national number, read by libphonenumber with the country's own trunk
 * and international prefixes (phone.h).
 */
static int
national(const char *d, unsigned cc, char out[CXV_IDENT_NORM_MAX],
    const char **why)
{
	size_t n = strlen(d);
	char intl[CXV_IDENT_NORM_MAX];

	if (n >= CXV_EXT_DIGITS_MIN && n <= CXV_EXT_DIGITS_MAX && d[0] != '0') {
		snprintf(out, CXV_IDENT_NORM_MAX, "ext:%s", d);
		return CXV_OK;
	}
	if (!cxv_phone_national(d, cc, intl, sizeof(intl)))
		return *why = "not a number of the country's numbering plan "
		    "(give +country, or the trunk prefix)", CXV_ERR_INVALID;
	/* libphonenumber's "possible" is looser than E.164's length: the
	 * normal form must read back as itself. */
	return e164(intl + 1, out, why);
}

static int
normalize_phone(const char *in, unsigned cc, char out[CXV_IDENT_NORM_MAX],
    const char **why)
{
	char sq[CXV_IDENT_NORM_MAX] = "", d[CXV_IDENT_NORM_MAX] = "";
	int plus, r;

	if ((r = squeeze(in, sq, why)) != CXV_OK)
		return r;
	if (strncmp(sq, "ext:", 4) == 0) {
		size_t n = strlen(sq + 4);

		if (n < CXV_EXT_DIGITS_MIN || n > CXV_EXT_DIGITS_MAX ||
		    strspn(sq + 4, "0123456789") != n)
			return *why = "an extension has 2 to 6 digits",
			    CXV_ERR_INVALID;
		snprintf(out, CXV_IDENT_NORM_MAX, "%s", sq);
		return CXV_OK;
	}
	if ((r = phone_digits(sq, d, sizeof(d), &plus, why)) != CXV_OK)
		return r;
	if (plus)
		return e164(d, out, why);
	if (strncmp(d, "00", 2) == 0)
		return e164(d + 2, out, why);
	return national(d, cc, out, why);
}

static int
normalize_email(const char *in, char out[CXV_IDENT_NORM_MAX], const char **why)
{
	const char *at, *dot;
	char *p;
	int r;

	if ((r = squeeze(in, out, why)) != CXV_OK)
		return r;
	for (p = out; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		if (*p == ' ' || *p == '<' || *p == '>' || *p == ',' ||
		    *p == ';' || *p == '"')
			return *why = "not a single email address",
			    CXV_ERR_INVALID;
	}
	at = strchr(out, '@');
	if (at == NULL || at == out || strchr(at + 1, '@') != NULL)
		return *why = "an email address has one '@' after a local part",
		    CXV_ERR_INVALID;
	dot = strrchr(at + 1, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0' ||
	    strstr(at + 1, "..") != NULL)
		return *why = "email domain must have a dot and no empty label",
		    CXV_ERR_INVALID;
	return CXV_OK;
}

/*
 * A SIP URI or user name: "sip:" or "sips:" dropped and written "sip:",
 * URI parameters and headers dropped, the host lower-cased (the user
 * part is case-sensitive, RFC 3261 19.1.4).
 */
static int
normalize_sip(const char *in, char out[CXV_IDENT_NORM_MAX], const char **why)
{
	char sq[CXV_IDENT_NORM_MAX];
	const char *u;
	char *p, *at;
	size_t n;
	int r;

	if ((r = squeeze(in, sq, why)) != CXV_OK)
		return r;
	u = sq;
	if (strncasecmp(u, "sips:", 5) == 0)
		u += 5;
	else if (strncasecmp(u, "sip:", 4) == 0)
		u += 4;
	n = strcspn(u, ";?>");
	if (n == 0 || n + 4 >= CXV_IDENT_NORM_MAX || memchr(u, ' ', n) != NULL ||
	    memchr(u, '<', n) != NULL || memchr(u, '"', n) != NULL)
		return *why = "not a SIP URI or user name", CXV_ERR_INVALID;
	snprintf(out, CXV_IDENT_NORM_MAX, "sip:%.*s", (int)n, u);
	if ((at = strchr(out, '@')) != NULL) {
		if (at == out + 4 || at[1] == '\0' || strchr(at + 1, '@') != NULL)
			return *why = "not a SIP URI or user name",
			    CXV_ERR_INVALID;
		for (p = at + 1; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	return CXV_OK;
}

/* Digits as dialled ([0-9*#], a leading '+'), separators dropped. */
static int
normalize_dialled(const char *in, char out[CXV_IDENT_NORM_MAX],
    const char **why)
{
	size_t n = 0;

	if (strlen(in) > CXV_IDENT_MAX)
		return *why = "too long", CXV_ERR_TOO_LARGE;
	for (; *in != '\0'; in++) {
		if ((*in >= '0' && *in <= '9') || *in == '*' || *in == '#' ||
		    (*in == '+' && n == 0))
			out[n++] = *in;
		else if (strchr(" -./()", *in) == NULL)
			return *why = "dialled digits hold 0-9, '*', '#' and "
			    "separators only", out[0] = '\0', CXV_ERR_INVALID;
	}
	out[n] = '\0';
	if (strcspn(out, "0123456789") == n)
		return *why = "no digits", CXV_ERR_INVALID;
	return CXV_OK;
}

int
cxv_ident_normalize(enum cxv_ident_kind kind, const char *in,
    unsigned country_code, char out[CXV_IDENT_NORM_MAX], const char **why)
{
	*why = NULL;
	out[0] = '\0';
	switch (kind) {
	case CXV_IDENT_PHONE:
		return normalize_phone(in, country_code, out, why);
	case CXV_IDENT_EMAIL:
		return normalize_email(in, out, why);
	case CXV_IDENT_CHAT:
	case CXV_IDENT_ACCOUNT:
	case CXV_IDENT_LOGON:
	case CXV_IDENT_NAME:
		return squeeze(in, out, why);
	case CXV_IDENT_SIP:
		return normalize_sip(in, out, why);
	case CXV_IDENT_DIALLED:
		return normalize_dialled(in, out, why);
	case CXV_IDENT__COUNT:
		break;
	}
	*why = "unknown identifier kind";
	return CXV_ERR_INVALID;
}

void
cxv_ident_index_form(enum cxv_ident_kind kind, const char *norm,
    char out[CXV_IDENT_NORM_MAX])
{
	char *p;

	snprintf(out, CXV_IDENT_NORM_MAX, "%s", norm);
	if (kind != CXV_IDENT_NAME)
		return;
	/* ASCII only: byte-wise lowering would corrupt UTF-8 sequences. */
	for (p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}
