/*
 * runtime/cgroup_layout.c - where the cgroups are: which hierarchies are mounted, with which
 * controllers, and where the caller is in each (cgroups(7), proc(5): /proc/self/mountinfo and
 * /proc/self/cgroup).
 *
 * Three layouts are found in the wild. Pure v2: one cgroup2 tree at /sys/fs/cgroup, the line
 * "0::/path" in /proc/self/cgroup. Pure v1: a tmpfs at /sys/fs/cgroup with one cgroup mount per
 * hierarchy ("4:memory:/path"; a hierarchy may carry several controllers, "cpu,cpuacct", or
 * none but a name, "name=systemd"). Hybrid: v1 hierarchies plus a cgroup2 tree (usually at
 * /sys/fs/cgroup/unified) with few or no controllers. We never guess from paths: mountinfo
 * says what is mounted where, /proc/self/cgroup says where we are.
 */
#include "runtime/cgroup_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/util.h"

/* clang-format off */
/*
 * What each controller is called in a v1 hierarchy's mount options and in v2's
 * cgroup.controllers. NULL in v2: every cgroup2 cgroup serves it without a controller (the
 * device rules are a BPF program on it; CPU time is in its core cpu.stat). NULL in v1: not
 * used from v1. That is I/O: v1's blkio counts only the bios it throttles (recent kernels
 * count nothing on a device without a throttle limit) and never the writeback of buffered
 * writes, so it does not account a container's I/O, and the report says null there.
 */
static const struct { const char *v1, *v2; } controller_names[CGROUP_N_CONTROLLERS] = {
	[CGROUP_MEMORY]  = { "memory",  "memory" },
	[CGROUP_PIDS]    = { "pids",    "pids" },
	[CGROUP_CPU]     = { "cpu",     "cpu" },
	[CGROUP_DEVICES] = { "devices", NULL },
	[CGROUP_CPUACCT] = { "cpuacct", NULL },
	[CGROUP_IO]      = { NULL,      "io" },
	[CGROUP_CPUSET]  = { "cpuset",  "cpuset" },
};

/* v1 super options that are flags of the hierarchy, not the controllers that name it. */
static const char *const v1_flag_options[] = {
	"rw", "ro", "noprefix", "xattr", "clone_children", "cpuset_v2_mode", "favordynmods",
	"nofavordynmods", "none", "release_agent=",
};
/* clang-format on */

static bool is_flag_option(const char *opt, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(v1_flag_options); i++) {
		const char *f = v1_flag_options[i];
		size_t flen = strlen(f);

		if (f[flen - 1] == '=' ? len >= flen && !strncmp(opt, f, flen)
		                       : len == flen && !strncmp(opt, f, flen))
			return true;
	}
	return false;
}

/* "rw,cpu,cpuacct" -> "cpu,cpuacct": the options that name the hierarchy, for mount(2). */
static void v1_controller_opts(const char *super, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	while (*super) {
		size_t len = strcspn(super, ",");

		if (!is_flag_option(super, len) && used + len + 2 < size)
			used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? "," : "",
			                         (int)len, super);
		super += len + (super[len] == ',');
	}
}

/* Is word one of the comma- or space-separated items of list? */
static bool list_has(const char *list, const char *word, size_t len)
{
	while (*list) {
		size_t n = strcspn(list, ", \n");

		if (n == len && !strncmp(list, word, len))
			return true;
		list += n;
		list += strspn(list, ", \n");
	}
	return false;
}

