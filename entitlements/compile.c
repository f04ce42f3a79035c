/*
 * entitlements/compile.c - compile a request into a plan: the defaults every container gets,
 * the grants of the requested entitlements (grant.c, filter.c, from the catalogue), then the
 * process options (volumes, tmpfs, env, user, workdir, limits).
 *
 * Pure code: no system calls. What depends on the host (uid maps) comes in req->host.
 */
#include "entitlements/ent.h"
#include "entitlements/grant.h"
#include "entitlements/seccomp_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>

#include "base/util.h"

#define WHY_DEFAULT    ENT_WHY_DEFAULT
#define DEFAULT_SUBNET "10.88.0.0/16"

/* clang-format off */
/* The standard kernel filesystems of a container, mounted in this order (after the rootfs). */
static const struct rootfs_mount base_mounts[] = {
	{ .source = "proc",   .target = "/proc",       .fstype = "proc",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ .source = "tmpfs",  .target = "/dev",        .fstype = "tmpfs",
	  .flags = MS_NOSUID | MS_STRICTATIME,        .data = "mode=755,size=65536k" },
	{ .source = "devpts", .target = "/dev/pts",    .fstype = "devpts",
	  .flags = MS_NOSUID | MS_NOEXEC,             .data = "newinstance,ptmxmode=0666,mode=0620" },
	{ .source = "shm",    .target = "/dev/shm",    .fstype = "tmpfs",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,  .data = "mode=1777,size=65536k" },
	{ .source = "mqueue", .target = "/dev/mqueue", .fstype = "mqueue",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ .source = "sysfs",  .target = "/sys",        .fstype = "sysfs",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY },
};

/* Kernel interfaces that leak host information or allow host changes: hidden. */
static const char *const base_masked[] = {
	"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/proc/acpi",
	"/proc/scsi", "/proc/latency_stats", "/sys/firmware", "/sys/devices/virtual/powercap",
};

/* Kernel interfaces the container may read but never write. */
static const char *const base_readonly[] = {
	"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs",
};

/* The minimal /dev: host nodes bound in (mknod is not allowed in a user namespace). */
static const char *const base_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};
/* clang-format on */

