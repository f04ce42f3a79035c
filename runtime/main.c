/*
 * runtime/main.c - ent-run's entry point: parse, check the host side of the request, compile the
 * plan, then run, explain or print it. The only place that prints an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "entitlements/ent.h"
#include "entitlements/explain.h"
#include "entitlements/seccomp_json.h"
#include "entitlements/spec.h"
#include "netcfg/netcfg.h"
#include "runtime/cgroup.h"
#include "runtime/cli.h"
#include "runtime/host.h"
#include "runtime/launch.h"
#include "runtime/learn.h"
#include "runtime/lockdown.h"
#include "runtime/oci.h"
#include "runtime/policy.h"

/*
 * --seccomp localhost/NAME: read NAME from the profile root (the node policy's seccomp-root,
 * else --seccomp-profile-root, else /etc/ent-run/seccomp; rt_policy_bind() chose it).
 * NAME is one file name: no '/', so a reference cannot leave the directory. The text goes to
 * the pure compiler, which parses it; a file over the importer's limit is refused unread.
 */
static int read_seccomp_profile(struct rt_options *opts, struct rt_err *err)
{
	struct ent_request *req = &opts->req;
	const char *name = req->seccomp_ref + strlen("localhost/");
	const char *root = req->seccomp_root;
	char *path, *text;

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return rt_fail(err, 0,
		               "--seccomp: '%s' is not localhost/NAME (NAME is a file in %s)",
		               req->seccomp_ref, root);
	if (opts->n_owned + 2 > ENT_MAX_REQ_ITEMS || asprintf(&path, "%s/%s", root, name) < 0)
		return rt_fail(err, ENOMEM, "--seccomp: profile path");
	opts->owned[opts->n_owned++] = path;
	text = rt_config_read(path, "seccomp profile", ENT_SECCOMP_JSON_MAX, err);
	if (!text)
		return -1;
	opts->owned[opts->n_owned++] = text;
	req->seccomp_profile = text;
	req->seccomp_profile_len = strlen(text);
	req->seccomp_profile_path = path;
	return 0;
}

/*
 * The host side of the request: the rootfs must be a directory, and volume sources must exist
 * (resolved here, so that a relative source means the same as it does in the user's shell).
 */
static int resolve_request(struct rt_options *opts, char *rootfs, struct rt_err *err)
{
	struct ent_request *req = &opts->req;
	struct stat st;

	if (opts->rootfs) {
		if (rt_pin_path("rootfs", opts->rootfs, rootfs, true, &st, err) < 0)
			return -1;
		req->rootfs = rootfs;
		req->rootfs_dev = st.st_dev;
		req->rootfs_ino = st.st_ino;
	}
	for (unsigned i = 0; i < req->n_volumes; i++) {
		struct ent_volume *v = &req->volumes[i];
		char resolved[ENT_PATH_MAX];

		if (rt_pin_path("--volume: source", v->source, resolved, false, &st, err) < 0)
			return -1;
		strcpy(v->source, resolved);
		v->source_dev = st.st_dev;
		v->source_ino = st.st_ino;
	}
	if (req->seccomp_ref && !strncmp(req->seccomp_ref, "localhost/", 10) &&
	    read_seccomp_profile(opts, err) < 0)
		return -1;
	return rt_host_probe(&req->host, &opts->ids, err);
}

/*
 * The container ran and is gone, and so is what it held on the host (id block, cgroup,
 * network): leave with its status, without freeing our memory. Since clone3, our pages were
 * shared copy-on-write with the container's PID 1, so free() and the libraries' exit handlers
 * would fault on ~20 of them (a write fault each, ~10-15 us on a virtual machine) to give back
 * what the kernel takes back at exit in one go: ~0.5 ms per start here (docs/PERFORMANCE.md).
 * Under AddressSanitizer, the run returns and frees as usual, so that its leak check, which
 * runs at exit(), still sees every allocation freed.
 */
#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define RT_FREE_AT_EXIT 1
#elif defined(__has_feature) /* clang */
#if __has_feature(address_sanitizer)
#define RT_FREE_AT_EXIT 1
#endif
#endif

static void leave_now(int status)
{
#ifndef RT_FREE_AT_EXIT
	fflush(NULL);
	_exit(status);
#else
	(void)status;
#endif
}

/* Start the container (its seccomp program is built meanwhile: rt_launch) and leave. */
static int run_container(struct ent_plan *plan, const struct ns_idpool *ids, const char *stats_path,
                         struct rt_err *err)
{
	int status = rt_launch(plan, ids, stats_path, err);

	if (status >= 0 && !err->msg[0])
		leave_now(status);
	return status;
}

