/*
 * entitlements/explain_json.c - ent-run explain --format json: the plan for programs.
 *
 * The same sections as the text form, as one json object whose keys, and their order, are
 * documented in docs/explain-json.md and pinned by the golden tests (tests/golden/): a change
 * here is a change of a published format. Built with json-c, which keeps an object's keys in
 * the order they were added.
 *
 * Pure code: reads the plan, writes to the FILE * it is given.
 */
#include "entitlements/explain_internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <string.h>

/* A JSON string of a plan's string: NULL (never set) is "". */
static struct json_object *jstring(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/* Add key to obj; json-c keeps keys in the order they were added, which docs/explain-json.md
 * documents and the golden files pin. */
static void jadd(struct json_object *obj, const char *key, struct json_object *val)
{
	json_object_object_add(obj, key, val);
}

static struct json_object *jitem(const char *key, const char *value, const char *why)
{
	struct json_object *o = json_object_new_object();

	jadd(o, key, jstring(value));
	jadd(o, "why", jstring(why_of(why)));
	return o;
}

static struct json_object *json_grants(const struct ent_plan *plan)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < plan->n_grants; i++) {
		struct json_object *o = json_object_new_object();

		jadd(o, "entitlement", jstring(plan->grants[i].text));
		jadd(o, "from", jstring(plan->grants[i].from));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_namespaces(const struct ns_spec *ns)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < NS_COUNT; i++) {
		struct json_object *o = json_object_new_object();
		enum ns_kind k = ent_ns_names[i].kind;

		jadd(o, "type", jstring(ent_ns_names[i].name));
		jadd(o, "flag", jstring(ent_ns_names[i].flag));
		jadd(o, "new", json_object_new_boolean(ns->unshare[k]));
		jadd(o, "why", jstring(why_of(ns->why[k])));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_idmap(const struct ns_idmap *map, unsigned n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		jadd(o, "inside", json_object_new_int64(map[i].inside));
		jadd(o, "outside", json_object_new_int64(map[i].outside));
		jadd(o, "count", json_object_new_int64(map[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_ids(const struct ent_plan *plan)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "uid_map", json_idmap(plan->ns.uid_map, plan->ns.n_uid_map));
	jadd(o, "gid_map", json_idmap(plan->ns.gid_map, plan->ns.n_gid_map));
	jadd(o, "use_idmap_helpers", json_object_new_boolean(plan->ns.use_idmap_helpers));
	jadd(o, "deny_setgroups", json_object_new_boolean(plan->ns.deny_setgroups));
	jadd(o, "maps_why", jstring(why_of(plan->ns.idmap_why)));
	jadd(o, "own_range", json_object_new_boolean(plan->ns.own_range));
	jadd(o, "idmapped_rootfs", json_object_new_boolean(plan->rootfs.idmap));
	jadd(o, "uid", json_object_new_int64(plan->proc.uid));
	jadd(o, "gid", json_object_new_int64(plan->proc.gid));
	return o;
}

static struct json_object *json_capabilities(const struct lockdown_spec *lock)
{
	struct json_object *o = json_object_new_object();
	char name[ENT_NAME_MAX];

	for (size_t i = 0; i < ent_n_capset_rows; i++) {
		uint64_t bits = capset_bits(lock, &ent_capset_rows[i]);
		struct json_object *a = json_object_new_array();

		for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
			if (!(bits & (UINT64_C(1) << cap)))
				continue;
			ent_cap_name(cap, name, sizeof(name));
			json_object_array_add(a, jitem("name", name, lock->cap_why[cap]));
		}
		jadd(o, ent_capset_rows[i].name, a);
	}
	return o;
}

/*
 * "errno": the errno name for an errno action and for a notify rule's answer (null when it
 * lets the call through), the message number for trace, else null.
 */
static struct json_object *json_errno(unsigned action, int32_t errnum)
{
	char num[16];

	if (action == LOCKDOWN_ERRNO || (action == LOCKDOWN_NOTIFY && errnum))
		return jstring(ent_errno_name(errnum, num, sizeof(num)));
	if (action == LOCKDOWN_TRACE)
		return json_object_new_int(errnum);
	return NULL;
}

static struct json_object *json_rule(const struct lockdown_rule *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *args = json_object_new_array();

	jadd(o, "syscall", jstring(r->syscall));
	jadd(o, "action", jstring(ent_action_name(r->action)));
	jadd(o, "errno", json_errno(r->action, r->errnum));
	for (unsigned i = 0; i < r->n_args; i++) {
		const struct lockdown_arg *a = &r->args[i];
		struct json_object *c = json_object_new_object();

		jadd(c, "index", json_object_new_int(a->index));
		jadd(c, "op", jstring(ent_cmp_op(a->op)));
		jadd(c, "value", json_object_new_uint64(a->value));
		jadd(c, "value2", json_object_new_uint64(a->value2));
		json_object_array_add(args, c);
	}
	jadd(o, "args", args);
	jadd(o, "why", jstring(why_of(r->why)));
	return o;
}

static struct json_object *json_seccomp(const struct lockdown_spec *lock)
{
	bool filter = lock->seccomp_mode != LOCKDOWN_SECCOMP_UNCONFINED;
	struct json_object *o = json_object_new_object();
	struct json_object *rules = json_object_new_array();

	jadd(o, "mode", jstring(filter ? "filter" : "unconfined"));
	jadd(o, "ref",
	     jstring(ent_has(lock->seccomp_ref) ? lock->seccomp_ref
	             : filter                   ? "runtime/default"
	                                        : "unconfined"));
	jadd(o, "default_action", jstring(ent_action_name(lock->default_action)));
	jadd(o, "default_errno", json_errno(lock->default_action, lock->default_errnum));
	for (unsigned i = 0; filter && i < lock->n_rules; i++)
		json_object_array_add(rules, json_rule(&lock->rules[i]));
	jadd(o, "rules", rules);
	return o;
}

static struct json_object *json_mounts(const struct rootfs_spec *rootfs)
{
	struct json_object *a = json_object_new_array();
	char opts[512];

	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		const struct rootfs_mount *m = &rootfs->mounts[i];
		struct json_object *o = json_object_new_object();
		struct json_object *flags = json_object_new_array();

		for (size_t f = 0; f < ent_n_mount_flags; f++)
			if (m->flags & ent_mount_flags[f].flag)
				json_object_array_add(flags, jstring(ent_mount_flags[f].name));
		ent_mount_options(m, opts, sizeof(opts));
		jadd(o, "target", jstring(m->target));
		jadd(o, "type", jstring(m->fstype));
		jadd(o, "source", jstring(m->source));
		if (m->generated)
			jadd(o, "generated", jstring(ent_generated_name(m->generated)));
		jadd(o, "flags", flags);
		jadd(o, "data", jstring(m->data));
		jadd(o, "options", jstring(opts));
		jadd(o, "create_file", json_object_new_boolean(m->create_file));
		jadd(o, "why", jstring(why_of(m->why)));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_paths(const struct rootfs_path *paths, unsigned n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++)
		json_object_array_add(a, jitem("path", paths[i].path, paths[i].why));
	return a;
}

static struct json_object *json_devices(const struct ent_plan *plan)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nodes = json_object_new_array();
	struct json_object *rules = json_object_new_array();
	char type[2] = "a";

	jadd(o, "host_dev", json_object_new_boolean(plan->rootfs.host_dev));
	jadd(o, "why", jstring(why_of(plan->rootfs.host_dev_why)));
	for (unsigned i = 0; i < plan->rootfs.n_devices; i++)
		json_object_array_add(nodes, jitem("path", plan->rootfs.devices[i].path,
		                                   plan->rootfs.devices[i].why));
	jadd(o, "nodes", nodes);
	for (unsigned i = 0; i < plan->cgroup.n_devrules; i++) {
		const struct cgroup_devrule *d = &plan->cgroup.devrules[i];
		struct json_object *r = json_object_new_object();

		type[0] = d->type ? d->type : 'a';
		jadd(r, "allow", json_object_new_boolean(d->allow));
		jadd(r, "type", jstring(type));
		jadd(r, "major", json_object_new_int64(d->major));
		jadd(r, "minor", json_object_new_int64(d->minor));
		jadd(r, "access", jstring(d->access));
		if (ent_has(d->path))
			jadd(r, "path", jstring(d->path));
		jadd(r, "why", jstring(why_of(d->why)));
		json_object_array_add(rules, r);
	}
	jadd(o, "cgroup_rules", rules);
	return o;
}

static struct json_object *json_network(const struct netcfg_spec *net)
{
	struct json_object *o = json_object_new_object();
	struct json_object *publish = json_object_new_array();

	jadd(o, "mode", jstring(ent_net_row(net->mode)->name));
	jadd(o, "why", jstring(why_of(net->why)));
	jadd(o, "subnet", jstring(net->subnet));
	for (unsigned i = 0; i < net->n_publish; i++) {
		const struct netcfg_publish *p = &net->publish[i];
		struct json_object *po = json_object_new_object();

		jadd(po, "host_ip", jstring(p->host_ip));
		jadd(po, "host_port", json_object_new_int(p->host_port));
		jadd(po, "port", json_object_new_int(p->port));
		jadd(po, "protocol", jstring(p->protocol == IPPROTO_UDP ? "udp" : "tcp"));
		json_object_array_add(publish, po);
	}
	jadd(o, "publish", publish);
	return o;
}

static struct json_object *json_limit(const char *key, int64_t value, const char *why)
{
	struct json_object *o = json_object_new_object();

	jadd(o, key, json_object_new_int64(value));
	jadd(o, "why", jstring(why_of(why)));
	return o;
}

static struct json_object *json_limits(const struct cgroup_spec *cg)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cpu = json_limit("quota_us", cg->cpu_quota_us, cg->cpu_why);
	struct json_object *pids = json_limit("max", cg->pids_max, cg->pids_why);

	jadd(o, "memory", json_limit("bytes", cg->memory_bytes, cg->memory_why));
	json_object_object_del(pids, "why");
	jadd(pids, "by", jstring(cg->pids_rlimit ? "rlimit" : "cgroup"));
	jadd(pids, "why", jstring(why_of(cg->pids_why)));
	jadd(o, "pids", pids);
	json_object_object_del(cpu, "why");
	jadd(cpu, "period_us", json_object_new_int64(cg->cpu_period_us));
	jadd(cpu, "why", jstring(why_of(cg->cpu_why)));
	jadd(o, "cpu", cpu);
	jadd(o, "stats", json_object_new_boolean(cg->stats));
	jadd(o, "track", json_object_new_boolean(cg->track));
	return o;
}

