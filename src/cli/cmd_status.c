/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault status: what a vault holds, as one JSON object. */
#include <stdio.h>

#include "base/caps.h"
#include "base/err.h"
#include "cli/cmds.h"
#include "core/config.h"
#include "net/ami.h"
#include "records/vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_status = {
	"status",
	"show what a vault holds",
	"cxvault status [--data DIR]",
	"Print the vault's schema version, key source and counts as JSON,\n"
	"and what its database holds that the vault did not make (beside: a\n"
	"PBX's cdr table, say; then exit 1, and 'serve' refuses to start).\n"
	"ami: each Asterisk Manager feed's state, counts and the intervals\n"
	"it may have missed (gaps: import cdr --ended-from/--ended-to).",
	run,
};

static int
run(int argc, char **argv)
{
	static const struct option opts[] = { CXV_CLI_COMMON_OPTIONS };
	struct cxv_vault_stats stats;
	struct cxv_vault *v = NULL;
	char beside[512], why[CXV_WHY_MAX];
	struct cxv_cli_args a;
	int alone = CXV_OK, r;

	if ((r = cxv_cli_parse(&cxv_cmd_status, argc, argv, opts, NULL, NULL,
	    &a)) != -1)
		return r;
	if (a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_status, "unexpected argument");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	if ((r = cxv_vault_stats(v, &stats)) != CXV_OK ||
	    ((alone = cxv_vault_alone(v, beside, sizeof(beside), why,
	    sizeof(why))) != CXV_OK && alone != CXV_ERR_CONFLICT)) {
		cxv_cli_error("status", "%s", r != CXV_OK ? cxv_strerror(r) :
		    why);
		cxv_vault_close(v);
		return CXV_EXIT_FAIL;
	}
	r = cxv_cli_print_json(json_pack("{s:i, s:s, s:I, s:I, s:I, s:s, s:o*}",
	    "schema_version", stats.schema_version,
	    "key_source", cxv_vault_config(v)->key_source ==
	    CXV_KEY_SOURCE_FILE ? "file" : "passphrase",
	    "subjects", (json_int_t)stats.subjects,
	    "interactions", (json_int_t)stats.interactions,
	    "audit_entries", (json_int_t)stats.audit_entries,
	    "beside", beside, "ami", cxv_ami_state(v)));
	cxv_vault_close(v);
	if (r == CXV_EXIT_OK && alone != CXV_OK) {
		cxv_cli_error("status", "%s", why);
		return CXV_EXIT_FAIL;
	}
	return r;
}
