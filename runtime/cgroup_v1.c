/*
 * runtime/cgroup_v1.c - limits and device rules on cgroup v1 hierarchies (cgroups(7);
 * Documentation/admin-guide/cgroup-v1/: memory.rst, pids.rst, devices.rst, cpusets.rst, and
 * scheduler/sched-bwc.rst for the CPU quota).
 *
 * In v1 each controller is its own tree of directories, and each limit its own file:
 * memory.limit_in_bytes, pids.max, cpu.cfs_quota_us. The device controller keeps a list of
 * exceptions to a default: "a" written to devices.deny makes the default "deny" and clears the
 * list; each "c 1:3 rwm" written to devices.allow then adds one exception.
 */
#include "runtime/cgroup_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"

static bool has(const struct cgroup_hier *h, enum cgroup_controller c)
{
	return h->controllers & (1u << c);
}

static int write_num(const char *dir, const char *file, int64_t value, bool optional,
                     struct rt_err *err)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRId64, value);
	return cgroup_write(dir, file, text, optional, err);
}

/*
 * The memory knobs only v1 has (an OCI config's): the limit of kernel TCP buffer memory, how
 * eagerly the cgroup's pages are swapped, and the OOM killer off (at the limit its tasks wait
 * for memory, in the state memory.oom_control reports as under_oom).
 */
static int write_memory_knobs(const char *dir, const struct cgroup_spec *spec, struct rt_err *err)
{
	if (spec->memory_tcp_bytes > 0 && write_num(dir, "memory.kmem.tcp.limit_in_bytes",
	                                            spec->memory_tcp_bytes, false, err) < 0)
		return -1;
	if (spec->has_memory_swappiness &&
	    write_num(dir, "memory.swappiness", spec->memory_swappiness, false, err) < 0)
		return -1;
	if (spec->memory_oom_kill_disable &&
	    cgroup_write(dir, "memory.oom_control", "1", false, err) < 0)
		return -1;
	return 0;
}

int cgroup_v1_write_limits(const struct cgroup_hier *h, const char *dir,
                           const struct cgroup_spec *spec, struct rt_err *err)
{
	/*
	 * Memory, then memory+swap with the same value: without the second the workload would
	 * go on in swap. memsw exists only with swap accounting; it must stay >= the limit, so
	 * it is written second (a new cgroup starts with both unlimited).
	 */
	if (has(h, CGROUP_MEMORY) && spec->memory_bytes > 0) {
		int64_t memsw =
		        spec->memory_swap_bytes ? spec->memory_swap_bytes : spec->memory_bytes;

		if (write_num(dir, "memory.limit_in_bytes", spec->memory_bytes, false, err) < 0 ||
		    write_num(dir, "memory.memsw.limit_in_bytes", memsw, true, err) < 0)
			return -1;
	}
	/* The soft limit: reclaimed down to it first when the host runs short. */
	if (has(h, CGROUP_MEMORY) && spec->memory_reservation_bytes > 0 &&
	    write_num(dir, "memory.soft_limit_in_bytes", spec->memory_reservation_bytes, false,
	              err) < 0)
		return -1;
	if (has(h, CGROUP_MEMORY) && write_memory_knobs(dir, spec, err) < 0)
		return -1;
	/* pids: fork() and clone() fail with EAGAIN once the cgroup holds pids.max tasks. */
	if (has(h, CGROUP_PIDS) && spec->pids_max > 0 &&
	    write_num(dir, "pids.max", spec->pids_max, false, err) < 0)
		return -1;
	/* CFS bandwidth: at most quota microseconds of CPU time in every period. */
	if (has(h, CGROUP_CPU) && spec->cpu_quota_us > 0) {
		if (write_num(dir, "cpu.cfs_period_us", spec->cpu_period_us, false, err) < 0 ||
		    write_num(dir, "cpu.cfs_quota_us", spec->cpu_quota_us, false, err) < 0)
			return -1;
	}
	/* The CPU weight against the cgroup's siblings (1024 is the default). */
	if (has(h, CGROUP_CPU) && spec->cpu_shares > 0 &&
	    write_num(dir, "cpu.shares", (int64_t)spec->cpu_shares, false, err) < 0)
		return -1;
	/* Which CPUs and memory nodes (after cg_v1_init_cpuset copied the parent's). */
	if (has(h, CGROUP_CPUSET) && spec->cpuset_cpus &&
	    cgroup_write(dir, "cpuset.cpus", spec->cpuset_cpus, false, err) < 0)
		return -1;
	if (has(h, CGROUP_CPUSET) && spec->cpuset_mems &&
	    cgroup_write(dir, "cpuset.mems", spec->cpuset_mems, false, err) < 0)
		return -1;
	return 0;
}

/* "c 1:3 rwm", "a *:* rwm", "c 136:* rwm": the devices.allow/deny syntax. */
static void format_rule(const struct cgroup_devrule *r, char *buf, size_t size)
{
	char major[24] = "*", minor[24] = "*";

	if (r->major >= 0)
		snprintf(major, sizeof(major), "%" PRId64, r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, r->minor);
	snprintf(buf, size, "%c %s:%s %s", r->type ? r->type : 'a', major, minor, r->access);
}

int cgroup_v1_write_devices(const char *dir, const struct cgroup_devrule *rules, unsigned n,
                            struct rt_err *err)
{
	char text[80];

	/* Default deny with an empty exception list first: nothing is reachable by accident. */
	if (cgroup_write(dir, "devices.deny", "a", false, err) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const struct cgroup_devrule *r = &rules[i];
		const char *file = r->allow ? "devices.allow" : "devices.deny";

		format_rule(r, text, sizeof(text));
		rt_trace("cgroup", "device rule %u: %s %s  [%s]", i + 1,
		         r->allow ? "allow" : "deny", text, ent_has(r->why) ? r->why : "default");
		if (cgroup_write(dir, file, text, false, err) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v1_init_cpuset(const char *parent, const char *dir, struct rt_err *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char value[256];

	for (unsigned i = 0; i < 2; i++) {
		if (cgroup_read(parent, files[i], value, sizeof(value)) < 0)
			continue; /* not a cpuset hierarchy after all: nothing to copy */
		value[strcspn(value, "\n")] = '\0';
		if (cgroup_write(dir, files[i], value, false, err) < 0)
			return -1;
	}
	return 0;
}
