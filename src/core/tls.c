/* SPDX-License-Identifier: Apache-2.0 */
/* Server certificates and TLS settings with GnuTLS; see tls.h. */
#include "core/tls.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"

#define VALID_DAYS	825	/* the longest validity browsers accept,
				 * from activation to expiry */

const char cxv_tls_priorities[] =
    "SECURE192:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
    "-CIPHER-ALL:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:"
    "-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE";

/* Subject alternative names: the names a local client connects by. */
static int
add_names(gnutls_x509_crt_t crt)
{
	static const char *const ips[] = { "127.0.0.1", "::1" };
	unsigned char a[16];
	char host[256];
	size_t i;
	int rc;

	rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME,
	    "localhost", 9, GNUTLS_FSAN_APPEND);
	if (rc == 0 && gethostname(host, sizeof(host) - 1) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (*host != '\0' && strcmp(host, "localhost") != 0)
			rc = gnutls_x509_crt_set_subject_alt_name(crt,
			    GNUTLS_SAN_DNSNAME, host, (unsigned)strlen(host),
			    GNUTLS_FSAN_APPEND);
	}
	for (i = 0; rc == 0 && i < sizeof(ips) / sizeof(ips[0]); i++) {
		int v6 = strchr(ips[i], ':') != NULL;

		if (inet_pton(v6 ? AF_INET6 : AF_INET, ips[i], a) != 1)
			return -1;
		rc = gnutls_x509_crt_set_subject_alt_name(crt,
		    GNUTLS_SAN_IPADDRESS, a, v6 ? 16 : 4, GNUTLS_FSAN_APPEND);
	}
	return rc;
}

/* The certificate's fields, its key, and its self-signature. */
static int
fill_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	unsigned char serial[16], kid[64];
	size_t kidlen = sizeof(kid);
	time_t now = time(NULL);
	int rc;

	randombytes_buf(serial, sizeof(serial));
	serial[0] &= 0x7f;	/* a positive INTEGER */
	if ((rc = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (rc = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0 ||
	    (rc = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (rc = gnutls_x509_crt_set_expiration_time(crt,
	    now - 3600 + (time_t)VALID_DAYS * 86400)) < 0 ||
	    (rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
	    0, "cxvault", 7)) < 0 ||
	    (rc = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (rc = add_names(crt)) < 0 ||
	    /* Its own trust anchor: clients pin it with --cacert. */
	    (rc = gnutls_x509_crt_set_basic_constraints(crt, 1, 0)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
	    GNUTLS_KEY_KEY_CERT_SIGN)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_purpose_oid(crt,
	    GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
	    (rc = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA1, kid,
	    &kidlen)) < 0 ||
	    (rc = gnutls_x509_crt_set_subject_key_id(crt, kid, kidlen)) < 0)
		return rc;
	return gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
}

static int
write_datum(const char *path, const gnutls_datum_t *d, unsigned mode)
{
	return cxv_write_file_atomic(path, d->data, d->size, mode, 0);
}

int
cxv_tls_make_self_signed(const char *cert_path, const char *key_path,
    char *why, size_t whylen)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = { NULL, 0 }, cpem = { NULL, 0 };
	int rc, r = CXV_ERR_CRYPTO;

	if ((rc = gnutls_x509_privkey_init(&key)) < 0 ||
	    (rc = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
	    (rc = gnutls_x509_crt_init(&crt)) < 0 ||
	    (rc = fill_cert(crt, key)) < 0 ||
	    (rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM,
	    &kpem)) < 0 ||
	    (rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem)) < 0)
		snprintf(why, whylen, "TLS certificate: %s", gnutls_strerror(rc));
	else if ((r = write_datum(key_path, &kpem, 0600)) != CXV_OK)
		snprintf(why, whylen, "%s: %s", key_path, cxv_strerror(r));
	else if ((r = write_datum(cert_path, &cpem, 0644)) != CXV_OK) {
		snprintf(why, whylen, "%s: %s", cert_path, cxv_strerror(r));
		(void)unlink(key_path);
	}
	if (kpem.data != NULL) {
		sodium_memzero(kpem.data, kpem.size);
		gnutls_free(kpem.data);
	}
	gnutls_free(cpem.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return r;
}

/* Whether the key's public part is the certificate's. */
static int
key_matches(char *cert, char *key, size_t keylen)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_datum_t c = { (unsigned char *)cert, (unsigned)strlen(cert) };
	gnutls_datum_t k = { (unsigned char *)key, (unsigned)keylen };
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return GNUTLS_E_MEMORY_ERROR;
	rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k,
	    GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	return rc;
}

int
cxv_tls_load(const char *cert_path, const char *key_path, char **cert,
    char **key, size_t *keylen, char *why, size_t whylen)
{
	struct stat sb;
	size_t clen = 0;
	int rc, r;

	*cert = *key = NULL;
	*keylen = 0;
	if (stat(key_path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		snprintf(why, whylen, "%s: readable by group or others (chmod 600)",
		    key_path);
		return CXV_ERR_DENIED;
	}
	if ((r = cxv_read_file(cert_path, CXV_TLS_FILE_MAX, cert, &clen)) !=
	    CXV_OK) {
		snprintf(why, whylen, "%s: %s", cert_path, cxv_strerror(r));
		return r;
	}
	if ((r = cxv_read_file(key_path, CXV_TLS_FILE_MAX, key, keylen)) !=
	    CXV_OK) {
		snprintf(why, whylen, "%s: %s", key_path, cxv_strerror(r));
		goto fail;
	}
	if ((rc = key_matches(*cert, *key, *keylen)) < 0) {
		snprintf(why, whylen, "%s, %s: %s", cert_path, key_path,
		    gnutls_strerror(rc));
		r = CXV_ERR_INVALID;
		goto fail;
	}
	return CXV_OK;
 fail:
	free(*cert);
	cxv_freezero(*key, *keylen + 1);
	*cert = *key = NULL;
	*keylen = 0;
	return r;
}
