/*
 * entitlements/plan.h - the contract: plain data describing one container.
 *
 * entitlements/ compiles a request (entitlements and options) into a struct ent_plan; runtime/
 * executes it through the mechanisms (ns/, rootfs/, netcfg/, runtime/lockdown.c,
 * runtime/cgroup.c), each of which takes only its own *_spec. explain prints it, spec turns it
 * into an OCI config.json, and the policy check compares plans. Nothing else decides a security
 * setting.
 *
 * The plan is one heap block of fixed-size arrays (allocate it with calloc, free it with
 * ent_plan_free, which also frees proc.argv/proc.env). Every decision carries a "why": the
 * entitlement, option or default that put it there (provenance, printed by explain and
 * --verbose).
 */
#ifndef ENT_PLAN_H
#define ENT_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define ENT_WHY_MAX      96 /* "network.access=proxy", "default", "--volume" */
#define ENT_PATH_MAX     PATH_MAX
#define ENT_NAME_MAX     64
#define ENT_MAX_MOUNTS   64
#define ENT_MAX_PATHS    32 /* masked paths, read-only paths */
#define ENT_MAX_DEVICES  32
#define ENT_MAX_IDMAP    8
#define ENT_MAX_RULES    768 /* seccomp rules */
#define ENT_MAX_ARGS     6   /* seccomp argument conditions per rule (syscalls have 6 args) */
#define ENT_MAX_CAPS     64  /* capability numbers 0..63 (bit masks below) */
#define ENT_MAX_DEVRULES 48
#define ENT_MAX_PUBLISH  16
#define ENT_MAX_RLIMITS  8
#define ENT_MAX_GRANTS   32 /* entitlements in one request, after profile expansion */

/* ---------------------------------------------------------------- namespaces (ns/) */

/* Index of each namespace kind; the clone flag for each is in ns/ns.c's table. */
enum ns_kind {
	NS_USER,
	NS_MNT,
	NS_PID,
	NS_NET,
	NS_UTS,
	NS_IPC,
	NS_CGROUP,
	NS_COUNT,
};

