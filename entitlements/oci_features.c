/*
 * entitlements/oci_features.c - `ent-run features`: what this runtime implements, as the
 * runtime-spec's features document (features.md, features-linux.md) says it, so that an engine
 * can ask before it writes a config. Built from the same tables the config compiler reads:
 * namespace names, mount options, capability names (libcap), seccomp actions and operators.
 * Pure code.
 */
#include "entitlements/oci_internal.h"

#include <errno.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/mount.h>

#include "entitlements/explain.h"
#include "entitlements/names.h"
#include "entitlements/seccomp_json.h"
#include "entitlements/spec.h"

#ifndef ENT_VERSION
#define ENT_VERSION "unknown"
#endif

static void jadd(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *jbool_object(bool enabled)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "enabled", json_object_new_boolean(enabled));
	return o;
}

static struct json_object *mount_options(void)
{
	static const char *const extra[] = { "bind",     "rbind", "private",
		                             "rprivate", "idmap", "ridmap" };
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < ent_n_mount_flags; i++) {
		const struct ent_mount_flag *f = &ent_mount_flags[i];

		if (f->option)
			json_object_array_add(a, json_object_new_string(f->option));
	}
	for (size_t i = 0; i < oci_n_clearing_options; i++)
		json_object_array_add(a, json_object_new_string(oci_clearing_options[i].name));
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		json_object_array_add(a, json_object_new_string(extra[i]));
	return a;
}

static struct json_object *seccomp(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *actions = json_object_new_array();
	struct json_object *ops = json_object_new_array();
	struct json_object *archs = json_object_new_array();
	const char *name;

	for (unsigned a = 0; (name = ent_seccomp_action_name(a)); a++)
		json_object_array_add(actions, json_object_new_string(name));
	for (unsigned op = 0; (name = ent_seccomp_op_name(op)); op++)
		json_object_array_add(ops, json_object_new_string(name));
	json_object_array_add(archs, json_object_new_string(ent_seccomp_native_arch()));
	jadd(o, "enabled", json_object_new_boolean(true));
	jadd(o, "actions", actions);
	jadd(o, "operators", ops);
	jadd(o, "archs", archs);
	jadd(o, "knownFlags", json_object_new_array());
	jadd(o, "supportedFlags", json_object_new_array());
	return o;
}

static struct json_object *linux_features(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ns = json_object_new_array();
	struct json_object *caps = json_object_new_array();
	struct json_object *cgroup = json_object_new_object();
	struct json_object *ext = json_object_new_object();
	char name[48];

	for (int k = 0; k < NS_COUNT; k++)
		json_object_array_add(ns, json_object_new_string(ent_ns_names[k].oci));
	for (unsigned cap = 0; cap <= CAP_LAST_CAP && cap < ENT_MAX_CAPS; cap++) {
		ent_cap_name(cap, name, sizeof(name));
		json_object_array_add(caps, json_object_new_string(name));
	}
	jadd(cgroup, "v1", json_object_new_boolean(true));
	jadd(cgroup, "v2", json_object_new_boolean(true));
	jadd(cgroup, "systemd", json_object_new_boolean(false));
	jadd(cgroup, "systemdUser", json_object_new_boolean(false));
	jadd(cgroup, "rdma", json_object_new_boolean(false));
	jadd(ext, "idmap", jbool_object(true));
	jadd(o, "namespaces", ns);
	jadd(o, "capabilities", caps);
	jadd(o, "cgroup", cgroup);
	jadd(o, "seccomp", seccomp());
	jadd(o, "apparmor", jbool_object(false));
	jadd(o, "selinux", jbool_object(false));
	jadd(o, "intelRdt", jbool_object(false));
	jadd(o, "mountExtensions", ext);
	return o;
}

/* The hook kinds ent-run runs: all of them. */
static struct json_object *hooks(void)
{
	struct json_object *a = json_object_new_array();

	for (int k = 0; a && k < ENT_HOOK_KINDS; k++)
		json_object_array_add(a, json_object_new_string(ent_hook_names[k]));
	return a;
}

int ent_oci_features_print(FILE *out, struct rt_err *err)
{
	struct json_object *o = json_object_new_object();
	struct json_object *annotations = json_object_new_object();
	const char *text;
	int r = 0;

	if (!o || !annotations) {
		json_object_put(o);
		json_object_put(annotations);
		return rt_fail(err, ENOMEM, "features: build the document");
	}
	jadd(o, "ociVersionMin", json_object_new_string("1.0.0"));
	jadd(o, "ociVersionMax", json_object_new_string(ENT_OCI_VERSION));
	jadd(o, "hooks", hooks());
	jadd(o, "mountOptions", mount_options());
	jadd(o, "linux", linux_features());
	jadd(annotations, "run.ent.version", json_object_new_string(ENT_VERSION));
	jadd(annotations, ENT_OCI_ANNOTATION_ENTITLEMENTS,
	     json_object_new_string("entitlements replacing the security fields"));
	jadd(annotations, ENT_OCI_ANNOTATION_ROOTFS_IDMAP,
	     json_object_new_string("idmap the rootfs with the container's user namespace"));
	jadd(o, "annotations", annotations);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || fprintf(out, "%s\n", text) < 0 || fflush(out) == EOF)
		r = rt_fail(err, text ? (errno ? errno : EIO) : ENOMEM, "features: write");
	json_object_put(o);
	return r;
}
