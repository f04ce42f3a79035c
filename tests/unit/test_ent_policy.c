/*
 * tests/unit/test_ent_policy.c - profiles, node policies and the subset check (issue 7).
 *
 * The cases that define the model (P = privileged, E = a custom profile, 0 = default):
 *   request 0   policy 0   runs         request {P}  policy 0    refused
 *   request {P} policy {P} runs         request {E}, E not in P, policy {P}: refused
 *   request {E}, E in P, policy {P}: runs
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/policy.h"

static struct rt_err err;

/* Add a profile's entitlements (built-in or parsed from text) to a request. */
static void add_profile(struct ent_request *req, struct ent_profile *store, const char *name,
                        const char *text)
{
	if (!ent_profile_builtin(name, store))
		assert_int_equal(ent_profile_parse(name, text, name, store, &err), 0);
	for (unsigned i = 0; i < store->n; i++)
		req->entitlements[req->n_entitlements++] = store->entitlements[i];
}

/* Compile a request from entitlements and at most one profile. */
static struct ent_plan *compile(const char *const *ents, const char *profile,
                                const char *profile_text, const char *seccomp_ref)
{
	static struct ent_profile store;
	struct ent_request *req = calloc(1, sizeof(*req));
	struct ent_plan *plan = ent_plan_new(&err);

	assert_non_null(req);
	req->host.subuid = (struct ent_idrange){ 100000, 65536 };
	req->host.subgid = (struct ent_idrange){ 100000, 65536 };
	assert_non_null(plan);
	for (; ents && *ents; ents++)
		req->entitlements[req->n_entitlements++] = *ents;
	if (profile)
		add_profile(req, &store, profile, profile_text);
	req->seccomp_ref = seccomp_ref;
	assert_int_equal(ent_compile(req, plan, &err), 0);
	free(req);
	return plan;
}

/* Compile what a policy text allows (as runtime/policy.c does) and check request. */
static void check(const struct ent_plan *request, const char *policy_text, const char *profile_text,
                  struct ent_verdict *v)
{
	static struct ent_policy pol;
	static struct ent_allowed allowed;

	assert_int_equal(ent_policy_parse(policy_text, "P", &pol, &err), 0);
	memset(&allowed, 0, sizeof(allowed));
	allowed.policy = &pol;
	allowed.plans[allowed.n++] = compile(NULL, NULL, NULL, NULL);
	for (unsigned i = 0; i < pol.n_entitlements; i++) {
		const char *ents[2] = { pol.entitlements[i], NULL };

		allowed.plans[allowed.n++] = compile(ents, NULL, NULL, NULL);
	}
	for (unsigned i = 0; i < pol.n_profiles; i++)
		allowed.plans[allowed.n++] = compile(NULL, pol.profiles[i], profile_text, NULL);
	ent_policy_check(request, &allowed, v);
	for (unsigned i = 0; i < allowed.n; i++)
		ent_plan_free((struct ent_plan *)allowed.plans[i]);
}

static bool runs(const struct ent_plan *request, const char *policy, const char *profile_text)
{
	struct ent_verdict v;

	check(request, policy, profile_text, &v);
	return v.allowed;
}

static const char E_INSIDE_P[] = "# a CI profile\nnetwork.access=proxy\n\nsecurity.access=user\n";
static const char E_OUTSIDE_P[] = "network.access=host\n";

static void test_model_table(void **state)
{
	struct ent_plan *none = compile(NULL, NULL, NULL, NULL);
	struct ent_plan *priv = compile(NULL, "privileged", NULL, NULL);
	struct ent_plan *e_in = compile(NULL, "E", E_INSIDE_P, NULL);
	struct ent_plan *e_out = compile(NULL, "E", E_OUTSIDE_P, NULL);

	(void)state;
	assert_true(runs(none, "", NULL));                             /* 0 / 0 */
	assert_false(runs(priv, "", NULL));                            /* {P} / 0 */
	assert_true(runs(priv, "allow profile privileged\n", NULL));   /* {P} / {P} */
	assert_false(runs(e_out, "allow profile privileged\n", NULL)); /* {E} not in P */
	assert_true(runs(e_in, "allow profile privileged\n", NULL));   /* {E} in P */
	ent_plan_free(none);
	ent_plan_free(priv);
	ent_plan_free(e_in);
	ent_plan_free(e_out);
}

static void test_profile_of_allowed_entitlements(void **state)
{
	struct ent_plan *e = compile(NULL, "E", E_INSIDE_P, NULL);

	(void)state;
	assert_true(runs(e, "allow network.access=proxy\nallow security.access=user\n", NULL));
	assert_false(runs(e, "allow network.access=proxy\n", NULL));
	/* A policy may name the profile itself. */
	assert_true(runs(e, "allow profile E\n", E_INSIDE_P));
	ent_plan_free(e);
}

