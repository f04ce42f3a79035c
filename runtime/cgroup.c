/*
 * runtime/cgroup.c - one cgroup per container (cgroups(7), cgroup_namespaces(7)): created below
 * the caller's own cgroup in every mounted hierarchy, limits and device rules written before
 * the workload runs, the container moved in before it is released, and everything removed
 * when it ends.
 *
 * Nesting: "below the caller's own cgroup" (from /proc/self/cgroup) rather than at the root,
 * so that ent-run works inside a CI agent's cgroup and the agent's limits still hold. The child
 * creates its cgroup namespace once it is inside, so the container sees its cgroup as "/".
 */
#include "runtime/cgroup_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

static const char *const why_default = "default";

int cgroup_write(const char *dir, const char *file, const char *value, bool optional,
                 struct rt_err *err)
{
	char path[ENT_PATH_MAX + 64], line[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(line, sizeof(line), "%s\n", value); /* as echo(1) writes it */
	rt_trace("cgroup", "write %s \"%s\"", path, value);
	/*
	 * Each write(2) is one command to the kernel, whatever the file offset. O_CREAT and
	 * O_APPEND matter only in the unit tests' fake tree, where writes then add up in order.
	 */
	if (write_file(path, line, O_CREAT | O_APPEND) == 0)
		return 0;
	if (optional && (errno == ENOENT || errno == EACCES)) {
		rt_trace("cgroup", "%s: not on this kernel, skipped", path);
		return 0;
	}
	return rt_fail(err, errno, "cgroup: write \"%s\" to %s", value, path);
}

long cgroup_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[ENT_PATH_MAX + 64];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

long long cgroup_keyed_value(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *line = text; *line; line += strcspn(line, "\n"), line += *line == '\n') {
		if (!strncmp(line, key, len) && line[len] == ' ')
			return strtoll(line + len + 1, NULL, 10);
	}
	return -1;
}

unsigned cgroup_wanted(const struct cgroup_spec *spec)
{
	return (ent_cgroup_sets_memory(spec) ? 1u << CGROUP_MEMORY : 0) |
	       (spec->pids_max > 0 && !spec->pids_rlimit ? 1u << CGROUP_PIDS : 0) |
	       (spec->cpu_quota_us > 0 || spec->cpu_shares > 0 ? 1u << CGROUP_CPU : 0) |
	       (spec->n_devrules > 0 ? 1u << CGROUP_DEVICES : 0) |
	       (spec->cpuset_cpus || spec->cpuset_mems ? 1u << CGROUP_CPUSET : 0) |
	       (spec->stats ? CGROUP_STATS_CONTROLLERS : 0) | (spec->track ? 1u << CGROUP_PIDS : 0);
}

/*
 * Who needs controller c of spec, when it is someone: the option or policy behind a limit,
 * --stats, --timeout. NULL when only defaults need it (the default pids limit, the device
 * rules, and the I/O of a report, which may say null): those may be skipped where the host
 * cannot keep them.
 */
static const char *controller_why(const struct cgroup_spec *spec, enum cgroup_controller c)
{
	const char *limit = c == CGROUP_MEMORY && spec->memory_bytes > 0 ? spec->memory_why
	                    : c == CGROUP_CPU && spec->cpu_quota_us > 0  ? spec->cpu_why
	                    : c == CGROUP_PIDS && spec->pids_max > 0 && !spec->pids_rlimit
	                            ? spec->pids_why
	                            : NULL;

	/* The limits only an OCI config sets, named as it names them. */
	if (!limit && c == CGROUP_MEMORY && ent_cgroup_sets_memory(spec))
		return "linux.resources.memory";
	if (!limit && c == CGROUP_CPU && spec->cpu_shares > 0)
		return "linux.resources.cpu.shares";
	if (c == CGROUP_CPUSET && (spec->cpuset_cpus || spec->cpuset_mems))
		return spec->cpuset_cpus ? "linux.resources.cpu.cpus" : "linux.resources.cpu.mems";
	if (limit && strcmp(limit, why_default))
		return limit;
	if (spec->stats && c != CGROUP_IO && (CGROUP_STATS_CONTROLLERS & (1u << c)))
		return spec->stats_why;
	if (spec->track && c == CGROUP_PIDS)
		return spec->track_why;
	return NULL;
}

/* The first controller in bits that someone (not a default) needs, or -1. */
static int needed_controller(const struct cgroup_spec *spec, unsigned bits)
{
	for (int c = 0; c < CGROUP_N_CONTROLLERS; c++) {
		if ((bits & (1u << c)) && controller_why(spec, (enum cgroup_controller)c))
			return c;
	}
	return -1;
}

