/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POSIX ustar archives, written as a stream: the export of a person's
 * data (R9.2) is one archive any tar reads. Only what the export needs:
 * regular files, names under 100 bytes, any size (GNU base-256 sizes
 * above 8 GiB). Pure functions; thread-safe.
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

#endif
