/*
 * rootfs/mount.c - apply one mount of the plan: a bind mount from the host or a new filesystem
 * instance, and read-only remounts (mount(2), open_tree(2), move_mount(2), mount_setattr(2),
 * mount_namespaces(7), statvfs(3)).
 *
 * A bind mount is a clone of the source's mount (open_tree(2) OPEN_TREE_CLONE, with
 * AT_RECURSIVE what is mounted below it too), given its per-mount flags (read-only, nosuid,
 * nodev, noexec) while it is still detached (mount_setattr(2)), then attached at the target
 * (move_mount(2)), all by descriptor. mount(2) MS_BIND would take source and target as
 * /proc/self/fd/N paths, two walks through procfs and its magic links per bind (~1.7 µs of its
 * ~4.6 µs on the machine of docs/PERFORMANCE.md, where a default start makes 25 binds), and the
 * flags would need a remount of the attached mount, looked up again.
 *
 * A remount (rootfs_remount: the root made read-only) adds flags with mount(MS_REMOUNT|
 * MS_BIND|flags). In a user namespace the flags a mount inherited from a more privileged mount
 * namespace are *locked*: a remount that would clear one fails with EPERM, so we read them back
 * with statvfs(3) and always pass them on. mount_setattr only sets, and needs none of that.
 */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

/* A remedy for a predictable refusal of a new filesystem ("*" matches any type). */
struct mount_hint {
	const char *fstype;
	int errnum;
	const char *hint;
};

/* clang-format off */
static const struct mount_hint mount_hints[] = {
	{ "proc",  EPERM,  "a user namespace may mount proc only where the host's /proc is fully "
			   "visible (not partly covered, e.g. inside another container)" },
	{ "*",     ENODEV, "this kernel lacks the filesystem type (see /proc/filesystems)" },
	{ "*",     EPERM,  "the user namespace may not mount this filesystem type" },
};
/* clang-format on */

/* The per-mount flags the mount already has (statvfs f_flag), as MS_* flags. */
static unsigned long current_flags(const struct statvfs *sv)
{
	unsigned long ms = 0;

	for (size_t i = 0; i < ent_n_mount_flags; i++) {
		if (ent_mount_flags[i].st && (sv->f_flag & ent_mount_flags[i].st))
			ms |= ent_mount_flags[i].flag;
	}
	return ms;
}

uint64_t rootfs_mount_attrs(unsigned long flags, char *names, size_t size)
{
	uint64_t attrs = 0;
	size_t len = 0;

	names[0] = '\0';
	for (size_t i = 0; i < ent_n_mount_flags; i++) {
		const struct ent_mount_flag *f = &ent_mount_flags[i];

		if (!f->attr || !(flags & f->flag))
			continue;
		attrs |= f->attr;
		if (len < size)
			len += (size_t)snprintf(names + len, size - len, "%s%s", len ? "|" : "",
			                        f->attr_name);
	}
	return attrs;
}

int rootfs_remount(int fd, const char *name, unsigned long flags, struct rt_err *err)
{
	char path[ROOTFS_FD_PATH_MAX], names[ROOTFS_FLAGS_MAX];
	struct statvfs sv;
	unsigned long all;

	if (fstatvfs(fd, &sv) < 0)
		return rt_fail(err, errno, "rootfs: statvfs %s", name);
	/* Locked flags must be repeated; the others too, or the remount would clear them. */
	all = MS_REMOUNT | MS_BIND | flags | current_flags(&sv);
	rt_trace("rootfs", "mount(NULL, \"%s\", NULL, %s)", name,
	         ent_mount_flag_names(all, names, sizeof(names)));
	if (mount(NULL, rootfs_fd_path(fd, path), NULL, all, NULL) < 0) {
		rt_fail(err, errno, "rootfs: remount %s %s", name,
		        ent_mount_flag_names(flags, names, sizeof(names)));
		if (err->errnum == EPERM)
			rt_err_hint(err,
			            "the mount has locked flags the user namespace cannot change");
		return -1;
	}
	return 0;
}

