/*
 * entitlements/explain.c - ent-run explain: print a plan for people, and answer "why?".
 *
 * Every item of a plan carries a "why" (the entitlement, option or default that put it there).
 * This file prints the plan grouped by kernel feature, naming on each line what the feature
 * does for isolation (namespaces(7), capabilities(7), seccomp(2), mount(2), cgroups(7)) and who
 * asked for it. Two forms: text for an 80-column terminal, and a stable json object
 * (docs/explain-json.md) that golden tests pin.
 *
 * Pure code: reads the plan, writes to the FILE * it is given. Capability names come from
 * libcap (cap_to_name), system call names are checked with libseccomp's name lookup.
 */
#include "entitlements/explain.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define WIDTH         80 /* text output fits an 80-column terminal */
#define RIGHT_EDGE    79 /* whys end here: a full 80-column line wraps on some terminals */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
/* The namespaces of namespaces(7): what a new one isolates, what sharing the host's means. */
static const struct ns_row {
	enum ns_kind kind;
	const char *name;
	const char *flag;
	const char *isolated;
	const char *shared;
} ns_rows[] = {
	{ NS_USER,   "user",   "CLONE_NEWUSER",   "root inside is not host root",
							"ids are the host's ids" },
	{ NS_MNT,    "mount",  "CLONE_NEWNS",     "own mount table",  "the host's mount table" },
	{ NS_PID,    "pid",    "CLONE_NEWPID",    "sees only its own processes",
							"sees and signals host processes" },
	{ NS_NET,    "net",    "CLONE_NEWNET",    "own interfaces, routes and ports",
							"the host's interfaces and ports" },
	{ NS_UTS,    "uts",    "CLONE_NEWUTS",    "own hostname",     "the host's hostname" },
	{ NS_IPC,    "ipc",    "CLONE_NEWIPC",    "own SysV IPC and POSIX queues",
							"the host's SysV IPC and queues" },
	{ NS_CGROUP, "cgroup", "CLONE_NEWCGROUP", "own cgroup root",  "sees host cgroup paths" },
};

/* What each capability lets a process do, in a few words (capabilities(7) has the detail). */
static const struct cap_row {
	unsigned cap;
	const char *does;
} cap_rows[] = {
	{ CAP_CHOWN,              "change file owners" },
	{ CAP_DAC_OVERRIDE,       "ignore file permissions" },
	{ CAP_DAC_READ_SEARCH,    "read any file or directory" },
	{ CAP_FOWNER,             "act as any file's owner" },
	{ CAP_FSETID,             "keep setuid bits on writes" },
	{ CAP_KILL,               "signal any process" },
	{ CAP_SETGID,             "change group ids" },
	{ CAP_SETUID,             "change user ids" },
	{ CAP_SETPCAP,            "change capability sets" },
	{ CAP_LINUX_IMMUTABLE,    "set immutable file flags" },
	{ CAP_NET_BIND_SERVICE,   "bind ports below 1024" },
	{ CAP_NET_BROADCAST,      "broadcast and multicast" },
	{ CAP_NET_ADMIN,          "configure the network" },
	{ CAP_NET_RAW,            "raw sockets (ping, capture)" },
	{ CAP_IPC_LOCK,           "lock memory (mlock)" },
	{ CAP_IPC_OWNER,          "bypass SysV IPC permissions" },
	{ CAP_SYS_MODULE,         "load kernel modules" },
	{ CAP_SYS_RAWIO,          "raw I/O ports and memory" },
	{ CAP_SYS_CHROOT,         "chroot(2)" },
	{ CAP_SYS_PTRACE,         "trace any process" },
	{ CAP_SYS_PACCT,          "process accounting" },
	{ CAP_SYS_ADMIN,          "mount, and much more" },
	{ CAP_SYS_BOOT,           "reboot, kexec" },
	{ CAP_SYS_NICE,           "raise priorities" },
	{ CAP_SYS_RESOURCE,       "exceed resource limits" },
	{ CAP_SYS_TIME,           "set the system clock" },
	{ CAP_SYS_TTY_CONFIG,     "configure terminals" },
	{ CAP_MKNOD,              "create device nodes" },
	{ CAP_LEASE,              "take file leases" },
	{ CAP_AUDIT_WRITE,        "write the audit log" },
	{ CAP_AUDIT_CONTROL,      "configure auditing" },
	{ CAP_SETFCAP,            "set file capabilities" },
	{ CAP_MAC_OVERRIDE,       "override the LSM policy" },
	{ CAP_MAC_ADMIN,          "configure the LSM policy" },
	{ CAP_SYSLOG,             "read the kernel log" },
	{ CAP_WAKE_ALARM,         "wake the system up" },
	{ CAP_BLOCK_SUSPEND,      "block system suspend" },
	{ CAP_AUDIT_READ,         "read the audit log" },
	{ CAP_PERFMON,            "performance monitoring" },
	{ CAP_BPF,                "load BPF programs" },
	{ CAP_CHECKPOINT_RESTORE, "checkpoint and restore" },
};

/* The five capability sets of a thread, in the order of /proc/PID/status. */
static const struct capset_row {
	const char *name;
	size_t offset;
	const char *meaning;
} capset_rows[] = {
	{ "bounding",    offsetof(struct lockdown_caps, bounding),    "the most it can ever hold" },
	{ "effective",   offsetof(struct lockdown_caps, effective),   "what the kernel checks" },
	{ "permitted",   offsetof(struct lockdown_caps, permitted),   "what it may make effective" },
	{ "inheritable", offsetof(struct lockdown_caps, inheritable), "kept across execve (with file caps)" },
	{ "ambient",     offsetof(struct lockdown_caps, ambient),     "kept across execve" },
};

/* Mount flags of mount(2): the MS_ name and the option word of mount(8) and the OCI spec. */
#define MFLAG(x, opt) { (x), #x, (opt) }
static const struct mount_flag {
	unsigned long flag;
	const char *name;
	const char *option;
} mount_flags[] = {
	MFLAG(MS_RDONLY,      "ro"),
	MFLAG(MS_NOSUID,      "nosuid"),
	MFLAG(MS_NODEV,       "nodev"),
	MFLAG(MS_NOEXEC,      "noexec"),
	MFLAG(MS_SYNCHRONOUS, "sync"),
	MFLAG(MS_DIRSYNC,     "dirsync"),
	MFLAG(MS_NOATIME,     "noatime"),
	MFLAG(MS_NODIRATIME,  "nodiratime"),
	MFLAG(MS_RELATIME,    "relatime"),
	MFLAG(MS_STRICTATIME, "strictatime"),
	MFLAG(MS_PRIVATE,     "private"),     /* propagation: "r" prefix with MS_REC */
	MFLAG(MS_SLAVE,       "slave"),
	MFLAG(MS_SHARED,      "shared"),
	MFLAG(MS_UNBINDABLE,  "unbindable"),
	MFLAG(MS_BIND,        NULL),          /* "bind" / "rbind", written first */
	MFLAG(MS_REC,         NULL),
};
#define PROPAGATION_FLAGS (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)

