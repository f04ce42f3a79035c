/*
 * runtime/oci_create.c - OCI create and exec: a bundle's config.json (or exec's process.json)
 * compiled into a plan, completed with what only the host knows, checked against the node
 * policy, and launched: held before execve (create), or joined to the running container (exec).
 */
#include "runtime/oci_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"
#include "entitlements/explain.h"
#include "entitlements/names.h"
#include "ns/ns.h"
#include "runtime/cgroup.h"
#include "runtime/host.h"
#include "runtime/launch.h"
#include "runtime/lockdown.h"

/* What create and exec build: the host facts, the policy in force and the plan. */
struct oci_job {
	struct rt_options *opts; /* the request side of the policy code: host facts, limits */
	struct rt_policy policy;
	struct ent_plan *plan;
	struct lockdown_filter *filter;
	char *config; /* config.json's text */
	size_t config_len;
	char source[ENT_PATH_MAX + 16]; /* "BUNDLE/config.json" */
	int ns_fd[NS_COUNT];            /* the namespaces the config joins by path, open; or -1 */
	char ns_fd_path[NS_COUNT][32];  /* "/proc/self/fd/N": how the launch joins ns_fd[k] */
};

static void job_init(struct oci_job *j)
{
	memset(j, 0, sizeof(*j));
	for (int k = 0; k < NS_COUNT; k++)
		j->ns_fd[k] = -1;
}

static void job_free(struct oci_job *j)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (j->ns_fd[k] >= 0)
			close(j->ns_fd[k]);
	lockdown_filter_free(j->filter);
	ent_plan_free(j->plan);
	rt_policy_release(&j->policy);
	if (j->opts)
		rt_cli_free(j->opts);
	free(j->opts);
	free(j->config);
}

/*
 * The node policy (--policy, else /etc/ent-run/policy when it exists) and what the host says:
 * our ids, the cgroup hierarchies, the subordinate id ranges.
 */
static int job_start(struct oci_job *j, const struct rt_oci_options *o, struct rt_err *err)
{
	j->opts = calloc(1, sizeof(*j->opts));
	if (!j->opts)
		return rt_fail(err, ENOMEM, "allocate the request");
	j->opts->req.policy_path = o->policy;
	if (rt_policy_bind(j->opts, &j->policy, err) < 0)
		return -1;
	if (rt_host_probe(&j->opts->req.host, &j->opts->ids, err) < 0)
		return -1;
	/* An OCI container always has cgroups: engines find its processes there. */
	rt_host_probe_cgroups(&j->opts->req.host);
	return 0;
}

/* A field the compiler ignored (an SELinux label without SELinux): a warning in the log. */
static void warn_ignored(void *data, const char *msg)
{
	(void)data;
	rt_oci_warn("%s", msg);
}

/*
 * Compile config.json (already read into j->config) for the container id of bundle; with warn,
 * ignored fields are warnings in the log (create; exec compiles the same config again).
 */
static int job_compile(struct oci_job *j, const char *bundle, const char *id, bool warn,
                       struct rt_err *err)
{
	struct ent_oci_input *in = calloc(1, sizeof(*in));
	int r;

	if (!in)
		return rt_fail(err, ENOMEM, "allocate the request");
	*in = (struct ent_oci_input){ .text = j->config,
		                      .len = j->config_len,
		                      .source = j->source,
		                      .bundle = bundle,
		                      .id = id,
		                      .host = j->opts->req.host,
		                      .has_policy = j->policy.pol != NULL,
		                      .limits = j->opts->req.limits,
		                      .warn = warn ? warn_ignored : NULL };
	j->plan = ent_plan_new(err);
	r = j->plan ? ent_oci_compile(in, j->plan, err) : -1;
	free(in);
	return r;
}

/*
 * Item 4 of issue 15: a hard limit above ours cannot be set without CAP_SYS_RESOURCE (root on
 * this kind of host lacks it; podman asks RLIMIT_NOFILE 1048576). We raise our own when we
 * can (the child inherits it); when we cannot, the limit is lowered to ours, with a warning:
 * the one limit lowered instead of refused, because lowering it never widens anything.
 */
