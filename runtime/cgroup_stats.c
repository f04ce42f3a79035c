/*
 * runtime/cgroup_stats.c - what a container used, from its cgroups, for --stats (cgroups(7);
 * Documentation/admin-guide/cgroup-v1/{memory,cpuacct,pids,blkio-controller}.rst and
 * cgroup-v2.rst).
 *
 * A cgroup counts for every process in it, whoever forked it and whenever it exited: the CPU
 * time of a build's hundred compilers, the memory peak of the whole job, not only what the
 * container's PID 1 saw of its children (getrusage(2) would miss every orphan). The counters
 * outlive the processes, so they are read after the container exited, before the cgroup is
 * removed. Each controller is read where runtime/cgroup_layout.c found it: a v1 hierarchy
 * (memory.max_usage_in_bytes, cpuacct.usage_user/usage_sys, pids.peak) or the cgroup2 tree
 * (memory.peak, cpu.stat, pids.peak, io.stat).
 *
 * I/O is the exception of the report: only v2's io controller accounts a container's I/O,
 * including the writeback of its buffered writes. Where it is absent or not ours to use, and
 * on cgroup v1, whose blkio counts only the bios it throttles, the report says null.
 */
#include "runtime/cgroup_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

/* Which value a file gives. */
enum stat_value {
	STAT_MEMORY_PEAK, /* a number of bytes */
	STAT_PIDS_PEAK,   /* a number of tasks */
	STAT_USER_NS,     /* v1 cpuacct: nanoseconds */
	STAT_SYSTEM_NS,
	STAT_CPU_STAT, /* v2 cpu.stat: "user_usec N", "system_usec N" */
	STAT_IO_STAT,  /* v2: "MAJ:MIN rbytes=N wbytes=N ..." */
};

/* clang-format off */
static const struct stat_file {
	enum cgroup_controller controller;
	bool v2;
	const char *file;
	enum stat_value value;
	const char *what; /* for messages */
} stat_files[] = {
	{ CGROUP_MEMORY,  false, "memory.max_usage_in_bytes",       STAT_MEMORY_PEAK, "the memory peak" },
	{ CGROUP_MEMORY,  true,  "memory.peak",                     STAT_MEMORY_PEAK, "the memory peak" },
	{ CGROUP_PIDS,    false, "pids.peak",                       STAT_PIDS_PEAK,   "the process peak" },
	{ CGROUP_PIDS,    true,  "pids.peak",                       STAT_PIDS_PEAK,   "the process peak" },
	{ CGROUP_CPUACCT, false, "cpuacct.usage_user",              STAT_USER_NS,     "the CPU time" },
	{ CGROUP_CPUACCT, false, "cpuacct.usage_sys",               STAT_SYSTEM_NS,   "the CPU time" },
	{ CGROUP_CPUACCT, true,  "cpu.stat",                        STAT_CPU_STAT,    "the CPU time" },
	{ CGROUP_IO,      true,  "io.stat",                         STAT_IO_STAT,     "the I/O" },
};
/* clang-format on */

/* Calls fn for each file of the report that hierarchy i of cg serves; stops at a non-zero. */
static int each_file(const struct rt_cgroup *cg,
                     int (*fn)(const char *dir, const struct stat_file *f, void *data), void *data)
{
	for (unsigned i = 0; i < cg->layout.n; i++) {
		const struct cgroup_hier *h = &cg->layout.h[i];

		if (!cg->dir[i][0])
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(stat_files); k++) {
			const struct stat_file *f = &stat_files[k];
			int r;

			if (f->v2 != h->v2 || !(h->controllers & (1u << f->controller)))
				continue;
			r = fn(cg->dir[i], f, data);
			if (r)
				return r;
		}
	}
	return 0;
}

static int check_one(const char *dir, const struct stat_file *f, void *data)
{
	struct rt_err *err = data;
	char path[ENT_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, f->file);
	if (access(path, R_OK) == 0)
		return 0;
	if (f->controller == CGROUP_IO) {
		rt_trace("cgroup", "%s: %s, the report's I/O will be null", path, strerror(errno));
		return 0;
	}
	rt_fail(err, errno, "cgroup: --stats cannot measure %s on this kernel: %s", f->what, path);
	rt_err_hint(err, "a newer kernel has it; leave out --stats to run without the report");
	return -1;
}

int cgroup_stats_check(const struct rt_cgroup *cg, struct rt_err *err)
{
	return cg ? each_file(cg, check_one, err) : 0;
}

void cgroup_stats_parse_io_stat(const char *text, uint64_t *read, uint64_t *write)
{
	char line[512];

	*read = *write = 0;
	while (next_line(&text, line, sizeof(line)) > 0) {
		const char *r = strstr(line, " rbytes=");
		const char *w = strstr(line, " wbytes=");

		if (r)
			*read += strtoull(r + 8, NULL, 10);
		if (w)
			*write += strtoull(w + 8, NULL, 10);
	}
}

/* A counter of v2 cpu.stat ("user_usec 1234"), which must be there. */
static int keyed(const char *text, const char *key, uint64_t *out)
{
	long long v = cgroup_keyed_value(text, key);

	if (v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

struct read_ctx {
	struct cgroup_stats *out;
	struct rt_err *err;
};

static int read_one(const char *dir, const struct stat_file *f, void *data)
{
	struct read_ctx *ctx = data;
	struct cgroup_stats *out = ctx->out;
	char text[4096];
	uint64_t n;
	int ok = 0;

	if (cgroup_read(dir, f->file, text, sizeof(text)) < 0) {
		if (f->controller == CGROUP_IO)
			return 0; /* null in the report */
		return rt_fail(ctx->err, errno, "cgroup: --stats: read %s/%s", dir, f->file);
	}
	n = strtoull(text, NULL, 10);
	switch (f->value) {
	case STAT_MEMORY_PEAK:
		out->memory_peak = n;
		break;
	case STAT_PIDS_PEAK:
		out->pids_peak = n;
		break;
	case STAT_USER_NS:
		out->user_usec = n / 1000;
		break;
	case STAT_SYSTEM_NS:
		out->system_usec = n / 1000;
		break;
	case STAT_CPU_STAT:
		ok = keyed(text, "user_usec", &out->user_usec) |
		     keyed(text, "system_usec", &out->system_usec); /* -1 if one is missing */
		break;
	case STAT_IO_STAT:
		cgroup_stats_parse_io_stat(text, &out->io_read_bytes, &out->io_write_bytes);
		out->io_known = true;
		break;
	}
	if (ok < 0)
		return rt_fail(ctx->err, 0, "cgroup: --stats: no user_usec or system_usec in %s/%s",
		               dir, f->file);
	return 0;
}

int cgroup_stats_read(const struct rt_cgroup *cg, struct cgroup_stats *out, struct rt_err *err)
{
	struct read_ctx ctx = { out, err };

	memset(out, 0, sizeof(*out));
	if (!cg)
		return rt_fail(err, 0, "cgroup: --stats: the container has no cgroup");
	return each_file(cg, read_one, &ctx);
}
