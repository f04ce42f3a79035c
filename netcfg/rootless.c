/*
 * netcfg/rootless.c - outbound network without privileges: a user-mode helper, pasta(1) or
 * slirp4netns(1), joins the container's user and network namespaces, creates a tap device
 * there (/dev/net/tun) and turns the container's packets into ordinary sockets of ours on the
 * host. No veth, no NAT rules, no address lease: nothing on the host but a process.
 *
 * The helper is our child with PR_SET_PDEATHSIG(SIGKILL) (prctl(2)) set before exec, so it
 * dies with ent-run even when ent-run is SIGKILLed. It runs in the foreground and tells us it
 * has configured the namespace: pasta writes its pid file (a FIFO we read), slirp4netns writes
 * to --ready-fd. Only pasta publishes ports (-t/-u); slirp4netns would need its API socket.
 */
#include "netcfg/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

#define READY_TIMEOUT_MS 10000
#define MAX_ARGS         (24 + 2 * ENT_MAX_PUBLISH)
#define HELPER_FD_READY  3 /* slirp4netns --ready-fd */
#define HELPER_FD_EXIT   4 /* slirp4netns --exit-fd */

/* Everything a helper's command line is made of. */
struct helper_run {
	const struct netcfg_spec *spec;
	pid_t child;
	const char *dir;
	char pid_str[16];
	char fifo[PATH_MAX];
	char tcp[ENT_MAX_PUBLISH * 72 + 8]; /* pasta -t: "none" or "IP/HOSTPORT:PORT,..." */
	char udp[ENT_MAX_PUBLISH * 72 + 8];
	const char *argv[MAX_ARGS];
};

typedef void (*helper_argv_fn)(struct helper_run *run);

static void pasta_ports(const struct netcfg_spec *spec, int protocol, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < spec->n_publish; i++) {
		const struct netcfg_publish *p = &spec->publish[i];
		int n;

		if (p->protocol != protocol)
			continue;
		n = snprintf(buf + used, size - used, "%s%s%s%u:%u", used ? "," : "", p->host_ip,
		             p->host_ip[0] ? "/" : "", p->host_port, p->port);
		if (n > 0 && (size_t)n < size - used)
			used += (size_t)n;
	}
	if (!used)
		snprintf(buf, size, "none");
}

/* pasta: --config-net sets eth0's address and routes (copied from the host's) itself. Port
 * forwarding only as asked (its default "auto" would follow the container's listeners), and no
 * mapping of the gateway address to the host's loopback (--no-map-gw). */
static void pasta_argv(struct helper_run *run)
{
	pasta_ports(run->spec, IPPROTO_TCP, run->tcp, sizeof(run->tcp));
	pasta_ports(run->spec, IPPROTO_UDP, run->udp, sizeof(run->udp));
	const char *args[] = { "pasta",       "--foreground", "--quiet",     "--config-net",
		               "--ns-ifname", NETCFG_IFNAME,  "--no-map-gw", "-t",
		               run->tcp,      "-u",           run->udp,      "-T",
		               "none",        "-U",           "none",        "--pid",
		               run->fifo,     run->pid_str,   NULL };
	memcpy(run->argv, args, sizeof(args));
}

static void slirp_argv(struct helper_run *run)
{
	const char *args[] = { "slirp4netns",
		               "--configure",
		               "--mtu=65520",
		               "--disable-host-loopback",
		               "--ready-fd=3",
		               "--exit-fd=4",
		               run->pid_str,
		               NETCFG_IFNAME,
		               NULL };
	memcpy(run->argv, args, sizeof(args));
}

/* clang-format off */
/* The helpers we know, in order of preference: program, Debian package, command line. */
static const struct helper_def {
	const char *program;
	const char *package;
	helper_argv_fn argv;
	bool publishes;
} helper_defs[] = {
	{ "pasta",       "passt",       pasta_argv, .publishes = true },
	{ "slirp4netns", "slirp4netns", slirp_argv, .publishes = false },
};
/* clang-format on */

