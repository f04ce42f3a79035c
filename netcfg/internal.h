/*
 * netcfg/internal.h - what the files of netcfg/ share (and the unit tests reach): address
 * arithmetic, names, resolv.conf filtering, the state directory and leases, links, NAT and the
 * rootless helper. Not for other folders: runtime/ uses netcfg/netcfg.h only.
 */
#ifndef NETCFG_INTERNAL_H
#define NETCFG_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

#define NETCFG_IFNAME         "eth0" /* the container side of the veth, or the helper's tap */
#define NETCFG_NAME_MAX       16     /* IFNAMSIZ: the host side of the veth is named after us */
#define NETCFG_BLOCK_SIZE     4 /* each container gets a /30: network, host, container, bcast */
#define NETCFG_BLOCK_PLEN     30
#define NETCFG_ADDR_STRLEN    16                /* INET_ADDRSTRLEN */
#define NETCFG_PUBLISH_STRLEN 80                /* "127.0.0.1:8080:80/udp" */
#define NETCFG_FORWARD_TABLE  "ent-run-forward" /* ip: exists while we hold ip_forward on */
#define NETCFG_LEASES_DIR     "leases"          /* in the state base: one file per /30 */

/* ---------------------------------------------------------------- pool.c (pure) */

/* An IPv4 address pool ("10.88.0.0/16"), host byte order. */
struct netcfg_pool {
	uint32_t net;
	uint8_t prefix_len; /* 0..30 */
};

/* One container's /30 inside a pool, host byte order. */
struct netcfg_block {
	uint32_t base;    /* the block's network address: the lease's name */
	uint32_t gateway; /* base + 1: the host side of the veth */
	uint32_t addr;    /* base + 2: the container */
};

/* A range of IPv4 addresses, host byte order, and what it is (for messages). */
struct netcfg_range {
	uint32_t net;
	uint8_t prefix_len;
	char what[96]; /* "127.0.0.0/8 (loopback)", "the host's route 10.9.0.0/16 dev eth1 ..." */
};

/* Do a/a_len and b/b_len share an address? */
bool netcfg_overlap(uint32_t a, uint8_t a_len, uint32_t b, uint8_t b_len);

/* The first of ranges that overlaps net/prefix_len, or NULL. */
const struct netcfg_range *netcfg_range_find(const struct netcfg_range *ranges, size_t n,
                                             uint32_t net, uint8_t prefix_len);

/*
 * Parse "A.B.C.D/N" (N at most 30, host bits zero, overlapping none of the special-purpose
 * ranges 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 240.0.0.0/4). Returns 0 or -1
 * with err naming the overlap.
 */
int netcfg_pool_parse(const char *cidr, struct netcfg_pool *pool, struct rt_err *err);

/* How many /30 blocks the pool holds (1 for a /30, 16384 for a /16). */
uint32_t netcfg_pool_blocks(const struct netcfg_pool *pool);

/* Block number index (< netcfg_pool_blocks) of the pool. */
void netcfg_pool_block(const struct netcfg_pool *pool, uint32_t index, struct netcfg_block *b);

/* "10.88.0.4" for a host-order address; buf holds NETCFG_ADDR_STRLEN. Returns buf. */
const char *netcfg_addr_str(uint32_t addr, char *buf);

/* The container's name, used for the host-side veth, its nftables chains and its state
 * directory: "ent-<pid>" (at most 15 characters, so it is a valid interface name). */
int netcfg_name(pid_t pid, char *buf, size_t size);

/* A --publish entry as given: "127.0.0.1:8080:80/udp". Returns buf. */
const char *netcfg_publish_str(const struct netcfg_publish *p, char *buf, size_t size);

/* ---------------------------------------------------------------- resolv.c */

/*
 * Copy host_conf (the text of a resolv.conf) to out, keeping nameserver, search, domain and
 * options lines but dropping nameservers on loopback (127.0.0.0/8, ::1): they are the host's
 * own, unreachable from another network namespace. *kept counts the nameservers left.
 * Returns 0, or -1 when out is too small.
 */
int netcfg_resolv_filter(const char *host_conf, char *out, size_t size, unsigned *kept);

/* True when host_conf names systemd-resolved's stub (nameserver 127.0.0.53). */
bool netcfg_resolv_uses_stub(const char *host_conf);

/* Write DIR/resolv.conf from the host's, and DIR/hosts naming hostname at addr (network byte
 * order; 0 = 127.0.1.1). Return 0 or -1. */
int netcfg_resolv_write(int dir_fd, const char *dir, struct rt_err *err);
int netcfg_hosts_write(int dir_fd, const char *dir, const char *hostname, uint32_t addr,
                       struct rt_err *err);

/* ---------------------------------------------------------------- hostaddr.c */