/*
 * Fail closed: a controller that an explicit limit or a report needs must be offered by some
 * hierarchy (a v1 mount, or enabled for our cgroup in v2). One that only a default needs is
 * skipped with a trace line, as before.
 */
static int check_controllers(const struct cgroup_layout *layout, const struct cgroup_spec *spec,
                             struct rt_err *err)
{
	unsigned have = 0, missing;
	int c;

	for (unsigned i = 0; i < layout->n; i++)
		have |= layout->h[i].controllers;
	missing = cgroup_wanted(spec) & ~have;
	c = needed_controller(spec, missing);
	if (c >= 0) {
		rt_fail(err, 0,
		        "cgroup: %s needs the %s controller, which this host does not offer",
		        controller_why(spec, (enum cgroup_controller)c),
		        cgroup_controller_name((enum cgroup_controller)c));
		rt_err_hint(err, "no cgroup v1 hierarchy has it, and it is not in our cgroup2 "
		                 "cgroup.controllers (see /proc/self/cgroup and /proc/cgroups)");
		return -1;
	}
	if (missing)
		rt_trace("cgroup", "not on this host, skipped: controllers 0x%x", missing);
	return 0;
}

const char *cgroup_format_size(int64_t bytes, char *buf, size_t size)
{
	static const char suffix[] = "GMK";

	for (int i = 0; i < 3; i++) {
		int64_t unit = (int64_t)1 << (10 * (3 - i));

		if (bytes >= unit && bytes % unit == 0) {
			snprintf(buf, size, "%" PRId64 "%c", bytes / unit, suffix[i]);
			return buf;
		}
	}
	snprintf(buf, size, "%" PRId64, bytes);
	return buf;
}

/* host.devices.allow=PATH: the node's type and major:minor, from the host's inode. */
static int resolve_devrules(struct cgroup_spec *spec, struct rt_err *err)
{
	for (unsigned i = 0; i < spec->n_devrules; i++) {
		struct cgroup_devrule *r = &spec->devrules[i];
		struct stat st;

		if (!ent_has(r->path))
			continue;
		if (stat(r->path, &st) < 0)
			return rt_fail(err, errno, "cgroup: device %s", r->path);
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			return rt_fail(err, ENODEV, "cgroup: %s is not a device node", r->path);
		r->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
		r->major = major(st.st_rdev);
		r->minor = minor(st.st_rdev);
		rt_trace("cgroup", "stat(\"%s\"): %c %" PRId64 ":%" PRId64, r->path, r->type,
		         r->major, r->minor);
	}
	return 0;
}

/*
 * Rootless, hierarchy h not writable (no delegated cgroup): an explicit limit cannot be kept,
 * which is an error; the default pids limit and the device rules are dropped. Devices need no
 * cgroup here: without CAP_MKNOD on the host, the container reaches only the nodes bound in,
 * and file permissions guard those.
 */
static int drop_unwritable(struct rt_cgroup *cg, unsigned i, const char *own, struct rt_err *err)
{
	unsigned used = cg->layout.h[i].controllers & cgroup_wanted(&cg->spec);
	struct cgroup_spec *s = &cg->spec;
	int c = needed_controller(s, used);

	if (c >= 0) {
		rt_fail(err, EACCES, "cgroup: %s needs a cgroup we may write, and %s is not ours",
		        controller_why(s, (enum cgroup_controller)c), own);
		rt_err_hint(err, "as a user, limits need cgroup v2 with a delegated subtree "
		                 "(systemd-run --user --scope -p Delegate=yes ent-run ...)");
		return -1;
	}
	if (used & (1u << CGROUP_PIDS))
		rt_trace("cgroup", "no writable cgroup (%s): default pids limit skipped", own);
	if (used & (1u << CGROUP_DEVICES))
		rt_trace("cgroup", "no writable cgroup (%s): device rules left to file permissions",
		         own);
	if (used & (1u << CGROUP_IO))
		rt_trace("cgroup", "no writable cgroup (%s): the report's I/O will be null", own);
	if (used & (1u << CGROUP_PIDS))
		s->pids_max = 0;
	cg->skip[i] = true;
	return 0;
}

/* mkdir the container's cgroup; an empty leftover of an earlier ent-run with our pid goes. */
static int make_dir(const char *path, struct rt_err *err)
{
	rt_trace("cgroup", "mkdir(\"%s\")", path);
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && rmdir(path) == 0 && mkdir(path, 0755) == 0)
		return 0;
	return rt_fail(err, errno, "cgroup: create %s", path);
}

