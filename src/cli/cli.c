/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the subcommands; see cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "records/vault.h"

void
cxv_cli_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cxvault: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cxv_cli_fail(const char *what, int r, const char *why, const char *not_found)
{
	if (why != NULL)
		cxv_cli_error(what, "%s: %s", cxv_strerror(r), why);
	else if (r == CXV_ERR_NOT_FOUND)
		cxv_cli_error(what, "%s", not_found);
	else
		cxv_cli_error(what, "%s", cxv_strerror(r));
	return CXV_EXIT_FAIL;
}

int
cxv_cli_usage_error(const struct cxv_cmd *cmd, const char *msg)
{
	cxv_cli_error(cmd->name, "%s", msg);
	fprintf(stderr, "usage: %s\n(see 'cxvault %s --help')\n", cmd->usage,
	    cmd->name);
	return CXV_EXIT_USAGE;
}

int
cxv_cli_help(const struct cxv_cmd *cmd)
{
	printf("usage: %s\n\n%s\n", cmd->usage, cmd->help);
	return CXV_EXIT_OK;
}

int
cxv_cli_verb(const struct cxv_cmd *cmd, int argc, char **argv,
    const char *const *verbs, int n, int *verb)
{
	char msg[256];
	size_t len;
	int i;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cxv_cli_help(cmd);
	if (argc >= 2 && (*verb = cxv_name_index(verbs, n, argv[1])) >= 0)
		return -1;
	len = (size_t)snprintf(msg, sizeof(msg), "expected");
	for (i = 0; i < n && len < sizeof(msg); i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s %s",
		    i == 0 ? "" : i == n - 1 ? " or" : ",", verbs[i]);
	return cxv_cli_usage_error(cmd, msg);
}

static const char *
data_dir(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	if ((env = getenv("CXVAULT_DATA")) != NULL && *env != '\0')
		return env;
	return "./vault";
}

_Static_assert(CXV_IDENT_PHONE == 0 && CXV_IDENT_EMAIL == 1 &&
    CXV_IDENT_CHAT == 2 && CXV_IDENT_ACCOUNT == 3 && CXV_IDENT_LOGON == 4 &&
    CXV_IDENT_NAME == 5 && CXV_IDENT_SIP == 6 && CXV_IDENT_DIALLED == 7,
    "CXV_CLI_IDENT_OPTIONS follows enum cxv_ident_kind");

int
cxv_cli_ident_opt(const struct cxv_cmd *cmd, struct cxv_cli_idents *ids,
    int opt, const char *arg)
{
	if (opt < CXV_CLI_OPT_IDENT ||
	    opt >= CXV_CLI_OPT_IDENT + CXV_IDENT__COUNT)
		return 0;
	if (ids->n == CXV_SUBJECT_IDENTS_MAX)
		return cxv_cli_usage_error(cmd, "too many identifiers");
	ids->ids[ids->n].kind = (enum cxv_ident_kind)(opt - CXV_CLI_OPT_IDENT);
	ids->ids[ids->n++].value = arg;
	return -1;
}

void
cxv_cli_field_options(const char *const *names, size_t n, struct option *opts)
{
	size_t i;

	for (i = 0; i < n && i < CXV_CLI_FIELDS_MAX; i++)
		opts[i] = (struct option){ names[i], required_argument, NULL,
		    CXV_CLI_OPT_FIELD + (int)i };
}

int
cxv_cli_field_opt(struct cxv_cli_fields *fs, const char *const *names,
    size_t n, int o, const char *arg)
{
	size_t k = (size_t)(o - CXV_CLI_OPT_FIELD);
	char *p;

	if (o < CXV_CLI_OPT_FIELD || k >= n || fs->n == CXV_CLI_FIELDS_MAX)
		return 0;
	snprintf(fs->names[fs->n], sizeof(fs->names[0]), "%s", names[k]);
	for (p = fs->names[fs->n]; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
	fs->f[fs->n].name = fs->names[fs->n];
	fs->f[fs->n++].value = arg;
	return -1;
}

int
cxv_cli_parse_id(const struct cxv_cmd *cmd, const char *s, int64_t *id)
{
	long long v;

	if (cxv_strtonum(s, 1, (1LL << CXV_ID_BITS) - 1, &v) != CXV_OK)
		return cxv_cli_usage_error(cmd, "ids are positive integers");
	*id = v;
	return -1;
}

int
cxv_cli_parse(const struct cxv_cmd *cmd, int argc, char **argv,
    const struct option *opts, cxv_cli_opt_fn fn, void *ctx,
    struct cxv_cli_args *a)
{
	const char *dir = NULL;
	int c, r;

	memset(a, 0, sizeof(*a));
	optind = 0;	/* glibc: full reset, argv differs per call */
	opterr = 0;	/* we print our own errors */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == CXV_CLI_OPT_DATA)
			dir = optarg;
		else if (c == CXV_CLI_OPT_HELP)
			return cxv_cli_help(cmd);
		else if (c == '?' || c == ':' || fn == NULL)
			return cxv_cli_usage_error(cmd,
			    "unknown option or missing value");
		else if ((r = fn(ctx, c, optarg)) != -1)
			return r;
	}
	a->dir = data_dir(dir);
	a->pos = argv + optind;
	a->npos = argc - optind;
	return -1;
}

