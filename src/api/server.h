/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cxvault serve: the HTTPS API over an open vault until SIGTERM or
 * SIGINT (graceful: no new connections, in-flight requests finish, the
 * database is checkpointed). SIGHUP reloads the TLS certificate and key
 * without dropping the listening socket. Expired sessions are swept
 * periodically.
 */
#ifndef CXV_SERVER_H
#define CXV_SERVER_H

#include <stddef.h>

struct cxv_vault;

/*
 * Serve v (whose handle the server clones for its threads) on listen
 * ("ADDR:PORT"; NULL: the config's). Returns when a stop signal came
 * (CXV_OK) or on a start-up failure, which why explains. Prints the
 * address it listens on to standard error once ready.
 */
int cxv_server_run(struct cxv_vault *v, const char *listen, char *why,
    size_t whylen);

#endif
