/*
 * runtime/launch.c - the parent side of a launch (clone3(2), pidfd_open(2), signalfd(2),
 * timerfd_create(2), poll(2)).
 */
#include "runtime/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/lock.h"
#include "base/log.h"
#include "base/proc.h"
#include "entitlements/ent.h"
#include "entitlements/names.h"
#include "netcfg/netcfg.h"
#include "ns/ns.h"
#include "rootfs/rootfs.h"
#include "runtime/cgroup.h"
#include "runtime/child.h"
#include "runtime/init.h"
#include "runtime/stats.h"
#include "runtime/sync.h"
#include "runtime/tty.h"

/* What the parent holds for one running container. */
struct launch {
	pid_t pid;            /* the container's PID 1, as seen from here */
	int pidfd;            /* readable when it exits: no SIGCHLD handler, no timer */
	int sync_fd;          /* our end of the channel */
	struct rt_hold *hold; /* OCI create: how the workload is held before execve; NULL: run */
	const char *console_socket; /* OCI create: where the terminal's master goes */
	struct rt_tty tty;
	struct rt_cgroup *cgroup;  /* its cgroup in each hierarchy: limits, device rules */
	struct netcfg_host *net;   /* host side of its network: lease, veth, NAT or helper */
	struct ns_idlease *ids;    /* its block of host uids and gids (started by root) */
	struct rootfs_trees trees; /* idmapped mounts made for the child, until SYNC_GO */
	bool stopped; /* run: SIGTERM & co. or --timeout stopped the set-up (wait_setup) */
	int stop_fd;  /* signalfd of SIGTERM, SIGINT, SIGHUP, SIGQUIT during set-up; -1: none */
	int timer_fd; /* --timeout: fires in the set-up's and wait_child's polls; -1 without */
	int64_t timeout_ms;      /* --timeout's duration */
	int64_t kill_after_ms;   /* the grace between its SIGTERM and SIGKILL */
	bool kill_cgroup;        /* SIGKILL its cgroup too (cgroup.track: the host's PID ns) */
	bool timed_out;          /* it fired: exit 124 */
	struct rt_stats stats;   /* --stats: what the report says */
	struct timespec started; /* CLOCK_MONOTONIC at clone, for the report's wall time */
	const struct rt_observer *obs; /* ent-run learn's hooks, or NULL */
	/* OCI create: the seccomp program its caller built before any hook ran (NULL:
	 * unconfined); run and learn build it after SYNC_GO (send_filter). */
	const struct lockdown_filter *filter;
	bool filter_built;
};

/*
 * clone3 with the plan's CLONE_NEW* flags: the child starts as the first process of new
 * namespaces, and CLONE_PIDFD gives us a descriptor that cannot be confused with a recycled
 * pid. Without CLONE_VM it behaves like fork(): the child has a copy of our memory.
 */
