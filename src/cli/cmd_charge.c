/* SPDX-License-Identifier: Apache-2.0 */
/* cxvault charge add|list: hospitality call charges for invoices (R1.9). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/charge.h"
#include "records/vault.h"
#include "records/view.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_charge = {
	"charge",
	"hospitality call charges for guest invoices",
	"cxvault charge add [--data DIR] --room R --guest NAME [--guest-phone P] "
	"--dialled N --time T --duration S --amount 1.23\n"
	"       cxvault charge list [--data DIR] --room R [--since T] [--until T]",
	"  add   record a call a guest made from room R (time:\n"
	"        YYYY-MM-DDTHH:MM:SSZ, duration in seconds, amount with up to\n"
	"        2 decimals). Guest name and dialled number are sealed.\n"
	"  list  the room's charges for the invoice, as JSON lines, then a\n"
	"        total line (audited).",
	run,
};

struct args {
	struct cxv_cli_args cli;
	const char *room, *guest, *phone, *dialled, *time, *duration, *amount;
	const char *since, *until;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	switch (o) {
	case 'r': a->room = arg; break;
	case 'g': a->guest = arg; break;
	case 'p': a->phone = arg; break;
	case 'n': a->dialled = arg; break;
	case 't': a->time = arg; break;
	case 'd': a->duration = arg; break;
	case 'a': a->amount = arg; break;
	case 's': a->since = arg; break;
	case 'u': a->until = arg; break;
	default: return CXV_EXIT_USAGE;
	}
	return -1;
}

/* "12", "12.3" or "12.34" into cents. */
static int
parse_amount(const char *s, int64_t *cents)
{
	char whole[16];
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s), f = dot ? strlen(dot + 1) : 0;
	long long w, frac = 0;

	if (n == 0 || n >= sizeof(whole) || f > 2 ||
	    (dot && strspn(dot + 1, "0123456789") != f))
		return CXV_ERR_INVALID;
	memcpy(whole, s, n);
	whole[n] = '\0';
	if (cxv_strtonum(whole, 0, 1000000000LL, &w) != CXV_OK ||
	    (f > 0 && cxv_strtonum(dot + 1, 0, 99, &frac) != CXV_OK))
		return CXV_ERR_INVALID;
	*cents = w * 100 + (f == 1 ? frac * 10 : frac);
	return CXV_OK;
}

static int
do_add(struct cxv_vault *v, struct args *a)
{
	struct cxv_charge_in in;
	const char *why = NULL;
	long long dur;
	int64_t id = 0;
	int r;

	memset(&in, 0, sizeof(in));
	if (a->room == NULL || a->guest == NULL || a->dialled == NULL ||
	    a->time == NULL || a->duration == NULL || a->amount == NULL ||
	    cxv_time_parse(a->time, &in.ts_ms) != CXV_OK ||
	    cxv_strtonum(a->duration, 0, 604800, &dur) != CXV_OK ||
	    parse_amount(a->amount, &in.amount_cents) != CXV_OK)
		return cxv_cli_usage_error(&cxv_cmd_charge, "add needs --room, "
		    "--guest, --dialled, --time T, --duration SECONDS and "
		    "--amount 1.23");
	in.room = a->room;
	in.guest = a->guest;
	in.guest_phone = a->phone ? a->phone : "";
	in.dialled = a->dialled;
	in.duration_s = dur;
	if ((r = cxv_charge_add(v, &in, &id, &why)) != CXV_OK) {
		cxv_cli_error("charge add", "%s%s%s", cxv_strerror(r),
		    why ? ": " : "", why ? why : "");
		return CXV_EXIT_FAIL;
	}
	printf("%lld\n", (long long)id);
	return CXV_EXIT_OK;
}

static int
do_list(struct cxv_vault *v, struct args *a)
{
	int64_t since = INT64_MIN, until = INT64_MAX;
	int r;

	if (a->room == NULL ||
	    (a->since && cxv_time_parse(a->since, &since) != CXV_OK) ||
	    (a->until && cxv_time_parse(a->until, &until) != CXV_OK))
		return cxv_cli_usage_error(&cxv_cmd_charge,
		    "list needs --room (and dates as YYYY-MM-DD)");
	if ((r = cxv_view_charges(v, a->room, since, until, cxv_cli_print_doc,
	    NULL)) != CXV_OK) {
		cxv_cli_error("charge list", "%s", cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "room", required_argument, NULL, 'r' },
		{ "guest", required_argument, NULL, 'g' },
		{ "guest-phone", required_argument, NULL, 'p' },
		{ "dialled", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'd' },
		{ "amount", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct args a;
	int add, r;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cxv_cli_help(&cxv_cmd_charge);
	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "list") != 0))
		return cxv_cli_usage_error(&cxv_cmd_charge, "expected add or list");
	add = strcmp(argv[1], "add") == 0;
	memset(&a, 0, sizeof(a));
	if ((r = cxv_cli_parse(&cxv_cmd_charge, argc - 1, argv + 1, opts, opt,
	    &a, &a.cli)) != -1)
		return r;
	if (a.cli.npos != 0)
		return cxv_cli_usage_error(&cxv_cmd_charge, "unexpected argument");
	if ((r = cxv_cli_open(a.cli.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = add ? do_add(v, &a) : do_list(v, &a);
	cxv_vault_close(v);
	return r;
}
