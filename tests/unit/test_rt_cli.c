/*
 * tests/unit/test_rt_cli.c - option parsing: every option, every error message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "runtime/cli.h"

static struct rt_options *opts;
static struct rt_err err;

/* Parse a NULL-terminated list of words (copied: the parser may normalise in place). */
static int parse_words(const char *first, ...)
{
	static char store[32][256];
	static char *argv[33];
	const char *w;
	va_list ap;
	int argc = 0;

	rt_cli_free(opts);
	memset(opts, 0, sizeof(*opts));
	memset(&err, 0, sizeof(err));
	va_start(ap, first);
	for (w = first; w; w = va_arg(ap, const char *)) {
		snprintf(store[argc], sizeof(store[argc]), "%s", w);
		argv[argc] = store[argc];
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	return rt_cli_parse(argc, argv, opts, &err);
}

#define PARSE(...) parse_words("ent-run", __VA_ARGS__, NULL)

static void expect_error(int r, const char *msg)
{
	assert_int_equal(r, -1);
	assert_string_equal(err.msg, msg);
}

static void test_run_minimal(void **state)
{
	(void)state;
	assert_int_equal(PARSE("./rootfs", "/bin/sh", "-c", "echo hi"), 0);
	assert_int_equal(opts->command, RT_CMD_RUN);
	assert_string_equal(opts->rootfs, "./rootfs");
	assert_string_equal(opts->req.argv[0], "/bin/sh");
	assert_string_equal(opts->req.argv[2], "echo hi");
	assert_null(opts->req.argv[3]);
}

static void test_options_stop_at_rootfs(void **state)
{
	(void)state;
	/* Options after ROOTFS belong to the command. */
	assert_int_equal(PARSE("-e", "network.access=none", "r", "ls", "-e", "--hostname"), 0);
	assert_int_equal(opts->req.n_entitlements, 1);
	assert_string_equal(opts->req.argv[1], "-e");
	assert_string_equal(opts->req.argv[2], "--hostname");
}

static void test_all_process_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE("-e", "a=b", "--entitle", "c=d", "-p", "x", "--hostname", "box",
	                       "--env", "A=1", "-w", "/srv//app/", "-u", "1000:1001", "-t",
	                       "--tmpfs", "/scratch/", "-v", "/src:/dst:ro", "--verbose",
	                       "--memory", "256M", "--pids", "max", "--cpus", "1.5", "r", "cmd"),
	                 0);
	assert_int_equal(opts->req.n_entitlements, 2);
	assert_string_equal(opts->req.entitlements[1], "c=d");
	assert_string_equal(opts->req.profiles[0], "x");
	assert_string_equal(opts->req.hostname, "box");
	assert_string_equal(opts->req.env[0], "A=1");
	assert_string_equal(opts->req.workdir, "/srv/app");
	assert_true(opts->req.has_user);
	assert_int_equal(opts->req.uid, 1000);
	assert_int_equal(opts->req.gid, 1001);
	assert_true(opts->req.tty);
	assert_string_equal(opts->req.tmpfs[0], "/scratch");
	assert_int_equal(opts->req.tmpfs_bytes[0], 0); /* the default size */
	assert_string_equal(opts->req.volumes[0].source, "/src");
	assert_string_equal(opts->req.volumes[0].target, "/dst");
	assert_true(opts->req.volumes[0].readonly);
	assert_true(opts->verbose);
	assert_int_equal(opts->req.memory_bytes, 256LL << 20);
	assert_true(opts->req.has_pids);
	assert_int_equal(opts->req.pids_max, 0);
	assert_int_equal(opts->req.cpu_quota_us, 150000);
	assert_int_equal(opts->req.cpu_period_us, 100000);
}

static void test_env_from_host(void **state)
{
	(void)state;
	setenv("ENT_TEST_VAR", "from-host", 1);
	assert_int_equal(PARSE("--env", "ENT_TEST_VAR", "--env", "ENT_TEST_UNSET_VAR", "r", "c"),
	                 0);
	assert_int_equal(opts->req.n_env, 1);
	assert_string_equal(opts->req.env[0], "ENT_TEST_VAR=from-host");
	expect_error(PARSE("--env", "=x", "r", "c"), "--env: '=x' is not K=V (the name is empty)");
}

