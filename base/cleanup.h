/*
 * base/cleanup.h - scope-bound cleanup (GCC/Clang cleanup attribute).
 *
 * A cleanup variable is initialised at its declaration; a value that outlives the function leaves
 * through steal_fd()/steal_ptr().
 */
#ifndef BASE_CLEANUP_H
#define BASE_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f)     __attribute__((cleanup(f)))
#define _cleanup_free_   _cleanup_(freep)
#define _cleanup_close_  _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Close an fd owned by a scope; keeps errno, ignores fd < 0. */
static inline void closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline int steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

static inline void *steal_ptr(void *p)
{
	void **pp = p;
	void *r = *pp;

	*pp = NULL;
	return r;
}

#endif
