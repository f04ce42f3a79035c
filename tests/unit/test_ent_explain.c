/*
 * tests/unit/test_ent_explain.c - ent-run explain: the --why answers, the 80-column text and
 * the documented json object (docs/explain-json.md).
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
#include "entitlements/explain.h"

/* The default plan, compiled as ent-run would for "explain" with no entitlement, as root. */
static struct ent_plan *default_plan(void)
{
	struct ent_request req = { 0 };
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);

	assert_non_null(plan);
	if (ent_compile(&req, plan, &err) < 0)
		fail_msg("ent_compile: %s", err.msg);
	return plan;
}

static struct lockdown_rule *add_rule(struct ent_plan *plan, const char *syscall, unsigned action,
                                      int errnum, const char *why)
{
	struct rt_err err = { 0 };
	struct lockdown_rule *r = ent_lockdown_add_rule(&plan->lockdown, &err);

	assert_non_null(r);
	r->syscall = syscall; /* the tests pass literals */
	r->action = (uint8_t)action;
	r->errnum = errnum;
	r->why = why;
	return r;
}

static void add_arg(struct ent_plan *plan, struct lockdown_rule *r, uint8_t index, uint8_t op,
                    uint64_t value, uint64_t value2)
{
	struct rt_err err = { 0 };

	assert_int_equal(ent_lockdown_add_arg(&plan->lockdown, r,
	                                      (struct lockdown_arg){ index, op, value, value2 },
	                                      &err),
	                 0);
}

static void grant_cap(struct ent_plan *plan, unsigned cap, bool ambient, const char *why)
{
	uint64_t bit = UINT64_C(1) << cap;
	struct lockdown_caps *caps = &plan->lockdown.caps;

	caps->bounding |= bit;
	caps->effective |= bit;
	caps->permitted |= bit;
	if (ambient) {
		caps->inheritable |= bit;
		caps->ambient |= bit;
	}
	plan->lockdown.cap_why[cap] = why;
}

/* A plan with something in every section, filled by hand. */
static struct ent_plan *rich_plan(void)
{
	struct ent_plan *plan = default_plan();
	struct lockdown_spec *lock = &plan->lockdown;
	struct lockdown_rule *r;

	lock->seccomp_mode = LOCKDOWN_SECCOMP_FILTER;
	lock->default_action = LOCKDOWN_ERRNO;
	lock->default_errnum = ENOSYS;
	lock->n_rules = 0;
	add_rule(plan, "read", LOCKDOWN_ALLOW, 0, "default");
	add_rule(plan, "write", LOCKDOWN_ALLOW, 0, "default");
	add_rule(plan, "mount", LOCKDOWN_ERRNO, EPERM, "default");
	add_rule(plan, "mlock", LOCKDOWN_ALLOW, 0, "security.memory-lock");
	r = add_rule(plan, "socket", LOCKDOWN_ALLOW, 0, "network.access=none");
	add_arg(plan, r, 0, LOCKDOWN_CMP_EQ, AF_UNIX, 0);
	r = add_rule(plan, "socket", LOCKDOWN_ERRNO, EPERM, "network.access=none");
	add_arg(plan, r, 0, LOCKDOWN_CMP_NE, AF_UNIX, 0);
	r = add_rule(plan, "clone", LOCKDOWN_ALLOW, 0, "default");
	add_arg(plan, r, 0, LOCKDOWN_CMP_MASKED_EQ, 0x7e020000, 0);
	r = add_rule(plan, "clone", LOCKDOWN_ERRNO, EPERM, "default");
	add_arg(plan, r, 0, LOCKDOWN_CMP_MASKED_EQ, 0x10000000, 0x10000000);
	grant_cap(plan, 13, true, "network.access=proxy");  /* CAP_NET_RAW */
	grant_cap(plan, 10, true, "network.access=proxy");  /* CAP_NET_BIND_SERVICE */
	grant_cap(plan, 14, false, "security.memory-lock"); /* CAP_IPC_LOCK */
	plan->proc.rlimits[plan->proc.n_rlimits++] =
	        (struct ent_rlimit){ RLIMIT_MEMLOCK, RLIM_INFINITY, RLIM_INFINITY,
		                     "security.memory-lock" };
	plan->cgroup.devrules[plan->cgroup.n_devrules++] =
	        (struct cgroup_devrule){ true, 'c', 10, 232, "rwm", "host.devices.allow=/dev/kvm",
		                         "" };
	plan->cgroup.memory_bytes = 512 << 20;
	plan->cgroup.memory_why = "--memory";
	plan->net.mode = NETCFG_PROXY;
	plan->net.why = "network.access=proxy";
	snprintf(plan->net.subnet, sizeof(plan->net.subnet), "10.88.0.0/16");
	plan->net.publish[plan->net.n_publish++] = (struct netcfg_publish){ "", 8080, 80, 6 };
	plan->grants[0].text = "network.access=proxy";
	plan->grants[0].from = "--entitle";
	plan->n_grants = 1;
	return plan;
}