static void test_subcommands(void **state)
{
	(void)state;
	assert_int_equal(PARSE("explain", "-e", "network.access=proxy", "--format", "json"), 0);
	assert_int_equal(opts->command, RT_CMD_EXPLAIN);
	assert_true(opts->json);
	assert_int_equal(PARSE("explain", "--why", "CAP_NET_RAW"), 0);
	assert_string_equal(opts->why, "CAP_NET_RAW");
	assert_int_equal(PARSE("explain", "--list"), 0);
	assert_true(opts->list);
	assert_int_equal(PARSE("spec", "r", "/bin/true"), 0);
	assert_int_equal(opts->command, RT_CMD_SPEC);
	assert_string_equal(opts->rootfs, "r");
	assert_int_equal(PARSE("check", "-p", "ci"), 0);
	assert_int_equal(opts->command, RT_CMD_CHECK);
	assert_int_equal(PARSE("explain", "--help"), 0);
	assert_true(opts->help);
	assert_int_equal(opts->command, RT_CMD_EXPLAIN);
	assert_int_equal(PARSE("--version"), 0);
	assert_true(opts->version);
}

static void test_learn(void **state)
{
	(void)state;
	assert_int_equal(PARSE("learn", "--verify", "--format", "json", "-e",
	                       "security.fs=read-only", "./rootfs", "/bin/sh", "-c", "apt-get"),
	                 0);
	assert_int_equal(opts->command, RT_CMD_LEARN);
	assert_true(opts->verify);
	assert_true(opts->json);
	assert_int_equal(opts->req.n_entitlements, 1);
	assert_string_equal(opts->rootfs, "./rootfs");
	assert_string_equal(opts->req.argv[0], "/bin/sh");
	assert_string_equal(opts->req.argv[2], "apt-get");
	assert_int_equal(PARSE("learn", "--ephemeral", "--timeout", "10m", "r", "true"), 0);
	assert_true(opts->req.ephemeral);
	assert_int_equal(opts->req.timeout_ms, 600000);
	assert_false(opts->verify);
	assert_false(opts->json);
	assert_int_equal(PARSE("explain", "--learn"), 0);
	assert_true(opts->learn);
	expect_error(PARSE("learn", "r"), "missing COMMAND after ROOTFS 'r' (usage: ent-run learn "
	                                  "[OPTIONS] [--verify] [--format text|json] ROOTFS "
	                                  "COMMAND [ARG...])");
	expect_error(PARSE("learn", "--tty", "r", "c"), "option --tty does not apply to 'learn'");
	expect_error(PARSE("--verify", "r", "c"),
	             "option --verify does not apply to 'ent-run ROOTFS COMMAND'");
	expect_error(PARSE("explain", "--verify"), "option --verify does not apply to 'explain'");
}

static void test_usage_errors(void **state)
{
	(void)state;
	expect_error(
	        parse_words("ent-run", NULL),
	        "missing ROOTFS and COMMAND (usage: ent-run [OPTIONS] ROOTFS COMMAND [ARG...])");
	expect_error(PARSE("r"), "missing COMMAND after ROOTFS 'r' (usage: ent-run [OPTIONS] "
	                         "ROOTFS COMMAND [ARG...])");
	expect_error(PARSE("--frobnicate", "r", "c"),
	             "unknown option '--frobnicate' (see 'ent-run --help')");
	expect_error(PARSE("-Z", "r", "c"), "unknown option '-Z' (see 'ent-run --help')");
}

static void test_missing_values(void **state)
{
	(void)state;
	expect_error(PARSE("--hostname"), "option '--hostname' needs a value: NAME");
	expect_error(PARSE("-e"), "option '-e' (--entitle) needs a value: KEY=VALUE");
	expect_error(PARSE("explain", "--why"), "option '--why' needs a value: NAME");
}

