/*
 * entitlements/plan.h - the contract: plain data describing one container.
 *
 * entitlements/ compiles a request (entitlements and options) into a struct ent_plan; runtime/
 * executes it through the mechanisms (ns/, rootfs/, netcfg/, runtime/lockdown.c,
 * runtime/cgroup.c), each of which takes only its own *_spec. explain prints it, spec turns it
 * into an OCI config.json, and the policy check compares plans. Nothing else decides a security
 * setting.
 *
 * The plan is sized to its content: small fixed arrays of small structs, and every string
 * (paths, mount data, provenance) a const char * that points either to a static string or into
 * the plan's own string arena (ent_plan_str), so the plan holds no PATH_MAX buffers and frees
 * in one call (ent_plan_free). Mechanisms only read it. Every decision carries a "why": the
 * entitlement, option or default that put it there (provenance, printed by explain and
 * --verbose); NULL means none.
 */
#ifndef ENT_PLAN_H
#define ENT_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define ENT_WHY_MAX         96       /* a "why" kept in a fixed buffer (rules, verdicts) */
#define ENT_PATH_MAX        PATH_MAX /* the longest path a plan may name (with its NUL) */
#define ENT_CGROUP_PATH_MAX 512 /* a cgroup mount point or path; longer is refused, never cut */
#define ENT_NAME_MAX        64
#define ENT_MAX_MOUNTS      64
#define ENT_MAX_PATHS       48 /* masked paths, read-only paths */
#define ENT_MAX_DEVICES     32
#define ENT_MAX_IDMAP       8
#define ENT_MAX_RULES       1024 /* seccomp rules (allocated as they are added) */
#define ENT_MAX_ARGS        6    /* seccomp argument conditions per rule (syscalls have 6 args) */
#define ENT_MAX_CAPS        64   /* capability numbers 0..63 (bit masks below) */
#define ENT_MAX_DEVRULES    48
#define ENT_MAX_PUBLISH     16
#define ENT_MAX_RLIMITS     16 /* every RLIMIT_ of setrlimit(2) */
#define ENT_MAX_GRANTS      32 /* entitlements in one request, after profile expansion */
#define ENT_MAX_SYSCTLS     32 /* OCI linux.sysctl entries */
#define ENT_MAX_GROUPS      32 /* supplementary groups of the process (OCI additionalGids) */
#define ENT_MAX_HOOKS       32 /* OCI hooks, of all kinds together */

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

/* One kernel parameter of the container's namespaces (OCI linux.sysctl): /proc/sys/KEY. */
struct ent_sysctl {
	const char *key;   /* "net.ipv4.ping_group_range": dots, as sysctl(8) writes it */
	const char *value; /* "0 0" */
	const char *why;
};

struct ns_spec {
	bool unshare[NS_COUNT];    /* true: a new namespace; false: share the host's */
	const char *why[NS_COUNT]; /* which entitlement decided, per namespace */
	/*
	 * OCI linux.namespaces[].path: join the namespace at this path (/proc/PID/ns/net,
	 * /run/netns/NAME) instead of creating one; unshare[k] stays true (it is not the host's:
	 * runtime/ turns a path that names one of the host's namespaces into unshare false before
	 * the policy check). NULL: create a new one. Mount and user namespaces cannot be joined.
	 */
	const char *path[NS_COUNT];
	struct ns_idmap uid_map[ENT_MAX_IDMAP];
	unsigned n_uid_map;
	struct ns_idmap gid_map[ENT_MAX_IDMAP];
	unsigned n_gid_map;
	bool use_idmap_helpers; /* write maps with newuidmap/newgidmap (setuid helpers, rootless) */
	bool deny_setgroups; /* write "deny" to /proc/PID/setgroups first (rootless, no helper) */
	char hostname[65];   /* HOST_NAME_MAX + 1; set inside the new UTS namespace */
	char domainname[65]; /* NIS domain name of the new UTS namespace; "": left alone */
	struct ent_sysctl sysctls[ENT_MAX_SYSCTLS]; /* written inside, before the mounts: only
	                                               namespaced parameters (ipc, net, mqueue) */
	unsigned n_sysctls;
	const char *idmap_why; /* why the maps are what they are ("default", or the entitlement
	                          that keeps host identity) */
	/*
	 * Started by root: the maps' outside ids (uid_map[0].outside, gid_map[0].outside) are a
	 * block of host ids leased for this container at start (ns/idrange.h), filled in by the
	 * parent; the plan holds 0 there until then.
	 */
	bool own_range;
};

