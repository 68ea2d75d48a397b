/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of TLS (R4.2): every outbound connection (the log
 * collector, the directory, the mail server) is checked the same way:
 * the peer's certificate chain against the CA certificates of
 * tls_client_ca (the system's trust store when empty), its name against
 * the host dialled, TLS 1.2 or newer (with GnuTLS and libldap also the
 * server's forward-secret AEAD suites). There is no way to turn the
 * checks off.
 *
 * GnuTLS connections are made here; libldap and libcurl, which run
 * their own TLS, get the same policy set on their handles.
 */
#ifndef CXV_TLS_CLIENT_H
#define CXV_TLS_CLIENT_H

#include <stddef.h>

#include <gnutls/gnutls.h>

struct cxv_tls_client;
struct ldap;

/* The trust of ca_file ("" for the system's); why names a bad file. */
int cxv_tls_client_new(const char *ca_file, struct cxv_tls_client **out
    /* OUT */, char *why, size_t whylen);
void cxv_tls_client_free(struct cxv_tls_client *c);

/*
 * A TLS session over the connected socket fd with host, handshake done
 * and the certificate verified; *why says what failed (static text):
 * CXV_ERR_CRYPTO for a certificate that is not trusted or does not name
 * host, CXV_ERR_IO otherwise. The caller ends it with gnutls_bye() and
 * gnutls_deinit(); fd stays the caller's.
 */
int cxv_tls_client_connect(const struct cxv_tls_client *c, int fd,
    const char *host, int timeout_ms, gnutls_session_t *out /* OUT */,
    const char **why /* OUT */);

/*
 * End a connection: the TLS session *s if there is one (close_notify,
 * then freed) and the socket *fd if open; both reset.
 */
void cxv_tls_client_hang_up(gnutls_session_t *s, int *fd);

/* The same checks on a libldap handle, before it connects. */
int cxv_tls_client_ldap(const char *ca_file, struct ldap *ld);

/* The same checks on a libcurl easy handle (a CURL *). */
int cxv_tls_client_curl(const char *ca_file, void *curl);

#endif
