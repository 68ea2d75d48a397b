/* SPDX-License-Identifier: Apache-2.0 */
/* Asterisk cdr_csv (Master.csv) lines into struct cxv_cdr, with libcsv. */
#include "ingest/cdr_format.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "base/csv_line.h"
#include "base/err.h"
#include "base/util.h"
#include "core/source.h"
#include "core/zone.h"
#include "records/cdr.h"

enum col {
	C_ACCOUNTCODE, C_SRC, C_DST, C_DCONTEXT, C_CLID, C_CHANNEL,
	C_DSTCHANNEL, C_LASTAPP, C_LASTDATA, C_START, C_ANSWER, C_END,
	C_DURATION, C_BILLSEC, C_DISPOSITION, C_AMAFLAGS, C_UNIQUEID,
	C_USERFIELD, C_PEERACCOUNT, C_LINKEDID, C_SEQUENCE, C__COUNT
};
#define C_MIN	C_UNIQUEID	/* the columns every layout has */

static const char *const col_names[C__COUNT] = {
	"accountcode", "src", "dst", "dcontext", "clid", "channel",
	"dstchannel", "lastapp", "lastdata", "start", "answer", "end",
	"duration", "billsec", "disposition", "amaflags", "uniqueid",
	"userfield", "peeraccount", "linkedid", "sequence",
};

/*
 * What follows amaflags, by the line's column count (cdr_csv.conf:
 * loguniqueid, loguserfield, newcdrcolumns). Where one option alone
 * would give the same count (17, 20), it is loguniqueid, the default.
 */
static const enum col layouts[][5] = {
	[16] = { C__COUNT },
	[17] = { C_UNIQUEID, C__COUNT },
	[18] = { C_UNIQUEID, C_USERFIELD, C__COUNT },
	[19] = { C_PEERACCOUNT, C_LINKEDID, C_SEQUENCE, C__COUNT },
	[20] = { C_UNIQUEID, C_PEERACCOUNT, C_LINKEDID, C_SEQUENCE, C__COUNT },
	[21] = { C_UNIQUEID, C_USERFIELD, C_PEERACCOUNT, C_LINKEDID,
	    C_SEQUENCE },
};
#define NCOL_MAX	21

/* Columns kept only inside the sealed record. */
static const enum col sealed_cols[] = { C_ACCOUNTCODE, C_SRC, C_DST,
    C_DCONTEXT, C_CLID, C_CHANNEL, C_DSTCHANNEL, C_LASTAPP, C_LASTDATA,
    C_AMAFLAGS, C_USERFIELD, C_PEERACCOUNT, C_LINKEDID, C_SEQUENCE };

static const struct {
	const char *asterisk, *outcome;
} dispositions[] = {
	{ "ANSWERED", "answered" }, { "NO ANSWER", "no_answer" },
	{ "BUSY", "busy" }, { "FAILED", "failed" },
	{ "CONGESTION", "congestion" },
};

struct split {
	const char *col[C__COUNT];	/* NULL: not in this layout */
	size_t ncol;
};

/*
 * "YYYY-MM-DD HH:MM:SS" in zone ("" UTC), or seconds since the epoch
 * (cdr_custom's start(int64)), to ms; "" is 0 (did not happen).
 */
static int
parse_time(const char *s, const char *zone, int64_t *ms)
{
	struct tm tm;
	const char *end;
	long long secs;

	*ms = 0;
	if (*s == '\0')
		return CXV_OK;
	if (cxv_strtonum(s, 1, 32503680000LL, &secs) == CXV_OK)
		return *ms = secs * 1000, CXV_OK;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (end == NULL || *end != '\0' || tm.tm_year < 70 || tm.tm_year > 1100)
		return CXV_ERR_INVALID;
	return cxv_zone_to_utc(zone, &tm, ms);
}

/* Split a CSV line into the record's columns. */
static int
split_line(struct cxv_cdr *c, const char *line, size_t len, struct split *sp,
    const char **why)
{
	const char *raw[NCOL_MAX];
	size_t used = 0, i;
	int r;

	r = cxv_csv_split(line, len, raw, NCOL_MAX, CXV_CSV_BYTES, &sp->ncol,
	    c->text + c->used, c->cap - c->used, &used, why);
	if (r != CXV_OK)
		return r;
	c->used += used;
	if (sp->ncol < C_MIN)
		return *why = "fewer than 16 columns", CXV_ERR_INVALID;
	for (i = 0; i < C_MIN; i++)
		sp->col[i] = raw[i];
	for (i = 0; C_MIN + i < sp->ncol; i++)
		sp->col[layouts[sp->ncol][i]] = raw[C_MIN + i];
	return CXV_OK;
}