/* Network modes (netcfg/): the catalogue's value name and what the container can reach. */
static const struct net_row {
	enum netcfg_mode mode;
	const char *name;
	const char *reach;
} net_rows[] = {
	{ NETCFG_NONE,     "none",     "loopback only; sockets limited to AF_UNIX" },
	{ NETCFG_LOOPBACK, "confined", "own network namespace, loopback only" },
	{ NETCFG_USER,     "user",     "outbound through veth and NAT (or pasta)" },
	{ NETCFG_PROXY,    "proxy",    "outbound, and may publish ports" },
	{ NETCFG_ADMIN,    "admin",    "proxy, and may configure its interfaces" },
	{ NETCFG_HOST,     "host",     "the host's network namespace itself" },
};

#define FLAG(x) { (x), #x }
struct flag_name {
	uint64_t value;
	const char *name;
};
static const struct flag_name rlimit_names[] = {
	FLAG(RLIMIT_CPU),    FLAG(RLIMIT_FSIZE),   FLAG(RLIMIT_DATA),       FLAG(RLIMIT_STACK),
	FLAG(RLIMIT_CORE),   FLAG(RLIMIT_RSS),     FLAG(RLIMIT_NPROC),      FLAG(RLIMIT_NOFILE),
	FLAG(RLIMIT_MEMLOCK), FLAG(RLIMIT_AS),     FLAG(RLIMIT_LOCKS),      FLAG(RLIMIT_SIGPENDING),
	FLAG(RLIMIT_MSGQUEUE), FLAG(RLIMIT_NICE),  FLAG(RLIMIT_RTPRIO),     FLAG(RLIMIT_RTTIME),
};

/*
 * Symbolic names of the argument values seccomp rules compare, per system call and argument,
 * so that "arg0 == 1" reads "arg0 == AF_UNIX (1)". Masks are spelled as flags joined by '|'.
 */
static const struct arg_name {
	const char *syscall;
	uint8_t index;
	struct flag_name value;
} arg_names[] = {
	{ "socket",      0, FLAG(AF_UNIX) },     { "socket",      0, FLAG(AF_INET) },
	{ "socket",      0, FLAG(AF_INET6) },    { "socket",      0, FLAG(AF_NETLINK) },
	{ "socket",      0, FLAG(AF_PACKET) },   { "socket",      0, FLAG(AF_VSOCK) },
	{ "socket",      1, FLAG(SOCK_STREAM) }, { "socket",      1, FLAG(SOCK_DGRAM) },
	{ "socket",      1, FLAG(SOCK_RAW) },
	{ "setsockopt",  1, FLAG(SOL_SOCKET) },  { "setsockopt",  2, FLAG(SO_DEBUG) },
	{ "ioctl",       1, FLAG(TIOCSTI) },     { "ioctl",       1, FLAG(TIOCLINUX) },
	{ "personality", 0, FLAG(PER_LINUX) },   { "personality", 0, FLAG(PER_LINUX32) },
	{ "personality", 0, FLAG(UNAME26) },
	{ "clone",   0, FLAG(CLONE_NEWUSER) },   { "clone",   0, FLAG(CLONE_NEWNS) },
	{ "clone",   0, FLAG(CLONE_NEWPID) },    { "clone",   0, FLAG(CLONE_NEWNET) },
	{ "clone",   0, FLAG(CLONE_NEWUTS) },    { "clone",   0, FLAG(CLONE_NEWIPC) },
	{ "clone",   0, FLAG(CLONE_NEWCGROUP) }, { "clone",   0, FLAG(CLONE_NEWTIME) },
	{ "unshare", 0, FLAG(CLONE_NEWUSER) },   { "unshare", 0, FLAG(CLONE_NEWNS) },
	{ "unshare", 0, FLAG(CLONE_NEWPID) },    { "unshare", 0, FLAG(CLONE_NEWNET) },
	{ "unshare", 0, FLAG(CLONE_NEWUTS) },    { "unshare", 0, FLAG(CLONE_NEWIPC) },
	{ "unshare", 0, FLAG(CLONE_NEWCGROUP) }, { "unshare", 0, FLAG(CLONE_NEWTIME) },
};

/* Seccomp actions: the json name and how a person reads it. */
static const struct action_row {
	enum lockdown_action action;
	const char *name;
	const char *reads;
} action_rows[] = {
	{ LOCKDOWN_ALLOW,        "allow",        "allowed" },
	{ LOCKDOWN_ERRNO,        "errno",        "denied" },
	{ LOCKDOWN_KILL_PROCESS, "kill_process", "kills the process" },
	{ LOCKDOWN_KILL_THREAD,  "kill_thread",  "kills the thread" },
	{ LOCKDOWN_TRAP,         "trap",         "traps (SIGSYS)" },
	{ LOCKDOWN_LOG,          "log",          "allowed and logged" },
	{ LOCKDOWN_TRACE,        "trace",        "passed to the tracer" },
};

/* Argument comparisons (enum lockdown_cmp) as C operators. */
static const char *const cmp_ops[] = {
	[LOCKDOWN_CMP_NE] = "!=", [LOCKDOWN_CMP_LT] = "<",  [LOCKDOWN_CMP_LE] = "<=",
	[LOCKDOWN_CMP_EQ] = "==", [LOCKDOWN_CMP_GE] = ">=", [LOCKDOWN_CMP_GT] = ">",
	[LOCKDOWN_CMP_MASKED_EQ] = "&",
};
/* clang-format on */

/* ---------------------------------------------------------------- names */

void ent_cap_name(unsigned cap, char *buf, size_t size)
{
	char *name = cap_to_name((cap_value_t)cap);

	/* libcap answers "cap_net_raw", or the number for a capability newer than itself. */
	if (name && !strncmp(name, "cap_", 4)) {
		snprintf(buf, size, "%s", name);
		for (char *p = buf; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	} else {
		snprintf(buf, size, "CAP_%u", cap);
	}
	cap_free(name);
}

const char *ent_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].value == (uint64_t)resource)
			return rlimit_names[i].name;
	return NULL;
}

int ent_mount_options(const struct rootfs_mount *m, char *buf, size_t size)
{
	bool bind = !strcmp(m->fstype, "bind") || (m->flags & MS_BIND);
	bool rec = m->flags & MS_REC;
	int len = 0;

	buf[0] = '\0';
	if (bind)
		len = snprintf(buf, size, "%s", rec ? "rbind" : "bind");
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++) {
		const struct mount_flag *f = &mount_flags[i];
		bool r = rec && (f->flag & PROPAGATION_FLAGS);

		if (!f->option || !(m->flags & f->flag))
			continue;
		len += snprintf(buf + len, (size_t)len < size ? size - (size_t)len : 0, "%s%s%s",
		                len ? "," : "", r ? "r" : "", f->option);
	}
	if (m->data[0])
		len += snprintf(buf + len, (size_t)len < size ? size - (size_t)len : 0, "%s%s",
		                len ? "," : "", m->data);
	return len;
}

static const char *why_of(const char *why)
{
	return why[0] ? why : "default";
}

static const struct cap_row *cap_row_of(unsigned cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_rows); i++)
		if (cap_rows[i].cap == cap)
			return &cap_rows[i];
	return NULL;
}

static const struct action_row *action_row_of(unsigned action)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_rows); i++)
		if ((unsigned)action_rows[i].action == action)
			return &action_rows[i];
	return NULL;
}

static const char *net_name(enum netcfg_mode mode, const char **reach)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_rows); i++) {
		if (net_rows[i].mode == mode) {
			if (reach)
				*reach = net_rows[i].reach;
			return net_rows[i].name;
		}
	}
	if (reach)
		*reach = "unknown";
	return "unknown";
}

