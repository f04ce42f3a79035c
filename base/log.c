/*
 * base/log.c - --verbose narration with a monotonic time stamp (clock_gettime(2)).
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static bool log_verbose;
static const char *log_role = "parent";
static struct timespec log_start;
static rt_log_sink_fn log_sink;
static void *log_sink_data;

void rt_log_init(bool verbose)
{
	log_verbose = verbose;
	clock_gettime(CLOCK_MONOTONIC, &log_start);
}

bool rt_log_verbose(void)
{
	return log_verbose;
}

void rt_log_set_role(const char *role)
{
	log_role = role;
}

void rt_log_set_sink(rt_log_sink_fn sink, void *data)
{
	log_sink = sink;
	log_sink_data = data;
}

void rt_trace_line(const char *step, const char *fmt, ...)
{
	struct timespec now;
	char text[240];
	char line[320];
	va_list ap;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - log_start.tv_sec) * 1e3 +
	     (double)(now.tv_nsec - log_start.tv_nsec) / 1e6;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "+%.1fms %-6s %-8s %s", ms, log_role, step, text);
	if (log_sink)
		log_sink(line, log_sink_data);
	else
		rt_log_emit(line);
}

void rt_log_emit(const char *line)
{
	fprintf(stderr, "ent-run: %s\n", line);
}

double rt_log_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}