static pid_t clone_child(unsigned long flags, int *pidfd)
{
	struct clone_args args = { .flags = flags | CLONE_PIDFD,
		                   .pidfd = (uint64_t)(uintptr_t)pidfd,
		                   .exit_signal = SIGCHLD };

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/*
 * The child, cloned into the new namespaces, and into those the plan joins by path: we join
 * them (ns_join_paths) just before clone3, and go back to ours right after.
 */
static int start_child(const struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	unsigned long flags = ns_clone_flags(&plan->ns);
	struct ns_saved saved;
	int fds[2];
	char names[160];

	if (rt_sync_open(fds, err) < 0)
		return -1;
	if (ns_join_paths(&plan->ns, &saved, err) < 0) {
		ns_restore(&saved, err);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	rt_trace("ns", "clone3(%s)", ent_clone_flag_names(flags, names, sizeof(names)));
	l->pid = clone_child(flags, &l->pidfd);
	if (l->pid == 0) {
		close(fds[0]);
		rt_child_main(plan, fds[1], l->hold);
	}
	if (ns_restore(&saved, err) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1; /* the caller kills the child */
	}
	if (l->pid < 0) {
		rt_fail(err, errno, "ns: clone3(%s)", names);
		if (err->errnum == EPERM || err->errnum == ENOSPC)
			rt_err_hint(err,
			            "unprivileged user namespaces may be disabled on this host "
			            "(sysctl user.max_user_namespaces, "
			            "kernel.unprivileged_userns_clone)");
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	l->sync_fd = fds[0];
	rt_trace("ns", "child is pid %d on the host", (int)l->pid);
	return 0;
}

/* A terminal from the child: ours to relay (run), or the engine's (OCI --console-socket). */
static int take_terminal(struct launch *l, int master, struct rt_err *err)
{
	int r;

	if (!l->console_socket)
		return rt_tty_attach(&l->tty, master, err);
	r = rt_tty_send_to_socket(l->console_socket, master, err);
	close(master);
	return r;
}

/* A start stopped by signal sig before the workload ran: the status to exit with, and err. */
static int stop_start(struct launch *l, int sig, struct rt_err *err)
{
	rt_fail(err, 0, "stopped by SIG%s before the workload started", sigabbrev_np(sig));
	l->stopped = true;
	l->stats.signal = sig;
	return RT_EXIT_SIGNAL_BASE + sig;
}

/*
 * A step before the clone failed: with a stop signal pending (one that ended a lock wait,
 * base/lock.h, or came meanwhile, which restoring the mask would let kill us silently), the
 * start stops as wait_setup's would, its err the line that says so in place of the step's.
 * Otherwise -1, err as the step left it.
 */
static int stopped_before_clone(struct launch *l, struct rt_err *err)
{
	const struct timespec now = { 0, 0 };
	sigset_t set;
	int sig;

	init_stop_signals(&set);
	sig = sigtimedwait(&set, NULL, &now);
	return sig > 0 ? stop_start(l, sig, err) : -1;
}

/*
 * Until the child writes to the channel or closes it. Meanwhile a SIGTERM, SIGINT, SIGHUP or
 * SIGQUIT, or the end of --timeout, stops the start: the workload has not run, so there is
 * nobody to pass the signal on to and no grace to give; the caller kills the child and removes
 * what was made for it. Without this, a child stuck in its set-up (a mount waiting on a hung
 * network filesystem) would leave ent-run deaf to everything but SIGKILL. (Of the parent's own
 * steps before SYNC_GO, only the waits for the id and network locks end at such a signal
 * (stopped_before_clone); during the others, an open_tree of a volume say, it is seen here
 * once they return.) Returns 0 when the channel is readable, or the status to exit with and
 * err: 128+N for signal N (what a shell reports when the signal kills a program), 124 for the
 * timeout.
 */
static int wait_setup(struct launch *l, struct rt_err *err)
{
	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = l->sync_fd, .events = POLLIN },
			{ .fd = l->stop_fd, .events = POLLIN },
			{ .fd = l->timer_fd, .events = POLLIN },
		};
		struct signalfd_siginfo si;

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return rt_fail(err, errno, "runtime: poll the sync channel");
		}
		if (fds[0].revents)
			return 0;
		if (fds[1].revents && read(l->stop_fd, &si, sizeof(si)) == sizeof(si))
			return stop_start(l, (int)si.ssi_signo, err);
		if (fds[2].revents) {
			char after[32];

			l->stopped = true;
			l->timed_out = true;
			ent_duration_str(l->timeout_ms, after, sizeof(after));
			rt_fail(err, 0, "timed out after %s, before the workload started", after);
			return RT_EXIT_TIMED_OUT;
		}
	}
}

/*
 * SYNC 2 and 3: read the child's messages until EOF, which means the workload's execve
 * succeeded (the channel is close-on-exec), or (OCI create) until SYNC_CREATED. Returns 0,
 * or -1 with err (setup failed), or the exec status, or wait_setup's status (stopped).
 */
static int follow_setup(struct launch *l, struct rt_err *err)
{
	int result = 0;

	for (;;) {
		struct sync_msg msg;
		struct sync_fds fds;
		int r = wait_setup(l, err);

		if (r != 0)
			return r;
		r = rt_sync_recv(l->sync_fd, &msg, &fds, err);

		if (r <= 0)
			return r < 0 ? -1 : result;
		/* A terminal or a listener, one descriptor, travels this way; anything else is
		 * closed. */
		for (unsigned i = msg.type == SYNC_PTY || msg.type == SYNC_LISTENER; i < fds.n; i++)
			close(fds.fd[i]);
		switch (msg.type) {
		case SYNC_TRACE:
			rt_log_emit(msg.err.msg);
			break;
		case SYNC_PTY:
			if (fds.n && take_terminal(l, fds.fd[0], err) < 0)
				result = -1;
			break;
		case SYNC_CREATED:
			return result;
		case SYNC_PID:
			l->pid = msg.pid;
			break;
		case SYNC_LISTENER:
			if (fds.n && (!l->obs || !l->obs->listener))
				close(fds.fd[0]);
			else if (fds.n && l->obs->listener(l->obs->data, fds.fd[0], err) < 0)
				result = -1;
			break;
		case SYNC_EXEC_FAILED:
			*err = msg.err;
			result = msg.err.errnum == ENOENT ? RT_EXIT_NOT_FOUND : RT_EXIT_CANNOT_EXEC;
			break;
		default:
			*err = msg.err;
			result = -1;
			break;
		}
	}
}

/* The exit status of the container's PID 1, which passes on the workload's. */
static int reap_child(struct launch *l)
{
	siginfo_t si = { 0 };

	while (waitid(P_PIDFD, (id_t)l->pidfd, &si, WEXITED) < 0) {
		if (errno != EINTR)
			return RT_EXIT_FAILED;
	}
	if (si.si_code == CLD_EXITED)
		return si.si_status;
	return RT_EXIT_SIGNAL_BASE + si.si_status;
}

/* Forward a signal to PID 1, which forwards it to the workload; SIGWINCH resizes a --tty. */
static void forward_signal(struct launch *l, int sig)
{
	if (sig == SIGWINCH && l->tty.master >= 0) {
		rt_tty_resize(&l->tty);
		return;
	}
	syscall(SYS_pidfd_send_signal, l->pidfd, sig, NULL, 0);
}

