/*
 * entitlements/compile.c - compile a request into a plan: the defaults every container gets,
 * the grants of the requested entitlements (grant.c, filter.c, from the catalogue), then the
 * process options (volumes, tmpfs, env, user, workdir, limits).
 *
 * Pure code: no system calls. What depends on the host (uid maps) comes in req->host.
 */
#include "entitlements/ent.h"
#include "entitlements/grant.h"
#include "entitlements/learn.h"
#include "entitlements/names.h"
#include "entitlements/seccomp_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "base/util.h"

#define WHY_DEFAULT    ENT_WHY_DEFAULT
#define WHY_POLICY     "node policy" /* a default that is the policy's ceiling */
#define ENT_RANGE_SIZE 65536 /* ids of a container: ns/idrange.h leases blocks of this size */

/* clang-format off */
/* The standard kernel filesystems of a container, mounted in this order (after the rootfs). */
static const struct rootfs_mount base_mounts[] = {
	{ .source = "proc",   .target = "/proc",       .fstype = "proc",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ .source = "tmpfs",  .target = "/dev",        .fstype = "tmpfs",
	  .flags = MS_NOSUID | MS_STRICTATIME,        .data = "mode=755" },
	{ .source = "devpts", .target = "/dev/pts",    .fstype = "devpts",
	  .flags = MS_NOSUID | MS_NOEXEC,             .data = "newinstance,ptmxmode=0666,mode=0620" },
	{ .source = "shm",    .target = "/dev/shm",    .fstype = "tmpfs",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,  .data = "mode=1777" },
	{ .source = "mqueue", .target = "/dev/mqueue", .fstype = "mqueue",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ .source = "sysfs",  .target = "/sys",        .fstype = "sysfs",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY },
};

/*
 * Kernel interfaces that leak host information or allow host changes: hidden (a path this
 * kernel lacks is skipped). Docker's, crun's and runc's list, plus what proc(5) describes as
 * the host's physical memory and the kernel's layout: the page tables of every page
 * (kpage*), the allocators (slabinfo, vmallocinfo, buddyinfo, pagetypeinfo, zoneinfo), the
 * physical address map (iomem, ioports, mtrr), kernel and module addresses (kallsyms, modules)
 * and the host's interrupts. Left visible on purpose: meminfo, stat, vmstat, cpuinfo, which
 * ordinary tools (free, ps, top) read.
 */
static const char *const base_masked[] = {
	"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/acpi", "/proc/asound", "/proc/scsi", "/proc/latency_stats", "/proc/interrupts",
	"/proc/kpageflags", "/proc/kpagecount", "/proc/kpagecgroup", "/proc/slabinfo",
	"/proc/vmallocinfo", "/proc/buddyinfo", "/proc/pagetypeinfo", "/proc/zoneinfo",
	"/proc/iomem", "/proc/ioports", "/proc/mtrr", "/proc/kallsyms", "/proc/modules",
	"/sys/firmware", "/sys/devices/virtual/powercap", "/sys/kernel/slab",
};

/*
 * Of those, the files the kernel makes readable by host root alone (mode 0400, owner the
 * host's uid 0): where no container uid is host root, the kernel refuses them already (a
 * capability in the container's user namespace does not reach a file whose owner is not mapped
 * there), and a mask over them would be a mount, and its teardown, for nothing at every start.
 * Not here: timer_list (0400, but Docker's list names it) and pagetypeinfo (0444 before Linux
 * 5.4). The node policy still requires these masks where a container uid is host root
 * (policy.c: an OCI config without a user namespace, say).
 */
const char *const ent_host_root_only[] = {
	"/proc/kpageflags", "/proc/kpagecount",  "/proc/kpagecgroup",
	"/proc/slabinfo",   "/proc/vmallocinfo",
};
const unsigned ent_n_host_root_only = ARRAY_SIZE(ent_host_root_only);

/* Kernel interfaces the container may read but never write. */
static const char *const base_readonly[] = {
	"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs",
};

/* clang-format on */

static const char default_path[] =
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/*
 * Keep src in the plan (*dst points to the copy); a string of size bytes or more is an error,
 * never truncated: the mechanisms take paths up to PATH_MAX.
 */
