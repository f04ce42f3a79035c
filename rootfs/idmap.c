/*
 * rootfs/idmap.c - idmapped mounts for a container whose ids are a host range of its own
 * (mount_setattr(2) MOUNT_ATTR_IDMAP, open_tree(2), move_mount(2), mount_namespaces(7)).
 *
 * Container root is an unprivileged host uid (ns/idrange.h). It could not even reach a rootfs
 * below a directory only host root may enter, and would own nothing in it. So the parent, still
 * host root, clones the rootfs, each volume and each passed device as a detached mount
 * (open_tree with OPEN_TREE_CLONE) and gives it the child's user namespace as its idmapping: a
 * file owned by uid N on disk is owned by uid N inside the container, and what container root
 * writes lands on disk as host root's. The trees travel to the child over the sync channel
 * (SCM_RIGHTS); the child attaches them with move_mount and never looks the sources up itself.
 */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"
#include "rootfs/internal.h"

void rootfs_trees_init(struct rootfs_trees *t)
{
	t->root = -1;
	for (size_t i = 0; i < ARRAY_SIZE(t->mounts); i++)
		t->mounts[i] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(t->devices); i++)
		t->devices[i] = -1;
}

void rootfs_trees_close(struct rootfs_trees *t)
{
	closep(&t->root);
	for (size_t i = 0; i < ARRAY_SIZE(t->mounts); i++)
		closep(&t->mounts[i]);
	for (size_t i = 0; i < ARRAY_SIZE(t->devices); i++)
		closep(&t->devices[i]);
	rootfs_trees_init(t);
}

/* The filesystem type of the mount fd is on (its line in /proc/self/mountinfo), for messages. */
static const char *fstype_of(int fd, char *buf, size_t size)
{
	_cleanup_free_ char *info = read_text_file("/proc/self/mountinfo", 1 << 22);
	struct statx stx;
	const char *p = info;
	char line[1024];

	snprintf(buf, size, "this filesystem");
	if (!info || statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return buf;
	while (next_line(&p, line, sizeof(line)) > 0) {
		unsigned long long id;
		const char *sep = strstr(line, " - ");
		char type[64];

		if (sscanf(line, "%llu", &id) == 1 && id == stx.stx_mnt_id && sep &&
		    sscanf(sep + 3, "%63s", type) == 1) {
			snprintf(buf, size, "%s", type);
			break;
		}
	}
	return buf;
}

/* Give the detached tree the idmapping of userns_fd, and attrs. */
static int idmap_tree(int tree, int src_fd, unsigned attrs, int userns_fd, const char *path,
                      const char *what, struct rt_err *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | attrs,
		                   .userns_fd = (uint64_t)userns_fd };
	char type[64];
	int errnum;

	rt_trace("rootfs", "mount_setattr(\"%s\", AT_RECURSIVE, MOUNT_ATTR_IDMAP%s)", path,
	         attrs & MOUNT_ATTR_RDONLY ? "|MOUNT_ATTR_RDONLY" : "");
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	errnum = errno;
	if (errnum != EINVAL && errnum != EPERM && errnum != EOPNOTSUPP)
		return rt_fail(err, errnum, "rootfs: idmap the %s %s", what, path);
	rt_fail(err, 0, "rootfs: the kernel cannot idmap the %s %s (a %s mount)", what, path,
	        fstype_of(src_fd, type, sizeof(type)));
	rt_err_hint(err, "put it on a filesystem that supports idmapped mounts (ext4, xfs, btrfs, "
	                 "tmpfs, overlay, ...), or run ent-run as a regular user");
	return -1;
}

/*
 * A device node cannot be idmapped where it lives (devtmpfs refuses MOUNT_ATTR_IDMAP). The
 * container gets a private copy instead: a node of the same type, numbers, owner and mode on a
 * tmpfs of its own that no mount namespace shows (fsopen(2), fsmount(2), mknodat(2)), cloned
 * and idmapped like the rest, so container root is its owner as host root is the host node's.
 * What the node may reach is still the device cgroup's to decide.
 */