/* explain: the plan for people (text), for programs (json), one answer (--why), or the BPF. */
static int explain_plan(const struct rt_options *opts, const struct ent_plan *plan,
                        struct rt_err *err)
{
	if (opts->why)
		return ent_explain_why(stdout, plan, opts->why, err);
	if (opts->bpf) {
		fflush(stdout);
		return lockdown_filter_export_pfc(&plan->lockdown, fileno(stdout), err);
	}
	return ent_explain_print(stdout, plan, opts->json, err);
}

/*
 * spec: the plan as an OCI config.json, with what only the host knows filled in. A limit the
 * plan asks "as high as the host allows" (RLIM_INFINITY) cannot be said in OCI: write the
 * host's current hard limit. A device allowed by path (host.devices.allow=PATH) becomes its
 * type and major:minor, which is what OCI's linux.resources.devices holds.
 */
static int print_spec(struct ent_plan *plan, const struct ns_idpool *ids, struct rt_err *err)
{
	/* The generated resolv.conf and hosts: where a run would write them. */
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		struct rootfs_mount *m = &plan->rootfs.mounts[i];
		char path[ENT_PATH_MAX];

		if (!m->generated)
			continue;
		if (netcfg_generated_path(
		            getpid(), m->generated == ROOTFS_GEN_RESOLV ? "resolv.conf" : "hosts",
		            path, sizeof(path), err) < 0)
			return -1;
		m->source = ent_plan_str(plan, path);
	}
	/* The block of host ids a run would lease at this moment (nothing is leased). */
	if (plan->ns.own_range) {
		uint32_t uid, gid;

		if (ns_idrange_lease(ids, false, &uid, &gid, NULL, err) < 0)
			return -1;
		plan->ns.uid_map[0].outside = uid;
		plan->ns.gid_map[0].outside = gid;
	}
	for (unsigned i = 0; i < plan->cgroup.n_devrules; i++) {
		struct cgroup_devrule *d = &plan->cgroup.devrules[i];
		struct stat st;

		if (!ent_has(d->path))
			continue;
		if (stat(d->path, &st) < 0)
			return rt_fail(err, errno, "%s: %s", d->why, d->path);
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			return rt_fail(err, 0, "%s: %s is not a device node", d->why, d->path);
		d->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
		d->major = major(st.st_rdev);
		d->minor = minor(st.st_rdev);
	}
	for (unsigned i = 0; i < plan->proc.n_rlimits; i++) {
		struct ent_rlimit *l = &plan->proc.rlimits[i];
		struct rlimit host;

		if (getrlimit(l->resource, &host) == 0 && host.rlim_max < l->hard) {
			l->hard = host.rlim_max;
			if (l->soft > l->hard)
				l->soft = l->hard;
		}
	}
	return ent_spec_print(stdout, plan, err);
}

/*
 * Report a verdict: for `check` it is the answer (printed; exit 0 or 1); for the other
 * commands a refusal is an error (125) that names each missing grant.
 */
static int report_verdict(const struct rt_options *opts, const struct rt_policy *p,
                          const struct ent_verdict *verdict, struct rt_err *err)
{
	char line[4096];

	if (opts->command == RT_CMD_CHECK) {
		if (opts->json)
			return ent_verdict_print_json(stdout, verdict, p->path, err) < 0
			               ? -1
			               : !verdict->allowed;
		if (verdict->allowed && !p->path) {
			printf("allowed: no node policy (/etc/ent-run/policy does not exist)\n");
			return 0;
		}
		ent_verdict_format(verdict, p->path, ENT_MISSING_MAX, line, sizeof(line));
		printf("%s\n", line);
		return !verdict->allowed;
	}
	return rt_policy_refuse(p, verdict, err);
}

/*
 * Under a node policy, names mean what the policy says: a --profile-dir or
 * --seccomp-profile-root naming another directory than the policy's is refused first, by
 * every command, before any name is looked up.
 */
static int refuse_other_dirs(const struct rt_options *opts, const struct rt_policy *p,
                             struct rt_err *err)
{
	struct ent_verdict verdict;

	ent_verdict_init(&verdict);
	if (p->pol)
		ent_policy_check_dirs(p->pol, &p->facts, &verdict);
	if (verdict.allowed)
		return 0;
	if (report_verdict(opts, p, &verdict, err) < 0) {
		rt_err_hint(err, "leave the option out: under a node policy, profiles and seccomp "
		                 "profiles come from its directories");
		return -1;
	}
	return 1; /* check: refused */
}

/*
 * The node policy: a request runs only when its grants are a subset of what the policy
 * allows, and never with a host system directory as its rootfs (policy or not). spec
 * refuses what a run would refuse: its config.json is the same container, run elsewhere.
 */
static int enforce_policy(struct rt_options *opts, struct rt_policy *p, const struct ent_plan *plan,
                          struct rt_err *err)
{
	struct ent_verdict verdict;

