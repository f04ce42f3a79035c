/*
 * runtime/lockdown.c - the workload's last steps before execve: capability bounding set, user
 * and group ids, the capability sets, no_new_privs, then the seccomp filter (capabilities(7),
 * credentials(7), prctl(2), libcap's cap_set_proc(3), cap_drop_bound(3), cap_set_ambient(3)).
 *
 * What the workload holds after execve (capabilities(7), "Transformation of capabilities
 * during execve()"):
 *   root (uid 0):  permitted = effective = inheritable | bounding, so the bounding set is what
 *                  limits root: we cut it to the plan's set;
 *   any other uid: permitted = effective = ambient (no file capabilities: no_new_privs makes
 *                  the kernel ignore them as it ignores setuid bits), so the granted
 *                  capabilities must be raised in the ambient set, which needs them in both
 *                  permitted and inheritable first.
 */
#include "runtime/lockdown.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "entitlements/names.h"

static void cap_freep(cap_t *caps)
{
	if (*caps)
		cap_free(*caps);
}

/* libcap allocates names with a hidden header: they go back through cap_free(), not free(). */
static void cap_free_namep(char **name)
{
	if (*name)
		cap_free(*name);
}

static bool has_cap(uint64_t mask, unsigned cap)
{
	return cap < 64 && (mask >> cap) & 1;
}

/* Capabilities of spec the running kernel does not know are ignored: say so once. */
static void trace_unknown_caps(const struct lockdown_caps *caps, unsigned max_bits)
{
	uint64_t all = caps->bounding | caps->permitted | caps->effective | caps->inheritable |
	               caps->ambient;

	for (unsigned cap = max_bits; cap < 64; cap++)
		if (has_cap(all, cap))
			rt_trace("lockdown",
			         "capability %u is unknown to this kernel (it has %u), "
			         "ignored",
			         cap, max_bits);
}

/* "3 (cap_chown cap_kill cap_net_raw)": the capabilities the workload keeps, for --verbose. */
static void trace_kept_caps(uint64_t kept, unsigned max_bits)
{
	char names[200] = "";
	size_t len = 0;
	unsigned count = 0;

	for (unsigned cap = 0; cap < max_bits; cap++) {
		if (!has_cap(kept, cap))
			continue;
		_cleanup_(cap_free_namep) char *name = cap_to_name(cap);
		int n = snprintf(names + len, sizeof(names) - len, "%s%s", count ? " " : "",
		                 name ? name : "?");

		count++;
		if (n > 0 && len + (size_t)n < sizeof(names))
			len += (size_t)n;
		else
			snprintf(names + len, sizeof(names) - len, " ...");
	}
	rt_trace("lockdown", "capabilities kept: %u (%s)", count, count ? names : "none");
}

/*
 * The bounding set caps what any execve can ever give back (file capabilities, setuid root).
 * Dropping needs CAP_SETPCAP in the effective set, so this runs while we are still root with
 * every capability, before setresuid() clears the effective set.
 */
static int drop_bounding(uint64_t keep, unsigned max_bits, struct rt_err *err)
{
	unsigned dropped = 0;

	for (unsigned cap = 0; cap < max_bits; cap++)
		dropped += !has_cap(keep, cap);
	rt_trace("lockdown", "prctl(PR_CAPBSET_DROP) for the %u capabilities not granted", dropped);
	for (unsigned cap = 0; cap < max_bits; cap++) {
		if (has_cap(keep, cap))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0) {
			rt_fail(err, errno, "lockdown: drop capability %u from the bounding set",
			        cap);
			rt_err_hint(err, "the workload must start as root of its user namespace, "
			                 "with CAP_SETPCAP");
			return -1;
		}
	}
	return 0;
}

/*
 * Rootless containers whose gid map was written without a helper must write "deny" to
 * /proc/PID/setgroups first, and then setgroups() fails with EPERM. That case, and only that
 * one, is harmless: there are no supplementary groups to clear.
 */
static bool setgroups_denied(void)
{
	_cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	char buf[8] = "";

	return fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strncmp(buf, "deny", 4) == 0;
}

/*
 * Become uid/gid. PR_SET_KEEPCAPS keeps the permitted set across setresuid() away from 0
 * (it would otherwise be cleared); the effective set is cleared anyway and raised again by
 * set_caps() below. A change of ids also clears the parent-death signal (PR_SET_PDEATHSIG),
 * which ties the process to its parent: it is read first and set again after.
 */
