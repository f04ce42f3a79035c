/*
 * netcfg/lease.c - per-container state directories and address leases, shared by concurrent
 * ent-runs through a lock file (flock(2)).
 *
 *   /run/ent-run/net/lock              flock'd while collecting, creating, leasing, ending
 *   /run/ent-run/net/ent-1234/owner    who owns the container (stale.c)
 *   /run/ent-run/net/ent-1234/...      resolv.conf, hosts (bind-mounted), helper files
 *   /run/ent-run/net/leases/10.88.0.4  the /30 at 10.88.0.4 belongs to "ent-1234"
 *   /run/ent-run/net/netns-4026532001  a network namespace whose forwarding is to be settled
 *   /run/ent-run/net/forward-4026531840    forwarding there may be ours: our filter (forward.c)
 *   /run/ent-run/net/ipforward-4026531840  and we set its ip_forward to 1
 *
 * (Rootless: $XDG_RUNTIME_DIR/ent-run/net, or /tmp/ent-run-UID/net, without leases.)
 * A lease is taken with O_CREAT|O_EXCL under the lock, so two starts never pick the same block,
 * and only for a block the host does not use (hostaddr.c). A lease exists only while its
 * container's directory does (created after it, removed before it), so the directories alone
 * tell whether anything is left over: a start of any kind looks at them once, and collects
 * what a killed run left (stale.c). The container's nftables table and its published ports
 * went with the killed process.
 */
#include "netcfg/internal.h"
#include "netcfg/netcfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/lock.h"
#include "base/log.h"
#include "base/util.h"

#define ROOT_BASE "/run/ent-run/net"

/* clang-format off */
/* Everything a state directory may hold, removed before the directory itself. */
static const char *const state_files[] = {
	"resolv.conf", "hosts", "helper.ready", "helper.log", "owner",
};
/* clang-format on */

void netcfg_dir_remove(int base_fd, const char *name)
{
	_cleanup_close_ int fd = openat(base_fd, name, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(state_files); i++)
		unlinkat(fd, state_files[i], 0);
	unlinkat(base_fd, name, AT_REMOVEDIR);
}

/*
 * Create path (and its parents) as a directory of ours. For a rootless base under /tmp, which
 * anyone may pre-create, check that what exists is a real directory owned by us and private.
 */
static int make_dir(char *path, mode_t mode, bool check_owner, struct rt_err *err)
{
	struct stat st;

	for (char *p = strchr(path + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(path, mode) < 0 && errno != EEXIST)
			return rt_fail(err, errno, "netcfg: create directory %s", path);
		if (check_owner && (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		                    (strncmp(path, "/tmp/", 5) == 0 &&
		                     (st.st_uid != geteuid() || (st.st_mode & 022)))))
			return rt_fail(err, EPERM, "netcfg: %s is not a private directory of ours",
			               path);
		if (!p)
			return 0;
		*p = '/';
	}
}

/* Where our state lives (the directory is not created here). */
static int state_base_path(struct netcfg_state *st, struct rt_err *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (st->root)
		n = snprintf(st->base, sizeof(st->base), "%s", ROOT_BASE);
	else if (xdg && xdg[0] == '/' && access(xdg, W_OK) == 0)
		n = snprintf(st->base, sizeof(st->base), "%s/ent-run/net", xdg);
	else
		n = snprintf(st->base, sizeof(st->base), "/tmp/ent-run-%ld/net", (long)geteuid());
	if (n < 0 || (size_t)n >= sizeof(st->base))
		return rt_fail(err, ENAMETOOLONG, "netcfg: state directory in %s", xdg);
	return 0;
}

static int state_base(struct netcfg_state *st, struct rt_err *err)
{
	if (state_base_path(st, err) < 0)
		return -1;
	if (make_dir(st->base, st->root ? 0755 : 0700, !st->root, err) < 0)
		return -1;
	if (st->root && mkdir(ROOT_BASE "/" NETCFG_LEASES_DIR, 0755) < 0 && errno != EEXIST)
		return rt_fail(err, errno, "netcfg: create directory %s/%s", ROOT_BASE,
		               NETCFG_LEASES_DIR);
	return 0;
}

/*
 * One start (or end) at a time: collecting, creating, leasing, counting. Closing unlocks. A
 * start's wait ends at a stop signal (base/lock.h: errno EINTR); an end's waits its turn, as
 * what it removes must go.
 */
