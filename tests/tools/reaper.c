/*
 * tests/tools/reaper.c - a child subreaper for the OCI tests, as conmon and containerd's shim
 * are (PR_SET_CHILD_SUBREAPER, prctl(2)): the processes `ent-run create` leaves behind are
 * re-parented to it and reaped by it, not by the host's init (which on some test hosts never
 * reaps).
 *
 *   reaper CMD ARG...         run CMD; reap every orphan as it exits; exit with CMD's status
 *   reaper --late CMD ARG...  the same, but the orphans are reaped only once CMD is done: while
 *                             it runs, a container whose process exited is a zombie nobody
 *                             reaps, the case OCI state must report as stopped
 *
 * Once CMD is done, the children left are waited for up to ten seconds.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	int late = argc > 1 && !strcmp(argv[1], "--late");
	char **cmd = argv + 1 + late;
	int st, result = 1;
	time_t deadline;
	pid_t child, pid;

	if (!*cmd) {
		fprintf(stderr, "usage: reaper [--late] CMD ARG...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("reaper: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	child = fork();
	if (child == 0) {
		execvp(cmd[0], cmd);
		perror("reaper: exec");
		_exit(127);
	}
	if (child < 0) {
		perror("reaper: fork");
		return 2;
	}
	for (;;) {
		pid = waitpid(late ? child : -1, &st, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid == child) {
			result = status_of(st);
			break;
		}
		if (pid < 0)
			break;
	}
	/* CMD is done: reap what is left, waiting a while for the living. */
	deadline = time(NULL) + 10;
	while (time(NULL) < deadline) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			break;
		if (pid == 0)
			usleep(50000);
	}
	return result;
}
