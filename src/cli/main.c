/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cxvault: the personal-data vault of a contact center. One program with
 * subcommands (like git); this file only dispatches to src/cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/cmds.h"
#include "cxv_version.h"
#include "records/view.h"

static const struct cxv_cmd *const commands[] = {
	&cxv_cmd_init, &cxv_cmd_status, &cxv_cmd_subject, &cxv_cmd_audit,
	&cxv_cmd_keys, &cxv_cmd_import, &cxv_cmd_interaction,
	&cxv_cmd_content, &cxv_cmd_user, &cxv_cmd_calllog, &cxv_cmd_campaign,
	&cxv_cmd_dnc, &cxv_cmd_export, &cxv_cmd_contact, &cxv_cmd_stats,
	&cxv_cmd_charge, &cxv_cmd_serve, &cxv_cmd_request, &cxv_cmd_report,
	&cxv_cmd_logs,
	&cxv_cmd_retention,
	&cxv_cmd_backup,
	&cxv_cmd_voicemail,
	&cxv_cmd_migrate,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cxvault [--help | --version] <command> [args]\n\n"
	    "The personal-data vault of a contact center.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name,
		    commands[i]->summary);
	fprintf(f, "\nEvery command but init takes --data DIR (default "
	    "$CXVAULT_DATA, then ./vault).\n'cxvault <command> --help' "
	    "describes a command.\nExit status: 0 ok, 1 failed, 2 usage error.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (sodium_init() < 0) {
		fprintf(stderr, "cxvault: start: cannot initialize libsodium\n");
		return CXV_EXIT_FAIL;
	}
	cxv_view_wipe_on_free();
	if (argc < 2) {
		fprintf(stderr, "cxvault: command: no command given\n");
		usage(stderr);
		return CXV_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CXV_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cxvault %s\n", CXV_VERSION);
		return CXV_EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i]->name) == 0)
			return commands[i]->run(argc - 1, argv + 1);
	/* Not echoed: a mistyped argument may be a phone number. */
	fprintf(stderr, "cxvault: command: unknown command (see cxvault --help)\n");
	return CXV_EXIT_USAGE;
}
