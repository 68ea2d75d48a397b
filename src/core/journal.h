/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit journal (DESIGN 5, docs/architecture.md): the server records
 * each read of personal data it serves as one line appended to
 * DIR/audit.journal, written before the response leaves, and moves the
 * lines into the hash-chained trail in batches, one transaction for many
 * reads instead of one each. The lines carry a keyed hash chain of their
 * own, so a line altered or dropped before it is moved is caught and the
 * break recorded in the trail; the position moved to is kept in the store
 * within the same transaction, so nothing is moved twice.
 */
#ifndef CXV_JOURNAL_H
#define CXV_JOURNAL_H

#include <stdint.h>

struct cxv_audit_event;
struct cxv_journal;
struct cxv_keyring;
struct cxv_store;

/* The journal's file name in the data directory. */
#define CXV_JOURNAL_FILE	"audit.journal"

/*
 * Open path for appending. What an earlier run left is moved into st's
 * trail first, then the file starts over (a line torn by a crash was
 * never acknowledged). kr must outlive the journal. CXV_ERR_BUSY if
 * another process appends to it.
 */
int cxv_journal_open(const char *path, struct cxv_store *st,
    const struct cxv_keyring *kr, struct cxv_journal **out /* OUT */);

/*
 * Record ev (ev->ts_ms 0: now); returns once the line is written.
 * CXV_ERR_INVALID for texts the trail refuses. Thread-safe.
 */
int cxv_journal_append(struct cxv_journal *j, const struct cxv_audit_event *ev);

/*
 * Start moving lines into st's trail in the background, st a store
 * handle of its own, used for nothing else (marked trail-only, store.h;
 * closed by the caller after cxv_journal_close()).
 */
int cxv_journal_start(struct cxv_journal *j, struct cxv_store *st);

/* Move what is written so far into st's trail now. Thread-safe. */
int cxv_journal_move(struct cxv_journal *j, struct cxv_store *st);

/*
 * Stop the mover, move what is left with its store and start the file
 * over, close; accepts NULL.
 */
void cxv_journal_close(struct cxv_journal *j);

/*
 * Move the lines of the journal at path that another process (a server)
 * appends to; CXV_OK if there is none.
 */
int cxv_journal_move_file(const char *path, struct cxv_store *st,
    const struct cxv_keyring *kr);

#endif
