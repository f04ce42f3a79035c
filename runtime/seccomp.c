/*
 * runtime/seccomp.c - the seccomp filter: built from the plan's rules with libseccomp in the
 * parent, loaded in the workload process as its very last step before execve (seccomp(2),
 * seccomp_rule_add(3), seccomp_export_bpf(3)).
 *
 * The filter is an allowlist for the native architecture only. A system call no rule names
 * gets the plan's default action, ERRNO(ENOSYS), so a libc that meets a call newer than the
 * filter falls back to an older one (glibc: clone3 -> clone). Every other ABI is refused with
 * KILL_PROCESS: 32-bit "int $0x80" calls carry another AUDIT_ARCH and x32 calls carry bit 30
 * (__X32_SYSCALL_BIT) in the number; libseccomp's generated prologue sends both to the
 * bad-architecture action, so a denied call cannot be reached through another entry point.
 *
 * Shaped for speed: libseccomp's binary-tree layout (SCMP_FLTATR_CTL_OPTIMIZE=2) makes the
 * lookup logarithmic, and since Linux 5.11 the kernel caches "always allowed" per syscall
 * number for filters that do not look at arguments, so hot calls without argument checks skip
 * the filter entirely. The generated program is cached on disk (runtime/seccomp_cache.c).
 */
#include "runtime/lockdown.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"
#include "entitlements/names.h"

/* The loadable program: plain heap memory, so fork() gives the child its own copy. */
struct lockdown_filter {
	bool from_cache;
	bool notify; /* it has NOTIFY rules: loaded with a listener for ent-run learn */
	unsigned short n_insns;
	struct sock_filter insns[];
};

/* The action and comparison names and libseccomp values: one table each, in entitlements/names.c.
 */
const char *lockdown_action_name(unsigned action)
{
	const struct ent_seccomp_action *row = ent_seccomp_action_row(action);

	return ent_seccomp_short(row ? row->oci : NULL);
}

const char *lockdown_cmp_name(unsigned op)
{
	const struct ent_seccomp_cmp *row = ent_seccomp_cmp_row(op);

	return ent_seccomp_short(row ? row->oci : NULL);
}

/* libseccomp's action; errnum (an errno, or a tracer's message) in the low 16 bits. */
static uint32_t scmp_action(unsigned action, int32_t errnum)
{
	const struct ent_seccomp_action *row = &ent_seccomp_actions[action];

	return row->max_data ? row->scmp | ((uint32_t)errnum & 0xffff) : row->scmp;
}

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* The spec comes from our own compiler or JSON import; check it anyway before it shapes BPF. */
static int check_spec(const struct lockdown_spec *spec, struct rt_err *err)
{
	if (spec->default_action >= LOCKDOWN_N_ACTIONS || spec->n_rules > ENT_MAX_RULES)
		return rt_fail(err, 0, "lockdown: seccomp: bad default action or rule count");
	for (unsigned i = 0; i < spec->n_rules; i++) {
		const struct lockdown_rule *r = &spec->rules[i];

		if (r->action >= LOCKDOWN_N_ACTIONS || r->n_args > ENT_MAX_ARGS || r->errnum < 0 ||
		    r->errnum > 0xffff)
			return rt_fail(err, 0, "lockdown: seccomp: rule %u (%s, %s) is malformed",
			               i, r->syscall, r->why);
		for (unsigned a = 0; a < r->n_args; a++)
			if (r->args[a].index > 5 || r->args[a].op >= LOCKDOWN_N_CMPS)
				return rt_fail(err, 0,
				               "lockdown: seccomp: rule %u (%s, %s): bad argument "
				               "condition %u",
				               i, r->syscall, r->why, a);
	}
	return 0;
}

/*
 * libseccomp lets an unconditional rule for a syscall silently replace conditional rules with
 * another action (an "ALLOW ioctl" would drop "ERRNO ioctl(TIOCSTI)"). Refuse that instead of
 * loading something weaker than the plan says.
 */
static int check_conflicts(const struct lockdown_spec *spec, const int *nrs, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_rules; i++) {
		const struct lockdown_rule *u = &spec->rules[i];

		if (u->n_args != 0 || nrs[i] < 0)
			continue;
		for (unsigned j = 0; j < spec->n_rules; j++) {
			const struct lockdown_rule *r = &spec->rules[j];

			if (nrs[j] != nrs[i] || (r->action == u->action && r->errnum == u->errnum))
				continue;
			return rt_fail(err, 0,
			               "lockdown: seccomp: rules for %s conflict: %s (%s) without "
			               "conditions would hide %s (%s)",
			               u->syscall, lockdown_action_name(u->action), u->why,
			               lockdown_action_name(r->action), r->why);
		}
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct lockdown_rule *r, int nr, struct rt_err *err)
{
	struct scmp_arg_cmp cmp[ENT_MAX_ARGS];
	int rc;

	for (unsigned a = 0; a < r->n_args; a++)
		cmp[a] = (struct scmp_arg_cmp){
			.arg = r->args[a].index,
			.op = (enum scmp_compare)ent_seccomp_cmps[r->args[a].op].scmp,
			.datum_a = r->args[a].value,
			.datum_b = r->args[a].value2,
		};
	rc = seccomp_rule_add_array(ctx, scmp_action(r->action, r->errnum), nr, r->n_args, cmp);
	if (rc < 0)
		return rt_fail(err, -rc, "lockdown: seccomp: add rule %s %s (%s)", r->syscall,
		               lockdown_action_name(r->action), r->why);
	return 0;
}

