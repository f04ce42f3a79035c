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
#include "entitlements/plan.h"

#define ENT_PROFILE_MAX 64  /* entitlements in one profile */
#define ENT_POLICY_MAX  64  /* lines of each kind in a policy */
#define ENT_ITEM_MAX    320 /* one entitlement or reference, as text */
#define ENT_MISSING_MAX 32

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
};

/* One grant of the request that the policy does not allow. */
struct ent_missing {
	char grant[ENT_ITEM_MAX];   /* "CAP_NET_RAW", "syscall mount", "host network namespace" */
	char from[ENT_WHY_MAX];     /* the entitlement (or option) that asked for it */
	char allowed[ENT_ITEM_MAX]; /* "allowed up to network.access=user", or "" */
};

struct ent_verdict {
	bool allowed;
	struct ent_missing missing[ENT_MISSING_MAX];
	unsigned n_missing;
	bool truncated; /* more than ENT_MISSING_MAX missing grants */
};

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
 * "allow volume PATH[:ro]", "allow rootfs PATH", '#' comments, blank lines. Malformed lines
 * are errors naming FILE:LINE.
 */
int ent_policy_parse(const char *text, const char *source, struct ent_policy *out,
                     struct rt_err *err);

/* True when pol allows seccomp reference ref ("runtime/default" is always allowed). */
bool ent_policy_allows_seccomp(const struct ent_policy *pol, const char *ref);

/*
 * What a policy allows, compiled: one plan per allowed item (the default plan, each "allow
 * ENTITLEMENT", each "allow profile NAME" with the profile's entitlements together). The
 * policy grants the union of their grants.
 */
struct ent_allowed {
	const struct ent_policy *policy;
	uint64_t host_root_dev; /* the host's "/" (a rootfs that is it, by any path, is refused */
	uint64_t host_root_ino; /* unless the policy allows rootfs "/"); 0: unknown */
	const struct ent_plan *plans[2 * ENT_POLICY_MAX + 1];
	unsigned n;
};

/*
 * The subset check: is every grant of request in the union of allowed's plans? Fills out
 * with each missing grant and the entitlement (or option) that asked for it.
 */
void ent_policy_check(const struct ent_plan *request, const struct ent_allowed *allowed,
                      struct ent_verdict *out);

/*
 * One line: "refused by FILE: A, B (from X) are not allowed; allowed up to Y; C (from Z) ...",
 * naming at most `most` grants per entitlement ("and N more").
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
