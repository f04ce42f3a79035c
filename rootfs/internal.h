/*
 * rootfs/internal.h - what the files of rootfs/ share with each other (nothing outside rootfs/
 * includes this file; the public surface is rootfs.h).
 *
 * Every mount is done before pivot_root(2), while the host's "/" is still ours: a target inside
 * the new root is first opened as an O_PATH file descriptor (resolved safely beneath the root by
 * openat2(2)); a bind is attached there by that descriptor (move_mount(2)), and mount(2) is
 * given "/proc/self/fd/N", a magic link to exactly that file.
 */
#ifndef ROOTFS_INTERNAL_H
#define ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>

#include "base/err.h"
#include "entitlements/names.h"
#include "entitlements/plan.h"
#include "rootfs/rootfs.h"

#define ROOTFS_FD_PATH_MAX 32  /* "/proc/self/fd/2147483647" */
#define ROOTFS_FLAGS_MAX   192 /* "MS_REMOUNT|MS_BIND|MS_RDONLY|..." */

/* The per-mount flags a bind sets apart from the bind itself (mount_setattr on its clone), and
 * a remount adds (rootfs_remount). */
#define ROOTFS_REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* How rootfs_open_target() treats a missing target. */
enum rootfs_target {
	ROOTFS_TARGET_DIR,      /* create it (and its parents) as a directory */
	ROOTFS_TARGET_FILE,     /* create it as an empty file (parents as directories) */
	ROOTFS_TARGET_EXISTING, /* it must exist: missing is an error */
	ROOTFS_TARGET_OPTIONAL, /* missing: return ROOTFS_MISSING, err untouched */
};

#define ROOTFS_MISSING (-2)

/* One bind mount from the host into the container. */
struct rootfs_bind_req {
	int src_fd;          /* O_PATH descriptor of the host source (rootfs_open_source) */
	const char *source;  /* its host path, for messages */
	const char *target;  /* absolute path inside the container */
	unsigned long flags; /* MS_REC, and ROOTFS_REMOUNT_FLAGS to set on the clone */
	bool create_file;    /* create the target as a file even if the source is a directory */
	const char *what;    /* names the mount in messages: "volume", "device", ... */
};

/* --- resolve.c: targets inside the new root */

/*
 * Open target (absolute, inside the container) as an O_PATH|O_CLOEXEC descriptor relative to
 * root_fd, never leaving root_fd through ".." or a symlink (openat2 RESOLVE_BENEATH) and never
 * through a /proc magic link. kind says what to do when it is missing. what names the mount in
 * messages ("volume target /data: ..."). Returns the descriptor, ROOTFS_MISSING, or -1.
 */
int rootfs_open_target(int root_fd, const char *target, enum rootfs_target kind, const char *what,
                       struct rt_err *err);

/* Open the host path source as O_PATH|O_CLOEXEC; what names it in messages ("volume source"). */
int rootfs_open_source(const char *source, const char *what, struct rt_err *err);

/* Write "/proc/self/fd/N" into buf (ROOTFS_FD_PATH_MAX bytes) and return buf. */
const char *rootfs_fd_path(int fd, char *buf);

/* --- mount.c: applying mounts */

/*
 * Apply one mount of the plan: fstype "bind" from the host (or, with tree >= 0, attach that
 * idmapped tree from the parent instead), or a new filesystem instance.
 */
int rootfs_apply_mount(int root_fd, const struct rootfs_mount *m, int tree, struct rt_err *err);

/* Attach the detached mount tree on target (created as a file when the tree is not a dir). */
int rootfs_attach_tree(int root_fd, int tree, const char *target, bool create_file,
                       const char *what, struct rt_err *err);

/* Bind req->src_fd onto req->target with the ROOTFS_REMOUNT_FLAGS asked for (rootfs_bind_fd). */
int rootfs_bind(int root_fd, const struct rootfs_bind_req *req, struct rt_err *err);

/*
 * A bind mount of what src_fd is (with the mounts below it, when recursive) onto dst_fd: a
 * clone of it (open_tree(2) OPEN_TREE_CLONE), given flags (ROOTFS_REMOUNT_FLAGS, 0 for none;
 * with recursive, on each mount of the clone) while it is detached (mount_setattr(2): they are
 * only set, so no locked flag is touched), then attached there (move_mount(2)), all by
 * descriptor. source and target name them in the trace: a path is quoted, "<...>" is not.
 * Returns 0, or -1 with errno.
 */
int rootfs_bind_fd(int src_fd, const char *source, int dst_fd, const char *target, bool recursive,
                   unsigned long flags);

/* After rootfs_bind_fd failed with err->errnum: the hint for a kernel without the calls. */
void rootfs_bind_hint(struct rt_err *err);

/*
 * Add flags (ROOTFS_REMOUNT_FLAGS) to the mount whose root is fd (not the mounts below it),
 * keeping the flags it already has. name is its path in the container.
 */
int rootfs_remount(int fd, const char *name, unsigned long flags, struct rt_err *err);

/*
 * The MOUNT_ATTR_* attributes of the MS_* flags (MS_RDONLY: MOUNT_ATTR_RDONLY, ...), for
 * mount_setattr(2) and fsmount(2); names receives them as "MOUNT_ATTR_RDONLY|...".
 */
uint64_t rootfs_mount_attrs(unsigned long flags, char *names, size_t size);

/* --- overlay.c: --ephemeral */

/*
 * Put the overlay of spec->ephemeral over the rootfs mounted at lower_fd (its root): a tmpfs
 * of the plan's size holds the upper layer, and both mounts are stacked on the rootfs. Runs in
 * the child, in its user namespace. Returns a descriptor of the overlay's root, the container's
 * root from here on, or -1 with err (the kernel's reason as the hint where it gave one).
 */
int rootfs_overlay_attach(int lower_fd, const struct rootfs_spec *spec, struct rt_err *err);

/* --- dev.c: /dev */

/* Bind spec->devices from the host into the container's /dev and add the standard links. */
int rootfs_populate_dev(int root_fd, const struct rootfs_spec *spec,
                        const struct rootfs_trees *trees, struct rt_err *err);

/* --- mask.c: hidden and read-only paths */

/* Hide each spec->masked path: /dev/null over files, an empty read-only tmpfs over directories. */
int rootfs_mask_paths(int root_fd, const struct rootfs_spec *spec, struct rt_err *err);

/* Make each spec->readonly_paths path a read-only bind mount of itself. */
int rootfs_readonly_paths(int root_fd, const struct rootfs_spec *spec, struct rt_err *err);

#endif
