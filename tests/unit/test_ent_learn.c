/*
 * tests/unit/test_ent_learn.c - ent-run learn's pure part: the learning filter answers every
 * call exactly as the filter without learning (never more), what a stopped call or a refused
 * capability check needs, the least entitlements for a set of needs (the mapping:
 * raw socket or port 80 -> network.access=proxy, connect out -> network.access=user, chown ->
 * security.access=user, mount -> security.access=admin, mlock -> security.memory-lock,
 * CAP_DAC_OVERRIDE -> security.access=user), and the report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/socket.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/learn_internal.h"

static char *test_argv[] = { "/bin/true", NULL };

/* A request as root, with the entitlements ents (NULL-terminated). */
static void request(struct ent_request *req, const char *const *ents)
{
	memset(req, 0, sizeof(*req));
	req->argv = test_argv;
	req->host.subuid = (struct ent_idrange){ 100000, 65536 };
	req->host.subgid = (struct ent_idrange){ 100000, 65536 };
	for (; ents && *ents; ents++)
		req->entitlements[req->n_entitlements++] = *ents;
}

static struct ent_plan *compile(const char *const *ents, bool learn, bool caps)
{
	struct ent_request *req = calloc(1, sizeof(*req));
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);

	assert_non_null(req);
	assert_non_null(plan);
	request(req, ents);
	req->learn = learn;
	req->learn_caps = caps;
	if (ent_compile(req, plan, &err) < 0)
		fail_msg("compile: %s", err.msg);
	free(req);
	return plan;
}

/* ---------------------------------------------------------------- the learning filter */

/* What a filter does with a call: action and errno, NOTIFY read as its answer. */
static void verdict(const struct lockdown_spec *ld, const char *syscall, const uint64_t *args,
                    int *action, int *errnum)
{
	const struct lockdown_rule *r = ent_lockdown_match(ld, syscall, args);

	*action = r ? r->action : ld->default_action;
	*errnum = r ? r->errnum : ld->default_errnum;
	if (*action == LOCKDOWN_NOTIFY) {
		*action = *errnum ? LOCKDOWN_ERRNO : LOCKDOWN_ALLOW;
		if (!*errnum)
			*errnum = 0;
	}
	if (*action == LOCKDOWN_ALLOW)
		*errnum = 0;
}

/* Argument values that exercise the rules: each rule's own values, and their neighbours. */
static void args_for(const struct lockdown_rule *r, unsigned variant, uint64_t *args)
{
	memset(args, 0, ENT_MAX_ARGS * sizeof(*args));
	for (unsigned k = 0; k < r->n_args; k++) {
		const struct lockdown_arg *a = &r->args[k];
		uint64_t v = a->op == LOCKDOWN_CMP_MASKED_EQ ? a->value2 : a->value;

		switch (variant % 4) {
		case 0:
			args[a->index] = v;
			break;
		case 1:
			args[a->index] = v + 1;
			break;
		case 2:
			args[a->index] = v | (UINT64_C(1) << (variant % 64));
			break;
		default:
			args[a->index] = v ^ UINT64_C(0xffffffff00000000);
			break;
		}
	}
}

/*
 * For every rule's call, many argument values: the learning variant's answer is the normal
 * filter's verdict, for every entitlement set of a few, with and without capability checks.
 */
static void test_filter_answers_as_without_learning(void **state)
{
	static const char *const sets[][4] = {
		{ NULL },
		{ "network.access=none", NULL },
		{ "network.access=proxy", "security.access=user", NULL },
		{ "security.access=admin", "security.memory-lock", NULL },
	};

	(void)state;
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		for (int caps = 0; caps < 2; caps++) {
			struct ent_plan *normal = compile(sets[s], false, false);
			struct ent_plan *learn = compile(sets[s], true, caps);

			for (unsigned i = 0; i < learn->lockdown.n_rules; i++) {
				const struct lockdown_rule *r = &learn->lockdown.rules[i];

				for (unsigned v = 0; v < 16; v++) {
					uint64_t args[ENT_MAX_ARGS];
					int a1, e1, a2, e2;

					args_for(r, v, args);
					verdict(&normal->lockdown, r->syscall, args, &a1, &e1);
					verdict(&learn->lockdown, r->syscall, args, &a2, &e2);
					if (a1 != a2 || e1 != e2)
						fail_msg("%s (rule %u, variant %u): %d/%d without "
						         "learning, %d/%d learning",
						         r->syscall, i, v, a1, e1, a2, e2);
				}
			}
			ent_plan_free(normal);
			ent_plan_free(learn);
		}
	}
}

