/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the audit journal (journal.h): the reads the server
 * records reach the hash-chained trail (R7.2, R7.3) once and only once,
 * and a line altered, dropped or forged before it is moved is recorded
 * as a break.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/journal.h"
#include "core/keyring.h"
#include "store/store.h"

struct fx {
	char dir[32];
	char db[64];
	char path[64];
	struct cxv_store *st;
	struct cxv_keyring *kr;
};

/* What the trail holds: entries, reads, breaks. */
struct tally {
	int entries, reads, broken;
	char last_id[32];
};

static int
setup(void **state)
{
	uint8_t root[CXV_WRAPPED_KEY_BYTES];
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/cxv-jo-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/vault.db", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, CXV_JOURNAL_FILE);
	assert_int_equal(cxv_store_open(f->db, 1, &f->st), CXV_OK);
	assert_int_equal(cxv_keyring_generate(&f->kr), CXV_OK);
	assert_int_equal(cxv_keyring_create_root(f->kr, root), CXV_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[96];

	cxv_store_close(f->st);
	cxv_keyring_free(f->kr);
	unlink(f->path);
	unlink(f->db);
	snprintf(p, sizeof(p), "%s-wal", f->db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->db);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
read_of(struct cxv_journal *j, int n)
{
	char id[24];
	struct cxv_audit_event ev = { "local:agent1", "interaction.read",
	    "interaction", id, "caller,trail", 0 };

	snprintf(id, sizeof(id), "%d", n);
	assert_int_equal(cxv_journal_append(j, &ev), CXV_OK);
}

static int
count_row(void *ctx, const struct cxv_audit_row *row)
{
	struct tally *t = ctx;

	t->entries++;
	if (strcmp(row->action, "interaction.read") == 0) {
		t->reads++;
		snprintf(t->last_id, sizeof(t->last_id), "%s", row->object_id);
	} else if (strcmp(row->action, "audit.journal.broken") == 0)
		t->broken++;
	return CXV_OK;
}

/* The trail as it stands, and that its own chain is intact. */
static struct tally
trail(struct fx *f)
{
	struct tally t = { 0, 0, 0, "" };
	int64_t count = 0, bad = 0;
	const char *why = NULL;

	assert_int_equal(cxv_audit_scan(f->st, INT64_MIN, count_row, &t),
	    CXV_OK);
	assert_int_equal(cxv_audit_verify(f->st, f->kr, &count, &bad, &why),
	    CXV_OK);
	assert_int_equal(count, t.entries);
	return t;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const char *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Lines written, then the journal left as a killed server leaves it. */
static void
leave_lines(struct fx *f, int n)
{
	struct cxv_journal *j = NULL;

	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	for (int i = 1; i <= n; i++)
		read_of(j, i);
	cxv_journal_close(j);	/* not started: nothing moved */
}

/* Each read reaches the trail once, with its time and texts. */
static void
test_moved_once(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	struct tally t;

	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	for (int i = 1; i <= 3000; i++)
		read_of(j, i);
	assert_int_equal(trail(f).reads, 0);
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 3000);
	assert_int_equal(t.broken, 0);
	assert_string_equal(t.last_id, "3000");
	/* Again: nothing new, nothing twice. */
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	read_of(j, 3001);
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 3001);
	assert_string_equal(t.last_id, "3001");
	cxv_journal_close(j);
}

/* Lines a killed server left are moved when the next one opens it. */
static void
test_leftovers_moved_at_open(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	struct stat sb;

	leave_lines(f, 5);
	assert_int_equal(trail(f).reads, 0);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	assert_int_equal(trail(f).reads, 5);
	/* Started over: the next run's lines are a new chain. */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size < 128);
	read_of(j, 6);
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	assert_int_equal(trail(f).reads, 6);
	assert_int_equal(trail(f).broken, 0);
	cxv_journal_close(j);
}

/* A line torn by a crash was never acknowledged: not moved, not a break. */
static void
test_torn_line(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	FILE *fp;
	struct tally t;

	leave_lines(f, 2);
	assert_non_null(fp = fopen(f->path, "ab"));
	fputs("1764600000000\tlocal:agent1\tinteraction.re", fp);
	fclose(fp);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 2);
	assert_int_equal(t.broken, 0);
	cxv_journal_close(j);
}

