/*
 * base/dirents.c - the names in a directory through getdents64(2) (see dirents.h).
 */
#include "base/dirents.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

void dirents_start(struct dirents *d, int fd)
{
	d->fd = fd;
	d->pos = d->n = 0;
}

const char *dirents_next(struct dirents *d)
{
	const struct dirent64 *e;

	if (d->pos >= d->n) {
		ssize_t n = getdents64(d->fd, d->buf, sizeof(d->buf));

		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return NULL;
		}
		d->n = (size_t)n;
		d->pos = 0;
	}
	/* The kernel fills whole records, each d_reclen bytes long (getdents(2)): one that
	 * would not fit is a broken read, never a name. */
	e = (const struct dirent64 *)(d->buf + d->pos);
	if (e->d_reclen <= offsetof(struct dirent64, d_name) || e->d_reclen > d->n - d->pos) {
		errno = EIO;
		return NULL;
	}
	d->pos += e->d_reclen;
	return e->d_name;
}
