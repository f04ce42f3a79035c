/*
 * runtime/lockdown.h - the last setup steps before execve: user and group ids, capability sets
 * (capabilities(7), libcap), no_new_privs (PR_SET_NO_NEW_PRIVS) and the seccomp filter
 * (seccomp(2), libseccomp).
 */
#ifndef RT_LOCKDOWN_H
#define RT_LOCKDOWN_H

#include <stdint.h>

#include "entitlements/plan.h"
#include "runtime/err.h"

/* A seccomp program ready to load (generated, or read from the verified cache). Opaque. */
struct lockdown_filter;

/*
 * Build the seccomp program for spec in the parent, before clone(), so the child only loads it.
 * *out is NULL when spec->seccomp_mode is LOCKDOWN_SECCOMP_UNCONFINED. Returns 0 or -1 with err.
 */
int lockdown_filter_build(const struct lockdown_spec *spec, struct lockdown_filter **out,
			  struct rt_err *err);

/* Free a filter from lockdown_filter_build(). NULL is fine. */
void lockdown_filter_free(struct lockdown_filter *filter);

/*
 * In the workload process, right before execve: switch to uid/gid (container ids; supplementary
 * groups cleared) keeping exactly the capabilities of spec (ambient for a non-root uid), cut the
 * bounding set, set no_new_privs, and load filter last (it would block the capset and prctl
 * calls before it). filter may be NULL (unconfined). Returns 0 or -1 with err.
 */
int lockdown_apply(const struct lockdown_spec *spec, const struct lockdown_filter *filter,
		   uint32_t uid, uint32_t gid, struct rt_err *err);

#endif
