/*
 * tests/unit/test_ent_policy.c - profiles, node policies and the subset check (issue 7).
 *
 * The cases that define the model (P = privileged, E = a custom profile, 0 = default):
 *   request 0   policy 0   runs         request {P}  policy 0    refused
 *   request {P} policy {P} runs         request {E}, E not in P, policy {P}: refused
 *   request {E}, E in P, policy {P}: runs
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/policy.h"

static struct rt_err err;
static struct ent_policy pol_store;

/* Add a profile's entitlements (built-in or parsed from text) to a request. */
static void add_profile(struct ent_request *req, struct ent_profile *store, const char *name,
                        const char *text)
{
	if (!ent_profile_builtin(name, store))
		assert_int_equal(ent_profile_parse(name, text, name, store, &err), 0);
	for (unsigned i = 0; i < store->n; i++)
		req->entitlements[req->n_entitlements++] = store->entitlements[i];
}

/* A request with root's host facts (a subordinate range, for the admin entitlements). */
static struct ent_request *new_request(const char *const *ents)
{
	struct ent_request *req = calloc(1, sizeof(*req));

	assert_non_null(req);
	req->host.subuid = (struct ent_idrange){ 100000, 65536 };
	req->host.subgid = (struct ent_idrange){ 100000, 65536 };
	for (; ents && *ents; ents++)
		req->entitlements[req->n_entitlements++] = *ents;
	return req;
}

/* Compile req into a new plan and free req. */
static struct ent_plan *compile_request(struct ent_request *req)
{
	struct ent_plan *plan = ent_plan_new(&err);

	assert_non_null(plan);
	if (ent_compile(req, plan, &err) < 0)
		fail_msg("%s", err.msg);
	free(req);
	return plan;
}

/* Compile a request from entitlements and at most one profile. */
static struct ent_plan *compile(const char *const *ents, const char *profile,
                                const char *profile_text, const char *seccomp_ref)
{
	static struct ent_profile store;
	struct ent_request *req = new_request(ents);

	if (profile)
		add_profile(req, &store, profile, profile_text);
	req->seccomp_ref = seccomp_ref;
	return compile_request(req);
}

/* Compile what a policy text allows (as runtime/policy.c does) and check request with facts. */
static void check_facts(const struct ent_plan *request, const char *policy_text,
                        const char *profile_text, const struct ent_request_facts *facts,
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
	ent_policy_check(request, &allowed, facts, v);
	for (unsigned i = 0; i < allowed.n; i++)
		ent_plan_free((struct ent_plan *)allowed.plans[i]);
}

static void check(const struct ent_plan *request, const char *policy_text, const char *profile_text,
                  struct ent_verdict *v)
{
	check_facts(request, policy_text, profile_text, NULL, v);
}

/* The one line a run prints (most = 2, as runtime/main.c does). */
static const char *refusal(const struct ent_plan *request, const char *policy_text)
{
	static char line[1024];
	struct ent_verdict v;

	check(request, policy_text, NULL, &v);
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	return line;
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
	plan->rootfs.root = "/srv/images/ci";
	*m = (struct rootfs_mount){
		.fstype = "bind", .why = "--volume", .volume = true, .flags = MS_BIND | MS_REC
	};
	m->source = "/srv/data/job1";
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
	/* The rootfs: any (but a host system directory) unless the policy names rootfs paths. */
	assert_true(runs(plan, "allow volume /\nallow rootfs /srv/images\n", NULL));
	assert_false(runs(plan, "allow volume /\nallow rootfs /opt\n", NULL));
	assert_false(runs(plan, "allow volume /\nallow rootfs /srv/images/c\n", NULL));
	ent_plan_free(plan);
}

/* A host system directory is never a rootfs: by name here, by identity in runtime/sysdir.c. */
static void test_system_dirs(void **state)
{
	static const struct {
		const char *path, *dir;
		enum ent_system_kind kind;
	} cases[] = {
		{ "/", "/", ENT_SYSTEM_DIR },
		{ "/usr", "/usr", ENT_SYSTEM_DIR },
		{ "/etc", "/etc", ENT_SYSTEM_DIR },
		{ "/lib64", "/lib64", ENT_SYSTEM_DIR },
		{ "/lib", "/lib", ENT_SYSTEM_DIR },
		{ "/libx32", "/libx32", ENT_SYSTEM_DIR },
		{ "/proc", "/proc", ENT_SYSTEM_TREE },
		{ "/proc/1/root", "/proc", ENT_SYSTEM_TREE },
		{ "/sys/fs/cgroup", "/sys", ENT_SYSTEM_TREE },
		{ "/dev/shm/x", "/dev", ENT_SYSTEM_TREE },
		{ "/usr/local/images", "", ENT_SYSTEM_NONE },
		{ "/var/lib/x", "", ENT_SYSTEM_NONE },
		{ "/lib64/x", "", ENT_SYSTEM_NONE },
		{ "/devices", "", ENT_SYSTEM_NONE },
		{ "/srv/images", "", ENT_SYSTEM_NONE },
		{ "/tmp", "", ENT_SYSTEM_NONE },
	};
	struct ent_request_facts facts = { .rootfs_system = "the host's /etc" };
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct ent_verdict v;
	char dir[64], line[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dir[0] = '\0';
		assert_int_equal(ent_system_dir(cases[i].path, dir, sizeof(dir)), cases[i].kind);
		assert_string_equal(dir, cases[i].dir);
	}
	/* With or without a policy, whatever it allows. */
	plan->rootfs.root = "/mnt/etc-bound";
	ent_policy_check(plan, NULL, &facts, &v);
	assert_false(v.allowed);
	assert_true(v.missing[0].never);
	ent_verdict_format(&v, NULL, 2, line, sizeof(line));
	assert_string_equal(line,
	                    "refused: rootfs /mnt/etc-bound (the host's /etc) (from ROOTFS) is "
	                    "not allowed; a host system directory is never a rootfs");
	check_facts(plan, "allow rootfs /\nallow rootfs /mnt\n", NULL, &facts, &v);
	assert_false(v.allowed);
	assert_int_equal(v.n_missing, 1); /* said once, not also as "outside allow rootfs" */
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	assert_string_equal(line, "refused by P: rootfs /mnt/etc-bound (the host's /etc) (from "
	                          "ROOTFS) is not allowed; a host system directory is never a "
	                          "rootfs");
	ent_policy_check(plan, NULL, NULL, &v); /* no policy, nothing found: runs */
	assert_true(v.allowed);
	ent_verdict_format(&v, NULL, 2, line, sizeof(line));
	assert_string_equal(line, "allowed");
	ent_plan_free(plan);
}

