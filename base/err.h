/*
 * base/err.h - one error type, filled once where a system call failed, printed once by main().
 *
 * The struct is fixed-size: nothing to free, and it crosses the child -> parent sync socket as-is.
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

/* Exit statuses shared with docker run / podman run (DESIGN.md, "Command line"). */
#define RT_EXIT_TIMED_OUT   124 /* --timeout: the workload ran out of time (as timeout(1)) */
#define RT_EXIT_FAILED      125 /* ent-run itself failed: usage, entitlements, setup */
#define RT_EXIT_CANNOT_EXEC 126 /* the command exists but cannot be executed */
#define RT_EXIT_NOT_FOUND   127 /* the command was not found */
#define RT_EXIT_SIGNAL_BASE 128 /* 128+N: the workload died of signal N */

struct rt_err {
	int errnum;     /* errno value; 0 when no system call failed */
	char msg[256];  /* "rootfs: mount proc on /proc" */
	char hint[160]; /* optional remedy, printed on its own line */
};

/* Fill err (errnum may be 0) and return -1, so a failure is one statement: return rt_fail(...). */
int rt_fail(struct rt_err *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prepend outer context the callee could not know: "mount 3 of 7 (/data): <msg>". */
void rt_err_prefix(struct rt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Attach a remedy, printed on its own line after the error. */
void rt_err_hint(struct rt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Format "msg: strerror(errnum)" into buf, control characters escaped (\n, \t, \x1b) so the
 * line stays one line; returns buf. Used by rt_err_print and tests.
 */
const char *rt_err_format(const struct rt_err *err, char *buf, unsigned long size);

/* Print "ent-run: msg: strerror" (and "ent-run: hint: ..." when set) on stderr. main() only. */
void rt_err_print(const struct rt_err *err);

#endif
