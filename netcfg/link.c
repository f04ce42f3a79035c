/*
 * netcfg/link.c - links, addresses and routes through rtnetlink with libnl-route-3
 * (rtnetlink(7), veth(4)): eth0 from inside the container, the veth pair from the host; and
 * the container's loopback, from inside, with the device ioctls (netdevice(7)).
 *
 * A veth pair is a virtual cable: what enters one end leaves the other. We create it in the
 * host's namespace with the peer end created directly inside the container's (IFLA_NET_NS_PID
 * on the peer), so "eth0" never exists on the host, where that name is probably taken.
 *
 * rtnetlink is a socket protocol: each change is one message (RTM_NEWLINK, RTM_NEWADDR,
 * RTM_NEWROUTE, ...) that the kernel answers with an acknowledgement or an error. libnl builds
 * the messages from objects (rtnl_link, rtnl_addr, rtnl_route) and waits for the answer, so
 * each function here is one request, and its error is the kernel's. A socket reaches the
 * network namespace of the process that opened it: the child opens its own, inside the
 * container's namespace; the parent opens one in the host's.
 */
#include "netcfg/internal.h"
#include "netcfg/netcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

void netcfg_nl_socket_freep(struct nl_sock **sk)
{
	if (*sk)
		nl_socket_free(*sk);
}

static void rtnl_link_putp(struct rtnl_link **link)
{
	if (*link)
		rtnl_link_put(*link);
}

static void rtnl_addr_putp(struct rtnl_addr **addr)
{
	if (*addr)
		rtnl_addr_put(*addr);
}

static void rtnl_route_putp(struct rtnl_route **route)
{
	if (*route)
		rtnl_route_put(*route);
}

static void nl_addr_putp(struct nl_addr **addr)
{
	if (*addr)
		nl_addr_put(*addr);
}

/*
 * libnl turns the kernel's errno into its own codes (nl_syserr2nlerr); these are the ones
 * that carry an errno back. Another code is libnl's own (a malformed answer, say).
 */
static const struct {
	int nlerr;
	int errnum;
} nl_errnos[] = {
	{ NLE_PERM, EPERM },
	{ NLE_NOACCESS, EACCES },
	{ NLE_NOMEM, ENOMEM },
	{ NLE_EXIST, EEXIST },
	{ NLE_NODEV, ENODEV },
	{ NLE_OBJ_NOTFOUND, ENODEV },
	{ NLE_INVAL, EINVAL },
	{ NLE_BUSY, EBUSY },
	{ NLE_AGAIN, EAGAIN },
	{ NLE_RANGE, ERANGE },
	{ NLE_MSGSIZE, EMSGSIZE },
	{ NLE_NOADDR, EADDRNOTAVAIL },
	{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
	{ NLE_OPNOTSUPP, EOPNOTSUPP },
};

int netcfg_nl_fail(struct rt_err *err, int nlerr, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One cause per line: the errno when libnl folded one in, else libnl's own words. */
	for (size_t i = 0; i < ARRAY_SIZE(nl_errnos); i++) {
		if (nl_errnos[i].nlerr == -nlerr)
			return rt_fail(err, nl_errnos[i].errnum, "%s", msg);
	}
	return rt_fail(err, 0, "%s: %s", msg, nl_geterror(nlerr));
}

/*
 * A NETLINK_ROUTE socket: nl_connect binds it with a port id of its own and turns on the
 * acknowledgements every request below waits for.
 */
struct nl_sock *netcfg_rtnl_open(struct rt_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk) {
		rt_fail(err, ENOMEM, "netcfg: allocate a netlink socket");
		return NULL;
	}
	rt_trace("net", "socket(AF_NETLINK, NETLINK_ROUTE)");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		netcfg_nl_fail(err, r, "netcfg: connect to rtnetlink");
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* RTM_GETLINK by name: its interface index, which addresses and routes refer to. */
static int link_index(struct nl_sock *sk, const char *name, struct rt_err *err)
{
	struct rtnl_link *link __attribute__((cleanup(rtnl_link_putp))) = NULL;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);

	if (r < 0)
		return netcfg_nl_fail(err, r, "netcfg: find link %s", name);
	return rtnl_link_get_ifindex(link);
}