/* One line of /proc/PID/uid_map or gid_map: "inside outside count". */
struct ns_idmap {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

struct ns_spec {
	bool unshare[NS_COUNT];          /* true: a new namespace; false: share the host's */
	char why[NS_COUNT][ENT_WHY_MAX]; /* which entitlement decided, per namespace */
	struct ns_idmap uid_map[ENT_MAX_IDMAP];
	unsigned n_uid_map;
	struct ns_idmap gid_map[ENT_MAX_IDMAP];
	unsigned n_gid_map;
	bool use_idmap_helpers; /* write maps with newuidmap/newgidmap (setuid helpers, rootless) */
	bool deny_setgroups; /* write "deny" to /proc/PID/setgroups first (rootless, no helper) */
	char hostname[65];   /* HOST_NAME_MAX + 1; set inside the new UTS namespace */
	char idmap_why[ENT_WHY_MAX]; /* why the maps are what they are ("default", or the
	                                entitlement that moved root to a subordinate range) */
};

/* ---------------------------------------------------------------- mounts (rootfs/) */

/*
 * One mount, applied in array order after the rootfs is bound and before pivot_root. target is
 * an absolute path inside the container. fstype "bind" means a bind mount of the host path
 * source (recursive when ROOTFS_REC is in options); any other fstype is mount(2)ed with source,
 * flags and data as given.
 */
struct rootfs_mount {
	char source[ENT_PATH_MAX];
	char target[ENT_PATH_MAX];
	char fstype[16];     /* "bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue", ... */
	unsigned long flags; /* MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_REC ... */
	char data[128];      /* filesystem options: "mode=755,size=65536k" */
	bool create_file;    /* bind of a file: create an empty file, not a directory */
	uint64_t source_dev; /* bind: the source's device and inode when its path was resolved */
	uint64_t source_ino; /* (0: unchecked); the child binds only that very file */
	char why[ENT_WHY_MAX];
};

/* A host device node bound into the container's /dev (path is the same inside and out). */
struct rootfs_device {
	char path[ENT_PATH_MAX]; /* "/dev/null" */
	char why[ENT_WHY_MAX];
};

/* A path inside the container with its provenance (masked or read-only paths). */
struct rootfs_path {
	char path[ENT_PATH_MAX];
	char why[ENT_WHY_MAX];
};

struct rootfs_spec {
	char root[ENT_PATH_MAX]; /* host path of the rootfs directory: absolute, symlinks resolved
	                          */
	uint64_t root_dev; /* its device and inode, pinned by runtime/ when the path was resolved */
	uint64_t root_ino; /* (0: unchecked): the child checks it bound that very directory */
	bool readonly;     /* remount / read-only after the mounts are in place */
	char readonly_why[ENT_WHY_MAX];
	struct rootfs_mount mounts[ENT_MAX_MOUNTS];
	unsigned n_mounts;
	bool host_dev; /* bind the host's /dev instead of building a minimal one */
	char host_dev_why[ENT_WHY_MAX];
	struct rootfs_device devices[ENT_MAX_DEVICES]; /* bound into the minimal /dev */
	unsigned n_devices;
	struct rootfs_path masked[ENT_MAX_PATHS]; /* hidden: /dev/null over files, empty ro tmpfs
	                                            over directories */
	unsigned n_masked;
	struct rootfs_path readonly_paths[ENT_MAX_PATHS]; /* bind-remounted read-only */
	unsigned n_readonly;
};

/* ---------------------------------------------------------------- network (netcfg/) */

enum netcfg_mode {
	NETCFG_NONE,     /* own netns, loopback only, socket() limited to AF_UNIX by seccomp */
	NETCFG_LOOPBACK, /* own netns with loopback only ("confined", the default) */
	NETCFG_USER,     /* outbound connectivity: veth + NAT (root), pasta/slirp4netns rootless */
	NETCFG_PROXY,    /* user + may publish ports */
	NETCFG_ADMIN,    /* proxy + CAP_NET_ADMIN inside its own netns */
	NETCFG_HOST,     /* the host's network namespace */
};

struct netcfg_publish {
	char host_ip[48]; /* "" = all addresses */
	uint16_t host_port;
	uint16_t port;
	int protocol; /* IPPROTO_TCP or IPPROTO_UDP */
};

struct netcfg_spec {
	enum netcfg_mode mode;
	char why[ENT_WHY_MAX];
	char subnet[64];   /* address pool, "10.88.0.0/16" */
	bool subnet_given; /* by --subnet: overlapping the host is an error, not blocks to skip */
	struct netcfg_publish publish[ENT_MAX_PUBLISH];
	unsigned n_publish;
	/*
	 * Filled by the parent at launch (netcfg_host_prepare), never by the compiler: the
	 * container side of the veth, configured from inside by netcfg_configure. IPv4 addresses
	 * in network byte order; ifname "" = no link to configure (no veth, or a rootless helper
	 * configures its own).
	 */
	char ifname[16];  /* "eth0" */
	uint32_t addr;    /* the container's address */
	uint32_t gateway; /* the host side of the veth: the default route */
	uint8_t prefix_len;
};

/* ---------------------------------------------------------------- cgroups (runtime/cgroup.c) */

/* One device-cgroup rule, in order; the last match wins (as in the OCI runtime spec). */
struct cgroup_devrule {
	bool allow;
	char type;      /* 'a' all, 'c' char, 'b' block */
	int64_t major;  /* -1 = any */
	int64_t minor;  /* -1 = any */
	char access[4]; /* some of "rwm" */
	char why[ENT_WHY_MAX];
	char path[ENT_PATH_MAX]; /* host.devices.allow=PATH: when set, runtime/cgroup.c stat()s
	                            this host node for type, major and minor (pure code cannot) */
};

struct cgroup_spec {
	int64_t memory_bytes; /* 0 = no limit */
	int64_t pids_max;     /* 0 = no limit ("--pids max") */
	int64_t cpu_quota_us; /* 0 = no limit; with cpu_period_us */
	int64_t cpu_period_us;
	char memory_why[ENT_WHY_MAX];
	char pids_why[ENT_WHY_MAX];
	char cpu_why[ENT_WHY_MAX];
	struct cgroup_devrule devrules[ENT_MAX_DEVRULES];
	unsigned n_devrules;
};

/* ---------------------------------------------------------------- lockdown (runtime/lockdown.c) */

/* What a seccomp rule does; mapped onto SCMP_ACT_* by runtime/lockdown.c. */
enum lockdown_action {
	LOCKDOWN_ALLOW,
	LOCKDOWN_ERRNO, /* fail with rule.errnum */
	LOCKDOWN_KILL_PROCESS,
	LOCKDOWN_KILL_THREAD,
	LOCKDOWN_TRAP,
	LOCKDOWN_LOG,
	LOCKDOWN_TRACE, /* with rule.errnum as the tracer's message */
};

/* Argument comparison; mapped onto SCMP_CMP_* (MASKED_EQ: (arg & value) == value2). */
enum lockdown_cmp {
	LOCKDOWN_CMP_NE,
	LOCKDOWN_CMP_LT,
	LOCKDOWN_CMP_LE,
	LOCKDOWN_CMP_EQ,
	LOCKDOWN_CMP_GE,
	LOCKDOWN_CMP_GT,
	LOCKDOWN_CMP_MASKED_EQ,
};

struct lockdown_arg {
	uint8_t index; /* 0..5 */
	uint8_t op;    /* enum lockdown_cmp */
	uint64_t value;
	uint64_t value2;
};

/*
 * One seccomp rule: syscall by name (resolved per architecture by libseccomp, never by number).
 * The conditions of one rule are ANDed; several rules for one syscall are ORed and must not
 * overlap (the compiler emits the complement explicitly, e.g. socket: ALLOW if arg0 == AF_UNIX,
 * ERRNO(EPERM) if arg0 != AF_UNIX), so nothing falls through to the default by accident.
 */
struct lockdown_rule {
	char syscall[ENT_NAME_MAX];
	uint8_t action; /* enum lockdown_action */
	int32_t errnum;
	struct lockdown_arg args[ENT_MAX_ARGS];
	unsigned n_args;
	char why[ENT_WHY_MAX];
};

enum lockdown_seccomp_mode {
	LOCKDOWN_SECCOMP_FILTER,     /* load the rules below */
	LOCKDOWN_SECCOMP_UNCONFINED, /* --seccomp unconfined: no filter */
};

/* Capability sets as bit masks indexed by capability number (resolved from CAP_* names). */
struct lockdown_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

struct lockdown_spec {
	struct lockdown_caps caps;
	char cap_why[ENT_MAX_CAPS][ENT_WHY_MAX]; /* why capability N is granted ("" = not) */
	bool no_new_privs;
	uint8_t seccomp_mode;           /* enum lockdown_seccomp_mode */
	char seccomp_ref[ENT_PATH_MAX]; /* "runtime/default", "unconfined", "localhost/NAME" */
	uint8_t default_action;         /* enum lockdown_action, for syscalls no rule names */
	int32_t default_errnum; /* ENOSYS: a syscall newer than the filter -> libc falls back */
	struct lockdown_rule rules[ENT_MAX_RULES];
	unsigned n_rules;
};

/* ---------------------------------------------------------------- the process (runtime/) */

struct ent_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
	char why[ENT_WHY_MAX];
};

struct ent_process {
	char **argv; /* owned, NULL-terminated; argv[0] is the command (searched in PATH) */
	char **env;  /* owned, NULL-terminated "KEY=VALUE" */
	char cwd[ENT_PATH_MAX];
	uint32_t uid; /* inside the container */
	uint32_t gid;
	bool tty;
	struct ent_rlimit rlimits[ENT_MAX_RLIMITS];
	unsigned n_rlimits;
};

/* ---------------------------------------------------------------- the whole plan */

/* One entitlement of the request, after alias and profile expansion ("network.access=proxy"). */
struct ent_grant {
	char text[ENT_PATH_MAX + ENT_NAME_MAX]; /* canonical "key=value" */
	char from[ENT_WHY_MAX];                 /* "--entitle", "profile NAME" */
};

struct ent_plan {
	struct ns_spec ns;
	struct rootfs_spec rootfs;
	struct netcfg_spec net;
	struct cgroup_spec cgroup;
	struct lockdown_spec lockdown;
	struct ent_process proc;
	struct ent_grant grants[ENT_MAX_GRANTS]; /* what was asked for, canonical */
	unsigned n_grants;
};

#endif
