/*
 * entitlements/oci_resources.c - linux.cgroupsPath and linux.resources of an OCI config.json
 * (runtime-spec config-linux.md "Control groups"): device rules, memory, CPU, cpuset and pids
 * limits, and mounts of type "cgroup" (the container's view of its cgroups).
 *
 * runtime/cgroup.c writes what lands in plan->cgroup. A limit the config does not name is no
 * limit, as with runc, unless a node policy sets a ceiling: then the ceiling applies, as it does
 * to a command line request. Pure code.
 */
#include "entitlements/oci_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "base/util.h"

#define CFS_PERIOD_DEFAULT 100000 /* microseconds: the kernel's default CFS period */

/* clang-format off */
static const struct oci_unsupported resources_unsupported[] = {
	{ "blockIO",        "ent-run sets no block I/O limits" },
	{ "hugepageLimits", "ent-run sets no huge page limits" },
	{ "network",        "ent-run sets no network class or priorities" },
	{ "rdma",           "ent-run sets no RDMA limits" },
	{ "unified",        "ent-run writes no raw cgroup v2 files" },
};

static const struct oci_unsupported memory_unsupported[] = {
	{ "useHierarchy",      "ent-run leaves hierarchical accounting as the kernel has it" },
	{ "checkBeforeUpdate", "ent-run does not update limits" },
};

static const struct oci_unsupported cpu_unsupported[] = {
	{ "burst",           "ent-run sets no CFS burst" },
	{ "realtimeRuntime", "ent-run sets no real-time budget" },
	{ "realtimePeriod",  "ent-run sets no real-time budget" },
	{ "idle",            "ent-run sets no SCHED_IDLE cgroup" },
};
/* clang-format on */

/* linux.cgroupsPath: cgroupfs paths only ("slice:prefix:name" is systemd's form). */
static int compile_path(struct oci_ctx *c, struct json_object *lnx)
{
	const char *path;
	size_t len;

	if (oci_string(c, "linux", lnx, "cgroupsPath", false, &path) < 0)
		return -1;
	if (!path || !path[0]) {
		/* The default: the container's id, below the caller's own cgroup. */
		c->plan->cgroup.path = c->in->id ? oci_str(c, c->in->id) : NULL;
		return 0;
	}
	len = strlen(path);
	if (strchr(path, ':'))
		return oci_fail(c, "linux.cgroupsPath",
		                "'%.80s' is a systemd path (slice:prefix:name); ent-run manages "
		                "cgroupfs paths",
		                path);
	if (len >= ENT_PATH_MAX / 2 || !strcmp(path, "/"))
		return oci_fail(c, "linux.cgroupsPath", "'%.80s' is not a cgroup below the root",
		                path);
	/*
	 * One directory per component, each a name: "a//b", "a/b/", "./a" would each name one
	 * cgroup in several spellings (and the kernel refuses to create "." or "..").
	 */
	for (const char *p = path + (path[0] == '/');; p += strcspn(p, "/") + 1) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return oci_fail(c, "linux.cgroupsPath", "'%.80s' has a '..'", path);
		if (n == 0 || (n == 1 && p[0] == '.'))
			return oci_fail(c, "linux.cgroupsPath",
			                "'%.80s' has an empty or '.' component", path);
		if (!p[n])
			break;
	}
	c->plan->cgroup.path = oci_str(c, path);
	return 0;
}

static int add_rule(struct oci_ctx *c, const char *field, const struct cgroup_devrule *r)
{
	struct cgroup_spec *cg = &c->plan->cgroup;

	if (cg->n_devrules >= ENT_MAX_DEVRULES)
		return oci_fail(c, field, "too many device rules (at most %d)", ENT_MAX_DEVRULES);
	cg->devrules[cg->n_devrules] = *r;
	cg->devrules[cg->n_devrules++].why = oci_str(c, field);
	return 0;
}

