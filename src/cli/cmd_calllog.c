/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault calllog show: an agent's call log (R1.5). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/call_log.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_calllog = {
	"calllog",
	"show an agent's call log",
	"cxvault calllog show [--data DIR] --agent LOGON",
	"  show  the agent's last calls (incoming, outgoing, missed), newest\n"
	"        first, with the other party's name and number, as JSON lines\n"
	"        (audited). Entries are made as calls are imported; the log\n"
	"        keeps call_log_size entries (cxvault.conf).",
	run,
};

static int
agent_opt(void *ctx, int o, const char *arg)
{
	if (o != 'a')
		return CXV_EXIT_USAGE;
	*(const char **)ctx = arg;
	return -1;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "agent", required_argument, NULL, 'a' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	const char *agent = NULL;
	int64_t uid = 0;
	int r;

	if (argc < 2 || strcmp(argv[1], "show") != 0) {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return cxv_cli_help(&cxv_cmd_calllog);
		return cxv_cli_usage_error(&cxv_cmd_calllog, "expected show");
	}
	if ((r = cxv_cli_parse(&cxv_cmd_calllog, argc - 1, argv + 1, opts,
	    agent_opt, &agent, &a)) != -1)
		return r;
	if (agent == NULL || a.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_calllog,
		    "--agent LOGON is required");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	if ((r = cxv_user_lookup(v, agent, &uid)) == CXV_OK)
		r = cxv_view_call_log(v, uid, cxv_cli_print_doc, NULL);
	cxv_vault_close(v);
	if (r != CXV_OK) {
		cxv_cli_error("calllog show", "%s", r == CXV_ERR_NOT_FOUND ?
		    "no such agent" : cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}
