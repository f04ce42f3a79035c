/*
 * netcfg/pool.c - address arithmetic for the container pool, and names (pure: no system calls).
 *
 * Each container of network.access=user and above gets a /30 of the pool (--subnet, default
 * 10.88.0.0/16): the block's first usable address goes on the host side of its veth, the second
 * in the container, and the two ends are each other's only neighbour. Block N of a pool is
 * simply net + 4 * N, so a lease is named by its block's address and needs no other record.
 */
#include "netcfg/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int netcfg_pool_parse(const char *cidr, struct netcfg_pool *pool, struct rt_err *err)
{
	char buf[NETCFG_ADDR_STRLEN + 4];
	const char *slash = strchr(cidr, '/');
	struct in_addr in;
	unsigned long len;
	char *end;
	uint32_t mask;

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
	mask = len ? ~0U << (32 - len) : 0;
	pool->net = ntohl(in.s_addr);
	pool->prefix_len = (uint8_t)len;
	if (pool->net & ~mask)
		return rt_fail(err, 0,
		               "netcfg: --subnet '%s' has host bits set (did you mean %s/%lu?)",
		               cidr, netcfg_addr_str(pool->net & mask, buf), len);
	return 0;
bad:
	return rt_fail(err, 0,
	               "netcfg: --subnet '%s' is not an IPv4 CIDR block of /30 or larger "
	               "(e.g. 10.88.0.0/16)",
	               cidr);
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

int netcfg_publish_check(const struct netcfg_publish *p, struct rt_err *err)
{
	struct in_addr in;

	if (!p->host_ip[0] || inet_pton(AF_INET, p->host_ip, &in) == 1)
		return 0;
	return rt_fail(err, 0,
	               "netcfg: --publish %s:%u:%u: '%s' is not an IPv4 address of this host",
	               p->host_ip, p->host_port, p->port, p->host_ip);
}
