/*
 * netcfg/hostaddr.c - which IPv4 ranges the host already uses: its local addresses and its
 * routes, in every routing table (rtnetlink(7) dumps through libnl-route-3 caches).
 *
 * A container's /30 goes on a veth of the host, and the kernel then routes that /30 there: if
 * the host already had an address or a route in it, the container would take it over (a
 * gateway that becomes a local address, a VPN range that now ends in a container). So a pool
 * is compared with everything the host routes, not only the main table (policy routing keeps
 * VPN and cloud routes in tables of their own) and not only unicast routes. The default route
 * (prefix length 0) overlaps everything and is left out: it is where the container's traffic
 * is meant to go.
 *
 * Our own veths are part of the host too; the caller tells us which addresses are ours (a
 * running container's lease), and those are not in the way.
 */
#include "netcfg/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

struct used_walk {
	const struct netcfg_pool *pool;
	netcfg_ours_fn ours;
	void *data;
	struct nl_cache *links;
	struct netcfg_used *out;
	int error; /* ENOMEM while adding */
};

static void nl_cache_freep(struct nl_cache **cache)
{
	if (*cache)
		nl_cache_free(*cache);
}

/* The host-order IPv4 address of a, or false when a is not one. */
static bool ipv4_of(struct nl_addr *a, uint32_t *out)
{
	uint32_t be;

	if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != sizeof(be))
		return false;
	memcpy(&be, nl_addr_get_binary_addr(a), sizeof(be));
	*out = ntohl(be);
	return true;
}

/* Does net/prefix_len (on ifindex, 0 = none) overlap the pool, and is it not one of ours? */
static bool in_the_way(struct used_walk *w, uint32_t net, uint8_t prefix_len, int ifindex,
                       char *ifname, size_t size)
{
	snprintf(ifname, size, "?");
	if (!netcfg_overlap(net, prefix_len, w->pool->net, w->pool->prefix_len))
		return false;
	if (ifindex > 0)
		rtnl_link_i2name(w->links, ifindex, ifname, size);
	return !(w->ours && ifindex > 0 && w->ours(net, ifname, w->data));
}

static void add_used(struct used_walk *w, uint32_t net, uint8_t prefix_len, const char *what)
{
	struct netcfg_used *u = w->out;
	struct netcfg_range *r;

	if (u->n == u->cap) {
		unsigned cap = u->cap ? 2 * u->cap : 8;
		struct netcfg_range *grown = realloc(u->ranges, cap * sizeof(*grown));

		if (!grown) {
			w->error = ENOMEM;
			return;
		}
		u->ranges = grown;
		u->cap = cap;
	}
	r = &u->ranges[u->n++];
	r->net = net;
	r->prefix_len = prefix_len;
	snprintf(r->what, sizeof(r->what), "%s", what);
}

/* A local address of the host: the address itself is in use. */
static void walk_addr(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	char ifname[IFNAMSIZ], addr[NETCFG_ADDR_STRLEN], what[96];
	uint32_t local;

	if (rtnl_addr_get_family(a) != AF_INET || !ipv4_of(rtnl_addr_get_local(a), &local) ||
	    !in_the_way(arg, local, 32, rtnl_addr_get_ifindex(a), ifname, sizeof(ifname)))
		return;
	snprintf(what, sizeof(what), "the host's address %s (%s)", netcfg_addr_str(local, addr),
	         ifname);
	add_used(arg, local, 32, what);
}

/*
 * A route with a prefix (every table, every type): its whole range is the host's. Described
 * as ip-route(8) shows it: "the host's route 10.9.0.0/16 dev eth1 table main".
 */
static void walk_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	char ifname[IFNAMSIZ], addr[NETCFG_ADDR_STRLEN], table[12], type[12], dev[24], what[96];
	struct rtnl_nexthop *nh;
	uint8_t prefix_len;
	uint32_t net;
	int ifindex = 0;

	if (rtnl_route_get_family(rt) != AF_INET || !ipv4_of(dst, &net) ||
	    nl_addr_get_prefixlen(dst) == 0)
		return;
	prefix_len = (uint8_t)nl_addr_get_prefixlen(dst);
	if (rtnl_route_get_nnexthops(rt) == 1 && (nh = rtnl_route_nexthop_n(rt, 0)))
		ifindex = rtnl_route_nh_get_ifindex(nh);
	if (!in_the_way(arg, net, prefix_len, ifindex, ifname, sizeof(ifname)))
		return;
	rtnl_route_table2str((int)rtnl_route_get_table(rt), table, sizeof(table));
	if (!strncmp(table, "0x", 2)) /* a table without a name: its number, as ip(8) shows it */
		snprintf(table, sizeof(table), "%u", rtnl_route_get_table(rt));
	nl_rtntype2str(rtnl_route_get_type(rt), type, sizeof(type));
	dev[0] = '\0';
	if (ifindex > 0)
		snprintf(dev, sizeof(dev), " dev %s", ifname);
	snprintf(what, sizeof(what), "the host's route %s%s%s/%u%s table %s",
	         strcmp(type, "unicast") ? type : "", strcmp(type, "unicast") ? " " : "",
	         netcfg_addr_str(net, addr), prefix_len, dev, table);
	add_used(arg, net, prefix_len, what);
}

int netcfg_host_used(const struct netcfg_pool *pool, netcfg_ours_fn ours, void *data,
                     struct netcfg_used *out, struct rt_err *err)
{
	struct nl_sock *sk __attribute__((cleanup(netcfg_nl_socket_freep))) = NULL;
	struct nl_cache *links __attribute__((cleanup(nl_cache_freep))) = NULL;
	struct nl_cache *addrs __attribute__((cleanup(nl_cache_freep))) = NULL;
	struct nl_cache *routes __attribute__((cleanup(nl_cache_freep))) = NULL;
	struct used_walk w = { .pool = pool, .ours = ours, .data = data, .out = out };
	int r;

	memset(out, 0, sizeof(*out));
	sk = netcfg_rtnl_open(err);
	if (!sk)
		return -1;
	rt_trace("net", "RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE dumps: the host's addresses "
	                "and routes (all tables)");
	r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (r >= 0)
		r = rtnl_addr_alloc_cache(sk, &addrs);
	if (r >= 0)
		r = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes);
	if (r < 0)
		return netcfg_nl_fail(err, r, "netcfg: read the host's addresses and routes");
	w.links = links;
	nl_cache_foreach(addrs, walk_addr, &w);
	nl_cache_foreach(routes, walk_route, &w);
	if (w.error) {
		netcfg_used_free(out);
		return rt_fail(err, w.error, "netcfg: the host's addresses and routes");
	}
	return 0;
}

void netcfg_used_free(struct netcfg_used *u)
{
	free(u->ranges);
	memset(u, 0, sizeof(*u));
}
