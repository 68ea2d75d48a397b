/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault init: create a vault's data directory (config, key, database). */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "err.h"
#include "caps.h"
#include "vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_init = {
	"init",
	"create a new vault",
	"cxvault init [--data DIR] [--passphrase-stdin]",
	"Create a new vault: DIR (0700) with cxvault.conf, vault.db, content/,\n"
	"logs/ and master.key (0600, 32 random bytes); with --passphrase-stdin\n"
	"no key file: the master key is derived with Argon2id from a\n"
	"passphrase (at least 12 characters) read on standard input.\n"
	"Refuses to touch an existing, non-empty directory.",
	run,
};

static int
init_with_passphrase(const char *dir, const char *actor, char *why,
    size_t whylen)
{
	char *pass = NULL;
	size_t len = 0;
	int r;

	if ((r = cxv_cli_read_secret("new vault passphrase", &pass, &len))
	    != CXV_OK) {
		snprintf(why, whylen, "cannot read the passphrase on standard "
		    "input: %s", cxv_strerror(r));
		return r;
	}
	if (len < CXV_PASSPHRASE_MIN) {
		snprintf(why, whylen, "passphrase must have at least %d "
		    "characters", CXV_PASSPHRASE_MIN);
		r = CXV_ERR_INVALID;
	} else
		r = cxv_vault_init(dir, pass, len, actor, why, whylen);
	cxv_cli_free_secret(pass);
	return r;
}

static int
init_opt(void *ctx, int opt, const char *arg)
{
	(void)arg;
	if (opt != 'p')
		return CXV_EXIT_USAGE;
	*(int *)ctx = 1;
	return -1;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-stdin", no_argument, NULL, 'p' },
		CXV_CLI_COMMON_OPTIONS
	};
	char why[CXV_WHY_MAX] = "", actor[96];
	struct cxv_cli_args a;
	int pass = 0, r;

	if ((r = cxv_cli_parse(&cxv_cmd_init, argc, argv, opts, init_opt,
	    &pass, &a)) != -1)
		return r;
	if (a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_init, "unexpected argument");
	cxv_cli_actor(actor, sizeof(actor));
	r = pass ? init_with_passphrase(a.dir, actor, why, sizeof(why)) :
	    cxv_vault_init(a.dir, NULL, 0, actor, why, sizeof(why));
	if (r != CXV_OK) {
		cxv_cli_error("init", "%s", why[0] ? why : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	printf("vault created in %s\n", a.dir);
	return CXV_EXIT_OK;
}
