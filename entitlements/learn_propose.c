/*
 * entitlements/learn_propose.c - the least entitlements that meet every need learned, through
 * the catalogue: the same table, compiler and grant comparison as a run and the node policy.
 *
 * A candidate proposal is compiled into a plan like any request, and judged on the plan: does
 * it meet each need (ent_need_satisfied), and how much more than the request does it grant
 * (ent_policy_check_grants, the policy's own count of capabilities, system calls, namespaces,
 * network reach, devices)? For each need in the order it showed, when the proposal so far does
 * not meet it, the catalogue row that meets it with the fewest extra grants joins (a higher
 * level of its domain replaces a lower one); a need no row meets stays denied and is not
 * proposed. Then every learned row is lowered, or dropped, as far as the needs allow: a flag
 * chosen first (security.memory-lock for mlock) is dropped when a level chosen later
 * (security.access=admin for mount) grants it too.
 */
#include "entitlements/learn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "entitlements/catalogue.h"
#include "entitlements/policy.h"

#define FROM_LEARN "learn"

/* One entitlement of a proposal: its catalogue row and canonical text. */
struct pick {
	const struct ent_entry *row;
	char text[ENT_LEARN_TEXT_MAX];
	bool learned;
};

/* A search: the request copied once, and the picks so far (the request's first). */
struct search {
	struct ent_request *req; /* base's copy; the learned texts are appended for each compile */
	unsigned n_base_items;   /* base->n_entitlements */
	struct pick picks[ENT_LEARN_MAX_ROWS];
	unsigned n;
	struct ent_plan *base_plan;
};

/*
 * Compile the request with picks (all of them, or all but skip, or with row replacing
 * picks[at] / appended when at == n). NULL when it does not compile (a candidate that cannot
 * be, say --publish below proxy), with err set.
 */
static struct ent_plan *compile_picks(struct search *s, const struct pick *picks, unsigned n,
                                      struct rt_err *err)
{
	struct ent_plan *plan = ent_plan_new(err);
	unsigned k = s->n_base_items;

	if (!plan)
		return NULL;
	for (unsigned i = 0; i < n && k < ENT_MAX_REQ_ITEMS; i++) {
		if (!picks[i].learned)
			continue;
		s->req->entitlements[k] = picks[i].text;
		s->req->entitlement_from[k++] = FROM_LEARN;
	}
	s->req->n_entitlements = k;
	if (ent_compile(s->req, plan, err) < 0) {
		ent_plan_free(plan);
		return NULL;
	}
	return plan;
}

/* Extra grants of plan beyond the request's own plan: the policy check's count. */
static unsigned cost_of(const struct search *s, const struct ent_plan *plan)
{
	struct ent_allowed base = { .plans = { s->base_plan }, .n = 1 };
	struct ent_verdict *v = calloc(1, sizeof(*v));
	unsigned cost;

	if (!v)
		return ~0u;
	ent_policy_check_grants(plan, &base, v);
	cost = v->n_missing + (v->truncated ? ENT_MISSING_MAX : 0);
	free(v);
	return cost;
}

/* The learned pick of key in picks, or -1. */
static int find_learned(const struct pick *picks, unsigned n, const char *key)
{
	for (unsigned i = 0; i < n; i++) {
		if (picks[i].learned && !strcmp(picks[i].row->key, key))
			return (int)i;
	}
	return -1;
}

/*
 * The level in force for row's key: the highest of the picks', else the domain's default (-1
 * for a flag nobody asked for).
 */
static int level_in_force(const struct pick *picks, unsigned n, const struct ent_entry *row)
{
	int level = -1;

	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(picks[i].row->key, row->key) && (int)picks[i].row->level > level)
			level = picks[i].row->level;
	}
	for (size_t e = 0; level < 0 && e < ent_n_entries; e++) {
		if (!strcmp(ent_entries[e].key, row->key) && ent_entries[e].is_default)
			level = ent_entries[e].level;
	}
	return level;
}

/*
 * picks with row in: replacing the learned pick of its domain, or added (the request's own
 * entitlements stay). false when the proposal is full.
 */
static bool with_row(const struct pick *picks, unsigned n, const struct ent_entry *row,
                     struct pick *out, unsigned *n_out)
{
	int at = find_learned(picks, n, row->key);

	memcpy(out, picks, n * sizeof(*picks));
	*n_out = n;
	if (at < 0) {
		if (n >= ENT_LEARN_MAX_ROWS)
			return false;
		at = (int)(*n_out)++;
	}
	out[at].row = row;
	out[at].learned = true;
	ent_entry_name(row, out[at].text, sizeof(out[at].text));
	return true;
}

/* Could row raise what the picks grant? A higher level of a domain, or a flag not yet in. */
static bool candidate(const struct pick *picks, unsigned n, const struct ent_entry *row)
{
	if (row->kind == ENT_KIND_PATH)
		return false;
	return (int)row->level > level_in_force(picks, n, row) ||
	       (row->kind == ENT_KIND_FLAG && level_in_force(picks, n, row) < 0);
}

