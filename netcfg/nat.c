/*
 * netcfg/nat.c - source and destination NAT with nftables, through libnftnl and libmnl
 * (nft(8) without the tool; the kernel's NFNETLINK_SUBSYS_NFTABLES messages).
 *
 * Everything lives in one table of ours, "ip ent-run". Each container has its own three base
 * chains, named after it, so that its rules come and go as a unit and nothing else is touched:
 *
 *   table ip ent-run {
 *     chain ent-1234-post { type nat hook postrouting priority srcnat;
 *       ip saddr 10.88.0.6 oifname != "ent-1234" masquerade      # outbound: the host's address
 *       ip saddr 127.0.0.0/8 oifname "ent-1234" masquerade       # --publish 127.0.0.1:...
 *     }
 *     chain ent-1234-pre { type nat hook prerouting priority dstnat;
 *       fib daddr type local tcp dport 8080 dnat to 10.88.0.6:80  # --publish 8080:80
 *     }
 *     chain ent-1234-out { type nat hook output priority -100;      # the host's own packets
 *       fib daddr type local tcp dport 8080 dnat to 10.88.0.6:80
 *     }
 *   }
 *
 * All of it is sent as one batch (NFNL_MSG_BATCH_BEGIN ... END): the kernel applies every
 * message or none. A packet from the host to 127.0.0.1:8080 keeps its loopback source after
 * DNAT; the kernel routes it out of the veth only with route_localnet=1 there (the caller sets
 * it), and the container's reply must not go to its own loopback: hence the masquerade.
 */
#include "netcfg/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

#define BATCH_LIMIT 32768 /* a batch may overflow its limit by one message: twice the buffer */

/* clang-format off */
/* The container's base chains: name suffix, hook, priority (nft's srcnat 100, dstnat -100). */
static const struct chain_def {
	const char *suffix;
	uint32_t hook;
	int32_t prio;
	bool publish; /* holds the --publish rules */
} chain_defs[] = {
	{ "post", NF_INET_POST_ROUTING, 100,  .publish = false },
	{ "pre",  NF_INET_PRE_ROUTING,  -100, .publish = true },
	{ "out",  NF_INET_LOCAL_OUT,    -100, .publish = true },
};
/* clang-format on */

/* A batch of nf_tables messages being built; every message asks for an ack. */
struct batch {
	char buf[2 * BATCH_LIMIT];
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	unsigned n_msgs;
	bool failed; /* out of memory or space while building */
};

static void batch_start(struct batch *bt)
{
	bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_LIMIT);
	bt->seq = (uint32_t)time(NULL);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
}

static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type, uint16_t flags)
{
	bt->n_msgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_IPV4,
	                             flags | NLM_F_ACK, bt->seq++);
}

static void batch_next(struct batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->failed = true;
}

/* Walk the kernel's answers: one NLMSG_ERROR per message, error 0 being the ack. */
static int read_acks(struct mnl_socket *nl, unsigned expected, int *first_error)
{
	char buf[8192]; /* MNL_SOCKET_BUFFER_SIZE is a sysconf() call: a VLA */
	unsigned seen = 0;

	while (seen < expected && !*first_error) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int len = (int)n;

		if (n < 0)
			return -1;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			seen++;
			if (e->error && !*first_error)
				*first_error = -e->error;
		}
	}
	return 0;
}

/* Send the batch and wait for every ack. Returns 0, or the first errno the kernel gave. */
static int batch_send(struct batch *bt)
{
	struct mnl_socket *nl;
	int first_error = 0;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	nl = bt->failed ? NULL : mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl)
		first_error = bt->failed ? ENOBUFS : errno;
	else if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	         mnl_socket_sendto(nl, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b)) <
	                 0 ||
	         read_acks(nl, bt->n_msgs, &first_error) < 0)
		first_error = errno;
	if (nl)
		mnl_socket_close(nl);
	mnl_nlmsg_batch_stop(bt->b);
	return first_error;
}

