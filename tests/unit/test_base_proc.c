/*
 * tests/unit/test_base_proc.c - reading a mask out of /proc/PID/status text (base/proc.c):
 * what the workload's signal reset trusts, including a read that ended inside the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/proc.h"

static const char status[] = "Name:\tcat\n"
                             "Groups:\t0 1 2\n"
                             "SigQ:\t0/96367\n"
                             "SigPnd:\t0000000000000000\n"
                             "SigBlk:\t0000000000010000\n"
                             "SigIgn:\t8000004000001000\n"
                             "SigCgt:\t0000000000000000\n"
                             "CapInh:\t0000000000000000\n";

/* Bit N-1 for signal N, all 16 digits: SIGPIPE (13), SIGRTMIN+5 (39) and signal 64. */
static void test_mask(void **state)
{
	unsigned long long m = 0;

	(void)state;
	assert_true(proc_status_mask(status, "SigIgn", &m));
	assert_true(m == (1ULL << 12 | 1ULL << 38 | 1ULL << 63));
	assert_true(proc_status_mask(status, "SigCgt", &m));
	assert_true(m == 0);
	assert_true(proc_status_mask(status, "SigBlk", &m));
	assert_true(m == 1ULL << 16);
}

/* A field is the start of a line: "Sig" or a value that looks like a field is not one. */
static void test_missing(void **state)
{
	unsigned long long m = 42;

	(void)state;
	assert_false(proc_status_mask(status, "Sig", &m));
	assert_false(proc_status_mask(status, "NoSuch", &m));
	assert_false(proc_status_mask("Name:\tSigIgn: 0000000000000000\n", "SigIgn", &m));
	assert_true(proc_status_mask("SigIgn:\t0000000000000002\n", "SigIgn", &m));
	assert_true(m == 2);
}

/* A read that ended inside the value, at every length, is never taken as the whole mask. */
static void test_cut(void **state)
{
	const char *line = strstr(status, "SigIgn:");
	size_t full = (size_t)(strchr(line, '\n') - status) + 1;
	unsigned long long m;
	char buf[sizeof(status)];

	(void)state;
	for (size_t n = (size_t)(line - status); n < full; n++) {
		memcpy(buf, status, n);
		buf[n] = '\0';
		assert_false(proc_status_mask(buf, "SigIgn", &m));
	}
	memcpy(buf, status, full);
	buf[full] = '\0';
	assert_true(proc_status_mask(buf, "SigIgn", &m));
}

/* Not 16 hex digits: refused. */
static void test_malformed(void **state)
{
	unsigned long long m;

	(void)state;
	assert_false(proc_status_mask("SigIgn:\t1000\n", "SigIgn", &m));
	assert_false(proc_status_mask("SigIgn:\t00000000000010000\n", "SigIgn", &m));
	assert_false(proc_status_mask("SigIgn:\t000000000000100x\n", "SigIgn", &m));
	assert_false(proc_status_mask("SigIgn:\n", "SigIgn", &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