	if (rt_policy_check(opts, p, plan, &verdict, err) < 0)
		return -1;
	return report_verdict(opts, p, &verdict, err);
}

/* Compile the request and do what the command says with the plan. */
static int run_plan(struct rt_options *opts, struct rt_policy *p, struct rt_err *err)
{
	struct ent_plan *plan = ent_plan_new(err);
	int status = -1;

	/* explain --learn: the learning round's filter, as ent-run learn (root) would load it. */
	opts->req.learn = opts->learn;
	opts->req.learn_caps = opts->learn && opts->req.host.uid == 0;
	if (!plan || ent_compile(&opts->req, plan, err) < 0)
		goto out;
	/* /sys/fs/cgroup inside: the hierarchies of the plan's cgroup, when it has one. */
	if (cgroup_wanted(&plan->cgroup)) {
		rt_host_probe_cgroups(&opts->req.host);
		if (ent_compile_cgroupfs(&opts->req.host, plan, err) < 0)
			goto out;
	}
	switch (opts->command) {
	case RT_CMD_RUN:
		if (enforce_policy(opts, p, plan, err) == 0)
			status = run_container(plan, &opts->ids, opts->stats_path, err);
		break;
	case RT_CMD_EXPLAIN:
		status = explain_plan(opts, plan, err);
		break;
	case RT_CMD_SPEC:
		if (enforce_policy(opts, p, plan, err) == 0)
			status = print_spec(plan, &opts->ids, err);
		break;
	case RT_CMD_CHECK:
		status = enforce_policy(opts, p, plan, err);
		break;
	case RT_CMD_LEARN: /* compiles a plan per round: run_command calls rt_learn() */
		break;
	}
out:
	ent_plan_free(plan);
	return status;
}

/*
 * The node policy first (it decides where names are looked up and the default limits), then
 * the host side of the request, the profiles, and the plan.
 */
static int run_command(struct rt_options *opts, struct rt_err *err)
{
	char rootfs[ENT_PATH_MAX];
	struct rt_policy policy;
	int status;

	if (opts->command == RT_CMD_EXPLAIN && opts->list) {
		ent_catalogue_print(stdout, opts->json);
		return 0;
	}
	status = rt_policy_bind(opts, &policy, err);
	if (status == 0)
		status = refuse_other_dirs(opts, &policy, err);
	if (status == 0)
		status = resolve_request(opts, rootfs, err);
	if (status == 0)
		status = rt_profiles_expand(opts, opts->req.profile_dir, &opts->req,
		                            opts->req.profiles, opts->req.n_profiles, err);
	if (status == 0 && opts->command == RT_CMD_LEARN)
		status = rt_learn(opts, &policy, err);
	else if (status == 0)
		status = run_plan(opts, &policy, err);
	rt_policy_release(&policy);
	return status;
}

/*
 * OCI runtime mode, when argv is runc's command line (a verb after the global options).
 * Returns 1 and *status when it was, 0 when argv is ent-run's own command line.
 */
static int run_oci(int argc, char **argv, int *status, struct rt_err *err)
{
	struct rt_oci_options o = { 0 };
	int r = rt_oci_cli_parse(argc, argv, &o, err);

	if (r == 0)
		return 0;
	if (r < 0) {
		*status = -1;
	} else if (o.help) {
		rt_oci_usage(stdout, o.verb);
		*status = 0;
	} else {
		*status = rt_oci_main(&o, err);
	}
	/* Failed, or said why its process did not run (exec: 126, 127), as a run does. */
	if (*status < 0 || err->msg[0]) {
		rt_oci_log_error(&o, err);
		rt_err_print(err);
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct rt_err err = { 0 };
	struct rt_options *opts;
	int status;

	/*
	 * SIGCHLD as the kernel defines it, whatever our caller left: an ignored SIGCHLD (a
	 * disposition children inherit) would have our children reaped unseen, their exit status
	 * lost, and the container's PID 1 would never learn that the workload ended.
	 */
	signal(SIGCHLD, SIG_DFL);
	if (run_oci(argc, argv, &status, &err))
		return status < 0 ? RT_EXIT_FAILED : status;
	opts = calloc(1, sizeof(*opts));

	if (!opts) {
		fputs("ent-run: out of memory\n", stderr);
		return RT_EXIT_FAILED;
	}
	if (rt_cli_parse(argc, argv, opts, &err) < 0) {
		status = -1;
	} else if (opts->help) {
		rt_cli_usage(stdout, opts->command);
		status = 0;
	} else if (opts->version) {
		printf("ent-run %s\n", ENT_VERSION);
		status = 0;
	} else {
		rt_log_init(opts->verbose);
		status = run_command(opts, &err);
	}
	if (err.msg[0])
		rt_err_print(&err);
	rt_cli_free(opts);
	free(opts);
	return status < 0 ? RT_EXIT_FAILED : status;
}