static void lower_rlimits(struct ent_plan *plan)
{
	for (unsigned i = 0; i < plan->proc.n_rlimits; i++) {
		struct ent_rlimit *l = &plan->proc.rlimits[i];
		struct rlimit have, want;

		if (getrlimit(l->resource, &have) < 0 || l->hard <= have.rlim_max)
			continue;
		want = (struct rlimit){ .rlim_cur = have.rlim_cur, .rlim_max = l->hard };
		if (setrlimit(l->resource, &want) == 0)
			continue;
		rt_oci_warn("%s: %s hard limit %llu lowered to %llu, the most ent-run can set "
		            "(raising it needs CAP_SYS_RESOURCE)",
		            l->why, ent_rlimit_name(l->resource) ?: "rlimit",
		            (unsigned long long)l->hard, (unsigned long long)have.rlim_max);
		l->hard = have.rlim_max;
		if (l->soft > l->hard)
			l->soft = l->hard;
	}
}

/*
 * The kernel keeps an ambient capability only when it is permitted and inheritable
 * (capabilities(7)); runc's default config asks ambient ones it does not make inheritable.
 * They are dropped with a warning, as runc does: narrowing never widens anything.
 */
static void drop_unreachable_ambient(struct lockdown_caps *caps)
{
	uint64_t lost = caps->ambient & ~(caps->permitted & caps->inheritable);
	char name[48];

	for (unsigned cap = 0; cap < ENT_MAX_CAPS; cap++) {
		if (!(lost & (UINT64_C(1) << cap)))
			continue;
		ent_cap_name(cap, name, sizeof(name));
		rt_oci_warn("process.capabilities.ambient: %s dropped (an ambient capability must "
		            "be permitted and inheritable)",
		            name);
	}
	caps->ambient &= ~lost;
}

/*
 * The resolv.conf and hosts ent-run writes for its own network (network.access=user and up,
 * through run.ent.entitlements): the engine that made the network namespace writes its own
 * and binds them in (mounts of the config).
 */
static void drop_generated_files(struct rootfs_spec *fs)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < fs->n_mounts; i++)
		if (!fs->mounts[i].generated)
			fs->mounts[kept++] = fs->mounts[i];
	fs->n_mounts = kept;
}

/*
 * Bind sources, as --volume's (runtime/main.c): resolved (symlinks and ".." gone, so the policy
 * compares the path the kernel will bind) and pinned (the child binds that very inode).
 */
static int pin_binds(struct ent_plan *plan, struct rt_err *err)
{
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		struct rootfs_mount *m = &plan->rootfs.mounts[i];
		char source[ENT_PATH_MAX], what[ENT_WHY_MAX + 16];
		struct stat st;

		if (!m->volume)
			continue;
		snprintf(what, sizeof(what), "%s: source", m->why);
		if (rt_pin_path(what, m->source, source, false, &st, err) < 0)
			return -1;
		m->source = ent_plan_str(plan, source);
		m->source_dev = st.st_dev;
		m->source_ino = st.st_ino;
	}
	return 0;
}

/*
 * What only the host knows, before the policy sees the plan: the rootfs and bind sources
 * resolved and pinned; each namespace joined by path opened once (j->ns_fd, joined later
 * through that descriptor, so the policy judges the namespace that is joined), its path
 * resolved for the policy, and one that is our own namespace is the host's (shared).
 */
