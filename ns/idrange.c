/*
 * ns/idrange.c - lease a block of host uids and gids to each container started by root
 * (user_namespaces(7), subuid(5), proc(5), flock(2)). See idrange.h for the layout.
 */
#include "ns/idrange.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/dirents.h"
#include "base/lock.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"

#define IDS_DIR "/run/ent-run/ids"

struct ns_idlease {
	char name[32]; /* "UID-GID", in IDS_DIR */
};

/* Host ids a block must stay clear of: [start, end) intervals, grown as needed. */
struct spans {
	struct {
		uint64_t start, end;
	} * v;
	size_t n, cap;
};

/* Everything taken, as uids and gids. */
struct taken {
	struct spans uids, gids;
	bool scanned; /* the user namespaces of running processes are in too */
};

static int spans_add(struct spans *s, uint64_t start, uint64_t count)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		void *v = realloc(s->v, cap * sizeof(*s->v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].start = start;
	s->v[s->n].end = start + count;
	s->n++;
	return 0;
}

static bool spans_overlap(const struct spans *s, uint32_t start)
{
	uint64_t end = (uint64_t)start + NS_IDRANGE_SIZE;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].start < end && start < s->v[i].end)
			return true;
	}
	return false;
}

static void taken_free(struct taken *t)
{
	free(t->uids.v);
	free(t->gids.v);
}