/* ---------------------------------------------------------------- mounts (rootfs/) */

/* A file a bind mount takes from ent-run's state directory, written at start by netcfg/. */
enum rootfs_generated {
	ROOTFS_GEN_NONE,   /* source is a host path */
	ROOTFS_GEN_RESOLV, /* the container's resolv.conf: the host's, loopback nameservers out */
	ROOTFS_GEN_HOSTS,  /* the container's hosts: localhost and its own name and address */
};

/*
 * The kernel filesystems ent-run mounts itself, which no --volume or --tmpfs may cover: the
 * masks, read-only paths and device nodes made there afterwards would land in the mount.
 */
/* clang-format off */
#define ROOTFS_KERNEL_FS { "/proc", "/sys", "/dev" }
/* clang-format on */

/*
 * One mount, applied in array order after the rootfs is bound and before pivot_root. target is
 * an absolute path inside the container. fstype "bind" means a bind mount of the host path
 * source (recursive when ROOTFS_REC is in options); any other fstype is mount(2)ed with source,
 * flags and data as given.
 */
struct rootfs_mount {
	const char *source;
	const char *target;
	const char *fstype;  /* "bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue", ... */
	unsigned long flags; /* MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_REC ... */
	const char *data;    /* filesystem options: "mode=755,size=65536k"; NULL or "": none */
	bool create_file;    /* bind of a file: create an empty file, not a directory */
	bool idmap; /* bind: an idmapped mount the parent makes (rootfs/idmap.c), so the source's
	               on-disk ids 0-65535 are the container's 0-65535 */
	uint8_t generated;   /* enum rootfs_generated: the parent fills source in at start */
	uint64_t source_dev; /* bind: the source's device and inode when its path was resolved */
	uint64_t source_ino; /* (0: unchecked); the child binds only that very file */
	bool volume; /* bind of a host path the request chose (--volume, an OCI bind mount): a
	                grant the node policy must allow ("allow volume") */
	/* --volume, --tmpfs: the target may not be, or resolve to, one of ROOTFS_KERNEL_FS */
	bool requested;
	unsigned long propagation; /* OCI "shared", "rslave", ...: MS_SHARED, MS_SLAVE, MS_PRIVATE
	                              or MS_UNBINDABLE (| MS_REC) set once mounted; 0: private */
	const char *why;
};

/*
 * A device node in the container's /dev: the host's node at the same path bound in, or (mknod,
 * OCI linux.devices without a user namespace of its own) a node made with mknod(2) from type,
 * major and minor, then given mode, uid and gid.
 */
struct rootfs_device {
	const char *path; /* "/dev/null" */
	bool idmap;       /* an idmapped bind, so that container root is the node's owner (root) */
	bool mknod;       /* make the node instead of binding the host's */
	char type;        /* mknod: 'c' or 'b' */
	uint32_t major, minor;
	uint32_t mode; /* mknod: permission bits (0666) */
	uint32_t uid, gid;
	const char *why;
};

/* A path inside the container with its provenance (masked or read-only paths). */
struct rootfs_path {
	const char *path;
	const char *why;
};

/*
 * --ephemeral: the rootfs becomes the read-only lower layer of an overlay (overlayfs) whose
 * upper and work directories are on a tmpfs of size_bytes made for this container: whatever
 * the container writes lands there and is gone with its mount namespace; the rootfs directory
 * is never written. rootfs/overlay.c assembles it in the child.
 */
