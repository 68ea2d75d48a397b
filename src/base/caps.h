/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every cap of the vault in one place (SQLite sqliteLimit.h, OpenSSH
 * SSHBUF_SIZE_MAX). Input beyond a cap is refused with CXV_ERR_TOO_LARGE,
 * never truncated silently.
 */
#ifndef CXV_CAPS_H
#define CXV_CAPS_H

/* Configuration file: whole size and one line. */
#define CXV_CONFIG_MAX		65536
#define CXV_CONFIG_LINE_MAX	2048

/* One identifier as given (an email address is at most 254 octets). */
#define CXV_IDENT_MAX		254
/* E.164: at most 15 digits; shortest real numbers have 7. */
#define CXV_PHONE_DIGITS_MIN	7
#define CXV_PHONE_DIGITS_MAX	15
/* Internal extensions: 2 to 6 digits. */
#define CXV_EXT_DIGITS_MIN	2
#define CXV_EXT_DIGITS_MAX	6

/* An account password (bytes), and the default shortest (characters). */
#define CXV_PASSWORD_MAX	1024
#define CXV_PASSWORD_MIN_DEFAULT	12

/* Passphrase read on stdin. */
#define CXV_PASSPHRASE_MAX	1024
#define CXV_PASSPHRASE_MIN	12

/* Identifiers per subject handled in one call. */
#define CXV_SUBJECT_IDENTS_MAX	64
/* Subjects returned by one find. */
#define CXV_FIND_MAX		1000

/* Audit entry text fields (actor, action, object type/id, field list). */
#define CXV_AUDIT_TEXT_MAX	256

/* One log line, and the message written for "why" by start-up code. */
#define CXV_LOG_LINE_MAX	2048
#define CXV_WHY_MAX		512

/* Streamed content: plaintext bytes per sealed chunk. */
#define CXV_STREAM_CHUNK	65536

/*
 * One line of an imported file. An import transaction is a bulk one
 * (store.h): it ends after CXV_IMPORT_BATCH records or
 * CXV_IMPORT_BATCH_MS, which lets each page it touches be written once
 * for many records, or as soon as another writer waits for it once it
 * is CXV_IMPORT_BATCH_MIN_MS old (asked every CXV_IMPORT_ASK records),
 * so that an erasure or a request waits a few milliseconds at most.
 */
#define CXV_IMPORT_LINE_MAX	8192
#define CXV_IMPORT_BATCH	20000
#define CXV_IMPORT_BATCH_MS	50
#define CXV_IMPORT_BATCH_MIN_MS	2
#define CXV_IMPORT_ASK		16
/* Microseconds a retention sweep leaves the database to other writers. */
#define CXV_RETENTION_YIELD_US	300
/* Records deleted per retention transaction (short write locks). */
#define CXV_RETENTION_BATCH	64
/* Fields of one CDR, and bytes of one field of any record. */
#define CXV_CDR_FIELDS_MAX	24
#define CXV_FIELD_MAX	1024
/* One JSON document of an imported file (a mod_json_cdr CDR). */
#define CXV_JSON_DOC_MAX	1048576
/* Sealed personal fields of one record: name, value pairs. */
#define CXV_RECORD_SEALED_MAX	(CXV_IMPORT_LINE_MAX + 1024)

/* Items in one page of an API list. */
#define CXV_API_PAGE_MAX	1000
/* Threads that answer slow calls (a login's Argon2id hash), and calls
 * they may have waiting before more are refused with 503. */
#define CXV_API_DEFER_THREADS	2
#define CXV_API_DEFER_QUEUE	64
/* Corrections one account may ask for at once, and how often one more
 * (self service, issue 25.6): 5, then one every 12 minutes. */
#define CXV_SELF_CORRECTIONS	5
#define CXV_SELF_CORRECTION_MS	720000

/* A PEM certificate chain or key file. */
#define CXV_TLS_FILE_MAX	1048576

/* Milliseconds to wait for a database lock before CXV_ERR_BUSY. */
#define CXV_DB_BUSY_MS		5000
/* A checked session is trusted again for this long (see auth.c). */
#define CXV_AUTH_CACHE_MS	1000
/* Most a bulk writer waits for other writers before it begins anyway. */
#define CXV_DB_BULK_WAIT_MS	50

/* Record ids (subjects, interactions) are random, below 2^53 (exact in JSON). */
#define CXV_ID_BITS	53

_Static_assert(CXV_CONFIG_LINE_MAX < CXV_CONFIG_MAX, "config line cap");
_Static_assert(CXV_EXT_DIGITS_MAX < CXV_PHONE_DIGITS_MIN,
    "an extension must never look like a phone number");
_Static_assert(CXV_PHONE_DIGITS_MAX + 5 < CXV_IDENT_MAX, "phone fits");
_Static_assert(CXV_PASSPHRASE_MIN < CXV_PASSPHRASE_MAX, "passphrase caps");
_Static_assert(CXV_STREAM_CHUNK >= 4096 && CXV_STREAM_CHUNK <= 16777216,
    "stream chunk size");
_Static_assert(CXV_ID_BITS <= 62, "subject ids fit int64_t");
_Static_assert(CXV_AUDIT_TEXT_MAX < CXV_LOG_LINE_MAX, "audit text fits a line");
_Static_assert(CXV_FIELD_MAX < 65536, "field length fits 16 bits");
_Static_assert(CXV_RECORD_SEALED_MAX > CXV_IMPORT_LINE_MAX + 3 * CXV_CDR_FIELDS_MAX,
    "a whole line's fields fit a sealed record");

#endif
