/* SPDX-License-Identifier: Apache-2.0 */
/* Masking personal data in free text; see redact.h. */
#include "core/redact.h"

#include <string.h>

#define CARD_MIN	13
#define CARD_MAX	19
#define PHONE_MIN	7
#define PHONE_MAX	15
#define BARE_PHONE_MIN	10	/* digits alone, no + or 0 */
#define IBAN_MIN	15
#define IBAN_MAX	34
#define LOCAL_MAX	64
#define DOMAIN_MAX	253

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}

/* c is one of the characters of set (never the NUL: unlike strchr). */
static int
in_set(const char *set, char c)
{
	for (; *set != '\0'; set++)
		if (*set == c)
			return 1;
	return 0;
}

/* A match may not run on into more letters, digits or an address. */
static int
ends_clean(const char *s, size_t i, size_t len)
{
	return i >= len || (!is_alnum((unsigned char)s[i]) && s[i] != '@');
}

static int
luhn(const unsigned char *d, size_t n)
{
	unsigned sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++) {
		x = d[n - 1 - i];
		if (i % 2 == 1 && (x *= 2) > 9)
			x -= 9;
		sum += x;
	}
	return sum % 10 == 0;
}

/* Digits from i with single separators of seps between them; 0 if none. */
static size_t
digit_run(const char *s, size_t i, size_t len, const char *seps,
    unsigned char *d, size_t cap, size_t *n)
{
	size_t end = i;

	*n = 0;
	while (i < len) {
		if (is_digit((unsigned char)s[i])) {
			if (*n == cap)
				return 0;	/* too many for this kind */
			d[(*n)++] = (unsigned char)(s[i++] - '0');
			end = i;
		} else if (in_set(seps, s[i]) && i + 1 < len &&
		    *n > 0 && (is_digit((unsigned char)s[i + 1]) ||
		    (i + 2 < len && in_set(seps, s[i + 1]) &&
		    is_digit((unsigned char)s[i + 2]))))
			i++;
		else
			break;
	}
	return end;
}

/*
 * A run of digit groups that runs into letters ("0044 0532 01e.doe@")
 * ends before its last group instead: where the number's last group
 * begins, its separators left out; i if there is no earlier group.
 */
static size_t
before_last_group(const char *s, size_t i, size_t end, const char *seps)
{
	while (end > i && is_digit((unsigned char)s[end - 1]))
		end--;
	while (end > i && in_set(seps, s[end - 1]))
		end--;
	return end;
}

/* digit_run, cut back to whole groups when it runs into a word. */
static size_t
clean_run(const char *s, size_t i, size_t len, const char *seps,
    unsigned char *d, size_t cap, size_t *n)
{
	size_t end = digit_run(s, i, len, seps, d, cap, n), cut;

	if (end == 0 || ends_clean(s, end, len))
		return end;
	if ((cut = before_last_group(s, i, end, seps)) == i)
		return 0;
	return digit_run(s, i, cut, seps, d, cap, n);
}

static size_t
match_card(const char *s, size_t i, size_t len)
{
	unsigned char d[CARD_MAX + 1];
	size_t n, end;

	if (!is_digit((unsigned char)s[i]))
		return 0;
	end = clean_run(s, i, len, " -", d, CARD_MAX + 1, &n);
	if (end == 0 || n < CARD_MIN || n > CARD_MAX)
		return 0;
	/* Two separators in a row are no card's. */
	for (size_t k = i + 1; k < end; k++)
		if (!is_digit((unsigned char)s[k]) &&
		    !is_digit((unsigned char)s[k - 1]))
			return 0;
	return luhn(d, n) ? end : 0;
}

static size_t
match_phone(const char *s, size_t i, size_t len)
{
	unsigned char d[PHONE_MAX + 1];
	size_t n, end, j = i;
	int marked = s[i] == '+' || s[i] == '(';

	if (marked)
		j++;
	if (j >= len || !is_digit((unsigned char)s[j]))
		return 0;
	marked |= s[j] == '0';
	end = clean_run(s, j, len, " -/.()", d, PHONE_MAX + 1, &n);
	if (end == 0 || n > PHONE_MAX)
		return 0;
	if (end < len && s[end] == ')')
		end++;
	if (marked && n >= PHONE_MIN)
		return end;
	/* Digits alone, no separator: a number written without its +. */
	return n >= BARE_PHONE_MIN && end - i == n ? end : 0;
}