/* NFT_MSG_NEWTABLE without NLM_F_EXCL: create "ip ent-run" unless it exists. */
static void add_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t) {
		bt->failed = true;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NETCFG_TABLE);
	nftnl_table_nlmsg_build_payload(batch_msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
	nftnl_table_free(t);
	batch_next(bt);
}

static void chain_name(char *buf, size_t size, const char *name, const struct chain_def *def)
{
	snprintf(buf, size, "%s-%s", name, def->suffix);
}

/* The container's chain def in our table, as an object to send (NULL: out of memory). */
static struct nftnl_chain *chain_new(struct batch *bt, const char *name,
                                     const struct chain_def *def)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	char full[64];

	if (!c) {
		bt->failed = true;
		return NULL;
	}
	chain_name(full, sizeof(full), name, def);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NETCFG_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, full);
	return c;
}

/* NFT_MSG_NEWCHAIN with NLM_F_EXCL: a base chain of type nat; a clash is an error. */
static void add_chain(struct batch *bt, const char *name, const struct chain_def *def)
{
	struct nftnl_chain *c = chain_new(bt, name, def);

	if (!c)
		return;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "nat");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, def->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, def->prio);
	nftnl_chain_nlmsg_build_payload(batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL),
	                                c);
	nftnl_chain_free(c);
	batch_next(bt);
}

/* ---------------------------------------------------------------- rule expressions */

#define IP_SADDR_OFFSET 12 /* struct iphdr */
#define IP_DADDR_OFFSET 16
#define TH_DPORT_OFFSET 2 /* tcp and udp headers alike */

/* Append expression name to r, with u32 attributes given as (key, value) pairs ending in 0. */
static struct nftnl_expr *expr(struct nftnl_rule *r, const char *name, ...)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);
	va_list ap;
	int key;

	if (!e)
		return NULL;
	va_start(ap, name);
	while ((key = va_arg(ap, int)) != 0)
		nftnl_expr_set_u32(e, (uint16_t)key, va_arg(ap, uint32_t));
	va_end(ap);
	nftnl_rule_add_expr(r, e);
	return e;
}

/* Load len bytes at offset of a header into register 1 (payload). */
static bool load_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	return expr(r, "payload", NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1, NFTNL_EXPR_PAYLOAD_BASE, base,
	            NFTNL_EXPR_PAYLOAD_OFFSET, offset, NFTNL_EXPR_PAYLOAD_LEN, len, 0);
}

/* Compare register 1 with data (cmp). */
static bool compare(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e =
	        expr(r, "cmp", NFTNL_EXPR_CMP_SREG, NFT_REG_1, NFTNL_EXPR_CMP_OP, op, 0);

	return e && nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) == 0;
}

/* ip saddr/daddr == addr (network byte order); with a mask, the masked address (bitwise). */
static bool match_ip(struct nftnl_rule *r, uint32_t offset, uint32_t addr, uint32_t mask)
{
	struct nftnl_expr *e;
	uint32_t zero = 0;

	if (!load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, 4))
		return false;
	if (mask != 0xffffffff) {
		e = expr(r, "bitwise", NFTNL_EXPR_BITWISE_SREG, NFT_REG_1, NFTNL_EXPR_BITWISE_DREG,
		         NFT_REG_1, NFTNL_EXPR_BITWISE_LEN, 4, 0);
		if (!e || nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 4) < 0 ||
		    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4) < 0)
			return false;
	}
	return compare(r, NFT_CMP_EQ, &addr, 4);
}

/* oifname ==/!= name: the whole IFNAMSIZ buffer, so "ent-12" does not match "ent-123". */
static bool match_oifname(struct nftnl_rule *r, uint32_t op, const char *name)
{
	char buf[IFNAMSIZ] = { 0 };

	strncpy(buf, name, sizeof(buf) - 1);
	return expr(r, "meta", NFTNL_EXPR_META_KEY, NFT_META_OIFNAME, NFTNL_EXPR_META_DREG,
	            NFT_REG_1, 0) &&
	       compare(r, op, buf, sizeof(buf));
}

