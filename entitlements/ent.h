/*
 * entitlements/ent.h - the request (what the user asked for) and the compiler that turns it into
 * a plan. Pure: text in, plan out; no system call changes or even reads the system here.
 * Facts about the host (caller's uid, /etc/subuid ranges) come in through struct ent_host.
 */
#ifndef ENT_ENT_H
#define ENT_ENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "entitlements/plan.h"

#define ENT_MAX_REQ_ITEMS      64
#define ENT_PIDS_DEFAULT       1024                /* processes, when nothing else says */
#define ENT_TMPFS_DEFAULT      (INT64_C(64) << 20) /* bytes of every tmpfs, when nothing else says */
#define ENT_MEMORY_MIN         (INT64_C(6) << 20) /* the least --memory, as Docker's: PID 1 and an exec */
#define ENT_EPHEMERAL_DEFAULT  (INT64_C(1) << 30) /* bytes of --ephemeral's upper layer */
#define ENT_KILL_AFTER_DEFAULT 10000              /* ms of grace after --timeout's SIGTERM */
#define ENT_SUBNET_DEFAULT     "10.88.0.0/16"     /* the address pool; a policy always allows it */

/*
 * Resource ceilings, from a node policy's "limit" lines (entitlements/policy.h); a has_* false
 * means no such line. A request above one is refused; a request that names no limit gets the
 * ceiling. Without a line the ceilings are the defaults: ENT_PIDS_DEFAULT processes,
 * ENT_TMPFS_DEFAULT per tmpfs, no memory or CPU ceiling.
 */
struct ent_limits {
	bool has_pids;
	int64_t pids_max; /* 0 = "max" (no limit) */
	bool has_memory;
	int64_t memory_bytes;
	bool has_cpus;
	int64_t cpu_quota_us; /* per cpu_period_us */
	int64_t cpu_period_us;
	bool has_tmpfs;
	int64_t tmpfs_bytes; /* each tmpfs */
};

/* --volume SRC:DST[:ro] after parsing. */
struct ent_volume {
	char source[ENT_PATH_MAX]; /* absolute host path (runtime resolves relative ones) */
	char target[ENT_PATH_MAX]; /* absolute, normalised, no ".." */
	bool readonly;
	uint64_t source_dev; /* the source's identity when runtime/ resolved it (0: unchecked) */
	uint64_t source_ino;
};

/* One subordinate id range of the caller (/etc/subuid, /etc/subgid). */
struct ent_idrange {
	uint32_t start;
	uint32_t count;
};

/* One mounted cgroup hierarchy of the host (runtime/cgroup_layout.c reads mountinfo). */
struct ent_cgroup_mount {
	char mnt[ENT_CGROUP_PATH_MAX]; /* "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified" */
	char opts[128]; /* v1 controllers, as mount(2) data: "cpu,cpuacct", "name=systemd" */
	bool v2;        /* the cgroup2 tree (opts empty) */
	char own[ENT_CGROUP_PATH_MAX]; /* the caller's cgroup in it ("/user.slice/x"; "/" at the
	                                  top) */
};

#define ENT_MAX_CGROUP_MOUNTS 16

/* The host's cgroup layout: v1 hierarchies, the cgroup2 tree, or both (hybrid). */
struct ent_cgroup_layout {
	struct ent_cgroup_mount mounts[ENT_MAX_CGROUP_MOUNTS];
	unsigned n_mounts;
};

/* What runtime/ learned about the host, for the parts of the plan that depend on it. */
struct ent_host {
	uint32_t uid; /* the caller's real uid/gid */
	uint32_t gid;
	struct ent_idrange subuid; /* count 0: none */
	struct ent_idrange subgid;
	bool have_idmap_helpers; /* newuidmap and newgidmap are installed */
	unsigned kernel_major;   /* uname(2) release "6.18.3-amd64": 6 and 18, for */
	unsigned kernel_minor;   /* a seccomp profile's minKernel; 0.0: unknown */
	bool no_selinux;         /* SELinux is not enabled (no selinuxfs at /sys/fs/selinux): an OCI
	                            config's SELinux labels mean nothing here and are ignored */
	/* Last (rt_host_probe zeroes what comes before it): mirrored read-only at /sys/fs/cgroup
	 * inside, the first n_mounts filled by rt_host_probe_cgroups when the plan has a cgroup. */
	struct ent_cgroup_layout cgroups;
};

/*
 * Everything the user asked for, already split into typed values by runtime/cli.c. Strings are
 * borrowed (argv, files) for the duration of ent_compile(); the plan copies what it keeps.
 */
