/*
 * entitlements/grant.c - choose the catalogue rows that apply to a request and write their
 * grants into the plan: capability sets (capabilities(7)), namespaces shared with the host
 * (namespaces(7)), network mode, masked paths, read-only root, device nodes and device-cgroup
 * rules, rlimits. The seccomp part is in filter.c.
 *
 * Grants are a union: each applied row only ever adds (a capability, a shared namespace, an
 * allowed device); for a levelled domain exactly one row applies, the highest requested.
 * Capability names are resolved with libcap's cap_from_name(), a table lookup.
 */
#include "entitlements/grant.h"
#include "entitlements/names.h"

#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "base/util.h"

/* clang-format off */
/*
 * The device cgroup of every container, as runc sets it: deny everything, allow mknod of any
 * node (creating one still needs CAP_MKNOD), and read/write on the minimal /dev only (the
 * nodes of names.c, then the terminals of its own devpts). Rules are checked in order; the
 * last match wins.
 */
static const struct cgroup_devrule base_devrules[] = {
	{ .allow = false, .type = 'a', .major = -1,  .minor = -1, .access = "rwm" },
	{ .allow = true,  .type = 'c', .major = -1,  .minor = -1, .access = "m" },
	{ .allow = true,  .type = 'b', .major = -1,  .minor = -1, .access = "m" },
};
static const struct cgroup_devrule pty_devrules[] = {
	{ .allow = true,  .type = 'c', .major = 5,   .minor = 2,  .access = "rwm" }, /* ptmx */
	{ .allow = true,  .type = 'c', .major = 136, .minor = -1, .access = "rwm" }, /* pts/N */
};

static const struct cgroup_devrule allow_all_devrule = {
	.allow = true, .type = 'a', .major = -1, .minor = -1, .access = "rwm",
};
/* clang-format on */

/* Add a row; why and path are static or already in the plan's arena. */
static int add_applied(struct ent_selection *sel, const struct ent_entry *row, const char *why,
                       const char *path, struct rt_err *err)
{
	struct ent_applied *a;

	if (sel->n >= ENT_MAX_SELECTED)
		return rt_fail(err, 0, "entitlements: too many entitlements (at most %d)",
		               ENT_MAX_SELECTED);
	a = &sel->items[sel->n++];
	a->row = row;
	a->why = why;
	a->path = path;
	return 0;
}

/* The highest level of row->key among the requests, or NULL when none names the key. */
static const struct ent_grant_req *highest(const struct ent_grant_req *reqs, unsigned n,
                                           const char *key)
{
	const struct ent_grant_req *best = NULL;

	for (unsigned i = 0; i < n; i++) {
		if (strcmp(reqs[i].entry->key, key))
			continue;
		if (!best || reqs[i].entry->level > best->entry->level)
			best = &reqs[i];
	}
	return best;
}

/* Whether reqs[i] repeats an earlier request (same canonical text). */
static bool repeated(const struct ent_grant_req *reqs, unsigned i)
{
	for (unsigned j = 0; j < i; j++) {
		if (!strcmp(reqs[j].text, reqs[i].text))
			return true;
	}
	return false;
}

int ent_select(struct ent_plan *plan, const struct ent_grant_req *reqs, unsigned n,
               struct ent_selection *sel, struct rt_err *err)
{
	sel->n = 0;
	for (size_t i = 0; i < ent_n_entries; i++) {
		const struct ent_entry *row = &ent_entries[i];
		const struct ent_grant_req *best;

		if (row->kind != ENT_KIND_LEVEL || !row->is_default)
			continue;
		best = highest(reqs, n, row->key);
		if (add_applied(sel, best ? best->entry : row,
		                best ? ent_plan_str(plan, best->text) : ENT_WHY_DEFAULT, NULL,
		                err) < 0)
			return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (reqs[i].entry->kind == ENT_KIND_LEVEL || repeated(reqs, i))
			continue;
		if (add_applied(sel, reqs[i].entry, ent_plan_str(plan, reqs[i].text),
		                reqs[i].path[0] ? ent_plan_str(plan, reqs[i].path) : NULL, err) < 0)
			return -1;
	}
	return 0;
}

