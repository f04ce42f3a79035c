/*
 * entitlements/filter.c - the seccomp allowlist of a plan (seccomp(2), seccomp_rule_add(3)),
 * built from the system call groups and argument filters of the applied catalogue rows.
 *
 * For every system call the catalogue names, in this order of precedence (grants are a union,
 * so the widest wins):
 *   1. allowed outright, by the default allowlist or by an applied row: one ALLOW rule;
 *   2. allowed for some arguments by an argument filter: its non-overlapping rules;
 *   3. a dangerous group: ERRNO(EPERM); clone3: ERRNO(ENOSYS) so that libc falls back;
 *   4. otherwise no rule, hence the filter's default action, ERRNO(ENOSYS).
 * runtime/lockdown.c turns the rules into a filter with libseccomp; nothing here is numbered.
 * The rules are also read back here (ent_lockdown_match): which rule decides one call, as the
 * kernel's filter would, for the policy check and for ent-run learn's supervisor.
 */
#include "entitlements/grant.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct lockdown_rule *add_rule(struct lockdown_spec *ld, const char *syscall, uint8_t action,
                                      int32_t errnum, const char *why, struct rt_err *err)
{
	struct lockdown_rule *r = ent_lockdown_add_rule(ld, err);

	if (!r)
		return NULL;
	r->syscall = syscall; /* the catalogue's tables are static */
	r->action = action;
	r->errnum = errnum;
	r->why = why; /* the plan's string (ent_select), or ENT_WHY_DEFAULT */
	return r;
}

static int add_arg(struct lockdown_spec *ld, struct lockdown_rule *r, uint8_t index, uint8_t op,
                   uint64_t value, uint64_t value2, struct rt_err *err)
{
	return ent_lockdown_add_arg(ld, r, (struct lockdown_arg){ index, op, value, value2 }, err);
}

/* One rule with at most one condition: the shape most filter kinds need. */
static int add_cond(struct lockdown_spec *ld, const struct ent_sc_filter *f, uint8_t action,
                    uint8_t op, uint64_t value, uint64_t value2, const char *why,
                    struct rt_err *err)
{
	struct lockdown_rule *r =
	        add_rule(ld, f->syscall, action, action == LOCKDOWN_ERRNO ? EPERM : 0, why, err);

	if (!r)
		return -1;
	return add_arg(ld, r, f->arg, op, value, value2, err);
}

/* The values an ALLOW trie must leave out, and an extra condition each of its rules carries. */
struct trie {
	const char *syscall;
	uint8_t arg;
	const uint64_t *deny;
	unsigned n_deny;
	const struct lockdown_arg *extra; /* NULL, or ANDed into every rule */
	const char *why;
};

/*
 * ALLOW every value of t->arg whose low 32 bits are none of t->deny, as disjoint MASKED_EQ
 * rules: a binary trie over bits 31..0 that emits a rule for each subtree holding no denied
 * value. The upper 32 bits are never compared: the kernel truncates an int argument, so a
 * caller setting them must not slip past the EPERM rules (CVE-2019-10063 did this with
 * TIOCSTI).
 */
static int add_complement32(struct lockdown_spec *ld, const struct trie *t, uint64_t mask,
                            uint64_t value, int bit, struct rt_err *err)
{
	struct lockdown_rule *r;
	bool any = false;

	for (unsigned i = 0; i < t->n_deny; i++)
		any |= (t->deny[i] & mask) == value;
	if (!any) {
		r = add_rule(ld, t->syscall, LOCKDOWN_ALLOW, 0, t->why, err);
		if (!r)
			return -1;
		if (t->extra && ent_lockdown_add_arg(ld, r, *t->extra, err) < 0)
			return -1;
		return add_arg(ld, r, t->arg, LOCKDOWN_CMP_MASKED_EQ, mask, value, err);
	}
	if (bit < 0)
		return 0; /* exactly a denied value: its EPERM rule covers it */
	mask |= UINT64_C(1) << bit;
	if (add_complement32(ld, t, mask, value, bit - 1, err) < 0)
		return -1;
	return add_complement32(ld, t, mask, value | UINT64_C(1) << bit, bit - 1, err);
}

/*
 * EPERM when (low 32 bits of) arg == values[0] and arg2 == value2, ALLOW every other pair:
 * arg anything else, or arg == values[0] and arg2 anything else.
 */