struct rootfs_overlay {
	bool enabled;
	bool upper; /* a writable upper layer. false with readonly (security.fs=read-only): the
	               kernel makes no overlay of one read-only layer, and none is needed, so the
	               rootfs is mounted read-only as it would be without --ephemeral */
	int64_t size_bytes; /* the tmpfs: a write beyond fails with ENOSPC (0 without upper) */
	const char *why;
};

struct rootfs_spec {
	const char *root;  /* host path of the rootfs directory: absolute, symlinks resolved */
	uint64_t root_dev; /* its device and inode, pinned by runtime/ when the path was resolved */
	uint64_t root_ino; /* (0: unchecked): the child checks it bound that very directory */
	bool idmap;        /* the rootfs is an idmapped mount the parent makes (rootfs/idmap.c) */
	bool readonly;     /* remount / read-only after the mounts are in place */
	const char *readonly_why;
	struct rootfs_overlay ephemeral;
	struct rootfs_mount mounts[ENT_MAX_MOUNTS];
	unsigned n_mounts;
	bool host_dev; /* bind the host's /dev instead of building a minimal one */
	const char *host_dev_why;
	struct rootfs_device devices[ENT_MAX_DEVICES]; /* bound into the minimal /dev */
	unsigned n_devices;
	struct rootfs_path masked[ENT_MAX_PATHS]; /* hidden: /dev/null over files, empty ro tmpfs
	                                            over directories */
	unsigned n_masked;
	struct rootfs_path readonly_paths[ENT_MAX_PATHS]; /* bound onto themselves, read-only */
	unsigned n_readonly;
	bool no_pivot; /* switch root with MS_MOVE and chroot(2), not pivot_root(2) (OCI
	                  --no-pivot: for a rootfs on a ramdisk, where pivot_root fails) */
	/*
	 * OCI linux.rootfsPropagation: the new "/"'s propagation, set after pivot_root (0:
	 * private). A slave anywhere (here or in a mount) makes the whole mount namespace a slave
	 * of the host's at the start instead of private, so the host's mount events can reach it;
	 * nothing the container mounts ever reaches the host.
	 */
	unsigned long propagation;
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
	const char *why;
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
	const char *why;
	const char *path; /* host.devices.allow=PATH: when set, runtime/cgroup.c stat()s this host
	                     node for type, major and minor (pure code cannot) */
};

struct cgroup_spec {
	/*
	 * OCI linux.cgroupsPath: absolute, from the root of every hierarchy; relative, below the
	 * caller's own cgroup. With a path the container gets a cgroup in every mounted hierarchy
	 * (as runc does), so that its processes can be listed and signalled through it. NULL: a
	 * cgroup ent-run-PID below ours, in the hierarchies the limits use.
	 */
	const char *path;
	int64_t memory_bytes;             /* 0 = no limit */
	int64_t memory_swap_bytes;        /* memory + swap; 0 = the memory limit (no swap),
	                                     -1 = no limit */
	int64_t memory_reservation_bytes; /* soft limit; 0 = none */
	int64_t memory_tcp_bytes;         /* kernel TCP buffer memory (v1 only); 0 = no limit */
	bool has_memory_swappiness;       /* else the kernel's */
	unsigned memory_swappiness;       /* 0..100 (v1 only) */
	bool memory_oom_kill_disable;     /* at the limit, tasks wait instead of being killed
	                                     (v1 only) */
	uint64_t cpu_shares;              /* relative CPU weight (v1 cpu.shares); 0 = default */
	const char *cpuset_cpus;          /* "0-3": CPUs it may run on; NULL = all */
	const char *cpuset_mems;          /* "0": memory nodes; NULL = all */
	int64_t pids_max;                 /* 0 = no limit ("--pids max") */
	bool pids_rlimit;     /* enforce pids_max with RLIMIT_NPROC, not the pids controller (see
	                         entitlements/compile.c): proc.rlimits holds it */
	int64_t cpu_quota_us; /* 0 = no limit; with cpu_period_us */
	int64_t cpu_period_us;
	const char *memory_why;
	const char *pids_why;
	const char *cpu_why;
	/*
	 * Not limits: reasons for a cgroup. stats (--stats) measures the whole container's CPU
	 * time, memory peak, process peak and I/O, which only its cgroups count (memory, cpuacct,
	 * pids on v1; memory, pids, io and the core cpu.stat on v2). track: every process
	 * of the container must be found to be killed (a --timeout in the host's PID namespace,
	 * where the death of our PID 1 takes nobody with it): the pids hierarchy lists them.
	 */
	bool stats;
	const char *stats_why;
	bool track;
	const char *track_why;
	struct cgroup_devrule devrules[ENT_MAX_DEVRULES];
	unsigned n_devrules;
};

