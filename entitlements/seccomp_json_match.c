/*
 * entitlements/seccomp_json_match.c - which parts of a Docker or OCI seccomp profile apply
 * here: the architecture names, and Docker's includes/excludes on capabilities, architectures
 * and minKernel for each syscalls[] entry; and the JSON accessors the importer shares.
 * Pure: the granted capabilities come from the plan, the kernel's version from runtime/.
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
		return rt_fail(im->err, 0, "%s%s: %s: %s", im->config ? "" : "seccomp profile ",
		               im->source, path, reason);
	return rt_fail(im->err, 0, "%s%s: %s", im->config ? "" : "seccomp profile ", im->source,
	               reason);
}

/* Write a JSON location ("syscalls[3].args[0].op") into a JSON_PATH_MAX buffer. */
void ent_sj_at(char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(where, JSON_PATH_MAX, fmt, ap);
	va_end(ap);
}

void ent_sj_locate(const char *text, size_t offset, unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

int ent_sj_control_char(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (unsigned char)s[i];
	return -1;
}

const char *ent_sj_type_name(const struct json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/*
 * A string we read: json-c decodes "\u0000" into the string, where C functions would see it
 * end ("read\u0000x" would name read), and a control character has no place in a name.
 */
static int check_string(const struct import *im, const char *where, struct json_object *v)
{
	int bad = ent_sj_control_char(json_object_get_string(v),
	                              (size_t)json_object_get_string_len(v));

	if (bad >= 0)
		return ent_sj_fail(im, where, "contains control character U+%04X", (unsigned)bad);
	return 0;
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
	return want == json_type_string ? check_string(im, where, *v) : 0;
}

/* Element i of an array that must be a string. */
const char *ent_sj_string_at(const struct import *im, const char *path, struct json_object *arr,
                             size_t i)
{
	struct json_object *v = json_object_array_get_idx(arr, i);
	char where[JSON_PATH_MAX];

	ent_sj_at(where, "%s[%zu]", path, i);
	if (!json_object_is_type(v, json_type_string)) {
		ent_sj_fail(im, where, "expected string, got %s", ent_sj_type_name(v));
		return NULL;
	}
	return check_string(im, where, v) < 0 ? NULL : json_object_get_string(v);
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

/* What one includes or excludes object says about this container. */
struct filter {
	unsigned caps, caps_granted; /* capabilities listed, and how many of them are granted */
	bool arches, native;         /* architectures listed; the native one among them */
	bool kernel, kernel_met;     /* minKernel given; the running kernel is at least that */
};

/*
 * minKernel: "MAJOR.MINOR", each a decimal number up to 255, as Docker reads it. Only the two
 * numbers are compared, so "4.8" is met by 4.8.0-rc1 and by 4.19. 1 met, 0 not, -1 malformed.
 */
static int kernel_met(const struct import *im, const char *path, const char *text)
{
	unsigned v[2] = { 0, 0 };
	const char *p = text;

	for (int i = 0; i < 2; i++) {
		size_t n = strspn(p, "0123456789");

		if (n == 0 || n > 3 || p[n] != (i == 0 ? '.' : '\0'))
			goto bad;
		for (size_t k = 0; k < n; k++)
			v[i] = v[i] * 10 + (unsigned)(p[k] - '0');
		if (v[i] > 255)
			goto bad;
		p += n + 1;
	}
	if (v[0] == 0 && v[1] == 0)
		goto bad;
	if (im->host->kernel_major == 0 && im->host->kernel_minor == 0)
		return ent_sj_fail(im, path, "the running kernel's version is unknown");
	return im->host->kernel_major > v[0] ||
	       (im->host->kernel_major == v[0] && im->host->kernel_minor >= v[1]);
bad:
	return ent_sj_fail(im, path,
	                   "'%s' is not a kernel version (expected MAJOR.MINOR, e.g. 4.8)", text);
}

/* Read a whole includes or excludes object into f: every part is checked before any decides. */
static int read_filter(const struct import *im, const char *path, struct json_object *obj,
                       struct filter *f)
{
	struct json_object *caps, *arches, *kernel;
	char where[JSON_PATH_MAX];
	int met;

	memset(f, 0, sizeof(*f));
	if (ent_sj_member(im, path, obj, "caps", json_type_array, 0, &caps) < 0 ||
	    ent_sj_member(im, path, obj, "arches", json_type_array, 0, &arches) < 0 ||
	    ent_sj_member(im, path, obj, "minKernel", json_type_string, 0, &kernel) < 0)
		return -1;
	ent_sj_at(where, "%s.caps", path);
	for (size_t i = 0; caps && i < json_object_array_length(caps); i++) {
		const char *name = ent_sj_string_at(im, where, caps, i);
		cap_value_t cap;

		if (!name)
			return -1;
		if (cap_from_name(name, &cap) < 0) {
			ent_sj_at(where, "%s.caps[%zu]", path, i);
			return ent_sj_fail(im, where, "unknown capability '%s'", name);
		}
		f->caps++;
		f->caps_granted += cap < 64 && (im->host->caps >> cap) & 1;
	}
	ent_sj_at(where, "%s.arches", path);
	for (size_t i = 0; arches && i < json_object_array_length(arches); i++) {
		const char *name = ent_sj_string_at(im, where, arches, i);

		if (!name)
			return -1;
		f->arches = true;
		f->native |= strcmp(name, NATIVE_GO_ARCH) == 0;
	}
	if (kernel) {
		ent_sj_at(where, "%s.minKernel", path);
		met = kernel_met(im, where, json_object_get_string(kernel));
		if (met < 0)
			return -1;
		f->kernel = true;
		f->kernel_met = met;
	}
	return 0;
}

/*
 * Does syscalls[i] apply to this container? 1 yes, 0 no, -1 malformed. As Docker decides: an
 * excludes that matches in any part (a listed capability granted, the native architecture
 * listed, the kernel at least minKernel) drops the entry; an includes must match in every
 * part it gives (all listed capabilities granted, the native architecture listed, the kernel
 * at least minKernel).
 */
int ent_sj_entry_applies(const struct import *im, const char *path, struct json_object *entry)
{
	struct json_object *inc, *exc;
	struct filter in = { 0 }, ex = { 0 };
	char where[JSON_PATH_MAX];

	if (ent_sj_member(im, path, entry, "includes", json_type_object, 0, &inc) < 0 ||
	    ent_sj_member(im, path, entry, "excludes", json_type_object, 0, &exc) < 0)
		return -1;
	ent_sj_at(where, "%s.includes", path);
	if (inc && read_filter(im, where, inc, &in) < 0)
		return -1;
	ent_sj_at(where, "%s.excludes", path);
	if (exc && read_filter(im, where, exc, &ex) < 0)
		return -1;
	if (exc && (ex.caps_granted > 0 || ex.native || (ex.kernel && ex.kernel_met)))
		return 0;
	if (inc && (in.caps_granted < in.caps || (in.arches && !in.native) ||
	            (in.kernel && !in.kernel_met)))
		return 0;
	return 1;
}
