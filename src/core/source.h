/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sources: each PBX or feed a vault takes records from, named in
 * cxvault.conf ("source.NAME.KEY = VALUE"), with what its records need
 * to be read right: the region its numbers are dialled in, the time zone
 * its clock writes, its dial plan's extensions, and the column layout
 * of a cdr_custom file. The source "default" always exists and keeps
 * the vault's default_country_code, UTC and 2-6 digit extensions.
 */
#ifndef CXV_SOURCE_H
#define CXV_SOURCE_H

#include <stddef.h>

#include "base/netaddr.h"

#define CXV_SOURCES_MAX		16
#define CXV_SOURCE_NAME_MAX	32
#define CXV_SOURCE_ZONE_MAX	64
#define CXV_SOURCE_RANGES_MAX	16
#define CXV_SOURCE_COLUMNS_MAX	512	/* the column list as written */

/* Extensions: numbers lo-hi of a given length, or lengths dmin-dmax. */
struct cxv_ext_range {
	unsigned long lo, hi;
	unsigned char dmin, dmax;	/* digits */
};

struct cxv_source {
	char name[CXV_SOURCE_NAME_MAX];
	char region[3];			/* "RU"; "" = by country_code */
	unsigned country_code;		/* 0 until the config is read */
	char zone[CXV_SOURCE_ZONE_MAX];	/* IANA name; "" = UTC */
	struct cxv_ext_range ext[CXV_SOURCE_RANGES_MAX];
	size_t next;			/* 0: any 2-6 digits not led by 0 */
	char ext_text[CXV_SOURCE_COLUMNS_MAX];	/* as written */
	char columns[CXV_SOURCE_COLUMNS_MAX];	/* cdr_custom; "" = sample */
	/* Asterisk Manager Interface (net/ami.h); ami_text "" = none. */
	char ami_text[CXV_NET_HOST_MAX + 16];	/* as written */
	char ami_host[CXV_NET_HOST_MAX], ami_port[6];
	int ami_tls;
	char ami_user[CXV_SOURCE_NAME_MAX * 2];
	char ami_secret_file[CXV_SOURCE_COLUMNS_MAX];
};

/* Whether name can name a source: 1-31 of [a-z0-9_-]. */
int cxv_source_name_ok(const char *name);

/* An empty source called name (valid per cxv_source_name_ok()). */
void cxv_source_init(struct cxv_source *src, const char *name);

/* A source's keys, in the order cxvault.conf lists them. */
#define CXV_SOURCE_KEYS	7

/* The name of key k < CXV_SOURCE_KEYS ("region", "zone", ...). */
const char *cxv_source_key_name(size_t k);

/* The index of the key called name; -1 if there is none. */
int cxv_source_key(const char *name);

/* Key k's value in src as cxvault.conf writes it; "" if not set. */
const char *cxv_source_text(const struct cxv_source *src, size_t k);

/*
 * Set one of src's keys from its text: "region" (ISO 3166 code, "RU"),
 * "zone" (IANA, "Europe/Moscow"), "extensions" ("100-199, 2000-2999" or
 * "3-4 digits", comma-separated), "columns" (cdr_custom's field names in
 * order), "ami" (tls://HOST:PORT, or tcp://HOST:PORT on loopback only),
 * "ami_user" (the manager account), "ami_secret_file" (an absolute path).
 * CXV_ERR_INVALID with a static *reason.
 */
int cxv_source_set(struct cxv_source *src, const char *key, const char *value,
    const char **reason /* OUT */);

/* Whether src's keys fit together (an "ami" needs its user and secret). */
int cxv_source_check(const struct cxv_source *src, const char **reason
    /* OUT */);

/* Whether digits (only digits) are an extension of src's dial plan. */
int cxv_source_is_extension(const struct cxv_source *src, const char *digits);

#endif
