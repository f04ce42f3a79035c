/*
 * runtime/launch.h - the parent: start the container described by a plan and wait for it.
 */
#ifndef RT_LAUNCH_H
#define RT_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"
#include "ns/idrange.h"
#include "runtime/child.h"
#include "runtime/lockdown.h"

/*
 * Run the container: clone the child into new namespaces, write its id maps, release it
 * (SYNC_GO), build the workload's seccomp program from plan->lockdown meanwhile and send it
 * (SYNC_FILTER: a program that cannot be built fails the run), relay its trace lines, forward
 * signals and the terminal, keep the plan's timeout, wait for it. Returns the exit status for
 * ent-run (the workload's, 128+N, 124 when it timed out, 126 or 127), or -1 with err when the
 * container could not be set up (the caller exits 125). Nothing is left behind either way. With
 * stats_path (--stats FILE, "-": stderr) the report is written at the end, whatever became of the
 * workload (runtime/stats.h); a report that cannot be written is an error (-1). The plan gets its
 * runtime values before clone: the container's host id block (leased from ids when
 * plan->ns.own_range), its address (plan->net) and the bind mounts of the generated
 * /etc/resolv.conf and /etc/hosts (plan->rootfs).
 */
int rt_launch(struct ent_plan *plan, const struct ns_idpool *ids, const char *stats_path,
              struct rt_err *err);

#define RT_OBSERVER_FDS 2

/*
 * An observer of a launch (ent-run learn, runtime/learn.c): called at fixed points of the
 * parent's side, and given descriptors to poll with the container's own. Members may be NULL.
 */
struct rt_observer {
	void *data;
	/* After clone, before SYNC_GO: the container's PID 1 on the host (its namespaces exist). */
	int (*started)(void *data, pid_t pid, struct rt_err *err);
	/* SYNC_LISTENER: the workload's seccomp listener; the observer owns fd from then on. */
	int (*listener)(void *data, int fd, struct rt_err *err);
	/* While the container runs: the descriptors to poll (-1: none), and one that is readable.
	 */
	void (*poll_fds)(void *data, int fds[RT_OBSERVER_FDS]);
	void (*ready)(void *data, int fd, short revents);
};

/* rt_launch, with obs told what happens (NULL: nobody, as rt_launch). */
int rt_launch_observed(struct ent_plan *plan, const struct ns_idpool *ids, const char *stats_path,
                       const struct rt_observer *obs, struct rt_err *err);

/* A container created and handed over (OCI create): what the caller records. */
struct rt_created {
	pid_t pid;                /* its first process, held before execve, on the host */
	struct rt_cgroup *cgroup; /* its cgroups: cgroup_dir()s to record, then cgroup_forget() */
	char ids_lease[32];       /* its block of host ids ("UID-GID"), "" for none */
	int sync_fd; /* the channel its process waits on until rt_launch_hand_over (SYNC 4) */
};

/*
 * OCI create: set the container up as rt_launch does (host id block, cgroup at
 * plan->cgroup.path, namespaces created or joined, id maps, idmapped mounts, SYNC_GO), with
 * the workload locked down and held before execve until a byte arrives on the FIFO hold->fd
 * (the child keeps its own copies of hold's descriptors; the caller closes ours). With
 * hold->hooks, the plan's hooks run: prestart and createRuntime here before SYNC_GO (their
 * failure fails the create), createContainer and startContainer in the child
 * (runtime/child.h); hold->hooks->st->pid is the child's pid from then on. filter is the
 * workload's seccomp program (NULL: unconfined), which the caller builds before anything is
 * made, unlike rt_launch's: it goes to the child as SYNC_FILTER. A terminal's master goes to
 * plan->proc.console_socket. No host-side network: the engine provides the network namespace.
 * Returns 0 with out filled (its host ids now held by its first process), the process still
 * bound to us: it dies with us until rt_launch_hand_over; or -1 with err and nothing left
 * behind (a missing command included).
 */
int rt_launch_create(struct ent_plan *plan, const struct lockdown_filter *filter,
                     const struct ns_idpool *ids, struct rt_hold *hold, struct rt_created *out,
                     struct rt_err *err);

/*
 * OCI create, once the container's state is saved: tell its process to live on without us
 * (SYNC_HANDOVER) and close our end. With hand_over false, only close it: the process leaves
 * (a create that failed after rt_launch_create). Returns 0, or -1 with err.
 */
int rt_launch_hand_over(struct rt_created *cr, bool hand_over, struct rt_err *err);

/* The running container an OCI exec joins, and what to do once the process runs. */
struct rt_exec_target {
	const char *id;
	pid_t pid;                    /* its first process */
	unsigned long long starttime; /* of pid: a recycled pid is refused */
	const char *const *cgroups;   /* its cgroup directories, which the process joins */
	unsigned n_cgroups;
	/* Called once the process has exec'd (the --pid-file); may be NULL. */
	int (*on_started)(pid_t pid, void *data, struct rt_err *err);
	void *data;
};

/*
 * OCI exec: run plan's process in the running container target: a joiner enters its cgroups
 * and namespaces and clones the process (our child), which locks itself down as the workload
 * does and execs. Returns 0 once it runs when detach (it lives on; *pid is its host pid),
 * else waits (forwarding signals, relaying or handing over the terminal) and returns its exit
 * status, or -1 with err when it could not be started.
 */
int rt_launch_exec(struct ent_plan *plan, const struct lockdown_filter *filter,
                   const struct rt_exec_target *target, bool detach, pid_t *pid,
                   struct rt_err *err);

#endif
