/*
 * tests/unit/test_base_err.c - the error record: one line however odd the text it quotes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "base/err.h"

/* A message quoting argv: a newline would let the text print a second "ent-run:" line. */
static void test_format_escapes_control_characters(void **state)
{
	struct rt_err err = { 0 };
	char line[400];

	(void)state;
	rt_fail(&err, 0, "unknown value '%s'", "a\nent-run: fake\t\x1b[31m\r\x7f");
	assert_string_equal(rt_err_format(&err, line, sizeof(line)),
	                    "unknown value 'a\\nent-run: fake\\t\\x1b[31m\\r\\x7f'");
	rt_fail(&err, ENOENT, "rootfs %s", "/srv/a\nb");
	assert_string_equal(rt_err_format(&err, line, sizeof(line)),
	                    "rootfs /srv/a\\nb: No such file or directory");
}

/* Out of room: the line ends in "...", never in half an escape. */
static void test_format_truncates_visibly(void **state)
{
	struct rt_err err = { 0 };
	char line[12];

	(void)state;
	rt_fail(&err, 0, "%s", "abcdef\n\n\n\n");
	assert_string_equal(rt_err_format(&err, line, sizeof(line)), "abcdef\\n...");
	rt_fail(&err, 0, "%s", "plain");
	assert_string_equal(rt_err_format(&err, line, sizeof(line)), "plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_escapes_control_characters),
		cmocka_unit_test(test_format_truncates_visibly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
