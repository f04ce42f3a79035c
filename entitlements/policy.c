/*
 * entitlements/policy.c - the subset check: may this request run under this node policy?
 *
 * Both sides are compiled plans: the request's, and one plan per item the policy allows (the
 * default, each allowed entitlement, each allowed profile). The policy grants the union of
 * theirs, and the request runs iff each of its grants is in that union: every capability,
 * allowed system call, shared namespace, device, unmasked path and raised limit is granted by
 * at least one allowed plan. The levels of a domain are not strictly nested (viewer's
 * CAP_DAC_READ_SEARCH is not in user), so a union of plans, not the highest level, is right.
 * Comparing plans, not names, means a profile whose entitlements are each allowed runs,
 * whatever it is called. What options ask for (host paths, the address pool, ports, limits,
 * where names are looked up) is checked against the policy's own lines (policy_options.c).
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/explain.h"
#include "entitlements/names.h"
#include "entitlements/policy.h"
#include "entitlements/policy_internal.h"
#include "entitlements/seccomp_json.h"

/* "allowed up to network.access=user": the policy's highest level in the domain of from. */
static void allowed_level(const struct ent_allowed *a, const char *from, char *buf, size_t size)
{
	size_t keylen = strcspn(from, "=");
	const struct ent_entry *best = NULL;
	char key[ENT_NAME_MAX];

	buf[0] = '\0';
	if (!from[keylen] || keylen >= sizeof(key))
		return;
	snprintf(key, sizeof(key), "%.*s", (int)keylen, from);
	for (unsigned p = 0; p < a->n; p++) {
		for (unsigned i = 0; i < a->plans[p]->n_grants; i++) {
			const char *g = a->plans[p]->grants[i].text;
			const struct ent_entry *row;

			if (strncmp(g, key, keylen) || g[keylen] != '=')
				continue;
			row = ent_entry_find(key, g + keylen + 1);
			if (row && row->kind == ENT_KIND_LEVEL &&
			    (!best || row->level > best->level))
				best = row;
		}
	}
	for (size_t i = 0; !best && i < ent_n_entries; i++) {
		if (!strcmp(ent_entries[i].key, key) && ent_entries[i].is_default)
			best = &ent_entries[i]; /* nothing above the default is allowed */
	}
	if (best && best->kind == ENT_KIND_LEVEL) {
		char name[ENT_ITEM_MAX];

		ent_entry_name(best, name, sizeof(name));
		snprintf(buf, size, "allowed up to %.280s", name);
	}
}

void ent_verdict_init(struct ent_verdict *v)
{
	v->allowed = true;
	v->n_missing = 0;
	v->truncated = false;
}

void ent_verdict_add(struct ent_verdict *v, const char *grant, const char *from,
                     const char *allowed)
{
	struct ent_missing *m;

	from = ent_why(from);
	v->allowed = false;
	for (unsigned i = 0; i < v->n_missing; i++) {
		if (!strcmp(v->missing[i].grant, grant) && !strcmp(v->missing[i].from, from))
			return;
	}
	if (v->n_missing >= ENT_MISSING_MAX) {
		v->truncated = true;
		return;
	}
	m = &v->missing[v->n_missing++];
	snprintf(m->grant, sizeof(m->grant), "%s", grant);
	snprintf(m->from, sizeof(m->from), "%s", from);
	snprintf(m->allowed, sizeof(m->allowed), "%s", allowed ? allowed : "");
	m->never = false;
}

/* A grant of an entitlement: the message says how far the policy goes in its domain. */
static void add_missing(struct ent_verdict *v, const struct ent_allowed *allowed, const char *grant,
                        const char *from)
{
	char level[ENT_ITEM_MAX];

	from = ent_why(from);
	allowed_level(allowed, from, level, sizeof(level));
	ent_verdict_add(v, grant, from, level);
}

static uint64_t all_caps(const struct lockdown_caps *c)
{
	return c->bounding | c->effective | c->permitted | c->inheritable | c->ambient;
}

static void check_caps(const struct ent_plan *r, const struct ent_allowed *a, struct ent_verdict *v)
{
	uint64_t extra = all_caps(&r->lockdown.caps);

	for (unsigned p = 0; p < a->n; p++)
		extra &= ~all_caps(&a->plans[p]->lockdown.caps);
	for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
		char name[48];

		if (!(extra & (UINT64_C(1) << cap)))
			continue;
		ent_cap_name(cap, name, sizeof(name));
		add_missing(v, a, name, r->lockdown.cap_why[cap]);
	}
}

