/*
 * runtime/child.c - runs inside the new namespaces until execve(): the container's setup in
 * order, then the workload's lockdown and exec (clone(2), execve(2), prctl(2)).
 */
#include "runtime/child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/err.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"
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
                       const struct rt_hold *hold, bool net_by_parent, struct rt_err *err)
{
	int root_fd;

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
	/* Kernel parameters of our namespaces, through the host's /proc while it is ours. */
	if (ns_write_sysctls(&plan->ns, err) < 0)
		return -1;
	root_fd = rootfs_build(&plan->rootfs, trees, err); /* mounts, /dev, masks */
	if (root_fd < 0)
		return -1;
	/*
	 * OCI createContainer hooks: in the container's namespaces, its mounts made, before
	 * pivot_root, so that their paths are still the host's (runtime-spec runtime.md).
	 */
	if (hold && hold->hooks &&
	    rt_hooks_run(&plan->hooks, ENT_HOOK_CREATE_CONTAINER, hold->hooks, "creating", NULL,
	                 err) < 0) {
		close(root_fd);
		return -1;
	}
	if (rootfs_switch(&plan->rootfs, root_fd, err) < 0) /* pivot_root */
		return -1;
	/* A network namespace the engine made (OCI path) is configured by the engine. */
	if (plan->ns.path[NS_NET])
		return 0;
	if (netcfg_loopback_up(&plan->net, err) < 0)
		return -1;
	/* eth0: root's parent configures it meanwhile (SYNC 1b, waited for in rt_child_main). */
	if (net_by_parent)
		return 0;
	return netcfg_configure(&plan->net, err); /* eth0: address, up, default route */
}

/*
 * SYNC 1c: the workload's seccomp program (the parent builds it while we build the file
 * system), into a block that PID 1 keeps for its life: the workload reads it between vfork and
 * execve. *filter stays NULL when the workload is unconfined.
 */
static int receive_filter(int sync_fd, const struct lockdown_filter **filter, struct rt_err *err)
{
	size_t len, size = lockdown_filter_max_data();
	_cleanup_free_ void *buf = malloc(size);

	*filter = NULL;
	if (!buf)
		return rt_fail(err, ENOMEM, "runtime: room for the seccomp program");
	rt_trace("lockdown", "wait for the parent's SYNC_FILTER: the workload's seccomp program");
	if (rt_sync_wait_data(sync_fd, SYNC_FILTER, buf, size, &len, err) < 0)
		return -1;
	if (len == 0)
		return 0; /* unconfined */
	*filter = lockdown_filter_view(buf, len);
	if (!*filter)
		return rt_fail(err, 0,
		               "runtime: the parent's seccomp program is not one (%zu bytes)", len);
	buf = NULL; /* PID 1's from here: the workload loads it from our memory */
	return 0;
}

