/*
 * runtime/supervise.h - ent-run learn's supervisor: the parent's side of a learning filter's
 * listener (seccomp_unotify(2)).
 */
#ifndef RT_SUPERVISE_H
#define RT_SUPERVISE_H

#include <stdbool.h>

#include "base/err.h"
#include "entitlements/learn.h"
#include "runtime/lockdown.h"

struct rt_supervisor {
	int listener;                  /* the workload's seccomp listener */
	const struct ent_plan *plan;   /* the round's plan, whose NOTIFY rules decide the answers */
	struct ent_learning *learning; /* where each call is recorded */
	bool caps_observed;            /* the kernel's capability checks are recorded elsewhere */
};

/*
 * Take one notification from s->listener (readable), answer it as the round's filter would
 * without learning, and record what the call needs. Returns 1, 0 when there was none after
 * all (the caller died), or -1 with err.
 */
int rt_supervise_one(struct rt_supervisor *s, struct rt_err *err);

#endif
