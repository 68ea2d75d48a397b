/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the tar header parser of backups and archives, and
 * the collector address parser. Whatever a header holds, a parse that
 * succeeds gives a NUL-ended name that cxv_tar_header() writes back to
 * the same name and size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/netaddr.h"
#include "base/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t h[CXV_TAR_BLOCK], again[CXV_TAR_BLOCK];
	char name[100], name2[100], hp[300], host[CXV_NET_HOST_MAX], port[6];
	uint64_t sz, sz2;

	if (size < CXV_TAR_BLOCK) {
		memcpy(hp, data, size < sizeof(hp) - 1 ? size : sizeof(hp) - 1);
		hp[size < sizeof(hp) - 1 ? size : sizeof(hp) - 1] = '\0';
		if (cxv_net_hostport_parse(hp, host, port) == CXV_OK &&
		    (strlen(host) >= CXV_NET_HOST_MAX || strlen(port) > 5))
			abort();
		return 0;
	}
	memcpy(h, data, CXV_TAR_BLOCK);
	if (cxv_tar_parse(h, name, &sz) != CXV_OK)
		return 0;
	if (memchr(name, '\0', sizeof(name)) == NULL)
		abort();
	if (cxv_tar_header(name, sz, 0, again) != CXV_OK ||
	    cxv_tar_parse(again, name2, &sz2) != CXV_OK ||
	    strcmp(name, name2) != 0 || sz != sz2)
		abort();
	return 0;
}
