/*
 * netcfg/pool.c - address arithmetic for the container pool, and names (pure: no system calls).
 *
 * Each container of network.access=user and above gets a /30 of the pool (--subnet, default
 * 10.88.0.0/16): the block's first usable address goes on the host side of its veth, the second
 * in the container, and the two ends are each other's only neighbour. Block N of a pool is
 * simply net + 4 * N, so a lease is named by its block's address and needs no other record.
 *
 * A pool must not overlap what the host's own addressing means: a veth address inside a range
 * the host routes elsewhere takes that range over (its gateway becomes a local address, or the
 * cloud metadata address 169.254.169.254 leads into a container). The ranges below are refused
 * whatever the host looks like; the host's own addresses and routes are checked at launch
 * (hostaddr.c).
 */
#include "netcfg/internal.h"
#include "netcfg/netcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* clang-format off */
/* Special-purpose IPv4 ranges (RFC 6890) that no pool may overlap. */
static const struct netcfg_range reserved_ranges[] = {
	{ 0x00000000, 8,  "0.0.0.0/8 (\"this network\")" },
	{ 0x7f000000, 8,  "127.0.0.0/8 (loopback)" },
	{ 0xa9fe0000, 16, "169.254.0.0/16 (link-local, where cloud metadata services answer)" },
	{ 0xe0000000, 4,  "224.0.0.0/4 (multicast)" },
	{ 0xf0000000, 4,  "240.0.0.0/4 (reserved, and the broadcast address)" },
};
/* clang-format on */

static uint32_t prefix_mask(uint8_t prefix_len)
{
	return prefix_len ? ~0U << (32 - prefix_len) : 0;
}

bool netcfg_overlap(uint32_t a, uint8_t a_len, uint32_t b, uint8_t b_len)
{
	uint32_t mask = prefix_mask(a_len < b_len ? a_len : b_len);

	return (a & mask) == (b & mask);
}

const struct netcfg_range *netcfg_range_find(const struct netcfg_range *ranges, size_t n,
                                             uint32_t net, uint8_t prefix_len)
{
	for (size_t i = 0; i < n; i++) {
		if (netcfg_overlap(ranges[i].net, ranges[i].prefix_len, net, prefix_len))
			return &ranges[i];
	}
	return NULL;
}

int netcfg_pool_parse(const char *cidr, struct netcfg_pool *pool, struct rt_err *err)
{
	char buf[NETCFG_ADDR_STRLEN + 4];
	const char *slash = strchr(cidr, '/');
	const struct netcfg_range *r;
	struct in_addr in;
	unsigned long len;
	char *end;

	if (!slash || (size_t)(slash - cidr) >= NETCFG_ADDR_STRLEN)
		goto bad;
	memcpy(buf, cidr, (size_t)(slash - cidr));
	buf[slash - cidr] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		goto bad;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || len > NETCFG_BLOCK_PLEN)
		goto bad;
	pool->net = ntohl(in.s_addr);
	pool->prefix_len = (uint8_t)len;
	if (pool->net & ~prefix_mask(pool->prefix_len))
		return rt_fail(
		        err, 0, "netcfg: --subnet '%s' has host bits set (did you mean %s/%lu?)",
		        cidr, netcfg_addr_str(pool->net & prefix_mask(pool->prefix_len), buf), len);
	r = netcfg_range_find(reserved_ranges, ARRAY_SIZE(reserved_ranges), pool->net,
	                      pool->prefix_len);
	if (r)
		return rt_fail(err, 0, "netcfg: --subnet '%s' overlaps %s", cidr, r->what);
	return 0;
bad:
	return rt_fail(err, 0,
	               "netcfg: --subnet '%s' is not an IPv4 CIDR block of /30 or larger "
	               "(e.g. 10.88.0.0/16)",
	               cidr);
}

int netcfg_subnet_check(const char *cidr, struct rt_err *err)
{
	struct netcfg_pool pool;

	return netcfg_pool_parse(cidr, &pool, err);
}

uint32_t netcfg_pool_blocks(const struct netcfg_pool *pool)
{
	return (uint32_t)((1ULL << (32 - pool->prefix_len)) / NETCFG_BLOCK_SIZE);
}

void netcfg_pool_block(const struct netcfg_pool *pool, uint32_t index, struct netcfg_block *b)
{
	b->base = pool->net + index * NETCFG_BLOCK_SIZE;
	b->gateway = b->base + 1;
	b->addr = b->base + 2;
}

const char *netcfg_addr_str(uint32_t addr, char *buf)
{
	struct in_addr in = { .s_addr = htonl(addr) };

	if (!inet_ntop(AF_INET, &in, buf, NETCFG_ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

int netcfg_name(pid_t pid, char *buf, size_t size)
{
	int n = snprintf(buf, size, "ent-%ld", (long)pid);

	return n < 0 || (size_t)n >= size || n >= NETCFG_NAME_MAX ? -1 : 0;
}

const char *netcfg_publish_str(const struct netcfg_publish *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%u:%u%s", p->host_ip, p->host_ip[0] ? ":" : "", p->host_port,
	         p->port, p->protocol == IPPROTO_UDP ? "/udp" : "");
	return buf;
}

int netcfg_publish_check(const struct netcfg_publish *p, struct rt_err *err)
{
	char text[NETCFG_PUBLISH_STRLEN];
	struct in_addr in;

	if (!p->host_ip[0])
		return 0;
	if (inet_pton(AF_INET, p->host_ip, &in) != 1)
		return rt_fail(err, 0, "netcfg: --publish %s: '%s' is not an IPv4 address",
		               netcfg_publish_str(p, text, sizeof(text)), p->host_ip);
	/* A port is published on an address of the host's: multicast and broadcast are none. */
	if (IN_MULTICAST(ntohl(in.s_addr)) || ntohl(in.s_addr) == INADDR_BROADCAST)
		return rt_fail(
		        err, 0,
		        "netcfg: --publish %s: '%s' is a multicast or broadcast address, not "
		        "one of the host's",
		        netcfg_publish_str(p, text, sizeof(text)), p->host_ip);
	return 0;
}