/* Add the outside ranges of one /proc/PID/uid_map or gid_map ("inside outside count" lines). */
static int add_map(int proc_fd, const char *pid, const char *file, struct spans *s)
{
	char path[NAME_MAX + 16], buf[4096];
	_cleanup_close_ int fd = -1;
	const char *text = buf;
	char line[128];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", pid, file);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* the process is gone */
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	while (next_line(&text, line, sizeof(line)) > 0) {
		unsigned long inside, outside, count;

		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
		    spans_add(s, outside, count) < 0)
			return -1;
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * The processes the scan need not read, sorted: the children of kthreadd, pid 2
 * (/proc/2/task/2/children, proc(5)), when pid 2 is kthreadd (a kernel thread; in a PID
 * namespace of its own, pid 2 is an ordinary process, whose children are read like any).
 * They are the kernel's threads, all in the initial user namespace and most of a host's
 * processes (here ~60 of ~70), and the user-mode helpers the kernel does not wait for (a
 * core_pattern pipe, the uevent helper, a cgroup v1 release_agent), which it starts as
 * kthreadd's children (CLONE_PARENT), with any process such a helper starts with CLONE_PARENT:
 * programs root configured, not another engine's containers. Nobody else can make a child of
 * kthreadd. Returns their number, 0 when unknown, and the array in *out, to free.
 */
static size_t kthreadd_children(pid_t **out)
{
	_cleanup_close_ int fd = -1;
	size_t n = 0, cap = 0, len = 0;
	char buf[4096];
	ssize_t got;

	*out = NULL;
	if (!proc_kernel_thread(2))
		return 0;
	fd = open("/proc/2/task/2/children", O_RDONLY | O_CLOEXEC);
	/* "PID PID ... ": read in pieces, a number cut at a piece's end carried to the next. */
	while (fd >= 0 && (got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
		char *p = buf, *end;

		len += (size_t)got;
		buf[len] = '\0';
		for (long pid; (pid = strtol(p, &end, 10)) > 0 && *end == ' '; p = end + 1) {
			if (n == cap) {
				pid_t *v = realloc(*out, (cap ? 2 * cap : 256) * sizeof(**out));

				if (!v)
					goto sort; /* the rest are read like any process */
				*out = v;
				cap = cap ? 2 * cap : 256;
			}
			(*out)[n++] = (pid_t)pid;
		}
		len = strlen(p);
		memmove(buf, p, len);
	}
sort:
	if (n)
		qsort(*out, n, sizeof(**out), cmp_pid);
	return n;
}

/*
 * The maps of every user namespace but ours that a running process is in, read once per
 * namespace: a block they map onto is in use by someone who did not lease it from us (another
 * container engine), or by a container of ours whose processes are still exiting. This is the
 * lease's costly part: a getdents of /proc, and a readlink of /proc/PID/ns/user for every
 * process but kthreadd's children (docs/PERFORMANCE.md).
 */
static int scan_user_namespaces(struct taken *t, struct rt_err *err)
{
	_cleanup_free_ unsigned long *seen = NULL;
	_cleanup_free_ pid_t *unread = NULL;
	size_t n_unread = kthreadd_children(&unread);
	_cleanup_close_ int proc_fd = -1;
	size_t n_seen = 0, cap = 0;
	char self[64] = "";
	struct dirents d;
	const char *name;

	rt_trace("ns",
	         "read /proc/*/ns/user but kthreadd's children's, and the uid_map, gid_map of "
	         "other user namespaces");
	if (readlink("/proc/self/ns/user", self, sizeof(self) - 1) < 0)
		return rt_fail(err, errno, "ns: readlink /proc/self/ns/user");
	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return rt_fail(err, errno, "ns: open /proc");
	dirents_start(&d, proc_fd);
	while ((name = dirents_next(&d))) {
		char path[NAME_MAX + 16], link[64] = "";
		pid_t pid = (pid_t)atoi(name);
		unsigned long inum;
		bool known = false;

		/* (A kernel thread's pid that a new process took since, after a wrap of the pids,
		 * is skipped; a scan misses processes born under its cursor anyway.) */
		if (name[0] < '1' || name[0] > '9' ||
		    (n_unread && bsearch(&pid, unread, n_unread, sizeof(pid), cmp_pid)))
			continue;
		snprintf(path, sizeof(path), "%s/ns/user", name);
		if (readlinkat(proc_fd, path, link, sizeof(link) - 1) < 0 || !strcmp(link, self) ||
		    sscanf(link, "user:[%lu]", &inum) != 1)
			continue;
		for (size_t i = 0; i < n_seen && !known; i++)
			known = seen[i] == inum;
		if (known)
			continue;
		if (n_seen == cap) {
			unsigned long *v = realloc(seen, (cap ? 2 * cap : 16) * sizeof(*seen));

			if (!v)
				goto oom;
			seen = v;
			cap = cap ? 2 * cap : 16;
		}
		seen[n_seen++] = inum;
		if (add_map(proc_fd, name, "uid_map", &t->uids) < 0 ||
		    add_map(proc_fd, name, "gid_map", &t->gids) < 0)
			goto oom;
	}
	if (errno)
		return rt_fail(err, errno, "ns: read /proc");
	t->scanned = true;
	return 0;
oom:
	return rt_fail(err, ENOMEM, "ns: read the user namespaces' id maps");
}

/*
 * The leases in dir_fd (newly opened): a live holder's block is taken; a dead holder's lease
 * is removed when collect is true (we hold the lock), else just ignored.
 */
static int read_leases(int dir_fd, bool collect, struct taken *t, struct rt_err *err)
{
	struct dirents d;
	const char *name;

	dirents_start(&d, dir_fd);
	while ((name = dirents_next(&d))) {
		unsigned long uid, gid;
		char owner[64] = "";
		_cleanup_close_ int lfd = -1;
		ssize_t n;

		if (sscanf(name, "%lu-%lu", &uid, &gid) != 2)
			continue;
		lfd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		n = lfd >= 0 ? read(lfd, owner, sizeof(owner) - 1) : -1;
		if (n > 0 && proc_owner_alive(owner)) {
			if (spans_add(&t->uids, uid, NS_IDRANGE_SIZE) < 0 ||
			    spans_add(&t->gids, gid, NS_IDRANGE_SIZE) < 0)
				return rt_fail(err, ENOMEM, "ns: read %s", IDS_DIR);
			continue;
		}
		if (collect) {
			rt_trace("ns", "unlink %s/%s (its ent-run is gone)", IDS_DIR, name);
			unlinkat(dir_fd, name, 0);
		}
	}
	if (errno)
		return rt_fail(err, errno, "ns: read %s", IDS_DIR);
	return 0;
}

static int add_ranges(struct spans *s, const struct ns_idrange *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (spans_add(s, r[i].start, r[i].count) < 0)
			return -1;
	}
	return 0;
}

/* Is the block (uid, gid) free? The user namespaces are read the first time it matters. */
static int block_free(struct taken *t, uint32_t uid, uint32_t gid, struct rt_err *err)
{
	if (spans_overlap(&t->uids, uid) || spans_overlap(&t->gids, gid))
		return 0;
	if (t->scanned)
		return 1;
	if (scan_user_namespaces(t, err) < 0)
		return -1;
	return !spans_overlap(&t->uids, uid) && !spans_overlap(&t->gids, gid);
}

/* Block k of ranges r[0..n), cut in NS_IDRANGE_SIZE pieces; false when there is none. */
static bool nth_block(const struct ns_idrange *r, unsigned n, unsigned k, uint32_t *start)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned blocks = r[i].count / NS_IDRANGE_SIZE;

		if (k < blocks) {
			*start = r[i].start + k * NS_IDRANGE_SIZE;
			return true;
		}
		k -= blocks;
	}
	return false;
}

