/*
 * runtime/host.h - facts about the host that the plan depends on: who we are, which
 * subordinate ids we own (subuid(5), subgid(5)), whether the id-map helpers are installed.
 */
#ifndef RT_HOST_H
#define RT_HOST_H

#include "entitlements/ent.h"

/* Fill host from getuid()/getgid(), /etc/subuid, /etc/subgid and $PATH. Never fails. */
void rt_host_probe(struct ent_host *host);

#endif
