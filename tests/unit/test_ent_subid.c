/*
 * tests/unit/test_ent_subid.c - /etc/subuid and /etc/subgid lines, read strictly
 * (entitlements/subid.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "entitlements/subid.h"

static void test_good_lines(void **state)
{
	struct ent_subid e;
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(ent_subid_parse_line("root:100000:65536", "/etc/subuid", 3, &e, &err), 1);
	assert_string_equal(e.owner, "root");
	assert_int_equal(e.start, 100000);
	assert_int_equal(e.count, 65536);
	assert_int_equal(e.line, 3);
	assert_int_equal(ent_subid_parse_line("1000:65536:1", "f", 1, &e, &err), 1);
	assert_true(ent_subid_is_owner(&e, "alice", 1000));
	assert_false(ent_subid_is_owner(&e, "alice", 1001));
	/* The last valid id is 4294967294 ((uid_t)-1 is not an id). */
	assert_int_equal(ent_subid_parse_line("a:4294901759:65536", "f", 1, &e, &err), 1);
	assert_int_equal(ent_subid_parse_line("", "f", 1, &e, &err), 0);
	assert_int_equal(ent_subid_parse_line("  # a comment", "f", 1, &e, &err), 0);
}

/* Each malformed or unsafe line: one message naming the file, the line and the problem. */
static void test_bad_lines(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "root:l00000:65536",
		  "/etc/subuid:7: 'root:l00000:65536': START is not a decimal number" },
		{ "root:0:65536", "/etc/subuid:7: 'root:0:65536': the range reaches below 65536 "
		                  "(host root): refusing it" },
		{ "root:1000:65536", "/etc/subuid:7: 'root:1000:65536': the range reaches below "
		                     "65536 (host system users): refusing it" },
		{ "root:0100000:65536", "/etc/subuid:7: 'root:0100000:65536': START has a leading "
		                        "zero (newuidmap would read it as octal)" },
		{ "root:+100000:65536",
		  "/etc/subuid:7: 'root:+100000:65536': START is not a decimal number" },
		{ "root:100000:-1",
		  "/etc/subuid:7: 'root:100000:-1': COUNT is not a decimal number" },
		{ "root:100000:0", "/etc/subuid:7: 'root:100000:0': COUNT is 0" },
		{ "root:4294967296:1",
		  "/etc/subuid:7: 'root:4294967296:1': START is too large (ids are 32-bit)" },
		{ "root:4294967295:1", "/etc/subuid:7: 'root:4294967295:1': the range runs past "
		                       "the last valid id 4294967294" },
		{ "root:4294901760:65536", "/etc/subuid:7: 'root:4294901760:65536': the range runs "
		                           "past the last valid id 4294967294" },
		{ "root:100000", "/etc/subuid:7: 'root:100000' is not NAME:START:COUNT" },
		{ "root:100000:65536:x",
		  "/etc/subuid:7: 'root:100000:65536:x' is not NAME:START:COUNT" },
		{ ":100000:65536", "/etc/subuid:7: ':100000:65536': the owner is empty" },
		{ "root::65536", "/etc/subuid:7: 'root::65536': START is empty" },
		{ "root:100000:65536 ",
		  "/etc/subuid:7: 'root:100000:65536 ': COUNT is not a decimal number" },
	};
	struct ent_subid e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rt_err err = { 0 };

		assert_int_equal(ent_subid_parse_line(cases[i].line, "/etc/subuid", 7, &e, &err),
		                 -1);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

/* What newuidmap would accept, kept clear of when a container's block is chosen. */
static void test_lenient(void **state)
{
	struct ent_subid e;

	(void)state;
	assert_true(ent_subid_parse_lenient("bob:0x80000:65536", &e));
	assert_int_equal(e.start, 0x80000);
	assert_true(ent_subid_parse_lenient("bob:0100000:65536", &e));
	assert_int_equal(e.start, 0100000);
	assert_false(ent_subid_parse_lenient("bob:l00000:65536", &e));
	assert_false(ent_subid_parse_lenient("bob:100000:0", &e));
	assert_false(ent_subid_parse_lenient("bob:100000", &e));
	assert_true(ent_subid_overlaps(&(struct ent_subid){ .start = 100000, .count = 65536 },
	                               165535, 1));
	assert_false(ent_subid_overlaps(&(struct ent_subid){ .start = 100000, .count = 65536 },
	                                165536, 65536));
	assert_false(ent_subid_overlaps(&(struct ent_subid){ .start = 100000, .count = 65536 },
	                                34464, 65536));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_lenient),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
