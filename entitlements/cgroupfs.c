/*
 * entitlements/cgroupfs.c - the container's view of its cgroups: /sys/fs/cgroup, read-only
 * (cgroups(7), cgroup_namespaces(7)).
 *
 * Runtimes that size themselves from their limits (the JVM, Go, Node) read them from
 * /sys/fs/cgroup: memory.limit_in_bytes on v1, memory.max on v2. We mirror the host's layout:
 * on v1 and hybrid hosts a tmpfs at /sys/fs/cgroup holding one "cgroup" mount per hierarchy
 * (mount data names the hierarchy's controllers, and must name exactly those of the host's
 * hierarchy: "cpu,cpuacct" where they are one hierarchy, "cpu" where they are two), plus the
 * cgroup2 tree where it is; on v2 hosts the cgroup2 tree at /sys/fs/cgroup itself.
 *
 * These are new mounts made inside the container's cgroup namespace, so each shows the
 * container's own cgroup as its root: nothing of the host's other cgroups is visible. They are
 * read-only, and the tmpfs holding them is made read-only last (a read-only path), so the
 * container cannot raise its own limits. Pure code: host->cgroups comes from the runtime.
 */
#include "entitlements/ent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#define CGROUP_DIR   "/sys/fs/cgroup"
#define CGROUP_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define WHY          "default"

/* Where a host mount point goes inside: the same place below /sys/fs/cgroup, else its name. */
static int container_target(const char *mnt, char *out, size_t size)
{
	const char *base = strrchr(mnt, '/');
	size_t len = strlen(CGROUP_DIR);
	int n;

	if (!strncmp(mnt, CGROUP_DIR, len) && (mnt[len] == '/' || mnt[len] == '\0'))
		n = snprintf(out, size, "%s", mnt);
	else
		n = snprintf(out, size, "%s/%s", CGROUP_DIR, base && base[1] ? base + 1 : "cgroup");
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int append(struct rootfs_spec *rootfs, const struct rootfs_mount *m, struct rt_err *err)
{
	if (rootfs->n_mounts >= ENT_MAX_MOUNTS)
		return rt_fail(err, 0, "entitlements: too many mounts (at most %d)",
		               ENT_MAX_MOUNTS);
	rootfs->mounts[rootfs->n_mounts] = *m;
	snprintf(rootfs->mounts[rootfs->n_mounts].why, ENT_WHY_MAX, "%s", WHY);
	rootfs->n_mounts++;
	return 0;
}

/* One hierarchy: "cgroup" with its controllers as data, or "cgroup2". */
static int add_hierarchy(const struct ent_cgroup_mount *c, const char *target,
                         struct rootfs_spec *rootfs, struct rt_err *err)
{
	struct rootfs_mount m = { .flags = CGROUP_FLAGS };

	snprintf(m.source, sizeof(m.source), "%s", c->v2 ? "cgroup2" : "cgroup");
	snprintf(m.fstype, sizeof(m.fstype), "%s", c->v2 ? "cgroup2" : "cgroup");
	snprintf(m.target, sizeof(m.target), "%s", target);
	if (!c->v2 && snprintf(m.data, sizeof(m.data), "%s", c->opts) >= (int)sizeof(m.data))
		return rt_fail(err, 0, "entitlements: cgroup options too long: %s", c->opts);
	return append(rootfs, &m, err);
}

/* A tree mounted at /sys/fs/cgroup itself (pure v2) takes the place of the tmpfs. */
static const struct ent_cgroup_mount *at_top(const struct ent_cgroup_layout *layout)
{
	char target[ENT_PATH_MAX];

	for (unsigned i = 0; i < layout->n_mounts; i++) {
		if (!container_target(layout->mounts[i].mnt, target, sizeof(target)) &&
		    !strcmp(target, CGROUP_DIR))
			return &layout->mounts[i];
	}
	return NULL;
}

int ent_compile_cgroupfs(const struct ent_host *host, const struct ns_spec *ns,
                         struct rootfs_spec *rootfs, struct rt_err *err)
{
	const struct ent_cgroup_layout *layout = &host->cgroups;
	const struct ent_cgroup_mount *top = at_top(layout);
	struct rootfs_mount tmpfs = { .source = "tmpfs",
		                      .target = CGROUP_DIR,
		                      .fstype = "tmpfs",
		                      .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
		                      .data = "mode=755" };
	char target[ENT_PATH_MAX];

	/* Outside a cgroup namespace of its own, a mount would show the host's whole tree. */
	if (!layout->n_mounts || !ns->unshare[NS_CGROUP])
		return 0;
	if (top)
		return add_hierarchy(top, CGROUP_DIR, rootfs, err);
	/* Writable while the mount points are made in it; read-only once they are (below). */
	if (append(rootfs, &tmpfs, err) < 0)
		return -1;
	for (unsigned i = 0; i < layout->n_mounts; i++) {
		if (container_target(layout->mounts[i].mnt, target, sizeof(target)) < 0)
			return rt_fail(err, 0, "entitlements: cgroup mount point too long");
		if (add_hierarchy(&layout->mounts[i], target, rootfs, err) < 0)
			return -1;
	}
	if (rootfs->n_readonly >= ENT_MAX_PATHS)
		return rt_fail(err, 0, "entitlements: too many paths (at most %d)", ENT_MAX_PATHS);
	snprintf(rootfs->readonly_paths[rootfs->n_readonly].path, ENT_PATH_MAX, "%s", CGROUP_DIR);
	snprintf(rootfs->readonly_paths[rootfs->n_readonly].why, ENT_WHY_MAX, "%s", WHY);
	rootfs->n_readonly++;
	return 0;
}
