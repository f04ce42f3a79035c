/*
 * entitlements/catalogue.h - the entitlement catalogue as data: one row per entitlement (and
 * level), the aliases of Docker's libentitlement, and the system call groups and argument
 * filters the rows grant. DESIGN.md "Entitlement catalogue" is the source; the parser
 * (parse.c), the compiler (compile.c, grant.c) and docs/entitlements.md are derived from it.
 *
 * Internal to entitlements/ and its unit tests; runtime/ uses ent.h.
 */
#ifndef ENT_CATALOGUE_H
#define ENT_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entitlements/plan.h"

/* How an entitlement is written. */
enum ent_kind {
	ENT_KIND_LEVEL, /* key=VALUE, one of ordered levels: the highest requested wins */
	ENT_KIND_FLAG,  /* key alone ("security.memory-lock") */
	ENT_KIND_PATH,  /* key=PATH, repeatable ("host.devices.allow=/dev/kvm") */
};

/*
 * What a container gets for a system call no entitlement grants. ALLOW groups are the default
 * allowlist; DENY groups are the dangerous ones, which fail with EPERM (so the program sees a
 * clear "not permitted"); ENOSYS groups pretend not to exist (libc falls back, as for clone3);
 * UNLISTED groups get no rule at all, hence the filter's default ENOSYS, until granted.
 */
enum ent_sc_default {
	ENT_SC_ALLOW,
	ENT_SC_DENY,
	ENT_SC_ENOSYS,
	ENT_SC_UNLISTED,
};

/* System call groups, as bits of ent_entry.sc_allow. */
enum ent_sc_group_id {
	SCG_FILES,
	SCG_PROCESS,
	SCG_MEMORY,
	SCG_SIGNALS,
	SCG_TIME,
	SCG_IPC,
	SCG_NET_IO,
	SCG_PTRACE,
	SCG_SOCKET,
	SCG_SOCKOPT,
	SCG_CLONE,
	SCG_CLONE3,
	SCG_PERSONALITY,
	SCG_CHROOT,
	SCG_MOUNT,
	SCG_SETNS,
	SCG_BPF,
	SCG_KEYRING,
	SCG_PERF,
	SCG_USERFAULTFD,
	SCG_IO_URING,
	SCG_MLOCK,
	SCG_SYSADMIN,
	SCG_NUMA,
	SCG_RAWIO,
	SCG_HOST_KERNEL,
	SCG_COUNT,
};

#define SCG(id) (UINT32_C(1) << SCG_##id)

struct ent_sc_group {
	const char *name;            /* "mount" */
	uint8_t deflt;               /* enum ent_sc_default */
	const char *about;           /* what the kernel feature is, for explain and the docs */
	const char *const *syscalls; /* NULL-terminated names, resolved later by libseccomp */
};

/*
 * Argument filters: a system call allowed for some argument values only. libseccomp compares
 * one condition per argument in a rule, so each kind expands into non-overlapping rules that
 * together cover every value (grant.c, add_filter_rules()).
 */
enum ent_filter_kind {
	ENT_FILTER_ONLY_VALUE,    /* ALLOW arg == v[0]; EPERM arg != v[0] */
	ENT_FILTER_VALUES,        /* ALLOW arg == each v[i]; any other value: the default ENOSYS */
	ENT_FILTER_DENY_FLAGS,    /* ALLOW (arg & all v) == 0; EPERM (arg & v[i]) == v[i], each i */
	ENT_FILTER_DENY_VALUES32, /* EPERM low 32 bits == v[i]; ALLOW the rest (disjoint masks) */
	ENT_FILTER_DENY_PAIR, /* EPERM arg == v[0] && arg2 == v2 (low 32 bits); ALLOW the rest */
};

enum ent_filter_id {
	SCF_SOCKET_UNIX,
	SCF_SOCKET_FAMILIES,
	SCF_SETSOCKOPT,
	SCF_CLONE,
	SCF_UNSHARE,
	SCF_IOCTL,
	SCF_PERSONALITY,
	SCF_COUNT,
};

#define SCF(id) (UINT32_C(1) << SCF_##id)

#define ENT_FILTER_MAX_VALUES 8

struct ent_sc_filter {
	const char *name;    /* "socket: AF_UNIX only" */
	const char *syscall; /* "socket" */
	uint8_t kind;        /* enum ent_filter_kind */
	uint8_t arg;         /* argument index of the values */
	uint8_t arg2;        /* ENT_FILTER_DENY_PAIR: argument index of value2 */
	uint64_t values[ENT_FILTER_MAX_VALUES];
	unsigned n_values;
	uint64_t value2;
	bool baseline; /* every container gets it, unless an entitlement allows the call outright */
	const char *about;
};

/*
 * One entitlement (one level of a levelled domain). The grant fields are what the row adds to
 * the plan when it applies: for a levelled domain exactly one row applies, the default or the
 * highest requested, so every row lists its complete grants.
 */
struct ent_entry {
	const char *key;         /* "network.access" */
	const char *value;       /* "proxy"; NULL for a flag; "PATH" for a path */
	uint8_t kind;            /* enum ent_kind */
	uint8_t level;           /* order within key, 0 = least privilege */
	bool is_default;         /* applies when the request names no level of key */
	const char *description; /* one sentence, for explain --list and the docs */

	const char *const *caps;   /* CAP_* names (NULL-terminated) added to every set */
	bool all_caps;             /* every capability, 0..CAP_LAST_CAP */
	uint32_t sc_allow;         /* SCG() bits: groups allowed outright */
	uint32_t sc_filters;       /* SCF() bits: argument filters */
	uint8_t ns_share;          /* bits (1 << enum ns_kind) of namespaces shared with the host */
	const char *const *masked; /* extra masked paths */
	int8_t net;                /* enum netcfg_mode; -1 = not a network row */
	bool rootfs_readonly;      /* security.fs=read-only */
	const char *const *tmpfs;  /* writable tmpfs mounts added (NULL-terminated targets) */
	bool host_dev;             /* bind the host's /dev */
	bool devices_allow_all;    /* device cgroup: allow every device */
	bool memlock_rlimit;       /* RLIMIT_MEMLOCK raised to unlimited */
};

/* A libentitlement name and the row it means. */
struct ent_alias {
	const char *alias; /* "network.none" */
	const char *key;   /* "network.access" */
	const char *value; /* "none"; NULL for a flag */
};

extern const struct ent_entry ent_entries[];
extern const size_t ent_n_entries;
extern const struct ent_alias ent_aliases[];
extern const size_t ent_n_aliases;
extern const struct ent_sc_group ent_sc_groups[SCG_COUNT];
extern const struct ent_sc_filter ent_sc_filters[SCF_COUNT];

/* The row for key and value (value NULL for a flag or a path key), or NULL. */
const struct ent_entry *ent_entry_find(const char *key, const char *value);

/* The first row of key (any value), or NULL when key is no domain. */
const struct ent_entry *ent_entry_key(const char *key);

/* The network.access row of netcfg mode (enum netcfg_mode), or NULL. */
const struct ent_entry *ent_entry_net(int mode);

/* The canonical text of row: "network.access=proxy", "security.memory-lock". */
void ent_entry_name(const struct ent_entry *row, char *buf, size_t size);

/* The comma-separated values of key, "none, confined, user" (the row order), into buf. */
void ent_entry_values(const char *key, char *buf, size_t size);

#endif
