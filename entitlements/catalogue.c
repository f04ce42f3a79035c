/*
 * entitlements/catalogue.c - the entitlement catalogue: one row per entitlement of DESIGN.md,
 * with what it grants, and the aliases of Docker's libentitlement.
 *
 * Everything ent-run may grant is in this table; nothing else in the code decides a security
 * setting from an entitlement name. Each levelled domain (network.access, ...) lists its
 * levels from least to most privilege; the row marked default applies when the request names
 * no level of the domain, and the highest requested level wins otherwise. The kernel features
 * behind each grant are explained in docs/entitlements.md (a unit test keeps it in step).
 */
#include "entitlements/catalogue.h"

#include <stdio.h>
#include <string.h>

#define NS_BIT(k) (1u << (k))

/* clang-format off */
static const char *const caps_viewer[] = { "CAP_DAC_READ_SEARCH", NULL };

/* The classic container root: full power over its own files and processes, nothing more. */
static const char *const caps_user[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
	"CAP_SETUID", "CAP_SETPCAP", "CAP_SETFCAP", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE", NULL,
};

static const char *const caps_net_proxy[] = {
	"CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_NET_BROADCAST", NULL,
};
static const char *const caps_net_admin[] = {
	"CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", NULL,
};
static const char *const caps_memlock[]     = { "CAP_IPC_LOCK", NULL };
static const char *const caps_devices_admin[] = { "CAP_MKNOD", "CAP_SYS_RAWIO", NULL };

/* Without a network, the kernel's network settings and interface list say only "none". */
static const char *const masked_net_none[] = { "/proc/sys/net", "/sys/class/net", NULL };

/* The host's hardware as sysfs lists it: disks, buses, the major:minor map. */
static const char *const masked_devices_none[] = {
	"/sys/block", "/sys/bus", "/sys/class/block", "/sys/dev", NULL,
};

static const char *const tmpfs_readonly_root[] = { "/tmp", "/run", NULL };

/* The call groups every security level below admin gets beyond the default allowlist. */
#define SC_USER   SCG(CHROOT)
#define SC_ADMIN  (SCG(CHROOT) | SCG(MOUNT) | SCG(SETNS) | SCG(CLONE) | SCG(CLONE3) |          \
		   SCG(PERSONALITY) | SCG(BPF) | SCG(KEYRING) | SCG(PERF) | SCG(USERFAULTFD) |  \
		   SCG(IO_URING) | SCG(MLOCK) | SCG(SYSADMIN) | SCG(NUMA))
#define SC_NET    SCG(SOCKET)
#define NO_NET    .net = -1

#define LEVEL(k, v, l) .key = k, .value = v, .kind = ENT_KIND_LEVEL, .level = l