/* The requester never chooses what the policy's names mean: its directories are the only ones. */
static void test_directories(void **state)
{
	struct ent_request_facts facts = { .profile_dir = "/home/me/profiles",
		                           .seccomp_root = "/home/me/seccomp" };
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct ent_verdict v;
	char line[1024];

	(void)state;
	check_facts(plan, "allow profile privileged\n", NULL, &facts, &v);
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	assert_string_equal(line,
	                    "refused by P: profile-dir /home/me/profiles (from --profile-dir) is "
	                    "not allowed; the policy's profile-dir is /etc/ent-run/profiles; "
	                    "seccomp-root /home/me/seccomp (from --seccomp-profile-root) is "
	                    "not allowed; the policy's seccomp-root is /etc/ent-run/seccomp");
	memset(&v, 0, sizeof(v));
	v.allowed = true;
	facts.seccomp_root[0] = '\0';
	assert_int_equal(ent_policy_parse("profile-dir /srv/profiles\n", "P", &pol_store, &err), 0);
	ent_policy_check_dirs(&pol_store, &facts, &v);
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	assert_string_equal(line,
	                    "refused by P: profile-dir /home/me/profiles (from --profile-dir) is "
	                    "not allowed; the policy's profile-dir is /srv/profiles");
	ent_plan_free(plan);
}

/* A request with network.access=user or proxy, an address pool and a published port. */
static struct ent_plan *compile_net(const char *access, const char *subnet, const char *host_ip,
                                    uint16_t host_port, int protocol)
{
	const char *ents[] = { access, NULL };
	struct ent_request *req = new_request(ents);

	req->subnet = subnet;
	if (host_port) {
		req->publish[0] = (struct netcfg_publish){ .host_port = host_port,
			                                   .port = 80,
			                                   .protocol = protocol };
		snprintf(req->publish[0].host_ip, sizeof(req->publish[0].host_ip), "%s", host_ip);
		req->n_publish = 1;
	}
	return compile_request(req);
}

/* An address pool other than the default is a grant: inside an "allow subnet" block. */
static void test_subnet(void **state)
{
	struct ent_plan *meta = compile_net("network.access=user", "169.254.169.252/30", "", 0, 0);
	struct ent_plan *inside = compile_net("network.access=user", "10.88.4.0/24", "", 0, 0);
	struct ent_plan *wider = compile_net("network.access=user", "10.0.0.0/8", "", 0, 0);
	struct ent_plan *dflt = compile_net("network.access=user", NULL, "", 0, 0);
	struct ent_plan *bad = compile_net("network.access=user", "10.88.0.1/16", "", 0, 0);
	const char *user = "allow network.access=user\n";

	(void)state;
	assert_true(runs(dflt, user, NULL));
	assert_true(runs(inside, user, NULL)); /* inside the default pool */
	assert_string_equal(refusal(meta, user), "refused by P: subnet 169.254.169.252/30 (from "
	                                         "--subnet) is not allowed");
	assert_true(runs(meta, "allow network.access=user\nallow subnet 169.254.0.0/16\n", NULL));
	assert_false(
	        runs(meta, "allow network.access=user\nallow subnet 169.254.169.0/30\n", NULL));
	assert_false(runs(wider, "allow network.access=user\nallow subnet 10.88.0.0/16\n", NULL));
	assert_true(runs(wider, "allow network.access=user\nallow subnet 0.0.0.0/0\n", NULL));
	assert_false(runs(bad, "allow network.access=user\nallow subnet 0.0.0.0/0\n", NULL));
	ent_plan_free(meta);
	ent_plan_free(inside);
	ent_plan_free(wider);
	ent_plan_free(dflt);
	ent_plan_free(bad);
}

