/*
 * runtime/host.c - what the plan needs to know about the host (subuid(5), newuidmap(1),
 * uname(2)).
 */
#include "runtime/host.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"
#include "entitlements/subid.h"
#include "runtime/cgroup.h"

/* One subordinate id file, split into the caller's entries and everyone else's. */
struct subid_lists {
	struct ns_idrange *mine, *others;
	unsigned *n_mine, *n_others;
};

static int add_range(struct ns_idrange *list, unsigned *n, const struct ent_subid *e,
                     const char *file, struct rt_err *err)
{
	if (*n >= NS_IDRANGE_MAX)
		return rt_fail(err, 0, "%s:%u: too many entries (at most %d of a kind)", file,
		               e->line, NS_IDRANGE_MAX);
	list[(*n)++] = (struct ns_idrange){ e->start, e->count };
	return 0;
}

/*
 * The caller's user name, looked up once and only when a line names an owner by name: a
 * lookup goes through NSS (nsswitch.conf, nscd's socket, /etc/passwd), which a host with
 * empty sub-id files never needs.
 */
static const char *caller_name(uint32_t uid)
{
	static bool looked_up;
	static char name[64];
	struct passwd *pw;

	if (!looked_up) {
		looked_up = true;
		pw = getpwuid(uid);
		if (pw && strlen(pw->pw_name) < sizeof(name))
			strcpy(name, pw->pw_name);
	}
	return name[0] ? name : NULL;
}

/* Does the line (parsed or not) belong to the caller? Its text up to the first ':'. */
static bool line_is_mine(const char *line, uint32_t uid)
{
	struct ent_subid e = { 0 };
	size_t len = strcspn(line, ":");

	if (len >= sizeof(e.owner))
		return false;
	memcpy(e.owner, line, len);
	if (ent_subid_is_owner(&e, NULL, uid))
		return true;
	return len && !isdigit((unsigned char)line[0]) &&
	       ent_subid_is_owner(&e, caller_name(uid), uid);
}

/*
 * Read one subordinate id file (subuid(5)). The caller's own lines are read strictly: one that
 * is malformed or reaches into host ids 0-65535 is an error naming the file and line, never
 * used. Everyone else's are read as newuidmap reads them, so that a container's block keeps
 * clear of them; a line newuidmap would ignore is ignored. A missing file is no entries.
 */
static int read_subids(const char *file, uint32_t uid, const struct subid_lists *out,
                       struct rt_err *err)
{
	_cleanup_free_ char *text = NULL;
	const char *p;
	char line[256];
	unsigned lineno = 0;
	int r;

	text = read_text_file(file, 1 << 20);
	if (!text)
		return errno == ENOENT ? 0 : rt_fail(err, errno, "host: read %s", file);
	p = text;
	while ((r = next_line(&p, line, sizeof(line))) != 0) {
		struct ent_subid e = { 0 };
		bool mine = line_is_mine(line, uid);

		lineno++;
		if (r < 0) {
			if (mine)
				return rt_fail(err, 0, "%s:%u: line too long", file, lineno);
			continue;
		}
		r = ent_subid_parse_line(line, file, lineno, &e, err);
		if (r == 0)
			continue;
		if (r < 0 && mine) {
			rt_err_hint(err, "fix the line (NAME:START:COUNT, decimal, START at least "
			                 "65536), or remove it");
			return -1;
		}
		if (r < 0 && !ent_subid_parse_lenient(line, &e))
			continue;
		e.line = lineno;
		if (mine ? add_range(out->mine, out->n_mine, &e, file, err) < 0
		         : add_range(out->others, out->n_others, &e, file, err) < 0)
			return -1;
	}
	return 0;
}

