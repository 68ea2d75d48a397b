/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands, one file each (cmd_*.c); main.c dispatches. */
#ifndef CXV_CMDS_H
#define CXV_CMDS_H

#include "cli/cli.h"

extern const struct cxv_cmd cxv_cmd_init;
extern const struct cxv_cmd cxv_cmd_status;
extern const struct cxv_cmd cxv_cmd_subject;
extern const struct cxv_cmd cxv_cmd_audit;
extern const struct cxv_cmd cxv_cmd_keys;
extern const struct cxv_cmd cxv_cmd_import;
extern const struct cxv_cmd cxv_cmd_interaction;
extern const struct cxv_cmd cxv_cmd_content;
extern const struct cxv_cmd cxv_cmd_user;
extern const struct cxv_cmd cxv_cmd_calllog;
extern const struct cxv_cmd cxv_cmd_campaign;
extern const struct cxv_cmd cxv_cmd_dnc;
extern const struct cxv_cmd cxv_cmd_export;
extern const struct cxv_cmd cxv_cmd_contact;
extern const struct cxv_cmd cxv_cmd_stats;
extern const struct cxv_cmd cxv_cmd_charge;
extern const struct cxv_cmd cxv_cmd_serve;
extern const struct cxv_cmd cxv_cmd_request;
extern const struct cxv_cmd cxv_cmd_report;
extern const struct cxv_cmd cxv_cmd_logs;
extern const struct cxv_cmd cxv_cmd_retention;
extern const struct cxv_cmd cxv_cmd_backup;
extern const struct cxv_cmd cxv_cmd_voicemail;
extern const struct cxv_cmd cxv_cmd_migrate;

#endif