static int lock_base(const struct netcfg_state *st, int base_fd, bool start, struct rt_err *err)
{
	char path[sizeof(st->base) + sizeof("/lock")];
	int fd = openat(base_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return rt_fail(err, errno, "netcfg: open %s/lock", st->base);
	snprintf(path, sizeof(path), "%s/lock", st->base);
	rt_trace("net", "flock(\"%s\", LOCK_EX)", path);
	if (start ? lock_or_stop(fd, "net", path) < 0 : flock(fd, LOCK_EX) < 0) {
		rt_fail(err, errno, "netcfg: lock %s/lock", st->base);
		close(fd);
		return -1;
	}
	return fd;
}

/* Our directory, recording who owns it. The name is ours alone: it holds our pid. */
static int create_dir(struct netcfg_state *st, int base_fd, struct rt_err *err)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s/%s", st->base, st->name) >= (int)sizeof(dir))
		return rt_fail(err, ENAMETOOLONG, "netcfg: state directory in %s", st->base);
	rt_trace("net", "mkdir(\"%s\")", dir);
	if (mkdirat(base_fd, st->name, 0755) < 0)
		return rt_fail(err, errno, "netcfg: create %s", dir);
	strcpy(st->dir, dir); /* ours from here: removed by netcfg_state_remove */
	st->dir_fd = openat(base_fd, st->name, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->dir_fd < 0)
		return rt_fail(err, errno, "netcfg: open %s", st->dir);
	return netcfg_owner_write(st->dir_fd, st->dir, err);
}

/* hostaddr.c asks: is addr on ifname the veth of a running container (its lease's owner)? */
static bool lease_is_ours(uint32_t addr, const char *ifname, void *data)
{
	char name[NETCFG_ADDR_STRLEN], owner[NETCFG_NAME_MAX];

	netcfg_addr_str(addr & ~(uint32_t)(NETCFG_BLOCK_SIZE - 1), name);
	return netcfg_is_container(ifname) && netcfg_lease_owner(*(int *)data, name, owner) &&
	       !strcmp(owner, ifname);
}

static int pool_exhausted(const struct netcfg_pool *pool, const struct netcfg_used *used,
                          struct rt_err *err)
{
	char pool_str[NETCFG_ADDR_STRLEN];

	netcfg_addr_str(pool->net, pool_str);
	if (used->n) {
		rt_fail(err, 0, "netcfg: no free /%d in the address pool %s/%u, which overlaps %s",
		        NETCFG_BLOCK_PLEN, pool_str, pool->prefix_len, used->ranges[0].what);
		rt_err_hint(err,
		            "pass --subnet with a range this host does not use (each "
		            "container takes a /%d)",
		            NETCFG_BLOCK_PLEN);
		return -1;
	}
	rt_fail(err, 0, "netcfg: address pool %s/%u is exhausted (%u containers)", pool_str,
	        pool->prefix_len, netcfg_pool_blocks(pool));
	rt_err_hint(err, "give a larger pool with --subnet (each container takes a /%d)",
	            NETCFG_BLOCK_PLEN);
	return -1;
}

/* take_lease: every block of the pool is taken (err says why). */
#define NO_BLOCK (-2)

/*
 * A free block of the pool: none of its addresses used by the host, and O_EXCL makes the lease
 * file the claim against other containers. 0, -1 with err, or NO_BLOCK with err.
 */