/* The device rules into the new cgroup: v1 files, or a v2 BPF program. */
static int write_devices(const struct cgroup_hier *h, const char *dir,
                         const struct cgroup_spec *spec, struct rt_err *err)
{
	struct bpf_insn insns[CGROUP_BPF_MAX_INSNS];
	_cleanup_close_ int dir_fd = -1;
	unsigned n;
	int prog_fd;

	if (!h->v2)
		return cgroup_v1_write_devices(dir, spec->devrules, spec->n_devrules, err);
	n = cgroup_bpf_generate(spec->devrules, spec->n_devrules, insns);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return rt_fail(err, errno, "cgroup: open %s", dir);
	/* The cgroup keeps the program attached; our descriptor is not needed after. */
	prog_fd = cgroup_bpf_attach(insns, n, dir_fd, dir, err);
	if (prog_fd < 0)
		return -1;
	close(prog_fd);
	return 0;
}

/*
 * The directories on the way to an OCI cgroupsPath ("/pod/c1": "/pod"), below base: created
 * when missing (cpuset: a new one starts empty and gets its parent's CPUs and nodes), and on
 * v2 each one's parent enables the controllers in use for its children. *parent receives the
 * last one, the new cgroup's parent.
 */
static int make_parents(struct rt_cgroup *cg, const struct cgroup_hier *h, const char *base,
                        const char *name, char *parent, size_t size, struct rt_err *err)
{
	bool v2_enable =
	        h->v2 && (h->controllers & cgroup_wanted(&cg->spec) & ~(1u << CGROUP_DEVICES));
	const char *p = name;

	snprintf(parent, size, "%s", base);
	for (;;) {
		size_t skip = strspn(p, "/"), len = strcspn(p + skip, "/");
		char next[ENT_PATH_MAX];

		p += skip;
		if (!p[len])
			return v2_enable ? cgroup_v2_enable(h, parent, &cg->spec, err) : 0;
		if (v2_enable && cgroup_v2_enable(h, parent, &cg->spec, err) < 0)
			return -1;
		if (snprintf(next, sizeof(next), "%s/%.*s", strcmp(parent, "/") ? parent : "",
		             (int)len, p) >= (int)sizeof(next))
			return rt_fail(err, ENAMETOOLONG, "cgroup: %s/%s", base, name);
		if (mkdir(next, 0755) == 0) {
			rt_trace("cgroup", "mkdir(\"%s\")", next);
			if (!h->v2 && strstr(h->opts, "cpuset") &&
			    cgroup_v1_init_cpuset(parent, next, err) < 0)
				return -1;
		} else if (errno != EEXIST) {
			return rt_fail(err, errno, "cgroup: create %s", next);
		}
		snprintf(parent, size, "%s", next);
		p += len;
	}
}

/* Our cgroup in hierarchy i: collect leftovers, create, write the limits it carries. */
static int create_one(struct rt_cgroup *cg, unsigned i, const char *name, struct rt_err *err)
{
	const struct cgroup_hier *h = &cg->layout.h[i];
	unsigned used = h->controllers & cgroup_wanted(&cg->spec);
	char own[ENT_PATH_MAX], parent[ENT_PATH_MAX], path[ENT_PATH_MAX];
	int r;

	cgroup_own_dir(h, own, sizeof(own));
	cgroup_collect_stale(own);
	/*
	 * Only the hierarchies in use (a limit, the device rules) get a cgroup: each costs a
	 * mkdir, a move and an rmdir per start, and the container sees only these. An OCI
	 * container gets one in each, as with runc: engines find its processes there.
	 */
	if (!used && !cg->spec.path) {
		cg->skip[i] = true;
		return 0;
	}
	if (geteuid() != 0 && access(own, W_OK) < 0 && drop_unwritable(cg, i, own, err) < 0)
		return -1;
	if (cg->skip[i])
		return 0;
	/* An absolute OCI cgroupsPath starts at the hierarchy's root, anything else at ours. */
	if (make_parents(cg, h, name[0] == '/' ? h->mnt : own, name, parent, sizeof(parent), err) <
	    0)
		return -1;
	if (snprintf(path, sizeof(path), "%s/%s", parent,
	             strrchr(name, '/') ? strrchr(name, '/') + 1 : name) >= (int)sizeof(path))
		return rt_fail(err, ENAMETOOLONG, "cgroup: %s/%s", parent, name);
	if ((cg->spec.path && cg->name[0] && cgroup_register_dir(cg->name, path, err) < 0) ||
	    make_dir(path, err) < 0)
		return -1;
	memcpy(cg->dir[i], path, sizeof(path));
	if (!h->v2 && strstr(h->opts, "cpuset") && cgroup_v1_init_cpuset(parent, path, err) < 0)
		return -1;
	r = h->v2 ? cgroup_v2_write_limits(h, path, &cg->spec, err)
	          : cgroup_v1_write_limits(h, path, &cg->spec, err);
	if (r < 0)
		return -1;
	if (used & (1u << CGROUP_DEVICES))
		return write_devices(h, path, &cg->spec, err);
	return 0;
}

