/*
 * netcfg/nat.c - a container's source and destination NAT: an nftables table of its own,
 * owned by ent-run's netlink socket (libnftnl over libmnl; NFT_TABLE_F_OWNER, Linux 5.12).
 *
 *   table ip ent-1234 {                                       # flags owner
 *     chain post { type nat hook postrouting priority srcnat;
 *       ip saddr 10.88.0.6 oifname != "ent-1234" masquerade    # outbound: the host's address
 *       ip saddr 127.0.0.0/8 oifname "ent-1234" masquerade     # --publish 127.0.0.1:...
 *     }
 *     chain pre { type nat hook prerouting priority dstnat;
 *       fib daddr type local tcp dport 8080 dnat to 10.88.0.6:80  # --publish 8080:80
 *     }
 *     chain out { type nat hook output priority -100;            # the host's own packets
 *       fib daddr type local tcp dport 8080 dnat to 10.88.0.6:80
 *     }
 *   }
 *
 * An owned table belongs to the netlink socket that created it: nobody else may change it,
 * and the kernel deletes it when that socket closes. ent-run-nft makes it and hands the socket
 * to ent-run (netcfg/nft_helper.h), which keeps it open for the container's life, so the rules
 * cannot outlive ent-run, even when it is killed with SIGKILL: a published port is never left
 * redirected to a container that is gone. The table, its chains and rules are one batch: the
 * kernel applies all of them or none. At the container's end, closing the socket deletes the
 * table; the last container of ours where forwarding is ours instead deletes it with the
 * forwarding filter in one batch through that socket, then closes it (nft_end_last).
 *
 * A packet from the host to 127.0.0.1:8080 keeps its loopback source after DNAT; the kernel
 * routes it out of the veth only with route_localnet=1 there (the caller sets it), and the
 * container's reply must not go to its own loopback: hence the masquerade.
 */
#include "netcfg/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

/* clang-format off */
/* The container's base chains: name, hook, priority (nft's srcnat 100, dstnat -100). */
static const struct chain_def {
	const char *name;
	uint32_t hook;
	int32_t prio;
	bool publish; /* holds the --publish rules */
} chain_defs[] = {
	{ "post", NF_INET_POST_ROUTING, 100,  .publish = false },
	{ "pre",  NF_INET_PRE_ROUTING,  -100, .publish = true },
	{ "out",  NF_INET_LOCAL_OUT,    -100, .publish = true },
};
/* clang-format on */

#define LEGACY_TABLE "ent-run" /* ent-run 0.1: every container's chains in one table */

#define IP_SADDR_OFFSET 12 /* struct iphdr */
#define IP_DADDR_OFFSET 16
#define TH_DPORT_OFFSET 2 /* tcp and udp headers alike */

/* ip saddr/daddr == addr (network byte order); with a mask, the masked address (bitwise). */
static bool match_ip(struct nftnl_rule *r, uint32_t offset, uint32_t addr, uint32_t mask)
{
	struct nftnl_expr *e;
	uint32_t zero = 0;

	if (!nft_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, 4))
		return false;
	if (mask != 0xffffffff) {
		e = nft_expr(r, "bitwise", NFTNL_EXPR_BITWISE_SREG, NFT_REG_1,
		             NFTNL_EXPR_BITWISE_DREG, NFT_REG_1, NFTNL_EXPR_BITWISE_LEN, 4, 0);
		if (!e || nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 4) < 0 ||
		    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4) < 0)
			return false;
	}
	return nft_compare(r, NFT_CMP_EQ, &addr, 4);
}

/*
 * The destination of a --publish: the given host address, or any address of this host
 * (fib daddr type local) when none or 0.0.0.0 is given.
 */
static bool match_publish(struct nftnl_rule *r, const struct netcfg_publish *p)
{
	uint32_t local = RTN_LOCAL;
	uint8_t proto = (uint8_t)p->protocol;
	uint16_t port = htons(p->host_port);
	struct in_addr ip = { 0 };

	if (p->host_ip[0])
		inet_pton(AF_INET, p->host_ip, &ip);
	if (ip.s_addr != INADDR_ANY) {
		if (!match_ip(r, IP_DADDR_OFFSET, ip.s_addr, 0xffffffff))
			return false;
	} else if (!nft_expr(r, "fib", NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR,
	                     NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE, NFTNL_EXPR_FIB_DREG,
	                     NFT_REG_1, 0) ||
	           !nft_compare(r, NFT_CMP_EQ, &local, sizeof(local))) {
		return false;
	}
	return nft_expr(r, "meta", NFTNL_EXPR_META_KEY, NFT_META_L4PROTO, NFTNL_EXPR_META_DREG,
	                NFT_REG_1, 0) &&
	       nft_compare(r, NFT_CMP_EQ, &proto, 1) &&
	       nft_load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT_OFFSET, 2) &&
	       nft_compare(r, NFT_CMP_EQ, &port, 2);
}

