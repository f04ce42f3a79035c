/*
 * tests/unit/test_ent_spec.c - ent-run spec: the OCI config.json has the runtime-spec fields
 * and carries the plan's settings, the seccomp rules round-trip by action.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "entitlements/ent.h"
#include "entitlements/spec.h"

#if defined(__x86_64__)
#define NATIVE "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define NATIVE "SCMP_ARCH_AARCH64"
#else
#define NATIVE NULL
#endif

static const char *const oci_actions[] = {
	[LOCKDOWN_ALLOW] = "SCMP_ACT_ALLOW",
	[LOCKDOWN_ERRNO] = "SCMP_ACT_ERRNO",
	[LOCKDOWN_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[LOCKDOWN_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[LOCKDOWN_TRAP] = "SCMP_ACT_TRAP",
	[LOCKDOWN_LOG] = "SCMP_ACT_LOG",
	[LOCKDOWN_TRACE] = "SCMP_ACT_TRACE",
};

/* A compiled plan for "ent-run [-e ENT] /rootfs /bin/sh -c true", as root. */
static struct ent_plan *compiled_plan(const char *entitlement)
{
	static char *const argv[] = { "/bin/sh", "-c", "true", NULL };
	struct ent_request req = { .rootfs = "/srv/rootfs",
		                   .argv = argv,
		                   .host = { .subuid = { 100000, 65536 },
		                             .subgid = { 100000, 65536 } } };
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);

	assert_non_null(plan);
	if (entitlement)
		req.entitlements[req.n_entitlements++] = entitlement;
	if (ent_compile(&req, plan, &err) < 0)
		fail_msg("ent_compile: %s", err.msg);
	return plan;
}

static struct json_object *spec_of(const struct ent_plan *plan)
{
	struct rt_err err = { 0 };
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct json_object *root;

	assert_non_null(out);
	if (ent_spec_print(out, plan, &err) < 0)
		fail_msg("ent_spec_print: %s", err.msg);
	fclose(out);
	root = json_tokener_parse(buf);
	free(buf);
	assert_non_null(root);
	return root;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("config.json: no key \"%s\"", key);
	return v;
}

static bool has(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

static size_t len(struct json_object *a)
{
	return json_object_array_length(a);
}

/* Is there a string equal to s in array a? */
static bool contains(struct json_object *a, const char *s)
{
	for (size_t i = 0; i < len(a); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s))
			return true;
	return false;
}

static void test_required_fields(void **state)
{
	struct ent_plan *plan = compiled_plan("network.access=proxy");
	struct json_object *root = spec_of(plan);
	struct json_object *process = get(root, "process");
	struct json_object *caps = get(process, "capabilities");
	struct json_object *lnx = get(root, "linux");

	(void)state;
	assert_string_equal(json_object_get_string(get(root, "ociVersion")), "1.0.2");
	assert_string_equal(
	        json_object_get_string(json_object_array_get_idx(get(process, "args"), 0)),
	        "/bin/sh");
	assert_int_equal(len(get(process, "env")), 2);
	assert_string_equal(json_object_get_string(get(process, "cwd")), "/");
	assert_int_equal(json_object_get_int(get(get(process, "user"), "uid")), 0);
	assert_true(json_object_get_boolean(get(process, "noNewPrivileges")));
	assert_true(contains(get(caps, "bounding"), "CAP_NET_RAW"));
	assert_true(contains(get(caps, "effective"), "CAP_NET_BIND_SERVICE"));
	assert_true(has(caps, "inheritable") && has(caps, "permitted") && has(caps, "ambient"));
	assert_string_equal(json_object_get_string(get(get(root, "root"), "path")), "/srv/rootfs");
	assert_string_equal(json_object_get_string(get(root, "hostname")), plan->ns.hostname);
	assert_int_equal(len(get(lnx, "namespaces")), NS_COUNT);
	assert_int_equal(len(get(lnx, "uidMappings")), plan->ns.n_uid_map);
	assert_int_equal(json_object_get_int(get(
	                         json_object_array_get_idx(get(lnx, "uidMappings"), 0), "size")),
	                 (int)plan->ns.uid_map[0].count);
	assert_int_equal(len(get(lnx, "maskedPaths")), plan->rootfs.n_masked);
	assert_true(contains(get(lnx, "maskedPaths"), "/proc/kcore"));
	assert_int_equal(len(get(lnx, "readonlyPaths")), plan->rootfs.n_readonly);
	assert_int_equal(len(get(get(lnx, "resources"), "devices")), plan->cgroup.n_devrules);
	/* The default process cap is RLIMIT_NPROC (no pids controller): in process.rlimits. */
	assert_true(plan->cgroup.pids_rlimit);
	assert_false(json_object_object_get_ex(get(lnx, "resources"), "pids", NULL));
	assert_string_equal(json_object_get_string(get(
	                            json_object_array_get_idx(get(process, "rlimits"), 0), "type")),
	                    "RLIMIT_NPROC");
	assert_int_equal(json_object_get_int64(get(
	                         json_object_array_get_idx(get(process, "rlimits"), 0), "hard")),
	                 plan->cgroup.pids_max);
	if (NATIVE)
		assert_true(contains(get(get(lnx, "seccomp"), "architectures"), NATIVE));
	json_object_put(root);
	ent_plan_free(plan);
}