/* --ephemeral: null, or the overlay's upper layer. */
static struct json_object *json_ephemeral(const struct rootfs_overlay *eph)
{
	struct json_object *o;

	if (!eph->enabled)
		return NULL;
	o = json_object_new_object();
	jadd(o, "upper", json_object_new_boolean(eph->upper));
	jadd(o, "size_bytes", json_object_new_int64(eph->size_bytes));
	jadd(o, "why", jstring(why_of(eph->why)));
	return o;
}

static struct json_object *json_strv(char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, jstring(*v));
	return a;
}

static struct json_object *json_process(const struct ent_plan *plan)
{
	const struct ent_process *proc = &plan->proc;
	struct json_object *o = json_object_new_object();
	struct json_object *rlimits = json_object_new_array();

	jadd(o, "args", json_strv(proc->argv));
	jadd(o, "env", json_strv(proc->env));
	jadd(o, "cwd", jstring(ent_has(proc->cwd) ? proc->cwd : "/"));
	jadd(o, "tty", json_object_new_boolean(proc->tty));
	jadd(o, "hostname", jstring(plan->ns.hostname));
	for (unsigned i = 0; i < proc->n_rlimits; i++) {
		const struct ent_rlimit *rl = &proc->rlimits[i];
		const char *name = ent_rlimit_name(rl->resource);
		struct json_object *r = json_object_new_object();

		jadd(r, "type", jstring(name ? name : "unknown"));
		jadd(r, "soft", json_object_new_uint64(rl->soft));
		jadd(r, "hard", json_object_new_uint64(rl->hard));
		jadd(r, "why", jstring(why_of(rl->why)));
		json_object_array_add(rlimits, r);
	}
	jadd(o, "rlimits", rlimits);
	if (proc->timeout_ms > 0) {
		struct json_object *t = json_object_new_object();

		jadd(t, "ms", json_object_new_int64(proc->timeout_ms));
		jadd(t, "kill_after_ms", json_object_new_int64(proc->kill_after_ms));
		jadd(t, "why", jstring(why_of(proc->timeout_why)));
		jadd(o, "timeout", t);
	} else {
		jadd(o, "timeout", NULL);
	}
	return o;
}