/* The destination of a --publish: the given host address, or any address of this host. */
static bool match_publish(struct nftnl_rule *r, const struct netcfg_publish *p)
{
	uint32_t local = RTN_LOCAL;
	uint8_t proto = (uint8_t)p->protocol;
	uint16_t port = htons(p->host_port);
	struct in_addr ip;

	if (p->host_ip[0] && inet_pton(AF_INET, p->host_ip, &ip) == 1) {
		if (!match_ip(r, IP_DADDR_OFFSET, ip.s_addr, 0xffffffff))
			return false;
	} else if (!expr(r, "fib", NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR, NFTNL_EXPR_FIB_RESULT,
	                 NFT_FIB_RESULT_ADDRTYPE, NFTNL_EXPR_FIB_DREG, NFT_REG_1, 0) ||
	           !compare(r, NFT_CMP_EQ, &local, sizeof(local))) {
		return false; /* fib daddr type local */
	}
	return expr(r, "meta", NFTNL_EXPR_META_KEY, NFT_META_L4PROTO, NFTNL_EXPR_META_DREG,
	            NFT_REG_1, 0) &&
	       compare(r, NFT_CMP_EQ, &proto, 1) &&
	       load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT_OFFSET, 2) &&
	       compare(r, NFT_CMP_EQ, &port, 2);
}

/* dnat to addr:port (network byte order), through registers 1 and 2. */
static bool dnat_to(struct nftnl_rule *r, uint32_t addr, uint16_t port)
{
	struct nftnl_expr *a = expr(r, "immediate", NFTNL_EXPR_IMM_DREG, NFT_REG_1, 0);
	struct nftnl_expr *p = expr(r, "immediate", NFTNL_EXPR_IMM_DREG, NFT_REG_2, 0);
	uint16_t nport = htons(port);

	return a && p && nftnl_expr_set(a, NFTNL_EXPR_IMM_DATA, &addr, 4) == 0 &&
	       nftnl_expr_set(p, NFTNL_EXPR_IMM_DATA, &nport, 2) == 0 &&
	       expr(r, "nat", NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT, NFTNL_EXPR_NAT_FAMILY,
	            NFPROTO_IPV4, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1,
	            NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2, 0);
}

/* ---------------------------------------------------------------- the container's rules */

/* What one container's rules are about. */
struct nat_target {
	const char *name;      /* "ent-1234": chain prefix */
	const char *host_name; /* the host side of its veth */
	uint32_t addr;         /* the container, network byte order */
};

typedef bool (*rule_fill_fn)(struct nftnl_rule *r, const struct nat_target *t,
                             const struct netcfg_publish *p);

/* ip saddr ADDR oifname != "ent-1234" masquerade: outbound, as the host. */
static bool fill_outbound(struct nftnl_rule *r, const struct nat_target *t,
                          const struct netcfg_publish *p)
{
	(void)p;
	return match_ip(r, IP_SADDR_OFFSET, t->addr, 0xffffffff) &&
	       match_oifname(r, NFT_CMP_NEQ, t->host_name) && expr(r, "masq", 0);
}

/* ip saddr 127.0.0.0/8 oifname "ent-1234" masquerade: the host's loopback, published. */
static bool fill_loopback(struct nftnl_rule *r, const struct nat_target *t,
                          const struct netcfg_publish *p)
{
	(void)p;
	return match_ip(r, IP_SADDR_OFFSET, htonl(0x7f000000), htonl(0xff000000)) &&
	       match_oifname(r, NFT_CMP_EQ, t->host_name) && expr(r, "masq", 0);
}

static bool fill_publish(struct nftnl_rule *r, const struct nat_target *t,
                         const struct netcfg_publish *p)
{
	return match_publish(r, p) && dnat_to(r, t->addr, p->port);
}