static const struct lockdown_rule *rule_for(const struct ent_plan *p, const char *syscall,
                                            const uint64_t *args)
{
	static const uint64_t none[ENT_MAX_ARGS];

	return ent_lockdown_match(&p->lockdown, syscall, args ? args : none);
}

/* Denied calls notify and answer EPERM; ENOSYS ones stay; watched allowed calls notify. */
static void test_filter_shape(void **state)
{
	struct ent_plan *p = compile(NULL, true, false);
	struct ent_plan *c = compile(NULL, true, true);
	uint64_t with_addr[ENT_MAX_ARGS] = { 3, 0, 0, 0, 0x1000, 16 };
	uint64_t newuser[ENT_MAX_ARGS] = { CLONE_NEWUSER };
	uint64_t plain[ENT_MAX_ARGS] = { 0x11 };

	(void)state;
	assert_int_equal(rule_for(p, "mount", NULL)->action, LOCKDOWN_NOTIFY);
	assert_int_equal(rule_for(p, "mount", NULL)->errnum, EPERM);
	assert_int_equal(rule_for(p, "kexec_load", NULL)->action, LOCKDOWN_NOTIFY);
	assert_int_equal(rule_for(p, "unshare", newuser)->action, LOCKDOWN_NOTIFY);
	assert_int_equal(rule_for(p, "clone", plain)->action, LOCKDOWN_ALLOW);
	assert_int_equal(rule_for(p, "clone3", NULL)->action, LOCKDOWN_ERRNO);
	assert_int_equal(rule_for(p, "clone3", NULL)->errnum, ENOSYS);
	assert_int_equal(rule_for(p, "read", NULL)->action, LOCKDOWN_ALLOW);
	assert_int_equal(rule_for(p, "connect", NULL)->action, LOCKDOWN_NOTIFY);
	assert_int_equal(rule_for(p, "connect", NULL)->errnum, 0);
	assert_int_equal(rule_for(p, "sendto", NULL)->action, LOCKDOWN_ALLOW);
	assert_int_equal(rule_for(p, "sendto", with_addr)->action, LOCKDOWN_NOTIFY);
	assert_int_equal(rule_for(p, "chown", NULL)->action, LOCKDOWN_NOTIFY);
	assert_int_equal(rule_for(p, "setgroups", NULL)->action, LOCKDOWN_NOTIFY);
	/* The kernel's own checks observed: capability questions are left to them. */
	assert_int_equal(rule_for(c, "chown", NULL)->action, LOCKDOWN_ALLOW);
	assert_int_equal(rule_for(c, "bind", NULL)->action, LOCKDOWN_ALLOW);
	assert_int_equal(rule_for(c, "connect", NULL)->action, LOCKDOWN_NOTIFY);
	ent_plan_free(p);
	ent_plan_free(c);
}

static void test_filter_refuses_other_references(void **state)
{
	struct lockdown_spec ld = { .seccomp_mode = LOCKDOWN_SECCOMP_UNCONFINED,
		                    .seccomp_ref = "unconfined" };
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(ent_learn_filter(&ld, false, &err), -1);
	assert_string_equal(err.msg, "learn: needs the filter derived from the entitlements, not "
	                             "--seccomp unconfined");
}

/* ---------------------------------------------------------------- what calls need */

static struct ent_plan *learn_plan; /* the default plan's learning variant */

static int setup_plan(void **state)
{
	(void)state;
	learn_plan = compile(NULL, true, false);
	return 0;
}

static int teardown_plan(void **state)
{
	(void)state;
	ent_plan_free(learn_plan);
	return 0;
}

/* A call as the supervisor would hand it over, stopped by the default learning filter. */
static struct ent_learn_call call(const char *syscall, uint64_t a0, uint64_t a1, uint64_t a2,
                                  uint64_t a3)
{
	struct ent_learn_call c = { .args = { a0, a1, a2, a3 }, .comm = "test", .has_ids = true };

	snprintf(c.syscall, sizeof(c.syscall), "%s", syscall);
	c.rule = ent_lockdown_match(&learn_plan->lockdown, syscall, c.args);
	return c;
}