/*
 * Does an action let the call run? ALLOW, and also LOG (allowed, then logged), TRACE (without
 * a tracer the call fails with ENOSYS, but a tracer inside the container lets it run) and a
 * NOTIFY answered with 0 (learn's supervisor lets the call proceed).
 */
static bool lets_through(unsigned action, int32_t errnum)
{
	return action == LOCKDOWN_ALLOW || action == LOCKDOWN_LOG || action == LOCKDOWN_TRACE ||
	       (action == LOCKDOWN_NOTIFY && errnum == 0);
}

/*
 * A rule whose conditions are all equalities allows one point (its values, the other
 * arguments free). Does a allow that point? Only when a's rules for the call look at no other
 * argument, so the free ones cannot matter: then the answer is exact (the compiler's rules for
 * one call never overlap). Returns -1 when it cannot tell.
 */
static int allows_point(const struct lockdown_rule *rule, const struct lockdown_spec *a)
{
	uint64_t args[ENT_MAX_ARGS] = { 0 };
	unsigned used = 0;

	for (unsigned k = 0; k < rule->n_args; k++) {
		if (rule->args[k].op != LOCKDOWN_CMP_EQ || rule->args[k].index >= ENT_MAX_ARGS)
			return -1;
		args[rule->args[k].index] = rule->args[k].value;
		used |= 1u << rule->args[k].index;
	}
	for (unsigned i = 0; i < a->n_rules; i++) {
		const struct lockdown_rule *q = &a->rules[i];
		bool match = true;

		if (strcmp(q->syscall, rule->syscall))
			continue;
		for (unsigned k = 0; k < q->n_args; k++) {
			if (q->args[k].index >= ENT_MAX_ARGS || !(used & (1u << q->args[k].index)))
				return -1;
			match = match &&
			        ent_lockdown_cond_holds(&q->args[k], args[q->args[k].index]);
		}
		if (match)
			return lets_through(q->action, q->errnum);
	}
	return lets_through(a->default_action, a->default_errnum);
}

/* The same conditions, field by field (a struct's padding is not compared). */
static bool same_args(const struct lockdown_arg *a, const struct lockdown_arg *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (a[i].index != b[i].index || a[i].op != b[i].op || a[i].value != b[i].value ||
		    a[i].value2 != b[i].value2)
			return false;
	}
	return true;
}

/* An allowed rule is covered by an allow-all rule for its syscall, or by the same rule. */
static bool rule_covered(const struct lockdown_rule *rule, const struct lockdown_spec *a)
{
	if (a->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED ||
	    lets_through(a->default_action, a->default_errnum))
		return true;
	for (unsigned i = 0; i < a->n_rules; i++) {
		const struct lockdown_rule *q = &a->rules[i];

		if (!lets_through(q->action, q->errnum) || strcmp(q->syscall, rule->syscall))
			continue;
		if (q->n_args == 0)
			return true;
		if (q->n_args == rule->n_args && same_args(q->args, rule->args, rule->n_args))
			return true;
	}
	return rule->n_args && allows_point(rule, a) == 1;
}

static bool rule_allowed(const struct lockdown_rule *rule, const struct ent_allowed *a)
{
	for (unsigned p = 0; p < a->n; p++) {
		if (rule_covered(rule, &a->plans[p]->lockdown))
			return true;
	}
	return false;
}

/* Does an allowed plan allow every syscall (unconfined, or a filter allowing by default)? */
static bool default_allowed(const struct ent_allowed *a)
{
	for (unsigned p = 0; p < a->n; p++) {
		const struct lockdown_spec *ld = &a->plans[p]->lockdown;

		if (ld->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED ||
		    lets_through(ld->default_action, ld->default_errnum))
			return true;
	}
	return false;
}

/*
 * System calls: every rule that allows a call (with or without conditions) must be allowed
 * alike by an allowed plan. A profile reference (unconfined, localhost/NAME) replaces the
 * filter: the policy must allow the reference itself.
 */
