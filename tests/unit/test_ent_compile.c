/*
 * tests/unit/test_ent_compile.c - the plan compiler: the default plan is least privilege, each
 * catalogue row adds exactly its grants, the union and highest-level rules, alias plans equal
 * canonical ones, and the seccomp rules are well formed (libseccomp accepts every rule; for
 * any argument values at most one action applies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/explain.h"

#include <json-c/json.h>

#define ACT_NONE 0xff /* no rule matched: the filter's default action */

/*
 * A plan's stable dump (explain --format json: what a plan means, whatever the addresses of its
 * strings), whole or one section of it. The caller frees the text.
 */
static char *dump(const struct ent_plan *p, const char *section)
{
	struct rt_err err = { 0 };
	struct json_object *root, *part;
	char *buf = NULL, *text;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	assert_non_null(out);
	assert_int_equal(ent_explain_print(out, p, true, &err), 0);
	fclose(out);
	if (!section)
		return buf;
	root = json_tokener_parse(buf);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, section, &part));
	text = strdup(json_object_to_json_string(part));
	json_object_put(root);
	free(buf);
	return text;
}

/* Two plans dump the same (section, or all of it). */
static void assert_same_plan(const struct ent_plan *a, const struct ent_plan *b,
                             const char *section)
{
	char *x = dump(a, section), *y = dump(b, section);

	assert_string_equal(x, y);
	free(x);
	free(y);
}

static struct ent_plan *compile_v(const char *const *ents, struct rt_err *err)
{
	static char *argv[] = { "/bin/true", NULL };
	/* As root, with a subordinate range for the entitlements that need one. */
	struct ent_request req = {
		.argv = argv, .host = { .subuid = { 100000, 65536 }, .subgid = { 100000, 65536 } }
	};
	struct ent_plan *plan = ent_plan_new(err);

	assert_non_null(plan);
	for (; ents && *ents; ents++)
		req.entitlements[req.n_entitlements++] = *ents;
	if (ent_compile(&req, plan, err) < 0) {
		ent_plan_free(plan);
		return NULL;
	}
	return plan;
}

/* Compile the NULL-terminated entitlements, which must succeed. */
static struct ent_plan *compile_ok(const char *const *ents)
{
	struct rt_err err = { 0 };
	struct ent_plan *plan = compile_v(ents, &err);

	if (!plan)
		fail_msg("compile failed: %s", err.msg);
	return plan;
}

#define COMPILE(...) compile_ok((const char *const[]){ __VA_ARGS__, NULL })

static bool arg_matches(const struct lockdown_arg *a, const uint64_t *args)
{
	uint64_t v = args[a->index];

	switch (a->op) {
	case LOCKDOWN_CMP_NE:
		return v != a->value;
	case LOCKDOWN_CMP_LT:
		return v < a->value;
	case LOCKDOWN_CMP_LE:
		return v <= a->value;
	case LOCKDOWN_CMP_EQ:
		return v == a->value;
	case LOCKDOWN_CMP_GE:
		return v >= a->value;
	case LOCKDOWN_CMP_GT:
		return v > a->value;
	case LOCKDOWN_CMP_MASKED_EQ:
		return (v & a->value) == a->value2;
	}
	fail_msg("unknown comparison %d", a->op);
	return false;
}

/*
 * What the filter does for syscall(args): the action (and errno) of the matching rules, which
 * must agree, or ACT_NONE. Asserts the rules for a call never overlap with different actions.
 */
static int evaluate(const struct ent_plan *plan, const char *syscall, const uint64_t *args,
                    int *errnum)
{
	const struct lockdown_rule *hit = NULL;

	for (unsigned i = 0; i < plan->lockdown.n_rules; i++) {
		const struct lockdown_rule *r = &plan->lockdown.rules[i];
		bool match = !strcmp(r->syscall, syscall);

		for (unsigned j = 0; match && j < r->n_args; j++)
			match = arg_matches(&r->args[j], args);
		if (!match)
			continue;
		if (hit && (hit->action != r->action || hit->errnum != r->errnum))
			fail_msg("%s: rules %ld and %u overlap with different actions", syscall,
			         (long)(hit - plan->lockdown.rules), i);
		hit = r;
	}
	*errnum = hit ? hit->errnum : 0;
	return hit ? hit->action : ACT_NONE;
}

static void expect(const struct ent_plan *plan, const char *syscall, uint64_t a0, uint64_t a1,
                   uint64_t a2, int action, int errnum)
{
	const uint64_t args[6] = { a0, a1, a2, 0, 0, 0 };
	int got_errnum;
	int got = evaluate(plan, syscall, args, &got_errnum);

	if (got != action || (action == LOCKDOWN_ERRNO && got_errnum != errnum))
		fail_msg("%s(%#llx, %#llx, %#llx): action %d errno %d, expected %d errno %d",
		         syscall, (unsigned long long)a0, (unsigned long long)a1,
		         (unsigned long long)a2, got, got_errnum, action, errnum);
}