static const char default_path[] =
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct ent_plan *ent_plan_new(struct rt_err *err)
{
	struct ent_plan *plan = calloc(1, sizeof(*plan));

	if (!plan)
		rt_fail(err, ENOMEM, "entitlements: allocate the plan");
	return plan;
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void ent_plan_free(struct ent_plan *plan)
{
	if (!plan)
		return;
	free_strv(plan->proc.argv);
	free_strv(plan->proc.env);
	free(plan);
}

/* Copy src into a fixed buffer; a string that does not fit is an error, never truncated. */
static int copy_str(char *dst, size_t size, const char *src, const char *what, struct rt_err *err)
{
	size_t len = strlen(src);

	if (len >= size)
		return rt_fail(err, 0,
		               "entitlements: %s too long (%zu bytes, at most %zu): %.40s...", what,
		               len, size - 1, src);
	memcpy(dst, src, len + 1);
	return 0;
}

int ent_rootfs_add_mount(struct rootfs_spec *rootfs, const struct rootfs_mount *m, const char *why,
                         struct rt_err *err)
{
	struct rootfs_mount *slot;

	if (rootfs->n_mounts >= ENT_MAX_MOUNTS)
		return rt_fail(err, 0, "entitlements: too many mounts (at most %d)",
		               ENT_MAX_MOUNTS);
	slot = &rootfs->mounts[rootfs->n_mounts++];
	*slot = *m;
	set_why(slot->why, why);
	return 0;
}

static int add_path(struct rootfs_path *list, unsigned *n, const char *path, const char *why,
                    struct rt_err *err)
{
	if (*n >= ENT_MAX_PATHS)
		return rt_fail(err, 0, "entitlements: too many paths (at most %d)", ENT_MAX_PATHS);
	if (copy_str(list[*n].path, sizeof(list[*n].path), path, "path", err) < 0)
		return -1;
	set_why(list[*n].why, why);
	(*n)++;
	return 0;
}

/* Least privilege: every namespace new, nothing shared with the host. */
static void compile_namespaces(struct ns_spec *ns)
{
	for (int k = 0; k < NS_COUNT; k++) {
		ns->unshare[k] = true;
		set_why(ns->why[k], WHY_DEFAULT);
	}
}

/*
 * User namespace maps. As root: identity map of 0-65535, so files in the rootfs keep their
 * owners and container root is unprivileged towards the host's other namespaces. Rootless: the
 * caller becomes root inside; its /etc/subuid range follows when newuidmap can write it.
 */
static void compile_idmaps(const struct ent_host *host, struct ns_spec *ns)
{
	set_why(ns->idmap_why, WHY_DEFAULT);
	if (host->uid == 0) {
		ns->uid_map[0] = (struct ns_idmap){ 0, 0, 65536 };
		ns->gid_map[0] = (struct ns_idmap){ 0, 0, 65536 };
		ns->n_uid_map = ns->n_gid_map = 1;
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

	if (req->rootfs &&
	    copy_str(rootfs->root, sizeof(rootfs->root), req->rootfs, "rootfs path", err) < 0)
		return -1;
	rootfs->root_dev = req->rootfs_dev;
	rootfs->root_ino = req->rootfs_ino;
	for (size_t i = 0; i < ARRAY_SIZE(base_mounts); i++) {
		if (ent_rootfs_add_mount(rootfs, &base_mounts[i], WHY_DEFAULT, err) < 0)
			return -1;
	}
	/* devpts: terminals belong to group tty (5) when that group exists inside. */
	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		if (!strcmp(rootfs->mounts[i].fstype, "devpts") && gid_mapped(&plan->ns, 5))
			strcat(rootfs->mounts[i].data, ",gid=5");
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
	for (size_t i = 0; i < ARRAY_SIZE(base_devices); i++) {
		struct rootfs_device *dev = &rootfs->devices[rootfs->n_devices++];

		snprintf(dev->path, sizeof(dev->path), "%s", base_devices[i]);
		set_why(dev->why, WHY_DEFAULT);
	}
	return 0;
}

/* --volume and --tmpfs, after the standard mounts so that they may cover them. */
static int compile_volumes(const struct ent_request *req, struct rootfs_spec *rootfs,
                           struct rt_err *err)
{
	for (unsigned i = 0; i < req->n_volumes; i++) {
		const struct ent_volume *v = &req->volumes[i];
		struct rootfs_mount m = { .fstype = "bind", .flags = MS_BIND | MS_REC };

		memcpy(m.source, v->source, sizeof(m.source));
		memcpy(m.target, v->target, sizeof(m.target));
		m.source_dev = v->source_dev;
		m.source_ino = v->source_ino;
		if (v->readonly)
			m.flags |= MS_RDONLY;
		if (ent_rootfs_add_mount(rootfs, &m, "--volume", err) < 0)
			return -1;
	}
	for (unsigned i = 0; i < req->n_tmpfs; i++) {
		struct rootfs_mount m = { .source = "tmpfs",
			                  .fstype = "tmpfs",
			                  .flags = MS_NOSUID | MS_NODEV,
			                  .data = "mode=1777" };

		if (copy_str(m.target, sizeof(m.target), req->tmpfs[i], "--tmpfs path", err) < 0)
			return -1;
		if (ent_rootfs_add_mount(rootfs, &m, "--tmpfs", err) < 0)
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
			free_strv(v);
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
	if (copy_str(proc->cwd, sizeof(proc->cwd), req->workdir ? req->workdir : "/", "--workdir",
	             err) < 0)
		return -1;
	if (copy_str(plan->ns.hostname, sizeof(plan->ns.hostname),
	             req->hostname ? req->hostname : "ent-run", "--hostname", err) < 0)
		return -1;
	proc->argv = dup_strv(req->argv, 0, err);
	if (!proc->argv)
		return -1;
	return compile_env(req, proc, err);
}

/* Cgroup limits: a pids limit by default, so that a fork bomb is contained out of the box. */
static void compile_limits(const struct ent_request *req, struct cgroup_spec *cg)
{
	cg->pids_max = req->has_pids ? req->pids_max : 1024;
	set_why(cg->pids_why, req->has_pids ? "--pids" : WHY_DEFAULT);
	if (req->has_memory) {
		cg->memory_bytes = req->memory_bytes;
		set_why(cg->memory_why, "--memory");
	}
	if (req->has_cpus) {
		cg->cpu_quota_us = req->cpu_quota_us;
		cg->cpu_period_us = req->cpu_period_us;
		set_why(cg->cpu_why, "--cpus");
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
		snprintf(g->text, sizeof(g->text), "%s", reqs[i].text);
		set_why(g->from, req->entitlement_from[i] ? req->entitlement_from[i] : "--entitle");
	}
	return 0;
}

/*
 * As root, the identity map makes container root host uid 0, held back by masks, read-only
 * /proc/sys, the device cgroup and its own namespaces. An entitlement that removes one of
 * those would make it host root: mounting (CAP_SYS_ADMIN: a fresh procfs or sysfs, or
 * unmounting a mask), the host's PID namespace (signals by uid) or network namespace
 * (services that trust a peer uid of 0). Then its ids are mapped to root's subordinate range
 * instead (/etc/subuid, /etc/subgid): container root is an unprivileged host uid, and the
 * rootfs's files, owned by host root, appear owned by nobody inside. host.devices.access=admin
 * is not among them: raw devices are host root's by nature, and under a subordinate range
 * the root-only nodes it exists for could not be opened (docs/entitlements.md says so).
 */
static int compile_root_range(const struct ent_host *host, struct ent_plan *plan,
                              struct rt_err *err)
{
	struct ns_spec *ns = &plan->ns;
	const char *why = NULL;

	if (host->uid != 0 || !ns->unshare[NS_USER])
		return 0;
	if (plan->lockdown.caps.bounding & (UINT64_C(1) << CAP_SYS_ADMIN))
		why = plan->lockdown.cap_why[CAP_SYS_ADMIN];
	else if (!ns->unshare[NS_PID])
		why = ns->why[NS_PID];
	else if (!ns->unshare[NS_NET]) /* host services trust a peer uid of 0 */
		why = ns->why[NS_NET];
	if (!why)
		return 0;
	if (host->subuid.count < 65536 || host->subgid.count < 65536) {
		rt_fail(err, 0,
		        "entitlements: %s as root needs a subordinate id range for root, so that "
		        "container root is not host root",
		        why);
		rt_err_hint(err, "add 'root:100000:65536' to /etc/subuid and /etc/subgid");
		return -1;
	}
	ns->uid_map[0] = (struct ns_idmap){ 0, host->subuid.start, 65536 };
	ns->gid_map[0] = (struct ns_idmap){ 0, host->subgid.start, 65536 };
	set_why(ns->idmap_why, why);
	return 0;
}

/*
 * The seccomp reference: runtime/default is the filter built from the entitlements;
 * unconfined loads none; localhost/NAME replaces the rules with a JSON profile's, whose text
 * runtime/ read for us.
 */
static int compile_seccomp_ref(const struct ent_request *req, struct lockdown_spec *ld,
                               struct rt_err *err)
{
	const char *ref = req->seccomp_ref;
	struct ent_seccomp_host host;

	if (!ref || !strcmp(ref, "runtime/default"))
		return 0;
	if (!strcmp(ref, "unconfined")) {
		ld->seccomp_mode = LOCKDOWN_SECCOMP_UNCONFINED;
		snprintf(ld->seccomp_ref, sizeof(ld->seccomp_ref), "unconfined");
		return 0;
	}
	if (strncmp(ref, "localhost/", 10) || !req->seccomp_profile)
		return rt_fail(err, 0,
		               "entitlements: unknown --seccomp '%s' (expected: runtime/default, "
		               "unconfined, localhost/NAME)",
		               ref);
	/* The profile replaces the filter derived from the entitlements, whole. */
	ld->n_rules = 0;
	host.caps = ld->caps.bounding;
	host.kernel_major = req->host.kernel_major;
	host.kernel_minor = req->host.kernel_minor;
	if (ent_seccomp_import_json(req->seccomp_profile, req->seccomp_profile_len,
	                            req->seccomp_profile_path, &host, ld, err) < 0)
		return -1;
	return copy_str(ld->seccomp_ref, sizeof(ld->seccomp_ref), ref, "--seccomp", err);
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
	if (net->mode >= NETCFG_USER && net->mode != NETCFG_HOST)
		return copy_str(net->subnet, sizeof(net->subnet),
		                req->subnet ? req->subnet : DEFAULT_SUBNET, "--subnet", err);
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

	if (compile_requests(req, reqs, plan, err) < 0)
		return -1;
	if (ent_select(reqs, req->n_entitlements, &sel, err) < 0)
		return -1;
	compile_namespaces(&plan->ns);
	compile_idmaps(&req->host, &plan->ns);
	plan->net.mode = NETCFG_LOOPBACK;
	set_why(plan->net.why, WHY_DEFAULT);
	plan->lockdown.no_new_privs = true;
	if (compile_filesystems(req, plan, err) < 0)
		return -1;
	if (ent_grant_apply(&sel, plan, err) < 0)
		return -1;
	if (compile_root_range(&req->host, plan, err) < 0)
		return -1;
	compile_limits(req, &plan->cgroup);
	/* /sys/fs/cgroup, read-only: the hierarchies that carry the limits and device rules. */
	if (ent_compile_cgroupfs(&req->host, plan, err) < 0)
		return -1;
	if (compile_seccomp_ref(req, &plan->lockdown, err) < 0)
		return -1;
	if (compile_network(req, &plan->net, err) < 0)
		return -1;
	if (compile_volumes(req, &plan->rootfs, err) < 0)
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
	return rc;
}