static size_t
match_iban(const char *s, size_t i, size_t len)
{
	char a[IBAN_MAX];
	size_t n = 0, end, k;
	unsigned rem = 0;

	if (i + 4 > len || !is_upper((unsigned char)s[i]) ||
	    !is_upper((unsigned char)s[i + 1]) ||
	    !is_digit((unsigned char)s[i + 2]) ||
	    !is_digit((unsigned char)s[i + 3]))
		return 0;
	for (k = i, end = i; k < len && n < IBAN_MAX; k++) {
		unsigned char c = (unsigned char)s[k];

		if (is_upper(c) || is_digit(c)) {
			a[n++] = (char)c;
			end = k + 1;
		} else if (c != ' ' || k + 1 >= len ||
		    !(is_upper((unsigned char)s[k + 1]) ||
		    is_digit((unsigned char)s[k + 1])))
			break;
	}
	if (n < IBAN_MIN || !ends_clean(s, end, len))
		return 0;
	/* ISO 7064: the first four moved to the end, letters as 10-35. */
	for (k = 0; k < n; k++) {
		char c = a[(k + 4) % n];

		rem = is_digit((unsigned char)c) ? (rem * 10 + (unsigned)(c - '0'))
		    % 97 : (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	return rem == 1 ? end : 0;
}

static int
is_local(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	    c == '-';
}

/* The address around the '@' at i: *start, and its end (0 if none). */
static size_t
match_email(const char *s, size_t i, size_t len, size_t floor,
    size_t *start)
{
	size_t b = i, k = i + 1, label = 0, dots = 0, tld = 0;

	while (b > floor && i - b < LOCAL_MAX && is_local((unsigned char)s[b - 1]))
		b--;
	if (b == i || s[b] == '.')
		return 0;
	for (; k < len && k - i <= DOMAIN_MAX; k++) {
		unsigned char c = (unsigned char)s[k];

		if (is_alnum(c) || c == '-') {
			label++;
			tld = is_digit(c) || c == '-' ? 0 : tld + 1;
		} else if (c == '.' && label > 0 && k + 1 < len &&
		    is_alnum((unsigned char)s[k + 1])) {
			dots++;
			label = tld = 0;
		} else
			break;
	}
	if (dots == 0 || label == 0 || tld < 2 || tld != label)
		return 0;
	*start = b;
	return k;
}

/* Bounded output. */
struct out {
	char *p;
	size_t cap, n;
};

static void
emit(struct out *o, const char *s, size_t n)
{
	if (n > o->cap - 1 - o->n)
		n = o->cap - 1 - o->n;
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* Characters where a match can start or an address be found. */
static int
interesting(unsigned char c)
{
	return is_digit(c) || is_upper(c) || c == '+' || c == '(' || c == '@';
}

/*
 * Whether i is inside a longer token, where no match may start: a digit
 * group after a space that follows a digit ("4123 0567 8901 2345", an
 * order number, is not a phone number from its second group on), or
 * anything after '-', '.', '/' or ':' that follows a letter or digit
 * (IP addresses, UUIDs, dates, the groups of an IBAN), unless that
 * was a match (masked, it no longer continues).
 */
static int
continues(const char *s, size_t i, size_t pending)
{
	size_t k = i;
	int space = 0;

	while (k > pending && in_set(" -./:", s[k - 1])) {
		space |= s[k - 1] == ' ';
		k--;
	}
	/* Before pending is a match, which the mask ends. */
	if (k == i || k == pending || k == 0)
		return 0;
	return space ? is_digit((unsigned char)s[k - 1]) :
	    is_alnum((unsigned char)s[k - 1]);
}

/* A number or IBAN starting at i; its end and mask, or 0. */
static size_t
match_at(const char *s, size_t i, size_t len, const char **mask)
{
	size_t end;

	if ((end = match_card(s, i, len)) != 0)
		*mask = "[card]";
	else if ((end = match_iban(s, i, len)) != 0)
		*mask = "[iban]";
	else if ((end = match_phone(s, i, len)) != 0)
		*mask = "[phone]";
	return end;
}

size_t
cxv_redact(const char *in, size_t len, char *out, size_t cap)
{
	struct out o = { out, cap, 0 };
	size_t i = 0, pending = 0, matches = 0, start, end;
	const char *mask = NULL;

	while (i < len) {
		unsigned char c = (unsigned char)in[i];

		end = 0;
		start = i;
		if (!interesting(c)) {
			i++;
			continue;
		}
		if (c == '@')
			end = match_email(in, i, len, pending, &start);
		else if (i == pending ||	/* right after a match */
		    (!is_alnum((unsigned char)in[i - 1]) && !continues(in, i, pending)))
			end = match_at(in, i, len, &mask);
		if (end == 0) {
			i++;
			continue;
		}
		emit(&o, in + pending, start - pending);
		if (c == '@')
			mask = "[email]";
		emit(&o, mask, strlen(mask));
		pending = i = end;
		matches++;
	}
	emit(&o, in + pending, len - pending);
	out[o.n] = '\0';
	return matches;
}