#define ALLOWED(p, sc, a0, a1, a2) expect(p, sc, a0, a1, a2, LOCKDOWN_ALLOW, 0)
#define EPERMED(p, sc, a0, a1, a2) expect(p, sc, a0, a1, a2, LOCKDOWN_ERRNO, EPERM)
#define NOSYS(p, sc, a0, a1, a2)   expect(p, sc, a0, a1, a2, LOCKDOWN_ERRNO, ENOSYS)
#define DEFAULTED(p, sc)           expect(p, sc, 0, 0, 0, ACT_NONE, 0)

/* Rule shape: one unconditional rule or only conditional ones, one condition per argument. */
static void check_rules(const struct ent_plan *plan)
{
	const struct lockdown_spec *ld = &plan->lockdown;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));

	assert_non_null(ctx);
	for (unsigned i = 0; i < ld->n_rules; i++) {
		const struct lockdown_rule *r = &ld->rules[i];
		struct scmp_arg_cmp cmp[ENT_MAX_ARGS];
		unsigned seen = 0;
		int nr = seccomp_syscall_resolve_name(r->syscall);

		assert_true(r->n_args <= ENT_MAX_ARGS);
		for (unsigned j = 0; j < r->n_args; j++) {
			assert_false(seen & (1u << r->args[j].index));
			seen |= 1u << r->args[j].index;
			cmp[j] = (struct scmp_arg_cmp){ r->args[j].index, SCMP_CMP_NE,
				                        r->args[j].value, r->args[j].value2 };
			cmp[j].op = r->args[j].op == LOCKDOWN_CMP_EQ          ? SCMP_CMP_EQ
			            : r->args[j].op == LOCKDOWN_CMP_MASKED_EQ ? SCMP_CMP_MASKED_EQ
			                                                      : SCMP_CMP_NE;
		}
		for (unsigned k = 0; k < ld->n_rules; k++) {
			if (k != i && !strcmp(ld->rules[k].syscall, r->syscall) &&
			    (r->n_args == 0 || ld->rules[k].n_args == 0))
				fail_msg("%s: an unconditional rule next to another", r->syscall);
		}
		/* Not a call of this architecture, or the default action itself (explicit for
		 * explain; libseccomp refuses it with EACCES, runtime/seccomp.c leaves it out). */
		if (nr < 0 || (r->action == ld->default_action && r->errnum == ld->default_errnum))
			continue;
		uint32_t act = r->action == LOCKDOWN_ALLOW ? SCMP_ACT_ALLOW
		                                           : SCMP_ACT_ERRNO((uint32_t)r->errnum);
		if (seccomp_rule_add_array(ctx, act, nr, r->n_args, cmp) != 0)
			fail_msg("libseccomp refuses rule %u for %s", i, r->syscall);
	}
	seccomp_release(ctx);
}

static bool has_path(const struct rootfs_path *list, unsigned n, const char *path, const char *why)
{
	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(list[i].path, path))
			return !why || !strcmp(list[i].why, why);
	}
	return false;
}

static const struct rootfs_mount *find_mount(const struct ent_plan *plan, const char *target)
{
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		if (!strcmp(plan->rootfs.mounts[i].target, target))
			return &plan->rootfs.mounts[i];
	}
	return NULL;
}

static void test_default_least_privilege(void **state)
{
	struct ent_plan *p = compile_ok(NULL);
	const struct lockdown_spec *ld = &p->lockdown;

	(void)state;
	assert_int_equal(ld->caps.bounding | ld->caps.permitted | ld->caps.effective |
	                         ld->caps.inheritable | ld->caps.ambient,
	                 0);
	for (int c = 0; c < ENT_MAX_CAPS; c++)
		assert_null(ld->cap_why[c]);
	assert_true(ld->no_new_privs);
	for (int k = 0; k < NS_COUNT; k++) {
		assert_true(p->ns.unshare[k]);
		assert_string_equal(p->ns.why[k], "default");
	}
	assert_int_equal(p->net.mode, NETCFG_LOOPBACK);
	assert_string_equal(p->net.why, "default");
	assert_false(p->rootfs.readonly);
	assert_false(p->rootfs.host_dev);
	assert_int_equal(ld->seccomp_mode, LOCKDOWN_SECCOMP_FILTER);
	assert_string_equal(ld->seccomp_ref, "runtime/default");
	assert_int_equal(ld->default_action, LOCKDOWN_ERRNO);
	assert_int_equal(ld->default_errnum, ENOSYS);
	assert_int_equal(p->n_grants, 0);
	/* The process cap is RLIMIT_NPROC: the container cannot change its uid. */
	assert_int_equal(p->cgroup.pids_max, 1024);
	assert_true(p->cgroup.pids_rlimit);
	assert_int_equal(p->proc.n_rlimits, 1);
	assert_int_equal(p->proc.rlimits[0].resource, RLIMIT_NPROC);
	assert_int_equal(p->proc.rlimits[0].hard, 1024);
	/* The minimal /dev, and no device cgroup: under its own ids nothing else opens. */
	assert_int_equal(p->rootfs.n_devices, 6);
	assert_int_equal(p->cgroup.n_devrules, 0);
	assert_true(has_path(p->rootfs.masked, p->rootfs.n_masked, "/sys/bus", "default"));
	assert_false(has_path(p->rootfs.masked, p->rootfs.n_masked, "/sys/class/net", NULL));
	check_rules(p);
	ent_plan_free(p);
}

