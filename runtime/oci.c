/*
 * runtime/oci.c - OCI runtime mode, the lifecycle of a container once created: start, state,
 * kill, delete, ps, features, and the --log file engines read errors back from (create and
 * exec are in oci_create.c). Processes are signalled through pidfds (pidfd_open(2),
 * pidfd_send_signal(2)) after their start time was checked, so a recycled pid is never hit.
 */
#include "runtime/oci_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"
#include "ns/idrange.h"
#include "runtime/cgroup.h"
#include "runtime/hooks.h"

#define KILL_WAIT_MS 10000 /* how long delete --force waits for a killed container */
#define MAX_PIDS     4096  /* processes listed by ps, signalled by kill --all */

/* --log: where engines read the last error from. */
static struct {
	const char *path;
	bool json;
} log_to;

static void log_line(const char *level, const char *msg)
{
	char line[1024], now[40];
	int fd, n;

	if (!log_to.path)
		return;
	rt_now_rfc3339(now, sizeof(now));
	n = ent_oci_log_line(line, sizeof(line), log_to.json, level, msg, now);
	if (n < 0)
		return;
	/*
	 * O_APPEND: one write(2) per line, whole, even with several writers. O_NOFOLLOW: a
	 * symlink planted at the path would have us (root) append to any file.
	 */
	fd = open(log_to.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* The log is best effort: the error is on stderr and in the exit status too. */
	}
	close(fd);
}

void rt_oci_warn(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_to.path)
		log_line("warning", msg);
	else
		fprintf(stderr, "ent-run: warning: %s\n", msg);
}

void rt_oci_log_error(const struct rt_oci_options *o, const struct rt_err *err)
{
	char msg[sizeof(err->msg) + sizeof(err->hint) + 128];

	(void)o;
	rt_err_format(err, msg, sizeof(msg));
	if (err->hint[0])
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), " (hint: %s)", err->hint);
	log_line("error", msg);
}

/* A pidfd of pid, only if it is still the process that started at starttime; -1 if not. */
static int open_process(pid_t pid, unsigned long long starttime)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd >= 0 && !proc_running(pid, starttime)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait until the process of pidfd has exited (readable: a zombie counts), up to ms. */
static bool wait_gone(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	while (poll(&p, 1, ms) < 0) {
		if (errno != EINTR)
			return false;
	}
	return p.revents & POLLIN;
}

int rt_oci_kill_now(pid_t pid, unsigned long long starttime)
{
	_cleanup_close_ int fd = open_process(pid, starttime);

	if (fd < 0)
		return 0; /* gone already */
	rt_trace("oci", "pidfd_send_signal(%d, SIGKILL)", (int)pid);
	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return -1;
	return wait_gone(fd, KILL_WAIT_MS) ? 0 : -1;
}

/* A poststart or poststop hook that failed: a warning in the log, and the verb goes on. */
static void warn_hook(const struct rt_err *failure)
{
	char msg[sizeof(failure->msg) + 64];

	rt_err_format(failure, msg, sizeof(msg));
	rt_oci_warn("%s", msg);
}

/*
 * The poststart or poststop hooks of the config saved at create, in our namespaces, with the
 * state (status) on their stdin. runtime-spec: their failures are warnings, and the remaining
 * hooks and the lifecycle go on as if they had succeeded.
 */
static void run_post_hooks(struct rt_container *c, enum ent_hook_kind kind, const char *status)
{
	struct rt_hook_state hs = { .st = &c->st,
		                    .config = c->config,
		                    .config_len = c->config_len };
	struct rt_err err = { 0 };
	struct ent_plan *plan;
	char source[ENT_PATH_MAX + 16];

	if (!c->config)
		return;
	snprintf(source, sizeof(source), "%s/config.json", c->st.bundle);
	plan = ent_plan_new(&err);
	if (!plan || ent_oci_hooks(c->config, c->config_len, source, plan, &err) < 0 ||
	    rt_hooks_run(&plan->hooks, kind, &hs, status, warn_hook, &err) < 0)
		warn_hook(&err);
	ent_plan_free(plan);
}