int rootfs_bind_fd(int src_fd, const char *source, int dst_fd, const char *target, bool recursive,
                   unsigned long flags)
{
	char names[ROOTFS_FLAGS_MAX], setattr[ROOTFS_FLAGS_MAX + 64] = "";
	struct mount_attr attr = { .attr_set = rootfs_mount_attrs(flags, names, sizeof(names)) };
	unsigned at = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	const char *q = source[0] == '/' ? "\"" : "";
	int tree, r = -1, errnum;

	/* For --verbose only; truncated in the trace, were it ever longer than the buffer. */
	if (attr.attr_set && rt_log_verbose() &&
	    snprintf(setattr, sizeof(setattr), ", mount_setattr(<its clone>, %s{ .attr_set = %s })",
	             recursive ? "AT_RECURSIVE, " : "", names) >= (int)sizeof(setattr))
		setattr[sizeof(setattr) - 2] = '.';
	rt_trace("rootfs",
	         "open_tree(%s%s%s, OPEN_TREE_CLONE%s)%s, move_mount(<its clone>, \"%s\")", q,
	         source, q, recursive ? "|AT_RECURSIVE" : "", setattr, target);
	tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | at);
	if (tree < 0)
		return -1;
	if (!attr.attr_set || mount_setattr(tree, "", at, &attr, sizeof(attr)) == 0)
		r = move_mount(tree, "", dst_fd, "",
		               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	errnum = errno;
	close(tree); /* attached: the mount stays; not attached: the clone goes */
	errno = errnum;
	return r;
}

/*
 * Why move_mount(2) said EINVAL, when the target is not of the source's kind (a directory
 * volume onto a file of the image, or the reverse); NULL when it is.
 */
static const char *kind_mismatch(int src_fd, int dst_fd)
{
	struct stat src, dst;

	if (fstat(src_fd, &src) < 0 || fstat(dst_fd, &dst) < 0 ||
	    S_ISDIR(src.st_mode) == S_ISDIR(dst.st_mode))
		return NULL;
	return S_ISDIR(src.st_mode) ? "a directory onto a file of the rootfs"
	                            : "a file onto a directory of the rootfs";
}

void rootfs_bind_hint(struct rt_err *err)
{
	if (err->errnum == ENOSYS)
		rt_err_hint(err,
		            "a bind's flags are set with mount_setattr(2): Linux 5.12 or later");
}

/* A bind refused: why, as precisely as the kernel lets us tell. */
static int bind_fail(const struct rootfs_bind_req *req, int dst_fd, struct rt_err *err)
{
	int errnum = errno;
	const char *why = errnum == EINVAL ? kind_mismatch(req->src_fd, dst_fd) : NULL;

	if (why)
		return rt_fail(err, 0, "rootfs: bind %s %s on %s: %s", req->what, req->source,
		               req->target, why);
	rt_fail(err, errnum, "rootfs: bind %s %s on %s", req->what, req->source, req->target);
	rootfs_bind_hint(err);
	return -1;
}

int rootfs_bind(int root_fd, const struct rootfs_bind_req *req, struct rt_err *err)
{
	_cleanup_close_ int dst_fd = -1;
	struct stat st;

	/* The source's type says what the target is, unless the caller said it (a file). */
	if (!req->create_file && fstat(req->src_fd, &st) < 0)
		return rt_fail(err, errno, "rootfs: %s source %s", req->what, req->source);
	dst_fd = rootfs_open_target(root_fd, req->target,
	                            req->create_file || !S_ISDIR(st.st_mode) ? ROOTFS_TARGET_FILE
	                                                                     : ROOTFS_TARGET_DIR,
	                            req->what, err);
	if (dst_fd < 0)
		return -1;
	if (rootfs_bind_fd(req->src_fd, req->source, dst_fd, req->target, req->flags & MS_REC,
	                   req->flags & ROOTFS_REMOUNT_FLAGS) < 0)
		return bind_fail(req, dst_fd, err);
	return 0;
}

