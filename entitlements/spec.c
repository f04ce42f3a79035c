/*
 * entitlements/spec.c - ent-run spec: the plan as an OCI runtime-spec config.json.
 *
 * The same plan ent-run executes, written for another runtime (crun, runc): process (args, env,
 * user, the five capability sets, no_new_privs, rlimits), root, hostname, mounts, and under
 * "linux" the namespaces, uid/gid mappings, masked and read-only paths, cgroup resources
 * (device rules, pids, memory, cpu) and the seccomp filter, rule for rule. Built with json-c;
 * see https://github.com/opencontainers/runtime-spec/blob/main/config.md and config-linux.md.
 *
 * Two translations are not one-to-one:
 *  - Device nodes ent-run binds from the host become bind mounts after the /dev tmpfs, not
 *    "linux.devices" entries: those need the major/minor numbers, which only a stat(2) of the
 *    host node can tell, and this code makes no system calls.
 *  - Seccomp rules whose action is the default action are left out: they change nothing, and
 *    libseccomp refuses a rule that repeats the default.
 *
 * Pure code: reads the plan, writes to the FILE * it is given.
 */
#include "entitlements/spec.h"
#include "entitlements/seccomp_json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stddef.h>
#include <string.h>

#include "base/util.h"
#include "entitlements/explain.h"
#include "entitlements/names.h"

/* The runtime-spec version we write: every field below exists in 1.0.2 (defaultErrnoRet is
 * from 1.0.2's successors; runtimes that predate it ignore it and use EPERM). */
#define OCI_VERSION "1.0.2"

/* clang-format off */
/* Seccomp filters are per architecture; we filter the one ent-run was built for, as
 * runtime/lockdown.c does (libseccomp's native architecture). */
#if defined(__x86_64__)
#define SCMP_ARCH_NATIVE "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define SCMP_ARCH_NATIVE "SCMP_ARCH_AARCH64"
#elif defined(__i386__)
#define SCMP_ARCH_NATIVE "SCMP_ARCH_X86"
#elif defined(__arm__)
#define SCMP_ARCH_NATIVE "SCMP_ARCH_ARM"
#elif defined(__riscv) && __riscv_xlen == 64
#define SCMP_ARCH_NATIVE "SCMP_ARCH_RISCV64"
#elif defined(__s390x__)
#define SCMP_ARCH_NATIVE "SCMP_ARCH_S390X"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SCMP_ARCH_NATIVE "SCMP_ARCH_PPC64LE"
#else
#error "spec.c: add the SCMP_ARCH_ name of this architecture"
#endif


/* The namespaces in the order runtime-spec examples list them (names from names.c). */
static const enum ns_kind oci_namespace_order[] = {
	NS_PID, NS_NET, NS_IPC, NS_UTS, NS_MNT, NS_USER, NS_CGROUP,
};

/* The capability sets, as process.capabilities names them. */
static const struct {
	const char *key;
	size_t offset;
} oci_capsets[] = {
	{ "bounding",    offsetof(struct lockdown_caps, bounding) },
	{ "effective",   offsetof(struct lockdown_caps, effective) },
	{ "inheritable", offsetof(struct lockdown_caps, inheritable) },
	{ "permitted",   offsetof(struct lockdown_caps, permitted) },
	{ "ambient",     offsetof(struct lockdown_caps, ambient) },
};
/* A JSON string of a plan's string: NULL (never set) is "". */
static struct json_object *jstring(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/* clang-format on */

static void jadd(struct json_object *obj, const char *key, struct json_object *val)
{
	json_object_object_add(obj, key, val);
}

static struct json_object *strv_array(char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, jstring(*v));
	return a;
}

static struct json_object *spec_capabilities(const struct lockdown_caps *caps)
{
	struct json_object *o = json_object_new_object();
	char name[ENT_NAME_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(oci_capsets); i++) {
		uint64_t bits = *(const uint64_t *)((const char *)caps + oci_capsets[i].offset);
		struct json_object *a = json_object_new_array();

		for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
			if (!(bits & (UINT64_C(1) << cap)))
				continue;
			ent_cap_name(cap, name, sizeof(name));
			json_object_array_add(a, jstring(name));
		}
		jadd(o, oci_capsets[i].key, a);
	}
	return o;
}

