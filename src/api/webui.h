/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The web console (issue 8): static HTML, CSS and JavaScript modules in
 * web/, embedded at build time (tools/embed_assets.py) and served by
 * 'cxvault serve' at "/" and "/ui/...". The console talks to the REST
 * API only, with the session token in a header (no cookies: nothing to
 * forge across sites). Its pages may load only themselves: a strict
 * Content-Security-Policy with no inline script or style.
 */
#ifndef CXV_WEBUI_H
#define CXV_WEBUI_H

#include <stddef.h>

struct cxv_webui_asset {
	const char *path;		/* "/", "/ui/app.css", ... */
	const char *type;		/* Content-Type */
	const unsigned char *data;
	size_t len;
};

extern const struct cxv_webui_asset cxv_webui_assets[];
extern const size_t cxv_webui_asset_count;

/* The asset served at path, or NULL. */
const struct cxv_webui_asset *cxv_webui_find(const char *path);

/* The Content-Security-Policy of the console's pages. */
extern const char cxv_webui_csp[];

#endif