static void check_seccomp(const struct ent_plan *r, const struct ent_allowed *a,
                          struct ent_verdict *v)
{
	const struct lockdown_spec *ld = &r->lockdown;
	char grant[ENT_ITEM_MAX];

	if (ent_has(ld->seccomp_ref) && strcmp(ld->seccomp_ref, "runtime/default")) {
		if (ent_policy_allows_seccomp(a->policy, ld->seccomp_ref))
			return;
		snprintf(grant, sizeof(grant), "seccomp %.300s", ld->seccomp_ref);
		add_missing(v, a, grant, ld->seccomp_why ? ld->seccomp_why : "--seccomp");
		return;
	}
	/*
	 * A filter that lets through what it does not name (an OCI config's SCMP_ACT_ALLOW, LOG or
	 * TRACE) allows everything else.
	 */
	if (lets_through(ld->default_action, ld->default_errnum) && !default_allowed(a)) {
		snprintf(grant, sizeof(grant),
		         "every syscall the filter does not name (defaultAction %s)",
		         ent_seccomp_action_name(ld->default_action));
		add_missing(v, a, grant, ld->seccomp_why);
	}
	for (unsigned i = 0; i < ld->n_rules; i++) {
		const struct lockdown_rule *rule = &ld->rules[i];

		if (!lets_through(rule->action, rule->errnum) || rule_allowed(rule, a))
			continue;
		snprintf(grant, sizeof(grant), "syscall %s%s", rule->syscall,
		         rule->n_args ? " (with these arguments)" : "");
		add_missing(v, a, grant, rule->why);
	}
}

/*
 * No user namespace (an OCI config without one: podman's and containerd's default as root):
 * container root is host root, a grant of its own ("allow host-userns"), named first.
 */
static void check_host_userns(const struct ent_plan *r, const struct ent_allowed *a,
                              struct ent_verdict *v)
{
	bool shared = a->policy && a->policy->host_userns;

	for (unsigned p = 0; p < a->n && !shared; p++)
		shared = !a->plans[p]->ns.unshare[NS_USER];
	if (!r->ns.unshare[NS_USER] && !shared)
		add_missing(v, a, "host-userns (container root is host root)", r->ns.why[NS_USER]);
}

/* One list of an OCI config's own mappings ("uid" or "gid"): each range is a grant. */
static void check_idmap_list(const struct ns_idmap *map, unsigned n, const char *kind,
                             const char *field, const struct ent_allowed *a, struct ent_verdict *v)
{
	bool host_root = a->policy && a->policy->host_userns;
	char grant[ENT_ITEM_MAX];

	for (unsigned i = 0; i < n; i++) {
		unsigned long long last = (unsigned long long)map[i].outside + map[i].count - 1;

		if (map[i].outside == 0 && !host_root) {
			snprintf(grant, sizeof(grant),
			         "host-userns (%s %u:%u:%u maps host %s 0: container root is host "
			         "root)",
			         field, map[i].inside, map[i].outside, map[i].count, kind);
			ent_verdict_add(v, grant, field, NULL);
		}
		if (a->policy && a->policy->id_mappings)
			continue;
		snprintf(grant, sizeof(grant), "id-mappings (%s %u:%u:%u: host %ss %u-%llu)", field,
		         map[i].inside, map[i].outside, map[i].count, kind, map[i].outside, last);
		ent_verdict_add(v, grant, field, NULL);
	}
}

/*
 * User namespace maps written as given (an OCI config's linux.uidMappings, started by root):
 * they choose which host ids the container's are, another user's, another container's leased
 * block or host root itself. Unless an allowed plan has the very same maps, each range is a
 * grant ("allow id-mappings"), and one that holds host id 0 needs "allow host-userns" too.
 * ent-run's own maps (a leased block, own_range), the ones the setuid helpers or the kernel
 * check for an unprivileged caller (rootless), and the host identity host.devices.access=admin
 * keeps (its grant is "the host's /dev") are not the config's choice.
 */
static void check_idmaps(const struct ent_plan *r, const struct ent_allowed *a,
                         struct ent_verdict *v)
{
	const struct ns_spec *ns = &r->ns;