static int keep_str(struct ent_plan *plan, const char **dst, size_t size, const char *src,
                    const char *what, struct rt_err *err)
{
	size_t len = strlen(src);

	if (len >= size)
		return rt_fail(err, 0,
		               "entitlements: %s too long (%zu bytes, at most %zu): %.40s...", what,
		               len, size - 1, src);
	*dst = ent_plan_strn(plan, src, len);
	return 0;
}

/* A string of the plan: NULL stays NULL, anything else is copied into the arena. */
static const char *plan_str(struct ent_plan *plan, const char *s)
{
	return s ? ent_plan_str(plan, s) : NULL;
}

int ent_plan_add_mount(struct ent_plan *plan, const struct rootfs_mount *m, const char *why,
                       struct rt_err *err)
{
	struct rootfs_spec *rootfs = &plan->rootfs;
	struct rootfs_mount *slot;

	if (rootfs->n_mounts >= ENT_MAX_MOUNTS)
		return rt_fail(err, 0, "entitlements: too many mounts (at most %d)",
		               ENT_MAX_MOUNTS);
	if (strlen(m->target) >= ENT_PATH_MAX || (m->source && strlen(m->source) >= ENT_PATH_MAX))
		return rt_fail(err, ENAMETOOLONG, "entitlements: mount on %.40s...", m->target);
	slot = &rootfs->mounts[rootfs->n_mounts++];
	*slot = *m;
	slot->source = plan_str(plan, m->source);
	slot->target = ent_plan_str(plan, m->target);
	slot->fstype = plan_str(plan, m->fstype);
	slot->data = plan_str(plan, m->data);
	slot->why = plan_str(plan, why);
	return 0;
}

/* Add path (static, or in the plan's arena) with why to a list of paths. */
static int add_path(struct rootfs_path *list, unsigned *n, const char *path, const char *why,
                    struct rt_err *err)
{
	if (*n >= ENT_MAX_PATHS)
		return rt_fail(err, 0, "entitlements: too many paths (at most %d)", ENT_MAX_PATHS);
	list[*n].path = path;
	list[*n].why = why;
	(*n)++;
	return 0;
}

/* Least privilege: every namespace new, nothing shared with the host. */
static void compile_namespaces(struct ns_spec *ns)
{
	for (int k = 0; k < NS_COUNT; k++) {
		ns->unshare[k] = true;
		ns->why[k] = WHY_DEFAULT;
	}
}

/*
 * User namespace maps. As root: container ids 0-65535 map to a block of 65536 host ids of the
 * container's own, leased at start (ns/idrange.h), so container root is an unprivileged host
 * uid that no other container shares; the rootfs and volumes are idmapped mounts, so files
 * owned by root on disk are root's inside too. Rootless: the caller becomes root inside; its
 * /etc/subuid range follows when newuidmap can write it.
 */
bool ent_same_idmaps(const struct ns_idmap *a, unsigned na, const struct ns_idmap *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (a[i].inside != b[i].inside || a[i].outside != b[i].outside ||
		    a[i].count != b[i].count)
			return false;
	return true;
}

void ent_default_idmaps(const struct ent_host *host, struct ns_spec *ns)
{
	ns->idmap_why = WHY_DEFAULT;
	if (host->uid == 0) {
		ns->uid_map[0] = (struct ns_idmap){ 0, 0, ENT_RANGE_SIZE };
		ns->gid_map[0] = (struct ns_idmap){ 0, 0, ENT_RANGE_SIZE };
		ns->n_uid_map = ns->n_gid_map = 1;
		ns->own_range = true;
		return;
	}
	ns->uid_map[0] = (struct ns_idmap){ 0, host->uid, 1 };
	ns->gid_map[0] = (struct ns_idmap){ 0, host->gid, 1 };
	ns->n_uid_map = ns->n_gid_map = 1;
	if (!host->have_idmap_helpers || !host->subuid.count || !host->subgid.count) {
		ns->deny_setgroups = true;
		return;
	}
	ns->use_idmap_helpers = true;
	ns->uid_map[1] = (struct ns_idmap){ 1, host->subuid.start, host->subuid.count };
	ns->gid_map[1] = (struct ns_idmap){ 1, host->subgid.start, host->subgid.count };
	ns->n_uid_map = ns->n_gid_map = 2;
}

