/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Personal content (R1.7, R5.1): recordings, voicemail, greetings,
 * transcripts, emails, case notes. Each item is a file with a random name
 * under DIR/content holding the bytes sealed as a stream under the
 * owner's subject key ("content:<id>" as associated data), so neither the
 * administrator nor a backup reader can play or read it. Streams run in
 * constant memory whatever the size. Writes and reads are audited.
 */
#ifndef CXV_CONTENT_H
#define CXV_CONTENT_H

#include <stdint.h>
#include <limits.h>
#include <stdio.h>

#include "core/mask.h"

struct cxv_vault;

/* Stored as numbers: never renumber. */
enum cxv_content_kind {
	CXV_CONTENT_RECORDING, CXV_CONTENT_VOICEMAIL, CXV_CONTENT_GREETING,
	CXV_CONTENT_CHAT_TRANSCRIPT, CXV_CONTENT_SMS_TRANSCRIPT,
	CXV_CONTENT_EMAIL, CXV_CONTENT_CASE_NOTE, CXV_CONTENT_PHOTO,
	CXV_CONTENT__COUNT
};

/* Stable names ("recording", ...); "unknown" if out of range. */
const char *cxv_content_kind_name(int kind);
/* Kind from its name; CXV_ERR_INVALID if unknown. */
int cxv_content_kind_parse(const char *name, enum cxv_content_kind *kind /* OUT */);

/*
 * Seal everything readable from in as content of interaction_id (whose
 * subject owns it), or, with interaction_id 0, of user user_id (its
 * greetings, voicemail box). The file is complete and synced before its
 * row commits, so a row never names a missing or partial file. *id is
 * the new content id. NOT_FOUND if there is no such interaction or user.
 *
 * Recordings and voicemail pass through the mask first (core/mask.h):
 * DTMF tones and the nmarked spans given are silenced before any byte
 * is sealed; transcripts, emails and case notes are redacted as log
 * lines are (cards, IBANs, addresses, numbers). What was masked is kept
 * with the row. Spans on other kinds, or on audio the mask cannot read,
 * are CXV_ERR_INVALID.
 */
int cxv_content_put(struct cxv_vault *v, int64_t interaction_id,
    int64_t user_id, enum cxv_content_kind kind,
    const struct cxv_mask_span *marked, size_t nmarked, FILE *in,
    int64_t *id /* OUT */);

/*
 * Write content id, opened, to out (the read is audited first); with
 * original, its original as it came in (kept where the category's
 * policy is masked_and_original; NOT_FOUND if none), audited as
 * content.read.original. CXV_ERR_CRYPTO if the sealed file was altered
 * or truncated; out may then hold a prefix, which the caller must
 * discard.
 */
int cxv_content_get(struct cxv_vault *v, int64_t id, int original, FILE *out);

/*
 * Push-style upload (the HTTP API receives bodies in pieces): begin
 * makes the sealed temporary file for an interaction's item (or a
 * user's, interaction_id 0) of at most max bytes; write takes any
 * amounts (CXV_ERR_TOO_LARGE past max); commit seals the end, syncs,
 * renames and records the item (audited), giving its id; abort removes
 * everything. commit and abort free the upload.
 */
struct cxv_content_upload;
int cxv_content_upload_begin(struct cxv_vault *v, int64_t interaction_id,
    int64_t user_id, enum cxv_content_kind kind,
    const struct cxv_mask_span *marked, size_t nmarked, uint64_t max,
    struct cxv_content_upload **out /* OUT */);
int cxv_content_upload_write(struct cxv_content_upload *up, const void *data,
    size_t len);
int cxv_content_upload_commit(struct cxv_vault *v,
    struct cxv_content_upload *up, int64_t *id /* OUT */);
void cxv_content_upload_abort(struct cxv_content_upload *up);

