/*
 * ns/ns.h - namespaces (namespaces(7)): which to create, the user namespace's id maps
 * (user_namespaces(7)), and the host name of the UTS namespace.
 */
#ifndef NS_NS_H
#define NS_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

/*
 * The CLONE_NEW* flags to pass to clone() for spec: the namespaces to create, not those joined
 * by path. The cgroup namespace is left out: its root is the cgroup of the process that creates
 * it, so the child creates it itself (ns_enter_cgroup) once the parent has moved it into the
 * container's cgroup.
 */
unsigned long ns_clone_flags(const struct ns_spec *spec);

/* Our own namespaces, kept open while we stand in the container's (ns_join_paths). */
struct ns_saved {
	int fd[NS_COUNT]; /* /proc/self/ns/NAME, -1 where nothing was joined */
	int cwd;          /* our working directory, when a mount namespace was joined; else -1 */
};

/*
 * Parent, right before clone(): join the namespaces spec names by path (setns(2)), so that the
 * child, which inherits them, starts inside them; a PID namespace applies to children only.
 * Done by the parent, which is still host root: joining needs CAP_SYS_ADMIN over the
 * namespace, which a child in a new user namespace would lack. A mount namespace is joined
 * last (its paths are not ours), and only without a new user namespace (which could not
 * mount in it); a user namespace is never joined (the compiler refuses both). ns_restore()
 * takes the parent back, also after a failure here. Returns 0 or -1 with err naming the
 * path.
 */
int ns_join_paths(const struct ns_spec *spec, struct ns_saved *saved, struct rt_err *err);

/* Back to the namespaces saved by ns_join_paths, and close them. Returns 0 or -1 with err. */
int ns_restore(struct ns_saved *saved, struct rt_err *err);

/*
 * The CLONE_NEW* flags of the namespaces pid is in that are not the caller's: what to join
 * (setns(2) with a pidfd) to be where pid is (OCI exec).
 */
unsigned long ns_flags_apart(pid_t pid);

/* Is path (/run/netns/x, /proc/1/ns/net) the caller's own namespace of kind, i.e. the host's? */
bool ns_is_ours(const char *path, enum ns_kind kind);

/*
 * Open the namespace of kind at path once (O_RDONLY | O_CLOEXEC), for the policy to judge and
 * setns(2) to join that very namespace: path is resolved into resolved (size bytes): its
 * directory by realpath(3), then opened without symlinks (RESOLVE_NO_SYMLINKS); its last
 * component may be a symlink only in /proc (the magic /proc/PID/ns/KIND links). The file must
 * be a namespace of kind (ioctl NS_GET_NSTYPE). *ours: it is the caller's own (the host's).
 * Returns the descriptor, or -1 with err naming path.
 */
int ns_open_path(const char *path, enum ns_kind kind, char *resolved, size_t size, bool *ours,
                 struct rt_err *err);

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

/*
 * Child: set the host name (and the NIS domain name, when the plan has one) inside the new UTS
 * namespace, or the one joined by path; nothing when it is the host's, or for an empty name.
 */
int ns_set_hostname(const struct ns_spec *spec, struct rt_err *err);

/*
 * Child, in the container's namespaces and before its /proc is mounted: write spec's kernel
 * parameters to /proc/sys (they belong to the namespaces the child is in: /proc/sys/net to its
 * network namespace, kernel.shm* to its IPC namespace). Returns 0 or -1 with err.
 */
int ns_write_sysctls(const struct ns_spec *spec, struct rt_err *err);

/* Child: create the cgroup namespace, rooted at the cgroup we are in now (no-op if shared). */
int ns_enter_cgroup(const struct ns_spec *spec, struct rt_err *err);

#endif