/* The whole plan; keys in the order of docs/explain-json.md. */
static struct json_object *json_plan(const struct ent_plan *plan)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rootfs = json_object_new_object();

	jadd(o, "schema", json_object_new_int(1));
	jadd(o, "entitlements", json_grants(plan));
	jadd(o, "namespaces", json_namespaces(&plan->ns));
	jadd(o, "ids", json_ids(plan));
	jadd(o, "capabilities", json_capabilities(&plan->lockdown));
	jadd(o, "no_new_privs", json_object_new_boolean(plan->lockdown.no_new_privs));
	jadd(o, "seccomp", json_seccomp(&plan->lockdown));
	jadd(rootfs, "path", jstring(plan->rootfs.root));
	jadd(rootfs, "readonly", json_object_new_boolean(plan->rootfs.readonly));
	jadd(rootfs, "why", jstring(why_of(plan->rootfs.readonly_why)));
	jadd(rootfs, "ephemeral", json_ephemeral(&plan->rootfs.ephemeral));
	jadd(o, "rootfs", rootfs);
	jadd(o, "mounts", json_mounts(&plan->rootfs));
	jadd(o, "masked_paths", json_paths(plan->rootfs.masked, plan->rootfs.n_masked));
	jadd(o, "readonly_paths", json_paths(plan->rootfs.readonly_paths, plan->rootfs.n_readonly));
	jadd(o, "devices", json_devices(plan));
	jadd(o, "network", json_network(&plan->net));
	jadd(o, "limits", json_limits(&plan->cgroup));
	jadd(o, "process", json_process(plan));
	return o;
}

int ent_explain_json(FILE *out, const struct ent_plan *plan, struct rt_err *err)
{
	struct json_object *root = json_plan(plan);
	const char *text;

	if (!root)
		return rt_fail(err, ENOMEM, "explain: build the json output");
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		json_object_put(root);
		return rt_fail(err, ENOMEM, "explain: format the json output");
	}
	fprintf(out, "%s\n", text);
	json_object_put(root);
	return 0;
}