/* RTM_NEWLINK with IFF_UP set brings a link up; the link is looked up by name first. */
static int link_up(struct nl_sock *sk, const char *name, struct rt_err *err)
{
	struct rtnl_link *link __attribute__((cleanup(rtnl_link_putp))) = rtnl_link_alloc();
	struct rtnl_link *change __attribute__((cleanup(rtnl_link_putp))) = rtnl_link_alloc();
	int ifindex, r;

	if (!change || !link)
		return rt_fail(err, ENOMEM, "netcfg: allocate a link change");
	ifindex = link_index(sk, name, err);
	if (ifindex < 0)
		return -1;
	rtnl_link_set_ifindex(link, ifindex);
	rtnl_link_set_flags(change, IFF_UP);
	rt_trace("net", "RTM_NEWLINK %s flags IFF_UP", name);
	r = rtnl_link_change(sk, link, change, 0);
	if (r < 0)
		return netcfg_nl_fail(err, r, "netcfg: bring %s up", name);
	return 0;
}

/* An nl_addr (libnl's address object) for an IPv4 address in network byte order, /prefix_len. */
static struct nl_addr *ipv4_addr(uint32_t addr, uint8_t prefix_len, struct rt_err *err)
{
	struct nl_addr *a = nl_addr_build(AF_INET, &addr, sizeof(addr));

	if (!a) {
		rt_fail(err, ENOMEM, "netcfg: allocate an address");
		return NULL;
	}
	nl_addr_set_prefixlen(a, prefix_len);
	return a;
}

/* RTM_NEWADDR: addr/prefix_len on link ifindex (the kernel adds the connected route). */
static int addr_add(struct nl_sock *sk, const char *ifname, uint32_t addr, uint8_t prefix_len,
                    struct rt_err *err)
{
	struct rtnl_addr *ra __attribute__((cleanup(rtnl_addr_putp))) = rtnl_addr_alloc();
	struct nl_addr *local __attribute__((cleanup(nl_addr_putp))) = NULL;
	char text[NETCFG_ADDR_STRLEN];
	int ifindex, r;

	if (!ra)
		return rt_fail(err, ENOMEM, "netcfg: allocate an address");
	ifindex = link_index(sk, ifname, err);
	if (ifindex < 0)
		return -1;
	local = ipv4_addr(addr, prefix_len, err);
	if (!local)
		return -1;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_local(ra, local);
	inet_ntop(AF_INET, &addr, text, sizeof(text));
	rt_trace("net", "RTM_NEWADDR %s/%u dev %s", text, prefix_len, ifname);
	r = rtnl_addr_add(sk, ra, 0);
	if (r < 0)
		return netcfg_nl_fail(err, r, "netcfg: add address %s/%u to %s", text, prefix_len,
		                      ifname);
	return 0;
}

/* RTM_NEWROUTE 0.0.0.0/0 via gateway dev ifname: everything not on the link goes to the host. */
static int default_route_add(struct nl_sock *sk, const char *ifname, uint32_t gateway,
                             struct rt_err *err)
{
	struct rtnl_route *route __attribute__((cleanup(rtnl_route_putp))) = rtnl_route_alloc();
	struct nl_addr *dst __attribute__((cleanup(nl_addr_putp))) = NULL;
	struct nl_addr *gw __attribute__((cleanup(nl_addr_putp))) = NULL;
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	char text[NETCFG_ADDR_STRLEN];
	int ifindex, r;

