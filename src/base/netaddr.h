/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network addresses: ranges in CIDR notation ("10.0.0.0/8, fd00::/8"),
 * the trusted local networks from which extension + PIN logins are
 * allowed (R2.3), and listen addresses ("127.0.0.1:8443", "[::1]:8443").
 * Plain values; thread-safe.
 */
#ifndef CXV_NET_H
#define CXV_NET_H

#include <stddef.h>
#include <stdint.h>

#define CXV_NETMASK_MAX	16	/* ranges in one list */

#include <sys/socket.h>

struct cxv_netmask {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 */
	int prefix;		/* 0-32 or 0-128 */
};

struct cxv_netmask_list {
	struct cxv_netmask nets[CXV_NETMASK_MAX];
	size_t n;
};

/*
 * Parse a comma-separated list of ADDR/PREFIX (a bare address is a
 * single host; an empty string is an empty list) into *out. Host bits
 * set below the prefix are an error, as a likely typo. Returns CXV_OK,
 * CXV_ERR_INVALID or CXV_ERR_TOO_LARGE (over CXV_NETMASK_MAX ranges).
 */
int cxv_netmask_parse(const char *s, struct cxv_netmask_list *out /* OUT */);

/*
 * 1 if sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as
 * IPv4) lies in one of the list's ranges, else 0.
 */
int cxv_netmask_match(const struct cxv_netmask_list *l,
    const struct sockaddr *sa);

/*
 * Parse "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6), numeric only, port
 * 1-65535, into *ss and *len. Returns CXV_OK or CXV_ERR_INVALID.
 */
int cxv_net_listen_parse(const char *s, struct sockaddr_storage *ss /* OUT */,
    socklen_t *len /* OUT */);

/*
 * "HOST:PORT" or "[V6]:PORT" (a collector to connect to): host (a name
 * or an address, cap bytes) and the port as digits (1-65535).
 */
#define CXV_NET_HOST_MAX	256
int cxv_net_hostport_parse(const char *s, char host[CXV_NET_HOST_MAX],
    char port[6]);

/*
 * A TCP connection to host:port (the first address that answers), with
 * sends, receives and the connect itself bounded by timeout_ms; the
 * socket, or -1.
 */
int cxv_net_dial(const char *host, const char *port, int timeout_ms);

/* The numeric address of sa ("192.0.2.1", "::1") into out, or "?". */
#define CXV_NET_ADDR_STR	48
void cxv_net_addr_text(const struct sockaddr *sa, char out[CXV_NET_ADDR_STR]);

#endif
