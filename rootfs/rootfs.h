/*
 * rootfs/rootfs.h - build the container's mount tree and switch to it
 * (mount_namespaces(7), pivot_root(2), openat2(2)).
 */
#ifndef ROOTFS_ROOTFS_H
#define ROOTFS_ROOTFS_H

#include "entitlements/plan.h"
#include "runtime/err.h"

/*
 * Build the container's file system from spec and make it "/". Runs in the child, inside new
 * mount and user namespaces whose id maps are already written (so we are root there), before
 * anything else touches the file system. In order: make every mount private, bind spec->root on
 * itself, apply spec->mounts (standard filesystems, then volumes and tmpfs), populate the
 * minimal /dev (or bind the host's), mask and make read-only the listed paths, pivot_root,
 * detach the old root, and remount / read-only when spec->readonly. Mount targets are resolved
 * inside the rootfs and never through a symlink that leaves it. On return the working directory
 * is "/". Returns 0, or -1 with err naming the step and the path.
 */
int rootfs_enter(const struct rootfs_spec *spec, struct rt_err *err);

#endif