/* Resolve every name for the native architecture; -1 in nrs marks "not on this arch". */
static int resolve_rules(const struct lockdown_spec *spec, int *nrs, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_rules; i++) {
		const struct lockdown_rule *r = &spec->rules[i];
		int nr = seccomp_syscall_resolve_name(r->syscall);

		if (nr == __NR_SCMP_ERROR)
			return rt_fail(err, 0, "lockdown: seccomp: unknown syscall '%s' (%s)",
			               r->syscall, r->why);
		/* libseccomp knows the name, but not on this architecture: nothing to filter. */
		if (nr < 0)
			rt_trace("lockdown",
			         "seccomp: %s does not exist on this architecture, "
			         "skipped (%s)",
			         r->syscall, r->why);
		nrs[i] = nr < 0 ? -1 : nr;
	}
	return 0;
}

/* A libseccomp context holding spec's rules, for the native architecture only. */
static scmp_filter_ctx build_ctx(const struct lockdown_spec *spec, struct rt_err *err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	_cleanup_free_ int *nrs = calloc(spec->n_rules + 1, sizeof(*nrs));
	uint32_t default_action;
	int rc;

	if (!nrs) {
		rt_fail(err, ENOMEM, "lockdown: seccomp: resolve rules");
		return NULL;
	}
	if (check_spec(spec, err) < 0 || resolve_rules(spec, nrs, err) < 0 ||
	    check_conflicts(spec, nrs, err) < 0)
		return NULL;
	default_action = scmp_action(spec->default_action, spec->default_errnum);
	ctx = seccomp_init(default_action);
	if (!ctx) {
		rt_fail(err, ENOMEM, "lockdown: seccomp: seccomp_init");
		return NULL;
	}
	/* Binary tree of syscall numbers; other ABIs (x86, x32) killed, not filtered. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc < 0) {
		rt_fail(err, -rc, "lockdown: seccomp: set filter attributes");
		return NULL;
	}
	/*
	 * A rule whose action is the default changes nothing (a call it matches would get the
	 * default anyway), and libseccomp refuses it with EACCES: leave it out.
	 */
	for (unsigned i = 0; i < spec->n_rules; i++) {
		const struct lockdown_rule *r = &spec->rules[i];

		if (nrs[i] < 0 || scmp_action(r->action, r->errnum) == default_action)
			continue;
		if (add_rule(ctx, r, nrs[i], err) < 0)
			return NULL;
	}
	return steal_ptr(&ctx);
}

/* Export the BPF program through a memfd (libseccomp 2.5 writes only to an fd). */
static struct lockdown_filter *export_filter(scmp_filter_ctx ctx, struct rt_err *err)
{
	_cleanup_close_ int fd = memfd_create("ent-run-seccomp", MFD_CLOEXEC);
	struct lockdown_filter *filter;
	off_t size;
	int rc;

	if (fd < 0) {
		rt_fail(err, errno, "lockdown: seccomp: memfd_create");
		return NULL;
	}
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		rt_fail(err, -rc, "lockdown: seccomp: generate the BPF program");
		return NULL;
	}
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		rt_fail(err, E2BIG, "lockdown: seccomp: BPF program of %lld bytes",
		        (long long)size);
		return NULL;
	}
	filter = calloc(1, sizeof(*filter) + (size_t)size);
	if (!filter) {
		rt_fail(err, ENOMEM, "lockdown: seccomp: BPF program");
		return NULL;
	}
	filter->n_insns = (unsigned short)(size / sizeof(struct sock_filter));
	if (pread(fd, filter->insns, (size_t)size, 0) != size) {
		free(filter);
		rt_fail(err, errno, "lockdown: seccomp: read back the BPF program");
		return NULL;
	}
	return filter;
}

/* Canonical text of spec for this machine: arch token and the libseccomp actually loaded. */
static char *spec_text(const struct lockdown_spec *spec, size_t *len, struct rt_err *err)
{
	const struct scmp_version *v = seccomp_version();
	char arch[16];
	char version[32];

	snprintf(arch, sizeof(arch), "%#x", seccomp_arch_native());
	snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
	return lockdown_canon_text(spec, arch, version, len, err);
}

static bool has_notify(const struct lockdown_spec *spec)
{
	for (unsigned i = 0; i < spec->n_rules; i++) {
		if (spec->rules[i].action == LOCKDOWN_NOTIFY)
			return true;
	}
	return false;
}