	if (!route || !nh) {
		rtnl_route_nh_free(nh);
		return rt_fail(err, ENOMEM, "netcfg: allocate a route");
	}
	ifindex = link_index(sk, ifname, err);
	dst = ipv4_addr(0, 0, err);
	gw = ipv4_addr(gateway, 32, err);
	if (ifindex < 0 || !dst || !gw) {
		rtnl_route_nh_free(nh);
		return -1;
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_dst(route, dst);
	rtnl_route_add_nexthop(route, nh); /* the route owns nh from here */
	inet_ntop(AF_INET, &gateway, text, sizeof(text));
	rt_trace("net", "RTM_NEWROUTE default via %s dev %s", text, ifname);
	r = rtnl_route_add(sk, route, NLM_F_EXCL);
	if (r < 0)
		return netcfg_nl_fail(err, r, "netcfg: add default route via %s", text);
	return 0;
}

/*
 * Loopback up, from inside (a new namespace's "lo" starts down, and without it even
 * 127.0.0.1 is unreachable): two ioctls on a socket of the namespace we are in (netdevice(7)),
 * SIOCGIFFLAGS to read its flags and SIOCSIFFLAGS to set them with IFF_UP, which is what an
 * RTM_NEWLINK with IFF_UP does. No netlink socket is opened for it: a container without eth0
 * (the default) needs none, so the parent need not enter its namespace and the child need not
 * wait for it (docs/PERFORMANCE.md, "The container's loopback"). Any socket reaches the device
 * ioctls; an AF_UNIX one is the cheapest to make.
 */
static int loopback_up(struct rt_err *err)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int fd = -1;

	rt_trace("net", "socket(AF_UNIX, SOCK_DGRAM): for the device ioctls");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rt_fail(err, errno, "netcfg: bring lo up: socket");
	rt_trace("net", "ioctl(SIOCGIFFLAGS, \"lo\")");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return rt_fail(err, errno, "netcfg: bring lo up: SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	rt_trace("net", "ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP)");
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return rt_fail(err, errno, "netcfg: bring lo up: SIOCSIFFLAGS");
	return 0;
}

/* The container's eth0, on sk, a route netlink socket in its network namespace. */
static int configure_on(struct nl_sock *sk, const struct netcfg_spec *spec, struct rt_err *err)
{
	/*
	 * The container side of the veth the parent created for us (netcfg_host_attach): its
	 * address first (the kernel adds the route to the /30 with it), then up, then the
	 * default route, which needs the gateway to be reachable on an up link.
	 */
	if (addr_add(sk, spec->ifname, spec->addr, spec->prefix_len, err) < 0)
		return -1;
	if (link_up(sk, spec->ifname, err) < 0)
		return -1;
	return default_route_add(sk, spec->ifname, spec->gateway, err);
}

int netcfg_loopback_up(const struct netcfg_spec *spec, struct rt_err *err)
{
	if (spec->mode == NETCFG_HOST)
		return 0;
	return loopback_up(err);
}

int netcfg_configure(const struct netcfg_spec *spec, struct rt_err *err)
{
	struct nl_sock *sk __attribute__((cleanup(netcfg_nl_socket_freep))) = NULL;

	if (spec->mode == NETCFG_HOST || !spec->ifname[0])
		return 0;
	sk = netcfg_rtnl_open(err);
	if (!sk)
		return -1;
	return configure_on(sk, spec, err);
}

struct netcfg_inside {
	struct nl_sock *sk;
};

/*
 * setns(2) into the child's network namespace (through its pidfd: no pid to be recycled), a
 * socket there, and back: a socket belongs to the namespace it was made in, whichever
 * namespace its user is in later. Only a root parent gets here with an eth0 to configure (a
 * rootless container's is its helper's); should setns fail all the same, *out is NULL and the
 * child configures eth0 itself (netcfg_configure).
 */
int netcfg_inside_open(const struct netcfg_spec *spec, int child_pidfd, struct netcfg_inside **out,
                       struct rt_err *err)
{
	_cleanup_close_ int ours = -1;
	struct rt_err why = { 0 };
	struct netcfg_inside *in;

