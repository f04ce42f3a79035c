/*
 * ns/ns.h - namespaces (namespaces(7)): which to create, the user namespace's id maps
 * (user_namespaces(7)), and the host name of the UTS namespace.
 */
#ifndef NS_NS_H
#define NS_NS_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

/*
 * The CLONE_NEW* flags to pass to clone() for spec. The cgroup namespace is left out: its root
 * is the cgroup of the process that creates it, so the child creates it itself
 * (ns_enter_cgroup) once the parent has moved it into the container's cgroup.
 */
unsigned long ns_clone_flags(const struct ns_spec *spec);

/*
 * Parent: write the uid and gid maps of pid's new user namespace. As root: /proc/PID/uid_map
 * and gid_map directly. Rootless: newuidmap/newgidmap (setuid helpers that check
 * /etc/subuid and /etc/subgid) when spec->use_idmap_helpers, else a single-id map after
 * writing "deny" to /proc/PID/setgroups (the kernel requires it for an unprivileged writer).
 */
int ns_write_idmaps(pid_t pid, const struct ns_spec *spec, struct rt_err *err);

/*
 * Child, once the id maps are written: become root of the new user namespace. The child keeps
 * the ids it was cloned with; under a map that does not map them (root's container moved to
 * a subordinate range) they would be "nobody" inside and could create no file.
 */
int ns_become_root(const struct ns_spec *spec, struct rt_err *err);

/* Child: set the host name inside the new UTS namespace (no-op when it is shared). */
int ns_set_hostname(const struct ns_spec *spec, struct rt_err *err);

/* Child: create the cgroup namespace, rooted at the cgroup we are in now (no-op if shared). */
int ns_enter_cgroup(const struct ns_spec *spec, struct rt_err *err);

#endif
