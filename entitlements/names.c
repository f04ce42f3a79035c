/*
 * entitlements/names.c - the name tables of the plan's enums and flags (see names.h). Pure.
 */
#include "entitlements/names.h"

#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "base/util.h"

/* clang-format off */
#define ACT(k, scmp, oci, name, reads, max) [k] = { (scmp), (oci), (name), (reads), (max) }
const struct ent_seccomp_action ent_seccomp_actions[LOCKDOWN_N_ACTIONS] = {
	/* libseccomp         profiles                  explain json    sentence           data */
	ACT(LOCKDOWN_ALLOW,        SCMP_ACT_ALLOW,        "SCMP_ACT_ALLOW",        "allow",
	    "allowed", 0),
	ACT(LOCKDOWN_ERRNO,        SCMP_ACT_ERRNO(0),     "SCMP_ACT_ERRNO",        "errno",
	    "denied", 4095 /* the kernel's MAX_ERRNO */),
	ACT(LOCKDOWN_KILL_PROCESS, SCMP_ACT_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS", "kill_process",
	    "kills the process", 0),
	ACT(LOCKDOWN_KILL_THREAD,  SCMP_ACT_KILL_THREAD,  "SCMP_ACT_KILL_THREAD",  "kill_thread",
	    "kills the thread", 0),
	ACT(LOCKDOWN_TRAP,         SCMP_ACT_TRAP,         "SCMP_ACT_TRAP",         "trap",
	    "traps (SIGSYS)", 0),
	ACT(LOCKDOWN_LOG,          SCMP_ACT_LOG,          "SCMP_ACT_LOG",          "log",
	    "allowed and logged", 0),
	ACT(LOCKDOWN_TRACE,        SCMP_ACT_TRACE(0),     "SCMP_ACT_TRACE",        "trace",
	    "passed to the tracer", 0xffff /* the tracer's 16-bit message */),
	/* ent-run learn: the rule's errnum is its supervisor's answer, not part of the program;
	   a profile cannot ask for it (no seccomp agent, OCI's listenerPath, is run). */
	ACT(LOCKDOWN_NOTIFY,       SCMP_ACT_NOTIFY,       "SCMP_ACT_NOTIFY",       "notify",
	    "reported to ent-run learn", 0),
};

#define CMP(k, scmp, op) [k] = { (scmp), #scmp, (op) }
const struct ent_seccomp_cmp ent_seccomp_cmps[LOCKDOWN_N_CMPS] = {
	CMP(LOCKDOWN_CMP_NE, SCMP_CMP_NE, "!="), CMP(LOCKDOWN_CMP_LT, SCMP_CMP_LT, "<"),
	CMP(LOCKDOWN_CMP_LE, SCMP_CMP_LE, "<="), CMP(LOCKDOWN_CMP_EQ, SCMP_CMP_EQ, "=="),
	CMP(LOCKDOWN_CMP_GE, SCMP_CMP_GE, ">="), CMP(LOCKDOWN_CMP_GT, SCMP_CMP_GT, ">"),
	CMP(LOCKDOWN_CMP_MASKED_EQ, SCMP_CMP_MASKED_EQ, "&"),
};

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

const struct ent_seccomp_action *ent_seccomp_action_row(unsigned action)
{
	return action < LOCKDOWN_N_ACTIONS ? &ent_seccomp_actions[action] : NULL;
}

const struct ent_seccomp_cmp *ent_seccomp_cmp_row(unsigned op)
{
	return op < LOCKDOWN_N_CMPS ? &ent_seccomp_cmps[op] : NULL;
}

const char *ent_seccomp_short(const char *oci)
{
	/* Both prefixes, "SCMP_ACT_" and "SCMP_CMP_", are 9 characters. */
	return oci && strlen(oci) > 9 ? oci + 9 : "?";
}

const char *ent_seccomp_action_str(unsigned action, int32_t data, char *buf, size_t size)
{
	const struct ent_seccomp_action *row = ent_seccomp_action_row(action);
	const char *name = row ? ent_seccomp_short(row->oci) : "?";
	const char *errname = data > 0 ? strerrorname_np(data) : NULL;

	if (!row || !row->max_data)
		snprintf(buf, size, "%s", name);
	else if (action == LOCKDOWN_ERRNO && errname)
		snprintf(buf, size, "%s(%s)", name, errname);
	else
		snprintf(buf, size, "%s(%d)", name, (int)data);
	return buf;
}

const char *const ent_hook_names[ENT_HOOK_KINDS] = {
	[ENT_HOOK_PRESTART] = "prestart",
	[ENT_HOOK_CREATE_RUNTIME] = "createRuntime",
	[ENT_HOOK_CREATE_CONTAINER] = "createContainer",
	[ENT_HOOK_START_CONTAINER] = "startContainer",
	[ENT_HOOK_POSTSTART] = "poststart",
	[ENT_HOOK_POSTSTOP] = "poststop",
};
