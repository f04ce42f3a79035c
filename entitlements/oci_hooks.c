/*
 * entitlements/oci_hooks.c - config.json's "hooks" (runtime-spec config.md "POSIX-platform
 * Hooks") into plan->hooks: for each kind (prestart, createRuntime, createContainer,
 * startContainer, poststart, poststop) a list of {path, args, env, timeout}. runtime/hooks.c
 * runs them; when is the lifecycle's (runtime.md) and is said in plan.h.
 *
 * Strict, as the rest of the config: a wrong type, a relative path, a timeout that is not a
 * positive number of seconds is an error naming the field ("hooks.poststop[1].timeout").
 */
#include "entitlements/oci_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "entitlements/names.h"

#define HOOK_TIMEOUT_MAX 86400 /* a day: a longer timeout is a mistake, not a plan */

/* args absent or empty: the path alone, as execv(3) would want argv[0]. */
static char **default_argv(const struct oci_ctx *c, const char *field, const char *path)
{
	char **v = calloc(2, sizeof(*v));

	if (v)
		v[0] = strdup(path);
	if (!v || !v[0]) {
		free(v);
		rt_fail(c->err, ENOMEM, "%s: %s", c->source, field);
		return NULL;
	}
	return v;
}

static int hook_one(struct oci_ctx *c, enum ent_hook_kind kind, const char *field,
                    struct json_object *obj)
{
	struct ent_hooks *hooks = &c->plan->hooks;
	struct ent_hook *h = &hooks->list[hooks->n];
	struct json_object *args, *env;
	char at[OCI_FIELD_MAX];
	const char *path;
	int64_t timeout;
	bool has_timeout;

	if (!json_object_is_type(obj, json_type_object))
		return oci_fail(c, field, "expected an object, got %s", oci_type_name(obj));
	if (hooks->n >= ENT_MAX_HOOKS)
		return oci_fail(c, field, "too many hooks (at most %d)", ENT_MAX_HOOKS);
	if (oci_string(c, field, obj, "path", true, &path) < 0 ||
	    oci_member(c, field, obj, "args", json_type_array, false, &args) < 0 ||
	    oci_member(c, field, obj, "env", json_type_array, false, &env) < 0 ||
	    oci_int(c, field, obj, "timeout", INT64_MIN, INT64_MAX, &has_timeout, &timeout) < 0)
		return -1;
	oci_sub(at, field, "path");
	if (path[0] != '/')
		return oci_fail(c, at, "'%.60s' is not an absolute path", path);
	oci_sub(at, field, "timeout");
	if (has_timeout && (timeout <= 0 || timeout > HOOK_TIMEOUT_MAX))
		return oci_fail(c, at, "%lld is not a number of seconds from 1 to %d",
		                (long long)timeout, HOOK_TIMEOUT_MAX);
	*h = (struct ent_hook){ .kind = (uint8_t)kind,
		                .path = oci_str(c, path),
		                .timeout_s = has_timeout ? (unsigned)timeout : 0,
		                .why = oci_str(c, field) };
	hooks->n++; /* from here ent_hooks_clear frees what argv and env hold */
	oci_sub(at, field, "args");
	h->argv = args && json_object_array_length(args) ? oci_strings(c, at, args, NULL, NULL)
	                                                 : default_argv(c, at, path);
	if (!h->argv)
		return -1;
	oci_sub(at, field, "env");
	h->env = oci_strings(c, at, env, oci_env_valid, "KEY=VALUE");
	return h->env ? 0 : -1;
}

int oci_hooks(struct oci_ctx *c, struct json_object *doc)
{
	struct json_object *hooks;

	ent_hooks_clear(&c->plan->hooks);
	if (oci_member(c, "", doc, "hooks", json_type_object, false, &hooks) < 0)
		return -1;
	if (!hooks)
		return 0;
	for (int k = 0; k < ENT_HOOK_KINDS; k++) {
		struct json_object *list;
		char field[OCI_FIELD_MAX];

		if (oci_member(c, "hooks", hooks, ent_hook_names[k], json_type_array, false,
		               &list) < 0)
			return -1;
		for (size_t i = 0; list && i < json_object_array_length(list); i++) {
			oci_at(field, "hooks.%s[%zu]", ent_hook_names[k], i);
			if (hook_one(c, (enum ent_hook_kind)k, field,
			             json_object_array_get_idx(list, i)) < 0)
				return -1;
		}
	}
	return 0;
}