/* Publishing takes a host port: each must be in an "allow publish" range. */
static void test_publish(void **state)
{
	struct ent_plan *all = compile_net("network.access=proxy", NULL, "", 8080, IPPROTO_TCP);
	struct ent_plan *lo =
	        compile_net("network.access=proxy", NULL, "127.0.0.1", 8080, IPPROTO_TCP);
	struct ent_plan *udp = compile_net("network.access=proxy", NULL, "", 53, IPPROTO_UDP);
	const char *proxy = "allow network.access=proxy\n";
	char pol[256];

	(void)state;
	assert_string_equal(refusal(all, proxy),
	                    "refused by P: publish 8080 (from --publish) is not allowed");
	assert_string_equal(refusal(lo, proxy),
	                    "refused by P: publish 127.0.0.1:8080 (from --publish) is not allowed");
	assert_string_equal(refusal(udp, proxy),
	                    "refused by P: publish 53/udp (from --publish) is not allowed");
	snprintf(pol, sizeof(pol), "%sallow publish 8000-8999\n", proxy);
	assert_true(runs(all, pol, NULL));
	assert_true(runs(lo, pol, NULL)); /* no address on the line: any address */
	assert_false(runs(udp, pol, NULL));
	snprintf(pol, sizeof(pol), "%sallow publish 127.0.0.1:8080\n", proxy);
	assert_true(runs(lo, pol, NULL));
	assert_false(runs(all, pol, NULL)); /* all addresses is more than 127.0.0.1 */
	snprintf(pol, sizeof(pol), "%sallow publish 0.0.0.0:8080\n", proxy);
	assert_true(runs(all, pol, NULL));
	assert_false(runs(lo, pol, NULL));
	snprintf(pol, sizeof(pol), "%sallow publish 53/udp\n", proxy);
	assert_true(runs(udp, pol, NULL));
	snprintf(pol, sizeof(pol), "%sallow publish 53\n", proxy);
	assert_false(runs(udp, pol, NULL));
	ent_plan_free(all);
	ent_plan_free(lo);
	ent_plan_free(udp);
}

/* A request with cgroup limits, --tmpfs mounts, and the policy's ceilings as its defaults. */
static struct ent_plan *compile_limits(const char *pids, const char *memory, const char *cpus,
                                       const char *tmpfs_size, const char *policy_text)
{
	static struct ent_policy pol;
	const char *ents[] = { "security.fs=read-only", NULL };
	struct ent_request *req = new_request(ents);

	if (pids) {
		req->has_pids = true;
		assert_int_equal(ent_parse_pids("--pids", pids, &req->pids_max, &err), 0);
	}
	if (memory) {
		req->has_memory = true;
		assert_int_equal(ent_parse_size("--memory", memory, &req->memory_bytes, &err), 0);
	}
	if (cpus) {
		req->has_cpus = true;
		assert_int_equal(ent_parse_cpus("--cpus", cpus, &req->cpu_quota_us,
		                                &req->cpu_period_us, &err),
		                 0);
	}
	req->tmpfs[0] = "/big";
	req->n_tmpfs = 1;
	if (tmpfs_size)
		assert_int_equal(ent_parse_size("--tmpfs", tmpfs_size, &req->tmpfs_bytes[0], &err),
		                 0);
	if (policy_text) {
		assert_int_equal(ent_policy_parse(policy_text, "P", &pol, &err), 0);
		req->limits = pol.limits;
	}
	return compile_request(req);
}

/* The size of the tmpfs at target in plan, in bytes (-1: no size; fails if there is none). */
static int64_t tmpfs_size(const struct ent_plan *plan, const char *target)
{
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		if (!strcmp(plan->rootfs.mounts[i].target, target) &&
		    !strcmp(plan->rootfs.mounts[i].fstype, "tmpfs"))
			return ent_tmpfs_size(plan->rootfs.mounts[i].data);
	}
	fail_msg("no tmpfs at %s", target);
	return -1;
}