/* A changed byte in a line: that line is a break, the others move. */
static void
test_altered_line(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	size_t len;
	char *buf, *p;
	struct tally t;

	leave_lines(f, 3);
	buf = slurp(f->path, &len);
	assert_non_null(p = strstr(buf, "\t2\t"));
	p[1] = '9';	/* the second read now claims object 9 */
	spit(f->path, buf, len);
	free(buf);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 2);
	assert_int_equal(t.broken, 1);
	cxv_journal_close(j);
}

/* Three lines left, the second one's mac (hex) changed by edit. */
static struct tally
moved_with_mac(struct fx *f, void (*edit)(char *mac))
{
	struct cxv_journal *j = NULL;
	char *buf, *line, *mac;
	struct tally t;
	size_t len;

	leave_lines(f, 3);
	buf = slurp(f->path, &len);
	assert_non_null(line = strstr(buf, "\t2\t"));
	assert_non_null(mac = strchr(line, '\n'));
	edit(mac - 2 * CXV_HASH_BYTES);
	spit(f->path, buf, len);
	free(buf);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	t = trail(f);
	cxv_journal_close(j);
	return t;
}

static void
capitals(char *mac)
{
	for (size_t i = 0; i < 2 * CXV_HASH_BYTES; i++)
		mac[i] = (char)toupper((unsigned char)mac[i]);
}

static void
other_digit(char *mac)
{
	mac[0] = mac[0] == '0' ? '1' : '0';
}

/* In capitals, a line's mac is the same mac: the line moves. */
static void
test_mac_capitals(void **state)
{
	struct tally t = moved_with_mac(*state, capitals);

	assert_int_equal(t.reads, 3);
	assert_int_equal(t.broken, 0);
}

/* A digit of a line's mac changed: a break, and the next line, chained
 * to the real mac, breaks too. */
static void
test_mac_changed(void **state)
{
	struct tally t = moved_with_mac(*state, other_digit);

	assert_int_equal(t.reads, 1);
	assert_int_equal(t.broken, 2);
}

/* A line taken out: the chain of the next one no longer holds. */
static void
test_dropped_line(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	size_t len;
	char *buf, *a, *b;
	struct tally t;

	leave_lines(f, 3);
	buf = slurp(f->path, &len);
	assert_non_null(a = strstr(buf, "\t1\t"));
	a = strchr(a, '\n') + 1;		/* the second line starts */
	assert_non_null(b = strchr(a, '\n'));
	b++;
	memmove(a, b, len - (size_t)(b - buf));
	spit(f->path, buf, len - (size_t)(b - a));
	free(buf);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 1);
	assert_int_equal(t.broken, 1);
	cxv_journal_close(j);
}

/* A forged line (no key): a break; so is a line too long to be ours. */
static void
test_forged_lines(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	char mac[2 * CXV_HASH_BYTES + 1], *junk;
	FILE *fp;
	size_t big = 64 * 1024;
	struct tally t;

	leave_lines(f, 1);
	memset(mac, 'a', sizeof(mac) - 1);
	mac[sizeof(mac) - 1] = '\0';
	assert_non_null(fp = fopen(f->path, "ab"));
	fprintf(fp, "1764600000000\tlocal:x\tinteraction.read\tinteraction\t7\t"
	    "\t%s\n", mac);
	assert_non_null(junk = malloc(big));
	memset(junk, 'x', big);
	assert_int_equal(fwrite(junk, 1, big, fp), big);
	free(junk);
	fputc('\n', fp);
	fclose(fp);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 1);
	assert_true(t.broken >= 2);
	cxv_journal_close(j);
}

/* Append a line with actor, chained by the vault's key after prev. */
static void
keyed_line(struct fx *f, const char *actor, uint8_t prev[CXV_HASH_BYTES])
{
	const char *parts[] = { "journal", "1764600000000", actor,
	    "interaction.read", "interaction", "7", "" };
	uint8_t mac[CXV_HASH_BYTES];
	char hex[2 * CXV_HASH_BYTES + 1];
	FILE *fp;

	cxv_keyring_audit_hash(f->kr, prev, parts, 7, mac);
	cxv_hex(mac, CXV_HASH_BYTES, hex);
	assert_non_null(fp = fopen(f->path, "ab"));
	fprintf(fp, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", parts[1], parts[2],
	    parts[3], parts[4], parts[5], parts[6], hex);
	fclose(fp);
	memcpy(prev, mac, CXV_HASH_BYTES);
}

