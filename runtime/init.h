/*
 * runtime/init.h - the container's PID 1: reaps orphans, forwards signals to the workload.
 */
#ifndef RT_INIT_H
#define RT_INIT_H

#include <sys/types.h>

/* The signals ent-run forwards: the parent to PID 1, PID 1 to the workload. */
extern const int rt_forwarded_signals[];

/* Add rt_forwarded_signals (and SIGCHLD when with_sigchld) to set. */
void rt_init_signal_set(sigset_t *set, int with_sigchld);

/*
 * Serve as PID 1 until the workload exits, then _exit with its status (128+N if it died of
 * signal N). Expects rt_forwarded_signals and SIGCHLD blocked (they are read from a signalfd).
 * When PID 1 exits the kernel kills every other process of the PID namespace.
 */
__attribute__((noreturn)) void rt_init_run(pid_t workload);

#endif