/* Is addr on the link ifname one of our running containers' (its lease)? */
typedef bool (*netcfg_ours_fn)(uint32_t addr, const char *ifname, void *data);

/* The host's ranges that overlap a pool, as read from the kernel. */
struct netcfg_used {
	struct netcfg_range *ranges;
	unsigned n, cap;
};

/*
 * The local addresses (as /32) and the routes with a prefix (every table, every type; not the
 * default route) of the network namespace we are in that overlap pool, except those ours()
 * claims. Returns 0 (free out with netcfg_used_free) or -1 with err.
 */
int netcfg_host_used(const struct netcfg_pool *pool, netcfg_ours_fn ours, void *data,
                     struct netcfg_used *out, struct rt_err *err);
void netcfg_used_free(struct netcfg_used *u);

/* ---------------------------------------------------------------- lease.c */

/* One container's state directory and, as root, its address lease. */
struct netcfg_state {
	char name[NETCFG_NAME_MAX];     /* "ent-1234" */
	bool root;                      /* veth and NAT (collect those of dead containers too) */
	char base[PATH_MAX];            /* /run/ent-run/net (root), $XDG_RUNTIME_DIR/ent-run/net */
	char dir[PATH_MAX];             /* base/name */
	int dir_fd;                     /* -1 when not created */
	char lease[NETCFG_ADDR_STRLEN]; /* leases/<block base>, "" = none */
};

/*
 * Under the lock: collect what dead containers left, create st->dir (recording our pid), and
 * with pool, lease a free block into *block and turn on forwarding (forward.c). A block is free
 * when no container has it and the host uses none of its addresses; a pool the host uses any
 * part of is refused when it was given (pool_given), and its used blocks skipped otherwise.
 * Returns 0 or -1 (nothing left behind once netcfg_state_remove ran).
 */
int netcfg_state_create(struct netcfg_state *st, const struct netcfg_pool *pool, bool pool_given,
                        struct netcfg_block *block, struct rt_err *err);

/*
 * Remove the lease and the state directory (in this order: a lease never outlives its
 * directory, so a look at the directories finds every leftover), and as root, once no
 * container is left in our network namespace, turn forwarding back off. Never fails.
 * With veth_left (the run ended, and the kernel is still removing our veth with the
 * container's network namespace) keep both and remove only the owner record: nothing counts
 * us as running any more, and a later start collects them once the veth is gone, so that no
 * container gets the block while its gateway address is still on a link.
 */
void netcfg_state_remove(struct netcfg_state *st, bool veth_left);

/*
 * As root, at the end of a run, before netcfg_state_remove: the container's NAT table, whose
 * owner socket is *owner (closed here, *owner set to -1). Under the lock, when no other
 * container of ours is alive in our network namespace and forwarding here is ours, the table
 * and the forwarding filter go in one nftables batch (netcfg_nat_end_last): the kernel frees
 * both after one RCU grace period, which the socket's close waits for, where deleting them
 * apart made the end wait for two or three. Otherwise, or when that fails, closing the socket
 * deletes the table, and netcfg_state_remove settles forwarding as before. Never fails.
 */
void netcfg_state_end_nat(struct netcfg_state *st, int *owner);

/*
 * Collect the leftovers of killed runs, cheaply when there are none (see netcfg.h). Fails
 * only when a stop signal ended the wait for the lock (base/lock.h): -1 with err (EINTR).
 */
int netcfg_state_collect(struct rt_err *err);

/* Remove the state directory name of the base (and the files it may hold). Never fails. */
void netcfg_dir_remove(int base_fd, const char *name);

/* ---------------------------------------------------------------- stale.c */

/* Is a state directory or link name a container's ("ent-1234")? */
bool netcfg_is_container(const char *name);

/* Record us as the owner of the state directory dir_fd: pid, start time, network namespace. */
int netcfg_owner_write(int dir_fd, const char *dir, struct rt_err *err);

/* The owner written in lease file name ("ent-1234"); false when unreadable. */
bool netcfg_lease_owner(int leases_fd, const char *name, char owner[NETCFG_NAME_MAX]);

/*
 * Without the lock, cheaply: is there anything to collect (a container directory whose owner
 * is gone, or a marker asking this network namespace to settle its forwarding)?
 */
bool netcfg_stale_any(int base_fd);

/*
 * Under the lock: collect every container whose owner is gone (root: leases and veths too),
 * leaving a marker for its network namespace when that is not ours. A run that ended (no
 * owner record) whose veth the kernel has not removed yet is left for later, with its lease,
 * unless it has the name self (NULL: none) that a start is about to take (an earlier run of
 * the same process, as learn's rounds are, or a pid used again): then its veth is deleted
 * now, which waits for the kernel. Returns how many such runs were left; *killed (when not
 * NULL) receives how many of those collected had been killed (not ended) in this network
 * namespace.
 */
