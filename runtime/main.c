/*
 * runtime/main.c - ent-run's entry point: parse, check the host side of the request, compile the
 * plan, then run, explain or print it. The only place that prints an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entitlements/ent.h"
#include "entitlements/explain.h"
#include "entitlements/seccomp_json.h"
#include "entitlements/spec.h"
#include "runtime/cleanup.h"
#include "runtime/cli.h"
#include "runtime/err.h"
#include "runtime/host.h"
#include "runtime/launch.h"
#include "runtime/lockdown.h"
#include "runtime/log.h"

/* Resolve a host path given on the command line; a missing one is the user's error. */
static int resolve_host_path(const char *what, const char *path, char *out, struct rt_err *err)
{
	if (!realpath(path, out)) {
		rt_fail(err, errno, "%s %s", what, path);
		if (errno == ENOENT)
			rt_err_hint(err,
			            "check the path; it is resolved on the host, relative to %s",
			            "the current directory");
		return -1;
	}
	return 0;
}

/*
 * --seccomp localhost/NAME: read NAME from the profile root (default /etc/ent-run/seccomp).
 * NAME is one file name: no '/', so a reference cannot leave the directory. The text goes to
 * the pure compiler, which parses it; a file over the importer's limit is refused unread.
 */
static int read_seccomp_profile(struct rt_options *opts, struct rt_err *err)
{
	struct ent_request *req = &opts->req;
	const char *name = req->seccomp_ref + strlen("localhost/");
	const char *root = req->seccomp_root ? req->seccomp_root : "/etc/ent-run/seccomp";
	_cleanup_close_ int fd = -1;
	char *path, *text;
	struct stat st;
	ssize_t n;

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return rt_fail(err, 0,
		               "--seccomp: '%s' is not localhost/NAME (NAME is a file in %s)",
		               req->seccomp_ref, root);
	if (opts->n_owned + 2 > ENT_MAX_REQ_ITEMS || asprintf(&path, "%s/%s", root, name) < 0)
		return rt_fail(err, ENOMEM, "--seccomp: profile path");
	opts->owned[opts->n_owned++] = path;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return rt_fail(err, errno, "seccomp profile %s", path);
	if (!S_ISREG(st.st_mode))
		return rt_fail(err, 0, "seccomp profile %s: not a regular file", path);
	if (st.st_size > (off_t)ENT_SECCOMP_JSON_MAX)
		return rt_fail(err, 0, "seccomp profile %s: too large (%lld bytes, at most %u)",
		               path, (long long)st.st_size, ENT_SECCOMP_JSON_MAX);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return rt_fail(err, ENOMEM, "seccomp profile %s", path);
	opts->owned[opts->n_owned++] = text;
	n = read(fd, text, (size_t)st.st_size);
	if (n != st.st_size)
		return rt_fail(err, n < 0 ? errno : EIO, "seccomp profile %s: read", path);
	text[n] = '\0';
	req->seccomp_profile = text;
	req->seccomp_profile_len = (size_t)n;
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
		if (resolve_host_path("rootfs", opts->rootfs, rootfs, err) < 0)
			return -1;
		if (stat(rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
			return rt_fail(err, ENOTDIR, "rootfs %s", opts->rootfs);
		req->rootfs = rootfs;
	}
	for (unsigned i = 0; i < req->n_volumes; i++) {
		char resolved[ENT_PATH_MAX];

		if (resolve_host_path("--volume: source", req->volumes[i].source, resolved, err) <
		    0)
			return -1;
		strcpy(req->volumes[i].source, resolved);
	}
	if (req->seccomp_ref && !strncmp(req->seccomp_ref, "localhost/", 10) &&
	    read_seccomp_profile(opts, err) < 0)
		return -1;
	rt_host_probe(&req->host);
	return 0;
}

/*
 * Fail closed on what this version cannot enforce yet, rather than run a container that is
 * less confined, or differently connected, than the user asked for.
 */
static int refuse_unsupported(const struct rt_options *opts, const struct ent_plan *plan,
                              struct rt_err *err)
{
	const struct ent_request *req = &opts->req;

	if (req->n_profiles || req->profile_dir || req->policy_path)
		return rt_fail(err, 0, "profiles and node policies are not supported yet");
	if (access("/etc/ent-run/policy", F_OK) == 0)
		return rt_fail(err, 0,
		               "/etc/ent-run/policy exists, but node policies are not "
		               "supported yet: refusing to run unchecked");
	if (req->has_memory || req->has_cpus || req->has_pids)
		return rt_fail(err, 0, "--memory, --cpus and --pids are not supported yet");
	if (plan->net.mode >= NETCFG_USER && plan->net.mode <= NETCFG_ADMIN)
		return rt_fail(err, 0, "%s: outbound networking is not supported yet",
		               plan->net.why);
	return 0;
}

/* Build the filter in the parent, so the child only loads it; then start the container. */
static int run_container(const struct ent_plan *plan, struct rt_err *err)
{
	struct lockdown_filter *filter = NULL;
	int status;

	if (lockdown_filter_build(&plan->lockdown, &filter, err) < 0)
		return -1;
	status = rt_launch(plan, filter, err);
	lockdown_filter_free(filter);
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
 * spec: the plan as an OCI config.json. A limit the plan asks "as high as the host allows"
 * (RLIM_INFINITY) cannot be said in OCI: write the host's current hard limit instead.
 */
static int print_spec(struct ent_plan *plan, struct rt_err *err)
{
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

static int run_command(struct rt_options *opts, struct rt_err *err)
{
	char rootfs[ENT_PATH_MAX];
	struct ent_plan *plan = NULL;
	int status = -1;

	if (opts->command == RT_CMD_EXPLAIN && opts->list) {
		ent_catalogue_print(stdout, opts->json);
		return 0;
	}
	if (resolve_request(opts, rootfs, err) < 0)
		return -1;
	plan = ent_plan_new(err);
	if (!plan)
		return -1;
	if (ent_compile(&opts->req, plan, err) < 0)
		goto out;
	switch (opts->command) {
	case RT_CMD_RUN:
		if (refuse_unsupported(opts, plan, err) < 0)
			break;
		status = run_container(plan, err);
		break;
	case RT_CMD_EXPLAIN:
		status = explain_plan(opts, plan, err);
		break;
	case RT_CMD_SPEC:
		status = print_spec(plan, err);
		break;
	case RT_CMD_CHECK:
		status = rt_fail(err, 0, "check: node policies are not implemented yet");
		break;
	}
out:
	ent_plan_free(plan);
	return status;
}

int main(int argc, char **argv)
{
	struct rt_err err = { 0 };
	struct rt_options *opts = calloc(1, sizeof(*opts));
	int status;

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
