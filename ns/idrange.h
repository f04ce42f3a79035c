/*
 * ns/idrange.h - a host id range of its own for every container started by root
 * (user_namespaces(7), subuid(5)).
 *
 * Container root must never be host root, and two containers must never share host ids (one
 * could then signal, trace or read the other's processes and files). So each container started
 * by root leases a block of NS_IDRANGE_SIZE uids and gids for its life: first from root's own
 * /etc/subuid and /etc/subgid entries, cut into blocks, then from the range systemd sets aside
 * for containers ("Users, Groups, UIDs and GIDs on systemd Systems": 524288-1879048191), as
 * systemd-nspawn --private-users=pick does.
 *
 *   /run/ent-run/ids/lock            flock(2)ed while choosing
 *   /run/ent-run/ids/UID-GID         the block at UID (uids) and GID (gids): "PID STARTTIME"
 *                                    of the ent-run that holds it
 *
 * A block is free when no live ent-run holds it, no other user's /etc/subuid or /etc/subgid
 * entry overlaps it, and no running process's user namespace maps onto it (/proc/PID/uid_map,
 * gid_map; but kthreadd's children: the kernel's threads and the helpers it does not wait for,
 * see idrange.c). A lease whose holder is gone (ent-run was killed) is collected by the next
 * lease. ent-run never edits /etc/subuid or /etc/subgid.
 */
#ifndef NS_IDRANGE_H
#define NS_IDRANGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define NS_IDRANGE_SIZE    65536u
#define NS_IDRANGE_MAX     64      /* ranges of each kind in a pool */
#define NS_CONTAINER_FIRST 524288u /* systemd's container uid range */
#define NS_CONTAINER_LAST  1879048191u

struct ns_idrange {
	uint32_t start;
	uint32_t count;
};

/* Where blocks may come from, and what they must stay clear of: host facts (runtime/host.c). */
struct ns_idpool {
	struct ns_idrange own_uids[NS_IDRANGE_MAX]; /* root's /etc/subuid entries */
	unsigned n_own_uids;
	struct ns_idrange own_gids[NS_IDRANGE_MAX]; /* root's /etc/subgid entries */
	unsigned n_own_gids;
	struct ns_idrange other_uids[NS_IDRANGE_MAX]; /* every other user's /etc/subuid entries */
	unsigned n_other_uids;
	struct ns_idrange other_gids[NS_IDRANGE_MAX];
	unsigned n_other_gids;
};

/* A leased block; opaque. */
struct ns_idlease;

/*
 * Choose a free block from pool (see above) and, when take is true, lease it to the calling
 * process (root only; collects the leases of dead holders first). *uid_start and *gid_start
 * receive the block. With take false, nothing is written: the answer is the block a start
 * would lease at this moment (for `ent-run spec`), and *out is NULL. Returns 0, or -1 with err
 * when every block is taken.
 */
int ns_idrange_lease(const struct ns_idpool *pool, bool take, uint32_t *uid_start,
                     uint32_t *gid_start, struct ns_idlease **out, struct rt_err *err);

/*
 * OCI create: the container outlives ent-run, so its first process pid becomes the holder of
 * the lease (the file is rewritten atomically); the next lease collects the block once that
 * process has exited. Returns 0 or -1 with err.
 */
int ns_idrange_hand_over(struct ns_idlease *l, pid_t pid, struct rt_err *err);

/* The lease's name in /run/ent-run/ids ("524288-524288"), to give it back later by name. */
const char *ns_idrange_name(const struct ns_idlease *l);

/* Free l and keep the lease (handed over). */
void ns_idrange_forget(struct ns_idlease *l);

/*
 * Give back the block leased as name to the process pid that started at starttime (OCI
 * delete, once the container's processes are gone). A lease that names another holder (the
 * block was collected and leased again since) is left alone.
 */
void ns_idrange_release_name(const char *name, pid_t pid, unsigned long long starttime);

/*
 * Give the block back. Call it once no process of the container can be left (the container's
 * PID 1 was reaped; in the host's PID namespace, see ns/idrange.c). NULL is fine. Frees l.
 */
void ns_idrange_release(struct ns_idlease *l);

#endif
