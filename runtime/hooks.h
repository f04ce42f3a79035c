/*
 * runtime/hooks.h - run an OCI config's hooks (runtime-spec config.md "POSIX-platform Hooks"):
 * each hook a program started with posix_spawn(3), the container's state as JSON on its
 * standard input, waited for with a pidfd and poll(2) up to its timeout, then killed.
 *
 * Where each kind runs is the caller's: createRuntime and prestart in runtime/launch.c (the
 * parent), createContainer and startContainer in runtime/child.c (inside the container),
 * poststart and poststop in runtime/oci.c (start, delete).
 */
#ifndef RT_HOOKS_H
#define RT_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "entitlements/oci.h"
#include "entitlements/plan.h"

/* What the state document of a container's hooks says (ent-run state's, with the status). */
struct rt_hook_state {
	struct ent_oci_state *st; /* id, bundle, created, pid (on the host) */
	const char *config;       /* config.json's text, for its annotations */
	size_t config_len;
};

/* How many hooks of kind hooks holds. */
unsigned rt_hooks_count(const struct ent_hooks *hooks, enum ent_hook_kind kind);

/*
 * Run the hooks of kind in their order, each with the state (status "creating", "created",
 * "running" or "stopped") on its standard input, a pipe that holds the whole document, and
 * each waited for: at most its timeout, after which it is killed with SIGKILL. A hook fails
 * when it cannot be started, exits non-zero, is killed or times out. With warn NULL the first
 * failure stops the run: -1 with err naming the hook, its path and what became of it
 * ("hooks.createRuntime[0] /usr/bin/x: exited with status 1"). With warn, each failure is
 * passed to warn and the next hook runs (poststart, poststop), and the result is 0.
 */
int rt_hooks_run(const struct ent_hooks *hooks, enum ent_hook_kind kind,
                 const struct rt_hook_state *hs, const char *status,
                 void (*warn)(const struct rt_err *failure), struct rt_err *err);

#endif