/* What the observer watches while the container runs: into fds[first...]. */
static void observer_fds(const struct launch *l, struct pollfd *fds)
{
	int obs[RT_OBSERVER_FDS] = { -1, -1 };

	if (l->obs && l->obs->poll_fds)
		l->obs->poll_fds(l->obs->data, obs);
	for (unsigned i = 0; i < RT_OBSERVER_FDS; i++)
		fds[i] = (struct pollfd){ .fd = obs[i], .events = POLLIN };
}

/* Arm the timer to fire once, ms from now (timerfd_settime(2), CLOCK_MONOTONIC). */
static int arm_timer(int timer_fd, int64_t ms)
{
	struct itimerspec when = { .it_value = { .tv_sec = ms / 1000,
		                                 .tv_nsec = (ms % 1000) * 1000000 } };

	return timerfd_settime(timer_fd, 0, &when, NULL);
}

/* The same, ms after t0 (CLOCK_MONOTONIC): TFD_TIMER_ABSTIME. */
static int arm_timer_after(int timer_fd, const struct timespec *t0, int64_t ms)
{
	struct itimerspec when = { .it_value = { .tv_sec = t0->tv_sec + ms / 1000,
		                                 .tv_nsec = t0->tv_nsec + (ms % 1000) * 1000000 } };

	if (when.it_value.tv_nsec >= 1000000000) {
		when.it_value.tv_sec++;
		when.it_value.tv_nsec -= 1000000000;
	}
	return timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &when, NULL);
}

/*
 * --timeout, as timeout(1): when the timer fires the first time, SIGTERM to PID 1, which
 * passes it on to the workload, and the timer is armed again for the grace; the second time,
 * SIGKILL. In its own PID namespace, the death of PID 1 kills every other process of the
 * container; in the host's, its cgroup lists them (cgroup.track).
 */