struct ent_request {
	const char *entitlements[ENT_MAX_REQ_ITEMS];     /* "-e KEY=VALUE", as typed */
	const char *entitlement_from[ENT_MAX_REQ_ITEMS]; /* "profile NAME"; NULL: "--entitle" */
	unsigned n_entitlements;
	const char *profiles[ENT_MAX_REQ_ITEMS]; /* "-p NAME" */
	unsigned n_profiles;
	const char *profile_dir;     /* default /etc/ent-run/profiles */
	const char *policy_path;     /* NULL: /etc/ent-run/policy when it exists */
	const char *seccomp_ref;     /* NULL: runtime/default */
	const char *seccomp_root;    /* default /etc/ent-run/seccomp */
	const char *seccomp_profile; /* localhost/NAME: the file's text, read by runtime/ */
	size_t seccomp_profile_len;
	const char *seccomp_profile_path; /* its path, for messages */
	bool learn; /* ent-run learn: the learning variant of the filter (entitlements/learn.h) */
	bool learn_caps; /* ... for a round whose capability checks are observed */

	const char *rootfs;  /* resolved absolute host path, NULL for explain/check */
	uint64_t rootfs_dev; /* the directory's identity when it was resolved (runtime/) */
	uint64_t rootfs_ino;
	char *const *argv; /* the command and its arguments, NULL-terminated */
	struct ent_volume volumes[ENT_MAX_REQ_ITEMS];
	unsigned n_volumes;
	const char *tmpfs[ENT_MAX_REQ_ITEMS];   /* absolute targets */
	int64_t tmpfs_bytes[ENT_MAX_REQ_ITEMS]; /* --tmpfs DST:size=SIZE; 0: the default */
	unsigned n_tmpfs;
	const char *env[ENT_MAX_REQ_ITEMS]; /* "K=V" */
	unsigned n_env;
	const char *workdir;  /* NULL: "/" */
	const char *hostname; /* NULL: a default name */
	bool has_user;        /* --user given */
	uint32_t uid;
	uint32_t gid;
	bool tty;
	bool ephemeral;          /* --ephemeral[=SIZE] */
	int64_t ephemeral_bytes; /* its SIZE; 0: the default (ENT_EPHEMERAL_DEFAULT, or the
	                            policy's tmpfs ceiling when lower) */
	int64_t timeout_ms;      /* --timeout DURATION; 0: none */
	int64_t kill_after_ms;   /* --kill-after DURATION; 0: ENT_KILL_AFTER_DEFAULT */
	bool stats;              /* --stats FILE: measure the container (the file is runtime/'s) */

	bool has_memory; /* limits; has_* false = default */
	int64_t memory_bytes;
	bool has_pids;
	int64_t pids_max; /* 0 = "max" */
	bool has_cpus;
	int64_t cpu_quota_us;
	int64_t cpu_period_us;
	struct netcfg_publish publish[ENT_MAX_PUBLISH];
	unsigned n_publish;
	const char *subnet;
	struct ent_limits limits; /* the node policy's ceilings (runtime/ copies them in) */

	struct ent_host host;
};

/*
 * Resource values as the command line and a node policy write them (entitlements/limits.c).
 * Each returns 0, or -1 with err naming what ("--memory", "limit memory"), the text and what is
 * expected. A size is a positive number with an optional suffix K, M, G or T (powers of 1024);
 * a process count is a number >= 1 or "max" (*pids 0); a CPU count is 0.01 to 4096, as a CFS
 * quota per 100 ms period.
 */
int ent_parse_size(const char *what, const char *text, int64_t *bytes, struct rt_err *err);
/* A memory limit: a size of at least ENT_MEMORY_MIN. */
int ent_parse_memory(const char *what, const char *text, int64_t *bytes, struct rt_err *err);
int ent_parse_pids(const char *what, const char *text, int64_t *pids, struct rt_err *err);
int ent_parse_cpus(const char *what, const char *text, int64_t *quota_us, int64_t *period_us,
                   struct rt_err *err);

/*
 * A duration as timeout(1) writes it ("--timeout", "--kill-after"): a positive decimal number
 * with an optional suffix s, m or h (seconds without one), into *ms, rounded to the nearest
 * millisecond (at least 1). Returns 0, or -1 with err naming what, the text and the form.
 */
int ent_parse_duration(const char *what, const char *text, int64_t *ms, struct rt_err *err);

/* A duration as text, in the largest unit that says it exactly: "2h", "90s", "1.5s". */
void ent_duration_str(int64_t ms, char *buf, size_t size);

/* The same values as text for messages: "64M", "1536K", "100"; CPUs "1.5". */
void ent_size_str(int64_t bytes, char *buf, size_t size);
void ent_cpus_str(int64_t quota_us, int64_t period_us, char *buf, size_t size);

/* The "size=" of tmpfs mount options data ("mode=1777,size=65536k"), in bytes; -1: none. */
int64_t ent_tmpfs_size(const char *data);

/* Append ",size=N" (in KiB when exact) to mount options data of size bytes; -1 if it is full. */
int ent_tmpfs_set_size(char *data, size_t size, int64_t bytes);

struct ent_entry; /* a row of the catalogue (entitlements/catalogue.h) */

/*
 * One entitlement after parsing: the catalogue row it names (aliases resolved) and, for
 * host.devices.allow, the device path. Holds no pointer into the text it was parsed from.
 */
