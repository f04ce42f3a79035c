/*
 * entitlements/policy_internal.h - the parts of the policy check that share a verdict
 * (policy.c: entitlements; policy_options.c: options and host facts). Internal to
 * entitlements/.
 */
#ifndef ENT_POLICY_INTERNAL_H
#define ENT_POLICY_INTERNAL_H

#include "entitlements/policy.h"

/* Record a missing grant (once per grant and origin); allowed may be NULL. */
void ent_verdict_add(struct ent_verdict *v, const char *grant, const char *from,
                     const char *allowed);

/* What no policy allows: a host system directory as the rootfs (facts->rootfs_system). */
void ent_policy_check_never(const struct ent_plan *request, const struct ent_request_facts *facts,
                            struct ent_verdict *v);

/*
 * The options against pol's lines: volumes and the rootfs (allow volume, allow rootfs), the
 * address pool (allow subnet), published ports (allow publish), cgroup limits and tmpfs sizes
 * (limit ...).
 */
void ent_policy_check_options(const struct ent_plan *request, const struct ent_policy *pol,
                              const struct ent_request_facts *facts, struct ent_verdict *v);

#endif