static const char *errno_name(int errnum, char *buf, size_t size)
{
	const char *name = strerrorname_np(errnum);

	if (name)
		return name;
	snprintf(buf, size, "%d", errnum);
	return buf;
}

/* "denied (EPERM)", "allowed", "kills the process": how a rule's action reads. */
static const char *action_text(unsigned action, int32_t errnum, char *buf, size_t size)
{
	const struct action_row *row = action_row_of(action);
	char num[16];

	if (!row)
		snprintf(buf, size, "action %u", action);
	else if (action == LOCKDOWN_ERRNO)
		snprintf(buf, size, "denied (%s)", errno_name(errnum, num, sizeof(num)));
	else if (action == LOCKDOWN_TRACE)
		snprintf(buf, size, "passed to the tracer (%d)", errnum);
	else
		snprintf(buf, size, "%s", row->reads);
	return buf;
}

/* A value as "AF_UNIX (1)" or "CLONE_NEWUSER | CLONE_NEWNET (0x50000000)", else as a number. */
static void value_text(const char *syscall, uint8_t index, uint64_t value, bool mask, char *buf,
                       size_t size)
{
	uint64_t named = 0;
	int len = 0;

	for (size_t i = 0; i < ARRAY_SIZE(arg_names); i++) {
		const struct arg_name *a = &arg_names[i];

		if (strcmp(a->syscall, syscall) || a->index != index)
			continue;
		if (!mask && a->value.value == value) {
			snprintf(buf, size, "%s (%" PRIu64 ")", a->value.name, value);
			return;
		}
		if (mask && a->value.value && (value & a->value.value) == a->value.value &&
		    !(named & a->value.value) && (size_t)len < size) {
			len += snprintf(buf + len, size - (size_t)len, "%s%s", len ? " | " : "",
			                a->value.name);
			named |= a->value.value;
		}
	}
	if (mask && named == value && value)
		snprintf(buf + len, (size_t)len < size ? size - (size_t)len : 0, " (0x%" PRIx64 ")",
		         value);
	else if (mask || value > 0xffff)
		snprintf(buf, size, "0x%" PRIx64, value);
	else
		snprintf(buf, size, "%" PRIu64, value);
}

/* The conditions of a rule, ANDed: "arg0 == AF_UNIX (1) && (arg2 & 0x3) == 0". */
static void conditions_text(const struct lockdown_rule *r, char *buf, size_t size)
{
	char value[160], value2[160];
	int len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->n_args && (size_t)len < size; i++) {
		const struct lockdown_arg *a = &r->args[i];
		const char *sep = i ? " && " : "";

		if (a->op == LOCKDOWN_CMP_MASKED_EQ) {
			/* Flag tests read as such: "arg0 has CLONE_NEWNS (0x20000)". */
			value_text(r->syscall, a->index, a->value, true, value, sizeof(value));
			value_text(r->syscall, a->index, a->value2, true, value2, sizeof(value2));
			if (a->value2 == a->value)
				len += snprintf(buf + len, size - (size_t)len, "%sarg%u has %s",
				                sep, a->index, value);
			else if (!a->value2)
				len += snprintf(buf + len, size - (size_t)len,
				                "%sarg%u has none of %s", sep, a->index, value);
			else
				len += snprintf(buf + len, size - (size_t)len,
				                "%s(arg%u & %s) == %s", sep, a->index, value,
				                value2);
		} else {
			value_text(r->syscall, a->index, a->value, false, value, sizeof(value));
			len += snprintf(buf + len, size - (size_t)len, "%sarg%u %s %s", sep,
			                a->index,
			                a->op < ARRAY_SIZE(cmp_ops) ? cmp_ops[a->op] : "?", value);
		}
	}
}

static bool path_under(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	if (!strcmp(prefix, "/"))
		return path[0] == '/';
	return !strncmp(path, prefix, len) && (path[len] == '\0' || path[len] == '/');
}

/* ---------------------------------------------------------------- text output */

/* Where to break text so that its first line has at most room columns: the last space that
 * fits, else the first space (a long path stays whole), else the end. */
static size_t break_at(const char *text, int room)
{
	size_t cut = 0;

	for (size_t i = 0; text[i] && (int)i <= room; i++)
		if (text[i] == ' ')
			cut = i;
	return cut ? cut : strcspn(text, " ");
}

/*
 * One row of a section: "  LEFT  TEXT" with LEFT padded to left_w, so that a section's rows
 * line up, and "[why]" flush right at column 79, so that the whys form a column of their own.
 * Text too long for the line continues on the next, indented; a why that does not fit after
 * the text goes on a line of its own, still flush right.
 */
static void put_row(FILE *out, int indent, int left_w, const char *left, const char *text,
                    const char *why)
{
	int left_len = (int)strlen(left);
	int text_col =
	        indent + (left_len || left_w ? (left_len > left_w ? left_len : left_w) + 1 : 0);
	int why_len = why && why[0] ? (int)strlen(why) + 2 : 0;
	int col = fprintf(out, "%*s%s", indent, "", left);
	int at = text_col;

	while (*text) {
		size_t n = strlen(text);

		if (at + (int)n > RIGHT_EDGE)
			n = break_at(text, RIGHT_EDGE - at);
		col += fprintf(out, "%*s%.*s", at - col, "", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text) {
			fputc('\n', out);
			col = 0;
			at = text_col + 2;
		}
	}
	if (why_len) {
		if (col + 2 + why_len > RIGHT_EDGE) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s[%s]", RIGHT_EDGE - col - why_len, "", why);
	}
	fputc('\n', out);
}

/* Words (system call names) filling lines up to 80 columns, each line indented. */
struct word_wrap {
	FILE *out;
	int indent;
	int col;
};

static void wrap_word(struct word_wrap *w, const char *word)
{
	int len = (int)strlen(word);

	if (w->col && w->col + 1 + len > RIGHT_EDGE) {
		fputc('\n', w->out);
		w->col = 0;
	}
	if (!w->col)
		w->col = fprintf(w->out, "%*s%s", w->indent, "", word);
	else
		w->col += fprintf(w->out, " %s", word);
}

static void wrap_end(struct word_wrap *w)
{
	if (w->col)
		fputc('\n', w->out);
	w->col = 0;
}

static void text_grants(FILE *out, const struct ent_plan *plan)
{
	fputs("Entitlements\n", out);
	if (!plan->n_grants)
		fputs("  none requested: the default, least-privileged container\n", out);
	for (unsigned i = 0; i < plan->n_grants; i++)
		put_row(out, 2, 0, "", plan->grants[i].text, plan->grants[i].from);
}

static void text_namespaces(FILE *out, const struct ns_spec *ns)
{
	char state[64];

	fputs("\nNamespaces  (namespaces(7): what the container sees of the host)\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(ns_rows); i++) {
		const struct ns_row *row = &ns_rows[i];
		bool new = ns->unshare[row->kind];

		snprintf(state, sizeof(state), "%-5s %-16s %s", new ? "new" : "host",
		         new ? row->flag : "-", new ? row->isolated : row->shared);
		put_row(out, 2, 8, row->name, state, why_of(ns->why[row->kind]));
	}
}

