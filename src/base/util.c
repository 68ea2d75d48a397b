/* SPDX-License-Identifier: Apache-2.0 */
/* Small safe helpers shared by every module; see util.h. */
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"

/* Four-digit years: 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z. */
#define TIME_MIN_MS	INT64_C(-62167219200000)
#define TIME_MAX_MS	INT64_C(253402300799999)

int
cxv_strtonum(const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return CXV_ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return CXV_ERR_INVALID;
	if (errno == ERANGE || v < min || v > max)
		return CXV_ERR_TOO_LARGE;
	*out = v;
	return CXV_OK;
}

const char *
cxv_name_of(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : "unknown";
}

int
cxv_name_index(const char *const *names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

void
cxv_freezero(void *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

static int
read_fd(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return CXV_ERR_IO;
	if ((uintmax_t)st.st_size > max)
		return CXV_ERR_TOO_LARGE;
	if ((buf = malloc(max + 1)) == NULL)
		return CXV_ERR_NOMEM;
	/* Read to EOF, not to st_size: the file may grow under us. */
	while ((got = read(fd, buf + n, max + 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || (n += (size_t)got) > max) {
			cxv_freezero(buf, max + 1);
			return got < 0 ? CXV_ERR_IO : CXV_ERR_TOO_LARGE;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CXV_OK;
}

int
cxv_read_file(const char *path, size_t max, char **out, size_t *len)
{
	int fd, r;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? CXV_ERR_NOT_FOUND : CXV_ERR_IO;
	r = read_fd(fd, max, out, len);
	close(fd);
	return r;
}

int
cxv_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return CXV_ERR_IO;
		}
		p += w;
		len -= (size_t)w;
	}
	return CXV_OK;
}

int
cxv_write_file_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int replace)
{
	char tmp[PATH_MAX];
	int fd, r = CXV_ERR_IO;

	if (!replace && access(path, F_OK) == 0)
		return CXV_ERR_EXISTS;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return CXV_ERR_TOO_LARGE;
	(void)unlink(tmp);	/* left over by a crash */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    (mode_t)mode);
	if (fd < 0)
		return CXV_ERR_IO;
	if ((r = cxv_write_all(fd, data, len)) == CXV_OK && fsync(fd) != 0)
		r = CXV_ERR_IO;
	if (close(fd) != 0 && r == CXV_OK)
		r = CXV_ERR_IO;
	if (r == CXV_OK && rename(tmp, path) != 0)
		r = CXV_ERR_IO;
	if (r != CXV_OK)
		(void)unlink(tmp);
	return r;
}

void
cxv_hex(const uint8_t *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int
cxv_unhex(const char *hex, uint8_t *out, size_t outlen)
{
	size_t binlen = 0;

	if (strlen(hex) != 2 * outlen ||
	    sodium_hex2bin(out, outlen, hex, 2 * outlen, NULL, &binlen,
	    NULL) != 0 || binlen != outlen)
		return CXV_ERR_INVALID;
	return CXV_OK;
}

/* Length of the UTF-8 sequence starting at s (at most left bytes), 0 if bad. */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int
cxv_utf8_printable(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		/* Printable ASCII runs without the sequence decoder. */
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
			i++;
		if (i == len)
			break;
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		/* C1 controls U+0080..U+009F. */
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			return 0;
		i += n;
	}
	return 1;
}

size_t
cxv_fmt_int(char *out, size_t cap, const char *prefix, int64_t v)
{
	char d[CXV_INT_STR], *p = d + sizeof(d);
	/* The magnitude unsigned, so that the most negative one has one. */
	uint64_t m = v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v;
	size_t plen = strlen(prefix), dlen;

	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	if (v < 0)
		*--p = '-';
	dlen = (size_t)(d + sizeof(d) - p);
	if (cap == 0)
		return 0;
	if (plen + dlen >= cap) {
		out[0] = '\0';
		return 0;
	}
	memcpy(out, prefix, plen);
	memcpy(out + plen, p, dlen);
	out[plen + dlen] = '\0';
	return plen + dlen;
}