/* Run explain --why NAME on plan; returns the output (caller frees) or NULL with err set. */
static char *why(const struct ent_plan *plan, const char *name, struct rt_err *err)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	int ret;

	assert_non_null(out);
	ret = ent_explain_why(out, plan, name, err);
	fclose(out);
	if (ret < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *print(const struct ent_plan *plan, bool json)
{
	struct rt_err err = { 0 };
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	assert_non_null(out);
	assert_int_equal(ent_explain_print(out, plan, json, &err), 0);
	fclose(out);
	return buf;
}

static void assert_why(const struct ent_plan *plan, const char *name, const char *expected)
{
	struct rt_err err = { 0 };
	char *text = why(plan, name, &err);

	if (!text)
		fail_msg("--why %s failed: %s", name, err.msg);
	assert_string_equal(text, expected);
	free(text);
}

static void test_why_capability(void **state)
{
	struct ent_plan *plan = rich_plan();

	(void)state;
	assert_why(plan, "CAP_NET_RAW",
	           "CAP_NET_RAW: granted by network.access=proxy "
	           "(bounding, effective, permitted, inheritable, ambient)\n");
	assert_why(
	        plan, "cap_ipc_lock",
	        "CAP_IPC_LOCK: granted by security.memory-lock (bounding, effective, permitted)\n");
	assert_why(plan, "CAP_SYS_ADMIN",
	           "CAP_SYS_ADMIN: not granted (no entitlement grants it)\n");
	ent_plan_free(plan);
}

static void test_why_syscall(void **state)
{
	struct ent_plan *plan = rich_plan();

	(void)state;
	assert_why(plan, "read", "read: allowed by default\n");
	assert_why(plan, "mount", "mount: denied (EPERM) by default\n");
	assert_why(plan, "mlock", "mlock: allowed by security.memory-lock\n");
	assert_why(plan, "socket",
	           "socket: allowed when arg0 == AF_UNIX (1), denied (EPERM) otherwise, "
	           "by network.access=none\n");
	assert_why(plan, "clone",
	           "clone: allowed when arg0 has none of CLONE_NEWUSER | CLONE_NEWNS | "
	           "CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | "
	           "CLONE_NEWCGROUP (0x7e020000), denied (EPERM) otherwise, by default\n");
	assert_why(plan, "bpf", "bpf: denied (ENOSYS) by the default action (no rule names it)\n");
	plan->lockdown.seccomp_mode = LOCKDOWN_SECCOMP_UNCONFINED;
	plan->lockdown.seccomp_ref = "unconfined";
	assert_why(plan, "mount", "mount: allowed (no seccomp filter) by --seccomp unconfined\n");
	ent_plan_free(plan);
}

static void test_why_path(void **state)
{
	struct ent_plan *plan = default_plan();

	(void)state;
	assert_why(plan, "/proc/kcore", "/proc/kcore: masked by default\n");
	assert_why(plan, "/proc/sys", "/proc/sys: read-only by default\n");
	assert_why(plan, "/proc/sys/kernel/",
	           "/proc/sys/kernel: read-only (under /proc/sys) by default\n");
	assert_why(plan, "/dev/null", "/dev/null: host device bound in by default\n");
	assert_why(plan, "/sys/class", "/sys/class: read-only mount on /sys (sysfs) by default\n");
	assert_why(plan, "/etc/passwd", "/etc/passwd: writable, part of the rootfs, by default\n");
	ent_plan_free(plan);
}

static void test_why_unknown(void **state)
{
	struct ent_plan *plan = default_plan();
	static const char *const bad[] = { "foo", "CAP_FOO", "not-a-syscall" };
	char expected[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rt_err err = { 0 };

		assert_null(why(plan, bad[i], &err));
		snprintf(expected, sizeof(expected),
		         "explain: '%s' is not a capability, syscall or path in this plan", bad[i]);
		assert_string_equal(err.msg, expected);
		assert_int_equal(err.errnum, 0);
	}
	ent_plan_free(plan);
}

/* Every line fits an 80-column terminal, and every section is there. */
static void assert_text_fits(const struct ent_plan *plan)
{
	static const char *const sections[] = {
		"Entitlements\n", "\nNamespaces",      "\nUser and group ids",
		"\nCapabilities", "\nSeccomp",         "\nMounts",
		"\nMasked paths", "\nRead-only paths", "\nDevices",
		"\nNetwork\n",    "\nLimits",          "\nProcess\n",
	};
	char *text = print(plan, false);
	int line = 1;

	for (const char *p = text; *p; line++) {
		size_t len = strcspn(p, "\n");

		if (len > 80)
			fail_msg("line %d has %zu columns: %.*s", line, len, (int)len, p);
		if (len && p[len - 1] == ' ')
			fail_msg("line %d ends in a space", line);
		p += len + (p[len] == '\n');
	}
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strstr(text, sections[i]))
			fail_msg("no section %s", sections[i]);
	free(text);
}