static void on_timer(struct launch *l)
{
	char grace[32];
	uint64_t expirations;

	if (read(l->timer_fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return;
	if (!l->timed_out) {
		l->timed_out = true;
		ent_duration_str(l->kill_after_ms, grace, sizeof(grace));
		rt_trace("runtime", "timeout: pidfd_send_signal(PID 1, SIGTERM), SIGKILL in %s",
		         grace);
		syscall(SYS_pidfd_send_signal, l->pidfd, SIGTERM, NULL, 0);
		arm_timer(l->timer_fd, l->kill_after_ms);
		return;
	}
	rt_trace("runtime", "timeout: the grace is over, SIGKILL to every process");
	syscall(SYS_pidfd_send_signal, l->pidfd, SIGKILL, NULL, 0);
	if (l->kill_cgroup)
		cgroup_kill(l->cgroup);
}

/*
 * Wait for the container to exit while forwarding signals, relaying the terminal, keeping the
 * timeout and, learning, serving the observer (its seccomp listener, its ring of capability
 * checks). The container's exit wins over a timer that fires in the same instant.
 */
static int wait_child(struct launch *l, int sig_fd)
{
	bool master_open = l->tty.master >= 0;

	for (;;) {
		struct pollfd fds[5 + RT_OBSERVER_FDS] = {
			{ .fd = l->pidfd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = master_open ? l->tty.master : -1, .events = POLLIN },
			{ .fd = master_open && l->tty.stdin_open ? STDIN_FILENO : -1,
			  .events = POLLIN },
			{ .fd = l->timer_fd, .events = POLLIN },
		};
		struct signalfd_siginfo si;

		observer_fds(l, &fds[5]);
		if (poll(fds, 5 + RT_OBSERVER_FDS, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned i = 5; i < 5 + RT_OBSERVER_FDS; i++) {
			if (fds[i].revents)
				l->obs->ready(l->obs->data, fds[i].fd, fds[i].revents);
		}
		if (fds[2].revents && rt_tty_pump(l->tty.master, STDOUT_FILENO) < 0)
			master_open = false;
		if (fds[3].revents && rt_tty_pump(STDIN_FILENO, l->tty.master) < 0)
			l->tty.stdin_open = false;
		if (fds[1].revents && read(sig_fd, &si, sizeof(si)) == sizeof(si))
			forward_signal(l, (int)si.ssi_signo);
		if (fds[0].revents)
			break;
		if (fds[4].revents)
			on_timer(l);
	}
	if (master_open)
		rt_tty_pump(l->tty.master, STDOUT_FILENO); /* what the workload wrote last */
	return reap_child(l);
}

/*
 * The timer of --timeout, counting from the clone, as timeout(1) counts from its command's
 * start: a set-up that hangs is bounded too (it normally takes a few milliseconds). Made just
 * after the clone, so that the container's PID 1 (which never execs, and so keeps what it
 * inherits) holds no copy of it. A timerfd is one more descriptor in the polls: no polling
 * interval, no sleep, no signal handler.
 */
static int start_timer(const struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	const struct ent_process *proc = &plan->proc;
	char after[32];

	if (proc->timeout_ms <= 0)
		return 0;
	l->timeout_ms = proc->timeout_ms;
	l->kill_after_ms = proc->kill_after_ms;
	l->kill_cgroup = plan->cgroup.track;
	ent_duration_str(proc->timeout_ms, after, sizeof(after));
	rt_trace("runtime", "timerfd_create(CLOCK_MONOTONIC), SIGTERM in %s  [%s]", after,
	         proc->timeout_why);
	l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (l->timer_fd < 0 || arm_timer_after(l->timer_fd, &l->started, proc->timeout_ms) < 0)
		return rt_fail(err, errno, "runtime: --timeout: timerfd");
	return 0;
}

/*
 * The exit status of a run that timed out: 124 whatever the workload did with its SIGTERM,
 * and one line saying so.
 */
static int report_timeout(const struct ent_process *proc, struct rt_err *err)
{
	char after[32];

	ent_duration_str(proc->timeout_ms, after, sizeof(after));
	rt_fail(err, 0, "timed out after %s", after);
	return RT_EXIT_TIMED_OUT;
}

/*
 * The container's cgroup, created before clone() so that the child can be moved in before it
 * runs anything: ent-run-PID (our pid), below our own cgroup in each hierarchy.
 */
static int create_cgroup(const struct cgroup_spec *spec, struct launch *l, struct rt_err *err)
{
	char name[32];

	snprintf(name, sizeof(name), "ent-run-%d", (int)getpid());
	return cgroup_create(spec, name, &l->cgroup, err);
}

/*
 * SIGKILL (137) from the kernel's OOM killer for our memory limit: say so, in one line, and
 * keep the status. The cgroup's own counter tells it apart from a kill -9.
 */
static void report_oom(const struct cgroup_spec *spec, const struct launch *l, int status,
                       struct rt_err *err)
{
	char size[32];

	if (status != RT_EXIT_SIGNAL_BASE + SIGKILL || !spec->memory_bytes ||
	    !cgroup_oom_killed(l->cgroup))
		return;
	rt_fail(err, 0, "killed: memory limit %s reached",
	        cgroup_format_size(spec->memory_bytes, size, sizeof(size)));
}

/*
 * The host side of the network, before clone(): an address for the container (plan->net, read
 * by the child from its copy of our memory) and its own resolv.conf and hosts, which the plan
 * binds over the rootfs's (entitlements/compile.c): their paths are known only now.
 */
static int prepare_network(struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	if (netcfg_host_prepare(&plan->net, plan->ns.hostname, &l->net, err) < 0)
		return -1;
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		struct rootfs_mount *m = &plan->rootfs.mounts[i];
		const char *path = m->generated == ROOTFS_GEN_RESOLV
		                           ? netcfg_host_resolv_path(l->net)
		                           : netcfg_host_hosts_path(l->net);

		if (!m->generated)
			continue;
		if (!path)
			return rt_fail(err, 0, "netcfg: no generated file for %s", m->target);
		m->source = ent_plan_str(plan, path);
	}
	return plan->strings_failed ? rt_fail(err, ENOMEM, "runtime: the plan's strings") : 0;
}

/*
 * Started by root: a block of host ids of the container's own (ns/idrange.h), written into
 * the plan's maps before clone, so the child inherits them and the parent writes them after.
 */
static int lease_ids(struct ent_plan *plan, const struct ns_idpool *pool, struct launch *l,
                     struct rt_err *err)
{
	uint32_t uid, gid;

	if (!plan->ns.own_range)
		return 0;
	if (ns_idrange_lease(pool, true, &uid, &gid, &l->ids, err) < 0)
		return -1;
	plan->ns.uid_map[0].outside = uid;
	plan->ns.gid_map[0].outside = gid;
	return 0;
}

/*
 * The idmapped rootfs, volumes and devices (rootfs/idmap.c): made now that the child's user
 * namespace has its maps, which the mounts take as their idmapping. They travel with SYNC_GO.
 */
static int make_trees(const struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	_cleanup_close_ int userns = -1;
	struct timespec t0;
	char path[48];

	if (!rootfs_trees_count(&plan->rootfs))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)l->pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return rt_fail(err, errno, "rootfs: open %s", path);
	if (rootfs_idmap_prepare(&plan->rootfs, userns, &l->trees, err) < 0)
		return -1;
	/* Their cost: make bench reads it (tests/bench/bench.py). */
	rt_trace("rootfs", "idmapped trees ready: %u (%.2f ms)", rootfs_trees_count(&plan->rootfs),
	         rt_log_ms_since(&t0));
	return 0;
}

/*
 * OCI create: the prestart and createRuntime hooks, in our namespaces, once the container's
 * exist and before it builds its file system (runtime-spec runtime.md, "Lifecycle"). The
 * deprecated prestart hooks see the status "created", as crun gives them and the runtime-tools
 * suite expects; createRuntime sees "creating", as the spec says.
 */
static int run_runtime_hooks(const struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	if (!l->hold || !l->hold->hooks)
		return 0;
	l->hold->hooks->st->pid = l->pid;
	if (rt_hooks_run(&plan->hooks, ENT_HOOK_PRESTART, l->hold->hooks, "created", NULL, err) < 0)
		return -1;
	return rt_hooks_run(&plan->hooks, ENT_HOOK_CREATE_RUNTIME, l->hold->hooks, "creating", NULL,
	                    err);
}

/* SYNC 1: release the child, handing it the idmapped trees; ours are closed once sent. */
static int release_child(const struct ent_plan *plan, struct launch *l, uint32_t flags,
                         struct rt_err *err)
{
	int fds[SYNC_MAX_FDS];
	unsigned n = rootfs_trees_pack(&l->trees, &plan->rootfs, fds, SYNC_MAX_FDS);
	int r;

	rt_trace("runtime", "release the child (SYNC_GO%s)", n ? ", with the idmapped mounts" : "");
	r = rt_sync_send_go(l->sync_fd, l->pid, flags, fds, n, err);
	rootfs_trees_close(&l->trees);
	if (r < 0)
		rt_err_prefix(err, "runtime: release the child");
	return r;
}

/*
 * --stats: the report, from the container's cgroups (read before they are removed) and what
 * this run saw, written whatever became of the workload. Returns status, or -1 with err when
 * the report cannot be read or written (a setup failure keeps its own error).
 */
static int finish_stats(struct rt_stats_file *file, struct launch *l, int status,
                        struct rt_err *err)
{
	struct rt_err stats_err = { 0 };
	struct timespec now;

	if (!file || !l->cgroup)
		return status; /* failed before the container had a cgroup: nothing to report */
	clock_gettime(CLOCK_REALTIME, &l->stats.ended);
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* Stopped or failed after the cgroup but before the clone: it never started, no time. */
	if (!l->started.tv_sec && !l->started.tv_nsec) {
		l->stats.started = l->stats.ended;
		l->started = now;
	}
	l->stats.wall_ns = (now.tv_sec - l->started.tv_sec) * 1000000000LL +
	                   (now.tv_nsec - l->started.tv_nsec);
	l->stats.exit_code = status < 0 ? RT_EXIT_FAILED : status;
	l->stats.timed_out = l->timed_out;
	l->stats.oom_killed = cgroup_oom_killed(l->cgroup);
	if (cgroup_stats_read(l->cgroup, &l->stats.usage, &stats_err) == 0 &&
	    rt_stats_write(file, &l->stats, &stats_err) == 0)
		return status;
	if (status >= 0)
		*err = stats_err;
	return -1;
}

/* A launch that failed: the container must not outlive it. */
static void kill_child(struct launch *l)
{
	if (l->pid <= 0)
		return;
	syscall(SYS_pidfd_send_signal, l->pidfd, SIGKILL, NULL, 0);
	reap_child(l);
}

/*
 * The signals that stop a start before the workload runs (wait_setup), in a signalfd of their
 * own: reading it takes only these four, so SIGUSR1, SIGUSR2 and SIGWINCH stay pending for
 * sig_fd, to be passed on once the workload runs. catch_signals blocked them all already.
 */
static int catch_stop_signals(struct rt_err *err)
{
	sigset_t set;
	int fd;

	init_stop_signals(&set);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		rt_fail(err, errno, "runtime: signalfd");
	return fd;
}

/*
 * A start stopped by a signal: whatever else is pending among the signals we pass on (a second
 * ^C, a SIGUSR1) would kill us once end_launch restores the mask, after the cleanup and
 * without the line that says why. There is nobody to pass them to: take them.
 */
static void drop_pending_signals(void)
{
	const struct timespec now = { 0, 0 };
	sigset_t set;

	rt_init_signal_set(&set, 0);
	while (sigtimedwait(&set, NULL, &now) > 0)
		;
}

/*
 * SYNC 1c: the workload's seccomp program, built or read from its cache here, after SYNC_GO,
 * while the child builds its file system on the other CPU, rather than before clone3: nothing
 * needs it before the workload's last step (~0.05 ms less per start, docs/PERFORMANCE.md).
 * It fails like any step of ours after the clone: the caller kills the child, and nothing of
 * the workload's has run. OCI create's caller built it already: the hooks it ran before
 * clone3 must not be followed by such a failure.
 */
static int send_filter(const struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	struct lockdown_filter *built = NULL;
	const void *data;
	size_t len;
	int r, errnum;

	if (!l->filter_built && lockdown_filter_build(&plan->lockdown, &built, err) < 0)
		return -1;
	data = lockdown_filter_data(l->filter_built ? l->filter : built, &len);
	rt_trace("runtime", "send the workload's seccomp program (SYNC_FILTER, %zu bytes)", len);
	r = rt_sync_send_data(l->sync_fd, SYNC_FILTER, data, len);
	errnum = errno;
	lockdown_filter_free(built);
	/* EPIPE (ECONNRESET): the child failed and left; its report is queued for follow_setup. */
	if (r == 0 || errnum == EPIPE || errnum == ECONNRESET)
		return 0;
	rt_fail(err, errnum, "runtime: write the sync channel (%zu bytes)", len);
	if (errnum == EMSGSIZE)
		rt_err_hint(err, "a message this large needs net.core.wmem_default above it");
	return -1;
}

/*
 * From clone to the workload's execve (run) or to its hold before execve (OCI create): the
 * child, its id maps, the idmapped mounts, its cgroup, the host side of its network, SYNC_GO,
 * the seccomp program, and the child's report. Returns 0, or -1 with err, or the exec status
 * (126, 127).
 */
static int setup_container(struct ent_plan *plan, struct launch *l, struct rt_err *err)
{
	struct netcfg_inside *inside = NULL;

	clock_gettime(CLOCK_REALTIME, &l->stats.started);
	clock_gettime(CLOCK_MONOTONIC, &l->started);
	if (start_child(plan, l, err) < 0)
		return -1;
	/* After the clone, so that the child holds no descriptor of the helper's. */
	if (netcfg_host_start_nat(l->net, err) < 0)
		return -1;
	/*
	 * Run (not OCI create, whose engine holds the container): SIGTERM & co. and --timeout
	 * stop the set-up. After the clone: the child inherits neither (their signals stay
	 * blocked till then).
	 */
	if (!l->hold) {
		l->stop_fd = catch_stop_signals(err);
		if (l->stop_fd < 0 || start_timer(plan, l, err) < 0)
			return -1;
	}
	if (l->obs && l->obs->started && l->obs->started(l->obs->data, l->pid, err) < 0)
		return -1;
	if (ns_write_idmaps(l->pid, &plan->ns, err) < 0)
		return -1;
	if (make_trees(plan, l, err) < 0)
		return -1;
	/* Into the cgroup before SYNC_GO: the child roots its cgroup namespace there. */
	if (cgroup_add_process(l->cgroup, l->pid, err) < 0)
		return -1;
	/* Network namespace: the veth's far end into the child's, NAT (or pasta) on ours. */
	if (netcfg_host_attach(l->net, l->pid, err) < 0)
		return -1;
	/*
	 * Not dumpable from here on: a container that shares our PID namespace must not open
	 * /proc/PID/exe (our binary) or ptrace us (proc(5)). Not earlier: the child inherits the
	 * flag, and a rootless parent could then no longer write the child's uid_map.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return rt_fail(err, errno, "runtime: prctl(PR_SET_DUMPABLE)");
	if (run_runtime_hooks(plan, l, err) < 0)
		return -1;
	if (plan->ns.unshare[NS_NET] && !plan->ns.path[NS_NET] &&
	    netcfg_inside_open(&plan->net, l->pidfd, &inside, err) < 0)
		return -1;
	if (release_child(plan, l, inside ? SYNC_GO_NET_BY_PARENT : 0, err) < 0) { /* SYNC 1 */
		netcfg_inside_free(inside);
		return -1;
	}
	/*
	 * The container's eth0 from here (its address, up, the default route), while the child
	 * builds its file system, instead of after it in the child. The child brings lo up itself
	 * (two ioctls): a container without eth0 has nothing for us to do in its namespace.
	 */
	if (inside) {
		if (netcfg_inside_configure(inside, &plan->net, err) < 0)
			return -1;
		rt_trace("runtime", "tell the child its network is ready (SYNC_NET)");
		/*
		 * EPIPE (ECONNRESET): the child failed and left before reading it; its report is
		 * queued for follow_setup.
		 */
		if (rt_sync_send(l->sync_fd, SYNC_NET, NULL) < 0 && errno != EPIPE &&
		    errno != ECONNRESET) /* SYNC 1b */
			return rt_fail(err, errno, "runtime: write the sync channel");
	}
	if (send_filter(plan, l, err) < 0) /* SYNC 1c */
		return -1;
	return follow_setup(l, err);
}