static void test_default_syscalls(void **state)
{
	struct ent_plan *p = compile_ok(NULL);

	(void)state;
	ALLOWED(p, "read", 0, 0, 0);
	ALLOWED(p, "execve", 0, 0, 0);
	ALLOWED(p, "ptrace", 0, 0, 0); /* DESIGN.md: debuggers work under confined */
	ALLOWED(p, "socket", AF_INET, SOCK_STREAM, 0);
	/* Host-VM sockets (not confined by a network namespace) and the kernel crypto API. */
	EPERMED(p, "socket", AF_VSOCK, SOCK_STREAM, 0);
	EPERMED(p, "socket", AF_ALG, SOCK_SEQPACKET, 0);
	EPERMED(p, "socket", AF_VSOCK | (1ull << 32), SOCK_STREAM, 0); /* the kernel reads an int */
	/* SO_DEBUG is blocked at every level, so that each level includes the one below. */
	EPERMED(p, "setsockopt", 3, SOL_SOCKET, SO_DEBUG);
	ALLOWED(p, "setsockopt", 3, SOL_SOCKET, SO_REUSEADDR);
	/* The kernel reads level and optname as int: setting the upper bits must not help. */
	EPERMED(p, "setsockopt", 3, SOL_SOCKET | (1ull << 32), SO_DEBUG);
	EPERMED(p, "setsockopt", 3, SOL_SOCKET, SO_DEBUG | (1ull << 32));
	ALLOWED(p, "setsockopt", 3, SOL_SOCKET | (1ull << 32), SO_REUSEADDR);
	EPERMED(p, "mount", 0, 0, 0);
	EPERMED(p, "bpf", 0, 0, 0);
	EPERMED(p, "keyctl", 0, 0, 0);
	EPERMED(p, "init_module", 0, 0, 0);
	EPERMED(p, "setns", 0, 0, 0);
	EPERMED(p, "mlock", 0, 0, 0);
	EPERMED(p, "io_uring_setup", 0, 0, 0);
	EPERMED(p, "chroot", 0, 0, 0);
	NOSYS(p, "clone3", 0, 0, 0);
	DEFAULTED(p, "nfsservctl");
	DEFAULTED(p, "mbind");
	/* clone: threads and forks yes, namespaces no. */
	ALLOWED(p, "clone", CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, 0, 0);
	ALLOWED(p, "clone", 17 /* SIGCHLD: fork */, 0, 0);
	EPERMED(p, "clone", CLONE_NEWUSER | 17, 0, 0);
	EPERMED(p, "clone", CLONE_NEWNET | CLONE_NEWPID, 0, 0);
	ALLOWED(p, "unshare", CLONE_FILES, 0, 0);
	EPERMED(p, "unshare", CLONE_NEWNS, 0, 0);
	EPERMED(p, "unshare", CLONE_NEWTIME, 0, 0);
	/* personality: the harmless values; ADDR_NO_RANDOMIZE (0x40000) is not one. */
	ALLOWED(p, "personality", 0, 0, 0);
	ALLOWED(p, "personality", 0xffffffff, 0, 0);
	expect(p, "personality", 0x40000, 0, 0, ACT_NONE, 0);
	ent_plan_free(p);
}

/* ioctl: TIOCSTI/TIOCLINUX denied whatever the upper 32 bits; every other request allowed. */
static void test_ioctl_filter(void **state)
{
	struct ent_plan *p = compile_ok(NULL);
	static const uint64_t others[] = {
		0,
		1,
		0x5401 /* TCGETS */,
		0x5413 /* TIOCGWINSZ */,
		0x541b /* FIONREAD */,
		0x5411,
		0x5410,
		0x541d,
		0x5416,
		0x80045430,
		0xffffffff80045430ull,
		0xc0045406,
		0xffffffff,
		0xffffffffffffffffull,
		0x100005413ull,
	};

	(void)state;
	EPERMED(p, "ioctl", 0, TIOCSTI, 0);
	EPERMED(p, "ioctl", 0, TIOCLINUX, 0);
	EPERMED(p, "ioctl", 0, 0x100000000ull | TIOCSTI, 0);
	EPERMED(p, "ioctl", 0, 0xffffffff00000000ull | TIOCLINUX, 0);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ALLOWED(p, "ioctl", 0, others[i], 0);
	for (uint64_t v = 0x5300; v < 0x5600; v++) {
		if (v != TIOCSTI && v != TIOCLINUX)
			ALLOWED(p, "ioctl", 1, v, 0);
	}
	for (int bit = 0; bit < 64; bit++)
		ALLOWED(p, "ioctl", 1, UINT64_C(1) << bit, 0);
	ent_plan_free(p);
}

