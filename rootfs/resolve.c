/*
 * rootfs/resolve.c - find (or create) a mount target inside the new root without ever leaving
 * it (openat2(2), path_resolution(7), proc(5) for /proc/self/fd).
 *
 * The rootfs belongs to whoever built the image, so any component of a target path may be a
 * symlink. Before pivot_root(2) an absolute symlink such as /data -> /etc would be followed on
 * the host: a plain open("ROOT/data") and a mount on it would cover the host's /etc. openat2's
 * RESOLVE_BENEATH refuses every step out of the directory descriptor (absolute symlinks, ".."
 * above it) with EXDEV, and RESOLVE_NO_MAGICLINKS refuses /proc/PID/fd-style links (ELOOP).
 * Mounts are then made on the opened descriptor (move_mount(2) by descriptor for a bind, the
 * path "/proc/self/fd/N" for mount(2)), so what is mounted on is exactly what was checked.
 */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

/* openat2 gives up with EAGAIN when a rename raced a ".." lookup; that many retries. */
#define RESOLVE_RETRIES 8

const char *rootfs_fd_path(int fd, char *buf)
{
	snprintf(buf, ROOTFS_FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

/* openat2(2), retried on EAGAIN. glibc 2.36 has no wrapper, hence syscall(2). */
static int open_how(int dir_fd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = resolve,
	};
	int fd = -1;

	for (int i = 0; i < RESOLVE_RETRIES; i++) {
		fd = (int)syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

/* Open rel (relative; "" is root_fd itself) beneath root_fd. */
static int open_beneath(int root_fd, const char *rel, int flags)
{
	return open_how(root_fd, rel[0] ? rel : ".", flags,
	                RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
}

/* The one place a failed resolution becomes an error: name the target and, when known, why. */
static int target_fail(struct rt_err *err, int errnum, const char *what, const char *target)
{
	switch (errnum) {
	case EXDEV:
		rt_fail(err, 0, "rootfs: %s target %s: %s leaves the rootfs", what, target,
		        path_has_dotdot(target) ? "'..'" : "symlink");
		rt_err_hint(err, "absolute symlinks and '..' above the rootfs are not followed; "
		                 "use the resolved path inside the container");
		return -1;
	case ELOOP:
		rt_fail(err, errnum, "rootfs: %s target %s", what, target);
		rt_err_hint(err, "symlink loops and /proc magic links are not followed in targets");
		return -1;
	case ENOSYS:
		rt_fail(err, errnum, "rootfs: %s target %s: openat2", what, target);
		rt_err_hint(err, "ent-run needs Linux 5.6 or later (openat2 with RESOLVE_BENEATH)");
		return -1;
	default:
		return rt_fail(err, errnum, "rootfs: %s target %s", what, target);
	}
}

/*
 * Create the last component of rel, a directory or an empty file, in its parent opened beneath
 * root_fd. An existing entry (even a symlink) is left alone: the open that follows judges it.
 * An empty file is what a bind of a file or a device needs: mknod(2) of devices is not allowed in
 * a user namespace, but S_IFREG is, and the host's node is then bound on top of it. There is no
 * stat first: mkdirat and mknodat fail with EEXIST on an existing entry, even on a read-only
 * mount (the kernel looks the name up before it reports EROFS): one system call, not two.
 * --verbose names what was created.
 */
static int make_node(int root_fd, char *rel, mode_t type, const char *what, const char *target,
                     struct rt_err *err)
{
	_cleanup_close_ int parent_fd = -1;
	char *slash = strrchr(rel, '/');
	const char *name = rel;
	int dir_fd = root_fd;
	int r;

	if (slash) {
		*slash = '\0';
		parent_fd = open_beneath(root_fd, rel, O_PATH | O_DIRECTORY);
		*slash = '/';
		if (parent_fd < 0)
			return target_fail(err, errno, what, target);
		dir_fd = parent_fd;
		name = slash + 1;
	}
	if (type == S_IFDIR)
		r = mkdirat(dir_fd, name, 0755);
	else
		r = mknodat(dir_fd, name, S_IFREG | 0644, 0);
	if (r == 0)
		rt_trace("rootfs",
		         type == S_IFDIR ? "mkdirat(rootfs, \"%s\", 0755)"
		                         : "mknodat(rootfs, \"%s\", S_IFREG|0644)",
		         rel);
	if (r < 0 && errno != EEXIST)
		return rt_fail(err, errno, "rootfs: %s target %s: create /%s", what, target, rel);
	return 0;
}

/*
 * Create every missing component of rel: directories, and the last one as type. The last one
 * first: its parent is nearly always there (/dev of the minimal /dev's nodes, /dev/pts), and a
 * mkdirat of each existing parent only to be told EEXIST was a system call per component. A
 * missing parent (ENOENT) sends us down the path from its top.
 */
static int make_path(int root_fd, char *rel, mode_t type, const char *what, const char *target,
                     struct rt_err *err)
{
	struct rt_err first = { 0 };

	if (make_node(root_fd, rel, type, what, target, &first) == 0)
		return 0;
	if (first.errnum != ENOENT) {
		*err = first;
		return -1;
	}
	for (char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		int r = make_node(root_fd, rel, S_IFDIR, what, target, err);
		*p = '/';
		if (r < 0)
			return -1;
	}
	return make_node(root_fd, rel, type, what, target, err);
}

/* Copy the absolute target into rel without its leading, repeated and trailing slashes. */
static int relative_path(char *rel, size_t size, const char *target, const char *what,
                         struct rt_err *err)
{
	size_t n = 0;

	if (target[0] != '/')
		return rt_fail(err, 0, "rootfs: %s target %s: not an absolute path", what, target);
	for (const char *p = target; *p; p++) {
		if (*p == '/' && (n == 0 || rel[n - 1] == '/'))
			continue;
		if (n + 1 >= size)
			return rt_fail(err, ENAMETOOLONG, "rootfs: %s target %s", what, target);
		rel[n++] = *p;
	}
	if (n > 0 && rel[n - 1] == '/')
		n--;
	rel[n] = '\0';
	if (n == 0)
		return rt_fail(err, 0, "rootfs: %s target %s: cannot cover the rootfs itself", what,
		               target);
	return 0;
}

int rootfs_open_target(int root_fd, const char *target, enum rootfs_target kind, const char *what,
                       struct rt_err *err)
{
	char rel[ENT_PATH_MAX];
	int fd;

	if (relative_path(rel, sizeof(rel), target, what, err) < 0)
		return -1;
	fd = open_beneath(root_fd, rel, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || kind == ROOTFS_TARGET_EXISTING)
		return target_fail(err, errno, what, target);
	if (kind == ROOTFS_TARGET_OPTIONAL)
		return ROOTFS_MISSING;
	if (make_path(root_fd, rel, kind == ROOTFS_TARGET_FILE ? S_IFREG : S_IFDIR, what, target,
	              err) < 0)
		return -1;
	fd = open_beneath(root_fd, rel, O_PATH);
	if (fd < 0)
		return target_fail(err, errno, what, target);
	return fd;
}

/*
 * Host paths are the caller's to choose, symlinks included; only /proc magic links are refused,
 * as "/dev/stdin" would otherwise bind whatever file descriptor 0 happens to be.
 */
int rootfs_open_source(const char *source, const char *what, struct rt_err *err)
{
	int fd = open_how(AT_FDCWD, source, O_PATH, RESOLVE_NO_MAGICLINKS);

	if (fd < 0) {
		rt_fail(err, errno, "rootfs: %s %s", what, source);
		if (err->errnum == ENOENT)
			rt_err_hint(err, "create %s on the host, or correct the path", source);
		else if (err->errnum == ELOOP)
			rt_err_hint(err, "/proc magic links such as /dev/stdin are not followed");
	}
	return fd;
}
