/*
 * base/proc.h - who owns a piece of host state: a process named by its pid and its start time
 * (proc(5), /proc/PID/stat field 22), so that a recycled pid never looks like the owner.
 */
#ifndef BASE_PROC_H
#define BASE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The start time of pid in clock ticks since boot, or 0 when it is not running. */
unsigned long long proc_starttime(pid_t pid);

/* Is pid a kernel thread (PF_KTHREAD in /proc/PID/stat)? */
bool proc_kernel_thread(pid_t pid);

/*
 * Is pid the process that started at starttime, and still running? A zombie is not: it has
 * exited, and on a host whose init does not reap it may stay one for good. Nor is a process
 * that is exiting (PF_EXITING in /proc/PID/stat).
 */
bool proc_running(pid_t pid, unsigned long long starttime);

/* Write "PID STARTTIME\n" for the calling process into buf; returns its length. */
int proc_owner_line(char *buf, size_t size);

/* The same line for another process pid (an OCI container's first process). */
int proc_owner_line_of(pid_t pid, char *buf, size_t size);

/* Is the process an owner line names (from proc_owner_line) still running (not a zombie)? */
bool proc_owner_alive(const char *line);

/*
 * The mask of a /proc/PID/status line such as "SigIgn:\t0000000000001000" (proc(5): 16 hex
 * digits, bit N-1 for signal N) in status, text read from that file. False when the field is
 * missing or its value is cut short (a read that ended inside it) or malformed.
 */
bool proc_status_mask(const char *status, const char *field, unsigned long long *mask);

#endif