static void test_options_per_command(void **state)
{
	(void)state;
	expect_error(PARSE("--why", "x", "r", "c"),
	             "option --why does not apply to 'ent-run ROOTFS COMMAND'");
	expect_error(PARSE("explain", "--tty"), "option --tty does not apply to 'explain'");
	expect_error(PARSE("--publish", "8080:80", "--publish", "127.0.0.1:8080:81", "r", "c"),
	             "--publish: '127.0.0.1:8080:81': host port 8080/tcp is published twice");
	expect_error(
	        PARSE("--publish", "127.0.0.1:8080:80", "--publish", "0.0.0.0:8080:81", "r", "c"),
	        "--publish: '0.0.0.0:8080:81': host port 8080/tcp is published twice");
	/* What a run would refuse at launch, refused as it is read (so check and spec do too). */
	expect_error(PARSE("explain", "--publish", "224.0.0.1:8080:80"),
	             "netcfg: --publish 224.0.0.1:8080:80: '224.0.0.1' is a multicast or broadcast "
	             "address, not one of the host's");
	expect_error(PARSE("--env", "A B=1", "r", "c"),
	             "--env: 'A B=1': the name has a blank or control character");
	expect_error(PARSE("--memory", "5M", "r", "c"),
	             "--memory: '5M' is below the least a container runs in (6M)");
	expect_error(PARSE("explain", "extra"),
	             "explain: unexpected argument 'extra' (see 'ent-run explain --help')");
	/* check takes one ROOTFS: the one after it is the unexpected one. */
	expect_error(PARSE("check", "rootfs", "extra"),
	             "check: unexpected argument 'extra' (see 'ent-run check --help')");
	expect_error(PARSE("explain", "--list", "--bpf"),
	             "explain: --why, --list and --bpf each show something else: give one of them");
	expect_error(PARSE("explain", "--profile-dir", ""), "--profile-dir: the path is empty");
	expect_error(PARSE("--policy", "", "r", "c"), "--policy: the path is empty");
	expect_error(PARSE("explain", "--format", "yaml"),
	             "--format: unknown format 'yaml' (expected: text, json)");
}

static void test_volume(void **state)
{
	struct ent_volume v;

	(void)state;
	assert_int_equal(rt_parse_volume("./data:/srv/data", &v, &err), 0);
	assert_string_equal(v.source, "./data");
	assert_string_equal(v.target, "/srv/data");
	assert_false(v.readonly);
	assert_int_equal(rt_parse_volume("/a:/b:rw", &v, &err), 0);
	assert_false(v.readonly);
	expect_error(rt_parse_volume("/a", &v, &err), "--volume: '/a' is not SRC:DST[:ro|rw]");
	expect_error(rt_parse_volume(":/b", &v, &err), "--volume: ':/b' is not SRC:DST[:ro|rw]");
	expect_error(rt_parse_volume("/a:", &v, &err), "--volume: '/a:' is not SRC:DST[:ro|rw]");
	expect_error(rt_parse_volume("/a:/b:rx", &v, &err),
	             "--volume: unknown mode 'rx' in '/a:/b:rx' (expected: ro, rw)");
	expect_error(rt_parse_volume("/a:b", &v, &err),
	             "--volume destination: 'b' is not an absolute path (expected /PATH)");
	expect_error(rt_parse_volume("/a:/x/../../etc", &v, &err),
	             "--volume destination: '/x/../../etc' contains '..' (expected a path "
	             "inside the container without '..')");
}

static void test_normalize(void **state)
{
	char out[ENT_PATH_MAX];

	(void)state;
	assert_int_equal(rt_normalize_path("t", "//a/./b//c/", out, &err), 0);
	assert_string_equal(out, "/a/b/c");
	assert_int_equal(rt_normalize_path("t", "/", out, &err), 0);
	assert_string_equal(out, "/");
	assert_int_equal(rt_normalize_path("t", "/./", out, &err), 0);
	assert_string_equal(out, "/");
	assert_int_equal(rt_normalize_path("t", "/a..b/..c", out, &err), 0);
	assert_string_equal(out, "/a..b/..c");
}