static void test_text_default(void **state)
{
	struct ent_plan *plan = default_plan();
	char *text;

	(void)state;
	assert_text_fits(plan);
	text = print(plan, false);
	assert_non_null(strstr(text, "none requested"));
	assert_non_null(strstr(text, "CLONE_NEWUSER"));
	free(text);
	ent_plan_free(plan);
}

static void test_text_rich(void **state)
{
	struct ent_plan *plan = rich_plan();
	char *text;

	(void)state;
	assert_text_fits(plan);
	text = print(plan, false);
	assert_non_null(strstr(text, "    CAP_NET_RAW "));
	assert_non_null(strstr(text, "socket: allowed only when arg0 == AF_UNIX (1)"));
	assert_non_null(strstr(text, "[network.access=none]"));
	assert_non_null(strstr(text, "RLIMIT_MEMLOCK soft unlimited hard unlimited"));
	free(text);
	ent_plan_free(plan);
}

/* --timeout counts from the clone, and stops a start still in its set-up. */
static void test_text_timeout(void **state)
{
	struct ent_plan *plan = default_plan();
	char *text;

	(void)state;
	plan->proc.timeout_ms = 5000;
	plan->proc.kill_after_ms = 2000;
	plan->proc.timeout_why = "--timeout";
	text = print(plan, false);
	assert_non_null(strstr(text, "5s from the clone: SIGTERM to PID 1"));
	assert_non_null(strstr(text, "(in the set-up, before the workload:"));
	free(text);
	ent_plan_free(plan);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("json: no key \"%s\"", key);
	return v;
}

/* Every element of array has a non-empty "why". */
static void assert_all_why(struct json_object *array)
{
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		struct json_object *why_obj = get(json_object_array_get_idx(array, i), "why");

		assert_true(json_object_get_string_len(why_obj) > 0);
	}
}

static void test_json(void **state)
{
	/* docs/explain-json.md: the top-level keys, in this order. */
	static const char *const keys[] = {
		"schema",         "entitlements", "namespaces", "ids",    "capabilities",
		"no_new_privs",   "seccomp",      "rootfs",     "mounts", "masked_paths",
		"readonly_paths", "devices",      "network",    "limits", "process",
	};
	struct ent_plan *plan = rich_plan();
	char *text = print(plan, true);
	struct json_object *root = json_tokener_parse(text);
	struct json_object *seccomp, *caps;
	size_t i = 0;

	(void)state;
	assert_non_null(root);
	json_object_object_foreach(root, key, val)
	{
		(void)val;
		assert_true(i < sizeof(keys) / sizeof(keys[0]));
		assert_string_equal(key, keys[i++]);
	}
	assert_int_equal(i, sizeof(keys) / sizeof(keys[0]));
	assert_int_equal(json_object_get_int(get(root, "schema")), 1);
	assert_int_equal(json_object_array_length(get(root, "namespaces")), NS_COUNT);
	assert_all_why(get(root, "namespaces"));
	caps = get(root, "capabilities");
	assert_int_equal(json_object_array_length(get(caps, "bounding")), 3);
	assert_int_equal(json_object_array_length(get(caps, "ambient")), 2);
	assert_all_why(get(caps, "bounding"));
	seccomp = get(root, "seccomp");
	assert_string_equal(json_object_get_string(get(seccomp, "default_action")), "errno");
	assert_string_equal(json_object_get_string(get(seccomp, "default_errno")), "ENOSYS");
	assert_int_equal(json_object_array_length(get(seccomp, "rules")), plan->lockdown.n_rules);
	assert_all_why(get(seccomp, "rules"));
	assert_all_why(get(root, "mounts"));
	assert_int_equal(json_object_array_length(get(root, "masked_paths")),
	                 plan->rootfs.n_masked);
	assert_all_why(get(root, "masked_paths"));
	assert_all_why(get(get(root, "devices"), "cgroup_rules"));
	assert_string_equal(json_object_get_string(get(get(root, "network"), "mode")), "proxy");
	json_object_put(root);
	free(text);
	ent_plan_free(plan);
}

static void test_names(void **state)
{
	char name[64];

	(void)state;
	ent_cap_name(13, name, sizeof(name));
	assert_string_equal(name, "CAP_NET_RAW");
	assert_string_equal(ent_rlimit_name(RLIMIT_MEMLOCK), "RLIMIT_MEMLOCK");
	assert_null(ent_rlimit_name(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_why_capability), cmocka_unit_test(test_why_syscall),
		cmocka_unit_test(test_why_path),       cmocka_unit_test(test_why_unknown),
		cmocka_unit_test(test_text_default),   cmocka_unit_test(test_text_rich),
		cmocka_unit_test(test_text_timeout),   cmocka_unit_test(test_json),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
