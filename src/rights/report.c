/* SPDX-License-Identifier: Apache-2.0 */
/* The record of processing (GDPR Art. 30); see report.h. */
#include "rights/report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/config.h"
#include "records/catalog.h"
#include "records/profile.h"
#include "records/vault.h"
#include "records/view.h"
#include "store/store.h"

#define HTML_MAX	((size_t)4 << 20)

/* The inventory, keyed by store. */
static int
take_count(void *ctx, const char *store, int64_t n, int64_t ms)
{
	return json_object_set_new(ctx, store, json_pack("{s:I, s:o}", "n",
	    (json_int_t)n, "ms", cxv_view_time(ms))) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

static json_int_t
count_of(json_t *inv, const char *store)
{
	return json_integer_value(json_object_get(json_object_get(inv, store),
	    "n"));
}

static json_t *
categories(json_t *inv)
{
	const struct cxv_category *c;
	json_t *list = json_array();
	size_t n, i;

	c = cxv_catalog_all(&n);
	for (i = 0; list != NULL && i < n; i++)
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:I, s:O, s:s}", "store", c[i].store, "category",
		    c[i].name, "purpose", c[i].purpose, "source", c[i].source,
		    "legal_basis", c[i].basis, "records", count_of(inv,
		    c[i].store), "oldest", json_object_get(json_object_get(inv,
		    c[i].store), "ms"), "retention", "until erased (no "
		    "retention schedule configured)")) != 0) {
			json_decref(list);
			return NULL;
		}
	return list;
}

struct access {
	struct cxv_vault *v;
	json_t *list;
};

static int
add_profile(void *ctx, const struct cxv_profile *p)
{
	struct access *a = ctx;
	int64_t n = 0;
	int r;

	if ((r = cxv_store_profile_users(cxv_vault_store(a->v), p->id, &n)) !=
	    CXV_OK)
		return r;
	return json_array_append_new(a->list, json_pack("{s:s, s:b, s:I, s:o}",
	    "profile", p->name, "predefined", p->builtin, "accounts",
	    (json_int_t)n, "permissions", cxv_view_perms(p->perms))) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

static json_t *
storage(struct cxv_vault *v, json_t *inv)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	char dir[PATH_MAX];

	if (cxv_vault_path(v, ".", dir, sizeof(dir)) != CXV_OK)
		snprintf(dir, sizeof(dir), "?");
	return json_pack("{s:s, s:s, s:s, s:I, s:{s:s, s:s, s:s, s:s, s:s, "
	    "s:s}}", "data_directory", dir, "database", cxv_store_engine(cxv_vault_store(v)),
	    "content_store", "content/ in the data directory, one sealed file "
	    "per item", "content_bytes", count_of(inv, "content_bytes"),
	    "protection",
	    "values", "XChaCha20-Poly1305 under a key per person, wrapped by "
	    "the master key (crypto-shredding on erasure)",
	    "content", "libsodium secretstream under the person's key",
	    "lookups", "blind indexes (keyed BLAKE2b), no identifier in clear",
	    "master_key", cfg->key_source == CXV_KEY_SOURCE_PASSPHRASE ?
	    "Argon2id of a passphrase, outside the database" :
	    "master.key file (0600), outside the database",
	    "transport", "HTTPS only, TLS 1.2 and 1.3",
	    "access", "named accounts, profiles, lockout, audit of every "
	    "read and change");
}

static json_t *
transfers(json_t *inv)
{
	return json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:I}]",
	    "recipient", "call-accounting systems",
	    "how", "GET /v1/cdr/export and 'cxvault export cdr' (permission "
	    "cdr.export), optionally pseudonymized",
	    "recipient", "the persons themselves",
	    "how", "exports of their data (R9.2)",
	    "recipient", "integrations with API tokens",
	    "tokens", count_of(inv, "api_tokens"));
}

static json_t *
audit_state(struct cxv_vault *v)
{
	int64_t count = 0, bad = 0;
	const char *why = NULL;
	int r = cxv_vault_audit_verify(v, &count, &bad, &why);

	return json_pack("{s:b, s:I}", "intact", r == CXV_OK, "entries",
	    (json_int_t)count);
}

/* The parts of the record; *doc built from them. */
static int
assemble(struct cxv_vault *v, json_t *inv, json_t *access, json_t **doc)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	int64_t subjects = 0;
	int r;

	if ((r = cxv_store_subject_count(cxv_vault_store(v), &subjects)) !=
	    CXV_OK)
		return r;
	*doc = json_pack("{s:s, s:o, s:{s:s, s:s}, s:{s:I, s:I, s:O}, s:o, "
	    "s:o, s:o, s:O, s:o, s:{s:s}}", "title", "Record of processing "
	    "activities (GDPR Art. 30)", "generated_at",
	    cxv_view_time(cxv_now_ms()), "controller", "name", cfg->controller,
	    "dpo_contact", cfg->dpo_contact, "subjects", "held",
	    (json_int_t)subjects, "erased", count_of(inv, "erasures"),
	    "last_erasure", json_object_get(json_object_get(inv, "erasures"),
	    "ms"), "categories", categories(inv), "storage", storage(v, inv),
	    "transfers", transfers(inv), "access", access, "audit",
	    audit_state(v), "retention", "last_run", "never (no retention "
	    "schedule configured)");
	return *doc != NULL ? CXV_OK : CXV_ERR_NOMEM;
}

static int
report_audit(struct cxv_vault *v, void *arg)
{
	(void)arg;
	return cxv_vault_audit(v, "report.processing", "vault", "-", "");
}

