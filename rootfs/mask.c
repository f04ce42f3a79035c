/*
 * rootfs/mask.c - hide kernel interfaces and make others read-only (mount(2) MS_BIND and
 * MS_REMOUNT, tmpfs(5), proc(5)).
 *
 * /proc and /sys expose host-wide information (/proc/kcore, /proc/keys) and controls
 * (/proc/sysrq-trigger, /proc/sys). A masked file gets the host's /dev/null bound over it (reads
 * are empty, writes vanish); a masked directory gets an empty read-only tmpfs. A read-only path
 * is bound onto itself, which makes it a mount of its own, and that mount is then remounted
 * read-only. Paths this kernel does not have are skipped, as runc does.
 *
 * The masked directories share one tmpfs: the first gets a new instance, the others a bind of
 * its root, which keeps its flags (read-only, nosuid, nodev, noexec). Being read-only, it stays
 * empty for all of them alike. One file system instead of seven (the default plan's) is six
 * superblocks fewer to make at the start and to tear down with the mount namespace at the end.
 */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

/* Flags of the tmpfs over a masked directory: read-only, so it stays empty. */
#define MASK_DIR_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* The empty tmpfs over a masked directory: the first one's root, bound over the others. */
struct empty_dir {
	int fd;           /* O_PATH of the first one's root, or -1 before it is made */
	const char *path; /* where it was made */
};

static int mask_dir(int root_fd, int fd, const char *path, struct empty_dir *empty,
                    struct rt_err *err)
{
	char src[ROOTFS_FD_PATH_MAX], dst[ROOTFS_FD_PATH_MAX], names[ROOTFS_FLAGS_MAX];

	if (empty->fd >= 0) {
		rt_trace("rootfs", "mount(\"%s\", \"%s\", NULL, MS_BIND)  [the empty tmpfs]",
		         empty->path, path);
		if (mount(rootfs_fd_path(empty->fd, src), rootfs_fd_path(fd, dst), NULL, MS_BIND,
		          NULL) < 0)
			return rt_fail(err, errno, "rootfs: mask %s with the empty tmpfs of %s",
			               path, empty->path);
		return 0;
	}
	rt_trace("rootfs", "mount(\"tmpfs\", \"%s\", \"tmpfs\", %s)", path,
	         ent_mount_flag_names(MASK_DIR_FLAGS, names, sizeof(names)));
	if (mount("tmpfs", rootfs_fd_path(fd, dst), "tmpfs", MASK_DIR_FLAGS, NULL) < 0)
		return rt_fail(err, errno, "rootfs: mask %s with an empty tmpfs", path);
	/* fd is the directory under the new mount; the others get the mount's own root. */
	empty->fd = rootfs_open_target(root_fd, path, ROOTFS_TARGET_EXISTING, "masked path", err);
	empty->path = path;
	return empty->fd < 0 ? -1 : 0;
}

static int mask_path(int root_fd, int null_fd, const char *path, struct empty_dir *empty,
                     struct rt_err *err)
{
	char src[ROOTFS_FD_PATH_MAX], dst[ROOTFS_FD_PATH_MAX];
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = rootfs_open_target(root_fd, path, ROOTFS_TARGET_OPTIONAL, "masked path", err);
	if (fd == ROOTFS_MISSING) {
		rt_trace("rootfs", "mask %s: not on this kernel, skipped", path);
		return 0;
	}
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return rt_fail(err, errno, "rootfs: masked path %s", path);
	if (S_ISDIR(st.st_mode))
		return mask_dir(root_fd, fd, path, empty, err);
	rt_trace("rootfs", "mount(\"/dev/null\", \"%s\", NULL, MS_BIND)", path);
	if (mount(rootfs_fd_path(null_fd, src), rootfs_fd_path(fd, dst), NULL, MS_BIND, NULL) < 0)
		return rt_fail(err, errno, "rootfs: mask %s with /dev/null", path);
	return 0;
}

int rootfs_mask_paths(int root_fd, const struct rootfs_spec *spec, struct rt_err *err)
{
	struct empty_dir empty = { .fd = -1 };
	_cleanup_close_ int null_fd = -1;
	int r = 0;

	if (spec->n_masked == 0)
		return 0;
	/* The host's /dev/null: a real device, unlike anything a user namespace could create. */
	null_fd = rootfs_open_source("/dev/null", "mask source", err);
	if (null_fd < 0)
		return -1;
	for (unsigned i = 0; i < spec->n_masked && r == 0; i++)
		r = mask_path(root_fd, null_fd, spec->masked[i].path, &empty, err);
	if (empty.fd >= 0)
		close(empty.fd);
	return r;
}

static int readonly_path(int root_fd, const char *path, struct rt_err *err)
{
	char self[ROOTFS_FD_PATH_MAX];
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int top_fd = -1;

	fd = rootfs_open_target(root_fd, path, ROOTFS_TARGET_OPTIONAL, "read-only path", err);
	if (fd == ROOTFS_MISSING) {
		rt_trace("rootfs", "read-only %s: not on this kernel, skipped", path);
		return 0;
	}
	if (fd < 0)
		return -1;
	/* Recursive, so that masks already below the path stay in the copy. */
	rt_trace("rootfs", "mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC)", path, path);
	rootfs_fd_path(fd, self);
	if (mount(self, self, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rt_fail(err, errno, "rootfs: bind read-only path %s on itself", path);
	/* fd is the path under the new mount; the remount needs the mount's own root. */
	top_fd = rootfs_open_target(root_fd, path, ROOTFS_TARGET_EXISTING, "read-only path", err);
	if (top_fd < 0)
		return -1;
	return rootfs_remount(top_fd, path, MS_RDONLY, true, err);
}

int rootfs_readonly_paths(int root_fd, const struct rootfs_spec *spec, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_readonly; i++) {
		if (readonly_path(root_fd, spec->readonly_paths[i].path, err) < 0)
			return -1;
	}
	return 0;
}
