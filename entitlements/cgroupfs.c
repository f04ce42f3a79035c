/*
 * entitlements/cgroupfs.c - the container's view of its cgroups: /sys/fs/cgroup, read-only
 * (cgroups(7), cgroup_namespaces(7)).
 *
 * Runtimes that size themselves from their limits (the JVM, Go, Node) read them from
 * /sys/fs/cgroup: memory.limit_in_bytes on v1, memory.max on v2. We mirror the host's layout:
 * on v1 and hybrid hosts a tmpfs at /sys/fs/cgroup holding one "cgroup" mount per hierarchy
 * (mount data names the hierarchy's controllers, and must name exactly those of the host's
 * hierarchy: "cpu,cpuacct" where they are one hierarchy, "cpu" where they are two), plus the
 * cgroup2 tree where it is; on v2 hosts the cgroup2 tree at /sys/fs/cgroup itself.
 *
 * Only the hierarchies in use are mounted: those carrying a limit, the device rules or a report,
 * where the runtime places the container (runtime/cgroup.c makes the same choice). These are new
 * mounts made inside the container's cgroup namespace, so each shows the container's own
 * cgroup as its root: nothing of the host's other cgroups is visible. They are
 * read-only, and the tmpfs holding them is made read-only last (a read-only path), so the
 * container cannot raise its own limits. Pure code: host->cgroups comes from the runtime.
 */
#include "entitlements/ent.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#define CGROUP_DIR "/sys/fs/cgroup"
#define WHY        "default"
#define WANTED_MAX 6 /* memory, pids, cpu, devices, cpuset, cpuacct */

/*
 * Where a host mount point goes inside, below dir (/sys/fs/cgroup): the same place relative to
 * the host's /sys/fs/cgroup, else its last name.
 */
static int container_target(const char *mnt, const char *dir, char *out, size_t size)
{
	const char *base = strrchr(mnt, '/');
	size_t len = strlen(CGROUP_DIR);
	int n;

	if (!strncmp(mnt, CGROUP_DIR, len) && (mnt[len] == '/' || mnt[len] == '\0'))
		n = snprintf(out, size, "%s%s", dir, mnt + len);
	else
		n = snprintf(out, size, "%s/%s", dir, base && base[1] ? base + 1 : "cgroup");
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * One hierarchy at target: a fresh "cgroup" mount with its controllers as data, or "cgroup2";
 * or (v->dir) a bind of the container's own cgroup directory in it.
 */
static int add_hierarchy(const struct ent_cgroup_mount *c, const char *target,
                         const struct ent_cgroup_view *v, struct ent_plan *plan, struct rt_err *err)
{
	unsigned long ro = v->readonly ? MS_RDONLY : 0;
	struct rootfs_mount m = { .source = c->v2 ? "cgroup2" : "cgroup",
		                  .target = target,
		                  .fstype = c->v2 ? "cgroup2" : "cgroup",
		                  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | ro,
		                  .data = c->v2 ? NULL : c->opts };
	char source[ENT_PATH_MAX];
	int n;

	if (v->dir) {
		if (v->dir[0] == '/')
			n = snprintf(source, sizeof(source), "%s%s", c->mnt, v->dir);
		else
			n = snprintf(source, sizeof(source), "%s%s/%s", c->mnt,
			             strcmp(c->own, "/") ? c->own : "", v->dir);
		if (n < 0 || (size_t)n >= sizeof(source))
			return rt_fail(err, 0, "entitlements: cgroup directory too long: %.40s...",
			               v->dir);
		m.source = source;
		m.fstype = "bind";
		m.flags |= MS_BIND | MS_REC;
		m.data = NULL;
	}
	return ent_plan_add_mount(plan, &m, v->why, err);
}

/*
 * The controllers the plan uses, as v1 calls them (runtime/cgroup.c's cgroup_wanted): those of
 * its limits (cpuset: an OCI config's CPUs and memory nodes) and device rules, those --stats
 * reads (memory, cpuacct, pids), pids to track every process. On v2, cpuacct and devices need
 * no controller; a controller found on no v1 hierarchy puts the cgroup2 tree in use (in_use
 * below). --stats also reads v2's io where it is enabled, which need not be shown inside.
 */
static void wanted_controllers(const struct cgroup_spec *cg, const char *out[WANTED_MAX])
{
	unsigned n = 0;

	if (ent_cgroup_sets_memory(cg) || cg->stats)
		out[n++] = "memory";
	if ((cg->pids_max > 0 && !cg->pids_rlimit) || cg->stats || cg->track)
		out[n++] = "pids";
	if (cg->cpu_quota_us > 0 || cg->cpu_shares > 0)
		out[n++] = "cpu";
	if (cg->n_devrules > 0)
		out[n++] = "devices";
	if (cg->cpuset_cpus || cg->cpuset_mems)
		out[n++] = "cpuset";
	if (cg->stats)
		out[n++] = "cpuacct";
	while (n < WANTED_MAX)
		out[n++] = NULL;
}

/* Does the comma-separated option list opts name controller ctrl? */
static bool has_controller(const char *opts, const char *ctrl)
{
	size_t len = strlen(ctrl);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, ctrl, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
	}
	return false;
}

