/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench (issue 6: redaction >= 300 MB/s per core, with false-positive
 * and false-negative counts on a labelled set). Generates MB megabytes
 * of log lines in the logger's format; each line carries one labelled
 * item in free text, either personal (must be masked: Luhn-valid card
 * numbers, mod-97-valid IBANs, emails, phone numbers, in the spellings
 * people write) or not (must stay: Luhn-invalid order numbers, IBANs
 * with a wrong check, dates, times, IPs, versions, UUIDs, amounts,
 * short numbers, ids). Throughput: cxv_redact over every line, one
 * thread, median of RUNS. Labels: a personal item still in the output
 * is a false negative, a non-personal item no longer there a false
 * positive. usage: bench_redact [MB] [RUNS] (default 200 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bench.h"
#include "core/redact.h"

#define LINE_MAX_	512
#define ITEM_MAX	96	/* an item as written */

enum kind {
	K_CARD, K_IBAN, K_EMAIL, K_PHONE,		/* personal */
	K_ORDER, K_BADIBAN, K_DATE, K_TIME, K_IP, K_VERSION, K_UUID,
	K_AMOUNT, K_SHORT, K_ID9, K_POSTCODE, K__COUNT
};
#define PERSONAL(k)	((k) <= K_PHONE)

static const char *const names[K__COUNT] = { "card", "iban", "email",
    "phone", "order number (Luhn-invalid)", "IBAN, wrong check", "date",
    "time", "IPv4", "version", "UUID", "amount", "short number",
    "9-digit id", "postcode" };

static unsigned
rnd(unsigned n)
{
	return randombytes_uniform(n);
}

static void
digits(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + rnd(10));
	out[n] = '\0';
}