/* The cheapest catalogue row that makes the picks meet need: s->picks gets it. 1, or 0: none. */
static bool add_cheapest(struct search *s, const struct ent_need *need)
{
	struct pick best[ENT_LEARN_MAX_ROWS], trial[ENT_LEARN_MAX_ROWS];
	unsigned best_cost = ~0u, n_best = 0, n_trial;

	for (size_t e = 0; e < ent_n_entries; e++) {
		struct rt_err ignored = { 0 };
		struct ent_plan *plan;
		unsigned cost;

		if (!candidate(s->picks, s->n, &ent_entries[e]) ||
		    !with_row(s->picks, s->n, &ent_entries[e], trial, &n_trial))
			continue;
		plan = compile_picks(s, trial, n_trial, &ignored);
		if (!plan)
			continue;
		if (ent_need_satisfied(need, plan)) {
			cost = cost_of(s, plan);
			if (cost < best_cost) {
				best_cost = cost;
				memcpy(best, trial, n_trial * sizeof(*trial));
				n_best = n_trial;
			}
		}
		ent_plan_free(plan);
	}
	if (!n_best)
		return false;
	memcpy(s->picks, best, n_best * sizeof(*best));
	s->n = n_best;
	return true;
}

/* Does the plan of picks meet every need of l that the current picks meet? */
static bool meets_all(struct search *s, const struct pick *picks, unsigned n,
                      const struct ent_learning *l, const bool *grantable)
{
	struct rt_err ignored = { 0 };
	struct ent_plan *plan = compile_picks(s, picks, n, &ignored);
	bool ok = plan != NULL;

	for (unsigned i = 0; ok && i < l->n_needs; i++)
		ok = !grantable[i] || ent_need_satisfied(&l->needs[i], plan);
	ent_plan_free(plan);
	return ok;
}

/*
 * Lower each learned pick as far as the needs allow: drop it, or else take the lowest level of
 * its domain above the one in force without it that still meets every need.
 */
static void lower_picks(struct search *s, const struct ent_learning *l, const bool *grantable)
{
	struct pick without[ENT_LEARN_MAX_ROWS], trial[ENT_LEARN_MAX_ROWS];
	unsigned n_without, n_trial;

	for (unsigned i = 0; i < s->n; i++) {
		const struct ent_entry *row = s->picks[i].row;

		if (!s->picks[i].learned)
			continue;
		memcpy(without, s->picks, i * sizeof(*without));
		memcpy(without + i, s->picks + i + 1, (s->n - i - 1) * sizeof(*without));
		n_without = s->n - 1;
		if (meets_all(s, without, n_without, l, grantable)) {
			memcpy(s->picks, without, n_without * sizeof(*without));
			s->n = n_without;
			i--;
			continue;
		}
		for (size_t e = 0; row->kind == ENT_KIND_LEVEL && e < ent_n_entries; e++) {
			const struct ent_entry *lower = &ent_entries[e];

			if (strcmp(lower->key, row->key) || lower->level >= row->level ||
			    !candidate(without, n_without, lower) ||
			    !with_row(s->picks, s->n, lower, trial, &n_trial))
				continue;
			if (meets_all(s, trial, n_trial, l, grantable)) {
				memcpy(s->picks, trial, n_trial * sizeof(*trial));
				break;
			}
		}
	}
}

/* The request's own entitlements as picks: the highest level of each domain, flags, paths. */
static int base_picks(struct search *s, struct rt_err *err)
{
	const struct ent_plan *plan = s->base_plan;
	struct ent_grant_req *req = calloc(1, sizeof(*req));
	int rc = 0;

	if (!req)
		return rt_fail(err, ENOMEM, "learn: the request's entitlements");
	for (unsigned i = 0; i < plan->n_grants && rc == 0; i++) {
		struct pick *p = NULL;

		rc = ent_parse(plan->grants[i].text, req, err);
		if (rc < 0)
			break;
		for (unsigned k = 0; k < s->n && !p; k++) {
			if (req->entry->kind == ENT_KIND_LEVEL &&
			    s->picks[k].row->kind == ENT_KIND_LEVEL &&
			    !strcmp(s->picks[k].row->key, req->entry->key))
				p = &s->picks[k];
		}
		if (p && p->row->level >= req->entry->level)
			continue;
		if (!p && s->n >= ENT_LEARN_MAX_ROWS) {
			rc = rt_fail(err, 0, "learn: too many entitlements (at most %d)",
			             ENT_LEARN_MAX_ROWS);
			break;
		}
		if (strlen(req->text) >= sizeof(p->text)) {
			rc = rt_fail(err, 0, "learn: entitlement too long: %.60s...", req->text);
			break;
		}
		if (!p)
			p = &s->picks[s->n++];
		p->row = req->entry;
		p->learned = false;
		memcpy(p->text, req->text, strlen(req->text) + 1); /* it fits: checked above */
	}
	free(req);
	return rc;
}

/* The pick that grants need: the first that meets it alone, else the first learned one. */
static int granting_pick(struct search *s, const struct ent_need *need, struct ent_plan **alone)
{
	int first_learned = -1;

	for (unsigned i = 0; i < s->n; i++) {
		if (alone[i] && ent_need_satisfied(need, alone[i]))
			return (int)i;
		if (first_learned < 0 && s->picks[i].learned)
			first_learned = (int)i;
	}
	return first_learned;
}

