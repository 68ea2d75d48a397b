/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service manager's readiness protocol (systemd's sd_notify(3)): a
 * datagram of "KEY=value" lines to the AF_UNIX socket $NOTIFY_SOCKET
 * names, when it names one. The protocol is one sendto() and stable;
 * libsystemd is not linked for it (its load-time set-up, and the
 * libraries it brings, are not wanted in the vault's process).
 */
#ifndef CXV_NOTIFY_H
#define CXV_NOTIFY_H

/* Send state ("READY=1", "RELOADING=1", ...); quietly nothing outside
 * a service. CXV_OK, or CXV_ERR_IO if the socket took nothing. */
int cxv_notify(const char *state);

#endif