/*
 * The first free block: root's own entries first (the k-th uid block with the k-th gid block),
 * then systemd's container range (the same ids for uids and gids). 0 with the block, -1.
 */
static int choose(const struct ns_idpool *pool, struct taken *t, uint32_t *uid, uint32_t *gid,
                  struct rt_err *err)
{
	int r;

	for (unsigned k = 0; nth_block(pool->own_uids, pool->n_own_uids, k, uid) &&
	                     nth_block(pool->own_gids, pool->n_own_gids, k, gid);
	     k++) {
		r = block_free(t, *uid, *gid, err);
		if (r)
			return r < 0 ? -1 : 0;
	}
	for (uint64_t s = NS_CONTAINER_FIRST; s + NS_IDRANGE_SIZE - 1 <= NS_CONTAINER_LAST;
	     s += NS_IDRANGE_SIZE) {
		*uid = *gid = (uint32_t)s;
		r = block_free(t, *uid, *gid, err);
		if (r)
			return r < 0 ? -1 : 0;
	}
	rt_fail(err, 0, "ns: no free block of %u host ids for the container", NS_IDRANGE_SIZE);
	rt_err_hint(err, "every block of root's /etc/subuid entries and of %u-%u is in use",
	            NS_CONTAINER_FIRST, NS_CONTAINER_LAST);
	return -1;
}

/* Create the lease file of the block under the lock: O_EXCL makes it the claim. */
static int write_lease(int dir_fd, uint32_t uid, uint32_t gid, const struct timespec *t0,
                       struct ns_idlease **out, struct rt_err *err)
{
	struct ns_idlease *l = calloc(1, sizeof(*l));
	_cleanup_close_ int fd = -1;
	char owner[64];
	int n;

