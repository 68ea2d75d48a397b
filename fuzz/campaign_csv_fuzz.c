/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: a calling list (campaign CSV) imported into a real
 * vault made once in a temporary directory. Whatever the file, every
 * non-empty line is counted once: imported, duplicate, rejected or on
 * the do-not-call list, and each rejection is reported with a reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "ingest/import.h"
#include "records/campaign.h"
#include "records/vault.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cxv_vault *vault;
static int64_t campaign;
static uint64_t reported;

static void
on_reject(void *ctx, uint64_t line, const char *why)
{
	(void)ctx;
	(void)line;
	if (why == NULL || *why == '\0')
		abort();
	reported++;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/cxv-fuzz-XXXXXX", sub[64], why[CXV_WHY_MAX];

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sub, sizeof(sub), "%s/v", dir);
	if (cxv_vault_init(sub, NULL, NULL, NULL, 0, "fuzz", why,
	    sizeof(why)) != CXV_OK ||
	    cxv_vault_open(sub, NULL, 0, "fuzz", &vault, why, sizeof(why)) !=
	    CXV_OK ||
	    cxv_campaign_create(vault, "fuzz", CXV_CAMPAIGN_ONGOING, &campaign)
	    != CXV_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cxv_import_report rep = { on_reject, NULL, NULL };
	struct cxv_import_stats st;
	FILE *in;
	char *copy;
	int r;

	if (size == 0 || (copy = malloc(size)) == NULL)
		return 0;
	if ((in = fmemopen(memcpy(copy, data, size), size, "r")) == NULL) {
		free(copy);
		return 0;
	}
	reported = 0;
	memset(&st, 0, sizeof(st));
	r = cxv_import_campaign(vault, campaign, in, &rep, &st);
	fclose(in);
	free(copy);
	if (r != CXV_OK && r != CXV_ERR_INVALID)
		abort();	/* only a bad header fails a whole file */
	if (r == CXV_OK && st.read != st.imported + st.duplicates +
	    st.rejected + st.dnc)
		abort();
	if (reported != st.rejected)
		abort();
	return 0;
}