static void text_idmap(FILE *out, const char *what, const struct ns_idmap *map, unsigned n)
{
	char text[128];

	if (!n)
		put_row(out, 2, 8, what, "none written", NULL);
	for (unsigned i = 0; i < n; i++) {
		snprintf(text, sizeof(text),
		         "%" PRIu32 "-%" PRIu64 " inside are %" PRIu32 "-%" PRIu64 " on the host",
		         map[i].inside, (uint64_t)map[i].inside + map[i].count - 1, map[i].outside,
		         (uint64_t)map[i].outside + map[i].count - 1);
		put_row(out, 2, 8, i ? "" : what, text, NULL);
	}
}

static void text_ids(FILE *out, const struct ent_plan *plan)
{
	const struct ns_spec *ns = &plan->ns;
	char text[128];

	fputs("\nUser and group ids  (user_namespaces(7): /proc/PID/uid_map, gid_map)\n", out);
	if (!ns->unshare[NS_USER]) {
		put_row(out, 2, 8, "maps", "none: no user namespace, ids are the host's", NULL);
	} else {
		text_idmap(out, "uid", ns->uid_map, ns->n_uid_map);
		text_idmap(out, "gid", ns->gid_map, ns->n_gid_map);
		if (ns->use_idmap_helpers)
			put_row(out, 2, 8, "helpers",
			        "newuidmap/newgidmap write the maps (/etc/subuid)", NULL);
		if (ns->deny_setgroups)
			put_row(out, 2, 8, "groups", "setgroups(2) denied (unprivileged map)",
			        NULL);
	}
	snprintf(text, sizeof(text), "uid %" PRIu32 ", gid %" PRIu32 " inside", plan->proc.uid,
	         plan->proc.gid);
	put_row(out, 2, 8, "process", text, NULL);
}

static void text_capset(FILE *out, const struct lockdown_spec *lock, const struct capset_row *set)
{
	uint64_t bits = *(const uint64_t *)((const char *)&lock->caps + set->offset);
	char name[ENT_NAME_MAX];

	fprintf(out, "  %-12s %s\n", set->name, set->meaning);
	if (!bits) {
		fputs("    none\n", out);
		return;
	}
	if (set != &capset_rows[0] && bits == lock->caps.bounding) {
		fputs("    the same as bounding\n", out);
		return;
	}
	for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
		const struct cap_row *row = cap_row_of(cap);

		if (!(bits & (UINT64_C(1) << cap)))
			continue;
		ent_cap_name(cap, name, sizeof(name));
		put_row(out, 4, 22, name, row ? row->does : "", why_of(lock->cap_why[cap]));
	}
}

static void text_capabilities(FILE *out, const struct lockdown_spec *lock)
{
	fputs("\nCapabilities  (capabilities(7): root's powers, one by one)\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(capset_rows); i++)
		text_capset(out, lock, &capset_rows[i]);
	put_row(out, 2, 12, "no_new_privs",
	        lock->no_new_privs ? "on: execve cannot gain privileges (setuid, file caps)"
	                           : "off: setuid programs and file capabilities work",
	        NULL);
}

/* Is rule i the first unconditional rule with its action, errno and why? */
static bool group_head(const struct lockdown_spec *lock, unsigned i)
{
	const struct lockdown_rule *r = &lock->rules[i];

	for (unsigned j = 0; j < i; j++) {
		const struct lockdown_rule *q = &lock->rules[j];

		if (!q->n_args && q->action == r->action && q->errnum == r->errnum &&
		    !strcmp(q->why, r->why))
			return false;
	}
	return true;
}

/* Unconditional rules, grouped by action and why; allowed-by-default ones only counted. */
static void text_rule_groups(FILE *out, const struct lockdown_spec *lock)
{
	char action[64], head[160];

	for (unsigned i = 0; i < lock->n_rules; i++) {
		const struct lockdown_rule *r = &lock->rules[i];
		struct word_wrap w = { .out = out, .indent = 4 };
		unsigned count = 0;

		if (r->n_args || !group_head(lock, i))
			continue;
		for (unsigned j = i; j < lock->n_rules; j++) {
			const struct lockdown_rule *q = &lock->rules[j];

			count += !q->n_args && q->action == r->action && q->errnum == r->errnum &&
			         !strcmp(q->why, r->why);
		}
		action_text(r->action, r->errnum, action, sizeof(action));
		snprintf(head, sizeof(head), "%s by %s: %u", action, why_of(r->why), count);
		put_row(out, 2, 0, "", head, NULL);
		if (r->action == LOCKDOWN_ALLOW && !strcmp(why_of(r->why), "default"))
			continue;
		for (unsigned j = i; j < lock->n_rules; j++) {
			const struct lockdown_rule *q = &lock->rules[j];

			if (!q->n_args && q->action == r->action && q->errnum == r->errnum &&
			    !strcmp(q->why, r->why))
				wrap_word(&w, q->syscall);
		}
		wrap_end(&w);
	}
}

static void text_seccomp(FILE *out, const struct lockdown_spec *lock)
{
	char action[64], text[ENT_PATH_MAX + 64], cond[512];
	unsigned n_cond = 0;

	fputs("\nSeccomp  (seccomp(2): a filter on every system call)\n", out);
	if (lock->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED) {
		put_row(out, 2, 8, "filter", "none: every system call reaches the kernel",
		        lock->seccomp_ref[0] ? lock->seccomp_ref : "unconfined");
		return;
	}
	for (unsigned i = 0; i < lock->n_rules; i++)
		n_cond += lock->rules[i].n_args > 0;
	snprintf(text, sizeof(text), "%s: %u rules, %u with argument conditions",
	         lock->seccomp_ref[0] ? lock->seccomp_ref : "runtime/default", lock->n_rules,
	         n_cond);
	put_row(out, 2, 8, "filter", text, NULL);
	snprintf(text, sizeof(text), "%s for system calls no rule names",
	         action_text(lock->default_action, lock->default_errnum, action, sizeof(action)));
	put_row(out, 2, 8, "default", text, NULL);
	text_rule_groups(out, lock);
	if (!n_cond)
		return;
	fputs("  with conditions on the arguments:\n", out);
	for (unsigned i = 0; i < lock->n_rules; i++) {
		const struct lockdown_rule *r = &lock->rules[i];

		if (!r->n_args)
			continue;
		conditions_text(r, cond, sizeof(cond));
		snprintf(text, sizeof(text), "%s: %s %s %s", r->syscall,
		         action_text(r->action, r->errnum, action, sizeof(action)),
		         r->action == LOCKDOWN_ALLOW ? "only when" : "when", cond);
		put_row(out, 4, 0, "", text, why_of(r->why));
	}
}

static void text_mounts(FILE *out, const struct rootfs_spec *rootfs)
{
	char opts[512], text[ENT_PATH_MAX + 600];

	fputs("\nMounts  (mount(2), in this order, in the container's mount namespace)\n", out);
	snprintf(text, sizeof(text), "%-7s %s%s%s", "rootfs",
	         rootfs->readonly ? "read-only" : "writable", rootfs->root[0] ? ", from " : "",
	         rootfs->root);
	put_row(out, 2, 12, "/", text, why_of(rootfs->readonly_why));
	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		const struct rootfs_mount *m = &rootfs->mounts[i];
		bool bind = !strcmp(m->fstype, "bind");

		ent_mount_options(m, opts, sizeof(opts));
		snprintf(text, sizeof(text), "%-7s %s%s%s", m->fstype, bind ? m->source : opts,
		         bind ? " " : "", bind ? opts : "");
		put_row(out, 2, 12, m->target, text, why_of(m->why));
	}
}

