/*
 * rootfs/rootfs.c - build the container's mount tree and switch to it, in one straight line
 * (mount_namespaces(7), mount(2), pivot_root(2), umount2(2)).
 *
 * Everything is mounted while the host's "/" is still our root, so host sources (volumes,
 * device nodes, /dev/null for masks) are reached by their host paths and targets through
 * descriptors opened beneath the new root. pivot_root comes last: it makes the new root "/"
 * and the old root is detached, leaving no path back to the host's file system.
 */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "rootfs/internal.h"

/* Does the plan ask for a slave anywhere (the root, a mount)? */
static bool wants_slave(const struct rootfs_spec *spec)
{
	if (spec->propagation & MS_SLAVE)
		return true;
	for (unsigned i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].propagation & MS_SLAVE)
			return true;
	return false;
}

/*
 * Mount namespace: make every mount private first. Otherwise our mounts would propagate back
 * to the host, where / is usually shared (mount_namespaces(7)). A plan that asks for a slave
 * (OCI "rslave") makes them slaves instead: the host's mount events still reach the container,
 * never the other way.
 */
static int make_private(const struct rootfs_spec *spec, struct rt_err *err)
{
	unsigned long flags = MS_REC | (wants_slave(spec) ? MS_SLAVE : MS_PRIVATE);

	rt_trace("rootfs", "mount(NULL, \"/\", NULL, MS_REC|%s)",
	         flags & MS_SLAVE ? "MS_SLAVE" : "MS_PRIVATE");
	if (mount(NULL, "/", NULL, flags, NULL) < 0) {
		rt_fail(err, errno, "rootfs: make / %s", flags & MS_SLAVE ? "a slave" : "private");
		if (err->errnum == EPERM || err->errnum == EINVAL)
			rt_err_hint(err, "rootfs_build runs in a new mount namespace owned by our "
			                 "user namespace");
		return -1;
	}
	return 0;
}

/* Is fd the directory ent-run resolved (spec->root_dev/root_ino; 0 = unchecked)? */
static bool same_root(int fd, const struct rootfs_spec *spec)
{
	struct stat st;

	return !spec->root_ino ||
	       (fstat(fd, &st) == 0 && st.st_dev == spec->root_dev && st.st_ino == spec->root_ino);
}

/*
 * pivot_root(2) needs the new root to be a mount point: bind the rootfs directory onto itself
 * (recursively, keeping mounts inside it). The directory is opened first, without following
 * any symlink, checked to be the one ent-run resolved, and bound through that descriptor as
 * both source and target, so no path is looked up twice. Returns an O_PATH descriptor of the
 * new mount's root, which every later step resolves its targets beneath.
 */
