/*
 * runtime/host.h - facts about the host that the plan depends on: who we are, which
 * subordinate ids we own (subuid(5), subgid(5)), whether the id-map helpers are installed.
 */
#ifndef RT_HOST_H
#define RT_HOST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "entitlements/ent.h"
#include "ns/idrange.h"

/*
 * Fill host from getuid()/getgid(), /etc/subuid, /etc/subgid and $PATH, and
 * ids with the subordinate ranges a container's block is chosen from and must keep clear of.
 * Fails (err names the file and line) when one of the caller's own sub-id lines is malformed
 * or reaches into host ids 0-65535.
 */
int rt_host_probe(struct ent_host *host, struct ns_idpool *ids, struct rt_err *err);

/*
 * Fill host->cgroups with the host's cgroup mounts (for the container's read-only
 * /sys/fs/cgroup). Only for plans that use a cgroup: reading the layout costs a read of
 * mountinfo and of /proc/self/cgroup. Never fails (no layout: no /sys/fs/cgroup inside).
 */
void rt_host_probe_cgroups(struct ent_host *host);

/*
 * realpath(3) of a host path the caller named (what: "rootfs", "--volume: source"), into out
 * (ENT_PATH_MAX bytes). A missing one is the caller's error, with a hint. Returns 0 or -1.
 */
int rt_resolve_host_path(const char *what, const char *path, char *out, struct rt_err *err);

/*
 * A host path the request hands the container (the rootfs, a --volume source, an OCI bind
 * source): given resolved into resolved (ENT_PATH_MAX bytes, as rt_resolve_host_path), and the
 * identity (device, inode) of what it names, opened without following any symlink. The policy
 * checks the resolved path, and the child checks it mounts that very file (a symlink swapped
 * in on the way since is refused, ESTALE). dir: it must be a directory. The one way -v and OCI
 * binds are resolved. Returns 0 with *st, or -1 with err.
 */
int rt_pin_path(const char *what, const char *given, char *resolved, bool dir, struct stat *st,
                struct rt_err *err);

#endif
