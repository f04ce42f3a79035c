/*
 * netcfg/stale.c - what killed runs left behind, and which containers still run: owner records,
 * collection, and when forwarding may go back off (proc(5), namespaces(7)).
 *
 * Each container's state directory holds "owner": the pid of the ent-run that made it, that
 * process's start time (/proc/PID/stat field 22, so a recycled pid does not look alive) and
 * its network namespace (the inode of /proc/PID/ns/net, and its cookie). A directory whose
 * owner is gone belongs to a killed run: any start collects it, its veth if the kernel has not
 * removed it with the container's network namespace yet (and the NAT chains an older ent-run
 * kept in a shared table), then the directory, then its lease (a lease is kept exactly while
 * its directory exists).
 *
 * A run that ended normally does not wait for its veth to go: the kernel removes it with the
 * namespace, a few milliseconds later, after an RCU grace period (RTM_DELLINK would wait for
 * the same). It removes only its owner record and keeps the lease, so that no container gets
 * its block while the gateway address is still on a link; a later start collects it once the
 * veth is gone. A start does not wait for that: it takes another block of the pool, and
 * deletes lingering veths itself only when the pool has no other block free, or when one has
 * the name the start takes (ent-PID: learn runs its rounds from one process).
 *
 * Forwarding is per network namespace, and so is its count: the containers whose owner runs
 * in ours. A killed run's directory may be collected from another namespace (ent-run started
 * through nsenter or ip-netns(8) shares /run with the host); the collector then leaves a
 * marker, netns-INODE, so that the next start in that namespace settles its forwarding.
 *
 * A marker is named after the namespace's inode, which the kernel hands out again once the
 * namespace is gone, and holds its cookie (SO_NETNS_COOKIE, Linux 5.14), which it never does
 * while the system runs: a marker left for a namespace that died (a run killed there, then the
 * namespace deleted) does not speak for a new namespace that got the same inode, where it
 * would turn off forwarding that the host had turned on. Such a marker is dropped under the
 * lock. One without a cookie (an older ent-run's, or a kernel without cookies) goes by the
 * inode alone, as before.
 * Everything here but netcfg_stale_any runs with the lease lock held.
 */
#include "netcfg/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/dirents.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"

/* One owner record. */
struct owner {
	long pid;
	unsigned long long start;  /* clock ticks after boot */
	unsigned long long netns;  /* inode of its network namespace; 0 = not recorded */
	unsigned long long cookie; /* and its cookie; 0 = not recorded */
};

/* The markers about this network namespace that a killed run may leave (internal.h). */
static const char *const mark_kinds[] = { NETCFG_MARK_NETNS, NETCFG_MARK_FORWARD,
	                                  NETCFG_MARK_FORWARD_ON };

/* A directory of base_fd to walk, read with base/dirents.h (-1 when it cannot be opened). */
static int open_dir(int base_fd, const char *name)
{
	return openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* The inode of a network namespace file (/proc/PID/ns/net), 0 when it cannot be read. */
static unsigned long long netns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/*
 * Our network namespace's cookie (socket(7) SO_NETNS_COOKIE): unlike its inode, never used
 * again while the system runs. 0 when this kernel has none (before 5.14).
 */
static unsigned long long netns_cookie_here(void)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned long long cookie = 0;
	socklen_t len = sizeof(cookie);

	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		return 0;
	return cookie;
}