static void check_caps(const struct ent_plan *p, const char *const *names, bool all,
                       const char *why)
{
	uint64_t want = 0;
	cap_value_t cap;

	for (; names && *names; names++) {
		assert_int_equal(cap_from_name(*names, &cap), 0);
		want |= UINT64_C(1) << cap;
	}
	if (all)
		want = (CAP_LAST_CAP >= 63) ? ~UINT64_C(0)
		                            : (UINT64_C(1) << (CAP_LAST_CAP + 1)) - 1;
	assert_true(p->lockdown.caps.bounding == want);
	assert_true(p->lockdown.caps.permitted == want);
	assert_true(p->lockdown.caps.effective == want);
	assert_true(p->lockdown.caps.inheritable == want);
	assert_true(p->lockdown.caps.ambient == want);
	for (int c = 0; c < ENT_MAX_CAPS; c++)
		assert_string_equal(p->lockdown.cap_why[c] ? p->lockdown.cap_why[c] : "",
		                    (want >> c) & 1 ? why : "");
}

/* How many rlimits of this resource the plan sets. */
static unsigned count_rlimits(const struct ent_plan *p, int resource)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->proc.n_rlimits; i++)
		n += p->proc.rlimits[i].resource == resource;
	return n;
}

/* Every row alone: its grants are in the plan, with its name as the why. */
static void test_each_row(void **state)
{
	(void)state;
	for (size_t i = 0; i < ent_n_entries; i++) {
		const struct ent_entry *row = &ent_entries[i];
		char name[128];
		struct ent_plan *p;

		if (row->kind == ENT_KIND_PATH)
			snprintf(name, sizeof(name), "%s=/dev/kvm", row->key);
		else
			ent_entry_name(row, name, sizeof(name));
		p = COMPILE(name);
		assert_int_equal(p->n_grants, 1);
		assert_string_equal(p->grants[0].text, name);
		assert_string_equal(p->grants[0].from, "--entitle");
		check_caps(p, row->caps, row->all_caps, name);
		assert_true(p->lockdown.no_new_privs);
		for (int k = 0; k < NS_COUNT; k++) {
			bool shared = row->ns_share & (1u << k);

			assert_int_equal(p->ns.unshare[k], !shared);
			assert_string_equal(p->ns.why[k], shared ? name : "default");
		}
		if (row->net >= 0) {
			assert_int_equal(p->net.mode, row->net);
			assert_string_equal(p->net.why, name);
		} else {
			assert_int_equal(p->net.mode, NETCFG_LOOPBACK);
		}
		for (const char *const *m = row->masked; m && *m; m++)
			assert_true(has_path(p->rootfs.masked, p->rootfs.n_masked, *m, name));
		assert_int_equal(p->rootfs.readonly, row->rootfs_readonly);
		assert_int_equal(p->rootfs.host_dev, row->host_dev);
		assert_int_equal(count_rlimits(p, RLIMIT_MEMLOCK), row->memlock_rlimit);
		/* The pids cap is RLIMIT_NPROC unless the row lets the container change its uid. */
		assert_int_equal(count_rlimits(p, RLIMIT_NPROC),
		                 !(p->lockdown.caps.bounding & (UINT64_C(1) << CAP_SETUID)));
		assert_int_equal(p->cgroup.pids_rlimit, count_rlimits(p, RLIMIT_NPROC));
		for (int g = 0; g < SCG_COUNT; g++) {
			for (const char *const *s = ent_sc_groups[g].syscalls;
			     (row->sc_allow >> g) & 1 && *s; s++)
				ALLOWED(p, *s, 0, 0, 0);
		}
		check_rules(p);
		ent_plan_free(p);
	}
}

static void test_network_rows(void **state)
{
	struct ent_plan *p = COMPILE("network.access=none");

	(void)state;
	ALLOWED(p, "socket", AF_UNIX, SOCK_STREAM, 0);
	EPERMED(p, "socket", AF_INET, SOCK_STREAM, 0);
	EPERMED(p, "socket", AF_NETLINK, SOCK_RAW, 0);
	EPERMED(p, "socket", 0x100000000ull | AF_UNIX, 0, 0);
	DEFAULTED(p, "socketcall");
	assert_true(has_path(p->rootfs.masked, p->rootfs.n_masked, "/proc/sys/net", NULL));
	assert_true(has_path(p->rootfs.masked, p->rootfs.n_masked, "/sys/class/net", NULL));
	assert_string_equal(p->net.subnet, "");
	ent_plan_free(p);

	p = COMPILE("network.access=proxy");
	EPERMED(p, "setsockopt", 3, SOL_SOCKET, SO_DEBUG);
	ALLOWED(p, "setsockopt", 3, SOL_SOCKET, SO_REUSEADDR);
	ALLOWED(p, "setsockopt", 3, 6 /* IPPROTO_TCP */, SO_DEBUG);
	ALLOWED(p, "socket", AF_INET, SOCK_RAW, 0);
	assert_string_equal(p->net.subnet, "10.88.0.0/16");
	assert_false(p->net.subnet_given); /* the default pool: host-used blocks are skipped */
	ent_plan_free(p);

	p = COMPILE("network.access=host");
	assert_false(p->ns.unshare[NS_NET]);
	assert_string_equal(find_mount(p, "/sys")->fstype, "bind");
	assert_true(find_mount(p, "/sys")->flags & MS_RDONLY);
	ent_plan_free(p);
}

