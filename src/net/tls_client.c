/* SPDX-License-Identifier: Apache-2.0 */
/* Verified outbound TLS; see tls_client.h. */
#include "net/tls_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <ldap.h>

#include "base/err.h"
#include "core/tls.h"

struct cxv_tls_client {
	gnutls_certificate_credentials_t cred;
};

int
cxv_tls_client_new(const char *ca_file, struct cxv_tls_client **out,
    char *why, size_t whylen)
{
	struct cxv_tls_client *c;
	int n;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CXV_ERR_NOMEM;
	if (gnutls_certificate_allocate_credentials(&c->cred) !=
	    GNUTLS_E_SUCCESS) {
		free(c);
		return CXV_ERR_NOMEM;
	}
	n = ca_file[0] != '\0' ? gnutls_certificate_set_x509_trust_file(c->cred,
	    ca_file, GNUTLS_X509_FMT_PEM) :
	    gnutls_certificate_set_x509_system_trust(c->cred);
	if (n <= 0) {
		snprintf(why, whylen, "tls_client_ca: no CA certificate could be "
		    "read from %s", ca_file[0] != '\0' ? ca_file :
		    "the system trust store");
		cxv_tls_client_free(c);
		return CXV_ERR_INVALID;
	}
	*out = c;
	return CXV_OK;
}

void
cxv_tls_client_free(struct cxv_tls_client *c)
{
	if (c == NULL)
		return;
	gnutls_certificate_free_credentials(c->cred);
	free(c);
}

/* A name, not an address: only names go in SNI. */
static int
is_name(const char *host)
{
	return strchr(host, ':') == NULL &&
	    strspn(host, "0123456789.") != strlen(host);
}

int
cxv_tls_client_connect(const struct cxv_tls_client *c, int fd,
    const char *host, int timeout_ms, gnutls_session_t *out,
    const char **why)
{
	gnutls_session_t s = NULL;
	int ret;

	*out = NULL;
	*why = "TLS set-up failed";
	if (gnutls_init(&s, GNUTLS_CLIENT) != GNUTLS_E_SUCCESS)
		return CXV_ERR_NOMEM;
	if (gnutls_priority_set_direct(s, cxv_tls_priorities, NULL) !=
	    GNUTLS_E_SUCCESS || gnutls_credentials_set(s,
	    GNUTLS_CRD_CERTIFICATE, c->cred) != GNUTLS_E_SUCCESS ||
	    (is_name(host) && gnutls_server_name_set(s, GNUTLS_NAME_DNS, host,
	    strlen(host)) != GNUTLS_E_SUCCESS)) {
		gnutls_deinit(s);
		return CXV_ERR_IO;
	}
	/* The chain must lead to a trusted CA and name the host. */
	gnutls_session_set_verify_cert(s, host, 0);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, (unsigned)timeout_ms);
	do
		ret = gnutls_handshake(s);
	while (ret < 0 && gnutls_error_is_fatal(ret) == 0);
	if (ret < 0) {
		*why = ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR ?
		    "the peer's certificate is not trusted or does not name "
		    "the host" : "TLS handshake failed";
		gnutls_deinit(s);
		return ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR ?
		    CXV_ERR_CRYPTO : CXV_ERR_IO;
	}
	*out = s;
	return CXV_OK;
}

int
cxv_tls_client_ldap(const char *ca_file, struct ldap *ld)
{
	int hard = LDAP_OPT_X_TLS_HARD, min = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2,
	    fresh = 0;

	if ((ca_file[0] != '\0' && ldap_set_option(ld,
	    LDAP_OPT_X_TLS_CACERTFILE, ca_file) != LDAP_OPT_SUCCESS) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &hard) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &min) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CIPHER_SUITE,
	    cxv_tls_priorities) != LDAP_OPT_SUCCESS ||
	    /* The options above apply to a new TLS context only. */
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &fresh) !=
	    LDAP_OPT_SUCCESS)
		return CXV_ERR_INVALID;
	return CXV_OK;
}

int
cxv_tls_client_curl(const char *ca_file, void *curl)
{
	if (curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
	    (ca_file[0] != '\0' && curl_easy_setopt(curl, CURLOPT_CAINFO,
	    ca_file) != CURLE_OK))
		return CXV_ERR_INVALID;
	return CXV_OK;
}

void
cxv_tls_client_hang_up(gnutls_session_t *s, int *fd)
{
	if (*s != NULL) {
		gnutls_bye(*s, GNUTLS_SHUT_WR);
		gnutls_deinit(*s);
		*s = NULL;
	}
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