static struct ent_learn_call inet(const char *syscall, int family, const char *addr, uint16_t port)
{
	struct ent_learn_call c = call(syscall, 3, 0x1000, 16, 0);

	c.has_addr = true;
	c.family = (uint16_t)family;
	c.port = port;
	assert_int_equal(inet_pton(family, addr, c.addr), 1);
	return c;
}

/* Record c into a fresh learning; the number of needs, the first one in *n. */
static unsigned needs_of(struct ent_learn_call c, bool caps_observed, struct ent_need *n)
{
	struct ent_learning l = { .round = 1, .caps_observed = caps_observed };
	struct rt_err err = { 0 };
	unsigned count;

	assert_int_equal(ent_learn_record_call(&l, &c, &err), 0);
	count = l.n_needs;
	if (count && n)
		*n = l.needs[0];
	ent_learning_free(&l);
	return count;
}

static uint64_t cap_bit(cap_value_t cap)
{
	return UINT64_C(1) << cap;
}

static void test_needs_network(void **state)
{
	struct ent_need n;

	(void)state;
	assert_int_equal(needs_of(inet("connect", AF_INET, "127.0.0.1", 80), false, NULL), 0);
	assert_int_equal(needs_of(inet("connect", AF_INET, "0.0.0.0", 80), false, NULL), 0);
	assert_int_equal(needs_of(inet("connect", AF_INET6, "::1", 80), false, NULL), 0);
	assert_int_equal(needs_of(inet("connect", AF_INET6, "::ffff:127.0.0.2", 80), false, NULL),
	                 0);
	assert_int_equal(needs_of(inet("connect", AF_INET, "151.101.2.132", 80), true, &n), 1);
	assert_int_equal(n.kind, ENT_NEED_NET);
	assert_int_equal(n.net, NETCFG_USER);
	assert_string_equal(n.first, "test: connect(AF_INET 151.101.2.132:80)");
	assert_int_equal(needs_of(inet("connect", AF_INET6, "2001:db8::1", 443), false, &n), 1);
	assert_string_equal(n.first, "test: connect(AF_INET6 [2001:db8::1]:443)");
	/* Unread (the caller died): nothing is guessed. */
	struct ent_learn_call unread = call("connect", 3, 0x1000, 16, 0);
	assert_int_equal(needs_of(unread, false, NULL), 0);
}

static void test_needs_ports_and_raw_sockets(void **state)
{
	struct ent_need n;

	(void)state;
	assert_int_equal(needs_of(inet("bind", AF_INET, "0.0.0.0", 80), false, &n), 1);
	assert_int_equal(n.kind, ENT_NEED_CAP);
	assert_int_equal(n.caps, cap_bit(CAP_NET_BIND_SERVICE));
	assert_int_equal(needs_of(inet("bind", AF_INET, "0.0.0.0", 8080), false, NULL), 0);
	assert_int_equal(needs_of(inet("bind", AF_INET, "0.0.0.0", 0), false, NULL), 0);
	/* The kernel's refusal is recorded instead: no guess from the arguments. */
	assert_int_equal(needs_of(inet("bind", AF_INET, "0.0.0.0", 80), true, NULL), 0);
	assert_int_equal(
	        needs_of(call("socket", AF_INET, SOCK_RAW | SOCK_CLOEXEC, 1, 0), false, &n), 1);
	assert_int_equal(n.caps, cap_bit(CAP_NET_RAW));
	assert_string_equal(n.first, "test: socket(AF_INET, SOCK_RAW)");
	assert_int_equal(needs_of(call("socket", AF_PACKET, SOCK_DGRAM, 0, 0), false, NULL), 1);
	assert_int_equal(needs_of(call("socket", AF_INET, SOCK_STREAM, 0, 0), false, NULL), 0);
}