static bool read_owner(int base_fd, const char *name, struct owner *o)
{
	char path[NAME_MAX + 8], buf[96];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	memset(o, 0, sizeof(*o));
	if (snprintf(path, sizeof(path), "%s/owner", name) >= (int)sizeof(path))
		return false;
	fd = openat(base_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return sscanf(buf, "%ld %llu %llu %llu", &o->pid, &o->start, &o->netns, &o->cookie) >= 2 &&
	       o->pid > 0;
}

/* The owner of container name while it runs, or 0 once it is gone. */
static pid_t owner_alive(int base_fd, const char *name, struct owner *o)
{
	if (!read_owner(base_fd, name, o))
		return 0;
	return proc_starttime((pid_t)o->pid) == o->start ? (pid_t)o->pid : 0;
}

bool netcfg_is_container(const char *name)
{
	return strncmp(name, "ent-", 4) == 0;
}

int netcfg_owner_write(int dir_fd, const char *dir, struct rt_err *err)
{
	_cleanup_close_ int fd = -1;
	char owner[96];
	int n;

	n = snprintf(owner, sizeof(owner), "%ld %llu %llu %llu\n", (long)getpid(),
	             proc_starttime(getpid()), netns_inode("/proc/self/ns/net"),
	             netns_cookie_here());
	fd = openat(dir_fd, "owner", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, owner, (size_t)n) != n)
		return rt_fail(err, errno, "netcfg: write %s/owner", dir);
	return 0;
}

bool netcfg_lease_owner(int leases_fd, const char *name, char owner[NETCFG_NAME_MAX])
{
	_cleanup_close_ int fd = openat(leases_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, owner, NETCFG_NAME_MAX - 1) : -1;

	if (n <= 0)
		return false;
	owner[n] = '\0';
	owner[strcspn(owner, "\n")] = '\0';
	return true;
}

