/*
 * netcfg/nft.c - nf_tables messages through libnftnl and libmnl (nft(8) without the tool; the
 * kernel's NFNETLINK_SUBSYS_NFTABLES messages): batches, and the expressions our rules use.
 *
 * A batch (NFNL_MSG_BATCH_BEGIN ... END) is one transaction: the kernel applies every message
 * or none. Every message asks for an ack, so the first error is the one reported.
 */
#include "netcfg/nft.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cleanup.h"
#include "base/log.h"

#define BATCH_LIMIT 32768 /* a batch may overflow its limit by one message: twice the buffer */

/* A batch of nf_tables messages being built. */
struct nft_batch {
	char buf[2 * BATCH_LIMIT];
	struct mnl_nlmsg_batch *b;
	uint32_t first_seq; /* the batch's first message: its acks carry first_seq..seq-1 */
	uint32_t seq;
	unsigned n_msgs;
	bool failed; /* out of memory or space while building */
};

struct nft_batch *nft_batch_new(void)
{
	struct nft_batch *bt = calloc(1, sizeof(*bt));

	if (!bt)
		return NULL;
	bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_LIMIT);
	bt->seq = (uint32_t)time(NULL);
	bt->first_seq = bt->seq;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	return bt;
}

void nft_batch_freep(struct nft_batch **bt)
{
	if (!*bt)
		return;
	mnl_nlmsg_batch_stop((*bt)->b);
	free(*bt);
}

static struct nlmsghdr *nft_batch_msg(struct nft_batch *bt, uint16_t type, uint16_t flags)
{
	bt->n_msgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_IPV4,
	                             flags | NLM_F_ACK, bt->seq++);
}

static void nft_batch_next(struct nft_batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->failed = true;
}

unsigned nft_batch_count(const struct nft_batch *bt)
{
	return bt->n_msgs;
}

struct mnl_socket *nft_socket_open(int *errnum)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);

	if (!nl) {
		*errnum = errno;
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*errnum = errno;
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

/*
 * Walk the kernel's answers: one NLMSG_ERROR per message, error 0 being the ack. Only those of
 * this batch count (its sequence numbers, which wrap as uint32_t): a socket that carried other
 * requests before (nft_end_last's) may hold an answer left from them.
 */
static int read_acks(struct mnl_socket *nl, const struct nft_batch *bt, int *first_error)
{
	unsigned expected = bt->n_msgs;
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

			if (h->nlmsg_type != NLMSG_ERROR ||
			    h->nlmsg_seq - bt->first_seq >= bt->seq - bt->first_seq)
				continue;
			seen++;
			if (e->error && !*first_error)
				*first_error = -e->error;
		}
	}
	return 0;
}

int nft_batch_send(struct nft_batch *bt, struct mnl_socket *nl)
{
	_cleanup_(nft_socket_closep) struct mnl_socket *own = NULL;
	int first_error = 0;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (bt->failed)
		return ENOBUFS;
	if (!nl) {
		own = nft_socket_open(&first_error);
		if (!own)
			return first_error;
		nl = own;
	}
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b)) < 0 ||
	    read_acks(nl, bt, &first_error) < 0)
		return errno;
	return first_error;
}

void nft_socket_closep(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
	*nl = NULL;
}

/* A table message: NFT_MSG_NEWTABLE (with flags, NFT_TABLE_F_*) or NFT_MSG_DELTABLE. */
static void table_msg(struct nft_batch *bt, uint16_t type, uint16_t nlm_flags, const char *table,
                      uint32_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t) {
		bt->failed = true;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	if (flags)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, flags);
	nftnl_table_nlmsg_build_payload(nft_batch_msg(bt, type, nlm_flags), t);
	nftnl_table_free(t);
	nft_batch_next(bt);
}

void nft_add_table(struct nft_batch *bt, const char *table, uint32_t flags, uint16_t nlm_flags)
{
	table_msg(bt, NFT_MSG_NEWTABLE, nlm_flags, table, flags);
}