static void test_user(void **state)
{
	uint32_t uid, gid;
	bool has_gid;

	(void)state;
	assert_int_equal(rt_parse_user("0", &uid, &gid, &has_gid, &err), 0);
	assert_int_equal(uid, 0);
	assert_false(has_gid);
	assert_int_equal(rt_parse_user("65534:100", &uid, &gid, &has_gid, &err), 0);
	assert_int_equal(gid, 100);
	assert_true(has_gid);
	expect_error(rt_parse_user("bob", &uid, &gid, &has_gid, &err),
	             "--user: 'bob' is not UID[:GID] (numeric ids, e.g. 1000:1000)");
	expect_error(rt_parse_user("1:", &uid, &gid, &has_gid, &err),
	             "--user: '1:' is not UID[:GID] (numeric ids, e.g. 1000:1000)");
	expect_error(rt_parse_user("-1", &uid, &gid, &has_gid, &err),
	             "--user: '-1' is not UID[:GID] (numeric ids, e.g. 1000:1000)");
	expect_error(rt_parse_user("4294967295", &uid, &gid, &has_gid, &err),
	             "--user: '4294967295' is not UID[:GID] (numeric ids, e.g. 1000:1000)");
}

static void test_limits(void **state)
{
	int64_t v, q, p;

	(void)state;
	assert_int_equal(ent_parse_size("--memory", "512", &v, &err), 0);
	assert_int_equal(v, 512);
	assert_int_equal(ent_parse_size("--memory", "64k", &v, &err), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(ent_parse_size("--memory", "1GB", &v, &err), 0);
	assert_int_equal(v, 1LL << 30);
	expect_error(ent_parse_size("--memory", "12Q", &v, &err),
	             "--memory: '12Q' is not a size (expected a positive number with an optional "
	             "suffix K, M, G or T, e.g. 256M)");
	assert_int_equal(ent_parse_size("--memory", "0", &v, &err), -1);
	assert_int_equal(ent_parse_size("--memory", "-5M", &v, &err), -1);
	assert_int_equal(ent_parse_size("--memory", "99999999999T", &v, &err), -1);
	assert_int_equal(ent_parse_size("--memory", "1Mx", &v, &err), -1);
	assert_int_equal(ent_parse_pids("--pids", "100", &v, &err), 0);
	assert_int_equal(v, 100);
	expect_error(ent_parse_pids("--pids", "-1", &v, &err),
	             "--pids: '-1' is not a process count (expected a number >= 1, or max)");
	assert_int_equal(ent_parse_pids("--pids", "0", &v, &err), -1);
	assert_int_equal(ent_parse_cpus("--cpus", "0.5", &q, &p, &err), 0);
	assert_int_equal(q, 50000);
	expect_error(
	        ent_parse_cpus("--cpus", "0", &q, &p, &err),
	        "--cpus: '0' is not a CPU count (expected a number from 0.01 to 4096, e.g. 1.5)");
	assert_int_equal(ent_parse_cpus("--cpus", "abc", &q, &p, &err), -1);
	assert_int_equal(ent_parse_cpus("--cpus", "nan", &q, &p, &err), -1);
	/* Decimal only: strtod's other spellings are refused. */
	static const char *const not_decimal[] = { "0x10", "1e3", " 2",  "2 ",    "+1",
		                                   "1.",   ".5",  "inf", "1.5.5", "1,5" };
	for (size_t i = 0; i < sizeof(not_decimal) / sizeof(*not_decimal); i++)
		assert_int_equal(ent_parse_cpus("--cpus", not_decimal[i], &q, &p, &err), -1);
	assert_int_equal(ent_parse_cpus("--cpus", "4096", &q, &p, &err), 0);
	assert_int_equal(q, 4096LL * 100000);
	assert_int_equal(ent_parse_cpus("--cpus", "0.01", &q, &p, &err), 0);
	assert_int_equal(q, 1000);
}

/* Durations as timeout(1) writes them; each error names the option and the form. */
static void test_durations(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} good[] = {
		{ "30", 30000 },
		{ "30s", 30000 },
		{ "1.5m", 90000 },
		{ "2h", 7200000 },
		{ "0.001", 1 },
		{ "0.0015", 2 },
		{ "1.25s", 1250 },
		{ "007", 7000 },
		{ "999999999h", 999999999LL * 3600000 },
		{ "0.5000000000001", 500 },
	};
	static const char *const bad[] = {
		"0",     "0s",  "0.0004", "",     "s",          "1.",   ".5",
		"-1",    "+1",  "1e3",    "1 s",  "1S",         "1d",   "1ms",
		"1.5.2", "inf", "nan",    "0x10", "1000000000", "30s ", " 30",
	};
	char text[32];
	int64_t ms, again;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(ent_parse_duration("--timeout", good[i].text, &ms, &err), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ent_parse_duration("--timeout", bad[i], &ms, &err), -1);
	expect_error(ent_parse_duration("--kill-after", "10x", &ms, &err),
	             "--kill-after: '10x' is not a duration (expected a positive number of seconds "
	             "with an optional suffix s, m or h, e.g. 30s or 1.5m)");
	/* A duration in form, but beyond what ent-run counts, says so. */
	expect_error(ent_parse_duration("--timeout", "1000000000h", &ms, &err),
	             "--timeout: '1000000000h' is too long (at most 9 digits before the unit, and "
	             "999999999h)");
	expect_error(ent_parse_duration("--timeout", "1000000000", &ms, &err),
	             "--timeout: '1000000000' is too long (at most 9 digits before the unit, and "
	             "999999999h)");
	/* As text: the largest unit that says it exactly. */
	ent_duration_str(30000, text, sizeof(text));
	assert_string_equal(text, "30s");
	ent_duration_str(90000, text, sizeof(text));
	assert_string_equal(text, "90s");
	ent_duration_str(120000, text, sizeof(text));
	assert_string_equal(text, "2m");
	ent_duration_str(7200000, text, sizeof(text));
	assert_string_equal(text, "2h");
	ent_duration_str(1500, text, sizeof(text));
	assert_string_equal(text, "1.5s");
	ent_duration_str(1, text, sizeof(text));
	assert_string_equal(text, "0.001s");
	ent_duration_str(2050, text, sizeof(text));
	assert_string_equal(text, "2.05s");
	/* Past 999999999 seconds, hours with decimals: they still read back exactly. */
	assert_int_equal(ent_parse_duration("--timeout", "555555555.555555555555h", &ms, &err), 0);
	ent_duration_str(ms, text, sizeof(text));
	assert_string_equal(text, "555555555.5555556h");
	assert_int_equal(ent_parse_duration("--timeout", text, &again, &err), 0);
	assert_int_equal(again, ms);
}

