/*
 * runtime/oci_internal.h - what the files of OCI runtime mode share (runtime/oci.c: the
 * lifecycle verbs and the log; runtime/oci_create.c: create and exec). Internal to runtime/.
 */
#ifndef RT_OCI_INTERNAL_H
#define RT_OCI_INTERNAL_H

#include <sys/types.h>

#include "base/err.h"
#include "entitlements/oci.h"
#include "runtime/cli.h"
#include "runtime/oci.h"
#include "runtime/oci_cli.h"
#include "runtime/oci_state.h"
#include "runtime/policy.h"

/* create: compile, check and launch the bundle's container, held before execve. */
int rt_oci_create(const struct rt_oci_options *o, struct rt_err *err);

/* exec: run another process in the running container. Returns its status, or 0 detached. */
int rt_oci_exec(const struct rt_oci_options *o, struct rt_err *err);

/* A warning: a line of level "warning" in --log, else on stderr. */
void rt_oci_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * SIGKILL the process pid that started at starttime (through a pidfd, so never a recycled
 * pid) and wait, up to ten seconds, until it has exited (a zombie counts). Returns 0 once it
 * is gone, -1 when it does not go.
 */
int rt_oci_kill_now(pid_t pid, unsigned long long starttime);

#endif