/* A pool named by --subnet is the user's choice: overlapping the host is then an error. */
static void test_subnet_given(void **state)
{
	static char *argv[] = { "/bin/true", NULL };
	struct ent_request req = { .argv = argv, .subnet = "10.77.0.0/24" };
	struct rt_err err = { 0 };
	struct ent_plan *p = ent_plan_new(&err);

	(void)state;
	req.entitlements[req.n_entitlements++] = "network.access=user";
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_string_equal(p->net.subnet, "10.77.0.0/24");
	assert_true(p->net.subnet_given);
	ent_plan_free(p);
}

static void test_security_rows(void **state)
{
	struct ent_plan *p = COMPILE("security.access=admin");

	(void)state;
	ALLOWED(p, "clone", CLONE_NEWUSER | CLONE_NEWNS, 0, 0);
	ALLOWED(p, "unshare", CLONE_NEWNET, 0, 0);
	ALLOWED(p, "clone3", 0, 0, 0);
	ALLOWED(p, "mount", 0, 0, 0);
	ALLOWED(p, "setns", 0, 0, 0);
	ALLOWED(p, "personality", 0x40000, 0, 0);
	ALLOWED(p, "mlock", 0, 0, 0);
	EPERMED(p, "ioctl", 0, TIOCSTI, 0); /* never: it types into the caller's terminal */
	EPERMED(p, "init_module", 0, 0, 0); /* never: the host kernel */
	EPERMED(p, "iopl", 0, 0, 0);        /* host.devices.access=admin */
	ent_plan_free(p);

	p = COMPILE("security.access=user");
	ALLOWED(p, "chroot", 0, 0, 0);
	EPERMED(p, "mount", 0, 0, 0);
	EPERMED(p, "clone", CLONE_NEWUSER, 0, 0);
	ent_plan_free(p);

	p = COMPILE("security.fs=read-only");
	assert_true(p->rootfs.readonly);
	assert_string_equal(p->rootfs.readonly_why, "security.fs=read-only");
	assert_string_equal(find_mount(p, "/tmp")->fstype, "tmpfs");
	assert_string_equal(find_mount(p, "/run")->fstype, "tmpfs");
	ent_plan_free(p);

	p = COMPILE("security.memory-lock");
	ALLOWED(p, "mlockall", 0, 0, 0);
	assert_int_equal(p->proc.rlimits[0].resource, RLIMIT_MEMLOCK);
	assert_true(p->proc.rlimits[0].soft == RLIM_INFINITY);
	assert_true(p->proc.rlimits[0].hard == RLIM_INFINITY);
	assert_string_equal(p->proc.rlimits[0].why, "security.memory-lock");
	EPERMED(p, "mount", 0, 0, 0);
	ent_plan_free(p);
}

static void test_host_rows(void **state)
{
	struct ent_plan *p = COMPILE("host.devices.access=admin");
	const struct cgroup_devrule *last;

	(void)state;
	last = &p->cgroup.devrules[p->cgroup.n_devrules - 1];
	assert_true(last->allow);
	assert_int_equal(last->type, 'a');
	assert_string_equal(last->access, "rwm");
	assert_string_equal(last->why, "host.devices.access=admin");
	assert_string_equal(find_mount(p, "/dev")->fstype, "bind");
	assert_string_equal(p->rootfs.host_dev_why, "host.devices.access=admin");
	ALLOWED(p, "iopl", 3, 0, 0);
	assert_false(has_path(p->rootfs.masked, p->rootfs.n_masked, "/sys/bus", NULL));
	ent_plan_free(p);

	p = COMPILE("host.devices.access=view");
	assert_false(has_path(p->rootfs.masked, p->rootfs.n_masked, "/sys/bus", NULL));
	assert_false(has_path(p->rootfs.masked, p->rootfs.n_masked, "/sys/block", NULL));
	assert_int_equal(find_mount(p, "/sys")->flags & MS_RDONLY, MS_RDONLY);
	ent_plan_free(p);

	p = COMPILE("host.devices.allow=/dev/kvm", "host.devices.allow=/dev/fuse",
	            "host.devices.allow=/dev/kvm");
	assert_int_equal(p->rootfs.n_devices, 8);
	assert_string_equal(p->rootfs.devices[6].path, "/dev/kvm");
	assert_string_equal(p->rootfs.devices[6].why, "host.devices.allow=/dev/kvm");
	assert_string_equal(p->rootfs.devices[7].path, "/dev/fuse");
	assert_int_equal(p->n_grants, 2);
	ent_plan_free(p);

	p = COMPILE("host.processes.access=admin");
	assert_false(p->ns.unshare[NS_PID]);
	assert_string_equal(p->ns.why[NS_PID], "host.processes.access=admin");
	assert_string_equal(find_mount(p, "/proc")->fstype, "bind");
	assert_string_equal(find_mount(p, "/proc")->source, "/proc");
	ent_plan_free(p);
}

