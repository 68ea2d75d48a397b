/* SPDX-License-Identifier: Apache-2.0 */
/* What every CDR parser shares: the record's string storage; see cdr.h. */
#include "records/cdr.h"

#include <string.h>

#include <sodium.h>

#include "base/err.h"

void
cxv_cdr_reset(struct cxv_cdr *c, const char *source)
{
	c->source = source;
	c->source_id = c->caller = c->caller_name = c->callee = "";
	c->leg = NULL;
	c->start_ms = c->answer_ms = c->end_ms = 0;
	c->outcome = "";
	c->nfields = 0;
	c->dropped = 0;
	c->used = 0;
}

void
cxv_cdr_init(struct cxv_cdr *c, char *text, size_t cap)
{
	memset(c, 0, sizeof(*c));
	c->text = text;
	c->cap = cap;
	cxv_cdr_reset(c, "");
}

struct cxv_cdr *
cxv_cdr_own_init(struct cxv_cdr_own *o)
{
	cxv_cdr_init(&o->c, o->text, sizeof(o->text));
	return &o->c;
}

void
cxv_cdr_wipe(struct cxv_cdr *c)
{
	sodium_memzero(c->text, c->used);
	cxv_cdr_reset(c, "");
}

const char *
cxv_cdr_keep(struct cxv_cdr *c, const char *s, size_t n)
{
	char *p;

	if (n + 1 > c->cap - c->used)
		return NULL;
	p = c->text + c->used;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

int
cxv_cdr_add_field(struct cxv_cdr *c, const char *name, const char *value)
{
	if (c->nfields == CXV_CDR_FIELDS_MAX)
		return CXV_ERR_TOO_LARGE;
	c->fields[c->nfields].name = name;
	c->fields[c->nfields++].value = value;
	return CXV_OK;
}

int
cxv_cdr_check_times(const struct cxv_cdr *c, const char **why)
{
	if ((c->answer_ms != 0 && c->answer_ms < c->start_ms) ||
	    (c->end_ms != 0 && c->end_ms < c->start_ms) ||
	    (c->answer_ms != 0 && c->end_ms != 0 && c->end_ms < c->answer_ms))
		return *why = "times out of order", CXV_ERR_INVALID;
	return CXV_OK;
}