/* Same comma-separated sets, in any order ("cpu,cpuacct" and "cpuacct,cpu")? */
static bool same_set(const char *a, const char *b)
{
	for (const char *p = a; *p;) {
		size_t n = strcspn(p, ",");

		if (!list_has(b, p, n))
			return false;
		p += n + (p[n] == ',');
	}
	for (const char *p = b; *p;) {
		size_t n = strcspn(p, ",");

		if (!list_has(a, p, n))
			return false;
		p += n + (p[n] == ',');
	}
	return true;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)); undo it in place. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] && r[3]) {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* One mountinfo line, the fields we need. */
struct mnt_line {
	char root[ENT_PATH_MAX];
	char point[ENT_PATH_MAX];
	char fstype[32];
	char super[256];
};

/* "36 25 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory" */
static bool parse_mnt_line(const char *line, struct mnt_line *m)
{
	const char *sep = strstr(line, " - ");
	char rest[512];

	/* Most mounts are not cgroups: skip them before the costly field split. */
	if (!sep || strncmp(sep + 3, "cgroup", 6))
		return false;
	if (sscanf(line, "%*s %*s %*s %4095s %4095s", m->root, m->point) != 2)
		return false;
	snprintf(rest, sizeof(rest), "%s", sep + 3);
	if (sscanf(rest, "%31s %*s %255s", m->fstype, m->super) != 2)
		return false;
	unescape(m->root);
	unescape(m->point);
	return true;
}

/*
 * The host path of our cgroup path own in a mount whose root is root: the mount shows the
 * subtree below root, so own must be inside it (a bind of a subtree, or a cgroup namespace).
 */
static bool own_in_mount(const char *root, const char *own)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(own, root, n) && (own[n] == '/' || own[n] == '\0');
}

/*
 * Find the mount of the hierarchy named ctrls ("" = cgroup2) that shows own: 1 when found, 0
 * when not, -1 with err when its mount point or our path in it does not fit in h.
 */
static int find_mount(const char *mountinfo, const char *ctrls, const char *own,
                      struct cgroup_hier *h, struct rt_err *err)
{
	struct mnt_line m;

	for (const char *line = mountinfo; *line;) {
		size_t len = strcspn(line, "\n");
		char buf[1024];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line += len + (line[len] == '\n');
		if (!parse_mnt_line(buf, &m) || !own_in_mount(m.root, own))
			continue;
		if (ctrls[0] ? strcmp(m.fstype, "cgroup") : strcmp(m.fstype, "cgroup2"))
			continue;
		if (ctrls[0]) {
			v1_controller_opts(m.super, h->opts, sizeof(h->opts));
			if (!same_set(h->opts, ctrls))
				continue;
		}
		h->v2 = !ctrls[0];
		/* Never a cut path: it would name another cgroup. */
		if (snprintf(h->mnt, sizeof(h->mnt), "%s", m.point) >= (int)sizeof(h->mnt))
			return rt_fail(err, ENAMETOOLONG,
			               "cgroup: a hierarchy's mount point is over %d bytes: %s",
			               ENT_CGROUP_PATH_MAX - 1, m.point);
		if (snprintf(h->own, sizeof(h->own), "%s",
		             strcmp(m.root, "/") ? own + strlen(m.root) : own) >=
		    (int)sizeof(h->own))
			return rt_fail(
			        err, ENAMETOOLONG,
			        "cgroup: our path in the hierarchy at %s is over %d bytes: %s",
			        h->mnt, ENT_CGROUP_PATH_MAX - 1, own);
		if (!h->own[0])
			snprintf(h->own, sizeof(h->own), "/");
		return 1;
	}
	return 0;
}

/* Which of our controllers each hierarchy serves: v1 first, the rest from v2 if enabled. */
static void assign_controllers(struct cgroup_layout *out, const char *v2_controllers)
{
	unsigned v1 = 0;

	for (unsigned i = 0; i < out->n; i++) {
		for (int c = 0; c < CGROUP_N_CONTROLLERS && !out->h[i].v2; c++) {
			const char *name = controller_names[c].v1;

			if (name && list_has(out->h[i].opts, name, strlen(name)))
				out->h[i].controllers |= 1u << c;
		}
		v1 |= out->h[i].controllers;
	}
	for (unsigned i = 0; i < out->n; i++) {
		if (!out->h[i].v2)
			continue;
		for (int c = 0; c < CGROUP_N_CONTROLLERS; c++) {
			const char *name = controller_names[c].v2;
			bool on = !name || list_has(v2_controllers, name, strlen(name));

			if (on && !(v1 & (1u << c)))
				out->h[i].controllers |= 1u << c;
		}
	}
}

