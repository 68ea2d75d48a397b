/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What cxvault serve gives up once it holds what it needs (R4, issue
 * 10): root, after binding the socket and reading the master key; then
 * system calls it never makes, by a seccomp filter, before any thread
 * starts (threads inherit the filter). See docs/security.md.
 */
#ifndef CXV_SANDBOX_H
#define CXV_SANDBOX_H

#include <stddef.h>

/*
 * LeakSanitizer stops the world with a forked tracer that ptraces the
 * threads: sanitizer builds (tests only) keep those two calls.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CXV_SANDBOX_KEEPS_FORK	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CXV_SANDBOX_KEEPS_FORK	1
#endif
#endif
#ifndef CXV_SANDBOX_KEEPS_FORK
#define CXV_SANDBOX_KEEPS_FORK	0
#endif

/*
 * Become user (a name; "" keeps the current one). Only root can switch;
 * the data directory must belong to user, who will read and write it.
 * Either way the process stops being dumpable (no core file holds a
 * key). why says what is wrong.
 */
int cxv_sandbox_drop(const char *user, const char *data_dir, char *why,
    size_t whylen);

/*
 * No new privileges, and a seccomp filter: exec, ptrace, forking,
 * identity changes, kernel and mount administration, raw sockets and
 * namespaces are refused (the process is killed for the worst, the
 * call fails for the others). Irreversible.
 */
int cxv_sandbox_filter(char *why, size_t whylen);

#endif
