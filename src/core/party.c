/* SPDX-License-Identifier: Apache-2.0 */
/* Classification of a call's parties; see party.h. */
#include "core/party.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/util.h"

static const char *const kind_names[CXV_PARTY__COUNT] = {
	"number", "dialled", "sip", "extension", "withheld", "service",
};

/* What PBXs write for a caller who gave no number (case ignored). */
static const char *const withheld[] = { "anonymous", "unknown",
    "unavailable", "restricted", "private", "withheld", "<unknown>",
    "blocked", NULL };

/* Asterisk's special extensions: start, hangup, invalid, timeout... */
static const char *const special[] = { "s", "h", "i", "t", "T", "o", "a",
    "e", "fax", "failed", NULL };

const char *
cxv_party_kind_name(enum cxv_party_kind kind)
{
	return cxv_name_of(kind_names, CXV_PARTY__COUNT, (int)kind);
}

int
cxv_party_is_person(enum cxv_party_kind kind)
{
	return kind <= CXV_PARTY_EXTENSION;
}

static int
in_list(const char *const *list, const char *v, int fold)
{
	for (; *list != NULL; list++)
		if ((fold ? strcasecmp(*list, v) : strcmp(*list, v)) == 0)
			return 1;
	return 0;
}

static void
none(struct cxv_party *p, enum cxv_party_kind kind)
{
	p->kind = kind;
	p->norm[0] = '\0';
}

static int
ident(struct cxv_party *p, enum cxv_party_kind kind, enum cxv_ident_kind ik,
    const char *v, unsigned cc)
{
	const char *why;

	p->kind = kind;
	p->ident = ik;
	return cxv_ident_normalize(ik, v, cc, p->norm, &why) == CXV_OK;
}

/* Digits and the separators people write, with an optional '+'. */
static int
numeric(const char *v)
{
	size_t n = strlen(v);

	if (*v == '+')
		v++, n--;
	return n > 0 && strspn(v, "0123456789 -.()") == n &&
	    strcspn(v, "0123456789") < n;
}

/* A number: of the plan, else an extension, else dialled digits. */
static void
number(const struct cxv_source *src, const char *v, struct cxv_party *p)
{
	char digits[CXV_IDENT_NORM_MAX];
	size_t n = 0;

	for (const char *s = v; *s != '\0' && n + 1 < sizeof(digits); s++)
		if (*s >= '0' && *s <= '9')
			digits[n++] = *s;
	digits[n] = '\0';
	/* One digit is a code of the PBX (an operator, a menu), no one's. */
	if (*v != '+' && n == 1) {
		none(p, CXV_PARTY_SERVICE);
		return;
	}
	if (*v != '+' && strncmp(digits, "00", 2) != 0 &&
	    cxv_source_is_extension(src, digits)) {
		char ext[CXV_IDENT_NORM_MAX];

		snprintf(ext, sizeof(ext), "ext:%s", digits);
		if (ident(p, CXV_PARTY_EXTENSION, CXV_IDENT_PHONE, ext, 0))
			return;
	}
	if (!ident(p, CXV_PARTY_NUMBER, CXV_IDENT_PHONE, v,
	    src->country_code) || strncmp(p->norm, "ext:", 4) == 0)
		(void)ident(p, CXV_PARTY_DIALLED, CXV_IDENT_DIALLED, v, 0);
}

void
cxv_party_classify(const struct cxv_source *src, const char *value,
    int callee, struct cxv_party *out)
{
	char v[CXV_IDENT_NORM_MAX];
	size_t n;

	memset(out, 0, sizeof(*out));
	while (*value == ' ')
		value++;
	n = strlen(value);
	while (n > 0 && value[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(v) || !cxv_utf8_printable(value, n)) {
		none(out, callee ? CXV_PARTY_SERVICE : CXV_PARTY_WITHHELD);
		return;
	}
	memcpy(v, value, n);
	v[n] = '\0';
	if (!callee && in_list(withheld, v, 1))
		none(out, CXV_PARTY_WITHHELD);
	else if (in_list(special, v, 0) || *v == '*' || *v == '#' ||
	    strncasecmp(v, "Local/", 6) == 0)
		none(out, CXV_PARTY_SERVICE);
	else if (numeric(v))
		number(src, v, out);
	else if (!ident(out, CXV_PARTY_SIP, CXV_IDENT_SIP, v, 0))
		none(out, callee ? CXV_PARTY_SERVICE : CXV_PARTY_WITHHELD);
}
