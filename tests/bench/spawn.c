/*
 * tests/bench/spawn.c - start a command back to back and say how long each start took
 * (posix_spawn(3), clock_gettime(2), getrusage(2)): the stopwatch of `make bench`.
 *
 *   spawn [-n COUNT | -t SECONDS] [-j WORKERS] [-i FILE] [-o FILE | -e] [-u DIR] -- COMMAND...
 *
 *   -n COUNT    starts per worker (default 1)
 *   -t SECONDS  instead: start again until SECONDS have passed (per worker)
 *   -j WORKERS  that many workers, each starting COMMAND back to back (default 1)
 *   -i FILE     COMMAND's standard input (default /dev/null)
 *   -o FILE     COMMAND's standard output and error (default /dev/null)
 *   -e          keep our standard error as COMMAND's (to see why a start failed)
 *   -u DIR      first enter a private mount namespace where DIR is unmounted (crun refuses
 *               this host's hybrid cgroup layout; nothing changes outside this process)
 *
 * crun run under a user namespace hands its stdio to the container's root (fchown(2)): give it
 * files of our own (-i, -o), never the host's /dev/null.
 *
 * An argument "{id}" is replaced by a name unique to each start (crun's container id).
 * Output, on stdout: with one worker, "start NS" per start (wall time from posix_spawn to
 * waitpid); with several, "worker W STARTS ELAPSED_NS" per worker, ELAPSED_NS ending with its
 * last start (so a worker that finished first is not charged the other's last start); then
 * "total STARTS ELAPSED_NS USER_NS SYS_NS", where USER_NS and SYS_NS are the CPU time of
 * COMMAND and its descendants (getrusage(RUSAGE_CHILDREN) before and after).
 * Timing the starts here rather than in the Python driver keeps the interpreter's own fork
 * out of the figures. Exit status 1 if a start failed (it is named on stderr), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 16

/* What one worker did, in memory shared with the parent. */
struct tally {
	long starts;
	int64_t elapsed_ns;
};

extern char **environ;

struct options {
	long count;
	double seconds;
	int workers;
	const char *input;
	const char *output;
	const char *unmount;
	int keep_stderr;
	char **argv;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t tv_ns(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

/* stdin from the input file; stdout, and stderr unless -e, to the output file. */
static int set_stdio(posix_spawn_file_actions_t *fa, const struct options *o)
{
	if (posix_spawn_file_actions_init(fa) ||
	    posix_spawn_file_actions_addopen(fa, 0, o->input, O_RDONLY, 0) ||
	    posix_spawn_file_actions_addopen(fa, 1, o->output, O_WRONLY | O_CREAT | O_TRUNC, 0600))
		return -1;
	if (!o->keep_stderr && posix_spawn_file_actions_adddup2(fa, 1, 2))
		return -1;
	return 0;
}

/* One start: spawn, wait, check the status. Returns the wall time in ns, -1 on failure. */
static int64_t start_once(const struct options *o, const posix_spawn_file_actions_t *fa,
                          char **argv, long n)
{
	int64_t t0 = now_ns(), wall;
	int status, r;
	pid_t pid;

	r = posix_spawnp(&pid, argv[0], fa, NULL, argv, environ);
	if (r) {
		fprintf(stderr, "spawn: %s: %s\n", argv[0], strerror(r));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	wall = now_ns() - t0;
	/*
	 * The launcher has exited: that is the start's wall time. Processes it left behind
	 * (bwrap's pid 1 outlives it by a moment) were handed to us, the subreaper: reap them
	 * too, so that their CPU time counts in RUSAGE_CHILDREN and the next start finds none.
	 */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "spawn: start %ld of %s: %s %d\n", n + 1, o->argv[0],
		        WIFEXITED(status) ? "exit status" : "killed by signal",
		        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return wall;
}

/* One worker: start COMMAND back to back; counts its starts and time in *done. */
static int run_worker(const struct options *o, int worker, struct tally *done, int print)
{
	posix_spawn_file_actions_t fa;
	char *argv[256], id[48];
	int64_t t0 = now_ns(), deadline = t0 + (int64_t)(o->seconds * 1e9);
	int i;

	/* Orphans of the launcher come to us, not to init (see start_once); not inherited. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || set_stdio(&fa, o) < 0)
		return -1;
	for (i = 0; o->argv[i] && i < 255; i++)
		argv[i] = strcmp(o->argv[i], "{id}") ? o->argv[i] : id;
	argv[i] = NULL;
	for (long n = 0; o->seconds > 0 ? now_ns() < deadline : n < o->count; n++) {
		int64_t ns;

		snprintf(id, sizeof(id), "bench-%d-%d-%ld", (int)getpid(), worker, n);
		ns = start_once(o, &fa, argv, n);
		if (ns < 0)
			return -1;
		if (print)
			printf("start %lld\n", (long long)ns);
		done->starts = n + 1;
		done->elapsed_ns = now_ns() - t0;
	}
	return 0;
}

/* Several workers at once, in child processes; their counts come back in shared memory. */
static int run_workers(const struct options *o, struct tally *total)
{
	struct tally *done = mmap(NULL, sizeof(*done) * MAX_WORKERS, PROT_READ | PROT_WRITE,
	                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int failed = 0, status;
	pid_t pid;

	if (done == MAP_FAILED)
		return -1;
	for (int w = 0; w < o->workers; w++) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0)
			_exit(run_worker(o, w, &done[w], 0) < 0 ? 1 : 0);
	}
	while ((pid = wait(&status)) > 0 || errno == EINTR) {
		if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status)))
			failed = 1;
	}
	for (int w = 0; w < o->workers; w++) {
		printf("worker %d %ld %lld\n", w, done[w].starts, (long long)done[w].elapsed_ns);
		total->starts += done[w].starts;
	}
	return failed ? -1 : 0;
}