/* Union across domains; in one domain the highest level wins, in either order. */
static void test_union_and_highest(void **state)
{
	struct ent_plan *a = COMPILE("network.access=none", "network.access=proxy");
	struct ent_plan *b = COMPILE("network.access=proxy", "network.access=none");
	struct ent_plan *c;

	(void)state;
	assert_int_equal(a->net.mode, NETCFG_PROXY);
	assert_string_equal(a->net.why, "network.access=proxy");
	assert_same_plan(a, b, "capabilities");
	assert_same_plan(a, b, "seccomp");
	assert_false(has_path(a->rootfs.masked, a->rootfs.n_masked, "/proc/sys/net", NULL));
	assert_int_equal(a->n_grants, 2);
	ent_plan_free(a);
	ent_plan_free(b);

	a = COMPILE("security.access=user", "network.access=proxy", "security.memory-lock");
	c = COMPILE("security.access=user");
	b = COMPILE("network.access=proxy");
	assert_true(
	        a->lockdown.caps.bounding ==
	        (b->lockdown.caps.bounding | c->lockdown.caps.bounding | (1ull << CAP_IPC_LOCK)));
	assert_string_equal(a->lockdown.cap_why[CAP_NET_RAW], "network.access=proxy");
	assert_string_equal(a->lockdown.cap_why[CAP_CHOWN], "security.access=user");
	assert_string_equal(a->lockdown.cap_why[CAP_IPC_LOCK], "security.memory-lock");
	ALLOWED(a, "chroot", 0, 0, 0);
	EPERMED(a, "setsockopt", 1, SOL_SOCKET, SO_DEBUG);
	ent_plan_free(a);
	ent_plan_free(b);
	ent_plan_free(c);

	a = COMPILE("security.access=admin", "security.access=viewer");
	assert_string_equal(a->lockdown.cap_why[CAP_SYS_ADMIN], "security.access=admin");
	ALLOWED(a, "mount", 0, 0, 0);
	ent_plan_free(a);

	/* The same entitlement twice, by alias and by name, is one grant. */
	a = COMPILE("network.proxy", "network.access=proxy", "security.memory-lock",
	            "security.memory-lock");
	assert_int_equal(a->n_grants, 2);
	ent_plan_free(a);
}

/* An alias and its canonical name compile to byte-identical security settings. */
static void test_alias_plans_identical(void **state)
{
	(void)state;
	for (size_t i = 0; i < ent_n_aliases; i++) {
		const struct ent_alias *al = &ent_aliases[i];
		char name[128];
		struct ent_plan *a, *b;

		if (al->value)
			snprintf(name, sizeof(name), "%s=%s", al->key, al->value);
		else
			snprintf(name, sizeof(name), "%s", al->key);
		a = COMPILE(al->alias);
		b = COMPILE(name);
		assert_same_plan(a, b, NULL);
		ent_plan_free(a);
		ent_plan_free(b);
	}
}

/* Every admin level at once (the "privileged" profile) is still well formed. */
static void test_everything(void **state)
{
	struct ent_plan *p =
	        COMPILE("network.access=admin", "security.access=admin", "security.fs=read-only",
	                "security.memory-lock", "host.devices.access=admin",
	                "host.processes.access=admin", "host.devices.allow=/dev/kvm");

	(void)state;
	check_rules(p);
	assert_true(p->rootfs.host_dev);
	assert_int_equal(p->rootfs.n_devices, 0);
	assert_true(p->lockdown.no_new_privs);
	assert_int_equal(p->n_grants, 7);
	ent_plan_free(p);
}

static void test_compile_errors(void **state)
{
	static char *argv[] = { "/bin/true", NULL };
	struct ent_request req = { .argv = argv };
	struct rt_err err = { 0 };
	struct ent_plan *p;

	(void)state;
	assert_null(compile_v((const char *const[]){ "network.access=proxi", NULL }, &err));
	assert_string_equal(err.msg, "entitlements: unknown value 'proxi' for network.access "
	                             "(expected: none, confined, user, proxy, admin, host)");

	p = ent_plan_new(&err);
	req.n_publish = 1;
	req.publish[0] = (struct netcfg_publish){ .host_port = 8080, .port = 80 };
	assert_int_equal(ent_compile(&req, p, &err), -1);
	assert_string_equal(err.msg, "entitlements: --publish needs network.access=proxy or admin "
	                             "(have network.access=confined)");
	ent_plan_free(p);

	p = ent_plan_new(&err);
	req.entitlements[req.n_entitlements++] = "network.proxy";
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_int_equal(p->net.n_publish, 1);
	ent_plan_free(p);

	p = ent_plan_new(&err);
	req.seccomp_ref = "unconfined";
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_int_equal(p->lockdown.seccomp_mode, LOCKDOWN_SECCOMP_UNCONFINED);
	assert_string_equal(p->lockdown.seccomp_ref, "unconfined");
	ent_plan_free(p);
}

