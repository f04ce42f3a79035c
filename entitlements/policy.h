/*
 * entitlements/policy.h - named profiles and the node policy (DESIGN.md "Profiles and node
 * policy"). Pure: runtime/ reads the files and passes their text in.
 *
 * A profile is a named set of entitlements. A node policy lists what may run on a machine. A
 * request runs iff its grants (capabilities, system calls, shared namespaces, devices,
 * unmasked paths, network reach, rlimits, seccomp reference) are a subset of the union of
 * what the policy allows, where the union always includes the defaults.
 */
#ifndef ENT_POLICY_H
#define ENT_POLICY_H

#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"
#include "entitlements/ent.h"
#include "entitlements/plan.h"

#define ENT_PROFILE_MAX 64  /* entitlements in one profile */
#define ENT_POLICY_MAX  64  /* lines of each kind in a policy */
#define ENT_ITEM_MAX    320 /* one entitlement or reference, as text */
#define ENT_MISSING_MAX 32

#define ENT_PROFILE_DIR_DEFAULT  "/etc/ent-run/profiles"
#define ENT_SECCOMP_ROOT_DEFAULT "/etc/ent-run/seccomp"

struct ent_profile {
	char name[ENT_NAME_MAX];
	char entitlements[ENT_PROFILE_MAX][ENT_ITEM_MAX];
	unsigned n;
};

struct ent_policy {
	char source[ENT_PATH_MAX];                       /* the file, for messages */
	char entitlements[ENT_POLICY_MAX][ENT_ITEM_MAX]; /* allow ENTITLEMENT */
	unsigned n_entitlements;
	char profiles[ENT_POLICY_MAX][ENT_NAME_MAX]; /* allow profile NAME */
	unsigned n_profiles;
	char seccomp[ENT_POLICY_MAX][ENT_ITEM_MAX]; /* allow seccomp REF */
	unsigned n_seccomp;
	struct {
		char path[ENT_ITEM_MAX]; /* allow volume PATH[:ro]: host sources at or below PATH */
		bool readonly_only;
	} volumes[ENT_POLICY_MAX];
	unsigned n_volumes;
	char rootfs[ENT_POLICY_MAX][ENT_ITEM_MAX]; /* allow rootfs PATH: rootfs at or below PATH */
	unsigned n_rootfs;
	char join_ns[ENT_POLICY_MAX][ENT_ITEM_MAX]; /* allow join-namespace PATH: an OCI config's
	                                              linux.namespaces paths at or below PATH */
	unsigned n_join_ns;
	struct {
		uint32_t net; /* allow subnet CIDR: address pools inside it (host byte order) */
		unsigned prefix_len;
	} subnets[ENT_POLICY_MAX];
	unsigned n_subnets;
	struct {
		bool has_ip; /* allow publish [IP:]PORT[-PORT][/udp]: host ports first..last */
		uint32_t ip; /* on this host address only (0.0.0.0: all addresses) when has_ip */
		uint16_t first;
		uint16_t last;
		int protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	} publish[ENT_POLICY_MAX];
	unsigned n_publish;
	struct ent_limits limits; /* limit pids|memory|cpus|tmpfs VALUE */
	bool host_userns; /* allow host-userns: an OCI config without a user namespace (its root
	                     is the host's root) may run */
	bool oci_hooks;   /* allow oci-hooks: an OCI config's hooks (host programs run as host
	                     root, outside the container) may run */
	bool id_mappings; /* allow id-mappings: an OCI config's own linux.uidMappings and
	                     gidMappings (the host ids it names) may be written as given */
	char profile_dir[ENT_ITEM_MAX];  /* profile-dir DIR; "": ENT_PROFILE_DIR_DEFAULT */
	char seccomp_root[ENT_ITEM_MAX]; /* seccomp-root DIR; "": ENT_SECCOMP_ROOT_DEFAULT */
};

/* One grant of the request that the policy does not allow. */
struct ent_missing {
	char grant[ENT_ITEM_MAX];   /* "CAP_NET_RAW", "syscall mount", "host network namespace" */
	char from[ENT_WHY_MAX];     /* the entitlement (or option) that asked for it */
	char allowed[ENT_ITEM_MAX]; /* "allowed up to network.access=user", or "" */
	bool never;                 /* no policy can allow it (a host system directory as rootfs) */
};

struct ent_verdict {
	bool allowed;
	struct ent_missing missing[ENT_MISSING_MAX]; /* the first n_missing are set */
	unsigned n_missing;
	bool truncated; /* more than ENT_MISSING_MAX missing grants */
};

/*
 * An empty verdict (allowed, nothing missing). Not a memset: the 23 KB of missing[] stay
 * untouched until a grant is missing, where zeroing them would fault in six stack pages
 * (~15 µs each on a machine whose page faults trap to a hypervisor) at every start.
 */
void ent_verdict_init(struct ent_verdict *v);

/* A profile name is one file name: letters, digits, '.', '_', '-'; not starting with '.'. */
bool ent_profile_name_valid(const char *name);

/*
 * The built-in profiles: "default" (the empty set) and "privileged" (every admin level and
 * security.memory-lock). Returns true and fills out when name is one of them.
 */
bool ent_profile_builtin(const char *name, struct ent_profile *out);

/*
 * Parse a profile file: one entitlement per line, '#' comments, blank lines. Each entitlement
 * is checked with ent_parse(). source names the file in messages ("FILE:LINE: ...").
 */
