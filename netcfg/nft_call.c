/*
 * netcfg/nft_call.c - the nftables steps, asked of ent-run-nft (netcfg/nft_helper.h): found
 * beside our own binary (/proc/self/exe), checked, run with posix_spawn(3) through its
 * descriptor, and answered on a socketpair(2) that can carry the table's owner socket back.
 */
#include "netcfg/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"
#include "netcfg/nft_helper.h"

extern char **environ;

/*
 * The helper beside /proc/self/exe, as an O_PATH descriptor: a regular file (not a symbolic
 * link) owned by root or by the owner of our own binary (who could replace that as well), that
 * neither group nor others may write (whoever may replace it could run code as root: only
 * root runs it). Returns the descriptor, or -1 with err.
 */
static int helper_open(char *path, size_t size, struct rt_err *err)
{
	size_t room = size - sizeof(NFT_HELPER_NAME);
	_cleanup_close_ int fd = -1;
	struct stat st, self;
	char *slash;
	ssize_t n = readlink("/proc/self/exe", path, room);

	if (n < 0)
		return rt_fail(err, errno, "netcfg: readlink /proc/self/exe");
	if ((size_t)n >= room)
		return rt_fail(err, ENAMETOOLONG, "netcfg: readlink /proc/self/exe");
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return rt_fail(err, EINVAL, "netcfg: /proc/self/exe is %s", path);
	strcpy(slash + 1, NFT_HELPER_NAME);
	/* O_PATH with O_NOFOLLOW opens a symbolic link itself: fstat says which it is. */
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || stat("/proc/self/exe", &self) < 0) {
		rt_fail(err, errno, "netcfg: the container's network needs %s beside ent-run: %s",
		        NFT_HELPER_NAME, path);
		rt_err_hint(err,
		            "install it with ent-run (make install puts both in one directory)");
		return -1;
	}
	if (S_ISLNK(st.st_mode))
		return rt_fail(err, ELOOP,
		               "netcfg: %s is a symbolic link: the file itself must be beside "
		               "ent-run",
		               path);
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != self.st_uid) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return rt_fail(err, EPERM,
		               "netcfg: %s must be a regular file owned by root (or by ent-run's "
		               "owner) that no one else may write",
		               path);
	return steal_fd(&fd);
}

/*
 * The helper's environment: none of ours (LD_PRELOAD and the like would load into a root
 * process), but a DEBUG build's sanitizer options.
 */
static void helper_env(const char **envp, size_t max)
{
	static const char *const keep[] = { "ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=" };
	size_t n = 0;

	for (char **e = environ; *e && n + 1 < max; e++) {
		for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
			if (!strncmp(*e, keep[i], strlen(keep[i])))
				envp[n++] = *e;
		}
	}
	envp[n] = NULL;
}

int netcfg_nft_check(struct rt_err *err)
{
	char path[PATH_MAX];
	int fd = helper_open(path, sizeof(path), err);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Read the helper's reply, and the descriptor it carries (or -1). */
static ssize_t read_reply(int sock, struct nft_reply *r, int *fd)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov,
		              .msg_iovlen = 1,
		              .msg_control = control,
		              .msg_controllen = sizeof(control) };
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	return n;
}

/* A run of the helper, started and not yet answered. */
struct netcfg_nft_call {
	pid_t pid;
	int sock; /* our end of the reply socket */
	char path[PATH_MAX];
	struct timespec t0;
};

/* *fd moved above top unless it lies there (a close-on-exec copy, the original closed): 0 or -1. */
static int fd_above(int *fd, int top, struct rt_err *err)
{
	int above;

	if (*fd > top)
		return 0;
	above = fcntl(*fd, F_DUPFD_CLOEXEC, top + 1);
	if (above < 0)
		return rt_fail(err, errno, "netcfg: fcntl(F_DUPFD_CLOEXEC)");
	close(*fd);
	*fd = above;
	return 0;
}

/*
 * Start the helper with args (NULL-terminated, the command first), and with a copy of owner as
 * its NFT_HELPER_OWNER_FD unless owner is -1: 0 with *c, or -1 with err. nft_finish takes its
 * answer.
 */