/* A volume or tmpfs may cover what is beneath /dev, /proc and /sys, not those themselves. */
static void test_cover_kernel_fs(void **state)
{
	static char *argv[] = { "/bin/true", NULL };
	struct rt_err err = { 0 };
	struct ent_plan *p;

	(void)state;
	for (int tmpfs = 0; tmpfs <= 1; tmpfs++) {
		static const char *const targets[] = { "/dev", "/proc", "/sys" };

		for (unsigned i = 0; i < 3; i++) {
			struct ent_request req = { .argv = argv };
			char want[160];

			if (tmpfs) {
				req.tmpfs[req.n_tmpfs++] = targets[i];
			} else {
				req.volumes[req.n_volumes++] =
				        (struct ent_volume){ .source = "/srv" };
				strcpy(req.volumes[0].target, targets[i]);
			}
			p = ent_plan_new(&err);
			assert_int_equal(ent_compile(&req, p, &err), -1);
			snprintf(want, sizeof(want),
			         "entitlements: %s onto %s: the container's %s is ent-run's own (a "
			         "mount beneath it may cover part of it)",
			         tmpfs ? "--tmpfs" : "--volume", targets[i], targets[i]);
			assert_string_equal(err.msg, want);
			ent_plan_free(p);
		}
	}
	{
		struct ent_request req = { .argv = argv };

		req.tmpfs[req.n_tmpfs++] = "/dev/shm";
		req.volumes[req.n_volumes++] =
		        (struct ent_volume){ .source = "/srv", .target = "/dev/data" };
		p = ent_plan_new(&err);
		assert_int_equal(ent_compile(&req, p, &err), 0);
		ent_plan_free(p);
	}
}

/* Root's container moves to its subordinate range when it could mount or signal host processes. */
/* As root, every container has a range of its own, except with raw host devices. */
static void test_root_range(void **state)
{
	static const char *const own[] = {
		"security.access=admin", "host.processes.access=admin", "network.access=host",
		"security.access=user",  "host.devices.allow=/dev/kvm", NULL
	};
	static char *argv[] = { "/bin/true", NULL };
	struct ent_request req = { .argv = argv };
	struct rt_err err = { 0 };
	struct ent_plan *p = ent_plan_new(&err);

	(void)state;
	/* The default: a leased block (outside ids filled at start), idmapped rootfs and volumes.
	 */
	req.volumes[req.n_volumes++] = (struct ent_volume){ .source = "/srv", .target = "/srv" };
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_true(p->ns.own_range);
	assert_int_equal(p->ns.n_uid_map, 1);
	assert_int_equal(p->ns.uid_map[0].inside, 0);
	assert_int_equal(p->ns.uid_map[0].outside, 0);
	assert_int_equal(p->ns.uid_map[0].count, 65536);
	assert_int_equal(p->ns.gid_map[0].count, 65536);
	assert_string_equal(p->ns.idmap_why, "default");
	assert_true(p->rootfs.idmap);
	assert_true(p->rootfs.mounts[p->rootfs.n_mounts - 1].idmap);
	for (unsigned i = 0; i < p->rootfs.n_devices; i++)
		assert_false(p->rootfs.devices[i].idmap); /* the minimal /dev: world-usable nodes */
	ent_plan_free(p);
	for (const char *const *e = own; *e; e++) {
		req.entitlements[0] = *e;
		req.n_entitlements = 1;
		p = ent_plan_new(&err);
		assert_int_equal(ent_compile(&req, p, &err), 0);
		assert_true(p->ns.own_range);
		assert_true(p->rootfs.idmap);
		assert_string_equal(p->ns.idmap_why, "default");
		ent_plan_free(p);
	}
	/* host.devices.allow: the node is an idmapped copy, so container root owns it. */
	req.entitlements[0] = "host.devices.allow=/dev/kvm";
	p = ent_plan_new(&err);
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_string_equal(p->rootfs.devices[p->rootfs.n_devices - 1].path, "/dev/kvm");
	assert_true(p->rootfs.devices[p->rootfs.n_devices - 1].idmap);
	ent_plan_free(p);
	/* Raw host devices keep host identity: the host's own 0-65535, nothing idmapped. */
	req.entitlements[0] = "host.devices.access=admin";
	p = ent_plan_new(&err);
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_false(p->ns.own_range);
	assert_false(p->rootfs.idmap);
	assert_false(p->rootfs.mounts[p->rootfs.n_mounts - 1].idmap);
	assert_int_equal(p->ns.uid_map[0].outside, 0);
	assert_int_equal(p->ns.uid_map[0].count, 65536);
	assert_string_equal(p->ns.idmap_why, "host.devices.access=admin");
	ent_plan_free(p);
	/* Rootless: the caller is root inside, nothing leased or idmapped. */
	req.host.uid = req.host.gid = 1000;
	req.entitlements[0] = "security.access=admin";
	p = ent_plan_new(&err);
	assert_int_equal(ent_compile(&req, p, &err), 0);
	assert_false(p->ns.own_range);
	assert_false(p->rootfs.idmap);
	assert_int_equal(p->ns.uid_map[0].outside, 1000);
	assert_int_equal(p->ns.uid_map[0].count, 1);
	ent_plan_free(p);
}

