/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault import cdr: records from PBX and contact-center files (R10.1). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "err.h"
#include "import.h"
#include "vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_import = {
	"import",
	"import call detail records from PBX files",
	"cxvault import cdr [--data DIR] --format asterisk-csv FILE...",
	"  cdr  read call detail records and store each as an interaction of\n"
	"       its customer (caller, or called outside number), with its trail.\n"
	"       Formats: asterisk-csv (cdr_csv Master.csv, 16 or 18 columns,\n"
	"       usegmtime=yes). Re-importing a file adds nothing. Rejected lines\n"
	"       are named FILE:LINE with the reason (never their content); the\n"
	"       others are imported. Prints one JSON summary per file. Exit 1 if\n"
	"       any line was rejected or a file could not be read.",
	run,
};

struct report_ctx {
	const char *file;
	int tty;
};

static void
on_reject(void *ctx, uint64_t line, const char *why)
{
	struct report_ctx *rc = ctx;

	if (rc->tty)
		fputc('\n', stderr);
	fprintf(stderr, "cxvault: import: %s:%llu: %s\n", rc->file,
	    (unsigned long long)line, why);
}

static void
on_progress(void *ctx, const struct cxv_import_stats *st)
{
	struct report_ctx *rc = ctx;

	if (rc->tty)
		fprintf(stderr, "\r%s: %llu read, %llu imported", rc->file,
		    (unsigned long long)st->read,
		    (unsigned long long)st->imported);
}

static int
import_file(struct cxv_vault *v, const char *format, const char *path)
{
	struct report_ctx rc = { path, isatty(STDERR_FILENO) };
	struct cxv_import_report rep = { on_reject, on_progress, &rc };
	struct cxv_import_stats st;
	FILE *in;
	int r;

	if ((in = fopen(path, "rbe")) == NULL) {
		cxv_cli_error("import", "%s: %s", path, strerror(errno));
		return CXV_EXIT_FAIL;
	}
	r = cxv_import_cdr(v, format, in, &rep, &st);
	fclose(in);
	if (rc.tty)
		fputc('\n', stderr);
	if (r != CXV_OK) {
		cxv_cli_error("import", "%s: stopped after %llu records: %s",
		    path, (unsigned long long)st.imported, cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	r = cxv_cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:I}", "file",
	    path, "read", (json_int_t)st.read, "imported",
	    (json_int_t)st.imported, "duplicates", (json_int_t)st.duplicates,
	    "rejected", (json_int_t)st.rejected));
	return r == CXV_EXIT_OK && st.rejected == 0 ? CXV_EXIT_OK :
	    CXV_EXIT_FAIL;
}

static int
format_opt(void *ctx, int opt, const char *arg)
{
	if (opt != 'f')
		return CXV_EXIT_USAGE;
	*(const char **)ctx = arg;
	return -1;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	const char *format = NULL;
	int i, r, rc = CXV_EXIT_OK;

	if (argc < 2 || strcmp(argv[1], "cdr") != 0) {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return cxv_cli_help(&cxv_cmd_import);
		return cxv_cli_usage_error(&cxv_cmd_import, "expected cdr");
	}
	if ((r = cxv_cli_parse(&cxv_cmd_import, argc - 1, argv + 1, opts,
	    format_opt, &format, &a)) != -1)
		return r;
	if (format == NULL || !cxv_import_cdr_format_known(format))
		return cxv_cli_usage_error(&cxv_cmd_import,
		    "--format asterisk-csv is required");
	if (a.npos == 0)
		return cxv_cli_usage_error(&cxv_cmd_import, "no file given");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	for (i = 0; i < a.npos; i++)
		if (import_file(v, format, a.pos[i]) != CXV_EXIT_OK)
			rc = CXV_EXIT_FAIL;
	cxv_vault_close(v);
	return rc;
}