/*
 * Is hierarchy c in use? A v1 hierarchy when it has a wanted controller; the cgroup2 tree when
 * a wanted controller is on no v1 hierarchy (a controller comes from v1 when one has it).
 */
static bool in_use(const struct ent_cgroup_layout *layout, const struct ent_cgroup_mount *c,
                   const char *const wanted[WANTED_MAX])
{
	for (unsigned w = 0; w < WANTED_MAX && wanted[w]; w++) {
		bool on_v1 = false;

		if (!c->v2 && has_controller(c->opts, wanted[w]))
			return true;
		for (unsigned i = 0; i < layout->n_mounts && !on_v1; i++)
			on_v1 = !layout->mounts[i].v2 &&
			        has_controller(layout->mounts[i].opts, wanted[w]);
		if (c->v2 && !on_v1)
			return true;
	}
	return false;
}

/* A tree mounted at /sys/fs/cgroup itself (pure v2) takes the place of the tmpfs. */
static const struct ent_cgroup_mount *at_top(const struct ent_cgroup_layout *layout)
{
	char target[ENT_PATH_MAX];

	for (unsigned i = 0; i < layout->n_mounts; i++) {
		if (!container_target(layout->mounts[i].mnt, CGROUP_DIR, target, sizeof(target)) &&
		    !strcmp(target, CGROUP_DIR))
			return &layout->mounts[i];
	}
	return NULL;
}

int ent_compile_cgroup_view(const struct ent_host *host, struct ent_plan *plan,
                            const struct ent_cgroup_view *v, struct rt_err *err)
{
	const struct ent_cgroup_layout *layout = &host->cgroups;
	struct rootfs_spec *rootfs = &plan->rootfs;
	const char *wanted[WANTED_MAX];
	const struct ent_cgroup_mount *top = at_top(layout);
	struct rootfs_mount tmpfs = { .source = "tmpfs",
		                      .target = v->target,
		                      .fstype = "tmpfs",
		                      .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
		                      .data = "mode=755,size=4k" }; /* mount points only */
	char target[ENT_PATH_MAX];

	wanted_controllers(&plan->cgroup, wanted);
	if (!layout->n_mounts || (!v->every && !wanted[0]))
		return 0;
	if (top && (v->every || in_use(layout, top, wanted)))
		return add_hierarchy(top, v->target, v, plan, err);
	if (top)
		return 0;
	/* Writable while the mount points are made in it; read-only once they are (below). */
	if (ent_plan_add_mount(plan, &tmpfs, v->why, err) < 0)
		return -1;
	for (unsigned i = 0; i < layout->n_mounts; i++) {
		if (!v->every && !in_use(layout, &layout->mounts[i], wanted))
			continue;
		if (container_target(layout->mounts[i].mnt, v->target, target, sizeof(target)) < 0)
			return rt_fail(err, 0, "entitlements: cgroup mount point too long");
		if (add_hierarchy(&layout->mounts[i], target, v, plan, err) < 0)
			return -1;
	}
	if (!v->readonly)
		return 0;
	if (rootfs->n_readonly >= ENT_MAX_PATHS)
		return rt_fail(err, 0, "entitlements: too many paths (at most %d)", ENT_MAX_PATHS);
	rootfs->readonly_paths[rootfs->n_readonly].path = ent_plan_str(plan, v->target);
	rootfs->readonly_paths[rootfs->n_readonly].why = v->why;
	rootfs->n_readonly++;
	return 0;
}

int ent_compile_cgroupfs(const struct ent_host *host, struct ent_plan *plan, struct rt_err *err)
{
	struct ent_cgroup_view v = {
		.target = CGROUP_DIR, .every = false, .dir = NULL, .readonly = true, .why = WHY
	};

	/* Outside a cgroup namespace of its own, a mount would show the host's whole tree. */
	if (!plan->ns.unshare[NS_CGROUP])
		return 0;
	return ent_compile_cgroup_view(host, plan, &v, err);
}
