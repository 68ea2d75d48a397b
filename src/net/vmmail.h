/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Voicemail to email (R4.3): a user who chose it (voicemail.h) gets
 * each new voicemail message as an email with the audio attached, over
 * SMTP with STARTTLS (smtp://, required) or implicit TLS (smtps://), the
 * server's certificate checked (tls_client.h); libcurl. The message can
 * be deleted once sent (the user's choice). A message that cannot be
 * sent is retried with a growing pause, up to CXV_VOICEMAIL_ATTEMPTS
 * times; the user sees each message's state. Sends and deletions are audited; the
 * log names error codes only.
 */
#ifndef CXV_VMMAIL_H
#define CXV_VMMAIL_H

#include <stddef.h>
#include <stdint.h>

struct cxv_vault;
struct cxv_config;

/* Check cfg's mail settings (at server start): INVALID with why. */
int cxv_vmmail_config_check(const struct cxv_config *cfg, char *why,
    size_t whylen);

struct cxv_vmmail_report {
	int sent, failed;		/* failed: will be retried, or gave up */
};

/* Send every message due as of now_ms. INVALID if no mail server is set. */
int cxv_vmmail_run(struct cxv_vault *v, int64_t now_ms,
    struct cxv_vmmail_report *rep /* OUT */);

/*
 * The server's sender: a worker that sends what is due every few
 * seconds (cxv_worker_stop waits for the current message); *out NULL if
 * no mail server is set.
 */
struct cxv_worker;
int cxv_vmmail_sender_start(struct cxv_vault *v,
    struct cxv_worker **out /* OUT */);

#endif