/* Read bytes up to '\n' or EOF with read(2): no stdio copy of the secret. */
static int
read_line_fd(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	ssize_t got;
	char c;

	for (;;) {
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return CXV_ERR_IO;
		if (got == 0 || c == '\n')
			break;
		if (n + 1 >= cap)
			return CXV_ERR_TOO_LARGE;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return got == 0 && n == 0 ? CXV_ERR_NOT_FOUND : CXV_OK;
}

/* One line of fd into locked memory (*out: cxv_cli_free_secret()). */
static int
read_secret_fd(int fd, char **out, size_t *len)
{
	char *buf;
	int r;

	*out = NULL;
	*len = 0;
	if ((buf = sodium_malloc(CXV_PASSPHRASE_MAX + 1)) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = read_line_fd(fd, buf, CXV_PASSPHRASE_MAX + 1, len)) !=
	    CXV_OK) {
		sodium_free(buf);
		return r;
	}
	*out = buf;
	return CXV_OK;
}

/*
 * systemd's credential "passphrase" of the service (cxvault.service:
 * LoadCredentialEncrypted=passphrase:...), open; -1 if there is none.
 */
static int
credential_fd(void)
{
	const char *d = getenv("CREDENTIALS_DIRECTORY");
	char p[PATH_MAX];

	if (d == NULL || d[0] != '/' ||
	    (size_t)snprintf(p, sizeof(p), "%s/passphrase", d) >= sizeof(p))
		return -1;
	return open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

int
cxv_cli_read_secret(const char *prompt, char **out, size_t *len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	int r;

	if (tty) {
		fprintf(stderr, "%s: ", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	r = read_secret_fd(STDIN_FILENO, out, len);
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return r;
}

void
cxv_cli_free_secret(char *s)
{
	sodium_free(s);
}

void
cxv_cli_actor(char *out, size_t cap)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name != NULL && strlen(pw->pw_name) < 64)
		snprintf(out, cap, "local:%s", pw->pw_name);
	else
		snprintf(out, cap, "local:uid%u", (unsigned)geteuid());
}

int
cxv_cli_passphrase(const char *dir, char **pass, size_t *len)
{
	char why[CXV_WHY_MAX] = "";
	enum cxv_key_source src;
	int r, fd;

	*pass = NULL;
	*len = 0;
	if (cxv_vault_key_source(dir, &src, why, sizeof(why)) != CXV_OK) {
		cxv_cli_error("open vault", "%s", why);
		return CXV_EXIT_FAIL;
	}
	if (src != CXV_KEY_SOURCE_PASSPHRASE)
		return CXV_EXIT_OK;
	if ((fd = credential_fd()) >= 0) {
		r = read_secret_fd(fd, pass, len);
		close(fd);
	} else
		r = cxv_cli_read_secret("vault passphrase", pass, len);
	if (r != CXV_OK) {
		cxv_cli_error("open vault", "cannot read the passphrase on "
		    "standard input or from the service's credential: %s",
		    cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

int
cxv_cli_open(const char *dir, struct cxv_vault **out)
{
	char why[CXV_WHY_MAX] = "", actor[96];
	char *pass = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = cxv_cli_passphrase(dir, &pass, &len)) != CXV_EXIT_OK)
		return r;
	cxv_cli_actor(actor, sizeof(actor));
	r = cxv_vault_open(dir, pass, len, actor, out, why, sizeof(why));
	cxv_cli_free_secret(pass);
	if (r != CXV_OK) {
		cxv_cli_error("open vault", "%s", why[0] ? why : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

int
cxv_cli_print_json(json_t *j)
{
	char *s;
	int r = CXV_EXIT_FAIL;

	if (j == NULL)
		return r;
	if ((s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII)) != NULL) {
		if (puts(s) >= 0)
			r = CXV_EXIT_OK;
		sodium_memzero(s, strlen(s));
		free(s);
	}
	json_decref(j);
	return r;
}

int
cxv_cli_print_doc(void *ctx, json_t *doc)
{
	(void)ctx;
	return cxv_cli_print_json(doc) == CXV_EXIT_OK ? CXV_OK : CXV_ERR_IO;
}