/* Resource ceilings: a lifted limit is a grant; a request naming none gets the ceiling. */
static void test_limits(void **state)
{
	struct ent_plan *plan;

	(void)state;
	plan = compile_limits(NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(plan->cgroup.pids_max, 1024);
	assert_int_equal(tmpfs_size(plan, "/big"), 64 << 20);
	assert_true(runs(plan, "", NULL));
	ent_plan_free(plan);
	plan = compile_limits("max", "4G", "8", "1G", NULL);
	assert_string_equal(refusal(plan, ""),
	                    "refused by P: pids max (from --pids) is not allowed; allowed up to "
	                    "pids 1024; tmpfs /big 1G (from --tmpfs) is not allowed; allowed up to "
	                    "tmpfs 64M");
	assert_string_equal(refusal(plan, "limit pids 4096\nlimit memory 2G\nlimit cpus 1.5\n"
	                                  "limit tmpfs 512M\n"),
	                    "refused by P: pids max (from --pids) is not allowed; allowed up to "
	                    "pids 4096; memory 4G (from --memory) is not allowed; allowed up to "
	                    "memory 2G; cpus 8 (from --cpus) is not allowed; allowed up to cpus "
	                    "1.5; tmpfs /big 1G (from --tmpfs) is not allowed; allowed up to tmpfs "
	                    "512M");
	assert_true(runs(plan, "limit pids max\nlimit memory 4G\nlimit cpus 8\nlimit tmpfs 1G\n",
	                 NULL));
	ent_plan_free(plan);
	/* Without --memory or --cpus, a policy's ceiling is the limit, so the request is within. */
	plan = compile_limits(NULL, NULL, NULL, NULL,
	                      "limit pids 100\nlimit memory 2G\nlimit cpus 1.5\nlimit tmpfs 16M\n");
	assert_int_equal(plan->cgroup.pids_max, 100);
	assert_string_equal(plan->cgroup.pids_why, "node policy");
	assert_int_equal(plan->cgroup.memory_bytes, 2LL << 30);
	assert_int_equal(plan->cgroup.cpu_quota_us, 150000);
	assert_int_equal(tmpfs_size(plan, "/big"), 16 << 20);
	assert_true(runs(plan, "limit pids 100\nlimit memory 2G\nlimit cpus 1.5\nlimit tmpfs 16M\n",
	                 NULL));
	assert_string_equal(refusal(plan, "limit memory 1G\n"),
	                    "refused by P: memory 2G (from node policy) is not allowed; allowed up "
	                    "to memory 1G");
	ent_plan_free(plan);
	/* A bigger ceiling is the default of --tmpfs, not of the tmpfs ent-run mounts itself. */
	plan = compile_limits(NULL, NULL, NULL, NULL, "limit tmpfs 1G\n");
	assert_int_equal(tmpfs_size(plan, "/big"), 1 << 30);
	assert_int_equal(tmpfs_size(plan, "/tmp"), 64 << 20);
	ent_plan_free(plan);
}

/* A request for an ephemeral rootfs, its SIZE (NULL: the default), under policy_text. */
static struct ent_plan *compile_ephemeral(const char *size, const char *ent,
                                          const char *policy_text)
{
	static struct ent_policy pol;
	const char *ents[] = { ent, NULL };
	struct ent_request *req = new_request(ents);

	req->ephemeral = true;
	if (size)
		assert_int_equal(ent_parse_size("--ephemeral", size, &req->ephemeral_bytes, &err),
		                 0);
	if (policy_text) {
		assert_int_equal(ent_policy_parse(policy_text, "P", &pol, &err), 0);
		req->limits = pol.limits;
	}
	return compile_request(req);
}

/*
 * --ephemeral's upper layer is a tmpfs like any other: within the tmpfs ceiling, whose line
 * also lowers its default (1G); under security.fs=read-only it has none, so nothing to check.
 */
static void test_ephemeral_limit(void **state)
{
	struct ent_plan *plan;

	(void)state;
	plan = compile_ephemeral(NULL, NULL, NULL);
	assert_true(plan->rootfs.ephemeral.upper);
	assert_int_equal(plan->rootfs.ephemeral.size_bytes, 1 << 30);
	assert_string_equal(refusal(plan, ""),
	                    "refused by P: ephemeral 1G (from --ephemeral) is not allowed; allowed "
	                    "up to tmpfs 64M");
	assert_true(runs(plan, "limit tmpfs 1G\n", NULL));
	ent_plan_free(plan);
	plan = compile_ephemeral(NULL, NULL, "limit tmpfs 256M\n");
	assert_int_equal(plan->rootfs.ephemeral.size_bytes, 256 << 20);
	assert_true(runs(plan, "limit tmpfs 256M\n", NULL));
	ent_plan_free(plan);
	plan = compile_ephemeral("2G", NULL, "limit tmpfs 4G\n");
	assert_int_equal(plan->rootfs.ephemeral.size_bytes, 2LL << 30);
	assert_string_equal(refusal(plan, "limit tmpfs 1G\n"),
	                    "refused by P: ephemeral 2G (from --ephemeral) is not allowed; allowed "
	                    "up to tmpfs 1G");
	ent_plan_free(plan);
	plan = compile_ephemeral("2G", "security.fs=read-only", NULL);
	assert_true(plan->rootfs.ephemeral.enabled);
	assert_false(plan->rootfs.ephemeral.upper);
	assert_int_equal(plan->rootfs.ephemeral.size_bytes, 0);
	assert_true(runs(plan, "allow security.fs=read-only\n", NULL));
	ent_plan_free(plan);
}

/* Every tmpfs of a plan has a size: the base ones, those of entitlements, --tmpfs. */
static void test_every_tmpfs_sized(void **state)
{
	struct ent_plan *plan = compile_limits(NULL, NULL, NULL, "8M", "limit tmpfs 32M\n");

	(void)state;
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		const struct rootfs_mount *m = &plan->rootfs.mounts[i];

		if (strcmp(m->fstype, "tmpfs"))
			continue;
		if (ent_tmpfs_size(m->data) <= 0 || ent_tmpfs_size(m->data) > 32 << 20)
			fail_msg("tmpfs %s: size of '%s'", m->target, m->data);
	}
	assert_int_equal(tmpfs_size(plan, "/dev"), 32 << 20);
	assert_int_equal(tmpfs_size(plan, "/dev/shm"), 32 << 20);
	assert_int_equal(tmpfs_size(plan, "/run"), 32 << 20);
	assert_int_equal(tmpfs_size(plan, "/big"), 8 << 20);
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
	expect_policy_error(
	        "allow network.access=user\ndeny x\n",
	        "policy /etc/ent-run/policy:2: unknown keyword 'deny' (expected: allow, "
	        "limit, profile-dir, seccomp-root)");
	expect_policy_error("allow\n", "policy /etc/ent-run/policy:1: 'allow' needs an "
	                               "entitlement, 'profile NAME', 'seccomp REF', 'volume PATH', "
	                               "'rootfs PATH', 'subnet CIDR' or 'publish PORT'");
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

/* The lines that pin directories, grant options and set ceilings. */
static void test_policy_parse_options(void **state)
{
	static struct ent_policy pol;

	(void)state;
	assert_int_equal(ent_policy_parse("profile-dir /srv/ent/profiles\n"
	                                  "seccomp-root /srv/ent/seccomp\n"
	                                  "allow subnet 10.89.0.0/16\n"
	                                  "allow publish 8080\n"
	                                  "allow publish 127.0.0.1:9000-9010/udp\n"
	                                  "allow publish 443/tcp\n"
	                                  "limit pids max\nlimit memory 2G\n"
	                                  "limit cpus 1.5\nlimit tmpfs 256M\n",
	                                  "P", &pol, &err),
	                 0);
	assert_string_equal(ent_policy_profile_dir(&pol), "/srv/ent/profiles");
	assert_string_equal(ent_policy_seccomp_root(&pol), "/srv/ent/seccomp");
	assert_int_equal(pol.n_subnets, 1);
	assert_int_equal(pol.subnets[0].net, 0x0a590000);
	assert_int_equal(pol.subnets[0].prefix_len, 16);
	assert_int_equal(pol.n_publish, 3);
	assert_false(pol.publish[0].has_ip);
	assert_int_equal(pol.publish[0].first, 8080);
	assert_int_equal(pol.publish[0].last, 8080);
	assert_int_equal(pol.publish[0].protocol, IPPROTO_TCP);
	assert_true(pol.publish[1].has_ip);
	assert_int_equal(pol.publish[1].ip, 0x7f000001);
	assert_int_equal(pol.publish[1].first, 9000);
	assert_int_equal(pol.publish[1].last, 9010);
	assert_int_equal(pol.publish[1].protocol, IPPROTO_UDP);
	assert_int_equal(pol.publish[2].protocol, IPPROTO_TCP);
	assert_true(pol.limits.has_pids && pol.limits.has_memory && pol.limits.has_cpus &&
	            pol.limits.has_tmpfs);
	assert_int_equal(pol.limits.pids_max, 0);
	assert_int_equal(pol.limits.memory_bytes, 2LL << 30);
	assert_int_equal(pol.limits.cpu_quota_us, 150000);
	assert_int_equal(pol.limits.tmpfs_bytes, 256 << 20);
	/* Without the lines: the default directories, no ceilings given. */
	assert_int_equal(ent_policy_parse("", "P", &pol, &err), 0);
	assert_string_equal(ent_policy_profile_dir(&pol), "/etc/ent-run/profiles");
	assert_string_equal(ent_policy_seccomp_root(&pol), "/etc/ent-run/seccomp");
	assert_false(pol.limits.has_pids);
	expect_policy_error("profile-dir /a\nprofile-dir /b\n",
	                    "policy /etc/ent-run/policy:2: 'profile-dir' given twice");
	expect_policy_error("seccomp-root etc/seccomp\n",
	                    "policy /etc/ent-run/policy:1: 'seccomp-root' needs a plain absolute "
	                    "path, got 'etc/seccomp'");
	expect_policy_error("profile-dir\n",
	                    "policy /etc/ent-run/policy:1: 'profile-dir' needs exactly one DIR");
	expect_policy_error("allow subnet 10.89.0.1/16\n",
	                    "policy /etc/ent-run/policy:1: 'allow subnet' needs an IPv4 CIDR block "
	                    "without host bits, got '10.89.0.1/16' (e.g. 10.89.0.0/16)");
	expect_policy_error("allow subnet 10.89.0.0\n",
	                    "policy /etc/ent-run/policy:1: 'allow subnet' needs an IPv4 CIDR block "
	                    "without host bits, got '10.89.0.0' (e.g. 10.89.0.0/16)");
	expect_policy_error(
	        "\nallow publish 9010-9000\n",
	        "policy /etc/ent-run/policy:2: 'allow publish' needs "
	        "[IP:]PORT[-PORT][/tcp|/udp] (an IPv4 address, ports 1-65535, the first "
	        "no higher than the last), got '9010-9000'");
	expect_policy_error(
	        "allow publish localhost:80\n",
	        "policy /etc/ent-run/policy:1: 'allow publish' needs "
	        "[IP:]PORT[-PORT][/tcp|/udp] (an IPv4 address, ports 1-65535, the first "
	        "no higher than the last), got 'localhost:80'");
	expect_policy_error(
	        "allow publish 80/sctp\n",
	        "policy /etc/ent-run/policy:1: 'allow publish' needs "
	        "[IP:]PORT[-PORT][/tcp|/udp] (an IPv4 address, ports 1-65535, the first "
	        "no higher than the last), got '80/sctp'");
	expect_policy_error("allow publish\n", "policy /etc/ent-run/policy:1: 'allow publish' "
	                                       "needs exactly one [IP:]PORT[-PORT][/udp]");
	expect_policy_error("limit pids 10\nlimit pids 20\n",
	                    "policy /etc/ent-run/policy:2: 'limit pids' given twice");
	expect_policy_error(
	        "limit memory lots\n",
	        "policy /etc/ent-run/policy:1: limit memory: 'lots' is not a size "
	        "(expected a positive number with an optional suffix K, M, G or T, e.g. "
	        "256M)");
	expect_policy_error("limit memory 1M\n",
	                    "policy /etc/ent-run/policy:1: limit memory: '1M' is below the least a "
	                    "container runs in (6M)");
	expect_policy_error("limit cpus 0\n",
	                    "policy /etc/ent-run/policy:1: limit cpus: '0' is not a CPU count "
	                    "(expected a number from 0.01 to 4096, e.g. 1.5)");
	expect_policy_error(
	        "limit disk 1G\n",
	        "policy /etc/ent-run/policy:1: unknown resource 'disk' (expected: limit "
	        "pids N|max, limit memory SIZE, limit cpus N, limit tmpfs SIZE)");
	expect_policy_error("limit tmpfs\n",
	                    "policy /etc/ent-run/policy:1: 'limit' needs a resource and one value "
	                    "(expected: limit pids N|max, limit memory SIZE, limit cpus N, limit "
	                    "tmpfs SIZE)");
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

/*
 * A plan made host root by hand: with the masks ent-run's own host-root plans have over the
 * files only host root may read (which a plan in a range of its own leaves to the kernel).
 */
static void mask_root_only(struct ent_plan *plan)
{
	for (unsigned i = 0; i < ent_n_host_root_only; i++)
		plan->rootfs.masked[plan->rootfs.n_masked++] =
		        (struct rootfs_path){ .path = ent_host_root_only[i], .why = "default" };
}

/*
 * OCI runtime mode's grants (issue 15): no user namespace is host-userns; a limit at or below
 * the caller's own hard limit is none; a filter allowing by default is one; a path the
 * allowed plans keep read-only must stay so.
 */
static void test_oci_grants(void **state)
{
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct ent_request_facts facts = { 0 };
	struct ent_verdict v;
	char line[1024];

	(void)state;
	plan->ns.unshare[NS_USER] = false;
	plan->ns.why[NS_USER] = "linux.namespaces (not listed: the host's)";
	/* Host root reads the files only host root may read: their masks are required. */
	assert_string_equal(refusal(plan, "allow host-userns\n"),
	                    "refused by P: /proc/kpageflags unmasked, /proc/kpagecount unmasked "
	                    "and 3 more (from the request) are not allowed");
	mask_root_only(plan);
	assert_string_equal(refusal(plan, ""),
	                    "refused by P: host-userns (container root is host root) (from "
	                    "linux.namespaces (not listed: the host's)) is not allowed");
	assert_true(runs(plan, "allow host-userns\n", NULL));
	expect_policy_error("allow host-userns now\n", "policy /etc/ent-run/policy:1: unexpected "
	                                               "'now' after 'allow host-userns'");
	plan->ns.unshare[NS_USER] = true;

	/* OCI hooks: host programs run as host root, a grant of their own. */
	plan->hooks.list[0] = (struct ent_hook){ .kind = ENT_HOOK_CREATE_RUNTIME,
		                                 .path = "/usr/bin/hook",
		                                 .why = "hooks.createRuntime[0]" };
	plan->hooks.n = 1;
	assert_string_equal(refusal(plan, ""),
	                    "refused by P: oci-hooks (host programs run as host root) (from "
	                    "hooks.createRuntime[0]) is not allowed");
	assert_true(runs(plan, "allow oci-hooks\n", NULL));
	assert_false(runs(plan, "allow host-userns\n", NULL));
	expect_policy_error("allow oci-hooks all\n", "policy /etc/ent-run/policy:1: unexpected "
	                                             "'all' after 'allow oci-hooks'");
	plan->hooks.n = 0;

	plan->proc.rlimits[0] = (struct ent_rlimit){
		.resource = RLIMIT_NOFILE, .soft = 1024, .hard = 20000, .why = "process.rlimits[0]"
	};
	plan->proc.n_rlimits = 1;
	assert_false(runs(plan, "", NULL));
	facts.rlimit_hard[RLIMIT_NOFILE] = 20000;
	check_facts(plan, "", NULL, &facts, &v);
	assert_true(v.allowed);
	facts.rlimit_hard[RLIMIT_NOFILE] = 19999;
	check_facts(plan, "", NULL, &facts, &v);
	ent_verdict_format(&v, "P", 2, line, sizeof(line));
	assert_string_equal(line, "refused by P: RLIMIT_NOFILE raised (from process.rlimits[0]) is "
	                          "not allowed");
	plan->proc.n_rlimits = 0;

	plan->lockdown.default_action = LOCKDOWN_ALLOW;
	plan->lockdown.n_rules = 0;
	plan->lockdown.seccomp_why = "linux.seccomp";
	assert_string_equal(refusal(plan, ""),
	                    "refused by P: every syscall the filter does not name (defaultAction "
	                    "SCMP_ACT_ALLOW) (from linux.seccomp) is not allowed");
	ent_plan_free(plan);

	plan = compile(NULL, NULL, NULL, NULL);
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++)
		if (!strcmp(plan->rootfs.mounts[i].target, "/sys"))
			plan->rootfs.mounts[i].flags &= ~(unsigned long)MS_RDONLY;
	assert_string_equal(refusal(plan, ""), "refused by P: /sys writable (from the request) is "
	                                       "not allowed");
	ent_plan_free(plan);
}

/* C2 of the OCI review: a config's own id mappings choose host ids, a grant of their own. */
static void test_oci_idmaps(void **state)
{
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);

	(void)state;
	assert_true(plan->ns.own_range);
	assert_true(runs(plan, "", NULL)); /* ent-run's own leased block */
	plan->ns.own_range = false;
	plan->ns.uid_map[0] = (struct ns_idmap){ 0, 0, 65536 };
	plan->ns.gid_map[0] = (struct ns_idmap){ 0, 0, 65536 };
	mask_root_only(plan);
	assert_string_equal(
	        refusal(plan, ""),
	        "refused by P: host-userns (linux.uidMappings 0:0:65536 maps host uid 0: "
	        "container root is host root), id-mappings (linux.uidMappings 0:0:65536: "
	        "host uids 0-65535) (from linux.uidMappings) are not allowed; "
	        "host-userns (linux.gidMappings 0:0:65536 maps host gid 0: container "
	        "root is host root), id-mappings (linux.gidMappings 0:0:65536: host "
	        "gids 0-65535) (from linux.gidMappings) are not allowed");
	assert_false(runs(plan, "allow id-mappings\n", NULL));
	assert_false(runs(plan, "allow host-userns\n", NULL));
	assert_true(runs(plan, "allow id-mappings\nallow host-userns\n", NULL));
	plan->ns.uid_map[0] = (struct ns_idmap){ 0, 200000, 65536 };
	plan->ns.gid_map[0] = (struct ns_idmap){ 0, 200000, 65536 };
	assert_string_equal(
	        refusal(plan, ""),
	        "refused by P: id-mappings (linux.uidMappings 0:200000:65536: host uids "
	        "200000-265535) (from linux.uidMappings) is not allowed; id-mappings "
	        "(linux.gidMappings 0:200000:65536: host gids 200000-265535) (from "
	        "linux.gidMappings) is not allowed");
	assert_true(runs(plan, "allow id-mappings\n", NULL));
	/* host.devices.access=admin keeps host identity: its grant is the host's /dev. */
	plan->rootfs.host_dev = true;
	plan->rootfs.host_dev_why = "host.devices.access=admin";
	assert_null(strstr(refusal(plan, ""), "id-mappings"));
	plan->rootfs.host_dev = false;
	/* Rootless: newuidmap (or the kernel) decides which ids the caller may map. */
	plan->ns.use_idmap_helpers = true;
	assert_true(runs(plan, "", NULL));
	ent_plan_free(plan);
}