/* One rule of linux.resources.devices: allow or deny type major:minor access. */
static int compile_devrule(struct oci_ctx *c, size_t i, struct json_object *o)
{
	struct cgroup_devrule r = { .type = 'a', .major = -1, .minor = -1, .access = "rwm" };
	struct json_object *allow;
	char field[OCI_FIELD_MAX];
	const char *type, *access;
	int64_t v;
	bool has;

	oci_at(field, "linux.resources.devices[%zu]", i);
	if (!json_object_is_type(o, json_type_object))
		return oci_fail(c, field, "expected an object");
	if (oci_member(c, field, o, "allow", json_type_boolean, true, &allow) < 0 ||
	    oci_string(c, field, o, "type", false, &type) < 0 ||
	    oci_string(c, field, o, "access", false, &access) < 0)
		return -1;
	r.allow = json_object_get_boolean(allow);
	if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
		return oci_fail(c, field, "unknown type '%.20s' (expected: a, c, b)", type);
	if (type)
		r.type = type[0];
	if (access && (!access[0] || strlen(access) >= sizeof(r.access) ||
	               strspn(access, "rwm") != strlen(access)))
		return oci_fail(c, field, "access '%.20s' is not made of r, w, m", access);
	if (access)
		snprintf(r.access, sizeof(r.access), "%s", access);
	if (oci_int(c, field, o, "major", -1, INT32_MAX, &has, &v) < 0)
		return -1;
	r.major = has ? v : -1;
	if (oci_int(c, field, o, "minor", -1, INT32_MAX, &has, &v) < 0)
		return -1;
	r.minor = has ? v : -1;
	return add_rule(c, field, &r);
}

/*
 * Every container starts from "deny all" (the last matching rule wins), then the config's
 * rules; the devices it is given are allowed after them (oci_linux.c).
 */
static int compile_devrules(struct oci_ctx *c, struct json_object *res)
{
	static const struct cgroup_devrule deny_all = {
		.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"
	};
	struct json_object *list;

	c->plan->cgroup.n_devrules = 0;
	if (add_rule(c, "runtime-spec default", &deny_all) < 0)
		return -1;
	if (res &&
	    oci_member(c, "linux.resources", res, "devices", json_type_array, false, &list) < 0)
		return -1;
	for (size_t i = 0; res && list && i < json_object_array_length(list); i++)
		if (compile_devrule(c, i, json_object_array_get_idx(list, i)) < 0)
			return -1;
	return 0;
}

/*
 * memory.kernel: the kernel no longer limits kernel memory on its own (v1's
 * memory.kmem.limit_in_bytes is gone since Linux 6.1, v2 never had one), but it charges it to
 * the memory limit. So a kernel limit at or above the memory limit holds; one below it, or one
 * without a memory limit, cannot be kept and is refused.
 */
static int compile_memory_kernel(struct oci_ctx *c, struct json_object *mem)
{
	const struct cgroup_spec *cg = &c->plan->cgroup;
	int64_t v;
	bool has;

	if (oci_int(c, "linux.resources.memory", mem, "kernel", -1, INT64_MAX, &has, &v) < 0)
		return -1;
	if (!has || v <= 0 || (cg->memory_bytes > 0 && v >= cg->memory_bytes))
		return 0;
	return oci_fail(c, "linux.resources.memory.kernel",
	                "%lld: the kernel limits kernel memory only through the memory limit (%s)",
	                (long long)v,
	                cg->memory_bytes > 0 ? "which is higher" : "which the config does not set");
}

/* The v1 knobs: kernelTCP (0 or -1: none), swappiness (0..100), disableOOMKiller. */
static int compile_memory_v1(struct oci_ctx *c, struct json_object *mem)
{
	struct cgroup_spec *cg = &c->plan->cgroup;
	const char *at = "linux.resources.memory";
	struct json_object *oom;
	int64_t v;
	bool has;

	if (oci_int(c, at, mem, "kernelTCP", -1, INT64_MAX, &has, &v) < 0)
		return -1;
	cg->memory_tcp_bytes = has && v > 0 ? v : 0;
	if (oci_int(c, at, mem, "swappiness", 0, 100, &has, &v) < 0)
		return -1;
	cg->has_memory_swappiness = has;
	cg->memory_swappiness = has ? (unsigned)v : 0;
	if (oci_member(c, at, mem, "disableOOMKiller", json_type_boolean, false, &oom) < 0)
		return -1;
	cg->memory_oom_kill_disable = oom && json_object_get_boolean(oom);
	return 0;
}

