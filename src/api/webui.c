/* SPDX-License-Identifier: Apache-2.0 */
/* The embedded web console's files; see webui.h. */
#include "api/webui.h"

#include <string.h>

const char cxv_webui_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const struct cxv_webui_asset *
cxv_webui_find(const char *path)
{
	size_t i;

	for (i = 0; i < cxv_webui_asset_count; i++)
		if (strcmp(cxv_webui_assets[i].path, path) == 0)
			return &cxv_webui_assets[i];
	return NULL;
}
