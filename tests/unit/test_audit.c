/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the audit hash chain (R7.1, R7.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/audit.h"
#include "core/keyring.h"
#include "store/store.h"

struct fx {
	char dir[32];
	char path[64];
	struct cxv_store *st;
	struct cxv_keyring *kr;
};

static void
append(struct fx *f, const char *action, const char *id)
{
	struct cxv_audit_event ev = { "local:test", action, "subject", id,
	    "phone,email", 0 };

	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	assert_int_equal(cxv_audit_append(f->st, f->kr, &ev), CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
}

static int
setup(void **state)
{
	uint8_t root[CXV_WRAPPED_KEY_BYTES];
	struct fx *f = calloc(1, sizeof(*f));
	char id[8];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/cxv-au-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/vault.db", f->dir);
	assert_int_equal(cxv_store_open(f->path, 1, &f->st), CXV_OK);
	assert_int_equal(cxv_keyring_generate(&f->kr), CXV_OK);
	assert_int_equal(cxv_keyring_create_root(f->kr, root), CXV_OK);
	for (int i = 1; i <= 5; i++) {
		snprintf(id, sizeof(id), "%d", i);
		append(f, "subject.create", id);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	cxv_store_close(f->st);
	cxv_keyring_free(f->kr);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
raw_exec(struct fx *f, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Run verify; return the seq it names (0 if the chain is intact). */
static int64_t
verify(struct fx *f, int64_t *count)
{
	const char *why = NULL;
	int64_t bad = -1;
	int r = cxv_audit_verify(f->st, f->kr, count, &bad, &why);

	if (r == CXV_OK) {
		assert_int_equal(bad, 0);
		return 0;
	}
	assert_int_equal(r, CXV_ERR_CORRUPT);
	assert_non_null(why);
	return bad;
}

static void
test_intact(void **state)
{
	struct fx *f = *state;
	int64_t count = 0;

	assert_int_equal(verify(f, &count), 0);
	assert_int_equal(count, 5);
}

/* R7.3: changing one field of one entry is caught at that entry. */
static void
test_tamper_field(void **state)
{
	struct fx *f = *state;
	int64_t count = 0;

	raw_exec(f, "UPDATE audit SET actor = 'local:mallory' WHERE seq = 3");
	assert_int_equal(verify(f, &count), 3);
	assert_int_equal(count, 2);
}

/* Rewriting an entry's hash breaks it (the MAC is keyed). */
static void
test_tamper_hash(void **state)
{
	struct fx *f = *state;
	int64_t count = 0;

	raw_exec(f, "UPDATE audit SET hash = zeroblob(32) WHERE seq = 2");
	assert_int_equal(verify(f, &count), 2);
}

/* Deleting an entry in the middle is caught at the next one. */
static void
test_delete_entry(void **state)
{
	struct fx *f = *state;
	int64_t count = 0;

	raw_exec(f, "DELETE FROM audit WHERE seq = 4");
	assert_int_equal(verify(f, &count), 5);
}

/* A chain re-hashed without the vault's key does not verify. */
static void
test_other_key(void **state)
{
	struct fx *f = *state;
	struct cxv_keyring *other = NULL;
	uint8_t root[CXV_WRAPPED_KEY_BYTES];
	const char *why;
	int64_t count, bad;

	assert_int_equal(cxv_keyring_generate(&other), CXV_OK);
	assert_int_equal(cxv_keyring_create_root(other, root), CXV_OK);
	assert_int_equal(cxv_audit_verify(f->st, other, &count, &bad, &why),
	    CXV_ERR_CORRUPT);
	assert_int_equal(bad, 1);
	cxv_keyring_free(other);
}

/* Entries hold no more than names: over-long or binary text refused. */
static void
test_refuses_bad_text(void **state)
{
	struct fx *f = *state;
	char big[300];
	struct cxv_audit_event ev = { "local:test", "x", "subject", "1", big,
	    0 };

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cxv_audit_append(f->st, f->kr, &ev), CXV_ERR_INVALID);
	ev.fields = "a\nb";
	assert_int_equal(cxv_audit_append(f->st, f->kr, &ev), CXV_ERR_INVALID);
}

/* The object ids and fields of entries after seq 5 (the fixture's). */
struct seen {
	char ids[16][CXV_AUDIT_TEXT_MAX + 1];
	char fields[16][CXV_AUDIT_TEXT_MAX + 1];
	size_t n;
};

static int
collect(void *ctx, const struct cxv_audit_row *row)
{
	struct seen *sn = ctx;

	if (row->seq <= 5)
		return CXV_OK;
	assert_true(sn->n < 16);
	snprintf(sn->ids[sn->n], sizeof(sn->ids[0]), "%s", row->object_id);
	snprintf(sn->fields[sn->n], sizeof(sn->fields[0]), "%s", row->fields);
	sn->n++;
	return CXV_OK;
}

static void
group_add(struct fx *f, struct cxv_audit_group *g, const char *action,
    const char *fields, int64_t id)
{
	struct cxv_audit_event ev = { "local:test", action, "interaction",
	    NULL, fields, 0 };

	assert_int_equal(cxv_audit_group_add(f->st, f->kr, g, &ev, id), CXV_OK);
}

/* Flush g in a transaction, collect the new entries, verify the chain. */
static void
group_commit(struct fx *f, struct cxv_audit_group *g, struct seen *sn)
{
	int64_t count = 0;

	assert_int_equal(cxv_audit_group_flush(f->st, f->kr, g), CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	memset(sn, 0, sizeof(*sn));
	assert_int_equal(cxv_audit_scan(f->st, INT64_MIN, collect, sn), CXV_OK);
	assert_int_equal(verify(f, &count), 0);
	assert_int_equal(count, 5 + (int64_t)sn->n);
}

/* R7.1: a batch's records in one entry, consecutive ids as ranges. */
static void
test_group_ranges(void **state)
{
	struct fx *f = *state;
	struct cxv_audit_group *g = NULL;
	struct seen sn;

	assert_int_equal(cxv_audit_group_new(&g), CXV_OK);
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	group_add(f, g, "interaction.create", "src,dst", 100);
	group_add(f, g, "interaction.create", "src,dst", 101);
	group_add(f, g, "call_log.create", "name,number", 7);
	group_add(f, g, "interaction.create", "src,dst", 102);
	group_add(f, g, "interaction.create", "src,dst", 200);
	group_add(f, g, "interaction.create", "src", 201);
	group_commit(f, g, &sn);
	assert_int_equal(sn.n, 3);
	assert_string_equal(sn.ids[0], "100..102,200");
	assert_string_equal(sn.fields[0], "src,dst");
	assert_string_equal(sn.ids[1], "7");
	assert_string_equal(sn.ids[2], "201");
	assert_string_equal(sn.fields[2], "src");
	cxv_audit_group_free(g);
}

/* A full id list becomes an entry; every id is named exactly once. */
static void
test_group_full(void **state)
{
	struct fx *f = *state;
	struct cxv_audit_group *g = NULL;
	int64_t base = INT64_C(3761844273479680), next = base;
	struct seen sn;
	size_t i;

	assert_int_equal(cxv_audit_group_new(&g), CXV_OK);
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	for (i = 0; i < 40; i++)
		group_add(f, g, "interaction.create", "src", base + 2 * (int)i);
	group_commit(f, g, &sn);
	assert_true(sn.n > 1);
	for (i = 0; i < sn.n; i++) {
		char *p = sn.ids[i];

		assert_true(strlen(p) <= CXV_AUDIT_TEXT_MAX);
		while (*p != '\0') {
			assert_int_equal(strtoll(p, &p, 10), next);
			next += 2;
			assert_true(*p == ',' || *p == '\0');
			p += *p == ',';
		}
	}
	assert_int_equal(next, base + 80);
	cxv_audit_group_free(g);
}

/* A fifth kind of record displaces the first, which is appended. */
static void
test_group_displace(void **state)
{
	struct fx *f = *state;
	struct cxv_audit_group *g = NULL;
	const char *kinds[5] = { "a", "b", "c", "d", "e" };
	struct seen sn;

	assert_int_equal(cxv_audit_group_new(&g), CXV_OK);
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	for (int i = 0; i < 5; i++)
		group_add(f, g, "interaction.create", kinds[i], 10 + i);
	group_add(f, g, "interaction.create", "a", 15);
	group_commit(f, g, &sn);
	/* a, displaced, then b..e and a again: each id once, with its kind. */
	assert_int_equal(sn.n, 6);
	assert_string_equal(sn.fields[0], "a");
	assert_string_equal(sn.ids[0], "10");
	for (size_t i = 1; i < sn.n; i++) {
		long id = strtol(sn.ids[i], NULL, 10);

		assert_string_equal(sn.fields[i], id == 15 ? "a" :
		    kinds[id - 10]);
	}
	cxv_audit_group_free(g);
}

/* After a rollback the pending entries are forgotten, not appended. */
static void
test_group_discard(void **state)
{
	struct fx *f = *state;
	struct cxv_audit_group *g = NULL;
	struct seen sn;

	assert_int_equal(cxv_audit_group_new(&g), CXV_OK);
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	group_add(f, g, "interaction.create", "src", 1);
	cxv_store_rollback(f->st);
	cxv_audit_group_discard(g);
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	group_commit(f, g, &sn);
	assert_int_equal(sn.n, 0);
	cxv_audit_group_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_field, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tamper_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_entry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_other_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_ranges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_displace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_discard, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
