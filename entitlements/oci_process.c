/*
 * entitlements/oci_process.c - the "process" object of an OCI config.json, or the process.json
 * of `exec` (runtime-spec config.md "Process"): command, environment, working directory, user
 * and groups, terminal, capabilities, no_new_privs, rlimits and the OOM score.
 * Pure code (json-c).
 */
#include "entitlements/oci_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/util.h"
#include "entitlements/explain.h"
#include "entitlements/explain_internal.h"

/* clang-format off */
static const struct oci_unsupported process_unsupported[] = {
	{ "apparmorProfile", "ent-run loads no AppArmor profile" },
	{ "scheduler",       "ent-run sets no scheduling policy" },
	{ "ioPriority",      "ent-run sets no I/O priority" },
	{ "execCPUAffinity", "ent-run sets no CPU affinity" },
	{ "commandLine",     "a Windows command line" },
};

/* clang-format on */

char **oci_strings(const struct oci_ctx *c, const char *field, struct json_object *arr,
                   bool (*check)(const char *), const char *expected)
{
	size_t n = arr ? json_object_array_length(arr) : 0;
	char **v = calloc(n + 1, sizeof(*v));
	char at[OCI_FIELD_MAX];

	if (!v) {
		rt_fail(c->err, ENOMEM, "%s: %s", c->source, field);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);

		oci_at(at, "%s[%zu]", field, i);
		if (!json_object_is_type(e, json_type_string)) {
			oci_fail(c, at, "expected a string, got %s", oci_type_name(e));
			goto fail;
		}
		if (check && !check(json_object_get_string(e))) {
			oci_fail(c, at, "'%.60s' is not %s", json_object_get_string(e), expected);
			goto fail;
		}
		v[i] = strdup(json_object_get_string(e));
		if (!v[i]) {
			rt_fail(c->err, ENOMEM, "%s: %s", c->source, at);
			goto fail;
		}
	}
	return v;
fail:
	ent_strv_free(v);
	return NULL;
}

bool oci_env_valid(const char *kv)
{
	return kv[0] != '=' && strchr(kv, '=');
}

static int process_args_env(struct oci_ctx *c, const char *parent, struct json_object *proc)
{
	struct ent_process *p = &c->plan->proc;
	struct json_object *args, *env;
	char field[OCI_FIELD_MAX];

	if (oci_member(c, parent, proc, "args", json_type_array, true, &args) < 0 ||
	    oci_member(c, parent, proc, "env", json_type_array, false, &env) < 0)
		return -1;
	oci_sub(field, parent, "args");
	if (json_object_array_length(args) == 0)
		return oci_fail(c, field, "empty (the command to run is required)");
	ent_strv_free(p->argv);
	p->argv = oci_strings(c, field, args, NULL, NULL);
	if (!p->argv)
		return -1;
	if (!p->argv[0][0])
		return oci_fail(c, field, "the command is an empty string");
	oci_sub(field, parent, "env");
	ent_strv_free(p->env);
	p->env = oci_strings(c, field, env, oci_env_valid, "KEY=VALUE");
	return p->env ? 0 : -1;
}

