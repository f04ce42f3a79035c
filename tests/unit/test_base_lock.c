/*
 * tests/unit/test_base_lock.c - waiting for a lock file that another process holds
 * (base/lock.c): taken at once when free, after the holder lets go, and a wait that a stop
 * signal ends (lock_stop_waits on), the signal left pending and the lock not taken; with
 * lock_stop_waits off, a plain wait.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/lock.h"

static char path[] = "/tmp/ent-lock-XXXXXX";

static int setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void pause_ms(long ms)
{
	const struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * A child that holds the lock: it tells us through a pipe once it holds it, then after ms
 * sends sig to us (0: none) and lets go after release_ms. Returns its pid.
 */
static pid_t hold_lock(int sig, long signal_ms, long release_ms)
{
	int ready[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR | O_CLOEXEC);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		if (sig) {
			pause_ms(signal_ms);
			kill(getppid(), sig);
		}
		pause_ms(release_ms);
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Can another open file description take the lock now? */
static bool lock_free(void)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	bool free_now = flock(fd, LOCK_EX | LOCK_NB) == 0;

	close(fd);
	return free_now;
}

static int open_lock(void)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* As a start does: the stop signals blocked (for a signalfd), and ending lock waits. */
static void block_stop_signals(sigset_t *old)
{
	sigset_t set;

	init_stop_signals(&set);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, old), 0);
	lock_stop_waits(true);
}

static void unblock_stop_signals(const sigset_t *old)
{
	lock_stop_waits(false);
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void test_free_lock_is_taken(void **state)
{
	int fd = open_lock();

	(void)state;
	assert_int_equal(lock_or_stop(fd, "test", path), 0);
	assert_false(lock_free());
	close(fd);
	assert_true(lock_free());
}

static void test_waits_for_the_holder(void **state)
{
	pid_t holder = hold_lock(0, 0, 100);
	int fd = open_lock();
	sigset_t old;

	(void)state;
	block_stop_signals(&old);
	assert_int_equal(lock_or_stop(fd, "test", path), 0);
	assert_false(lock_free());
	reap(holder);
	close(fd);
	unblock_stop_signals(&old);
}

static void test_blocked_stop_signal_ends_the_wait(void **state)
{
	const struct timespec now = { 0, 0 };
	pid_t holder = hold_lock(SIGTERM, 50, 3000);
	int fd = open_lock();
	sigset_t old, set, blocked;
	struct sigaction sa;

	(void)state;
	block_stop_signals(&old);
	errno = 0;
	assert_int_equal(lock_or_stop(fd, "test", path), -1);
	assert_int_equal(errno, EINTR);
	/* Not taken: the holder still has it, and we hold nothing once it lets go. */
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	assert_true(lock_free());
	/* The signal is pending again, still blocked, and its disposition is back to default. */
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &blocked), 0);
	assert_true(sigismember(&blocked, SIGTERM));
	assert_int_equal(sigaction(SIGTERM, NULL, &sa), 0);
	assert_ptr_equal(sa.sa_handler, SIG_DFL);
	init_stop_signals(&set);
	assert_int_equal(sigtimedwait(&set, NULL, &now), SIGTERM);
	close(fd);
	unblock_stop_signals(&old);
}

static void test_pending_stop_signal_ends_it_at_once(void **state)
{
	const struct timespec now = { 0, 0 };
	pid_t holder = hold_lock(0, 0, 3000);
	int fd = open_lock();
	sigset_t old, set;

	(void)state;
	block_stop_signals(&old);
	raise(SIGINT); /* came before the wait: pending */
	assert_int_equal(lock_or_stop(fd, "test", path), -1);
	assert_int_equal(errno, EINTR);
	init_stop_signals(&set);
	assert_int_equal(sigtimedwait(&set, NULL, &now), SIGINT);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	close(fd);
	unblock_stop_signals(&old);
}

/* lock_stop_waits off (OCI create, say): a plain wait, the signal left as it came. */
static void test_without_stop_waits_a_plain_wait(void **state)
{
	const struct timespec now = { 0, 0 };
	pid_t holder = hold_lock(SIGTERM, 50, 150);
	int fd = open_lock();
	sigset_t old, set;

	(void)state;
	init_stop_signals(&set);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	assert_int_equal(lock_or_stop(fd, "test", path), 0);
	assert_false(lock_free());
	reap(holder);
	assert_int_equal(sigtimedwait(&set, NULL, &now), SIGTERM);
	close(fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_lock_is_taken),
		cmocka_unit_test(test_waits_for_the_holder),
		cmocka_unit_test(test_blocked_stop_signal_ends_the_wait),
		cmocka_unit_test(test_pending_stop_signal_ends_it_at_once),
		cmocka_unit_test(test_without_stop_waits_a_plain_wait),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
