/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Forwarding of log lines to a collector (R8.5): RFC 5424 syslog
 * messages over TLS with octet-counting framing (RFC 5425), the
 * collector's certificate verified against a CA file (or the system's
 * trust store) and its name (R4.2). The lines are the logger's, so
 * they are already pseudonymized and redacted (R8.3, R8.4).
 *
 * Lines are queued in memory and sent by a thread of their own, so a
 * slow or absent collector never stalls a request: the queue is bounded
 * (oldest lines dropped first, counted and reported), and the thread
 * reconnects with a growing pause.
 */
#ifndef CXV_LOGFWD_H
#define CXV_LOGFWD_H

#include <stddef.h>

struct cxv_logfwd;

/*
 * Forward to target "HOST:PORT" (or "[V6]:PORT"), trusting the CA
 * certificates in ca_file ("" for the system's). Connection happens in
 * the background; only a malformed target or an unreadable CA file
 * fail here (why says which).
 */
int cxv_logfwd_start(const char *target, const char *ca_file,
    struct cxv_logfwd **out /* OUT */, char *why, size_t whylen);

/* Queue one line (a cxv_log sink: level, text without newline). */
void cxv_logfwd_line(void *ctx, int level, const char *line, size_t len);

/* Try for up to wait_ms to send what is queued, then stop and free. */
void cxv_logfwd_stop(struct cxv_logfwd *f, int wait_ms);

#endif
