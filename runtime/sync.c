/*
 * runtime/sync.c - the parent <-> child channel (unix(7) SOCK_SEQPACKET, SCM_RIGHTS).
 */
#include "runtime/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int rt_sync_open(int fds[2], struct rt_err *err)
{
	/* SEQPACKET keeps message boundaries; CLOEXEC makes a successful execve close it. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return rt_fail(err, errno, "runtime: socketpair for the sync channel");
	return 0;
}

int rt_sync_send(int fd, enum sync_type type, const struct rt_err *e)
{
	struct sync_msg msg = { .type = type };

	if (e)
		msg.err = *e;
	while (write(fd, &msg, sizeof(msg)) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

/* Room for SYNC_MAX_FDS descriptors in one control message. */
union sync_control {
	char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
	struct cmsghdr align;
};

static int send_msg_fds(int fd, struct sync_msg *msg, const int *fds, unsigned n,
                        struct rt_err *err)
{
	union sync_control control;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (n > SYNC_MAX_FDS)
		return rt_fail(err, E2BIG, "runtime: pass %u descriptors to the other side", n);
	if (n) {
		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, n * sizeof(int));
	}
	while (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return rt_fail(err, errno, "runtime: write the sync channel");
	}
	return 0;
}

int rt_sync_send_fds(int fd, enum sync_type type, const int *fds, unsigned n, struct rt_err *err)
{
	struct sync_msg msg = { .type = type };

	return send_msg_fds(fd, &msg, fds, n, err);
}

int rt_sync_send_go(int fd, pid_t pid, uint32_t flags, const int *fds, unsigned n,
                    struct rt_err *err)
{
	struct sync_msg msg = { .type = SYNC_GO, .pid = pid, .flags = flags };

	return send_msg_fds(fd, &msg, fds, n, err);
}

int rt_sync_recv(int fd, struct sync_msg *msg, struct sync_fds *fds, struct rt_err *err)
{
	union sync_control control;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = control.buf,
		             .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;
	ssize_t n;

	fds->n = 0;
	/*
	 * ECONNRESET: the peer closed its end with our messages unread (a child that failed
	 * before reading SYNC_NET). The kernel reports that once; what the peer sent before it
	 * left (its SYNC_ERROR) is still queued for the next read.
	 */
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && (errno == EINTR || errno == ECONNRESET));
	if (n < 0)
		return rt_fail(err, errno, "runtime: read the sync channel");
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		size_t len = cmsg->cmsg_len - CMSG_LEN(0);

		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		fds->n = (unsigned)(len / sizeof(int));
		memcpy(fds->fd, CMSG_DATA(cmsg), fds->n * sizeof(int));
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		for (unsigned i = 0; i < fds->n; i++)
			close(fds->fd[i]);
		fds->n = 0;
		return rt_fail(err, 0, "runtime: too many descriptors on the sync channel");
	}
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*msg))
		return rt_fail(err, 0, "runtime: short sync message (%zd bytes)", n);
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';
	msg->err.hint[sizeof(msg->err.hint) - 1] = '\0';
	return 1;
}

int rt_sync_wait_go(int fd, struct sync_fds *fds, pid_t *pid, uint32_t *flags, struct rt_err *err)
{
	struct sync_msg msg;
	int r = rt_sync_recv(fd, &msg, fds, err);

	if (r < 0)
		return -1;
	if (r == 0 || msg.type != SYNC_GO)
		return rt_fail(err, 0,
		               "runtime: the parent went away before the container started");
	*pid = msg.pid;
	*flags = msg.flags;
	return 0;
}

int rt_sync_wait_net(int fd, struct rt_err *err)
{
	struct sync_fds fds;
	struct sync_msg msg;
	int r = rt_sync_recv(fd, &msg, &fds, err);

	for (unsigned i = 0; r > 0 && i < fds.n; i++)
		close(fds.fd[i]);
	if (r < 0)
		return -1;
	if (r == 0)
		return rt_fail(err, 0,
		               "runtime: the parent went away before the network was ready");
	if (msg.type != SYNC_NET)
		return rt_fail(err, 0, "runtime: not the sync message due (type %u)", msg.type);
	return 0;
}

int rt_sync_send_data(int fd, enum sync_type type, const void *data, size_t len)
{
	struct sync_msg msg = { .type = type };
	struct iovec iov[2] = { { .iov_base = &msg, .iov_len = sizeof(msg) },
		                { .iov_base = (void *)data, .iov_len = len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	while (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

int rt_sync_wait_data(int fd, enum sync_type type, void *buf, size_t size, size_t *len,
                      struct rt_err *err)
{
	struct sync_msg msg;
	struct iovec iov[2] = { { .iov_base = &msg, .iov_len = sizeof(msg) },
		                { .iov_base = buf, .iov_len = size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	/* No room for descriptors: the kernel would close any that came, none is left open. */
	do
		n = recvmsg(fd, &mh, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rt_fail(err, errno, "runtime: read the sync channel");
	if (n == 0)
		return rt_fail(err, 0,
		               "runtime: the parent went away before the container started");
	if ((size_t)n < sizeof(msg) || msg.type != type)
		return rt_fail(err, 0, "runtime: not the sync message due (%zd bytes)", n);
	if (mh.msg_flags & MSG_TRUNC)
		return rt_fail(err, 0, "runtime: more than %zu bytes in a sync message", size);
	*len = (size_t)n - sizeof(msg);
	return 0;
}
