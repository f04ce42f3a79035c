/*
 * entitlements/seccomp_json.c - import an OCI or Docker/containers seccomp profile (JSON, read
 * with json-c) into the plan's lockdown rules.
 *
 *   { "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
 *     "archMap": [ { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": [ ... ] } ],
 *     "syscalls": [ { "names": [ "read", "write" ], "action": "SCMP_ACT_ALLOW" },
 *                   { "names": [ "personality" ], "action": "SCMP_ACT_ALLOW",
 *                     "args": [ { "index": 0, "value": 8, "op": "SCMP_CMP_EQ" } ],
 *                     "includes": { "caps": [ "CAP_SYS_ADMIN" ], "arches": [ "amd64" ] } } ] }
 *
 * Pure code: the caller reads the file. libseccomp and libcap are used for name lookups only.
 * Every error is one line naming the profile, the JSON location and the reason. What json-c
 * accepts and a profile must not hold (duplicate keys, huge numbers) is refused by
 * seccomp_json_scan.c; which entries apply here is decided in seccomp_json_match.c.
 */
#include "entitlements/seccomp_json.h"
#include "entitlements/seccomp_json_internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "entitlements/names.h"

#define ARG_INDEX_MAX 5
/* libseccomp's older name for SCMP_ACT_KILL_THREAD, which profiles still use. */
#define KILL_ALIAS "SCMP_ACT_KILL"

