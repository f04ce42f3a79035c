/*
 * runtime/cgroup_stale.c - remove the cgroups of runs that were killed (cgroups(7), kill(2)).
 *
 * A SIGKILLed ent-run cannot clean up: the container dies with it (PR_SET_PDEATHSIG), but its
 * empty cgroup directories stay. Two ways find them:
 *
 *   /run/ent-run/cgroups/ent-run-PID   written by each run (as root) that creates cgroups: its
 *                                      pid and start time, then the directory each cgroup
 *                                      ent-run-PID is made in, one per line. Any start reads
 *                                      this directory (empty, when nothing was killed) and
 *                                      removes what dead owners left.
 *   /run/ent-run/cgroups/oci-ent-run-PID   the same for an OCI create until the container's
 *                                      state is saved, listing the cgroups themselves (at
 *                                      linux.cgroupsPath), each added just before its mkdir.
 *   ent-run-PID below our own cgroup   a run that creates a cgroup in a hierarchy also removes
 *                                      the leftovers next to it (rootless runs, older runs).
 *
 * A directory is removed only when it holds no process: a cgroup with live processes is never
 * touched (and rmdir(2) would refuse it with EBUSY anyway).
 */
#include "runtime/cgroup_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/util.h"

/* "ent-run-1234" -> 1234; 0 when the name is not ours. */
static pid_t leftover_pid(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, "ent-run-", 8))
		return 0;
	pid = strtol(name + 8, &end, 10);
	return *end || pid <= 0 ? 0 : (pid_t)pid;
}

static bool process_exists(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

void cgroup_collect_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		pid_t pid = leftover_pid(e->d_name);
		char path[ENT_PATH_MAX + 300], procs[16];

		if (!pid || e->d_type != DT_DIR || process_exists(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (cgroup_read(path, "cgroup.procs", procs, sizeof(procs)) > 0)
			continue; /* a process is inside: not ours to remove */
		rt_trace("cgroup", "rmdir(\"%s\"): left by a killed ent-run", path);
		if (rmdir(path) < 0)
			rt_trace("cgroup", "rmdir(\"%s\"): %s", path, strerror(errno));
	}
	if (d)
		closedir(d);
}

#define REGISTRY "/run/ent-run/cgroups"

int cgroup_register(const char *name, const struct cgroup_layout *layout, unsigned wanted,
                    struct rt_err *err)
{
	char own[ENT_PATH_MAX];
	char path[sizeof(REGISTRY) + 64], tmp[sizeof(REGISTRY) + 64], owner[64];
	FILE *f;
	int ok;

	if (mkdir("/run/ent-run", 0755) < 0 && errno != EEXIST)
		return rt_fail(err, errno, "cgroup: create /run/ent-run");
	if (mkdir(REGISTRY, 0755) < 0 && errno != EEXIST)
		return rt_fail(err, errno, "cgroup: create %s", REGISTRY);
	snprintf(path, sizeof(path), "%s/%s", REGISTRY, name);
	/*
	 * Written under a name no collector reads (a dot first), then renamed: a start collecting
	 * at the same time must never see a record without its owner line, and remove it.
	 */
	snprintf(tmp, sizeof(tmp), "%s/.%s", REGISTRY, name);
	rt_trace("cgroup", "record the cgroups in %s", path);
	f = fopen(tmp, "we");
	if (!f)
		return rt_fail(err, errno, "cgroup: write %s", tmp);
	proc_owner_line(owner, sizeof(owner));
	fputs(owner, f);
	for (unsigned i = 0; layout && i < layout->n; i++) {
		if (layout->h[i].controllers & wanted)
			fprintf(f, "%s\n", cgroup_own_dir(&layout->h[i], own, sizeof(own)));
	}
	ok = !ferror(f);
	if (fclose(f) != 0 || !ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return rt_fail(err, EIO, "cgroup: write %s", path);
	}
	return 0;
}

int cgroup_register_dir(const char *name, const char *dir, struct rt_err *err)
{
	char path[sizeof(REGISTRY) + 64], line[ENT_PATH_MAX + 2];
	_cleanup_close_ int fd = -1;
	int len = snprintf(line, sizeof(line), "%s\n", dir);

	snprintf(path, sizeof(path), "%s/%s", REGISTRY, name);
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || len >= (int)sizeof(line) || write(fd, line, (size_t)len) != len)
		return rt_fail(err, errno ? errno : EIO, "cgroup: record %s in %s", dir, path);
	return 0;
}

void cgroup_unregister(const char *name)
{
	char path[sizeof(REGISTRY) + 64];

	snprintf(path, sizeof(path), "%s/%s", REGISTRY, name);
	unlink(path);
}

/* Remove the cgroups one record lists; true when none is left (then the record goes too). */
static bool collect_record(int dir_fd, const char *name)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char text[CGROUP_MAX_HIER * (ENT_PATH_MAX / 8) + 64], line[ENT_PATH_MAX];
	const char *p = text;
	bool whole = !strncmp(name, CGROUP_OCI_RECORD, strlen(CGROUP_OCI_RECORD));
	bool all_gone = true;
	ssize_t n;

	if (fd < 0 || (n = read(fd, text, sizeof(text) - 1)) <= 0)
		return true;
	text[n] = '\0';
	if (next_line(&p, line, sizeof(line)) <= 0 || proc_owner_alive(line))
		return false;
	while (next_line(&p, line, sizeof(line)) > 0) {
		char dir[ENT_PATH_MAX + 40], procs[16];

		if (whole)
			snprintf(dir, sizeof(dir), "%s", line);
		else
			snprintf(dir, sizeof(dir), "%s/%s", line, name);
		if (cgroup_read(dir, "cgroup.procs", procs, sizeof(procs)) > 0) {
			all_gone = false; /* a process is inside: not ours to remove */
			continue;
		}
		rt_trace("cgroup", "rmdir(\"%s\"): left by a killed ent-run", dir);
		if (rmdir(dir) < 0 && errno != ENOENT)
			all_gone = false;
	}
	return all_gone;
}

/* A record's name, with or without its leading dot: ent-run-PID or oci-ent-run-PID. */
static bool record_name(const char *name)
{
	return !strncmp(name, "ent-run-", 8) ||
	       !strncmp(name, CGROUP_OCI_RECORD "ent-run-", strlen(CGROUP_OCI_RECORD) + 8);
}

/*
 * A record still being written (cgroup_register: ".NAME" until renamed) whose writer is gone:
 * killed between fopen and rename, it left an empty or partial file no collector reads.
 */
static bool abandoned_draft(const char *name)
{
	const char *dash = strrchr(name, '-');
	unsigned long long pid;
	const char *end;

	if (name[0] != '.' || !record_name(name + 1) || !dash ||
	    parse_number(dash + 1, &pid, &end) < 0 || *end || pid == 0 || pid > INT32_MAX)
		return false;
	return proc_starttime((pid_t)pid) == 0;
}

void cgroup_collect_registered(void)
{
	DIR *d = opendir(REGISTRY);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (abandoned_draft(e->d_name)) {
			rt_trace("cgroup", "unlink %s/%s: its writer was killed", REGISTRY,
			         e->d_name);
			unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		if (!record_name(e->d_name))
			continue;
		if (collect_record(dirfd(d), e->d_name))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
}