/* The CI options: --ephemeral[=SIZE], --timeout, --kill-after, --stats. */
static void test_ci_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--ephemeral", "r", "c"), 0);
	assert_true(opts->req.ephemeral);
	assert_int_equal(opts->req.ephemeral_bytes, 0);
	assert_int_equal(PARSE("--ephemeral=256M", "r", "c"), 0);
	assert_int_equal(opts->req.ephemeral_bytes, 256 << 20);
	/* An optional value is attached: "--ephemeral 2G" would make 2G the rootfs. */
	assert_int_equal(PARSE("--ephemeral", "2G", "c"), 0);
	assert_string_equal(opts->rootfs, "2G");
	expect_error(PARSE("--ephemeral=1Q", "r", "c"),
	             "--ephemeral: '1Q' is not a size (expected a positive number with an optional "
	             "suffix K, M, G or T, e.g. 256M)");
	expect_error(PARSE("--ephemeral=", "r", "c"),
	             "--ephemeral: '' is not a size (expected a positive number with an optional "
	             "suffix K, M, G or T, e.g. 256M)");
	assert_int_equal(PARSE("--timeout", "1.5m", "--kill-after", "2", "r", "c"), 0);
	assert_int_equal(opts->req.timeout_ms, 90000);
	assert_int_equal(opts->req.kill_after_ms, 2000);
	expect_error(PARSE("--timeout", "soon", "r", "c"),
	             "--timeout: 'soon' is not a duration (expected a positive number of seconds "
	             "with an optional suffix s, m or h, e.g. 30s or 1.5m)");
	expect_error(PARSE("--kill-after", "5", "r", "c"),
	             "--kill-after: needs --timeout (it is the grace after the timeout's SIGTERM)");
	assert_int_equal(PARSE("--stats", "-", "r", "c"), 0);
	assert_string_equal(opts->stats_path, "-");
	assert_true(opts->req.stats);
	expect_error(PARSE("--stats", "", "r", "c"),
	             "--stats: the file name is empty (expected FILE, or - for stderr)");
	expect_error(PARSE("check", "--stats", "x"), "option --stats does not apply to 'check'");
	assert_int_equal(PARSE("check", "--ephemeral=2G"), 0);
}