static int spec_process(struct json_object *spec, const struct ent_plan *plan, struct rt_err *err)
{
	const struct ent_process *proc = &plan->proc;
	struct json_object *o = json_object_new_object();
	struct json_object *user = json_object_new_object();
	struct json_object *rlimits = json_object_new_array();

	jadd(o, "terminal", json_object_new_boolean(proc->tty));
	jadd(user, "uid", json_object_new_int64(proc->uid));
	jadd(user, "gid", json_object_new_int64(proc->gid));
	jadd(o, "user", user);
	jadd(o, "args", strv_array(proc->argv));
	jadd(o, "env", strv_array(proc->env));
	jadd(o, "cwd", jstring(ent_has(proc->cwd) ? proc->cwd : "/"));
	jadd(o, "capabilities", spec_capabilities(&plan->lockdown.caps));
	jadd(o, "noNewPrivileges", json_object_new_boolean(plan->lockdown.no_new_privs));
	for (unsigned i = 0; i < proc->n_rlimits; i++) {
		const struct ent_rlimit *rl = &proc->rlimits[i];
		const char *name = ent_rlimit_name(rl->resource);
		struct json_object *r;

		if (!name) {
			json_object_put(o);
			json_object_put(rlimits);
			return rt_fail(err, 0, "spec: rlimit %d has no RLIMIT_ name", rl->resource);
		}
		r = json_object_new_object();
		jadd(r, "type", jstring(name));
		jadd(r, "hard", json_object_new_uint64(rl->hard));
		jadd(r, "soft", json_object_new_uint64(rl->soft));
		json_object_array_add(rlimits, r);
	}
	jadd(o, "rlimits", rlimits);
	jadd(spec, "process", o);
	return 0;
}

/* One mounts[] entry: the option words of mount(8), which is what the OCI spec uses. */
static struct json_object *oci_mount(const char *destination, const char *type, const char *source,
                                     const char *options)
{
	struct json_object *o = json_object_new_object();
	struct json_object *opts = json_object_new_array();
	const char *p = options;

	while (*p) {
		size_t len = strcspn(p, ",");

		json_object_array_add(opts, json_object_new_string_len(p, (int)len));
		p += len + (p[len] == ',');
	}
	jadd(o, "destination", jstring(destination));
	jadd(o, "type", jstring(type));
	jadd(o, "source", jstring(source));
	jadd(o, "options", opts);
	return o;
}

/* The host device nodes of the minimal /dev, as bind mounts (see the file header). */
/*
 * Host device nodes passed through (host.devices.allow) as binds. The default nodes (null,
 * zero, full, random, urandom, tty) are not listed: an OCI runtime supplies them itself, and
 * a bind of the host's node would hand the host's inode to a runtime that may chown its
 * mount targets to the container's root (crun does, under a user namespace).
 */
static void spec_device_binds(struct json_object *mounts, const struct rootfs_spec *rootfs)
{
	for (unsigned i = 0; i < rootfs->n_devices; i++) {
		const char *path = rootfs->devices[i].path;

		if (!strcmp(rootfs->devices[i].why, "default"))
			continue;
		json_object_array_add(mounts, oci_mount(path, "bind", path, "bind,nosuid,noexec"));
	}
}

static struct json_object *spec_idmap(const struct ns_idmap *map, unsigned n);

/*
 * An idmapped bind (runtime-spec 1.1): the "idmap" option with the mount's own mappings, which
 * are the container's: on-disk ids 0-65535 are the container's 0-65535.
 */
static void spec_idmapped(struct json_object *mount, const struct ns_spec *ns)
{
	struct json_object *opts;

	if (json_object_object_get_ex(mount, "options", &opts))
		json_object_array_add(opts, jstring("idmap"));
	jadd(mount, "uidMappings", spec_idmap(ns->uid_map, ns->n_uid_map));
	jadd(mount, "gidMappings", spec_idmap(ns->gid_map, ns->n_gid_map));
}

