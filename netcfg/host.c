/*
 * netcfg/host.c - the host side of a container's network, in the parent: prepare before clone,
 * attach after it, release at the end (see netcfg.h for the order).
 *
 * As root: an address block leased from the pool, a veth pair, IPv4 forwarding (only where
 * the host had none, and only while needed), the container's own nftables table, and the
 * published host ports held. Rootless: pasta or slirp4netns. Both: a private resolv.conf and
 * hosts, bind-mounted over the rootfs's own.
 */
#include "netcfg/internal.h"
#include "netcfg/netcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

struct netcfg_host {
	const struct netcfg_spec *spec; /* the plan's: outlives us */
	struct netcfg_state state;
	struct netcfg_block block; /* root: host order */
	char resolv[PATH_MAX];
	char hosts[PATH_MAX];
	bool veth;                        /* created: delete it */
	int nat;                          /* the socket that owns the container's nftables table */
	struct netcfg_nft_call *nat_call; /* ent-run-nft making that table, not yet answered */
	int port_fds[ENT_MAX_PUBLISH];    /* the published host ports, held */
	unsigned n_ports;
	struct netcfg_helper helper;
};

static bool has_connectivity(enum netcfg_mode mode)
{
	return mode == NETCFG_USER || mode == NETCFG_PROXY || mode == NETCFG_ADMIN;
}

/*
 * Everything we can check before creating anything: a bad option fails with nothing to undo.
 * A published host port that something uses is refused here too: we bind it and let go (the
 * port is held for good after clone, so that the child does not inherit the socket).
 */
static int check_spec(const struct netcfg_spec *spec, bool root, struct netcfg_pool *pool,
                      struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_publish; i++) {
		int fd;

		if (netcfg_publish_check(&spec->publish[i], err) < 0)
			return -1;
		fd = netcfg_port_hold(&spec->publish[i], err);
		if (fd < 0)
			return -1;
		close(fd);
	}
	if (!root)
		return netcfg_helper_find(spec, err);
	return netcfg_pool_parse(spec->subnet[0] ? spec->subnet : "10.88.0.0/16", pool, err);
}

/* The container's side, read by netcfg_configure in the child (a copy of our memory). */
static void fill_spec(struct netcfg_spec *spec, const struct netcfg_block *b)
{
	snprintf(spec->ifname, sizeof(spec->ifname), "%s", NETCFG_IFNAME);
	spec->addr = htonl(b->addr);
	spec->gateway = htonl(b->gateway);
	spec->prefix_len = NETCFG_BLOCK_PLEN;
}

int netcfg_host_prepare(struct netcfg_spec *spec, const char *hostname, struct netcfg_host **out,
                        struct rt_err *err)
{
	struct netcfg_host *h;
	struct netcfg_pool pool;
	bool root = geteuid() == 0;

	*out = NULL;
	if (!has_connectivity(spec->mode)) {
		/* A killed run's leftovers: any start collects them. */
		return netcfg_state_collect(err);
	}
	if (check_spec(spec, root, &pool, err) < 0)
		return -1;
	/* Root's tables are made by ent-run-nft: a start without it fails before anything. */
	if (root && netcfg_nft_check(err) < 0)
		return -1;
	h = calloc(1, sizeof(*h));
	if (!h)
		return rt_fail(err, ENOMEM, "netcfg: host state");
	h->spec = spec;
	h->state.root = root;
	h->state.dir_fd = -1;
	h->helper.pidfd = -1;
	h->helper.exit_fd = -1;
	h->nat = -1;
	netcfg_name(getpid(), h->state.name, sizeof(h->state.name));
	if (netcfg_state_create(&h->state, root ? &pool : NULL, spec->subnet_given, &h->block,
	                        err) < 0)
		goto fail;
	if (root)
		fill_spec(spec, &h->block);
	if (snprintf(h->resolv, sizeof(h->resolv), "%s/resolv.conf", h->state.dir) >=
	            (int)sizeof(h->resolv) ||
	    snprintf(h->hosts, sizeof(h->hosts), "%s/hosts", h->state.dir) >=
	            (int)sizeof(h->hosts)) {
		rt_fail(err, ENAMETOOLONG, "netcfg: state directory %s", h->state.dir);
		goto fail;
	}
	if (netcfg_resolv_write(h->state.dir_fd, h->state.dir, err) < 0 ||
	    netcfg_hosts_write(h->state.dir_fd, h->state.dir, hostname, root ? spec->addr : 0,
	                       err) < 0)
		goto fail;
	*out = h;
	return 0;
fail:
	netcfg_host_release(h, false);
	return -1;
}

