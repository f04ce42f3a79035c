/*
 * entitlements/explain_why.c - ent-run explain --why NAME: one answer, in one line.
 *
 * NAME is a capability (capabilities(7)), a system call (seccomp(2)) or an absolute path
 * (mount(2), masked and read-only paths, device nodes). The answer says whether the plan
 * grants or denies it, and names the entitlement, option or default responsible, so that
 * "why can't my build ping?" has an answer without reading the whole plan.
 *
 * Pure code: decided from the plan's data only (libcap and libseccomp are asked for names,
 * nothing else); writes to the FILE * it is given.
 */
#include "entitlements/explain_internal.h"

#include <ctype.h>
#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>

/* Is path prefix itself or below it? ("/proc/sys/kernel" is under "/proc/sys", "/procx" is not) */
static bool path_under(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	if (!strcmp(prefix, "/"))
		return path[0] == '/';
	return !strncmp(path, prefix, len) && (path[len] == '\0' || path[len] == '/');
}

/* "CAP_NET_RAW: granted by network.access=proxy (bounding, effective, ...)". */
static void why_capability(FILE *out, const struct lockdown_spec *lock, unsigned cap)
{
	char name[ENT_NAME_MAX];
	int n = 0;

	ent_cap_name(cap, name, sizeof(name));
	for (size_t i = 0; i < ent_n_capset_rows; i++) {
		uint64_t bits = capset_bits(lock, &ent_capset_rows[i]);

		if (!(bits & (UINT64_C(1) << cap)))
			continue;
		if (!n++)
			fprintf(out, "%s: granted by %s (%s", name, why_of(lock->cap_why[cap]),
			        ent_capset_rows[i].name);
		else
			fprintf(out, ", %s", ent_capset_rows[i].name);
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

	ent_action_text(like->action, like->errnum, buf, size);
	len = strlen(buf);
	for (unsigned i = 0; i < lock->n_rules && len < size; i++) {
		const struct lockdown_rule *r = &lock->rules[i];

		if (strcmp(r->syscall, name) || r->action != like->action ||
		    r->errnum != like->errnum || !r->n_args)
			continue;
		ent_conditions_text(r, cond, sizeof(cond));
		len += (size_t)snprintf(buf + len, size - len, "%s when %s", n++ ? " or" : "",
		                        cond);
	}
}

/*
 * The kinds of rule that name has, one per distinct action and errno: the first rule of each
 * kind into kinds[], how many rules are of that kind added to count[] (zeroed by the caller).
 * Returns the number of kinds; 0 when no rule names the system call.
 */
static unsigned rule_kinds(const struct lockdown_spec *lock, const char *name,
                           const struct lockdown_rule **kinds, unsigned *count)
{
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
	return n_kinds;
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
	unsigned n_kinds = rule_kinds(lock, name, kinds, count), k;

	if (!n_kinds) {
		fprintf(out, "%s: %s by the default action (no rule names it)\n", name,
		        ent_action_text(lock->default_action, lock->default_errnum, action,
		                        sizeof(action)));
		return;
	}
	syscall_whys(lock, name, whys, sizeof(whys));
	if (n_kinds == 1 && count[0] == 1 && !kinds[0]->n_args) {
		fprintf(out, "%s: %s by %s\n", name,
		        ent_action_text(kinds[0]->action, kinds[0]->errnum, action, sizeof(action)),
		        whys);
	} else if (n_kinds == 2) {
		k = count[1] < count[0] ? 1 : 0;
		if (count[0] == count[1] && kinds[1]->action == LOCKDOWN_ALLOW)
			k = 1;
		action_when(lock, name, kinds[k], text[0], sizeof(text[0]));
		fprintf(out, "%s: %s, %s otherwise, by %s\n", name, text[0],
		        ent_action_text(kinds[!k]->action, kinds[!k]->errnum, action,
		                        sizeof(action)),
		        whys);
	} else {
		fprintf(out, "%s: ", name);
		for (k = 0; k < n_kinds; k++) {
			action_when(lock, name, kinds[k], text[1], sizeof(text[1]));
			fprintf(out, "%s%s", k ? "; " : "", text[1]);
		}
		if (n_kinds == 1)
			fprintf(out, ", %s otherwise",
			        ent_action_text(lock->default_action, lock->default_errnum, action,
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
			        ent_has(lock->seccomp_ref) ? lock->seccomp_ref : "unconfined");
		else
			why_syscall(out, lock, name);
	} else {
		rt_fail(err, 0, "explain: '%s' is not a capability, syscall or path in this plan",
		        name);
		rt_err_hint(err, "try a capability (CAP_NET_RAW), a system call (mount) or an "
		                 "absolute path (/proc/kcore)");
		return -1;
	}
	return ent_explain_flush(out, err);
}
