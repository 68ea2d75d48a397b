/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault voicemail mail|status|send: voicemail to email (R4.3). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "net/vmmail.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"
#include "records/voicemail.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_voicemail = {
	"voicemail",
	"voicemail to email: choose, follow, send",
	"cxvault voicemail mail [--data DIR] LOGON --on|--off [--delete-after|--keep]\n"
	"       cxvault voicemail status [--data DIR] LOGON\n"
	"       cxvault voicemail send [--data DIR]",
	"Voicemail to email (R4.3): each new voicemail message of a user who\n"
	"chose it is mailed to the user's email address with the audio\n"
	"attached, over SMTP with TLS (smtp_url in cxvault.conf); 'serve'\n"
	"sends every few seconds and retries failures with a growing pause.\n\n"
	"  mail    turn it on or off for LOGON; --delete-after deletes each\n"
	"          message once mailed, --keep keeps it (default). Audited.\n"
	"  status  the choice and each message's state, as JSON.\n"
	"  send    send what is due now (without a running server).",
	run,
};

struct args {
	struct cxv_cli_args cli;
	int on, off, del, keep;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	(void)arg;
	if (o == '1')
		a->on = 1;
	else if (o == '0')
		a->off = 1;
	else if (o == 'D')
		a->del = 1;
	else if (o == 'K')
		a->keep = 1;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

static int
act(struct cxv_vault *v, const char *verb, const struct args *a)
{
	struct cxv_voicemail_settings s = { 0, 0 };
	struct cxv_vmmail_report rep;
	int64_t id = 0;
	json_t *doc = NULL;
	int r;

	if (strcmp(verb, "send") == 0) {
		if ((r = cxv_vmmail_run(v, cxv_now_ms(), &rep)) != CXV_OK)
			return cxv_cli_fail("voicemail send", r, r ==
			    CXV_ERR_INVALID ? "no mail server: set smtp_url" :
			    NULL, NULL);
		return cxv_cli_print_json(json_pack("{s:i, s:i}", "sent",
		    rep.sent, "failed", rep.failed));
	}
	if ((r = cxv_user_lookup(v, a->cli.pos[0], &id)) != CXV_OK)
		return cxv_cli_fail("voicemail", r, NULL, "no such user");
	if (strcmp(verb, "mail") == 0) {
		s.enabled = a->on;
		s.delete_after = a->del;
		if ((r = cxv_voicemail_set(v, id, &s)) != CXV_OK)
			return cxv_cli_fail("voicemail mail", r, NULL, NULL);
	}
	if ((r = cxv_view_voicemail(v, id, &doc)) != CXV_OK)
		return cxv_cli_fail("voicemail", r, NULL, "no such user");
	return cxv_cli_print_json(doc);
}

static int
check(const char *verb, const struct args *a)
{
	int mail = strcmp(verb, "mail") == 0;

	if (a->cli.npos != (strcmp(verb, "send") == 0 ? 0 : 1))
		return cxv_cli_usage_error(&cxv_cmd_voicemail,
		    "wrong number of arguments");
	if (mail ? a->on == a->off : a->on || a->off)
		return cxv_cli_usage_error(&cxv_cmd_voicemail, mail ?
		    "mail needs --on or --off" : "--on/--off are for mail");
	if ((a->del && a->keep) || (!mail && (a->del || a->keep)) ||
	    (a->off && a->del))
		return cxv_cli_usage_error(&cxv_cmd_voicemail, "--delete-after "
		    "or --keep, with mail --on");
	return -1;
}

static int
run(int argc, char **argv)
{
	static const char *const verbs[] = { "mail", "status", "send" };
	static const struct option opts[] = {
		{ "on", no_argument, NULL, '1' },
		{ "off", no_argument, NULL, '0' },
		{ "delete-after", no_argument, NULL, 'D' },
		{ "keep", no_argument, NULL, 'K' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct args a;
	int verb, r;

	if ((r = cxv_cli_verb(&cxv_cmd_voicemail, argc, argv, verbs, 3, &verb))
	    != -1)
		return r;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_voicemail, argc - 1, argv + 1, opts,
	    opt, &a, &a.cli)) != -1 || (r = check(argv[1], &a)) != -1)
		return r;
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = act(v, argv[1], &a);
	cxv_vault_close(v);
	return r;
}
