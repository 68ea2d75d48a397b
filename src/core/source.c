/* SPDX-License-Identifier: Apache-2.0 */
/* Sources of records and their settings; see source.h. */
#include "core/source.h"

#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/phone.h"
#include "core/zone.h"


int
cxv_source_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < CXV_SOURCE_NAME_MAX &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

void
cxv_source_init(struct cxv_source *src, const char *name)
{
	memset(src, 0, sizeof(*src));
	snprintf(src->name, sizeof(src->name), "%s", name);
}

/* The n digits of s as a number, if n is within [min, max]; 0 if not. */
static int
number_of(const char *s, size_t n, size_t min, size_t max, unsigned long *v)
{
	*v = 0;
	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return 1;
}

/* An extension's digits (2-6 of them) as a number; 0 if not. */
static int
digits_value(const char *s, size_t n, unsigned long *v)
{
	return number_of(s, n, CXV_EXT_DIGITS_MIN, CXV_EXT_DIGITS_MAX, v);
}

/* One item of "extensions": "LO-HI" (same length) or "N[-M] digits". */
static int
parse_range(const char *s, size_t n, struct cxv_ext_range *r)
{
	const char *dash = memchr(s, '-', n), *sp = memchr(s, ' ', n);
	unsigned long a, b;
	size_t la, lb;

	if (sp != NULL) {
		if ((size_t)(s + n - sp) != 7 || memcmp(sp, " digits", 7) != 0)
			return 0;
		n = (size_t)(sp - s);
		dash = memchr(s, '-', n);
	}
	la = dash != NULL ? (size_t)(dash - s) : n;
	lb = dash != NULL ? n - la - 1 : la;
	/* A length is one or two digits. */
	if (sp != NULL ? !number_of(s, la, 1, 2, &a) || !number_of(s + n - lb,
	    lb, 1, 2, &b) : !digits_value(s, la, &a) || !digits_value(s + n -
	    lb, lb, &b))
		return 0;
	if (a > b)
		return 0;
	if (sp != NULL) {
		if (a < CXV_EXT_DIGITS_MIN || b > CXV_EXT_DIGITS_MAX)
			return 0;
		*r = (struct cxv_ext_range){ 0, ~0UL, (unsigned char)a,
		    (unsigned char)b };
		return 1;
	}
	if (la != lb)
		return 0;
	*r = (struct cxv_ext_range){ a, b, (unsigned char)la, (unsigned char)la };
	return 1;
}

static int
set_extensions(struct cxv_source *src, const char *v)
{
	const char *p = v, *e;
	size_t n;

	src->next = 0;
	if (strlen(v) >= sizeof(src->ext_text))
		return CXV_ERR_INVALID;
	snprintf(src->ext_text, sizeof(src->ext_text), "%s", v);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (src->next == CXV_SOURCE_RANGES_MAX ||
		    !parse_range(p, n, &src->ext[src->next++]))
			return CXV_ERR_INVALID;
		p = *e == ',' ? e + 1 : e;
	}
	return src->next > 0 ? CXV_OK : CXV_ERR_INVALID;
}

/* A comma list of field names, as cdr_custom.conf's "fields" gives them. */
static int
set_columns(struct cxv_source *src, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= sizeof(src->columns) || strspn(v,
	    "abcdefghijklmnopqrstuvwxyz0123456789_, ") != n)
		return CXV_ERR_INVALID;
	memcpy(src->columns, v, n + 1);
	return CXV_OK;
}

/*
 * "tls://HOST:PORT", or "tcp://HOST:PORT" with HOST on loopback: a
 * manager secret and every CDR in clear go nowhere else.
 */
static int
set_ami(struct cxv_source *src, const char *v, const char **reason)
{
	int tls = strncmp(v, "tls://", 6) == 0;

	*reason = "ami must be tls://HOST:PORT, or tcp://HOST:PORT on "
	    "loopback (127.0.0.1, [::1], localhost)";
	if (strlen(v) >= sizeof(src->ami_text) || (!tls &&
	    strncmp(v, "tcp://", 6) != 0) ||
	    cxv_net_hostport_parse(v + 6, src->ami_host, src->ami_port) !=
	    CXV_OK)
		return CXV_ERR_INVALID;
	if (!tls && strcmp(src->ami_host, "localhost") != 0 &&
	    strcmp(src->ami_host, "::1") != 0 &&
	    (strncmp(src->ami_host, "127.", 4) != 0 ||
	    strspn(src->ami_host, "0123456789.") != strlen(src->ami_host)))
		return CXV_ERR_INVALID;
	src->ami_tls = tls;
	snprintf(src->ami_text, sizeof(src->ami_text), "%s", v);
	return CXV_OK;
}