/* Is prog an executable file in one of $PATH's directories? */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[512];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char file[600];

		snprintf(dir, sizeof(dir), "%.*s", (int)n, path);
		snprintf(file, sizeof(file), "%s/%s", dir[0] ? dir : ".", prog);
		if (access(file, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

void rt_host_probe_cgroups(struct ent_host *host)
{
	struct ent_cgroup_layout *out = &host->cgroups;
	struct cgroup_layout layout;
	struct rt_err err = { 0 };

	out->n_mounts = 0; /* a second probe (each round of ent-run learn) starts afresh */
	if (cgroup_layout_probe(&layout, &err) < 0) {
		rt_trace("cgroup", "%s: no /sys/fs/cgroup inside", err.msg);
		return;
	}
	for (unsigned i = 0; i < layout.n && out->n_mounts < ENT_MAX_CGROUP_MOUNTS; i++) {
		struct ent_cgroup_mount *m = &out->mounts[out->n_mounts++];

		_Static_assert(sizeof(m->mnt) == sizeof(layout.h[i].mnt) &&
		                       sizeof(m->own) == sizeof(layout.h[i].own),
		               "one size of cgroup path");
		memcpy(m->mnt, layout.h[i].mnt, sizeof(m->mnt));
		memcpy(m->opts, layout.h[i].opts, sizeof(m->opts));
		memcpy(m->own, layout.h[i].own, sizeof(m->own));
		m->v2 = layout.h[i].v2;
	}
}

/*
 * The running kernel's major and minor numbers ("6.18.3-amd64": 6, 18), which a seccomp
 * profile's minKernel is compared with; left 0.0 (unknown) when the release does not start so.
 */
static void probe_kernel(struct ent_host *host)
{
	struct utsname u;

	if (uname(&u) < 0 ||
	    sscanf(u.release, "%u.%u", &host->kernel_major, &host->kernel_minor) != 2) {
		host->kernel_major = 0;
		host->kernel_minor = 0;
	}
}

/*
 * Is SELinux enabled? As libselinux decides (is_selinux_enabled(3)): its file system, selinuxfs,
 * is mounted at /sys/fs/selinux (statfs(2) says SELINUX_MAGIC). Without it, no label means
 * anything on this host.
 */
static bool selinux_enabled(void)
{
	struct statfs sfs;

	return statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC;
}

int rt_host_probe(struct ent_host *host, struct ns_idpool *ids, struct rt_err *err)
{
	/*
	 * All but the 16 KB cgroup layout, which most runs never fill: left untouched, its pages
	 * cost no fault (~15 µs each where page faults trap to a hypervisor).
	 */
	_Static_assert(offsetof(struct ent_host, cgroups) + sizeof(host->cgroups) ==
	                       sizeof(struct ent_host),
	               "the cgroup layout is the last member of struct ent_host");
	memset(host, 0, offsetof(struct ent_host, cgroups));
	host->cgroups.n_mounts = 0;
	memset(ids, 0, sizeof(*ids));
	host->uid = getuid();
	host->gid = getgid();
	probe_kernel(host);
	host->no_selinux = !selinux_enabled();
	if (read_subids("/etc/subuid", host->uid,
	                &(struct subid_lists){ ids->own_uids, ids->other_uids, &ids->n_own_uids,
	                                       &ids->n_other_uids },
	                err) < 0 ||
	    read_subids("/etc/subgid", host->uid,
	                &(struct subid_lists){ ids->own_gids, ids->other_gids, &ids->n_own_gids,
	                                       &ids->n_other_gids },
	                err) < 0)
		return -1;
	/* Rootless: the first range of each kind goes to newuidmap and newgidmap. */
	if (ids->n_own_uids)
		host->subuid =
		        (struct ent_idrange){ ids->own_uids[0].start, ids->own_uids[0].count };
	if (ids->n_own_gids)
		host->subgid =
		        (struct ent_idrange){ ids->own_gids[0].start, ids->own_gids[0].count };
	if (host->uid != 0) /* root writes any map itself */
		host->have_idmap_helpers = in_path("newuidmap") && in_path("newgidmap");
	return 0;
}

/* Resolve a host path given on the command line; a missing one is the user's error. */
int rt_resolve_host_path(const char *what, const char *path, char *out, struct rt_err *err)
{
	if (!realpath(path, out)) {
		rt_fail(err, errno, "%s %s", what, path);
		if (err->errnum == ENOENT)
			rt_err_hint(err,
			            "check the path; it is resolved on the host, relative to %s",
			            "the current directory");
		return -1;
	}
	return 0;
}

/*
 * The resolved path and identity of a host path the request names (the rootfs, a volume or
 * bind source): the policy compares the path without symlinks or "..", and the child checks
 * it binds this very file: whoever can write a directory on the way (say, the CI job that
 * built the image) could otherwise swap it for a symlink between now and the child's mount.
 * The resolved path holds no symlink, so one found now (RESOLVE_NO_SYMLINKS) is such a swap.
 */
int rt_pin_path(const char *what, const char *given, char *resolved, bool dir, struct stat *st,
                struct rt_err *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0),
		                .resolve = RESOLVE_NO_SYMLINKS };
	int fd;

	if (rt_resolve_host_path(what, given, resolved, err) < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, resolved, &how, sizeof(how));

	if (fd < 0)
		return rt_fail(err, errno == ELOOP ? ESTALE : errno, "%s %s", what, given);
	if (fstat(fd, st) < 0) {
		close(fd);
		return rt_fail(err, errno, "%s %s", what, given);
	}
	close(fd);
	return 0;
}
