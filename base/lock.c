/*
 * base/lock.c - a lock wait that a stop signal ends (flock(2), sigaction(2), sigprocmask(2)).
 *
 * A start blocks SIGTERM, SIGINT, SIGHUP and SIGQUIT and takes them from a signalfd
 * (runtime/launch.c), but a signalfd cannot be polled beside flock(2), which has no timeout
 * and no signal mask of its own. So for the wait alone the blocked stop signals are let
 * through to a handler installed without SA_RESTART: the flock returns EINTR, and the signal,
 * raised again once it is blocked, is left pending for the caller. A stop signal that comes in
 * the few instructions between the handler's last check and the flock's entry still waits for
 * the holder, as every signal did before; it is seen when the flock returns.
 */
#include "base/lock.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/file.h>

#include "base/log.h"
#include "base/util.h"

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };

/* The signal that ended the wait (0: none yet); written by the handler alone. */
static volatile sig_atomic_t stop_signal_seen;

static void note_stop_signal(int sig)
{
	stop_signal_seen = sig;
}

void init_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(set, stop_signals[i]);
}

/* The blocking flock, with the stop signals in let_in reaching note_stop_signal meanwhile. */
static int wait_lock(int fd, const sigset_t *let_in)
{
	struct sigaction sa = { .sa_handler = note_stop_signal }, old[ARRAY_SIZE(stop_signals)];
	sigset_t before;
	int r = -1, errnum = 0;

	sigfillset(&sa.sa_mask); /* sa_flags 0: no SA_RESTART, so the flock returns EINTR */
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		if (sigismember(let_in, stop_signals[i]))
			sigaction(stop_signals[i], &sa, &old[i]);
	}
	stop_signal_seen = 0;
	sigprocmask(SIG_UNBLOCK, let_in, &before); /* one pending already is handled right here */
	while (!stop_signal_seen) {
		r = flock(fd, LOCK_EX);
		errnum = errno;
		if (r == 0 || errnum != EINTR)
			break;
	}
	sigprocmask(SIG_SETMASK, &before, NULL);
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		if (sigismember(let_in, stop_signals[i]))
			sigaction(stop_signals[i], &old[i], NULL);
	}
	errno = errnum;
	return r;
}

int lock_or_stop(int fd, const char *step, const char *what)
{
	sigset_t blocked, let_in;
	int r;

	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	sigprocmask(SIG_BLOCK, NULL, &blocked);
	init_stop_signals(&let_in);
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		if (!sigismember(&blocked, stop_signals[i]))
			sigdelset(&let_in, stop_signals[i]);
	}
	rt_trace(step, "flock(\"%s\", LOCK_EX): held by another ent-run, wait for it", what);
	r = wait_lock(fd, &let_in);
	if (!stop_signal_seen)
		return r;
	/* A signal that came as the lock did stops the start all the same. */
	if (r == 0)
		flock(fd, LOCK_UN);
	raise(stop_signal_seen); /* blocked again: pending for the caller */
	errno = EINTR;
	return -1;
}