/* Bind the host path source onto m->target with flags (MS_REC, ROOTFS_REMOUNT_FLAGS). */
static int bind_host(int root_fd, const struct rootfs_mount *m, const char *source,
                     unsigned long flags, const char *what, struct rt_err *err)
{
	struct rootfs_bind_req req = {
		.source = source,
		.target = m->target,
		.flags = flags,
		.create_file = m->create_file,
		.what = what,
	};
	char src_what[48];
	_cleanup_close_ int src_fd = -1;
	struct stat st;

	snprintf(src_what, sizeof(src_what), "%s source", what);
	src_fd = rootfs_open_source(source, src_what, err);
	if (src_fd < 0)
		return -1;
	/* The file ent-run resolved, not one swapped in since (a symlink on the way, say). */
	if (m->source_ino &&
	    (fstat(src_fd, &st) < 0 || st.st_dev != m->source_dev || st.st_ino != m->source_ino))
		return rt_fail(err, 0, "rootfs: %s %s changed while the container was set up", what,
		               source);
	req.src_fd = src_fd;
	return rootfs_bind(root_fd, &req, err);
}

static int mount_fail(struct rt_err *err, int errnum, const struct rootfs_mount *m)
{
	rt_fail(err, errnum, "rootfs: mount %s on %s", m->fstype, m->target);
	for (size_t i = 0; i < ARRAY_SIZE(mount_hints); i++) {
		const struct mount_hint *h = &mount_hints[i];

		if (h->errnum == errnum &&
		    (!strcmp(h->fstype, "*") || !strcmp(h->fstype, m->fstype))) {
			rt_err_hint(err, "%s", h->hint);
			break;
		}
	}
	return -1;
}

/* A new instance of a kernel filesystem (proc, sysfs, tmpfs, devpts, mqueue, ...). */
static int mount_new(int root_fd, const struct rootfs_mount *m, struct rt_err *err)
{
	char path[ROOTFS_FD_PATH_MAX], names[ROOTFS_FLAGS_MAX];
	_cleanup_close_ int fd = -1;

	fd = rootfs_open_target(root_fd, m->target, ROOTFS_TARGET_DIR, m->fstype, err);
	if (fd < 0)
		return -1;
	rt_trace("rootfs", "mount(\"%s\", \"%s\", \"%s\", %s%s%s%s)", m->source, m->target,
	         m->fstype, ent_mount_flag_names(m->flags, names, sizeof(names)),
	         ent_has(m->data) ? ", \"" : "", ent_has(m->data) ? m->data : "",
	         ent_has(m->data) ? "\"" : "");
	if (mount(m->source, rootfs_fd_path(fd, path), m->fstype, m->flags,
	          ent_has(m->data) ? m->data : NULL) == 0)
		return 0;
	if (errno != EPERM || strcmp(m->fstype, "sysfs"))
		return mount_fail(err, errno, m);
	/*
	 * sysfs shows the network devices of the mounting process's network namespace, so the
	 * kernel refuses it when that namespace is not owned by our user namespace, or when the
	 * host's /sys is partly covered. Fall back, like bubblewrap and crun, to a recursive bind
	 * of the host's /sys with the same (read-only) flags.
	 */
	rt_trace("rootfs", "sysfs refused (EPERM): bind the host's /sys instead");
	return bind_host(root_fd, m, "/sys", MS_REC | (m->flags & ROOTFS_REMOUNT_FLAGS),
	                 "sysfs fallback", err);
}

