/*
 * netcfg/sysctl.c - the network sysctls ent-run writes, through their /proc/sys files
 * (sysctl(8) without the tool; the kernel's ip-sysctl documentation): a veth's route_localnet
 * (host.c) and net.ipv4.ip_forward (forward.c). Apart from link.c, which is libnl's, so that
 * ent-run-nft, which links no libnl, turns forwarding off with the same code (nft_end_last).
 */
#include "netcfg/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

int netcfg_sysctl_set(const char *key, const char *value, struct rt_err *err)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	rt_trace("net", "write %s \"%s\"", path, value);
	if (write_file(path, value, 0) < 0)
		return rt_fail(err, errno, "netcfg: write %s", path);
	return 0;
}

int netcfg_forwarding_on(void)
{
	_cleanup_close_ int fd = open("/proc/sys/" NETCFG_IP_FORWARD, O_RDONLY | O_CLOEXEC);
	char c = 0;

	if (fd < 0 || read(fd, &c, 1) != 1)
		return -1;
	return c == '1';
}

int netcfg_forward_off(struct rt_err *err)
{
	return netcfg_forwarding_on() != 0 ? netcfg_sysctl_set(NETCFG_IP_FORWARD, "0", err) : 0;
}