/*
 * Block the signals we forward before clone() (and SIGCHLD with with_sigchld, for the child's
 * PID 1): the child inherits the mask and reads them from its own signalfd; we read ours from
 * the one returned. None is lost between. *old receives the mask to restore (end_launch).
 */
static int catch_signals(int with_sigchld, sigset_t *old, struct rt_err *err)
{
	sigset_t set;
	int fd;

	rt_init_signal_set(&set, with_sigchld);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return rt_fail(err, errno, "runtime: block the signals to forward");
	rt_init_signal_set(&set, 0);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0) {
		rt_fail(err, errno, "runtime: signalfd");
		sigprocmask(SIG_SETMASK, old, NULL);
	}
	return fd;
}

/*
 * The parent's own ends, once the container is gone: terminal, descriptors, timer, signal
 * mask.
 */
static void end_launch(struct launch *l, int sig_fd, const sigset_t *old)
{
	rt_tty_detach(&l->tty);
	if (l->sync_fd >= 0)
		close(l->sync_fd);
	if (l->pidfd >= 0)
		close(l->pidfd);
	if (l->timer_fd >= 0)
		close(l->timer_fd);
	if (l->stop_fd >= 0)
		close(l->stop_fd);
	close(sig_fd);
	lock_stop_waits(false);
	sigprocmask(SIG_SETMASK, old, NULL); /* restores what the caller had: cannot fail */
}

