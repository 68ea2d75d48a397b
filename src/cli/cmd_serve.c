/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault serve: the HTTPS API (api/server.c). */
#include <stdio.h>

#include "api/server.h"
#include "base/caps.h"
#include "base/err.h"
#include "cli/cmds.h"
#include "records/vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_serve = {
	"serve",
	"serve the HTTPS API",
	"cxvault serve [--data DIR] [--listen ADDR:PORT]",
	"Serve the REST API (docs/openapi.json, also at /v1/openapi.json)\n"
	"over HTTPS only, TLS 1.2 and 1.3, on the config's listen address\n"
	"(default 127.0.0.1:8443) with tls/cert.pem, the self-signed\n"
	"certificate 'init' made, or tls_cert/tls_key. A passphrase vault\n"
	"reads its passphrase on standard input. SIGTERM or SIGINT stop it\n"
	"gracefully (requests in flight finish); SIGHUP reloads the\n"
	"certificate.",
	run,
};

static int
listen_opt(void *ctx, int o, const char *arg)
{
	if (o != 'l')
		return CXV_EXIT_USAGE;
	*(const char **)ctx = arg;
	return -1;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		CXV_CLI_COMMON_OPTIONS
	};
	char why[CXV_WHY_MAX] = "";
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	const char *listen = NULL;
	int r;

	if ((r = cxv_cli_parse(&cxv_cmd_serve, argc, argv, opts, listen_opt,
	    &listen, &a)) != -1)
		return r;
	if (a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_serve, "unexpected argument");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = cxv_server_run(v, listen, why, sizeof(why));
	cxv_vault_close(v);
	if (r != CXV_OK) {
		cxv_cli_error("serve", "%s", *why ? why : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}
