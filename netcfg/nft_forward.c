/*
 * netcfg/nft_forward.c - table ip ent-run-forward, in ent-run-nft: the filter that lets the
 * host forward nothing but our veths' traffic while forwarding is ours (netcfg/forward.c says
 * when, and sets the sysctl; at the last container's end, nft_end_last sets it back here).
 *
 *   table ip ent-run-forward {
 *     chain forward { type filter hook forward priority filter; policy accept;
 *       iifname != "ent-*" oifname != "ent-*" drop
 *     }
 *   }
 */
#include "netcfg/nft.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "base/cleanup.h"
#include "base/log.h"

/* iifname != "ent-*" oifname != "ent-*" drop: forward nothing that is not ours. */
static bool fill_only_ours(struct nftnl_rule *r, const void *arg)
{
	(void)arg;
	return nft_match_ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, "ent-", true) &&
	       nft_match_ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, "ent-", true) &&
	       nft_verdict(r, NF_DROP);
}

int nft_forward_add(struct rt_err *err)
{
	_cleanup_(nft_batch_freep) struct nft_batch *bt = nft_batch_new();
	int errnum;

	if (!bt)
		return rt_fail(err, ENOMEM, "netcfg: nftables batch");
	nft_add_table(bt, NETCFG_FORWARD_TABLE, 0, NLM_F_CREATE | NLM_F_EXCL);
	nft_add_chain(bt, NETCFG_FORWARD_TABLE, "forward", NF_INET_FORWARD, 0, "filter");
	nft_add_rule(bt, NETCFG_FORWARD_TABLE, "forward", fill_only_ours, NULL);
	rt_trace("net", "nftables batch: table ip %s, chain forward: drop what is not ours",
	         NETCFG_FORWARD_TABLE);
	errnum = nft_batch_send(bt, NULL);
	/* EEXIST: a start killed between the table and the sysctl; the table is ours. */
	if (errnum && errnum != EEXIST)
		return rt_fail(err, errnum, "netcfg: nftables: add table ip %s",
		               NETCFG_FORWARD_TABLE);
	return 0;
}

int nft_forward_exists(void)
{
	return nft_table_exists(NULL, NETCFG_FORWARD_TABLE);
}

int nft_forward_delete(struct rt_err *err)
{
	_cleanup_(nft_batch_freep) struct nft_batch *bt = nft_batch_new();
	int errnum;

	if (!bt)
		return rt_fail(err, ENOMEM, "netcfg: nftables batch");
	nft_del_table(bt, NETCFG_FORWARD_TABLE);
	rt_trace("net", "nftables batch: delete table ip %s", NETCFG_FORWARD_TABLE);
	errnum = nft_batch_send(bt, NULL);
	if (errnum && errnum != ENOENT)
		return rt_fail(err, errnum, "netcfg: nftables: delete table ip %s",
		               NETCFG_FORWARD_TABLE);
	return 0;
}

/*
 * One batch, so one commit: the kernel frees what a commit deleted after an RCU grace period,
 * in a worker, and the next close of a netfilter socket waits for that worker. Deleting the
 * container's table by closing its owner socket waits for a grace period of its own, and the
 * filter's deletion by another socket for one more at that socket's close (several
 * milliseconds each where grace periods are not expedited: docs/PERFORMANCE.md). Every step
 * goes through the owner socket, ent-run's, so that this helper's end waits for nothing: our
 * copy of the socket is not its last descriptor.
 */
int nft_end_last(const char *name, int owner_fd, struct rt_err *err)
{
	_cleanup_(nft_batch_freep) struct nft_batch *bt = nft_batch_new();
	_cleanup_(nft_socket_closep) struct mnl_socket *nl = NULL;
	struct rt_err ignored = { 0 };
	socklen_t len = sizeof(int);
	int domain = 0, protocol = 0;
	bool filter = false;
	int exists, errnum;

	if (!bt)
		return rt_fail(err, ENOMEM, "netcfg: nftables batch");
	/* mnl_socket_fdopen takes any descriptor: this one must be a netfilter socket. */
	if (getsockopt(owner_fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    getsockopt(owner_fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0 ||
	    domain != AF_NETLINK || protocol != NETLINK_NETFILTER)
		return rt_fail(err, EBADF, "netcfg: descriptor %d is no netfilter socket",
		               owner_fd);
	nl = mnl_socket_fdopen(owner_fd);
	if (!nl)
		return rt_fail(err, errno, "netcfg: the netfilter socket that owns table ip %s",
		               name);
	/* As netcfg_forward_release: the sysctl back to 0 before the filter goes. */
	exists = nft_table_exists(nl, NETCFG_FORWARD_TABLE);
	if (exists == 1)
		filter = netcfg_forward_off(&ignored) == 0;
	nft_del_table(bt, name);
	if (filter)
		nft_del_table(bt, NETCFG_FORWARD_TABLE);
	rt_trace("net", "nftables batch: delete table ip %s%s", name,
	         filter ? ", table ip " NETCFG_FORWARD_TABLE : "");
	errnum = nft_batch_send(bt, nl);
	if (errnum)
		return rt_fail(err, errnum, "netcfg: nftables: delete table ip %s%s", name,
		               filter ? " and table ip " NETCFG_FORWARD_TABLE : "");
	return exists == 0 || filter;
}
