/*
 * netcfg/nft_main.c - ent-run-nft: the nftables steps of a container's network, for
 * ent-run, which runs it from beside its own binary (netcfg/nft_call.c) with the protocol of
 * netcfg/nft_helper.h. Every argument comes from ent-run and is checked again here all the
 * same: a bad one is an error, never a rule.
 */
#include "netcfg/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "netcfg/nft_helper.h"

/* Send the reply, with fd (SCM_RIGHTS) when it is not -1. 0, or -1 when ent-run is gone. */
static int reply(const struct nft_reply *r, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)r, .iov_len = sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(NFT_HELPER_REPLY_FD, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(*r) ? 0 : -1;
}

/* "PROTO,HOST_IP,HOST_PORT,PORT" (HOST_IP may be empty): one --publish entry. */
static int parse_publish(const char *arg, struct netcfg_publish *p, struct rt_err *err)
{
	char buf[NETCFG_PUBLISH_STRLEN + 16], *field[4], *s = buf;
	uint16_t host_port, port;
	struct in_addr ip;
	uint32_t proto;
	unsigned n = 0;

	if (strlen(arg) >= sizeof(buf))
		return rt_fail(err, EINVAL, "%s: publish entry too long: %.40s", NFT_HELPER_NAME,
		               arg);
	strcpy(buf, arg);
	/* strsep, not strtok: the host address may be the empty field */
	while (n < 4 && (field[n] = strsep(&s, ",")))
		n++;
	if (n != 4 || s || parse_u32(field[0], &proto) < 0 ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP) ||
	    parse_port(field[2], &host_port) < 0 || parse_port(field[3], &port) < 0 ||
	    strlen(field[1]) >= sizeof(p->host_ip) ||
	    (field[1][0] && inet_pton(AF_INET, field[1], &ip) != 1))
		return rt_fail(err, EINVAL, "%s: bad publish entry \"%s\"", NFT_HELPER_NAME, arg);
	p->protocol = (int)proto;
	p->host_port = host_port;
	p->port = port;
	snprintf(p->host_ip, sizeof(p->host_ip), "%s", field[1]);
	return 0;
}

/* A table or interface name as ent-run makes them: "ent-" and digits, shorter than IFNAMSIZ. */
static bool our_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 5 || n >= NETCFG_NAME_MAX || strncmp(s, "ent-", 4) != 0)
		return false;
	return strspn(s + 4, "0123456789") == n - 4;
}

/* nat NAME HOST_IF ADDR [PUBLISH ...]: the table, and its owner socket in the reply. */
static int cmd_nat(int argc, char **argv, struct nft_reply *r, struct mnl_socket **owner)
{
	struct netcfg_publish publish[ENT_MAX_PUBLISH];
	struct in_addr addr;
	unsigned n = 0;

	if (argc < 3 || !our_name(argv[0]) || !our_name(argv[1]) ||
	    inet_pton(AF_INET, argv[2], &addr) != 1)
		return rt_fail(&r->err, EINVAL, "%s: nat: bad arguments", NFT_HELPER_NAME);
	if (argc - 3 > ENT_MAX_PUBLISH)
		return rt_fail(&r->err, E2BIG, "%s: nat: more than %d publish entries",
		               NFT_HELPER_NAME, ENT_MAX_PUBLISH);
	for (int i = 3; i < argc; i++) {
		if (parse_publish(argv[i], &publish[n++], &r->err) < 0)
			return -1;
	}
	return nft_nat_add(argv[0], argv[1], addr.s_addr, publish, n, owner, &r->err);
}

static int run(int argc, char **argv, struct nft_reply *r, struct mnl_socket **owner)
{
	const char *cmd = argv[0];

	argc--;
	argv++;
	if (!strcmp(cmd, "nat"))
		return cmd_nat(argc, argv, r, owner);
	if (!strcmp(cmd, "forward-add") && argc == 0)
		return nft_forward_add(&r->err);
	if (!strcmp(cmd, "forward-exists") && argc == 0) {
		int e = nft_forward_exists();

		if (e < 0)
			return rt_fail(&r->err, -e, "netcfg: nftables: get table ip %s",
			               NETCFG_FORWARD_TABLE);
		return e;
	}
	if (!strcmp(cmd, "forward-delete") && argc == 0)
		return nft_forward_delete(&r->err);
	if (!strcmp(cmd, "end-last") && argc == 1 && our_name(argv[0]))
		return nft_end_last(argv[0], NFT_HELPER_OWNER_FD, &r->err);
	if (!strcmp(cmd, "legacy-delete") && argc == 1 && our_name(argv[0])) {
		nft_nat_remove_legacy(argv[0]);
		return 0;
	}
	return rt_fail(&r->err, EINVAL, "%s: unknown command or bad arguments: %s", NFT_HELPER_NAME,
	               cmd);
}

int main(int argc, char **argv)
{
	struct pollfd peer = { .fd = NFT_HELPER_REPLY_FD, .events = POLLIN };
	struct nft_reply r = { 0 };
	struct mnl_socket *owner = NULL;
	int sent;

	/*
	 * Die with ent-run, and do nothing once it is gone: a table made for a start that no
	 * longer exists would outlive it. ent-run never writes to the reply socket, so anything
	 * to read is its end of file (and a descriptor that is no socket, a run by hand).
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || poll(&peer, 1, 0) != 0) {
		fprintf(stderr,
		        "%s: run by ent-run for a container's network; not a command of "
		        "its own\n",
		        NFT_HELPER_NAME);
		return 2;
	}

	/* Run through /proc/self/fd/N, it would be named "N" in ps(1). */
	prctl(PR_SET_NAME, NFT_HELPER_NAME, 0, 0, 0);
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		rt_log_init(true);
		rt_log_set_role(NFT_HELPER_NAME);
		argc--;
		argv++;
	}
	r.result = argc < 2 ? rt_fail(&r.err, EINVAL, "%s: no command", NFT_HELPER_NAME)
	                    : run(argc - 1, argv + 1, &r, &owner);
	/* The table's owner socket goes to ent-run; our copy of it closes with no effect. */
	sent = reply(&r, owner ? mnl_socket_get_fd(owner) : -1);
	if (owner)
		mnl_socket_close(owner);
	return sent < 0 || r.result < 0 ? 1 : 0;
}