static int add_deny_pair(struct lockdown_spec *ld, const struct ent_sc_filter *f, const char *why,
                         struct rt_err *err)
{
	const struct lockdown_arg first = { f->arg, LOCKDOWN_CMP_MASKED_EQ, 0xffffffffu,
		                            f->values[0] };
	struct trie t1 = { f->syscall, f->arg, f->values, 1, NULL, why };
	struct trie t2 = { f->syscall, f->arg2, &f->value2, 1, &first, why };
	struct lockdown_rule *r = add_rule(ld, f->syscall, LOCKDOWN_ERRNO, EPERM, why, err);

	if (!r || ent_lockdown_add_arg(ld, r, first, err) < 0 ||
	    add_arg(ld, r, f->arg2, LOCKDOWN_CMP_MASKED_EQ, 0xffffffffu, f->value2, err) < 0)
		return -1;
	if (add_complement32(ld, &t1, 0, 0, 31, err) < 0)
		return -1;
	return add_complement32(ld, &t2, 0, 0, 31, err);
}

/* Expand one argument filter into rules that cover each value once (see catalogue.h). */
static int add_filter_rules(struct lockdown_spec *ld, const struct ent_sc_filter *f,
                            const char *why, struct rt_err *err)
{
	uint64_t all = 0;
	int rc = 0;

	switch (f->kind) {
	case ENT_FILTER_ONLY_VALUE:
		if (add_cond(ld, f, LOCKDOWN_ALLOW, LOCKDOWN_CMP_EQ, f->values[0], 0, why, err) < 0)
			return -1;
		return add_cond(ld, f, LOCKDOWN_ERRNO, LOCKDOWN_CMP_NE, f->values[0], 0, why, err);
	case ENT_FILTER_VALUES:
		for (unsigned i = 0; i < f->n_values && !rc; i++)
			rc = add_cond(ld, f, LOCKDOWN_ALLOW, LOCKDOWN_CMP_EQ, f->values[i], 0, why,
			              err);
		return rc;
	case ENT_FILTER_DENY_FLAGS:
		for (unsigned i = 0; i < f->n_values; i++)
			all |= f->values[i];
		rc = add_cond(ld, f, LOCKDOWN_ALLOW, LOCKDOWN_CMP_MASKED_EQ, all, 0, why, err);
		for (unsigned i = 0; i < f->n_values && !rc; i++)
			rc = add_cond(ld, f, LOCKDOWN_ERRNO, LOCKDOWN_CMP_MASKED_EQ, f->values[i],
			              f->values[i], why, err);
		return rc;
	case ENT_FILTER_DENY_VALUES32:
		for (unsigned i = 0; i < f->n_values && !rc; i++)
			rc = add_cond(ld, f, LOCKDOWN_ERRNO, LOCKDOWN_CMP_MASKED_EQ, 0xffffffffu,
			              f->values[i], why, err);
		if (!rc) {
			struct trie t = { f->syscall, f->arg, f->values, f->n_values, NULL, why };

			rc = add_complement32(ld, &t, 0, 0, 31, err);
		}
		return rc;
	case ENT_FILTER_DENY_PAIR:
		return add_deny_pair(ld, f, why, err);
	}
	return rt_fail(err, 0, "entitlements: filter '%s' has an unknown kind", f->name);
}

static bool group_has(const struct ent_sc_group *g, const char *name)
{
	for (const char *const *s = g->syscalls; *s; s++) {
		if (!strcmp(*s, name))
			return true;
	}
	return false;
}

/*
 * Who allows the calls of group g outright: "default", an applied row's why, or NULL. Each
 * call is in one group at most (a unit test checks it), so the group decides; g < 0 (a call
 * only ever filtered, like ioctl) is allowed by nobody.
 */
static const char *allowed_by(const struct ent_selection *sel, int g)
{
	if (g < 0)
		return NULL;
	if (ent_sc_groups[g].deflt == ENT_SC_ALLOW)
		return ENT_WHY_DEFAULT;
	for (unsigned i = 0; i < sel->n; i++) {
		if (sel->items[i].row->sc_allow & (UINT32_C(1) << g))
			return sel->items[i].why;
	}
	return NULL;
}

