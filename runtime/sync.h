/*
 * runtime/sync.h - the parent <-> child channel: socketpair(AF_UNIX, SOCK_SEQPACKET), so one
 * read() is one message, and EOF means the child's end was closed by a successful execve().
 */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

/* Descriptors one message may carry: the idmapped rootfs, mounts and devices, or a terminal. */
#define SYNC_MAX_FDS (1 + ENT_MAX_MOUNTS + ENT_MAX_DEVICES)

struct sync_fds {
	int fd[SYNC_MAX_FDS];
	unsigned n;
};

/*
 * Every rendezvous has a name, a number and a direction; both sides mark them in comments.
 *
 *   SYNC 1  parent -> child   SYNC_GO: the id maps are written, the child is in its cgroup,
 *                             the veth is in its network namespace; the idmapped mount trees
 *                             travel with it. The child waits for it before anything else.
 *   SYNC 1b parent -> child   SYNC_NET, when SYNC_GO said SYNC_GO_NET_BY_PARENT: the parent
 *                             has configured the container's network from a socket in its
 *                             namespace while the child built its file system; the child
 *                             waits for it before the workload starts.
 *   SYNC 1c parent -> child   SYNC_FILTER: the workload's seccomp program (no data when it
 *                             is unconfined), which the parent builds or reads from its
 *                             cache after SYNC_GO (and SYNC_NET), while the child builds its
 *                             file system (OCI create built it before clone3, and only sends
 *                             it here); the child waits for it before the workload starts.
 *   SYNC 2  child -> parent   SYNC_TRACE lines, SYNC_PTY (the terminal), SYNC_LISTENER (a
 *                             learning round's seccomp listener, once the workload's filter
 *                             is loaded), and at most one SYNC_ERROR or SYNC_EXEC_FAILED,
 *                             after which the child exits.
 *   SYNC 3  child -> parent   EOF: the workload's execve() succeeded and the kernel closed
 *                             the close-on-exec channel (PID 1 closed its copy at the fork).
 *   SYNC 4  parent -> child   OCI create only, after SYNC_CREATED: SYNC_HANDOVER once the
 *                             container's state is saved; the held process lives on without
 *                             us from then. EOF before it (we died) makes the process leave.
 */
enum sync_type {
	SYNC_GO = 1,      /* parent -> child: id maps, cgroup and host-side network are ready;
	                     carries the idmapped mount trees (SCM_RIGHTS) */
	SYNC_TRACE,       /* child -> parent: one --verbose line, text in err.msg */
	SYNC_ERROR,       /* child -> parent: setup failed; err says why */
	SYNC_EXEC_FAILED, /* child -> parent: execve failed; err.errnum says why (126/127) */
	SYNC_PTY,         /* child -> parent: the pseudo-terminal master, passed as SCM_RIGHTS */
	SYNC_CREATED,     /* child -> parent (OCI create): set up, held before execve */
	SYNC_PID,         /* joiner -> parent (OCI exec): the new process's pid, in pid */
	SYNC_LISTENER,    /* workload -> parent: the learning filter's seccomp listener, passed
	                     as SCM_RIGHTS (ent-run learn) */
	SYNC_HANDOVER,    /* parent -> child (OCI create): the state is saved, live on */
	SYNC_NET,         /* parent -> child: the container's network is configured */
	SYNC_FILTER,      /* parent -> child: the workload's seccomp program, as data after the
	                     message (none: unconfined) */
};

/* SYNC_GO's flags. */
#define SYNC_GO_NET_BY_PARENT 1u /* the parent configures the network: wait for SYNC_NET */

struct sync_msg {
	uint32_t type;
	int32_t pid;    /* SYNC_PID; SYNC_GO: the child's pid on the host */
	uint32_t flags; /* SYNC_GO: SYNC_GO_* */
	struct rt_err err;
};

/* Create the channel: fds[0] for the parent, fds[1] for the child; both close-on-exec. */
int rt_sync_open(int fds[2], struct rt_err *err);

/*
 * Send one message with write(2) (an execve failure is reported after the seccomp filter is
 * loaded, and any workable allowlist has write). e may be NULL for SYNC_GO.
 */
int rt_sync_send(int fd, enum sync_type type, const struct rt_err *e);

/*
 * Send a message of type with the descriptors fds[0..n) (sendmsg(2), SCM_RIGHTS): SYNC_PTY with
 * the terminal's master, SYNC_GO with the idmapped mount trees. The receiver gets copies.
 */
int rt_sync_send_fds(int fd, enum sync_type type, const int *fds, unsigned n, struct rt_err *err);

/*
 * Receive one message. Returns 1 with *msg filled and the descriptors it carried in *fds
 * (close-on-exec; the receiver owns them), 0 on EOF, -1 with err on a read error.
 */
int rt_sync_recv(int fd, struct sync_msg *msg, struct sync_fds *fds, struct rt_err *err);

/*
 * SYNC_GO with the idmapped trees fds[0..n), pid, the child's pid on the host (what the state
 * of its OCI hooks says), and flags (SYNC_GO_*).
 */
int rt_sync_send_go(int fd, pid_t pid, uint32_t flags, const int *fds, unsigned n,
                    struct rt_err *err);

/*
 * Child: block until SYNC_GO; *fds receives what it carried, *pid its pid on the host, *flags
 * its flags. EOF (the parent died) is an error.
 */
int rt_sync_wait_go(int fd, struct sync_fds *fds, pid_t *pid, uint32_t *flags, struct rt_err *err);

/* Child: block until SYNC_NET (SYNC 1b). EOF, or another message, is an error. */
int rt_sync_wait_net(int fd, struct rt_err *err);

/*
 * Send one message of type with len bytes of data after it, in one sendmsg(2) (SYNC_FILTER).
 * Returns 0, or -1 with errno (EPIPE or ECONNRESET: the child has left).
 */
int rt_sync_send_data(int fd, enum sync_type type, const void *data, size_t len);

/*
 * Child: block until a message of type (SYNC 1c: SYNC_FILTER); its data goes to buf, at most
 * size bytes, and *len says how many. EOF, another message, a short one or more data is an
 * error.
 */
int rt_sync_wait_data(int fd, enum sync_type type, void *buf, size_t size, size_t *len,
                      struct rt_err *err);

#endif
