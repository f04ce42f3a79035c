/*
 * base/lock.c - a lock wait that a stop signal ends (flock(2), sigaction(2), sigprocmask(2),
 * siglongjmp(3)).
 *
 * A start blocks SIGTERM, SIGINT, SIGHUP and SIGQUIT and takes them from a signalfd
 * (runtime/launch.c), but a signalfd cannot be polled beside flock(2), which has no timeout
 * and no signal mask of its own. So for the wait alone the stop signals are let through to a
 * handler. Installed without SA_RESTART, it would make the flock return EINTR, but a signal
 * that came after the last look at the flag and before the flock's entry would still wait for
 * the holder; so the handler leaves the wait with siglongjmp instead, wherever the signal
 * finds it, back to where the signals were still blocked. The signal, raised again then, is
 * left pending for the caller.
 */
#include "base/lock.h"

#include <errno.h>
#include <setjmp.h>
#include <sys/file.h>

#include "base/log.h"
#include "base/util.h"

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };

static bool stop_waits;                   /* lock_stop_waits */
static sigjmp_buf wait_env;               /* where the handler leaves the wait to */
static volatile sig_atomic_t wait_armed;  /* the handler may jump */
static volatile sig_atomic_t wait_signal; /* the signal that ended the wait */

void init_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(set, stop_signals[i]);
}

void lock_stop_waits(bool on)
{
	stop_waits = on;
}

static void leave_wait(int sig)
{
	if (wait_armed) {
		wait_signal = sig;
		siglongjmp(wait_env, 1);
	}
}

/*
 * The blocking flock with the stop signals let through. 0 locked, -1 with errno, or the stop
 * signal that ended the wait (the lock not held).
 */
static int wait_lock(int fd)
{
	struct sigaction sa = { .sa_handler = leave_wait }, old[ARRAY_SIZE(stop_signals)];
	sigset_t stops;
	int r = -1, errnum = 0;

	init_stop_signals(&stops);
	sigfillset(&sa.sa_mask);
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaction(stop_signals[i], &sa, &old[i]);
	wait_signal = 0;
	/* The mask saved here, the stop signals blocked, comes back with the jump. */
	if (sigsetjmp(wait_env, 1) == 0) {
		wait_armed = 1;
		sigprocmask(SIG_UNBLOCK, &stops, NULL); /* one pending already jumps right here */
		do {
			r = flock(fd, LOCK_EX);
			errnum = errno;
		} while (r < 0 && errnum == EINTR);
		sigprocmask(SIG_BLOCK, &stops, NULL);
	}
	wait_armed = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaction(stop_signals[i], &old[i], NULL);
	if (wait_signal) {
		flock(fd, LOCK_UN); /* in case the lock came just before the signal */
		return wait_signal;
	}
	errno = errnum;
	return r;
}

int lock_or_stop(int fd, const char *step, const char *what)
{
	int r;

	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	rt_trace(step, "flock(\"%s\", LOCK_EX): held by another ent-run, wait for it", what);
	if (!stop_waits)
		return flock(fd, LOCK_EX);
	r = wait_lock(fd);
	if (r <= 0)
		return r;
	raise(r); /* blocked again: pending for the caller */
	errno = EINTR;
	return -1;
}