	*out = NULL;
	if (spec->mode == NETCFG_HOST || !spec->ifname[0] || geteuid() != 0)
		return 0;
	ours = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ours < 0)
		return rt_fail(err, errno, "netcfg: open /proc/self/ns/net");
	in = calloc(1, sizeof(*in));
	if (!in)
		return rt_fail(err, ENOMEM, "netcfg: the container's network");
	if (setns(child_pidfd, CLONE_NEWNET) < 0) {
		rt_trace("net", "setns(pidfd, CLONE_NEWNET): %s: the child configures its network",
		         strerror(errno));
		free(in);
		return 0;
	}
	rt_trace("net", "setns(pidfd, CLONE_NEWNET), a socket, setns back: the parent configures "
	                "the container's network while the child builds its file system");
	in->sk = netcfg_rtnl_open(&why);
	/*
	 * Back, whatever happened. Should that fail (out of memory), nothing more may be done
	 * from here: a veth, an nftables rule, would be looked for in the container's namespace.
	 * We leave as a killed ent-run would; the next start collects what we leave.
	 */
	if (setns(ours, CLONE_NEWNET) < 0) {
		rt_fail(&why, errno, "netcfg: setns back to our network namespace");
		rt_err_print(&why);
		_exit(RT_EXIT_FAILED);
	}
	if (!in->sk) {
		free(in);
		*err = why;
		return -1;
	}
	*out = in;
	return 0;
}

int netcfg_inside_configure(struct netcfg_inside *in, const struct netcfg_spec *spec,
                            struct rt_err *err)
{
	int r = configure_on(in->sk, spec, err);

	netcfg_inside_free(in);
	return r;
}

void netcfg_inside_free(struct netcfg_inside *in)
{
	if (!in)
		return;
	if (in->sk)
		nl_socket_free(in->sk);
	free(in);
}

/*
 * One RTM_NEWLINK makes both ends: the host's, named after the container and up, and the
 * peer, which IFLA_NET_NS_PID creates directly in the child's network namespace as "eth0"
 * (the child brings it up and addresses it from inside). NLM_F_EXCL: an interface of that
 * name already there is an error, never taken over. Then the host side gets the gateway
 * address of the container's /30, and with it the route to the container.
 */
int netcfg_veth_create(const char *host_name, pid_t child, uint32_t gateway, uint8_t prefix_len,
                       struct rt_err *err)
{
	struct nl_sock *sk __attribute__((cleanup(netcfg_nl_socket_freep))) = netcfg_rtnl_open(err);
	struct rtnl_link *veth __attribute__((cleanup(rtnl_link_putp))) = NULL;
	struct rtnl_link *peer;
	int r;

	if (!sk)
		return -1;
	veth = rtnl_link_veth_alloc();
	if (!veth)
		return rt_fail(err, ENOMEM, "netcfg: allocate a veth link");
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(veth, host_name);
	rtnl_link_set_flags(veth, IFF_UP);
	rtnl_link_set_name(peer, NETCFG_IFNAME);
	rtnl_link_set_ns_pid(peer, child); /* IFLA_NET_NS_PID: born in the child's netns */
	rtnl_link_put(peer);
	rt_trace("net", "RTM_NEWLINK type veth %s (IFF_UP) peer %s in the netns of pid %d",
	         host_name, NETCFG_IFNAME, (int)child);
	r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0) {
		netcfg_nl_fail(err, r, "netcfg: create veth %s", host_name);
		if (r == -NLE_EXIST)
			rt_err_hint(err, "an interface called %s already exists on the host",
			            host_name);
		return -1;
	}
	return addr_add(sk, host_name, gateway, prefix_len, err);
}

/*
 * RTM_DELLINK by name: deleting one end of a veth deletes both. Best effort, for clean-up and
 * collection: the kernel may have removed it already, with the container's namespace.
 */
void netcfg_link_delete(const char *name)
{
	struct rt_err ignored = { 0 };
	struct nl_sock *sk __attribute__((cleanup(netcfg_nl_socket_freep))) =
	        netcfg_rtnl_open(&ignored);
	struct rtnl_link *link __attribute__((cleanup(rtnl_link_putp))) = rtnl_link_alloc();

	if (!sk || !link)
		return;
	rtnl_link_set_name(link, name);
	rt_trace("net", "RTM_DELLINK %s", name);
	rtnl_link_delete(sk, link); /* ENODEV when the container's exit already took it */
}

bool netcfg_link_exists(const char *name)
{
	return if_nametoindex(name) != 0; /* SIOCGIFINDEX: no netlink socket for one question */
}
