/*
 * ns/ns.c - namespaces: clone flags, user namespace id maps, host name
 * (namespaces(7), user_namespaces(7), clone(2), unshare(2), sethostname(2)).
 *
 * A namespace gives the container its own copy of one kind of global resource: the mount
 * table, the process ids, the network stack, the host name, SysV IPC, the cgroup root, and
 * the user and group ids themselves. The user namespace comes first and owns the others: the
 * child is root there, with every capability over the namespaces it owns and none over the
 * host's. What root inside is on the host is decided by the two maps the parent writes
 * (/proc/PID/uid_map and gid_map), once, before the child does anything.
 *
 * Order matters, and each function here says where it belongs: the clone flags are read by
 * the parent before clone(2); the maps are written by the parent after clone, while the child
 * waits; the child becomes root of its namespace, enters its cgroup namespace and names its
 * UTS namespace, in that order, before it builds the mount tree.
 */
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"
#include "entitlements/names.h"

extern char **environ;

unsigned long ns_clone_flags(const struct ns_spec *spec)
{
	unsigned long flags = 0;

	/*
	 * One clone(2) creates every namespace at once, so the child never exists half
	 * isolated. The cgroup namespace is the exception (see ns.h): its root is fixed when it
	 * is created, so the child unshares it only once the parent has moved it into its cgroup.
	 */
	for (int k = 0; k < NS_COUNT; k++) {
		if (spec->unshare[k] && !spec->path[k] && k != NS_CGROUP)
			flags |= ent_ns_names[k].clone_flag;
	}
	return flags;
}

/* The namespace's file in /proc/PID/ns: the table's name, but "mnt" for mount. */
static const char *proc_name(int k)
{
	return k == NS_MNT ? "mnt" : ent_ns_names[k].name;
}

/* Join the namespace of kind k open at fd (setns(2)); a failure names the path. */
static int join_one(const struct ns_spec *spec, int k, int fd, struct rt_err *err)
{
	const struct ent_ns_name *n = &ent_ns_names[k];

	rt_trace("ns", "setns(\"%s\", %s)", spec->path[k], n->flag);
	if (setns(fd, (int)n->clone_flag) == 0)
		return 0;
	rt_fail(err, errno, "ns: join the %s namespace %s", n->prose, spec->path[k]);
	if (err->errnum == EINVAL)
		rt_err_hint(err, "is %s a %s namespace (a /proc/PID/ns/%s or a bind mount of one)?",
		            spec->path[k], n->prose, proc_name(k));
	return -1;
}

int ns_join_paths(const struct ns_spec *spec, struct ns_saved *saved, struct rt_err *err)
{
	int target[NS_COUNT];
	int r = 0;

	saved->cwd = -1;
	for (int k = 0; k < NS_COUNT; k++)
		saved->fd[k] = target[k] = -1;
	/* Every path opened first: once in another mount namespace, paths name its files. */
	for (int k = 0; k < NS_COUNT && r == 0; k++) {
		const struct ent_ns_name *n = &ent_ns_names[k];
		char self[40];

		if (!spec->unshare[k] || !spec->path[k])
			continue;
		snprintf(self, sizeof(self), "/proc/self/ns/%s", proc_name(k));
		saved->fd[k] = open(self, O_RDONLY | O_CLOEXEC);
		if (saved->fd[k] < 0)
			r = rt_fail(err, errno, "ns: open %s", self);
		else if ((target[k] = open(spec->path[k], O_RDONLY | O_CLOEXEC)) < 0)
			r = rt_fail(err, errno, "ns: open the %s namespace %s", n->prose,
			            spec->path[k]);
	}
	/* setns into a mount namespace moves our root and working directory: kept to return. */
	if (r == 0 && target[NS_MNT] >= 0) {
		saved->cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (saved->cwd < 0)
			r = rt_fail(err, errno, "ns: open the working directory");
	}
	for (int k = 0; k < NS_COUNT && r == 0; k++)
		if (k != NS_MNT && target[k] >= 0)
			r = join_one(spec, k, target[k], err);
	if (r == 0 && target[NS_MNT] >= 0) /* the mount namespace last */
		r = join_one(spec, NS_MNT, target[NS_MNT], err);
	for (int k = 0; k < NS_COUNT; k++)
		if (target[k] >= 0)
			close(target[k]);
	return r;
}

int ns_restore(struct ns_saved *saved, struct rt_err *err)
{
	int r = 0;

	for (int k = 0; k < NS_COUNT; k++) {
		const struct ent_ns_name *n = &ent_ns_names[k];

		if (saved->fd[k] < 0)
			continue;
		rt_trace("ns", "setns(/proc/self/ns/%s, %s): back to ours", proc_name(k), n->flag);
		if (setns(saved->fd[k], (int)n->clone_flag) < 0 && r == 0)
			r = rt_fail(err, errno, "ns: return to our %s namespace", n->prose);
		close(saved->fd[k]);
		saved->fd[k] = -1;
	}
	if (saved->cwd >= 0) {
		if (fchdir(saved->cwd) < 0 && r == 0)
			r = rt_fail(err, errno, "ns: return to our working directory");
		close(saved->cwd);
		saved->cwd = -1;
	}
	return r;
}