/* The CI options in the plan: the overlay, the timeout, what wants a cgroup and why. */
static void test_ci_plan(void **state)
{
	static char *argv[] = { "/bin/true", NULL };
	struct ent_request req = { .argv = argv, .ephemeral = true, .timeout_ms = 30000 };
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);

	(void)state;
	assert_int_equal(ent_compile(&req, plan, &err), 0);
	assert_true(plan->rootfs.ephemeral.enabled && plan->rootfs.ephemeral.upper);
	assert_int_equal(plan->rootfs.ephemeral.size_bytes, ENT_EPHEMERAL_DEFAULT);
	assert_string_equal(plan->rootfs.ephemeral.why, "--ephemeral");
	assert_int_equal(plan->proc.timeout_ms, 30000);
	assert_int_equal(plan->proc.kill_after_ms, ENT_KILL_AFTER_DEFAULT);
	/* Its own PID namespace: PID 1's death ends every process, no cgroup needed. */
	assert_false(plan->cgroup.track);
	assert_true(plan->cgroup.pids_rlimit);
	ent_plan_free(plan);

	/* The host's PID namespace: a cgroup tracks the processes to kill at the timeout. */
	req.entitlements[0] = "host.processes.access=admin";
	req.n_entitlements = 1;
	req.kill_after_ms = 1500;
	req.stats = true;
	plan = ent_plan_new(&err);
	assert_int_equal(ent_compile(&req, plan, &err), 0);
	assert_true(plan->cgroup.track);
	assert_string_equal(plan->cgroup.track_why, "--timeout");
	assert_int_equal(plan->proc.kill_after_ms, 1500);
	/* --stats: a pids cgroup exists anyway, so the cap is there, not RLIMIT_NPROC. */
	assert_true(plan->cgroup.stats);
	assert_false(plan->cgroup.pids_rlimit);
	for (unsigned i = 0; i < plan->proc.n_rlimits; i++)
		assert_int_not_equal(plan->proc.rlimits[i].resource, RLIMIT_NPROC);
	ent_plan_free(plan);
}

/*
 * A rule's conditions stay its own and in order wherever they live in the pool: the rule
 * added last grows in place, an older one moves its conditions to the end, and a copy that
 * starts afresh shares nothing with the rule it was copied from.
 */
static void test_rule_conditions(void **state)
{
	struct lockdown_spec ld = { 0 };
	struct rt_err err = { 0 };
	struct lockdown_rule *a, *b, *copy;

	(void)state;
	a = ent_lockdown_add_rule(&ld, &err);
	assert_non_null(a);
	a->syscall = "a";
	for (uint8_t i = 0; i < 2; i++)
		assert_int_equal(
		        ent_lockdown_add_arg(
		                &ld, a, (struct lockdown_arg){ i, LOCKDOWN_CMP_EQ, i, 0 }, &err),
		        0);
	b = ent_lockdown_add_rule(&ld, &err);
	assert_non_null(b);
	b->syscall = "b";
	assert_int_equal(ent_lockdown_add_arg(
	                         &ld, b, (struct lockdown_arg){ 0, LOCKDOWN_CMP_NE, 9, 0 }, &err),
	                 0);
	assert_int_equal(ent_lockdown_add_arg(
	                         &ld, a, (struct lockdown_arg){ 2, LOCKDOWN_CMP_EQ, 2, 0 }, &err),
	                 0);
	assert_int_equal(a->n_args, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_true(a->args[i].index == i && a->args[i].value == i);
	assert_int_equal(b->n_args, 1);
	assert_true(b->args[0].op == LOCKDOWN_CMP_NE && b->args[0].value == 9);
	copy = ent_lockdown_add_rule(&ld, &err);
	assert_non_null(copy);
	assert_int_equal(ent_lockdown_copy_rule(&ld, copy, b, &err), 0);
	assert_int_equal(ent_lockdown_add_arg(&ld, copy,
	                                      (struct lockdown_arg){ 1, LOCKDOWN_CMP_EQ, 0, 0 },
	                                      &err),
	                 0);
	assert_int_equal(b->n_args, 1);
	assert_ptr_not_equal(copy->args, b->args);
	assert_true(copy->n_args == 2 && copy->args[0].value == 9 && copy->args[1].index == 1);
	for (unsigned i = 3; i < ENT_MAX_ARGS; i++)
		assert_int_equal(ent_lockdown_add_arg(
		                         &ld, a,
		                         (struct lockdown_arg){ (uint8_t)i, LOCKDOWN_CMP_EQ, i, 0 },
		                         &err),
		                 0);
	assert_int_equal(ent_lockdown_add_arg(&ld, a, (struct lockdown_arg){ 0 }, &err), -1);
	assert_non_null(strstr(err.msg, "more than 6 conditions"));
	ent_lockdown_free(&ld);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_conditions),
		cmocka_unit_test(test_root_range),
		cmocka_unit_test(test_default_least_privilege),
		cmocka_unit_test(test_default_syscalls),
		cmocka_unit_test(test_ioctl_filter),
		cmocka_unit_test(test_each_row),
		cmocka_unit_test(test_network_rows),
		cmocka_unit_test(test_subnet_given),
		cmocka_unit_test(test_security_rows),
		cmocka_unit_test(test_host_rows),
		cmocka_unit_test(test_union_and_highest),
		cmocka_unit_test(test_alias_plans_identical),
		cmocka_unit_test(test_everything),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_cover_kernel_fs),
		cmocka_unit_test(test_ci_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
