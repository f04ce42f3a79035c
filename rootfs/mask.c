/*
 * rootfs/mask.c - hide kernel interfaces and make others read-only (open_tree(2) and
 * move_mount(2) for the binds, mount_setattr(2), tmpfs(5), proc(5), fsopen(2), fsmount(2)).
 *
 * /proc and /sys expose host-wide information (/proc/kcore, /proc/keys) and controls
 * (/proc/sysrq-trigger, /proc/sys). A masked file gets the host's /dev/null bound over it (reads
 * are empty, writes vanish); a masked directory gets an empty read-only tmpfs. A read-only path
 * is bound onto itself, a mount of its own made read-only (with the mounts below it) before it
 * is attached. Paths this kernel does not have are skipped, as runc does.
 *
 * The masked directories share one tmpfs. It is made detached (fsopen, fsmount), read-only
 * (its superblock and its mount), nosuid, nodev and noexec, and moved over the first of them;
 * the others get a bind of it, which keeps those flags. Being read-only, it stays empty for
 * all of them alike. One file system instead of seven (the default plan's) is six superblocks
 * fewer to make at the start and to tear down with the mount namespace at the end. The bind
 * source is the descriptor fsmount returned, never a path looked up again: nothing can swap
 * another directory in between.
 */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

/* The flags of the empty tmpfs over masked directories: read-only, so it stays empty. */
#define MASK_DIR_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* The empty tmpfs, detached, with MASK_DIR_FLAGS; returns its mount's descriptor. */
static int make_empty_tmpfs(const char *path, struct rt_err *err)
{
	char names[ROOTFS_FLAGS_MAX];
	unsigned attrs = (unsigned)rootfs_mount_attrs(MASK_DIR_FLAGS, names, sizeof(names));
	_cleanup_close_ int fs = -1;
	int mnt;

	rt_trace("rootfs", "fsopen(\"tmpfs\")  [the empty tmpfs of masked directories]");
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return rt_fail(err, errno, "rootfs: mask %s: fsopen(\"tmpfs\")", path);
	rt_trace("rootfs", "fsconfig(tmpfs, FSCONFIG_SET_FLAG, \"ro\")");
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
		return rt_fail(err, errno, "rootfs: mask %s: fsconfig(tmpfs, \"ro\")", path);
	rt_trace("rootfs", "fsconfig(tmpfs, FSCONFIG_CMD_CREATE)");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return rt_fail(err, errno, "rootfs: mask %s: fsconfig(tmpfs, FSCONFIG_CMD_CREATE)",
		               path);
	rt_trace("rootfs", "fsmount(tmpfs, %s)", names);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return rt_fail(err, errno, "rootfs: mask %s: fsmount the empty tmpfs (%s)", path,
		               names);
	return mnt;
}

/* The empty tmpfs over the masked directory fd (path): *empty is made at the first. */
static int mask_dir(int fd, const char *path, int *empty, struct rt_err *err)
{
	if (*empty >= 0) {
		if (rootfs_bind_fd(*empty, "<the empty tmpfs>", fd, path, false, 0) < 0)
			return rt_fail(err, errno, "rootfs: mask %s with the empty tmpfs", path);
		return 0;
	}
	*empty = make_empty_tmpfs(path, err);
	if (*empty < 0)
		return -1;
	rt_trace("rootfs", "move_mount(<the empty tmpfs>, \"%s\")", path);
	if (move_mount(*empty, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return rt_fail(err, errno, "rootfs: mask %s with an empty tmpfs", path);
	return 0;
}

static int mask_path(int root_fd, int null_fd, const char *path, int *empty, struct rt_err *err)
{
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
		return mask_dir(fd, path, empty, err);
	if (rootfs_bind_fd(null_fd, "/dev/null", fd, path, false, 0) < 0)
		return rt_fail(err, errno, "rootfs: mask %s with /dev/null", path);
	return 0;
}

int rootfs_mask_paths(int root_fd, const struct rootfs_spec *spec, struct rt_err *err)
{
	_cleanup_close_ int null_fd = -1;
	_cleanup_close_ int empty = -1;

	if (spec->n_masked == 0)
		return 0;
	/* The host's /dev/null: a real device, unlike anything a user namespace could create. */
	null_fd = rootfs_open_source("/dev/null", "mask source", err);
	if (null_fd < 0)
		return -1;
	for (unsigned i = 0; i < spec->n_masked; i++) {
		if (mask_path(root_fd, null_fd, spec->masked[i].path, &empty, err) < 0)
			return -1;
	}
	return 0;
}

static int readonly_path(int root_fd, const char *path, struct rt_err *err)
{
	_cleanup_close_ int fd = -1;

	fd = rootfs_open_target(root_fd, path, ROOTFS_TARGET_OPTIONAL, "read-only path", err);
	if (fd == ROOTFS_MISSING) {
		rt_trace("rootfs", "read-only %s: not on this kernel, skipped", path);
		return 0;
	}
	if (fd < 0)
		return -1;
	/* Recursive, so that masks already below the path stay in the copy, read-only too. */
	if (rootfs_bind_fd(fd, path, fd, path, true, MS_RDONLY) == 0)
		return 0;
	rt_fail(err, errno, "rootfs: bind read-only path %s on itself", path);
	rootfs_bind_hint(err);
	return -1;
}

int rootfs_readonly_paths(int root_fd, const struct rootfs_spec *spec, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_readonly; i++) {
		if (readonly_path(root_fd, spec->readonly_paths[i].path, err) < 0)
			return -1;
	}
	return 0;
}