static int set_ids(const struct lockdown_ids *ids, struct rt_err *err)
{
	uint32_t uid = ids->uid, gid = ids->gid;
	int pdeath = 0;

	prctl(PR_GET_PDEATHSIG, &pdeath, 0, 0, 0);
	rt_trace("lockdown", "prctl(PR_SET_KEEPCAPS, 1)");
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return rt_fail(err, errno, "lockdown: prctl(PR_SET_KEEPCAPS)");
	rt_trace("lockdown", "setgroups(%u, ...)", ids->n_groups);
	if (setgroups(ids->n_groups, (const gid_t *)ids->groups) < 0) {
		if (errno != EPERM || ids->n_groups || !setgroups_denied())
			return rt_fail(err, errno, "lockdown: setgroups(%u groups)", ids->n_groups);
		rt_trace("lockdown", "setgroups denied in this user namespace: no groups to clear");
	}
	rt_trace("lockdown", "setresgid(%u, %u, %u)", gid, gid, gid);
	if (setresgid(gid, gid, gid) < 0) {
		rt_fail(err, errno, "lockdown: setresgid(%u)", gid);
		if (err->errnum == EINVAL)
			rt_err_hint(err, "gid %u is not mapped in the container's user namespace",
			            gid);
		return -1;
	}
	rt_trace("lockdown", "setresuid(%u, %u, %u)", uid, uid, uid);
	if (setresuid(uid, uid, uid) < 0) {
		rt_fail(err, errno, "lockdown: setresuid(%u)", uid);
		if (err->errnum == EINVAL)
			rt_err_hint(err, "uid %u is not mapped in the container's user namespace",
			            uid);
		return -1;
	}
	if (pdeath && prctl(PR_SET_PDEATHSIG, pdeath, 0, 0, 0) < 0)
		return rt_fail(err, errno, "lockdown: prctl(PR_SET_PDEATHSIG)");
	return 0;
}

/*
 * A capability we do not hold ourselves cannot be granted (capset(2) fails with EPERM): name
 * it, rather than let the call fail for an unnamed reason. On some hosts even root lacks one
 * (CAP_SYS_RESOURCE dropped from its bounding set).
 */
static int check_grantable(uint64_t permitted, unsigned max_bits, struct rt_err *err)
{
	_cleanup_(cap_freep) cap_t have = permitted ? cap_get_proc() : NULL;

	for (unsigned cap = 0; have && cap < max_bits; cap++) {
		cap_flag_value_t v = CAP_CLEAR;
		_cleanup_(cap_free_namep) char *name = NULL;

		if (!has_cap(permitted, cap) ||
		    cap_get_flag(have, (cap_value_t)cap, CAP_PERMITTED, &v) < 0 || v == CAP_SET)
			continue;
		name = cap_to_name((cap_value_t)cap);
		rt_fail(err, 0,
		        "lockdown: capability %s cannot be granted: ent-run does not hold it",
		        name ? name : "?");
		rt_err_hint(err, "it is missing from ent-run's own bounding set (see CapBnd in "
		                 "/proc/self/status): the host withholds it");
		return -1;
	}
	return 0;
}