static int child_setup(const struct ent_plan *plan, int sync_fd, struct rt_hold *hold,
                       const struct lockdown_filter **filter, struct rt_err *err)
{
	struct rootfs_trees trees;
	struct sync_fds fds;
	uint32_t flags;
	pid_t pid;
	int r;

	/* SYNC 1: maps, cgroup, host network ready */
	if (rt_sync_wait_go(sync_fd, &fds, &pid, &flags, err) < 0)
		return -1;
	if (hold && hold->hooks)
		hold->hooks->st->pid = pid; /* our copy of the parent's state */
	if (rootfs_trees_unpack(&trees, &plan->rootfs, fds.fd, fds.n, err) < 0)
		return -1;
	r = child_build(plan, &trees, sync_fd, hold, flags & SYNC_GO_NET_BY_PARENT, err);
	rootfs_trees_close(&trees);
	if (r < 0)
		return -1;
	if (flags & SYNC_GO_NET_BY_PARENT) {
		/* SYNC 1b: nothing of the workload's may run before its network is there. */
		rt_trace("net", "wait for the parent's SYNC_NET: eth0 configured");
		if (rt_sync_wait_net(sync_fd, err) < 0)
			return -1;
	}
	return receive_filter(sync_fd, filter, err); /* SYNC 1c */
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

/*
 * Process settings an OCI config may ask for: a session keyring of its own (keyrings(7), as
 * runc joins one), the OOM score (proc(5)) and the file mode creation mask (umask(2)).
 */
static int process_extras(const struct ent_process *proc, struct rt_err *err)
{
	if (proc->session_keyring) {
		rt_trace("runtime", "keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL)");
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
			return rt_fail(err, errno, "runtime: join a new session keyring");
	}
	if (proc->has_oom_score_adj) {
		char text[16];

		snprintf(text, sizeof(text), "%d", proc->oom_score_adj);
		rt_trace("runtime", "write /proc/self/oom_score_adj \"%s\"", text);
		if (write_file("/proc/self/oom_score_adj", text, 0) < 0) {
			rt_fail(err, errno, "runtime: oom_score_adj %s", text);
			if (err->errnum == EACCES)
				rt_err_hint(err, "lowering the OOM score needs CAP_SYS_RESOURCE");
			return -1;
		}
	}
	if (proc->has_umask) {
		rt_trace("runtime", "umask(%04o)", proc->umask);
		umask((mode_t)proc->umask);
	}
	return 0;
}

/*
 * OCI --preserve-fds N: descriptors 3 to 3+N-1 (the engine's, already open when ent-run
 * started) stay open across execve; every other one above stderr becomes close-on-exec.
 */
static int keep_fds(unsigned preserve, struct rt_err *err)
{
	for (unsigned fd = 3; fd < 3 + preserve; fd++) {
		if (fcntl((int)fd, F_SETFD, 0) < 0)
			return rt_fail(err, errno, "runtime: --preserve-fds: descriptor %u", fd);
	}
	return 0;
}

/*
 * Signals 32 and 33 back to default, by rt_sigaction(2) itself: glibc keeps them for its
 * threads and its sigaction() refuses them, yet a caller may leave them ignored (GNU make's
 * children have both ignored), and ignored they would reach the workload. The kernel's struct
 * is a handler, flags, a restorer and a 64-signal mask, 32 bytes on x86_64 (24 where there is
 * no restorer): all zero, whatever their order, says SIG_DFL, no flags, nothing blocked.
 */
static int default_reserved(int sig)
{
	struct {
		uintptr_t handler, flags, restorer;
		uint64_t mask;
	} sa = { 0 };

	return (int)syscall(SYS_rt_sigaction, sig, &sa, NULL, sizeof(sa.mask));
}

/*
 * The signals to put back to default: those ignored or caught. The kernel says which in one
 * read (/proc/self/status: SigIgn, SigCgt, proc(5)), where sigaction(2) would be asked 64
 * times, a call each (~0.06 ms here). Only from a procfs (fstatfs(2)), as a rootfs without
 * /proc mounted could hold a file of that name; all of them when it cannot be read whole.
 */
static unsigned long long signals_to_reset(void)
{
	unsigned long long ignored, caught;
	_cleanup_close_ int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	char buf[4096];
	struct statfs fs;
	ssize_t n;

	if (fd < 0 || fstatfs(fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	if (!proc_status_mask(buf, "SigIgn", &ignored) || !proc_status_mask(buf, "SigCgt", &caught))
		return ~0ULL;
	return ignored | caught;
}

/*
 * Every ignored or caught signal back to its default disposition: execve(2) would reset a
 * caught one, but the workload runs with its signals unblocked until then, and an ignored one
 * survives execve. own_proc: the container's /proc is the one we mounted, so its answer is
 * the kernel's. A process joining a container (exec) asks nobody: the container's processes
 * could have put anything at /proc/self/status, procfs files of another process included.
 */
static int reset_signals(bool own_proc, struct rt_err *err)
{
	unsigned long long reset = own_proc ? signals_to_reset() : ~0ULL;

	for (int sig = 1; sig < NSIG && sig <= 64; sig++) {
		if (!(reset & (1ULL << (sig - 1))) || signal(sig, SIG_DFL) != SIG_ERR ||
		    sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (default_reserved(sig) < 0)
			return rt_fail(err, errno, "runtime: reset signal %d to its default", sig);
	}
	return 0;
}

/* The workload's last steps: terminal, working directory, limits, lockdown. */
static int workload_setup(const struct ent_plan *plan, const struct lockdown_filter *filter,
                          int sync_fd, pid_t init, bool own_proc, struct rt_err *err)
{
	sigset_t none;
	int listener, rc;

	/*
	 * In the host's PID namespace our PID 1 is no init: its death does not end the
	 * container. The workload asks for SIGKILL when it dies (PR_SET_PDEATHSIG), and checks
	 * that it has not died already. (OCI create: the workload is the first process itself.)
	 */
	if (!plan->ns.unshare[NS_PID] && init > 0) {
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
	if (reset_signals(own_proc, err) < 0)
		return -1;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return rt_fail(err, errno, "runtime: unblock the workload's signals");
	/* A session of its own: the container's processes are not in ent-run's job control. */
	if (setsid() < 0)
		return rt_fail(err, errno, "runtime: setsid");
	if (plan->proc.tty && rt_tty_open_in_container(sync_fd, plan->proc.console_rows,
	                                               plan->proc.console_cols, err) < 0)
		return -1;
	rt_trace("runtime", "chdir(\"%s\")", plan->proc.cwd);
	if (chdir(plan->proc.cwd) < 0)
		return rt_fail(err, errno, "runtime: working directory %s", plan->proc.cwd);
	if (apply_rlimits(&plan->proc, err) < 0 || process_extras(&plan->proc, err) < 0)
		return -1;
	/*
	 * Every descriptor above stderr becomes close-on-exec: the workload inherits only 0, 1
	 * and 2 (close_range(2)), and those OCI --preserve-fds names. The sync channel closes the
	 * same way, which is how the parent learns that execve succeeded.
	 */
	if (close_range(3 + plan->proc.preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return rt_fail(err, errno, "runtime: close_range");
	if (keep_fds(plan->proc.preserve_fds, err) < 0)
		return -1;
	/*
	 * The lockdown last of all (capabilities, no_new_privs, then seccomp): every step above
	 * needs a capability or a system call the filter may deny, and seccomp comes last of the
	 * three as it would block the capset and prctl calls before it.
	 */
	if (lockdown_apply(&plan->lockdown, filter,
	                   &(struct lockdown_ids){ .uid = plan->proc.uid,
	                                           .gid = plan->proc.gid,
	                                           .groups = plan->proc.groups,
	                                           .n_groups = plan->proc.n_groups },
	                   &listener, err) < 0)
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

/*
 * The workload between vfork and execve (start_workload): its last steps, then the exec. A
 * function of its own, never inlined: its locals live in frames below PID 1's, not in it.
 */
static __attribute__((noreturn, noinline)) void workload_spawn(const struct ent_plan *plan,
                                                               const struct lockdown_filter *filter,
                                                               int sync_fd, pid_t init)
{
	struct rt_err err = { 0 };

	if (workload_setup(plan, filter, sync_fd, init, true, &err) < 0)
		fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
	workload_exec(plan, sync_fd);
}

/*
 * argv[0] as execvp(3) would find it, in the container's PATH (the plan's environment), so
 * that OCI create can report a missing command while ent-run still listens, before `start`.
 * Returns 0 with path, or -1 with err (errnum ENOENT or EACCES).
 */
static int find_command(const struct ent_plan *plan, char *path, size_t size, struct rt_err *err)
{
	const char *cmd = plan->proc.argv[0];
	const char *dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	int errnum = ENOENT;

	if (strchr(cmd, '/')) {
		snprintf(path, size, "%s", cmd);
		if (access(path, X_OK) == 0)
			return 0;
		errnum = errno;
	} else {
		for (char **e = plan->proc.env; e && *e; e++)
			if (!strncmp(*e, "PATH=", 5))
				dirs = *e + 5;
		while (*dirs) {
			size_t n = strcspn(dirs, ":");
			struct stat st;

			snprintf(path, size, "%.*s%s%s", (int)n, dirs, n ? "/" : "", cmd);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(path, X_OK) == 0)
					return 0;
				errnum = EACCES;
			}
			dirs += n + (dirs[n] == ':');
		}
	}
	rt_fail(err, errnum, "exec %s", cmd);
	if (errnum == ENOENT)
		rt_err_hint(err, "is %s installed in the rootfs, and in its PATH?", cmd);
	return -1;
}

/*
 * Tell `ent-run start` why the start failed, on the FIFO it reads (one line; it reads EOF
 * instead when execve succeeds, the descriptor being close-on-exec), print it on the
 * container's stderr too (there is no parent left to report to), and leave.
 */
static __attribute__((noreturn)) void fail_to_start(const struct rt_hold *hold,
                                                    const struct rt_err *err, int status)
{
	char line[sizeof(err->msg) + 2];
	int n = snprintf(line, sizeof(line), "%s\n", err->msg);

	if (n > 0 && write(hold->report_fd, line, (size_t)n) < 0) {
		/* start then reads EOF, and finds the container stopped */
	}
	rt_err_print(err);
	_exit(status);
}

/*
 * SYNC 4: block until the parent has saved the container's state and hands the process over
 * (SYNC_HANDOVER). EOF, or anything else, means the parent died or gave up first: nobody
 * would know of this process, so it leaves. read(2), not recvmsg: the filter is loaded.
 */
static bool wait_handover(int sync_fd)
{
	struct sync_msg msg;
	ssize_t n;

	do
		n = read(sync_fd, &msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(msg) && msg.type == SYNC_HANDOVER;
}

/*
 * OCI create: the container is built and the workload locked down; tell the parent, wait
 * until it has saved the state (SYNC 4: until then we leave when it dies, on the channel's
 * EOF), and wait for `ent-run start`, which writes one byte into the FIFO hold->fd reads (runc's
 * exec.fifo). Then the startContainer hooks, inside the container as the process is
 * (runtime-spec runtime.md), and execve.
 */
static __attribute__((noreturn)) void hold_and_exec(const struct ent_plan *plan, int sync_fd,
                                                    const struct rt_hold *hold)
{
	struct rt_err err = { 0 };
	char path[ENT_PATH_MAX], byte;
	ssize_t n;

	if (find_command(plan, path, sizeof(path), &err) < 0)
		fail_to_parent(sync_fd, SYNC_EXEC_FAILED, &err,
		               err.errnum == ENOENT ? RT_EXIT_NOT_FOUND : RT_EXIT_CANNOT_EXEC);
	/*
	 * From here the channel alone binds us to the parent: its death signal would race with
	 * the handover (the parent may leave before we could clear it).
	 */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	rt_log_set_sink(NULL, NULL);
	rt_sync_send(sync_fd, SYNC_CREATED, NULL);
	if (!wait_handover(sync_fd)) /* SYNC 4 */
		_exit(RT_EXIT_FAILED);
	close(sync_fd);
	do
		n = read(hold->fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(RT_EXIT_FAILED);
	close(hold->fd);
	if (hold->hooks && rt_hooks_run(&plan->hooks, ENT_HOOK_START_CONTAINER, hold->hooks,
	                                "created", NULL, &err) < 0)
		fail_to_start(hold, &err, RT_EXIT_FAILED);
	execve(path, plan->proc.argv, plan->proc.env);
	rt_fail(&err, errno, "exec %s", path);
	fail_to_start(hold, &err, err.errnum == ENOENT ? RT_EXIT_NOT_FOUND : RT_EXIT_CANNOT_EXEC);
}

/*
 * PID 1 starts the workload and stays. A function of its own, with the filter a parameter
 * it never changes: a local that SYNC 1c filled would be live across vfork.
 */
static __attribute__((noreturn, noinline)) void
start_workload(const struct ent_plan *plan, const struct lockdown_filter *filter, int sync_fd)
{
	struct rt_err err = { 0 };
	pid_t workload, init;

	/*
	 * vfork(2), not fork(2): the workload borrows our memory until its execve, so no page
	 * table is copied and no page is copied on write, a tenth of a start's CPU on a machine
	 * whose page-table updates trap to a hypervisor. We are suspended meanwhile, with our
	 * signals blocked (they wait for our signalfd). What the workload changes before execve
	 * is its own: descriptors, signal dispositions and mask, working directory, limits,
	 * credentials and filter are per process or per thread. In the memory it shares with us
	 * it writes its own frames below ours, errno, environ (workload_exec), libcap's and
	 * libc's heap and statics; after vfork returns we read none of them but our own locals
	 * (sync_fd, the workload's pid), and no thread can hold a lock. It never returns from
	 * here: it execs or _exits.
	 */
	rt_trace("runtime", "vfork() the workload; this process stays as PID 1");
	init = getpid();
	workload = vfork();
	if (workload == 0)
		workload_spawn(plan, filter, sync_fd, init);
	if (workload < 0) {
		rt_fail(&err, errno, "runtime: vfork the workload");
		fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
	}
	/*
	 * SYNC 3: PID 1 keeps no end of the channel, so the parent sees EOF exactly when the
	 * workload's execve() closed the last copy (it is close-on-exec).
	 */
	rt_log_set_sink(NULL, NULL);
	close(sync_fd);
	rt_init_run(workload);
}

void rt_child_main(const struct ent_plan *plan, int sync_fd, struct rt_hold *hold)
{
	const struct lockdown_filter *filter;
	struct rt_err err = { 0 };

	/* Never outlive ent-run: if it dies, even of SIGKILL, we get SIGKILL (and with us, as
	 * PID 1, every process of the container). */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* OCI create: the state directory's lock is the creator's alone (flock(2) locks go with
	 * every copy of the descriptor): a copy here would keep it if the creator were killed. */
	if (hold && hold->lock_fd >= 0)
		close(hold->lock_fd);
	rt_log_set_role("child");
	rt_log_set_sink(trace_to_parent, &sync_fd);
	if (child_setup(plan, sync_fd, hold, &filter, &err) < 0)
		fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
	/* OCI create: no init of ours; the workload is the container's first process. */
	if (hold) {
		if (workload_setup(plan, filter, sync_fd, 0, true, &err) < 0)
			fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
		hold_and_exec(plan, sync_fd, hold);
	}
	start_workload(plan, filter, sync_fd);
}

void rt_child_exec_main(const struct ent_plan *plan, const struct lockdown_filter *filter,
                        int sync_fd)
{
	struct rt_err err = { 0 };

	rt_log_set_role("child");
	rt_log_set_sink(trace_to_parent, &sync_fd);
	if (workload_setup(plan, filter, sync_fd, 0, false, &err) < 0)
		fail_to_parent(sync_fd, SYNC_ERROR, &err, RT_EXIT_FAILED);
	workload_exec(plan, sync_fd);
}