/* Luhn check digit over d[0..n) so that d[n] completes it. */
static char
luhn_digit(const char *d, int n)
{
	int sum = 0;

	for (int i = 0; i < n; i++) {
		int x = d[n - 1 - i] - '0';

		if (i % 2 == 0 && (x *= 2) > 9)
			x -= 9;
		sum += x;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

/* 16 digits, Luhn-valid (valid) or not, grouped by sep (or none). */
static void
card(char out[ITEM_MAX], int valid)
{
	static const char *const seps[] = { "", " ", "-" };
	const char *sep = seps[rnd(3)];
	char d[17];
	int k = 0;

	d[0] = "3456"[rnd(4)];
	digits(d + 1, 14);
	d[15] = luhn_digit(d, 15);
	if (!valid)
		d[15] = (char)('0' + (d[15] - '0' + 1 + rnd(9)) % 10);
	d[16] = '\0';
	for (int i = 0; i < 16; i++) {
		if (i > 0 && i % 4 == 0)
			k += snprintf(out + k, 8, "%s", sep);
		out[k++] = d[i];
	}
	out[k] = '\0';
}

/* ISO 13616 check digits of country cc and bban, mod 97. */
static int
iban_check(const char *cc, const char *bban)
{
	char s[64];
	int r = 0;

	snprintf(s, sizeof(s), "%s%s00", bban, cc);
	for (const char *p = s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			r = (r * 100 + (*p - 'A' + 10)) % 97;
		else
			r = (r * 10 + (*p - '0')) % 97;
	}
	return 98 - r;
}

static void
iban(char out[ITEM_MAX], int valid)
{
	static const char *const cc[] = { "DE", "FR", "NL", "GB" };
	const char *c = cc[rnd(4)];
	char bban[32], flat[40];
	int check, k = 0;

	if (strcmp(c, "DE") == 0)
		digits(bban, 18);
	else if (strcmp(c, "FR") == 0)
		digits(bban, 23);
	else {
		snprintf(bban, 5, "%s", strcmp(c, "NL") == 0 ? "ABNA" : "NWBK");
		digits(bban + 4, strcmp(c, "NL") == 0 ? 10 : 14);
	}
	check = iban_check(c, bban);
	if (!valid)
		check = (check + 1 + (int)rnd(50)) % 97 + 2;
	snprintf(flat, sizeof(flat), "%s%02d%s", c, check, bban);
	if (rnd(2)) {
		snprintf(out, 48, "%s", flat);
		return;
	}
	for (int i = 0; flat[i]; i++) {		/* paper form, groups of 4 */
		if (i > 0 && i % 4 == 0)
			out[k++] = ' ';
		out[k++] = flat[i];
	}
	out[k] = '\0';
}

static void
phone(char out[ITEM_MAX])
{
	char a[8], b[8];

	digits(a, 2 + (int)rnd(2));
	digits(b, 6 + (int)rnd(2));
	switch (rnd(5)) {
	case 0: snprintf(out, ITEM_MAX, "+49 %s %s", a, b); break;
	case 1: snprintf(out, ITEM_MAX, "0%s-%s", a, b); break;
	case 2: snprintf(out, ITEM_MAX, "(0%s) %s", a, b); break;
	case 3: snprintf(out, ITEM_MAX, "0049%s%s", a, b); break;
	default: snprintf(out, ITEM_MAX, "+44%s%s", a, b); break;
	}
}

static void
item(enum kind k, char out[ITEM_MAX])
{
	static const char *const users[] = { "jane.doe", "m.mustermann",
	    "support+ticket", "a_b" };
	static const char *const doms[] = { "example.org", "mail.example.com",
	    "kunde.de" };
	char d[24];

	switch (k) {
	case K_CARD: card(out, 1); break;
	case K_ORDER: card(out, 0); break;
	case K_IBAN: iban(out, 1); break;
	case K_BADIBAN: iban(out, 0); break;
	case K_EMAIL:
		snprintf(out, ITEM_MAX, "%s%u@%s", users[rnd(4)], rnd(100),
		    doms[rnd(3)]);
		break;
	case K_PHONE: phone(out); break;
	case K_DATE: snprintf(out, ITEM_MAX, "2026-%02u-%02u", 1 + rnd(12),
	    1 + rnd(28));
		break;
	case K_TIME: snprintf(out, ITEM_MAX, "%02u:%02u:%02u.%03u", rnd(24),
	    rnd(60), rnd(60), rnd(1000)); break;
	case K_IP: snprintf(out, ITEM_MAX, "10.%u.%u.%u", rnd(256), rnd(256),
	    rnd(256)); break;
	case K_VERSION: snprintf(out, ITEM_MAX, "v%u.%u.%u", rnd(10), rnd(40),
	    rnd(100)); break;
	case K_UUID: snprintf(out, ITEM_MAX, "%08x-%04x-4%03x-a%03x-%08x%04x",
	    rnd(0xffffffffu), rnd(0x10000), rnd(0x1000), rnd(0x1000),
	    rnd(0xffffffffu), rnd(0x10000)); break;
	case K_AMOUNT: snprintf(out, ITEM_MAX, "%u.%02u EUR", rnd(10000), rnd(100));
		break;
	case K_SHORT: snprintf(out, ITEM_MAX, "%u", rnd(100000)); break;
	case K_ID9: digits(d, 9); snprintf(out, ITEM_MAX, "%s", d); break;
	default: snprintf(out, ITEM_MAX, "%05u", rnd(100000)); break;
	}
}

/* Lines as the logger writes them, the item in a free-text field. */
#define T_REQUEST	"%s level=3 event=http.request method=GET " \
	"target=\"/v1/interactions?ref=%s\" status=200 user=42 ms=3"
#define T_REJECT	"%s level=1 event=import.reject file=Master.csv " \
	"line=%u why=\"bad field near '%s'\""
#define T_ERROR		"%s level=2 event=api.error route=/v1/cdr " \
	"result=invalid_input why=\"note: %s\""
#define T_NOTE		"%s level=3 event=content.create content=%u " \
	"kind=recording note=\"from %s, see ticket\""

struct line {
	size_t off, len;
	enum kind k;
	size_t ioff, ilen;		/* the item inside the line */
};

int
main(int argc, char **argv)
{
	long mb = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
	size_t cap = (size_t)mb << 20, used = 0, n = 0, ncap = 1 << 20;
	long fn[K__COUNT] = { 0 }, fp[K__COUNT] = { 0 }, seen[K__COUNT] = { 0 };
	char *text, out[LINE_MAX_ * 2], it[ITEM_MAX], ts[40], *mark;
	struct line *lines;
	double *mbs, t;

	if (sodium_init() < 0 || mb < 1 || runs < 1 ||
	    (text = malloc(cap + LINE_MAX_)) == NULL ||
	    (lines = malloc(ncap * sizeof(*lines))) == NULL ||
	    (mbs = calloc((size_t)runs, sizeof(double))) == NULL)
		return 1;
	while (used < cap) {
		enum kind k = (enum kind)rnd(K__COUNT);
		int len;

		if (n == ncap && (lines = realloc(lines, (ncap *= 2) *
		    sizeof(*lines))) == NULL)
			return 1;
		item(k, it);
		snprintf(ts, sizeof(ts), "2026-11-25T%02u:%02u:%02u.%03uZ", rnd(24), rnd(60),
		    rnd(60), rnd(1000));
		switch (rnd(4)) {
		case 0: len = snprintf(text + used, LINE_MAX_, T_REQUEST, ts, it); break;
		case 1: len = snprintf(text + used, LINE_MAX_, T_REJECT, ts, rnd(100000),
		    it); break;
		case 2: len = snprintf(text + used, LINE_MAX_, T_ERROR, ts, it); break;
		default: len = snprintf(text + used, LINE_MAX_, T_NOTE, ts, rnd(1000000),
		    it); break;
		}
		mark = strstr(text + used + strlen(ts), it);
		lines[n] = (struct line){ used, (size_t)len, k,
		    (size_t)(mark - (text + used)), strlen(it) };
		used += (size_t)len + 1;
		text[used - 1] = '\n';
		n++;
	}
	for (int r = 0; r < runs; r++) {
		size_t sum = 0;

		t = bench_now();
		for (size_t i = 0; i < n; i++)
			sum += cxv_redact(text + lines[i].off, lines[i].len, out,
			    sizeof(out));
		t = bench_now() - t;
		mbs[r] = (double)used / 1048576.0 / t;
		if (sum == 0)
			return 1;
	}
	bench_sort(mbs, (size_t)runs);
	printf("redaction: %zu lines, %.0f MB, %.0f MB/s (median of %d, one "
	    "thread)\n", n, (double)used / 1048576.0, mbs[runs / 2], runs);
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &lines[i];
		int kept;

		memcpy(it, text + l->off + l->ioff, l->ilen);
		it[l->ilen] = '\0';
		cxv_redact(text + l->off, l->len, out, sizeof(out));
		kept = strstr(out, it) != NULL;
		seen[l->k]++;
		if (PERSONAL(l->k) && kept)
			fn[l->k]++;
		else if (!PERSONAL(l->k) && !kept)
			fp[l->k]++;
	}
	printf("%-28s %10s %10s\n", "item", "lines", "wrong");
	for (int k = 0; k < K__COUNT; k++)
		printf("%-28s %10ld %10ld %s\n", names[k], seen[k],
		    PERSONAL(k) ? fn[k] : fp[k], PERSONAL(k) ?
		    "false negatives" : "false positives");
	free(mbs);
	free(lines);
	free(text);
	return 0;
}
