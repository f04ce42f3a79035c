/*
 * entitlements/policy_options.c - the grants of options (DESIGN.md 7, "every widening is a
 * grant"): what the command line asks for besides entitlements, checked against the node
 * policy's own lines. A volume or rootfs hands the container host files; an address pool and
 * a published port reach the host's networks; a lifted limit takes more of the host's memory,
 * processes and CPU; and a profile or seccomp directory of the requester's choosing would let
 * the requester decide what the policy's names mean. A host system directory as the rootfs is
 * never allowed, whatever the policy says.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "base/util.h"
#include "entitlements/policy_internal.h"

/* clang-format off */
/*
 * The host's system directories: never a rootfs, by any path. Container root writes its
 * rootfs, and these hold the host's programs, libraries, configuration and state; "/lib*"
 * is every top-level directory whose name starts with "lib" (/lib, /lib64, /libx32, ...).
 * Below the kernel's trees (/proc, /sys, /dev) nothing is a rootfs either.
 */
static const struct { const char *path; bool tree; } system_dirs[] = {
	{ "/",     .tree = false }, { "/bin",  .tree = false }, { "/boot", .tree = false },
	{ "/dev",  .tree = true },  { "/etc",  .tree = false }, { "/lib*", .tree = false },
	{ "/proc", .tree = true },  { "/run",  .tree = false }, { "/sbin", .tree = false },
	{ "/sys",  .tree = true },  { "/usr",  .tree = false }, { "/var",  .tree = false },
};
/* clang-format on */

/* Is path at or below dir? ("/" holds everything; "/srv" holds "/srv/a", not "/srvx".) */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

enum ent_system_kind ent_system_dir(const char *path, char *dir, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs); i++) {
		const char *d = system_dirs[i].path;
		size_t n = strlen(d);

		if (d[n - 1] == '*' && !strncmp(path, d, n - 1) && !strchr(path + 1, '/')) {
			copy_text(dir, size, path); /* "/lib64" for "/lib*" */
			return ENT_SYSTEM_DIR;
		}
		if (system_dirs[i].tree && under(path, d)) {
			copy_text(dir, size, d);
			return ENT_SYSTEM_TREE;
		}
		if (!strcmp(path, d)) {
			copy_text(dir, size, d);
			return ENT_SYSTEM_DIR;
		}
	}
	return ENT_SYSTEM_NONE;
}

void ent_policy_check_never(const struct ent_plan *r, const struct ent_request_facts *facts,
                            struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];

	if (!facts || !facts->rootfs_system[0])
		return;
	snprintf(grant, sizeof(grant), "rootfs %.150s (%.150s)", r->rootfs.root,
	         facts->rootfs_system);
	ent_verdict_add(v, grant, "ROOTFS", "a host system directory is never a rootfs");
	v->missing[v->n_missing - 1].never = true;
}

void ent_policy_check_dirs(const struct ent_policy *pol, const struct ent_request_facts *facts,
                           struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX], allowed[ENT_ITEM_MAX];

	if (!facts)
		return;
	if (facts->profile_dir[0]) {
		snprintf(grant, sizeof(grant), "profile-dir %.300s", facts->profile_dir);
		snprintf(allowed, sizeof(allowed), "the policy's profile-dir is %.280s",
		         ent_policy_profile_dir(pol));
		ent_verdict_add(v, grant, "--profile-dir", allowed);
	}
	if (facts->seccomp_root[0]) {
		snprintf(grant, sizeof(grant), "seccomp-root %.300s", facts->seccomp_root);
		snprintf(allowed, sizeof(allowed), "the policy's seccomp-root is %.280s",
		         ent_policy_seccomp_root(pol));
		ent_verdict_add(v, grant, "--seccomp-profile-root", allowed);
	}
}

/*
 * Host paths: each --volume source must be at or below an allowed volume path (read-only when
 * the line says :ro), and the rootfs at or below an allowed rootfs path when the policy names
 * any. Container root writes the host files it is given, so these are grants like the others.
 */