static void grant_cap(struct lockdown_spec *ld, unsigned cap, const char *why)
{
	uint64_t bit = UINT64_C(1) << cap;

	/*
	 * Bounding, permitted and effective: the process may use it. Inheritable and ambient:
	 * it survives execve even for a non-root --user (capabilities(7), "ambient").
	 */
	ld->caps.bounding |= bit;
	ld->caps.permitted |= bit;
	ld->caps.effective |= bit;
	ld->caps.inheritable |= bit;
	ld->caps.ambient |= bit;
	if (!ld->cap_why[cap])
		ld->cap_why[cap] = why;
}

static int grant_caps(const struct ent_applied *a, struct lockdown_spec *ld, struct rt_err *err)
{
	cap_value_t cap;

	if (a->row->all_caps) {
		for (unsigned c = 0; c <= CAP_LAST_CAP && c < ENT_MAX_CAPS; c++)
			grant_cap(ld, c, a->why);
	}
	for (const char *const *name = a->row->caps; name && *name; name++) {
		if (cap_from_name(*name, &cap) < 0 || cap < 0 || cap >= ENT_MAX_CAPS)
			return rt_fail(err, 0, "entitlements: %s: unknown capability %s", a->why,
			               *name);
		grant_cap(ld, (unsigned)cap, a->why);
	}
	return 0;
}

static int add_masked(struct rootfs_spec *rootfs, const char *path, const char *why,
                      struct rt_err *err)
{
	if (rootfs->n_masked >= ENT_MAX_PATHS)
		return rt_fail(err, 0, "entitlements: too many masked paths (at most %d)",
		               ENT_MAX_PATHS);
	rootfs->masked[rootfs->n_masked].path = path; /* the catalogue's, static */
	rootfs->masked[rootfs->n_masked++].why = why;
	return 0;
}

static int add_devrule(struct cgroup_spec *cg, const struct cgroup_devrule *rule, const char *why,
                       struct rt_err *err)
{
	if (cg->n_devrules >= ENT_MAX_DEVRULES)
		return rt_fail(err, 0, "entitlements: too many device rules (at most %d)",
		               ENT_MAX_DEVRULES);
	cg->devrules[cg->n_devrules] = *rule;
	cg->devrules[cg->n_devrules++].why = why;
	return 0;
}

static int add_device(struct rootfs_spec *rootfs, const char *path, const char *why,
                      struct rt_err *err)
{
	for (unsigned i = 0; i < rootfs->n_devices; i++) {
		if (!strcmp(rootfs->devices[i].path, path))
			return 0;
	}
	if (rootfs->n_devices >= ENT_MAX_DEVICES)
		return rt_fail(err, 0, "entitlements: too many devices (at most %d)",
		               ENT_MAX_DEVICES);
	rootfs->devices[rootfs->n_devices].path = path;
	rootfs->devices[rootfs->n_devices++].why = why;
	return 0;
}

/*
 * Replace the mount at target with a recursive bind of the same host path. A kernel
 * filesystem tied to a namespace we share with the host (proc for the PID namespace, sysfs for
 * the network namespace, the host's /dev) cannot be mounted fresh from inside our user
 * namespace, which does not own that namespace: binding the host's instance is the only way.
 */
static void bind_host_instance(struct rootfs_spec *rootfs, const char *target, const char *why)
{
	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		struct rootfs_mount *m = &rootfs->mounts[i];

		if (strcmp(m->target, target))
			continue;
		m->source = target; /* a literal: "/proc", "/sys", "/dev" */
		m->fstype = "bind";
		/* The host's instance keeps the safety flags of the fresh one it replaces. */
		m->flags = MS_BIND | MS_REC |
		           (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
		if (!strcmp(target, "/dev"))
			m->flags |= MS_NOEXEC; /* device nodes are never executed */
		m->data = NULL;
		m->why = why;
	}
}

static void share_namespaces(const struct ent_applied *a, struct ent_plan *plan)
{
	for (int k = 0; k < NS_COUNT; k++) {
		if (!(a->row->ns_share & (1u << k)))
			continue;
		plan->ns.unshare[k] = false;
		plan->ns.why[k] = a->why;
	}
	if (a->row->ns_share & (1u << NS_PID))
		bind_host_instance(&plan->rootfs, "/proc", a->why);
	if (a->row->ns_share & (1u << NS_NET))
		bind_host_instance(&plan->rootfs, "/sys", a->why);
}