static int oci_start(const struct rt_oci_options *o, struct rt_container *c, struct rt_err *err)
{
	enum rt_status s = rt_container_status(c);

	if (s != RT_STATUS_CREATED)
		return rt_fail(err, 0,
		               "container %s is not created (it is %s): start needs a "
		               "created container",
		               o->id, rt_status_name(s));
	if (rt_container_release(c, err) < 0)
		return -1;
	/* runtime.md: the poststart hooks run after the process started, before start returns. */
	run_post_hooks(c, ENT_HOOK_POSTSTART, "running");
	return 0;
}

static int oci_state(struct rt_container *c, struct rt_err *err)
{
	return ent_oci_state_print(stdout, &c->st, rt_status_name(rt_container_status(c)),
	                           c->config, c->config_len, err);
}

/* The container's processes, from its first cgroup directory (every one holds them all). */
static int list_pids(const struct rt_container *c, pid_t *pids, unsigned max, struct rt_err *err)
{
	if (!c->st.n_cgroups)
		return 0;
	return cgroup_procs(c->st.cgroups[0], pids, max, err);
}

static int oci_kill(const struct rt_oci_options *o, struct rt_container *c, struct rt_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_close_ int fd = -1;
	int n;

	if (rt_container_status(c) == RT_STATUS_STOPPED)
		return rt_fail(err, 0, "container %s: container not running", o->id);
	if (!o->all) {
		fd = open_process((pid_t)c->st.pid, c->st.starttime);
		rt_trace("oci", "pidfd_send_signal(%ld, %s)", c->st.pid, sigabbrev_np(o->signal));
		if (fd < 0 || syscall(SYS_pidfd_send_signal, fd, o->signal, NULL, 0) < 0)
			return rt_fail(err, fd < 0 ? ESRCH : errno, "container %s: kill", o->id);
		return 0;
	}
	pids = calloc(MAX_PIDS, sizeof(*pids));
	if (!pids)
		return rt_fail(err, ENOMEM, "kill --all");
	n = list_pids(c, pids, MAX_PIDS, err);
	if (n < 0)
		return -1;
	/* cgroup.procs lists each process once; one that exited meanwhile is no error. */
	for (int i = 0; i < n; i++) {
		rt_trace("oci", "kill(%d, %s)", (int)pids[i], sigabbrev_np(o->signal));
		if (kill(pids[i], o->signal) < 0 && errno != ESRCH)
			return rt_fail(err, errno, "container %s: kill %d", o->id, (int)pids[i]);
	}
	return 0;
}

/*
 * Remove what the container had on the host: its processes (killed first when running, with
 * --force, or still held before execve), its cgroups, its block of host ids, its state.
 */
static int oci_delete(const struct rt_oci_options *o, struct rt_container *c, struct rt_err *err)
{
	enum rt_status s = rt_container_status(c);
	const char *dirs[ENT_OCI_MAX_CGROUPS];

	/*
	 * Half-made: its create was killed before it saved the state. Its process died with it;
	 * its cgroups are in the killed create's record, collected here; the directory goes.
	 */
	if (c->half_made) {
		rt_trace("oci", "container %s has no state: its create was killed", o->id);
		if (geteuid() == 0)
			cgroup_collect_registered();
		rt_container_remove(c);
		return 0;
	}
	/* runtime.md: deleting a container that is not stopped is an error (and changes nothing).
	 */
	if (s != RT_STATUS_STOPPED && !o->force)
		return rt_fail(err, 0,
		               "container %s is %s, not stopped: kill it first, or delete "
		               "--force",
		               o->id, rt_status_name(s));
	if (s != RT_STATUS_STOPPED && rt_oci_kill_now((pid_t)c->st.pid, c->st.starttime) < 0)
		return rt_fail(err, 0, "container %s: its process %ld does not die", o->id,
		               c->st.pid);
	for (unsigned i = 0; i < c->st.n_cgroups; i++)
		dirs[i] = c->st.cgroups[i];
	/* Every cgroup emptied (SIGKILL to whatever escaped) and removed. */
	cgroup_remove_dirs(dirs, c->st.n_cgroups);
	ns_idrange_release_name(c->st.ids_lease, (pid_t)c->st.pid, c->st.starttime);
	rt_container_remove(c);
	/* runtime.md: the poststop hooks run once the container is deleted, before delete returns.
	 */
	run_post_hooks(c, ENT_HOOK_POSTSTOP, "stopped");
	return 0;
}

