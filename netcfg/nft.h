/*
 * netcfg/nft.h - the nftables side of netcfg, linked into ent-run-nft only (netcfg/nft_main.c):
 * nf_tables batches through libnftnl and libmnl (nft.c), the container's NAT table (nat.c) and
 * the forwarding filter's table (nft_forward.c). ent-run asks for them through
 * netcfg/nft_call.c; what travels between the two is in netcfg/nft_helper.h.
 */
#ifndef NETCFG_NFT_H
#define NETCFG_NFT_H

#include "netcfg/internal.h"

/* ---------------------------------------------------------------- nft.c */

struct mnl_socket;
struct nftnl_rule;
struct nftnl_expr;
struct nft_batch;

/* Fill one rule with its expressions; false when out of memory. */
typedef bool (*nft_rule_fill_fn)(struct nftnl_rule *r, const void *arg);

/* A batch to build (NULL: out of memory), free with nft_batch_freep. */
struct nft_batch *nft_batch_new(void);
void nft_batch_freep(struct nft_batch **bt);

/* Messages of a batch: tables (flags NFT_TABLE_F_*), base chains, rules appended. */
void nft_add_table(struct nft_batch *bt, const char *table, uint32_t flags, uint16_t nlm_flags);
void nft_del_table(struct nft_batch *bt, const char *table);
void nft_add_chain(struct nft_batch *bt, const char *table, const char *chain, uint32_t hook,
                   int32_t prio, const char *type);
void nft_del_chain(struct nft_batch *bt, const char *table, const char *chain);
void nft_add_rule(struct nft_batch *bt, const char *table, const char *chain, nft_rule_fill_fn fill,
                  const void *arg);

/* How many messages the batch holds so far. */
unsigned nft_batch_count(const struct nft_batch *bt);

/* Send the batch on nl (NULL: a socket of its own) and wait for every ack. Returns 0 or the
 * first errno the kernel gave. */
int nft_batch_send(struct nft_batch *bt, struct mnl_socket *nl);

/* A NETLINK_NETFILTER socket, or NULL with *errnum; and its cleanup. */
struct mnl_socket *nft_socket_open(int *errnum);
void nft_socket_closep(struct mnl_socket **nl);

/* Does table ip NAME exist? Asked on nl (NULL: a socket of its own): 1, 0, or -errno. */
int nft_table_exists(struct mnl_socket *nl, const char *table);

/* Rule expressions: any expression with u32 attributes as (key, value) pairs ending in 0;
 * payload into register 1; compare register 1; [io]ifname ==/!= name (prefix: the first
 * strlen(name) bytes, nft's "name*"); a verdict (NF_DROP, NF_ACCEPT). */
struct nftnl_expr *nft_expr(struct nftnl_rule *r, const char *name, ...);
bool nft_load_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);
bool nft_compare(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
bool nft_match_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name,
                      bool prefix);
bool nft_verdict(struct nftnl_rule *r, int verdict);

/* ---------------------------------------------------------------- nat.c */

/*
 * The container's own table ip NAME (see netcfg_nat_add) on a new netfilter socket, in one
 * batch; *owner receives the socket. Returns 0 or -1 with err.
 */
int nft_nat_add(const char *name, const char *host_name, uint32_t addr,
                const struct netcfg_publish *publish, unsigned n_publish, struct mnl_socket **owner,
                struct rt_err *err);

/* netcfg_nat_remove_legacy's chains, deleted one batch each. Never fails. */
void nft_nat_remove_legacy(const char *name);

/* ---------------------------------------------------------------- nft_forward.c */

/* table ip ent-run-forward: forward nothing but our veths' traffic. Add (EEXIST is fine),
 * delete (ENOENT is fine): 0 or -1 with err. Exists: 1, 0, -errno. */
int nft_forward_add(struct rt_err *err);
int nft_forward_exists(void);
int nft_forward_delete(struct rt_err *err);

/*
 * The end of the last container of ours in this network namespace while forwarding is ours:
 * its table ip NAME, through the table's owner socket owner_fd, and in the same batch the
 * forwarding filter, once ip_forward is back to 0 (netcfg_forward_off). Returns 1 when
 * forwarding is settled (the filter deleted, or there was none), 0 when the filter stays (the
 * sysctl could not be written back, or its existence could not be asked), or -1 with err
 * when the batch failed (the table then goes as the owner socket closes).
 */
int nft_end_last(const char *name, int owner_fd, struct rt_err *err);

#endif
