/*
 * rootfs/overlay.c - --ephemeral: the rootfs as the read-only lower layer of an overlay whose
 * upper layer lives on a tmpfs made for this container (Documentation/filesystems/overlayfs.rst,
 * tmpfs(5), fsopen(2), fsconfig(2), fsmount(2), move_mount(2)).
 *
 * overlayfs merges directory trees: reads come from the lower layer until a file is written;
 * then it is copied up into the upper layer and changed there. A deleted lower file is hidden
 * by a "whiteout" (a 0:0 character device) in the upper layer, a replaced directory marked
 * opaque by an extended attribute. So every write, append or delete the container makes lands
 * in the upper layer, here a tmpfs of the plan's size (a write beyond fails with ENOSPC), and
 * the rootfs directory is never written. The tmpfs belongs to the container's mount namespace
 * only: when the last process of the container exits, the kernel frees it, and the writes are
 * gone.
 *
 * Where it is assembled: here, in the child, inside the container's user namespace, for a
 * container started by root and a rootless one alike. Not in the parent, although the parent
 * prepares the idmapped rootfs with the same mount API, because overlayfs does every operation
 * on its layers (copy-up, whiteouts, xattrs) with the credentials of whoever mounted it: an
 * overlay the parent made would do the container's writes as host root, and a bug in it or a
 * trick on it would reach as far as host root does. Mounted here, it runs with container root's
 * credentials, which reach nothing container root could not reach itself. The kernel allows it:
 * overlayfs may be mounted in a user namespace (Linux 5.11), over an idmapped lower layer (5.19);
 * its metadata then goes into "user.overlay.*" xattrs ("userxattr"), which tmpfs keeps since
 * Linux 6.6. Rootless, the lower layer is the caller's own rootfs, bound as before; started by
 * root, it is the idmapped tree the parent sent, attached first, so that its files keep their
 * owners through the overlay.
 *
 * The layers are named to the kernel as /proc/self/fd/N, the descriptor's own mount and
 * directory, never a path looked up again. Both layer mounts are attached while the overlay is
 * made (before Linux 6.15 overlayfs takes no detached mount as a layer), then detached: the
 * overlay keeps private clones of them, and is itself attached on top of "/" for pivot_root.
 */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

/*
 * The kernel's own words on a refused filesystem configuration: fsconfig(2) logs them on the
 * context descriptor ("e overlayfs: upper fs does not support tmpfile."). Adds the last one to
 * err as a hint; err is already filled.
 */
