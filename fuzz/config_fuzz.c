/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the cxvault.conf parser on arbitrary bytes, and the
 * checks the server runs on what it parsed (directory settings and
 * their group list, mail settings).
 */
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/config.h"
#include "net/ldapauth.h"
#include "net/vmmail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cxv_config cfg;
	char why[CXV_WHY_MAX];

	if (cxv_config_parse((const char *)data, size, "fuzz.conf", &cfg, why,
	    sizeof(why)) != CXV_OK)
		return 0;
	(void)cxv_ldap_config_check(&cfg, why, sizeof(why));
	(void)cxv_vmmail_config_check(&cfg, why, sizeof(why));
	return 0;
}
