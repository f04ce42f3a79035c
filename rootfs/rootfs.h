/*
 * rootfs/rootfs.h - build the container's mount tree and switch to it
 * (mount_namespaces(7), pivot_root(2), openat2(2)).
 */
#ifndef ROOTFS_ROOTFS_H
#define ROOTFS_ROOTFS_H

#include "base/err.h"
#include "entitlements/plan.h"

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
 * In order: make every mount private; bind spec->root on itself; with spec->host_dev bind the
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
 */
int rootfs_enter(const struct rootfs_spec *spec, struct rt_err *err);

#endif
