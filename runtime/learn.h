/*
 * runtime/learn.h - ent-run learn: rounds of observed runs, then the least entitlements.
 */
#ifndef RT_LEARN_H
#define RT_LEARN_H

#include "base/err.h"
#include "runtime/cli.h"
#include "runtime/policy.h"

/*
 * Learn what opts's workload needs (opts->req, its rootfs resolved and host probed, profiles
 * expanded), each round allowed by policy, and print the proposal (opts->json: as JSON) and
 * its evidence. Returns 0 when the proposal is settled (and, with opts->verify, a run with it
 * behaved the same), 1 when not, 126 or 127 when the command cannot run, or -1 with err.
 */
int rt_learn(struct rt_options *opts, struct rt_policy *policy, struct rt_err *err);

#endif