	if (!ns->unshare[NS_USER] || ns->own_range || ns->use_idmap_helpers || ns->deny_setgroups ||
	    r->rootfs.host_dev || !ns->n_uid_map)
		return;
	for (unsigned p = 0; p < a->n; p++) {
		const struct ns_spec *q = &a->plans[p]->ns;

		if (q->unshare[NS_USER] && !q->own_range &&
		    ent_same_idmaps(ns->uid_map, ns->n_uid_map, q->uid_map, q->n_uid_map) &&
		    ent_same_idmaps(ns->gid_map, ns->n_gid_map, q->gid_map, q->n_gid_map))
			return;
	}
	check_idmap_list(ns->uid_map, ns->n_uid_map, "uid", "linux.uidMappings", a, v);
	check_idmap_list(ns->gid_map, ns->n_gid_map, "gid", "linux.gidMappings", a, v);
}

/*
 * OCI hooks: programs the runtime runs as host root, outside the container's sandbox (its
 * namespaces, capabilities, seccomp filter). A grant of its own ("allow oci-hooks").
 */
static void check_hooks(const struct ent_plan *r, const struct ent_allowed *a,
                        struct ent_verdict *v)
{
	if (r->hooks.n && !(a->policy && a->policy->oci_hooks))
		add_missing(v, a, "oci-hooks (host programs run as host root)",
		            r->hooks.list[0].why);
}

static void check_namespaces(const struct ent_plan *r, const struct ent_allowed *a,
                             struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];
	int net = NETCFG_NONE;

	for (int k = 0; k < NS_COUNT; k++) {
		bool shared = k == NS_USER; /* check_host_userns's */

		for (unsigned p = 0; p < a->n && !shared; p++)
			shared = !a->plans[p]->ns.unshare[k];
		if (r->ns.unshare[k] || shared)
			continue;
		snprintf(grant, sizeof(grant), "the host's %s namespace", ent_ns_names[k].prose);
		add_missing(v, a, grant, r->ns.why[k]);
	}
	for (unsigned p = 0; p < a->n; p++)
		net = a->plans[p]->net.mode > (unsigned)net ? (int)a->plans[p]->net.mode : net;
	if ((int)r->net.mode > net && r->net.mode <= NETCFG_HOST) {
		snprintf(grant, sizeof(grant), "network reach '%s'",
		         ent_net_row(r->net.mode)->name);
		add_missing(v, a, grant, r->net.why);
	}
}

static bool has_device(const struct rootfs_spec *fs, const char *path)
{
	if (fs->host_dev)
		return true;
	for (unsigned i = 0; i < fs->n_devices; i++) {
		if (!strcmp(fs->devices[i].path, path))
			return true;
	}
	return false;
}

/* Does an allowed device rule hold type major:minor with access (wildcards: 'a', -1)? */
static bool devrule_holds(const struct cgroup_devrule *q, char type, int64_t major, int64_t minor,
                          const char *access)
{
	if (!q->allow || q->path)
		return false; /* a host.devices.allow rule: its node is in fs->devices */
	if (q->type != 'a' && q->type != type)
		return false;
	if ((q->major != -1 && q->major != major) || (q->minor != -1 && q->minor != minor))
		return false;
	for (const char *c = access; *c; c++)
		if (!strchr(q->access, *c))
			return false;
	return true;
}

/*
 * May the container reach the device type major:minor (-1: every one; type 'a': both kinds)
 * with access? What an allowed plan allows: the host's /dev, a device rule, or one of its
 * device nodes (the minimal /dev of every container, its own terminals, host.devices.allow:
 * runtime/ fills in their numbers from the host's nodes).
 */
static bool device_allowed(const struct ent_allowed *a, char type, int64_t major, int64_t minor,
                           const char *access)
{
	if (type == 'c' && ((major == 5 && minor == 2) || major == 136))
		return true; /* /dev/pts/ptmx and /dev/pts/N: the container's own devpts */
	for (size_t i = 0; type != 'a' && major >= 0 && minor >= 0 && i < ent_n_dev_nodes; i++)
		if (ent_dev_nodes[i].type == type && ent_dev_nodes[i].major == major &&
		    ent_dev_nodes[i].minor == minor)
			return true;
	for (unsigned p = 0; p < a->n; p++) {
		const struct ent_plan *q = a->plans[p];

		if (q->rootfs.host_dev)
			return true;
		for (unsigned i = 0; i < q->cgroup.n_devrules; i++)
			if (devrule_holds(&q->cgroup.devrules[i], type, major, minor, access))
				return true;
		for (unsigned i = 0;
		     type != 'a' && major >= 0 && minor >= 0 && i < q->rootfs.n_devices; i++) {
			const struct rootfs_device *d = &q->rootfs.devices[i];

			if (d->type == type && d->major == major && d->minor == minor)
				return true;
		}
	}
	return false;
}