/* --tmpfs DST[:size=SIZE]: every tmpfs has a size, given or the default. */
static void test_tmpfs(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--tmpfs", "/big//:size=1G", "--tmpfs", "/small:size=64k", "r", "c"),
	                 0);
	assert_string_equal(opts->req.tmpfs[0], "/big");
	assert_int_equal(opts->req.tmpfs_bytes[0], 1LL << 30);
	assert_string_equal(opts->req.tmpfs[1], "/small");
	assert_int_equal(opts->req.tmpfs_bytes[1], 65536);
	expect_error(PARSE("--tmpfs", "/x:mode=755", "r", "c"),
	             "--tmpfs: unknown option 'mode=755' after '/x' (expected DST or "
	             "DST:size=SIZE)");
	expect_error(PARSE("--tmpfs", "/x:size=lots", "r", "c"),
	             "--tmpfs: 'lots' is not a size (expected a positive number with an optional "
	             "suffix K, M, G or T, e.g. 256M)");
	expect_error(PARSE("--tmpfs", "x:size=1M", "r", "c"),
	             "--tmpfs: 'x' is not an absolute path (expected /PATH)");
}

/* check takes every option a node policy must allow, so it can answer for them. */
static void test_check_takes_grants(void **state)
{
	(void)state;
	assert_int_equal(PARSE("check", "--tmpfs", "/x:size=1G", "--memory", "1G", "--pids", "max",
	                       "--cpus", "2", "--publish", "8080:80", "--subnet", "10.89.0.0/16",
	                       "-v", "/a:/b", "r"),
	                 0);
	assert_int_equal(opts->req.n_tmpfs, 1);
	assert_true(opts->req.has_memory && opts->req.has_pids && opts->req.has_cpus);
	assert_int_equal(opts->req.n_publish, 1);
	assert_string_equal(opts->req.subnet, "10.89.0.0/16");
	assert_string_equal(opts->rootfs, "r");
	expect_error(PARSE("check", "--env", "A=1"), "option --env does not apply to 'check'");
}

static void test_publish(void **state)
{
	struct netcfg_publish pub;

	(void)state;
	assert_int_equal(rt_parse_publish("8080:80", &pub, &err), 0);
	assert_int_equal(pub.host_port, 8080);
	assert_int_equal(pub.port, 80);
	assert_int_equal(pub.protocol, IPPROTO_TCP);
	assert_string_equal(pub.host_ip, "");
	assert_int_equal(rt_parse_publish("127.0.0.1:18080:80/udp", &pub, &err), 0);
	assert_string_equal(pub.host_ip, "127.0.0.1");
	assert_int_equal(pub.protocol, IPPROTO_UDP);
	expect_error(rt_parse_publish("80", &pub, &err),
	             "--publish: '80' is not [IP:]HOSTPORT:PORT[/tcp|/udp] (ports 1-65535)");
	assert_int_equal(rt_parse_publish("1:70000", &pub, &err), -1);
	assert_int_equal(rt_parse_publish("1:2/sctp", &pub, &err), -1);
}

