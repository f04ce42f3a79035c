/*
 * base/proc.c - owners of host state, by pid and start time (proc(5)).
 */
#include "base/proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"

#define PF_EXITING 0x00000004 /* include/linux/sched.h: the task is exiting */
#define PF_KTHREAD 0x00200000 /* ... a kernel thread */

/*
 * The start time (field 22) of pid, and its state letter (field 3) and flags (field 9); 0 when
 * it is not there.
 */
static unsigned long long read_stat(pid_t pid, char *state, unsigned *flags)
{
	char path[32], buf[1024];
	unsigned long long start = 0;
	_cleanup_close_ int fd = -1;
	const char *p;
	ssize_t n;

	*state = '?';
	*flags = 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Fields after the command name, which may contain spaces and ')': state is field 3. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
	                 "%c %*d %*d %*d %*d %*d %u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
	                 "%*d %*d %*d %llu",
	                 state, flags, &start) != 3)
		return 0;
	return start;
}

unsigned long long proc_starttime(pid_t pid)
{
	unsigned flags;
	char state;

	return read_stat(pid, &state, &flags);
}

bool proc_kernel_thread(pid_t pid)
{
	unsigned flags;
	char state;

	read_stat(pid, &state, &flags); /* flags stay 0 when it cannot be read */
	return flags & PF_KTHREAD;
}

bool proc_running(pid_t pid, unsigned long long starttime)
{
	unsigned flags;
	char state;

	/*
	 * Exiting counts as gone: the first process of a PID namespace stays in exit, not yet a
	 * zombie, until every other process of the namespace has been reaped.
	 */
	return pid > 0 && starttime && read_stat(pid, &state, &flags) == starttime &&
	       state != 'Z' && state != 'X' && !(flags & PF_EXITING);
}

int proc_owner_line_of(pid_t pid, char *buf, size_t size)
{
	return snprintf(buf, size, "%ld %llu\n", (long)pid, proc_starttime(pid));
}

int proc_owner_line(char *buf, size_t size)
{
	return proc_owner_line_of(getpid(), buf, size);
}

bool proc_owner_alive(const char *line)
{
	unsigned long long start;
	long pid;

	if (sscanf(line, "%ld %llu", &pid, &start) != 2 || pid <= 0)
		return false;
	return proc_running((pid_t)pid, start);
}

bool proc_status_mask(const char *status, const char *field, unsigned long long *mask)
{
	size_t len = strlen(field);
	const char *p = status;

	/* The field at the start of a line: status itself, or after a newline. */
	while (strncmp(p, field, len) || p[len] != ':') {
		p = strchr(p, '\n');
		if (!p)
			return false;
		p++;
	}
	p += len + 1;
	p += strspn(p, " \t");
	if (strspn(p, "0123456789abcdefABCDEF") != 16 || p[16] != '\n')
		return false;
	*mask = strtoull(p, NULL, 16); /* exactly the 16 digits just counted: it cannot fail */
	return true;
}
