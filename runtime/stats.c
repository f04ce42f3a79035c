/*
 * runtime/stats.c - the JSON resource report of --stats, written atomically (json-c, open(2)
 * O_TMPFILE, linkat(2), rename(2)).
 *
 * A CI system reads the report after the job, possibly while the next job writes its own: it
 * must never see half a file. So the text is written into a file of its own in the target's
 * directory and renamed over the target, which is atomic within a filesystem. That file is
 * an unnamed O_TMPFILE made before the container starts: the directory is checked then, not
 * after an hour of build, and a run killed halfway leaves no temporary file behind. It gets
 * its name only at the end (linkat through /proc/self/fd, as open(2) shows), just before the
 * rename.
 */
#include "runtime/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

struct rt_stats_file {
	bool to_stderr;
	int dir_fd;       /* the target's directory */
	int fd;           /* the unnamed file, -1 where the filesystem has no O_TMPFILE */
	char *path;       /* as given, for messages */
	const char *base; /* the target's name in dir_fd (inside path) */
	char tmp[64];     /* the temporary name, once linked: removed unless renamed */
};

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* A number of seconds as JSON with exactly decimals digits (json-c would print 17). */
static struct json_object *seconds(int64_t units, int64_t per_second, int decimals)
{
	char text[48];

	snprintf(text, sizeof(text), "%" PRId64 ".%0*" PRId64, units / per_second, decimals,
	         units % per_second);
	return json_object_new_double_s((double)units / (double)per_second, text);
}

/* RFC 3339 in UTC with milliseconds: "2026-12-05T17:11:02.123Z". */
static struct json_object *timestamp(const struct timespec *ts)
{
	char text[40], date[24];
	struct tm tm;

	if (!gmtime_r(&ts->tv_sec, &tm))
		return NULL;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(text, sizeof(text), "%s.%03ldZ", date, ts->tv_nsec / 1000000);
	return json_object_new_string(text);
}

/* The signal's name ("SIGKILL"), or null. */
static struct json_object *signal_name(int sig)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;
	char text[32];

	if (!sig)
		return NULL;
	if (!abbrev)
		snprintf(text, sizeof(text), "SIG%d", sig);
	else
		snprintf(text, sizeof(text), "SIG%s", abbrev);
	return json_object_new_string(text);
}

char *rt_stats_json(const struct rt_stats *st)
{
	struct json_object *o = json_object_new_object();
	const struct cgroup_stats *u = &st->usage;
	const char *text;
	char *copy;

	if (!o)
		return NULL;
	add(o, "exit_code", json_object_new_int(st->exit_code));
	add(o, "signal", signal_name(st->signal));
	add(o, "timed_out", json_object_new_boolean(st->timed_out));
	add(o, "oom_killed", json_object_new_boolean(st->oom_killed));
	add(o, "wall_seconds", seconds(st->wall_ns / 1000000, 1000, 3));
	add(o, "user_seconds", seconds((int64_t)u->user_usec, 1000000, 6));
	add(o, "system_seconds", seconds((int64_t)u->system_usec, 1000000, 6));
	add(o, "memory_peak_bytes", json_object_new_uint64(u->memory_peak));
	add(o, "pids_peak", json_object_new_uint64(u->pids_peak));
	/* The only fields that may be null: no controller accounts the container's I/O. */
	add(o, "io_read_bytes", u->io_known ? json_object_new_uint64(u->io_read_bytes) : NULL);
	add(o, "io_write_bytes", u->io_known ? json_object_new_uint64(u->io_write_bytes) : NULL);
	add(o, "started_at", timestamp(&st->started));
	add(o, "ended_at", timestamp(&st->ended));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
	copy = text ? strdup(text) : NULL;
	json_object_put(o);
	return copy;
}

void rt_stats_close(struct rt_stats_file *f)
{
	if (!f)
		return;
	if (f->tmp[0])
		unlinkat(f->dir_fd, f->tmp, 0);
	if (f->fd >= 0)
		close(f->fd);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	free(f->path);
	free(f);
}

