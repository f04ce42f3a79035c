/*
 * runtime/init.c - the container's PID 1 (pid_namespaces(7), signalfd(2), wait(2)).
 *
 * In a new PID namespace the first process is its init: orphans are re-parented to it, so it
 * must reap them or they stay zombies; and the kernel delivers it only the signals it handles,
 * so it forwards them to the workload, which would otherwise never see a Ctrl-C.
 */
#include "runtime/init.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"

const int rt_forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, 0
};

void rt_init_signal_set(sigset_t *set, int with_sigchld)
{
	sigemptyset(set);
	for (const int *s = rt_forwarded_signals; *s; s++)
		sigaddset(set, *s);
	if (with_sigchld)
		sigaddset(set, SIGCHLD);
}

/* The exit status a shell would report for a wait status. */
static int exit_status(int status)
{
	if (WIFSIGNALED(status))
		return RT_EXIT_SIGNAL_BASE + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Reap every child that has exited; returns the workload's status once it is among them. */
static int reap(pid_t workload, int *workload_status)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == workload) {
			*workload_status = exit_status(status);
			return 1;
		}
	}
	return 0;
}

void rt_init_run(pid_t workload)
{
	struct signalfd_siginfo si;
	int status = RT_EXIT_FAILED;
	sigset_t set;
	int sfd;

	/* The signals were blocked before clone(), so none that arrived since is lost. */
	rt_init_signal_set(&set, 1);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		_exit(RT_EXIT_FAILED);
	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			_exit(RT_EXIT_FAILED);
		if (si.ssi_signo == SIGCHLD) {
			if (reap(workload, &status))
				_exit(status);
			continue;
		}
		kill(workload, (int)si.ssi_signo);
	}
}
