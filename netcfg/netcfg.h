/*
 * netcfg/netcfg.h - network configuration through rtnetlink (rtnetlink(7), libnl-route-3).
 */
#ifndef NETCFG_NETCFG_H
#define NETCFG_NETCFG_H

#include "entitlements/plan.h"
#include "runtime/err.h"

/*
 * Configure the network namespace we are in, from inside (the child): bring loopback up, and
 * for the modes with connectivity, the addresses and routes of the container side. Does nothing
 * for NETCFG_HOST (the host's namespace is shared and not ours to change). Returns 0 or -1.
 */
int netcfg_configure(const struct netcfg_spec *spec, struct rt_err *err);

#endif