static int
check_numbers(const struct split *sp, const char **why)
{
	long long d, b;

	/* A cdr_custom mapping may leave them out. */
	if (sp->col[C_DURATION] == NULL || sp->col[C_BILLSEC] == NULL)
		return CXV_OK;
	if (cxv_strtonum(sp->col[C_DURATION], 0, 100000000, &d) != CXV_OK ||
	    cxv_strtonum(sp->col[C_BILLSEC], 0, d, &b) != CXV_OK)
		return *why = "duration/billsec not numbers (billsec <= duration)",
		    CXV_ERR_INVALID;
	return CXV_OK;
}

static int
set_times(struct cxv_cdr *c, const struct split *sp, const char *zone,
    const char **why)
{
	if (parse_time(sp->col[C_START], zone, &c->start_ms) != CXV_OK ||
	    parse_time(sp->col[C_ANSWER], zone, &c->answer_ms) != CXV_OK ||
	    parse_time(sp->col[C_END], zone, &c->end_ms) != CXV_OK)
		return *why = "time not 'YYYY-MM-DD HH:MM:SS'", CXV_ERR_INVALID;
	if (c->start_ms == 0)
		return *why = "no start time", CXV_ERR_INVALID;
	return cxv_cdr_check_times(c, why);
}

static int
set_outcome(struct cxv_cdr *c, const char *disp, const char **why)
{
	size_t i;

	for (i = 0; i < sizeof(dispositions) / sizeof(dispositions[0]); i++) {
		if (strcmp(disp, dispositions[i].asterisk) == 0) {
			c->outcome = dispositions[i].outcome;
			return CXV_OK;
		}
	}
	return *why = "unknown disposition", CXV_ERR_INVALID;
}


/*
 * The caller's name from clid: "Jane Doe" <+4930...> gives Jane Doe; a
 * clid that is just the number gives "".
 */
static const char *
clid_name(struct cxv_cdr *c, const char *clid, const char *src)
{
	const char *lt = strchr(clid, '<'), *b = clid, *e;

	e = lt != NULL ? lt : clid + strlen(clid);
	while (b < e && (*b == ' ' || *b == '"'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '"'))
		e--;
	if (e == b || ((size_t)(e - b) == strlen(src) &&
	    strncmp(b, src, (size_t)(e - b)) == 0))
		return "";
	return cxv_cdr_keep(c, b, (size_t)(e - b));
}

/* No uniqueid logged: the record's own hash identifies it. */
static const char *
line_id(struct cxv_cdr *c, const char *line, size_t len)
{
	uint8_t h[16];
	char hex[2 * sizeof(h) + 6];

	crypto_generichash(h, sizeof(h), (const uint8_t *)line, len, NULL, 0);
	snprintf(hex, sizeof(hex), "line:");
	cxv_hex(h, sizeof(h), hex + 5);
	return cxv_cdr_keep(c, hex, strlen(hex));
}

/*
 * What tells this leg from every other: the uniqueid alone is shared by
 * the legs of a parallel ring (Dial(A&B)), which newcdrcolumns' linkedid
 * and sequence set apart, else their channels and durations (c->leg,
 * with the times and outcome: cxv_interaction_add_cdr()); without a
 * uniqueid, the line's hash.
 */
static const char *
leg_id(struct cxv_cdr *c, const struct split *sp, const char *line,
    size_t len)
{
	const char *u = sp->col[C_UNIQUEID];
	char id[3 * CXV_FIELD_MAX + 3];
	int n;

	if (u == NULL || *u == '\0')
		return line_id(c, line, len);
	if (sp->col[C_SEQUENCE] == NULL || *sp->col[C_SEQUENCE] == '\0') {
		/* Durations too: legs rung at once may differ only there. */
		n = snprintf(id, sizeof(id), "%s\x1f%s\x1f%s\x1f%s",
		    sp->col[C_CHANNEL], sp->col[C_DSTCHANNEL],
		    sp->col[C_DURATION] != NULL ? sp->col[C_DURATION] : "",
		    sp->col[C_BILLSEC] != NULL ? sp->col[C_BILLSEC] : "");
		if (n < 0 || (size_t)n >= sizeof(id) ||
		    (c->leg = cxv_cdr_keep(c, id, (size_t)n)) == NULL)
			return NULL;
		return u;
	}
	/* A cdr_custom mapping may log sequence without linkedid. */
	n = snprintf(id, sizeof(id), "%s/%s/%s", u, sp->col[C_LINKEDID] != NULL ?
	    sp->col[C_LINKEDID] : "", sp->col[C_SEQUENCE]);
	return n < 0 || (size_t)n >= sizeof(id) ? NULL :
	    cxv_cdr_keep(c, id, (size_t)n);
}

