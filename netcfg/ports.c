/*
 * netcfg/ports.c - hold the host ports of --publish: one bound socket per published port, in
 * the host's network namespace, for as long as the container runs (socket(7), ip(7), ipv6(7)).
 *
 * DNAT redirects packets before any socket sees them, so without this a published port would
 * silently take traffic away from a host service listening on it, and the host's own programs
 * connecting to 127.0.0.1:PORT would reach the container instead (the output-chain rule). A
 * bound socket lets the kernel arbitrate, as docker-proxy's listener does: bind(2) fails with
 * EADDRINUSE when anything on the host uses the port on an overlapping address, and while we
 * hold it no host service and no other container can take it. The socket never listens: the
 * DNAT rules carry the traffic, and a packet they do not catch (IPv6) finds no listener.
 *
 * Neither SO_REUSEADDR nor SO_REUSEPORT is set: either would let a later socket share the port.
 * Published on every address, we bind [::] with IPV6_V6ONLY off, which covers 0.0.0.0 too, so
 * an IPv6 listener on the port is refused as well (without IPv6 in the kernel, 0.0.0.0).
 * Published on one address, we bind that address: a service on another address of the host
 * keeps its port, and the DNAT rule matches only that address.
 */
#include "netcfg/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"

/* The socket address of p's host side: [::]:PORT when no address is given. */
static socklen_t host_sockaddr(const struct netcfg_publish *p, bool ipv6,
                               struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (ipv6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p->host_port);
		in6->sin6_addr = in6addr_any;
		return sizeof(*in6);
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(p->host_port);
	if (p->host_ip[0])
		inet_pton(AF_INET, p->host_ip, &in->sin_addr); /* checked by netcfg_publish_check */
	return sizeof(*in);
}

static int hold_fail(const struct netcfg_publish *p, int errnum, struct rt_err *err)
{
	const char *proto = p->protocol == IPPROTO_UDP ? "udp" : "tcp";
	char text[NETCFG_PUBLISH_STRLEN];

	netcfg_publish_str(p, text, sizeof(text));
	if (errnum == EADDRINUSE) {
		rt_fail(err, 0, "netcfg: --publish %s: host port %u/%s is already in use", text,
		        p->host_port, proto);
		rt_err_hint(err, "pick another host port; 'ss -anp%c sport = :%u' shows who has it",
		            p->protocol == IPPROTO_UDP ? 'u' : 't', p->host_port);
		return -1;
	}
	if (errnum == EADDRNOTAVAIL)
		return rt_fail(err, 0, "netcfg: --publish %s: %s is not an address of this host",
		               text, p->host_ip);
	rt_fail(err, errnum, "netcfg: --publish %s: bind host port %u/%s", text, p->host_port,
	        proto);
	if (errnum == EACCES)
		rt_err_hint(err, "ports below net.ipv4.ip_unprivileged_port_start need root");
	return -1;
}

int netcfg_port_hold(const struct netcfg_publish *p, struct rt_err *err)
{
	int type = (p->protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC;
	bool ipv6 = !p->host_ip[0];
	struct sockaddr_storage ss;
	socklen_t len;
	int off = 0, fd, small = 1;

	fd = ipv6 ? socket(AF_INET6, type, 0) : -1;
	if (fd < 0) { /* one address, or no IPv6 in this kernel: IPv4 only */
		ipv6 = false;
		fd = socket(AF_INET, type, 0);
	}
	if (fd < 0)
		return rt_fail(err, errno, "netcfg: socket for --publish");
	if (ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0) {
		rt_fail(err, errno, "netcfg: setsockopt(IPV6_V6ONLY, 0)");
		close(fd);
		return -1;
	}
	/* Nothing reads a udp holder: what DNAT leaves to it is dropped once this small buffer
	 * is full (the kernel rounds it up to its minimum). */
	if (p->protocol == IPPROTO_UDP)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	len = host_sockaddr(p, ipv6, &ss);
	rt_trace("net", "bind(%s, %s:%u), no SO_REUSEADDR: the published host port",
	         p->protocol == IPPROTO_UDP ? "udp" : "tcp",
	         ipv6            ? "[::]"
	         : p->host_ip[0] ? p->host_ip
	                         : "0.0.0.0",
	         p->host_port);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int errnum = errno;

		close(fd);
		return hold_fail(p, errnum, err);
	}
	return fd;
}