static int complete_plan(struct oci_job *j, struct rt_err *err)
{
	struct ent_plan *plan = j->plan;
	char rootfs[ENT_PATH_MAX], path[ENT_PATH_MAX];
	struct stat st;

	if (rt_pin_path("root.path", plan->rootfs.root, rootfs, true, &st, err) < 0 ||
	    pin_binds(plan, err) < 0)
		return -1;
	plan->rootfs.root = ent_plan_str(plan, rootfs);
	plan->rootfs.root_dev = st.st_dev;
	plan->rootfs.root_ino = st.st_ino;
	for (int k = 0; k < NS_COUNT; k++) {
		bool ours = false;

		if (!plan->ns.path[k])
			continue;
		j->ns_fd[k] = ns_open_path(plan->ns.path[k], (enum ns_kind)k, path, sizeof(path),
		                           &ours, err);
		if (j->ns_fd[k] < 0) {
			rt_err_prefix(err, "linux.namespaces");
			return -1;
		}
		plan->ns.path[k] = ent_plan_str(plan, path);
		if (!ours)
			continue;
		if (k == NS_MNT)
			return rt_fail(
			        err, 0,
			        "linux.namespaces: the mount namespace %s is the host's "
			        "(ent-run builds the container's file system in one of its own)",
			        plan->ns.path[k]);
		plan->ns.unshare[k] = false;
		plan->ns.why[k] = "linux.namespaces (a path to the host's)";
		plan->ns.path[k] = NULL;
		if (k == NS_NET)
			plan->net.mode = NETCFG_HOST;
	}
	/* ent-run's own network (veth, NAT) is for `ent-run ROOTFS CMD`; engines bring theirs. */
	if (plan->net.mode >= NETCFG_USER && plan->net.mode != NETCFG_HOST &&
	    !plan->ns.path[NS_NET])
		return rt_fail(err, 0,
		               "%s: network.access=%s needs the engine's network namespace (a "
		               "linux.namespaces path)",
		               plan->net.why, ent_net_row(plan->net.mode)->name);
	drop_generated_files(&plan->rootfs);
	return plan->strings_failed ? rt_fail(err, ENOMEM, "the plan's strings") : 0;
}

/*
 * After the policy's verdict: the launch joins each namespace through the descriptor opened
 * for the check (/proc/self/fd/N reopens that very namespace), not by its path again.
 */
static void join_opened(struct oci_job *j)
{
	for (int k = 0; k < NS_COUNT; k++) {
		if (j->ns_fd[k] < 0 || !j->plan->ns.path[k])
			continue;
		snprintf(j->ns_fd_path[k], sizeof(j->ns_fd_path[k]), "/proc/self/fd/%d",
		         j->ns_fd[k]);
		j->plan->ns.path[k] = j->ns_fd_path[k];
	}
}

/*
 * The policy's verdict (a refusal names the missing grants), then the seccomp program: before
 * anything is made, as create's hooks run before clone3 (and a failure after them would
 * leave what they did).
 */
static int job_check(struct oci_job *j, struct rt_err *err)
{
	struct ent_verdict *verdict = calloc(1, sizeof(*verdict));
	int r = -1;

	if (!verdict)
		return rt_fail(err, ENOMEM, "policy");
	lower_rlimits(j->plan);
	if (rt_policy_check(j->opts, &j->policy, j->plan, verdict, err) == 0 &&
	    rt_policy_refuse(&j->policy, verdict, err) == 0)
		r = lockdown_filter_build(&j->plan->lockdown, &j->filter, err);
	free(verdict);
	return r;
}

/* Descriptors --preserve-fds passes on must be open: ours would otherwise take their place. */
static int check_preserved(unsigned n, struct rt_err *err)
{
	for (unsigned fd = 3; fd < 3 + n; fd++)
		if (fcntl((int)fd, F_GETFD) < 0)
			return rt_fail(err, 0, "--preserve-fds %u: descriptor %u is not open", n,
			               fd);
	return 0;
}

/* The container's record: its process, cgroups and host ids, as delete will need them. */
static void record(struct rt_container *c, const struct rt_created *cr)
{
	struct ent_oci_state *st = &c->st;

	st->pid = cr->pid;
	st->starttime = proc_starttime(cr->pid);
	copy_text(st->ids_lease, sizeof(st->ids_lease), cr->ids_lease);
	st->n_cgroups = 0;
	for (unsigned i = 0; i < cgroup_count(cr->cgroup) && st->n_cgroups < ENT_OCI_MAX_CGROUPS;
	     i++) {
		const char *dir = cgroup_dir(cr->cgroup, i);

		if (dir[0])
			copy_text(st->cgroups[st->n_cgroups++], sizeof(st->cgroups[0]), dir);
	}
}

