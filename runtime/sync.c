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

int rt_sync_send_fd(int fd, int fd_to_pass, struct rt_err *err)
{
	struct sync_msg msg = { .type = SYNC_PTY };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = control.buf,
		             .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);

	memset(&control, 0, sizeof(control));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd_to_pass, sizeof(int));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		return rt_fail(err, errno, "runtime: pass the terminal to the parent");
	return 0;
}

int rt_sync_recv(int fd, struct sync_msg *msg, int *passed_fd, struct rt_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = control.buf,
		             .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;
	ssize_t n;

	*passed_fd = -1;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rt_fail(err, errno, "runtime: read the sync channel");
	if (n == 0)
		return 0;
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(passed_fd, CMSG_DATA(cmsg), sizeof(int));
	}
	if ((size_t)n != sizeof(*msg))
		return rt_fail(err, 0, "runtime: short sync message (%zd bytes)", n);
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';
	msg->err.hint[sizeof(msg->err.hint) - 1] = '\0';
	return 1;
}

int rt_sync_wait_go(int fd, struct rt_err *err)
{
	struct sync_msg msg;
	int passed_fd;
	int r = rt_sync_recv(fd, &msg, &passed_fd, err);

	if (r < 0)
		return -1;
	if (r == 0 || msg.type != SYNC_GO)
		return rt_fail(err, 0,
		               "runtime: the parent went away before the container started");
	return 0;
}
