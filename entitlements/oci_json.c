/*
 * entitlements/oci_json.c - the JSON accessors of the config.json compiler: each checks a
 * field's type and range and reports a mistake by its place in the document
 * ("BUNDLE/config.json: linux.resources.memory.limit: expected an integer, got a string").
 * Pure code (json-c).
 */
#include "entitlements/oci_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "base/util.h"

int oci_fail(const struct oci_ctx *c, const char *field, const char *fmt, ...)
{
	char reason[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (field && field[0])
		return rt_fail(c->err, 0, "%s: %s: %s", c->source, field, reason);
	return rt_fail(c->err, 0, "%s: %s", c->source, reason);
}

/* A field path longer than OCI_FIELD_MAX is cut: it only names the field in a message. */
void oci_at(char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(field, OCI_FIELD_MAX, fmt, ap);
	va_end(ap);
}

void oci_sub(char *field, const char *parent, const char *key)
{
	oci_at(field, "%s%s%s", parent, parent[0] ? "." : "", key);
}

/* clang-format off */
/* JSON types by name, for messages: what a field holds, and what it should. */
static const struct {
	enum json_type type;
	const char *name;
} type_names[] = {
	{ json_type_null,    "null" },        { json_type_boolean, "a boolean" },
	{ json_type_double,  "a number" },    { json_type_int,     "an integer" },
	{ json_type_object,  "an object" },   { json_type_array,   "an array" },
	{ json_type_string,  "a string" },
};
/* clang-format on */

static const char *name_of_type(enum json_type t)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "a value";
}

const char *oci_type_name(const struct json_object *v)
{
	return name_of_type(json_object_get_type(v));
}

int oci_member(const struct oci_ctx *c, const char *parent, struct json_object *obj,
               const char *key, enum json_type want, bool required, struct json_object **v)
{
	char field[OCI_FIELD_MAX];

	*v = NULL;
	oci_sub(field, parent, key);
	if (!json_object_object_get_ex(obj, key, v) || !*v) {
		*v = NULL;
		return required ? oci_fail(c, field, "missing (required)") : 0;
	}
	if (!json_object_is_type(*v, want))
		return oci_fail(c, field, "expected %s, got %s", name_of_type(want),
		                oci_type_name(*v));
	return 0;
}

int oci_string(const struct oci_ctx *c, const char *parent, struct json_object *obj,
               const char *key, bool required, const char **s)
{
	struct json_object *v;

	*s = NULL;
	if (oci_member(c, parent, obj, key, json_type_string, required, &v) < 0)
		return -1;
	if (v)
		*s = json_object_get_string(v);
	return 0;
}

int oci_int(const struct oci_ctx *c, const char *parent, struct json_object *obj, const char *key,
            int64_t min, int64_t max, bool *present, int64_t *out)
{
	char field[OCI_FIELD_MAX];
	struct json_object *v;
	int64_t n;

	*present = false;
	if (oci_member(c, parent, obj, key, json_type_int, false, &v) < 0)
		return -1;
	if (!v)
		return 0;
	oci_sub(field, parent, key);
	errno = 0;
	n = json_object_get_int64(v);
	/* json-c clamps to INT64 bounds and sets errno; a uint64 above them is too large. */
	if (errno || n < min || n > max)
		return oci_fail(c, field, "%s is out of range (%lld to %lld)",
		                json_object_get_string(v), (long long)min, (long long)max);
	*out = n;
	*present = true;
	return 0;
}

static bool empty_value(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return !json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) == 0;
	case json_type_string:
		return !json_object_get_string_len(v);
	case json_type_array:
		return json_object_array_length(v) == 0;
	case json_type_object: {
		json_object_object_foreach(v, key, val)
		{
			(void)key;
			if (!empty_value(val))
				return false;
		}
		return true;
	}
	default:
		return false;
	}
}

int oci_refuse(const struct oci_ctx *c, const char *parent, struct json_object *obj,
               const struct oci_unsupported *names, size_t n)
{
	char field[OCI_FIELD_MAX];

	for (size_t i = 0; i < n; i++) {
		struct json_object *v;

		if (!json_object_object_get_ex(obj, names[i].key, &v) || empty_value(v))
			continue;
		oci_sub(field, parent, names[i].key);
		return oci_fail(c, field, "not supported (%s)", names[i].why);
	}
	return 0;
}

int oci_selinux_label(const struct oci_ctx *c, const char *parent, struct json_object *obj,
                      const char *key)
{
	char field[OCI_FIELD_MAX], msg[OCI_FIELD_MAX + 96];
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || empty_value(v))
		return 0;
	oci_sub(field, parent, key);
	if (!json_object_is_type(v, json_type_string))
		return oci_fail(c, field, "expected a string, got %s", oci_type_name(v));
	if (!c->in->host.no_selinux)
		return oci_fail(c, field,
		                "not supported (SELinux is enabled on this host, and ent-run sets "
		                "no SELinux labels)");
	snprintf(msg, sizeof(msg), "%s: ignored (SELinux is not enabled on this host)", field);
	if (c->in->warn)
		c->in->warn(c->in->warn_data, msg);
	return 0;
}

const char *oci_str(const struct oci_ctx *c, const char *s)
{
	return ent_plan_str(c->plan, s);
}

int oci_caps(const struct oci_ctx *c, const char *field, struct json_object *arr, uint64_t *mask)
{
	char at[OCI_FIELD_MAX];

	*mask = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *name = json_object_get_string(v);
		cap_value_t cap;
		char lower[64];

		oci_at(at, "%s[%zu]", field, i);
		if (!json_object_is_type(v, json_type_string))
			return oci_fail(c, at, "expected a string, got %s", oci_type_name(v));
		snprintf(lower, sizeof(lower), "%s", name);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (strncmp(lower, "cap_", 4) || cap_from_name(lower, &cap) < 0 || cap < 0 ||
		    cap >= ENT_MAX_CAPS)
			return oci_fail(c, at, "unknown capability '%s'", name);
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}
