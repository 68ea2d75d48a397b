/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault keys rotate: re-wrap every key under a new master key (R5.5). */
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "cli/cmds.h"
#include "core/config.h"
#include "records/vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_keys = {
	"keys",
	"rotate the master key",
	"cxvault keys rotate [--data DIR]",
	"  rotate  re-wrap the vault root and every subject key under a new\n"
	"          master key, in one transaction. A key-file vault gets a\n"
	"          new master.key (the old one stays as master.key.old until\n"
	"          the commit); a passphrase vault reads the current and then\n"
	"          the new passphrase (12+ characters) on standard input.",
	run,
};

static int
rotate(struct cxv_vault *v)
{
	char why[CXV_WHY_MAX] = "", *pass = NULL;
	size_t len = 0;
	int r;

	if (cxv_vault_config(v)->key_source == CXV_KEY_SOURCE_PASSPHRASE) {
		if ((r = cxv_cli_read_secret("new vault passphrase", &pass,
		    &len)) != CXV_OK) {
			cxv_cli_error("keys rotate", "cannot read the new "
			    "passphrase: %s", cxv_strerror(r));
			return CXV_EXIT_FAIL;
		}
		if (len < CXV_PASSPHRASE_MIN) {
			cxv_cli_free_secret(pass);
			cxv_cli_error("keys rotate", "passphrase must have at "
			    "least %d characters", CXV_PASSPHRASE_MIN);
			return CXV_EXIT_FAIL;
		}
	}
	r = cxv_vault_rotate_keys(v, pass, len, why, sizeof(why));
	cxv_cli_free_secret(pass);
	if (r != CXV_OK) {
		cxv_cli_error("keys rotate", "%s", why[0] ? why : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	printf("master key rotated\n");
	return CXV_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = { CXV_CLI_COMMON_OPTIONS };
	static const char *const verbs[] = { "rotate" };
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_keys, argc, argv, verbs, 1, &verb)) !=
	    -1 || (r = cxv_cli_parse(&cxv_cmd_keys, argc - 1, argv + 1, opts, NULL,
	    NULL, &a)) != -1)
		return r;
	if (a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_keys, "unexpected argument");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = rotate(v);
	cxv_vault_close(v);
	return r;
}