static int
fill(struct cxv_cdr *c, const struct split *sp, const char *zone,
    const char *line, size_t len, const char **why)
{
	size_t i;
	int r;

	if ((r = check_numbers(sp, why)) != CXV_OK ||
	    (r = set_times(c, sp, zone, why)) != CXV_OK ||
	    (r = set_outcome(c, sp->col[C_DISPOSITION], why)) != CXV_OK)
		return r;
	c->caller = sp->col[C_SRC];
	c->callee = sp->col[C_DST];
	c->source_id = leg_id(c, sp, line, len);
	c->caller_name = clid_name(c, sp->col[C_CLID], c->caller);
	if (c->source_id == NULL || c->caller_name == NULL)
		return *why = "record too large", CXV_ERR_TOO_LARGE;
	for (i = 0; i < sizeof(sealed_cols) / sizeof(sealed_cols[0]); i++) {
		if (sp->col[sealed_cols[i]] == NULL)
			continue;
		if ((r = cxv_cdr_add_field(c, col_names[sealed_cols[i]],
		    sp->col[sealed_cols[i]])) != CXV_OK)
			return *why = "too many columns", r;
	}
	return CXV_OK;
}

/* Asterisk's sample cdr_custom.conf mapping (configs/samples). */
static const char sample_columns[] = "clid,src,dst,dcontext,channel,"
    "dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,"
    "disposition,amaflags,accountcode,uniqueid,userfield,sequence";

/* The column called name, or C__COUNT for one kept as it is. */
static enum col
col_named(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < C__COUNT; i++)
		if (strlen(col_names[i]) == n && memcmp(col_names[i], name, n) == 0)
			return (enum col)i;
	return C__COUNT;
}

/*
 * Split a cdr_custom line by the mapping names ("src,dst,..."): known
 * columns into sp, the others sealed under their own names.
 */
