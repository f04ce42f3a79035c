/*
 * runtime/oci_state.h - the state directory of OCI runtime mode (--root, default
 * /run/ent-run/containers), one directory per container, and its lock (flock(2)):
 *
 *   ROOT/ID/              flock'd: exclusive by create, start, delete; shared by the others
 *   ROOT/ID/state.json    what ent-run recorded (entitlements/oci.h, struct ent_oci_state)
 *   ROOT/ID/config.json   the bundle's config.json as it was at create (exec reads it)
 *   ROOT/ID/exec.fifo     while the container is created: its first process waits on it
 *   ROOT/ID/start.fifo    until it is started: its first process says there why its start
 *                         failed (a startContainer hook, execve); EOF when it exec'd
 *
 * The state outlives the ent-run that made it; the status is observed, never stored: the first
 * process gone (or a zombie nobody reaps) is "stopped", the FIFO still there is "created",
 * anything else "running".
 */
#ifndef RT_OCI_STATE_H
#define RT_OCI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/oci.h"

enum rt_status {
	RT_STATUS_CREATED,
	RT_STATUS_RUNNING,
	RT_STATUS_STOPPED,
};

/* One container's directory, locked, and what it holds. */
struct rt_container {
	int dir_fd; /* ROOT/ID, flock'd; -1 when closed */
	char root[ENT_PATH_MAX];
	struct ent_oci_state st;
	char *config; /* config.json as saved at create (NULL before) */
	size_t config_len;
	bool half_made; /* no state.json: its create was killed (rt_container_open) */
};

/*
 * create: make ROOT (mode 0711, with its parents) and ROOT/ID, locked exclusively. An id in use
 * is "container ID already exists", unless its directory is half-made (no state.json: its
 * create was killed before it saved one) and nobody holds its lock: then it is removed first,
 * with the cgroups of killed creates (cgroup_collect_registered). Returns 0 or -1 with err.
 */
int rt_container_new(const char *root, const char *id, struct rt_container *c, struct rt_err *err);

/*
 * Every other verb: lock ROOT/ID (exclusive or shared; waits for a create in progress) and
 * read its state and config. An unknown id, or one whose create failed, is "container ID does
 * not exist". A half-made one (no state.json once the lock is ours: its create was killed) is
 * too with a shared lock; with an exclusive one, 0 with c->half_made set and c->st empty but
 * its id (delete removes it). Returns 0 or -1 with err.
 */
int rt_container_open(const char *root, const char *id, bool exclusive, struct rt_container *c,
                      struct rt_err *err);

/* Write c->st as state.json, and text as config.json (when not NULL); atomically each. */
int rt_container_save(struct rt_container *c, const char *config, size_t len, struct rt_err *err);

/* The observed status (see above). */
enum rt_status rt_container_status(const struct rt_container *c);

/* "created", "running", "stopped". */
const char *rt_status_name(enum rt_status status);

/*
 * create: make exec.fifo and open it for the first process to wait on (read and write, so
 * that opening never blocks and the FIFO has a reader while the process lives). Returns the
 * descriptor (close-on-exec: the child inherits it through clone), or -1 with err.
 */
int rt_container_hold_fd(struct rt_container *c, struct rt_err *err);

/*
 * create: make start.fifo and open it (read and write, close-on-exec) for the first process to
 * tell start what became of it: a line when its start failed (a startContainer hook, execve),
 * nothing when its execve succeeded (which closes the descriptor). Returns it, or -1 with err.
 */
int rt_container_report_fd(struct rt_container *c, struct rt_err *err);

/*
 * start: write the byte the held process waits for, and remove the FIFO: the container is
 * running from here. A FIFO without a reader means the process died: an error. Then wait on
 * start.fifo until the process has exec'd (EOF), or failed: an error with its line. Returns
 * 0/-1.
 */
int rt_container_release(struct rt_container *c, struct rt_err *err);

/* Remove the directory and what is in it (delete, or a failed create). */
void rt_container_remove(struct rt_container *c);

/* Unlock and free (the directory stays). */
void rt_container_close(struct rt_container *c);

/* Write pid (decimal, no newline, as runc does) to path, atomically. Returns 0 or -1. */
int rt_write_pid_file(const char *path, pid_t pid, struct rt_err *err);

/* Now as RFC 3339 in UTC with nanoseconds ("2026-12-05T16:51:32.451628786Z"), as runc writes. */
void rt_now_rfc3339(char *buf, size_t size);

#endif