	if (!l)
		return rt_fail(err, ENOMEM, "ns: lease host ids");
	snprintf(l->name, sizeof(l->name), "%u-%u", uid, gid);
	fd = openat(dir_fd, l->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	n = proc_owner_line(owner, sizeof(owner));
	if (fd < 0 || write(fd, owner, (size_t)n) != n) {
		rt_fail(err, fd < 0 ? errno : EIO, "ns: write %s/%s", IDS_DIR, l->name);
		if (fd >= 0)
			unlinkat(dir_fd, l->name, 0);
		free(l);
		return -1;
	}
	*out = l;
	/* The lease's cost, from the lock to here: make bench reads it (tests/bench/bench.py). */
	rt_trace("ns", "lease host uids %u-%u, gids %u-%u: %s/%s (%.2f ms)", uid,
	         uid + NS_IDRANGE_SIZE - 1, gid, gid + NS_IDRANGE_SIZE - 1, IDS_DIR, l->name,
	         rt_log_ms_since(t0));
	return 0;
}

/* open_dir: there is no lease directory (and none was asked for). */
#define NO_DIR (-2)

/*
 * The lease directory's descriptor, made when missing (take); NO_DIR when it is missing and
 * take is false; or -1 with err. Opened first: it is there but at a host's first start.
 */
static int open_dir(bool take, struct rt_err *err)
{
	int fd = open(IDS_DIR, O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return rt_fail(err, errno, "ns: open %s", IDS_DIR);
	if (!take)
		return NO_DIR;
	if (mkdir("/run/ent-run", 0755) < 0 && errno != EEXIST)
		return rt_fail(err, errno, "ns: create /run/ent-run");
	if (mkdir(IDS_DIR, 0755) < 0 && errno != EEXIST)
		return rt_fail(err, errno, "ns: create %s", IDS_DIR);
	fd = open(IDS_DIR, O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rt_fail(err, errno, "ns: open %s", IDS_DIR);
	return fd;
}

int ns_idrange_lease(const struct ns_idpool *pool, bool take, uint32_t *uid_start,
                     uint32_t *gid_start, struct ns_idlease **out, struct rt_err *err)
{
	_cleanup_close_ int dir_fd = -1;
	_cleanup_close_ int lock_fd = -1;
	struct taken t = { 0 };
	struct timespec t0;
	int r = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (out)
		*out = NULL;
	dir_fd = open_dir(take, err);
	if (dir_fd == -1)
		return -1;
	if (take) {
		/* One start at a time from here: collecting, choosing, leasing. Closing unlocks. */
		lock_fd = openat(dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (lock_fd < 0 || lock_or_stop(lock_fd, "ns", IDS_DIR "/lock") < 0)
			return rt_fail(err, errno, "ns: lock %s/lock", IDS_DIR);
	}
	if (dir_fd >= 0 && read_leases(dir_fd, take, &t, err) < 0)
		goto out;
	if (add_ranges(&t.uids, pool->other_uids, pool->n_other_uids) < 0 ||
	    add_ranges(&t.gids, pool->other_gids, pool->n_other_gids) < 0) {
		rt_fail(err, ENOMEM, "ns: choose host ids");
		goto out;
	}
	if (choose(pool, &t, uid_start, gid_start, err) < 0)
		goto out;
	r = take ? write_lease(dir_fd, *uid_start, *gid_start, &t0, out, err) : 0;
out:
	taken_free(&t);
	return r;
}

int ns_idrange_hand_over(struct ns_idlease *l, pid_t pid, struct rt_err *err)
{
	char path[sizeof(IDS_DIR) + sizeof(l->name) + 1], tmp[sizeof(path) + 8], owner[64];
	int n = proc_owner_line_of(pid, owner, sizeof(owner));

	snprintf(path, sizeof(path), "%s/%s", IDS_DIR, l->name);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	rt_trace("ns", "write %s \"%.*s\": the lease goes to the container's process", path, n - 1,
	         owner);
	/* A new file renamed over the lease: a reader sees the old owner or the new one. */
	if (write_file(tmp, owner, O_CREAT | O_TRUNC) < 0 || rename(tmp, path) < 0) {
		rt_fail(err, errno, "ns: hand the lease %s to pid %d", path, (int)pid);
		unlink(tmp);
		return -1;
	}
	return 0;
}

const char *ns_idrange_name(const struct ns_idlease *l)
{
	return l->name;
}

void ns_idrange_forget(struct ns_idlease *l)
{
	free(l);
}

void ns_idrange_release_name(const char *name, pid_t pid, unsigned long long starttime)
{
	char path[sizeof(IDS_DIR) + 40], owner[64] = "", want[64];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (!name[0] || strchr(name, '/') ||
	    snprintf(path, sizeof(path), "%s/%s", IDS_DIR, name) >= (int)sizeof(path))
		return;
	/* Once its holder died the block may have been collected and leased again: not ours. */
	snprintf(want, sizeof(want), "%ld %llu\n", (long)pid, starttime);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	n = fd >= 0 ? read(fd, owner, sizeof(owner) - 1) : -1;
	if (n <= 0 || strcmp(owner, want))
		return;
	rt_trace("ns", "unlink %s", path);
	unlink(path);
}

void ns_idrange_release(struct ns_idlease *l)
{
	char path[sizeof(IDS_DIR) + sizeof(l->name) + 1];
	struct timespec t0;

	if (!l)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(path, sizeof(path), "%s/%s", IDS_DIR, l->name);
	unlink(path);
	rt_trace("ns", "unlink %s (%.2f ms)", path, rt_log_ms_since(&t0));
	free(l);
}
