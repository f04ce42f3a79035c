/*
 * entitlements/seccomp_json_match.c - which parts of a Docker or OCI seccomp profile apply
 * here: the architecture names, and Docker's includes/excludes on capabilities, architectures
 * and minKernel for each syscalls[] entry; and the JSON accessors the importer shares.
 * Pure: the granted capabilities come from the plan.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "entitlements/seccomp_json_internal.h"

int ent_sj_fail(const struct import *im, const char *path, const char *fmt, ...)
{
	char reason[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (path && path[0])
		return rt_fail(im->err, 0, "seccomp profile %s: %s: %s", im->source, path, reason);
	return rt_fail(im->err, 0, "seccomp profile %s: %s", im->source, reason);
}

/* Write a JSON location ("syscalls[3].args[0].op") into a JSON_PATH_MAX buffer. */
void ent_sj_at(char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(where, JSON_PATH_MAX, fmt, ap);
	va_end(ap);
}

const char *ent_sj_type_name(const struct json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/* Member key of obj with type want; absent is fine (*v = NULL) unless required. */
int ent_sj_member(const struct import *im, const char *path, struct json_object *obj,
                  const char *key, enum json_type want, int required, struct json_object **v)
{
	char where[JSON_PATH_MAX];

	ent_sj_at(where, "%s%s%s", path, path[0] ? "." : "", key);
	*v = NULL;
	if (!json_object_object_get_ex(obj, key, v) || !*v) {
		*v = NULL;
		return required ? ent_sj_fail(im, where, "missing") : 0;
	}
	if (!json_object_is_type(*v, want))
		return ent_sj_fail(im, where, "expected %s, got %s", json_type_to_name(want),
		                   ent_sj_type_name(*v));
	return 0;
}

/* Element i of an array that must be a string. */
const char *ent_sj_string_at(const struct import *im, const char *path, struct json_object *arr,
                             size_t i)
{
	struct json_object *v = json_object_array_get_idx(arr, i);

	if (!json_object_is_type(v, json_type_string)) {
		char where[JSON_PATH_MAX];

		ent_sj_at(where, "%s[%zu]", path, i);
		ent_sj_fail(im, where, "expected string, got %s", ent_sj_type_name(v));
		return NULL;
	}
	return json_object_get_string(v);
}

/*
 * "SCMP_ARCH_X86_64": the spelling is checked, not the name. Only the native architecture is
 * filtered, and profiles list architectures newer than our libseccomp (SCMP_ARCH_LOONGARCH64).
 */
static int check_arch(const struct import *im, const char *path, const char *name)
{
	const char *s = name + strlen("SCMP_ARCH_");

	if (strncmp(name, "SCMP_ARCH_", strlen("SCMP_ARCH_")) != 0 || !*s)
		return ent_sj_fail(im, path, "unknown architecture '%s' (expected SCMP_ARCH_...)",
		                   name);
	for (; *s; s++)
		if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return ent_sj_fail(im, path,
			                   "unknown architecture '%s' (expected SCMP_ARCH_...)",
			                   name);
	return 0;
}

static int check_arch_array(const struct import *im, const char *path, struct json_object *arr)
{
	char where[JSON_PATH_MAX];

	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *name = ent_sj_string_at(im, path, arr, i);

		ent_sj_at(where, "%s[%zu]", path, i);
		if (!name || check_arch(im, where, name) < 0)
			return -1;
	}
	return 0;
}