/* program's path in $PATH (or the usual directories), in buf; false when not installed. */
static bool find_program(const char *program, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[1024];

	snprintf(dirs, sizeof(dirs), "%s:/usr/bin:/usr/sbin:/bin:/sbin", path ? path : "");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		if (snprintf(buf, size, "%s/%s", d, program) < (int)size && access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

static const struct helper_def *pick_helper(const struct netcfg_spec *spec, char *path, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(helper_defs); i++) {
		if (spec->n_publish && !helper_defs[i].publishes)
			continue;
		if (find_program(helper_defs[i].program, path, size))
			return &helper_defs[i];
	}
	return NULL;
}

int netcfg_helper_find(const struct netcfg_spec *spec, struct rt_err *err)
{
	char path[PATH_MAX];

	if (!pick_helper(spec, path, sizeof(path))) {
		rt_fail(err, 0, "netcfg: rootless network.access=%s needs pasta or slirp4netns%s",
		        spec->n_publish ? "proxy" : "user",
		        spec->n_publish ? " (--publish: pasta)" : "");
		rt_err_hint(err, "install the package passt (pasta)%s, or run as root",
		            spec->n_publish ? "" : " or slirp4netns");
		return -1;
	}
	/* Both helpers open /dev/net/tun; many hosts leave it 0666, some do not. */
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		rt_fail(err, errno, "netcfg: rootless network needs /dev/net/tun");
		rt_err_hint(err,
		            "it is usually mode 0666 (chmod 0666 /dev/net/tun), or run as root");
		return -1;
	}
	return 0;
}

/* In the forked helper, before exec: die with ent-run, plain signals, only fds 0-2 (+3, 4). */
static __attribute__((noreturn)) void exec_helper(const char *path, struct helper_run *run,
                                                  pid_t parent, int log_fd, int ready_fd,
                                                  int exit_fd)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent) /* ent-run died before prctl */
		_exit(127);
	sigemptyset(&none);
	/*
	 * Every step is checked: the helper must not run with the wrong descriptors. A failure
	 * goes to its log, whose first line ent-run reports (read_log), and exit 127.
	 */
	if (null_fd < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0 ||
	    dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
	    dup2(log_fd, STDERR_FILENO) < 0)
		goto fail;
	if (ready_fd >= 0) {
		/* Out of the way first, so that moving one onto 3 or 4 cannot clobber the other. */
		ready_fd = fcntl(ready_fd, F_DUPFD, 10);
		exit_fd = fcntl(exit_fd, F_DUPFD, 10);
		/* dup2 clears FD_CLOEXEC on the new fd */
		if (ready_fd < 0 || exit_fd < 0 || dup2(ready_fd, HELPER_FD_READY) < 0 ||
		    dup2(exit_fd, HELPER_FD_EXIT) < 0)
			goto fail;
	}
	if (close_range(ready_fd >= 0 ? HELPER_FD_EXIT + 1 : STDERR_FILENO + 1, ~0U, 0) < 0)
		goto fail;
	execv(path, (char *const *)run->argv);