static int bind_root(const struct rootfs_spec *spec, struct rt_err *err)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		                .resolve = RESOLVE_NO_SYMLINKS };
	const char *root = spec->root;
	_cleanup_close_ int dir = -1;
	char self[40];
	int fd;

	if (!root || root[0] != '/')
		return rt_fail(err, 0, "rootfs: %s: the rootfs must be an absolute path", root);
	dir = (int)syscall(SYS_openat2, AT_FDCWD, root, &how, sizeof(how));
	if (dir < 0 || !same_root(dir, spec)) {
		if (dir < 0 && errno != ELOOP) {
			rt_fail(err, errno, "rootfs: open the rootfs %s", root);
			if (err->errnum == ENOENT || err->errnum == ENOTDIR)
				rt_err_hint(err,
				            "ROOTFS must be a directory holding the container's "
				            "files");
			return -1;
		}
		return rt_fail(err, 0, "rootfs: %s changed while the container was set up", root);
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", dir);
	rt_trace("rootfs", "mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC)", root, root);
	if (mount(self, self, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rt_fail(err, errno, "rootfs: bind the rootfs %s on itself", root);
	/* Opened again: only a path lookup crosses into the mount now on top of the directory. */
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rt_fail(err, errno, "rootfs: open the rootfs %s", root);
	if (!same_root(fd, spec)) {
		close(fd);
		return rt_fail(err, 0, "rootfs: %s changed while the container was set up", root);
	}
	return fd;
}

/*
 * The idmapped rootfs the parent made: a detached mount, attached here on top of "/". Path
 * lookups in this process still start from the old root below it (the kernel does not follow a
 * mount stacked on a process's own root), so host paths keep meaning the host's until
 * pivot_root; the new mount is reached through its descriptor, and pivot_root makes it "/".
 * Returns a descriptor of the new root (the caller's tree stays the caller's).
 */
static int attach_root(const struct rootfs_spec *spec, int tree, struct rt_err *err)
{
	int fd;

	rt_trace("rootfs", "move_mount(rootfs tree, \"/\")  [idmapped %s]", spec->root);
	if (move_mount(tree, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return rt_fail(err, errno, "rootfs: attach the idmapped rootfs %s", spec->root);
	fd = fcntl(tree, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return rt_fail(err, errno, "rootfs: keep the rootfs descriptor");
	return fd;
}

static int apply_mounts(int root_fd, const struct rootfs_spec *spec,
                        const struct rootfs_trees *trees, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_mounts; i++) {
		if (rootfs_apply_mount(root_fd, &spec->mounts[i], trees ? trees->mounts[i] : -1,
		                       err) < 0)
			return -1;
	}
	return 0;
}

/*
 * pivot_root(".", "."): with the new root as working directory, the old root is stacked on top
 * of it at "."; umount2(".", MNT_DETACH) then takes the old root away (lazily, as it is still
 * busy), and nothing of the host's file system stays reachable (pivot_root(2), NOTES).
 */
static int switch_root(int root_fd, struct rt_err *err)
{
	rt_trace("rootfs", "fchdir(rootfs)");
	if (fchdir(root_fd) < 0)
		return rt_fail(err, errno, "rootfs: chdir to the rootfs");
	rt_trace("rootfs", "pivot_root(\".\", \".\")");
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		rt_fail(err, errno, "rootfs: pivot_root");
		if (err->errnum == EINVAL)
			rt_err_hint(err, "the host's / must be a real mount (not the initramfs "
			                 "rootfs) and the rootfs must not be shared");
		return -1;
	}
	rt_trace("rootfs", "umount2(\".\", MNT_DETACH)");
	if (umount2(".", MNT_DETACH) < 0)
		return rt_fail(err, errno, "rootfs: detach the old root");
	rt_trace("rootfs", "chdir(\"/\")");
	if (chdir("/") < 0)
		return rt_fail(err, errno, "rootfs: chdir to /");
	return 0;
}

/*
 * --no-pivot: for a host whose "/" is a ramdisk (rootfs, initramfs), which pivot_root(2)
 * refuses. The rootfs mount is moved on top of "/" (MS_MOVE) and chroot(2) makes it the root.
 * Weaker than pivot_root: the host's mounts stay in the mount namespace, under the moved one.
 */
static int move_root(int root_fd, struct rt_err *err)
{
	rt_trace("rootfs", "fchdir(rootfs)");
	if (fchdir(root_fd) < 0)
		return rt_fail(err, errno, "rootfs: chdir to the rootfs");
	rt_trace("rootfs", "mount(\".\", \"/\", NULL, MS_MOVE)  [--no-pivot]");
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return rt_fail(err, errno, "rootfs: move the rootfs onto / (--no-pivot)");
	rt_trace("rootfs", "chroot(\".\"), chdir(\"/\")");
	if (chroot(".") < 0)
		return rt_fail(err, errno, "rootfs: chroot (--no-pivot)");
	if (chdir("/") < 0)
		return rt_fail(err, errno, "rootfs: chdir to /");
	return 0;
}

int rootfs_build(const struct rootfs_spec *spec, const struct rootfs_trees *trees,
                 struct rt_err *err)
{
	_cleanup_close_ int root_fd = -1;

	if (make_private(spec, err) < 0)
		return -1;
	if (trees && trees->root >= 0)
		root_fd = attach_root(spec, trees->root, err);
	else
		root_fd = bind_root(spec, err);
	if (root_fd < 0)
		return -1;
	/*
	 * --ephemeral: from here on the root is the overlay, so mount points the plan needs are
	 * made in its upper layer, never in the rootfs. Without an upper layer
	 * (security.fs=read-only) the rootfs turns read-only before anything could be made in it:
	 * a mount point it lacks is then an error (EROFS), not a write.
	 */
	if (spec->ephemeral.upper) {
		int ovl = rootfs_overlay_attach(root_fd, spec, err);

		if (ovl < 0)
			return -1;
		close(root_fd);
		root_fd = ovl;
	} else if (spec->ephemeral.enabled && rootfs_remount(root_fd, "/", MS_RDONLY, err) < 0) {
		return -1;
	}
	/*
	 * The plan's mounts in order: proc, /dev (a tmpfs, or with host.devices.access=admin a
	 * bind of the host's), devpts, sysfs, ..., then volumes and tmpfs.
	 */
	if (apply_mounts(root_fd, spec, trees, err) < 0)
		return -1;
	/* Device nodes go into the /dev tmpfs mounted above. */
	if (!spec->host_dev && rootfs_populate_dev(root_fd, spec, trees, err) < 0)
		return -1;
	/* Masks before read-only paths: a recursive read-only bind then keeps the masks below it.
	 */
	if (rootfs_mask_paths(root_fd, spec, err) < 0)
		return -1;
	if (rootfs_readonly_paths(root_fd, spec, err) < 0)
		return -1;
	/*
	 * security.fs=read-only: the root mount becomes read-only after every mount point was
	 * created in it. Per mount, so /proc, /dev, /tmp and volumes keep their own flags.
	 */
	if (spec->readonly && rootfs_remount(root_fd, "/", MS_RDONLY, err) < 0)
		return -1;
	return steal_fd(&root_fd);
}

int rootfs_switch(const struct rootfs_spec *spec, int root_fd, struct rt_err *err)
{
	_cleanup_close_ int fd = root_fd;

	if ((spec->no_pivot ? move_root(fd, err) : switch_root(fd, err)) < 0)
		return -1;
	/* OCI linux.rootfsPropagation, on the new "/" (pivot_root refuses a shared new root). */
	if (spec->propagation) {
		char names[ROOTFS_FLAGS_MAX];

		rt_trace("rootfs", "mount(NULL, \"/\", NULL, %s)",
		         ent_mount_flag_names(spec->propagation, names, sizeof(names)));
		if (mount(NULL, "/", NULL, spec->propagation, NULL) < 0)
			return rt_fail(err, errno, "rootfs: set the propagation of / (%s)", names);
	}
	return 0;
}
