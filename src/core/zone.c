/* SPDX-License-Identifier: Apache-2.0 */
/* Local times into UTC with ICU's calendar; see zone.h. */
#include "core/zone.h"

#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "base/err.h"

#define ZONE_ID_MAX	64

/* zone as ICU's UTF-16 id; 0 if too long. */
static int
zone_id(const char *zone, UChar id[ZONE_ID_MAX])
{
	if (strlen(zone) >= ZONE_ID_MAX)
		return 0;
	u_uastrncpy(id, zone, ZONE_ID_MAX);
	return 1;
}

int
cxv_zone_check(const char *zone)
{
	UChar id[ZONE_ID_MAX], canon[ZONE_ID_MAX];
	UErrorCode e = U_ZERO_ERROR;
	UBool system = 0;

	if (!zone_id(zone, id))
		return CXV_ERR_INVALID;
	(void)ucal_getCanonicalTimeZoneID(id, -1, canon, ZONE_ID_MAX, &system,
	    &e);
	return U_SUCCESS(e) && system ? CXV_OK : CXV_ERR_INVALID;
}

int
cxv_zone_to_utc(const char *zone, const struct tm *tm, int64_t *ms)
{
	UChar id[ZONE_ID_MAX];
	UErrorCode e = U_ZERO_ERROR;
	UCalendar *cal;
	UDate d;

	*ms = 0;
	/* UTC, the default (usegmtime=yes), needs no calendar. */
	if (*zone == '\0' || strcmp(zone, "UTC") == 0) {
		struct tm t = *tm;
		time_t s = timegm(&t);

		if (s == (time_t)-1)
			return CXV_ERR_INVALID;
		*ms = (int64_t)s * 1000;
		return CXV_OK;
	}
	if (!zone_id(zone, id))
		return CXV_ERR_INVALID;
	cal = ucal_open(id, -1, "en_US_POSIX", UCAL_GREGORIAN, &e);
	if (U_FAILURE(e))
		return CXV_ERR_INVALID;
	ucal_clear(cal);
	ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
	ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_FIRST);
	ucal_setDateTime(cal, tm->tm_year + 1900, tm->tm_mon, tm->tm_mday,
	    tm->tm_hour, tm->tm_min, tm->tm_sec, &e);
	d = ucal_getMillis(cal, &e);
	ucal_close(cal);
	if (U_FAILURE(e))
		return CXV_ERR_INVALID;
	*ms = (int64_t)d;
	return CXV_OK;
}