static bool gid_mapped(const struct ns_spec *ns, uint32_t gid)
{
	for (unsigned i = 0; i < ns->n_gid_map; i++)
		if (gid >= ns->gid_map[i].inside &&
		    gid - ns->gid_map[i].inside < ns->gid_map[i].count)
			return true;
	return false;
}

static int compile_filesystems(const struct ent_request *req, struct ent_plan *plan,
                               struct rt_err *err)
{
	struct rootfs_spec *rootfs = &plan->rootfs;

	rootfs->root = ""; /* explain and check may name no rootfs */
	if (req->rootfs &&
	    keep_str(plan, &rootfs->root, ENT_PATH_MAX, req->rootfs, "rootfs path", err) < 0)
		return -1;
	rootfs->root_dev = req->rootfs_dev;
	rootfs->root_ino = req->rootfs_ino;
	for (size_t i = 0; i < ARRAY_SIZE(base_mounts); i++) {
		if (ent_plan_add_mount(plan, &base_mounts[i], WHY_DEFAULT, err) < 0)
			return -1;
	}
	/* devpts: terminals belong to group tty (5) when that group exists inside. */
	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		struct rootfs_mount *m = &rootfs->mounts[i];
		char data[128];

		if (strcmp(m->fstype, "devpts") || !gid_mapped(&plan->ns, 5))
			continue;
		snprintf(data, sizeof(data), "%s,gid=5", m->data ? m->data : "");
		m->data = ent_plan_str(plan, data);
	}
	for (size_t i = 0; i < ARRAY_SIZE(base_masked); i++) {
		if (add_path(rootfs->masked, &rootfs->n_masked, base_masked[i], WHY_DEFAULT, err) <
		    0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(base_readonly); i++) {
		if (add_path(rootfs->readonly_paths, &rootfs->n_readonly, base_readonly[i],
		             WHY_DEFAULT, err) < 0)
			return -1;
	}
	/* The minimal /dev: host nodes bound in (mknod is not allowed in a user namespace). */
	for (size_t i = 0; i < ent_n_dev_nodes; i++) {
		struct rootfs_device *dev = &rootfs->devices[rootfs->n_devices++];

		dev->path = ent_dev_nodes[i].path;
		dev->why = WHY_DEFAULT;
	}
	return 0;
}

/*
 * A --volume or --tmpfs may cover what the standard mounts put beneath /proc, /sys and /dev
 * (a larger /dev/shm), not those three themselves: the masks, read-only paths and device
 * nodes that ent-run makes there afterwards would land in the volume, a host directory, and
 * the container would be without procfs, sysfs or its /dev.
 */
static int check_cover(const char *what, const char *target, struct rt_err *err)
{
	static const char *const kernel_fs[] = ROOTFS_KERNEL_FS;

	for (unsigned i = 0; i < ARRAY_SIZE(kernel_fs); i++) {
		if (!strcmp(target, kernel_fs[i]))
			return rt_fail(err, 0,
			               "entitlements: %s onto %s: the container's %s is ent-run's "
			               "own (a mount beneath it may cover part of it)",
			               what, target, target);
	}
	return 0;
}

/*
 * --volume and --tmpfs, after the standard mounts so that they may cover what is beneath
 * them (check_cover). A --tmpfs without a size gets the node policy's ceiling, or
 * ENT_TMPFS_DEFAULT.
 */