/* Permitted, effective and inheritable in one capset(2), then the ambient set. */
static int set_caps(const struct lockdown_caps *want, unsigned max_bits, struct rt_err *err)
{
	_cleanup_(cap_freep) cap_t caps = cap_init();
	static const struct {
		cap_flag_t flag;
		size_t offset;
	} sets[] = {
		{ CAP_PERMITTED, offsetof(struct lockdown_caps, permitted) },
		{ CAP_EFFECTIVE, offsetof(struct lockdown_caps, effective) },
		{ CAP_INHERITABLE, offsetof(struct lockdown_caps, inheritable) },
	};

	if (!caps)
		return rt_fail(err, errno, "lockdown: cap_init");
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		uint64_t mask = *(const uint64_t *)((const char *)want + sets[s].offset);

		for (unsigned cap = 0; cap < max_bits; cap++) {
			cap_value_t v = (cap_value_t)cap;

			if (has_cap(mask, cap) && cap_set_flag(caps, sets[s].flag, 1, &v, CAP_SET))
				return rt_fail(err, errno, "lockdown: cap_set_flag(%u)", cap);
		}
	}
	if (check_grantable(want->permitted, max_bits, err) < 0)
		return -1;
	rt_trace("lockdown", "capset(permitted=%#llx effective=%#llx inheritable=%#llx)",
	         (unsigned long long)want->permitted, (unsigned long long)want->effective,
	         (unsigned long long)want->inheritable);
	if (cap_set_proc(caps) < 0)
		return rt_fail(err, errno, "lockdown: cap_set_proc");
	/*
	 * Ambient: cleared, then raised one by one; each must be permitted and inheritable.
	 * capset has already lowered every ambient capability that is not both (capabilities(7)):
	 * when none is both, the set is empty, and the clearing is skipped (libcap's asks the
	 * kernel about each capability first, ~40 prctl calls).
	 */
	rt_trace("lockdown", "prctl(PR_CAP_AMBIENT_RAISE) for %#llx",
	         (unsigned long long)want->ambient);
	if ((want->permitted & want->inheritable) && cap_reset_ambient() < 0)
		return rt_fail(err, errno, "lockdown: prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	for (unsigned cap = 0; cap < max_bits; cap++) {
		if (has_cap(want->ambient, cap) && cap_set_ambient((cap_value_t)cap, CAP_SET) < 0) {
			rt_fail(err, errno, "lockdown: raise capability %u in the ambient set",
			        cap);
			rt_err_hint(err, "an ambient capability must be permitted and inheritable");
			return -1;
		}
	}
	return 0;
}

static void trace_seccomp(const struct lockdown_spec *spec, const struct lockdown_filter *filter)
{
	char def[48];

	ent_seccomp_action_str(spec->default_action, spec->default_errnum, def, sizeof(def));
	rt_trace("lockdown",
	         "seccomp(SECCOMP_SET_MODE_FILTER): %u rules, default %s, from %s (%s), "
	         "%u instructions",
	         spec->n_rules, def,
	         ent_has(spec->seccomp_ref) ? spec->seccomp_ref : "runtime/default",
	         lockdown_filter_from_cache(filter) ? "cache hit" : "generated",
	         lockdown_filter_insns(filter));
}

int lockdown_apply(const struct lockdown_spec *spec, const struct lockdown_filter *filter,
                   const struct lockdown_ids *ids, int *listener, struct rt_err *err)
{
	unsigned max_bits = (unsigned)cap_max_bits();
	bool early = filter && !spec->no_new_privs;

	*listener = -1;
	/* The program comes from elsewhere (the parent, over the sync channel): none is no way
	 * to run a workload the plan confines. */
	if (!filter && spec->seccomp_mode != LOCKDOWN_SECCOMP_UNCONFINED)
		return rt_fail(err, 0, "lockdown: no seccomp program for a confined workload (%s)",
		               ent_has(spec->seccomp_ref) ? spec->seccomp_ref : "seccomp");
	if (max_bits > 64)
		max_bits = 64;
	trace_unknown_caps(&spec->caps, max_bits);
	trace_kept_caps(ids->uid == 0 ? spec->caps.bounding : spec->caps.ambient, max_bits);
	/*
	 * Without no_new_privs (an OCI config may ask so) loading a filter needs CAP_SYS_ADMIN,
	 * which the steps below drop: it is loaded first, as runc does, and must then allow the
	 * setresuid, capset and prctl calls that follow.
	 */
	if (early) {
		trace_seccomp(spec, filter);
		if (lockdown_filter_load(filter, listener, err) < 0)
			return -1;
	}
	if (drop_bounding(spec->caps.bounding, max_bits, err) < 0)
		return -1;
	if (set_ids(ids, err) < 0)
		return -1;
	if (set_caps(&spec->caps, max_bits, err) < 0)
		return -1;
	/*
	 * no_new_privs: execve can no longer add privileges (setuid bits and file capabilities
	 * are ignored), and it lets an unprivileged task install a seccomp filter.
	 */
	if (spec->no_new_privs) {
		rt_trace("lockdown", "prctl(PR_SET_NO_NEW_PRIVS, 1)");
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return rt_fail(err, errno, "lockdown: prctl(PR_SET_NO_NEW_PRIVS)");
	}
	if (!filter) {
		rt_trace("lockdown", "seccomp: none (%s)",
		         ent_has(spec->seccomp_ref) ? spec->seccomp_ref : "unconfined");
		return 0;
	}
	if (early)
		return 0;
	/* Seccomp last: the filter could deny the capset and prctl calls above. */
	trace_seccomp(spec, filter);
	return lockdown_filter_load(filter, listener, err);
}
