/*
 * runtime/stats.h - --stats FILE: the resource report of one run, as JSON (docs/ci.md).
 *
 * The parent opens the report before the container starts (rt_stats_open: a directory that
 * cannot take it is an error before anything runs), fills a struct rt_stats as the run goes,
 * and writes it once at the end, whatever happened to the workload (rt_stats_write).
 */
#ifndef RT_STATS_H
#define RT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "runtime/cgroup.h"

/* What the report says (docs/ci.md lists the JSON fields). */
struct rt_stats {
	int exit_code;             /* ent-run's exit status: the command's, 128+N, 124, 125... */
	int signal;                /* the signal that ended the command (128+N), 0: none */
	bool timed_out;            /* --timeout fired */
	bool oom_killed;           /* the kernel's OOM killer killed a process of the container */
	struct timespec started;   /* CLOCK_REALTIME, when the container was started */
	struct timespec ended;     /* ... and when its PID 1 was reaped */
	int64_t wall_ns;           /* CLOCK_MONOTONIC between the two */
	struct cgroup_stats usage; /* from the container's cgroups */
};

/*
 * The report as JSON text (json-c): one object, the fields in the documented order, seconds
 * with millisecond (wall) or microsecond (CPU) digits, times in RFC 3339 UTC. NULL on ENOMEM;
 * the caller frees the text.
 */
char *rt_stats_json(const struct rt_stats *st);

struct rt_stats_file; /* opaque: where the report goes */

/*
 * Prepare to write the report to path ("-": stderr, written at the end). Otherwise an
 * unnamed file (O_TMPFILE) in path's directory holds it until rt_stats_write links it in: a
 * directory that does not exist or cannot be written is an error now, and a run killed
 * before the end leaves nothing behind. Returns 0 and *out, or -1 with err.
 */
int rt_stats_open(const char *path, struct rt_stats_file **out, struct rt_err *err);

/*
 * Write st and put it in place atomically: the text goes into the unnamed file (or a
 * temporary ".NAME.PID.tmp" where the filesystem has no O_TMPFILE), which is then renamed
 * over path, so a reader sees the old file or the whole new one. Returns 0 or -1 with err.
 */
int rt_stats_write(struct rt_stats_file *f, const struct rt_stats *st, struct rt_err *err);

/* Free f, removing what rt_stats_write did not finish. NULL is fine. */
void rt_stats_close(struct rt_stats_file *f);

#endif
