/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Wall-clock times of an IANA time zone ("Europe/Moscow") into UTC, by
 * ICU's time-zone data: Asterisk's cdr_csv without usegmtime, cdr_custom
 * and the manager interface write the PBX's local time. Thread-safe.
 */
#ifndef CXV_ZONE_H
#define CXV_ZONE_H

#include <stdint.h>
#include <time.h>

/* CXV_OK if zone names a zone ICU knows, else CXV_ERR_INVALID. */
int cxv_zone_check(const char *zone);

/*
 * The instant (ms since the epoch, UTC) of wall-clock time tm (year, mon,
 * mday, hour, min, sec) in zone; "" is UTC. A time that occurs twice
 * (the hour clocks go back) is its first occurrence; one that does not
 * occur (clocks go forward) is read with the offset before the change.
 */
int cxv_zone_to_utc(const char *zone, const struct tm *tm,
    int64_t *ms /* OUT */);

#endif