/* The number of names per action in syscalls[] equals the plan's rules per action (rules
 * that only repeat the default action are left out by design). */
static void assert_seccomp_roundtrip(const struct ent_plan *plan)
{
	const struct lockdown_spec *lock = &plan->lockdown;
	struct json_object *root = spec_of(plan);
	struct json_object *seccomp = get(get(root, "linux"), "seccomp");
	struct json_object *syscalls = get(seccomp, "syscalls");

	assert_string_equal(json_object_get_string(get(seccomp, "defaultAction")),
	                    oci_actions[lock->default_action]);
	for (unsigned action = 0; action <= LOCKDOWN_TRACE; action++) {
		size_t in_plan = 0, in_spec = 0;

		for (unsigned i = 0; i < lock->n_rules; i++) {
			const struct lockdown_rule *r = &lock->rules[i];

			in_plan += r->action == action &&
			           (r->n_args || r->action != lock->default_action ||
			            r->errnum != lock->default_errnum);
		}
		for (size_t i = 0; i < len(syscalls); i++) {
			struct json_object *s = json_object_array_get_idx(syscalls, i);

			if (!strcmp(json_object_get_string(get(s, "action")), oci_actions[action]))
				in_spec += len(get(s, "names"));
		}
		if (in_plan != in_spec)
			fail_msg("%s: %zu rules in the plan, %zu names in config.json",
			         oci_actions[action], in_plan, in_spec);
	}
	json_object_put(root);
}

static void test_seccomp_roundtrip(void **state)
{
	static const char *const cases[] = { NULL, "network.access=none", "security.access=admin",
		                             "security.memory-lock" };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ent_plan *plan = compiled_plan(cases[i]);

		assert_seccomp_roundtrip(plan);
		ent_plan_free(plan);
	}
}

/* Rules with the same action, errno and arguments share one entry; arguments carry over. */
static void test_seccomp_groups(void **state)
{
	struct ent_plan *plan = compiled_plan(NULL);
	struct lockdown_spec *lock = &plan->lockdown;
	static const struct lockdown_arg socket_unix = { 0, LOCKDOWN_CMP_EQ, AF_UNIX, 0 };
	struct json_object *root, *syscalls, *entry, *arg;

	(void)state;
	lock->default_action = LOCKDOWN_ERRNO;
	lock->default_errnum = ENOSYS;
	lock->n_rules = 4;
	lock->rules[0] = (struct lockdown_rule){ .syscall = "mount",
		                                 .action = LOCKDOWN_ERRNO,
		                                 .errnum = EPERM };
	lock->rules[1] = (struct lockdown_rule){ .syscall = "umount2",
		                                 .action = LOCKDOWN_ERRNO,
		                                 .errnum = EPERM };
	lock->rules[2] = (struct lockdown_rule){
		.syscall = "socket", .action = LOCKDOWN_ALLOW, .n_args = 1, .args = &socket_unix
	};
	lock->rules[3] = (struct lockdown_rule){ .syscall = "futex",
		                                 .action = LOCKDOWN_ERRNO,
		                                 .errnum = ENOSYS };
	assert_seccomp_roundtrip(plan);
	root = spec_of(plan);
	syscalls = get(get(get(root, "linux"), "seccomp"), "syscalls");
	assert_int_equal(len(syscalls), 2); /* futex repeats the default: left out */
	entry = json_object_array_get_idx(syscalls, 0);
	assert_int_equal(len(get(entry, "names")), 2);
	assert_int_equal(json_object_get_int(get(entry, "errnoRet")), EPERM);
	entry = json_object_array_get_idx(syscalls, 1);
	assert_false(has(entry, "errnoRet"));
	arg = json_object_array_get_idx(get(entry, "args"), 0);
	assert_string_equal(json_object_get_string(get(arg, "op")), "SCMP_CMP_EQ");
	assert_int_equal(json_object_get_int(get(arg, "value")), AF_UNIX);
	assert_int_equal(
	        json_object_get_int(get(get(get(root, "linux"), "seccomp"), "defaultErrnoRet")),
	        ENOSYS);
	json_object_put(root);
	ent_plan_free(plan);
}