const char *netcfg_host_resolv_path(const struct netcfg_host *h)
{
	return h ? h->resolv : NULL;
}

const char *netcfg_host_hosts_path(const struct netcfg_host *h)
{
	return h ? h->hosts : NULL;
}

/*
 * As root, hold every published host port (ports.c) for the container's life, before any rule
 * redirects it, so that nothing the host runs is taken over. (Rootless, pasta binds the ports
 * itself; check_spec tried them.)
 */
static int hold_ports(struct netcfg_host *h, struct rt_err *err)
{
	for (unsigned i = 0; i < h->spec->n_publish; i++) {
		int fd = netcfg_port_hold(&h->spec->publish[i], err);

		if (fd < 0)
			return -1;
		h->port_fds[h->n_ports++] = fd;
	}
	return 0;
}

/* As root: held ports, veth, NAT (forwarding was settled with the lease). */
static int attach_veth(struct netcfg_host *h, pid_t child, struct rt_err *err)
{
	const struct netcfg_spec *spec = h->spec;
	const char *name = h->state.name;
	char key[64];

	if (hold_ports(h, err) < 0)
		return -1;
	if (netcfg_veth_create(name, child, htonl(h->block.gateway), NETCFG_BLOCK_PLEN, err) < 0)
		return -1;
	h->veth = true;
	/* Published to 127.0.0.1: let DNATed packets with a loopback source leave by the veth. */
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", name);
	if (spec->n_publish && netcfg_sysctl_set(key, "1", err) < 0)
		return -1;
	if (h->nat_call) { /* started right after clone (netcfg_host_start_nat) */
		struct netcfg_nft_call *c = h->nat_call;

		h->nat_call = NULL;
		return netcfg_nat_end(c, name, &h->nat, err);
	}
	return netcfg_nat_add(name, name, spec->addr, spec->publish, spec->n_publish, &h->nat, err);
}

int netcfg_host_start_nat(struct netcfg_host *h, struct rt_err *err)
{
	if (!h || !h->state.root || h->spec->n_publish)
		return 0;
	return netcfg_nat_begin(h->state.name, h->state.name, h->spec->addr, NULL, 0, &h->nat_call,
	                        err);
}

int netcfg_host_attach(struct netcfg_host *h, pid_t child, struct rt_err *err)
{
	if (!h)
		return 0;
	if (h->state.root)
		return attach_veth(h, child, err);
	return netcfg_helper_start(h->spec, h->state.dir_fd, h->state.dir, child, &h->helper, err);
}

void netcfg_host_release(struct netcfg_host *h, bool ended)
{
	bool veth_left;

	if (!h)
		return;
	netcfg_helper_stop(&h->helper);
	netcfg_nat_abandon(h->nat_call); /* a start that failed before attach took the answer */
	/* After a run, the table with the forwarding filter where it is the last: one batch. */
	if (ended)
		netcfg_state_end_nat(&h->state, &h->nat);
	else
		netcfg_nat_remove(h->nat, h->state.name);
	/* The ports after the rules that redirect them: never redirected and free at once. */
	for (unsigned i = 0; i < h->n_ports; i++)
		close(h->port_fds[i]);
	/*
	 * The veth goes with the container's network namespace: deleting it ourselves would only
	 * wait for the kernel to do so (tens of milliseconds, for an RCU grace period). After a
	 * failed start the child may not be gone yet, so then it is deleted here.
	 */
	veth_left = h->veth && ended && netcfg_link_exists(h->state.name);
	if (h->veth && !ended)
		netcfg_link_delete(h->state.name);
	/* The lease last: nobody may get the address while rules for it or its veth remain. */
	netcfg_state_remove(&h->state, veth_left);
	free(h);
}
