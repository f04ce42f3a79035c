/*
 * base/dirents.h - the names in a directory, read with getdents64(2) into a buffer on the
 * caller's stack. opendir(3) or fdopendir(3) costs an fstat(2), for fdopendir two fcntl(2)
 * calls, and a 32 KB allocation whose pages fault in when first written: small on its own, but
 * ent-run walks several small directories at every start (the id leases, /proc, the network
 * state), and each system call costs 5-15 µs on a cold start here (docs/PERFORMANCE.md).
 * libc only.
 */
#ifndef BASE_DIRENTS_H
#define BASE_DIRENTS_H

#include <stddef.h>

struct dirents {
	int fd;        /* the directory, opened by the caller, who closes it */
	size_t pos, n; /* the next record in buf, and how many bytes the last read gave */
	char buf[4096] __attribute__((aligned(8)));
};

/* Read the entries of the directory fd from its start (a newly opened descriptor). */
void dirents_start(struct dirents *d, int fd);

/*
 * The next entry's name ("." and ".." included, as readdir(3) gives them), or NULL at the end
 * of the directory (errno 0) or when it cannot be read (errno set).
 */
const char *dirents_next(struct dirents *d);

#endif