/* "architectures" and "archMap": validated; only the native architecture is filtered. */
int ent_sj_check_arches(const struct import *im, struct json_object *root)
{
	struct json_object *arches, *map, *arch, *subs;
	char path[JSON_PATH_MAX];

	if (ent_sj_member(im, "", root, "architectures", json_type_array, 0, &arches) < 0 ||
	    check_arch_array(im, "architectures", arches) < 0 ||
	    ent_sj_member(im, "", root, "archMap", json_type_array, 0, &map) < 0)
		return -1;
	for (size_t i = 0; map && i < json_object_array_length(map); i++) {
		struct json_object *entry = json_object_array_get_idx(map, i);

		ent_sj_at(path, "archMap[%zu]", i);
		if (!json_object_is_type(entry, json_type_object))
			return ent_sj_fail(im, path, "expected object, got %s",
			                   ent_sj_type_name(entry));
		if (ent_sj_member(im, path, entry, "architecture", json_type_string, 1, &arch) < 0)
			return -1;
		ent_sj_at(path, "archMap[%zu].architecture", i);
		if (check_arch(im, path, json_object_get_string(arch)) < 0)
			return -1;
		ent_sj_at(path, "archMap[%zu]", i);
		if (ent_sj_member(im, path, entry, "subArchitectures", json_type_array, 0, &subs) <
		    0)
			return -1;
		ent_sj_at(path, "archMap[%zu].subArchitectures", i);
		if (check_arch_array(im, path, subs) < 0)
			return -1;
	}
	return 0;
}

/*
 * Does a Docker includes/excludes object match this container? Every listed capability
 * granted (want_all) or any granted (!want_all); the native architecture listed; minKernel
 * assumed met. Returns 1, 0, or -1 on a malformed object.
 */
static int filter_matches(const struct import *im, const char *path, struct json_object *f,
                          int want_all)
{
	struct json_object *caps, *arches, *kernel;
	char where[JSON_PATH_MAX];
	int matched = 0, criteria = 0;

	if (ent_sj_member(im, path, f, "caps", json_type_array, 0, &caps) < 0 ||
	    ent_sj_member(im, path, f, "arches", json_type_array, 0, &arches) < 0 ||
	    ent_sj_member(im, path, f, "minKernel", json_type_string, 0, &kernel) < 0)
		return -1;
	ent_sj_at(where, "%s.caps", path);
	for (size_t i = 0; caps && i < json_object_array_length(caps); i++) {
		const char *name = ent_sj_string_at(im, where, caps, i);
		cap_value_t cap;
		int granted;

		if (!name)
			return -1;
		if (cap_from_name(name, &cap) < 0) {
			ent_sj_at(where, "%s.caps[%zu]", path, i);
			return ent_sj_fail(im, where, "unknown capability '%s'", name);
		}
		granted = cap < 64 && (im->caps >> cap) & 1;
		criteria++;
		matched += granted;
	}
	if (want_all && matched < criteria)
		return 0;
	if (!want_all && matched > 0)
		return 1;
	ent_sj_at(where, "%s.arches", path);
	if (arches && json_object_array_length(arches) > 0) {
		int native = 0;

		for (size_t i = 0; i < json_object_array_length(arches); i++) {
			const char *name = ent_sj_string_at(im, where, arches, i);

			if (!name)
				return -1;
			native |= strcmp(name, NATIVE_GO_ARCH) == 0;
		}
		if (want_all && !native)
			return 0;
		if (!want_all && native)
			return 1;
	}
	/* minKernel: an includes is met, an excludes matches (the kernel is that new). */
	if (kernel)
		return 1;
	return want_all ? 1 : 0;
}

/* Does syscalls[i] apply to this container? 1 yes, 0 no, -1 malformed. */
int ent_sj_entry_applies(const struct import *im, const char *path, struct json_object *entry)
{
	struct json_object *inc, *exc;
	char where[JSON_PATH_MAX];
	int rc;

	if (ent_sj_member(im, path, entry, "includes", json_type_object, 0, &inc) < 0 ||
	    ent_sj_member(im, path, entry, "excludes", json_type_object, 0, &exc) < 0)
		return -1;
	if (exc) {
		ent_sj_at(where, "%s.excludes", path);
		rc = filter_matches(im, where, exc, 0);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	if (inc) {
		ent_sj_at(where, "%s.includes", path);
		return filter_matches(im, where, inc, 1);
	}
	return 1;
}
