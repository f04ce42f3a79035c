/*
 * entitlements/explain_text.c - ent-run explain: the plan as text, for people.
 *
 * One section per kernel feature, after the entitlements that were asked for:
 * namespaces(7), user_namespaces(7) id maps, capabilities(7), the seccomp(2) filter, mount(2)s,
 * masked and read-only paths, devices and the device cgroup, network, cgroups(7) limits and
 * the process. Each row says what the feature does for isolation, and ends with "[why]" flush
 * right: the entitlement, option or default responsible, so the whys read as a column.
 *
 * Pure code: reads the plan, writes to the FILE * it is given.
 */
#include "entitlements/ent.h"
#include "entitlements/explain_internal.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

/* clang-format off */
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
/* clang-format on */

static const struct cap_row *cap_row_of(unsigned cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_rows); i++)
		if (cap_rows[i].cap == cap)
			return &cap_rows[i];
	return NULL;
}

static void text_grants(FILE *out, const struct ent_plan *plan)
{
	fputs("Entitlements\n", out);
	if (!plan->n_grants)
		fputs("  none requested: the default, least-privileged container\n", out);
	for (unsigned i = 0; i < plan->n_grants; i++)
		ent_put_row(out, 2, 0, "", plan->grants[i].text, plan->grants[i].from);
}

static void text_namespaces(FILE *out, const struct ns_spec *ns)
{
	char state[64];

	fputs("\nNamespaces  (namespaces(7): what the container sees of the host)\n", out);
	for (size_t i = 0; i < NS_COUNT; i++) {
		const struct ent_ns_name *row = &ent_ns_names[i];
		bool new = ns->unshare[row->kind];

		snprintf(state, sizeof(state), "%-5s %-16s %s", new ? "new" : "host",
		         new ? row->flag : "-", new ? row->isolated : row->shared);
		ent_put_row(out, 2, 8, row->name, state, why_of(ns->why[row->kind]));
	}
}

static void text_idmap(FILE *out, const char *what, const struct ns_idmap *map, unsigned n,
                       bool own_range)
{
	char text[128];

	if (!n)
		ent_put_row(out, 2, 8, what, "none written", NULL);
	for (unsigned i = 0; i < n; i++) {
		if (own_range && i == 0) {
			snprintf(text, sizeof(text),
			         "%" PRIu32 "-%" PRIu64 " inside are a block of %" PRIu32
			         " host ids of the container's own, leased at start",
			         map[i].inside, (uint64_t)map[i].inside + map[i].count - 1,
			         map[i].count);
			ent_put_row(out, 2, 8, what, text, NULL);
			continue;
		}
		snprintf(text, sizeof(text),
		         "%" PRIu32 "-%" PRIu64 " inside are %" PRIu32 "-%" PRIu64 " on the host",
		         map[i].inside, (uint64_t)map[i].inside + map[i].count - 1, map[i].outside,
		         (uint64_t)map[i].outside + map[i].count - 1);
		ent_put_row(out, 2, 8, i ? "" : what, text, NULL);
	}
}

static void text_ids(FILE *out, const struct ent_plan *plan)
{
	const struct ns_spec *ns = &plan->ns;
	char text[128];

	fputs("\nUser and group ids  (user_namespaces(7): /proc/PID/uid_map, gid_map)\n", out);
	if (!ns->unshare[NS_USER]) {
		ent_put_row(out, 2, 8, "maps", "none: no user namespace, ids are the host's", NULL);
	} else {
		text_idmap(out, "uid", ns->uid_map, ns->n_uid_map, ns->own_range);
		text_idmap(out, "gid", ns->gid_map, ns->n_gid_map, ns->own_range);
		if (ns->own_range)
			ent_put_row(out, 2, 8, "blocks",
			            "from root's /etc/subuid and /etc/subgid entries, else from "
			            "524288-1879048191 (systemd's container range), disjoint from "
			            "every other container's",
			            NULL);
		if (plan->rootfs.idmap)
			ent_put_row(out, 2, 8, "mounts",
			            "the rootfs, volumes and passed devices are idmapped "
			            "(mount_setattr(2)): files keep their owners inside",
			            NULL);
		if (ns->use_idmap_helpers)
			ent_put_row(out, 2, 8, "helpers",
			            "newuidmap/newgidmap write the maps (/etc/subuid)", NULL);
		if (ns->deny_setgroups)
			ent_put_row(out, 2, 8, "groups", "setgroups(2) denied (unprivileged map)",
			            NULL);
		if (ns->own_range)
			ent_put_row(out, 2, 8, "root",
			            "not host root: an unprivileged host uid no other container "
			            "shares",
			            NULL);
		else if (ns->n_uid_map && ns->uid_map[0].inside == 0 && ns->uid_map[0].outside == 0)
			ent_put_row(out, 2, 8, "root",
			            "container root IS host root: raw host devices need host "
			            "identity",
			            why_of(ns->idmap_why));
		else
			ent_put_row(out, 2, 8, "root", "the caller's own uid on the host", NULL);
	}
	snprintf(text, sizeof(text), "uid %" PRIu32 ", gid %" PRIu32 " inside", plan->proc.uid,
	         plan->proc.gid);
	ent_put_row(out, 2, 8, "process", text, NULL);
}