static int process_user(struct oci_ctx *c, const char *parent, struct json_object *proc)
{
	struct ent_process *p = &c->plan->proc;
	struct json_object *user, *groups;
	char at[OCI_FIELD_MAX], field[OCI_FIELD_MAX];
	const char *username;
	int64_t v;
	bool has;

	oci_sub(at, parent, "user");
	if (oci_member(c, parent, proc, "user", json_type_object, true, &user) < 0)
		return -1;
	if (oci_int(c, at, user, "uid", 0, UINT32_MAX - 1, &has, &v) < 0)
		return -1;
	p->uid = has ? (uint32_t)v : 0;
	if (oci_int(c, at, user, "gid", 0, UINT32_MAX - 1, &has, &v) < 0)
		return -1;
	p->gid = has ? (uint32_t)v : 0;
	if (oci_int(c, at, user, "umask", 0, 0777, &p->has_umask, &v) < 0)
		return -1;
	p->umask = p->has_umask ? (uint32_t)v : 0;
	if (oci_string(c, at, user, "username", false, &username) < 0)
		return -1;
	if (username && username[0]) {
		oci_sub(field, at, "username");
		return oci_fail(c, field, "not supported (a Windows user name)");
	}
	if (oci_member(c, at, user, "additionalGids", json_type_array, false, &groups) < 0)
		return -1;
	p->n_groups = 0;
	for (size_t i = 0; groups && i < json_object_array_length(groups); i++) {
		struct json_object *g = json_object_array_get_idx(groups, i);
		int64_t gid = json_object_get_int64(g);

		oci_at(field, "%s.additionalGids[%zu]", at, i);
		if (!json_object_is_type(g, json_type_int) || gid < 0 || gid >= UINT32_MAX)
			return oci_fail(c, field, "expected a group id, got %s",
			                json_object_get_string(g));
		if (p->n_groups >= ENT_MAX_GROUPS)
			return oci_fail(c, field, "too many groups (at most %d)", ENT_MAX_GROUPS);
		p->groups[p->n_groups++] = (uint32_t)gid;
	}
	return 0;
}

/* RLIMIT_NOFILE -> its number, from explain's table of names. */
static int rlimit_number(const char *name)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		const char *n = ent_rlimit_name(r);

		if (n && !strcmp(n, name))
			return r;
	}
	return -1;
}

/* One rlimit: a config's replaces one of the same type the plan already has. */
static int process_rlimit(struct oci_ctx *c, const char *field, struct json_object *o)
{
	struct ent_process *p = &c->plan->proc;
	struct json_object *soft, *hard;
	struct ent_rlimit *slot = NULL;
	const char *type;
	int resource;

	if (!json_object_is_type(o, json_type_object))
		return oci_fail(c, field, "expected an object, got %s", oci_type_name(o));
	if (oci_string(c, field, o, "type", true, &type) < 0 ||
	    oci_member(c, field, o, "soft", json_type_int, true, &soft) < 0 ||
	    oci_member(c, field, o, "hard", json_type_int, true, &hard) < 0)
		return -1;
	resource = rlimit_number(type);
	if (resource < 0)
		return oci_fail(c, field, "unknown rlimit type '%s'", type);
	if ((uint64_t)json_object_get_uint64(soft) > (uint64_t)json_object_get_uint64(hard))
		return oci_fail(c, field, "soft limit above the hard limit");
	for (unsigned i = 0; i < p->n_rlimits && !slot; i++)
		if (p->rlimits[i].resource == resource)
			slot = &p->rlimits[i];
	if (!slot) {
		if (p->n_rlimits >= ENT_MAX_RLIMITS)
			return oci_fail(c, field, "too many rlimits (at most %d)", ENT_MAX_RLIMITS);
		slot = &p->rlimits[p->n_rlimits++];
	}
	slot->resource = resource;
	slot->soft = json_object_get_uint64(soft);
	slot->hard = json_object_get_uint64(hard);
	slot->why = oci_str(c, field);
	return 0;
}

static int process_rlimits(struct oci_ctx *c, const char *parent, struct json_object *proc)
{
	struct json_object *rlimits;
	char field[OCI_FIELD_MAX];

	if (oci_member(c, parent, proc, "rlimits", json_type_array, false, &rlimits) < 0)
		return -1;
	for (size_t i = 0; rlimits && i < json_object_array_length(rlimits); i++) {
		struct json_object *o = json_object_array_get_idx(rlimits, i);

		oci_at(field, "%s%srlimits[%zu]", parent, parent[0] ? "." : "", i);
		for (size_t j = 0; j < i; j++) {
			struct json_object *t1, *t2;

			if (json_object_object_get_ex(o, "type", &t1) &&
			    json_object_object_get_ex(json_object_array_get_idx(rlimits, j), "type",
			                              &t2) &&
			    json_object_equal(t1, t2))
				return oci_fail(c, field, "%s given twice",
				                json_object_get_string(t1));
		}
		if (process_rlimit(c, field, o) < 0)
			return -1;
	}
	return 0;
}

