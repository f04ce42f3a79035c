/*
 * runtime/child.h - the container's first process: setup inside the new namespaces, then PID 1.
 */
#ifndef RT_CHILD_H
#define RT_CHILD_H

#include "entitlements/plan.h"
#include "runtime/lockdown.h"

/*
 * Entry point of the cloned child (never returns; leaves through _exit()). Waits for SYNC_GO,
 * builds the container (cgroup namespace, host name, kernel parameters, mounts, network), forks
 * the workload, which locks itself down and execs, and then serves as the container's PID 1.
 * Errors travel to the parent over sync_fd; the child never prints.
 *
 * OCI create (hold_fd >= 0): no fork and no init of ours. The child locks itself down, finds
 * the command, sends SYNC_CREATED, and waits for one byte on hold_fd (written by `ent-run
 * start`) before execve, as runc's exec.fifo does; it outlives the parent. hold_fd -1: run.
 */
__attribute__((noreturn)) void rt_child_main(const struct ent_plan *plan,
                                             const struct lockdown_filter *filter, int sync_fd,
                                             int hold_fd);

/*
 * OCI exec: the new process, already in the container's namespaces and cgroup: the workload's
 * last steps (session, terminal, working directory, limits, lockdown) and execve, as for the
 * container's own workload. Errors travel over sync_fd; EOF means execve succeeded.
 */
__attribute__((noreturn)) void
rt_child_exec_main(const struct ent_plan *plan, const struct lockdown_filter *filter, int sync_fd);

#endif