/* The names of a table's rows' oci column, "A, B, C", for an error message. */
#define LIST_NAMES(table, n, buf)                                                        \
	do {                                                                             \
		(buf)[0] = '\0';                                                         \
		for (size_t i_ = 0; i_ < (n); i_++)                                      \
			snprintf((buf) + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", \
			         i_ ? ", " : "", (table)[i_].oci);                       \
	} while (0)

const char *ent_seccomp_action_name(unsigned action)
{
	const struct ent_seccomp_action *row = ent_seccomp_action_row(action);

	return row ? row->oci : NULL;
}

const char *ent_seccomp_op_name(unsigned op)
{
	const struct ent_seccomp_cmp *row = ent_seccomp_cmp_row(op);

	return row ? row->oci : NULL;
}

/* The action (enum lockdown_action) a profile names, or -1 with the error. */
static int action_of(const struct import *im, const char *path, const char *name)
{
	char list[256];

	if (strcmp(name, KILL_ALIAS) == 0)
		return LOCKDOWN_KILL_THREAD;
	/* A notify rule waits for a seccomp agent (OCI's listenerPath); ent-run runs none. */
	if (strcmp(name, ent_seccomp_actions[LOCKDOWN_NOTIFY].oci) == 0)
		return ent_sj_fail(im, path, "%s needs a seccomp agent, which ent-run does not run",
		                   name);
	for (unsigned i = 0; i < LOCKDOWN_N_ACTIONS; i++)
		if (strcmp(ent_seccomp_actions[i].oci, name) == 0)
			return (int)i;
	LIST_NAMES(ent_seccomp_actions, LOCKDOWN_NOTIFY, list); /* NOTIFY, the last, is learn's */
	return ent_sj_fail(im, path, "unknown action '%s' (expected: %s, or %s)", name, list,
	                   KILL_ALIAS);
}

/*
 * An errnoRet (or defaultErrnoRet) for action; EPERM when absent. Every integer is
 * from 0 to 2^64-1 (ent_sj_scan), so json-c holds it exactly as a uint64.
 */
static int errno_of(const struct import *im, const char *path, int action, struct json_object *v,
                    int32_t *errnum)
{
	int32_t max_data = ent_seccomp_actions[action].max_data;
	uint64_t n;

	*errnum = max_data ? EPERM : 0;
	if (!v)
		return 0;
	n = json_object_get_uint64(v);
	if (!max_data)
		return ent_sj_fail(im, path,
		                   "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value");
	if (n > (uint64_t)max_data)
		return ent_sj_fail(im, path, "%llu is out of range (0-%d)", (unsigned long long)n,
		                   (int)max_data);
	*errnum = (int32_t)n;
	return 0;
}

static int uint_member(const struct import *im, const char *path, struct json_object *obj,
                       const char *key, int required, uint64_t *value)
{
	struct json_object *v;

	*value = 0;
	if (ent_sj_member(im, path, obj, key, json_type_int, required, &v) < 0)
		return -1;
	if (v)
		*value = json_object_get_uint64(v);
	return 0;
}

/* One argument condition: {index, value, valueTwo, op}. */
static int parse_arg(const struct import *im, const char *path, struct json_object *obj,
                     struct lockdown_arg *arg)
{
	struct json_object *op;
	char where[JSON_PATH_MAX];
	char list[160];
	uint64_t index;
	unsigned i = 0;

	if (!json_object_is_type(obj, json_type_object))
		return ent_sj_fail(im, path, "expected object, got %s", ent_sj_type_name(obj));
	if (uint_member(im, path, obj, "index", 1, &index) < 0 ||
	    uint_member(im, path, obj, "value", 0, &arg->value) < 0 ||
	    uint_member(im, path, obj, "valueTwo", 0, &arg->value2) < 0 ||
	    ent_sj_member(im, path, obj, "op", json_type_string, 1, &op) < 0)
		return -1;
	if (index > ARG_INDEX_MAX) {
		ent_sj_at(where, "%s.index", path);
		return ent_sj_fail(im, where, "%llu is out of range (0-%d)",
		                   (unsigned long long)index, ARG_INDEX_MAX);
	}
	arg->index = (uint8_t)index;
	while (i < LOCKDOWN_N_CMPS && strcmp(ent_seccomp_cmps[i].oci, json_object_get_string(op)))
		i++;
	if (i == LOCKDOWN_N_CMPS) {
		ent_sj_at(where, "%s.op", path);
		LIST_NAMES(ent_seccomp_cmps, LOCKDOWN_N_CMPS, list);
		return ent_sj_fail(im, where, "unknown operator '%s' (expected: %s)",
		                   json_object_get_string(op), list);
	}
	arg->op = (uint8_t)i;
	/*
	 * (arg & value) == valueTwo can never hold when valueTwo has bits outside the mask;
	 * libseccomp would drop them, and so compare with something else than was written.
	 */
	if (arg->op == LOCKDOWN_CMP_MASKED_EQ && (arg->value2 & ~arg->value)) {
		ent_sj_at(where, "%s.valueTwo", path);
		return ent_sj_fail(im, where,
		                   "0x%llx has bits outside the mask value 0x%llx: the condition "
		                   "could never hold",
		                   (unsigned long long)arg->value2, (unsigned long long)arg->value);
	}
	return 0;
}

/*
 * The template rule of one entry: action, errnum, conditions (in args, room for ENT_MAX_ARGS);
 * the name is filled per name.
 */
static int parse_rule(const struct import *im, const char *path, struct json_object *entry,
                      struct lockdown_rule *rule, struct lockdown_arg *args_out)
{
	struct json_object *action, *ret, *args;
	char where[JSON_PATH_MAX];
	int act;

	memset(rule, 0, sizeof(*rule));
	if (ent_sj_member(im, path, entry, "action", json_type_string, 1, &action) < 0 ||
	    ent_sj_member(im, path, entry, "errnoRet", json_type_int, 0, &ret) < 0 ||
	    ent_sj_member(im, path, entry, "args", json_type_array, 0, &args) < 0)
		return -1;
	ent_sj_at(where, "%s.action", path);
	act = action_of(im, where, json_object_get_string(action));
	if (act < 0)
		return -1;
	rule->action = (uint8_t)act;
	ent_sj_at(where, "%s.errnoRet", path);
	if (errno_of(im, where, act, ret, &rule->errnum) < 0)
		return -1;
	if (args && json_object_array_length(args) > ENT_MAX_ARGS) {
		ent_sj_at(where, "%s.args", path);
		return ent_sj_fail(im, where, "more than %d conditions", ENT_MAX_ARGS);
	}
	rule->args = args_out;
	for (size_t i = 0; args && i < json_object_array_length(args); i++) {
		ent_sj_at(where, "%s.args[%zu]", path, i);
		if (parse_arg(im, where, json_object_array_get_idx(args, i), &args_out[i]) < 0)
			return -1;
		/* libseccomp takes one comparison per argument in a rule (EINVAL otherwise). */
		for (size_t k = 0; k < i; k++) {
			if (args_out[k].index != args_out[i].index)
				continue;
			ent_sj_at(where, "%s.args[%zu].index", path, i);
			return ent_sj_fail(im, where,
			                   "argument %u is already compared by args[%zu]",
			                   (unsigned)args_out[i].index, k);
		}
		rule->n_args++;
	}
	rule->why = ent_lockdown_str(im->out, path);
	return rule->why ? 0 : ent_sj_fail(im, path, "out of memory");
}

/* clang-format off */
/*
 * Linux system calls newer than libseccomp 2.5 can name (Linux 6.6 to 6.17). Current profiles
 * list them; the filter cannot, so a call of theirs meets the filter's default action.
 */
static const char *const newer_syscalls[] = {
	"statmount", "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
	"mseal", "uretprobe", "setxattrat", "getxattrat", "listxattrat", "removexattrat",
	"open_tree_attr", "file_getattr", "file_setattr", "riscv_hwprobe",
};
/* clang-format on */

/*
 * A name libseccomp cannot resolve: a real but newer system call may be left out when that
 * weakens nothing (an allow rule, or any rule under a default that denies: the call is then
 * denied by the default); under a default that allows everything, a rule denying it could
 * not be enforced. Anything else is a typo. Returns 0 to skip the name, or -1 with the error.
 */
static int unknown_name(struct import *im, const char *where, const char *name,
                        const struct lockdown_rule *tmpl)
{
	bool newer = false;

	for (size_t i = 0; i < sizeof(newer_syscalls) / sizeof(newer_syscalls[0]); i++)
		newer = newer || !strcmp(name, newer_syscalls[i]);
	if (!newer)
		return ent_sj_fail(im, where, "unknown syscall '%s'", name);
	if (tmpl->action != LOCKDOWN_ALLOW && im->out->default_action == LOCKDOWN_ALLOW)
		return ent_sj_fail(im, where, "cannot deny '%s': libseccomp %d.%d does not know it",
		                   name, SCMP_VER_MAJOR, SCMP_VER_MINOR);
	return 0;
}

/* Add one rule per name that exists on this architecture. */
static int add_names(struct import *im, const char *path, struct json_object *names,
                     const struct lockdown_rule *tmpl)
{
	struct lockdown_spec *out = im->out;
	char where[JSON_PATH_MAX];

	ent_sj_at(where, "%s.names", path);
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		const char *name = ent_sj_string_at(im, where, names, i);
		struct lockdown_rule *rule;
		int nr;

		if (!name)
			return -1;
		nr = strlen(name) < ENT_NAME_MAX ? seccomp_syscall_resolve_name(name)
		                                 : __NR_SCMP_ERROR;
		if (nr == __NR_SCMP_ERROR) {
			ent_sj_at(where, "%s.names[%zu]", path, i);
			if (unknown_name(im, where, name, tmpl) < 0)
				return -1;
			continue;
		}
		if (nr < 0) /* known, but not on this architecture */
			continue;
		if (out->n_rules >= ENT_MAX_RULES)
			return ent_sj_fail(im, where, "more than %d rules", ENT_MAX_RULES);
		im->nrs[out->n_rules] = nr;
		rule = ent_lockdown_add_rule(out, im->err);
		if (!rule)
			return -1;
		if (ent_lockdown_copy_rule(out, rule, tmpl, im->err) < 0) {
			ent_sj_at(where, "%s.names[%zu]", path, i);
			return ent_sj_fail(im, where, "more than %d conditions in all",
			                   ENT_MAX_RULES * ENT_MAX_ARGS);
		}
		rule->syscall = ent_lockdown_str(out, name);
		if (!rule->syscall)
			return ent_sj_fail(im, where, "out of memory");
	}
	return 0;
}

static int parse_entry(struct import *im, size_t index, struct json_object *entry)
{
	struct json_object *names, *name;
	struct lockdown_arg tmpl_args[ENT_MAX_ARGS];
	struct lockdown_rule tmpl;
	char path[JSON_PATH_MAX], where[JSON_PATH_MAX];
	int applies;

	ent_sj_at(path, "syscalls[%zu]", index);
	if (!json_object_is_type(entry, json_type_object))
		return ent_sj_fail(im, path, "expected object, got %s", ent_sj_type_name(entry));
	if (ent_sj_member(im, path, entry, "names", json_type_array, 0, &names) < 0 ||
	    ent_sj_member(im, path, entry, "name", json_type_string, 0, &name) < 0)
		return -1;
	if (!names && !name)
		return ent_sj_fail(im, path, "no \"names\"");
	/* Parse everything first, so a malformed entry fails even when it does not apply. */
	ent_sj_at(where, "%s.names", path);
	for (size_t i = 0; names && i < json_object_array_length(names); i++)
		if (!ent_sj_string_at(im, where, names, i))
			return -1;
	if (parse_rule(im, path, entry, &tmpl, tmpl_args) < 0)
		return -1;
	applies = ent_sj_entry_applies(im, path, entry);
	if (applies <= 0)
		return applies;
	if (name) { /* the old single-name form */
		struct json_object *one = json_object_new_array();
		int rc;

		if (!one)
			return rt_fail(im->err, ENOMEM, "seccomp profile %s", im->source);
		json_object_array_add(one, json_object_get(name));
		rc = add_names(im, path, one, &tmpl);
		json_object_put(one);
		if (rc < 0 || !names)
			return rc;
	}
	return add_names(im, path, names, &tmpl);
}

/*
 * Profiles name some syscalls twice: containers' default allows setns without conditions and
 * also denies it where CAP_SYS_ADMIN is missing. libseccomp (and so runc and crun) lets the
 * first rule without conditions win and drops every other rule for that syscall; we do the same
 * here, so the plan holds rules that do not overlap and the profile behaves as it does there.
 */
static void drop_shadowed_rules(struct import *im)
{
	struct lockdown_spec *out = im->out;
	unsigned kept = 0;

	for (unsigned i = 0; i < out->n_rules; i++) {
		unsigned first = i;

		for (unsigned k = 0; k < out->n_rules; k++) {
			if (im->nrs[k] == im->nrs[i] && out->rules[k].n_args == 0) {
				first = k;
				break;
			}
		}
		if (first != i)
			continue;
		if (kept != i) {
			out->rules[kept] = out->rules[i];
			im->nrs[kept] = im->nrs[i];
		}
		kept++;
	}
	out->n_rules = kept;
}

/* Is every condition of a also one of b's (in any order)? valueTwo counts for MASKED_EQ only. */
static bool conditions_within(const struct lockdown_rule *a, const struct lockdown_rule *b)
{
	for (unsigned i = 0; i < a->n_args; i++) {
		const struct lockdown_arg *x = &a->args[i];
		bool found = false;

		for (unsigned k = 0; k < b->n_args && !found; k++) {
			const struct lockdown_arg *y = &b->args[k];

			found = x->index == y->index && x->op == y->op && x->value == y->value &&
			        (x->op != LOCKDOWN_CMP_MASKED_EQ || x->value2 == y->value2);
		}
		if (!found)
			return false;
	}
	return true;
}

/*
 * Two entries for one syscall with different actions, where the conditions of one contain
 * those of the other, cannot both hold as written. libseccomp refuses the second rule when
 * its conditions are the same as, or a part of, the first's (EEXIST: runc and crun fail to
 * start such a profile) and silently drops it when they extend the first's, so explain would
 * show a rule the filter does not have. Say where, at import. (Rules without conditions are
 * settled before, by drop_shadowed_rules.)
 */
static int check_conflicting_rules(const struct import *im)
{
	const struct lockdown_spec *out = im->out;

	for (unsigned i = 0; i < out->n_rules; i++) {
		const struct lockdown_rule *r = &out->rules[i];

		for (unsigned k = 0; k < i; k++) {
			const struct lockdown_rule *first = &out->rules[k];

			if (im->nrs[k] != im->nrs[i] ||
			    (first->action == r->action && first->errnum == r->errnum) ||
			    (!conditions_within(r, first) && !conditions_within(first, r)))
				continue;
			return ent_sj_fail(im, r->why,
			                   "%s: another action than in %s, under conditions that "
			                   "contain or are contained in those",
			                   r->syscall, first->why);
		}
	}
	return 0;
}

static int parse_profile(struct import *im, struct json_object *root)
{
	struct json_object *def, *def_ret, *syscalls;
	int act;

	if (!json_object_is_type(root, json_type_object))
		return ent_sj_fail(im, "", "expected a JSON object at the top, got %s",
		                   ent_sj_type_name(root));
	if (ent_sj_member(im, "", root, "defaultAction", json_type_string, 1, &def) < 0 ||
	    ent_sj_member(im, "", root, "defaultErrnoRet", json_type_int, 0, &def_ret) < 0 ||
	    ent_sj_member(im, "", root, "syscalls", json_type_array, 0, &syscalls) < 0 ||
	    ent_sj_check_arches(im, root) < 0)
		return -1;
	act = action_of(im, "defaultAction", json_object_get_string(def));
	if (act < 0)
		return -1;
	im->out->default_action = (uint8_t)act;
	if (errno_of(im, "defaultErrnoRet", act, def_ret, &im->out->default_errnum) < 0)
		return -1;
	for (size_t i = 0; syscalls && i < json_object_array_length(syscalls); i++)
		if (parse_entry(im, i, json_object_array_get_idx(syscalls, i)) < 0)
			return -1;
	drop_shadowed_rules(im);
	return check_conflicting_rules(im);
}

static struct json_object *parse_json(const struct import *im, const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	struct json_object *root;
	enum json_tokener_error jerr;
	unsigned line, column;
	size_t end;

	if (!tok) {
		rt_fail(im->err, ENOMEM, "seccomp profile %s: JSON parser", im->source);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (root && end < len && text[end] && strchr(" \t\r\n", text[end]))
		end++;
	if (root && end == len)
		return root;
	json_object_put(root);
	ent_sj_locate(text, end < len ? end : len, &line, &column);
	if (jerr == json_tokener_continue || (jerr == json_tokener_success && !root))
		ent_sj_fail(im, NULL, "line %u, column %u: bad JSON: unexpected end of file", line,
		            column);
	else if (jerr == json_tokener_success)
		ent_sj_fail(im, NULL,
		            "line %u, column %u: bad JSON: data after the top-level value", line,
		            column);
	else
		ent_sj_fail(im, NULL, "line %u, column %u: bad JSON: %s", line, column,
		            json_tokener_error_desc(jerr));
	return NULL;
}

int ent_seccomp_import_json(const char *text, size_t len, const char *source,
                            const struct ent_seccomp_host *host, struct lockdown_spec *out,
                            struct rt_err *err)
{
	struct import im = { .source = source, .host = host, .out = out, .err = err };
	struct json_object *root;
	int rc;

	ent_lockdown_clear_rules(out);
	if (len == 0)
		return ent_sj_fail(&im, NULL, "empty file");
	if (len > ENT_SECCOMP_JSON_MAX)
		return ent_sj_fail(&im, NULL, "too large (%zu bytes, the limit is %u MiB)", len,
		                   ENT_SECCOMP_JSON_MAX >> 20);
	root = parse_json(&im, text, len);
	if (!root)
		return -1;
	if (ent_sj_scan(&im, text, len) < 0) {
		json_object_put(root);
		return -1;
	}
	out->seccomp_mode = LOCKDOWN_SECCOMP_FILTER;
	rc = parse_profile(&im, root);
	json_object_put(root);
	if (rc < 0)
		ent_lockdown_clear_rules(out);
	return rc;
}