static int compile_volumes(const struct ent_request *req, struct ent_plan *plan, struct rt_err *err)
{
	int64_t tmpfs_default = req->limits.has_tmpfs ? req->limits.tmpfs_bytes : ENT_TMPFS_DEFAULT;

	for (unsigned i = 0; i < req->n_volumes; i++) {
		const struct ent_volume *v = &req->volumes[i];
		struct rootfs_mount m = { .source = v->source,
			                  .target = v->target,
			                  .fstype = "bind",
			                  .flags = MS_BIND | MS_REC,
			                  .volume = true };

		if (check_cover("--volume", v->target, err) < 0)
			return -1;
		m.requested = true;

		m.source_dev = v->source_dev;
		m.source_ino = v->source_ino;
		if (v->readonly)
			m.flags |= MS_RDONLY;
		/*
		 * Idmapped, container root owns what host root owns: a device node in a volume
		 * would open for it. nodev: the only nodes it reaches are those in its /dev.
		 */
		m.idmap = plan->rootfs.idmap;
		if (m.idmap)
			m.flags |= MS_NODEV;
		if (ent_plan_add_mount(plan, &m, "--volume", err) < 0)
			return -1;
	}
	for (unsigned i = 0; i < req->n_tmpfs; i++) {
		char data[128] = "mode=1777";
		struct rootfs_mount m = { .source = "tmpfs",
			                  .target = req->tmpfs[i],
			                  .fstype = "tmpfs",
			                  .flags = MS_NOSUID | MS_NODEV,
			                  .data = data,
			                  .requested = true };

		if (check_cover("--tmpfs", m.target, err) < 0)
			return -1;
		if (ent_tmpfs_set_size(data, sizeof(data),
		                       req->tmpfs_bytes[i] ? req->tmpfs_bytes[i] : tmpfs_default) <
		    0)
			return rt_fail(err, 0, "entitlements: --tmpfs %s: options too long",
			               m.target);
		if (ent_plan_add_mount(plan, &m, "--tmpfs", err) < 0)
			return -1;
	}
	return 0;
}

static char **dup_strv(char *const *src, size_t extra, struct rt_err *err)
{
	size_t n = 0;
	char **v;

	while (src && src[n])
		n++;
	v = calloc(n + extra + 1, sizeof(*v));
	if (!v) {
		rt_fail(err, ENOMEM, "entitlements: copy arguments");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			ent_strv_free(v);
			rt_fail(err, ENOMEM, "entitlements: copy arguments");
			return NULL;
		}
	}
	return v;
}

/* Set KEY=VALUE in env (which has room), replacing an earlier KEY. */
static int env_set(char **env, const char *kv, struct rt_err *err)
{
	size_t keylen = strcspn(kv, "=");
	size_t i;

	for (i = 0; env[i]; i++) {
		if (!strncmp(env[i], kv, keylen) && env[i][keylen] == '=')
			break;
	}
	free(env[i]);
	env[i] = strdup(kv);
	if (!env[i])
		return rt_fail(err, ENOMEM, "entitlements: copy environment");
	return 0;
}

/* Environment: a clean one (nothing of the caller's leaks in), like docker run. */
static int compile_env(const struct ent_request *req, struct ent_process *proc, struct rt_err *err)
{
	char home[32];

	proc->env = dup_strv(NULL, req->n_env + 4, err);
	if (!proc->env)
		return -1;
	snprintf(home, sizeof(home), "HOME=%s", proc->uid == 0 ? "/root" : "/");
	if (env_set(proc->env, default_path, err) < 0 || env_set(proc->env, home, err) < 0)
		return -1;
	if (req->tty && env_set(proc->env, "TERM=xterm", err) < 0)
		return -1;
	for (unsigned i = 0; i < req->n_env; i++) {
		if (env_set(proc->env, req->env[i], err) < 0)
			return -1;
	}
	return 0;
}

static int compile_process(const struct ent_request *req, struct ent_plan *plan, struct rt_err *err)
{
	struct ent_process *proc = &plan->proc;

	proc->uid = req->has_user ? req->uid : 0;
	proc->gid = req->has_user ? req->gid : 0;
	proc->tty = req->tty;
	const char *hostname = req->hostname ? req->hostname : "ent-run";

	if (keep_str(plan, &proc->cwd, ENT_PATH_MAX, req->workdir ? req->workdir : "/", "--workdir",
	             err) < 0)
		return -1;
	if (strlen(hostname) >= sizeof(plan->ns.hostname))
		return rt_fail(err, 0, "entitlements: --hostname too long: %.40s...", hostname);
	memcpy(plan->ns.hostname, hostname, strlen(hostname) + 1);
	proc->argv = dup_strv(req->argv, 0, err);
	if (!proc->argv)
		return -1;
	return compile_env(req, proc, err);
}

/*
 * Every tmpfs the plan mounts writable has a size, so that no container can fill the host's
 * memory through one (tmpfs(5): without "size=" a tmpfs may grow to half of RAM). Those the
 * request did not size (the container's /dev and /dev/shm, security.fs=read-only's /tmp and
 * /run, the holder of the cgroup mounts) get ENT_TMPFS_DEFAULT, or the node policy's ceiling
 * when it is lower.
 */
