/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: erase a person holding 100 interactions and 10 MB of content
 * (issue 5 target: < 50 ms), p50/p99 over PEOPLE people, in a vault that
 * also holds everyone else's records. With INGEST rows, another process
 * imports that many CDRs into the same vault three times: once to make
 * the callers, then alone, then while the people are erased one every
 * 300 ms; the erasures are timed during the last import, and the rates
 * of the last two are compared. STORE: a postgresql:// URL of an empty
 * database (issue 28) instead of SQLite.
 * usage: bench_erase [PEOPLE] [INGEST] [STORE] (default 20 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/err.h"
#include "bench.h"
#include "cdr_gen.h"
#include "ingest/import.h"
#include "records/content.h"
#include "records/interaction.h"
#include "records/vault.h"
#include "rights/erase.h"

#define RECORDS	100
#define CONTENT	(10 * 1024 * 1024)

/* One person: RECORDS chat sessions, the first with 10 MB of content. */
static int64_t
make_person(struct cxv_vault *v, int p, FILE *blob)
{
	char handle[32];
	struct cxv_ident_input id = { CXV_IDENT_CHAT, handle };
	struct cxv_session_in in;
	const char *why;
	int64_t iid = 0, first = 0, cid = 0, sid = 0;
	int64_t ids[2];
	size_t n = 0;

	snprintf(handle, sizeof(handle), "person-%d", p);
	memset(&in, 0, sizeof(in));
	in.media = CXV_MEDIA_CHAT;
	in.customer = &id;
	in.ncustomer = 1;
	in.outcome = "answered";
	for (int i = 0; i < RECORDS; i++) {
		in.start_ms = 1793600000000LL + (int64_t)i * 60000;
		if (cxv_interaction_add(v, &in, &iid, &why) != CXV_OK)
			abort();
		if (i == 0)
			first = iid;
	}
	rewind(blob);
	if (cxv_content_put(v, first, 0, CXV_CONTENT_CHAT_TRANSCRIPT, NULL, 0, blob,
	    &cid) != CXV_OK ||
	    cxv_subject_find(v, &id, ids, 2, &n, &why) != CXV_OK || n != 1)
		abort();
	sid = ids[0];
	return sid;
}

/*
 * In a child process with its own database connection: import rows CDRs
 * (from row first on) into the vault at vdir. The parent reads the
 * child's rate (rows/s) from the returned pipe once it exits.
 */
static pid_t
ingest(const char *vdir, long rows, long first, int *rate_fd)
{
	struct cxv_import_report rep = { NULL, NULL, NULL };
	struct cxv_import_stats st;
	struct cxv_vault *cv = NULL;
	char why[512];
	double t, rate;
	int fds[2];
	FILE *csv;
	pid_t pid;

	if (pipe(fds) != 0 || (pid = fork()) < 0)
		abort();
	if (pid > 0) {
		close(fds[1]);
		*rate_fd = fds[0];
		return pid;
	}
	close(fds[0]);
	if ((csv = bench_cdr_csv(rows, 20000, first, BENCH_CYCLIC)) == NULL ||
	    cxv_vault_open(vdir, NULL, 0, "local:ingest", &cv, why,
	    sizeof(why)) != CXV_OK)
		_exit(1);
	t = bench_now();
	if (cxv_import_cdr(cv, "asterisk-csv", NULL, NULL, csv, &rep, &st) != CXV_OK ||
	    st.imported != (uint64_t)rows)
		_exit(1);
	rate = (double)rows / (bench_now() - t);
	cxv_vault_close(cv);
	_exit(write(fds[1], &rate, sizeof(rate)) == sizeof(rate) ? 0 : 1);
}

static double
ingest_rate(pid_t pid, int fd)
{
	double rate = 0;
	int status;

	if (read(fd, &rate, sizeof(rate)) != sizeof(rate) ||
	    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		abort();
	close(fd);
	return rate;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-erase-XXXXXX", vdir[64], why[512];
	int people = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20;
	long rows = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	const char *store = argc > 3 ? argv[3] : NULL;
	double alone = 0, during = 0;
	struct timespec gap = { 0, 300000000L };
	pid_t pid = 0;
	int fd = -1;
	struct cxv_vault *v = NULL;
	int64_t *sid;
	double *lat, t;
	char *receipt;
	FILE *blob = tmpfile();
	char *buf = malloc(CONTENT);

	if (sodium_init() < 0 || people < 2 || mkdtemp(dir) == NULL ||
	    blob == NULL || buf == NULL)
		return 1;
	randombytes_buf(buf, CONTENT);
	fwrite(buf, 1, CONTENT, blob);
	free(buf);
	snprintf(vdir, sizeof(vdir), "%s/vault", dir);
	if (cxv_vault_init(vdir, NULL, store, NULL, 0, "local:bench", why,
	    sizeof(why)) ||
	    cxv_vault_open(vdir, NULL, 0, "local:bench", &v, why, sizeof(why)))
		return fprintf(stderr, "bench: %s\n", why), 1;
	sid = calloc((size_t)people, sizeof(*sid));
	lat = calloc((size_t)people, sizeof(*lat));
	for (int p = 0; p < people; p++)
		sid[p] = make_person(v, p, blob);
	if (rows > 0) {
		/* The first import makes the callers' subjects: not compared. */
		pid = ingest(vdir, rows, 0, &fd);
		(void)ingest_rate(pid, fd);
		pid = ingest(vdir, rows, rows, &fd);
		alone = ingest_rate(pid, fd);
		pid = ingest(vdir, rows, 2 * rows, &fd);
	}
	for (int p = 0; p < people; p++) {
		if (rows > 0)
			nanosleep(&gap, NULL);
		t = bench_now();
		if (cxv_subject_erase(v, sid[p], 0, "no_longer_necessary",
		    &receipt) != CXV_OK)
			abort();
		lat[p] = bench_now() - t;
		free(receipt);
	}
	if (rows > 0)
		during = ingest_rate(pid, fd);
	bench_sort(lat, (size_t)people);
	printf("erase (%d records, 10 MiB content) p50 %.1f ms  p99 %.1f ms "
	    "(%d people%s)\n", RECORDS, lat[people / 2] * 1e3,
	    lat[(people * 99) / 100] * 1e3, people, rows > 0 ?
	    ", during an import" : "");
	if (rows > 0)
		printf("import alone %.0f rows/s, during erasures %.0f rows/s "
		    "(%.1f %% slower)\n", alone, during,
		    100.0 * (alone - during) / alone);
	printf("data left in %s (remove it)\n", dir);
	cxv_vault_close(v);
	fclose(blob);
	return 0;
}