static void hint_from_log(int fs, struct rt_err *err)
{
	char line[256], last[256] = "";
	ssize_t n;

	while ((n = read(fs, line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		snprintf(last, sizeof(last), "%s", n > 2 && line[1] == ' ' ? line + 2 : line);
	}
	if (last[0])
		rt_err_hint(err, "the kernel says: %s", last);
}

/* One fsconfig(2) string; on failure err names the option, with the kernel's reason. */
static int set_string(int fs, const char *fstype, const char *key, const char *value,
                      struct rt_err *err)
{
	rt_trace("rootfs", "fsconfig(%s, FSCONFIG_SET_STRING, \"%s\", \"%s\")", fstype, key, value);
	if (fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0) == 0)
		return 0;
	rt_fail(err, errno, "rootfs: --ephemeral: %s option %s=%s", fstype, key, value);
	hint_from_log(fs, err);
	return -1;
}

/* Create the superblock and mount it detached, with attrs; returns the mount's descriptor. */
static int create_mount(int fs, const char *fstype, unsigned attrs, struct rt_err *err)
{
	int mnt;

	rt_trace("rootfs", "fsconfig(%s, FSCONFIG_CMD_CREATE), fsmount()", fstype);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		rt_fail(err, errno, "rootfs: --ephemeral: create the %s", fstype);
		hint_from_log(fs, err);
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: mount the %s", fstype);
	return mnt;
}

/*
 * The tmpfs of the upper layer, with "upper" and "work" in it (overlayfs needs an empty work
 * directory on the same filesystem for its atomic renames). The overlay's root directory
 * takes its owner and mode from the upper one: they are the lower root's. Returns the tmpfs
 * mount, detached; *upper and *work are O_PATH descriptors of the two directories.
 */
static int make_upper(const struct rootfs_overlay *eph, const struct stat *root, int *upper,
                      int *work, struct rt_err *err)
{
	_cleanup_close_ int fs = -1;
	_cleanup_close_ int mnt = -1;
	char size[32];

	rt_trace("rootfs", "fsopen(\"tmpfs\")  [--ephemeral upper layer]");
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: fsopen(\"tmpfs\")");
	snprintf(size, sizeof(size), "%" PRId64, eph->size_bytes);
	if (set_string(fs, "tmpfs", "size", size, err) < 0 ||
	    set_string(fs, "tmpfs", "mode", "0700", err) < 0)
		return -1;
	mnt = create_mount(fs, "tmpfs", MOUNT_ATTR_NODEV, err);
	if (mnt < 0)
		return -1;
	rt_trace("rootfs", "mkdirat(tmpfs, \"upper\", 0%o), mkdirat(tmpfs, \"work\")",
	         root->st_mode & 07777);
	if (mkdirat(mnt, "upper", 0700) < 0 || mkdirat(mnt, "work", 0700) < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: directories on the tmpfs");
	/* An owner outside our id map cannot be given (EINVAL): the root then stays ours. */
	if (fchownat(mnt, "upper", root->st_uid, root->st_gid, 0) < 0 && errno != EINVAL)
		return rt_fail(err, errno, "rootfs: --ephemeral: chown the upper layer");
	if (fchmodat(mnt, "upper", root->st_mode & 07777, 0) < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: chmod the upper layer");
	*upper = openat(mnt, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
	*work = openat(mnt, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*upper < 0 || *work < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: open the upper layer");
	return steal_fd(&mnt);
}

/* Stack the detached mount mnt on top of whatever is mounted at the lower root. */
static int stack_on(int mnt, int lower_fd, const char *what, struct rt_err *err)
{
	rt_trace("rootfs", "move_mount(%s, rootfs)  [stacked on the rootfs]", what);
	if (move_mount(mnt, "", lower_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return rt_fail(err, errno, "rootfs: --ephemeral: attach the %s", what);
	return 0;
}

/* The overlay of lower_fd (read-only) under upper and work; returns its mount, detached. */
static int make_overlay(int lower_fd, int upper, int work, struct rt_err *err)
{
	char lower_path[ROOTFS_FD_PATH_MAX], upper_path[ROOTFS_FD_PATH_MAX];
	char work_path[ROOTFS_FD_PATH_MAX];
	_cleanup_close_ int fs = -1;

	rt_trace("rootfs", "fsopen(\"overlay\")");
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0) {
		rt_fail(err, errno, "rootfs: --ephemeral: fsopen(\"overlay\")");
		if (err->errnum == ENODEV)
			rt_err_hint(err, "this kernel lacks overlayfs (modprobe overlay)");
		return -1;
	}
	if (set_string(fs, "overlay", "lowerdir", rootfs_fd_path(lower_fd, lower_path), err) < 0 ||
	    set_string(fs, "overlay", "upperdir", rootfs_fd_path(upper, upper_path), err) < 0 ||
	    set_string(fs, "overlay", "workdir", rootfs_fd_path(work, work_path), err) < 0)
		return -1;
	/* Its metadata in user.overlay.* xattrs: trusted.* is host root's alone. */
	rt_trace("rootfs", "fsconfig(overlay, FSCONFIG_SET_FLAG, \"userxattr\")");
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) {
		rt_fail(err, errno, "rootfs: --ephemeral: overlay option userxattr");
		hint_from_log(fs, err);
		return -1;
	}
	return create_mount(fs, "overlay", MOUNT_ATTR_NODEV, err);
}

/*
 * A layer's own mount, once the overlay holds its private clone: detached (it is the topmost
 * mount there, which is what umount2 reaches through the descriptor's path).
 */
static int detach(int fd, const char *what, struct rt_err *err)
{
	char path[ROOTFS_FD_PATH_MAX];

	rt_trace("rootfs", "umount2(%s, MNT_DETACH)", what);
	if (umount2(rootfs_fd_path(fd, path), MNT_DETACH) < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: detach the %s", what);
	return 0;
}

int rootfs_overlay_attach(int lower_fd, const struct rootfs_spec *spec, struct rt_err *err)
{
	_cleanup_close_ int tmpfs = -1;
	_cleanup_close_ int upper = -1;
	_cleanup_close_ int work = -1;
	_cleanup_close_ int ovl = -1;
	struct stat root;

	if (fstat(lower_fd, &root) < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: stat the rootfs %s", spec->root);
	tmpfs = make_upper(&spec->ephemeral, &root, &upper, &work, err);
	if (tmpfs < 0 || stack_on(tmpfs, lower_fd, "upper layer's tmpfs", err) < 0)
		return -1;
	ovl = make_overlay(lower_fd, upper, work, err);
	if (ovl < 0)
		return -1;
	/*
	 * The overlay holds private clones of its layers: their own mounts go now, top first.
	 * Left stacked on the host's "/", pivot_root would put the old root below them, and
	 * detaching the old root afterwards would reach only the topmost of them.
	 */
	if (detach(tmpfs, "upper layer's tmpfs", err) < 0 || detach(lower_fd, "rootfs", err) < 0)
		return -1;
	/* On top of "/", as the idmapped rootfs is without --ephemeral (rootfs.c attach_root). */
	rt_trace("rootfs", "move_mount(overlay, \"/\")");
	if (move_mount(ovl, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return rt_fail(err, errno, "rootfs: --ephemeral: attach the overlay");
	return steal_fd(&ovl);
}
