/*
 * netcfg/nft_helper.h - what ent-run and its nftables helper, ent-run-nft, say to each other.
 *
 * ent-run is linked statically, libc included: no dynamic loader runs at its start, and the
 * processes it forks share no library pages to fault in again (docs/PERFORMANCE.md). libmnl,
 * which libnftnl is built on, has no static archive in Debian, so the nftables steps live in a
 * small helper linked against both, found beside the ent-run binary and run only as root, by
 * a container with a network of its own (network.access user, proxy, admin), and by a start
 * that collects what a killed one left:
 *
 *   ent-run-nft [-v] nat NAME HOST_IF ADDR [PROTO,HOST_IP,HOST_PORT,PORT ...]
 *   ent-run-nft [-v] forward-add | forward-exists | forward-delete
 *   ent-run-nft [-v] end-last NAME
 *   ent-run-nft [-v] legacy-delete NAME
 *
 * It answers on descriptor NFT_HELPER_REPLY_FD, a SOCK_SEQPACKET socket, with one struct
 * nft_reply; after "nat", the reply carries the netfilter socket that owns the new table
 * (SCM_RIGHTS): the helper exits, ent-run keeps the socket for the container's life, and the
 * kernel deletes the table when the last descriptor of it is closed. "end-last", for the last
 * container of ours in a network namespace whose forwarding is ours, gets that socket back on
 * descriptor NFT_HELPER_OWNER_FD and deletes the table and the forwarding filter in one batch
 * through it, ip_forward set back to 0 first (result 1: forwarding settled; 0: the filter stays).
 */
#ifndef NETCFG_NFT_HELPER_H
#define NETCFG_NFT_HELPER_H

#include <stdint.h>

#include "base/err.h"

#define NFT_HELPER_NAME     "ent-run-nft"
#define NFT_HELPER_REPLY_FD 3
#define NFT_HELPER_OWNER_FD 4 /* end-last: the owner socket of the container's table */

struct nft_reply {
	int32_t result;    /* 0 done (forward-exists: 1 yes, 0 no); -1 failed, see err */
	struct rt_err err; /* the failure, as the step would have reported it in ent-run */
};

#endif