void nft_del_table(struct nft_batch *bt, const char *table)
{
	table_msg(bt, NFT_MSG_DELTABLE, 0, table, 0);
}

/*
 * A chain message: NFT_MSG_NEWCHAIN of a base chain (type, hook, priority; a clash is an
 * error) when type is set, NFT_MSG_DELCHAIN otherwise.
 */
static void chain_msg(struct nft_batch *bt, const char *table, const char *chain, const char *type,
                      uint32_t hook, int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c) {
		bt->failed = true;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	}
	nftnl_chain_nlmsg_build_payload(
	        type ? nft_batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL)
	             : nft_batch_msg(bt, NFT_MSG_DELCHAIN, 0),
	        c);
	nftnl_chain_free(c);
	nft_batch_next(bt);
}

void nft_add_chain(struct nft_batch *bt, const char *table, const char *chain, uint32_t hook,
                   int32_t prio, const char *type)
{
	chain_msg(bt, table, chain, type, hook, prio);
}

void nft_del_chain(struct nft_batch *bt, const char *table, const char *chain)
{
	chain_msg(bt, table, chain, NULL, 0, 0);
}

void nft_add_rule(struct nft_batch *bt, const char *table, const char *chain, nft_rule_fill_fn fill,
                  const void *arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r) {
		bt->failed = true;
		return;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (fill(r, arg))
		nftnl_rule_nlmsg_build_payload(
		        nft_batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
	else
		bt->failed = true;
	nftnl_rule_free(r);
	if (!bt->failed)
		nft_batch_next(bt);
}

int nft_table_exists(struct mnl_socket *nl, const char *table)
{
	_cleanup_(nft_socket_closep) struct mnl_socket *own = NULL;
	char buf[8192];
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *h;
	int errnum = 0;
	ssize_t n;

	if (!t)
		return -ENOMEM;
	if (!nl) {
		own = nft_socket_open(&errnum);
		if (!own) {
			nftnl_table_free(t);
			return -errnum;
		}
		nl = own;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	/*
	 * No NLM_F_ACK: the answer is one message, the table or the error, and nothing is left
	 * unread on a socket that goes on to send a batch (nft_end_last).
	 */
	h = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_IPV4, 0, 1);
	nftnl_table_nlmsg_build_payload(h, t);
	nftnl_table_free(t);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	h = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(h, (int)n) || h->nlmsg_seq != 1)
		return -EIO;
	if (h->nlmsg_type == NLMSG_ERROR) {
		int e = -((const struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;

		return e == ENOENT ? 0 : -e;
	}
	return 1; /* NFT_MSG_NEWTABLE: the table, as asked */
}

/* ---------------------------------------------------------------- rule expressions */

struct nftnl_expr *nft_expr(struct nftnl_rule *r, const char *name, ...)
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

bool nft_load_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	return nft_expr(r, "payload", NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1, NFTNL_EXPR_PAYLOAD_BASE,
	                base, NFTNL_EXPR_PAYLOAD_OFFSET, offset, NFTNL_EXPR_PAYLOAD_LEN, len, 0);
}

bool nft_compare(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e =
	        nft_expr(r, "cmp", NFTNL_EXPR_CMP_SREG, NFT_REG_1, NFTNL_EXPR_CMP_OP, op, 0);

	return e && nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) == 0;
}

bool nft_match_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name,
                      bool prefix)
{
	char buf[IFNAMSIZ] = { 0 };

	strncpy(buf, name, sizeof(buf) - 1);
	return nft_expr(r, "meta", NFTNL_EXPR_META_KEY, key, NFTNL_EXPR_META_DREG, NFT_REG_1, 0) &&
	       nft_compare(r, op, buf, prefix ? (uint32_t)strlen(buf) : sizeof(buf));
}

bool nft_verdict(struct nftnl_rule *r, int verdict)
{
	return nft_expr(r, "immediate", NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT,
	                NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict, 0);
}
