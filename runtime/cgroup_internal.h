/*
 * runtime/cgroup_internal.h - what the files of runtime/cgroup*.c share with each other
 * (nothing else includes this file; the public surface is runtime/cgroup.h).
 *
 * cgroupfs is a file system of small control files: a cgroup is a directory (mkdir(2) creates
 * one, rmdir(2) removes an empty one), a limit is a number written into a file of it.
 */
#ifndef RT_CGROUP_INTERNAL_H
#define RT_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/cgroup.h"

/* One container's cgroups (runtime/cgroup.c makes them; cgroup_stats.c reads them). */
struct rt_cgroup {
	struct cgroup_layout layout;
	struct cgroup_spec spec;    /* device paths resolved; skipped limits cleared */
	bool skip[CGROUP_MAX_HIER]; /* rootless and not writable: not used */
	char dir[CGROUP_MAX_HIER]
	        [ENT_PATH_MAX]; /* created: "/sys/fs/cgroup/memory/.../ent-run-42" */
	char name[32];          /* "ent-run-42": its record in /run/ent-run/cgroups (as root) */
};

/* The name of controller c: in v1 mount options ("memory", "cpuacct"), else in v2 ("io"). */
const char *cgroup_controller_name(enum cgroup_controller c);

/*
 * Write value into dir/file. optional: a file this kernel may lack (memory.memsw.* without
 * swap accounting) is skipped, with a trace line. Returns 0 or -1 with err.
 */
int cgroup_write(const char *dir, const char *file, const char *value, bool optional,
                 struct rt_err *err);

/* Read dir/file (NUL-terminated, at most size - 1 bytes). Returns its length or -1 (errno). */
long cgroup_read(const char *dir, const char *file, char *buf, size_t size);

/* The value N of the line "key N" in text (memory.events, memory.oom_control); -1 if none. */
long long cgroup_keyed_value(const char *text, const char *key);

/* v1: limits of spec into the hierarchy h's new cgroup dir (the controllers h carries). */
int cgroup_v1_write_limits(const struct cgroup_hier *h, const char *dir,
                           const struct cgroup_spec *spec, struct rt_err *err);

/* v1: devices.deny "a", then devices.allow / devices.deny per rule, in order. */
int cgroup_v1_write_devices(const char *dir, const struct cgroup_devrule *rules, unsigned n,
                            struct rt_err *err);

/* v1 cpuset: a new cpuset cgroup starts empty; copy cpuset.cpus and cpuset.mems from parent. */
int cgroup_v1_init_cpuset(const char *parent, const char *dir, struct rt_err *err);

/* v2: "+memory +pids +cpu" (those needed) into parent's cgroup.subtree_control. */
int cgroup_v2_enable(const struct cgroup_hier *h, const char *parent,
                     const struct cgroup_spec *spec, struct rt_err *err);

/* v2: memory.max, memory.swap.max, pids.max, cpu.max into dir. */
int cgroup_v2_write_limits(const struct cgroup_hier *h, const char *dir,
                           const struct cgroup_spec *spec, struct rt_err *err);

#endif
