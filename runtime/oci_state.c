/*
 * runtime/oci_state.c - the state directory of OCI runtime mode (see oci_state.h): one locked
 * directory per container (flock(2) on its descriptor), files replaced atomically (rename(2)),
 * and the FIFO the created container's first process waits on (fifo(7), runc's exec.fifo).
 */
#include "runtime/oci_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"
#include "runtime/cgroup.h"
#include "runtime/policy.h"

#define STATE_FILE  "state.json"
#define CONFIG_FILE "config.json"
#define FIFO_FILE   "exec.fifo"
#define REPORT_FILE "start.fifo"

/* mkdir -p root: the state directory and its parents (/run/ent-run/containers). */
static int make_root(const char *root, struct rt_err *err)
{
	char path[ENT_PATH_MAX];

	if (root[0] != '/' || snprintf(path, sizeof(path), "%s", root) >= (int)sizeof(path))
		return rt_fail(err, 0, "--root %s: not an absolute path", root);
	for (char *p = strchr(path + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(path, 0711) < 0 && errno != EEXIST)
			return rt_fail(err, errno, "state: create %s", path);
		if (!p)
			return 0;
		*p = '/';
	}
}

/*
 * The state is acted on as we are (root, for engines): pids to signal, cgroups to empty and
 * remove, hooks to run. Whoever could have written it could make us do any of that, so the
 * root, each container's directory and its files must be ours and writable by nobody else.
 */
static int check_state_owner(const char *path, const struct stat *st, const char *what,
                             struct rt_err *err)
{
	return rt_check_writer(what, path, st, geteuid(), "it", err);
}

/* The same for the file name of the container's directory, when it is there. */
static int check_file_owner(int dir_fd, const char *dir, const char *name, struct rt_err *err)
{
	char path[ENT_PATH_MAX + ENT_OCI_ID_MAX + 16];
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0; /* missing: the callers say what that means */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return check_state_owner(path, &st, "state", err);
}

/* Lock the directory: flock(2) on its descriptor, waiting for whoever holds it. */
static int lock_dir(int fd, bool exclusive, const char *id, struct rt_err *err)
{
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR)
			return rt_fail(err, errno, "state: lock container %s", id);
	}
	return 0;
}

/*
 * A directory without state.json, still linked, whose lock we hold: its create was killed
 * before it saved the state (a create in progress holds the lock; a failed one removes the
 * directory). Its process died with its creator; its cgroups are in the creator's record.
 */
static bool half_made(int dir_fd)
{
	struct stat st;

	return fstatat(dir_fd, STATE_FILE, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT &&
	       fstat(dir_fd, &st) == 0 && st.st_nlink > 0;
}

/*
 * An id in use is left alone, but a half-made one (half_made) is removed first, when its lock
 * is free: nobody is creating it any more. true when it was removed.
 */
static bool collect_half_made(struct rt_container *c, int root_fd, const char *id)
{
	c->dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	copy_text(c->st.id, sizeof(c->st.id), id);
	if (c->dir_fd < 0 || flock(c->dir_fd, LOCK_EX | LOCK_NB) < 0 || !half_made(c->dir_fd)) {
		rt_container_close(c);
		return false;
	}
	rt_trace("state", "%s/%s has no state: its create was killed", c->root, id);
	if (geteuid() == 0)
		cgroup_collect_registered();
	rt_container_remove(c);
	rt_container_close(c);
	return true;
}

int rt_container_new(const char *root, const char *id, struct rt_container *c, struct rt_err *err)
{
	_cleanup_close_ int root_fd = -1;
	struct stat st;
	int r;

	memset(c, 0, sizeof(*c));
	c->dir_fd = -1;
	copy_text(c->root, sizeof(c->root), root);
	if (make_root(root, err) < 0)
		return -1;
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return rt_fail(err, errno, "state: open %s", root);
	if (fstat(root_fd, &st) < 0)
		return rt_fail(err, errno, "state: %s", root);
	if (check_state_owner(root, &st, "--root", err) < 0)
		return -1;
	rt_trace("state", "mkdir %s/%s", root, id);
	r = mkdirat(root_fd, id, 0711);
	if (r < 0 && errno == EEXIST && collect_half_made(c, root_fd, id))
		r = mkdirat(root_fd, id, 0711);
	if (r < 0) {
		if (errno == EEXIST)
			return rt_fail(err, 0, "container %s already exists", id);
		return rt_fail(err, errno, "state: create %s/%s", root, id);
	}
	c->dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dir_fd < 0)
		return rt_fail(err, errno, "state: open %s/%s", root, id);
	copy_text(c->st.id, sizeof(c->st.id), id);
	if (lock_dir(c->dir_fd, true, id, err) < 0)
		return -1;
	/* Taken for half-made and removed between our mkdir and our lock: not ours any more. */
	if (fstat(c->dir_fd, &st) < 0 || st.st_nlink == 0)
		return rt_fail(err, 0, "container %s: its directory was removed while it was made",
		               id);
	return 0;
}