static void test_needs_ids(void **state)
{
	struct ent_learn_call c;
	struct ent_need n;

	(void)state;
	c = call("chown", 0x1000, 1000, 0xffffffff, 0);
	assert_int_equal(needs_of(c, false, &n), 1);
	assert_int_equal(n.caps, cap_bit(CAP_CHOWN));
	assert_string_equal(n.first, "test: chown(1000, -1)");
	assert_int_equal(needs_of(call("chown", 0x1000, 0, 0, 0), false, NULL), 0);
	assert_int_equal(needs_of(call("lchown", 0x1000, 0xffffffff, 0xffffffff, 0), false, NULL),
	                 0);
	/* fchownat(dirfd, path, owner, group, flags): the ids are arguments 2 and 3. */
	assert_int_equal(needs_of(call("fchownat", 3, 0x1000, 0, 100), false, &n), 1);
	c = call("fchownat", 3, 0x1000, 0, 100);
	c.groups[c.n_groups++] = 100;
	assert_int_equal(needs_of(c, false, NULL), 0);
	assert_int_equal(needs_of(call("setresuid", 42, 42, 42, 0), false, &n), 1);
	assert_int_equal(n.caps, cap_bit(CAP_SETUID));
	assert_int_equal(needs_of(call("setresuid", 0, 0, 0xffffffff, 0), false, NULL), 0);
	assert_int_equal(needs_of(call("setgid", 65534, 0, 0, 0), false, &n), 1);
	assert_int_equal(n.caps, cap_bit(CAP_SETGID));
	assert_int_equal(needs_of(call("setgroups", 0, 0, 0, 0), false, &n), 1);
	assert_int_equal(n.caps, cap_bit(CAP_SETGID));
	c = call("setresuid", 42, 42, 42, 0);
	c.has_ids = false; /* unread */
	assert_int_equal(needs_of(c, false, NULL), 0);
}

static void test_needs_denied_calls(void **state)
{
	struct ent_learning l = { .round = 2 };
	struct rt_err err = { 0 };
	struct ent_learn_call mnt = call("mount", 0x1, 0x2, 0x3, 0);
	struct ent_learn_call mnt2 = call("mount", 0x7, 0x8, 0x9, 0);
	struct ent_learn_call us = call("unshare", CLONE_NEWUSER, 0, 0, 0);
	char text[160];

	(void)state;
	assert_int_equal(ent_learn_record_call(&l, &mnt, &err), 0);
	assert_int_equal(ent_learn_record_call(&l, &mnt2, &err), 0);
	assert_int_equal(ent_learn_record_call(&l, &us, &err), 0);
	assert_int_equal(l.n_needs, 2);
	assert_int_equal(l.needs[0].kind, ENT_NEED_CALL);
	assert_int_equal(l.needs[0].count, 2);
	assert_int_equal(l.needs[0].round, 2);
	assert_string_equal(l.needs[0].first, "test: mount");
	ent_need_text(&l.needs[1], text, sizeof(text));
	assert_string_equal(text, "syscall unshare (arg0 has CLONE_NEWUSER (0x10000000))");
	assert_false(ent_need_satisfied(&l.needs[0], learn_plan));
	ent_learning_free(&l);
}

static void test_needs_refused_capabilities(void **state)
{
	struct ent_learning l = { .round = 1, .caps_observed = true };
	struct ent_learn_caps c = { .syscall = "openat",
		                    .caps = cap_bit(CAP_DAC_OVERRIDE) |
		                            cap_bit(CAP_DAC_READ_SEARCH),
		                    .errnum = EACCES,
		                    .comm = "cat" };
	struct rt_err err = { 0 };
	char text[160];

	(void)state;
	assert_int_equal(ent_learn_record_caps(&l, &c, &err), 0);
	assert_int_equal(ent_learn_record_caps(&l, &c, &err), 0);
	assert_int_equal(l.n_needs, 1);
	assert_int_equal(l.needs[0].count, 2);
	ent_need_text(&l.needs[0], text, sizeof(text));
	assert_string_equal(text, "CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH");
	assert_string_equal(l.needs[0].first,
	                    "cat: openat failed (EACCES), CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH "
	                    "refused");
	ent_learning_free(&l);
}

/* ---------------------------------------------------------------- the least proposal */

/* Needs, written as the test wants them. */
struct want {
	uint8_t kind;
	const char *syscall;
	uint64_t caps;
	uint64_t arg0;
};

#define CALL(sc, a0)                     \
	{                                \
		ENT_NEED_CALL, sc, 0, a0 \
	}