/* --subnet is checked as it is parsed: a special-purpose range never reaches a plan. */
static void test_subnet(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--subnet", "10.77.0.0/24", "r", "c"), 0);
	assert_string_equal(opts->req.subnet, "10.77.0.0/24");
	expect_error(PARSE("--subnet", "169.254.169.252/30", "r", "c"),
	             "netcfg: --subnet '169.254.169.252/30' overlaps 169.254.0.0/16 (link-local, "
	             "where cloud metadata services answer)");
	expect_error(PARSE("explain", "--subnet", "127.0.0.0/8"),
	             "netcfg: --subnet '127.0.0.0/8' overlaps 127.0.0.0/8 (loopback)");
	expect_error(PARSE("--subnet", "nope", "r", "c"),
	             "netcfg: --subnet 'nope' is not an IPv4 CIDR block of /30 or larger (e.g. "
	             "10.88.0.0/16)");
}

static void test_hostname(void **state)
{
	(void)state;
	assert_int_equal(rt_parse_hostname("build-42.ci", &err), 0);
	assert_int_equal(rt_parse_hostname("a", &err), 0);
	assert_int_equal(rt_parse_hostname("x-1.a.b2", &err), 0);
	expect_error(rt_parse_hostname("a b", &err),
	             "--hostname: 'a b' is not a host name (expected 1-64 letters, digits, '-' "
	             "and '.'; labels of 1-63, none beginning or ending with '-')");
	static const char *const bad[] = {
		"",     "-x",   "x-",
		"a.-b", "a-.b", ".a",
		"a.",   "a..b", "a234567890123456789012345678901234567890123456789012345678901234"
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rt_parse_hostname(bad[i], &err), -1);
}

/* Parse "ent-run" + ENT_MAX_REQ_ITEMS + 1 times "option value" + "r c": one too many. */
static int parse_too_many(const char *option, const char *value)
{
	char *argv[2 * ENT_MAX_REQ_ITEMS + 6];
	int argc = 0;

	argv[argc++] = "ent-run";
	for (int i = 0; i <= ENT_MAX_REQ_ITEMS; i++) {
		argv[argc++] = (char *)option;
		argv[argc++] = (char *)value;
	}
	argv[argc++] = "r";
	argv[argc++] = "c";
	argv[argc] = NULL;
	rt_cli_free(opts);
	memset(opts, 0, sizeof(*opts));
	return rt_cli_parse(argc, argv, opts, &err);
}

static void test_too_many(void **state)
{
	(void)state;
	expect_error(parse_too_many("-e", "a=b"), "--entitle: given too often (at most 64)");
}

/* --env K copies K's value from our environment: the 65th is too many, not "out of memory". */
static void test_too_many_env_from_host(void **state)
{
	(void)state;
	setenv("ENT_TEST_VAR", "1", 1);
	expect_error(parse_too_many("--env", "ENT_TEST_VAR"),
	             "--env: given too often (at most 64)");
	assert_int_equal(err.errnum, 0);
}

static int setup(void **state)
{
	(void)state;
	opts = calloc(1, sizeof(*opts));
	return opts ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rt_cli_free(opts);
	free(opts);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_minimal),
		cmocka_unit_test(test_options_stop_at_rootfs),
		cmocka_unit_test(test_all_process_options),
		cmocka_unit_test(test_env_from_host),
		cmocka_unit_test(test_subcommands),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_options_per_command),
		cmocka_unit_test(test_volume),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tmpfs),
		cmocka_unit_test(test_check_takes_grants),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_subnet),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_learn),
		cmocka_unit_test(test_too_many_env_from_host),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_ci_options),
	};

	return cmocka_run_group_tests_name("rt_cli", tests, setup, teardown);
}
