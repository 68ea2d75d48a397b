/* SPDX-License-Identifier: Apache-2.0 */
/* Logins against an LDAP directory; see ldapauth.h. */
#include "net/ldapauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <ldap.h>
#include <sodium.h>

#include "base/err.h"
#include "base/util.h"
#include "core/config.h"
#include "core/log.h"
#include "net/tls_client.h"

#define TIMEOUT_S	5
#define GROUPS_MAX	16
#define PROFILE_MAX	64
#define DN_MAX		512
#define SECRET_MAX	1024

struct group_map {
	char profile[PROFILE_MAX];
	char dn[DN_MAX];
};

/* "PROFILE=DN; PROFILE=DN" into g (at most GROUPS_MAX). */
static int
parse_groups(const char *text, struct group_map *g, size_t *n)
{
	const char *p = text, *end, *eq;
	size_t len;

	*n = 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ';');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		eq = memchr(p, '=', len);
		if (*n == GROUPS_MAX || eq == NULL || eq == p ||
		    (size_t)(eq - p) >= PROFILE_MAX || len - (size_t)(eq - p) - 1
		    >= DN_MAX || len - (size_t)(eq - p) - 1 == 0)
			return CXV_ERR_INVALID;
		memcpy(g[*n].profile, p, (size_t)(eq - p));
		g[*n].profile[eq - p] = '\0';
		memcpy(g[*n].dn, eq + 1, len - (size_t)(eq - p) - 1);
		g[*n].dn[len - (size_t)(eq - p) - 1] = '\0';
		(*n)++;
		p += end != NULL ? (size_t)(end - p) : strlen(p);
	}
	return CXV_OK;
}

/* One "%s" and no other '%'. */
static int
template_ok(const char *t)
{
	const char *s = strstr(t, "%s");

	return s != NULL && strchr(t, '%') == s && strchr(s + 1, '%') == NULL;
}

/* tmpl with its "%s" replaced by value. */
static int
fill(const char *tmpl, const char *value, char *out, size_t cap)
{
	const char *s = strstr(tmpl, "%s");
	int n = snprintf(out, cap, "%.*s%s%s", (int)(s - tmpl), tmpl, value,
	    s + 2);

	return n >= 0 && (size_t)n < cap ? CXV_OK : CXV_ERR_TOO_LARGE;
}

int
cxv_ldap_config_check(const struct cxv_config *cfg, char *why, size_t whylen)
{
	struct group_map g[GROUPS_MAX];
	size_t n;

	if (cfg->ldap_url[0] == '\0')
		return CXV_OK;
	if (strncmp(cfg->ldap_url, "ldaps://", 8) != 0 &&
	    strncmp(cfg->ldap_url, "ldap://", 7) != 0)
		snprintf(why, whylen, "ldap_url must be ldaps://HOST[:PORT] or "
		    "ldap://HOST[:PORT] (StartTLS)");
	else if (cfg->ldap_user_dn[0] != '\0' ? !template_ok(cfg->ldap_user_dn) :
	    cfg->ldap_base[0] == '\0' || !template_ok(cfg->ldap_filter))
		snprintf(why, whylen, "set ldap_user_dn with one %%s, or "
		    "ldap_base and an ldap_filter with one %%s");
	else if (parse_groups(cfg->ldap_groups, g, &n) != CXV_OK || n == 0)
		snprintf(why, whylen, "ldap_groups must map profiles to groups: "
		    "PROFILE=GROUP DN; ... (at most %d)", GROUPS_MAX);
	else if (cfg->ldap_bind_dn[0] != '\0' &&
	    cfg->ldap_bind_password_file[0] == '\0')
		snprintf(why, whylen, "ldap_bind_dn needs "
		    "ldap_bind_password_file");
	else
		return CXV_OK;
	return CXV_ERR_INVALID;
}

static int
name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= CXV_LDAP_NAME_MAX && strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "._-@") == n;
}

/* What an LDAP result code means to a login. */
static int
map_rc(int rc, const char **why)
{
	switch (rc) {
	case LDAP_SUCCESS:
		return CXV_OK;
	case LDAP_INVALID_CREDENTIALS:
		return CXV_ERR_AUTH;
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
		*why = "the directory cannot be reached, or its certificate "
		    "fails the checks";
		return CXV_ERR_UNAVAILABLE;
	case LDAP_TIMEOUT:
		*why = "the directory did not answer in time";
		return CXV_ERR_UNAVAILABLE;
	default:
		*why = "the directory refused the request";
		return CXV_ERR_UNAVAILABLE;
	}
}

