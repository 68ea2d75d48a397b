/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cxvault content get: read back a sealed recording or transcript;
 * content mask: pass what was stored before masking through the mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/util.h"
#include "cli/cmds.h"
#include "records/content.h"
#include "records/vault.h"

static int run(int argc, char **argv);

const struct cxv_cmd cxv_cmd_content = {
	"content",
	"read back recordings, voicemail and transcripts; mask stored ones",
	"cxvault content get [--data DIR] ID --out FILE|- [--original]\n"
	"       cxvault content mask [--data DIR] [--since T]",
	"  get  open content ID and write it to FILE (created 0600; an existing\n"
	"       file is refused) or to standard output with '-'. The read is\n"
	"       audited before any byte is written. If the sealed file was\n"
	"       altered, exit 1 and FILE is not left behind. --original: the\n"
	"       item as it came in, before masking, where its category's\n"
	"       policy keeps it (mask_* = masked_and_original), audited as\n"
	"       content.read.original.\n"
	"  mask  pass content stored before masking (issue 29) through it, as\n"
	"       import does now: DTMF tones silenced in recordings and\n"
	"       voicemail, transcripts, emails and notes redacted. Only items\n"
	"       never checked, created at or after T (YYYY-MM-DD[THH:MM:SSZ])\n"
	"       if given; each is sealed again and its row switched in its own\n"
	"       audited transaction (content.mask), so a stopped run is taken\n"
	"       up by the next. Prints the counts as JSON.",
	run,
};

struct args {
	const char *out, *since;
	int original;
};

static int
opt(void *ctx, int o, const char *arg)
{
	struct args *a = ctx;

	if (o == 'o')
		a->out = arg;
	else if (o == 's')
		a->since = arg;
	else if (o == 'O')
		a->original = 1;
	else
		return CXV_EXIT_USAGE;
	return -1;
}

/* Write to path.part, then rename: a failed read leaves no file. */
static int
get_to_file(struct cxv_vault *v, int64_t id, int original, const char *path)
{
	char part[PATH_MAX];
	FILE *f;
	int fd, r;

	if ((size_t)snprintf(part, sizeof(part), "%s.part", path) >=
	    sizeof(part))
		return CXV_ERR_TOO_LARGE;
	if (access(path, F_OK) == 0)
		return CXV_ERR_EXISTS;
	fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return errno == EEXIST ? CXV_ERR_EXISTS : CXV_ERR_IO;
	if ((f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		(void)unlink(part);
		return CXV_ERR_IO;
	}
	r = cxv_content_get(v, id, original, f);
	if (fclose(f) != 0 && r == CXV_OK)
		r = CXV_ERR_IO;
	if (r == CXV_OK && rename(part, path) != 0)
		r = CXV_ERR_IO;
	if (r != CXV_OK)
		(void)unlink(part);
	return r;
}

static int
mask_stored(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_content_mask_stats st;
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	struct args o = { NULL, NULL, 0 };
	int64_t since_ms = 0;
	int r;

	if ((r = cxv_cli_parse(&cxv_cmd_content, argc, argv, opts, opt, &o,
	    &a)) != -1)
		return r;
	if (a.npos != 0 || (o.since != NULL && cxv_time_parse(o.since,
	    &since_ms) != CXV_OK))
		return cxv_cli_usage_error(&cxv_cmd_content, "content mask takes "
		    "only --since YYYY-MM-DD[THH:MM:SSZ]");
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = cxv_content_mask_stored(v, since_ms, &st);
	cxv_vault_close(v);
	if (r != CXV_OK) {
		cxv_cli_error("content mask", "content %lld: %s (%lld items "
		    "masked before it; run again to go on)", (long long)st.failed,
		    r == CXV_ERR_CRYPTO ? "sealed content failed authentication "
		    "(altered or truncated)" : cxv_strerror(r), st.checked);
		return CXV_EXIT_FAIL;
	}
	return cxv_cli_print_json(json_pack("{s:I, s:I, s:I}", "checked",
	    (json_int_t)st.checked, "masked", (json_int_t)st.masked, "gone",
	    (json_int_t)st.gone));
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "original", no_argument, NULL, 'O' },
		CXV_CLI_COMMON_OPTIONS
	};
	struct cxv_vault *v = NULL;
	struct cxv_cli_args a;
	struct args o = { NULL, NULL, 0 };
	int64_t id = 0;
	int r;

	if (argc >= 2 && strcmp(argv[1], "mask") == 0)
		return mask_stored(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "get") != 0) {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return cxv_cli_help(&cxv_cmd_content);
		return cxv_cli_usage_error(&cxv_cmd_content,
		    "expected get or mask");
	}
	if ((r = cxv_cli_parse(&cxv_cmd_content, argc - 1, argv + 1, opts, opt,
	    &o, &a)) != -1)
		return r;
	if (a.npos != 1 || o.out == NULL)
		return cxv_cli_usage_error(&cxv_cmd_content,
		    "give one content id and --out FILE|-");
	if ((r = cxv_cli_parse_id(&cxv_cmd_content, a.pos[0], &id)) != -1)
		return r;
	if ((r = cxv_cli_open(a.dir, &v)) != CXV_EXIT_OK)
		return r;
	r = strcmp(o.out, "-") == 0 ? cxv_content_get(v, id, o.original,
	    stdout) : get_to_file(v, id, o.original, o.out);
	cxv_vault_close(v);
	if (r != CXV_OK) {
		cxv_cli_error("content get", "%s", r == CXV_ERR_NOT_FOUND ?
		    (o.original ? "no such content, or no original kept of it" :
		    "no such content") : r == CXV_ERR_CRYPTO ?
		    "sealed content failed authentication (altered or "
		    "truncated)" : r == CXV_ERR_EXISTS ?
		    "output file exists; refusing to overwrite it" :
		    cxv_strerror(r));
		return CXV_EXIT_FAIL;
	}
	return CXV_EXIT_OK;
}
