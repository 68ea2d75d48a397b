/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the subcommands (cmd_*.c): error format
 * "cxvault: <what>: <why>", exit codes, the data directory, passphrases
 * from standard input, opening a vault as the local Unix user, JSON out.
 */
#ifndef CXV_CLI_H
#define CXV_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/fields.h"
#include "records/subject.h"

#define CXV_EXIT_OK	0
#define CXV_EXIT_FAIL	1
#define CXV_EXIT_USAGE	2

struct cxv_vault;

/* One subcommand: run() gets argv with argv[0] = its name. */
struct cxv_cmd {
	const char *name;
	const char *summary;	/* one line for 'cxvault --help' */
	const char *usage;
	const char *help;	/* what 'cxvault CMD --help' explains */
	int (*run)(int argc, char **argv);
};

/* Print "cxvault: what: why" on stderr. */
void cxv_cli_error(const char *what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Report a failed operation as "cxvault: what: <error>: why", or, without
 * why, not_found for CXV_ERR_NOT_FOUND and the error's text otherwise.
 * Returns CXV_EXIT_FAIL.
 */
int cxv_cli_fail(const char *what, int r, const char *why,
    const char *not_found);

/* Print "cxvault: what: msg" and the usage hint; returns CXV_EXIT_USAGE. */
int cxv_cli_usage_error(const struct cxv_cmd *cmd, const char *msg);

/* Print the command's usage on stdout; returns CXV_EXIT_OK. */
int cxv_cli_help(const struct cxv_cmd *cmd);

/*
 * The verb of "cxvault CMD VERB ...": -1 to go on with *verb its index
 * in verbs (n of them); else the exit code of --help, or of a usage
 * error naming the verbs ("expected a, b or c").
 */
int cxv_cli_verb(const struct cxv_cmd *cmd, int argc, char **argv,
    const char *const *verbs, int n, int *verb /* OUT */);

/*
 * The options every command takes; end each command's table with them.
 * Their values lie outside the letters commands use for their own.
 */
#define CXV_CLI_OPT_DATA	900
#define CXV_CLI_OPT_HELP	901
#define CXV_CLI_COMMON_OPTIONS						\
	{ "data", required_argument, NULL, CXV_CLI_OPT_DATA },		\
	{ "help", no_argument, NULL, CXV_CLI_OPT_HELP },		\
	{ NULL, 0, NULL, 0 }

/* Identifier options (--phone ... --name), values CXV_CLI_OPT_IDENT + kind. */
#define CXV_CLI_OPT_IDENT	1000
#define CXV_CLI_IDENT_OPTIONS						\
	{ "phone", required_argument, NULL, CXV_CLI_OPT_IDENT + 0 },	\
	{ "email", required_argument, NULL, CXV_CLI_OPT_IDENT + 1 },	\
	{ "chat", required_argument, NULL, CXV_CLI_OPT_IDENT + 2 },	\
	{ "account", required_argument, NULL, CXV_CLI_OPT_IDENT + 3 },	\
	{ "logon", required_argument, NULL, CXV_CLI_OPT_IDENT + 4 },	\
	{ "name", required_argument, NULL, CXV_CLI_OPT_IDENT + 5 },	\
	{ "sip", required_argument, NULL, CXV_CLI_OPT_IDENT + 6 },	\
	{ "dialled", required_argument, NULL, CXV_CLI_OPT_IDENT + 7 }

/* Identifiers collected from the command line. */
struct cxv_cli_idents {
	struct cxv_ident_input ids[CXV_SUBJECT_IDENTS_MAX];
	size_t n;
};

/*
 * Collect an identifier option into ids: -1 if opt was one (or not an
 * identifier option: 0 then), else an exit code (too many).
 */
int cxv_cli_ident_opt(const struct cxv_cmd *cmd, struct cxv_cli_idents *ids,
    int opt, const char *arg);

/*
 * Record fields given as options: --first-name X sets first_name. The
 * option values are CXV_CLI_OPT_FIELD + the name's index.
 */
#define CXV_CLI_OPT_FIELD	2000
#define CXV_CLI_FIELDS_MAX	32
struct cxv_cli_fields {
	char names[CXV_CLI_FIELDS_MAX][24];
	struct cxv_field f[CXV_CLI_FIELDS_MAX];
	size_t n;
};

/* opts[i] becomes the option for names[i], i < n <= CXV_CLI_FIELDS_MAX. */
void cxv_cli_field_options(const char *const *names, size_t n,
    struct option *opts /* OUT */);

/* Record option o as a field: -1 if it was one, 0 if not. */
int cxv_cli_field_opt(struct cxv_cli_fields *fs, const char *const *names,
    size_t n, int o, const char *arg);

/* Parse a subject or record id; -1 if fine, else a usage exit code. */
int cxv_cli_parse_id(const struct cxv_cmd *cmd, const char *s,
    int64_t *id /* OUT */);

/* Handles one command-specific option: -1 to go on, else an exit code. */
typedef int (*cxv_cli_opt_fn)(void *ctx, int opt, const char *arg);

/* What cxv_cli_parse() found. */
struct cxv_cli_args {
	const char *dir;	/* --data, else $CXVAULT_DATA, else ./vault */
	char **pos;		/* positional arguments */
	int npos;
};

/*
 * getopt_long over argv (argv[0] names the command or verb) with opts,
 * which ends with CXV_CLI_COMMON_OPTIONS. --help prints the command's
 * help; other options go to fn (NULL if there are none). Returns -1 to go
 * on with *a filled, else the exit code to return.
 */
int cxv_cli_parse(const struct cxv_cmd *cmd, int argc, char **argv,
    const struct option *opts, cxv_cli_opt_fn fn, void *ctx,
    struct cxv_cli_args *a /* OUT */);

/*
 * Read one line from standard input (no echo on a terminal, prompt on
 * stderr) into locked memory: *out is the caller's to cxv_cli_free_secret().
 */
int cxv_cli_read_secret(const char *prompt, char **out /* OUT */,
    size_t *len /* OUT */);
void cxv_cli_free_secret(char *s);

/* The audit actor of the command line: "local:<unix user>". */
void cxv_cli_actor(char *out, size_t cap);

/*
 * Open the vault in dir as cxv_cli_actor(), reading the passphrase
 * on stdin if the vault has one. Prints the error itself; returns
 * CXV_EXIT_OK or CXV_EXIT_FAIL.
 */
int cxv_cli_open(const char *dir, struct cxv_vault **out /* OUT */);
/*
 * The passphrase of a passphrase vault from standard input (NULL for a
 * key-file vault); an exit code, after printing why, on failure.
 */
int cxv_cli_passphrase(const char *dir, char **pass /* OUT */,
    size_t *len /* OUT */);

/* Print j as one compact JSON line on stdout, wiping the text; frees j. */
int cxv_cli_print_json(json_t *j);

/* cxv_cli_print_json() as a cxv_view_fn: each document on its own line. */
int cxv_cli_print_doc(void *ctx, json_t *doc);

#endif
