/*
 * rootfs/rootfs.h - build the container's mount tree and switch to it
 * (mount_namespaces(7), pivot_root(2), openat2(2)).
 */
#ifndef ROOTFS_ROOTFS_H
#define ROOTFS_ROOTFS_H

#include "base/err.h"
#include "entitlements/plan.h"

/*
 * Idmapped mounts the parent made for the child (rootfs/idmap.c): detached mount trees, one
 * for the rootfs and for each bind mount and device the plan marks idmap; -1 where none.
 */
struct rootfs_trees {
	int root;
	int mounts[ENT_MAX_MOUNTS];
	int devices[ENT_MAX_DEVICES];
};

/*
 * Build the container's file system from spec and make it "/".
 *
 * Runs in the child, inside new mount and user namespaces (and new pid, net and ipc namespaces
 * when spec mounts proc, sysfs and mqueue), after the parent wrote the uid/gid maps, so we are
 * root there; before anything else touches the file system. The host's /proc must still be
 * mounted at /proc (targets are named as /proc/self/fd/N) and the host's /dev holds the device
 * nodes that are bound in. spec->root is an absolute host path, symlinks resolved, writable
 * enough to create missing mount points (as container root).
 *
 * With trees->root (an idmapped tree from the parent) the rootfs is that mount, attached on top
 * of "/"; the mounts and devices with a tree are attached from it (move_mount(2)); everything
 * else is bound from its host path here. In order: make every mount private; attach the rootfs
 * (or bind spec->root on itself); with spec->host_dev bind the
 * host's /dev recursively (so that the plan's mounts may cover parts of it); apply spec->mounts
 * (standard filesystems, then volumes and tmpfs); bind spec->devices into /dev and add its links
 * (without host_dev); mask spec->masked; make spec->readonly_paths read-only; when
 * spec->readonly, make the root mount read-only; pivot_root and detach the old root.
 *
 * Mount targets are resolved beneath the rootfs: a target reached through ".." or a symlink that
 * leaves it (absolute or relative) is refused, and missing targets are created as directories,
 * or as empty files for files and devices. On return the working directory is "/", the old root
 * is gone from the mount table and no descriptor stays open. Returns 0, or -1 with err naming
 * the step and the path; mounts already made vanish with the mount namespace.
 *
 * In two halves, for what must happen in between (OCI createContainer hooks: in the container's
 * mount namespace, its mounts made, paths still the host's): rootfs_build does everything up
 * to pivot_root and returns a descriptor of the new root (O_PATH, close-on-exec; -1 with err);
 * rootfs_switch makes it "/" and closes it.
 */
int rootfs_build(const struct rootfs_spec *spec, const struct rootfs_trees *trees,
                 struct rt_err *err);
int rootfs_switch(const struct rootfs_spec *spec, int root_fd, struct rt_err *err);

/* Set every descriptor to -1 (nothing held). */
void rootfs_trees_init(struct rootfs_trees *t);

/* Close every descriptor held and set it to -1. */
void rootfs_trees_close(struct rootfs_trees *t);

/*
 * Parent, after the child's id maps are written: clone the rootfs (spec->idmap), each bind
 * mount source and each device the plan marks idmap as detached mounts idmapped with the user
 * namespace userns_fd (open_tree(2), mount_setattr(2)). Needs CAP_SYS_ADMIN in the host's user
 * namespace. Sources are opened without following symlinks and checked against the device and
 * inode runtime/ pinned. A filesystem the kernel cannot idmap is an error naming it. On
 * failure, t may hold trees already made: rootfs_trees_close() them.
 */
int rootfs_idmap_prepare(const struct rootfs_spec *spec, int userns_fd, struct rootfs_trees *t,
                         struct rt_err *err);

/* How many trees the plan asks for (the rootfs, bind mounts and devices marked idmap). */
unsigned rootfs_trees_count(const struct rootfs_spec *spec);

/* The trees as a flat array in plan order, for SCM_RIGHTS; returns how many (at most max). */
unsigned rootfs_trees_pack(const struct rootfs_trees *t, const struct rootfs_spec *spec, int *fds,
                           unsigned max);

/* The other way: fill t from the n descriptors received (exactly rootfs_trees_count(spec)). */
int rootfs_trees_unpack(struct rootfs_trees *t, const struct rootfs_spec *spec, const int *fds,
                        unsigned n, struct rt_err *err);

#endif
