/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS material of the HTTPS server (R4.1): the self-signed certificate
 * 'cxvault init' makes so that a vault serves HTTPS from the first
 * start, and loading a certificate and key for the server. GnuTLS.
 */
#ifndef CXV_TLS_H
#define CXV_TLS_H

#include <stddef.h>

/*
 * Make an ECDSA P-256 key (written 0600 to key_path) and a self-signed
 * certificate for localhost, 127.0.0.1, ::1 and this host's name
 * (written 0644 to cert_path), valid for 825 days. Neither file may
 * exist. On failure neither is left behind and why says what failed.
 */
int cxv_tls_make_self_signed(const char *cert_path, const char *key_path,
    char *why, size_t whylen);

/*
 * Read a PEM certificate chain and its key. The key file must not be
 * readable by group or others. *cert and *key are NUL-terminated; the
 * caller frees *cert with free() and *key with cxv_freezero(*key,
 * *keylen + 1). Checks that both parse and that the key matches.
 */
int cxv_tls_load(const char *cert_path, const char *key_path,
    char **cert /* OUT */, char **key /* OUT */, size_t *keylen /* OUT */,
    char *why, size_t whylen);

/*
 * The GnuTLS priority string of the server: TLS 1.3 and 1.2 only,
 * forward-secret key exchange, AEAD ciphers only.
 */
extern const char cxv_tls_priorities[];

#endif
