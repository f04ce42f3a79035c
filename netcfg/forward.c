/*
 * netcfg/forward.c - IPv4 forwarding, only while ent-run's containers need it, and only for
 * them (ip(7) and net.ipv4.ip_forward in the kernel's ip-sysctl documentation; nftables).
 *
 * A container's packets cross the host from its veth to the host's other interfaces: that is
 * forwarding, off by default on a Linux host. Where the host already forwards (a router,
 * another container engine), we change nothing. Where it does not, we turn it on while a
 * container of ours runs in this network namespace and back off when the last one ends, and
 * meanwhile a filter makes sure the host forwards nothing but our veths' traffic:
 *
 *   table ip ent-run-forward {
 *     chain forward { type filter hook forward priority filter; policy accept;
 *       iifname != "ent-*" oifname != "ent-*" drop
 *     }
 *   }
 *
 * The table is also the record that forwarding is ours to turn off: it is created before
 * ip_forward is set to 1 and deleted after it is back to 0, so a run killed at any point leaves
 * either both or a table that says "restore". The table lives in the network namespace it is
 * about, so nothing outside can mistake it. The callers hold the lease lock and count the
 * containers (lease.c).
 */
#include "netcfg/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

#define IP_FORWARD "net/ipv4/ip_forward"

/* 1 when the host forwards IPv4, 0 when not, -1 when unreadable. */
static int forwarding_on(void)
{
	_cleanup_close_ int fd = open("/proc/sys/" IP_FORWARD, O_RDONLY | O_CLOEXEC);
	char c = 0;

	if (fd < 0 || read(fd, &c, 1) != 1)
		return -1;
	return c == '1';
}

/* iifname != "ent-*" oifname != "ent-*" drop: forward nothing that is not ours. */
static bool fill_only_ours(struct nftnl_rule *r, const void *arg)
{
	(void)arg;
	return nft_match_ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, "ent-", true) &&
	       nft_match_ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, "ent-", true) &&
	       nft_verdict(r, NF_DROP);
}

int netcfg_forward_acquire(struct rt_err *err)
{
	_cleanup_(nft_batch_freep) struct nft_batch *bt = NULL;
	int on = forwarding_on(), errnum;

	if (on < 0)
		return rt_fail(err, errno, "netcfg: read /proc/sys/%s", IP_FORWARD);
	if (on) /* the host's (or already ours): nothing to change */
		return 0;
	bt = nft_batch_new();
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
	return netcfg_sysctl_set(IP_FORWARD, "1", err);
}

void netcfg_forward_release(void)
{
	_cleanup_(nft_batch_freep) struct nft_batch *bt = NULL;
	struct rt_err ignored = { 0 };

	if (nft_table_exists(NETCFG_FORWARD_TABLE) != 1)
		return; /* not ours: the host forwarded before us, or we never turned it on */
	if (forwarding_on() != 0 && netcfg_sysctl_set(IP_FORWARD, "0", &ignored) < 0)
		return; /* keep the filter while forwarding stays on */
	bt = nft_batch_new();
	if (!bt)
		return;
	nft_del_table(bt, NETCFG_FORWARD_TABLE);
	rt_trace("net", "nftables batch: delete table ip %s", NETCFG_FORWARD_TABLE);
	nft_batch_send(bt, NULL);
}