/* -u DIR: a private copy of our mount table, without DIR (mount_namespaces(7)). */
static int hide_mount(const char *dir)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "spawn: private mount namespace: %s\n", strerror(errno));
		return -1;
	}
	if (umount2(dir, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) {
		fprintf(stderr, "spawn: unmount %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
	int c;

	*o = (struct options){
		.count = 1, .workers = 1, .input = "/dev/null", .output = "/dev/null"
	};
	while ((c = getopt(argc, argv, "+n:t:j:i:o:u:e")) != -1) {
		switch (c) {
		case 'n':
			o->count = strtol(optarg, NULL, 10);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'j':
			o->workers = atoi(optarg);
			break;
		case 'i':
			o->input = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'u':
			o->unmount = optarg;
			break;
		case 'e':
			o->keep_stderr = 1;
			break;
		default:
			return -1;
		}
	}
	o->argv = argv + optind;
	if (!o->argv[0] || o->count < 1 || o->workers < 1 || o->workers > MAX_WORKERS)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct rusage r0, r1;
	struct options o;
	struct tally total = { 0 };
	int64_t t0;
	int rc;

	if (parse(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: spawn [-n COUNT | -t SECONDS] [-j WORKERS] [-i FILE] "
		                "[-o FILE | -e] [-u DIR] -- COMMAND [ARG...]\n");
		return 2;
	}
	if (o.unmount && hide_mount(o.unmount) < 0)
		return 1;
	getrusage(RUSAGE_CHILDREN, &r0);
	t0 = now_ns();
	if (o.workers == 1)
		rc = run_worker(&o, 0, &total, 1);
	else
		rc = run_workers(&o, &total);
	t0 = now_ns() - t0;
	getrusage(RUSAGE_CHILDREN, &r1);
	if (rc < 0)
		return 1;
	printf("total %ld %lld %lld %lld\n", total.starts, (long long)t0,
	       (long long)(tv_ns(r1.ru_utime) - tv_ns(r0.ru_utime)),
	       (long long)(tv_ns(r1.ru_stime) - tv_ns(r0.ru_stime)));
	return 0;
}