/* Order the picks as the catalogue lists them, so that a proposal always reads the same. */
static void sort_picks(struct search *s)
{
	for (unsigned i = 1; i < s->n; i++) {
		for (unsigned j = i; j > 0 && s->picks[j].row < s->picks[j - 1].row; j--) {
			struct pick t = s->picks[j];

			s->picks[j] = s->picks[j - 1];
			s->picks[j - 1] = t;
		}
	}
}

/*
 * Each need's granting pick (-1: none), from each pick compiled alone, with the request's
 * options but none of its other entitlements.
 */
static void attribute(struct search *s, struct ent_learning *l, const bool *grantable)
{
	struct ent_plan *alone[ENT_LEARN_MAX_ROWS] = { NULL };
	const char *first = s->req->entitlements[0], *first_from = s->req->entitlement_from[0];
	unsigned n_base = s->n_base_items;

	s->n_base_items = 0;
	for (unsigned i = 0; i < s->n; i++) {
		struct rt_err ignored = { 0 };
		struct pick one = s->picks[i];

		one.learned = true;
		alone[i] = compile_picks(s, &one, 1, &ignored);
	}
	s->n_base_items = n_base;
	s->req->entitlements[0] = first;
	s->req->entitlement_from[0] = first_from;
	for (unsigned i = 0; i < l->n_needs; i++)
		l->needs[i].granted_by = grantable[i] ? granting_pick(s, &l->needs[i], alone) : -1;
	for (unsigned i = 0; i < s->n; i++)
		ent_plan_free(alone[i]);
}

/*
 * The picks into out, in catalogue order; a level of the request's that learn raised is left
 * out (the higher one says it all), and the needs it granted move to the raised one.
 */
static int write_proposal(const struct search *s, struct ent_learning *l, struct ent_proposal *out)
{
	int map[ENT_LEARN_MAX_ROWS];

	for (unsigned i = 0; i < s->n; i++) {
		const struct pick *p = &s->picks[i];
		int over = find_learned(s->picks, s->n, p->row->key);

		map[i] = -1;
		if (!p->learned && p->row->kind == ENT_KIND_LEVEL && over >= 0 &&
		    s->picks[over].row->level > p->row->level)
			continue;
		map[i] = (int)out->n;
		snprintf(out->rows[out->n], sizeof(out->rows[out->n]), "%s", p->text);
		out->learned[out->n++] = p->learned;
	}
	for (unsigned i = 0; i < s->n; i++) {
		if (map[i] < 0)
			map[i] = map[find_learned(s->picks, s->n, s->picks[i].row->key)];
	}
	for (unsigned i = 0; i < l->n_needs; i++) {
		int g = l->needs[i].granted_by;

		if (g >= (int)s->n)
			return -1;
		l->needs[i].granted_by = g < 0 ? -1 : map[g];
	}
	return 0;
}

static int search(struct search *s, struct ent_learning *l, bool *grantable, struct rt_err *err)
{
	struct ent_plan *plan;

	if (base_picks(s, err) < 0)
		return -1;
	for (unsigned i = 0; i < l->n_needs; i++) {
		plan = compile_picks(s, s->picks, s->n, err);
		if (!plan)
			return -1;
		grantable[i] = ent_need_satisfied(&l->needs[i], plan);
		ent_plan_free(plan);
		if (grantable[i])
			continue;
		grantable[i] = add_cheapest(s, &l->needs[i]);
	}
	lower_picks(s, l, grantable);
	sort_picks(s);
	attribute(s, l, grantable);
	return 0;
}

int ent_learn_propose(const struct ent_request *base, struct ent_learning *l,
                      struct ent_proposal *out, struct rt_err *err)
{
	struct search s = { .n_base_items = base->n_entitlements };
	bool *grantable = calloc(l->n_needs + 1, sizeof(*grantable));
	int rc = -1;

	memset(out, 0, sizeof(*out));
	s.req = malloc(sizeof(*s.req));
	if (!s.req || !grantable) {
		rt_fail(err, ENOMEM, "learn: propose entitlements");
		goto out;
	}
	*s.req = *base;
	s.req->learn = false;
	s.base_plan = compile_picks(&s, NULL, 0, err);
	if (!s.base_plan || search(&s, l, grantable, err) < 0)
		goto out;
	if (write_proposal(&s, l, out) < 0) {
		rt_fail(err, 0, "learn: propose entitlements");
		goto out;
	}
	rc = 0;
out:
	ent_plan_free(s.base_plan);
	free(s.req);
	free(grantable);
	return rc;
}

bool ent_proposal_equal(const struct ent_proposal *a, const struct ent_proposal *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n; i++) {
		if (strcmp(a->rows[i], b->rows[i]) || a->learned[i] != b->learned[i])
			return false;
	}
	return true;
}

void ent_proposal_learned_text(const struct ent_proposal *p, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < p->n && len < size; i++) {
		if (p->learned[i])
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " " : "",
			                        p->rows[i]);
	}
}