fail:
	dprintf(log_fd, "ent-run: start %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* The first line the helper logged, to say why it failed. */
static void read_log(int dir_fd, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dir_fd, "helper.log", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : 0;

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Wait until the helper says it is ready, or exits, or takes too long. */
static int wait_ready(const char *program, int ready_fd, int pidfd, int dir_fd, struct rt_err *err)
{
	struct pollfd fds[2] = { { .fd = ready_fd, .events = POLLIN },
		                 { .fd = pidfd, .events = POLLIN } };
	char log[160];
	int r;

	rt_trace("net", "poll: wait until %s has configured the namespace", program);
	r = poll(fds, 2, READY_TIMEOUT_MS);
	if (r > 0 && (fds[0].revents & POLLIN))
		return 0;
	if (r < 0)
		return rt_fail(err, errno, "netcfg: wait for %s", program);
	if (r == 0)
		return rt_fail(err, ETIMEDOUT, "netcfg: %s did not configure the network in %d s",
		               program, READY_TIMEOUT_MS / 1000);
	read_log(dir_fd, log, sizeof(log));
	return rt_fail(err, 0, "netcfg: %s failed: %s", program, log[0] ? log : "it exited");
}

/* Readiness: pasta writes its pid file, a FIFO here; slirp4netns writes to a pipe. */
static int open_ready(const struct helper_def *def, struct helper_run *run, int dir_fd,
                      int *ready_rd, int *ready_wr, int exit_pipe[2], struct rt_err *err)
{
	int ready[2];

	if (def->argv == pasta_argv) {
		snprintf(run->fifo, sizeof(run->fifo), "%s/helper.ready", run->dir);
		if (mkfifoat(dir_fd, "helper.ready", 0600) < 0)
			return rt_fail(err, errno, "netcfg: mkfifo %s", run->fifo);
		*ready_rd = openat(dir_fd, "helper.ready", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (*ready_rd < 0)
			return rt_fail(err, errno, "netcfg: open %s", run->fifo);
		return 0;
	}
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(exit_pipe, O_CLOEXEC) < 0)
		return rt_fail(err, errno, "netcfg: pipe for %s", def->program);
	*ready_rd = ready[0];
	*ready_wr = ready[1];
	return 0;
}

static void trace_argv(const char *const *argv)
{
	char line[512];
	size_t used = 0;

	for (; *argv && used < sizeof(line); argv++) {
		int n = snprintf(line + used, sizeof(line) - used, "%s%s", used ? " " : "", *argv);

		used += n > 0 ? (size_t)n : 0;
	}
	rt_trace("net", "fork + execv: %s", line);
}

int netcfg_helper_start(const struct netcfg_spec *spec, int dir_fd, const char *dir, pid_t child,
                        struct netcfg_helper *helper, struct rt_err *err)
{
	_cleanup_free_ struct helper_run *run = calloc(1, sizeof(*run));
	_cleanup_close_ int ready_rd = -1, ready_wr = -1, log_fd = -1;
	int exit_pipe[2] = { -1, -1 };
	const struct helper_def *def;
	char path[PATH_MAX];
	pid_t parent = getpid();

	if (!run)
		return rt_fail(err, ENOMEM, "netcfg: helper command line");
	def = pick_helper(spec, path, sizeof(path));
	if (!def)
		return netcfg_helper_find(spec, err); /* fails, naming the packages */
	run->spec = spec;
	run->dir = dir;
	snprintf(run->pid_str, sizeof(run->pid_str), "%ld", (long)child);
	if (open_ready(def, run, dir_fd, &ready_rd, &ready_wr, exit_pipe, err) < 0)
		return -1;
	helper->exit_fd = exit_pipe[1]; /* closed by netcfg_helper_stop */
	log_fd = openat(dir_fd, "helper.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return rt_fail(err, errno, "netcfg: create %s/helper.log", dir);
	def->argv(run);
	trace_argv(run->argv);
	helper->pid = fork();
	if (helper->pid < 0) {
		helper->pid = 0;
		return rt_fail(err, errno, "netcfg: fork for %s", def->program);
	}
	if (helper->pid == 0)
		exec_helper(path, run, parent, log_fd, ready_wr, exit_pipe[0]);
	if (exit_pipe[0] >= 0)
		close(exit_pipe[0]);
	helper->pidfd = (int)syscall(SYS_pidfd_open, helper->pid, 0);
	if (helper->pidfd < 0)
		return rt_fail(err, errno, "netcfg: pidfd_open %s", def->program);
	return wait_ready(def->program, ready_rd, helper->pidfd, dir_fd, err);
}

void netcfg_helper_stop(struct netcfg_helper *helper)
{
	siginfo_t si;

	if (helper->exit_fd >= 0)
		close(helper->exit_fd);
	helper->exit_fd = -1;
	if (helper->pid <= 0)
		return;
	rt_trace("net", "kill(%d, SIGKILL): the network helper", (int)helper->pid);
	kill(helper->pid, SIGKILL);
	if (helper->pidfd >= 0) {
		while (waitid(P_PIDFD, (id_t)helper->pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
		close(helper->pidfd);
	} else {
		while (waitpid(helper->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	helper->pid = 0;
	helper->pidfd = -1;
}