unsigned netcfg_collect_dead(int base_fd, bool root, const char *self, unsigned *killed);

/*
 * Under the lock, as root, for a start that found no free block in pool: delete the veths of
 * the ended runs left by netcfg_collect_dead that hold a block of pool (RTM_DELLINK waits for
 * the kernel, ~20-40 ms each here), and collect their directories and leases. Returns how
 * many blocks it freed.
 */
unsigned netcfg_free_lingering(int base_fd, const struct netcfg_pool *pool);

/* Under the lock, as root: with no container of ours left in this network namespace, turn
 * forwarding back off (forward.c; collecting: after a killed run was collected, which may have
 * left no marker); and drop this namespace's marker. */
void netcfg_settle_forwarding(int base_fd, bool collecting);

/* Under the lock: is a container of ours other than name alive in this network namespace?
 * True also when that cannot be told. */
bool netcfg_others_here(int base_fd, const char *name);

/*
 * Markers in base_fd about a network namespace: PREFIX and its inode. NETCFG_MARK_NETNS: a
 * start elsewhere collected a killed run of that namespace, whose next start is to settle its
 * forwarding. NETCFG_MARK_FORWARD: forwarding there may be ours (forward.c).
 */
#define NETCFG_MARK_NETNS   "netns-"
#define NETCFG_MARK_FORWARD "forward-"
/* ip_forward was set to 1 by us (made after the sysctl, removed with NETCFG_MARK_FORWARD). */
#define NETCFG_MARK_FORWARD_ON "ipforward-"

/* Make, look for, remove this network namespace's marker of the kind prefix names. */
int netcfg_mark_here(int base_fd, const char *prefix, struct rt_err *err);
bool netcfg_marked_here(int base_fd, const char *prefix);
void netcfg_unmark_here(int base_fd, const char *prefix);

/* ---------------------------------------------------------------- forward.c */

/*
 * With the lease lock held, for a container about to need forwarding: where the host does not
 * forward IPv4, leave the marker forward-NETNS in base_fd, add table ip ent-run-forward
 * (forward only our veths) and set ip_forward to 1. Where it does, change nothing. Returns 0
 * or -1.
 */
int netcfg_forward_acquire(int base_fd, struct rt_err *err);

/*
 * With the lease lock held, when no container of ours is left in this network namespace: if
 * forwarding is ours (our table exists), set ip_forward back to 0 and delete the table, then
 * the marker. Without the marker there is no table of ours here, and nothing to ask
 * ent-run-nft, unless collecting: after a killed run, which may be of an ent-run that kept no
 * marker. Never fails (what fails is retried by the next start).
 */
void netcfg_forward_release(int base_fd, bool collecting);

/*
 * With the lease lock held, once the filter is gone (deleted by us, or from outside): set
 * ip_forward back to 0 where we set it (NETCFG_MARK_FORWARD_ON), then drop both markers.
 * Returns 0, or -1 with err and the markers kept when the sysctl stays on.
 */
int netcfg_forward_forget(int base_fd, struct rt_err *err);

/* ---------------------------------------------------------------- sysctl.c */

#define NETCFG_IP_FORWARD "net/ipv4/ip_forward"

/* Write value to /proc/sys/<key> ("net/ipv4/ip_forward"), a sysctl of the network namespace
 * we are in. Returns 0 or -1. */
int netcfg_sysctl_set(const char *key, const char *value, struct rt_err *err);

/* 1 when this network namespace forwards IPv4, 0 when not, -1 when unreadable. */
int netcfg_forwarding_on(void);

/* Set ip_forward back to 0, unless it reads 0 already: 0 once it is, or -1 with err when it
 * stays on. The filter goes only after it (netcfg_forward_release, ent-run-nft end-last). */
int netcfg_forward_off(struct rt_err *err);

/* ---------------------------------------------------------------- link.c */

struct nl_sock;

/* A NETLINK_ROUTE socket of the namespace we are in, or NULL with err; and its cleanup. */
struct nl_sock *netcfg_rtnl_open(struct rt_err *err);
void netcfg_nl_socket_freep(struct nl_sock **sk);

/*
 * Fill err for a failed libnl call (nlerr, negative): "fmt...: strerror" when libnl folded an
 * errno into its code, else "fmt...: libnl's text", one cause either way. Returns -1.
 */
