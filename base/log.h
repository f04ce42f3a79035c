/*
 * base/log.h - --verbose narration: one line per kernel-visible step.
 *
 *   ent-run: +0.6ms parent ns       clone(CLONE_NEWUSER|CLONE_NEWNS) = 4242
 *
 * rt_trace() tests the level before formatting, so a quiet run pays one branch per step. Call it
 * before the system call, so that a hang shows where it hangs. In the child a sink (installed by
 * runtime/child.c) forwards each line to the parent, the only process that writes to the user.
 */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdbool.h>
#include <time.h>

/* Receives one finished trace line (without "ent-run: " and without newline). */
typedef void (*rt_log_sink_fn)(const char *line, void *data);

/* Turn narration on or off; records the start time that "+N.Nms" counts from. */
void rt_log_init(bool verbose);

/* True when --verbose is on. */
bool rt_log_verbose(void);

/* Who is speaking: "parent" or "child" (the second column). */
void rt_log_set_role(const char *role);

/* Send lines to sink instead of stderr (child side); NULL restores stderr. */
void rt_log_set_sink(rt_log_sink_fn sink, void *data);

/* Print one narration line for a setup step ("ns", "rootfs", "net", "lockdown", ...). */
#define rt_trace(step, ...)                               \
	do {                                              \
		if (rt_log_verbose())                     \
			rt_trace_line(step, __VA_ARGS__); \
	} while (0)

void rt_trace_line(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Milliseconds since t0 (CLOCK_MONOTONIC), for a step that reports its own duration. */
double rt_log_ms_since(const struct timespec *t0);

/* Print a raw line already formatted by the child (parent side of the sink). */
void rt_log_emit(const char *line);

#endif