/*
 * A line chained with the vault's own key (so its MAC holds) whose text
 * the trail refuses: recorded as a break, and the trail stays a chain.
 * The well-formed keyed line before it shows that the MAC does hold.
 */
static void
test_keyed_bad_text(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	uint8_t prev[CXV_HASH_BYTES];
	char *buf;
	size_t len;
	struct tally t;

	leave_lines(f, 1);
	/* The last line's mac: its last 64 characters before the NL. */
	buf = slurp(f->path, &len);
	buf[len - 1] = '\0';
	assert_int_equal(cxv_unhex(buf + len - 1 - 2 * CXV_HASH_BYTES, prev,
	    CXV_HASH_BYTES), CXV_OK);
	free(buf);
	keyed_line(f, "local:y", prev);
	keyed_line(f, "local:\x7fx", prev);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	t = trail(f);
	assert_int_equal(t.reads, 2);
	assert_int_equal(t.broken, 1);
	cxv_journal_close(j);
}

/* One appender per file; another process moves through a file of its own. */
static void
test_one_appender_other_mover(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL, *k = NULL;
	struct cxv_store *other = NULL;

	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &k),
	    CXV_ERR_BUSY);
	assert_null(k);
	read_of(j, 1);
	read_of(j, 2);
	assert_int_equal(cxv_store_open(f->db, 0, &other), CXV_OK);
	assert_int_equal(cxv_journal_move_file(f->path, other, f->kr), CXV_OK);
	assert_int_equal(trail(f).reads, 2);
	read_of(j, 3);
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	assert_int_equal(cxv_journal_move_file(f->path, other, f->kr), CXV_OK);
	assert_int_equal(trail(f).reads, 3);
	cxv_store_close(other);
	cxv_journal_close(j);
	/* No journal at all: nothing to move. */
	unlink(f->path);
	assert_int_equal(cxv_journal_move_file(f->path, f->st, f->kr), CXV_OK);
}

/* Once all is moved and it has grown, the file starts over, small. */
static void
test_starts_over(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	struct stat sb;
	int n = 0;

	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	do {
		read_of(j, ++n);
		assert_int_equal(stat(f->path, &sb), 0);
	} while (sb.st_size < 64 * 1024);
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size < 128);
	read_of(j, ++n);
	assert_int_equal(cxv_journal_move(j, f->st), CXV_OK);
	assert_int_equal(trail(f).reads, n);
	assert_int_equal(trail(f).broken, 0);
	cxv_journal_close(j);
}

/* The mover thread moves without being asked; close moves the rest. */
static void
test_mover(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	struct cxv_store *mine = NULL;
	struct stat sb;
	int waited = 0;

	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	assert_int_equal(cxv_store_open(f->db, 0, &mine), CXV_OK);
	assert_int_equal(cxv_journal_start(j, mine), CXV_OK);
	read_of(j, 1);
	while (trail(f).reads < 1 && waited++ < 500)
		usleep(10000);
	assert_int_equal(trail(f).reads, 1);
	read_of(j, 2);
	cxv_journal_close(j);
	assert_int_equal(trail(f).reads, 2);
	/* Everything moved: nothing of it stays in the file. */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size < 128);
	cxv_store_close(mine);
}

/* Texts the trail would refuse are refused at the door. */
static void
test_refuses_bad_text(void **state)
{
	struct fx *f = *state;
	struct cxv_journal *j = NULL;
	struct cxv_audit_event tab = { "local:a\tb", "interaction.read",
	    "interaction", "1", "", 0 };
	struct cxv_audit_event noid = { "local:a", "interaction.read",
	    "interaction", NULL, "", 0 };

	assert_int_equal(cxv_journal_open(f->path, f->st, f->kr, &j), CXV_OK);
	assert_int_equal(cxv_journal_append(j, &tab), CXV_ERR_INVALID);
	assert_int_equal(cxv_journal_append(j, &noid), CXV_ERR_INVALID);
	cxv_journal_close(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_moved_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leftovers_moved_at_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_altered_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mac_capitals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mac_changed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dropped_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keyed_bad_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forged_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_appender_other_mover,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_starts_over, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_text, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
