/*
 * runtime/tty.c - pseudo-terminals (pty(7), termios(3), ioctl_tty(2)).
 */
#include "runtime/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "runtime/sync.h"

int rt_tty_open_in_container(int sync_fd, unsigned rows, unsigned cols, struct rt_err *err)
{
	_cleanup_close_ int master = -1;
	_cleanup_close_ int slave = -1;
	char name[64];

	/* /dev/ptmx points into the container's own devpts instance: the pty is /dev/pts/N here. */
	rt_trace("runtime", "open(\"/dev/ptmx\") for --tty");
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 && errno == ENOENT) /* an OCI config's /dev without a devpts */
		return rt_fail(err, errno,
		               "runtime: open /dev/ptmx (a terminal needs devpts at /dev/pts)");
	if (master < 0)
		return rt_fail(err, errno, "runtime: open /dev/ptmx");
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return rt_fail(err, errno, "runtime: unlock the pseudo-terminal");
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return rt_fail(err, errno, "runtime: open %s", name);
	/* The slave becomes the controlling terminal of our new session: ^C reaches us. */
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return rt_fail(err, errno, "runtime: ioctl(%s, TIOCSCTTY)", name);
	for (int fd = 0; fd <= 2; fd++) {
		if (dup2(slave, fd) < 0)
			return rt_fail(err, errno, "runtime: dup2 %s to %d", name, fd);
	}
	if (rows && cols) {
		struct winsize ws = { .ws_row = (unsigned short)rows,
			              .ws_col = (unsigned short)cols };

		rt_trace("runtime", "ioctl(%s, TIOCSWINSZ, %ux%u)", name, rows, cols);
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return rt_fail(err, errno, "runtime: ioctl(%s, TIOCSWINSZ)", name);
	}
	return rt_sync_send_fds(sync_fd, SYNC_PTY, &master, 1, err);
}

int rt_tty_send_to_socket(const char *path, int master, struct rt_err *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char name[] = "/dev/ptmx";
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) - 1 };
	struct msghdr mh = { .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = control.buf,
		             .msg_controllen = sizeof(control.buf) };
	_cleanup_close_ int fd = -1;
	struct cmsghdr *cmsg;

	if (strlen(path) >= sizeof(addr.sun_path))
		return rt_fail(err, ENAMETOOLONG, "runtime: --console-socket %s", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&mh);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
	rt_trace("runtime", "send the terminal to --console-socket %s (SCM_RIGHTS)", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return rt_fail(err, errno, "runtime: connect to --console-socket %s", path);
	while (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return rt_fail(err, errno, "runtime: send the terminal to %s", path);
	}
	return 0;
}

int rt_tty_attach(struct rt_tty *tty, int master, struct rt_err *err)
{
	struct termios raw;

	tty->master = master;
	tty->stdin_open = true;
	if (fcntl(master, F_SETFL, O_NONBLOCK) < 0)
		return rt_fail(err, errno, "runtime: make the terminal non-blocking");
	rt_tty_resize(tty);
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty->saved) < 0)
		return 0;
	/* Raw mode: keys go to the container untouched; its own line discipline does the rest. */
	raw = tty->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
		return rt_fail(err, errno, "runtime: set the terminal to raw mode");
	tty->restore = true;
	return 0;
}

void rt_tty_resize(const struct rt_tty *tty)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(tty->master, TIOCSWINSZ, &ws);
}

int rt_tty_pump(int from, int to)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		ssize_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1; /* EOF, or EIO: the slave side is closed */
		while (off < n) {
			ssize_t w = write(to, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			off += w;
		}
		if (n < (ssize_t)sizeof(buf))
			return 0;
	}
}

void rt_tty_detach(struct rt_tty *tty)
{
	if (tty->restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &tty->saved);
	tty->restore = false;
	if (tty->master >= 0)
		close(tty->master);
	tty->master = -1;
}
