/*
 * runtime/child.c - runs inside the new namespaces until execve(): the container's setup in
 * order, then the workload's lockdown and exec (clone(2), execve(2), prctl(2)).
 */
#include "runtime/child.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "entitlements/explain.h"
#include "netcfg/netcfg.h"
#include "ns/ns.h"
#include "rootfs/rootfs.h"
#include "runtime/init.h"
#include "runtime/sync.h"
#include "runtime/tty.h"

extern char **environ;

/* The child never prints: each --verbose line goes to the parent as SYNC_TRACE (SYNC 2). */
static void trace_to_parent(const char *line, void *data)
{
	struct rt_err e = { 0 };

	snprintf(e.msg, sizeof(e.msg), "%s", line);
	rt_sync_send(*(int *)data, SYNC_TRACE, &e);
}

/*
 * SYNC 2: report err to the parent and leave. _exit, never exit: no stdio flush, no atexit
 * handlers (they are the parent's, copied by clone).
 */
static __attribute__((noreturn)) void fail_to_parent(int sync_fd, enum sync_type type,
                                                     const struct rt_err *err, int status)
{
	rt_sync_send(sync_fd, type, err);
	_exit(status);
}

/* Has the parent closed its end of the channel (died)? Never blocks. */
static bool parent_gone(int sync_fd)
{
	struct pollfd p = { .fd = sync_fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/*
 * The container's build, in order: the table of contents of a container. Why this order:
 * nothing can happen before SYNC 1, as the child has no ids until the parent writes its maps;
 * then it becomes root of its user namespace, which every later step needs (mounting, naming
 * the host, configuring the network are capabilities it holds only there); the cgroup
 * namespace next, as it roots itself at the cgroup the parent moved us into, and before the
 * mount tree, whose cgroupfs mounts show that root; the mount tree while the host's /proc is
 * still ours (targets are named /proc/self/fd/N), ending with pivot_root; the network last,
 * as it needs only the network namespace, whose veth the parent moved in before SYNC 1.
 */
static int child_build(const struct ent_plan *plan, const struct rootfs_trees *trees, int sync_fd,
                       struct rt_err *err)
{
	/*
	 * Not dumpable: /proc/1/exe (ent-run's own binary) can then be opened only with
	 * CAP_SYS_PTRACE in the host's user namespace, never from inside (proc(5)). Set after
	 * SYNC 1, since it also makes /proc/PID/uid_map root-owned for a rootless parent.
	 */
	rt_trace("runtime", "prctl(PR_SET_DUMPABLE, 0)");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return rt_fail(err, errno, "runtime: prctl(PR_SET_DUMPABLE)");
	if (ns_become_root(&plan->ns, err) < 0)
		return -1;
	/*
	 * A change of ids clears the parent-death signal: ask again, then make sure ent-run did
	 * not die in between (its end of the channel would be closed).
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return rt_fail(err, errno, "runtime: prctl(PR_SET_PDEATHSIG)");
	if (parent_gone(sync_fd))
		return rt_fail(err, 0, "runtime: ent-run went away during set-up");
	if (ns_enter_cgroup(&plan->ns, err) < 0)
		return -1;
	if (ns_set_hostname(&plan->ns, err) < 0)
		return -1;
	if (rootfs_enter(&plan->rootfs, trees, err) < 0) /* mounts, /dev, pivot_root */
		return -1;
	return netcfg_configure(&plan->net, err); /* lo up, addresses, routes */
}

static int child_setup(const struct ent_plan *plan, int sync_fd, struct rt_err *err)
{
	struct rootfs_trees trees;
	struct sync_fds fds;
	int r;

	if (rt_sync_wait_go(sync_fd, &fds, err) < 0) /* SYNC 1: maps, cgroup, host network ready */
		return -1;
	if (rootfs_trees_unpack(&trees, &plan->rootfs, fds.fd, fds.n, err) < 0)
		return -1;
	r = child_build(plan, &trees, sync_fd, err);
	rootfs_trees_close(&trees);
	return r;
}

/*
 * Resource limits (setrlimit(2)). Raising a hard limit needs CAP_SYS_RESOURCE in the host's
 * user namespace, which container root lacks: a limit asked above the host's is lowered to it.
 */
static int apply_rlimits(const struct ent_process *proc, struct rt_err *err)
{
	for (unsigned i = 0; i < proc->n_rlimits; i++) {
		const struct ent_rlimit *l = &proc->rlimits[i];
		struct rlimit want = { .rlim_cur = l->soft, .rlim_max = l->hard };
		struct rlimit have;

		rt_trace("runtime", "setrlimit(%s, %llu, %llu)  [%s]",
		         ent_rlimit_name(l->resource) ?: "?", (unsigned long long)l->soft,
		         (unsigned long long)l->hard, l->why);
		if (setrlimit(l->resource, &want) == 0)
			continue;
		if (errno != EPERM || getrlimit(l->resource, &have) < 0)
			return rt_fail(err, errno, "runtime: setrlimit %d", l->resource);
		want.rlim_max = have.rlim_max;
		if (want.rlim_cur > have.rlim_max)
			want.rlim_cur = have.rlim_max;
		rt_trace("runtime", "setrlimit: lowered to the host's hard limit %llu",
		         (unsigned long long)have.rlim_max);
		if (setrlimit(l->resource, &want) < 0)
			return rt_fail(err, errno, "runtime: setrlimit %d", l->resource);
	}
	return 0;
}

/* The workload's last steps: terminal, working directory, limits, lockdown. */
static int workload_setup(const struct ent_plan *plan, const struct lockdown_filter *filter,
                          int sync_fd, pid_t init, struct rt_err *err)
{
	sigset_t none;
	int listener, rc;

	/*
	 * In the host's PID namespace our PID 1 is no init: its death does not end the
	 * container. The workload asks for SIGKILL when it dies (PR_SET_PDEATHSIG), and checks
	 * that it has not died already.
	 */
	if (!plan->ns.unshare[NS_PID]) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			return rt_fail(err, errno,
			               "runtime: prctl(PR_SET_PDEATHSIG) for the workload");
		if (getppid() != init)
			return rt_fail(err, 0, "runtime: ent-run went away during set-up");
	}

	/*
	 * Signals were blocked for PID 1's signalfd, and some may be ignored (a shell starts
	 * background jobs with SIGINT and SIGQUIT ignored; ignored signals survive execve): the
	 * workload starts with a clean slate, every disposition default and nothing blocked.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return rt_fail(err, errno, "runtime: unblock the workload's signals");
	/* A session of its own: the container's processes are not in ent-run's job control. */
	if (setsid() < 0)
		return rt_fail(err, errno, "runtime: setsid");
	if (plan->proc.tty && rt_tty_open_in_container(sync_fd, err) < 0)
		return -1;
	rt_trace("runtime", "chdir(\"%s\")", plan->proc.cwd);
	if (chdir(plan->proc.cwd) < 0)
		return rt_fail(err, errno, "runtime: working directory %s", plan->proc.cwd);
	if (apply_rlimits(&plan->proc, err) < 0)
		return -1;
	/*
	 * Every descriptor above stderr becomes close-on-exec: the workload inherits only 0, 1
	 * and 2 (close_range(2)). The sync channel closes the same way, which is how the parent
	 * learns that execve succeeded.
	 */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return rt_fail(err, errno, "runtime: close_range");
	/*
	 * The lockdown last of all (capabilities, no_new_privs, then seccomp): every step above
	 * needs a capability or a system call the filter may deny, and seccomp comes last of the
	 * three as it would block the capset and prctl calls before it.
	 */
	if (lockdown_apply(&plan->lockdown, filter, plan->proc.uid, plan->proc.gid, &listener,
	                   err) < 0)
		return -1;
	if (listener < 0)
		return 0;
	/*
	 * SYNC 2: a learning round's filter reports to a listener that only this process could
	 * create; it goes to ent-run's supervisor, which must hold it before execve runs anything
	 * the filter watches (sendmsg and close are allowed by every filter).
	 */
	rc = rt_sync_send_fds(sync_fd, SYNC_LISTENER, &listener, 1, err);
	close(listener);
	return rc;
}

/* execvp searches the container's PATH: environ is the plan's environment from here on. */
static __attribute__((noreturn)) void workload_exec(const struct ent_plan *plan, int sync_fd)
{
	struct rt_err err;
	int errnum;

	rt_trace("runtime", "execve(\"%s\")", plan->proc.argv[0]);
	environ = plan->proc.env;
	execvp(plan->proc.argv[0], plan->proc.argv);
	errnum = errno;
	rt_fail(&err, errnum, "exec %s", plan->proc.argv[0]);
	if (errnum == ENOENT)
		rt_err_hint(&err, "is %s installed in the rootfs, and in its PATH?",
		            plan->proc.argv[0]);
	fail_to_parent(sync_fd, SYNC_EXEC_FAILED, &err,
	               errnum == ENOENT ? RT_EXIT_NOT_FOUND : RT_EXIT_CANNOT_EXEC);
}

void rt_child_main(const struct ent_plan *plan, const struct lockdown_filter *filter, int sync_fd)
{
	struct rt_err err = { 0 };
	pid_t workload, init;

	/* Never outlive ent-run: if it dies, even of SIGKILL, we get SIGKILL (and with us, as
	 * PID 1, every process of the container). */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	rt_log_set_role("child");
	rt_log_set_sink(trace_to_parent, &sync_fd);
	if (child_setup(plan, sync_fd, &err) < 0)
		fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
	rt_trace("runtime", "fork() the workload; this process stays as PID 1");
	init = getpid();
	workload = fork();
	if (workload < 0) {
		rt_fail(&err, errno, "runtime: fork the workload");
		fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
	}
	if (workload == 0) {
		if (workload_setup(plan, filter, sync_fd, init, &err) < 0)
			fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
		workload_exec(plan, sync_fd);
	}
	/*
	 * SYNC 3: PID 1 keeps no end of the channel, so the parent sees EOF exactly when the
	 * workload's execve() closed the last copy (it is close-on-exec).
	 */
	rt_log_set_sink(NULL, NULL);
	close(sync_fd);
	rt_init_run(workload);
}