/* Leases whose directory is gone: collected just before, or removed by hand. */
static void collect_leases(int base_fd)
{
	_cleanup_close_ int fd = open_dir(base_fd, NETCFG_LEASES_DIR);
	struct dirents d;
	const char *name;
	struct stat st;

	dirents_start(&d, fd);
	while (fd >= 0 && (name = dirents_next(&d))) {
		char owner[NETCFG_NAME_MAX] = "";

		if (name[0] == '.')
			continue;
		if (netcfg_lease_owner(fd, name, owner) && netcfg_is_container(owner) &&
		    fstatat(base_fd, owner, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			continue;
		rt_trace("net", "unlink lease %s (owner %s is gone)", name, owner);
		unlinkat(fd, name, 0);
	}
}

/* A marker of base_fd for the network namespace whose inode is netns: PREFIX and the inode. */
static void mark_name(const char *prefix, unsigned long long netns, char *buf, size_t size)
{
	snprintf(buf, size, "%s%llu", prefix, netns);
}

/* Make (or take over) marker mark, holding cookie: that of the namespace it is about. */
static int write_mark(int base_fd, const char *mark, unsigned long long cookie)
{
	_cleanup_close_ int fd =
	        openat(base_fd, mark, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	char text[24];
	int n = snprintf(text, sizeof(text), "%llu\n", cookie);

	return fd < 0 || write(fd, text, (size_t)n) != n ? -1 : 0;
}

/* The cookie marker mark holds (0: none, an older ent-run's); -1 with errno when unread. */
static int read_mark(int base_fd, const char *mark, unsigned long long *cookie)
{
	_cleanup_close_ int fd = openat(base_fd, mark, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char text[24];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0)
		return -1;
	text[n] = '\0';
	*cookie = strtoull(text, NULL, 10);
	return 0;
}

/* Could two records be of one namespace? Yes unless both cookies are known and differ. */
static bool same_cookie(unsigned long long a, unsigned long long b)
{
	return !a || !b || a == b;
}

/*
 * Is marker mark there, and about our namespace? 1 yes (its cookie is ours, or one of the two
 * is not known, or it cannot be read); 0 not there; -1 there, but about a namespace that is
 * gone and had our inode.
 */
static int mark_state(int base_fd, const char *mark)
{
	unsigned long long theirs;

	if (read_mark(base_fd, mark, &theirs) < 0) /* one we cannot open (EMFILE) is there */
		return errno == ENOENT ? 0 : 1;
	return !theirs || same_cookie(theirs, netns_cookie_here()) ? 1 : -1;
}

/* Under the lock: drop our inode's markers that are about a namespace gone (mark_state). */
static void drop_stale_marks(int base_fd)
{
	unsigned long long ours = netns_inode("/proc/self/ns/net");
	char mark[48];

	for (unsigned i = 0; i < ARRAY_SIZE(mark_kinds); i++) {
		mark_name(mark_kinds[i], ours, mark, sizeof(mark));
		if (mark_state(base_fd, mark) >= 0)
			continue;
		rt_trace("net", "%s is about a network namespace that is gone: remove it", mark);
		unlinkat(base_fd, mark, 0);
	}
}

/*
 * Did owner o run in our namespace (inode ours, cookie our_cookie)? Yes when it recorded none
 * (an older ent-run's record), or the same inode and, where both are known, the same cookie:
 * the same inode with another cookie was a namespace gone since, whose inode we got.
 */
static bool ran_here(const struct owner *o, unsigned long long ours, unsigned long long our_cookie)
{
	return !o->netns || (o->netns == ours && same_cookie(o->cookie, our_cookie));
}

/*
 * A marker for another namespace, about the namespace whose cookie is cookie. Already there
 * with another cookie (two runs killed in namespaces that had the same inode, one gone): it
 * keeps no cookie, and speaks for whichever has that inode now.
 */
static void leave_mark(int base_fd, const char *mark, unsigned long long cookie)
{
	unsigned long long there;

	if (read_mark(base_fd, mark, &there) == 0 && there != cookie)
		cookie = 0;
	write_mark(base_fd, mark, cookie);
}

unsigned netcfg_collect_dead(int base_fd, bool root, const char *self, unsigned *killed)
{
	_cleanup_close_ int fd = open_dir(base_fd, ".");
	unsigned long long ours = netns_inode("/proc/self/ns/net");
	unsigned long long our_cookie = root ? netns_cookie_here() : 0;
	struct dirents d;
	const char *name;
	struct owner o;
	char mark[48];
	unsigned left = 0;

	if (killed)
		*killed = 0;
	if (root)
		drop_stale_marks(base_fd);
	dirents_start(&d, fd);
	while (fd >= 0 && (name = dirents_next(&d))) {
		bool ended, lingering;

		if (!netcfg_is_container(name) || owner_alive(base_fd, name, &o))
			continue;
		/* No owner record: the run ended, and left its veth to the kernel. */
		ended = !o.pid;
		lingering = root && ended && netcfg_link_exists(name);
		if (lingering && !(self && !strcmp(name, self))) {
			left++;
			continue; /* still going: collected later, without waiting for it now */
		}
		rt_trace("net", "collect the leftovers of %s (its ent-run is gone)", name);
		if (root && o.netns && o.netns != ours) {
			mark_name(NETCFG_MARK_NETNS, o.netns, mark, sizeof(mark));
			rt_trace("net", "it ran in another network namespace: leave %s", mark);
			leave_mark(base_fd, mark, o.cookie);
		}
		if (root && !ended) {
			if (killed && ran_here(&o, ours, our_cookie))
				(*killed)++;
			netcfg_link_delete(name);
			netcfg_nat_remove_legacy(name);
		} else if (lingering) {
			netcfg_link_delete(name); /* our name: it must go before we take it */
		}
		netcfg_dir_remove(base_fd, name);
	}
	if (root)
		collect_leases(base_fd);
	return left;
}

unsigned netcfg_free_lingering(int base_fd, const struct netcfg_pool *pool)
{
	_cleanup_close_ int fd = open_dir(base_fd, NETCFG_LEASES_DIR);
	struct dirents d;
	const char *name;
	unsigned n = 0;

	dirents_start(&d, fd);
	while (fd >= 0 && (name = dirents_next(&d))) {
		char owner[NETCFG_NAME_MAX] = "";
		struct in_addr in;
		struct owner o;
		struct stat st;

		/* A block of the pool, leased to a run that ended (its directory is there, without
		 * owner record) and whose veth is still there. */
		if (inet_pton(AF_INET, name, &in) != 1 ||
		    !netcfg_overlap(ntohl(in.s_addr), NETCFG_BLOCK_PLEN, pool->net,
		                    pool->prefix_len) ||
		    !netcfg_lease_owner(fd, name, owner) || !netcfg_is_container(owner) ||
		    fstatat(base_fd, owner, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
		    read_owner(base_fd, owner, &o) || !netcfg_link_exists(owner))
			continue;
		rt_trace("net", "collect the leftovers of %s: its block %s is needed now", owner,
		         name);
		netcfg_link_delete(owner);
		netcfg_dir_remove(base_fd, owner);
		unlinkat(fd, name, 0);
		n++;
	}
	return n;
}

/*
 * How many running containers of ours share our network namespace (skip's aside)? -1 when
 * that cannot be told (the directory or our namespace unreadable): never taken for none, which
 * would turn forwarding off under containers that still need it.
 */
static int live_here(int base_fd, const char *skip)
{
	_cleanup_close_ int fd = open_dir(base_fd, ".");
	unsigned long long ours = netns_inode("/proc/self/ns/net");
	struct dirents d;
	const char *name;
	struct owner o;
	int n = 0;
	pid_t pid;
	char path[48];

	if (fd < 0 || !ours)
		return -1;
	dirents_start(&d, fd);
	while ((name = dirents_next(&d))) {
		unsigned long long theirs;

		if (!netcfg_is_container(name) || (skip && !strcmp(name, skip)) ||
		    !(pid = owner_alive(base_fd, name, &o)))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)pid);
		theirs = netns_inode(path);
		if (theirs == ours || !theirs) /* one we cannot read may be ours */
			n++;
	}
	return errno ? -1 : n; /* dirents_next: errno 0 at the end, set when a read failed */
}

bool netcfg_others_here(int base_fd, const char *name)
{
	return live_here(base_fd, name) != 0;
}

void netcfg_settle_forwarding(int base_fd, bool collecting)
{
	if (live_here(base_fd, NULL) == 0) /* -1: the next end asks again */
		netcfg_forward_release(base_fd, collecting);
	netcfg_unmark_here(base_fd, NETCFG_MARK_NETNS);
}

/* This network namespace's marker of the kind prefix names. */
static void mark_here(const char *prefix, char *buf, size_t size)
{
	mark_name(prefix, netns_inode("/proc/self/ns/net"), buf, size);
}

int netcfg_mark_here(int base_fd, const char *prefix, struct rt_err *err)
{
	char mark[48];

	mark_here(prefix, mark, sizeof(mark));
	if (write_mark(base_fd, mark, netns_cookie_here()) < 0)
		return rt_fail(err, errno, "netcfg: create %s", mark);
	return 0;
}

bool netcfg_marked_here(int base_fd, const char *prefix)
{
	char mark[48];

	mark_here(prefix, mark, sizeof(mark));
	return mark_state(base_fd, mark) == 1;
}

void netcfg_unmark_here(int base_fd, const char *prefix)
{
	char mark[48];

	mark_here(prefix, mark, sizeof(mark));
	unlinkat(base_fd, mark, 0);
}

bool netcfg_stale_any(int base_fd)
{
	_cleanup_close_ int fd = open_dir(base_fd, ".");
	unsigned long long ours = 0;
	struct dirents d;
	const char *name;
	struct owner o;

	dirents_start(&d, fd);
	while (fd >= 0 && (name = dirents_next(&d))) {
		if (netcfg_is_container(name) && !owner_alive(base_fd, name, &o))
			return true;
		if (strncmp(name, NETCFG_MARK_NETNS, strlen(NETCFG_MARK_NETNS)))
			continue;
		if (!ours)
			ours = netns_inode("/proc/self/ns/net");
		if (strtoull(name + strlen(NETCFG_MARK_NETNS), NULL, 10) == ours)
			return true;
	}
	return false;
}