int cgroup_layout_parse(const char *mountinfo, const char *self_cgroup, const char *v2_controllers,
                        struct cgroup_layout *out, struct rt_err *err)
{
	memset(out, 0, sizeof(*out));
	for (const char *line = self_cgroup; *line;) {
		size_t len = strcspn(line, "\n");
		char buf[ENT_PATH_MAX + 256], *ctrls, *own;
		int found;

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line += len + (line[len] == '\n');
		/* "ID:CONTROLLERS:PATH"; CONTROLLERS is empty for cgroup2 */
		ctrls = strchr(buf, ':');
		own = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!own || out->n >= CGROUP_MAX_HIER)
			continue;
		*own++ = '\0';
		ctrls++;
		found = find_mount(mountinfo, ctrls, own, &out->h[out->n], err);
		if (found < 0)
			return -1;
		if (found)
			out->n++;
		else
			memset(&out->h[out->n], 0, sizeof(out->h[0]));
	}
	if (!out->n)
		return rt_fail(err, 0,
		               "cgroup: no cgroup hierarchy is mounted "
		               "(none of /proc/self/cgroup is in /proc/self/mountinfo)");
	assign_controllers(out, v2_controllers);
	return 0;
}

const char *cgroup_controller_name(enum cgroup_controller c)
{
	return controller_names[c].v1 ? controller_names[c].v1 : controller_names[c].v2;
}

const char *cgroup_own_dir(const struct cgroup_hier *h, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", h->mnt, strcmp(h->own, "/") ? h->own : "");
	return buf;
}

/* A /proc file of unknown size, whole. NULL with err on failure. */
static char *read_all(const char *path, struct rt_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	size_t size = 0, used = 0;
	char *buf = NULL;

	if (!f) {
		rt_fail(err, errno, "cgroup: open %s", path);
		return NULL;
	}
	for (;;) {
		char *more;

		if (used + 4096 + 1 > size) {
			size = size ? size * 2 : 16384;
			more = realloc(buf, size);
			if (!more) {
				free(buf);
				rt_fail(err, ENOMEM, "cgroup: read %s", path);
				return NULL;
			}
			buf = more;
		}
		size_t n = fread(buf + used, 1, size - used - 1, f);

		used += n;
		if (n == 0)
			break;
	}
	buf[used] = '\0';
	return buf;
}

static int probe(struct cgroup_layout *out, struct rt_err *err)
{
	_cleanup_free_ char *mountinfo = read_all("/proc/self/mountinfo", err);
	_cleanup_free_ char *self = mountinfo ? read_all("/proc/self/cgroup", err) : NULL;
	char ctrls[256] = "", dir[ENT_PATH_MAX];

	if (!self)
		return -1;
	if (cgroup_layout_parse(mountinfo, self, "", out, err) < 0)
		return -1;
	/* Controllers usable in v2 are those of our own cgroup (cgroup.controllers). */
	for (unsigned i = 0; i < out->n; i++) {
		if (out->h[i].v2 && cgroup_read(cgroup_own_dir(&out->h[i], dir, sizeof(dir)),
		                                "cgroup.controllers", ctrls, sizeof(ctrls)) > 0)
			return cgroup_layout_parse(mountinfo, self, ctrls, out, err);
	}
	return 0;
}

int cgroup_layout_probe(struct cgroup_layout *out, struct rt_err *err)
{
	/* Read once per ent-run: the host's layout and our place in it do not change meanwhile. */
	static struct cgroup_layout cached;
	static bool probed;

	if (!probed && probe(&cached, err) < 0)
		return -1;
	probed = true;
	*out = cached;
	return 0;
}