static void test_union_of_allowed_requests(void **state)
{
	const char *both[] = { "network.access=user", "security.memory-lock", NULL };
	struct ent_plan *plan = compile(both, NULL, NULL, NULL);

	(void)state;
	assert_true(runs(plan, "allow network.access=user\nallow security.memory-lock\n", NULL));
	assert_false(runs(plan, "allow network.access=user\n", NULL));
	ent_plan_free(plan);
}

static void test_lower_levels_and_defaults_allowed(void **state)
{
	const char *lower[] = { "network.access=none", "security.fs=read-only", NULL };
	const char *user[] = { "network.access=user", NULL };
	struct ent_plan *low = compile(lower, NULL, NULL, NULL);
	struct ent_plan *u = compile(user, NULL, NULL, NULL);

	(void)state;
	assert_true(runs(low, "", NULL));
	assert_true(runs(u, "allow network.access=admin\n", NULL));
	/* A policy allowing only a level below the default still allows the default. */
	assert_false(runs(u, "allow network.access=none\n", NULL));
	ent_plan_free(low);
	ent_plan_free(u);
}

static void test_union_not_highest_level(void **state)
{
	const char *viewer[] = { "security.access=viewer", NULL };
	struct ent_plan *plan = compile(viewer, NULL, NULL, NULL);

	(void)state;
	/* user lacks viewer's CAP_DAC_READ_SEARCH: levels are not strictly nested. */
	assert_false(runs(plan, "allow security.access=user\n", NULL));
	assert_true(runs(plan, "allow security.access=user\nallow security.access=viewer\n", NULL));
	assert_true(runs(plan, "allow security.access=admin\n", NULL));
	ent_plan_free(plan);
}

static void test_devices(void **state)
{
	const char *kvm[] = { "host.devices.allow=/dev/kvm", NULL };
	struct ent_plan *plan = compile(kvm, NULL, NULL, NULL);

	(void)state;
	assert_false(runs(plan, "", NULL));
	assert_false(runs(plan, "allow host.devices.allow=/dev/fuse\n", NULL));
	assert_true(runs(plan, "allow host.devices.allow=/dev/kvm\n", NULL));
	assert_true(runs(plan, "allow host.devices.access=admin\n", NULL));
	ent_plan_free(plan);
}

static void test_seccomp_refs(void **state)
{
	struct ent_plan *unconfined = compile(NULL, NULL, NULL, "unconfined");
	struct ent_verdict v;
	char line[512];

	(void)state;
	assert_false(runs(unconfined, "allow profile privileged\n", NULL));
	assert_true(runs(unconfined, "allow seccomp unconfined\n", NULL));
	check(unconfined, "", NULL, &v);
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	assert_string_equal(line,
	                    "refused by P: seccomp unconfined (from --seccomp) is not allowed");
	ent_plan_free(unconfined);
}

static void test_refusal_message(void **state)
{
	const char *proxy[] = { "network.access=proxy", NULL };
	struct ent_plan *plan = compile(proxy, NULL, NULL, NULL);
	struct ent_verdict v;
	char line[1024];

	(void)state;
	check(plan, "allow network.access=user\n", NULL, &v);
	assert_false(v.allowed);
	ent_verdict_format(&v, "/etc/ent-run/policy", ENT_MISSING_MAX, line, sizeof(line));
	assert_string_equal(line, "refused by /etc/ent-run/policy: CAP_NET_BIND_SERVICE, "
	                          "CAP_NET_BROADCAST, CAP_NET_RAW, network reach 'proxy' (from "
	                          "network.access=proxy) are not allowed; allowed up to "
	                          "network.access=user");
	ent_verdict_format(&v, "/etc/ent-run/policy", 2, line, sizeof(line));
	assert_string_equal(line,
	                    "refused by /etc/ent-run/policy: CAP_NET_BIND_SERVICE, "
	                    "CAP_NET_BROADCAST and 2 more (from network.access=proxy) are not "
	                    "allowed; allowed up to network.access=user");
	ent_plan_free(plan);
}

/*
 * Each level of a domain includes the one below, with one documented exception: viewer's
 * CAP_DAC_READ_SEARCH is not in user (with open_by_handle_at it can escape a container, so
 * the classic root set leaves it out). The policy's union of plans handles that; this walk
 * catches any other level that would silently lose a grant of the one below.
 */
