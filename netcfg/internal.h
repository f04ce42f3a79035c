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

#define NETCFG_IFNAME      "eth0" /* the container side of the veth, or the helper's tap */
#define NETCFG_NAME_MAX    16     /* IFNAMSIZ: the host side of the veth is named after us */
#define NETCFG_BLOCK_SIZE  4      /* each container gets a /30: network, host, container, bcast */
#define NETCFG_BLOCK_PLEN  30
#define NETCFG_TABLE       "ent-run" /* our nftables table, family ip */
#define NETCFG_ADDR_STRLEN 16        /* INET_ADDRSTRLEN */

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

/* A --publish entry we can apply: host_ip empty or an IPv4 address. Returns 0 or -1. */
int netcfg_publish_check(const struct netcfg_publish *p, struct rt_err *err);

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
 * with pool, lease the first free block into *block. Returns 0 or -1 (nothing left behind).
 */
int netcfg_state_create(struct netcfg_state *st, const struct netcfg_pool *pool,
                        struct netcfg_block *block, struct rt_err *err);

/* Remove the state directory and the lease. Never fails. */
void netcfg_state_remove(struct netcfg_state *st);

/* ---------------------------------------------------------------- link.c */

/* Create the veth pair host_name <-> NETCFG_IFNAME, the peer directly in the network
 * namespace of pid child; give the host side gateway/prefix_len and bring it up. */
int netcfg_veth_create(const char *host_name, pid_t child, uint32_t gateway, uint8_t prefix_len,
                       struct rt_err *err);

/* Delete the link called name, if it exists (its veth peer goes with it). Never fails. */
void netcfg_link_delete(const char *name);

/* Write value to /proc/sys/<key> ("net/ipv4/ip_forward"). Returns 0 or -1. */
int netcfg_sysctl_set(const char *key, const char *value, struct rt_err *err);

/* ---------------------------------------------------------------- nat.c */

/*
 * Add the container's chains to table ip ent-run in one atomic batch: source NAT for addr
 * (network byte order) leaving through any interface but host_name, and DNAT for each --publish
 * entry, both for packets arriving (prerouting) and for the host's own (output). Returns 0 or -1.
 */
int netcfg_nat_add(const char *name, const char *host_name, uint32_t addr,
                   const struct netcfg_publish *publish, unsigned n_publish, struct rt_err *err);

/* Delete the container's chains (and their rules), those that exist. Never fails. */
void netcfg_nat_remove(const char *name);

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
