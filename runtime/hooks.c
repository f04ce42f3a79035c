/*
 * runtime/hooks.c - run an OCI config's hooks (posix_spawn(3), pipe(7), pidfd_open(2),
 * poll(2), waitid(2)). See hooks.h.
 */
#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "entitlements/names.h"

#define PIPE_DEFAULT_SIZE 65536 /* pipe(7): a pipe's capacity unless F_SETPIPE_SZ says more */

unsigned rt_hooks_count(const struct ent_hooks *hooks, enum ent_hook_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < hooks->n; i++)
		n += hooks->list[i].kind == kind;
	return n;
}

/* The state document, as `ent-run state` prints it but for status. Caller frees *text. */
static int state_text(const struct rt_hook_state *hs, const char *status, char **text, size_t *len,
                      struct rt_err *err)
{
	FILE *out = open_memstream(text, len);
	int r;

	if (!out)
		return rt_fail(err, errno, "hooks: the state document");
	r = ent_oci_state_print(out, hs->st, status, hs->config, hs->config_len, err);
	if (fclose(out) == EOF && r == 0)
		r = rt_fail(err, errno, "hooks: the state document");
	return r;
}

/*
 * The hook's standard input: a pipe that already holds the whole state, its write end closed,
 * so the hook reads it to EOF and we never block on a hook that does not read. A state larger
 * than a pipe's default capacity asks for a larger pipe (F_SETPIPE_SZ). Returns the read end.
 */
static int state_pipe(const char *state, size_t len, struct rt_err *err)
{
	_cleanup_close_ int wr = -1;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return rt_fail(err, errno, "hooks: pipe for the state");
	wr = fds[1];
	if (len > PIPE_DEFAULT_SIZE && fcntl(wr, F_SETPIPE_SZ, (int)len) < 0) {
		close(fds[0]);
		return rt_fail(err, errno, "hooks: a pipe for the state (%zu bytes)", len);
	}
	if (write(wr, state, len) != (ssize_t)len) {
		close(fds[0]);
		return rt_fail(err, errno ? errno : EIO, "hooks: write the state to the pipe");
	}
	return fds[0];
}

/*
 * Start the hook: stdin the state's pipe, stdout and stderr ours, every other descriptor closed
 * (ours are close-on-exec), no signal blocked or ignored, its own argv and environment.
 */
static int spawn_hook(const struct ent_hook *h, int stdin_fd, pid_t *pid, struct rt_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_adddup2(&fa, stdin_fd, STDIN_FILENO);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	rt_trace("hooks", "posix_spawn(\"%s\")  [%s]", h->path, h->why);
	r = posix_spawn(pid, h->path, &fa, &attr, h->argv, h->env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return rt_fail(err, r, "%s %s: start", h->why, h->path);
	return 0;
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), at least 0; -1 without a deadline. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	if (!deadline)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/*
 * Wait for the hook on a pidfd (readable once it has exited), up to its timeout: then SIGKILL.
 * No sleep, no SIGCHLD handler. Returns 0, or -1 with err saying how it failed.
 */
static int wait_hook(const struct ent_hook *h, pid_t pid, struct rt_err *err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct timespec deadline;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	bool timed_out = false;
	siginfo_t si = { 0 };
	int r;

	if (pidfd < 0) {
		rt_fail(err, errno, "%s %s: pidfd_open", h->why, h->path);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += h->timeout_s;
	do
		r = poll(&p, 1, ms_left(h->timeout_s ? &deadline : NULL));
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		rt_trace("hooks", "%s: timeout of %us: pidfd_send_signal(%d, SIGKILL)", h->why,
		         h->timeout_s, (int)pid);
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		timed_out = true;
	}
	while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0) {
		if (errno != EINTR)
			return rt_fail(err, errno, "%s %s: wait", h->why, h->path);
	}
	if (timed_out)
		return rt_fail(err, 0, "%s %s: killed after its timeout of %us", h->why, h->path,
		               h->timeout_s);
	if (si.si_code == CLD_EXITED && si.si_status == 0)
		return 0;
	if (si.si_code == CLD_EXITED)
		return rt_fail(err, 0, "%s %s: exited with status %d", h->why, h->path,
		               si.si_status);
	return rt_fail(err, 0, "%s %s: killed by %s", h->why, h->path,
	               sigabbrev_np(si.si_status) ?: "a signal");
}

static int run_hook(const struct ent_hook *h, const char *state, size_t len, struct rt_err *err)
{
	_cleanup_close_ int stdin_fd = state_pipe(state, len, err);
	pid_t pid;

	if (stdin_fd < 0)
		return -1;
	if (spawn_hook(h, stdin_fd, &pid, err) < 0)
		return -1;
	close(stdin_fd);
	stdin_fd = -1;
	return wait_hook(h, pid, err);
}

int rt_hooks_run(const struct ent_hooks *hooks, enum ent_hook_kind kind,
                 const struct rt_hook_state *hs, const char *status,
                 void (*warn)(const struct rt_err *failure), struct rt_err *err)
{
	_cleanup_free_ char *state = NULL;
	size_t len = 0;

	if (!rt_hooks_count(hooks, kind))
		return 0;
	if (state_text(hs, status, &state, &len, err) < 0)
		return -1;
	rt_trace("hooks", "%s hooks, state \"%s\"", ent_hook_names[kind], status);
	for (unsigned i = 0; i < hooks->n; i++) {
		struct rt_err failure = { 0 };

		if (hooks->list[i].kind != kind)
			continue;
		if (run_hook(&hooks->list[i], state, len, &failure) == 0)
			continue;
		if (!warn) {
			*err = failure;
			return -1;
		}
		warn(&failure);
	}
	return 0;
}
