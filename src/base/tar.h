/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POSIX ustar archives, written as a stream: the export of a person's
 * data (R9.2) is one archive any tar reads, and backups are tar inside
 * encryption (archive.h). Only what these need: regular files, names
 * under 100 bytes, any size (GNU base-256 sizes above 8 GiB). Pure
 * functions; thread-safe.
 */
#ifndef CXV_TAR_H
#define CXV_TAR_H

#include <stddef.h>
#include <stdint.h>

#define CXV_TAR_BLOCK	512

/*
 * The header of a regular file (mode 0600) of size bytes named name,
 * modified at mtime_s. CXV_ERR_INVALID if the name is empty or 100
 * bytes or more.
 */
int cxv_tar_header(const char *name, uint64_t size, int64_t mtime_s,
    uint8_t out[CXV_TAR_BLOCK] /* OUT */);

/* Zero bytes that follow size bytes of data to fill the last block. */
size_t cxv_tar_padding(uint64_t size);

/* An archive ends with two zero blocks. */
#define CXV_TAR_TRAILER	((size_t)2 * CXV_TAR_BLOCK)

/* Whether a block is all zeros (the end of an archive). */
int cxv_tar_is_end(const uint8_t block[CXV_TAR_BLOCK]);

/*
 * Parse a header as cxv_tar_header() writes them: checksum, ustar magic,
 * a regular file, a NUL-ended name (into name), the size. Anything else
 * is CXV_ERR_CORRUPT: the reader is for our own archives only.
 */
int cxv_tar_parse(const uint8_t h[CXV_TAR_BLOCK], char name[100] /* OUT */,
    uint64_t *size /* OUT */);

#endif