static void text_paths(FILE *out, const char *title, const struct rootfs_path *paths, unsigned n)
{
	fputs(title, out);
	if (!n)
		fputs("  none\n", out);
	for (unsigned i = 0; i < n; i++)
		put_row(out, 2, 28, paths[i].path, "", why_of(paths[i].why));
}

static void text_devices(FILE *out, const struct ent_plan *plan)
{
	const struct rootfs_spec *rootfs = &plan->rootfs;
	const struct cgroup_spec *cg = &plan->cgroup;
	char text[128], num[2][24];

	fputs("\nDevices  (device nodes in /dev, and the device cgroup that guards them)\n", out);
	put_row(out, 2, 14, "/dev",
	        rootfs->host_dev ? "the host's /dev, bound in"
	                         : "minimal: a tmpfs with these nodes",
	        why_of(rootfs->host_dev_why));
	for (unsigned i = 0; i < rootfs->n_devices; i++)
		put_row(out, 2, 14, rootfs->devices[i].path, "host node bound in",
		        why_of(rootfs->devices[i].why));
	fputs("  cgroup rules (the last match wins):\n", out);
	if (!cg->n_devrules)
		fputs("    none\n", out);
	for (unsigned i = 0; i < cg->n_devrules; i++) {
		const struct cgroup_devrule *d = &cg->devrules[i];

		snprintf(num[0], sizeof(num[0]), "%" PRId64, d->major);
		snprintf(num[1], sizeof(num[1]), "%" PRId64, d->minor);
		snprintf(text, sizeof(text), "%c %s:%s %s", d->type ? d->type : 'a',
		         d->major < 0 ? "*" : num[0], d->minor < 0 ? "*" : num[1], d->access);
		put_row(out, 4, 5, d->allow ? "allow" : "deny", text, why_of(d->why));
	}
}

static void text_network(FILE *out, const struct netcfg_spec *net)
{
	const char *reach;
	const char *name = net_name(net->mode, &reach);
	char text[160];

	fputs("\nNetwork\n", out);
	snprintf(text, sizeof(text), "%s: %s", name, reach);
	put_row(out, 2, 8, "mode", text, why_of(net->why));
	if (net->mode >= NETCFG_USER && net->mode != NETCFG_HOST && net->subnet[0])
		put_row(out, 2, 8, "subnet", net->subnet, NULL);
	for (unsigned i = 0; i < net->n_publish; i++) {
		const struct netcfg_publish *p = &net->publish[i];

		snprintf(text, sizeof(text), "%s:%u -> %u/%s", p->host_ip[0] ? p->host_ip : "*",
		         p->host_port, p->port, p->protocol == IPPROTO_UDP ? "udp" : "tcp");
		put_row(out, 2, 8, "publish", text, "--publish");
	}
}

static void text_limits(FILE *out, const struct cgroup_spec *cg)
{
	char text[128];

	fputs("\nLimits  (cgroups(7): shares of the host's resources)\n", out);
	if (cg->memory_bytes)
		snprintf(text, sizeof(text), "%" PRId64 " MiB (%" PRId64 " bytes)",
		         cg->memory_bytes >> 20, cg->memory_bytes);
	put_row(out, 2, 8, "memory", cg->memory_bytes ? text : "no limit", why_of(cg->memory_why));
	snprintf(text, sizeof(text), "%" PRId64 " processes and threads", cg->pids_max);
	put_row(out, 2, 8, "pids", cg->pids_max ? text : "no limit", why_of(cg->pids_why));
	if (cg->cpu_quota_us && cg->cpu_period_us)
		snprintf(text, sizeof(text), "%" PRId64 "us every %" PRId64 "us (%.2f CPUs)",
		         cg->cpu_quota_us, cg->cpu_period_us,
		         (double)cg->cpu_quota_us / (double)cg->cpu_period_us);
	put_row(out, 2, 8, "cpu", cg->cpu_quota_us ? text : "no limit", why_of(cg->cpu_why));
}

static void text_rlimit(FILE *out, const struct ent_rlimit *rl)
{
	const char *name = ent_rlimit_name(rl->resource);
	char soft[24], hard[24], text[96];

	snprintf(soft, sizeof(soft), "%" PRIu64, rl->soft);
	snprintf(hard, sizeof(hard), "%" PRIu64, rl->hard);
	snprintf(text, sizeof(text), "%s soft %s hard %s", name ? name : "RLIMIT_?",
	         rl->soft == RLIM_INFINITY ? "unlimited" : soft,
	         rl->hard == RLIM_INFINITY ? "unlimited" : hard);
	put_row(out, 2, 8, "rlimit", text, why_of(rl->why));
}

static void text_process(FILE *out, const struct ent_plan *plan)
{
	const struct ent_process *proc = &plan->proc;
	struct word_wrap w = { .out = out, .indent = 11 };

	fputs("\nProcess\n", out);
	if (proc->argv && proc->argv[0]) {
		w.col = fprintf(out, "  %-8s", "command");
		for (char **a = proc->argv; *a; a++)
			wrap_word(&w, *a);
		wrap_end(&w);
	}
	put_row(out, 2, 8, "hostname", plan->ns.hostname[0] ? plan->ns.hostname : "(host's)", NULL);
	put_row(out, 2, 8, "cwd", proc->cwd[0] ? proc->cwd : "/", NULL);
	put_row(out, 2, 8, "tty", proc->tty ? "yes" : "no", NULL);
	for (char **e = proc->env; e && *e; e++)
		put_row(out, 2, 8, e == proc->env ? "env" : "", *e, NULL);
	for (unsigned i = 0; i < proc->n_rlimits; i++)
		text_rlimit(out, &proc->rlimits[i]);
}

static void print_text(FILE *out, const struct ent_plan *plan)
{
	text_grants(out, plan);
	text_namespaces(out, &plan->ns);
	text_ids(out, plan);
	text_capabilities(out, &plan->lockdown);
	text_seccomp(out, &plan->lockdown);
	text_mounts(out, &plan->rootfs);
	text_paths(out, "\nMasked paths  (hidden: /dev/null over files, empty tmpfs over dirs)\n",
	           plan->rootfs.masked, plan->rootfs.n_masked);
	text_paths(out, "\nRead-only paths  (bind-remounted read-only)\n",
	           plan->rootfs.readonly_paths, plan->rootfs.n_readonly);
	text_devices(out, plan);
	text_network(out, &plan->net);
	text_limits(out, &plan->cgroup);
	text_process(out, plan);
}

/* ---------------------------------------------------------------- json output */

/* Add key to obj; json-c keeps keys in the order they were added, which docs/explain-json.md
 * documents and the golden files pin. */
static void jadd(struct json_object *obj, const char *key, struct json_object *val)
{
	json_object_object_add(obj, key, val);
}

static struct json_object *jitem(const char *key, const char *value, const char *why)
{
	struct json_object *o = json_object_new_object();

	jadd(o, key, json_object_new_string(value));
	jadd(o, "why", json_object_new_string(why_of(why)));
	return o;
}

static struct json_object *json_grants(const struct ent_plan *plan)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < plan->n_grants; i++) {
		struct json_object *o = json_object_new_object();