#define CAPS(sc, c)                    \
	{                              \
		ENT_NEED_CAP, sc, c, 0 \
	}
#define NET(sc)                        \
	{                              \
		ENT_NEED_NET, sc, 0, 0 \
	}
#define END                      \
	{                        \
		0xff, NULL, 0, 0 \
	}

static void add_needs(struct ent_learning *l, const struct want *w)
{
	struct rt_err err = { 0 };

	for (; w->kind != 0xff; w++) {
		if (w->kind == ENT_NEED_CALL) {
			struct ent_learn_call c = call(w->syscall, w->arg0, 0, 0, 0);

			assert_int_equal(ent_learn_record_call(l, &c, &err), 0);
		} else if (w->kind == ENT_NEED_CAP) {
			struct ent_learn_caps c = { .caps = w->caps, .errnum = EPERM };

			snprintf(c.syscall, sizeof(c.syscall), "%s", w->syscall);
			assert_int_equal(ent_learn_record_caps(l, &c, &err), 0);
		} else {
			struct ent_learn_call c = inet(w->syscall, AF_INET, "10.1.2.3", 53);

			assert_int_equal(ent_learn_record_call(l, &c, &err), 0);
		}
	}
}

/* The proposal for needs on top of the request ents: its rows, space-separated. */
static void propose(const char *const *ents, const struct want *needs, struct ent_learning *l,
                    struct ent_proposal *p)
{
	struct ent_request *req = calloc(1, sizeof(*req));
	struct rt_err err = { 0 };

	assert_non_null(req);
	request(req, ents);
	l->round = 1;
	add_needs(l, needs);
	if (ent_learn_propose(req, l, p, &err) < 0)
		fail_msg("propose: %s", err.msg);
	free(req);
}

static void assert_proposal(const char *const *ents, const struct want *needs, const char *rows)
{
	struct ent_learning l = { 0 };
	struct ent_proposal p;
	char got[1024] = "";

	propose(ents, needs, &l, &p);
	for (unsigned i = 0; i < p.n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s", i ? " " : "",
		         p.rows[i], p.learned[i] ? "" : "(asked)");
	assert_string_equal(got, rows);
	ent_learning_free(&l);
}

/* clang-format off */
static const struct want nothing[] = { END };
static const struct want raw[] = { CAPS("socket", UINT64_C(1) << CAP_NET_RAW), END };
static const struct want port80[] = { CAPS("bind", UINT64_C(1) << CAP_NET_BIND_SERVICE), END };
static const struct want out_net[] = { NET("connect"), END };
static const struct want chown_other[] = { CAPS("chown", UINT64_C(1) << CAP_CHOWN), END };
static const struct want mount[] = { CALL("mount", 0), END };
static const struct want mlock[] = { CALL("mlock", 0), END };
static const struct want dac[] = { CAPS("unlinkat", UINT64_C(1) << CAP_DAC_OVERRIDE), END };
static const struct want read_any[] = {
	CAPS("openat", UINT64_C(1) << CAP_DAC_READ_SEARCH | UINT64_C(1) << CAP_DAC_OVERRIDE), END,
};
static const struct want read_then_write[] = {
	CAPS("openat", UINT64_C(1) << CAP_DAC_READ_SEARCH | UINT64_C(1) << CAP_DAC_OVERRIDE),
	CAPS("unlinkat", UINT64_C(1) << CAP_DAC_OVERRIDE), END,
};
static const struct want apt[] = {
	CAPS("setgroups", UINT64_C(1) << CAP_SETGID), CAPS("setresuid", UINT64_C(1) << CAP_SETUID),
	CAPS("chown", UINT64_C(1) << CAP_CHOWN), NET("connect"),
	CAPS("unlinkat", UINT64_C(1) << CAP_DAC_OVERRIDE), END,
};
static const struct want mlock_mount[] = { CALL("mlock", 0), CALL("mount", 0), END };
static const struct want bind_admin[] = {
	CAPS("bind", UINT64_C(1) << CAP_NET_BIND_SERVICE), CAPS("ioctl", UINT64_C(1) << CAP_NET_ADMIN),
	END,
};
static const struct want user_ns[] = { CALL("unshare", CLONE_NEWUSER), END };