/* A whole file of the directory, NUL-terminated; NULL with errno. */
static char *read_at(int dir_fd, const char *name, size_t max, size_t *len)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return NULL;
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0)
		return NULL;
	text[n] = '\0';
	*len = (size_t)n;
	return steal_ptr(&text);
}

int rt_container_open(const char *root, const char *id, bool exclusive, struct rt_container *c,
                      struct rt_err *err)
{
	_cleanup_free_ char *state = NULL;
	struct stat st;
	size_t len = 0;
	char path[ENT_PATH_MAX + ENT_OCI_ID_MAX];

	memset(c, 0, sizeof(*c));
	copy_text(c->root, sizeof(c->root), root);
	snprintf(path, sizeof(path), "%s/%s", root, id);
	c->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dir_fd < 0) {
		if (errno == ENOENT)
			return rt_fail(err, 0, "container %s does not exist", id);
		return rt_fail(err, errno, "state: open %s", path);
	}
	if (stat(root, &st) < 0)
		return rt_fail(err, errno, "state: %s", root);
	if (check_state_owner(root, &st, "--root", err) < 0)
		return -1;
	if (fstat(c->dir_fd, &st) < 0)
		return rt_fail(err, errno, "state: %s", path);
	if (check_state_owner(path, &st, "state", err) < 0)
		return -1;
	if (lock_dir(c->dir_fd, exclusive, id, err) < 0)
		return -1;
	if (check_file_owner(c->dir_fd, path, STATE_FILE, err) < 0 ||
	    check_file_owner(c->dir_fd, path, CONFIG_FILE, err) < 0)
		return -1;
	if (exclusive && half_made(c->dir_fd)) {
		copy_text(c->st.id, sizeof(c->st.id), id);
		c->half_made = true;
		return 0;
	}
	/* Removed while we waited (delete), or its create failed: it is not there. */
	state = read_at(c->dir_fd, STATE_FILE, 1 << 20, &len);
	if (!state || fstat(c->dir_fd, &st) < 0 || st.st_nlink == 0)
		return rt_fail(err, 0, "container %s does not exist", id);
	if (ent_oci_state_read(state, len, path, &c->st, err) < 0)
		return -1;
	c->config = read_at(c->dir_fd, CONFIG_FILE, ENT_OCI_CONFIG_MAX, &c->config_len);
	return 0;
}

/* Replace name with text: a new file renamed over it, so readers see old or new, whole. */
static int write_at(int dir_fd, const char *name, const char *text, size_t len, struct rt_err *err)
{
	char tmp[64];
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), ".%s.new", name);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 ||
	    renameat(dir_fd, tmp, dir_fd, name) < 0) {
		rt_fail(err, errno ? errno : EIO, "state: write %s", name);
		unlinkat(dir_fd, tmp, 0);
		return -1;
	}
	return 0;
}

int rt_container_save(struct rt_container *c, const char *config, size_t len, struct rt_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	int r;

	if (!out)
		return rt_fail(err, errno, "state: %s", STATE_FILE);
	r = ent_oci_state_write(out, &c->st, err);
	if (fclose(out) == EOF && r == 0)
		r = rt_fail(err, errno, "state: %s", STATE_FILE);
	if (r < 0)
		return -1;
	if (config && write_at(c->dir_fd, CONFIG_FILE, config, len, err) < 0)
		return -1;
	return write_at(c->dir_fd, STATE_FILE, buf, size, err);
}

enum rt_status rt_container_status(const struct rt_container *c)
{
	struct stat st;