/* ps: a JSON array of host pids (--format json, what containerd reads), or a table. */
static int oci_ps(const struct rt_oci_options *o, struct rt_container *c, struct rt_err *err)
{
	_cleanup_free_ pid_t *pids = calloc(MAX_PIDS, sizeof(*pids));
	int n;

	if (!pids)
		return rt_fail(err, ENOMEM, "ps");
	n = rt_container_status(c) == RT_STATUS_STOPPED ? 0 : list_pids(c, pids, MAX_PIDS, err);
	if (n < 0)
		return -1;
	if (o->json) {
		printf("[");
		for (int i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return 0;
	}
	printf("%-8s %s\n", "PID", "COMMAND");
	for (int i = 0; i < n; i++) {
		char path[32];
		_cleanup_free_ char *comm = NULL;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
		comm = read_text_file(path, 64);
		printf("%-8d %s", (int)pids[i], comm ? comm : "?\n");
	}
	return 0;
}

/* The verbs on an existing container: open it (locked as the verb needs), act, close. */
static int on_container(const struct rt_oci_options *o, struct rt_err *err)
{
	bool exclusive = o->verb == RT_OCI_START || o->verb == RT_OCI_DELETE;
	struct rt_container *c = calloc(1, sizeof(*c));
	int r = -1;

	if (!c)
		return rt_fail(err, ENOMEM, "state");
	if (rt_container_open(o->root, o->id, exclusive, c, err) < 0)
		goto out;
	if (c->half_made && o->verb != RT_OCI_DELETE) {
		r = rt_fail(err, 0,
		            "container %s does not exist (its create was killed: delete "
		            "removes what is left)",
		            o->id);
		goto out;
	}
	switch (o->verb) {
	case RT_OCI_START:
		r = oci_start(o, c, err);
		break;
	case RT_OCI_STATE:
		r = oci_state(c, err);
		break;
	case RT_OCI_KILL:
		r = oci_kill(o, c, err);
		break;
	case RT_OCI_DELETE:
		r = oci_delete(o, c, err);
		break;
	case RT_OCI_PS:
		r = oci_ps(o, c, err);
		break;
	default:
		r = rt_fail(err, 0, "internal: verb %d", o->verb);
		break;
	}
out:
	rt_container_close(c);
	free(c);
	return r;
}

int rt_oci_main(const struct rt_oci_options *options, struct rt_err *err)
{
	struct rt_oci_options resolved = *options, *o = &resolved;
	char cwd[ENT_PATH_MAX], root[ENT_PATH_MAX];

	/* A relative --root is the caller's working directory's, as runc's: made absolute. */
	if (o->root[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return rt_fail(err, errno, "--root %s: the working directory", o->root);
		if (snprintf(root, sizeof(root), "%s/%s", cwd, o->root) >= (int)sizeof(root))
			return rt_fail(err, ENAMETOOLONG, "--root %s", o->root);
		o->root = root;
	}
	log_to.path = o->log;
	log_to.json = o->log_json;
	rt_log_init(o->debug);
	switch (o->verb) {
	case RT_OCI_CREATE:
		return rt_oci_create(o, err);
	case RT_OCI_EXEC:
		return rt_oci_exec(o, err);
	case RT_OCI_FEATURES:
		return ent_oci_features_print(stdout, err);
	default:
		return on_container(o, err);
	}
}