int cgroup_create_at(const struct cgroup_layout *layout, const struct cgroup_spec *spec,
                     const char *name, struct rt_cgroup **out, struct rt_err *err)
{
	struct rt_cgroup *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return rt_fail(err, ENOMEM, "cgroup: allocate");
	cg->layout = *layout;
	cg->spec = *spec;
	if (check_controllers(layout, spec, err) < 0)
		goto fail;
	if (resolve_devrules(&cg->spec, err) < 0)
		goto fail;
	/*
	 * Recorded before anything is made: a kill in between leaves nothing unrecorded. An OCI
	 * container's (spec->path) too, each directory just before its mkdir, until its state is
	 * saved: from then it outlives us, and its delete removes them (cgroup_forget).
	 */
	if (geteuid() == 0) {
		snprintf(cg->name, sizeof(cg->name), "%s%s", spec->path ? CGROUP_OCI_RECORD : "",
		         name);
		if (cgroup_register(cg->name, spec->path ? NULL : layout, cgroup_wanted(&cg->spec),
		                    err) < 0) {
			cg->name[0] = '\0';
			goto fail;
		}
	}
	for (unsigned i = 0; i < layout->n; i++) {
		if (create_one(cg, i, spec->path ? spec->path : name, err) < 0)
			goto fail;
	}
	*out = cg;
	return 0;
fail:
	cgroup_destroy(cg);
	return -1;
}

/*
 * The cgroup of a plan that needs one. Its own function: the layout is sizeable, and the
 * default start, which needs no cgroup, should not have its stack pages touched for it.
 */
static __attribute__((noinline)) int create_wanted(const struct cgroup_spec *spec, const char *name,
                                                   struct rt_cgroup **out, struct rt_err *err)
{
	struct cgroup_layout layout;