int rootfs_attach_tree(int root_fd, int tree, const char *target, bool create_file,
                       const char *what, struct rt_err *err)
{
	_cleanup_close_ int dst_fd = -1;
	const char *why;
	struct stat st;
	int errnum;

	if (fstat(tree, &st) < 0)
		return rt_fail(err, errno, "rootfs: %s for %s", what, target);
	dst_fd = rootfs_open_target(root_fd, target,
	                            create_file || !S_ISDIR(st.st_mode) ? ROOTFS_TARGET_FILE
	                                                                : ROOTFS_TARGET_DIR,
	                            what, err);
	if (dst_fd < 0)
		return -1;
	rt_trace("rootfs", "move_mount(%s tree, \"%s\")  [idmapped]", what, target);
	if (move_mount(tree, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) ==
	    0)
		return 0;
	errnum = errno; /* before kind_mismatch's fstat calls */
	why = errnum == EINVAL ? kind_mismatch(tree, dst_fd) : NULL;
	if (why)
		return rt_fail(err, 0, "rootfs: attach the idmapped %s on %s: %s", what, target,
		               why);
	return rt_fail(err, errnum, "rootfs: attach the idmapped %s on %s", what, target);
}

/* OCI "shared", "rslave", ...: the mount's propagation, once it is made. */
static int set_propagation(int root_fd, const struct rootfs_mount *m, struct rt_err *err)
{
	char path[ROOTFS_FD_PATH_MAX], names[ROOTFS_FLAGS_MAX];
	_cleanup_close_ int fd = -1;

	fd = rootfs_open_target(root_fd, m->target, ROOTFS_TARGET_EXISTING, "mount", err);
	if (fd < 0)
		return -1;
	rt_trace("rootfs", "mount(NULL, \"%s\", NULL, %s)", m->target,
	         ent_mount_flag_names(m->propagation, names, sizeof(names)));
	if (mount(NULL, rootfs_fd_path(fd, path), NULL, m->propagation, NULL) < 0)
		return rt_fail(err, errno, "rootfs: set the propagation of %s (%s)", m->target,
		               names);
	return 0;
}

/*
 * A --volume or --tmpfs whose target resolves, through a symlink of the image ("data" -> "dev"),
 * to the container's /dev, /proc or /sys: refused, as the plan refuses those paths by name
 * (entitlements/compile.c, check_cover). Mounted there, it would get the device nodes, masks
 * and read-only paths made afterwards, in a host directory.
 */
static int check_kernel_fs(int root_fd, const struct rootfs_mount *m, struct rt_err *err)
{
	static const char *const kernel_fs[] = ROOTFS_KERNEL_FS;
	struct rt_err ignored = { 0 };
	_cleanup_close_ int fd = -1;
	struct stat st, fs;

	fd = rootfs_open_target(root_fd, m->target, ROOTFS_TARGET_OPTIONAL, m->fstype, &ignored);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0; /* missing: made as a directory or file of its own */
	for (size_t i = 0; i < ARRAY_SIZE(kernel_fs); i++) {
		_cleanup_close_ int kfd = rootfs_open_target(root_fd, kernel_fs[i],
		                                             ROOTFS_TARGET_OPTIONAL, "", &ignored);

		if (kfd >= 0 && fstat(kfd, &fs) == 0 && fs.st_dev == st.st_dev &&
		    fs.st_ino == st.st_ino)
			return rt_fail(
			        err, 0,
			        "rootfs: %s target %s: resolves to the container's %s, which "
			        "is ent-run's own",
			        strcmp(m->fstype, "tmpfs") ? "volume" : "tmpfs", m->target,
			        kernel_fs[i]);
	}
	return 0;
}

int rootfs_apply_mount(int root_fd, const struct rootfs_mount *m, int tree, struct rt_err *err)
{
	int r;

	if (m->requested && check_kernel_fs(root_fd, m, err) < 0)
		return -1;
	if (tree >= 0)
		r = rootfs_attach_tree(root_fd, tree, m->target, m->create_file, "volume", err);
	else if (!strcmp(m->fstype, "bind"))
		r = bind_host(root_fd, m, m->source, m->flags, "volume", err);
	else
		r = mount_new(root_fd, m, err);
	if (r < 0 || !m->propagation)
		return r;
	return set_propagation(root_fd, m, err);
}
