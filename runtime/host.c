/*
 * runtime/host.c - what the plan needs to know about the host (subuid(5), newuidmap(1),
 * uname(2)).
 */
#include "runtime/host.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "runtime/cgroup.h"

/* The first "NAME:START:COUNT" line of file whose NAME is the user's name or uid. */
static void read_subid(const char *file, const char *name, uint32_t id, struct ent_idrange *out)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[256];
	char idtext[16];

	snprintf(idtext, sizeof(idtext), "%u", id);
	while (f && fgets(line, sizeof(line), f)) {
		char *start = strchr(line, ':');
		char *count = start ? strchr(start + 1, ':') : NULL;

		if (!count)
			continue;
		*start++ = '\0';
		*count++ = '\0';
		if (strcmp(line, idtext) && (!name || strcmp(line, name)))
			continue;
		out->start = (uint32_t)strtoul(start, NULL, 10);
		out->count = (uint32_t)strtoul(count, NULL, 10);
		return;
	}
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

/* The host's cgroup mounts, for the container's read-only /sys/fs/cgroup. */
static void probe_cgroups(struct ent_cgroup_layout *out)
{
	struct cgroup_layout layout;
	struct rt_err err = { 0 };

	if (cgroup_layout_probe(&layout, &err) < 0) {
		rt_trace("cgroup", "%s: no /sys/fs/cgroup inside", err.msg);
		return;
	}
	for (unsigned i = 0; i < layout.n && out->n_mounts < ENT_MAX_CGROUP_MOUNTS; i++) {
		struct ent_cgroup_mount *m = &out->mounts[out->n_mounts++];

		memcpy(m->mnt, layout.h[i].mnt, sizeof(m->mnt));
		memcpy(m->opts, layout.h[i].opts, sizeof(m->opts));
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

void rt_host_probe(struct ent_host *host)
{
	struct passwd *pw;

	memset(host, 0, sizeof(*host));
	host->uid = getuid();
	host->gid = getgid();
	probe_kernel(host);
	probe_cgroups(&host->cgroups);
	pw = getpwuid(host->uid);
	read_subid("/etc/subuid", pw ? pw->pw_name : NULL, host->uid, &host->subuid);
	read_subid("/etc/subgid", pw ? pw->pw_name : NULL, host->uid, &host->subgid);
	if (host->uid != 0) /* root writes any map itself */
		host->have_idmap_helpers = in_path("newuidmap") && in_path("newgidmap");
}