/* ---------------------------------------------------------------- lockdown (runtime/lockdown.c) */

/* What a seccomp rule does; its names and libseccomp's value: ent_seccomp_actions (names.h). */
enum lockdown_action {
	LOCKDOWN_ALLOW,
	LOCKDOWN_ERRNO, /* fail with rule.errnum */
	LOCKDOWN_KILL_PROCESS,
	LOCKDOWN_KILL_THREAD,
	LOCKDOWN_TRAP,
	LOCKDOWN_LOG,
	LOCKDOWN_TRACE, /* with rule.errnum as the tracer's message */
	/*
	 * ent-run learn (entitlements/learn.h): the call waits for ent-run's supervisor
	 * (SECCOMP_RET_USER_NOTIF), which records it and answers what the filter without learning
	 * would: rule.errnum, or 0 to let the call proceed as if no filter had stopped it.
	 */
	LOCKDOWN_NOTIFY,
	LOCKDOWN_N_ACTIONS
};

/* Argument comparison (MASKED_EQ: (arg & value) == value2); names: ent_seccomp_cmps. */
enum lockdown_cmp {
	LOCKDOWN_CMP_NE,
	LOCKDOWN_CMP_LT,
	LOCKDOWN_CMP_LE,
	LOCKDOWN_CMP_EQ,
	LOCKDOWN_CMP_GE,
	LOCKDOWN_CMP_GT,
	LOCKDOWN_CMP_MASKED_EQ,
	LOCKDOWN_N_CMPS
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
	const char *syscall; /* the catalogue's name, or a profile's kept by ent_lockdown_str */
	const char *why;     /* the plan's string for an entitlement, "default", or a profile's
	                        place kept by ent_lockdown_str ("syscalls[3]") */
	/*
	 * n_args conditions, in the spec's pool (ent_lockdown_add_arg, the only writer); NULL
	 * when there are none. Out of line because few rules have any: a rule is 32 bytes, not
	 * 176, and the default's ~550 rules and their conditions touch 7 pages instead of 24 at
	 * every start.
	 */
	const struct lockdown_arg *args;
	int32_t errnum;
	uint8_t action; /* enum lockdown_action */
	uint8_t n_args;
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
	const char *cap_why[ENT_MAX_CAPS]; /* why capability N is granted (NULL = not) */
	bool no_new_privs;
	uint8_t seccomp_mode;    /* enum lockdown_seccomp_mode */
	const char *seccomp_ref; /* "runtime/default" (or NULL), "unconfined", "localhost/NAME" */
	const char *seccomp_why; /* what chose the reference (NULL: "--seccomp") */
	uint8_t default_action;  /* enum lockdown_action, for syscalls no rule names */
	int32_t default_errnum;  /* ENOSYS: a syscall newer than the filter -> libc falls back */
	/* n_rules of them, in room for ENT_MAX_RULES (ent_lockdown_add_rule) */
	struct lockdown_rule *rules;
	unsigned n_rules;
	/* the rules' conditions, each rule's consecutive (ent_lockdown_add_arg) */
	struct lockdown_arg *arg_pool;
	unsigned n_args_used;
	struct ent_strings *strings; /* the imported profile's names and places */
};