/* "c 10:229", "b 254:*", "a *:*" */
static void device_name(char *buf, size_t size, char type, int64_t major, int64_t minor)
{
	char maj[24] = "*", min[24] = "*";

	if (major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)major);
	if (minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)minor);
	snprintf(buf, size, "%c %s:%s", type, maj, min);
}

/*
 * A device is what its type and numbers say, not its path: a node made with mknod (an OCI
 * config without a user namespace) must be one the policy allows by number, and each device
 * cgroup rule that allows something (linux.resources.devices, linux.devices) too.
 */
static void check_device_numbers(const struct ent_plan *r, const struct ent_allowed *a,
                                 struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX], dev[64];

	for (unsigned i = 0; i < r->rootfs.n_devices; i++) {
		const struct rootfs_device *d = &r->rootfs.devices[i];

		if (!d->mknod || d->type == 'p' ||
		    device_allowed(a, d->type, d->major, d->minor, ""))
			continue;
		device_name(dev, sizeof(dev), d->type, d->major, d->minor);
		snprintf(grant, sizeof(grant), "device %s at %.200s", dev, d->path);
		add_missing(v, a, grant, d->why);
	}
	for (unsigned i = 0; i < r->cgroup.n_devrules; i++) {
		const struct cgroup_devrule *q = &r->cgroup.devrules[i];

		if (!q->allow || q->path ||
		    device_allowed(a, q->type, q->major, q->minor, q->access))
			continue;
		device_name(dev, sizeof(dev), q->type, q->major, q->minor);
		snprintf(grant, sizeof(grant), "device rule allow %s %s", dev, q->access);
		add_missing(v, a, grant, q->why);
	}
}

static bool is_masked(const struct rootfs_spec *fs, const char *path)
{
	for (unsigned i = 0; i < fs->n_masked; i++) {
		if (!strcmp(fs->masked[i].path, path))
			return true;
	}
	return false;
}

static bool rlimit_allowed(const struct ent_rlimit *l, const struct ent_allowed *a,
                           const struct ent_request_facts *facts)
{
	/* At or below the caller's own hard limit: nothing the process could not set itself. */
	if (facts && l->resource >= 0 && l->resource < ENT_MAX_RLIMITS &&
	    l->hard <= facts->rlimit_hard[l->resource])
		return true;
	for (unsigned p = 0; p < a->n; p++) {
		for (unsigned j = 0; j < a->plans[p]->proc.n_rlimits; j++) {
			const struct ent_rlimit *q = &a->plans[p]->proc.rlimits[j];

			if (q->resource == l->resource && q->hard >= l->hard)
				return true;
		}
	}
	return false;
}

/* Devices, the host's /dev, and resource limits raised. */
static void check_devices(const struct ent_plan *r, const struct ent_allowed *a,
                          const struct ent_request_facts *facts, struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];
	bool host_dev = false;

	for (unsigned p = 0; p < a->n; p++)
		host_dev = host_dev || a->plans[p]->rootfs.host_dev;
	if (r->rootfs.host_dev && !host_dev)
		add_missing(v, a, "the host's /dev", r->rootfs.host_dev_why);
	check_device_numbers(r, a, v);
	for (unsigned i = 0; i < r->rootfs.n_devices; i++) {
		bool ok = r->rootfs.devices[i].mknod; /* by its numbers, above */

		for (unsigned p = 0; p < a->n && !ok; p++)
			ok = has_device(&a->plans[p]->rootfs, r->rootfs.devices[i].path);
		if (ok)
			continue;
		snprintf(grant, sizeof(grant), "device %.300s", r->rootfs.devices[i].path);
		add_missing(v, a, grant, r->rootfs.devices[i].why);
	}
	for (unsigned i = 0; i < r->proc.n_rlimits; i++) {
		if (rlimit_allowed(&r->proc.rlimits[i], a, facts))
			continue;
		snprintf(grant, sizeof(grant), "%s raised",
		         ent_rlimit_name(r->proc.rlimits[i].resource) ?: "a resource limit");
		add_missing(v, a, grant, r->proc.rlimits[i].why);
	}
}