static void text_capset(FILE *out, const struct lockdown_spec *lock,
                        const struct ent_capset_row *set)
{
	uint64_t bits = capset_bits(lock, set);
	char name[ENT_NAME_MAX];

	fprintf(out, "  %-12s %s\n", set->name, set->meaning);
	if (!bits) {
		fputs("    none\n", out);
		return;
	}
	if (set != &ent_capset_rows[0] && bits == lock->caps.bounding) {
		fputs("    the same as bounding\n", out);
		return;
	}
	for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
		const struct cap_row *row = cap_row_of(cap);

		if (!(bits & (UINT64_C(1) << cap)))
			continue;
		ent_cap_name(cap, name, sizeof(name));
		ent_put_row(out, 4, 22, name, row ? row->does : "", why_of(lock->cap_why[cap]));
	}
}

static void text_capabilities(FILE *out, const struct lockdown_spec *lock)
{
	fputs("\nCapabilities  (capabilities(7): root's powers, one by one)\n", out);
	for (size_t i = 0; i < ent_n_capset_rows; i++)
		text_capset(out, lock, &ent_capset_rows[i]);
	ent_put_row(out, 2, 12, "no_new_privs",
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
	char action[64];
	char head[sizeof(action) + ENT_WHY_MAX + 16]; /* " by ", ": " and a count: never cut */

	for (unsigned i = 0; i < lock->n_rules; i++) {
		const struct lockdown_rule *r = &lock->rules[i];
		struct ent_word_wrap w = { .out = out, .indent = 4 };
		unsigned count = 0;

		if (r->n_args || !group_head(lock, i))
			continue;
		for (unsigned j = i; j < lock->n_rules; j++) {
			const struct lockdown_rule *q = &lock->rules[j];

			count += !q->n_args && q->action == r->action && q->errnum == r->errnum &&
			         !strcmp(q->why, r->why);
		}
		ent_action_text(r->action, r->errnum, action, sizeof(action));
		snprintf(head, sizeof(head), "%s by %s: %u", action, why_of(r->why), count);
		ent_put_row(out, 2, 0, "", head, NULL);
		if (r->action == LOCKDOWN_ALLOW && !strcmp(why_of(r->why), "default"))
			continue;
		for (unsigned j = i; j < lock->n_rules; j++) {
			const struct lockdown_rule *q = &lock->rules[j];

			if (!q->n_args && q->action == r->action && q->errnum == r->errnum &&
			    !strcmp(q->why, r->why))
				ent_wrap_word(&w, q->syscall);
		}
		ent_wrap_end(&w);
	}
}

/*
 * How many rules from i on form the allow side of a 32-bit value filter (entitlements/filter.c
 * emits it as a run of ALLOW rules, each a masked compare of one argument's low bits; a
 * learning round reports them to ent-run learn first: NOTIFY rules that let the call
 * through); 0 when rule i starts no such run of at least three.
 */
static unsigned complement_rules(const struct lockdown_spec *lock, unsigned i)
{
	const struct lockdown_rule *first = &lock->rules[i];
	unsigned n = 0;

	if (first->errnum || (first->action != LOCKDOWN_ALLOW && first->action != LOCKDOWN_NOTIFY))
		return 0;
	while (i + n < lock->n_rules) {
		const struct lockdown_rule *r = &lock->rules[i + n];
		const struct lockdown_arg *last = r->n_args ? &r->args[r->n_args - 1] : NULL;

		if (r->action != first->action || r->errnum || strcmp(r->syscall, first->syscall) ||
		    !last || last->op != LOCKDOWN_CMP_MASKED_EQ || (last->value >> 32) ||
		    last->index != first->args[first->n_args - 1].index)
			break;
		n++;
	}
	return n >= 3 ? n : 0;
}

static void text_seccomp(FILE *out, const struct lockdown_spec *lock)
{
	char action[64], text[ENT_PATH_MAX + 64], cond[512];
	unsigned n_cond = 0;

	fputs("\nSeccomp  (seccomp(2): a filter on every system call)\n", out);
	if (lock->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED) {
		ent_put_row(out, 2, 8, "filter", "none: every system call reaches the kernel",
		            ent_has(lock->seccomp_ref) ? lock->seccomp_ref : "unconfined");
		return;
	}
	for (unsigned i = 0; i < lock->n_rules; i++)
		n_cond += lock->rules[i].n_args > 0;
	snprintf(text, sizeof(text), "%s: %u rules, %u with argument conditions",
	         ent_has(lock->seccomp_ref) ? lock->seccomp_ref : "runtime/default", lock->n_rules,
	         n_cond);
	ent_put_row(out, 2, 8, "filter", text, NULL);
	snprintf(text, sizeof(text), "%s for system calls no rule names",
	         ent_action_text(lock->default_action, lock->default_errnum, action,
	                         sizeof(action)));
	ent_put_row(out, 2, 8, "default", text, NULL);
	text_rule_groups(out, lock);
	if (!n_cond)
		return;
	fputs("  with conditions on the arguments:\n", out);
	for (unsigned i = 0; i < lock->n_rules; i++) {
		const struct lockdown_rule *r = &lock->rules[i];
		unsigned n = complement_rules(lock, i);

		if (!r->n_args)
			continue;
		if (n) {
			/* The allow side of a 32-bit value filter: one line, not a bit trie. */
			snprintf(text, sizeof(text),
			         "%s: %s otherwise (%u rules on the low 32 "
			         "bits of arg%u)",
			         r->syscall,
			         ent_action_text(r->action, r->errnum, action, sizeof(action)), n,
			         r->args[r->n_args - 1].index);
			ent_put_row(out, 4, 0, "", text, why_of(r->why));
			i += n - 1;
			continue;
		}
		ent_conditions_text(r, cond, sizeof(cond));
		snprintf(text, sizeof(text), "%s: %s %s %s", r->syscall,
		         ent_action_text(r->action, r->errnum, action, sizeof(action)),
		         r->action == LOCKDOWN_ALLOW ? "only when" : "when", cond);
		ent_put_row(out, 4, 0, "", text, why_of(r->why));
	}
}

static void text_mounts(FILE *out, const struct rootfs_spec *rootfs)
{
	char opts[512], text[ENT_PATH_MAX + 600];

	fputs("\nMounts  (mount(2), in this order, in the container's mount namespace)\n", out);
	snprintf(text, sizeof(text), "%-7s %s%s%s", "rootfs",
	         rootfs->readonly ? "read-only" : "writable",
	         ent_has(rootfs->root) ? ", from " : "", rootfs->root);
	ent_put_row(out, 2, 12, "/", text, why_of(rootfs->readonly_why));
	if (rootfs->ephemeral.enabled) {
		char size[32];

		ent_size_str(rootfs->ephemeral.size_bytes, size, sizeof(size));
		if (rootfs->ephemeral.upper)
			snprintf(
			        text, sizeof(text),
			        "%-7s the rootfs as its read-only lower layer, writes into a tmpfs "
			        "of %s above it, gone at exit",
			        "overlay", size);
		else
			snprintf(text, sizeof(text),
			         "%-7s none: the rootfs is read-only, no upper layer to discard",
			         "overlay");
		ent_put_row(out, 2, 12, "/", text, why_of(rootfs->ephemeral.why));
	}
	for (unsigned i = 0; i < rootfs->n_mounts; i++) {
		const struct rootfs_mount *m = &rootfs->mounts[i];
		bool bind = !strcmp(m->fstype, "bind");

		const char *source = m->generated ? ent_generated_name(m->generated) : m->source;

		ent_mount_options(m, opts, sizeof(opts));
		snprintf(text, sizeof(text), "%-7s %s%s%s", m->fstype, bind ? source : opts,
		         bind ? " " : "", bind ? opts : "");
		ent_put_row(out, 2, 12, m->target, text, why_of(m->why));
	}
}

static void text_paths(FILE *out, const char *title, const struct rootfs_path *paths, unsigned n)
{
	fputs(title, out);
	if (!n)
		fputs("  none\n", out);
	for (unsigned i = 0; i < n; i++)
		ent_put_row(out, 2, 28, paths[i].path, "", why_of(paths[i].why));
}

static void text_devices(FILE *out, const struct ent_plan *plan)
{
	const struct rootfs_spec *rootfs = &plan->rootfs;
	const struct cgroup_spec *cg = &plan->cgroup;
	char text[128], num[2][24];

	fputs("\nDevices  (device nodes in /dev, and the device cgroup that guards them)\n", out);
	ent_put_row(out, 2, 14, "/dev",
	            rootfs->host_dev ? "the host's /dev, bound in"
	                             : "minimal: a tmpfs with these nodes",
	            why_of(rootfs->host_dev_why));
	for (unsigned i = 0; i < rootfs->n_devices; i++)
		ent_put_row(out, 2, 14, rootfs->devices[i].path, "host node bound in",
		            why_of(rootfs->devices[i].why));
	fputs("  cgroup rules (the last match wins):\n", out);
	if (!cg->n_devrules && !plan->rootfs.host_dev)
		ent_put_row(out, 4, 5, "none",
		            "no device cgroup: the nodes above are the only ones it can open "
		            "(no mknod, every mount nodev)",
		            NULL);
	else if (!cg->n_devrules)
		fputs("    none\n", out);
	for (unsigned i = 0; i < cg->n_devrules; i++) {
		const struct cgroup_devrule *d = &cg->devrules[i];

		snprintf(num[0], sizeof(num[0]), "%" PRId64, d->major);
		snprintf(num[1], sizeof(num[1]), "%" PRId64, d->minor);
		if (ent_has(d->path)) /* its major:minor, read from the host's node at start */
			snprintf(text, sizeof(text), "%.60s %s", d->path, d->access);
		else
			snprintf(text, sizeof(text), "%c %s:%s %s", d->type ? d->type : 'a',
			         d->major < 0 ? "*" : num[0], d->minor < 0 ? "*" : num[1],
			         d->access);
		ent_put_row(out, 4, 5, d->allow ? "allow" : "deny", text, why_of(d->why));
	}
}

static void text_network(FILE *out, const struct netcfg_spec *net)
{
	const struct ent_net_name *row = ent_net_row(net->mode);
	char text[160];

	fputs("\nNetwork\n", out);
	snprintf(text, sizeof(text), "%s: %s", row->name, row->reach);
	ent_put_row(out, 2, 8, "mode", text, why_of(net->why));
	if (net->mode >= NETCFG_USER && net->mode != NETCFG_HOST && net->subnet[0])
		ent_put_row(out, 2, 8, "subnet", net->subnet, NULL);
	for (unsigned i = 0; i < net->n_publish; i++) {
		const struct netcfg_publish *p = &net->publish[i];

		snprintf(text, sizeof(text), "%s:%u -> %u/%s", p->host_ip[0] ? p->host_ip : "*",
		         p->host_port, p->port, p->protocol == IPPROTO_UDP ? "udp" : "tcp");
		ent_put_row(out, 2, 8, "publish", text, "--publish");
	}
}

static void text_limits(FILE *out, const struct cgroup_spec *cg)
{
	char text[128];

	fputs("\nLimits  (cgroups(7): shares of the host's resources)\n", out);
	if (cg->memory_bytes)
		snprintf(text, sizeof(text), "%" PRId64 " MiB (%" PRId64 " bytes)",
		         cg->memory_bytes >> 20, cg->memory_bytes);
	ent_put_row(out, 2, 8, "memory", cg->memory_bytes ? text : "no limit",
	            why_of(cg->memory_why));
	snprintf(text, sizeof(text), "%" PRId64 " processes and threads (%s)", cg->pids_max,
	         cg->pids_rlimit ? "RLIMIT_NPROC: the container cannot change its uid"
	                         : "the pids controller");
	ent_put_row(out, 2, 8, "pids", cg->pids_max ? text : "no limit", why_of(cg->pids_why));
	if (cg->cpu_quota_us && cg->cpu_period_us)
		snprintf(text, sizeof(text), "%" PRId64 "us every %" PRId64 "us (%.2f CPUs)",
		         cg->cpu_quota_us, cg->cpu_period_us,
		         (double)cg->cpu_quota_us / (double)cg->cpu_period_us);
	ent_put_row(out, 2, 8, "cpu", cg->cpu_quota_us ? text : "no limit", why_of(cg->cpu_why));
	if (cg->stats)
		ent_put_row(out, 2, 8, "report",
		            "CPU time, memory peak, process peak and I/O of the whole container, "
		            "from its cgroups (v1: memory, cpuacct, pids; v2: memory, pids, io)",
		            why_of(cg->stats_why));
	if (cg->track)
		ent_put_row(out, 2, 8, "track",
		            "a pids cgroup lists its processes, to kill every one at the timeout "
		            "(the host's PID namespace: PID 1 takes nobody with it)",
		            why_of(cg->track_why));
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
	ent_put_row(out, 2, 8, "rlimit", text, why_of(rl->why));
}

static void text_process(FILE *out, const struct ent_plan *plan)
{
	const struct ent_process *proc = &plan->proc;
	struct ent_word_wrap w = { .out = out, .indent = 11 };

	fputs("\nProcess\n", out);
	if (proc->argv && proc->argv[0]) {
		w.col = fprintf(out, "  %-8s", "command");
		for (char **a = proc->argv; *a; a++)
			ent_wrap_word(&w, *a);
		ent_wrap_end(&w);
	}
	ent_put_row(out, 2, 8, "hostname", plan->ns.hostname[0] ? plan->ns.hostname : "(host's)",
	            NULL);
	ent_put_row(out, 2, 8, "cwd", ent_has(proc->cwd) ? proc->cwd : "/", NULL);
	ent_put_row(out, 2, 8, "tty", proc->tty ? "yes" : "no", NULL);
	for (char **e = proc->env; e && *e; e++)
		ent_put_row(out, 2, 8, e == proc->env ? "env" : "", *e, NULL);
	for (unsigned i = 0; i < proc->n_rlimits; i++)
		text_rlimit(out, &proc->rlimits[i]);
	if (proc->timeout_ms > 0) {
		char after[32], grace[32], text[200];

		ent_duration_str(proc->timeout_ms, after, sizeof(after));
		ent_duration_str(proc->kill_after_ms, grace, sizeof(grace));
		snprintf(text, sizeof(text),
		         "%s from the clone: SIGTERM to PID 1, SIGKILL to every process %s later; "
		         "exit 124 (in the set-up, before the workload: the start stops)",
		         after, grace);
		ent_put_row(out, 2, 8, "timeout", text, why_of(proc->timeout_why));
	}
}

void ent_explain_text(FILE *out, const struct ent_plan *plan)
{
	text_grants(out, plan);
	text_namespaces(out, &plan->ns);
	text_ids(out, plan);
	text_capabilities(out, &plan->lockdown);
	text_seccomp(out, &plan->lockdown);
	text_mounts(out, &plan->rootfs);
	text_paths(out, "\nMasked paths  (hidden: /dev/null over files, empty tmpfs over dirs)\n",
	           plan->rootfs.masked, plan->rootfs.n_masked);
	text_paths(out, "\nRead-only paths  (bound onto themselves, read-only)\n",
	           plan->rootfs.readonly_paths, plan->rootfs.n_readonly);
	text_devices(out, plan);
	text_network(out, &plan->net);
	text_limits(out, &plan->cgroup);
	text_process(out, plan);
}