static int size_tmpfs(const struct ent_request *req, struct ent_plan *plan, struct rt_err *err)
{
	struct rootfs_spec *rootfs = &plan->rootfs;
	int64_t bytes = ENT_TMPFS_DEFAULT;

	if (req->limits.has_tmpfs && req->limits.tmpfs_bytes < bytes)
		bytes = req->limits.tmpfs_bytes;
	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		struct rootfs_mount *m = &rootfs->mounts[i];
		char data[128];

		if (strcmp(m->fstype, "tmpfs") || ent_tmpfs_size(m->data) >= 0)
			continue;
		snprintf(data, sizeof(data), "%s", m->data ? m->data : "");
		if (ent_tmpfs_set_size(data, sizeof(data), bytes) < 0)
			return rt_fail(err, 0, "entitlements: tmpfs %s: options too long",
			               m->target);
		m->data = ent_plan_str(plan, data);
	}
	return 0;
}

/*
 * Cgroup limits: what the request names, else the node policy's ceiling, else the defaults (a
 * pids limit, so that a fork bomb is contained out of the box).
 */
static void compile_limits(const struct ent_request *req, struct cgroup_spec *cg)
{
	const struct ent_limits *ceil = &req->limits;

	cg->pids_max = req->has_pids    ? req->pids_max
	               : ceil->has_pids ? ceil->pids_max
	                                : ENT_PIDS_DEFAULT;
	cg->pids_why = req->has_pids ? "--pids" : ceil->has_pids ? WHY_POLICY : WHY_DEFAULT;
	if (req->has_memory || ceil->has_memory) {
		cg->memory_bytes = req->has_memory ? req->memory_bytes : ceil->memory_bytes;
		cg->memory_why = req->has_memory ? "--memory" : WHY_POLICY;
	}
	if (req->has_cpus) {
		cg->cpu_quota_us = req->cpu_quota_us;
		cg->cpu_period_us = req->cpu_period_us;
		cg->cpu_why = "--cpus";
	} else if (ceil->has_cpus) {
		cg->cpu_quota_us = ceil->cpu_quota_us;
		cg->cpu_period_us = ceil->cpu_period_us;
		cg->cpu_why = WHY_POLICY;
	}
}

/*
 * Parse every --entitle and record what was asked for, canonical and once each, in
 * plan->grants. reqs receives the parsed entitlements in request order.
 */
static int compile_requests(const struct ent_request *req, struct ent_grant_req *reqs,
                            struct ent_plan *plan, struct rt_err *err)
{
	for (unsigned i = 0; i < req->n_entitlements; i++) {
		struct ent_grant *g;
		bool seen = false;

		if (ent_parse(req->entitlements[i], &reqs[i], err) < 0)
			return -1;
		for (unsigned j = 0; j < plan->n_grants && !seen; j++)
			seen = !strcmp(plan->grants[j].text, reqs[i].text);
		if (seen)
			continue;
		if (plan->n_grants >= ENT_MAX_GRANTS)
			return rt_fail(err, 0, "entitlements: too many entitlements (at most %d)",
			               ENT_MAX_GRANTS);
		g = &plan->grants[plan->n_grants++];
		g->text = ent_plan_str(plan, reqs[i].text);
		g->from = req->entitlement_from[i] ? ent_plan_str(plan, req->entitlement_from[i])
		                                   : "--entitle";
	}
	return 0;
}

/*
 * Only raw host devices keep host identity. host.devices.access=admin binds the host's /dev:
 * its root-only nodes are what it exists for, and no id map could make them container root's,
 * so its ids map to the host's own 0-65535 (container root is host root: the entitlement is
 * host-root-equivalent by nature, and policy-gated). Every other container started by root has
 * a range of its own, and its rootfs, volumes and passed devices become idmapped mounts.
 */
static void compile_identity(const struct ent_host *host, unsigned n_base_devices,
                             struct ent_plan *plan)
{
	struct ns_spec *ns = &plan->ns;
	struct rootfs_spec *rootfs = &plan->rootfs;

