/*
 * entitlements/oci_internal.h - what the files of the config.json compiler share: the state of
 * one compile and the JSON accessors that report errors by field ("BUNDLE/config.json:
 * linux.resources.memory.limit: expected an integer, got string"). Internal to entitlements/.
 *
 *   oci_json.c      the accessors below
 *   oci_config.c    the document, root, hostname, mounts, annotations
 *   oci_process.c   process (config.json's, and exec's process.json)
 *   oci_hooks.c     hooks
 *   oci_linux.c     linux: namespaces, id mappings, devices, sysctl, paths, seccomp
 *   oci_resources.c linux.cgroupsPath and linux.resources
 */
#ifndef ENT_OCI_INTERNAL_H
#define ENT_OCI_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "entitlements/oci.h"
#include "entitlements/plan.h"

#define OCI_FIELD_MAX 96 /* a field's path: "linux.resources.devices[12].access" */

/* One compile: the input, the plan it fills, where errors go. */
struct oci_ctx {
	const struct ent_oci_input *in;
	const char *source;
	struct ent_plan *plan;
	struct rt_err *err;
	bool entitlements; /* run.ent.entitlements: the security fields come from entitlements */
	struct json_object *annotations; /* the config's, borrowed (NULL: none) */
};

/* Fill the error "SOURCE: FIELD: reason" and return -1. */
int oci_fail(const struct oci_ctx *c, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* The field key of parent ("process" "cwd" -> "process.cwd"; "" "cwd" -> "cwd"). */
void oci_sub(char *field, const char *parent, const char *key);

/* "a string", "an integer": the JSON type of v, for messages. */
const char *oci_type_name(const struct json_object *v);

/* Write a field path ("mounts[3].options") into a OCI_FIELD_MAX buffer. */
void oci_at(char *field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Member key of obj (a field at path parent) of JSON type want; absent or null is fine
 * (*v = NULL) unless required. json_type_int accepts integers only.
 */
int oci_member(const struct oci_ctx *c, const char *parent, struct json_object *obj,
               const char *key, enum json_type want, bool required, struct json_object **v);

/* A member that must be a string; *s is NULL when absent. */
int oci_string(const struct oci_ctx *c, const char *parent, struct json_object *obj,
               const char *key, bool required, const char **s);

/* An integer member within [min, max]; *present false (and *out untouched) when absent. */
int oci_int(const struct oci_ctx *c, const char *parent, struct json_object *obj, const char *key,
            int64_t min, int64_t max, bool *present, int64_t *out);

/*
 * The fields of the runtime-spec in names that ent-run does not implement: an error naming
 * the first one present with a value that is not empty (null, "", 0, false, [] and {} are
 * empty), with why saying what ent-run would have to do.
 */
struct oci_unsupported {
	const char *key;
	const char *why;
};
int oci_refuse(const struct oci_ctx *c, const char *parent, struct json_object *obj,
               const struct oci_unsupported *names, size_t n);

/*
 * An SELinux label (linux.mountLabel, process.selinuxLabel): where SELinux is not enabled
 * (host.no_selinux) it means nothing and is ignored with a warning (in->warn), as runc and crun
 * do; where it is, it is refused (ent-run sets no labels). Empty or absent: nothing to say.
 */
int oci_selinux_label(const struct oci_ctx *c, const char *parent, struct json_object *obj,
                      const char *key);

/* Keep s in the plan's arena. */
const char *oci_str(const struct oci_ctx *c, const char *s);

/* Capability names (an array of "CAP_X") into a bit mask. */
int oci_caps(const struct oci_ctx *c, const char *field, struct json_object *arr, uint64_t *mask);

/* --- oci_config.c */

/* Mount options that clear a flag ("rw", "exec"); features lists them. */
struct oci_clearing_option {
	const char *name;
	unsigned long flag;
};
extern const struct oci_clearing_option oci_clearing_options[];
extern const size_t oci_n_clearing_options;

/*
 * A propagation word ("shared", "rslave", "private", "runbindable") into MS_SHARED, MS_SLAVE,
 * MS_PRIVATE or MS_UNBINDABLE, with MS_REC for the "r" forms. False when word is none.
 */
bool oci_propagation(const char *word, unsigned long *flags);

/* --- oci_process.c */

/* A NULL-terminated copy of an array of strings; each checked by check (may be NULL). */
char **oci_strings(const struct oci_ctx *c, const char *field, struct json_object *arr,
                   bool (*check)(const char *), const char *expected);

/* Is kv an environment entry "KEY=VALUE" (KEY not empty)? */
bool oci_env_valid(const char *kv);

/* The process object (config.json "process", or process.json of exec) into the plan. */
int oci_process(struct oci_ctx *c, const char *parent, struct json_object *proc);

/* --- oci_linux.c */

/* Namespaces and id mappings (before the mounts, which depend on them). */
int oci_namespaces(struct oci_ctx *c, struct json_object *linux_obj);

/* Devices, sysctl, masked and read-only paths, rootfsPropagation, seccomp, unsupported. */
int oci_linux(struct oci_ctx *c, struct json_object *linux_obj);

/* An id mapping array ("linux.uidMappings") into map[ENT_MAX_IDMAP]. */
int oci_idmap(const struct oci_ctx *c, const char *field, struct json_object *arr,
              struct ns_idmap *map, unsigned *n);

/* --- oci_hooks.c */

/* The "hooks" object of doc (absent: none) into plan->hooks. */
int oci_hooks(struct oci_ctx *c, struct json_object *doc);

/* --- oci_resources.c */

/* linux.cgroupsPath and linux.resources into plan->cgroup (device rules first). */
int oci_resources(struct oci_ctx *c, struct json_object *linux_obj);

/*
 * A mount of type "cgroup" without controllers, or "cgroup2": the container's own cgroups at
 * destination, read-only when readonly: fresh mounts inside its cgroup namespace, else binds
 * of its cgroup directories.
 */
int oci_cgroup_mount(struct oci_ctx *c, const char *field, const char *destination, bool v2,
                     bool readonly);

#endif
