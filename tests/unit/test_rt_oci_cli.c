/*
 * tests/unit/test_rt_oci_cli.c - runc's command line as engines write it: global options,
 * each verb's options and operands, signals, and every error message.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/oci_cli.h"

static struct rt_oci_options o;
static struct rt_err err;

/* Parse a NULL-terminated list of words after "ent-run". */
static int parse_words(const char *first, ...)
{
	static char store[32][256];
	static char *argv[33];
	const char *w;
	va_list ap;
	int argc = 0;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	snprintf(store[argc], sizeof(store[argc]), "ent-run");
	argv[argc] = store[argc];
	argc++;
	va_start(ap, first);
	for (w = first; w; w = va_arg(ap, const char *)) {
		snprintf(store[argc], sizeof(store[argc]), "%s", w);
		argv[argc] = store[argc];
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	return rt_oci_cli_parse(argc, argv, &o, &err);
}

#define PARSE(...) parse_words(__VA_ARGS__, NULL)

static void expect_error(int r, const char *msg)
{
	assert_int_equal(r, -1);
	assert_string_equal(err.msg, msg);
}

/* containerd's shim through go-runc: global options first. */
static void test_go_runc_create(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--root", "/run/containerd/runc/default", "--log", "/s/log.json",
	                       "--log-format", "json", "create", "--bundle", "/s/b", "--pid-file",
	                       "/s/init.pid", "c1"),
	                 1);
	assert_int_equal(o.verb, RT_OCI_CREATE);
	assert_string_equal(o.root, "/run/containerd/runc/default");
	assert_string_equal(o.log, "/s/log.json");
	assert_true(o.log_json);
	assert_string_equal(o.bundle, "/s/b");
	assert_string_equal(o.pid_file, "/s/init.pid");
	assert_string_equal(o.id, "c1");
	assert_false(o.no_pivot);
}

/* conmon: no global options; --root= and --log-format= forms work too. */
static void test_defaults_and_equals(void **state)
{
	(void)state;
	assert_int_equal(PARSE("create", "--bundle", "/b", "--pid-file", "/p", "--console-socket",
	                       "/s.sock", "--no-pivot", "--no-new-keyring", "--preserve-fds", "2",
	                       "id1"),
	                 1);
	assert_string_equal(o.root, RT_OCI_ROOT_DEFAULT);
	assert_false(o.log_json);
	assert_string_equal(o.console_socket, "/s.sock");
	assert_true(o.no_pivot && o.no_new_keyring);
	assert_int_equal(o.preserve_fds, 2);
	assert_int_equal(PARSE("--root=/r", "--log-format=text", "--debug", "state", "x"), 1);
	assert_string_equal(o.root, "/r");
	assert_true(o.debug);
	assert_int_equal(PARSE("create", "x"), 1);
	assert_string_equal(o.bundle, ".");
	assert_int_equal(PARSE("--criu", "/usr/sbin/criu", "--rootless=false", "start", "x"), 1);
}

static void test_verbs(void **state)
{
	(void)state;
	assert_int_equal(PARSE("kill", "c1"), 1);
	assert_int_equal(o.verb, RT_OCI_KILL);
	assert_int_equal(o.signal, SIGTERM);
	assert_int_equal(PARSE("kill", "--all", "c1", "KILL"), 1);
	assert_true(o.all);
	assert_int_equal(o.signal, SIGKILL);
	assert_int_equal(PARSE("kill", "c1", "9"), 1);
	assert_int_equal(o.signal, 9);
	assert_int_equal(PARSE("kill", "c1", "SIGUSR1"), 1);
	assert_int_equal(o.signal, SIGUSR1);
	assert_int_equal(PARSE("delete", "-f", "c1"), 1);
	assert_true(o.force);
	assert_int_equal(PARSE("ps", "--format", "json", "c1"), 1);
	assert_true(o.json);
	assert_int_equal(PARSE("features"), 1);
	assert_int_equal(o.verb, RT_OCI_FEATURES);
	assert_int_equal(
	        PARSE("exec", "--process", "/p.json", "--detach", "--pid-file", "/e.pid", "c1"), 1);
	assert_string_equal(o.process, "/p.json");
	assert_true(o.detach);
	assert_null(o.argv);
	assert_int_equal(PARSE("exec", "-t", "c1", "sh", "-c", "echo hi"), 1);
	assert_true(o.tty);
	assert_string_equal(o.argv[0], "sh");
	assert_string_equal(o.argv[2], "echo hi");
	assert_int_equal(PARSE("state", "--help"), 1);
	assert_true(o.help);
	assert_int_equal(PARSE("--root", "/r", "--help"), 1);
	assert_true(o.help);
	assert_int_equal(o.verb, RT_OCI_N_VERBS);
}