/*
 * Content stored before masking existed (issue 29): every recording,
 * voicemail, transcript, email and case note created at or after
 * since_ms that was never checked is read and sealed again through the
 * mask, one at a time, each in its own audited transaction
 * ("content.mask"), so a run stopped anywhere is taken up by the next.
 */
struct cxv_content_mask_stats {
	long long checked;	/* items passed through the mask */
	long long masked;	/* of them, items where something was masked */
	long long gone;		/* erased or changed while being masked */
	int64_t failed;		/* the item an error stopped the run at, or 0 */
};
int cxv_content_mask_stored(struct cxv_vault *v, int64_t since_ms,
    struct cxv_content_mask_stats *st /* OUT */);

/* What is known of an item without reading it. */
struct cxv_content_info {
	int64_t id;
	int64_t subject_id;
	int64_t interaction_id;		/* 0: a user's item */
	int kind;
	int64_t size;			/* plaintext bytes */
	int64_t created_ms;
	char file[33];
	char masking[CXV_MASK_SUMMARY_MAX];	/* "" if not checked */
	char original[33];		/* the original's file, "" if none */
	int64_t original_size;		/* its plaintext bytes */
};

/* The item's row, unaudited (for authorization decisions). */
int cxv_content_info(struct cxv_vault *v, int64_t id,
    struct cxv_content_info *info /* OUT */);

/*
 * Pull-style read: open records the read in the audit trail (R7.2),
 * then gives a reader and the item's info; read gives up to cap
 * authenticated bytes, *got 0 at the verified end, CXV_ERR_CRYPTO on
 * tampering. The reader needs no vault; close accepts NULL.
 */
struct cxv_content_reader;
int cxv_content_open(struct cxv_vault *v, int64_t id,
    struct cxv_content_reader **out /* OUT */,
    struct cxv_content_info *info /* OUT */);
/* The same for the item's original (NOT_FOUND if none is kept). */
int cxv_content_open_original(struct cxv_vault *v, int64_t id,
    struct cxv_content_reader **out /* OUT */,
    struct cxv_content_info *info /* OUT */);
int cxv_content_read(struct cxv_content_reader *rd, uint8_t *buf, size_t cap,
    size_t *got /* OUT */);
void cxv_content_close(struct cxv_content_reader *rd);

/*
 * Files whose rows an erasure or anonymization deletes: cxv_content_doom
 * (a cxv_store_file_fn) collects their names and sizes inside the
 * transaction; after the commit, cxv_content_doomed_unlink() removes
 * them. The caller frees name.
 */
struct cxv_content_doomed {
	char (*name)[33];
	size_t n, cap;
	int64_t bytes;
};
int cxv_content_doom(void *ctx, const char *file, int64_t size);
void cxv_content_doomed_unlink(struct cxv_vault *v,
    struct cxv_content_doomed *d);

/* Every content item of a subject, oldest first (unaudited: export). */
int cxv_content_list_subject(struct cxv_vault *v, int64_t subject_id,
    int (*fn)(void *ctx, const struct cxv_content_info *info), void *ctx);
/* The items of an interaction, without their bytes (its view lists them). */
int cxv_content_list_interaction(struct cxv_vault *v, int64_t interaction_id,
    int (*fn)(void *ctx, const struct cxv_content_info *info), void *ctx);

/*
 * An item's file (or its original's), and its stream opened with the
 * subject's key held by the caller (an export audits the whole archive
 * once and reads many items); the reader needs no vault.
 */
int cxv_content_path_of(struct cxv_vault *v,
    const struct cxv_content_info *info, int original,
    char out[PATH_MAX] /* OUT */);
struct cxv_subject_key;
int cxv_content_open_keyed(const char *path, const struct cxv_subject_key *key,
    const struct cxv_content_info *info,
    struct cxv_content_reader **out /* OUT */);
/* The same for the item's original, at path (info->original's). */
int cxv_content_open_original_keyed(const char *path,
    const struct cxv_subject_key *key, const struct cxv_content_info *info,
    struct cxv_content_reader **out /* OUT */);

#endif