/* The argument filter for name an applied row (or the baseline) asks for, and why. */
static const struct ent_sc_filter *filtered_by(const struct ent_selection *sel, const char *name,
                                               const char **why)
{
	for (int f = 0; f < SCF_COUNT; f++) {
		if (strcmp(ent_sc_filters[f].syscall, name))
			continue;
		for (unsigned i = 0; i < sel->n; i++) {
			if (sel->items[i].row->sc_filters & (UINT32_C(1) << f)) {
				*why = sel->items[i].why;
				return &ent_sc_filters[f];
			}
		}
		if (ent_sc_filters[f].baseline) {
			*why = ENT_WHY_DEFAULT;
			return &ent_sc_filters[f];
		}
	}
	return NULL;
}

/* The rules for one system call of group g (deflt: what it gets when nothing grants it). */
static int add_syscall(const struct ent_selection *sel, struct lockdown_spec *ld, const char *name,
                       int g, uint8_t deflt, struct rt_err *err)
{
	const char *why = allowed_by(sel, g);
	const struct ent_sc_filter *f;

	if (why)
		return add_rule(ld, name, LOCKDOWN_ALLOW, 0, why, err) ? 0 : -1;
	f = filtered_by(sel, name, &why);
	if (f)
		return add_filter_rules(ld, f, why, err);
	if (deflt == ENT_SC_DENY)
		return add_rule(ld, name, LOCKDOWN_ERRNO, EPERM, ENT_WHY_DEFAULT, err) ? 0 : -1;
	if (deflt == ENT_SC_ENOSYS)
		return add_rule(ld, name, LOCKDOWN_ERRNO, ENOSYS, ENT_WHY_DEFAULT, err) ? 0 : -1;
	return 0;
}

static bool in_any_group(const char *name)
{
	for (int g = 0; g < SCG_COUNT; g++) {
		if (group_has(&ent_sc_groups[g], name))
			return true;
	}
	return false;
}

int ent_filter_build(const struct ent_selection *sel, struct lockdown_spec *ld, struct rt_err *err)
{
	ld->seccomp_mode = LOCKDOWN_SECCOMP_FILTER;
	ld->seccomp_ref = "runtime/default";
	ld->default_action = LOCKDOWN_ERRNO;
	ld->default_errnum = ENOSYS;
	ent_lockdown_clear_rules(ld);
	for (int g = 0; g < SCG_COUNT; g++) {
		for (const char *const *s = ent_sc_groups[g].syscalls; *s; s++) {
			if (add_syscall(sel, ld, *s, g, ent_sc_groups[g].deflt, err) < 0)
				return -1;
		}
	}
	/* Calls that only ever appear filtered (ioctl, socket): no group lists them. */
	for (int f = 0; f < SCF_COUNT; f++) {
		const char *name = ent_sc_filters[f].syscall;
		bool done = false;

		for (int e = 0; e < f && !done; e++) /* one call, several filters: once */
			done = !strcmp(ent_sc_filters[e].syscall, name);
		if (done || in_any_group(name))
			continue;
		if (add_syscall(sel, ld, name, -1, ENT_SC_UNLISTED, err) < 0)
			return -1;
	}
	return 0;
}

bool ent_lockdown_cond_holds(const struct lockdown_arg *c, uint64_t v)
{
	switch (c->op) {
	case LOCKDOWN_CMP_NE:
		return v != c->value;
	case LOCKDOWN_CMP_LT:
		return v < c->value;
	case LOCKDOWN_CMP_LE:
		return v <= c->value;
	case LOCKDOWN_CMP_EQ:
		return v == c->value;
	case LOCKDOWN_CMP_GE:
		return v >= c->value;
	case LOCKDOWN_CMP_GT:
		return v > c->value;
	case LOCKDOWN_CMP_MASKED_EQ:
		return (v & c->value) == c->value2;
	}
	return false;
}

const struct lockdown_rule *ent_lockdown_match(const struct lockdown_spec *ld, const char *syscall,
                                               const uint64_t args[ENT_MAX_ARGS])
{
	for (unsigned i = 0; i < ld->n_rules; i++) {
		const struct lockdown_rule *r = &ld->rules[i];
		bool match = !strcmp(r->syscall, syscall);

		for (unsigned k = 0; k < r->n_args && match; k++)
			match = r->args[k].index < ENT_MAX_ARGS &&
			        ent_lockdown_cond_holds(&r->args[k], args[r->args[k].index]);
		if (match)
			return r;
	}
	return NULL;
}
