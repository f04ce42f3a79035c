/*
 * runtime/tty.h - --tty: a pseudo-terminal from the container's own devpts (pty(7)), whose
 * master the parent relays to and from ent-run's terminal.
 */
#ifndef RT_TTY_H
#define RT_TTY_H

#include <stdbool.h>
#include <termios.h>

#include "base/err.h"

struct rt_tty {
	int master;           /* the pty master, received from the container; -1 without --tty */
	bool restore;         /* stdin was put in raw mode and must be restored */
	struct termios saved; /* stdin's settings before raw mode */
	bool stdin_open;      /* still relaying stdin -> master */
};

/*
 * Workload side, before exec: open a pty in the container's /dev/pts, make its slave our
 * controlling terminal and stdin/stdout/stderr, give it rows x cols (0: left as it is), and
 * pass the master to the parent (SYNC_PTY). Needs a session of its own (setsid) first.
 */
int rt_tty_open_in_container(int sync_fd, unsigned rows, unsigned cols, struct rt_err *err);

/*
 * OCI --console-socket: hand the terminal's master to the engine, which listens on the
 * AF_UNIX socket path (connect(2), SCM_RIGHTS), as runc does. Returns 0 or -1 with err.
 */
int rt_tty_send_to_socket(const char *path, int master, struct rt_err *err);

/* Parent: take over master: raw mode on our terminal, same window size, non-blocking fds. */
int rt_tty_attach(struct rt_tty *tty, int master, struct rt_err *err);

/* Parent: copy our terminal's window size to the container's (on SIGWINCH). */
void rt_tty_resize(const struct rt_tty *tty);

/* Parent: copy what is readable from one fd to the other. Returns 0, or -1 at EOF/hangup. */
int rt_tty_pump(int from, int to);

/* Parent: restore our terminal and close the master. */
void rt_tty_detach(struct rt_tty *tty);

#endif
