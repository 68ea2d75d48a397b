/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: erase a person holding 100 interactions and 10 MB of content
 * (issue 5 target: < 50 ms), p50/p99 over PEOPLE people, in a vault that
 * also holds everyone else's records.
 * usage: bench_erase [PEOPLE] (default 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "content.h"
#include "erase.h"
#include "bench.h"
#include "err.h"
#include "interaction.h"
#include "vault.h"

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
	if (cxv_content_put(v, first, 0, CXV_CONTENT_CHAT_TRANSCRIPT, blob,
	    &cid) != CXV_OK ||
	    cxv_subject_find(v, &id, ids, 2, &n, &why) != CXV_OK || n != 1)
		abort();
	sid = ids[0];
	return sid;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-erase-XXXXXX", vdir[64], why[512];
	int people = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20;
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
	if (cxv_vault_init(vdir, NULL, 0, "local:bench", why, sizeof(why)) ||
	    cxv_vault_open(vdir, NULL, 0, "local:bench", &v, why, sizeof(why)))
		return fprintf(stderr, "bench: %s\n", why), 1;
	sid = calloc((size_t)people, sizeof(*sid));
	lat = calloc((size_t)people, sizeof(*lat));
	for (int p = 0; p < people; p++)
		sid[p] = make_person(v, p, blob);
	for (int p = 0; p < people; p++) {
		t = bench_now();
		if (cxv_subject_erase(v, sid[p], 0, "no_longer_necessary", &receipt) != CXV_OK)
			abort();
		lat[p] = bench_now() - t;
		free(receipt);
	}
	bench_sort(lat, (size_t)people);
	printf("erase (%d records, 10 MiB content) p50 %.1f ms  p99 %.1f ms "
	    "(%d people)\n", RECORDS, lat[people / 2] * 1e3,
	    lat[(people * 99) / 100] * 1e3, people);
	printf("data left in %s (remove it)\n", dir);
	cxv_vault_close(v);
	fclose(blob);
	return 0;
}