static int take_lease(struct netcfg_state *st, int base_fd, const struct netcfg_pool *pool,
                      bool pool_given, struct netcfg_block *block, struct rt_err *err)
{
	_cleanup_close_ int leases_fd = openat(base_fd, NETCFG_LEASES_DIR, O_DIRECTORY | O_CLOEXEC);
	uint32_t n_blocks = netcfg_pool_blocks(pool);
	struct netcfg_used used;
	char pool_str[NETCFG_ADDR_STRLEN];

	if (leases_fd < 0)
		return rt_fail(err, errno, "netcfg: open %s/%s", st->base, NETCFG_LEASES_DIR);
	if (netcfg_host_used(pool, lease_is_ours, &leases_fd, &used, err) < 0)
		return -1;
	if (pool_given && used.n) {
		rt_fail(err, 0, "netcfg: --subnet '%s/%u' overlaps %s",
		        netcfg_addr_str(pool->net, pool_str), pool->prefix_len,
		        used.ranges[0].what);
		netcfg_used_free(&used);
		return -1;
	}
	for (uint32_t i = 0; i < n_blocks; i++) {
		_cleanup_close_ int fd = -1;
		char name[NETCFG_ADDR_STRLEN];

		netcfg_pool_block(pool, i, block);
		if (netcfg_range_find(used.ranges, used.n, block->base, NETCFG_BLOCK_PLEN))
			continue; /* the host's: skipped */
		netcfg_addr_str(block->base, name);
		fd = openat(leases_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			netcfg_used_free(&used);
			return rt_fail(err, errno, "netcfg: lease %s/%s/%s", st->base,
			               NETCFG_LEASES_DIR, name);
		}
		rt_trace("net", "lease %s/%d: %s/%s/%s", name, NETCFG_BLOCK_PLEN, st->base,
		         NETCFG_LEASES_DIR, name);
		strcpy(st->lease, name);
		dprintf(fd, "%s\n", st->name);
		netcfg_used_free(&used);
		return 0;
	}
	pool_exhausted(pool, &used, err);
	netcfg_used_free(&used);
	return NO_BLOCK;
}

int netcfg_state_create(struct netcfg_state *st, const struct netcfg_pool *pool, bool pool_given,
                        struct netcfg_block *block, struct rt_err *err)
{
	_cleanup_close_ int base_fd = -1;
	_cleanup_close_ int lock_fd = -1;
	unsigned lingering;
	int r;

	if (state_base(st, err) < 0)
		return -1;
	base_fd = open(st->base, O_DIRECTORY | O_CLOEXEC);
	if (base_fd < 0)
		return rt_fail(err, errno, "netcfg: open %s", st->base);
	lock_fd = lock_base(st, base_fd, true, err);
	if (lock_fd < 0) {
		/* Nothing made, nothing to settle: no lock for netcfg_state_remove to wait for. */
		st->base[0] = '\0';
		return -1;
	}
	lingering = netcfg_collect_dead(base_fd, st->root, st->name, NULL);
	/*
	 * A link with our name is a leftover too: an ended run's veth whose state directory a
	 * start in another network namespace collected, not seeing the link there. The name is
	 * ours to take.
	 */
	if (st->root && netcfg_link_exists(st->name)) {
		rt_trace("net", "a leftover link has our name %s: delete it", st->name);
		netcfg_link_delete(st->name);
	}
	if (create_dir(st, base_fd, err) < 0)
		return -1;
	if (!pool)
		return 0;
	r = take_lease(st, base_fd, pool, pool_given, block, err);
	/*
	 * Every block is taken, maybe some by runs that ended and whose veth the kernel is still
	 * removing: only now delete those veths. RTM_DELLINK waits for the kernel (~20-40 ms
	 * here): a start right after another would otherwise wait that long every time.
	 */
	if (r == NO_BLOCK && lingering && netcfg_free_lingering(base_fd, pool)) {
		memset(err, 0, sizeof(*err));
		r = take_lease(st, base_fd, pool, pool_given, block, err);
	}
	if (r < 0)
		return -1;
	/* Counted from here: our directory exists, so an ending container leaves it on. */
	if (netcfg_forward_acquire(base_fd, err) < 0)
		return -1;
	netcfg_unmark_here(base_fd, NETCFG_MARK_NETNS); /* our own end settles forwarding here */
	return 0;
}