	if (!ns->own_range)
		return;
	if (!ns->unshare[NS_USER] || rootfs->host_dev) {
		ns->own_range = false;
		ns->uid_map[0] = (struct ns_idmap){ 0, host->uid, ENT_RANGE_SIZE };
		ns->gid_map[0] = (struct ns_idmap){ 0, host->gid, ENT_RANGE_SIZE };
		ns->idmap_why = rootfs->host_dev ? rootfs->host_dev_why : ns->why[NS_USER];
		return;
	}
	rootfs->idmap = true;
	for (unsigned i = n_base_devices; i < rootfs->n_devices; i++)
		rootfs->devices[i].idmap = true; /* host.devices.allow: usable by container root */
}

bool ent_maps_host_root(const struct ns_spec *ns)
{
	if (!ns->unshare[NS_USER])
		return true;
	if (ns->own_range)
		return false; /* a leased block: never 0 (subid.c refuses entries that low) */
	for (unsigned i = 0; i < ns->n_uid_map; i++)
		if (ns->uid_map[i].outside == 0)
			return true;
	return false;
}

bool ent_kernel_hides(const struct ns_spec *ns, const char *path)
{
	if (ent_maps_host_root(ns))
		return false;
	for (unsigned i = 0; i < ent_n_host_root_only; i++)
		if (!strcmp(path, ent_host_root_only[i]))
			return true;
	return false;
}

/* The masks over files the kernel refuses to every container uid anyway: dropped. */
static void compile_host_root_masks(struct ent_plan *plan)
{
	struct rootfs_spec *rootfs = &plan->rootfs;
	unsigned kept = 0;

	for (unsigned i = 0; i < rootfs->n_masked; i++)
		if (!ent_kernel_hides(&plan->ns, rootfs->masked[i].path))
			rootfs->masked[kept++] = rootfs->masked[i];
	rootfs->n_masked = kept;
}

/*
 * The device cgroup only where it protects something: where container root is host root
 * (host.devices.access=admin, or no user namespace) or a host device is passed in. Otherwise
 * container root is an unprivileged host uid in a user namespace: it cannot create a device
 * node (mknod of a device needs CAP_MKNOD in the host's user namespace), every filesystem it
 * mounts is nodev, its rootfs and volumes are mounted nodev, so the only nodes it can open are
 * those ent-run binds into its /dev. A cgroup would cost a mkdir, an attach that can stall for
 * an RCU grace period, and an rmdir at every start, for nothing.
 */
static void compile_device_rules(struct ent_plan *plan)
{
	if (ent_maps_host_root(&plan->ns) || plan->rootfs.host_dev)
		return;
	for (unsigned i = 0; i < plan->cgroup.n_devrules; i++) {
		if (ent_has(plan->cgroup.devrules[i].path)) /* host.devices.allow */
			return;
	}
	plan->cgroup.n_devrules = 0;
}

/*
 * The process cap without a cgroup where it is the same cap: RLIMIT_NPROC counts the processes
 * of one real uid in one user namespace (since Linux 5.14), and a container that cannot change
 * its uid (no CAP_SETUID) runs each of its processes under one uid of its own: the workload's
 * (PID 1, ent-run's, is one more under root). With CAP_SETUID it could spread over many uids,
 * each counted apart: then only the pids controller caps the whole container.
 */
static int compile_pids_rlimit(struct ent_plan *plan, struct rt_err *err)
{
	struct cgroup_spec *cg = &plan->cgroup;
	struct ent_rlimit *rl;

	if (cg->pids_max <= 0 || !plan->ns.unshare[NS_USER] ||
	    (plan->lockdown.caps.bounding & (UINT64_C(1) << CAP_SETUID)))
		return 0;
	/* With a pids cgroup anyway (--stats, a --timeout to enforce), the cap lives there. */
	if (cg->stats || cg->track)
		return 0;
	if (plan->proc.n_rlimits >= ENT_MAX_RLIMITS)
		return rt_fail(err, 0, "entitlements: too many rlimits (at most %d)",
		               ENT_MAX_RLIMITS);
	rl = &plan->proc.rlimits[plan->proc.n_rlimits++];
	rl->resource = RLIMIT_NPROC;
	rl->soft = rl->hard = (uint64_t)cg->pids_max;
	rl->why = cg->pids_why;
	cg->pids_rlimit = true;
	return 0;
}