/* memory: limit, reservation, swap (memory + swap); -1 or 0 is no limit. */
static int compile_memory(struct oci_ctx *c, struct json_object *mem)
{
	struct cgroup_spec *cg = &c->plan->cgroup;
	const char *at = "linux.resources.memory";
	int64_t v;
	bool has;

	if (oci_refuse(c, at, mem, memory_unsupported, ARRAY_SIZE(memory_unsupported)) < 0)
		return -1;
	if (oci_int(c, at, mem, "limit", -1, INT64_MAX, &has, &v) < 0)
		return -1;
	if (has) {
		cg->memory_bytes = v > 0 ? v : 0;
		cg->memory_why = v > 0 ? "linux.resources.memory.limit" : NULL;
	}
	if (oci_int(c, at, mem, "reservation", -1, INT64_MAX, &has, &v) < 0)
		return -1;
	cg->memory_reservation_bytes = has && v > 0 ? v : 0;
	if (oci_int(c, at, mem, "swap", -1, INT64_MAX, &has, &v) < 0)
		return -1;
	if (has && v > 0 && cg->memory_bytes > 0 && v < cg->memory_bytes)
		return oci_fail(c, "linux.resources.memory.swap",
		                "%lld is below the memory limit (swap is memory + swap)",
		                (long long)v);
	if (has && v > 0 && !cg->memory_bytes)
		return oci_fail(c, "linux.resources.memory.swap", "needs a memory limit");
	cg->memory_swap_bytes = has ? (v > 0 ? v : -1) : 0;
	if (compile_memory_kernel(c, mem) < 0)
		return -1;
	return compile_memory_v1(c, mem);
}

static bool cpu_list_valid(const char *s)
{
	return s[0] && strspn(s, "0123456789,-") == strlen(s);
}

/* cpu: shares, quota and period, cpus and mems. */
static int compile_cpu(struct oci_ctx *c, struct json_object *cpu)
{
	struct cgroup_spec *cg = &c->plan->cgroup;
	const char *at = "linux.resources.cpu";
	const char *cpus, *mems;
	int64_t v, period = 0;
	bool has, has_period;

	if (oci_refuse(c, at, cpu, cpu_unsupported, ARRAY_SIZE(cpu_unsupported)) < 0)
		return -1;
	if (oci_int(c, at, cpu, "shares", 0, 262144, &has, &v) < 0)
		return -1;
	cg->cpu_shares = has ? (uint64_t)v : 0;
	if (oci_int(c, at, cpu, "period", 0, 1000000, &has_period, &period) < 0 ||
	    oci_int(c, at, cpu, "quota", -1, INT64_MAX, &has, &v) < 0)
		return -1;
	if (has && v > 0) {
		cg->cpu_quota_us = v;
		cg->cpu_period_us = has_period && period > 0 ? period : CFS_PERIOD_DEFAULT;
		cg->cpu_why = "linux.resources.cpu.quota";
	} else if (has) {
		cg->cpu_quota_us = 0;
	}
	if (oci_string(c, at, cpu, "cpus", false, &cpus) < 0 ||
	    oci_string(c, at, cpu, "mems", false, &mems) < 0)
		return -1;
	if (cpus && cpus[0] && !cpu_list_valid(cpus))
		return oci_fail(c, "linux.resources.cpu.cpus", "'%.40s' is not a CPU list", cpus);
	if (mems && mems[0] && !cpu_list_valid(mems))
		return oci_fail(c, "linux.resources.cpu.mems", "'%.40s' is not a node list", mems);
	cg->cpuset_cpus = cpus && cpus[0] ? oci_str(c, cpus) : NULL;
	cg->cpuset_mems = mems && mems[0] ? oci_str(c, mems) : NULL;
	return 0;
}

