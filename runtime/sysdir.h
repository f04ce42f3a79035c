/*
 * runtime/sysdir.h - is a rootfs one of the host's system directories, by any path?
 */
#ifndef RT_SYSDIR_H
#define RT_SYSDIR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fill what with why the directory path (resolved by realpath(3)) with device dev and inode
 * ino (0: not pinned) is a host system directory: "the host's /usr", "inside the host's
 * /proc", "a proc file system"; "" when it is none. A step the host does not allow (an
 * unreadable /proc/self/mountinfo) decides nothing; the others still apply.
 */
void rt_system_dir_of(const char *path, uint64_t dev, uint64_t ino, char *what, size_t size);

#endif