int
cxv_report_processing(struct cxv_vault *v, json_t **out)
{
	struct access a = { v, json_array() };
	json_t *inv = json_object();
	int r = CXV_ERR_NOMEM;

	*out = NULL;
	if (inv != NULL && a.list != NULL &&
	    (r = cxv_vault_in_txn(v, report_audit, NULL)) == CXV_OK &&
	    (r = cxv_store_inventory(cxv_vault_store(v), take_count, inv)) ==
	    CXV_OK && (r = cxv_profile_list(v, add_profile, &a)) == CXV_OK)
		r = assemble(v, inv, a.list, out);
	json_decref(inv);
	json_decref(a.list);
	return r;
}

/* Text with &, <, >, " escaped. */
static int
put_text(struct cxv_buf *b, const char *s)
{
	int r = CXV_OK;

	for (; *s != '\0' && r == CXV_OK; s++)
		r = *s == '&' ? cxv_buf_printf(b, "&amp;") : *s == '<' ?
		    cxv_buf_printf(b, "&lt;") : *s == '>' ? cxv_buf_printf(b,
		    "&gt;") : *s == '"' ? cxv_buf_printf(b, "&quot;") :
		    cxv_buf_add(b, s, 1);
	return r;
}

/* A JSON value as table cell text. */
static int
put_value(struct cxv_buf *b, const json_t *v)
{
	char *s;
	int r;

	if (json_is_string(v))
		return put_text(b, json_string_value(v));
	if (json_is_null(v))
		return cxv_buf_printf(b, "-");
	if ((s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT)) == NULL)
		return CXV_ERR_NOMEM;
	r = put_text(b, s);
	free(s);
	return r;
}

/* One member as a row of two cells. */
static int
put_member(struct cxv_buf *b, const char *key, const json_t *val)
{
	int r;

	if ((r = cxv_buf_printf(b, "<tr><th>")) != CXV_OK ||
	    (r = put_text(b, key)) != CXV_OK ||
	    (r = cxv_buf_printf(b, "</th><td>")) != CXV_OK ||
	    (r = put_value(b, val)) != CXV_OK)
		return r;
	return cxv_buf_printf(b, "</td></tr>\n");
}

/* An object's members as rows of two cells. */
static int
put_members(struct cxv_buf *b, json_t *v)
{
	const char *key;
	json_t *val;
	int r;

	json_object_foreach(v, key, val) {
		if ((r = put_member(b, key, val)) != CXV_OK)
			return r;
	}
	return CXV_OK;
}

/* One object as a row, one cell per member. */
static int
put_row(struct cxv_buf *b, json_t *row)
{
	const char *key;
	json_t *val;
	int r;

	if ((r = cxv_buf_printf(b, "<tr>")) != CXV_OK)
		return r;
	json_object_foreach(row, key, val) {
		if ((r = cxv_buf_printf(b, "<td>")) != CXV_OK ||
		    (r = put_value(b, val)) != CXV_OK ||
		    (r = cxv_buf_printf(b, "</td>")) != CXV_OK)
			return r;
	}
	return cxv_buf_printf(b, "</tr>\n");
}

/* An array of objects as rows. */
static int
put_rows(struct cxv_buf *b, json_t *v)
{
	json_t *row;
	size_t i;
	int r;

	json_array_foreach(v, i, row) {
		if ((r = put_row(b, row)) != CXV_OK)
			return r;
	}
	return CXV_OK;
}

/* A part of the record under its title, as a table. */
static int
put_table(struct cxv_buf *b, const char *title, json_t *v)
{
	int r;

	if ((r = cxv_buf_printf(b, "<h2>")) != CXV_OK ||
	    (r = put_text(b, title)) != CXV_OK ||
	    (r = cxv_buf_printf(b, "</h2>\n<table>\n")) != CXV_OK ||
	    (r = json_is_object(v) ? put_members(b, v) : put_rows(b, v)) !=
	    CXV_OK)
		return r;
	return cxv_buf_printf(b, "</table>\n");
}

int
cxv_report_html(const json_t *doc, char **out)
{
	static const char *const parts[] = { "controller", "subjects",
	    "categories", "storage", "transfers", "access", "audit",
	    "retention" };
	struct cxv_buf b;
	size_t i;
	int r;

	*out = NULL;
	cxv_buf_init(&b, HTML_MAX);
	r = cxv_buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Record of processing</title>"
	    "<style>body{font-family:sans-serif;margin:2em}table{border-"
	    "collapse:collapse}td,th{border:1px solid #888;padding:.3em;"
	    "text-align:left;vertical-align:top}</style></head><body>\n<h1>");
	if (r == CXV_OK)
		r = put_value(&b, json_object_get(doc, "title"));
	if (r == CXV_OK)
		r = cxv_buf_printf(&b, "</h1>\n<p>Generated ");
	if (r == CXV_OK)
		r = put_value(&b, json_object_get(doc, "generated_at"));
	if (r == CXV_OK)
		r = cxv_buf_printf(&b, "</p>\n");
	for (i = 0; r == CXV_OK && i < sizeof(parts) / sizeof(parts[0]); i++)
		r = put_table(&b, parts[i], json_object_get(doc, parts[i]));
	if (r == CXV_OK)
		r = cxv_buf_printf(&b, "</body></html>\n");
	if (r != CXV_OK) {
		cxv_buf_free(&b);
		return r;
	}
	*out = cxv_buf_take(&b);
	return *out != NULL ? CXV_OK : CXV_ERR_NOMEM;
}
