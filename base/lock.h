/*
 * base/lock.h - waiting for a lock file (flock(2)) that another ent-run holds, without going
 * deaf to the signals that stop a start (signal(7)).
 */
#ifndef BASE_LOCK_H
#define BASE_LOCK_H

#include <signal.h>

/* The signals that stop a start before its workload runs: SIGTERM, SIGINT, SIGHUP, SIGQUIT. */
void init_stop_signals(sigset_t *set);

/*
 * flock(fd, LOCK_EX), waiting for whoever holds it (a --verbose line of step names what, its
 * path), unless a stop signal the caller blocks comes first: the caller takes those itself (a
 * signalfd), so a plain flock would wait on, deaf to them, for as long as the holder keeps the
 * lock (one stopped with SIGTSTP, say). Such a signal ends the wait: the lock is not held, the
 * signal is pending again (blocked) for the caller to take, and -1 returns with errno EINTR.
 * Stop signals the caller does not block keep their disposition. 0 when locked; -1 with errno
 * when flock fails otherwise.
 */
int lock_or_stop(int fd, const char *step, const char *what);

#endif