/*
 * The options a CI job asks for. --ephemeral: the rootfs under an overlay whose upper layer is
 * a tmpfs of the request's SIZE, else ENT_EPHEMERAL_DEFAULT (or the node policy's tmpfs
 * ceiling when that is lower, as every tmpfs the request does not size); under
 * security.fs=read-only there is nothing to write, so no upper layer and no tmpfs. --timeout:
 * where the container shares the host's PID namespace, killing its PID 1 kills nobody else, so
 * a cgroup must track its processes. --stats: the cgroups that count what it used.
 */
static void compile_ci(const struct ent_request *req, struct ent_plan *plan)
{
	struct rootfs_overlay *eph = &plan->rootfs.ephemeral;
	struct cgroup_spec *cg = &plan->cgroup;
	int64_t size = ENT_EPHEMERAL_DEFAULT;

	if (req->limits.has_tmpfs && req->limits.tmpfs_bytes < size)
		size = req->limits.tmpfs_bytes;
	if (req->ephemeral) {
		eph->enabled = true;
		eph->why = "--ephemeral";
		eph->upper = !plan->rootfs.readonly;
		eph->size_bytes = !eph->upper            ? 0
		                  : req->ephemeral_bytes ? req->ephemeral_bytes
		                                         : size;
	}
	if (req->timeout_ms > 0) {
		plan->proc.timeout_ms = req->timeout_ms;
		plan->proc.kill_after_ms =
		        req->kill_after_ms > 0 ? req->kill_after_ms : ENT_KILL_AFTER_DEFAULT;
		plan->proc.timeout_why = "--timeout";
		if (!plan->ns.unshare[NS_PID]) {
			cg->track = true;
			cg->track_why = "--timeout";
		}
	}
	if (req->stats) {
		cg->stats = true;
		cg->stats_why = "--stats";
	}
}

/*
 * The seccomp reference: runtime/default is the filter built from the entitlements;
 * unconfined loads none; localhost/NAME replaces the rules with a JSON profile's, whose text
 * runtime/ read for us.
 */
static int compile_seccomp_ref(const struct ent_request *req, struct ent_plan *plan,
                               struct rt_err *err)
{
	struct lockdown_spec *ld = &plan->lockdown;
	const char *ref = req->seccomp_ref;
	struct ent_seccomp_host host;

	if (!ref || !strcmp(ref, "runtime/default"))
		return 0;
	if (!strcmp(ref, "unconfined")) {
		ld->seccomp_mode = LOCKDOWN_SECCOMP_UNCONFINED;
		ld->seccomp_ref = "unconfined";
		return 0;
	}
	if (strncmp(ref, "localhost/", 10) || !req->seccomp_profile)
		return rt_fail(err, 0,
		               "entitlements: unknown --seccomp '%s' (expected: runtime/default, "
		               "unconfined, localhost/NAME)",
		               ref);
	/* The profile replaces the filter derived from the entitlements, whole. */
	ent_lockdown_clear_rules(ld);
	host.caps = ld->caps.bounding;
	host.kernel_major = req->host.kernel_major;
	host.kernel_minor = req->host.kernel_minor;
	if (ent_seccomp_import_json(req->seccomp_profile, req->seccomp_profile_len,
	                            plan_str(plan, req->seccomp_profile_path), &host, ld, err) < 0)
		return -1;
	return keep_str(plan, &ld->seccomp_ref, ENT_PATH_MAX, ref, "--seccomp", err);
}

/* Published ports need a reachable network of our own: network.access=proxy or above. */
static int compile_network(const struct ent_request *req, struct netcfg_spec *net,
                           struct rt_err *err)
{
	char have[ENT_NAME_MAX];

	if (req->n_publish && (net->mode < NETCFG_PROXY || net->mode == NETCFG_HOST)) {
		ent_entry_name(ent_entry_net(net->mode), have, sizeof(have));
		return rt_fail(err, 0,
		               "entitlements: --publish needs network.access=proxy or admin "
		               "(have %s)",
		               have);
	}
	if (req->n_publish > ENT_MAX_PUBLISH)
		return rt_fail(err, 0, "entitlements: too many --publish (at most %d)",
		               ENT_MAX_PUBLISH);
	memcpy(net->publish, req->publish, req->n_publish * sizeof(req->publish[0]));
	net->n_publish = req->n_publish;
	net->subnet_given = req->subnet != NULL;
	if (net->mode >= NETCFG_USER && net->mode != NETCFG_HOST) {
		const char *subnet = req->subnet ? req->subnet : ENT_SUBNET_DEFAULT;

		if (strlen(subnet) >= sizeof(net->subnet))
			return rt_fail(err, 0, "entitlements: --subnet too long: %.40s...", subnet);
		memcpy(net->subnet, subnet, strlen(subnet) + 1);
	}
	return 0;
}