int ent_profile_parse(const char *name, const char *text, const char *source,
                      struct ent_profile *out, struct rt_err *err);

/*
 * Parse a node policy: lines "allow ENTITLEMENT", "allow profile NAME", "allow seccomp REF",
 * "allow host-userns", "allow oci-hooks",
 * "allow volume PATH[:ro]", "allow rootfs PATH", "allow subnet CIDR",
 * "allow publish [IP:]PORT[-PORT][/udp]", "limit pids N|max", "limit memory SIZE",
 * "limit cpus N", "limit tmpfs SIZE", "profile-dir DIR", "seccomp-root DIR", '#' comments,
 * blank lines. Malformed lines (and a limit or directory given twice) are errors naming
 * FILE:LINE.
 */
int ent_policy_parse(const char *text, const char *source, struct ent_policy *out,
                     struct rt_err *err);

/* How a path relates to the host's system directories (ent_system_dir). */
enum ent_system_kind {
	ENT_SYSTEM_NONE,
	ENT_SYSTEM_DIR,  /* it is one of /, /bin, /boot, /etc, /lib*, /run, /sbin, /usr, /var */
	ENT_SYSTEM_TREE, /* it is /proc, /sys or /dev, or lies below one */
};

/*
 * Is path (absolute, symlinks resolved) a host system directory by its name? Fills dir with
 * the system directory ("/usr", "/lib64", "/proc" for "/proc/1"). runtime/ adds what only
 * the file system knows (another path to the same directory, a bind mount of one).
 */
enum ent_system_kind ent_system_dir(const char *path, char *dir, size_t size);

/* Where the policy looks up profiles and localhost/ seccomp profiles (its lines, or the default).
 */
const char *ent_policy_profile_dir(const struct ent_policy *pol);
const char *ent_policy_seccomp_root(const struct ent_policy *pol);

/* True when pol (NULL: no policy) allows seccomp reference ref ("runtime/default" always). */
bool ent_policy_allows_seccomp(const struct ent_policy *pol, const char *ref);

/*
 * What a policy allows, compiled: one plan per allowed item (the default plan, each "allow
 * ENTITLEMENT", each "allow profile NAME" with the profile's entitlements together). The
 * policy grants the union of their grants.
 */
struct ent_allowed {
	const struct ent_policy *policy;
	const struct ent_plan *plans[2 * ENT_POLICY_MAX + 1];
	unsigned n;
};

/*
 * What runtime/ found out on the host about a request, for the checks that need the file
 * system. Each field is "" when there is nothing to say.
 */
struct ent_request_facts {
	char rootfs_system[ENT_ITEM_MAX]; /* "the host's /usr", "inside the host's /proc": the
	                                     rootfs is a host system directory (never allowed) */
	char profile_dir[ENT_ITEM_MAX];   /* --profile-dir, when it is not the policy's */
	char seccomp_root[ENT_ITEM_MAX];  /* --seccomp-profile-root, when it is not the policy's */
	/*
	 * The hard resource limits the caller has, by RLIMIT_ number (0: unknown). A limit a
	 * request sets at or below one of these widens nothing (the process could set it
	 * itself); only one above is a grant ("RLIMIT_NOFILE raised").
	 */
	uint64_t rlimit_hard[ENT_MAX_RLIMITS];
};

/*
 * The check of a request: what no policy allows (facts->rootfs_system), then, when allowed is
 * not NULL, the subset check: is every grant of request in the union of allowed's plans, and
 * are its options (directories, volumes, rootfs, address pool, published ports, resource
 * limits) within the policy? Fills out with each missing grant and the entitlement (or option)
 * that asked for it.
 */
void ent_policy_check(const struct ent_plan *request, const struct ent_allowed *allowed,
                      const struct ent_request_facts *facts, struct ent_verdict *out);

/*
 * Only the grants of request that none of allowed's plans has (the host's user namespace,
 * capabilities, system calls, shared namespaces, network reach, devices, unmasked paths,
 * writable kernel interfaces, raised limits), without a policy's options and directories
 * (allowed->policy may be NULL): how much more than allowed a request asks. ent-run learn ranks
 * candidate proposals by it (entitlements/learn.h).
 */
void ent_policy_check_grants(const struct ent_plan *request, const struct ent_allowed *allowed,
                             struct ent_verdict *out);

/*
 * Only the directory part of the check (--profile-dir, --seccomp-profile-root against pol):
 * what explain and spec refuse before they show a plan.
 */
void ent_policy_check_dirs(const struct ent_policy *pol, const struct ent_request_facts *facts,
                           struct ent_verdict *out);

/*
 * One line: "refused by FILE: A, B (from X) are not allowed; allowed up to Y; C (from Z) ...",
 * naming at most `most` grants per entitlement ("and N more"). source NULL (no node policy):
 * "refused: ...".
 */
void ent_verdict_format(const struct ent_verdict *v, const char *source, unsigned most, char *buf,
                        unsigned long size);

/*
 * The verdict as JSON for programs (ent-run check --format json):
 * {"allowed": bool, "policy": "FILE" or null, "missing": [{"grant", "from", "allowed"}]}.
 */
int ent_verdict_print_json(FILE *out, const struct ent_verdict *v, const char *source,
                           struct rt_err *err);

#endif