/* Under a node policy a limit the config does not name is the ceiling (compile.c does so). */
static void policy_defaults(struct oci_ctx *c)
{
	const struct ent_limits *l = &c->in->limits;
	struct cgroup_spec *cg = &c->plan->cgroup;

	if (!c->in->has_policy || c->entitlements)
		return;
	if (!cg->pids_why) {
		cg->pids_max = l->has_pids ? l->pids_max : ENT_PIDS_DEFAULT;
		cg->pids_why = "node policy";
	}
	if (!cg->memory_why && l->has_memory) {
		cg->memory_bytes = l->memory_bytes;
		cg->memory_why = "node policy";
	}
	if (!cg->cpu_why && l->has_cpus) {
		cg->cpu_quota_us = l->cpu_quota_us;
		cg->cpu_period_us = l->cpu_period_us;
		cg->cpu_why = "node policy";
	}
}

int oci_resources(struct oci_ctx *c, struct json_object *lnx)
{
	struct cgroup_spec *cg = &c->plan->cgroup;
	struct json_object *res, *mem, *cpu, *pids;
	int64_t v;
	bool has;

	if (compile_path(c, lnx) < 0 ||
	    oci_member(c, "linux", lnx, "resources", json_type_object, false, &res) < 0)
		return -1;
	if (!c->entitlements && compile_devrules(c, res) < 0)
		return -1;
	if (res) {
		if (oci_refuse(c, "linux.resources", res, resources_unsupported,
		               ARRAY_SIZE(resources_unsupported)) < 0 ||
		    oci_member(c, "linux.resources", res, "memory", json_type_object, false, &mem) <
		            0 ||
		    oci_member(c, "linux.resources", res, "cpu", json_type_object, false, &cpu) <
		            0 ||
		    oci_member(c, "linux.resources", res, "pids", json_type_object, false, &pids) <
		            0)
			return -1;
		if ((mem && compile_memory(c, mem) < 0) || (cpu && compile_cpu(c, cpu) < 0))
			return -1;
		if (pids &&
		    oci_int(c, "linux.resources.pids", pids, "limit", -1, INT64_MAX, &has, &v) < 0)
			return -1;
		if (pids && has) {
			cg->pids_max = v > 0 ? v : 0;
			cg->pids_why = "linux.resources.pids.limit";
		}
	}
	policy_defaults(c);
	return 0;
}

/* "cgroup2" without a cgroup namespace: a bind of the container's unified cgroup. */
static int bind_unified(struct oci_ctx *c, const char *field, const char *destination,
                        bool readonly)
{
	const struct ent_cgroup_layout *layout = &c->in->host.cgroups;
	const char *dir = c->plan->cgroup.path;
	struct rootfs_mount m = { .target = destination,
		                  .fstype = "bind",
		                  .flags = MS_BIND | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC |
		                           (readonly ? MS_RDONLY : 0) };
	char source[ENT_PATH_MAX];

	for (unsigned i = 0; i < layout->n_mounts; i++) {
		const struct ent_cgroup_mount *h = &layout->mounts[i];
		int n;

		if (!h->v2)
			continue;
		n = dir[0] == '/' ? snprintf(source, sizeof(source), "%s%s", h->mnt, dir)
		                  : snprintf(source, sizeof(source), "%s%s/%s", h->mnt,
		                             strcmp(h->own, "/") ? h->own : "", dir);
		if (n < 0 || (size_t)n >= sizeof(source))
			return oci_fail(c, field, "cgroup directory too long");
		m.source = source;
		return ent_plan_add_mount(c->plan, &m, field, c->err);
	}
	return oci_fail(c, field, "this host has no cgroup2 hierarchy");
}

int oci_cgroup_mount(struct oci_ctx *c, const char *field, const char *destination, bool v2,
                     bool readonly)
{
	const struct ns_spec *ns = &c->plan->ns;
	bool own_ns = ns->unshare[NS_CGROUP] && !ns->path[NS_CGROUP];
	struct ent_cgroup_view v = { .target = destination,
		                     .every = true,
		                     .dir = own_ns ? NULL : c->plan->cgroup.path,
		                     .readonly = readonly,
		                     .why = field };

	if (!own_ns && !v.dir)
		return oci_fail(c, field,
		                "the container's cgroups without a cgroup namespace need a "
		                "linux.cgroupsPath");
	if (v2)
		return bind_unified(c, field, destination, readonly);
	return ent_compile_cgroup_view(&c->in->host, c->plan, &v, c->err);
}
