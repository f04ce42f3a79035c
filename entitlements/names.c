/*
 * entitlements/names.c - the name tables of the plan's enums and flags (see names.h). Pure.
 */
#include "entitlements/names.h"

#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "base/util.h"

/* clang-format off */
#define NS(k, f, n, o, p, iso, sh) [k] = { (k), (f), #f, (n), (o), (p), (iso), (sh) }
const struct ent_ns_name ent_ns_names[NS_COUNT] = {
	/* kind      clone(2) flag    name      OCI type   prose      isolated / shared */
	NS(NS_USER,   CLONE_NEWUSER,   "user",   "user",    "user",    "root inside is not host root",
	   "ids are the host's ids"),
	NS(NS_MNT,    CLONE_NEWNS,     "mount",  "mount",   "mount",   "own mount table",
	   "the host's mount table"),
	NS(NS_PID,    CLONE_NEWPID,    "pid",    "pid",     "PID",     "sees only its own processes",
	   "sees and signals host processes"),
	NS(NS_NET,    CLONE_NEWNET,    "net",    "network", "network", "own interfaces, routes and ports",
	   "the host's interfaces and ports"),
	NS(NS_UTS,    CLONE_NEWUTS,    "uts",    "uts",     "UTS",     "own hostname",
	   "the host's hostname"),
	NS(NS_IPC,    CLONE_NEWIPC,    "ipc",    "ipc",     "IPC",     "own SysV IPC and POSIX queues",
	   "the host's SysV IPC and queues"),
	NS(NS_CGROUP, CLONE_NEWCGROUP, "cgroup", "cgroup",  "cgroup",  "own cgroup root",
	   "sees host cgroup paths"),
};

#define MF(x, opt, st, attr) { (x), #x, (opt), (st), (attr), #attr }
#define MF0(x, opt)          { (x), #x, (opt), 0, 0, NULL }
const struct ent_mount_flag ent_mount_flags[] = {
	/* mount(2)     mount(8)  statvfs(3)  mount_setattr(2) */
	MF(MS_RDONLY,   "ro",     ST_RDONLY,  MOUNT_ATTR_RDONLY),
	MF(MS_NOSUID,   "nosuid", ST_NOSUID,  MOUNT_ATTR_NOSUID),
	MF(MS_NODEV,    "nodev",  ST_NODEV,   MOUNT_ATTR_NODEV),
	MF(MS_NOEXEC,   "noexec", ST_NOEXEC,  MOUNT_ATTR_NOEXEC),
	MF0(MS_SYNCHRONOUS, "sync"),
	MF0(MS_DIRSYNC,     "dirsync"),
	MF0(MS_MANDLOCK,    "mand"),
	MF0(MS_NOATIME,     "noatime"),
	MF0(MS_NODIRATIME,  "nodiratime"),
	MF0(MS_RELATIME,    "relatime"),
	MF0(MS_STRICTATIME, "strictatime"),
	MF0(MS_LAZYTIME,    "lazytime"),
	MF0(MS_PRIVATE,     "private"),     /* propagation: "r" prefix with MS_REC */
	MF0(MS_SLAVE,       "slave"),
	MF0(MS_SHARED,      "shared"),
	MF0(MS_UNBINDABLE,  "unbindable"),
	MF0(MS_REMOUNT,     NULL),
	MF0(MS_BIND,        NULL),          /* "bind" / "rbind", written first */
	MF0(MS_REC,         NULL),
	MF0(MS_MOVE,        NULL),
	MF0(MS_SILENT,      NULL),
};
const size_t ent_n_mount_flags = ARRAY_SIZE(ent_mount_flags);

const struct ent_dev_node ent_dev_nodes[] = {
	{ "/dev/null",    'c', 1, 3 },
	{ "/dev/zero",    'c', 1, 5 },
	{ "/dev/full",    'c', 1, 7 },
	{ "/dev/random",  'c', 1, 8 },
	{ "/dev/urandom", 'c', 1, 9 },
	{ "/dev/tty",     'c', 5, 0 },
};
const size_t ent_n_dev_nodes = ARRAY_SIZE(ent_dev_nodes);

static const struct ent_net_name net_names[] = {
	{ NETCFG_NONE,     "none",     "loopback only; sockets limited to AF_UNIX" },
	{ NETCFG_LOOPBACK, "confined", "own network namespace, loopback only" },
	{ NETCFG_USER,     "user",     "outbound through veth and NAT (or pasta)" },
	{ NETCFG_PROXY,    "proxy",    "outbound, and may publish ports" },
	{ NETCFG_ADMIN,    "admin",    "proxy, and may configure its interfaces" },
	{ NETCFG_HOST,     "host",     "the host's network namespace itself" },
};
/* clang-format on */

const char *ent_clone_flag_names(unsigned long flags, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(ent_ns_names); i++) {
		if (!(flags & ent_ns_names[i].clone_flag))
			continue;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
		                         used ? "|" : "", ent_ns_names[i].flag);
	}
	if (!used)
		snprintf(buf, size, "0");
	return buf;
}

const char *ent_mount_flag_names(unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	/* Write MS_REMOUNT, MS_BIND and MS_REC first: that is how mount(2) calls read. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ent_n_mount_flags && len < size; i++) {
			const struct ent_mount_flag *f = &ent_mount_flags[i];
			bool lead =
			        f->flag == MS_REMOUNT || f->flag == MS_BIND || f->flag == MS_REC;

			if (lead != (pass == 0) || !(flags & f->flag))
				continue;
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
			                        f->name);
			flags &= ~f->flag;
		}
	}
	if (len < size && (flags || !len))
		snprintf(buf + len, size - len, "%s%#lx", len ? "|" : "", flags);
	return buf;
}

const struct ent_net_name *ent_net_row(enum netcfg_mode mode)
{
	static const struct ent_net_name unknown = { NETCFG_NONE, "unknown", "unknown" };

	for (size_t i = 0; i < ARRAY_SIZE(net_names); i++) {
		if (net_names[i].mode == mode)
			return &net_names[i];
	}
	return &unknown;
}

const char *ent_generated_name(unsigned kind)
{
	static const char *const names[] = {
		[ROOTFS_GEN_NONE] = "",
		[ROOTFS_GEN_RESOLV] =
		        "generated resolv.conf (the host's, loopback nameservers out)",
		[ROOTFS_GEN_HOSTS] =
		        "generated hosts (localhost, the container's name and address)",
	};

	return kind < ARRAY_SIZE(names) ? names[kind] : "";
}
