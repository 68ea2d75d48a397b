/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the cxvault.conf parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cxv_config cfg;
	char why[CXV_WHY_MAX];

	(void)cxv_config_parse((const char *)data, size, "fuzz.conf", &cfg, why,
	    sizeof(why));
	return 0;
}