		jadd(o, "entitlement", json_object_new_string(plan->grants[i].text));
		jadd(o, "from", json_object_new_string(plan->grants[i].from));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_namespaces(const struct ns_spec *ns)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(ns_rows); i++) {
		struct json_object *o = json_object_new_object();
		enum ns_kind k = ns_rows[i].kind;

		jadd(o, "type", json_object_new_string(ns_rows[i].name));
		jadd(o, "flag", json_object_new_string(ns_rows[i].flag));
		jadd(o, "new", json_object_new_boolean(ns->unshare[k]));
		jadd(o, "why", json_object_new_string(why_of(ns->why[k])));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_idmap(const struct ns_idmap *map, unsigned n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		jadd(o, "inside", json_object_new_int64(map[i].inside));
		jadd(o, "outside", json_object_new_int64(map[i].outside));
		jadd(o, "count", json_object_new_int64(map[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_ids(const struct ent_plan *plan)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "uid_map", json_idmap(plan->ns.uid_map, plan->ns.n_uid_map));
	jadd(o, "gid_map", json_idmap(plan->ns.gid_map, plan->ns.n_gid_map));
	jadd(o, "use_idmap_helpers", json_object_new_boolean(plan->ns.use_idmap_helpers));
	jadd(o, "deny_setgroups", json_object_new_boolean(plan->ns.deny_setgroups));
	jadd(o, "uid", json_object_new_int64(plan->proc.uid));
	jadd(o, "gid", json_object_new_int64(plan->proc.gid));
	return o;
}

static struct json_object *json_capabilities(const struct lockdown_spec *lock)
{
	struct json_object *o = json_object_new_object();
	char name[ENT_NAME_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(capset_rows); i++) {
		uint64_t bits =
		        *(const uint64_t *)((const char *)&lock->caps + capset_rows[i].offset);
		struct json_object *a = json_object_new_array();

		for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
			if (!(bits & (UINT64_C(1) << cap)))
				continue;
			ent_cap_name(cap, name, sizeof(name));
			json_object_array_add(a, jitem("name", name, lock->cap_why[cap]));
		}
		jadd(o, capset_rows[i].name, a);
	}
	return o;
}

/* "errno": the errno name for an errno action, the message number for trace, else null. */
static struct json_object *json_errno(unsigned action, int32_t errnum)
{
	char num[16];

	if (action == LOCKDOWN_ERRNO)
		return json_object_new_string(errno_name(errnum, num, sizeof(num)));
	if (action == LOCKDOWN_TRACE)
		return json_object_new_int(errnum);
	return NULL;
}

static struct json_object *json_rule(const struct lockdown_rule *r)
{
	const struct action_row *row = action_row_of(r->action);
	struct json_object *o = json_object_new_object();
	struct json_object *args = json_object_new_array();

	jadd(o, "syscall", json_object_new_string(r->syscall));
	jadd(o, "action", json_object_new_string(row ? row->name : "unknown"));
	jadd(o, "errno", json_errno(r->action, r->errnum));
	for (unsigned i = 0; i < r->n_args; i++) {
		const struct lockdown_arg *a = &r->args[i];
		struct json_object *c = json_object_new_object();

		jadd(c, "index", json_object_new_int(a->index));
		jadd(c, "op",
		     json_object_new_string(a->op < ARRAY_SIZE(cmp_ops) ? cmp_ops[a->op] : "?"));
		jadd(c, "value", json_object_new_uint64(a->value));
		jadd(c, "value2", json_object_new_uint64(a->value2));
		json_object_array_add(args, c);
	}
	jadd(o, "args", args);
	jadd(o, "why", json_object_new_string(why_of(r->why)));
	return o;
}

static struct json_object *json_seccomp(const struct lockdown_spec *lock)
{
	const struct action_row *row = action_row_of(lock->default_action);
	bool filter = lock->seccomp_mode != LOCKDOWN_SECCOMP_UNCONFINED;
	struct json_object *o = json_object_new_object();
	struct json_object *rules = json_object_new_array();

	jadd(o, "mode", json_object_new_string(filter ? "filter" : "unconfined"));
	jadd(o, "ref",
	     json_object_new_string(lock->seccomp_ref[0] ? lock->seccomp_ref
	                            : filter             ? "runtime/default"
	                                                 : "unconfined"));
	jadd(o, "default_action", json_object_new_string(row ? row->name : "unknown"));
	jadd(o, "default_errno", json_errno(lock->default_action, lock->default_errnum));
	for (unsigned i = 0; filter && i < lock->n_rules; i++)
		json_object_array_add(rules, json_rule(&lock->rules[i]));
	jadd(o, "rules", rules);
	return o;
}

static struct json_object *json_mounts(const struct rootfs_spec *rootfs)
{
	struct json_object *a = json_object_new_array();
	char opts[512];

	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		const struct rootfs_mount *m = &rootfs->mounts[i];
		struct json_object *o = json_object_new_object();
		struct json_object *flags = json_object_new_array();

		for (size_t f = 0; f < ARRAY_SIZE(mount_flags); f++)
			if (m->flags & mount_flags[f].flag)
				json_object_array_add(flags,
				                      json_object_new_string(mount_flags[f].name));
		ent_mount_options(m, opts, sizeof(opts));
		jadd(o, "target", json_object_new_string(m->target));
		jadd(o, "type", json_object_new_string(m->fstype));
		jadd(o, "source", json_object_new_string(m->source));
		jadd(o, "flags", flags);
		jadd(o, "data", json_object_new_string(m->data));
		jadd(o, "options", json_object_new_string(opts));
		jadd(o, "create_file", json_object_new_boolean(m->create_file));
		jadd(o, "why", json_object_new_string(why_of(m->why)));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_paths(const struct rootfs_path *paths, unsigned n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++)
		json_object_array_add(a, jitem("path", paths[i].path, paths[i].why));
	return a;
}

static struct json_object *json_devices(const struct ent_plan *plan)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nodes = json_object_new_array();
	struct json_object *rules = json_object_new_array();
	char type[2] = "a";

	jadd(o, "host_dev", json_object_new_boolean(plan->rootfs.host_dev));
	jadd(o, "why", json_object_new_string(why_of(plan->rootfs.host_dev_why)));
	for (unsigned i = 0; i < plan->rootfs.n_devices; i++)
		json_object_array_add(nodes, jitem("path", plan->rootfs.devices[i].path,
		                                   plan->rootfs.devices[i].why));
	jadd(o, "nodes", nodes);
	for (unsigned i = 0; i < plan->cgroup.n_devrules; i++) {
		const struct cgroup_devrule *d = &plan->cgroup.devrules[i];
		struct json_object *r = json_object_new_object();

		type[0] = d->type ? d->type : 'a';
		jadd(r, "allow", json_object_new_boolean(d->allow));
		jadd(r, "type", json_object_new_string(type));
		jadd(r, "major", json_object_new_int64(d->major));
		jadd(r, "minor", json_object_new_int64(d->minor));
		jadd(r, "access", json_object_new_string(d->access));
		jadd(r, "why", json_object_new_string(why_of(d->why)));
		json_object_array_add(rules, r);
	}
	jadd(o, "cgroup_rules", rules);
	return o;
}

static struct json_object *json_network(const struct netcfg_spec *net)
{
	struct json_object *o = json_object_new_object();
	struct json_object *publish = json_object_new_array();

	jadd(o, "mode", json_object_new_string(net_name(net->mode, NULL)));
	jadd(o, "why", json_object_new_string(why_of(net->why)));
	jadd(o, "subnet", json_object_new_string(net->subnet));
	for (unsigned i = 0; i < net->n_publish; i++) {
		const struct netcfg_publish *p = &net->publish[i];
		struct json_object *po = json_object_new_object();

		jadd(po, "host_ip", json_object_new_string(p->host_ip));
		jadd(po, "host_port", json_object_new_int(p->host_port));
		jadd(po, "port", json_object_new_int(p->port));
		jadd(po, "protocol",
		     json_object_new_string(p->protocol == IPPROTO_UDP ? "udp" : "tcp"));
		json_object_array_add(publish, po);
	}
	jadd(o, "publish", publish);
	return o;
}

static struct json_object *json_limit(const char *key, int64_t value, const char *why)
{
	struct json_object *o = json_object_new_object();

	jadd(o, key, json_object_new_int64(value));
	jadd(o, "why", json_object_new_string(why_of(why)));
	return o;
}

static struct json_object *json_limits(const struct cgroup_spec *cg)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cpu = json_limit("quota_us", cg->cpu_quota_us, cg->cpu_why);

	jadd(o, "memory", json_limit("bytes", cg->memory_bytes, cg->memory_why));
	jadd(o, "pids", json_limit("max", cg->pids_max, cg->pids_why));
	json_object_object_del(cpu, "why");
	jadd(cpu, "period_us", json_object_new_int64(cg->cpu_period_us));
	jadd(cpu, "why", json_object_new_string(why_of(cg->cpu_why)));
	jadd(o, "cpu", cpu);
	return o;
}