void netcfg_state_remove(struct netcfg_state *st, bool veth_left)
{
	struct rt_err ignored = { 0 };
	char path[PATH_MAX];
	_cleanup_close_ int base_fd = -1;
	_cleanup_close_ int lock_fd = -1;

	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->dir_fd = -1;
	if (!st->base[0])
		return;
	base_fd = open(st->base, O_DIRECTORY | O_CLOEXEC);
	if (base_fd < 0)
		return;
	/*
	 * Under the lock, like collecting and leasing: otherwise a start that sees our directory
	 * gone could collect our lease and hand the block out before we unlink it, and we would
	 * unlink the new owner's lease.
	 */
	lock_fd = lock_base(st, base_fd, false, &ignored);
	if (veth_left && st->dir[0]) {
		rt_trace("net",
		         "keep lease %s while the kernel removes %s (a later start collects it)",
		         st->lease, st->name);
		snprintf(path, sizeof(path), "%s/owner", st->name);
		unlinkat(base_fd, path, 0);
	} else if (st->lease[0]) {
		snprintf(path, sizeof(path), "%s/%s", NETCFG_LEASES_DIR, st->lease);
		rt_trace("net", "unlink lease %s/%s", st->base, path);
		unlinkat(base_fd, path, 0);
	}
	if (st->dir[0] && !veth_left) {
		rt_trace("net", "remove %s", st->dir);
		netcfg_dir_remove(base_fd, st->name);
	}
	if (st->root && lock_fd >= 0)
		netcfg_settle_forwarding(base_fd, false);
}

void netcfg_state_end_nat(struct netcfg_state *st, int *owner)
{
	struct rt_err ignored = { 0 };
	_cleanup_close_ int base_fd = -1;
	_cleanup_close_ int lock_fd = -1;
	int settled = -1;

	if (*owner < 0)
		return;
	base_fd = st->root && st->base[0] ? open(st->base, O_DIRECTORY | O_CLOEXEC) : -1;
	if (base_fd >= 0 && netcfg_marked_here(base_fd, NETCFG_MARK_FORWARD))
		lock_fd = lock_base(st, base_fd, false, &ignored);
	/* The marker again under the lock: another end may have settled forwarding meanwhile. */
	if (lock_fd >= 0 && netcfg_marked_here(base_fd, NETCFG_MARK_FORWARD) &&
	    !netcfg_others_here(base_fd, st->name)) {
		settled = netcfg_nat_end_last(*owner, st->name, &ignored);
		if (settled < 0) /* netcfg_state_remove settles forwarding apart */
			rt_trace("net", "%s: forwarding is settled apart", ignored.msg);
	}
	if (settled == 1 && netcfg_forward_forget(base_fd, &ignored) < 0)
		settled = 0;
	/* Unlocked before the close, which waits for the kernel: other starts and ends need not. */
	if (lock_fd >= 0)
		close(steal_fd(&lock_fd));
	if (settled < 0) {
		netcfg_nat_remove(*owner, st->name); /* the table goes as the socket closes */
	} else {
		rt_trace("net", "close the netfilter socket of table ip %s (deleted by the batch)",
		         st->name);
		close(*owner);
	}
	*owner = -1;
}

int netcfg_state_collect(struct rt_err *err)
{
	struct netcfg_state st = { .root = geteuid() == 0, .dir_fd = -1 };
	struct rt_err ignored = { 0 };
	_cleanup_close_ int base_fd = -1;
	_cleanup_close_ int lock_fd = -1;
	unsigned killed;
	bool marked;

	if (state_base_path(&st, &ignored) < 0)
		return 0;
	base_fd = open(st.base, O_DIRECTORY | O_CLOEXEC);
	if (base_fd < 0 || !netcfg_stale_any(base_fd)) /* the usual case: one getdents(2) */
		return 0;
	lock_fd = lock_base(&st, base_fd, true, &ignored);
	if (lock_fd < 0) /* a stop signal: the start stops; anything else: the next one collects */
		return ignored.errnum == EINTR ? rt_fail(err, EINTR, "%s", ignored.msg) : 0;
	marked =
	        netcfg_marked_here(base_fd, NETCFG_MARK_NETNS); /* before the collection adds one */
	netcfg_collect_dead(base_fd, st.root, NULL, &killed);
	/* A killed run here, or one of here killed and collected from elsewhere. */
	if (st.root)
		netcfg_settle_forwarding(base_fd, killed > 0 || marked);
	return 0;
}

int netcfg_generated_path(pid_t pid, const char *file, char *buf, size_t size, struct rt_err *err)
{
	struct netcfg_state st = { .root = geteuid() == 0, .dir_fd = -1 };
	char name[NETCFG_NAME_MAX];

	if (state_base_path(&st, err) < 0)
		return -1;
	netcfg_name(pid, name, sizeof(name));
	if (snprintf(buf, size, "%s/%s/%s", st.base, name, file) >= (int)size)
		return rt_fail(err, ENAMETOOLONG, "netcfg: state directory in %s", st.base);
	return 0;
}