static int add_tmpfs(struct ent_plan *plan, const char *target, const char *why, struct rt_err *err)
{
	struct rootfs_mount m = { .source = "tmpfs",
		                  .target = target,
		                  .fstype = "tmpfs",
		                  .flags = MS_NOSUID | MS_NODEV,
		                  .data = strcmp(target, "/tmp") ? "mode=755" : "mode=1777" };

	return ent_plan_add_mount(plan, &m, why, err);
}

/* What a row changes in the mount tree: read-only root, writable tmpfs, the host's /dev. */
static int grant_rootfs(const struct ent_applied *a, struct ent_plan *plan, struct rt_err *err)
{
	const struct ent_entry *row = a->row;
	struct rootfs_spec *rootfs = &plan->rootfs;

	if (row->rootfs_readonly) {
		rootfs->readonly = true;
		rootfs->readonly_why = a->why;
	}
	for (const char *const *t = row->tmpfs; t && *t; t++) {
		if (add_tmpfs(plan, *t, a->why, err) < 0)
			return -1;
	}
	for (const char *const *p = row->masked; p && *p; p++) {
		if (add_masked(rootfs, *p, a->why, err) < 0)
			return -1;
	}
	if (row->host_dev) {
		rootfs->host_dev = true;
		rootfs->host_dev_why = a->why;
		bind_host_instance(rootfs, "/dev", a->why);
		rootfs->n_devices = 0; /* the host's /dev has them all */
	}
	/*
	 * One host device: bound into the minimal /dev; grant_limits() allows it in the device
	 * cgroup by path (the runtime stats it for its type and major:minor).
	 */
	if (a->path && !rootfs->host_dev)
		return add_device(rootfs, a->path, a->why, err);
	return 0;
}

static int grant_limits(const struct ent_applied *a, struct ent_plan *plan, struct rt_err *err)
{
	struct cgroup_devrule dev = {
		.allow = true, .type = 'c', .major = -1, .minor = -1, .access = "rwm"
	};
	struct ent_rlimit *rl;

	if (a->row->devices_allow_all &&
	    add_devrule(&plan->cgroup, &allow_all_devrule, a->why, err) < 0)
		return -1;
	if (a->path && !plan->rootfs.host_dev) {
		dev.path = a->path;
		if (add_devrule(&plan->cgroup, &dev, a->why, err) < 0)
			return -1;
	}
	if (!a->row->memlock_rlimit)
		return 0;
	if (plan->proc.n_rlimits >= ENT_MAX_RLIMITS)
		return rt_fail(err, 0, "entitlements: too many rlimits (at most %d)",
		               ENT_MAX_RLIMITS);
	/* Unlimited here; the runtime lowers it to the hard limit the host gives us. */
	rl = &plan->proc.rlimits[plan->proc.n_rlimits++];
	rl->resource = RLIMIT_MEMLOCK;
	rl->soft = rl->hard = RLIM_INFINITY;
	rl->why = a->why;
	return 0;
}

/* The device cgroup's rules every container starts from (see base_devrules). */
static int base_device_rules(struct cgroup_spec *cg, struct rt_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(base_devrules); i++) {
		if (add_devrule(cg, &base_devrules[i], ENT_WHY_DEFAULT, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < ent_n_dev_nodes; i++) {
		const struct ent_dev_node *n = &ent_dev_nodes[i];
		struct cgroup_devrule r = { .allow = true,
			                    .type = n->type,
			                    .major = n->major,
			                    .minor = n->minor,
			                    .access = "rwm" };

		if (add_devrule(cg, &r, ENT_WHY_DEFAULT, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(pty_devrules); i++) {
		if (add_devrule(cg, &pty_devrules[i], ENT_WHY_DEFAULT, err) < 0)
			return -1;
	}
	return 0;
}

int ent_grant_apply(const struct ent_selection *sel, struct ent_plan *plan, struct rt_err *err)
{
	if (base_device_rules(&plan->cgroup, err) < 0)
		return -1;
	for (unsigned i = 0; i < sel->n; i++) {
		const struct ent_applied *a = &sel->items[i];

		if (a->row->net >= 0) {
			plan->net.mode = (enum netcfg_mode)a->row->net;
			plan->net.why = a->why;
		}
		share_namespaces(a, plan);
		if (grant_caps(a, &plan->lockdown, err) < 0)
			return -1;
		if (grant_rootfs(a, plan, err) < 0)
			return -1;
		if (grant_limits(a, plan, err) < 0)
			return -1;
	}
	return ent_filter_build(sel, &plan->lockdown, err);
}