static struct json_object *mount_at(struct json_object *mounts, const char *destination)
{
	for (size_t i = 0; i < len(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);

		if (!strcmp(json_object_get_string(get(m, "destination")), destination))
			return m;
	}
	return NULL;
}

static void test_mounts_and_devices(void **state)
{
	struct ent_plan *plan = compiled_plan(NULL);
	struct json_object *root = spec_of(plan);
	struct json_object *mounts = get(root, "mounts");
	struct json_object *m;

	(void)state;
	m = mount_at(mounts, "/proc");
	assert_non_null(m);
	assert_string_equal(json_object_get_string(get(m, "type")), "proc");
	assert_true(contains(get(m, "options"), "nosuid"));
	assert_true(contains(get(m, "options"), "noexec"));
	m = mount_at(mounts, "/sys");
	assert_true(contains(get(m, "options"), "ro"));
	m = mount_at(mounts, "/dev");
	assert_true(contains(get(m, "options"), "mode=755"));
	/* The default nodes come from the runtime, not as binds of the host's. */
	assert_null(mount_at(mounts, "/dev/null"));
	json_object_put(root);
	ent_plan_free(plan);

	/* A device passed through: a bind mount of the same path. */
	plan = compiled_plan("host.devices.allow=/dev/kvm");
	root = spec_of(plan);
	m = mount_at(get(root, "mounts"), "/dev/kvm");
	assert_non_null(m);
	assert_string_equal(json_object_get_string(get(m, "type")), "bind");
	assert_string_equal(json_object_get_string(get(m, "source")), "/dev/kvm");
	json_object_put(root);

	plan->rootfs.host_dev = true;
	root = spec_of(plan);
	m = mount_at(get(root, "mounts"), "/dev");
	assert_string_equal(json_object_get_string(get(m, "type")), "bind");
	assert_true(contains(get(m, "options"), "rbind"));
	assert_null(mount_at(get(root, "mounts"), "/dev/null"));
	json_object_put(root);
	ent_plan_free(plan);
}

/* Shared namespaces are left out, and so is what needs them (hostname, id mappings). */
static void test_shared_namespaces(void **state)
{
	struct ent_plan *plan = compiled_plan(NULL);
	struct json_object *root, *lnx;

	(void)state;
	plan->ns.unshare[NS_UTS] = false;
	plan->ns.unshare[NS_USER] = false;
	plan->ns.unshare[NS_NET] = false;
	root = spec_of(plan);
	lnx = get(root, "linux");
	assert_false(has(root, "hostname"));
	assert_false(has(lnx, "uidMappings"));
	assert_int_equal(len(get(lnx, "namespaces")), NS_COUNT - 3);
	json_object_put(root);
	plan->lockdown.seccomp_mode = LOCKDOWN_SECCOMP_UNCONFINED;
	root = spec_of(plan);
	assert_false(has(get(root, "linux"), "seccomp"));
	json_object_put(root);
	ent_plan_free(plan);
}

static void test_rlimits_and_errors(void **state)
{
	struct ent_plan *plan = compiled_plan("security.memory-lock");
	struct json_object *root = spec_of(plan);
	struct json_object *rl = json_object_array_get_idx(get(get(root, "process"), "rlimits"), 0);
	struct rt_err err = { 0 };
	FILE *null = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(rl);
	assert_string_equal(json_object_get_string(get(rl, "type")), "RLIMIT_MEMLOCK");
	assert_true(has(rl, "hard") && has(rl, "soft"));
	json_object_put(root);
	plan->proc.rlimits[0].resource = 999;
	assert_int_equal(ent_spec_print(null, plan, &err), -1);
	assert_string_equal(err.msg, "spec: rlimit 999 has no RLIMIT_ name");
	fclose(null);
	ent_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_fields),   cmocka_unit_test(test_seccomp_roundtrip),
		cmocka_unit_test(test_seccomp_groups),    cmocka_unit_test(test_mounts_and_devices),
		cmocka_unit_test(test_shared_namespaces), cmocka_unit_test(test_rlimits_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