int netcfg_nl_fail(struct rt_err *err, int nlerr, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Create the veth pair host_name <-> NETCFG_IFNAME, the peer directly in the network
 * namespace of pid child; give the host side gateway/prefix_len and bring it up. */
int netcfg_veth_create(const char *host_name, pid_t child, uint32_t gateway, uint8_t prefix_len,
                       struct rt_err *err);

/* Delete the link called name, if it exists (its veth peer goes with it). Never fails. */
void netcfg_link_delete(const char *name);

/* Is there a link called name in our network namespace? */
bool netcfg_link_exists(const char *name);

/* ---------------------------------------------------------------- ports.c */

/*
 * Bind a socket to the host side of p ([::] dual-stack, or its IPv4 address) without
 * SO_REUSEADDR or SO_REUSEPORT, so that nothing else on the host can use the port while we
 * hold it. Returns the descriptor (close-on-exec), or -1 with err naming the port when
 * something already uses it or the address is not the host's.
 */
int netcfg_port_hold(const struct netcfg_publish *p, struct rt_err *err);

/* ---------------------------------------------------------------- nft_call.c */

/*
 * The nftables steps run in ent-run-nft (netcfg/nft_main.c), installed beside ent-run: only it
 * links libnftnl and libmnl, so that ent-run itself is linked statically (docs/PERFORMANCE.md)
 * and a container without a network of its own loads neither.
 */

/* Is ent-run-nft beside us, and safe to run? 0, or -1 with err: what a start checks first. */
int netcfg_nft_check(struct rt_err *err);

/* A run of ent-run-nft, started and not yet answered. */
struct netcfg_nft_call;

/*
 * Create the container's own table ip NAME, owned by a new netfilter socket, in one atomic
 * batch: source NAT for addr (network byte order) leaving through any interface but host_name,
 * and DNAT for each --publish entry, both for packets arriving (prerouting) and for the host's
 * own (output). *owner receives the socket's descriptor: the kernel deletes the table when it
 * is closed (netcfg_nat_remove), or when we die. Returns 0 or -1.
 */
int netcfg_nat_add(const char *name, const char *host_name, uint32_t addr,
                   const struct netcfg_publish *publish, unsigned n_publish, int *owner,
                   struct rt_err *err);

/*
 * netcfg_nat_add in two halves, so that other steps go on while the helper works: begin
 * starts it (0 with *out, or -1 with err); end takes its answer (as netcfg_nat_add's), and
 * abandon, for a start that fails in between, makes sure no table is left. Both free c.
 */
int netcfg_nat_begin(const char *name, const char *host_name, uint32_t addr,
                     const struct netcfg_publish *publish, unsigned n_publish,
                     struct netcfg_nft_call **out, struct rt_err *err);
int netcfg_nat_end(struct netcfg_nft_call *c, const char *name, int *owner, struct rt_err *err);
void netcfg_nat_abandon(struct netcfg_nft_call *c);

/* Close the owner socket of the container's table, which takes the table with it. Never
 * fails; -1 is fine. */
void netcfg_nat_remove(int owner, const char *name);

/*
 * The last container's end where forwarding is ours (ent-run-nft end-last, nft_end_last): its
 * table and the forwarding filter in one batch through the owner socket, which stays ours
 * to close. 1: forwarding settled (the marker may go); 0: the filter stays; -1 with err: the
 * helper failed or gave no answer, and closing the socket deletes the table if its batch
 * did not.
 */
int netcfg_nat_end_last(int owner, const char *name, struct rt_err *err);

/* Delete the chains NAME-{post,pre,out} of the shared table ip ent-run, where ent-run 0.1 kept
 * a container's NAT, for a run of that version killed before an upgrade. Never fails. */
void netcfg_nat_remove_legacy(const char *name);

/* table ip ent-run-forward (forward.c): add it (an existing one is fine) or delete it (a
 * missing one is fine), 0 or -1 with err; ask whether it exists: 1, 0, or -1 with err. */
int netcfg_nft_forward_add(struct rt_err *err);
int netcfg_nft_forward_exists(struct rt_err *err);
int netcfg_nft_forward_delete(struct rt_err *err);

/* ---------------------------------------------------------------- rootless.c */

/* A running user-mode network helper. */
struct netcfg_helper {
	pid_t pid; /* 0 = none */
	int pidfd;
	int exit_fd; /* slirp4netns --exit-fd: it leaves when we close this */
};

/* Whether a helper is installed; fails naming the packages when none is. */
int netcfg_helper_find(const struct netcfg_spec *spec, struct rt_err *err);

/* Start pasta (or slirp4netns) for the network namespace of pid child and wait until it has
 * configured it. dir_fd/dir is the state directory (readiness FIFO, log). Returns 0 or -1. */
int netcfg_helper_start(const struct netcfg_spec *spec, int dir_fd, const char *dir, pid_t child,
                        struct netcfg_helper *helper, struct rt_err *err);

/* Kill and reap the helper. Never fails; nothing to do when none runs. */
void netcfg_helper_stop(struct netcfg_helper *helper);

#endif
