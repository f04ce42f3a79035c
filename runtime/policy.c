/*
 * runtime/policy.c - the files behind --profile, the node policy and --seccomp localhost/NAME:
 * find them, refuse them when someone other than root could have written them, read them, and
 * hand their text to the pure parsers (entitlements/policy.h, entitlements/seccomp_json.h).
 */
#include "runtime/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "runtime/sysdir.h"

#define DEFAULT_POLICY "/etc/ent-run/policy"
#define MAX_FILE_SIZE  (1 << 20)

int rt_check_writer(const char *what, const char *path, const struct stat *st, uid_t owner,
                    const char *refused, struct rt_err *err)
{
	char who[24];

	if (st->st_uid == owner && !(st->st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (owner == 0)
		snprintf(who, sizeof(who), "root");
	else
		snprintf(who, sizeof(who), "uid %u", (unsigned)owner);
	rt_fail(err, 0,
	        "%s %s is writable by others than %s (owner uid %u, mode %04o): refusing %s", what,
	        path, who, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777), refused);
	rt_err_hint(err, "chown %s: %s && chmod go-w %s", owner == 0 ? "root" : who + 4, path,
	            path);
	return -1;
}

/*
 * When we run as root, a policy or profile that another user could have written would let
 * that user grant themselves anything: the file and its directory must belong to root and be
 * writable by nobody else.
 */
static int check_trusted(const char *path, const struct stat *st, const char *what,
                         struct rt_err *err)
{
	char dir[ENT_PATH_MAX], what_dir[64];
	struct stat dst;

	if (geteuid() != 0)
		return 0;
	if (rt_check_writer(what, path, st, 0, "it", err) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	if (stat(dirname(dir), &dst) < 0)
		return rt_fail(err, errno, "%s directory of %s", what, path);
	snprintf(what_dir, sizeof(what_dir), "%s directory", what);
	return rt_check_writer(what_dir, dir, &dst, 0, path, err);
}

char *rt_config_read(const char *path, const char *what, size_t max, struct rt_err *err)
{
	/* O_NONBLOCK: a FIFO there must not hold the open until a writer comes. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	const char *nul;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		rt_fail(err, errno, "%s %s", what, path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		rt_fail(err, 0, "%s %s: not a regular file", what, path);
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		rt_fail(err, 0, "%s %s: too large (%lld bytes, at most %zu)", what, path,
		        (long long)st.st_size, max);
		return NULL;
	}
	if (check_trusted(path, &st, what, err) < 0)
		return NULL;
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		rt_fail(err, ENOMEM, "%s %s", what, path);
		return NULL;
	}
	n = read(fd, text, (size_t)st.st_size);
	if (n != st.st_size) {
		rt_fail(err, n < 0 ? errno : EIO, "%s %s: read", what, path);
		return NULL;
	}
	text[n] = '\0';
	/* A line after a NUL would be read by nobody: refused, not dropped. */
	nul = memchr(text, '\0', (size_t)n);
	if (nul) {
		rt_fail(err, 0, "%s %s: a NUL byte at offset %td (a text file has none)", what,
		        path, nul - text);
		return NULL;
	}
	return steal_ptr(&text);
}

int rt_profile_load(const char *dir, const char *name, struct ent_profile *out, struct rt_err *err)
{
	_cleanup_free_ char *text = NULL;
	char path[ENT_PATH_MAX];

	if (!ent_profile_name_valid(name))
		return rt_fail(err, 0,
		               "profile: '%s' is not a profile name (letters, digits, '.', "
		               "'_', '-')",
		               name);
	if (ent_profile_builtin(name, out))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rt_trace("policy", "read profile %s", path);
	text = rt_config_read(path, "profile", MAX_FILE_SIZE, err);
	if (!text) {
		if (err->errnum == ENOENT)
			rt_fail(err, 0,
			        "unknown profile '%s' (no file %s; built-in: default, "
			        "privileged)",
			        name, path);
		return -1;
	}
	return ent_profile_parse(name, text, path, out, err);
}

/* Keep p alive until rt_cli_free(). */
static int own(struct rt_options *opts, void *p, struct rt_err *err)
{
	if (opts->n_owned >= ENT_MAX_REQ_ITEMS) {
		free(p);
		return rt_fail(err, 0, "too many profiles");
	}
	opts->owned[opts->n_owned++] = p;
	return 0;
}

/* Add a profile's entitlements to req, remembering which profile gave each. */
static int add_profile(struct ent_request *req, const struct ent_profile *profile, const char *from,
                       struct rt_err *err)
{
	for (unsigned i = 0; i < profile->n; i++) {
		if (req->n_entitlements >= ENT_MAX_REQ_ITEMS)
			return rt_fail(err, 0, "too many entitlements with profile %s (at most %d)",
			               profile->name, ENT_MAX_REQ_ITEMS);
		req->entitlement_from[req->n_entitlements] = from;
		req->entitlements[req->n_entitlements++] = profile->entitlements[i];
	}
	return 0;
}

/* A loaded profile and the "profile NAME" provenance of its entitlements, kept together. */
struct loaded_profile {
	struct ent_profile profile;
	char from[ENT_WHY_MAX];
};

int rt_profiles_expand(struct rt_options *opts, const char *dir, struct ent_request *req,
                       const char *const *names, unsigned n, struct rt_err *err)
{
	for (unsigned i = 0; i < n; i++) {
		struct loaded_profile *lp = calloc(1, sizeof(*lp));

		if (!lp || own(opts, lp, err) < 0)
			return lp ? -1 : rt_fail(err, ENOMEM, "profile %s", names[i]);
		if (rt_profile_load(dir, names[i], &lp->profile, err) < 0)
			return -1;
		snprintf(lp->from, sizeof(lp->from), "profile %s", names[i]);
		if (add_profile(req, &lp->profile, lp->from, err) < 0)
			return -1;
	}
	return 0;
}

/* The node policy in force: --policy FILE, else /etc/ent-run/policy when it exists, else NULL. */
static const char *policy_path(const struct rt_options *opts)
{
	if (opts->req.policy_path)
		return opts->req.policy_path;
	return access(DEFAULT_POLICY, F_OK) == 0 ? DEFAULT_POLICY : NULL;
}

/* Read and parse the policy at path (trusted as for profiles). */
static int policy_load(const char *path, struct ent_policy *pol, struct rt_err *err)
{
	_cleanup_free_ char *text = NULL;

	rt_trace("policy", "read node policy %s", path);
	text = rt_config_read(path, "policy", MAX_FILE_SIZE, err);
	if (!text)
		return -1;
	return ent_policy_parse(text, path, pol, err);
}

/* Do two paths name the same directory (by device and inode; by text when one is missing)? */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return !strcmp(a, b);
}

/*
 * The policy decides where its names are looked up. A requester who could point --profile-dir
 * at a directory of their own would decide what "allow profile ci" grants: a request naming
 * another directory is recorded, to be refused, and the policy's directory is used.
 */
static void pin_dir(const char **requested, const char *policy_dir, char *fact, size_t size)
{
	if (*requested && !same_dir(*requested, policy_dir))
		snprintf(fact, size, "%s", *requested);
	*requested = policy_dir;
}

int rt_policy_bind(struct rt_options *opts, struct rt_policy *p, struct rt_err *err)
{
	struct ent_request *req = &opts->req;

	memset(p, 0, sizeof(*p));
	p->path = policy_path(opts);
	if (!p->path) {
		if (!req->profile_dir)
			req->profile_dir = ENT_PROFILE_DIR_DEFAULT;
		if (!req->seccomp_root)
			req->seccomp_root = ENT_SECCOMP_ROOT_DEFAULT;
		return 0;
	}
	/*
	 * What the container could set itself: a limit up to our own hard limit widens nothing.
	 * Read now, a host fact, before anything (OCI's lower_rlimits) raises our own limits;
	 * only a policy's check of the limits asks (without a policy, 16 system calls spared).
	 */
	for (int res = 0; res < ENT_MAX_RLIMITS && res < RLIM_NLIMITS; res++) {
		struct rlimit have;

		if (getrlimit(res, &have) == 0)
			p->facts.rlimit_hard[res] = have.rlim_max;
	}
	p->pol = calloc(1, sizeof(*p->pol));
	if (!p->pol)
		return rt_fail(err, ENOMEM, "policy %s", p->path);
	if (policy_load(p->path, p->pol, err) < 0)
		return -1;
	pin_dir(&req->profile_dir, ent_policy_profile_dir(p->pol), p->facts.profile_dir,
	        sizeof(p->facts.profile_dir));
	pin_dir(&req->seccomp_root, ent_policy_seccomp_root(p->pol), p->facts.seccomp_root,
	        sizeof(p->facts.seccomp_root));
	req->limits = p->pol->limits;
	rt_trace("policy", "%s: profiles from %s, seccomp profiles from %s", p->path,
	         req->profile_dir, req->seccomp_root);
	return 0;
}

int rt_policy_refuse(const struct rt_policy *p, const struct ent_verdict *verdict,
                     struct rt_err *err)
{
	char line[4096];
	bool grantable = false;

	if (verdict->allowed)
		return 0;
	ent_verdict_format(verdict, p->path, 2, line, sizeof(line));
	rt_fail(err, 0, "%s", line);
	for (unsigned i = 0; i < verdict->n_missing; i++)
		grantable = grantable || !verdict->missing[i].never;
	if (grantable)
		rt_err_hint(err, "ask the operator to allow it, or see 'ent-run check' for the "
		                 "details");
	else
		rt_err_hint(err, "a rootfs is a directory of a container's own files");
	return -1;
}

void rt_policy_release(struct rt_policy *p)
{
	free(p->pol);
	p->pol = NULL;
}

/*
 * The numbers of an allowed plan's device nodes (host.devices.allow=/dev/kvm names a path):
 * read from the host's nodes, so that the policy compares devices by type, major and minor
 * (an OCI config may mknod any numbers at any path).
 */
static void fill_device_numbers(struct ent_plan *plan)
{
	for (unsigned i = 0; i < plan->rootfs.n_devices; i++) {
		struct rootfs_device *d = &plan->rootfs.devices[i];
		struct stat st;

		if (d->mknod || d->type || stat(d->path, &st) < 0 ||
		    !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			continue;
		d->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
		d->major = major(st.st_rdev);
		d->minor = minor(st.st_rdev);
	}
}

/* Compile one allowed item (the entitlements ents[0..n)) into a new plan in a. */
static int compile_allowed(struct rt_options *opts, const char *const *ents, unsigned n,
                           const char *const *from, struct ent_allowed *a, struct rt_err *err)
{
	struct ent_request *req = calloc(1, sizeof(*req));
	struct ent_plan *plan = ent_plan_new(err);
	int r = -1;

	if (!req || !plan) {
		rt_fail(err, ENOMEM, "policy: compile");
		goto out;
	}
	for (unsigned i = 0; i < n && i < ENT_MAX_REQ_ITEMS; i++) {
		req->entitlements[i] = ents[i];
		req->entitlement_from[i] = from ? from[i] : NULL;
	}
	req->n_entitlements = n < ENT_MAX_REQ_ITEMS ? n : ENT_MAX_REQ_ITEMS;
	req->host = opts->req.host;
	if (ent_compile(req, plan, err) < 0)
		goto out;
	fill_device_numbers(plan);
	a->plans[a->n++] = steal_ptr(&plan);
	r = 0;
out:
	ent_plan_free(plan);
	free(req);
	return r;
}

/*
 * What the policy allows, one plan per item: the default (always allowed), each entitlement,
 * each profile (its entitlements together, as a request naming it would compile), read from
 * the policy's own profile directory.
 */
static int compile_policy(struct rt_options *opts, const struct ent_policy *pol,
                          struct ent_allowed *a, struct rt_err *err)
{
	a->policy = pol;
	if (compile_allowed(opts, NULL, 0, NULL, a, err) < 0)
		return -1;
	for (unsigned i = 0; i < pol->n_entitlements; i++) {
		const char *ent = pol->entitlements[i];

		if (compile_allowed(opts, &ent, 1, NULL, a, err) < 0)
			return -1;
	}
	for (unsigned i = 0; i < pol->n_profiles; i++) {
		struct ent_request *u = calloc(1, sizeof(*u));
		const char *name = pol->profiles[i];
		int r;

		if (!u)
			return rt_fail(err, ENOMEM, "policy: profile %s", name);
		r = rt_profiles_expand(opts, ent_policy_profile_dir(pol), u, &name, 1, err);
		if (r == 0)
			r = compile_allowed(opts, u->entitlements, u->n_entitlements,
			                    u->entitlement_from, a, err);
		free(u);
		if (r < 0)
			return -1;
	}
	return 0;
}

int rt_policy_check(struct rt_options *opts, struct rt_policy *p, const struct ent_plan *request,
                    struct ent_verdict *verdict, struct rt_err *err)
{
	struct ent_allowed *allowed = NULL;
	int r = -1;

	if (ent_has(request->rootfs.root))
		rt_system_dir_of(request->rootfs.root, request->rootfs.root_dev,
		                 request->rootfs.root_ino, p->facts.rootfs_system,
		                 sizeof(p->facts.rootfs_system));
	if (!p->pol) {
		ent_policy_check(request, NULL, &p->facts, verdict);
		return 0;
	}
	allowed = calloc(1, sizeof(*allowed));
	if (!allowed)
		return rt_fail(err, ENOMEM, "policy %s", p->path);
	if (compile_policy(opts, p->pol, allowed, err) < 0) {
		rt_err_prefix(err, "policy %s", p->path);
		goto out;
	}
	ent_policy_check(request, allowed, &p->facts, verdict);
	rt_trace("policy", "%s: %s (%u allowed items)", p->path,
	         verdict->allowed ? "allowed" : "refused", allowed->n);
	r = 0;
out:
	for (unsigned i = 0; i < allowed->n; i++)
		ent_plan_free((struct ent_plan *)allowed->plans[i]);
	free(allowed);
	return r;
}
