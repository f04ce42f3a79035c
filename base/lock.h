/*
 * base/lock.h - waiting for a lock file (flock(2)) that another ent-run holds, without going
 * deaf to the signals that stop a start (signal(7)).
 */
#ifndef BASE_LOCK_H
#define BASE_LOCK_H

#include <signal.h>
#include <stdbool.h>

/* The signals that stop a start before its workload runs: SIGTERM, SIGINT, SIGHUP, SIGQUIT. */
void init_stop_signals(sigset_t *set);

/*
 * From now on (on) or no longer, the stop signals end lock_or_stop's waits. Only for a caller
 * that blocks them and takes them itself (a start, from a signalfd: runtime/launch.c); without
 * it, the waits are plain flock(2) and the signals keep their disposition.
 */
void lock_stop_waits(bool on);

/*
 * flock(fd, LOCK_EX), waiting for whoever holds it (a --verbose line of step names what, its
 * path), unless lock_stop_waits is on and a stop signal comes first: a plain flock would wait
 * on, deaf to it, for as long as the holder keeps the lock (one stopped with SIGTSTP, say).
 * Such a signal ends the wait: the lock is not held, the signal is pending again (blocked) for
 * the caller to take, and -1 returns with errno EINTR. 0 when locked; -1 with errno when flock
 * fails otherwise.
 */
int lock_or_stop(int fd, const char *step, const char *what);

#endif
