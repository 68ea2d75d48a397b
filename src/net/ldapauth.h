/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory logins (R2.6): a password is checked by binding to the
 * customer's LDAP directory or Active Directory as the user, over LDAPS
 * or StartTLS only, the server's certificate checked (tls_client.h).
 * The user's DN is built from a template, or found by a search (as a
 * service account or anonymously). Disabled accounts are refused
 * (Active Directory's userAccountControl, OpenLDAP's
 * pwdAccountLockedTime, or whatever the search filter leaves out); the
 * groups of ldap_groups give the profile, the first that holds the user
 * winning. OpenLDAP's libldap.
 */
#ifndef CXV_LDAPAUTH_H
#define CXV_LDAPAUTH_H

#include <stddef.h>

struct cxv_config;

/* Logon names a directory login accepts: letters, digits, . _ - @. */
#define CXV_LDAP_NAME_MAX	128

/* What the directory says about a user who logged in. */
struct cxv_dir_user {
	char dn[512];
	char first_name[128], last_name[128], email[256];
	char phone[64], mobile[64];
	char profile[64];		/* from the first group that holds it */
};

/*
 * Check cfg's directory settings (at server start): CXV_ERR_INVALID
 * with why. OK when no directory is configured.
 */
int cxv_ldap_config_check(const struct cxv_config *cfg, char *why,
    size_t whylen);

/*
 * Log name in with password pw against the directory of cfg.
 * CXV_ERR_AUTH: wrong password, or no such user (the same to callers);
 * CXV_ERR_DENIED: disabled, or in no mapped group (*why: "disabled",
 * "no_group"); CXV_ERR_UNAVAILABLE: the directory cannot be reached or
 * its certificate fails the checks (*why says which; also logged).
 */
int cxv_ldap_login(const struct cxv_config *cfg, const char *name,
    const char *pw, size_t pwlen, struct cxv_dir_user *out /* OUT */,
    const char **why /* OUT */);

#endif