/* Is path hidden from p's container: masked, or refused by the kernel to all its uids? */
static bool is_hidden(const struct ent_plan *p, const char *path)
{
	return is_masked(&p->rootfs, path) || ent_kernel_hides(&p->ns, path);
}

/* A path every allowed plan hides must stay hidden. */
static void check_hidden(const struct ent_plan *r, const struct ent_allowed *a, const char *path,
                         struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];

	for (unsigned p = 0; p < a->n; p++)
		if (!is_hidden(a->plans[p], path))
			return;
	if (is_hidden(r, path))
		return;
	snprintf(grant, sizeof(grant), "%.300s unmasked", path);
	add_missing(v, a, grant, "the request");
}

/*
 * The paths the first allowed plan masks, and those the kernel hides from it (an allowed plan
 * in a range of its own leaves them unmasked; a request whose uids include host root, an OCI
 * config without a user namespace say, must mask them).
 */
static void check_masks(const struct ent_plan *r, const struct ent_allowed *a,
                        struct ent_verdict *v)
{
	if (!a->n)
		return;
	for (unsigned i = 0; i < a->plans[0]->rootfs.n_masked; i++)
		check_hidden(r, a, a->plans[0]->rootfs.masked[i].path, v);
	for (unsigned i = 0; i < ent_n_host_root_only; i++)
		if (!is_masked(&a->plans[0]->rootfs, ent_host_root_only[i]))
			check_hidden(r, a, ent_host_root_only[i], v);
}

/* Is path read-only in fs: a read-only path, or the target of a read-only mount? */
static bool is_readonly(const struct rootfs_spec *fs, const char *path)
{
	for (unsigned i = 0; i < fs->n_readonly; i++)
		if (!strcmp(fs->readonly_paths[i].path, path))
			return true;
	for (unsigned i = 0; i < fs->n_mounts; i++)
		if (!strcmp(fs->mounts[i].target, path) && (fs->mounts[i].flags & MS_RDONLY))
			return true;
	return false;
}

/* Does fs mount something at path or at a directory above it (/proc for /proc/sys)? */
static bool mounts_at(const struct rootfs_spec *fs, const char *path)
{
	for (unsigned i = 0; i < fs->n_mounts; i++) {
		size_t n = strlen(fs->mounts[i].target);

		if (!strncmp(path, fs->mounts[i].target, n) && (path[n] == '/' || !path[n]))
			return true;
	}
	return false;
}

static void check_one_readonly(const struct ent_plan *r, const struct ent_allowed *a,
                               const char *path, struct ent_verdict *v)
{
	char grant[ENT_ITEM_MAX];

	for (unsigned p = 1; p < a->n; p++)
		if (!is_readonly(&a->plans[p]->rootfs, path))
			return;
	if (!mounts_at(&r->rootfs, path) || is_readonly(&r->rootfs, path))
		return;
	snprintf(grant, sizeof(grant), "%.300s writable", path);
	add_missing(v, a, grant, "the request");
}

/*
 * Writable paths: a kernel interface every allowed plan keeps read-only (/proc/sys, /sys)
 * stays read-only where the request mounts it (an OCI config lists its own).
 */
static void check_readonly(const struct ent_plan *r, const struct ent_allowed *a,
                           struct ent_verdict *v)
{
	const struct rootfs_spec *first = a->n ? &a->plans[0]->rootfs : NULL;

	for (unsigned i = 0; first && i < first->n_readonly; i++)
		check_one_readonly(r, a, first->readonly_paths[i].path, v);
	for (unsigned i = 0; first && i < first->n_mounts; i++)
		if (first->mounts[i].flags & MS_RDONLY)
			check_one_readonly(r, a, first->mounts[i].target, v);
}

/*
 * What the entitlements grant: the host's user namespace, capabilities, system calls,
 * namespaces, devices and limits (facts: the caller's own limits, or NULL), masks, writable
 * kernel interfaces.
 */