/* Into dst (cap bytes) if it fits and holds only the allowed bytes. */
static int
set_text(char *dst, size_t cap, const char *v, const char *allowed)
{
	size_t n = strlen(v);

	if (n == 0 || n >= cap || strspn(v, allowed) != n)
		return CXV_ERR_INVALID;
	memcpy(dst, v, n + 1);
	return CXV_OK;
}

#define NAME_BYTES	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789_.-"

enum key { K_REGION, K_ZONE, K_EXTENSIONS, K_COLUMNS, K_AMI, K_AMI_USER,
	K_AMI_SECRET_FILE, K__COUNT };
_Static_assert(K__COUNT == CXV_SOURCE_KEYS, "CXV_SOURCE_KEYS");

static const char *const key_names[K__COUNT] = { "region", "zone",
    "extensions", "columns", "ami", "ami_user", "ami_secret_file" };

const char *
cxv_source_key_name(size_t k)
{
	return k < K__COUNT ? key_names[k] : NULL;
}

int
cxv_source_key(const char *name)
{
	return cxv_name_index(key_names, K__COUNT, name);
}

const char *
cxv_source_text(const struct cxv_source *src, size_t k)
{
	switch ((enum key)k) {
	case K_REGION:
		return src->region;
	case K_ZONE:
		return src->zone;
	case K_EXTENSIONS:
		return src->ext_text;
	case K_COLUMNS:
		return src->columns;
	case K_AMI:
		return src->ami_text;
	case K_AMI_USER:
		return src->ami_user;
	case K_AMI_SECRET_FILE:
		return src->ami_secret_file;
	case K__COUNT:
		break;
	}
	return "";
}

int
cxv_source_set(struct cxv_source *src, const char *key, const char *value,
    const char **reason)
{
	unsigned cc;

	switch ((enum key)cxv_source_key(key)) {
	case K_REGION:
		if (strlen(value) != 2 ||
		    (cc = cxv_phone_region_code(value)) == 0)
			return *reason = "region must be a country's ISO 3166 "
			    "code (DE, RU, US...)", CXV_ERR_INVALID;
		memcpy(src->region, value, 3);
		src->country_code = cc;
		return CXV_OK;
	case K_ZONE:
		if (strlen(value) >= sizeof(src->zone) ||
		    cxv_zone_check(value) != CXV_OK)
			return *reason = "zone must be an IANA time zone "
			    "(Europe/Berlin, UTC...)", CXV_ERR_INVALID;
		snprintf(src->zone, sizeof(src->zone), "%s", value);
		return CXV_OK;
	case K_EXTENSIONS:
		return set_extensions(src, value) == CXV_OK ? CXV_OK :
		    (*reason = "extensions must be ranges like 100-199 or "
		    "lengths like 3-4 digits, comma-separated (at most 16)",
		    CXV_ERR_INVALID);
	case K_COLUMNS:
		return set_columns(src, value) == CXV_OK ? CXV_OK :
		    (*reason = "columns must be cdr_custom field names, "
		    "comma-separated", CXV_ERR_INVALID);
	case K_AMI:
		return set_ami(src, value, reason);
	case K_AMI_USER:
		return set_text(src->ami_user, sizeof(src->ami_user), value,
		    NAME_BYTES) == CXV_OK ? CXV_OK : (*reason = "ami_user must "
		    "be a manager account name (letters, digits, _ . -)",
		    CXV_ERR_INVALID);
	case K_AMI_SECRET_FILE:
		return value[0] == '/' && set_text(src->ami_secret_file,
		    sizeof(src->ami_secret_file), value, NAME_BYTES "/") ==
		    CXV_OK ? CXV_OK : (*reason = "ami_secret_file must be an "
		    "absolute path", CXV_ERR_INVALID);
	case K__COUNT:
		break;
	}
	return *reason = "unknown source key (region, zone, extensions, "
	    "columns, ami, ami_user, ami_secret_file)", CXV_ERR_INVALID;
}

int
cxv_source_check(const struct cxv_source *src, const char **reason)
{
	int ami = src->ami_text[0] != '\0';

	if (ami != (src->ami_user[0] != '\0') ||
	    ami != (src->ami_secret_file[0] != '\0'))
		return *reason = "ami, ami_user and ami_secret_file go together",
		    CXV_ERR_INVALID;
	return CXV_OK;
}

int
cxv_source_is_extension(const struct cxv_source *src, const char *digits)
{
	size_t n = strlen(digits), i;
	unsigned long v;

	if (!digits_value(digits, n, &v))
		return 0;
	if (src->next == 0)
		return digits[0] != '0';
	for (i = 0; i < src->next; i++) {
		const struct cxv_ext_range *r = &src->ext[i];
		int by_length = r->hi == ~0UL;

		if (n >= r->dmin && n <= r->dmax && v >= r->lo && v <= r->hi &&
		    (!by_length || digits[0] != '0'))
			return 1;
	}
	return 0;
}
