/*
 * tests/unit/test_rt_sync.c - the sync channel's messages with data (SYNC_FILTER), over a real
 * socketpair(2): what arrives is what was sent, and anything else is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/sync.h"

static void open_pair(int fds[2])
{
	struct rt_err err = { 0 };

	assert_int_equal(rt_sync_open(fds, &err), 0);
}

static void test_data_arrives(void **state)
{
	unsigned char sent[5000], got[8192];
	struct rt_err err = { 0 };
	size_t len = 1;
	int fds[2];

	(void)state;
	for (size_t i = 0; i < sizeof(sent); i++)
		sent[i] = (unsigned char)(i * 7 + 1);
	open_pair(fds);
	assert_int_equal(rt_sync_send_data(fds[0], SYNC_FILTER, sent, sizeof(sent)), 0);
	assert_int_equal(rt_sync_wait_data(fds[1], SYNC_FILTER, got, sizeof(got), &len, &err), 0);
	assert_int_equal(len, sizeof(sent));
	assert_memory_equal(got, sent, sizeof(sent));
	/* No data (an unconfined workload): a message of its own, of length 0. */
	assert_int_equal(rt_sync_send_data(fds[0], SYNC_FILTER, NULL, 0), 0);
	assert_int_equal(rt_sync_wait_data(fds[1], SYNC_FILTER, got, sizeof(got), &len, &err), 0);
	assert_int_equal(len, 0);
	close(fds[0]);
	close(fds[1]);
}

static void test_anything_else_refused(void **state)
{
	unsigned char data[64] = { 1 }, got[32];
	struct rt_err err = { 0 };
	size_t len = 0;
	int fds[2];

	(void)state;
	open_pair(fds);
	/* Another message where SYNC_FILTER is due. */
	assert_int_equal(rt_sync_send(fds[0], SYNC_NET, NULL), 0);
	assert_int_equal(rt_sync_wait_data(fds[1], SYNC_FILTER, got, sizeof(got), &len, &err), -1);
	assert_non_null(strstr(err.msg, "not the sync message due"));
	/* More data than the receiver has room for: refused, never cut. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(rt_sync_send_data(fds[0], SYNC_FILTER, data, sizeof(data)), 0);
	assert_int_equal(rt_sync_wait_data(fds[1], SYNC_FILTER, got, sizeof(got), &len, &err), -1);
	assert_non_null(strstr(err.msg, "more than 32 bytes"));
	/* Shorter than a message: a few bytes written as such. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(write(fds[0], "abc", 3), 3);
	assert_int_equal(rt_sync_wait_data(fds[1], SYNC_FILTER, got, sizeof(got), &len, &err), -1);
	assert_string_equal(err.msg, "runtime: not the sync message due (3 bytes)");
	/* The parent gone (EOF). */
	memset(&err, 0, sizeof(err));
	close(fds[0]);
	assert_int_equal(rt_sync_wait_data(fds[1], SYNC_FILTER, got, sizeof(got), &len, &err), -1);
	assert_non_null(strstr(err.msg, "went away"));
	close(fds[1]);
}

static void test_send_to_a_child_gone(void **state)
{
	unsigned char data[16] = { 0 };
	int fds[2];

	(void)state;
	open_pair(fds);
	close(fds[1]);
	/* EPIPE, without a SIGPIPE that would end the parent. */
	assert_int_equal(rt_sync_send_data(fds[0], SYNC_FILTER, data, sizeof(data)), -1);
	assert_int_equal(errno, EPIPE);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_arrives),
		cmocka_unit_test(test_anything_else_refused),
		cmocka_unit_test(test_send_to_a_child_gone),
	};

	return cmocka_run_group_tests_name("rt_sync", tests, NULL, NULL);
}