/*
 * Launch, record, pid file, then hand the process over: the container exists from here, or
 * nothing does. Until the handover, the held process dies with us and its cgroups are
 * registered for collection, so a create killed at any point leaves neither. Its hooks read
 * the state being recorded (id, bundle, created; the pid once the process exists).
 */
static int create_container(struct oci_job *j, const struct rt_oci_options *o, const char *bundle,
                            struct rt_err *err)
{
	struct rt_container *c = calloc(1, sizeof(*c));
	struct rt_created cr = { .pid = -1, .sync_fd = -1 };
	struct rt_hook_state hooks = { .config = j->config, .config_len = j->config_len };
	struct rt_hold hold = { .fd = -1, .report_fd = -1, .lock_fd = -1 };
	int r = -1;

	if (!c)
		return rt_fail(err, ENOMEM, "state");
	c->dir_fd = -1;
	if (rt_container_new(o->root, o->id, c, err) < 0)
		goto out; /* an id in use is left alone */
	copy_text(c->st.bundle, sizeof(c->st.bundle), bundle);
	rt_now_rfc3339(c->st.created, sizeof(c->st.created));
	hooks.st = &c->st;
	hold.hooks = j->plan->hooks.n ? &hooks : NULL;
	hold.lock_fd = c->dir_fd;
	hold.fd = rt_container_hold_fd(c, err);
	if (hold.fd >= 0)
		hold.report_fd = rt_container_report_fd(c, err);
	if (hold.report_fd < 0 ||
	    rt_launch_create(j->plan, j->filter, &j->opts->ids, &hold, &cr, err) < 0)
		goto fail;
	record(c, &cr);
	if (rt_container_save(c, j->config, j->config_len, err) < 0 ||
	    (o->pid_file && rt_write_pid_file(o->pid_file, cr.pid, err) < 0) ||
	    rt_launch_hand_over(&cr, true, err) < 0) {
		rt_launch_hand_over(&cr, false, err);
		rt_oci_kill_now(cr.pid, c->st.starttime);
		cgroup_destroy(cr.cgroup);
		ns_idrange_release_name(cr.ids_lease, cr.pid, c->st.starttime);
		goto fail;
	}
	cgroup_forget(cr.cgroup); /* the state owns them from here */
	r = 0;
	goto out;
fail:
	rt_container_remove(c);
out:
	if (hold.fd >= 0)
		close(hold.fd);
	if (hold.report_fd >= 0)
		close(hold.report_fd);
	rt_container_close(c);
	free(c);
	return r;
}

int rt_oci_create(const struct rt_oci_options *o, struct rt_err *err)
{
	struct oci_job j;
	char bundle[ENT_PATH_MAX];
	int r = -1;

	job_init(&j);
	if (check_preserved(o->preserve_fds, err) < 0 ||
	    rt_resolve_host_path("--bundle", o->bundle, bundle, err) < 0)
		return -1;
	snprintf(j.source, sizeof(j.source), "%s/config.json", bundle);
	j.config = read_text_file(j.source, ENT_OCI_CONFIG_MAX);
	if (!j.config) {
		rt_fail(err, errno, "%s", j.source);
		goto out;
	}
	j.config_len = strlen(j.config);
	if (job_start(&j, o, err) < 0 || job_compile(&j, bundle, o->id, true, err) < 0)
		goto out;
	j.plan->proc.console_socket = o->console_socket;
	j.plan->proc.preserve_fds = o->preserve_fds;
	j.plan->proc.session_keyring = !o->no_new_keyring;
	j.plan->rootfs.no_pivot = o->no_pivot;
	if (j.plan->proc.tty && !o->console_socket) {
		rt_fail(err, 0,
		        "%s: process.terminal needs --console-socket (the engine's end of "
		        "the terminal)",
		        j.source);
		goto out;
	}
	drop_unreachable_ambient(&j.plan->lockdown.caps);
	if (complete_plan(&j, err) < 0 || job_check(&j, err) < 0)
		goto out;
	join_opened(&j);
	r = create_container(&j, o, bundle, err);
out:
	job_free(&j);
	return r;
}