static void check_paths(const struct ent_plan *r, const struct ent_policy *pol,
                        const struct ent_request_facts *facts, struct ent_verdict *v)
{
	bool ok = pol->n_rootfs == 0 || (facts && facts->rootfs_system[0]); /* said already */
	char grant[ENT_ITEM_MAX];

	for (unsigned i = 0; i < pol->n_rootfs && !ok; i++)
		ok = under(r->rootfs.root, pol->rootfs[i]);
	if (ent_has(r->rootfs.root) && !ok) {
		snprintf(grant, sizeof(grant), "rootfs %.300s", r->rootfs.root);
		ent_verdict_add(v, grant, "ROOTFS", NULL);
	}
	for (unsigned i = 0; i < r->rootfs.n_mounts; i++) {
		const struct rootfs_mount *m = &r->rootfs.mounts[i];
		bool ro = m->flags & MS_RDONLY;

		if (!m->volume)
			continue;
		ok = false;
		for (unsigned j = 0; j < pol->n_volumes && !ok; j++)
			ok = under(m->source, pol->volumes[j].path) &&
			     (ro || !pol->volumes[j].readonly_only);
		if (ok)
			continue;
		snprintf(grant, sizeof(grant), "volume %.280s%s", m->source, ro ? ":ro" : "");
		ent_verdict_add(v, grant, m->why, NULL);
	}
}

/* clang-format off */
/*
 * The filesystems a container may mount under a policy, besides binds (volumes): kernel
 * filesystems of its own namespaces and memory. Where some may go: a proc or sysfs mounted
 * elsewhere than /proc or /sys would show what the masks and read-only paths hide there.
 */
static const struct { const char *fstype; const char *only_at; } mount_types[] = {
	{ "tmpfs",   .only_at = NULL },    { "proc",  .only_at = "/proc" },
	{ "sysfs",   .only_at = "/sys" },  { "devpts", .only_at = NULL },
	{ "mqueue",  .only_at = NULL },    { "cgroup", .only_at = NULL },
	{ "cgroup2", .only_at = NULL },
};
/* clang-format on */

#define MOUNT_TYPES_TEXT "tmpfs, proc (at /proc), sysfs (at /sys), devpts, mqueue, cgroup, cgroup2"

/*
 * Mounts that are not binds: another filesystem type (a block device's ext4, overlay with
 * host directories as layers, binfmt_misc, debugfs, ...) reaches the host past every other
 * check, so under a policy only mount_types are allowed, with a name for a source (a path
 * would be a host object), and a cgroup hierarchy only in a cgroup namespace of the
 * container's own (otherwise it is the host's whole tree).
 */
static void check_mount_types(const struct ent_plan *r, struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];

	for (unsigned i = 0; i < r->rootfs.n_mounts; i++) {
		const struct rootfs_mount *m = &r->rootfs.mounts[i];
		const char *bad = NULL;
		size_t k = 0;

		if (!strcmp(m->fstype, "bind"))
			continue; /* a volume (check_paths), or ent-run's own */
		while (k < ARRAY_SIZE(mount_types) && strcmp(m->fstype, mount_types[k].fstype))
			k++;
		if (k == ARRAY_SIZE(mount_types))
			bad = "a filesystem type";
		else if (mount_types[k].only_at && strcmp(m->target, mount_types[k].only_at))
			bad = "elsewhere than its place";
		else if (ent_has(m->source) && strchr(m->source, '/'))
			bad = "with a path as its source";
		else if (!strncmp(m->fstype, "cgroup", 6) &&
		         (!r->ns.unshare[NS_CGROUP] || r->ns.path[NS_CGROUP]))
			bad = "without a cgroup namespace of its own";
		if (!bad)
			continue;
		snprintf(grant, sizeof(grant), "mount %.20s %.60s on %.180s (%s)", m->fstype,
		         ent_has(m->source) ? m->source : "none", m->target, bad);
		ent_verdict_add(v, grant, m->why,
		                "allowed: " MOUNT_TYPES_TEXT ", binds of volumes");
	}
}

/*
 * Namespaces joined by path (an OCI config's linux.namespaces, the engine's pod network): a
 * namespace that is not the container's own nor the host's may be another container's, so
 * each path, as runtime/ resolved it, must be at or below an "allow join-namespace" path.
 */
