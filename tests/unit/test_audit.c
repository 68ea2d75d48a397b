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

#include "audit.h"
#include "err.h"
#include "keyring.h"
#include "store.h"

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
	    "phone,email" };

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
	struct cxv_audit_event ev = { "local:test", "x", "subject", "1", big };

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cxv_audit_append(f->st, f->kr, &ev), CXV_ERR_INVALID);
	ev.fields = "a\nb";
	assert_int_equal(cxv_audit_append(f->st, f->kr, &ev), CXV_ERR_INVALID);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