static void test_levels_monotonic(void **state)
{
	(void)state;
	for (size_t i = 0; i + 1 < ent_n_entries; i++) {
		const struct ent_entry *lo = &ent_entries[i], *hi = &ent_entries[i + 1];
		char lo_name[ENT_ITEM_MAX], policy[ENT_ITEM_MAX + 16];
		const char *ents[2] = { lo_name, NULL };
		struct ent_verdict v;
		struct ent_plan *plan;

		if (lo->kind != ENT_KIND_LEVEL || hi->kind != ENT_KIND_LEVEL ||
		    strcmp(lo->key, hi->key))
			continue;
		if (!strcmp(lo->key, "security.access") && !strcmp(lo->value, "viewer"))
			continue;
		ent_entry_name(lo, lo_name, sizeof(lo_name));
		snprintf(policy, sizeof(policy), "allow %s=%s\n", hi->key, hi->value);
		plan = compile(ents, NULL, NULL, NULL);
		check(plan, policy, NULL, &v);
		if (!v.allowed) {
			char line[1024];

			ent_verdict_format(&v, policy, 4, line, sizeof(line));
			fail_msg("%s is not within %s: %s", lo_name, policy, line);
		}
		ent_plan_free(plan);
	}
}

/* Host paths a request hands the container: volumes and the rootfs. */
static void test_volumes_and_rootfs(void **state)
{
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct rootfs_mount *m = &plan->rootfs.mounts[plan->rootfs.n_mounts++];
	struct ent_verdict v;
	char line[512];

	(void)state;
	snprintf(plan->rootfs.root, sizeof(plan->rootfs.root), "/srv/images/ci");
	*m = (struct rootfs_mount){ .fstype = "bind",
		                    .why = "--volume",
		                    .flags = MS_BIND | MS_REC };
	snprintf(m->source, sizeof(m->source), "/srv/data/job1");
	check(plan, "", NULL, &v);
	assert_false(v.allowed);
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	assert_string_equal(line,
	                    "refused by P: volume /srv/data/job1 (from --volume) is not allowed");
	assert_true(runs(plan, "allow volume /srv/data\n", NULL));
	assert_false(runs(plan, "allow volume /srv/dat\n", NULL)); /* a prefix is not a parent */
	assert_false(runs(plan, "allow volume /srv/data:ro\n", NULL));
	m->flags |= MS_RDONLY;
	assert_true(runs(plan, "allow volume /srv/data:ro\n", NULL));
	/* The rootfs: anything but / unless the policy names rootfs paths. */
	assert_true(runs(plan, "allow volume /\nallow rootfs /srv/images\n", NULL));
	assert_false(runs(plan, "allow volume /\nallow rootfs /opt\n", NULL));
	snprintf(plan->rootfs.root, sizeof(plan->rootfs.root), "/");
	assert_false(runs(plan, "allow volume /\n", NULL));
	assert_true(runs(plan, "allow volume /\nallow rootfs /\n", NULL));
	ent_plan_free(plan);
}

/* The host's / is recognised by device and inode, whatever path names it (a bind mount). */
static void test_host_root_by_identity(void **state)
{
	static struct ent_policy pol;
	static struct ent_allowed allowed;
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct ent_verdict v;

	(void)state;
	snprintf(plan->rootfs.root, sizeof(plan->rootfs.root), "/mnt/hostroot");
	plan->rootfs.root_dev = 8;
	plan->rootfs.root_ino = 2;
	assert_int_equal(ent_policy_parse("", "P", &pol, &err), 0);
	memset(&allowed, 0, sizeof(allowed));
	allowed.policy = &pol;
	allowed.plans[allowed.n++] = compile(NULL, NULL, NULL, NULL);
	ent_policy_check(plan, &allowed, &v);
	assert_true(v.allowed); /* unknown host root: the path alone decides */
	allowed.host_root_dev = 8;
	allowed.host_root_ino = 2;
	ent_policy_check(plan, &allowed, &v);
	assert_false(v.allowed);
	assert_string_equal(v.missing[0].grant, "rootfs /mnt/hostroot (the host's /)");
	assert_int_equal(ent_policy_parse("allow rootfs /mnt\n", "P", &pol, &err), 0);
	ent_policy_check(plan, &allowed, &v);
	assert_false(v.allowed); /* only "allow rootfs /" allows the host's / */
	assert_int_equal(ent_policy_parse("allow rootfs /\n", "P", &pol, &err), 0);
	ent_policy_check(plan, &allowed, &v);
	assert_true(v.allowed);
	ent_plan_free((struct ent_plan *)allowed.plans[0]);
	ent_plan_free(plan);
}

static void expect_policy_error(const char *text, const char *msg)
{
	static struct ent_policy pol;

	assert_int_equal(ent_policy_parse(text, "/etc/ent-run/policy", &pol, &err), -1);
	assert_string_equal(err.msg, msg);
}