/* C3 of the OCI review: mounts that are not binds, under a policy. */
static void test_oci_mount_types(void **state)
{
	/* clang-format off */
	static const struct { const char *fstype, *source, *target, *data, *why; } bad[] = {
		{ "ext4",    "/dev/vda", "/x",    NULL, "a filesystem type" },
		{ "overlay", "overlay",  "/x",    "lowerdir=/etc", "a filesystem type" },
		{ "binfmt_misc", "binfmt_misc", "/x", NULL, "a filesystem type" },
		{ "debugfs", "debugfs",  "/x",    NULL, "a filesystem type" },
		{ "proc",    "proc",     "/p",    NULL, "elsewhere than its place" },
		{ "sysfs",   "sysfs",    "/s",    NULL, "elsewhere than its place" },
		{ "tmpfs",   "/dev/vda", "/t",    "size=1m", "with a path as its source" },
		{ "cgroup",  "cgroup",   "/c",    "cpu", "without a cgroup namespace of its own" },
	};
	/* clang-format on */
	char want[ENT_ITEM_MAX + 200];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
		struct rootfs_mount m = { .source = bad[i].source,
			                  .target = bad[i].target,
			                  .fstype = bad[i].fstype,
			                  .data = bad[i].data };

		plan->ns.unshare[NS_CGROUP] = strcmp(bad[i].fstype, "cgroup") != 0;
		assert_int_equal(ent_plan_add_mount(plan, &m, "mounts[0]", &err), 0);
		snprintf(want, sizeof(want),
		         "mount %s %s on %s (%s) (from mounts[0]) is not allowed; allowed: tmpfs, "
		         "proc (at /proc), sysfs (at /sys), devpts, mqueue, cgroup, cgroup2, binds "
		         "of volumes",
		         bad[i].fstype, bad[i].source, bad[i].target, bad[i].why);
		if (!strstr(refusal(plan, "allow security.access=admin\n"), want))
			fail_msg("%s", refusal(plan, "allow security.access=admin\n"));
		assert_false(runs(plan, "allow security.access=admin\n", NULL));
		ent_plan_free(plan);
	}
	/* What ent-run's own plans mount passes (the allowed plans themselves). */
	for (int k = 0; k < 2; k++) {
		const char *ents[] = { k ? "host.devices.access=view" : "security.fs=read-only",
			               NULL };
		struct ent_plan *plan = compile(ents, NULL, NULL, NULL);
		char policy[64];

		snprintf(policy, sizeof(policy), "allow %s\n", ents[0]);
		assert_true(runs(plan, policy, NULL));
		ent_plan_free(plan);
	}
}

