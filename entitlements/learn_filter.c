/*
 * entitlements/learn_filter.c - the learning variant of a container's seccomp filter
 * (seccomp(2) SECCOMP_RET_USER_NOTIF, seccomp_unotify(2)), and the calls it watches.
 *
 * A learning round runs the workload with exactly the filter its entitlements give, except
 * that some rules notify ent-run's supervisor instead of acting alone (LOCKDOWN_NOTIFY). The
 * supervisor records the call and answers what the rule would have done: the same errno for a
 * denied call, "proceed" for an allowed one (SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel then
 * runs it, and refuses it exactly as without learning). Two kinds of rules notify:
 *   - every rule that denies with EPERM: the call is what the workload needs (mount, unshare
 *     with a namespace flag, mlock, ...). Calls that fail with ENOSYS are left alone: they
 *     pretend not to exist, and programs fall back (glibc's clone3 to clone);
 *   - the allow rules of the calls below, whose arguments decide whether the kernel needs a
 *     capability (a port below 1024, a raw socket, another owner or id) or more network (an
 *     address off the loopback). When the kernel's capability checks are observed
 *     (runtime/capwatch.c), only the network ones notify: the kernel's refusal is the answer.
 * The rules keep their conditions, so the filter's shape, and what it allows, stay the same.
 */
#include "entitlements/learn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

/* clang-format off */
#define SOCKADDR(nm, a, set, t, c) { nm, ENT_READ_SOCKADDR, a, 0, set, t, c }
#define IDS(nm, a, n, t, c)        { nm, ENT_READ_IDS, a, n, -1, t, c }

const struct ent_learn_watch ent_learn_watches[] = {
	SOCKADDR("connect",  1, -1, ENT_TEST_OFF_LOOPBACK, NULL),
	SOCKADDR("sendto",   4,  4, ENT_TEST_OFF_LOOPBACK, NULL),
	SOCKADDR("bind",     1, -1, ENT_TEST_LOW_PORT,     "CAP_NET_BIND_SERVICE"),
	{ "socket", ENT_READ_NONE, 0, 0, -1, ENT_TEST_RAW_SOCKET, "CAP_NET_RAW" },
	IDS("chown",       1, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("chown32",     1, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("lchown",      1, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("lchown32",    1, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("fchown",      1, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("fchown32",    1, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("fchownat",    2, 2, ENT_TEST_OWNER, "CAP_CHOWN"),
	IDS("setuid",      0, 1, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setuid32",    0, 1, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setreuid",    0, 2, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setreuid32",  0, 2, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setresuid",   0, 3, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setresuid32", 0, 3, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setfsuid",    0, 1, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setfsuid32",  0, 1, ENT_TEST_UIDS,  "CAP_SETUID"),
	IDS("setgid",      0, 1, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setgid32",    0, 1, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setregid",    0, 2, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setregid32",  0, 2, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setresgid",   0, 3, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setresgid32", 0, 3, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setfsgid",    0, 1, ENT_TEST_GIDS,  "CAP_SETGID"),
	IDS("setfsgid32",  0, 1, ENT_TEST_GIDS,  "CAP_SETGID"),
	{ "setgroups",   ENT_READ_NONE, 0, 0, -1, ENT_TEST_ALWAYS, "CAP_SETGID" },
	{ "setgroups32", ENT_READ_NONE, 0, 0, -1, ENT_TEST_ALWAYS, "CAP_SETGID" },
};
const size_t ent_n_learn_watches = ARRAY_SIZE(ent_learn_watches);
/* clang-format on */

const struct ent_learn_watch *ent_learn_watch_of(const char *syscall, bool caps_observed)
{
	for (size_t i = 0; i < ent_n_learn_watches; i++) {
		const struct ent_learn_watch *w = &ent_learn_watches[i];

		if (!strcmp(w->syscall, syscall))
			return caps_observed && w->cap ? NULL : w;
	}
	return NULL;
}

enum ent_learn_read ent_learn_reads(const char *syscall, bool caps_observed, unsigned *arg)
{
	const struct ent_learn_watch *w = ent_learn_watch_of(syscall, caps_observed);

	*arg = w ? w->arg : 0;
	return w ? (enum ent_learn_read)w->reads : ENT_READ_NONE;
}

static bool has_condition_on(const struct lockdown_rule *r, unsigned index)
{
	for (unsigned k = 0; k < r->n_args; k++) {
		if (r->args[k].index == index)
			return true;
	}
	return false;
}

/*
 * sendto: notify only the sends that carry an address. The allow rule is split in two that do
 * not overlap: allow when the argument is 0, notify when it is not. Needs room for one more
 * condition, and no condition on that argument already.
 */
static int split_on_arg(struct lockdown_spec *ld, unsigned i, unsigned index, struct rt_err *err)
{
	struct lockdown_rule *copy, *r;

	if (ld->rules[i].n_args >= ENT_MAX_ARGS || has_condition_on(&ld->rules[i], index))
		return rt_fail(err, 0,
		               "entitlements: learn: cannot watch %s (%s): its rule has "
		               "conditions already",
		               ld->rules[i].syscall, ld->rules[i].why);
	copy = ent_lockdown_add_rule(ld, err);
	if (!copy)
		return -1;
	r = &ld->rules[i]; /* after the add: the array may have moved */
	if (ent_lockdown_copy_rule(ld, copy, r, err) < 0 ||
	    ent_lockdown_add_arg(ld, r,
	                         (struct lockdown_arg){ (uint8_t)index, LOCKDOWN_CMP_EQ, 0, 0 },
	                         err) < 0 ||
	    ent_lockdown_add_arg(ld, copy,
	                         (struct lockdown_arg){ (uint8_t)index, LOCKDOWN_CMP_NE, 0, 0 },
	                         err) < 0)
		return -1;
	copy->action = LOCKDOWN_NOTIFY;
	copy->errnum = 0;
	return 0;
}

int ent_learn_filter(struct lockdown_spec *ld, bool caps_observed, struct rt_err *err)
{
	unsigned n = ld->n_rules; /* rules split off are appended, and already done */

	if (ld->seccomp_mode != LOCKDOWN_SECCOMP_FILTER ||
	    (ent_has(ld->seccomp_ref) && strcmp(ld->seccomp_ref, "runtime/default")))
		return rt_fail(err, 0,
		               "learn: needs the filter derived from the entitlements, not "
		               "--seccomp %s",
		               ent_has(ld->seccomp_ref) ? ld->seccomp_ref : "unconfined");
	for (unsigned i = 0; i < n; i++) {
		struct lockdown_rule *r = &ld->rules[i];
		const struct ent_learn_watch *w;

		if (r->action == LOCKDOWN_ERRNO && r->errnum == EPERM) {
			r->action = LOCKDOWN_NOTIFY; /* the answer stays EPERM */
			continue;
		}
		w = r->action == LOCKDOWN_ALLOW ? ent_learn_watch_of(r->syscall, caps_observed)
		                                : NULL;
		if (!w)
			continue;
		if (w->only_set >= 0) {
			if (split_on_arg(ld, i, (unsigned)w->only_set, err) < 0)
				return -1;
			continue;
		}
		r->action = LOCKDOWN_NOTIFY;
		r->errnum = 0;
	}
	return 0;
}