/* NFT_MSG_NEWRULE appended to chain def of the container. */
static void add_rule(struct batch *bt, const struct nat_target *t, const struct chain_def *def,
                     rule_fill_fn fill, const struct netcfg_publish *p)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char chain[64];

	if (!r) {
		bt->failed = true;
		return;
	}
	chain_name(chain, sizeof(chain), t->name, def);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NETCFG_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (fill(r, t, p))
		nftnl_rule_nlmsg_build_payload(
		        batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
	else
		bt->failed = true;
	nftnl_rule_free(r);
	if (!bt->failed)
		batch_next(bt);
}

static int nat_fail(struct rt_err *err, int errnum, const char *name)
{
	rt_fail(err, errnum, "netcfg: nftables: add the NAT chains of %s to table ip %s", name,
	        NETCFG_TABLE);
	if (errnum == EPROTONOSUPPORT || errnum == EOPNOTSUPP || errnum == ENOENT)
		rt_err_hint(err, "the kernel needs nf_tables with NAT (CONFIG_NF_TABLES, "
		                 "CONFIG_NFT_NAT, CONFIG_NFT_MASQ, CONFIG_NFT_FIB_IPV4)");
	else if (errnum == EEXIST)
		rt_err_hint(err, "chains named %s-* already exist: nft delete chain ip %s ...",
		            name, NETCFG_TABLE);
	return -1;
}

int netcfg_nat_add(const char *name, const char *host_name, uint32_t addr,
                   const struct netcfg_publish *publish, unsigned n_publish, struct rt_err *err)
{
	_cleanup_free_ struct batch *bt = calloc(1, sizeof(*bt));
	const struct nat_target t = { .name = name, .host_name = host_name, .addr = addr };
	int errnum;

	if (!bt)
		return rt_fail(err, ENOMEM, "netcfg: nftables batch");
	batch_start(bt);
	add_table(bt);
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++)
		add_chain(bt, name, &chain_defs[i]);
	add_rule(bt, &t, &chain_defs[0], fill_outbound, NULL);
	if (n_publish)
		add_rule(bt, &t, &chain_defs[0], fill_loopback, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++) {
		for (unsigned j = 0; chain_defs[i].publish && j < n_publish; j++)
			add_rule(bt, &t, &chain_defs[i], fill_publish, &publish[j]);
	}
	rt_trace("net", "nftables batch: table ip %s, chains %s-{post,pre,out}, %u rule(s)",
	         NETCFG_TABLE, name, bt->n_msgs - 1 - (unsigned)ARRAY_SIZE(chain_defs));
	errnum = batch_send(bt);
	return errnum ? nat_fail(err, errnum, name) : 0;
}

/* NFT_MSG_DELCHAIN for the container's chain def (it takes the chain's rules with it). */
static void del_chain(struct batch *bt, const char *name, const struct chain_def *def)
{
	struct nftnl_chain *c = chain_new(bt, name, def);

	if (!c)
		return;
	nftnl_chain_nlmsg_build_payload(batch_msg(bt, NFT_MSG_DELCHAIN, 0), c);
	nftnl_chain_free(c);
	batch_next(bt);
}

/*
 * All chains in one batch: one commit, so one RCU grace period for the hooks they unregister.
 * When one is missing (ENOENT: a start that died half-way), the batch fails as a whole: then
 * one chain per batch, ignoring the missing ones.
 */
void netcfg_nat_remove(const char *name)
{
	_cleanup_free_ struct batch *bt = calloc(1, sizeof(*bt));

	if (!bt)
		return;
	batch_start(bt);
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++)
		del_chain(bt, name, &chain_defs[i]);
	rt_trace("net", "nftables batch: delete chains ip %s %s-{post,pre,out}", NETCFG_TABLE,
	         name);
	if (batch_send(bt) == 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(chain_defs); i++) {
		memset(bt, 0, sizeof(*bt));
		batch_start(bt);
		del_chain(bt, name, &chain_defs[i]);
		batch_send(bt);
	}
}