int lockdown_filter_build(const struct lockdown_spec *spec, struct lockdown_filter **out,
                          struct rt_err *err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	_cleanup_free_ char *text = NULL;
	struct lockdown_filter *filter;
	struct timespec t0;
	size_t text_len, bpf_len;
	char def[48];

	*out = NULL;
	if (spec->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED) {
		rt_trace("lockdown", "seccomp: unconfined (%s), no filter", spec->seccomp_ref);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (check_spec(spec, err) < 0)
		return -1;
	text = spec_text(spec, &text_len, err);
	if (!text)
		return -1;
	filter = lockdown_cache_load(text, text_len, offsetof(struct lockdown_filter, insns),
	                             &bpf_len);
	if (filter) {
		filter->from_cache = true;
		filter->n_insns = (unsigned short)(bpf_len / sizeof(struct sock_filter));
		rt_trace("lockdown", "seccomp: %u rules from the cache, %u instructions (%.2f ms)",
		         spec->n_rules, filter->n_insns, rt_log_ms_since(&t0));
		filter->notify = has_notify(spec);
		*out = filter;
		return 0;
	}
	rt_trace("lockdown", "seccomp_init(%s), %u rules, native arch only, BADARCH KILL_PROCESS",
	         ent_seccomp_action_str(spec->default_action, spec->default_errnum, def,
	                                sizeof(def)),
	         spec->n_rules);
	ctx = build_ctx(spec, err);
	if (!ctx)
		return -1;
	filter = export_filter(ctx, err);
	if (!filter)
		return -1;
	rt_trace("lockdown", "seccomp_export_bpf: %u instructions (%.2f ms)", filter->n_insns,
	         rt_log_ms_since(&t0));
	lockdown_cache_store(text, text_len, filter->insns,
	                     filter->n_insns * sizeof(struct sock_filter));
	filter->notify = has_notify(spec);
	*out = filter;
	return 0;
}

void lockdown_filter_free(struct lockdown_filter *filter)
{
	free(filter);
}

const void *lockdown_filter_data(const struct lockdown_filter *filter, size_t *len)
{
	*len = filter ? offsetof(struct lockdown_filter, insns) +
	                        filter->n_insns * sizeof(struct sock_filter)
	              : 0;
	return filter;
}

size_t lockdown_filter_max_data(void)
{
	return offsetof(struct lockdown_filter, insns) + BPF_MAXINSNS * sizeof(struct sock_filter);
}

const struct lockdown_filter *lockdown_filter_view(const void *data, size_t len)
{
	const struct lockdown_filter *filter = data;
	size_t head = offsetof(struct lockdown_filter, insns);

	if (len < head || len > lockdown_filter_max_data() || filter->n_insns == 0 ||
	    len != head + filter->n_insns * sizeof(struct sock_filter))
		return NULL;
	return filter;
}

unsigned lockdown_filter_insns(const struct lockdown_filter *filter)
{
	return filter ? filter->n_insns : 0;
}

int lockdown_filter_from_cache(const struct lockdown_filter *filter)
{
	return filter && filter->from_cache;
}

int lockdown_filter_load(const struct lockdown_filter *filter, int *listener, struct rt_err *err)
{
	struct sock_fprog prog = {
		.len = filter->n_insns,
		.filter = (struct sock_filter *)filter->insns,
	};
	/*
	 * seccomp(2) rather than prctl(PR_SET_SECCOMP): the same program, but flags are possible.
	 * No TSYNC (one thread), no SPEC_ALLOW (keep the kernel's speculation mitigation choice).
	 * A learning filter asks for a listener (NEW_LISTENER): the descriptor its NOTIFY rules
	 * report to, which only the filtered task itself can create.
	 */
	unsigned flags = filter->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);

	*listener = -1;
	if (fd < 0) {
		rt_fail(err, errno, "lockdown: seccomp(SECCOMP_SET_MODE_FILTER, %u instructions)",
		        filter->n_insns);
		if (err->errnum == EACCES)
			rt_err_hint(err, "a filter needs no_new_privs or CAP_SYS_ADMIN");
		return -1;
	}
	if (filter->notify)
		*listener = (int)fd;
	return 0;
}

int lockdown_filter_export_pfc(const struct lockdown_spec *spec, int fd, struct rt_err *err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	int rc;

	if (spec->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED) {
		if (dprintf(fd, "# seccomp: unconfined (%s): no filter\n", spec->seccomp_ref) < 0)
			return rt_fail(err, errno, "lockdown: seccomp: write the filter");
		return 0;
	}
	ctx = build_ctx(spec, err);
	if (!ctx)
		return -1;
	rc = seccomp_export_pfc(ctx, fd);
	if (rc < 0)
		return rt_fail(err, -rc, "lockdown: seccomp: export the filter as PFC");
	return 0;
}
