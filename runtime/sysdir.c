/*
 * runtime/sysdir.c - a host system directory is never a rootfs, whatever path names it.
 *
 * Container root writes its rootfs, so / or /etc as a rootfs would hand it the host. The names
 * are in entitlements/policy_options.c (ent_system_dir); here is what only the file system
 * knows. The path was resolved with realpath(3) (no symlink, "//", "." or trailing '/' is
 * left) and its device and inode pinned, so: by name; by identity (stat(2): a bind mount of
 * /etc elsewhere has /etc's device and inode); by mount (a directory on a file system mounted
 * at or below /proc, /sys or /dev, from proc(5)'s /proc/self/mountinfo, such as a bind mount
 * of /dev/shm/x); and by file system type (statfs(2): a proc or sysfs instance anywhere).
 */
#include "runtime/sysdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "base/cleanup.h"
#include "base/dirents.h"
#include "base/log.h"
#include "base/util.h"
#include "entitlements/policy.h"

/* clang-format off */
/* Kernel interfaces, never a container's files (statfs(2) f_type, linux/magic.h). */
static const struct { unsigned long magic; const char *name; } kernel_fs[] = {
	{ PROC_SUPER_MAGIC,    "proc" },    { SYSFS_MAGIC,       "sysfs" },
	{ DEVPTS_SUPER_MAGIC,  "devpts" },  { CGROUP_SUPER_MAGIC, "cgroup" },
	{ CGROUP2_SUPER_MAGIC, "cgroup2" }, { DEBUGFS_MAGIC,     "debugfs" },
	{ TRACEFS_MAGIC,       "tracefs" }, { SECURITYFS_MAGIC,  "securityfs" },
	{ BPF_FS_MAGIC,        "bpf" },
};
/* clang-format on */

static bool same_file(const char *path, uint64_t dev, uint64_t ino)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/* By identity: is it /, or a top-level system directory (following symlinks: /lib -> usr/lib)? */
static bool is_system_by_identity(uint64_t dev, uint64_t ino, char *what, size_t size)
{
	_cleanup_close_ int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char path[NAME_MAX + 2], dir[NAME_MAX + 2]; /* "/" and one directory entry */
	struct dirents d;
	const char *name;

	if (same_file("/", dev, ino)) {
		snprintf(what, size, "the host's /");
		return true;
	}
	dirents_start(&d, root);
	while (root >= 0 && (name = dirents_next(&d))) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		snprintf(path, sizeof(path), "/%s", name);
		if (ent_system_dir(path, dir, sizeof(dir)) == ENT_SYSTEM_NONE ||
		    !same_file(path, dev, ino))
			continue;
		snprintf(what, size, "the host's %s", dir);
		return true;
	}
	if (root < 0 || errno) { /* unread, it could be any of them: refused, never passed */
		snprintf(what, size, "not compared with the host's system directories: read /: %s",
		         strerror(errno));
		return true;
	}
	return false;
}

/*
 * By mount: is dev the device of a file system mounted at or below /proc, /sys or /dev? Those
 * are kernel file systems and tmpfs instances, whose devices are anonymous (major 0): a
 * directory on a disk (any other major) is none of them, and is spared the read of every
 * mount of the host.
 */
static bool is_system_by_mount(uint64_t dev, char *what, size_t size)
{
	_cleanup_fclose_ FILE *f = major(dev) == 0 ? fopen("/proc/self/mountinfo", "re") : NULL;
	_cleanup_free_ char *line = NULL;
	char point[ENT_PATH_MAX], dir[ENT_PATH_MAX];
	size_t cap = 0;
	unsigned maj, min;

	if (!f)
		return false;
	while (f && getline(&line, &cap, f) > 0) {
		/* "36 25 0:32 / /dev/shm rw,nosuid,nodev shared:9 - tmpfs tmpfs rw" */
		if (sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min, point) != 3 ||
		    makedev(maj, min) != dev ||
		    ent_system_dir(point, dir, sizeof(dir)) != ENT_SYSTEM_TREE)
			continue;
		snprintf(what, size, "inside the host's %s", dir);
		return true;
	}
	return false;
}

void rt_system_dir_of(const char *path, uint64_t dev, uint64_t ino, char *what, size_t size)
{
	char dir[ENT_PATH_MAX];
	struct statfs fs;

	what[0] = '\0';
	rt_trace("policy", "is %s a host system directory? (name, stat, mountinfo, statfs)", path);
	switch (ent_system_dir(path, dir, sizeof(dir))) {
	case ENT_SYSTEM_DIR:
		snprintf(what, size, "the host's %s", dir);
		return;
	case ENT_SYSTEM_TREE:
		snprintf(what, size, "%sthe host's %s", strcmp(path, dir) ? "inside " : "", dir);
		return;
	case ENT_SYSTEM_NONE:
		break;
	}
	if (ino &&
	    (is_system_by_identity(dev, ino, what, size) || is_system_by_mount(dev, what, size)))
		return;
	if (statfs(path, &fs) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_fs); i++) {
		if ((unsigned long)fs.f_type == kernel_fs[i].magic) {
			snprintf(what, size, "a %s file system", kernel_fs[i].name);
			return;
		}
	}
}