	if (!proc_running((pid_t)c->st.pid, c->st.starttime))
		return RT_STATUS_STOPPED;
	if (fstatat(c->dir_fd, FIFO_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return RT_STATUS_CREATED;
	return RT_STATUS_RUNNING;
}

const char *rt_status_name(enum rt_status status)
{
	static const char *const names[] = {
		[RT_STATUS_CREATED] = "created",
		[RT_STATUS_RUNNING] = "running",
		[RT_STATUS_STOPPED] = "stopped",
	};

	return names[status];
}

/* Make the FIFO name in the container's directory and open it for the first process. */
static int make_fifo(struct rt_container *c, const char *name, struct rt_err *err)
{
	int fd;

	rt_trace("state", "mkfifo %s/%s/%s", c->root, c->st.id, name);
	if (mkfifoat(c->dir_fd, name, 0600) < 0)
		return rt_fail(err, errno, "state: mkfifo %s", name);
	/* O_RDWR: a FIFO opened for both never blocks in open(2) (fifo(7), Linux). */
	fd = openat(c->dir_fd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rt_fail(err, errno, "state: open %s", name);
	return fd;
}

int rt_container_hold_fd(struct rt_container *c, struct rt_err *err)
{
	return make_fifo(c, FIFO_FILE, err);
}

int rt_container_report_fd(struct rt_container *c, struct rt_err *err)
{
	return make_fifo(c, REPORT_FILE, err);
}

/*
 * What became of the released process: EOF once no writer is left (its execve closed its
 * close-on-exec end, or it died), a line when it failed (a startContainer hook, execve).
 */
static int read_report(struct rt_container *c, int fd, struct rt_err *err)
{
	char text[sizeof(err->msg)];
	size_t len = 0;
	ssize_t n;

	if (fcntl(fd, F_SETFL, 0) < 0)
		return rt_fail(err, errno, "state: %s", REPORT_FILE);
	rt_trace("state", "read %s/%s/%s until EOF (the process's execve)", c->root, c->st.id,
	         REPORT_FILE);
	do {
		n = read(fd, text + len, sizeof(text) - 1 - len);
		if (n > 0)
			len += (size_t)n;
	} while ((n > 0 && len < sizeof(text) - 1) || (n < 0 && errno == EINTR));
	unlinkat(c->dir_fd, REPORT_FILE, 0);
	while (len && text[len - 1] == '\n')
		len--;
	text[len] = '\0';
	if (len)
		return rt_fail(err, 0, "container %s: start: %s", c->st.id, text);
	return 0;
}

int rt_container_release(struct rt_container *c, struct rt_err *err)
{
	_cleanup_close_ int fd = -1;
	/*
	 * The report FIFO is opened before the byte is written: a line the process writes and
	 * leaves behind lives only while the FIFO is open somewhere (fifo(7)). A container made
	 * before ent-run had one has none: nothing to wait for.
	 */
	_cleanup_close_ int report =
	        openat(c->dir_fd, REPORT_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);

	rt_trace("state", "write one byte to %s/%s/%s", c->root, c->st.id, FIFO_FILE);
	fd = openat(c->dir_fd, FIFO_FILE, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENXIO)
		return rt_fail(err, 0, "container %s: its process is gone (stopped)", c->st.id);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return rt_fail(err, errno, "container %s: release its process", c->st.id);
	if (unlinkat(c->dir_fd, FIFO_FILE, 0) < 0)
		return rt_fail(err, errno, "state: remove %s", FIFO_FILE);
	return report < 0 ? 0 : read_report(c, report, err);
}

void rt_container_remove(struct rt_container *c)
{
	static const char *const files[] = { STATE_FILE,  CONFIG_FILE,       FIFO_FILE,
		                             REPORT_FILE, ".state.json.new", ".config.json.new" };
	char path[ENT_PATH_MAX + ENT_OCI_ID_MAX];

	if (c->dir_fd < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		unlinkat(c->dir_fd, files[i], 0);
	snprintf(path, sizeof(path), "%s/%s", c->root, c->st.id);
	rt_trace("state", "rmdir %s", path);
	rmdir(path);
}

void rt_container_close(struct rt_container *c)
{
	/*
	 * LOCK_UN, not just close: a created container's first process got a copy of the
	 * descriptor through clone (until its execve), which would keep the lock.
	 */
	if (c->dir_fd >= 0) {
		flock(c->dir_fd, LOCK_UN);
		close(c->dir_fd);
	}
	c->dir_fd = -1;
	free(c->config);
	c->config = NULL;
}

int rt_write_pid_file(const char *path, pid_t pid, struct rt_err *err)
{
	char tmp[ENT_PATH_MAX + 16], text[24];
	_cleanup_close_ int fd = -1;
	int len;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return rt_fail(err, ENAMETOOLONG, "--pid-file %s", path);
	len = snprintf(text, sizeof(text), "%d", (int)pid);
	/*
	 * A new file of a name nobody could plant a symlink at (mkostemp: O_CREAT|O_EXCL), written
	 * whole, then renamed over path, which replaces whatever is there (a symlink too) instead
	 * of following it: an engine polling for the file never reads half of it.
	 */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return rt_fail(err, errno, "--pid-file %s", path);
	if (write_all(fd, text, (size_t)len) < 0 || fchmod(fd, 0644) < 0 || rename(tmp, path) < 0) {
		rt_fail(err, errno, "--pid-file %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

void rt_now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec) >= (int)size)
		buf[0] = '\0';
}
