/*
 * entitlements/ent.h - the request (what the user asked for) and the compiler that turns it into
 * a plan. Pure: text in, plan out; no system call changes or even reads the system here.
 * Facts about the host (caller's uid, /etc/subuid ranges) come in through struct ent_host.
 */
#ifndef ENT_ENT_H
#define ENT_ENT_H

#include <stddef.h>
#include <stdint.h>

#include "entitlements/plan.h"
#include "runtime/err.h"

#define ENT_MAX_REQ_ITEMS 64

/* --volume SRC:DST[:ro] after parsing. */
struct ent_volume {
	char source[ENT_PATH_MAX]; /* absolute host path (runtime resolves relative ones) */
	char target[ENT_PATH_MAX]; /* absolute, normalised, no ".." */
	bool readonly;
};

/* One subordinate id range of the caller (/etc/subuid, /etc/subgid). */
struct ent_idrange {
	uint32_t start;
	uint32_t count;
};

/* What runtime/ learned about the host, for the parts of the plan that depend on it. */
struct ent_host {
	uint32_t uid; /* the caller's real uid/gid */
	uint32_t gid;
	struct ent_idrange subuid; /* count 0: none */
	struct ent_idrange subgid;
	bool have_idmap_helpers; /* newuidmap and newgidmap are installed */
};

/*
 * Everything the user asked for, already split into typed values by runtime/cli.c. Strings are
 * borrowed (argv, files) for the duration of ent_compile(); the plan copies what it keeps.
 */
struct ent_request {
	const char *entitlements[ENT_MAX_REQ_ITEMS]; /* "-e KEY=VALUE", as typed */
	unsigned n_entitlements;
	const char *profiles[ENT_MAX_REQ_ITEMS]; /* "-p NAME" */
	unsigned n_profiles;
	const char *profile_dir;  /* default /etc/ent-run/profiles */
	const char *policy_path;  /* NULL: /etc/ent-run/policy when it exists */
	const char *seccomp_ref;  /* NULL: runtime/default */
	const char *seccomp_root; /* default /etc/ent-run/seccomp */

	const char *rootfs;       /* resolved absolute host path, NULL for explain/check */
	char *const *argv;        /* the command and its arguments, NULL-terminated */
	struct ent_volume volumes[ENT_MAX_REQ_ITEMS];
	unsigned n_volumes;
	const char *tmpfs[ENT_MAX_REQ_ITEMS]; /* absolute targets */
	unsigned n_tmpfs;
	const char *env[ENT_MAX_REQ_ITEMS]; /* "K=V" */
	unsigned n_env;
	const char *workdir;  /* NULL: "/" */
	const char *hostname; /* NULL: a default name */
	bool has_user;        /* --user given */
	uint32_t uid;
	uint32_t gid;
	bool tty;

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

	struct ent_host host;
};

/* Allocate a zeroed plan (it is large: fixed arrays). NULL with err set on ENOMEM. */
struct ent_plan *ent_plan_new(struct rt_err *err);

/* Free a plan and what it owns (proc.argv, proc.env). NULL is fine. */
void ent_plan_free(struct ent_plan *plan);

/*
 * Compile req into plan (from ent_plan_new). Starts from the catalogue's defaults (least
 * privilege), applies each entitlement (union; the highest level of a domain wins), then the
 * process options. Returns 0, or -1 with err naming the offending text and the valid choices.
 */
int ent_compile(const struct ent_request *req, struct ent_plan *plan, struct rt_err *err);

#endif
