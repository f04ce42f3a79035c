/*
 * netcfg/netcfg.h - network configuration through netlink: links, addresses and routes with
 * libnl-route-3 (rtnetlink(7)), NAT with libnftnl and libmnl (nft(8) without the tool), and
 * for rootless containers a user-mode helper (pasta(1) or slirp4netns(1)).
 *
 * Two sides. The parent, in the host's network namespace, prepares (before clone) and attaches
 * (after clone) the host side: an address lease, a veth pair, NAT rules, or the helper. The
 * container's loopback is brought up by the child; its eth0, when ent-run makes one (root),
 * is configured from a socket in its network namespace: the parent's (netcfg_inside_*, while
 * the child builds its mounts), or, should the parent fail to enter that namespace, the
 * child's own (netcfg_configure). A rootless container's eth0 is its helper's.
 *
 *   netcfg_host_prepare   lease an address, write resolv.conf and hosts       (before clone)
 *   netcfg_host_attach    veth into the child's netns, NAT, forwarding        (before SYNC_GO)
 *   netcfg_inside_open    a socket in the child's netns, when it has eth0     (before SYNC_GO)
 *   netcfg_inside_configure  eth0 address, up, default route       (parent, after SYNC_GO)
 *   netcfg_loopback_up    lo up, from inside                                  (the child)
 *   netcfg_configure      eth0 from inside, when the parent could not         (the child)
 *   netcfg_host_release   remove all of it                                    (always)
 *
 * The host is left as it was found: a killed run's leftovers are collected by the next start,
 * whatever its network mode.
 */
#ifndef NETCFG_NETCFG_H
#define NETCFG_NETCFG_H

#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

/* The parent's state for one container's network; opaque. */
struct netcfg_host;

/*
 * Bring up the loopback device of the network namespace we are in (the child). Does nothing
 * for NETCFG_HOST (the host's namespace is shared and not ours to change). Needs
 * CAP_NET_ADMIN over the namespace. Returns 0 or -1.
 */
int netcfg_loopback_up(const struct netcfg_spec *spec, struct rt_err *err);

/*
 * Configure eth0 from inside the namespace we are in (the child), when spec->ifname is set:
 * give it spec->addr/prefix_len, bring it up and route everything through spec->gateway.
 * Does nothing without an ifname, or for NETCFG_HOST. Needs CAP_NET_ADMIN over the namespace.
 * Returns 0 or -1.
 */
int netcfg_configure(const struct netcfg_spec *spec, struct rt_err *err);

/* A route netlink socket in a container's network namespace, held by the parent; opaque. */
struct netcfg_inside;

/*
 * The parent's way in (see netcfg/link.c): *out receives a socket in the network namespace of
 * the child whose pidfd is child_pidfd, or NULL when it has no eth0 to configure (rootless,
 * or loopback only), when we may not enter it (the child then calls netcfg_configure) or spec
 * is NETCFG_HOST. Returns 0, or -1 with err.
 */
int netcfg_inside_open(const struct netcfg_spec *spec, int child_pidfd, struct netcfg_inside **out,
                       struct rt_err *err);

/* What netcfg_configure does, through in, which it frees. Returns 0 or -1 with err. */
int netcfg_inside_configure(struct netcfg_inside *in, const struct netcfg_spec *spec,
                            struct rt_err *err);

/* Free in unused (a launch that failed first). NULL is fine. */
void netcfg_inside_free(struct netcfg_inside *in);

/*
 * Check the text of --subnet: an IPv4 CIDR block of /30 or larger that overlaps none of the
 * special-purpose ranges (0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 240.0.0.0/4).
 * Pure; the host's own addresses and routes are compared at launch. Returns 0 or -1.
 */
int netcfg_subnet_check(const char *cidr, struct rt_err *err);

/*
 * A --publish entry we can apply: host_ip empty, or an IPv4 address that may be the host's
 * (not multicast or broadcast). Pure; checked when the command line is read, and at launch.
 * Returns 0 or -1.
 */
int netcfg_publish_check(const struct netcfg_publish *p, struct rt_err *err);

/*
 * Parent, before clone: for the modes with connectivity (user, proxy, admin), check the
 * --publish list (a host port that anything on the host uses is refused), lease an address block
 * from spec->subnet (as root; under a lock, collecting the leftovers of dead containers first; a
 * block none of whose addresses the host uses, and a
 * --subnet that overlaps the host's addresses or routes is refused), turn IPv4 forwarding on
 * where the host had it off, and write the container's resolv.conf and hosts (hostname is the
 * container's) into a private state directory. Fills the runtime fields of spec (ifname, addr,
 * gateway, prefix_len) for netcfg_configure in the child. For the other modes, only collect
 * what killed runs left (one look at a directory when there is nothing), and *out is NULL.
 * Returns 0, or -1 with nothing left behind.
 */
int netcfg_host_prepare(struct netcfg_spec *spec, const char *hostname, struct netcfg_host **out,
                        struct rt_err *err);

/*
 * Where the generated files are, to bind-mount read-only on /etc/resolv.conf and /etc/hosts
 * (NULL when h is NULL). Valid until netcfg_host_release.
 */
const char *netcfg_host_resolv_path(const struct netcfg_host *h);
const char *netcfg_host_hosts_path(const struct netcfg_host *h);

/*
 * Where a run of process pid would write its generated file ("resolv.conf", "hosts"), as root
 * or rootless, without creating anything: what `ent-run spec` writes for those mounts.
 */
int netcfg_generated_path(pid_t pid, const char *file, char *buf, size_t size, struct rt_err *err);

/*
 * Parent, after clone and the id maps, before the child is released: connect the child's
 * network namespace (found through its pid) to the host. As root: the published host ports
 * held (a bound socket each, refused when anything on the host uses one), a veth pair (host
 * side named after the container, container side eth0 created directly in the child's
 * namespace), the host side's address, and the container's own nftables table, owned by our
 * socket so that it goes when we do (masquerade, and DNAT for --publish). Rootless: the ports
 * checked, then pasta or slirp4netns, started and ready. h may be NULL (nothing to do).
 * Returns 0, or -1; the caller then releases h.
 */
int netcfg_host_attach(struct netcfg_host *h, pid_t child, struct rt_err *err);

/*
 * Parent, right after clone: as root, without --publish, start making the container's NAT
 * table now (ent-run-nft, netcfg/nft_helper.h), while the id maps, the idmapped mounts and
 * the veth are made; netcfg_host_attach takes its answer. Its rules only name the container's
 * address and veth, and nothing comes from that address before the container runs. With
 * --publish the table waits for attach: its DNAT must not divert a host port before the port
 * is held and the veth is there. h may be NULL. Returns 0, or -1; the caller then releases h.
 */
int netcfg_host_start_nat(struct netcfg_host *h, struct rt_err *err);

/*
 * Remove everything prepare and attach made: helper process, nftables table, held ports, veth,
 * lease, state directory, and forwarding when ours and no other container needs it. Never
 * fails (what cannot be removed now is collected by the next start); NULL is fine. Frees h.
 * After a run that ended (ended: the container's processes are all gone), the veth is left
 * to the kernel, which removes it with the container's network namespace: the lease and the
 * state directory stay until it is gone, for a later start to collect (stale.c).
 */
void netcfg_host_release(struct netcfg_host *h, bool ended);

#endif