/* ---------------------------------------------------------------- the process (runtime/) */

struct ent_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
	const char *why;
};

struct ent_process {
	char **argv; /* owned, NULL-terminated; argv[0] is the command (searched in PATH) */
	char **env;  /* owned, NULL-terminated "KEY=VALUE" */
	const char *cwd;
	uint32_t uid; /* inside the container */
	uint32_t gid;
	uint32_t groups[ENT_MAX_GROUPS]; /* supplementary groups (OCI additionalGids) */
	unsigned n_groups;
	bool has_umask;
	uint32_t umask; /* file mode creation mask (umask(2)) when has_umask; else inherited */
	bool tty;
	uint16_t console_rows; /* OCI process.consoleSize of the terminal; 0: ent-run's own */
	uint16_t console_cols;
	/* OCI --console-socket: with tty, the terminal's master goes to this AF_UNIX socket
	 * (SCM_RIGHTS), as runc does, instead of being relayed by ent-run. NULL: relayed. */
	const char *console_socket;
	unsigned preserve_fds; /* OCI --preserve-fds N: descriptors 3..3+N-1 stay open */
	bool session_keyring;  /* join a new anonymous session keyring (keyrings(7)), so that
	                          the container does not share the caller's */
	bool has_oom_score_adj;
	int oom_score_adj; /* /proc/self/oom_score_adj (-1000..1000) */
	struct ent_rlimit rlimits[ENT_MAX_RLIMITS];
	unsigned n_rlimits;
	/*
	 * --timeout, as timeout(1): at timeout_ms after the command started, SIGTERM to the
	 * container's PID 1 (which passes it on); kill_after_ms later, SIGKILL to every process
	 * of the container. 0: no timeout.
	 */
	int64_t timeout_ms;
	int64_t kill_after_ms;
	const char *timeout_why;
};

/* ---------------------------------------------------------------- OCI hooks (runtime/hooks.c) */

/*
 * When an OCI hook runs (runtime-spec config.md "POSIX-platform Hooks"); names: ent_hook_names.
 * In the runtime's namespaces: prestart and createRuntime (at create, once the container's
 * namespaces exist), poststart (at start, once its process runs), poststop (at delete, once it
 * is gone). In the container's: createContainer (its mount namespace before pivot_root, so the
 * path is the host's) and startContainer (inside it, just before the process's execve).
 */
enum ent_hook_kind {
	ENT_HOOK_PRESTART, /* deprecated: where createRuntime runs, just before it */
	ENT_HOOK_CREATE_RUNTIME,
	ENT_HOOK_CREATE_CONTAINER,
	ENT_HOOK_START_CONTAINER,
	ENT_HOOK_POSTSTART,
	ENT_HOOK_POSTSTOP,
	ENT_HOOK_KINDS
};

/* One hook: a program run with the container's state (JSON) on its standard input. */
struct ent_hook {
	uint8_t kind;       /* enum ent_hook_kind */
	const char *path;   /* absolute */
	char **argv;        /* owned, NULL-terminated; the config's args, or { path } */
	char **env;         /* owned, NULL-terminated "KEY=VALUE" (empty when none given) */
	unsigned timeout_s; /* killed (SIGKILL) after this many seconds; 0: no timeout */
	const char *why;    /* "hooks.poststop[1]" */
};

/*
 * A host program run as host root, outside the container's sandbox: under a node policy a
 * grant of its own ("allow oci-hooks"). Kept in the config's order within each kind.
 */
struct ent_hooks {
	struct ent_hook list[ENT_MAX_HOOKS];
	unsigned n;
};

/* ---------------------------------------------------------------- the whole plan */

/* One entitlement of the request, after alias and profile expansion ("network.access=proxy"). */
struct ent_grant {
	const char *text; /* canonical "key=value" */
	const char *from; /* "--entitle", "profile NAME" */
};