/* H1 of the OCI review: devices by type and numbers, device rules as grants. */
static void test_oci_device_numbers(void **state)
{
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct rootfs_spec *fs = &plan->rootfs;
	struct cgroup_spec *cg = &plan->cgroup;

	(void)state;
	fs->devices[fs->n_devices++] = (struct rootfs_device){ .path = "/dev/full",
		                                               .mknod = true,
		                                               .type = 'c',
		                                               .major = 1,
		                                               .minor = 7,
		                                               .why = "linux.devices[0]" };
	cg->devrules[cg->n_devrules++] = (struct cgroup_devrule){
		.allow = true, .type = 'c', .major = 136, .minor = -1, .access = "rwm", .why = "d"
	};
	assert_true(runs(plan, "", NULL));
	fs->devices[fs->n_devices - 1].major = 10;
	fs->devices[fs->n_devices - 1].minor = 229;
	assert_string_equal(refusal(plan, ""), "refused by P: device c 10:229 at /dev/full (from "
	                                       "linux.devices[0]) is not allowed");
	assert_true(runs(plan, "allow host.devices.access=admin\n", NULL));
	fs->n_devices--;
	cg->devrules[cg->n_devrules++] =
	        (struct cgroup_devrule){ .allow = true,
		                         .type = 'b',
		                         .major = 254,
		                         .minor = -1,
		                         .access = "rwm",
		                         .why = "linux.resources.devices[1]" };
	assert_string_equal(refusal(plan, ""), "refused by P: device rule allow b 254:* rwm (from "
	                                       "linux.resources.devices[1]) is not allowed");
	assert_true(runs(plan, "allow host.devices.access=admin\n", NULL));
	ent_plan_free(plan);
}