/* Needs alone, and the least proposal for them. */
static const struct {
	const struct want *needs;
	const char *rows;
} mappings[] = {
	/* The mapping. */
	{ nothing,         "" },
	{ raw,             "network.access=proxy" },
	{ port80,          "network.access=proxy" },
	{ out_net,         "network.access=user" },
	{ chown_other,     "security.access=user" },
	{ mount,           "security.access=admin" },
	{ mlock,           "security.memory-lock" },
	{ dac,             "security.access=user" },
	/* The least among alternatives: CAP_DAC_READ_SEARCH alone would do for a read. */
	{ read_any,        "security.access=viewer" },
	/* viewer lacks CAP_DAC_OVERRIDE: user meets both needs, not admin. */
	{ read_then_write, "security.access=user" },
	{ apt,             "network.access=user security.access=user" },
	/* admin grants mlock too: the flag chosen first is dropped. */
	{ mlock_mount,     "security.access=admin" },
	/* network.access=admin has both, with fewer grants than security.access=admin. */
	{ bind_admin,      "network.access=admin" },
	{ user_ns,         "security.access=admin" },
};
/* clang-format on */

static void test_propose_least(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mappings) / sizeof(mappings[0]); i++)
		assert_proposal(NULL, mappings[i].needs, mappings[i].rows);
}

static void test_propose_on_a_request(void **state)
{
	const char *const ro[] = { "security.fs=read-only", NULL };
	const char *const user_net[] = { "network.access=user", NULL };
	const char *const viewer[] = { "security.access=viewer", "network.access=user", NULL };

	(void)state;
	/* What was asked for stays, in catalogue order. */
	assert_proposal(ro, chown_other, "security.access=user security.fs=read-only(asked)");
	/* A level raised says it all: network.access=user is not repeated. */
	assert_proposal(user_net, port80, "network.access=proxy");
	/* Already granted: nothing to learn. */
	assert_proposal(user_net, out_net, "network.access=user(asked)");
	assert_proposal(viewer, chown_other, "network.access=user(asked) security.access=user");
}

static void test_propose_never_the_ungrantable(void **state)
{
	const struct want kexec[] = { CALL("kexec_load", 0), CALL("mlock", 0), END };
	struct ent_learning l = { 0 };
	struct ent_proposal p;

	(void)state;
	propose(NULL, kexec, &l, &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.rows[0], "security.memory-lock");
	assert_int_equal(l.needs[0].granted_by, -1); /* kexec_load: no entitlement grants it */
	assert_int_equal(l.needs[1].granted_by, 0);
	ent_learning_free(&l);
}

static void test_propose_attributes_needs(void **state)
{
	const struct want two[] = { CAPS("setgroups", cap_bit(CAP_SETGID)), NET("connect"), END };
	struct ent_learning l = { 0 };
	struct ent_proposal p;

	(void)state;
	propose(NULL, two, &l, &p);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.rows[l.needs[0].granted_by], "security.access=user");
	assert_string_equal(p.rows[l.needs[1].granted_by], "network.access=user");
	ent_learning_free(&l);
}

/* ---------------------------------------------------------------- rounds, verify, report */

static void test_new_needs_and_denials(void **state)
{
	const struct want first[] = { CAPS("chown", cap_bit(CAP_CHOWN)), CALL("kexec_load", 0),
		                      END };
	const struct want later[] = { NET("connect"), CALL("kexec_load", 0), END };
	const char *const user[] = { "security.access=user", NULL };
	struct ent_learning l = { 0 }, v = { 0 };
	struct ent_plan *plan = compile(user, false, false);
	char text[256];

	(void)state;
	l.round = 1;
	add_needs(&l, first);
	assert_int_equal(ent_learn_new_needs(&l, 1, learn_plan, text, sizeof(text)), 2);
	assert_string_equal(text, "CAP_CHOWN (chown), syscall kexec_load");
	assert_int_equal(ent_learn_new_needs(&l, 1, plan, text, sizeof(text)), 1);
	assert_int_equal(ent_learn_new_needs(&l, 2, learn_plan, text, sizeof(text)), 0);
	/* Verify: kexec_load was denied while learning too; connect is new. */
	v.round = 3;
	add_needs(&v, later);
	assert_int_equal(ent_learn_new_denials(&l, &v, plan), 1);
	ent_learning_free(&l);
	ent_learning_free(&v);
	ent_plan_free(plan);
}