static struct json_object *json_strv(char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static struct json_object *json_process(const struct ent_plan *plan)
{
	const struct ent_process *proc = &plan->proc;
	struct json_object *o = json_object_new_object();
	struct json_object *rlimits = json_object_new_array();

	jadd(o, "args", json_strv(proc->argv));
	jadd(o, "env", json_strv(proc->env));
	jadd(o, "cwd", json_object_new_string(proc->cwd[0] ? proc->cwd : "/"));
	jadd(o, "tty", json_object_new_boolean(proc->tty));
	jadd(o, "hostname", json_object_new_string(plan->ns.hostname));
	for (unsigned i = 0; i < proc->n_rlimits; i++) {
		const struct ent_rlimit *rl = &proc->rlimits[i];
		const char *name = ent_rlimit_name(rl->resource);
		struct json_object *r = json_object_new_object();

		jadd(r, "type", json_object_new_string(name ? name : "unknown"));
		jadd(r, "soft", json_object_new_uint64(rl->soft));
		jadd(r, "hard", json_object_new_uint64(rl->hard));
		jadd(r, "why", json_object_new_string(why_of(rl->why)));
		json_object_array_add(rlimits, r);
	}
	jadd(o, "rlimits", rlimits);
	return o;
}

/* The whole plan; keys in the order of docs/explain-json.md. */
static struct json_object *json_plan(const struct ent_plan *plan)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rootfs = json_object_new_object();

	jadd(o, "schema", json_object_new_int(1));
	jadd(o, "entitlements", json_grants(plan));
	jadd(o, "namespaces", json_namespaces(&plan->ns));
	jadd(o, "ids", json_ids(plan));
	jadd(o, "capabilities", json_capabilities(&plan->lockdown));
	jadd(o, "no_new_privs", json_object_new_boolean(plan->lockdown.no_new_privs));
	jadd(o, "seccomp", json_seccomp(&plan->lockdown));
	jadd(rootfs, "path", json_object_new_string(plan->rootfs.root));
	jadd(rootfs, "readonly", json_object_new_boolean(plan->rootfs.readonly));
	jadd(rootfs, "why", json_object_new_string(why_of(plan->rootfs.readonly_why)));
	jadd(o, "rootfs", rootfs);
	jadd(o, "mounts", json_mounts(&plan->rootfs));
	jadd(o, "masked_paths", json_paths(plan->rootfs.masked, plan->rootfs.n_masked));
	jadd(o, "readonly_paths", json_paths(plan->rootfs.readonly_paths, plan->rootfs.n_readonly));
	jadd(o, "devices", json_devices(plan));
	jadd(o, "network", json_network(&plan->net));
	jadd(o, "limits", json_limits(&plan->cgroup));
	jadd(o, "process", json_process(plan));
	return o;
}

static int print_json(FILE *out, const struct ent_plan *plan, struct rt_err *err)
{
	struct json_object *root = json_plan(plan);
	const char *text;

	if (!root)
		return rt_fail(err, ENOMEM, "explain: build the json output");
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		json_object_put(root);
		return rt_fail(err, ENOMEM, "explain: format the json output");
	}
	fprintf(out, "%s\n", text);
	json_object_put(root);
	return 0;
}

static int check_written(FILE *out, struct rt_err *err)
{
	if (fflush(out) == EOF || ferror(out))
		return rt_fail(err, errno ? errno : EIO, "explain: write the output");
	return 0;
}

int ent_explain_print(FILE *out, const struct ent_plan *plan, bool json, struct rt_err *err)
{
	if (json) {
		if (print_json(out, plan, err) < 0)
			return -1;
	} else {
		print_text(out, plan);
	}
	return check_written(out, err);
}

/* ---------------------------------------------------------------- explain --why */

/* "CAP_NET_RAW: granted by network.access=proxy (bounding, effective, ...)". */
static void why_capability(FILE *out, const struct lockdown_spec *lock, unsigned cap)
{
	char name[ENT_NAME_MAX];
	int n = 0;

	ent_cap_name(cap, name, sizeof(name));
	for (size_t i = 0; i < ARRAY_SIZE(capset_rows); i++) {
		uint64_t bits =
		        *(const uint64_t *)((const char *)&lock->caps + capset_rows[i].offset);

		if (!(bits & (UINT64_C(1) << cap)))
			continue;
		if (!n++)
			fprintf(out, "%s: granted by %s (%s", name, why_of(lock->cap_why[cap]),
			        capset_rows[i].name);
		else
			fprintf(out, ", %s", capset_rows[i].name);
	}
	if (n)
		fputs(")\n", out);
	else
		fprintf(out, "%s: not granted (no entitlement grants it)\n", name);
}

/* The distinct whys of a system call's rules: "network.access=none, default". */
static void syscall_whys(const struct lockdown_spec *lock, const char *name, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < lock->n_rules && len < size; i++) {
		const struct lockdown_rule *r = &lock->rules[i];
		const char *why = why_of(r->why);
		bool seen = false;

		if (strcmp(r->syscall, name))
			continue;
		for (unsigned j = 0; j < i; j++)
			seen |= !strcmp(lock->rules[j].syscall, name) &&
			        !strcmp(why_of(lock->rules[j].why), why);
		if (!seen)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
			                        why);
	}
}

/* "allowed when arg0 == AF_UNIX (1) or when ..." for the rules of name with this action. */
static void action_when(const struct lockdown_spec *lock, const char *name,
                        const struct lockdown_rule *like, char *buf, size_t size)
{
	char cond[512];
	size_t len;
	int n = 0;

	action_text(like->action, like->errnum, buf, size);
	len = strlen(buf);
	for (unsigned i = 0; i < lock->n_rules && len < size; i++) {
		const struct lockdown_rule *r = &lock->rules[i];

		if (strcmp(r->syscall, name) || r->action != like->action ||
		    r->errnum != like->errnum || !r->n_args)
			continue;
		conditions_text(r, cond, sizeof(cond));
		len += (size_t)snprintf(buf + len, size - len, "%s when %s", n++ ? " or" : "",
		                        cond);
	}
}