/* dnat to addr:port (network byte order), through registers 1 and 2. */
static bool dnat_to(struct nftnl_rule *r, uint32_t addr, uint16_t port)
{
	struct nftnl_expr *a = nft_expr(r, "immediate", NFTNL_EXPR_IMM_DREG, NFT_REG_1, 0);
	struct nftnl_expr *p = nft_expr(r, "immediate", NFTNL_EXPR_IMM_DREG, NFT_REG_2, 0);
	uint16_t nport = htons(port);

	return a && p && nftnl_expr_set(a, NFTNL_EXPR_IMM_DATA, &addr, 4) == 0 &&
	       nftnl_expr_set(p, NFTNL_EXPR_IMM_DATA, &nport, 2) == 0 &&
	       nft_expr(r, "nat", NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT, NFTNL_EXPR_NAT_FAMILY,
	                NFPROTO_IPV4, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1,
	                NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2, 0);
}

/* ---------------------------------------------------------------- the container's rules */

/* What one rule is about. */
struct nat_rule {
	const char *host_name;          /* the host side of the veth */
	uint32_t addr;                  /* the container, network byte order */
	const struct netcfg_publish *p; /* the --publish entry, for DNAT rules */
};

/* ip saddr ADDR oifname != "ent-1234" masquerade: outbound, as the host. */
static bool fill_outbound(struct nftnl_rule *r, const void *arg)
{
	const struct nat_rule *t = arg;

	return match_ip(r, IP_SADDR_OFFSET, t->addr, 0xffffffff) &&
	       nft_match_ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, t->host_name, false) &&
	       nft_expr(r, "masq", 0);
}

/* ip saddr 127.0.0.0/8 oifname "ent-1234" masquerade: the host's loopback, published. */
static bool fill_loopback(struct nftnl_rule *r, const void *arg)
{
	const struct nat_rule *t = arg;

	return match_ip(r, IP_SADDR_OFFSET, htonl(0x7f000000), htonl(0xff000000)) &&
	       nft_match_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, t->host_name, false) &&
	       nft_expr(r, "masq", 0);
}

static bool fill_publish(struct nftnl_rule *r, const void *arg)
{
	const struct nat_rule *t = arg;

	return match_publish(r, t->p) && dnat_to(r, t->addr, t->p->port);
}

static int nat_fail(struct rt_err *err, int errnum, const char *name)
{
	rt_fail(err, errnum, "netcfg: nftables: add table ip %s (NAT of the container)", name);
	if (errnum == EPROTONOSUPPORT || errnum == EOPNOTSUPP || errnum == ENOENT ||
	    errnum == EINVAL)
		rt_err_hint(err,
		            "the kernel needs nf_tables with NAT and owned tables (Linux 5.12; "
		            "CONFIG_NF_TABLES, CONFIG_NFT_NAT, CONFIG_NFT_MASQ, "
		            "CONFIG_NFT_FIB_IPV4)");
	else if (errnum == EEXIST)
		rt_err_hint(err, "a table named %s already exists: nft delete table ip %s", name,
		            name);
	return -1;
}

int nft_nat_add(const char *name, const char *host_name, uint32_t addr,
                const struct netcfg_publish *publish, unsigned n_publish, struct mnl_socket **owner,
                struct rt_err *err)
{
	_cleanup_(nft_batch_freep) struct nft_batch *bt = nft_batch_new();
	_cleanup_(nft_socket_closep) struct mnl_socket *nl = NULL;
	struct nat_rule t = { .host_name = host_name, .addr = addr };
	int errnum = 0;

	if (!bt)
		return rt_fail(err, ENOMEM, "netcfg: nftables batch");
	nl = nft_socket_open(&errnum);
	if (!nl)
		return nat_fail(err, errnum, name);
	nft_add_table(bt, name, NFT_TABLE_F_OWNER, NLM_F_CREATE | NLM_F_EXCL);
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++)
		nft_add_chain(bt, name, chain_defs[i].name, chain_defs[i].hook, chain_defs[i].prio,
		              "nat");
	nft_add_rule(bt, name, chain_defs[0].name, fill_outbound, &t);
	if (n_publish)
		nft_add_rule(bt, name, chain_defs[0].name, fill_loopback, &t);
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++) {
		for (unsigned j = 0; chain_defs[i].publish && j < n_publish; j++) {
			t.p = &publish[j];
			nft_add_rule(bt, name, chain_defs[i].name, fill_publish, &t);
		}
	}
	rt_trace("net",
	         "nftables batch: table ip %s (flags owner), chains post, pre, out, %u "
	         "rule(s)",
	         name, nft_batch_count(bt) - 1 - (unsigned)ARRAY_SIZE(chain_defs));
	errnum = nft_batch_send(bt, nl);
	if (errnum)
		return nat_fail(err, errnum, name);
	*owner = nl;
	nl = NULL; /* the table lives as long as this socket */
	return 0;
}

void nft_nat_remove_legacy(const char *name)
{
	char chain[64];

	/* One chain per batch: most of them do not exist, and a batch fails as a whole. */
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++) {
		_cleanup_(nft_batch_freep) struct nft_batch *bt = nft_batch_new();

		if (!bt)
			return;
		snprintf(chain, sizeof(chain), "%s-%s", name, chain_defs[i].name);
		nft_del_chain(bt, LEGACY_TABLE, chain);
		if (nft_batch_send(bt, NULL) == 0)
			rt_trace("net", "deleted chain ip %s %s (left by an older ent-run)",
			         LEGACY_TABLE, chain);
	}
}
