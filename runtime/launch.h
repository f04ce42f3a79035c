/*
 * runtime/launch.h - the parent: start the container described by a plan and wait for it.
 */
#ifndef RT_LAUNCH_H
#define RT_LAUNCH_H

#include "base/err.h"
#include "entitlements/plan.h"
#include "ns/idrange.h"
#include "runtime/lockdown.h"

/*
 * Run the container: clone the child into new namespaces, write its id maps, release it
 * (SYNC_GO), relay its trace lines, forward signals and the terminal, keep the plan's timeout,
 * wait for it. Returns the exit status for ent-run (the workload's, 128+N, 124 when it timed
 * out, 126 or 127), or -1 with err when the container could not be set up (the caller exits
 * 125). Nothing is left behind either way. With stats_path (--stats FILE, "-": stderr) the
 * report is written at the end, whatever became of the workload (runtime/stats.h); a report
 * that cannot be written is an error (-1).
 * The plan gets its runtime values before clone: the container's host id block (leased from
 * ids when plan->ns.own_range), its address (plan->net) and the bind mounts of the generated
 * /etc/resolv.conf and /etc/hosts (plan->rootfs).
 */
int rt_launch(struct ent_plan *plan, const struct lockdown_filter *filter,
              const struct ns_idpool *ids, const char *stats_path, struct rt_err *err);

#endif
