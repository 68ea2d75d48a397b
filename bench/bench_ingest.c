/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: CDR ingest through cxv_import_cdr (parse, normalize, resolve the
 * caller's subject, seal, blind index, trail, statistics, audit) against
 * a raw SQLite bulk insert of the same rows' 18 columns as plaintext
 * (prepared statement, 500 rows per transaction), in one program; once
 * with the callers in cyclic order and once in random order (see
 * cdr_gen.h), each on a fresh vault and a fresh raw database.
 * ORDER picks one of the two. With URL (an empty PostgreSQL database)
 * the vault's store is that database, and the baseline a raw COPY of
 * the same rows into a plain table there, after the import (issue 7;
 * the median of three);
 * one order only, the database holding one run.
 * usage: bench_ingest [ROWS [CALLERS [both|cyclic|random [URL]]]]
 *        (default 200000 20000 both)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "base/err.h"
#include "bench.h"
#include "cdr_gen.h"
#include "core/party.h"
#include "core/phone.h"
#include "core/source.h"
#include "ingest/import.h"
#include "records/vault.h"

static double
raw_insert(const char *path, long rows, long callers, enum bench_order order)
{
	char f[18][64], sql[256] = "INSERT INTO cdr VALUES (?1";
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	double t;

	for (int k = 2; k <= 18; k++)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), ", ?%d", k);
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), ")");
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	    "CREATE TABLE cdr (accountcode, src, dst, dcontext, clid, channel, "
	    "dstchannel, lastapp, lastdata, start, answer, end, duration, "
	    "billsec, disposition, amaflags, uniqueid UNIQUE, userfield);"
	    "CREATE INDEX cdr_src ON cdr (src, start)", NULL, NULL, NULL)
	    != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK)
		abort();
	t = bench_now();
	for (long i = 0; i < rows; i++) {
		if (i % 500 == 0)
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		bench_cdr_row(i, callers, order, f);
		for (int k = 0; k < 18; k++)
			sqlite3_bind_text(ins, k + 1, f[k], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			abort();
		sqlite3_reset(ins);
		if (i % 500 == 499 || i == rows - 1)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	t = bench_now() - t;
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return t;
}

static void
pg_ok(PGconn *c, PGresult *res, ExecStatusType want)
{
	if (PQresultStatus(res) != want) {
		fprintf(stderr, "bench: %s", PQerrorMessage(c));
		abort();
	}
	PQclear(res);
}

/* One COPY of the rows into cdr, emptied first; its time. */
static double
copy_once(PGconn *c, long rows, long callers, enum bench_order order)
{
	char f[18][64], line[18 * 66];
	double t;

	pg_ok(c, PQexec(c, "TRUNCATE cdr"), PGRES_COMMAND_OK);
	t = bench_now();
	pg_ok(c, PQexec(c, "COPY cdr FROM STDIN"), PGRES_COPY_IN);
	for (long i = 0; i < rows; i++) {
		size_t n = 0;

		bench_cdr_row(i, callers, order, f);
		for (int k = 0; k < 18; k++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s",
			    f[k], k < 17 ? "\t" : "\n");
		if (PQputCopyData(c, line, (int)n) != 1)
			abort();
	}
	if (PQputCopyEnd(c, NULL) != 1)
		abort();
	pg_ok(c, PQgetResult(c), PGRES_COMMAND_OK);
	return bench_now() - t;
}

/*
 * COPY of the same rows as text into a plain table with the same index:
 * the median of three (one takes a tenth of a second at 20 000 rows, so
 * one alone swung by half).
 */
static double
raw_copy(const char *url, long rows, long callers, enum bench_order order)
{
	PGconn *c = PQconnectdb(url);
	double t[3];

	if (PQstatus(c) != CONNECTION_OK)
		abort();
	pg_ok(c, PQexec(c, "CREATE TABLE cdr (accountcode text, src text, "
	    "dst text, dcontext text, clid text, channel text, dstchannel "
	    "text, lastapp text, lastdata text, start text, answer text, "
	    "\"end\" text, duration text, billsec text, disposition text, "
	    "amaflags text, uniqueid text UNIQUE, userfield text);"
	    "CREATE INDEX cdr_src ON cdr (src, start)"), PGRES_COMMAND_OK);
	for (int i = 0; i < 3; i++)
		t[i] = copy_once(c, rows, callers, order);
	PQfinish(c);
	bench_sort(t, 3);
	return t[1];
}

/* Seconds of CPU this process has used. */
static double
cpu_self(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Seconds of CPU every "postgres" process on this machine has used (the
 * database server the bench is given runs here): what the server spent
 * on an import, taken before and after.
 */
static double
cpu_postgres(void)
{
	char path[300], comm[32];
	unsigned long long ut, st, sum = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");
	FILE *f;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* pid (comm) state ppid pgrp session tty tpgid flags
		 * minflt cminflt majflt cmajflt utime stime */
		if (fscanf(f, "%*d (%31[^)]) %*c %*d %*d %*d %*d %*d %*u "
		    "%*u %*u %*u %*u %llu %llu", comm, &ut, &st) == 3 &&
		    strcmp(comm, "postgres") == 0)
			sum += ut + st;
		fclose(f);
	}
	if (d != NULL)
		closedir(d);
	return (double)sum / (double)sysconf(_SC_CLK_TCK);
}

/* Import rows in order into a fresh vault under dir, then the baseline. */
static void
run(const char *dir, const char *url, long rows, long callers,
    enum bench_order order)
{
	char vdir[96], raw[96], why[512];
	struct cxv_import_report rep = { NULL, NULL, NULL };
	struct cxv_import_stats st;
	struct cxv_vault *v = NULL;
	double t, traw, cpu, srv;
	FILE *csv;

	snprintf(vdir, sizeof(vdir), "%s/vault-%d", dir, (int)order);
	snprintf(raw, sizeof(raw), "%s/raw-%d.db", dir, (int)order);
	if ((csv = bench_cdr_csv(rows, callers, 0, order)) == NULL)
		abort();
	if (cxv_vault_init(vdir, NULL, url, NULL, 0, "local:bench", why, sizeof(why))
	    != CXV_OK || cxv_vault_open(vdir, NULL, 0, "local:bench", &v, why,
	    sizeof(why)) != CXV_OK) {
		fprintf(stderr, "bench: %s\n", why);
		exit(1);
	}
	t = bench_now();
	cpu = cpu_self();
	srv = url != NULL ? cpu_postgres() : 0;
	if (cxv_import_cdr(v, "asterisk-csv", NULL, NULL, csv, &rep, &st) != CXV_OK ||
	    st.imported != (uint64_t)rows)
		abort();
	t = bench_now() - t;
	cpu = cpu_self() - cpu;
	srv = url != NULL ? cpu_postgres() - srv : 0;
	cxv_vault_close(v);
	fclose(csv);
	traw = url != NULL ? raw_copy(url, rows, callers, order) :
	    raw_insert(raw, rows, callers, order);
	printf("%-7s cxvault import  %9.0f rows/s (%ld rows, %ld callers, "
	    "%.1f s)\n", order == BENCH_CYCLIC ? "cyclic" : "random",
	    (double)rows / t, rows, callers, t);
	printf("%-7s %s  %9.0f rows/s (%.1f s)\n", "", url != NULL ?
	    "raw PG COPY  " : "raw SQLite    ", (double)rows / traw, traw);
	printf("%-7s ratio           %9.1f %%\n", "", 100.0 * traw / t);
	printf("%-7s import CPU      %9.1f us/record here", "",
	    1e6 * cpu / (double)rows);
	if (url != NULL)
		printf(", %.1f us in postgres", 1e6 * srv / (double)rows);
	printf("\n");
}

/*
 * What classifying a record's two parties costs (issue 26), and the one
 * libphonenumber call within it, per record, over the rows' callers
 * (made beforehand, so only the classification is timed).
 */
static void
classify_cost(long rows, long callers)
{
	long n = rows < 200000 ? rows : 200000;
	char (*caller)[64] = malloc((size_t)n * sizeof(*caller));
	char (*callee)[64] = malloc((size_t)n * sizeof(*callee));
	char f[18][64], e164[32], digits[64];
	struct cxv_source src;
	struct cxv_party p;
	double t, tp;

	if (caller == NULL || callee == NULL)
		abort();
	for (long i = 0; i < n; i++) {
		bench_cdr_row(i, callers, BENCH_RANDOM, f);
		snprintf(caller[i], sizeof(caller[i]), "%s", f[1]);
		snprintf(callee[i], sizeof(callee[i]), "%s", f[2]);
	}
	cxv_source_init(&src, "bench");
	src.country_code = 49;
	t = bench_now();
	for (long i = 0; i < n; i++) {
		cxv_party_classify(&src, caller[i], 0, &p);
		cxv_party_classify(&src, callee[i], 1, &p);
	}
	t = bench_now() - t;
	tp = bench_now();
	for (long i = 0; i < n; i++) {
		size_t k = 0;

		for (const char *c = caller[i]; *c != '\0'; c++)
			if (*c != ' ')
				digits[k++] = *c;
		digits[k] = '\0';
		if (!cxv_phone_national(digits, 49, e164, sizeof(e164)))
			abort();
	}
	tp = bench_now() - tp;
	printf("classify both parties   %6.2f us/record (%ld records), of "
	    "which libphonenumber %.2f us\n", 1e6 * t / (double)n, n,
	    1e6 * tp / (double)n);
	free(caller);
	free(callee);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-ingest-XXXXXX";
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	long callers = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	const char *order = argc > 3 ? argv[3] : "both";
	const char *url = argc > 4 ? argv[4] : NULL;
	int both = strcmp(order, "both") == 0;

	if (sodium_init() < 0 || rows < 1 || callers < 1 || (url != NULL &&
	    both) || (!both && strcmp(order, "cyclic") != 0 &&
	    strcmp(order, "random") != 0) || mkdtemp(dir) == NULL) {
		fprintf(stderr, "usage: bench_ingest [ROWS [CALLERS "
		    "[both|cyclic|random [URL]]]]\n");
		return 1;
	}
	classify_cost(rows, callers);
	if (both || strcmp(order, "cyclic") == 0)
		run(dir, url, rows, callers, BENCH_CYCLIC);
	if (both || strcmp(order, "random") == 0)
		run(dir, url, rows, callers, BENCH_RANDOM);
	printf("data left in %s (remove it)\n", dir);
	return 0;
}
