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
 * containers (lease.c). ent-run-nft makes and deletes the table (nft_forward.c); the sysctl is
 * written here (sysctl.c). At the end of the last container the table goes in the batch that
 * deletes the container's own, and ent-run-nft writes the sysctl first (nft_end_last).
 */
#include "netcfg/internal.h"

#include <errno.h>

#include "base/log.h"

/*
 * forward-NETNS (NETCFG_MARK_FORWARD): made before the table, removed after it, so that where
 * it is missing there is no table of ours to look for, and a container's end runs no
 * ent-run-nft on a host that forwards anyway (most do). The table stays the record of what is
 * ours; ipforward-NETNS (NETCFG_MARK_FORWARD_ON), made once the sysctl is 1, records that we
 * set it, for when the table is taken away from outside meanwhile (an nftables reload, `nft
 * flush ruleset`): forwarding, ours, is then turned off all the same.
 */
int netcfg_forward_acquire(int base_fd, struct rt_err *err)
{
	int on = netcfg_forwarding_on();

	if (on < 0)
		return rt_fail(err, errno, "netcfg: read /proc/sys/%s", NETCFG_IP_FORWARD);
	if (on) /* the host's (or already ours): nothing to change */
		return 0;
	if (netcfg_mark_here(base_fd, NETCFG_MARK_FORWARD, err) < 0 ||
	    netcfg_nft_forward_add(err) < 0 || netcfg_sysctl_set(NETCFG_IP_FORWARD, "1", err) < 0)
		return -1;
	return netcfg_mark_here(base_fd, NETCFG_MARK_FORWARD_ON, err);
}

void netcfg_forward_release(int base_fd, bool collecting)
{
	struct rt_err ignored = { 0 };
	int exists;

	if (!collecting && !netcfg_marked_here(base_fd, NETCFG_MARK_FORWARD))
		return; /* no table of ours in this network namespace */
	exists = netcfg_nft_forward_exists(&ignored);
	if (exists < 0)
		return; /* ask again at the next end */
	/* The sysctl back to 0 before the filter goes; the filter stays while forwarding does. */
	if (exists == 1 &&
	    (netcfg_forward_off(&ignored) < 0 || netcfg_nft_forward_delete(&ignored) < 0))
		return;
	netcfg_forward_forget(base_fd, &ignored);
}

int netcfg_forward_forget(int base_fd, struct rt_err *err)
{
	/* Gone from outside (an nftables reload): the sysctl, ours, goes back all the same. */
	if (netcfg_marked_here(base_fd, NETCFG_MARK_FORWARD_ON) && netcfg_forward_off(err) < 0)
		return -1;
	netcfg_unmark_here(base_fd, NETCFG_MARK_FORWARD_ON);
	netcfg_unmark_here(base_fd, NETCFG_MARK_FORWARD);
	return 0;
}