/* exec's --pid-file, written once the process runs (before exec waits for it). */
static int write_exec_pid(pid_t pid, void *data, struct rt_err *err)
{
	const char *path = data;

	return path ? rt_write_pid_file(path, pid, err) : 0;
}

/*
 * exec's process: --process FILE (a runtime-spec process object), or the container's own
 * process with COMMAND ARG... in place of its args.
 */
static int exec_process(struct oci_job *j, const struct rt_oci_options *o, struct rt_err *err)
{
	struct ent_process *p = &j->plan->proc;
	_cleanup_free_ char *text = NULL;
	size_t n = 0;

	if (o->process) {
		text = read_text_file(o->process, ENT_OCI_CONFIG_MAX);
		if (!text)
			return rt_fail(err, errno, "--process %s", o->process);
		return ent_oci_compile_process(text, strlen(text), o->process, j->plan, err);
	}
	while (o->argv[n])
		n++;
	ent_strv_free(p->argv);
	p->argv = calloc(n + 1, sizeof(*p->argv));
	if (!p->argv)
		return rt_fail(err, ENOMEM, "exec: the command");
	for (size_t i = 0; i < n; i++) {
		p->argv[i] = strdup(o->argv[i]);
		if (!p->argv[i])
			return rt_fail(err, ENOMEM, "exec: the command");
	}
	p->tty = o->tty;
	return 0;
}

int rt_oci_exec(const struct rt_oci_options *o, struct rt_err *err)
{
	struct rt_container *c = calloc(1, sizeof(*c));
	struct oci_job j;
	const char *dirs[ENT_OCI_MAX_CGROUPS];
	struct rt_exec_target t = { .id = o->id, .on_started = write_exec_pid };
	pid_t pid = -1;
	int r = -1;

	job_init(&j);
	if (!c)
		return rt_fail(err, ENOMEM, "state");
	if (check_preserved(o->preserve_fds, err) < 0 ||
	    rt_container_open(o->root, o->id, false, c, err) < 0)
		goto out;
	if (rt_container_status(c) != RT_STATUS_RUNNING) {
		rt_fail(err, 0, "container %s is not running (%s)", o->id,
		        rt_status_name(rt_container_status(c)));
		goto out;
	}
	snprintf(j.source, sizeof(j.source), "%s/config.json", c->st.bundle);
	j.config = c->config;
	j.config_len = c->config_len;
	c->config = NULL;
	if (!j.config) {
		rt_fail(err, 0, "container %s: its config.json copy is missing", o->id);
		goto out;
	}
	if (job_start(&j, o, err) < 0 || job_compile(&j, c->st.bundle, o->id, false, err) < 0 ||
	    exec_process(&j, o, err) < 0)
		goto out;
	j.plan->proc.console_socket = o->console_socket;
	j.plan->proc.preserve_fds = o->preserve_fds;
	if (j.plan->proc.tty && o->detach && !o->console_socket) {
		rt_fail(err, 0, "exec: a terminal with --detach needs --console-socket");
		goto out;
	}
	drop_unreachable_ambient(&j.plan->lockdown.caps);
	/* The same completion as create's: the policy sees the same plan (symlinks resolved). */
	if (complete_plan(&j, err) < 0 || job_check(&j, err) < 0)
		goto out;
	for (unsigned i = 0; i < c->st.n_cgroups; i++)
		dirs[i] = c->st.cgroups[i];
	t.pid = (pid_t)c->st.pid;
	t.starttime = c->st.starttime;
	t.cgroups = dirs;
	t.n_cgroups = c->st.n_cgroups;
	t.data = (void *)o->pid_file;
	/* The lock is not held while the process runs: delete and kill must get through. */
	rt_container_close(c);
	r = rt_launch_exec(j.plan, j.filter, &t, o->detach, &pid, err);
out:
	rt_container_close(c);
	free(c);
	job_free(&j);
	return r;
}
