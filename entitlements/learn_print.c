/*
 * entitlements/learn_print.c - ent-run learn's report: the proposal as a profile file, the
 * evidence for each entitlement, what stays denied; or all of it as one JSON object.
 *
 * Pure: writes to the FILE * it is given.
 */
#include "entitlements/learn.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/*
 * "    connect needs network reach 'user': 3 calls, first in round 2: http: connect(...)", or
 * for a call the filter denied "    syscall mount: 1 call, first in round 1: probe: mount".
 */
static void print_evidence(FILE *log, const struct ent_need *n)
{
	char need[160];

	ent_need_text(n, need, sizeof(need));
	if (n->kind == ENT_NEED_CALL)
		fprintf(log, "    %s", need);
	else
		fprintf(log, "    %s needs %s", n->syscall, need);
	fprintf(log, ": %u call%s, first in round %u: %s\n", n->count, plural(n->count), n->round,
	        n->first);
}

static void print_text_log(FILE *log, const struct ent_learning *l, const struct ent_proposal *p,
                           const struct ent_learn_result *r)
{
	unsigned denied = 0;

	if (r->converged)
		fprintf(log, "learn: proposal after %u round%s:\n", r->rounds, plural(r->rounds));
	else if (r->stopped)
		fprintf(log, "learn: stopped in round %u (exit %d): the proposal so far:\n",
		        r->rounds, r->exit_code);
	else
		fprintf(log, "learn: proposal, still changing after %u rounds:\n", r->rounds);
	if (!p->n)
		fputs("  nothing beyond the default\n", log);
	for (unsigned i = 0; i < p->n; i++) {
		fprintf(log, "  %s%s\n", p->rows[i], p->learned[i] ? "" : " (asked for)");
		for (unsigned k = 0; k < l->n_needs; k++) {
			if (l->needs[k].granted_by == (int)i)
				print_evidence(log, &l->needs[k]);
		}
	}
	for (unsigned k = 0; k < l->n_needs; k++)
		denied += l->needs[k].granted_by < 0;
	if (denied)
		fputs("learn: denied, and no entitlement grants it:\n", log);
	for (unsigned k = 0; k < l->n_needs; k++) {
		if (l->needs[k].granted_by < 0)
			print_evidence(log, &l->needs[k]);
	}
	if (!l->caps_observed)
		fputs("learn: the kernel's capability checks were not observed: only what system "
		      "calls show was learned\n",
		      log);
	if (r->verified && r->verify_same)
		fprintf(log,
		        "learn: verify: the same: exit %d, as in round %u; nothing denied that "
		        "the proposal grants\n",
		        r->verify_exit_code, r->rounds);
	else if (r->verified)
		fprintf(log,
		        "learn: verify: different: exit %d (round %u: %d); %u need%s denied that "
		        "the proposal should grant\n",
		        r->verify_exit_code, r->rounds, r->exit_code, r->verify_denied,
		        plural(r->verify_denied));
}

static int print_text(FILE *out, FILE *log, const struct ent_learning *l,
                      const struct ent_proposal *p, const struct ent_learn_result *r)
{
	for (unsigned i = 0; i < p->n; i++)
		fprintf(out, "%s\n", p->rows[i]);
	print_text_log(log, l, p, r);
	return 0;
}

static void jadd(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *json_need(const struct ent_need *n, const char *entitlement)
{
	struct json_object *o = json_object_new_object();
	char need[160];

	ent_need_text(n, need, sizeof(need));
	if (entitlement)
		jadd(o, "entitlement", json_object_new_string(entitlement));
	jadd(o, "syscall", json_object_new_string(n->syscall));
	jadd(o, "need", json_object_new_string(need));
	jadd(o, "count", json_object_new_int64(n->count));
	jadd(o, "first", json_object_new_string(n->first));
	jadd(o, "round", json_object_new_int64(n->round));
	return o;
}

static struct json_object *json_report(const struct ent_learning *l, const struct ent_proposal *p,
                                       const struct ent_learn_result *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rows = json_object_new_array();
	struct json_object *learned = json_object_new_array();
	struct json_object *evidence = json_object_new_array();
	struct json_object *denied = json_object_new_array();
	struct json_object *verify = NULL;

	for (unsigned i = 0; i < p->n; i++) {
		json_object_array_add(rows, json_object_new_string(p->rows[i]));
		if (p->learned[i])
			json_object_array_add(learned, json_object_new_string(p->rows[i]));
	}
	for (unsigned i = 0; i < l->n_needs; i++) {
		const struct ent_need *n = &l->needs[i];

		if (n->granted_by >= 0 && (unsigned)n->granted_by < p->n)
			json_object_array_add(evidence, json_need(n, p->rows[n->granted_by]));
		else
			json_object_array_add(denied, json_need(n, NULL));
	}
	if (r->verified) {
		verify = json_object_new_object();
		jadd(verify, "same", json_object_new_boolean(r->verify_same));
		jadd(verify, "exit_code", json_object_new_int(r->verify_exit_code));
		jadd(verify, "denied", json_object_new_int64(r->verify_denied));
	}
	jadd(o, "entitlements", rows);
	jadd(o, "learned", learned);
	jadd(o, "evidence", evidence);
	jadd(o, "denied", denied);
	jadd(o, "exit_code", json_object_new_int(r->exit_code));
	jadd(o, "rounds", json_object_new_int64(r->rounds));
	jadd(o, "converged", json_object_new_boolean(r->converged));
	jadd(o, "stopped", json_object_new_boolean(r->stopped));
	jadd(o, "capabilities_observed", json_object_new_boolean(l->caps_observed));
	jadd(o, "verify", verify);
	return o;
}

int ent_learn_print(FILE *out, FILE *log, bool json, const struct ent_learning *l,
                    const struct ent_proposal *p, const struct ent_learn_result *r,
                    struct rt_err *err)
{
	struct json_object *o;

	if (!json) {
		print_text(out, log, l, p, r);
	} else {
		o = json_report(l, p, r);
		if (!o)
			return rt_fail(err, ENOMEM, "learn: build the json report");
		fprintf(out, "%s\n",
		        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	if (fflush(out) == EOF || ferror(out))
		return rt_fail(err, errno, "learn: write the report");
	fflush(log);
	return 0;
}
