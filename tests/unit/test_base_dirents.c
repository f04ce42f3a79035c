/*
 * tests/unit/test_base_dirents.c - the names in a directory through getdents64(2)
 * (base/dirents.c): every name once, across as many reads as the directory takes, the end, and
 * an error told apart from the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dirents.h"

#define N_FILES 400 /* ~40 bytes a record: about four reads of the 4 KB buffer */

static char dir[] = "/tmp/ent-dirents-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[sizeof(dir) + 64];

	(void)state;
	for (int i = 0; i < N_FILES; i++) {
		snprintf(path, sizeof(path), "%s/file-with-a-longer-name-%03d", dir, i);
		unlink(path);
	}
	return rmdir(dir);
}

/* An empty directory: "." and "..", then the end (errno 0). */
static void test_empty(void **state)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirents d;
	const char *name;
	int dots = 0;

	(void)state;
	assert_true(fd >= 0);
	dirents_start(&d, fd);
	errno = EINVAL;
	while ((name = dirents_next(&d)))
		dots += !strcmp(name, ".") || !strcmp(name, "..");
	assert_int_equal(errno, 0);
	assert_int_equal(dots, 2);
	close(fd);
}

/* More names than one read holds: each is given once. */
static void test_many(void **state)
{
	static int seen[N_FILES];
	char path[sizeof(dir) + 64];
	struct dirents d;
	const char *name;
	int fd, others = 0;

	(void)state;
	for (int i = 0; i < N_FILES; i++) {
		snprintf(path, sizeof(path), "%s/file-with-a-longer-name-%03d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	dirents_start(&d, fd);
	errno = EINVAL;
	while ((name = dirents_next(&d))) {
		int i;

		if (sscanf(name, "file-with-a-longer-name-%d", &i) == 1 && i >= 0 && i < N_FILES)
			seen[i]++;
		else
			others++;
	}
	assert_int_equal(errno, 0);
	assert_int_equal(others, 2);
	for (int i = 0; i < N_FILES; i++)
		assert_int_equal(seen[i], 1);
	close(fd);
}

/* A descriptor that is not a directory is an error, not an empty directory. */
static void test_error(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct dirents d;

	(void)state;
	assert_true(fd >= 0);
	dirents_start(&d, fd);
	assert_null(dirents_next(&d));
	assert_int_equal(errno, ENOTDIR);
	close(fd);
	dirents_start(&d, -1);
	assert_null(dirents_next(&d));
	assert_int_equal(errno, EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