static void check_join_ns(const struct ent_plan *r, const struct ent_policy *pol,
                          struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];

	for (int k = 0; k < NS_COUNT; k++) {
		bool ok = false;

		if (!r->ns.unshare[k] || !r->ns.path[k])
			continue;
		for (unsigned i = 0; i < pol->n_join_ns && !ok; i++)
			ok = under(r->ns.path[k], pol->join_ns[i]);
		if (ok)
			continue;
		snprintf(grant, sizeof(grant), "join-namespace %.280s", r->ns.path[k]);
		ent_verdict_add(v, grant, r->ns.why[k], NULL);
	}
}

/* Is the block net/len inside the block a_net/a_len? */
static bool block_inside(uint32_t net, unsigned len, uint32_t a_net, unsigned a_len)
{
	uint32_t mask = a_len ? ~UINT32_C(0) << (32 - a_len) : 0;

	return len >= a_len && (net & mask) == a_net;
}

/*
 * The address pool: the containers' addresses come from it, and their traffic is routed and
 * masqueraded from it, so a pool of the requester's choosing could shadow a host network.
 * The default pool (and any block inside it) is always allowed; another must lie inside an
 * "allow subnet" block.
 */
static void check_subnet(const struct ent_plan *r, const struct ent_policy *pol,
                         struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];
	uint32_t net, d_net;
	unsigned len, d_len;

	if (!r->net.subnet[0])
		return;
	/* Not a block at all (netcfg/ refuses it too): refused like any other. */
	if (parse_ipv4_cidr(r->net.subnet, &net, &len) == 0) {
		bool ok = parse_ipv4_cidr(ENT_SUBNET_DEFAULT, &d_net, &d_len) == 0 &&
		          block_inside(net, len, d_net, d_len);

		for (unsigned i = 0; i < pol->n_subnets && !ok; i++)
			ok = block_inside(net, len, pol->subnets[i].net,
			                  pol->subnets[i].prefix_len);
		if (ok)
			return;
	}
	snprintf(grant, sizeof(grant), "subnet %.60s", r->net.subnet);
	ent_verdict_add(v, grant, "--subnet", NULL);
}

/*
 * Published ports take a port of the host's (on one address, or on all): each must be in an
 * "allow publish" range of its protocol, on the line's address when it names one (0.0.0.0 and
 * no address both mean all addresses).
 */
static void check_publish(const struct ent_plan *r, const struct ent_policy *pol,
                          struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];

	for (unsigned i = 0; i < r->net.n_publish; i++) {
		const struct netcfg_publish *p = &r->net.publish[i];
		struct in_addr ip = { 0 };
		bool valid = !p->host_ip[0] || inet_pton(AF_INET, p->host_ip, &ip) == 1;
		bool ok = false;

		for (unsigned j = 0; j < pol->n_publish && valid && !ok; j++)
			ok = pol->publish[j].protocol == p->protocol &&
			     p->host_port >= pol->publish[j].first &&
			     p->host_port <= pol->publish[j].last &&
			     (!pol->publish[j].has_ip || pol->publish[j].ip == ntohl(ip.s_addr));
		if (ok)
			continue;
		snprintf(grant, sizeof(grant), "publish %s%s%u%s", p->host_ip,
		         p->host_ip[0] ? ":" : "", p->host_port,
		         p->protocol == IPPROTO_UDP ? "/udp" : "");
		ent_verdict_add(v, grant, "--publish", NULL);
	}
}

/* "allowed up to pids 1024": the ceiling a refused value went over. */
static void add_over(struct ent_verdict *v, const char *grant, const char *why, const char *ceiling)
{
	char allowed[ENT_ITEM_MAX];

	snprintf(allowed, sizeof(allowed), "allowed up to %s", ceiling);
	ent_verdict_add(v, grant, ent_why(why), allowed);
}

/*
 * Cgroup limits: no higher than the policy's ceilings. pids has one even without a line (the
 * default, ENT_PIDS_DEFAULT), so lifting it is a grant; memory and CPU have none by default.
 */
