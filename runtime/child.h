/*
 * runtime/child.h - the container's first process: setup inside the new namespaces, then PID 1.
 */
#ifndef RT_CHILD_H
#define RT_CHILD_H

#include "entitlements/plan.h"
#include "runtime/hooks.h"
#include "runtime/lockdown.h"

/*
 * OCI create: how the container's first process is held before execve, and the state its
 * hooks read.
 */
struct rt_hold {
	int fd;        /* the FIFO it waits on for start's byte (runc's exec.fifo) */
	int report_fd; /* the FIFO it tells start on: a line when the start failed, EOF at execve */
	int lock_fd;   /* the creator's locked state directory: the process closes its copy first
	                  thing, or the lock would outlive a killed creator (-1: none) */
	struct rt_hook_state *hooks; /* the state of its hooks (NULL: none); st->pid is filled
	                                in at SYNC_GO */
};

/*
 * Entry point of the cloned child (never returns; leaves through _exit()). Waits for SYNC_GO,
 * builds the container (cgroup namespace, host name, kernel parameters, mounts, network),
 * receives the workload's seccomp program (SYNC_FILTER), forks the workload, which locks
 * itself down and execs, and then serves as the container's PID 1.
 * Errors travel to the parent over sync_fd; the child never prints.
 *
 * OCI create (hold not NULL): no fork and no init of ours. The child runs the createContainer
 * hooks before pivot_root, locks itself down, finds the command, sends SYNC_CREATED, waits for
 * SYNC_HANDOVER (it leaves if the parent dies first: a killed create leaves no process), and
 * waits for one byte on hold->fd (written by `ent-run start`), as runc's exec.fifo does; then
 * it runs the startContainer hooks and execs, telling start on hold->report_fd what failed
 * (EOF: the execve succeeded). Once handed over it outlives the parent. hold NULL: run.
 */
__attribute__((noreturn)) void rt_child_main(const struct ent_plan *plan, int sync_fd,
                                             struct rt_hold *hold);

/*
 * OCI exec: the new process, already in the container's namespaces and cgroup: the workload's
 * last steps (session, terminal, working directory, limits, lockdown) and execve, as for the
 * container's own workload. Errors travel over sync_fd; EOF means execve succeeded.
 */
__attribute__((noreturn)) void
rt_child_exec_main(const struct ent_plan *plan, const struct lockdown_filter *filter, int sync_fd);

#endif