static int
split_custom(struct cxv_cdr *c, const char *line, size_t len,
    const char *names, struct split *sp, const char **why)
{
	const char *raw[CXV_CDR_FIELDS_MAX], *p = names, *key;
	size_t used = 0, i, n;
	enum col k;
	int r;

	r = cxv_csv_split(line, len, raw, CXV_CDR_FIELDS_MAX, CXV_CSV_BYTES,
	    &sp->ncol, c->text + c->used, c->cap - c->used, &used,
	    why);
	if (r != CXV_OK)
		return r;
	c->used += used;
	for (i = 0; *p != '\0'; i++) {
		while (*p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (i >= sp->ncol)
			return *why = "fewer columns than the source's mapping",
			    CXV_ERR_INVALID;
		if ((k = col_named(p, n)) != C__COUNT)
			sp->col[k] = raw[i];
		else if ((key = cxv_cdr_keep(c, p, n)) == NULL ||
		    cxv_cdr_add_field(c, key, raw[i]) != CXV_OK)
			return *why = "record too large", CXV_ERR_TOO_LARGE;
		p += n;
		p += strspn(p, ", ");
	}
	if (i != sp->ncol)
		return *why = "more columns than the source's mapping",
		    CXV_ERR_INVALID;
	if (sp->col[C_SRC] == NULL || sp->col[C_DST] == NULL ||
	    sp->col[C_START] == NULL || sp->col[C_DISPOSITION] == NULL)
		return *why = "the source's mapping lacks src, dst, start or "
		    "disposition", CXV_ERR_INVALID;
	for (i = 0; i < C__COUNT; i++)
		if (sp->col[i] == NULL && (i == C_CLID || i == C_CHANNEL ||
		    i == C_DSTCHANNEL || i == C_ANSWER || i == C_END))
			sp->col[i] = "";
	return CXV_OK;
}

/* A line of cdr_csv (custom 0) or of cdr_custom in src's columns. */
static int
parse(const char *line, size_t len, const struct cxv_source *src, int custom,
    struct cxv_cdr *out, const char **why)
{
	struct split sp;
	int r;

	*why = NULL;
	memset(&sp, 0, sizeof(sp));
	cxv_cdr_reset(out, "asterisk");
	if (len > CXV_IMPORT_LINE_MAX)
		return *why = "line too long", CXV_ERR_TOO_LARGE;
	r = !custom ? split_line(out, line, len, &sp, why) : split_custom(out,
	    line, len, src != NULL && *src->columns ? src->columns :
	    sample_columns, &sp, why);
	if (r != CXV_OK)
		return r;
	return fill(out, &sp, src != NULL ? src->zone : "", line, len, why);
}

int
cxv_cdr_parse_asterisk(const char *line, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out, const char **why)
{
	return parse(line, len, src, 0, out, why);
}

int
cxv_cdr_parse_asterisk_custom(const char *line, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out, const char **why)
{
	return parse(line, len, src, 1, out, why);
}

/*
 * cdr_manager's header names (cdr_manager.c manager_log()) of the
 * cdr_csv columns; LinkedID, Sequence and PeerAccount come from its
 * [mappings] when a site adds them under those names.
 */
static const struct {
	const char *header;
	enum col col;
} ami_headers[] = {
	{ "AccountCode", C_ACCOUNTCODE }, { "Source", C_SRC },
	{ "Destination", C_DST }, { "DestinationContext", C_DCONTEXT },
	{ "CallerID", C_CLID }, { "Channel", C_CHANNEL },
	{ "DestinationChannel", C_DSTCHANNEL },
	{ "LastApplication", C_LASTAPP }, { "LastData", C_LASTDATA },
	{ "StartTime", C_START }, { "AnswerTime", C_ANSWER },
	{ "EndTime", C_END }, { "Duration", C_DURATION },
	{ "BillableSeconds", C_BILLSEC }, { "Disposition", C_DISPOSITION },
	{ "AMAFlags", C_AMAFLAGS }, { "UniqueID", C_UNIQUEID },
	{ "UserField", C_USERFIELD }, { "PeerAccount", C_PEERACCOUNT },
	{ "LinkedID", C_LINKEDID }, { "Sequence", C_SEQUENCE },
};

/* Headers of the event itself, not of the call. */
static const char *const ami_envelope[] = { "Event", "Privilege",
    "Timestamp", "SystemName", "ActionID" };

/* One "Name: value" header of an AMI event into sp or a sealed field. */
static int
ami_header(struct cxv_cdr *c, const char *name, size_t nlen,
    const char *val, size_t vlen, struct split *sp, const char **why)
{
	const char *v, *key;
	size_t i;

	for (i = 0; i < sizeof(ami_envelope) / sizeof(ami_envelope[0]); i++)
		if (strlen(ami_envelope[i]) == nlen &&
		    strncasecmp(ami_envelope[i], name, nlen) == 0)
			return CXV_OK;
	if ((v = cxv_cdr_keep(c, val, vlen)) == NULL)
		return *why = "record too large", CXV_ERR_TOO_LARGE;
	for (i = 0; i < sizeof(ami_headers) / sizeof(ami_headers[0]); i++) {
		if (strlen(ami_headers[i].header) != nlen ||
		    strncasecmp(ami_headers[i].header, name, nlen) != 0)
			continue;
		if (sp->col[ami_headers[i].col] != NULL)
			return *why = "header given twice", CXV_ERR_INVALID;
		sp->col[ami_headers[i].col] = v;
		return CXV_OK;
	}
	/* A site's own [mappings]: kept sealed under their names. */
	if ((key = cxv_cdr_keep(c, name, nlen)) == NULL ||
	    cxv_cdr_add_field(c, key, v) != CXV_OK)
		c->dropped++;
	return CXV_OK;
}

int
cxv_cdr_parse_ami(const char *event, size_t len,
    const struct cxv_source *src, struct cxv_cdr *out, const char **why)
{
	const char *p = event, *end = event + len, *eol, *colon, *val;
	struct split sp;
	size_t i;
	int r;

	*why = NULL;
	memset(&sp, 0, sizeof(sp));
	cxv_cdr_reset(out, "asterisk");
	if (len > CXV_IMPORT_LINE_MAX)
		return *why = "event too long", CXV_ERR_TOO_LARGE;
	for (; p < end; p = eol < end ? eol + 1 : end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		i = (size_t)(eol - p) - (eol > p && eol[-1] == '\r');
		if (i == 0)
			continue;
		if ((colon = memchr(p, ':', i)) == NULL || colon == p)
			return *why = "a line that is no 'Name: value' header",
			    CXV_ERR_INVALID;
		val = colon + 1 + (colon + 1 < p + i && colon[1] == ' ');
		if ((r = ami_header(out, p, (size_t)(colon - p), val,
		    (size_t)(p + i - val), &sp, why)) != CXV_OK)
			return r;
	}
	if (sp.col[C_SRC] == NULL || sp.col[C_DST] == NULL ||
	    sp.col[C_START] == NULL || sp.col[C_DISPOSITION] == NULL)
		return *why = "no Source, Destination, StartTime or Disposition",
		    CXV_ERR_INVALID;
	for (i = 0; i < C__COUNT; i++)
		if (sp.col[i] == NULL && (i == C_CLID || i == C_CHANNEL ||
		    i == C_DSTCHANNEL || i == C_ANSWER || i == C_END))
			sp.col[i] = "";
	return fill(out, &sp, src != NULL ? src->zone : "", event, len, why);
}