static void check_cgroup_limits(const struct cgroup_spec *cg, const struct ent_limits *l,
                                struct ent_verdict *v)
{
	int64_t pids = l->has_pids ? l->pids_max : ENT_PIDS_DEFAULT;
	char grant[64], ceiling[64], have[32], most[32];

	if (pids && (!cg->pids_max || cg->pids_max > pids)) {
		if (cg->pids_max)
			snprintf(grant, sizeof(grant), "pids %lld", (long long)cg->pids_max);
		else
			snprintf(grant, sizeof(grant), "pids max");
		snprintf(ceiling, sizeof(ceiling), "pids %lld", (long long)pids);
		add_over(v, grant, cg->pids_why, ceiling);
	}
	if (l->has_memory && (!cg->memory_bytes || cg->memory_bytes > l->memory_bytes)) {
		ent_size_str(cg->memory_bytes, have, sizeof(have));
		ent_size_str(l->memory_bytes, most, sizeof(most));
		snprintf(grant, sizeof(grant), "%s%s",
		         cg->memory_bytes ? "memory " : "no memory limit",
		         cg->memory_bytes ? have : "");
		snprintf(ceiling, sizeof(ceiling), "memory %s", most);
		add_over(v, grant, cg->memory_why, ceiling);
	}
	if (l->has_cpus && (!cg->cpu_quota_us || cg->cpu_quota_us * l->cpu_period_us >
	                                                 l->cpu_quota_us * cg->cpu_period_us)) {
		ent_cpus_str(cg->cpu_quota_us, cg->cpu_period_us, have, sizeof(have));
		ent_cpus_str(l->cpu_quota_us, l->cpu_period_us, most, sizeof(most));
		snprintf(grant, sizeof(grant), "%s%s", cg->cpu_quota_us ? "cpus " : "no CPU limit",
		         cg->cpu_quota_us ? have : "");
		snprintf(ceiling, sizeof(ceiling), "cpus %s", most);
		add_over(v, grant, cg->cpu_why, ceiling);
	}
}

/* Every tmpfs takes host memory as it fills: each needs a size, within the ceiling. */
static void check_tmpfs(const struct rootfs_spec *fs, const struct ent_limits *l,
                        struct ent_verdict *v)
{
	int64_t ceiling = l->has_tmpfs ? l->tmpfs_bytes : ENT_TMPFS_DEFAULT;
	char grant[ENT_ITEM_MAX], size[32], most[32], limit[48];

	ent_size_str(ceiling, most, sizeof(most));
	snprintf(limit, sizeof(limit), "tmpfs %s", most);
	for (unsigned i = 0; i < fs->n_mounts; i++) {
		const struct rootfs_mount *m = &fs->mounts[i];
		int64_t bytes = ent_tmpfs_size(m->data);

		if (strcmp(m->fstype, "tmpfs") || (bytes >= 0 && bytes <= ceiling))
			continue;
		if (bytes < 0)
			snprintf(size, sizeof(size), "without a size");
		else
			ent_size_str(bytes, size, sizeof(size));
		snprintf(grant, sizeof(grant), "tmpfs %.280s %s", m->target, size);
		add_over(v, grant, m->why, limit);
	}
	/* --ephemeral: its writes fill a tmpfs like any other. */
	if (fs->ephemeral.upper && fs->ephemeral.size_bytes > ceiling) {
		ent_size_str(fs->ephemeral.size_bytes, size, sizeof(size));
		snprintf(grant, sizeof(grant), "ephemeral %s", size);
		add_over(v, grant, fs->ephemeral.why, limit);
	}
}

void ent_policy_check_options(const struct ent_plan *r, const struct ent_policy *pol,
                              const struct ent_request_facts *facts, struct ent_verdict *v)
{
	check_paths(r, pol, facts, v);
	check_mount_types(r, v);
	check_join_ns(r, pol, v);
	check_subnet(r, pol, v);
	check_publish(r, pol, v);
	check_cgroup_limits(&r->cgroup, &pol->limits, v);
	check_tmpfs(&r->rootfs, &pol->limits, v);
}
