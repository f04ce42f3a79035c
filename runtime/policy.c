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
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

#define DEFAULT_PROFILE_DIR "/etc/ent-run/profiles"
#define DEFAULT_POLICY      "/etc/ent-run/policy"
#define MAX_FILE_SIZE       (1 << 20)

/*
 * When we run as root, a policy or profile that another user could have written would let
 * that user grant themselves anything: the file and its directory must belong to root and be
 * writable by nobody else.
 */
static int check_trusted(const char *path, const struct stat *st, const char *what,
                         struct rt_err *err)
{
	char dir[ENT_PATH_MAX];
	struct stat dst;

	if (geteuid() != 0)
		return 0;
	if (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH))) {
		rt_fail(err, 0,
		        "%s %s is writable by others than root (owner uid %u, mode %04o): "
		        "refusing it",
		        what, path, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
		rt_err_hint(err, "chown root: %s && chmod go-w %s", path, path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if (stat(dirname(dir), &dst) < 0)
		return rt_fail(err, errno, "%s directory of %s", what, path);
	if (dst.st_uid != 0 || (dst.st_mode & (S_IWGRP | S_IWOTH))) {
		rt_fail(err, 0,
		        "%s directory %s is writable by others than root (owner uid %u, "
		        "mode %04o): refusing %s",
		        what, dir, (unsigned)dst.st_uid, (unsigned)(dst.st_mode & 07777), path);
		rt_err_hint(err, "chown root: %s && chmod go-w %s", dir, dir);
		return -1;
	}
	return 0;
}

char *rt_config_read(const char *path, const char *what, size_t max, struct rt_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
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
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : DEFAULT_PROFILE_DIR, name);
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

int rt_profiles_expand(struct rt_options *opts, struct ent_request *req, const char *const *names,
                       unsigned n, struct rt_err *err)
{
	for (unsigned i = 0; i < n; i++) {
		struct loaded_profile *lp = calloc(1, sizeof(*lp));

		if (!lp || own(opts, lp, err) < 0)
			return lp ? -1 : rt_fail(err, ENOMEM, "profile %s", names[i]);
		if (rt_profile_load(opts->req.profile_dir, names[i], &lp->profile, err) < 0)
			return -1;
		snprintf(lp->from, sizeof(lp->from), "profile %s", names[i]);
		if (add_profile(req, &lp->profile, lp->from, err) < 0)
			return -1;
	}
	return 0;
}

const char *rt_policy_path(const struct rt_options *opts)
{
	if (opts->req.policy_path)
		return opts->req.policy_path;
	return access(DEFAULT_POLICY, F_OK) == 0 ? DEFAULT_POLICY : NULL;
}

int rt_policy_load(const char *path, struct ent_policy *pol, struct rt_err *err)
{
	_cleanup_free_ char *text = NULL;

	rt_trace("policy", "read node policy %s", path);
	text = rt_config_read(path, "policy", MAX_FILE_SIZE, err);
	if (!text)
		return -1;
	return ent_policy_parse(text, path, pol, err);
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
	a->plans[a->n++] = steal_ptr(&plan);
	r = 0;
out:
	ent_plan_free(plan);
	free(req);
	return r;
}

/*
 * What the policy allows, one plan per item: the default (always allowed), each entitlement,
 * each profile (its entitlements together, as a request naming it would compile).
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
		r = rt_profiles_expand(opts, u, &name, 1, err);
		if (r == 0)
			r = compile_allowed(opts, u->entitlements, u->n_entitlements,
			                    u->entitlement_from, a, err);
		free(u);
		if (r < 0)
			return -1;
	}
	return 0;
}

int rt_policy_check(struct rt_options *opts, const struct ent_plan *request, const char *path,
                    struct ent_verdict *verdict, struct rt_err *err)
{
	struct ent_policy *pol = calloc(1, sizeof(*pol));
	struct ent_allowed *allowed = calloc(1, sizeof(*allowed));
	struct stat root;
	int r = -1;

	if (!pol || !allowed) {
		rt_fail(err, ENOMEM, "policy %s", path);
		goto out;
	}
	if (rt_policy_load(path, pol, err) < 0)
		goto out;
	if (stat("/", &root) == 0) {
		allowed->host_root_dev = root.st_dev;
		allowed->host_root_ino = root.st_ino;
	}
	if (compile_policy(opts, pol, allowed, err) < 0) {
		rt_err_prefix(err, "policy %s", path);
		goto out;
	}
	ent_policy_check(request, allowed, verdict);
	rt_trace("policy", "%s: %s (%u allowed items)", path,
	         verdict->allowed ? "allowed" : "refused", allowed->n);
	r = 0;
out:
	for (unsigned i = 0; allowed && i < allowed->n; i++)
		ent_plan_free((struct ent_plan *)allowed->plans[i]);
	free(allowed);
	free(pol);
	return r;
}