/*
 * Is there something at name in dir_fd that the report's rename would replace and that is
 * no regular file: a device node (--stats /dev/full), a symbolic link (/dev/stderr), a FIFO,
 * a socket or a directory? Refused before the container starts, rather than replaced after.
 */
static bool replaces_other(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode);
}

int rt_stats_open(const char *path, struct rt_stats_file **out, struct rt_err *err)
{
	struct rt_stats_file *f = calloc(1, sizeof(*f));
	char *slash;

	*out = NULL;
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return rt_fail(err, ENOMEM, "--stats: %s", path);
	}
	f->dir_fd = f->fd = -1;
	f->to_stderr = !strcmp(path, "-");
	if (f->to_stderr) {
		*out = f;
		return 0;
	}
	slash = strrchr(f->path, '/');
	f->base = slash ? slash + 1 : f->path;
	if (!f->base[0] || !strcmp(f->base, ".") || !strcmp(f->base, "..")) {
		rt_stats_close(f);
		return rt_fail(err, EISDIR, "--stats: %s", path);
	}
	if (slash)
		*slash = '\0'; /* f->path is the directory now, f->base the name */
	f->dir_fd =
	        open(slash ? (f->path[0] ? f->path : "/") : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->dir_fd >= 0 && replaces_other(f->dir_fd, f->base)) {
		rt_stats_close(f);
		return rt_fail(err, 0,
		               "--stats: %s exists and is not a regular file (the report replaces "
		               "what is there: a file, or nothing)",
		               path);
	}
	if (f->dir_fd >= 0) {
		rt_trace("runtime", "open(\"%s\", O_TMPFILE)  [--stats]", slash ? f->path : ".");
		f->fd = openat(f->dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	}
	if (slash)
		*slash = '/';
	/* Filesystems without O_TMPFILE: a named temporary file at the end instead. */
	if (f->dir_fd < 0 || (f->fd < 0 && errno != EOPNOTSUPP && errno != EISDIR)) {
		rt_fail(err, errno, "--stats: cannot write %s", path);
		rt_stats_close(f);
		return -1;
	}
	*out = f;
	return 0;
}

/* Give the file a temporary name in the directory: link the unnamed one, or create one. */
static int name_file(struct rt_stats_file *f)
{
	char proc[40];

	snprintf(f->tmp, sizeof(f->tmp), ".%.40s.%d.tmp", f->base, (int)getpid());
	if (f->fd < 0) {
		f->fd = openat(f->dir_fd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (f->fd < 0)
			f->tmp[0] = '\0';
		return f->fd < 0 ? -1 : 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	if (linkat(AT_FDCWD, proc, f->dir_fd, f->tmp, AT_SYMLINK_FOLLOW) < 0) {
		f->tmp[0] = '\0';
		return -1;
	}
	return 0;
}

int rt_stats_write(struct rt_stats_file *f, const struct rt_stats *st, struct rt_err *err)
{
	_cleanup_free_ char *text = rt_stats_json(st);
	bool named_late = f->fd < 0;

	if (!text)
		return rt_fail(err, ENOMEM, "--stats: format the report");
	if (f->to_stderr) {
		fprintf(stderr, "%s\n", text);
		return 0;
	}
	rt_trace("runtime", "write the report, rename it to %s", f->path);
	/* Named first where it must be created, last where it exists unnamed. */
	if (named_late && name_file(f) < 0)
		return rt_fail(err, errno, "--stats: write %s", f->path);
	if (write_all(f->fd, text, strlen(text)) < 0 || write_all(f->fd, "\n", 1) < 0)
		return rt_fail(err, errno, "--stats: write %s", f->path);
	if (!named_late && name_file(f) < 0)
		return rt_fail(err, errno, "--stats: write %s", f->path);
	if (renameat(f->dir_fd, f->tmp, f->dir_fd, f->base) < 0)
		return rt_fail(err, errno, "--stats: rename the report to %s", f->path);
	f->tmp[0] = '\0';
	return 0;
}
