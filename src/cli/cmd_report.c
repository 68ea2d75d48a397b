/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault report processing: the record of processing (R10.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cmds.h"
#include "records/vault.h"
#include "rights/report.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_report = {
	"report",
	"the record of processing (GDPR Art. 30)",
	"cxvault report processing [--data DIR] [--format json|html]",
	"  processing  the record of processing activities generated from\n"
	"              the vault: controller and DPO (cxvault.conf), data\n"
	"              categories with counts, purposes, sources, legal bases\n"
	"              and retention, storage and protection, transfers,\n"
	"              access profiles, audit state. JSON (default) or a\n"
	"              self-contained HTML page. No personal data; audited.",
	run,
};

static int
format_opt(void *ctx, int o, const char *arg)
{
	if (o != 'f')
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
	const char *format = "json";
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	json_t *doc = NULL;
	char *html = NULL;
	int r;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cxv_cli_help(&cxv_cmd_report);
	if (argc < 2 || strcmp(argv[1], "processing") != 0)
		return cxv_cli_usage_error(&cxv_cmd_report, "expected processing");
	if ((r = cxv_cli_parse(&cxv_cmd_report, argc - 1, argv + 1, opts,
	    format_opt, &format, &a)) != -1)
		return r;
	if (a.npos != 0 || (strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0))
		return cxv_cli_usage_error(&cxv_cmd_report,
		    "--format takes json or html");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = cxv_report_processing(v, &doc);
	cxv_vault_close(v);
	if (r != CXV_OK)
		return cxv_cli_fail("report processing", r, NULL, "not found");
	if (strcmp(format, "json") == 0)
		return cxv_cli_print_json(doc);
	r = cxv_report_html(doc, &html);
	json_decref(doc);
	if (r != CXV_OK)
		return cxv_cli_fail("report processing", r, NULL, "not found");
	r = fputs(html, stdout) >= 0 ? CXV_EXIT_OK : CXV_EXIT_FAIL;
	free(html);
	return r;
}