static void test_policy_parse(void **state)
{
	static struct ent_policy pol;

	(void)state;
	assert_int_equal(ent_policy_parse("# comment\n\n  allow network.proxy  # alias\n"
	                                  "allow profile ci\nallow seccomp localhost/strict.json\n"
	                                  "allow seccomp unconfined",
	                                  "P", &pol, &err),
	                 0);
	assert_int_equal(pol.n_entitlements, 1);
	assert_string_equal(pol.entitlements[0], "network.access=proxy");
	assert_string_equal(pol.profiles[0], "ci");
	assert_int_equal(pol.n_seccomp, 2);
	assert_true(ent_policy_allows_seccomp(&pol, "localhost/strict.json"));
	assert_true(ent_policy_allows_seccomp(&pol, "runtime/default"));
	assert_false(ent_policy_allows_seccomp(&pol, "localhost/other"));
	expect_policy_error("allow network.access=user\ndeny x\n",
	                    "policy /etc/ent-run/policy:2: unknown keyword 'deny' (expected: allow "
	                    "ENTITLEMENT, allow profile NAME, allow seccomp REF, allow volume "
	                    "PATH[:ro], allow rootfs PATH)");
	expect_policy_error("allow\n", "policy /etc/ent-run/policy:1: 'allow' needs an "
	                               "entitlement, 'profile NAME', 'seccomp REF', 'volume PATH' "
	                               "or 'rootfs PATH'");
	expect_policy_error("allow volume srv\n", "policy /etc/ent-run/policy:1: 'allow volume' "
	                                          "needs a plain absolute path, got 'srv'");
	expect_policy_error("allow rootfs /srv/../etc\n",
	                    "policy /etc/ent-run/policy:1: 'allow rootfs' needs a plain absolute "
	                    "path, got '/srv/../etc'");
	expect_policy_error("allow profile\n",
	                    "policy /etc/ent-run/policy:1: 'allow profile' needs exactly one NAME");
	expect_policy_error("allow profile ../x\n",
	                    "policy /etc/ent-run/policy:1: '../x' is not a profile name (letters, "
	                    "digits, '.', '_', '-')");
	expect_policy_error("allow seccomp foo\n",
	                    "policy /etc/ent-run/policy:1: unknown seccomp reference 'foo' "
	                    "(expected: runtime/default, unconfined, localhost/NAME)");
	expect_policy_error("allow network.access=user extra\n",
	                    "policy /etc/ent-run/policy:1: unexpected 'extra' after 'allow "
	                    "network.access=user'");
	assert_int_equal(ent_policy_parse("\n\nallow network.acess=user\n", "P", &pol, &err), -1);
	assert_non_null(strstr(err.msg, "policy P:3: entitlements: unknown entitlement "
	                                "'network.acess=user'"));
	assert_non_null(strstr(err.msg, "did you mean network.access=user"));
}

static void test_profile_parse(void **state)
{
	static struct ent_profile p;
	char big[1024];

	(void)state;
	assert_int_equal(
	        ent_profile_parse("ci", "network.access=proxy # web\n\n#x\n", "F", &p, &err), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(ent_profile_parse("ci", "network.access=proxy\nnope\n", "F", &p, &err),
	                 -1);
	assert_non_null(strstr(err.msg, "profile F:2: entitlements: unknown entitlement 'nope'"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ent_profile_parse("ci", big, "F", &p, &err), -1);
	assert_string_equal(err.msg, "profile F:1: line too long (at most 319 bytes)");
	assert_true(ent_profile_builtin("default", &p));
	assert_int_equal(p.n, 0);
	assert_true(ent_profile_builtin("privileged", &p));
	assert_int_equal(p.n, 5);
	assert_false(ent_profile_builtin("ci", &p));
	assert_true(ent_profile_name_valid("ci-2.job_x"));
	assert_false(ent_profile_name_valid(".hidden"));
	assert_false(ent_profile_name_valid("a/b"));
	assert_false(ent_profile_name_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_table),
		cmocka_unit_test(test_profile_of_allowed_entitlements),
		cmocka_unit_test(test_union_of_allowed_requests),
		cmocka_unit_test(test_lower_levels_and_defaults_allowed),
		cmocka_unit_test(test_union_not_highest_level),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_seccomp_refs),
		cmocka_unit_test(test_refusal_message),
		cmocka_unit_test(test_levels_monotonic),
		cmocka_unit_test(test_volumes_and_rootfs),
		cmocka_unit_test(test_host_root_by_identity),
		cmocka_unit_test(test_policy_parse),
		cmocka_unit_test(test_profile_parse),
	};

	return cmocka_run_group_tests_name("ent_policy", tests, NULL, NULL);
}