int rt_launch(struct ent_plan *plan, const struct ns_idpool *ids, const char *stats_path,
              struct rt_err *err)
{
	return rt_launch_observed(plan, ids, stats_path, NULL, err);
}

int rt_launch_observed(struct ent_plan *plan, const struct ns_idpool *ids, const char *stats_path,
                       const struct rt_observer *obs, struct rt_err *err)
{
	struct launch l = { .pid = -1,
		            .pidfd = -1,
		            .sync_fd = -1,
		            .tty = { .master = -1 },
		            .stop_fd = -1,
		            .timer_fd = -1,
		            .obs = obs };
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	struct rt_stats_file *stats = NULL;
	bool ended = false; /* the workload ran, and its processes are gone */
	int status = -1;
	sigset_t old;
	int sig_fd;

	/* First of all: a report that could not be written fails the run before it starts. */
	if (stats_path && rt_stats_open(stats_path, &stats, err) < 0)
		return -1;
	sig_fd = catch_signals(1, &old, err);
	if (sig_fd < 0) {
		rt_stats_close(stats);
		return -1;
	}
	lock_stop_waits(true); /* the id and network locks' waits: see stopped_before_clone */
	rootfs_trees_init(&l.trees);
	if (lease_ids(plan, ids, &l, err) < 0 || create_cgroup(&plan->cgroup, &l, err) < 0 ||
	    prepare_network(plan, &l, err) < 0) {
		status = stopped_before_clone(&l, err);
		goto out;
	}
	status = setup_container(plan, &l, err);
	if (status != 0)
		goto out;
	close(l.stop_fd); /* from here they go to PID 1, through sig_fd */
	l.stop_fd = -1;
	status = wait_child(&l, sig_fd);
	l.pid = -1;
	ended = true;
	/* 128+N: the workload (or, killed at the timeout, PID 1) died of signal N. */
	if (status > RT_EXIT_SIGNAL_BASE && status < RT_EXIT_SIGNAL_BASE + NSIG)
		l.stats.signal = status - RT_EXIT_SIGNAL_BASE;
	if (l.timed_out)
		status = report_timeout(&plan->proc, err);
	else
		report_oom(&plan->cgroup, &l, status, err);
out:
	kill_child(&l);
	status = finish_stats(stats, &l, status, err); /* before the cgroup goes */
	/* After the child: a run that ended leaves its veth to the kernel (netcfg.h). */
	netcfg_host_release(l.net, ended);
	cgroup_destroy(l.cgroup); /* after the child was reaped: the cgroup is empty */
	rootfs_trees_close(&l.trees);
	ns_idrange_release(l.ids); /* after the child: no process of it holds the ids */
	if (l.stopped)
		drop_pending_signals();
	end_launch(&l, sig_fd, &old);
	rt_stats_close(stats);
	/*
	 * Dumpable again, as we were, once the container is gone: the next launch of this
	 * process (ent-run learn runs one per round) must be able to write its child's uid_map.
	 */
	if (dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	return status;
}

int rt_launch_create(struct ent_plan *plan, const struct lockdown_filter *filter,
                     const struct ns_idpool *ids, struct rt_hold *hold, struct rt_created *out,
                     struct rt_err *err)
{
	struct launch l = { .pid = -1,
		            .pidfd = -1,
		            .sync_fd = -1,
		            .hold = hold,
		            .console_socket = plan->proc.console_socket,
		            .tty = { .master = -1 },
		            .stop_fd = -1,
		            .timer_fd = -1,
		            .filter = filter,
		            .filter_built = true };
	int status = -1;

	rootfs_trees_init(&l.trees);
	if (lease_ids(plan, ids, &l, err) < 0 || create_cgroup(&plan->cgroup, &l, err) < 0)
		goto fail;
	status = setup_container(plan, &l, err);
	if (status != 0)
		goto fail;
	/* The container outlives us: its first process holds its host ids from now on. */
	if (l.ids && ns_idrange_hand_over(l.ids, l.pid, err) < 0)
		goto fail;
	out->pid = l.pid;
	out->cgroup = l.cgroup;
	snprintf(out->ids_lease, sizeof(out->ids_lease), "%s", l.ids ? ns_idrange_name(l.ids) : "");
	ns_idrange_forget(l.ids);
	out->sync_fd = l.sync_fd; /* SYNC 4 is the caller's, once it saved the state */
	close(l.pidfd);
	return 0;
fail:
	if (status > 0 && !err->msg[0])
		rt_fail(err, 0, "exec failed");
	kill_child(&l);
	cgroup_destroy(l.cgroup);
	rootfs_trees_close(&l.trees);
	ns_idrange_release(l.ids);
	if (l.sync_fd >= 0)
		close(l.sync_fd);
	if (l.pidfd >= 0)
		close(l.pidfd);
	return -1;
}

int rt_launch_hand_over(struct rt_created *cr, bool hand_over, struct rt_err *err)
{
	int r = 0;

	if (cr->sync_fd < 0)
		return 0;
	rt_trace("runtime", "%s",
	         hand_over ? "hand the process over (SYNC_HANDOVER)"
	                   : "close the channel: the held process leaves");
	if (hand_over && rt_sync_send(cr->sync_fd, SYNC_HANDOVER, NULL) < 0)
		r = rt_fail(err, errno, "runtime: hand the container's process over");
	close(cr->sync_fd);
	cr->sync_fd = -1;
	return r;
}

/*
 * The joiner (OCI exec), a fork of ours: into the container's cgroups (while still host root),
 * then into all its namespaces at once (setns(2) with a pidfd), then clone the new process with
 * CLONE_PARENT, so that it is our child, in the container's PID namespace (which a setns
 * applies to children only). Its pid goes to the parent; the joiner leaves.
 */
static __attribute__((noreturn)) void join_container(const struct ent_plan *plan,
                                                     const struct lockdown_filter *filter,
                                                     const struct rt_exec_target *t, int pidfd,
                                                     unsigned long flags, int sync_fd)
{
	struct clone_args args = { .flags = CLONE_PARENT, .exit_signal = 0 };
	struct sync_msg msg = { .type = SYNC_PID };
	struct rt_err err = { 0 };
	char names[160];
	pid_t pid;

	if (cgroup_enter_dirs(t->cgroups, t->n_cgroups, getpid(), &err) < 0)
		goto fail;
	rt_trace("ns", "setns(pidfd of %d, %s)", (int)t->pid,
	         ent_clone_flag_names(flags, names, sizeof(names)));
	if (flags && setns(pidfd, (int)flags) < 0) {
		rt_fail(&err, errno, "ns: join the namespaces of the container (%s)", names);
		goto fail;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		rt_child_exec_main(plan, filter, sync_fd);
	if (pid < 0) {
		rt_fail(&err, errno, "runtime: clone the process in the container");
		goto fail;
	}
	msg.pid = pid;
	while (write(sync_fd, &msg, sizeof(msg)) < 0 && errno == EINTR)
		;
	_exit(0);
fail:
	rt_sync_send(sync_fd, SYNC_ERROR, &err);
	_exit(RT_EXIT_FAILED);
}

/* Start the joiner and follow the setup until the new process has exec'd (EOF). */
static int start_in_container(const struct ent_plan *plan, const struct lockdown_filter *filter,
                              const struct rt_exec_target *t, struct launch *l, struct rt_err *err)
{
	_cleanup_close_ int target = (int)syscall(SYS_pidfd_open, t->pid, 0);
	unsigned long flags;
	int fds[2], status, r;
	pid_t joiner;

	/* The pidfd first, then the check: it now names that very process, or it is gone. */
	if (target < 0 || !proc_running(t->pid, t->starttime))
		return rt_fail(err, 0, "container %s is not running", t->id);
	flags = ns_flags_apart(t->pid);
	if (rt_sync_open(fds, err) < 0)
		return -1;
	joiner = fork();
	if (joiner < 0) {
		close(fds[0]);
		close(fds[1]);
		return rt_fail(err, errno, "runtime: fork");
	}
	if (joiner == 0) {
		close(fds[0]);
		join_container(plan, filter, t, target, flags, fds[1]);
	}
	close(fds[1]);
	l->sync_fd = fds[0];
	r = follow_setup(l, err);
	while (waitpid(joiner, &status, 0) < 0 && errno == EINTR)
		;
	if (l->pid > 0)
		l->pidfd = (int)syscall(SYS_pidfd_open, l->pid, 0);
	if (r == 0 && (l->pid <= 0 || l->pidfd < 0))
		return rt_fail(err, errno, "runtime: the process in the container is gone");
	return r;
}

int rt_launch_exec(struct ent_plan *plan, const struct lockdown_filter *filter,
                   const struct rt_exec_target *target, bool detach, pid_t *pid, struct rt_err *err)
{
	struct launch l = { .pid = -1,
		            .pidfd = -1,
		            .sync_fd = -1,
		            .console_socket = plan->proc.console_socket,
		            .tty = { .master = -1 },
		            .stop_fd = -1,
		            .timer_fd = -1 };
	sigset_t old;
	int status;
	int sig_fd = catch_signals(0, &old, err); /* as rt_launch: from before the fork */

	if (sig_fd < 0)
		return -1;
	rootfs_trees_init(&l.trees);
	status = start_in_container(plan, filter, target, &l, err);
	if (status != 0)
		goto out;
	*pid = l.pid;
	if (target->on_started && target->on_started(l.pid, target->data, err) < 0) {
		status = -1;
		goto out;
	}
	if (detach) {
		l.pid = -1; /* it lives on; the engine (a subreaper) takes it when we leave */
		goto out;
	}
	status = wait_child(&l, sig_fd);
	l.pid = -1;
out:
	kill_child(&l);
	end_launch(&l, sig_fd, &old);
	return status;
}