static void spec_mounts(struct json_object *spec, const struct rootfs_spec *rootfs,
                        const struct ns_spec *ns)
{
	struct json_object *mounts = json_object_new_array();
	bool devices_done = false;
	char opts[512];

	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		const struct rootfs_mount *m = &rootfs->mounts[i];
		bool is_dev = !strcmp(m->target, "/dev");
		struct json_object *mount;

		if (is_dev && rootfs->host_dev) {
			/* host.devices.access=admin: the host's /dev instead of the tmpfs. */
			json_object_array_add(
			        mounts, oci_mount("/dev", "bind", "/dev", "rbind,nosuid,noexec"));
			devices_done = true;
			continue;
		}
		ent_mount_options(m, opts, sizeof(opts));
		mount = oci_mount(m->target, m->fstype, m->source, opts);
		if (m->idmap)
			spec_idmapped(mount, ns);
		json_object_array_add(mounts, mount);
		if (is_dev && !devices_done) {
			spec_device_binds(mounts, rootfs);
			devices_done = true;
		}
	}
	if (!devices_done && !rootfs->host_dev)
		spec_device_binds(mounts, rootfs);
	jadd(spec, "mounts", mounts);
}

static struct json_object *spec_idmap(const struct ns_idmap *map, unsigned n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		jadd(o, "containerID", json_object_new_int64(map[i].inside));
		jadd(o, "hostID", json_object_new_int64(map[i].outside));
		jadd(o, "size", json_object_new_int64(map[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *spec_paths(const struct rootfs_path *paths, unsigned n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++)
		json_object_array_add(a, jstring(paths[i].path));
	return a;
}

static struct json_object *spec_resources(const struct cgroup_spec *cg)
{
	struct json_object *o = json_object_new_object();
	struct json_object *devices = json_object_new_array();
	char type[2] = "a";

	for (unsigned i = 0; i < cg->n_devrules; i++) {
		const struct cgroup_devrule *d = &cg->devrules[i];
		struct json_object *r;

		/* A rule by host path not resolved to major:minor must not become "all devices". */
		if (ent_has(d->path) && (d->major < 0 || d->minor < 0))
			continue;
		r = json_object_new_object();
		type[0] = d->type ? d->type : 'a';
		jadd(r, "allow", json_object_new_boolean(d->allow));
		jadd(r, "type", jstring(type));
		if (d->major >= 0)
			jadd(r, "major", json_object_new_int64(d->major));
		if (d->minor >= 0)
			jadd(r, "minor", json_object_new_int64(d->minor));
		jadd(r, "access", jstring(d->access));
		json_object_array_add(devices, r);
	}
	jadd(o, "devices", devices);
	/* A cap kept with RLIMIT_NPROC is in process.rlimits instead. */
	if (cg->pids_max > 0 && !cg->pids_rlimit) {
		struct json_object *pids = json_object_new_object();

		jadd(pids, "limit", json_object_new_int64(cg->pids_max));
		jadd(o, "pids", pids);
	}
	if (cg->memory_bytes > 0) {
		struct json_object *mem = json_object_new_object();

		jadd(mem, "limit", json_object_new_int64(cg->memory_bytes));
		jadd(o, "memory", mem);
	}
	if (cg->cpu_quota_us > 0) {
		struct json_object *cpu = json_object_new_object();

		jadd(cpu, "quota", json_object_new_int64(cg->cpu_quota_us));
		jadd(cpu, "period", json_object_new_uint64((uint64_t)cg->cpu_period_us));
		jadd(o, "cpu", cpu);
	}
	return o;
}

/* Same action, errno and argument conditions: one syscalls[] entry can hold both names. */
static bool same_effect(const struct lockdown_rule *a, const struct lockdown_rule *b)
{
	if (a->action != b->action || a->errnum != b->errnum || a->n_args != b->n_args)
		return false;
	for (unsigned i = 0; i < a->n_args; i++) {
		if (a->args[i].index != b->args[i].index || a->args[i].op != b->args[i].op ||
		    a->args[i].value != b->args[i].value || a->args[i].value2 != b->args[i].value2)
			return false;
	}
	return true;
}

static bool has_errno(unsigned action)
{
	return action == LOCKDOWN_ERRNO || action == LOCKDOWN_TRACE;
}

/* The syscalls[] entry for rule i and every later rule with the same effect. */
static struct json_object *oci_syscall_group(const struct lockdown_spec *lock, unsigned i)
{
	const struct lockdown_rule *r = &lock->rules[i];
	struct json_object *o = json_object_new_object();
	struct json_object *names = json_object_new_array();
	struct json_object *args = json_object_new_array();

	for (unsigned j = i; j < lock->n_rules; j++)
		if (same_effect(r, &lock->rules[j]))
			json_object_array_add(names, jstring(lock->rules[j].syscall));
	jadd(o, "names", names);
	jadd(o, "action", jstring(ent_seccomp_action_name(r->action)));
	if (has_errno(r->action))
		jadd(o, "errnoRet", json_object_new_int(r->errnum));
	for (unsigned k = 0; k < r->n_args; k++) {
		const struct lockdown_arg *a = &r->args[k];
		struct json_object *c = json_object_new_object();

		jadd(c, "index", json_object_new_int(a->index));
		jadd(c, "value", json_object_new_uint64(a->value));
		jadd(c, "valueTwo", json_object_new_uint64(a->value2));
		jadd(c, "op", jstring(ent_seccomp_op_name(a->op)));
		json_object_array_add(args, c);
	}
	if (r->n_args)
		jadd(o, "args", args);
	else
		json_object_put(args);
	return o;
}

static bool rule_valid(const struct lockdown_rule *r)
{
	if (!ent_seccomp_action_name(r->action) || r->n_args > ENT_MAX_ARGS)
		return false;
	for (unsigned k = 0; k < r->n_args; k++)
		if (!ent_seccomp_op_name(r->args[k].op))
			return false;
	return true;
}

static int spec_seccomp(struct json_object *lnx, const struct lockdown_spec *lock,
                        struct rt_err *err)
{
	struct json_object *o, *arches, *syscalls;

	if (lock->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED)
		return 0;
	if (!ent_seccomp_action_name(lock->default_action))
		return rt_fail(err, 0, "spec: unknown seccomp default action %u",
		               lock->default_action);
	for (unsigned i = 0; i < lock->n_rules; i++)
		if (!rule_valid(&lock->rules[i]))
			return rt_fail(err, 0,
			               "spec: seccomp rule %u (%s) has an unknown action or "
			               "comparison",
			               i, lock->rules[i].syscall);
	o = json_object_new_object();
	arches = json_object_new_array();
	syscalls = json_object_new_array();
	jadd(o, "defaultAction", jstring(ent_seccomp_action_name(lock->default_action)));
	if (has_errno(lock->default_action))
		jadd(o, "defaultErrnoRet", json_object_new_int(lock->default_errnum));
	json_object_array_add(arches, jstring(SCMP_ARCH_NATIVE));
	jadd(o, "architectures", arches);
	for (unsigned i = 0; i < lock->n_rules; i++) {
		const struct lockdown_rule *r = &lock->rules[i];
		bool seen = false;

		/* A rule that repeats the default action changes nothing (file header). */
		if (!r->n_args && r->action == lock->default_action &&
		    (!has_errno(r->action) || r->errnum == lock->default_errnum))
			continue;
		for (unsigned j = 0; j < i && !seen; j++)
			seen = same_effect(&lock->rules[j], r);
		if (!seen)
			json_object_array_add(syscalls, oci_syscall_group(lock, i));
	}
	jadd(o, "syscalls", syscalls);
	jadd(lnx, "seccomp", o);
	return 0;
}

static int spec_linux(struct json_object *spec, const struct ent_plan *plan, struct rt_err *err)
{
	const struct ns_spec *ns = &plan->ns;
	struct json_object *lnx = json_object_new_object();
	struct json_object *namespaces = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(oci_namespace_order); i++) {
		const struct ent_ns_name *n = &ent_ns_names[oci_namespace_order[i]];
		struct json_object *o;

		if (!ns->unshare[n->kind])
			continue;
		o = json_object_new_object();
		jadd(o, "type", jstring(n->oci));
		json_object_array_add(namespaces, o);
	}
	jadd(lnx, "namespaces", namespaces);
	if (ns->unshare[NS_USER]) {
		jadd(lnx, "uidMappings", spec_idmap(ns->uid_map, ns->n_uid_map));
		jadd(lnx, "gidMappings", spec_idmap(ns->gid_map, ns->n_gid_map));
	}
	jadd(lnx, "maskedPaths", spec_paths(plan->rootfs.masked, plan->rootfs.n_masked));
	jadd(lnx, "readonlyPaths",
	     spec_paths(plan->rootfs.readonly_paths, plan->rootfs.n_readonly));
	jadd(lnx, "resources", spec_resources(&plan->cgroup));
	jadd(spec, "linux", lnx);
	return spec_seccomp(lnx, &plan->lockdown, err);
}

/*
 * The OCI runtime spec has no idmapped rootfs: a container engine provides one (containerd's
 * and podman's idmapped snapshots), or a rootfs whose files the range owns. The annotation says
 * which mapping ent-run gives the rootfs, in crun's idmap syntax ("uids=0-524288-65536;...").
 * Nor has it a rootfs under a throwaway overlay (--ephemeral; engines assemble one and name
 * its merged directory as root.path): run.ent.rootfs.ephemeral holds the size in bytes of the
 * tmpfs that takes the writes, "0" when there is none (a read-only rootfs).
 */
static void spec_annotations(struct json_object *spec, const struct ent_plan *plan)
{
	const struct ns_spec *ns = &plan->ns;
	struct json_object *a = json_object_new_object();
	char text[128];

	if (plan->rootfs.idmap && ns->n_uid_map && ns->n_gid_map) {
		snprintf(text, sizeof(text), "uids=%u-%u-%u;gids=%u-%u-%u", ns->uid_map[0].inside,
		         ns->uid_map[0].outside, ns->uid_map[0].count, ns->gid_map[0].inside,
		         ns->gid_map[0].outside, ns->gid_map[0].count);
		jadd(a, "run.ent.rootfs.idmap", jstring(text));
	}
	if (plan->rootfs.ephemeral.enabled) {
		snprintf(text, sizeof(text), "%lld", (long long)plan->rootfs.ephemeral.size_bytes);
		jadd(a, "run.ent.rootfs.ephemeral", jstring(text));
	}
	jadd(spec, "annotations", a);
}

const char *ent_seccomp_native_arch(void)
{
	return SCMP_ARCH_NATIVE;
}

int ent_spec_print(FILE *out, const struct ent_plan *plan, struct rt_err *err)
{
	struct json_object *spec = json_object_new_object();
	struct json_object *root = json_object_new_object();
	const char *text;
	int ret = -1;

	if (!spec || !root) {
		json_object_put(spec);
		json_object_put(root);
		return rt_fail(err, ENOMEM, "spec: build config.json");
	}
	jadd(spec, "ociVersion", jstring(OCI_VERSION));
	if (spec_process(spec, plan, err) < 0)
		goto out;
	jadd(root, "path", jstring(plan->rootfs.root));
	jadd(root, "readonly", json_object_new_boolean(plan->rootfs.readonly));
	jadd(spec, "root", json_object_get(root));
	/* The OCI spec allows a hostname only with a new UTS namespace. */
	if (plan->ns.unshare[NS_UTS] && plan->ns.hostname[0])
		jadd(spec, "hostname", jstring(plan->ns.hostname));
	spec_mounts(spec, &plan->rootfs, &plan->ns);
	spec_annotations(spec, plan);
	if (spec_linux(spec, plan, err) < 0)
		goto out;
	text = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
	                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		rt_fail(err, ENOMEM, "spec: format config.json");
		goto out;
	}
	fprintf(out, "%s\n", text);
	if (fflush(out) == EOF || ferror(out)) {
		rt_fail(err, errno ? errno : EIO, "spec: write config.json");
		goto out;
	}
	ret = 0;
out:
	json_object_put(root);
	json_object_put(spec);
	return ret;
}
