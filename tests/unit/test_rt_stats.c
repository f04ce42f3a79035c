/*
 * tests/unit/test_rt_stats.c - the --stats report: its JSON (every field, in order, with the
 * documented types and nulls) and its atomic write (a temporary file renamed over the target,
 * an unwritable directory refused before anything runs, nothing left behind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/stats.h"

static struct rt_err err;

static struct rt_stats sample(void)
{
	struct rt_stats st = { .exit_code = 124,
		               .signal = SIGTERM,
		               .timed_out = true,
		               .started = { 1796490662, 123456789 },
		               .ended = { 1796490692, 5000000 },
		               .wall_ns = 29881543210LL,
		               .usage = { .user_usec = 1500000,
		                          .system_usec = 250001,
		                          .memory_peak = 83886080,
		                          .pids_peak = 3 } };

	return st;
}

static void test_json(void **state)
{
	struct rt_stats st = sample();
	char *text;

	(void)state;
	text = rt_stats_json(&st);
	assert_non_null(text);
	assert_string_equal(text, "{\n"
	                          "  \"exit_code\": 124,\n"
	                          "  \"signal\": \"SIGTERM\",\n"
	                          "  \"timed_out\": true,\n"
	                          "  \"oom_killed\": false,\n"
	                          "  \"wall_seconds\": 29.881,\n"
	                          "  \"user_seconds\": 1.500000,\n"
	                          "  \"system_seconds\": 0.250001,\n"
	                          "  \"memory_peak_bytes\": 83886080,\n"
	                          "  \"pids_peak\": 3,\n"
	                          "  \"io_read_bytes\": null,\n"
	                          "  \"io_write_bytes\": null,\n"
	                          "  \"started_at\": \"2026-12-05T17:11:02.123Z\",\n"
	                          "  \"ended_at\": \"2026-12-05T17:11:32.005Z\"\n"
	                          "}");
	free(text);
	/* An exit of its own: no signal; I/O where the kernel accounts it. */
	st.exit_code = 0;
	st.signal = 0;
	st.usage.io_known = true;
	st.usage.io_read_bytes = 4096;
	text = rt_stats_json(&st);
	assert_non_null(strstr(text, "\"signal\": null,"));
	assert_non_null(strstr(text, "\"io_read_bytes\": 4096,\n  \"io_write_bytes\": 0,"));
	free(text);
}

/* How many entries dir holds besides "." and "..". */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_write(void **state)
{
	char dir[] = "/tmp/test_rt_stats.XXXXXX", path[64], text[2048];
	struct rt_stats st = sample();
	struct rt_stats_file *f = NULL;
	FILE *in;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stats.json", dir);
	/* An older report is replaced whole. */
	in = fopen(path, "w");
	fputs("old", in);
	fclose(in);
	assert_int_equal(rt_stats_open(path, &f, &err), 0);
	assert_int_equal(entries(dir), 1); /* the report waits unnamed */
	assert_int_equal(rt_stats_write(f, &st, &err), 0);
	rt_stats_close(f);
	in = fopen(path, "r");
	assert_non_null(in);
	n = fread(text, 1, sizeof(text) - 1, in);
	text[n] = '\0';
	fclose(in);
	assert_non_null(strstr(text, "\"exit_code\": 124,"));
	assert_int_equal(text[n - 1], '\n');
	assert_int_equal(entries(dir), 1);
	/* Closed before it was written (ent-run failed first): nothing is left. */
	unlink(path);
	assert_int_equal(rt_stats_open(path, &f, &err), 0);
	rt_stats_close(f);
	assert_int_equal(entries(dir), 0);
	rmdir(dir);
	/* A directory that is not there: refused at once. */
	assert_int_equal(rt_stats_open("/nonexistent/dir/stats.json", &f, &err), -1);
	assert_string_equal(err.msg, "--stats: cannot write /nonexistent/dir/stats.json");
	assert_int_equal(err.errnum, ENOENT);
	assert_int_equal(rt_stats_open("/tmp/", &f, &err), -1);
	assert_int_equal(err.errnum, EISDIR);
	assert_int_equal(rt_stats_open("-", &f, &err), 0);
	rt_stats_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_write),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
