/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD'ed into a test server: every accept4() waits 30 ms first.
 * That widens the window between a libmicrohttpd worker waking for the
 * listening socket and its accept, where a reload's quiesce can fall
 * (test_api.py, reloads_under_load_drop_nothing). Where accept4 is
 * intercepted by the sanitizers' runtime, this one is not reached and
 * the test runs without the delay.
 */
#include <dlfcn.h>
#include <sys/socket.h>
#include <time.h>

/* glibc's own parameter types, so that its prototype declares this. */
typedef int (*accept4_fn)(int, __SOCKADDR_ARG, socklen_t *restrict, int);

int
accept4(int fd, __SOCKADDR_ARG addr, socklen_t *restrict len, int flags)
{
	static accept4_fn next;
	void *sym;

	if (next == NULL) {
		if ((sym = dlsym(RTLD_NEXT, "accept4")) == NULL)
			return -1;
		/* POSIX: a function's address fits a void *. */
		__builtin_memcpy(&next, &sym, sizeof(next));
	}
	(void)nanosleep(&(struct timespec){ 0, 30000000L }, NULL);
	return next(fd, addr, len, flags);
}
