/*
 * rootfs/dev.c - the container's /dev: host device nodes bound into the plan's tmpfs, and the
 * standard links (open_tree(2) and move_mount(2) for the binds, symlinkat(2), devpts(5) for
 * /dev/pts/ptmx).
 *
 * A user namespace may not mknod(2) a device, and a device node on a filesystem mounted inside
 * one (our /dev tmpfs) cannot be opened anyway (the superblock is "nodev" for its owner). So
 * each device is the host's own node, bound from the host's /dev onto an empty file. All of
 * this happens before pivot_root(2), while the host's /dev is still reachable by its path; the
 * node is opened O_PATH and checked to be a device before it is bound.
 */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

struct dev_link {
	const char *name;   /* in /dev */
	const char *target; /* what it points to */
};

/* clang-format off */
/* The links every container's /dev has (as in runc and crun). */
static const struct dev_link dev_links[] = {
	{ "ptmx",   "pts/ptmx" },        /* the ptmx of our own devpts instance (newinstance) */
	{ "fd",     "/proc/self/fd" },
	{ "stdin",  "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
	{ "core",   "/proc/kcore" },     /* masked: /dev/null is bound over /proc/kcore */
};
/* clang-format on */

static int bind_device(int root_fd, const struct rootfs_device *dev, struct rt_err *err)
{
	struct rootfs_bind_req req = {
		.source = dev->path,
		.target = dev->path, /* same path inside as on the host */
		/*
		 * A device node is read and written, never executed or set-uid: a node passed in
		 * (listed in the spec) says so with nosuid and noexec. The minimal /dev's six nodes
		 * skip those flags, a mount_setattr call each per start: execve(2) refuses anything
		 * but a regular file whatever the flags, set-id bits act only through execve, and
		 * what noexec would still forbid (an executable mapping of /dev/zero) anonymous
		 * memory allows anyway. They keep the flags of the host's /dev mount.
		 */
		.flags = strcmp(dev->why, "default") ? MS_NOSUID | MS_NOEXEC : 0,
		.create_file = true,
		.what = "device",
	};
	_cleanup_close_ int src_fd = rootfs_open_source(dev->path, "device", err);
	struct stat st;

	if (src_fd < 0) {
		if (err->errnum == ENOENT)
			rt_err_hint(err, "the host has no %s (is its driver loaded?)", dev->path);
		return -1;
	}
	if (fstat(src_fd, &st) < 0)
		return rt_fail(err, errno, "rootfs: device %s", dev->path);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return rt_fail(err, 0, "rootfs: device %s: not a device node on the host",
		               dev->path);
	req.src_fd = src_fd;
	return rootfs_bind(root_fd, &req, err);
}

/*
 * A node made with mknod(2) (OCI linux.devices, when the container's root is host root: no user
 * namespace may make one). Whatever is at the path goes first; the mode is set after, as mknod
 * applies the umask.
 */
static int make_device(int root_fd, const struct rootfs_device *dev, struct rt_err *err)
{
	const char *slash = strrchr(dev->path, '/');
	mode_t type = dev->type == 'b' ? S_IFBLK : dev->type == 'p' ? S_IFIFO : S_IFCHR;
	_cleanup_close_ int dir_fd = -1;
	char dir[ENT_PATH_MAX];
	const char *name;

	if (!slash || slash == dev->path || !slash[1])
		return rt_fail(err, 0, "rootfs: device %s: not a path below a directory",
		               dev->path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - dev->path), dev->path);
	name = slash + 1;
	dir_fd = rootfs_open_target(root_fd, dir, ROOTFS_TARGET_DIR, "device", err);
	if (dir_fd < 0)
		return -1;
	rt_trace("rootfs", "mknodat(\"%s\", %c %u:%u, %04o)  [%s]", dev->path, dev->type,
	         dev->major, dev->minor, dev->mode, dev->why);
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return rt_fail(err, errno, "rootfs: device %s: remove what is there", dev->path);
	if (mknodat(dir_fd, name, type | (dev->mode & 07777), makedev(dev->major, dev->minor)) < 0)
		return rt_fail(err, errno, "rootfs: mknod %s (%c %u:%u)", dev->path, dev->type,
		               dev->major, dev->minor);
	if (fchownat(dir_fd, name, dev->uid, dev->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dir_fd, name, dev->mode & 07777, 0) < 0)
		return rt_fail(err, errno, "rootfs: device %s: owner and mode", dev->path);
	return 0;
}

/* Links made by name in the container's /dev; an entry already there is kept. */
static int make_links(int root_fd, struct rt_err *err)
{
	_cleanup_close_ int dev_fd = -1;

	dev_fd = rootfs_open_target(root_fd, "/dev", ROOTFS_TARGET_DIR, "/dev", err);
	if (dev_fd < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		const struct dev_link *l = &dev_links[i];

		rt_trace("rootfs", "symlinkat(\"%s\", \"/dev/%s\")", l->target, l->name);
		if (symlinkat(l->target, dev_fd, l->name) < 0 && errno != EEXIST)
			return rt_fail(err, errno, "rootfs: link /dev/%s -> %s", l->name,
			               l->target);
	}
	return 0;
}

int rootfs_populate_dev(int root_fd, const struct rootfs_spec *spec,
                        const struct rootfs_trees *trees, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_devices; i++) {
		const struct rootfs_device *dev = &spec->devices[i];
		int r;

		if (trees && trees->devices[i] >= 0)
			r = rootfs_attach_tree(root_fd, trees->devices[i], dev->path, true,
			                       "device", err);
		else if (dev->mknod)
			r = make_device(root_fd, dev, err);
		else
			r = bind_device(root_fd, dev, err);
		if (r < 0)
			return -1;
	}
	return make_links(root_fd, err);
}