/* ent-run's own command lines are not OCI ones. */
static void test_not_oci(void **state)
{
	(void)state;
	assert_int_equal(PARSE("./rootfs", "/bin/sh"), 0);
	assert_int_equal(PARSE("--policy", "/p", "./rootfs", "/bin/sh"), 0);
	assert_int_equal(PARSE("explain"), 0);
	assert_int_equal(PARSE("--help"), 0);
	assert_int_equal(PARSE("--policy", "/etc/p", "state", "c1"), 1);
	assert_string_equal(o.policy, "/etc/p");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(PARSE("--root", "/r", "./rootfs"),
	             "missing the verb after the global options (expected: create, start, state, "
	             "kill, delete, exec, ps, features)");
	expect_error(PARSE("--log-format", "xml", "state", "x"),
	             "--log-format: unknown format 'xml' (expected: text, json)");
	expect_error(PARSE("--root"), "option '--root' needs a value: DIR");
	expect_error(PARSE("--systemd-cgroup", "create", "x"),
	             "--systemd-cgroup: ent-run manages cgroupfs paths, not systemd units (use the "
	             "engine's cgroupfs manager)");
	expect_error(PARSE("start"), "start: missing the container id (usage: ent-run start ID)");
	expect_error(PARSE("state", "a/b"),
	             "state: 'a/b' is not a container id (1 to 127 of A-Z a-z 0-9 _ + . -)");
	expect_error(PARSE("kill", "c1", "NOPE"),
	             "kill: unknown signal 'NOPE' (a name such as TERM or SIGKILL, or a number)");
	expect_error(PARSE("kill", "c1", "99"),
	             "kill: unknown signal '99' (a name such as TERM or SIGKILL, or a number)");
	expect_error(PARSE("delete", "c1", "c2"),
	             "delete: unexpected argument 'c2' (usage: ent-run delete [--force] ID)");
	expect_error(PARSE("create", "--bogus", "c1"),
	             "create: unknown option or missing value '--bogus' (see 'ent-run create "
	             "--help')");
	expect_error(PARSE("create", "--preserve-fds", "x", "c1"),
	             "--preserve-fds: 'x' is not a number of descriptors (0 to 1024)");
	expect_error(PARSE("ps", "--format", "yaml", "c1"),
	             "--format: unknown format 'yaml' (expected: table, json)");
	expect_error(PARSE("exec", "c1"), "exec: give --process FILE or a command after the id");
	expect_error(PARSE("exec", "--process", "/p", "c1", "sh"),
	             "exec: --process and a command: give one of them");
	expect_error(PARSE("features", "x"), "features: unexpected argument 'x'");
	/* An option of another verb. */
	expect_error(PARSE("start", "--force", "c1"),
	             "start: unknown option or missing value '--force' (see 'ent-run start "
	             "--help')");
}

static void test_signal_numbers(void **state)
{
	(void)state;
	assert_int_equal(rt_oci_signal_number("TERM"), SIGTERM);
	assert_int_equal(rt_oci_signal_number("sigterm"), SIGTERM);
	assert_int_equal(rt_oci_signal_number("HUP"), SIGHUP);
	assert_int_equal(rt_oci_signal_number("15"), 15);
	assert_int_equal(rt_oci_signal_number("0"), -1);
	assert_int_equal(rt_oci_signal_number("15x"), -1);
	assert_int_equal(rt_oci_signal_number("SIG"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_runc_create), cmocka_unit_test(test_defaults_and_equals),
		cmocka_unit_test(test_verbs),          cmocka_unit_test(test_not_oci),
		cmocka_unit_test(test_errors),         cmocka_unit_test(test_signal_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