unsigned long ns_flags_apart(pid_t pid)
{
	unsigned long flags = 0;

	for (int k = 0; k < NS_COUNT; k++) {
		char theirs[48];

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, proc_name(k));
		if (!ns_is_ours(theirs, (enum ns_kind)k))
			flags |= ent_ns_names[k].clone_flag;
	}
	return flags;
}

bool ns_is_ours(const char *path, enum ns_kind kind)
{
	char self[40];
	struct stat a, b;

	snprintf(self, sizeof(self), "/proc/self/ns/%s", proc_name(kind));
	return stat(path, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The last component of path opened below its directory dir_fd (see ns_open_path). */
static int open_last(int dir_fd, const char *dir, const char *base)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	struct stat st;

	if (fstatat(dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	/* /proc/PID/ns/KIND is a magic link to the namespace: followed, only in /proc. */
	if (S_ISLNK(st.st_mode) && (!strcmp(dir, "/proc") || !strncmp(dir, "/proc/", 6)))
		return openat(dir_fd, base, O_RDONLY | O_CLOEXEC);
	return (int)syscall(SYS_openat2, dir_fd, base, &how, sizeof(how));
}

int ns_open_path(const char *path, enum ns_kind kind, char *resolved, size_t size, bool *ours,
                 struct rt_err *err)
{
	const struct ent_ns_name *n = &ent_ns_names[kind];
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		                .resolve = RESOLVE_NO_SYMLINKS };
	char dir[PATH_MAX], self[40];
	const char *base = strrchr(path, '/');
	_cleanup_close_ int dir_fd = -1, fd = -1;
	struct stat a, b;
	int type;

	if (!base || !base[1] || !strcmp(base, "/.") || !strcmp(base, "/.."))
		return rt_fail(err, 0, "ns: the %s namespace %s: not a file's path", n->prose,
		               path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	if (!realpath(dir[0] ? dir : "/", dir))
		return rt_fail(err, errno, "ns: the %s namespace %s", n->prose, path);
	if (snprintf(resolved, size, "%s%s", strcmp(dir, "/") ? dir : "", base) >= (int)size)
		return rt_fail(err, ENAMETOOLONG, "ns: the %s namespace %s", n->prose, path);
	dir_fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (dir_fd >= 0)
		fd = open_last(dir_fd, dir, base + 1);
	if (fd < 0)
		return rt_fail(err, errno == ELOOP ? ESTALE : errno, "ns: open the %s namespace %s",
		               n->prose, path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || (unsigned long)type != n->clone_flag)
		return rt_fail(err, type < 0 ? errno : 0, "ns: %s is not a %s namespace", path,
		               n->prose);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", proc_name(kind));
	*ours = fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
	        a.st_ino == b.st_ino;
	return steal_fd(&fd);
}

/* Write text to /proc/PID/NAME in one write(2): the kernel accepts a map only whole, once. */
static int write_proc_file(pid_t pid, const char *name, const char *text, struct rt_err *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	rt_trace("ns", "write %s \"%.*s\"", path, (int)strcspn(text, "\n"), text);
	if (write_file(path, text, 0) < 0)
		return rt_fail(err, errno, "ns: write %s", path);
	return 0;
}

/* The text of a map file: one "inside outside count" line per range (user_namespaces(7)). */
static void format_map(const struct ns_idmap *map, unsigned n, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%u %u %u\n", map[i].inside,
		                         map[i].outside, map[i].count);
}

/*
 * Run newuidmap/newgidmap PID inside outside count ... and wait for it. An unprivileged
 * process may only map its own id; these setuid-root helpers (package uidmap) write a larger
 * map after checking it against the caller's /etc/subuid and /etc/subgid ranges.
 */
static int run_idmap_helper(const char *helper, pid_t pid, const struct ns_idmap *map, unsigned n,
                            struct rt_err *err)
{
	char args[ENT_MAX_IDMAP * 3 + 2][16];
	char *argv[ENT_MAX_IDMAP * 3 + 3];
	unsigned argc = 0;
	pid_t child;
	int status, r;

	argv[argc++] = (char *)helper;
	snprintf(args[0], sizeof(args[0]), "%d", (int)pid);
	argv[argc++] = args[0];
	for (unsigned i = 0; i < n; i++) {
		snprintf(args[1 + 3 * i], 16, "%u", map[i].inside);
		snprintf(args[2 + 3 * i], 16, "%u", map[i].outside);
		snprintf(args[3 + 3 * i], 16, "%u", map[i].count);
		for (int j = 1; j <= 3; j++)
			argv[argc++] = args[j + 3 * i];
	}
	argv[argc] = NULL;
	rt_trace("ns", "%s %d (from /etc/sub%cid)", helper, (int)pid, helper[3]);
	r = posix_spawnp(&child, helper, NULL, NULL, argv, environ);
	if (r)
		return rt_fail(err, r, "ns: run %s", helper);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return rt_fail(err, errno, "ns: wait for %s", helper);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		rt_fail(err, 0, "ns: %s %d failed (status %d)", helper, (int)pid,
		        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		rt_err_hint(err, "check your ranges in /etc/subuid and /etc/subgid");
		return -1;
	}
	return 0;
}

int ns_write_idmaps(pid_t pid, const struct ns_spec *spec, struct rt_err *err)
{
	char map[ENT_MAX_IDMAP * 36];

	if (!spec->unshare[NS_USER])
		return 0;
	if (spec->use_idmap_helpers) {
		if (run_idmap_helper("newuidmap", pid, spec->uid_map, spec->n_uid_map, err) < 0)
			return -1;
		return run_idmap_helper("newgidmap", pid, spec->gid_map, spec->n_gid_map, err);
	}
	/*
	 * Root writes the maps itself: its CAP_SETUID and CAP_SETGID in the parent namespace
	 * allow any map. The uid map first; each file takes one write, once (user_namespaces(7)).
	 */
	format_map(spec->uid_map, spec->n_uid_map, map, sizeof(map));
	if (write_proc_file(pid, "uid_map", map, err) < 0)
		return -1;
	/*
	 * An unprivileged process may map its own gid only after giving up setgroups(2) in the
	 * namespace: otherwise it could drop a group that denies it access (user_namespaces(7)).
	 */
	if (spec->deny_setgroups && write_proc_file(pid, "setgroups", "deny", err) < 0)
		return -1;
	format_map(spec->gid_map, spec->n_gid_map, map, sizeof(map));
	return write_proc_file(pid, "gid_map", map, err);
}

int ns_become_root(const struct ns_spec *spec, struct rt_err *err)
{
	if (!spec->unshare[NS_USER])
		return 0;
	/*
	 * clone(2) left the child with the ids it had in the parent; under the new maps they
	 * may map to nothing (root's container, whose ids are a block of its own) and show as
	 * nobody. Its full capabilities in the new user namespace include CAP_SETUID and
	 * CAP_SETGID there: it becomes the namespace's root, which owns what it creates.
	 */
	rt_trace("ns", "setresgid(0, 0, 0), setresuid(0, 0, 0)");
	if (setresgid(0, 0, 0) < 0)
		return rt_fail(err, errno, "ns: setresgid(0) in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return rt_fail(err, errno, "ns: setresuid(0) in the user namespace");
	return 0;
}

int ns_set_hostname(const struct ns_spec *spec, struct rt_err *err)
{
	if (!spec->unshare[NS_UTS])
		return 0;
	/* The UTS namespace is not the host's (ours, or one joined): the host keeps its name. */
	if (spec->hostname[0]) {
		rt_trace("ns", "sethostname(\"%s\")", spec->hostname);
		if (sethostname(spec->hostname, strlen(spec->hostname)) < 0)
			return rt_fail(err, errno, "ns: sethostname %s", spec->hostname);
	}
	if (spec->domainname[0]) {
		rt_trace("ns", "setdomainname(\"%s\")", spec->domainname);
		if (setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
			return rt_fail(err, errno, "ns: setdomainname %s", spec->domainname);
	}
	return 0;
}

int ns_write_sysctls(const struct ns_spec *spec, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_sysctls; i++) {
		const struct ent_sysctl *s = &spec->sysctls[i];
		char path[ENT_PATH_MAX];
		bool slashes = strchr(s->key, '/');

		/* sysctl(8): "net.ipv4.ip_forward" is /proc/sys/net/ipv4/ip_forward. */
		if (snprintf(path, sizeof(path), "/proc/sys/%s", s->key) >= (int)sizeof(path))
			return rt_fail(err, ENAMETOOLONG, "ns: sysctl %s", s->key);
		for (char *p = path + 10; !slashes && *p; p++)
			if (*p == '.')
				*p = '/';
		rt_trace("ns", "write %s \"%s\"  [%s]", path, s->value, s->why);
		if (write_file(path, s->value, 0) < 0)
			return rt_fail(err, errno, "ns: sysctl %s=%s (%s)", s->key, s->value, path);
	}
	return 0;
}

int ns_enter_cgroup(const struct ns_spec *spec, struct rt_err *err)
{
	if (!spec->unshare[NS_CGROUP] || spec->path[NS_CGROUP])
		return 0;
	/*
	 * A cgroup namespace shows our current cgroup as "/" in /proc/self/cgroup and in every
	 * cgroupfs mounted inside: the container sees neither the host's cgroup tree nor where it
	 * sits in it. Its root is the cgroup we are in when we unshare, hence after SYNC 1, once
	 * the parent has moved us into the container's cgroup (cgroup_namespaces(7)).
	 */
	rt_trace("ns", "unshare(CLONE_NEWCGROUP)");
	if (unshare(CLONE_NEWCGROUP) < 0)
		return rt_fail(err, errno, "ns: unshare(CLONE_NEWCGROUP)");
	return 0;
}
