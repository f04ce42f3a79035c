/*
 * runtime/policy.h - profiles and the node policy, from their files (DESIGN.md "Profiles and
 * node policy"). The parsing and the subset check are pure (entitlements/policy.h); here are
 * the file system parts: where the files are, whether they can be trusted, reading them.
 */
#ifndef RT_POLICY_H
#define RT_POLICY_H

#include "entitlements/ent.h"
#include "entitlements/policy.h"
#include "runtime/cli.h"

/*
 * Read a configuration file (policy, profile, seccomp profile) of at most max bytes into a new
 * NUL-terminated buffer (the caller frees it). As root, a file or directory that anyone but
 * root could write is refused: whoever could write it could grant themselves anything.
 * Errors name what ("policy") and the path. Returns NULL with err on failure.
 */
char *rt_config_read(const char *path, const char *what, size_t max, struct rt_err *err);

/*
 * Load profile NAME: a built-in one (default, privileged), or the file DIR/NAME (DIR NULL:
 * /etc/ent-run/profiles). As root, a file or directory writable by others is refused.
 */
int rt_profile_load(const char *dir, const char *name, struct ent_profile *out, struct rt_err *err);

/*
 * Append the entitlements of profiles names[0..n) to req, each with its provenance
 * ("profile NAME"). What is loaded stays alive in opts until rt_cli_free().
 */
int rt_profiles_expand(struct rt_options *opts, struct ent_request *req, const char *const *names,
                       unsigned n, struct rt_err *err);

/* The node policy in force: --policy FILE, else /etc/ent-run/policy when it exists, else NULL. */
const char *rt_policy_path(const struct rt_options *opts);

/* Read and parse the policy at path (trusted as for profiles). */
int rt_policy_load(const char *path, struct ent_policy *pol, struct rt_err *err);

/*
 * Check a compiled request against the policy at path: load it, compile its union (with the
 * same host facts as the request) and compare. Returns 0 with *verdict filled, or -1 with err
 * for a bad or untrusted policy.
 */
int rt_policy_check(struct rt_options *opts, const struct ent_plan *request, const char *path,
                    struct ent_verdict *verdict, struct rt_err *err);

#endif
