/*
 * netcfg/link.c - network configuration inside the container's network namespace, through
 * rtnetlink with libnl-route-3 (rtnetlink(7), netdevice(7)).
 */
#include "netcfg/netcfg.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "runtime/log.h"

static void nl_socket_freep(struct nl_sock **sk)
{
	if (*sk)
		nl_socket_free(*sk);
}

static void rtnl_link_putp(struct rtnl_link **link)
{
	if (*link)
		rtnl_link_put(*link);
}

/* libnl returns its own negative codes; map the common ones back to errno for the message. */
static int nl_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_PERM:
		return EPERM;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return ENODEV;
	default:
		return EIO;
	}
}

/*
 * A new network namespace starts with only "lo", and it is down: without this even 127.0.0.1
 * is unreachable. RTM_NEWLINK with IFF_UP set brings it up.
 */
static int link_up(struct nl_sock *sk, const char *name, struct rt_err *err)
{
	struct rtnl_link *link __attribute__((cleanup(rtnl_link_putp))) = NULL;
	struct rtnl_link *change __attribute__((cleanup(rtnl_link_putp))) = rtnl_link_alloc();
	int r;

	if (!change)
		return rt_fail(err, ENOMEM, "netcfg: allocate a link change");
	r = rtnl_link_get_kernel(sk, 0, name, &link);
	if (r < 0)
		return rt_fail(err, nl_errno(r), "netcfg: find link %s: %s", name, nl_geterror(r));
	rtnl_link_set_flags(change, IFF_UP);
	rt_trace("net", "RTM_NEWLINK %s flags IFF_UP", name);
	r = rtnl_link_change(sk, link, change, 0);
	if (r < 0)
		return rt_fail(err, nl_errno(r), "netcfg: bring %s up: %s", name, nl_geterror(r));
	return 0;
}

int netcfg_configure(const struct netcfg_spec *spec, struct rt_err *err)
{
	struct nl_sock *sk __attribute__((cleanup(nl_socket_freep))) = NULL;
	int r;

	if (spec->mode == NETCFG_HOST)
		return 0;
	sk = nl_socket_alloc();
	if (!sk)
		return rt_fail(err, ENOMEM, "netcfg: allocate a netlink socket");
	rt_trace("net", "socket(AF_NETLINK, NETLINK_ROUTE)");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		return rt_fail(err, nl_errno(r), "netcfg: connect to rtnetlink: %s", nl_geterror(r));
	return link_up(sk, "lo", err);
}