struct ent_plan {
	struct ns_spec ns;
	struct rootfs_spec rootfs;
	struct netcfg_spec net;
	struct cgroup_spec cgroup;
	struct lockdown_spec lockdown;
	struct ent_process proc;
	struct ent_hooks hooks;                  /* OCI config.json's; none from entitlements */
	struct ent_grant grants[ENT_MAX_GRANTS]; /* what was asked for, canonical */
	unsigned n_grants;
	struct ent_strings *strings; /* the arena every non-static string above lives in */
	bool strings_failed; /* an allocation failed: some string is "" (ent_compile fails) */
};

/* True when the plan's string s is set and not empty. */
static inline bool ent_has(const char *s)
{
	return s && s[0];
}

/* True when the cgroup has memory settings: limits, or the v1 knobs of an OCI config. */
static inline bool ent_cgroup_sets_memory(const struct cgroup_spec *cg)
{
	return cg->memory_bytes > 0 || cg->memory_reservation_bytes > 0 ||
	       cg->memory_tcp_bytes > 0 || cg->has_memory_swappiness || cg->memory_oom_kill_disable;
}

/* A plan item's "why", or "default" when none was recorded. */
static inline const char *ent_why(const char *why)
{
	return ent_has(why) ? why : "default";
}

/*
 * Copy s into the plan's string arena and return the copy, which lives as long as the plan.
 * On ENOMEM returns "" and sets plan->strings_failed, which ent_compile() turns into an error,
 * so callers need not check every string.
 */
const char *ent_plan_str(struct ent_plan *plan, const char *s);

/* The same, for the first len bytes of s. */
const char *ent_plan_strn(struct ent_plan *plan, const char *s, size_t len);

/* Append a zeroed rule to lockdown; NULL with err when it is full. */
struct lockdown_rule *ent_lockdown_add_rule(struct lockdown_spec *lockdown, struct rt_err *err);
/*
 * Append condition c to rule r of lockdown (at most ENT_MAX_ARGS). A rule copied by value
 * shares its source's conditions: copy it with ent_lockdown_copy_rule instead. Returns 0, or
 * -1 with err.
 */
int ent_lockdown_add_arg(struct lockdown_spec *lockdown, struct lockdown_rule *r,
                         struct lockdown_arg c, struct rt_err *err);

/*
 * *dst = *src with conditions of its own in lockdown's pool (src may be a rule of lockdown,
 * or a template outside it). Returns 0, or -1 with err.
 */
int ent_lockdown_copy_rule(struct lockdown_spec *lockdown, struct lockdown_rule *dst,
                           const struct lockdown_rule *src, struct rt_err *err);

/* Drop every rule and its conditions (the pool is emptied too); strings stay. */
void ent_lockdown_clear_rules(struct lockdown_spec *lockdown);

/* Keep a copy of s as long as lockdown's rules (names from a profile); NULL on ENOMEM. */
const char *ent_lockdown_str(struct lockdown_spec *lockdown, const char *s);

/* Free each hook's argv and env and empty the list (ent_plan_free does it for a plan's). */
void ent_hooks_clear(struct ent_hooks *hooks);

/* Free lockdown's rules and strings (ent_plan_free does it for a plan's). */
void ent_lockdown_free(struct lockdown_spec *lockdown);

/* Does argument value v meet condition c (enum lockdown_cmp, on all 64 bits, as the filter)? */
bool ent_lockdown_cond_holds(const struct lockdown_arg *c, uint64_t v);

/*
 * The rule of lockdown that decides a call of syscall with args, as the loaded filter does, or
 * NULL when no rule matches (the default action decides). The compiler's rules for one call
 * never overlap, so the first rule whose conditions all hold is the one. Pure.
 */
const struct lockdown_rule *ent_lockdown_match(const struct lockdown_spec *lockdown,
                                               const char *syscall,
                                               const uint64_t args[ENT_MAX_ARGS]);

#endif
