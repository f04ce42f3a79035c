/*
 * tests/unit/test_base_util.c - the ground floor's text helpers: reading a whole file, lines,
 * bounded copies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"

/* A temporary file of size bytes ('a'..'z' repeating); its path is in path. */
static void make_file(char path[32], size_t size)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/test_base_util.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t i = 0; i < size; i++)
		fputc('a' + (int)(i % 26), f);
	assert_int_equal(fclose(f), 0);
}

/* Whole files of every size around the buffer's growth steps, and the limit exactly. */
static void test_read_text_file(void **state)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 8192, 100000 };
	char path[32];

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *text;

		make_file(path, sizes[i]);
		text = read_text_file(path, 100000);
		assert_non_null(text);
		assert_int_equal(strlen(text), sizes[i]);
		if (sizes[i])
			assert_int_equal(text[sizes[i] - 1], 'a' + (int)((sizes[i] - 1) % 26));
		free(text);
		/* One byte over the limit: EFBIG, never a truncated text. */
		if (sizes[i]) {
			errno = 0;
			assert_null(read_text_file(path, sizes[i] - 1));
			assert_int_equal(errno, EFBIG);
		}
		unlink(path);
	}
	/* A kernel file reports no size: read to EOF. */
	{
		char *text = read_text_file("/proc/self/status", 1 << 20);

		assert_non_null(text);
		assert_non_null(strstr(text, "\nPid:"));
		free(text);
	}
	errno = 0;
	assert_null(read_text_file("/nonexistent/file", 10));
	assert_int_equal(errno, ENOENT);
}

static void test_next_line(void **state)
{
	const char *text = "one\n\ntwo-is-longer\nlast";
	char line[8];

	(void)state;
	assert_int_equal(next_line(&text, line, sizeof(line)), 1);
	assert_string_equal(line, "one");
	assert_int_equal(next_line(&text, line, sizeof(line)), 1);
	assert_string_equal(line, "");
	next_line(&text, line, sizeof(line));
	assert_int_equal(next_line(&text, line, sizeof(line)), 1);
	assert_string_equal(line, "last");
	assert_int_equal(next_line(&text, line, sizeof(line)), 0);
}

static void test_copy_text(void **state)
{
	char small[4], cut[8];

	(void)state;
	copy_text(cut, sizeof(cut), "abcdefghijk");
	assert_string_equal(cut, "abcd...");
	copy_text(cut, sizeof(cut), "abcdefg");
	assert_string_equal(cut, "abcdefg");
	/* Too small for the mark: only cut. */
	copy_text(small, sizeof(small), "abcdef");
	assert_string_equal(small, "abc");
	copy_text(small, sizeof(small), "");
	assert_string_equal(small, "");
}

static void test_path_has_dotdot(void **state)
{
	static const char *const yes[] = { "..",   "/..",     "../",   "/a/../b",
		                           "a/..", "/a/b/..", "//..//" };
	static const char *const no[] = { "",     "/",      ".",     "/a", "/a..b",
		                          "/..a", "/a../b", "/.../", "a.." };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!path_has_dotdot(yes[i]))
			fail_msg("'%s' has a '..' component", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (path_has_dotdot(no[i]))
			fail_msg("'%s' has no '..' component", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_text_file),
		cmocka_unit_test(test_next_line),
		cmocka_unit_test(test_copy_text),
		cmocka_unit_test(test_path_has_dotdot),
	};

	return cmocka_run_group_tests_name("base_util", tests, NULL, NULL);
}