/* H2 of the OCI review: a namespace joined by path is a grant (allow join-namespace). */
static void test_oci_join_namespace(void **state)
{
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);

	(void)state;
	plan->ns.path[NS_NET] = "/proc/4242/ns/net";
	plan->ns.why[NS_NET] = "linux.namespaces";
	assert_string_equal(refusal(plan, ""), "refused by P: join-namespace /proc/4242/ns/net "
	                                       "(from linux.namespaces) is not allowed");
	assert_true(runs(plan, "allow join-namespace /proc\n", NULL));
	assert_false(runs(plan, "allow join-namespace /run/netns\n", NULL));
	plan->ns.path[NS_NET] = "/run/netns/cni-1";
	assert_true(runs(plan, "allow join-namespace /run/netns\n", NULL));
	assert_false(runs(plan, "allow join-namespace /run/net\n", NULL));
	expect_policy_error("allow join-namespace run\n",
	                    "policy /etc/ent-run/policy:1: 'allow join-namespace' needs a plain "
	                    "absolute path, got 'run'");
	ent_plan_free(plan);
}

/* H3 of the OCI review: actions that let the call run count as allowing it. */
static void test_oci_seccomp_let_through(void **state)
{
	static const unsigned actions[] = { LOCKDOWN_LOG, LOCKDOWN_TRACE };
	struct ent_plan *plan = compile(NULL, NULL, NULL, NULL);
	struct lockdown_rule *rule;

	(void)state;
	plan->lockdown.seccomp_why = "linux.seccomp";
	plan->lockdown.default_action = LOCKDOWN_LOG;
	assert_string_equal(refusal(plan, ""),
	                    "refused by P: every syscall the filter does not name (defaultAction "
	                    "SCMP_ACT_LOG) (from linux.seccomp) is not allowed");
	plan->lockdown.default_action = LOCKDOWN_ERRNO;
	rule = ent_lockdown_add_rule(&plan->lockdown, &err);
	assert_non_null(rule);
	*rule = (struct lockdown_rule){ .syscall = "unshare", .why = "linux.seccomp.syscalls[0]" };
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		plan->lockdown.rules[plan->lockdown.n_rules - 1].action = (uint8_t)actions[i];
		assert_string_equal(refusal(plan, ""), "refused by P: syscall unshare (from "
		                                       "linux.seccomp.syscalls[0]) is not allowed");
	}
	ent_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_grants),
		cmocka_unit_test(test_oci_idmaps),
		cmocka_unit_test(test_oci_mount_types),
		cmocka_unit_test(test_oci_join_namespace),
		cmocka_unit_test(test_oci_device_numbers),
		cmocka_unit_test(test_oci_seccomp_let_through),
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
		cmocka_unit_test(test_system_dirs),
		cmocka_unit_test(test_directories),
		cmocka_unit_test(test_subnet),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_ephemeral_limit),
		cmocka_unit_test(test_every_tmpfs_sized),
		cmocka_unit_test(test_policy_parse),
		cmocka_unit_test(test_policy_parse_options),
		cmocka_unit_test(test_profile_parse),
	};

	return cmocka_run_group_tests_name("ent_policy", tests, NULL, NULL);
}