/* The report of l and p, text or json: what goes to stdout into *out, to stderr into *log. */
static void print_report(bool json, const struct ent_learning *l, const struct ent_proposal *p,
                         const struct ent_learn_result *r, char **out, char **log)
{
	struct rt_err err = { 0 };
	size_t out_size = 0, log_size = 0;
	FILE *fo = open_memstream(out, &out_size);
	FILE *fl = open_memstream(log, &log_size);

	assert_non_null(fo);
	assert_non_null(fl);
	assert_int_equal(ent_learn_print(fo, fl, json, l, p, r, &err), 0);
	fclose(fo);
	fclose(fl);
}

static void test_report(void **state)
{
	const struct want needs[] = { NET("connect"), CALL("kexec_load", 0), END };
	struct ent_learn_result r = { .rounds = 2, .converged = true, .exit_code = 0 };
	struct ent_learning l = { 0 };
	struct ent_proposal p;
	char *text = NULL, *log = NULL;
	struct json_object *root, *v, *e;

	(void)state;
	propose(NULL, needs, &l, &p);
	print_report(false, &l, &p, &r, &text, &log);
	assert_string_equal(text, "network.access=user\n");
	assert_non_null(strstr(log, "  network.access=user\n    connect needs network reach "
	                            "'user': 1 call, first in round 1: test: connect(AF_INET "
	                            "10.1.2.3:53)\n"));
	assert_non_null(strstr(log, "learn: denied, and no entitlement grants it:\n"
	                            "    syscall kexec_load: 1 call"));
	free(text);
	free(log);
	print_report(true, &l, &p, &r, &text, &log);
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "entitlements", &v));
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)),
	                    "network.access=user");
	assert_true(json_object_object_get_ex(root, "evidence", &v));
	e = json_object_array_get_idx(v, 0);
	assert_true(json_object_object_get_ex(e, "entitlement", &v));
	assert_string_equal(json_object_get_string(v), "network.access=user");
	assert_true(json_object_object_get_ex(e, "syscall", &v));
	assert_string_equal(json_object_get_string(v), "connect");
	assert_true(json_object_object_get_ex(e, "count", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(e, "first", &v));
	assert_true(json_object_object_get_ex(root, "denied", &v));
	assert_int_equal(json_object_array_length(v), 1);
	assert_true(json_object_object_get_ex(root, "exit_code", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(root, "verify", &v));
	assert_null(v);
	json_object_put(root);
	free(text);
	free(log);
	ent_learning_free(&l);
}

/* Every watched call exists (on x86_64 or aarch64), and its capability has a name. */
static void test_watch_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ent_n_learn_watches; i++) {
		const struct ent_learn_watch *w = &ent_learn_watches[i];
		cap_value_t cap;

		if (w->cap && cap_from_name(w->cap, &cap) < 0)
			fail_msg("%s: unknown capability %s", w->syscall, w->cap);
		if (w->reads == ENT_READ_SOCKADDR && w->arg + 1 >= ENT_MAX_ARGS)
			fail_msg("%s: the address length is no argument", w->syscall);
		for (size_t k = 0; k < i; k++) {
			if (!strcmp(ent_learn_watches[k].syscall, w->syscall))
				fail_msg("%s is watched twice", w->syscall);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_answers_as_without_learning),
		cmocka_unit_test(test_filter_shape),
		cmocka_unit_test(test_filter_refuses_other_references),
		cmocka_unit_test(test_needs_network),
		cmocka_unit_test(test_needs_ports_and_raw_sockets),
		cmocka_unit_test(test_needs_ids),
		cmocka_unit_test(test_needs_denied_calls),
		cmocka_unit_test(test_needs_refused_capabilities),
		cmocka_unit_test(test_propose_least),
		cmocka_unit_test(test_propose_on_a_request),
		cmocka_unit_test(test_propose_never_the_ungrantable),
		cmocka_unit_test(test_propose_attributes_needs),
		cmocka_unit_test(test_new_needs_and_denials),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_watch_table),
	};

	return cmocka_run_group_tests(tests, setup_plan, teardown_plan);
}