static int clone_device(const struct stat *st, unsigned attrs, int userns_fd, const char *path,
                        const char *what, struct rt_err *err)
{
	_cleanup_close_ int fs = -1;
	_cleanup_close_ int mnt = -1;
	_cleanup_close_ int tree = -1;

	rt_trace("rootfs", "fsopen(\"tmpfs\"), fsmount(), mknodat(\"%s\" %u:%u)", path,
	         major(st->st_rdev), minor(st->st_rdev));
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return rt_fail(err, errno, "rootfs: a tmpfs for the %s %s", what, path);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return rt_fail(err, errno, "rootfs: a tmpfs for the %s %s", what, path);
	if (mknodat(mnt, "node", st->st_mode & (S_IFMT | 0777), st->st_rdev) < 0 ||
	    fchownat(mnt, "node", st->st_uid, st->st_gid, 0) < 0 ||
	    fchmodat(mnt, "node", st->st_mode & 0777, 0) < 0)
		return rt_fail(err, errno, "rootfs: copy the %s %s", what, path);
	tree = open_tree(mnt, "node", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return rt_fail(err, errno, "rootfs: clone the %s %s (open_tree)", what, path);
	if (idmap_tree(tree, mnt, attrs, userns_fd, path, what, err) < 0)
		return -1;
	return steal_fd(&tree);
}

/*
 * Clone the host path (resolved by runtime/, pinned by device and inode) as a detached tree and
 * idmap it with userns_fd, adding attrs (MOUNT_ATTR_RDONLY, ...). Returns the tree's descriptor.
 */
static int clone_idmapped(const char *path, uint64_t dev, uint64_t ino, unsigned attrs,
                          int userns_fd, const char *what, struct rt_err *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int tree = -1;
	struct stat st;

	/* The file ent-run resolved, not one swapped in since (a symlink on the way, say). */
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 && errno != ELOOP)
		return rt_fail(err, errno, "rootfs: open the %s %s", what, path);
	if (fd < 0 || fstat(fd, &st) < 0 || (ino && (st.st_dev != dev || st.st_ino != ino)))
		return rt_fail(err, 0, "rootfs: %s %s changed while the container was set up", what,
		               path);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return clone_device(&st, attrs, userns_fd, path, what, err);
	rt_trace("rootfs", "open_tree(\"%s\", OPEN_TREE_CLONE|AT_RECURSIVE)", path);
	tree = open_tree(fd, "",
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return rt_fail(err, errno, "rootfs: clone the %s %s (open_tree)", what, path);
	if (idmap_tree(tree, fd, attrs, userns_fd, path, what, err) < 0)
		return -1;
	return steal_fd(&tree);
}

/* MS_* flags of a bind as mount_setattr attributes. */
static unsigned bind_attrs(unsigned long flags)
{
	return (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
	       (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
	       (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
	       (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
}

int rootfs_idmap_prepare(const struct rootfs_spec *spec, int userns_fd, struct rootfs_trees *t,
                         struct rt_err *err)
{
	if (spec->idmap) {
		/* nodev: container root owns what host root owns (see compile.c) */
		t->root = clone_idmapped(spec->root, spec->root_dev, spec->root_ino,
		                         MOUNT_ATTR_NODEV, userns_fd, "rootfs", err);
		if (t->root < 0)
			return -1;
	}
	for (unsigned i = 0; i < spec->n_mounts; i++) {
		const struct rootfs_mount *m = &spec->mounts[i];

		if (!m->idmap)
			continue;
		t->mounts[i] = clone_idmapped(m->source, m->source_dev, m->source_ino,
		                              bind_attrs(m->flags), userns_fd, "volume", err);
		if (t->mounts[i] < 0)
			return -1;
	}
	for (unsigned i = 0; i < spec->n_devices; i++) {
		if (!spec->devices[i].idmap)
			continue;
		/* A device node is read and written, never executed or set-uid. */
		t->devices[i] = clone_idmapped(spec->devices[i].path, 0, 0,
		                               MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, userns_fd,
		                               "device", err);
		if (t->devices[i] < 0)
			return -1;
	}
	return 0;
}

unsigned rootfs_trees_pack(const struct rootfs_trees *t, const struct rootfs_spec *spec, int *fds,
                           unsigned max)
{
	unsigned n = 0;

	if (spec->idmap && n < max)
		fds[n++] = t->root;
	for (unsigned i = 0; i < spec->n_mounts && n < max; i++) {
		if (spec->mounts[i].idmap)
			fds[n++] = t->mounts[i];
	}
	for (unsigned i = 0; i < spec->n_devices && n < max; i++) {
		if (spec->devices[i].idmap)
			fds[n++] = t->devices[i];
	}
	return n;
}

int rootfs_trees_unpack(struct rootfs_trees *t, const struct rootfs_spec *spec, const int *fds,
                        unsigned n, struct rt_err *err)
{
	unsigned k = 0;

	rootfs_trees_init(t);
	if (spec->idmap)
		t->root = k < n ? fds[k++] : -1;
	for (unsigned i = 0; i < spec->n_mounts; i++) {
		if (spec->mounts[i].idmap)
			t->mounts[i] = k < n ? fds[k++] : -1;
	}
	for (unsigned i = 0; i < spec->n_devices; i++) {
		if (spec->devices[i].idmap)
			t->devices[i] = k < n ? fds[k++] : -1;
	}
	if (k != n || rootfs_trees_count(spec) != n)
		return rt_fail(err, 0,
		               "rootfs: expected %u idmapped mounts from the parent, got %u",
		               rootfs_trees_count(spec), n);
	return 0;
}

unsigned rootfs_trees_count(const struct rootfs_spec *spec)
{
	unsigned n = spec->idmap;

	for (unsigned i = 0; i < spec->n_mounts; i++)
		n += spec->mounts[i].idmap;
	for (unsigned i = 0; i < spec->n_devices; i++)
		n += spec->devices[i].idmap;
	return n;
}