static int nft_spawn(const char *const *args, int owner, struct netcfg_nft_call *c,
                     struct rt_err *err)
{
	const char *argv[8 + ENT_MAX_PUBLISH], *envp[4];
	int top = owner >= 0 ? NFT_HELPER_OWNER_FD : NFT_HELPER_REPLY_FD;
	_cleanup_close_ int exe = -1;
	_cleanup_close_ int copy = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char self[32];
	int sv[2], e;
	sigset_t none, all;
	unsigned n = 0;

	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	exe = helper_open(c->path, sizeof(c->path), err);
	/* Above the descriptors the child's dup2 calls make, which would take them over. */
	if (exe < 0 || fd_above(&exe, top, err) < 0)
		return -1;
	if (owner >= 0) {
		copy = fcntl(owner, F_DUPFD_CLOEXEC, top + 1);
		if (copy < 0)
			return rt_fail(err, errno, "netcfg: fcntl(F_DUPFD_CLOEXEC)");
	}
	/* posix_spawn takes a path: this one is the checked file, whatever the name holds now. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", exe);
	argv[n++] = NFT_HELPER_NAME;
	if (rt_log_verbose())
		argv[n++] = "-v";
	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return rt_fail(err, errno, "netcfg: socketpair for %s", NFT_HELPER_NAME);
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* dup2 clears CLOEXEC. A file action that cannot be recorded (ENOMEM) fails the spawn. */
	e = posix_spawn_file_actions_adddup2(&fa, sv[1], NFT_HELPER_REPLY_FD);
	if (!e && copy >= 0)
		e = posix_spawn_file_actions_adddup2(&fa, copy, NFT_HELPER_OWNER_FD);
	/*
	 * and nothing else we hold, even what our caller left us without close-on-exec; but the
	 * helper's own descriptor (close-on-exec), which the exec goes through.
	 */
	for (int f = top + 1; f < exe && !e; f++)
		e = posix_spawn_file_actions_addclose(&fa, f); /* one not open is no error */
	if (!e)
		e = posix_spawn_file_actions_addclosefrom_np(&fa, exe + 1);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	sigfillset(&all);
	posix_spawnattr_setsigdefault(&attr, &all);
	if (rt_log_verbose()) {
		char line[512];
		size_t used = 0;

		line[0] = '\0';
		for (unsigned i = 2; argv[i] && used < sizeof(line); i++) /* after "-v" */
			used += (size_t)snprintf(line + used, sizeof(line) - used, " %s", argv[i]);
		rt_trace("net",
		         "posix_spawn %s%s: the nftables steps, in a helper linked with "
		         "libnftnl and libmnl",
		         c->path, line);
	}
	helper_env(envp, ARRAY_SIZE(envp));
	if (!e)
		e = posix_spawn(&c->pid, self, &fa, &attr, (char *const *)argv,
		                (char *const *)envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(sv[1]);
	if (e) {
		close(sv[0]);
		return rt_fail(err, e, "netcfg: run %s", c->path);
	}
	c->sock = sv[0];
	return 0;
}

/* Close our end of the reply socket and wait for the helper's end: its wait status. */
static int reap(struct netcfg_nft_call *c)
{
	int status = 0;

	close(c->sock);
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/*
 * Wait for the answer of the helper started as c, and for its end. Returns its result (0, or
 * 1 for a yes), with the descriptor it sent in *fd when fd is not NULL; or -1 with err: its
 * own failure, or why it could not answer.
 */
static int nft_finish(struct netcfg_nft_call *c, int *fd, struct rt_err *err)
{
	struct nft_reply r = { 0 };
	int got = -1, status;
	bool answered;
	ssize_t len;

	if (!fd)
		fd = &got; /* a descriptor nobody asked for: closed */
	len = read_reply(c->sock, &r, fd);
	status = reap(c);
	answered = len == (ssize_t)sizeof(r);
	if (answered)
		rt_trace("net", "%s answered (%.2f ms from its start)", NFT_HELPER_NAME,
		         rt_log_ms_since(&c->t0));
	if (answered && r.result >= 0) {
		if (got >= 0)
			close(got);
		return r.result;
	}
	/* No answer, or a failure: nothing it sent is kept. */
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	if (answered) {
		r.err.msg[sizeof(r.err.msg) - 1] = '\0';
		r.err.hint[sizeof(r.err.hint) - 1] = '\0';
		*err = r.err;
		if (!err->msg[0])
			rt_fail(err, 0, "netcfg: %s failed", c->path);
		return -1;
	}
	if (WIFSIGNALED(status))
		return rt_fail(err, 0, "netcfg: %s was killed by signal %d", c->path,
		               WTERMSIG(status));
	if (len > 0)
		return rt_fail(err, 0,
		               "netcfg: %s answered %zd bytes, not %zu: is it from another build "
		               "of ent-run?",
		               c->path, len, sizeof(r));
	return rt_fail(err, 0, "netcfg: %s gave no answer (exit status %d)", c->path,
	               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Run the helper with args and wait for it: nft_spawn, then nft_finish. */
static int nft_call(const char *const *args, int *fd, struct rt_err *err)
{
	struct netcfg_nft_call c;

	if (nft_spawn(args, -1, &c, err) < 0)
		return -1;
	return nft_finish(&c, fd, err);
}

int netcfg_nat_begin(const char *name, const char *host_name, uint32_t addr,
                     const struct netcfg_publish *publish, unsigned n_publish,
                     struct netcfg_nft_call **out, struct rt_err *err)
{
	char ip[NETCFG_ADDR_STRLEN], entries[ENT_MAX_PUBLISH][NETCFG_PUBLISH_STRLEN + 16];
	const char *args[4 + ENT_MAX_PUBLISH + 1] = { "nat", name, host_name, ip };
	struct netcfg_nft_call *c = calloc(1, sizeof(*c));
	unsigned n = 4;

	*out = NULL;
	if (!c)
		return rt_fail(err, ENOMEM, "netcfg: %s", NFT_HELPER_NAME);
	inet_ntop(AF_INET, &addr, ip, sizeof(ip));
	for (unsigned i = 0; i < n_publish && i < ENT_MAX_PUBLISH; i++) {
		snprintf(entries[i], sizeof(entries[i]), "%d,%s,%u,%u", publish[i].protocol,
		         publish[i].host_ip, publish[i].host_port, publish[i].port);
		args[n++] = entries[i];
	}
	args[n] = NULL;
	if (nft_spawn(args, -1, c, err) < 0) {
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int netcfg_nat_end(struct netcfg_nft_call *c, const char *name, int *owner, struct rt_err *err)
{
	int r = nft_finish(c, owner, err);

	free(c);
	if (r < 0)
		return -1;
	if (*owner < 0)
		return rt_fail(err, 0, "netcfg: %s sent no socket for table ip %s", NFT_HELPER_NAME,
		               name);
	return 0;
}

void netcfg_nat_abandon(struct netcfg_nft_call *c)
{
	if (!c)
		return;
	/*
	 * Killed first: it makes nothing more, and says nothing of our closed end. Its own copy
	 * of an owner socket closes as it dies, and an answer already sent is dropped with ours:
	 * either way the table goes, by the time waitpid returns.
	 */
	kill(c->pid, SIGKILL);
	reap(c);
	free(c);
}

int netcfg_nat_add(const char *name, const char *host_name, uint32_t addr,
                   const struct netcfg_publish *publish, unsigned n_publish, int *owner,
                   struct rt_err *err)
{
	struct netcfg_nft_call *c;

	*owner = -1;
	if (netcfg_nat_begin(name, host_name, addr, publish, n_publish, &c, err) < 0)
		return -1;
	return netcfg_nat_end(c, name, owner, err);
}

void netcfg_nat_remove(int owner, const char *name)
{
	if (owner < 0)
		return;
	/* NFT_TABLE_F_OWNER: the kernel deletes the table as the socket's last descriptor goes. */
	rt_trace("net", "close the netfilter socket that owns table ip %s: the table goes with it",
	         name);
	close(owner);
}

int netcfg_nat_end_last(int owner, const char *name, struct rt_err *err)
{
	const char *args[] = { "end-last", name, NULL };
	struct netcfg_nft_call c;

	if (nft_spawn(args, owner, &c, err) < 0)
		return -1;
	return nft_finish(&c, NULL, err);
}

void netcfg_nat_remove_legacy(const char *name)
{
	const char *args[] = { "legacy-delete", name, NULL };
	struct rt_err ignored = { 0 };

	nft_call(args, NULL, &ignored);
}

int netcfg_nft_forward_add(struct rt_err *err)
{
	const char *args[] = { "forward-add", NULL };

	return nft_call(args, NULL, err) < 0 ? -1 : 0;
}

int netcfg_nft_forward_exists(struct rt_err *err)
{
	const char *args[] = { "forward-exists", NULL };

	return nft_call(args, NULL, err);
}

int netcfg_nft_forward_delete(struct rt_err *err)
{
	const char *args[] = { "forward-delete", NULL };

	return nft_call(args, NULL, err) < 0 ? -1 : 0;
}