/*
 * With connectivity (network.access=user and above, not host), the container's own
 * /etc/resolv.conf and /etc/hosts, bound read-only over the rootfs's, which stays untouched:
 * netcfg/ writes them into ent-run's state directory at start and the parent fills in their
 * paths (generated). A --volume on the same target wins. After the volumes, so they come last.
 */
static int compile_net_files(struct ent_plan *plan, struct rt_err *err)
{
	static const struct {
		const char *target;
		enum rootfs_generated kind;
	} files[] = {
		{ "/etc/resolv.conf", ROOTFS_GEN_RESOLV },
		{ "/etc/hosts", ROOTFS_GEN_HOSTS },
	};
	const struct netcfg_spec *net = &plan->net;

	if (net->mode < NETCFG_USER || net->mode == NETCFG_HOST)
		return 0;
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		struct rootfs_mount m = { .target = files[f].target,
			                  .fstype = "bind",
			                  .flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			                  .create_file = true,
			                  .generated = (uint8_t)files[f].kind };
		bool covered = false;

		for (unsigned i = 0; i < plan->rootfs.n_mounts && !covered; i++)
			covered = !strcmp(plan->rootfs.mounts[i].target, m.target);
		if (!covered && ent_plan_add_mount(plan, &m, net->why, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * Everything in order: defaults, then the entitlements' grants, then the options, which may
 * cover what the grants mounted. reqs (parsed entitlements) outlives sel, which borrows.
 */
static int compile_all(const struct ent_request *req, struct ent_grant_req *reqs,
                       struct ent_plan *plan, struct rt_err *err)
{
	struct ent_selection sel;
	unsigned n_base_devices;

	if (compile_requests(req, reqs, plan, err) < 0)
		return -1;
	if (ent_select(plan, reqs, req->n_entitlements, &sel, err) < 0)
		return -1;
	compile_namespaces(&plan->ns);
	ent_default_idmaps(&req->host, &plan->ns);
	plan->net.mode = NETCFG_LOOPBACK;
	plan->net.why = WHY_DEFAULT;
	plan->lockdown.no_new_privs = true;
	if (compile_filesystems(req, plan, err) < 0)
		return -1;
	n_base_devices = plan->rootfs.n_devices;
	if (ent_grant_apply(&sel, plan, err) < 0)
		return -1;
	compile_identity(&req->host, n_base_devices, plan);
	compile_host_root_masks(plan);
	compile_device_rules(plan);
	compile_limits(req, &plan->cgroup);
	compile_ci(req, plan);
	if (compile_pids_rlimit(plan, err) < 0)
		return -1;
	if (compile_seccomp_ref(req, plan, err) < 0)
		return -1;
	if (req->learn && ent_learn_filter(&plan->lockdown, req->learn_caps, err) < 0)
		return -1;
	if (compile_network(req, &plan->net, err) < 0)
		return -1;
	if (compile_volumes(req, plan, err) < 0)
		return -1;
	if (compile_net_files(plan, err) < 0)
		return -1;
	if (size_tmpfs(req, plan, err) < 0)
		return -1;
	if (compile_process(req, plan, err) < 0)
		return -1;
	return 0;
}

int ent_compile(const struct ent_request *req, struct ent_plan *plan, struct rt_err *err)
{
	struct ent_grant_req *reqs; /* 8 KiB each: on the heap */
	int rc;

	if (req->n_entitlements > ENT_MAX_REQ_ITEMS)
		return rt_fail(err, 0, "entitlements: too many entitlements (at most %d)",
		               ENT_MAX_REQ_ITEMS);
	reqs = calloc(req->n_entitlements + 1, sizeof(*reqs));
	if (!reqs)
		return rt_fail(err, ENOMEM, "entitlements: parse the entitlements");
	rc = compile_all(req, reqs, plan, err);
	free(reqs);
	if (rc == 0 && plan->strings_failed)
		return rt_fail(err, ENOMEM, "entitlements: the plan's strings");
	return rc;
}
