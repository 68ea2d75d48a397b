/* SPDX-License-Identifier: Apache-2.0 */
/* Retention policies as written; see policy.h. */
#include "core/policy.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"

static const char *const ret_names[CXV_RET__COUNT] = {
	"interactions", "recordings", "voicemail", "greetings", "transcripts",
	"email", "case_notes", "photos", "call_logs", "campaign_results",
	"statistics", "charges", "audit",
};
static const char *const ret_methods[] = { "none", "delete",
    "backup-and-delete" };

const char *
cxv_ret_category_name(int c)
{
	return c >= 0 && c < CXV_RET__COUNT ? ret_names[c] : NULL;
}

int
cxv_ret_category_parse(const char *name)
{
	return cxv_name_index(ret_names, CXV_RET__COUNT, name);
}

int
cxv_ret_policy_parse(const char *text, struct cxv_ret_policy *out)
{
	char days[16];
	const char *sp = strchr(text, ' ');
	long long n;
	int m;

	if (strcmp(text, "none") == 0) {
		out->method = CXV_RET_NONE;
		out->days = 0;
		return CXV_OK;
	}
	if (sp == NULL || (size_t)(sp - text) >= sizeof(days))
		return CXV_ERR_INVALID;
	memcpy(days, text, (size_t)(sp - text));
	days[sp - text] = '\0';
	if (cxv_strtonum(days, 1, 36500, &n) != CXV_OK ||
	    (m = cxv_name_index(ret_methods, 3, sp + 1)) < 1)
		return CXV_ERR_INVALID;
	out->method = (enum cxv_ret_method)m;
	out->days = (int)n;
	return CXV_OK;
}

void
cxv_ret_policy_text(const struct cxv_ret_policy *p, char out[48])
{
	if (p->method == CXV_RET_NONE)
		snprintf(out, 48, "none");
	else
		snprintf(out, 48, "%d %s", p->days, ret_methods[p->method]);
}
