/*
 * runtime/cgroup_stale.c - remove the cgroups of runs that were killed (cgroups(7), kill(2)).
 *
 * A SIGKILLed ent-run cannot clean up: the container dies with it (PR_SET_PDEATHSIG), but its
 * empty cgroup directories stay. The next ent-run that creates a cgroup in the same place
 * removes them. A directory is a leftover when its name is ent-run-PID, no process PID exists,
 * and it holds no process; a cgroup with live processes is never touched (and rmdir(2) would
 * refuse it with EBUSY anyway).
 */
#include "runtime/cgroup_internal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

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
