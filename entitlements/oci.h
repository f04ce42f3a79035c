/*
 * entitlements/oci.h - OCI runtime mode, the pure parts: an OCI config.json (runtime-spec,
 * config.md and config-linux.md) compiled into the same struct ent_plan that entitlements
 * produce, the state of a container as JSON, and the features document.
 *
 * Pure: runtime/ reads the files and passes their text in; these functions make no system
 * call. JSON is read and written with json-c.
 */
#ifndef ENT_OCI_H
#define ENT_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "entitlements/ent.h"
#include "entitlements/plan.h"

#define ENT_OCI_CONFIG_MAX  (4u << 20) /* a larger config.json is refused unread */
#define ENT_OCI_ID_MAX      128        /* bytes of a container id */
#define ENT_OCI_MAX_CGROUPS 16         /* cgroup directories of one container */
#define ENT_OCI_VERSION     "1.2.0"    /* the runtime-spec version ent-run implements */

/* The annotation that replaces a config's raw security fields with entitlements. */
#define ENT_OCI_ANNOTATION_ENTITLEMENTS "run.ent.entitlements"
/* The annotation `ent-run spec` writes for an idmapped rootfs ("uids=0-524288-65536;..."). */
#define ENT_OCI_ANNOTATION_ROOTFS_IDMAP "run.ent.rootfs.idmap"

/* What ent_oci_compile() needs besides the file. */
struct ent_oci_input {
	const char *text; /* config.json, len bytes */
	size_t len;
	const char *source;   /* "BUNDLE/config.json": names the file in messages */
	const char *bundle;   /* the bundle directory, absolute: root.path and bind sources that
	                         are relative are relative to it */
	const char *id;       /* the container's id: its cgroup (below the caller's) when the
	                         config names no linux.cgroupsPath */
	struct ent_host host; /* the caller's ids, the host's cgroup hierarchies */
	/*
	 * The node policy's ceilings, as for a command line request: a config that names no
	 * pids limit, or a tmpfs without a size, gets the ceiling. has_policy false: the config
	 * runs as written (no limit it does not ask for, as with runc).
	 */
	bool has_policy;
	struct ent_limits limits;
	/*
	 * Told of each field ignored because it means nothing on this host (an SELinux label
	 * where SELinux is not enabled: host.no_selinux), as "linux.mountLabel: ignored (...)".
	 * NULL: nobody is told.
	 */
	void (*warn)(void *data, const char *msg);
	void *warn_data;
};

/*
 * Compile config.json into plan (from ent_plan_new): process (args, env, cwd, user, umask,
 * additional groups, terminal, console size aside, capabilities, noNewPrivileges, rlimits,
 * oomScoreAdj), root, hostname, domainname, mounts, and under "linux" the namespaces (new,
 * or joined by path), id mappings, devices, cgroupsPath and resources (devices, memory, cpu,
 * cpuset, pids), sysctl, masked and read-only paths and the seccomp filter (the importer of
 * --seccomp localhost/, entitlements/seccomp_json.h). Without a user namespace the container's
 * root is the host's root: ns.unshare[NS_USER] is false, which the node policy treats as a
 * grant of its own (allow host-userns).
 *
 * With the annotation run.ent.entitlements ("network.access=user,security.fs=read-only") the
 * security settings come from those entitlements instead, compiled as `ent-run --entitle`
 * would: namespaces shared with the host, capabilities, no_new_privs, seccomp, masked and
 * read-only paths, devices and device rules, the kernel filesystems and the id maps; the
 * config's own fields of that kind are then not read, and the rest (process, root, hostname,
 * bind and tmpfs mounts, namespace paths, cgroupsPath and limits, rlimits) is taken from it.
 *
 * A field of the runtime-spec that ent-run does not implement is an error naming it
 * ("BUNDLE/config.json: linux.resources.blockIO: not supported"), unless it is empty; a
 * property the spec does not define is ignored, as the spec requires. Returns 0, or -1 with
 * err naming the file, the field and the reason.
 */
int ent_oci_compile(const struct ent_oci_input *in, struct ent_plan *plan, struct rt_err *err);

/*
 * `exec --process FILE`: the process object (runtime-spec "process", the JSON of process.json)
 * replaces plan's process (args, env, cwd, user, terminal, rlimits) and its capability sets
 * and no_new_privs; the seccomp filter, namespaces and mounts of plan stay the container's.
 * Returns 0, or -1 with err naming source and the field.
 */
int ent_oci_compile_process(const char *text, size_t len, const char *source, struct ent_plan *plan,
                            struct rt_err *err);

/*
 * Only config.json's "hooks" into plan->hooks (start and delete run the poststart and poststop
 * hooks of the config saved at create, without compiling the rest). Returns 0, or -1 with err
 * naming source and the field.
 */
int ent_oci_hooks(const char *text, size_t len, const char *source, struct ent_plan *plan,
                  struct rt_err *err);

/* Is id usable as a container id: 1 to ENT_OCI_ID_MAX-1 bytes of [A-Za-z0-9_+.-], not "."/"..". */
bool ent_oci_id_valid(const char *id);

/*
 * Copy the value of annotation key of config.json text into buf (size bytes). Returns 1 when
 * found, 0 when absent (or the text is not JSON), -1 when it does not fit.
 */
int ent_oci_annotation(const char *text, size_t len, const char *key, char *buf, size_t size);

/* ---------------------------------------------------------------- the state of a container */

/*
 * What ent-run records about a container it created (runtime/oci_state.c writes it to
 * ROOT/ID/state.json and takes it back); the status is not recorded but observed.
 */
struct ent_oci_state {
	char id[ENT_OCI_ID_MAX];
	char bundle[ENT_PATH_MAX];
	long pid;                     /* its first process, on the host */
	unsigned long long starttime; /* of pid (proc(5) stat field 22): a recycled pid differs */
	char created[40];             /* RFC 3339, UTC */
	char ids_lease[32];           /* ns/idrange.h block "UID-GID", "" for none */
	char cgroups[ENT_OCI_MAX_CGROUPS][ENT_PATH_MAX]; /* its cgroup directories */
	unsigned n_cgroups;
};

/* Write st as state.json (one JSON object). Returns 0 or -1 with err when out fails. */
int ent_oci_state_write(FILE *out, const struct ent_oci_state *st, struct rt_err *err);

/* Read state.json text back into st. Returns 0 or -1 with err naming source and the field. */
int ent_oci_state_read(const char *text, size_t len, const char *source, struct ent_oci_state *st,
                       struct rt_err *err);

/*
 * The state document of `ent-run state ID` (runtime-spec runtime.md "State"): ociVersion, id,
 * status, pid (0 once stopped), bundle and the annotations of config (its JSON text; NULL: an
 * empty object). Pretty-printed, one object. Returns 0 or -1 with err.
 */
int ent_oci_state_print(FILE *out, const struct ent_oci_state *st, const char *status,
                        const char *config, size_t config_len, struct rt_err *err);

/*
 * One line of the --log file into buf: json {"level":"error","msg":"...","time":"..."} (what
 * containerd reads back for the error it shows), or logrus's text form time="..." level=...
 * msg="...". time is RFC 3339. Returns the length, or -1 when it does not fit.
 */
int ent_oci_log_line(char *buf, size_t size, bool json, const char *level, const char *msg,
                     const char *time);

/*
 * `ent-run features` (runtime-spec features.md): the versions, mount options, namespaces,
 * capabilities, cgroup support, seccomp actions, operators and architecture, and the
 * annotations ent-run reads. Returns 0 or -1 with err.
 */
int ent_oci_features_print(FILE *out, struct rt_err *err);

#endif
