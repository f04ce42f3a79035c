/*
 * entitlements/plan.c - a plan's memory: the plan itself, its string arena and its seccomp
 * rules. Pure code: malloc and free only.
 */
#include "entitlements/ent.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STRINGS_BLOCK 4000 /* bytes of one arena block: a default plan's strings fit in one */

/* A block of the arena; blocks never move, so the strings in them never do. */
struct ent_strings {
	struct ent_strings *next;
	size_t used;
	size_t size;
	char data[];
};

/* A copy of the first len bytes of s in the arena at *head, or NULL on ENOMEM. */
static const char *strings_add(struct ent_strings **head, const char *s, size_t len)
{
	struct ent_strings *b = *head;
	char *copy;

	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > STRINGS_BLOCK ? len + 1 : STRINGS_BLOCK;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = *head;
		b->used = 0;
		b->size = size;
		*head = b;
	}
	copy = b->data + b->used;
	memcpy(copy, s, len);
	copy[len] = '\0';
	b->used += len + 1;
	return copy;
}

static void strings_free(struct ent_strings **head)
{
	while (*head) {
		struct ent_strings *next = (*head)->next;

		free(*head);
		*head = next;
	}
}

struct ent_plan *ent_plan_new(struct rt_err *err)
{
	struct ent_plan *plan = calloc(1, sizeof(*plan));

	if (!plan)
		rt_fail(err, ENOMEM, "entitlements: allocate the plan");
	return plan;
}

void ent_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void ent_plan_free(struct ent_plan *plan)
{
	if (!plan)
		return;
	ent_strv_free(plan->proc.argv);
	ent_strv_free(plan->proc.env);
	ent_hooks_clear(&plan->hooks);
	ent_lockdown_free(&plan->lockdown);
	strings_free(&plan->strings);
	free(plan);
}

const char *ent_plan_strn(struct ent_plan *plan, const char *s, size_t len)
{
	const char *copy = strings_add(&plan->strings, s, len);

	if (!copy) {
		plan->strings_failed = true;
		return "";
	}
	return copy;
}

const char *ent_plan_str(struct ent_plan *plan, const char *s)
{
	return ent_plan_strn(plan, s, strlen(s));
}

struct lockdown_rule *ent_lockdown_add_rule(struct lockdown_spec *lockdown, struct rt_err *err)
{
	struct lockdown_rule *r;

	if (lockdown->n_rules >= ENT_MAX_RULES) {
		rt_fail(err, 0, "entitlements: too many seccomp rules (at most %d)", ENT_MAX_RULES);
		return NULL;
	}
	/*
	 * Room for the most rules at once (32 KB): the kernel hands out only the pages the rules
	 * touch, where growing by doubling would copy them and leave the old arrays behind.
	 */
	if (!lockdown->rules) {
		void *rules = malloc(ENT_MAX_RULES * sizeof(*lockdown->rules));

		if (!rules) {
			rt_fail(err, ENOMEM, "entitlements: seccomp rules");
			return NULL;
		}
		lockdown->rules = rules;
	}
	r = &lockdown->rules[lockdown->n_rules++];
	memset(r, 0, sizeof(*r));
	return r;
}

int ent_lockdown_add_arg(struct lockdown_spec *lockdown, struct lockdown_rule *r,
                         struct lockdown_arg c, struct rt_err *err)
{
	struct lockdown_arg *pool = lockdown->arg_pool, *end;
	unsigned n = r->n_args;
	bool move;

	if (n >= ENT_MAX_ARGS)
		return rt_fail(err, 0, "entitlements: seccomp rule for %s: more than %d conditions",
		               r->syscall, ENT_MAX_ARGS);
	/* Room for every rule's conditions at once, as for the rules: only touched pages are
	 * real. */
	if (!pool) {
		pool = malloc(ENT_MAX_RULES * ENT_MAX_ARGS * sizeof(*pool));
		if (!pool)
			return rt_fail(err, ENOMEM, "entitlements: seccomp rule conditions");
		lockdown->arg_pool = pool;
	}
	end = pool + lockdown->n_args_used;
	/*
	 * A rule's conditions are consecutive in the pool. Those of the rule added last grow in
	 * place; a rule whose conditions are not at the end (one copied or extended later, as
	 * ent-run learn does) moves them there first.
	 */
	move = !n || r->args + n != end;
	if (lockdown->n_args_used + (move ? n : 0) + 1 > ENT_MAX_RULES * ENT_MAX_ARGS)
		return rt_fail(err, 0,
		               "entitlements: too many seccomp rule conditions (at most %d)",
		               ENT_MAX_RULES * ENT_MAX_ARGS);
	if (move) {
		if (n)
			memcpy(end, r->args, n * sizeof(*end));
		r->args = end;
		lockdown->n_args_used += n;
		end += n;
	}
	*end = c; /* the pool's memory: r->args is const only to its readers (plan.h) */
	lockdown->n_args_used++;
	r->n_args++;
	return 0;
}

int ent_lockdown_copy_rule(struct lockdown_spec *lockdown, struct lockdown_rule *dst,
                           const struct lockdown_rule *src, struct rt_err *err)
{
	*dst = *src;
	dst->args = NULL;
	dst->n_args = 0;
	for (unsigned k = 0; k < src->n_args; k++) {
		if (ent_lockdown_add_arg(lockdown, dst, src->args[k], err) < 0)
			return -1;
	}
	return 0;
}

void ent_lockdown_clear_rules(struct lockdown_spec *lockdown)
{
	lockdown->n_rules = 0;
	lockdown->n_args_used = 0;
}

const char *ent_lockdown_str(struct lockdown_spec *lockdown, const char *s)
{
	return strings_add(&lockdown->strings, s, strlen(s));
}

void ent_hooks_clear(struct ent_hooks *hooks)
{
	for (unsigned i = 0; i < hooks->n; i++) {
		ent_strv_free(hooks->list[i].argv);
		ent_strv_free(hooks->list[i].env);
	}
	hooks->n = 0;
}

void ent_lockdown_free(struct lockdown_spec *lockdown)
{
	free(lockdown->rules);
	lockdown->rules = NULL;
	lockdown->n_rules = 0;
	free(lockdown->arg_pool);
	lockdown->arg_pool = NULL;
	lockdown->n_args_used = 0;
	strings_free(&lockdown->strings);
}