const struct ent_entry ent_entries[] = {
	{ LEVEL("network.access", "none", 0), .net = NETCFG_NONE,
	  .sc_filters = SCF(SOCKET_UNIX), .masked = masked_net_none,
	  .description = "Own network namespace with loopback only; socket() limited to AF_UNIX; "
			 "/proc/sys/net and /sys/class/net masked." },
	{ LEVEL("network.access", "confined", 1), .net = NETCFG_LOOPBACK, .is_default = true,
	  .sc_allow = SC_NET,
	  .description = "Own network namespace with loopback only." },
	{ LEVEL("network.access", "user", 2), .net = NETCFG_USER, .sc_allow = SC_NET,
	  .description = "Outbound connectivity (veth and NAT as root, pasta or slirp4netns "
			 "rootless); no network capabilities." },
	{ LEVEL("network.access", "proxy", 3), .net = NETCFG_PROXY, .caps = caps_net_proxy,
	  .sc_allow = SC_NET,
	  .description = "user, plus binding ports below 1024, raw sockets and broadcast; "
			 "setsockopt(SO_DEBUG) blocked; may publish ports." },
	{ LEVEL("network.access", "admin", 4), .net = NETCFG_ADMIN, .caps = caps_net_admin,
	  .sc_allow = SC_NET,
	  .description = "proxy, plus CAP_NET_ADMIN (interfaces, routes, firewall) inside its "
			 "own network namespace." },
	{ LEVEL("network.access", "host", 5), .net = NETCFG_HOST, .caps = caps_net_admin,
	  .sc_allow = SC_NET, .ns_share = NS_BIT(NS_NET),
	  .description = "Shares the host's network namespace: every interface and port of the "
			 "host." },

	{ LEVEL("security.access", "confined", 0), .is_default = true, NO_NET,
	  .description = "No capabilities; no_new_privs; dangerous system calls blocked (mount, "
			 "bpf, keyctl, modules, namespaces, perf, io_uring, mlock, ...); ptrace of "
			 "the container's own processes allowed." },
	{ LEVEL("security.access", "viewer", 1), .caps = caps_viewer, NO_NET,
	  .description = "confined, plus reading every file regardless of its permissions "
			 "(CAP_DAC_READ_SEARCH)." },
	{ LEVEL("security.access", "user", 2), .caps = caps_user, .sc_allow = SC_USER, NO_NET,
	  .description = "The classic container root over its own files and processes: "
			 "ownership, permissions, set*id, kill, chroot." },
	{ LEVEL("security.access", "admin", 3), .all_caps = true, .sc_allow = SC_ADMIN, NO_NET,
	  .description = "Every capability and the security domain's system calls (mount, "
			 "unshare, setns, keyctl, bpf, ...), still inside the container's "
			 "namespaces." },

	{ LEVEL("security.fs", "read-only", 0), .rootfs_readonly = true, NO_NET,
	  .tmpfs = tmpfs_readonly_root,
	  .description = "The root filesystem is mounted read-only; /tmp, /run and /dev/shm are "
			 "writable tmpfs." },
	{ LEVEL("security.fs", "read-write", 1), .is_default = true, NO_NET,
	  .description = "The root filesystem is writable." },

	{ .key = "security.memory-lock", .kind = ENT_KIND_FLAG, .caps = caps_memlock,
	  .sc_allow = SCG(MLOCK), .memlock_rlimit = true, NO_NET,
	  .description = "Locking memory (CAP_IPC_LOCK, mlock*), RLIMIT_MEMLOCK raised as far as "
			 "the host allows." },

	{ LEVEL("host.devices.access", "none", 0), .is_default = true, NO_NET,
	  .masked = masked_devices_none,
	  .description = "Minimal /dev (null zero full random urandom tty pts ptmx shm mqueue); "
			 "no other node opens (no mknod, every mount nodev); /sys read-only." },
	{ LEVEL("host.devices.access", "view", 1), NO_NET,
	  .description = "none, plus host device information in /sys (/sys/block, /sys/bus, "
			 "/sys/class/block, /sys/dev), still read-only." },
	{ LEVEL("host.devices.access", "admin", 2), .caps = caps_devices_admin, NO_NET,
	  .sc_allow = SCG(RAWIO), .host_dev = true, .devices_allow_all = true,
	  .description = "The host's /dev bound in, every device allowed by the device cgroup, "
			 "CAP_MKNOD and CAP_SYS_RAWIO; container root is host root (the host's own ids)." },
	{ .key = "host.devices.allow", .value = "PATH", .kind = ENT_KIND_PATH, NO_NET,
	  .description = "Pass one host device through (e.g. /dev/kvm, /dev/fuse), owned by "
			 "container root as by host root; repeatable." },

	{ LEVEL("host.processes.access", "none", 0), .is_default = true, NO_NET,
	  .description = "Own PID namespace: the container sees only its own processes." },
	{ LEVEL("host.processes.access", "admin", 1), .ns_share = NS_BIT(NS_PID), NO_NET,
	  .description = "Shares the host's PID namespace: sees (and, with capabilities, "
			 "signals) every host process." },
};
const size_t ent_n_entries = sizeof(ent_entries) / sizeof(ent_entries[0]);

/* Docker's libentitlement names (github.com/moby/libentitlement), same rows. */
const struct ent_alias ent_aliases[] = {
	{ "network.none",          "network.access",        "none" },
	{ "network.user",          "network.access",        "user" },
	{ "network.proxy",         "network.access",        "proxy" },
	{ "network.admin",         "network.access",        "admin" },
	{ "security.confined",     "security.access",       "confined" },
	{ "security.view",         "security.access",       "viewer" },
	{ "security.admin",        "security.access",       "admin" },
	{ "security.memory-lock",  "security.memory-lock",  NULL },
	{ "security.fs-read-only", "security.fs",           "read-only" },
	{ "host.devices.none",     "host.devices.access",   "none" },
	{ "host.devices.view",     "host.devices.access",   "view" },
	{ "host.devices.admin",    "host.devices.access",   "admin" },
	{ "host.processes.none",   "host.processes.access", "none" },
	{ "host.processes.admin",  "host.processes.access", "admin" },
};
const size_t ent_n_aliases = sizeof(ent_aliases) / sizeof(ent_aliases[0]);
/* clang-format on */

const struct ent_entry *ent_entry_find(const char *key, const char *value)
{
	for (size_t i = 0; i < ent_n_entries; i++) {
		const struct ent_entry *row = &ent_entries[i];

		if (strcmp(row->key, key))
			continue;
		if (row->kind != ENT_KIND_LEVEL || (value && !strcmp(row->value, value)))
			return row;
	}
	return NULL;
}

const struct ent_entry *ent_entry_key(const char *key)
{
	for (size_t i = 0; i < ent_n_entries; i++) {
		if (!strcmp(ent_entries[i].key, key))
			return &ent_entries[i];
	}
	return NULL;
}

void ent_entry_name(const struct ent_entry *row, char *buf, size_t size)
{
	if (row->kind == ENT_KIND_FLAG)
		snprintf(buf, size, "%s", row->key);
	else
		snprintf(buf, size, "%s=%s", row->key, row->value);
}

void ent_entry_values(const char *key, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ent_n_entries && len < size; i++) {
		if (strcmp(ent_entries[i].key, key) || !ent_entries[i].value)
			continue;
		len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
		                ent_entries[i].value);
	}
}

const struct ent_entry *ent_entry_net(int mode)
{
	for (size_t i = 0; i < ent_n_entries; i++) {
		if (ent_entries[i].net == mode)
			return &ent_entries[i];
	}
	return NULL;
}