struct ent_grant_req {
	const struct ent_entry *entry;          /* static catalogue row */
	char path[ENT_PATH_MAX];                /* host.devices.allow=PATH; "" otherwise */
	char text[ENT_PATH_MAX + ENT_NAME_MAX]; /* canonical: "network.access=proxy" */
};

/*
 * Parse one entitlement as typed ("network.access=proxy", "network.proxy",
 * "security.memory-lock", "host.devices.allow=/dev/kvm") into out. Returns 0, or -1 with err
 * holding one line that names the offending text and lists the valid choices, with a
 * suggestion for a near miss ("did you mean network.access=proxy?"). Pure: no system call;
 * a device path is checked for its form only (absolute, under /dev/, no "." or ".." or empty
 * components), the runtime checks it is a device.
 */
int ent_parse(const char *text, struct ent_grant_req *out, struct rt_err *err);

/*
 * Print the catalogue for "ent-run explain --list": every entitlement with its aliases,
 * default marker and description, as text for an 80-column terminal, or (json) as an array
 * of {"entitlement", "aliases", "default", "description", "grants"} objects.
 */
void ent_catalogue_print(FILE *out, bool json);

/* Allocate a zeroed plan (it is large: fixed arrays). NULL with err set on ENOMEM. */
struct ent_plan *ent_plan_new(struct rt_err *err);

/* Free a plan and what it owns (proc.argv, proc.env, its rules and strings). NULL is fine. */
void ent_plan_free(struct ent_plan *plan);

/* Free a NULL-terminated array of strings and the strings. NULL is fine. */
void ent_strv_free(char **v);

/*
 * Append mount m (its why set to why) to plan->rootfs; its strings are copied into the plan's
 * arena, so m and why may be the caller's. -1 with err when the table is full.
 */
int ent_plan_add_mount(struct ent_plan *plan, const struct rootfs_mount *m, const char *why,
                       struct rt_err *err);

/*
 * Compile req into plan (from ent_plan_new). Starts from the catalogue's defaults (least
 * privilege), applies each entitlement (union; the highest level of a domain wins), then the
 * process options. Returns 0, or -1 with err naming the offending text and the valid choices.
 */
int ent_compile(const struct ent_request *req, struct ent_plan *plan, struct rt_err *err);

/*
 * The user namespace maps of a new container (ns->idmap_why "default"): as root, a block of
 * host ids of its own (own_range; the outside ids are leased at start); rootless, the caller
 * as root inside, and its /etc/subuid range after when newuidmap can write it.
 */
void ent_default_idmaps(const struct ent_host *host, struct ns_spec *ns);

/*
 * Is some uid of the container host root? Without a user namespace all of them are; a leased
 * block (own_range) never is (entitlements/subid.c refuses sub-id entries that low).
 */
bool ent_maps_host_root(const struct ns_spec *ns);

/*
 * Files only host root may read (mode 0400): masked only where a container uid is host root
 * (entitlements/compile.c), which the node policy then requires.
 */
extern const char *const ent_host_root_only[];
extern const unsigned ent_n_host_root_only;

/* Does the kernel refuse path to every uid of the container of ns (ent_host_root_only)? */
bool ent_kernel_hides(const struct ns_spec *ns, const char *path);

/* Are two id maps the same, range by range? */
bool ent_same_idmaps(const struct ns_idmap *a, unsigned na, const struct ns_idmap *b, unsigned nb);

/*
 * The container's view of its cgroups (entitlements/cgroupfs.c), a second step after
 * ent_compile() for plans that use a cgroup (runtime/ reads the host's layout only then, at
 * no cost to the others): append to plan's mounts the
 * hierarchies in use (those carrying plan->cgroup's limits and device rules, where runtime/
 * places the container) at /sys/fs/cgroup, read-only, in the same places as on the host (a
 * tmpfs holding one cgroup mount per v1 hierarchy, or the cgroup2 tree). Mounted inside the
 * container's cgroup namespace, each shows the container's own cgroup as its root. Needs a new
 * cgroup namespace (otherwise adds nothing). Returns 0 or -1 with err (too many mounts).
 */
int ent_compile_cgroupfs(const struct ent_host *host, struct ent_plan *plan, struct rt_err *err);

/* Where and how the container sees its cgroups (OCI mounts of type "cgroup"). */
struct ent_cgroup_view {
	const char *target; /* "/sys/fs/cgroup" */
	bool every;         /* every hierarchy, not only those the limits use */
	const char *dir;    /* the container's cgroup (plan's cgroup.path) to bind from each
	                       hierarchy; NULL: fresh mounts, made inside its cgroup namespace */
	bool readonly;      /* the mounts, and the tmpfs holding them, read-only */
	const char *why;
};

/*
 * ent_compile_cgroupfs's mounts as v says: at v->target, in every hierarchy or those in use,
 * fresh or bound from the container's cgroup directories (for a container without a cgroup
 * namespace, where a fresh mount would show the host's whole tree). Returns 0 or -1 with err.
 */
int ent_compile_cgroup_view(const struct ent_host *host, struct ent_plan *plan,
                            const struct ent_cgroup_view *v, struct rt_err *err);

#endif