static int
open_dir(const struct cxv_config *cfg, LDAP **ld, const char **why)
{
	struct timeval tv = { TIMEOUT_S, 0 };
	int v3 = LDAP_VERSION3, rc;

	*why = "bad ldap_url";
	if (ldap_initialize(ld, cfg->ldap_url) != LDAP_SUCCESS)
		return CXV_ERR_INVALID;
	if (ldap_set_option(*ld, LDAP_OPT_PROTOCOL_VERSION, &v3) !=
	    LDAP_OPT_SUCCESS || ldap_set_option(*ld, LDAP_OPT_NETWORK_TIMEOUT,
	    &tv) != LDAP_OPT_SUCCESS || ldap_set_option(*ld, LDAP_OPT_TIMEOUT,
	    &tv) != LDAP_OPT_SUCCESS || ldap_set_option(*ld,
	    LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS ||
	    cxv_tls_client_ldap(cfg->tls_client_ca, *ld) != CXV_OK)
		return CXV_ERR_INVALID;
	/* ldap:// only with StartTLS: a password never goes in clear. */
	if (strncmp(cfg->ldap_url, "ldap://", 7) == 0 &&
	    (rc = ldap_start_tls_s(*ld, NULL, NULL)) != LDAP_SUCCESS)
		return map_rc(rc == LDAP_INVALID_CREDENTIALS ? LDAP_OTHER : rc,
		    why);
	return CXV_OK;
}

static int
bind_as(LDAP *ld, const char *dn, const char *pw, size_t len)
{
	char copy[SECRET_MAX];		/* libldap wants it writable */
	struct berval cred;
	int rc;

	if (len > sizeof(copy))
		return LDAP_INVALID_CREDENTIALS;
	memcpy(copy, pw, len);
	cred.bv_len = len;
	cred.bv_val = copy;
	rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL);
	sodium_memzero(copy, sizeof(copy));
	return rc;
}

static int
search(LDAP *ld, const char *base, int scope, const char *filter,
    char **attrs, int limit, LDAPMessage **res)
{
	struct timeval tv = { TIMEOUT_S, 0 };

	*res = NULL;
	return ldap_search_ext_s(ld, base, scope, filter, attrs, 0, NULL, NULL,
	    &tv, limit, res);
}

/* The service account's bind, for the search (anonymous without one). */
static int
service_bind(const struct cxv_config *cfg, LDAP *ld, const char **why)
{
	char *pw = NULL;
	size_t len = 0;
	int rc;

	if (cfg->ldap_bind_dn[0] == '\0')
		return CXV_OK;
	*why = "ldap_bind_password_file cannot be read";
	if (cxv_read_file(cfg->ldap_bind_password_file, SECRET_MAX, &pw, &len)
	    != CXV_OK)
		return CXV_ERR_UNAVAILABLE;
	while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
		len--;
	rc = bind_as(ld, cfg->ldap_bind_dn, pw, len);
	cxv_freezero(pw, len + 1);
	if (rc == LDAP_INVALID_CREDENTIALS) {
		*why = "the service account's bind was refused";
		return CXV_ERR_UNAVAILABLE;
	}
	return map_rc(rc, why);
}

/* The user's DN: from the template, or the one entry the search finds. */
static int
find_dn(const struct cxv_config *cfg, LDAP *ld, const char *name,
    struct cxv_dir_user *u, const char **why)
{
	char filter[CXV_CONFIG_STR_MAX + CXV_LDAP_NAME_MAX], *dn;
	char no_attrs[] = LDAP_NO_ATTRS, *attrs[] = { no_attrs, NULL };
	LDAPMessage *res = NULL, *e;
	int rc, r;

	if (cfg->ldap_user_dn[0] != '\0')
		return fill(cfg->ldap_user_dn, name, u->dn, sizeof(u->dn));
	if ((r = service_bind(cfg, ld, why)) != CXV_OK ||
	    (r = fill(cfg->ldap_filter, name, filter, sizeof(filter))) !=
	    CXV_OK)
		return r;
	rc = search(ld, cfg->ldap_base, LDAP_SCOPE_SUBTREE, filter, attrs, 2,
	    &res);
	if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) {
		if (ldap_count_entries(ld, res) != 1) {
			/* None: no such user (or disabled); two: ambiguous. */
			r = ldap_count_entries(ld, res) == 0 ? CXV_ERR_AUTH :
			    CXV_ERR_DENIED;
			*why = "ambiguous";
		} else if ((e = ldap_first_entry(ld, res)) == NULL ||
		    (dn = ldap_get_dn(ld, e)) == NULL)
			r = CXV_ERR_NOMEM;
		else {
			r = strlen(dn) < sizeof(u->dn) ? CXV_OK :
			    CXV_ERR_TOO_LARGE;
			snprintf(u->dn, sizeof(u->dn), "%s", dn);
			ldap_memfree(dn);
		}
	} else
		r = map_rc(rc, why);
	ldap_msgfree(res);
	return r;
}

