/* SPDX-License-Identifier: Apache-2.0 */
/* CIDR ranges and listen addresses; see net.h. */
#include "base/netaddr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/util.h"

/* Whether the bits of a beyond prefix are all zero. */
static int
host_bits_clear(const uint8_t *a, int len, int prefix)
{
	int i;

	for (i = prefix; i < len * 8; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

/* One ADDR[/PREFIX] of len bytes at s. */
static int
parse_one(const char *s, size_t len, struct cxv_netmask *m)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	long long prefix;
	int bytes;

	if (len == 0 || len >= sizeof(buf))
		return CXV_ERR_INVALID;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(m, 0, sizeof(*m));
	if (inet_pton(AF_INET, buf, m->addr) == 1)
		m->family = AF_INET, bytes = 4;
	else if (inet_pton(AF_INET6, buf, m->addr) == 1)
		m->family = AF_INET6, bytes = 16;
	else
		return CXV_ERR_INVALID;
	prefix = 8LL * bytes;
	if (slash != NULL &&
	    cxv_strtonum(slash, 0, 8LL * bytes, &prefix) != CXV_OK)
		return CXV_ERR_INVALID;
	m->prefix = (int)prefix;
	return host_bits_clear(m->addr, bytes, m->prefix) ? CXV_OK :
	    CXV_ERR_INVALID;
}

int
cxv_netmask_parse(const char *s, struct cxv_netmask_list *out)
{
	const char *p = s, *end;
	size_t len;
	int r;

	memset(out, 0, sizeof(*out));
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, ", ");
		if (out->n == CXV_NETMASK_MAX)
			return CXV_ERR_TOO_LARGE;
		len = (size_t)(end - p);
		if ((r = parse_one(p, len, &out->nets[out->n])) != CXV_OK)
			return r;
		out->n++;
		p = end;
	}
	return CXV_OK;
}

static int
prefix_match(const uint8_t *a, const uint8_t *net, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, net, (size_t)full) != 0)
		return 0;
	return rest == 0 ||
	    ((a[full] ^ net[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int
cxv_netmask_match(const struct cxv_netmask_list *l, const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const uint8_t *a;
	int family;
	size_t i;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		a = (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr;
		family = AF_INET6;
		if (memcmp(a, mapped, sizeof(mapped)) == 0)
			family = AF_INET, a += 12;
	} else
		return 0;
	for (i = 0; i < l->n; i++)
		if (l->nets[i].family == family &&
		    prefix_match(a, l->nets[i].addr, l->nets[i].prefix))
			return 1;
	return 0;
}

int
cxv_net_listen_parse(const char *s, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	long long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || cxv_strtonum(colon + 1, 1, 65535, &port) != CXV_OK)
		return CXV_ERR_INVALID;
	hl = (size_t)(colon - s);
	if (hl == 0 || hl >= sizeof(host))
		return CXV_ERR_INVALID;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			return CXV_ERR_INVALID;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		return CXV_OK;
	}
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		return CXV_ERR_INVALID;
	in4->sin_family = AF_INET;
	in4->sin_port = htons((uint16_t)port);
	*len = sizeof(*in4);
	return CXV_OK;
}

void
cxv_net_addr_text(const struct sockaddr *sa, char out[CXV_NET_ADDR_STR])
{
	const void *a = NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, out, CXV_NET_ADDR_STR)
	    == NULL)
		snprintf(out, CXV_NET_ADDR_STR, "?");
}

int
cxv_net_hostport_parse(const char *s, char host[CXV_NET_HOST_MAX],
    char port[6])
{
	const char *colon, *h = s, *he;
	long long n;

	if (s[0] == '[') {
		h = s + 1;
		if ((he = strchr(h, ']')) == NULL || he[1] != ':')
			return CXV_ERR_INVALID;
		colon = he + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL || strchr(s, ':') != colon)
			return CXV_ERR_INVALID;
		he = colon;
	}
	if (he == h || (size_t)(he - h) >= CXV_NET_HOST_MAX ||
	    strlen(colon + 1) > 5 || cxv_strtonum(colon + 1, 1, 65535, &n) !=
	    CXV_OK)
		return CXV_ERR_INVALID;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:") != strlen(host))
		return CXV_ERR_INVALID;
	snprintf(port, 6, "%lld", n);
	return CXV_OK;
}

int
cxv_net_dial(const char *host, const char *port, int timeout_ms)
{
	struct addrinfo hints, *ai = NULL, *p;
	struct timeval tv = { timeout_ms / 1000,
	    (suseconds_t)(timeout_ms % 1000) * 1000 };
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	for (p = ai; p != NULL && fd < 0; p = p->ai_next) {
		if ((fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC,
		    p->ai_protocol)) < 0)
			continue;
		/* Linux bounds connect() by the send timeout too. */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, p->ai_addr, p->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}
