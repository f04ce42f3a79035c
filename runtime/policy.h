/*
 * runtime/policy.h - profiles and the node policy, from their files (DESIGN.md "Profiles and
 * node policy"). The parsing and the subset check are pure (entitlements/policy.h); here are
 * the file system parts: where the files are, whether they can be trusted, reading them.
 */
#ifndef RT_POLICY_H
#define RT_POLICY_H

#include <sys/stat.h>

#include "entitlements/ent.h"
#include "entitlements/policy.h"
#include "runtime/cli.h"

/*
 * Could anyone but owner have written path (st: its stat)? Unless owner owns it and neither
 * its group nor others may write it, -1 with err "WHAT PATH is writable by others than root
 * (owner uid U, mode M): refusing REFUSED" (or "than uid N") and a chown/chmod hint; else 0.
 */
int rt_check_writer(const char *what, const char *path, const struct stat *st, uid_t owner,
                    const char *refused, struct rt_err *err);

/*
 * Read a configuration file (policy, profile, seccomp profile) of at most max bytes into a new
 * NUL-terminated buffer (the caller frees it). As root, a file or directory that anyone but
 * root could write is refused: whoever could write it could grant themselves anything. So is
 * anything but a regular file (a FIFO is not waited on), and a file with a NUL byte. Errors
 * name what ("policy") and the path. Returns NULL with err on failure.
 */
char *rt_config_read(const char *path, const char *what, size_t max, struct rt_err *err);

/*
 * Load profile NAME: a built-in one (default, privileged), or the file DIR/NAME. As root, a
 * file or directory writable by others is refused.
 */
int rt_profile_load(const char *dir, const char *name, struct ent_profile *out, struct rt_err *err);

/*
 * Append the entitlements of profiles names[0..n), read from dir, to req, each with its
 * provenance ("profile NAME"). What is loaded stays alive in opts until rt_cli_free().
 */
int rt_profiles_expand(struct rt_options *opts, const char *dir, struct ent_request *req,
                       const char *const *names, unsigned n, struct rt_err *err);

/* The node policy in force for one request, and what the host says about the request. */
struct rt_policy {
	const char *path;       /* --policy FILE, else /etc/ent-run/policy when it exists; NULL */
	struct ent_policy *pol; /* read from path (NULL without a policy) */
	struct ent_request_facts facts; /* our own hard rlimits: read by rt_policy_bind() */
};

/*
 * Before anything is looked up by name: load the node policy in force, if any, and bind the
 * request to it. Profiles and localhost/ seccomp profiles are then read from the policy's
 * directories only (a --profile-dir or --seccomp-profile-root naming another directory is
 * recorded in p->facts, to be refused), and the policy's ceilings become the request's
 * defaults. Without a policy, the request's own directories (or the defaults) apply. Returns
 * 0, or -1 with err for a bad or untrusted policy. rt_policy_release() frees it.
 */
int rt_policy_bind(struct rt_options *opts, struct rt_policy *p, struct rt_err *err);
void rt_policy_release(struct rt_policy *p);

/*
 * The verdict on a compiled request: a host system directory as its rootfs is refused (with
 * or without a policy); under a policy, every grant must be within it (its union is compiled
 * with the same host facts as the request). Returns 0 with *verdict filled, or -1 with err.
 */
int rt_policy_check(struct rt_options *opts, struct rt_policy *p, const struct ent_plan *request,
                    struct ent_verdict *verdict, struct rt_err *err);

/*
 * A refusal as the one error line (125): "refused by FILE: A, B (from X) are not allowed; ...",
 * naming at most two grants per entitlement, with a hint. Returns 0 when verdict allows.
 */
int rt_policy_refuse(const struct rt_policy *p, const struct ent_verdict *verdict,
                     struct rt_err *err);

#endif