/* The first value of attr, if printable, into out. */
static void
value_of(LDAP *ld, LDAPMessage *e, const char *attr, char *out, size_t cap)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);

	out[0] = '\0';
	if (v != NULL && v[0] != NULL && v[0]->bv_len < cap &&
	    cxv_utf8_printable(v[0]->bv_val, v[0]->bv_len)) {
		memcpy(out, v[0]->bv_val, v[0]->bv_len);
		out[v[0]->bv_len] = '\0';
	}
	ldap_value_free_len(v);
}

/* The user's own entry, read with the user's bind: names, disabled. */
static int
read_user(LDAP *ld, struct cxv_dir_user *u, const char **why)
{
	char *attrs[] = { "givenName", "sn", "mail", "telephoneNumber",
	    "mobile", "userAccountControl", "pwdAccountLockedTime", NULL };
	char uac[24], locked[64];
	LDAPMessage *res = NULL, *e;
	long long flags = 0;
	int rc, r = CXV_OK;

	rc = search(ld, u->dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 1,
	    &res);
	if (rc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		ldap_msgfree(res);
		return rc == LDAP_SUCCESS ? CXV_ERR_AUTH : map_rc(rc, why);
	}
	value_of(ld, e, "givenName", u->first_name, sizeof(u->first_name));
	value_of(ld, e, "sn", u->last_name, sizeof(u->last_name));
	value_of(ld, e, "mail", u->email, sizeof(u->email));
	value_of(ld, e, "telephoneNumber", u->phone, sizeof(u->phone));
	value_of(ld, e, "mobile", u->mobile, sizeof(u->mobile));
	value_of(ld, e, "userAccountControl", uac, sizeof(uac));
	value_of(ld, e, "pwdAccountLockedTime", locked, sizeof(locked));
	/* AD: ACCOUNTDISABLE (0x2); OpenLDAP ppolicy: a locked time. */
	if ((uac[0] != '\0' && cxv_strtonum(uac, 0, 0xffffffffLL, &flags) ==
	    CXV_OK && (flags & 2) != 0) || locked[0] != '\0') {
		*why = "disabled";
		r = CXV_ERR_DENIED;
	}
	ldap_msgfree(res);
	return r;
}

/* The profile of the first mapped group that holds the user. */
static int
map_groups(const struct cxv_config *cfg, LDAP *ld, struct cxv_dir_user *u,
    const char **why)
{
	struct group_map g[GROUPS_MAX];
	struct berval in, esc = { 0, NULL };
	char no_attrs[] = LDAP_NO_ATTRS, *attrs[] = { no_attrs, NULL };
	char filter[3 * DN_MAX + 64];
	LDAPMessage *res;
	size_t n, i;
	int rc, r = CXV_ERR_DENIED;

	*why = "no_group";
	if (parse_groups(cfg->ldap_groups, g, &n) != CXV_OK)
		return CXV_ERR_INVALID;
	in.bv_val = u->dn;
	in.bv_len = strlen(u->dn);
	if (ldap_bv2escaped_filter_value(&in, &esc) != 0)
		return CXV_ERR_NOMEM;
	snprintf(filter, sizeof(filter), "(|(member=%s)(uniqueMember=%s))",
	    esc.bv_val, esc.bv_val);
	ber_memfree(esc.bv_val);
	for (i = 0; i < n && r == CXV_ERR_DENIED; i++) {
		rc = search(ld, g[i].dn, LDAP_SCOPE_BASE, filter, attrs, 1, &res);
		if (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 1) {
			snprintf(u->profile, sizeof(u->profile), "%s",
			    g[i].profile);
			r = CXV_OK;
		} else if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
			r = map_rc(rc, why);
		ldap_msgfree(res);
	}
	return r;
}

static int
login(const struct cxv_config *cfg, LDAP *ld, const char *name,
    const char *pw, size_t pwlen, struct cxv_dir_user *u, const char **why)
{
	int r;

	if ((r = find_dn(cfg, ld, name, u, why)) != CXV_OK ||
	    (r = map_rc(bind_as(ld, u->dn, pw, pwlen), why)) != CXV_OK ||
	    (r = read_user(ld, u, why)) != CXV_OK)
		return r;
	return map_groups(cfg, ld, u, why);
}

int
cxv_ldap_login(const struct cxv_config *cfg, const char *name,
    const char *pw, size_t pwlen, struct cxv_dir_user *out,
    const char **why)
{
	LDAP *ld = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	*why = "";
	/* An empty password would be an unauthenticated bind: never. */
	if (!name_ok(name) || pwlen == 0)
		return CXV_ERR_AUTH;
	if ((r = open_dir(cfg, &ld, why)) == CXV_OK)
		r = login(cfg, ld, name, pw, pwlen, out, why);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	if (r == CXV_ERR_UNAVAILABLE || r == CXV_ERR_INVALID)
		CXV_LOG(CXV_LOG_ERROR, "ldap.error", CXV_LF("result",
		    cxv_errcode(r)), CXV_LF("why", *why));
	return r;
}