/*
 * One system call. Rules for one syscall never overlap and cover every case (plan.h), so with
 * two actions we spell out the one with fewer rules and say "otherwise" for the other:
 * "socket: allowed when arg0 == AF_UNIX (1), denied (EPERM) otherwise, by network.access=none".
 */
static void why_syscall(FILE *out, const struct lockdown_spec *lock, const char *name)
{
	const struct lockdown_rule *kinds[ENT_MAX_RULES];
	unsigned count[ENT_MAX_RULES] = { 0 };
	char text[2][1024], whys[512], action[64];
	unsigned n_kinds = 0, k;

	for (unsigned i = 0; i < lock->n_rules; i++) {
		const struct lockdown_rule *r = &lock->rules[i];

		if (strcmp(r->syscall, name))
			continue;
		for (k = 0; k < n_kinds; k++)
			if (kinds[k]->action == r->action && kinds[k]->errnum == r->errnum)
				break;
		if (k == n_kinds)
			kinds[n_kinds++] = r;
		count[k]++;
	}
	if (!n_kinds) {
		fprintf(out, "%s: %s by the default action (no rule names it)\n", name,
		        action_text(lock->default_action, lock->default_errnum, action,
		                    sizeof(action)));
		return;
	}
	syscall_whys(lock, name, whys, sizeof(whys));
	if (n_kinds == 1 && count[0] == 1 && !kinds[0]->n_args) {
		fprintf(out, "%s: %s by %s\n", name,
		        action_text(kinds[0]->action, kinds[0]->errnum, action, sizeof(action)),
		        whys);
	} else if (n_kinds == 2) {
		k = count[1] < count[0] ? 1 : 0;
		if (count[0] == count[1] && kinds[1]->action == LOCKDOWN_ALLOW)
			k = 1;
		action_when(lock, name, kinds[k], text[0], sizeof(text[0]));
		fprintf(out, "%s: %s, %s otherwise, by %s\n", name, text[0],
		        action_text(kinds[!k]->action, kinds[!k]->errnum, action, sizeof(action)),
		        whys);
	} else {
		fprintf(out, "%s: ", name);
		for (k = 0; k < n_kinds; k++) {
			action_when(lock, name, kinds[k], text[1], sizeof(text[1]));
			fprintf(out, "%s%s", k ? "; " : "", text[1]);
		}
		if (n_kinds == 1)
			fprintf(out, ", %s otherwise",
			        action_text(lock->default_action, lock->default_errnum, action,
			                    sizeof(action)));
		fprintf(out, ", by %s\n", whys);
	}
}

/* The innermost mount at or above path (the last one wins: later mounts cover earlier). */
static const struct rootfs_mount *mount_of(const struct rootfs_spec *rootfs, const char *path)
{
	const struct rootfs_mount *best = NULL;

	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		const struct rootfs_mount *m = &rootfs->mounts[i];

		if (path_under(path, m->target) &&
		    (!best || strlen(m->target) >= strlen(best->target)))
			best = m;
	}
	return best;
}

static const struct rootfs_path *path_in(const struct rootfs_path *list, unsigned n,
                                         const char *path)
{
	for (unsigned i = 0; i < n; i++)
		if (path_under(path, list[i].path))
			return &list[i];
	return NULL;
}

/* "(under /proc/sys)" when path is below the listed path rather than the path itself. */
static void put_path_answer(FILE *out, const char *path, const char *what, const char *listed,
                            const char *why)
{
	if (strcmp(path, listed))
		fprintf(out, "%s: %s (under %s) by %s\n", path, what, listed, why_of(why));
	else
		fprintf(out, "%s: %s by %s\n", path, what, why_of(why));
}

/* A path: masked, read-only, a device, on a mount, or part of the rootfs; first match wins. */
static void why_path(FILE *out, const struct rootfs_spec *rootfs, const char *path)
{
	const struct rootfs_path *p;
	const struct rootfs_mount *m;
	char opts[512];

	if ((p = path_in(rootfs->masked, rootfs->n_masked, path))) {
		put_path_answer(out, path, "masked", p->path, p->why);
		return;
	}
	if ((p = path_in(rootfs->readonly_paths, rootfs->n_readonly, path))) {
		put_path_answer(out, path, "read-only", p->path, p->why);
		return;
	}
	for (unsigned i = 0; i < rootfs->n_devices; i++) {
		if (!strcmp(rootfs->devices[i].path, path)) {
			fprintf(out, "%s: host device bound in by %s\n", path,
			        why_of(rootfs->devices[i].why));
			return;
		}
	}
	if (rootfs->host_dev && path_under(path, "/dev")) {
		put_path_answer(out, path, "the host's /dev bound in", "/dev",
		                rootfs->host_dev_why);
		return;
	}
	if ((m = mount_of(rootfs, path))) {
		ent_mount_options(m, opts, sizeof(opts));
		fprintf(out, "%s: %s mount on %s (%s) by %s\n", path,
		        (m->flags & MS_RDONLY) ? "read-only" : "writable", m->target,
		        strcmp(m->fstype, "bind") ? m->fstype : m->source, why_of(m->why));
		return;
	}
	fprintf(out, "%s: %s, part of the rootfs, by %s\n", path,
	        rootfs->readonly ? "read-only" : "writable", why_of(rootfs->readonly_why));
}

/* Is name a capability? "CAP_NET_RAW" in any case, through libcap's table. */
static bool cap_of(const char *name, unsigned *cap)
{
	char lower[ENT_NAME_MAX];
	cap_value_t value;
	size_t i;

	if (strncasecmp(name, "cap_", 4) || strlen(name) >= sizeof(lower))
		return false;
	for (i = 0; name[i]; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	if (cap_from_name(lower, &value) < 0 || value < 0 || value >= ENT_MAX_CAPS)
		return false;
	*cap = (unsigned)value;
	return true;
}

static bool syscall_known(const struct lockdown_spec *lock, const char *name)
{
	for (unsigned i = 0; i < lock->n_rules; i++)
		if (!strcmp(lock->rules[i].syscall, name))
			return true;
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

int ent_explain_why(FILE *out, const struct ent_plan *plan, const char *name, struct rt_err *err)
{
	const struct lockdown_spec *lock = &plan->lockdown;
	char path[ENT_PATH_MAX];
	unsigned cap;
	size_t len;

	if (cap_of(name, &cap)) {
		why_capability(out, lock, cap);
	} else if (name[0] == '/') {
		/* "/proc/sys/" is "/proc/sys". */
		len = (size_t)snprintf(path, sizeof(path), "%s", name);
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
		why_path(out, &plan->rootfs, path);
	} else if (syscall_known(lock, name)) {
		if (lock->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED)
			fprintf(out, "%s: allowed (no seccomp filter) by --seccomp %s\n", name,
			        lock->seccomp_ref[0] ? lock->seccomp_ref : "unconfined");
		else
			why_syscall(out, lock, name);
	} else {
		rt_fail(err, 0, "explain: '%s' is not a capability, syscall or path in this plan",
		        name);
		rt_err_hint(err, "try a capability (CAP_NET_RAW), a system call (mount) or an "
		                 "absolute path (/proc/kcore)");
		return -1;
	}
	return check_written(out, err);
}
