/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault init: create a vault's data directory (config, key, database). */
#include <stdio.h>
#include <string.h>

#include "api/auth.h"
#include "base/caps.h"
#include "base/err.h"
#include "cli/cmds.h"
#include "core/password.h"
#include "records/profile.h"
#include "records/user.h"
#include "records/vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_init = {
	"init",
	"create a new vault",
	"cxvault init [--data DIR] [--config FILE] [--store postgresql://...] "
	"[--passphrase-stdin] [--admin NAME --password-stdin]",
	"Create a new vault: DIR (0700) with cxvault.conf, vault.db, content/,\n"
	"logs/, tls/ (a self-signed certificate for 'serve') and master.key\n"
	"(0600, 32 random bytes); with --passphrase-stdin no key file: the\n"
	"master key is derived with Argon2id from a passphrase (at least 12\n"
	"characters) read on standard input.\n"
	"--admin NAME makes the first administrator (R2.7: there are no\n"
	"default credentials), with the password read on standard input\n"
	"(after the passphrase, if any); the password policy applies.\n"
	"--store keeps the records in a PostgreSQL database instead of\n"
	"vault.db: an empty database of the vault's own, as a libpq URL\n"
	"(postgresql://HOST/DB?sslmode=verify-full; docs/scaling.md).\n"
	"--config FILE (an absolute path, /etc/cxvault/cxvault.conf for the\n"
	"Debian package) keeps the configuration there: its settings are\n"
	"used (the defaults written if there is no such file) and\n"
	"DIR/cxvault.conf links to it.\n"
	"Refuses to touch an existing, non-empty directory.",
	run,
};

struct args {
	int pass, pw;
	const char *admin, *store, *config;
};

static int
init_opt(void *ctx, int opt, const char *arg)
{
	struct args *a = ctx;

	if (opt == 'p')
		a->pass = 1;
	else if (opt == 'w')
		a->pw = 1;
	else if (opt == 'a')
		a->admin = arg;
	else if (opt == 's')
		a->store = arg;
	else if (opt == 'c')
		a->config = arg;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

/* The secrets on standard input, in order: passphrase, then password. */
struct secrets {
	char *pass, *pw;
	size_t passlen, pwlen;
};

static int
read_secrets(const struct args *a, struct secrets *s, char *why, size_t whylen)
{
	const char *w = NULL;
	int r;

	if (a->pass && (r = cxv_cli_read_secret("new vault passphrase",
	    &s->pass, &s->passlen)) != CXV_OK) {
		snprintf(why, whylen, "cannot read the passphrase on standard "
		    "input: %s", cxv_strerror(r));
		return r;
	}
	if (a->pass && s->passlen < CXV_PASSPHRASE_MIN) {
		snprintf(why, whylen, "passphrase must have at least %d "
		    "characters", CXV_PASSPHRASE_MIN);
		return CXV_ERR_INVALID;
	}
	if (a->admin == NULL)
		return CXV_OK;
	if ((r = cxv_cli_read_secret("administrator password", &s->pw,
	    &s->pwlen)) != CXV_OK) {
		snprintf(why, whylen, "cannot read the password on standard "
		    "input: %s", cxv_strerror(r));
		return r;
	}
	/* Checked before anything is made: a refusal leaves nothing. */
	if ((r = cxv_password_check(s->pw, s->pwlen, CXV_PASSWORD_MIN_DEFAULT,
	    &a->admin, 1, &w)) != CXV_OK)
		snprintf(why, whylen, "administrator password: %s", w);
	return r;
}

/* The first administrator (R2.7): a user with a login and a password. */
static int
make_admin(const char *dir, const struct args *a, const struct secrets *s,
    const char *actor, char *why, size_t whylen)
{
	struct cxv_vault *v = NULL;
	const char *w = NULL;
	int64_t id = 0;
	int r;

	if ((r = cxv_vault_open(dir, s->pass, s->passlen, actor, &v, why,
	    whylen)) != CXV_OK)
		return r;
	if ((r = cxv_user_add(v, a->admin, CXV_USER_LOCAL, NULL, 0, 0, &id,
	    &w)) == CXV_OK && (r = cxv_auth_grant(v, id,
	    CXV_PROFILE_ADMINISTRATOR)) == CXV_OK)
		r = cxv_auth_set_password(v, id, s->pw, s->pwlen, 0, &w);
	if (r != CXV_OK)
		snprintf(why, whylen, "administrator %s: %s%s%s", a->admin,
		    cxv_strerror(r), w ? ": " : "", w ? w : "");
	cxv_vault_close(v);
	return r;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-stdin", no_argument, NULL, 'p' },
		{ "admin", required_argument, NULL, 'a' },
		{ "password-stdin", no_argument, NULL, 'w' },
		{ "store", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		CXV_CLI_COMMON_OPTIONS
	};
	char why[CXV_WHY_MAX] = "", actor[96];
	struct secrets s = { NULL, NULL, 0, 0 };
	struct cxv_cli_args cli;
	struct args a = { 0, 0, NULL, NULL, NULL };
	int r;

	if ((r = cxv_cli_parse(&cxv_cmd_init, argc, argv, opts, init_opt, &a,
	    &cli)) != -1)
		return r;
	if (cli.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_init, "unexpected argument");
	if ((a.admin != NULL) != a.pw)
		return cxv_cli_usage_error(&cxv_cmd_init,
		    "--admin and --password-stdin go together");
	cxv_cli_actor(actor, sizeof(actor));
	if ((r = read_secrets(&a, &s, why, sizeof(why))) == CXV_OK &&
	    (r = cxv_vault_init(cli.dir, a.config, a.store, s.pass, s.passlen,
	    actor, why, sizeof(why))) == CXV_OK && a.admin != NULL)
		r = make_admin(cli.dir, &a, &s, actor, why, sizeof(why));
	cxv_cli_free_secret(s.pass);
	cxv_cli_free_secret(s.pw);
	if (r != CXV_OK) {
		cxv_cli_error("init", "%s", why[0] ? why : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	printf("vault created in %s\n", cli.dir);
	return CXV_EXIT_OK;
}