static void check_grants(const struct ent_plan *request, const struct ent_allowed *allowed,
                         const struct ent_request_facts *facts, struct ent_verdict *out)
{
	check_host_userns(request, allowed, out);
	check_idmaps(request, allowed, out);
	check_hooks(request, allowed, out);
	check_caps(request, allowed, out);
	check_seccomp(request, allowed, out);
	check_namespaces(request, allowed, out);
	check_devices(request, allowed, facts, out);
	check_masks(request, allowed, out);
	check_readonly(request, allowed, out);
}

void ent_policy_check(const struct ent_plan *request, const struct ent_allowed *allowed,
                      const struct ent_request_facts *facts, struct ent_verdict *out)
{
	ent_verdict_init(out);
	ent_policy_check_never(request, facts, out);
	if (!allowed)
		return;
	ent_policy_check_dirs(allowed->policy, facts, out);
	check_grants(request, allowed, facts, out);
	ent_policy_check_options(request, allowed->policy, facts, out);
}

void ent_policy_check_grants(const struct ent_plan *request, const struct ent_allowed *allowed,
                             struct ent_verdict *out)
{
	ent_verdict_init(out);
	check_grants(request, allowed, NULL, out);
}

/* Append to buf, keeping it terminated; truncation shows as a cut line, never an overflow. */
static void append(char *buf, unsigned long size, const char *text)
{
	size_t used = strlen(buf);

	if (used + 1 < size)
		snprintf(buf + used, size - used, "%s", text);
}

/* Append the grants asked for by from: all of them, or the first few and a count. */
static void append_group(const struct ent_verdict *v, const char *from, unsigned most, char *buf,
                         unsigned long size)
{
	unsigned count = 0;
	char more[32];

	for (unsigned j = 0; j < v->n_missing; j++) {
		if (strcmp(v->missing[j].from, from))
			continue;
		if (count++ < most) {
			append(buf, size, count > 1 ? ", " : "");
			append(buf, size, v->missing[j].grant);
		}
	}
	if (count > most) {
		snprintf(more, sizeof(more), " and %u more", count - most);
		append(buf, size, more);
	}
	append(buf, size, " (from ");
	append(buf, size, from[0] ? from : "default");
	append(buf, size, count > 1 ? ") are not allowed" : ") is not allowed");
}

void ent_verdict_format(const struct ent_verdict *v, const char *source, unsigned most, char *buf,
                        unsigned long size)
{
	if (source)
		snprintf(buf, size, "%s by %s", v->allowed ? "allowed" : "refused", source);
	else
		snprintf(buf, size, "%s", v->allowed ? "allowed" : "refused");
	if (v->allowed)
		return;
	append(buf, size, ": ");
	/* Group the grants by the entitlement that asked for them, in order of appearance. */
	for (unsigned i = 0; i < v->n_missing; i++) {
		const struct ent_missing *m = &v->missing[i];
		bool first = true;

		for (unsigned j = 0; j < i && first; j++)
			first = strcmp(v->missing[j].from, m->from) != 0;
		if (!first)
			continue;
		if (i)
			append(buf, size, "; ");
		append_group(v, m->from, most, buf, size);
		if (m->allowed[0]) {
			append(buf, size, "; ");
			append(buf, size, m->allowed);
		}
	}
	if (v->truncated)
		append(buf, size, "; and more");
}

int ent_verdict_print_json(FILE *out, const struct ent_verdict *v, const char *source,
                           struct rt_err *err)
{
	json_object *root = json_object_new_object();
	json_object *missing = json_object_new_array();

	if (!root || !missing) {
		json_object_put(root);
		json_object_put(missing);
		return rt_fail(err, ENOMEM, "check: build the json verdict");
	}
	json_object_object_add(root, "allowed", json_object_new_boolean(v->allowed));
	json_object_object_add(root, "policy", source ? json_object_new_string(source) : NULL);
	for (unsigned i = 0; i < v->n_missing; i++) {
		json_object *m = json_object_new_object();

		json_object_object_add(m, "grant", json_object_new_string(v->missing[i].grant));
		json_object_object_add(m, "from", json_object_new_string(v->missing[i].from));
		json_object_object_add(m, "allowed", json_object_new_string(v->missing[i].allowed));
		json_object_array_add(missing, m);
	}
	json_object_object_add(root, "missing", missing);
	fprintf(out, "%s\n",
	        json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}
