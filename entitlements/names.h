/*
 * entitlements/names.h - the names of the plan's enums and flags: one table per kind, one row
 * per value, walked by everything that prints or parses them (explain, spec, --verbose, the
 * mechanisms' traces). Part of the contract next to plan.h: ns/ and rootfs/ may include it.
 */
#ifndef ENT_NAMES_H
#define ENT_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "entitlements/plan.h"

/* The namespaces of namespaces(7), indexed by enum ns_kind. */
struct ent_ns_name {
	enum ns_kind kind;
	unsigned long clone_flag; /* CLONE_NEWNET: the clone(2) flag that makes a new one */
	const char *flag;         /* "CLONE_NEWNET" */
	const char *name;         /* "net": as in /proc/PID/ns, explain and the catalogue */
	const char *oci;          /* "network": the type in an OCI config's linux.namespaces */
	const char *prose;        /* "network": in sentences ("the host's network namespace") */
	const char *isolated;     /* what a new one gives the container */
	const char *shared;       /* what sharing the host's means */
};
extern const struct ent_ns_name ent_ns_names[NS_COUNT];

/* Symbolic clone flags ("CLONE_NEWUSER|CLONE_NEWNS"), "0" for none. Returns buf. */
const char *ent_clone_flag_names(unsigned long flags, char *buf, size_t size);

/*
 * Mount flags as mount(2), mount(8) and the OCI spec, statvfs(3) and mount_setattr(2) spell
 * them; 0 or NULL where a column has no such flag.
 */
struct ent_mount_flag {
	unsigned long flag; /* MS_NOSUID */
	const char *name;   /* "MS_NOSUID" */
	const char *option; /* "nosuid"; NULL for MS_BIND and MS_REC ("rbind" is written first) */
	unsigned long st;   /* ST_NOSUID: how statvfs(3) reports it on a mount */
	uint64_t attr;      /* MOUNT_ATTR_NOSUID: per-mount attributes of mount_setattr(2) */
	const char *attr_name; /* "MOUNT_ATTR_NOSUID" */
};
extern const struct ent_mount_flag ent_mount_flags[];
extern const size_t ent_n_mount_flags;

/* Symbolic MS_* flags ("MS_BIND|MS_REC"), unknown bits in hex. Returns buf. */
const char *ent_mount_flag_names(unsigned long flags, char *buf, size_t size);

/* The minimal /dev: each host device node bound in, and its device-cgroup identity. */
struct ent_dev_node {
	const char *path; /* "/dev/null": the same inside and on the host */
	char type;        /* 'c' */
	int major, minor;
};
extern const struct ent_dev_node ent_dev_nodes[];
extern const size_t ent_n_dev_nodes;

/* Network modes (enum netcfg_mode): the catalogue's value name and what the container reaches. */
struct ent_net_name {
	enum netcfg_mode mode;
	const char *name;  /* "confined": as network.access=confined */
	const char *reach; /* "own network namespace, loopback only" */
};

/* The row of mode; "unknown" names for a value outside the enum. */
const struct ent_net_name *ent_net_row(enum netcfg_mode mode);

/*
 * Seccomp actions (enum lockdown_action), as libseccomp, the OCI and Docker profiles, explain
 * and a sentence name them. The short name of --verbose and the filter cache is the profile
 * name without its "SCMP_ACT_" (ent_seccomp_short).
 */
struct ent_seccomp_action {
	uint32_t scmp;     /* SCMP_ACT_ERRNO(0): libseccomp's action; data in the low 16 bits */
	const char *oci;   /* "SCMP_ACT_ERRNO": profiles, spec's config.json */
	const char *name;  /* "errno": explain --format json */
	const char *reads; /* "denied": explain's sentences */
	int32_t max_data;  /* the largest errnoRet the action carries; 0: it carries none */
};
extern const struct ent_seccomp_action ent_seccomp_actions[LOCKDOWN_N_ACTIONS];

/* Argument comparisons (enum lockdown_cmp). */
struct ent_seccomp_cmp {
	int scmp;        /* SCMP_CMP_EQ (enum scmp_compare) */
	const char *oci; /* "SCMP_CMP_EQ" */
	const char *op;  /* "==": explain, as C writes it ("&" for MASKED_EQ) */
};
extern const struct ent_seccomp_cmp ent_seccomp_cmps[LOCKDOWN_N_CMPS];

/* The rows of an action or comparison; NULL outside the enum. */
const struct ent_seccomp_action *ent_seccomp_action_row(unsigned action);
const struct ent_seccomp_cmp *ent_seccomp_cmp_row(unsigned op);

/* "ERRNO", "MASKED_EQ": a profile name without its "SCMP_ACT_" or "SCMP_CMP_"; "?" for NULL. */
const char *ent_seccomp_short(const char *oci);

/* An action and its data as --verbose says it: "ERRNO(ENOSYS)", "TRACE(7)", "ALLOW". */
const char *ent_seccomp_action_str(unsigned action, int32_t data, char *buf, size_t size);

/*
 * What a generated mount source is (enum rootfs_generated), as explain says it: "generated
 * resolv.conf (the host's, loopback nameservers out)"; "" for ROOTFS_GEN_NONE.
 */
const char *ent_generated_name(unsigned kind);

/* OCI hook kinds (enum ent_hook_kind), as config.json's "hooks" object names them. */
extern const char *const ent_hook_names[ENT_HOOK_KINDS];

#endif