/* process.capabilities: the five sets; a set left out is empty. */
static int process_caps(struct oci_ctx *c, const char *parent, struct json_object *proc)
{
	struct lockdown_spec *ld = &c->plan->lockdown;
	struct json_object *caps, *set;
	char at[OCI_FIELD_MAX], field[OCI_FIELD_MAX];

	memset(&ld->caps, 0, sizeof(ld->caps));
	memset(ld->cap_why, 0, sizeof(ld->cap_why));
	oci_sub(at, parent, "capabilities");
	if (oci_member(c, parent, proc, "capabilities", json_type_object, false, &caps) < 0)
		return -1;
	/* The sets by the names OCI and explain share (explain.c's table). */
	for (size_t i = 0; caps && i < ent_n_capset_rows; i++) {
		const struct ent_capset_row *row = &ent_capset_rows[i];
		uint64_t *mask = (uint64_t *)((char *)&ld->caps + row->offset);

		if (oci_member(c, at, caps, row->name, json_type_array, false, &set) < 0)
			return -1;
		oci_at(field, "%s.%s", at, row->name);
		if (set && oci_caps(c, field, set, mask) < 0)
			return -1;
	}
	for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
		uint64_t all = ld->caps.bounding | ld->caps.effective | ld->caps.inheritable |
		               ld->caps.permitted | ld->caps.ambient;

		if (all & (UINT64_C(1) << cap))
			ld->cap_why[cap] = oci_str(c, at);
	}
	return 0;
}

/* process.consoleSize: the terminal's rows and columns. */
static int process_console(struct oci_ctx *c, const char *parent, struct json_object *proc)
{
	struct ent_process *p = &c->plan->proc;
	struct json_object *size;
	char at[OCI_FIELD_MAX];
	int64_t v;
	bool has;

	oci_sub(at, parent, "consoleSize");
	if (oci_member(c, parent, proc, "consoleSize", json_type_object, false, &size) < 0)
		return -1;
	if (!size)
		return 0;
	if (oci_int(c, at, size, "height", 0, UINT16_MAX, &has, &v) < 0)
		return -1;
	p->console_rows = has ? (uint16_t)v : 0;
	if (oci_int(c, at, size, "width", 0, UINT16_MAX, &has, &v) < 0)
		return -1;
	p->console_cols = has ? (uint16_t)v : 0;
	return 0;
}

int oci_process(struct oci_ctx *c, const char *parent, struct json_object *proc)
{
	struct ent_process *p = &c->plan->proc;
	struct json_object *terminal, *nnp;
	char field[OCI_FIELD_MAX];
	const char *cwd;
	int64_t v;

	if (oci_refuse(c, parent, proc, process_unsupported, ARRAY_SIZE(process_unsupported)) < 0 ||
	    oci_selinux_label(c, parent, proc, "selinuxLabel") < 0)
		return -1;
	if (process_args_env(c, parent, proc) < 0 || process_user(c, parent, proc) < 0 ||
	    process_rlimits(c, parent, proc) < 0 || process_console(c, parent, proc) < 0)
		return -1;
	if (oci_string(c, parent, proc, "cwd", true, &cwd) < 0)
		return -1;
	oci_sub(field, parent, "cwd");
	if (cwd[0] != '/')
		return oci_fail(c, field, "'%.60s' is not an absolute path", cwd);
	p->cwd = oci_str(c, cwd);
	if (oci_member(c, parent, proc, "terminal", json_type_boolean, false, &terminal) < 0)
		return -1;
	p->tty = terminal && json_object_get_boolean(terminal);
	if (oci_int(c, parent, proc, "oomScoreAdj", -1000, 1000, &p->has_oom_score_adj, &v) < 0)
		return -1;
	p->oom_score_adj = p->has_oom_score_adj ? (int)v : 0;
	/* With run.ent.entitlements the lockdown comes from the entitlements. */
	if (c->entitlements)
		return 0;
	if (process_caps(c, parent, proc) < 0)
		return -1;
	if (oci_member(c, parent, proc, "noNewPrivileges", json_type_boolean, false, &nnp) < 0)
		return -1;
	c->plan->lockdown.no_new_privs = nnp && json_object_get_boolean(nnp);
	return 0;
}