int
cxv_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		/* ASCII runs (nearly every field) without the sequence decoder. */
		while (i < len && p[i] < 0x80)
			i++;
		if (i == len)
			break;
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
cxv_utf8_repair(const char *s, size_t len, char **out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;
	char *r;

	*out = NULL;
	if (cxv_utf8_valid(s, len))
		return CXV_OK;
	/* Each bad byte grows to the three of U+FFFD. */
	if (len > (SIZE_MAX - 1) / 3 || (r = malloc(3 * len + 1)) == NULL)
		return CXV_ERR_NOMEM;
	while (i < len) {
		if ((n = utf8_seq(p + i, len - i)) == 0) {
			memcpy(r + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(r + o, s + i, n);
		o += n;
		i += n;
	}
	r[o] = '\0';
	*out = r;
	return CXV_OK;
}

int64_t
cxv_random_id(void)
{
	uint64_t x;

	do {
		randombytes_buf(&x, sizeof(x));
		x &= (UINT64_C(1) << CXV_ID_BITS) - 1;
	} while (x == 0);
	return (int64_t)x;
}

int64_t
cxv_time_id(struct cxv_id_seq *seq)
{
	uint32_t c;

	if (!seq->seeded) {
		seq->next = randombytes_random();
		seq->seeded = 1;
	}
	c = seq->next++;
	return (int64_t)(((uint64_t)(cxv_now_ms() / 1000) << 21 |
	    (c & 0x1fffff)) & ((UINT64_C(1) << CXV_ID_BITS) - 1));
}

int64_t
cxv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec
cxv_deadline_ms(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

void
cxv_time_stamp(int64_t ms, char out[CXV_STAMP_STR])
{
	char ts[CXV_TIME_STR];
	size_t i, j;

	cxv_time_format(ms, ts);
	for (i = j = 0; ts[i] != '\0' && j < CXV_STAMP_STR - 1; i++)
		if (ts[i] != '-' && ts[i] != ':')
			out[j++] = ts[i];
	out[j] = '\0';
}

/*
 * The proleptic Gregorian date of a day count since 1970-01-01, by
 * Howard Hinnant's civil_from_days: gmtime_r takes glibc's time zone
 * lock on every call, and every response formats several times.
 */
static void
civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;		/* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;	/* March is 0 */

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* v as exactly n decimal digits at p; the end. */
static char *
put_digits(char *p, int64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

void
cxv_time_format(int64_t ms, char out[CXV_TIME_STR])
{
	int64_t secs, days, rem, year;
	int month, day;
	char *p = out;

	if (ms < TIME_MIN_MS || ms > TIME_MAX_MS) {
		snprintf(out, CXV_TIME_STR, "invalid-time");
		return;
	}
	/* Floor division: a time before 1970 counts back from midnight. */
	secs = ms / 1000 - (ms % 1000 < 0);
	days = secs / 86400 - (secs % 86400 < 0);
	rem = secs - days * 86400;
	civil_from_days(days, &year, &month, &day);
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, month, 2);
	*p++ = '-';
	p = put_digits(p, day, 2);
	*p++ = 'T';
	p = put_digits(p, rem / 3600, 2);
	*p++ = ':';
	p = put_digits(p, rem / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, rem % 60, 2);
	*p++ = '.';
	p = put_digits(p, ms - secs * 1000, 3);
	memcpy(p, "Z", 2);
}

int
cxv_time_parse(const char *s, int64_t *ms)
{
	struct tm tm;
	const char *end;
	time_t t;
	int milli = 0;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return CXV_ERR_INVALID;
	if (*end == 'T') {
		if ((end = strptime(end + 1, "%H:%M:%S", &tm)) == NULL)
			return CXV_ERR_INVALID;
		/* Milliseconds, as cxv_time_format() writes them. */
		if (end[0] == '.' && strspn(end + 1, "0123456789") == 3) {
			milli = (end[1] - '0') * 100 + (end[2] - '0') * 10 +
			    (end[3] - '0');
			end += 4;
		}
		if (strcmp(end, "Z") != 0)
			return CXV_ERR_INVALID;
	}
	if (*end != '\0' && strcmp(end, "Z") != 0)
		return CXV_ERR_INVALID;
	if (tm.tm_year < 70 || tm.tm_year > 1100)
		return CXV_ERR_INVALID;
	if ((t = timegm(&tm)) == (time_t)-1)
		return CXV_ERR_INVALID;
	*ms = (int64_t)t * 1000 + milli;
	return CXV_OK;
}
