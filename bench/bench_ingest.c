/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: CDR ingest through cxv_import_cdr (parse, normalize, resolve the
 * caller's subject, seal, blind index, trail, audit, batches of 500)
 * against a raw SQLite bulk insert of the same rows' 18 columns as
 * plaintext (prepared statement, same batch size), in one program.
 * usage: bench_ingest [ROWS] [CALLERS] (default 200000 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "bench.h"
#include "err.h"
#include "import.h"
#include "vault.h"

/* The 18 columns of row i, as the Asterisk line and the raw insert use. */
static void
row_fields(long i, long callers, char f[18][64])
{
	long c = i % callers, t = 1793600000 + i * 7;
	struct tm tm;
	time_t s;

	snprintf(f[0], 64, "%s", "");
	snprintf(f[1], 64, "+4930%07ld", c);
	snprintf(f[2], 64, "%ld", 100 + i % 50);
	snprintf(f[3], 64, "%s", "from-trunk");
	snprintf(f[4], 64, "\"Caller %ld\" <+4930%07ld>", c, c);
	snprintf(f[5], 64, "PJSIP/trunk-%08lx", i);
	snprintf(f[6], 64, "PJSIP/%ld-%08lx", 100 + i % 50, i);
	snprintf(f[7], 64, "%s", "Dial");
	snprintf(f[8], 64, "PJSIP/%ld,30", 100 + i % 50);
	for (int k = 0; k < 3; k++) {
		s = (time_t)(t + k * 5);
		gmtime_r(&s, &tm);
		strftime(f[9 + k], 64, "%Y-%m-%d %H:%M:%S", &tm);
	}
	snprintf(f[12], 64, "10");
	snprintf(f[13], 64, "5");
	snprintf(f[14], 64, "ANSWERED");
	snprintf(f[15], 64, "DOCUMENTATION");
	snprintf(f[16], 64, "%ld.%ld", t, i);
	snprintf(f[17], 64, "%s", "");
}

static FILE *
make_csv(long rows, long callers)
{
	char f[18][64];
	FILE *out = tmpfile();

	for (long i = 0; out != NULL && i < rows; i++) {
		row_fields(i, callers, f);
		for (int k = 0; k < 18; k++) {
			fputc('"', out);
			for (const char *p = f[k]; *p != '\0'; p++) {
				if (*p == '"')
					fputc('"', out);
				fputc(*p, out);
			}
			fputs(k < 17 ? "\"," : "\"\n", out);
		}
	}
	if (out != NULL)
		rewind(out);
	return out;
}

static double
raw_insert(const char *path, long rows, long callers)
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
		row_fields(i, callers, f);
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

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-ingest-XXXXXX", vdir[64], raw[64], why[512];
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	long callers = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	struct cxv_import_report rep = { NULL, NULL, NULL };
	struct cxv_import_stats st;
	struct cxv_vault *v = NULL;
	double t, traw;
	FILE *csv;

	if (sodium_init() < 0 || rows < 1 || callers < 1 ||
	    mkdtemp(dir) == NULL || (csv = make_csv(rows, callers)) == NULL)
		return 1;
	snprintf(vdir, sizeof(vdir), "%s/vault", dir);
	snprintf(raw, sizeof(raw), "%s/raw.db", dir);
	if (cxv_vault_init(vdir, NULL, 0, "local:bench", why, sizeof(why))
	    != CXV_OK || cxv_vault_open(vdir, NULL, 0, "local:bench", &v, why,
	    sizeof(why)) != CXV_OK) {
		fprintf(stderr, "bench: %s\n", why);
		return 1;
	}
	t = bench_now();
	if (cxv_import_cdr(v, "asterisk-csv", csv, &rep, &st) != CXV_OK ||
	    st.imported != (uint64_t)rows)
		abort();
	t = bench_now() - t;
	cxv_vault_close(v);
	traw = raw_insert(raw, rows, callers);
	printf("cxvault import  %9.0f rows/s (%ld rows, %ld callers, %.1f s)\n",
	    (double)rows / t, rows, callers, t);
	printf("raw SQLite      %9.0f rows/s (%.1f s)\n", (double)rows / traw,
	    traw);
	printf("ratio           %9.1f %%\n", 100.0 * traw / t);
	printf("data left in %s (remove it)\n", dir);
	fclose(csv);
	return 0;
}
