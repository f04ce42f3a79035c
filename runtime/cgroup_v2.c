/*
 * runtime/cgroup_v2.c - limits on the unified hierarchy, cgroup v2 (cgroups(7);
 * Documentation/admin-guide/cgroup-v2.rst).
 *
 * v2 is one tree for all controllers. A controller works in a cgroup only once its parent
 * enables it for its children ("+memory" in the parent's cgroup.subtree_control), and a
 * non-root cgroup with enabled controllers may not hold processes itself (the "no internal
 * processes" rule): the container's cgroup is a leaf below ours. The limits are
 * memory.max, memory.swap.max, pids.max and cpu.max ("QUOTA PERIOD"). Devices have no file:
 * a BPF program decides (cgroup_bpf.c).
 */
#include "runtime/cgroup_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"

static const char *const v2_names[CGROUP_N_CONTROLLERS] = {
	[CGROUP_MEMORY] = "memory", [CGROUP_PIDS] = "pids", [CGROUP_CPU] = "cpu",
	[CGROUP_CPUSET] = "cpuset", [CGROUP_IO] = "io",
};

/* Is name one of the space-separated words of list ("cpu" is not "cpuset")? */
static bool has_word(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strstr(list, name); p; p = strstr(p + 1, name)) {
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	}
	return false;
}

int cgroup_v2_enable(const struct cgroup_hier *h, const char *parent,
                     const struct cgroup_spec *spec, struct rt_err *err)
{
	unsigned need = cgroup_wanted(spec) & h->controllers;
	char have[256] = "", text[64] = "";
	size_t len = 0;

	if (cgroup_read(parent, "cgroup.subtree_control", have, sizeof(have)) < 0)
		have[0] = '\0';
	for (int c = 0; c < CGROUP_N_CONTROLLERS; c++) {
		if (!(need & (1u << c)) || !v2_names[c] || has_word(have, v2_names[c]))
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s+%s", len ? " " : "",
		                        v2_names[c]);
	}
	if (!len)
		return 0;
	rt_trace("cgroup", "write %s/cgroup.subtree_control \"%s\"", parent, text);
	if (cgroup_write(parent, "cgroup.subtree_control", text, false, err) < 0) {
		if (err->errnum == EBUSY)
			rt_err_hint(err,
			            "cgroup v2 enables controllers only below a cgroup without "
			            "processes of its own: start ent-run in a cgroup of its own "
			            "(e.g. systemd-run --scope -p Delegate=yes ent-run ...)");
		return -1;
	}
	return 0;
}

/*
 * The limits only an OCI config sets: memory.swap.max (swap beyond memory, "max" for -1),
 * memory.low (the reservation), cpu.weight (from v1 shares, as runc converts them: 2..262144
 * onto 1..10000) and cpuset.cpus, cpuset.mems.
 */
static int write_oci_limits(const struct cgroup_hier *h, const char *dir,
                            const struct cgroup_spec *spec, struct rt_err *err)
{
	bool memory = h->controllers & (1u << CGROUP_MEMORY);
	char text[48];

	/* v2 has no file for these: refused, never dropped. */
	if (memory && (spec->memory_tcp_bytes > 0 || spec->has_memory_swappiness ||
	               spec->memory_oom_kill_disable))
		return rt_fail(err, 0,
		               "cgroup: linux.resources.memory.%s: cgroup v2 has no such "
		               "setting (only v1 hierarchies have it)",
		               spec->memory_tcp_bytes > 0    ? "kernelTCP"
		               : spec->has_memory_swappiness ? "swappiness"
		                                             : "disableOOMKiller");

	if (memory && spec->memory_bytes > 0 && spec->memory_swap_bytes) {
		if (spec->memory_swap_bytes < 0)
			snprintf(text, sizeof(text), "max");
		else
			snprintf(text, sizeof(text), "%" PRId64,
			         spec->memory_swap_bytes - spec->memory_bytes);
		if (cgroup_write(dir, "memory.swap.max", text, true, err) < 0)
			return -1;
	}
	if (memory && spec->memory_reservation_bytes > 0) {
		snprintf(text, sizeof(text), "%" PRId64, spec->memory_reservation_bytes);
		if (cgroup_write(dir, "memory.low", text, false, err) < 0)
			return -1;
	}
	if ((h->controllers & (1u << CGROUP_CPU)) && spec->cpu_shares > 0) {
		uint64_t shares = spec->cpu_shares < 2 ? 2 : spec->cpu_shares;

		snprintf(text, sizeof(text), "%" PRIu64, 1 + ((shares - 2) * 9999) / 262142);
		if (cgroup_write(dir, "cpu.weight", text, false, err) < 0)
			return -1;
	}
	if (!(h->controllers & (1u << CGROUP_CPUSET)))
		return 0;
	if (spec->cpuset_cpus &&
	    cgroup_write(dir, "cpuset.cpus", spec->cpuset_cpus, false, err) < 0)
		return -1;
	if (spec->cpuset_mems &&
	    cgroup_write(dir, "cpuset.mems", spec->cpuset_mems, false, err) < 0)
		return -1;
	return 0;
}

int cgroup_v2_write_limits(const struct cgroup_hier *h, const char *dir,
                           const struct cgroup_spec *spec, struct rt_err *err)
{
	char text[48];

	if ((h->controllers & (1u << CGROUP_MEMORY)) && spec->memory_bytes > 0) {
		snprintf(text, sizeof(text), "%" PRId64, spec->memory_bytes);
		if (cgroup_write(dir, "memory.max", text, false, err) < 0)
			return -1;
		/* No swap beyond the limit (the file exists only with swap accounting). */
		if (cgroup_write(dir, "memory.swap.max", "0", true, err) < 0)
			return -1;
	}
	if ((h->controllers & (1u << CGROUP_PIDS)) && spec->pids_max > 0) {
		snprintf(text, sizeof(text), "%" PRId64, spec->pids_max);
		if (cgroup_write(dir, "pids.max", text, false, err) < 0)
			return -1;
	}
	if ((h->controllers & (1u << CGROUP_CPU)) && spec->cpu_quota_us > 0) {
		snprintf(text, sizeof(text), "%" PRId64 " %" PRId64, spec->cpu_quota_us,
		         spec->cpu_period_us);
		if (cgroup_write(dir, "cpu.max", text, false, err) < 0)
			return -1;
	}
	return write_oci_limits(h, dir, spec, err);
}