	if (cgroup_layout_probe(&layout, err) < 0)
		return -1;
	for (unsigned i = 0; i < layout.n; i++)
		rt_trace("cgroup", "%s %s at %s, we are in %s",
		         layout.h[i].v2 ? "cgroup2" : "cgroup",
		         layout.h[i].v2 ? "tree" : layout.h[i].opts, layout.h[i].mnt,
		         layout.h[i].own);
	if (cgroup_create_at(&layout, spec, name, out, err) < 0)
		return -1;
	if (spec->stats && cgroup_stats_check(*out, err) < 0) {
		cgroup_destroy(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int cgroup_create(const struct cgroup_spec *spec, const char *name, struct rt_cgroup **out,
                  struct rt_err *err)
{
	*out = NULL;
	if (geteuid() == 0)
		cgroup_collect_registered();
	/* The default container needs none (see entitlements/compile.c): no mkdir, no attach. */
	if (!cgroup_wanted(spec) && !spec->path) {
		rt_trace("cgroup", "no cgroup: no limit, device rule or report needs one");
		return 0;
	}
	return create_wanted(spec, name, out, err);
}
int cgroup_add_process(struct rt_cgroup *cg, pid_t pid, struct rt_err *err)
{
	char text[24];

	snprintf(text, sizeof(text), "%d", (int)pid);
	for (unsigned i = 0; cg && i < cg->layout.n; i++) {
		if (cg->dir[i][0] && cgroup_write(cg->dir[i], "cgroup.procs", text, false, err) < 0)
			return -1;
	}
	return 0;
}

bool cgroup_oom_killed(const struct rt_cgroup *cg)
{
	char text[1024];

	for (unsigned i = 0; cg && i < cg->layout.n; i++) {
		const struct cgroup_hier *h = &cg->layout.h[i];

		if (!cg->dir[i][0] || !(h->controllers & (1u << CGROUP_MEMORY)))
			continue;
		/* v1 memory.oom_control and v2 memory.events both count "oom_kill N". */
		if (cgroup_read(cg->dir[i], h->v2 ? "memory.events" : "memory.oom_control", text,
		                sizeof(text)) > 0 &&
		    cgroup_keyed_value(text, "oom_kill") > 0)
			return true;
	}
	return false;
}

/* SIGKILL each process listed in dir/cgroup.procs; returns how many were listed. */
static int kill_listed(const char *dir)
{
	char pids[4096];
	int n = 0;

	if (cgroup_read(dir, "cgroup.procs", pids, sizeof(pids)) <= 0)
		return 0;
	for (char *p = pids; *p; p += strcspn(p, "\n"), p += *p == '\n', n++)
		kill((pid_t)atoi(p), SIGKILL);
	return n;
}

void cgroup_kill(struct rt_cgroup *cg)
{
	struct rt_err ignored = { 0 };
	struct timespec ms = { 0, 1000000 };

	for (unsigned i = 0; cg && i < cg->layout.n; i++) {
		if (!cg->dir[i][0])
			continue;
		rt_trace("cgroup", "kill every process in %s", cg->dir[i]);
		/* v2 (Linux 5.14): one write kills the whole cgroup, and what it forks meanwhile.
		 */
		if (cg->layout.h[i].v2 &&
		    cgroup_write(cg->dir[i], "cgroup.kill", "1", true, &ignored) == 0)
			return;
		/*
		 * v1: one pid at a time. A process forking meanwhile adds to the list, so read it
		 * again until it is empty; a killed process leaves it once it is reaped.
		 */
		for (int tries = 0; tries < 1000 && kill_listed(cg->dir[i]) > 0; tries++)
			nanosleep(&ms, NULL);
		return;
	}
}

const char *cgroup_dir(const struct rt_cgroup *cg, unsigned i)
{
	return i < cg->layout.n ? cg->dir[i] : "";
}

/*
 * Empty dir of processes and remove it. The container is gone when we get here, so this is
 * for stragglers (a process that escaped PID 1's death): v2 cgroup.kill (Linux 5.14) kills the
 * whole cgroup at once; otherwise SIGKILL each pid in cgroup.procs. rmdir fails with EBUSY
 * until the last one has exited, so retry for up to two seconds.
 */
static void remove_dir(const char *dir, bool v2)
{
	struct rt_err ignored = { 0 };

	struct timespec ms = { 0, 1000000 };

	for (int tries = 0; tries < 2000; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			break;
		if (tries == 0 && v2)
			cgroup_write(dir, "cgroup.kill", "1", true, &ignored);
		kill_listed(dir);
		nanosleep(&ms, NULL);
	}
	rt_trace("cgroup", "rmdir(\"%s\"): %s", dir, strerror(errno));
}

void cgroup_destroy(struct rt_cgroup *cg)
{
	if (!cg)
		return;
	for (unsigned i = cg->layout.n; i-- > 0;) {
		if (!cg->dir[i][0])
			continue;
		rt_trace("cgroup", "rmdir(\"%s\")", cg->dir[i]);
		remove_dir(cg->dir[i], cg->layout.h[i].v2);
	}
	if (cg->name[0] && geteuid() == 0)
		cgroup_unregister(cg->name);
	free(cg);
}

unsigned cgroup_count(const struct rt_cgroup *cg)
{
	return cg ? cg->layout.n : 0;
}

void cgroup_forget(struct rt_cgroup *cg)
{
	if (cg && cg->name[0])
		cgroup_unregister(cg->name);
	free(cg);
}

/* Is dir in the cgroup2 tree? Its file system says (statfs(2), CGROUP2_SUPER_MAGIC). */
static bool in_v2(const char *dir)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

void cgroup_remove_dirs(const char *const *dirs, unsigned n)
{
	for (unsigned i = n; i-- > 0;) {
		if (!dirs[i][0])
			continue;
		rt_trace("cgroup", "rmdir(\"%s\")", dirs[i]);
		remove_dir(dirs[i], in_v2(dirs[i]));
	}
}

int cgroup_procs(const char *dir, pid_t *pids, unsigned max, struct rt_err *err)
{
	_cleanup_free_ char *text = NULL;
	char path[ENT_PATH_MAX + 16];
	unsigned n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	text = read_text_file(path, 1 << 20);
	if (!text)
		return rt_fail(err, errno, "cgroup: read %s", path);
	for (char *p = text; *p && n < max; p += strcspn(p, "\n"), p += *p == '\n') {
		long pid = strtol(p, NULL, 10);

		if (pid > 0)
			pids[n++] = (pid_t)pid;
	}
	return (int)n;
}

int cgroup_enter_dirs(const char *const *dirs, unsigned n, pid_t pid, struct rt_err *err)
{
	char text[24];

	snprintf(text, sizeof(text), "%d", (int)pid);
	for (unsigned i = 0; i < n; i++) {
		if (dirs[i][0] && cgroup_write(dirs[i], "cgroup.procs", text, false, err) < 0)
			return -1;
	}
	return 0;
}
