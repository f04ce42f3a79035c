/*
 * tests/unit/test_ent_seccomp_json.c - OCI and Docker seccomp profiles into lockdown rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/capability.h>

#include "entitlements/seccomp_json.h"

#define SRC "/etc/ent-run/seccomp/x.json"

static struct lockdown_spec *spec;

static int setup(void **state)
{
	(void)state;
	spec = calloc(1, sizeof(*spec));
	return spec ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ent_lockdown_free(spec);
	free(spec);
	return 0;
}

/* The tests run "on" Linux 6.18, whatever the machine runs. */
static int import_on(const char *json, uint64_t caps, unsigned major, unsigned minor,
                     struct rt_err *err)
{
	struct ent_seccomp_host host = { .caps = caps,
		                         .kernel_major = major,
		                         .kernel_minor = minor };

	return ent_seccomp_import_json(json, strlen(json), SRC, &host, spec, err);
}

static int import(const char *json, uint64_t caps, struct rt_err *err)
{
	return import_on(json, caps, 6, 18, err);
}

/* Index of the first rule for name, or -1. */
static int find_rule(const char *name)
{
	for (unsigned i = 0; i < spec->n_rules; i++)
		if (strcmp(spec->rules[i].syscall, name) == 0)
			return (int)i;
	return -1;
}

static unsigned count_rules(const char *name)
{
	unsigned n = 0;

	for (unsigned i = 0; i < spec->n_rules; i++)
		n += strcmp(spec->rules[i].syscall, name) == 0;
	return n;
}

static void test_oci_profile(void **state)
{
	static const char json[] =
	        "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,\n"
	        "  \"architectures\": [ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\" ],\n"
	        "  \"flags\": [ \"SECCOMP_FILTER_FLAG_LOG\" ],\n"
	        "  \"syscalls\": [\n"
	        "    { \"names\": [ \"read\", \"write\", \"_llseek\" ], \"action\": "
	        "\"SCMP_ACT_ALLOW\" },\n"
	        "    { \"names\": [ \"kexec_load\" ], \"action\": \"SCMP_ACT_ERRNO\", "
	        "\"errnoRet\": 1 },\n"
	        "    { \"names\": [ \"mount\" ], \"action\": \"SCMP_ACT_ERRNO\" },\n"
	        "    { \"names\": [ \"reboot\" ], \"action\": \"SCMP_ACT_KILL\" },\n"
	        "    { \"names\": [ \"clone\" ], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n"
	        "      { \"index\": 0, \"value\": 2114060288, \"valueTwo\": 0,\n"
	        "        \"op\": \"SCMP_CMP_MASKED_EQ\" } ] },\n"
	        "    { \"names\": [ \"personality\" ], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[\n"
	        "      { \"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\" } ] }\n"
	        "  ] }\n";
	struct rt_err err = { 0 };
	int i;

	(void)state;
	assert_int_equal(import(json, 0, &err), 0);
	assert_int_equal(spec->seccomp_mode, LOCKDOWN_SECCOMP_FILTER);
	assert_int_equal(spec->default_action, LOCKDOWN_ERRNO);
	assert_int_equal(spec->default_errnum, ENOSYS);
	/* _llseek exists on x86 only: skipped on x86_64. */
	assert_int_equal(spec->n_rules, 7);
	assert_int_equal(find_rule("_llseek"), -1);
	i = find_rule("read");
	assert_int_equal(spec->rules[i].action, LOCKDOWN_ALLOW);
	assert_int_equal(spec->rules[i].n_args, 0);
	assert_string_equal(spec->rules[i].why, "syscalls[0]");
	i = find_rule("kexec_load");
	assert_int_equal(spec->rules[i].action, LOCKDOWN_ERRNO);
	assert_int_equal(spec->rules[i].errnum, EPERM);
	i = find_rule("mount"); /* SCMP_ACT_ERRNO without errnoRet: EPERM */
	assert_int_equal(spec->rules[i].errnum, EPERM);
	i = find_rule("reboot");
	assert_int_equal(spec->rules[i].action, LOCKDOWN_KILL_THREAD);
	i = find_rule("clone");
	assert_int_equal(spec->rules[i].n_args, 1);
	assert_int_equal(spec->rules[i].args[0].index, 0);
	assert_int_equal(spec->rules[i].args[0].op, LOCKDOWN_CMP_MASKED_EQ);
	assert_int_equal(spec->rules[i].args[0].value, 2114060288);
	assert_int_equal(spec->rules[i].args[0].value2, 0);
	i = find_rule("personality");
	assert_int_equal(spec->rules[i].args[0].value, 4294967295u);
	assert_int_equal(spec->rules[i].args[0].op, LOCKDOWN_CMP_EQ);
}

static const char docker_json[] =
        "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,\n"
        "  \"archMap\": [ { \"architecture\": \"SCMP_ARCH_X86_64\",\n"
        "                 \"subArchitectures\": [ \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\" ] },\n"
        "               { \"architecture\": \"SCMP_ARCH_LOONGARCH64\", \"subArchitectures\": [] } "
        "],\n"
        "  \"syscalls\": [\n"
        "    { \"names\": [ \"getpid\", \"setns\" ], \"action\": \"SCMP_ACT_ALLOW\" },\n"
        "    { \"names\": [ \"ptrace\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"includes\": { \"minKernel\": \"4.8\" } },\n"
        "    { \"names\": [ \"arch_prctl\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"includes\": { \"arches\": [ \"amd64\", \"x32\" ] } },\n"
        "    { \"names\": [ \"s390_pci_mmio_read\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"includes\": { \"arches\": [ \"s390x\" ] } },\n"
        "    { \"names\": [ \"bpf\", \"unshare\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"includes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ] } },\n"
        "    { \"names\": [ \"bpf\", \"setns\" ], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": "
        "1,\n"
        "      \"excludes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ] } },\n"
        "    { \"names\": [ \"clone3\" ], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38,\n"
        "      \"excludes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ] } },\n"
        "    { \"names\": [ \"clone\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"args\": [ { \"index\": 0, \"value\": 2114060288, \"op\": \"SCMP_CMP_MASKED_EQ\" } "
        "],\n"
        "      \"excludes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ], \"arches\": [ \"s390\", \"s390x\" "
        "] } },\n"
        "    { \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"args\": [ { \"index\": 0, \"value\": 40, \"op\": \"SCMP_CMP_NE\" } ] },\n"
        "    { \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "      \"includes\": { \"caps\": [ \"CAP_NET_RAW\", \"CAP_SYS_ADMIN\" ] } }\n"
        "  ] }\n";

static void test_docker_without_caps(void **state)
{
	struct rt_err err = { 0 };
	int i;

	(void)state;
	assert_int_equal(import(docker_json, 0, &err), 0);
	assert_int_equal(spec->default_errnum, EPERM);
	assert_true(find_rule("getpid") >= 0);
	assert_true(find_rule("ptrace") >= 0);     /* minKernel 4.8: met by 6.18 */
	assert_true(find_rule("arch_prctl") >= 0); /* amd64 listed */
	assert_int_equal(find_rule("s390_pci_mmio_read"), -1);
	assert_int_equal(find_rule("unshare"), -1); /* needs CAP_SYS_ADMIN */
	i = find_rule("bpf");
	assert_int_equal(spec->rules[i].action, LOCKDOWN_ERRNO);
	i = find_rule("clone3");
	assert_int_equal(spec->rules[i].errnum, ENOSYS);
	i = find_rule("clone");
	assert_int_equal(spec->rules[i].n_args, 1);
	/* setns: the first rule without conditions (ALLOW) wins, as in libseccomp. */
	assert_int_equal(count_rules("setns"), 1);
	assert_int_equal(spec->rules[find_rule("setns")].action, LOCKDOWN_ALLOW);
	/* socket: only the conditional rule (CAP_NET_RAW and CAP_SYS_ADMIN are not both given). */
	assert_int_equal(count_rules("socket"), 1);
	assert_int_equal(spec->rules[find_rule("socket")].n_args, 1);
}

static void test_docker_with_caps(void **state)
{
	uint64_t caps = (1ull << CAP_SYS_ADMIN) | (1ull << CAP_NET_RAW);
	struct rt_err err = { 0 };
	int i;

	(void)state;
	assert_int_equal(import(docker_json, caps, &err), 0);
	assert_true(find_rule("unshare") >= 0);
	i = find_rule("bpf");
	assert_int_equal(spec->rules[i].action, LOCKDOWN_ALLOW);
	assert_int_equal(count_rules("bpf"), 1);
	assert_int_equal(find_rule("clone3"), -1);
	assert_int_equal(find_rule("clone"), -1);
	/* The unconditional socket rule shadows the conditional one. */
	assert_int_equal(count_rules("socket"), 1);
	assert_int_equal(spec->rules[find_rule("socket")].n_args, 0);
}

static void test_old_name_form(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(import("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
	                        "[{\"name\":\"mount\",\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
	                        0, &err),
	                 0);
	assert_int_equal(spec->default_action, LOCKDOWN_ALLOW);
	assert_int_equal(spec->n_rules, 1);
	assert_int_equal(spec->rules[0].action, LOCKDOWN_KILL_PROCESS);
}

/*
 * Current profiles (Docker's) name system calls newer than libseccomp 2.5: skipped where that
 * weakens nothing, so the real-world profile loads; a typo still fails (test_malformed).
 */
static void test_newer_syscalls(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(import("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
	                        "[{\"names\":[\"read\",\"mseal\",\"statmount\"],"
	                        "\"action\":\"SCMP_ACT_ALLOW\"},"
	                        "{\"names\":[\"listmount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
	                        0, &err),
	                 0);
	assert_int_equal(spec->n_rules, 1);
	assert_int_equal(find_rule("read"), 0);
	assert_int_equal(find_rule("mseal"), -1);
}

/* One malformed profile and the exact line it must produce. */
struct bad_case {
	const char *json;
	const char *msg;
};

/* clang-format off */
static const struct bad_case bad_cases[] = {
	{ "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [ }\n",
	  SRC ": line 3, column 17: bad JSON: unexpected character" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\"",
	  SRC ": line 1, column 36: bad JSON: unexpected end of file" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\" } x",
	  SRC ": line 1, column 39: bad JSON: unexpected character" },
	{ "[]",
	  SRC ": expected a JSON object at the top, got array" },
	{ "{ \"syscalls\": [] }",
	  SRC ": defaultAction: missing" },
	{ "{ \"defaultAction\": \"SCMP_ACT_DENY\" }",
	  SRC ": defaultAction: unknown action 'SCMP_ACT_DENY' (expected: SCMP_ACT_ALLOW, "
	  "SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
	  "SCMP_ACT_LOG, SCMP_ACT_TRACE, or SCMP_ACT_KILL)" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ {}, {}, {}, "
	  "{ \"names\": [ \"read\", \"foo\" ], \"action\": \"SCMP_ACT_ALLOW\" } ] }",
	  SRC ": syscalls[0]: no \"names\"" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
	  "{ \"names\": [ \"read\", \"foo\" ], \"action\": \"SCMP_ACT_ALLOW\" } ] }",
	  SRC ": syscalls[0].names[1]: unknown syscall 'foo'" },
	/* A real system call newer than libseccomp cannot be denied under an allow-all default. */
	{ "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ "
	  "{ \"names\": [ \"mseal\" ], \"action\": \"SCMP_ACT_ERRNO\" } ] }",
	  SRC ": syscalls[0].names[0]: cannot deny 'mseal': libseccomp 2.5 does not know it" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
	  "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_NOPE\" } ] }",
	  SRC ": syscalls[0].action: unknown action 'SCMP_ACT_NOPE' (expected: SCMP_ACT_ALLOW, "
	  "SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
	  "SCMP_ACT_LOG, SCMP_ACT_TRACE, or SCMP_ACT_KILL)" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
	  "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_NOTIFY\" } ] }",
	  SRC ": syscalls[0].action: SCMP_ACT_NOTIFY needs a seccomp agent, which ent-run does not "
	  "run" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [ \"socket\" ], "
	  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0, \"value\": 1, "
	  "\"op\": \"SCMP_CMP_LIKE\" } ] } ] }",
	  SRC ": syscalls[0].args[0].op: unknown operator 'SCMP_CMP_LIKE' (expected: SCMP_CMP_NE, "
	  "SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [ \"socket\" ], "
	  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 6, \"value\": 1, "
	  "\"op\": \"SCMP_CMP_EQ\" } ] } ] }",
	  SRC ": syscalls[0].args[0].index: 6 is out of range (0-5)" },
	/* (arg & 0) == 0x100 never holds; libseccomp would make it (arg & 0) == 0, always. */
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [ \"socket\" ], "
	  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 2, \"valueTwo\": 256, "
	  "\"op\": \"SCMP_CMP_MASKED_EQ\" } ] } ] }",
	  SRC ": syscalls[0].args[0].valueTwo: 0x100 has bits outside the mask value 0x0: the "
	  "condition could never hold" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [ \"socket\" ], "
	  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0, \"value\": -1, "
	  "\"op\": \"SCMP_CMP_EQ\" } ] } ] }",
	  SRC ": line 1, column 138: syscalls[0].args[0].value: -1 is not an integer from 0 to "
	  "18446744073709551615" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": { \"names\": [ \"read\" ] } }",
	  SRC ": syscalls: expected array, got object" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
	  "{ \"names\": \"read\", \"action\": \"SCMP_ACT_ALLOW\" } ] }",
	  SRC ": syscalls[0].names: expected array, got string" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
	  "{ \"names\": [ 1 ], \"action\": \"SCMP_ACT_ALLOW\" } ] }",
	  SRC ": syscalls[0].names[0]: expected string, got int" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": \"EPERM\" }",
	  SRC ": defaultErrnoRet: expected int, got string" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000 }",
	  SRC ": defaultErrnoRet: 5000 is out of range (0-4095)" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
	  "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1 } ] }",
	  SRC ": syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [ \"x86_64\" ] }",
	  SRC ": architectures[0]: unknown architecture 'x86_64' (expected SCMP_ARCH_...)" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [ \"bpf\" ], "
	  "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": { \"caps\": [ \"CAP_SYS_ADMN\" ] } } ] }",
	  SRC ": syscalls[0].includes.caps[0]: unknown capability 'CAP_SYS_ADMN'" },
};
/* clang-format on */

/* Each case fails with its exact message, and leaves no rule behind. */
static void check_bad_cases(const struct bad_case *cases, size_t n)
{
	char expect[512];

	for (size_t i = 0; i < n; i++) {
		struct rt_err err = { 0 };

		snprintf(expect, sizeof(expect), "seccomp profile %s", cases[i].msg);
		assert_int_equal(import(cases[i].json, 0, &err), -1);
		assert_string_equal(err.msg, expect);
		assert_int_equal(err.errnum, 0);
		assert_int_equal(spec->n_rules, 0);
	}
}

static void test_malformed(void **state)
{
	(void)state;
	check_bad_cases(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/*
 * What json-c lets through and a profile must not hold (issue 10): each of these imported
 * before, the duplicate key as its last value, "read\u0000x" as read, the huge number as
 * 2^64-1, the malformed minKernel as met.
 */
#define HEAD "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ "
#define ARG(value)                                                                       \
	HEAD "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ " \
	     "{ \"index\": 0, \"value\": " value ", \"op\": \"SCMP_CMP_EQ\" } ] } ] }"
#define KERNEL(filter, version)                                                            \
	HEAD "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\", \"" filter "\": " \
	     "{ \"minKernel\": \"" version "\" } } ] }"
#define NUMBER_MSG(line_col, path, text)                     \
	SRC ": line 1, column " line_col ": " path ": " text \
	    " is not an integer from 0 to 18446744073709551615"
#define KERNEL_MSG(filter, version)                         \
	SRC ": syscalls[0]." filter ".minKernel: '" version \
	    "' is not a kernel version (expected MAJOR.MINOR, e.g. 4.8)"
#define CONFLICT_MSG                                                                            \
	SRC ": syscalls[1]: socket: another action than in syscalls[0], under conditions that " \
	    "contain or are contained in those"
#define SOCKET(action, args) \
	"{ \"names\": [ \"socket\" ], \"action\": \"" action "\", \"args\": [ " args " ] }"
#define A0_16    "{ \"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\" }"
#define A2_NOT_9 "{ \"index\": 2, \"value\": 9, \"op\": \"SCMP_CMP_NE\" }"

/* clang-format off */
static const struct bad_case strict_cases[] = {
	/* Duplicate keys, at any level, also when spelled with escapes. */
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ALLOW\" }",
	  SRC ": line 1, column 38: defaultAction: duplicate key" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"default\\u0041ction\": \"SCMP_ACT_ALLOW\" }",
	  SRC ": line 2, column 3: defaultAction: duplicate key" },
	{ HEAD "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ERRNO\", "
	  "\"action\": \"SCMP_ACT_ALLOW\" } ] }",
	  SRC ": line 1, column 103: syscalls[0].action: duplicate key" },
	{ ARG("1, \"value\": 2"),
	  SRC ": line 1, column 141: syscalls[0].args[0].value: duplicate key" },
	{ HEAD "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\", "
	  "\"includes\": { \"caps\": [], \"caps\": [ \"CAP_SYS_ADMIN\" ] } } ] }",
	  SRC ": line 1, column 129: syscalls[0].includes.caps: duplicate key" },
	/* NUL and control characters, in keys and in the strings we read. */
	{ HEAD "{ \"names\": [ \"read\\u0000x\" ], \"action\": \"SCMP_ACT_ALLOW\" } ] }",
	  SRC ": syscalls[0].names[0]: contains control character U+0000" },
	{ HEAD "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\\u001b\" } ] }",
	  SRC ": syscalls[0].action: contains control character U+001B" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\t\" }",
	  SRC ": defaultAction: contains control character U+0009" },
	{ "{ \"defaultAction\\u0000x\": \"SCMP_ACT_ALLOW\", \"defaultAction\": \"SCMP_ACT_ERRNO\" }",
	  SRC ": line 1, column 3: key contains control character U+0000" },
	{ HEAD "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\", "
	  "\"includes\": { \"arches\": [ \"amd64\\n\" ] } } ] }",
	  SRC ": syscalls[0].includes.arches[0]: contains control character U+000A" },
	/* Numbers: integers from 0 to 2^64-1, digits only. */
	{ ARG("99999999999999999999999"),
	  NUMBER_MSG("138", "syscalls[0].args[0].value", "99999999999999999999999") },
	{ ARG("18446744073709551616"),
	  NUMBER_MSG("138", "syscalls[0].args[0].value", "18446744073709551616") },
	{ ARG("-0"), NUMBER_MSG("138", "syscalls[0].args[0].value", "-0") },
	{ ARG("1.0"), NUMBER_MSG("138", "syscalls[0].args[0].value", "1.0") },
	{ ARG("1e3"), NUMBER_MSG("138", "syscalls[0].args[0].value", "1e3") },
	{ ARG("NaN"), NUMBER_MSG("138", "syscalls[0].args[0].value", "NaN") },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1 }",
	  NUMBER_MSG("57", "defaultErrnoRet", "-1") },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": Infinity }",
	  NUMBER_MSG("57", "defaultErrnoRet", "Infinity") },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 18446744073709551615 }",
	  SRC ": defaultErrnoRet: 18446744073709551615 is out of range (0-4095)" },
	{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"comment\": [ 2.5 ] }",
	  NUMBER_MSG("51", "comment[0]", "2.5") },
	/* minKernel is "MAJOR.MINOR", in includes and excludes, applying or not. */
	{ KERNEL("includes", "a.b.c"), KERNEL_MSG("includes", "a.b.c") },
	{ KERNEL("includes", "4.8.1"), KERNEL_MSG("includes", "4.8.1") },
	{ KERNEL("includes", "4"), KERNEL_MSG("includes", "4") },
	{ KERNEL("includes", "4."), KERNEL_MSG("includes", "4.") },
	{ KERNEL("includes", ".8"), KERNEL_MSG("includes", ".8") },
	{ KERNEL("includes", "+4.8"), KERNEL_MSG("includes", "+4.8") },
	{ KERNEL("includes", "256.0"), KERNEL_MSG("includes", "256.0") },
	{ KERNEL("includes", "0.0"), KERNEL_MSG("includes", "0.0") },
	{ KERNEL("includes", ""), KERNEL_MSG("includes", "") },
	{ KERNEL("excludes", "4.8-rc1"), KERNEL_MSG("excludes", "4.8-rc1") },
	/* Type mismatches in parts that did not decide whether the entry applies. */
	{ HEAD "{ \"names\": [ \"bpf\" ], \"action\": \"SCMP_ACT_ALLOW\", "
	  "\"includes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ], \"arches\": [ 1 ] } } ] }",
	  SRC ": syscalls[0].includes.arches[0]: expected string, got int" },
	{ HEAD "{ \"names\": [ \"bpf\" ], \"action\": \"SCMP_ACT_ALLOW\", "
	  "\"excludes\": { \"arches\": [ \"amd64\" ] }, \"includes\": { \"caps\": \"CAP_BPF\" } } ] }",
	  SRC ": syscalls[0].includes.caps: expected array, got string" },
	{ HEAD "{ \"names\": [ \"bpf\" ], \"action\": \"SCMP_ACT_ALLOW\", "
	  "\"excludes\": { \"arches\": [ \"amd64\" ], \"minKernel\": \"x\" } } ] }",
	  KERNEL_MSG("excludes", "x") },
	{ HEAD "{ \"names\": [ \"s390_sthyi\", 1 ], \"action\": \"SCMP_ACT_ALLOW\", "
	  "\"includes\": { \"arches\": [ \"s390x\" ] } } ] }",
	  SRC ": syscalls[0].names[1]: expected string, got int" },
	/* libseccomp refuses two comparisons of one argument in a rule: say so at import. */
	{ HEAD "{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ "
	  "{ \"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" }, "
	  "{ \"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
	  SRC ": syscalls[0].args[1].index: argument 1 is already compared by args[0]" },
	/* One syscall, two actions, conditions that contain one another (libseccomp: EEXIST or a
	 * rule silently dropped), in any order. */
	{ HEAD "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 2, "
	  "\"args\": [ { \"index\": 0, \"op\": \"SCMP_CMP_EQ\" } ] }, "
	  "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_ERRNO\", "
	  "\"args\": [ { \"index\": 0, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
	  CONFLICT_MSG },
	{ HEAD "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ "
	  "{ \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" }, "
	  "{ \"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_EQ\" } ] }, "
	  "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_LOG\", \"args\": [ "
	  "{ \"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_EQ\" }, "
	  "{ \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
	  CONFLICT_MSG },
	{ HEAD SOCKET("SCMP_ACT_ERRNO", A0_16 ", " A2_NOT_9) ", "
	  SOCKET("SCMP_ACT_ALLOW", A0_16) " ] }", CONFLICT_MSG },
	{ HEAD SOCKET("SCMP_ACT_ALLOW", A0_16) ", "
	  SOCKET("SCMP_ACT_ERRNO", A2_NOT_9 ", " A0_16) " ] }", CONFLICT_MSG },
	/* json-c's strict mode still takes a single-quoted key. */
	{ "{ 'defaultAction': \"SCMP_ACT_ALLOW\" }",
	  SRC ": line 1, column 3: bad JSON: single-quoted string" },
};
/* clang-format on */

static void test_strict(void **state)
{
	(void)state;
	check_bad_cases(strict_cases, sizeof(strict_cases) / sizeof(strict_cases[0]));
}

/* The largest value, 2^64-1, is still a value (json-c used to give it for anything larger). */
static void test_largest_value(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(import(ARG("18446744073709551615"), 0, &err), 0);
	assert_int_equal(spec->n_rules, 1);
	assert_true(spec->rules[0].args[0].value == UINT64_MAX);
}

/* The same conditions with the same action twice is no conflict (libseccomp takes both). */
static void test_same_rule_twice(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(import(HEAD
	                        "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_LOG\", "
	                        "\"args\": [ { \"index\": 0, \"op\": \"SCMP_CMP_EQ\" } ] }, "
	                        "{ \"names\": [ \"socket\" ], \"action\": \"SCMP_ACT_LOG\", "
	                        "\"args\": [ { \"index\": 0, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
	                        0, &err),
	                 0);
	assert_int_equal(count_rules("socket"), 2);
}

/*
 * The most rules with the most conditions (1024 x 6) fit, and still fit when the spec held
 * rules with conditions before (a profile replaces the filter derived from the entitlements):
 * an import starts from an empty pool of conditions.
 */
static void test_most_conditions(void **state)
{
	size_t cap = 1 << 20, len = 0;
	struct rt_err err = { 0 };
	char *json = malloc(cap);

	(void)state;
	assert_non_null(json);
	len += (size_t)snprintf(json + len, cap - len, HEAD);
	for (unsigned i = 0; i < ENT_MAX_RULES; i++) {
		len += (size_t)snprintf(
		        json + len, cap - len,
		        "%s{ \"names\": [ \"read\" ], \"action\": \"SCMP_ACT_ALLOW\", "
		        "\"args\": [",
		        i ? ", " : "");
		for (unsigned a = 0; a < ENT_MAX_ARGS; a++)
			len += (size_t)snprintf(json + len, cap - len,
			                        "%s{ \"index\": %u, \"value\": %u, \"op\": "
			                        "\"SCMP_CMP_EQ\" }",
			                        a ? ", " : "", a, i);
		len += (size_t)snprintf(json + len, cap - len, "] }");
	}
	len += (size_t)snprintf(json + len, cap - len, " ] }");
	assert_true(len < cap);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(import(json, 0, &err), 0);
		assert_int_equal(spec->n_rules, ENT_MAX_RULES);
		assert_true(spec->rules[ENT_MAX_RULES - 1].n_args == ENT_MAX_ARGS &&
		            spec->rules[ENT_MAX_RULES - 1].args[5].value == ENT_MAX_RULES - 1);
	}
	free(json);
}

/*
 * minKernel as Docker reads it: an includes applies from that kernel on, an excludes drops the
 * entry from that kernel on; major and minor are compared as numbers (6.9 is older than 6.18).
 */
static void test_min_kernel(void **state)
{
	static const struct {
		const char *filter, *version;
		unsigned major, minor;
		bool applies;
	} cases[] = {
		{ "includes", "4.8", 6, 18, true },   { "includes", "6.18", 6, 18, true },
		{ "includes", "6.19", 6, 18, false }, { "includes", "99.0", 6, 18, false },
		{ "includes", "6.18", 6, 9, false },  { "includes", "6.9", 6, 18, true },
		{ "excludes", "4.8", 6, 18, false },  { "excludes", "6.18", 6, 18, false },
		{ "excludes", "6.19", 6, 18, true },  { "excludes", "7.0", 6, 18, true },
	};
	char json[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rt_err err = { 0 };

		snprintf(json, sizeof(json), KERNEL("%s", "%s"), cases[i].filter, cases[i].version);
		assert_int_equal(import_on(json, 0, cases[i].major, cases[i].minor, &err), 0);
		if ((find_rule("read") >= 0) != cases[i].applies)
			fail_msg("%s minKernel %s on %u.%u: applies %d", cases[i].filter,
			         cases[i].version, cases[i].major, cases[i].minor,
			         !cases[i].applies);
	}
}

/* Without the running kernel's version, a minKernel cannot be decided: an error, not a guess. */
static void test_min_kernel_unknown(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(import_on(KERNEL("includes", "4.8"), 0, 0, 0, &err), -1);
	assert_string_equal(err.msg, "seccomp profile " SRC ": syscalls[0].includes.minKernel: "
	                             "the running kernel's version is unknown");
	assert_int_equal(import_on(ARG("1"), 0, 0, 0, &err), 0);
}

/* Docker's own profile has "subArchitectures": null: null is absent, as for Go. */
static void test_null_is_absent(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(import("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [ "
	                        "{ \"architecture\": \"SCMP_ARCH_RISCV64\", "
	                        "\"subArchitectures\": null } ], \"syscalls\": null }",
	                        0, &err),
	                 0);
	assert_int_equal(spec->n_rules, 0);
}

static void test_empty_and_huge(void **state)
{
	struct ent_seccomp_host host = { .kernel_major = 6, .kernel_minor = 18 };
	struct rt_err err = { 0 };
	size_t big = ENT_SECCOMP_JSON_MAX + 1;
	char *huge = malloc(big);

	(void)state;
	assert_int_equal(ent_seccomp_import_json("", 0, SRC, &host, spec, &err), -1);
	assert_string_equal(err.msg, "seccomp profile " SRC ": empty file");
	assert_non_null(huge);
	memset(huge, ' ', big);
	assert_int_equal(ent_seccomp_import_json(huge, big, SRC, &host, spec, &err), -1);
	assert_string_equal(err.msg, "seccomp profile " SRC
	                             ": too large (4194305 bytes, the limit is 4 MiB)");
	free(huge);
}

/*
 * One table names the actions and operators (entitlements/names.c): every name it gives reads
 * back as its own value, and spec writes the same names.
 */
static void test_names_round_trip(void **state)
{
	struct rt_err err = { 0 };
	char json[512];

	(void)state;
	for (unsigned a = 0; a < LOCKDOWN_N_ACTIONS; a++) {
		for (unsigned op = 0; op < LOCKDOWN_N_CMPS && a != LOCKDOWN_NOTIFY; op++) {
			snprintf(json, sizeof(json),
			         "{ \"defaultAction\": \"%s\", \"syscalls\": [ { \"names\": "
			         "[ \"personality\" ], \"action\": \"%s\", \"args\": [ "
			         "{ \"index\": 0, \"value\": 8, \"op\": \"%s\" } ] } ] }",
			         a == LOCKDOWN_ALLOW ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW",
			         ent_seccomp_action_name(a), ent_seccomp_op_name(op));
			assert_int_equal(import(json, 0, &err), 0);
			assert_int_equal(spec->n_rules, 1);
			assert_int_equal(spec->rules[0].action, a);
			assert_int_equal(spec->rules[0].args[0].op, op);
		}
	}
	assert_string_equal(ent_seccomp_action_name(LOCKDOWN_KILL_THREAD), "SCMP_ACT_KILL_THREAD");
	assert_null(ent_seccomp_action_name(LOCKDOWN_N_ACTIONS));
	assert_null(ent_seccomp_op_name(LOCKDOWN_N_CMPS));
	/* The alias reads as KILL_THREAD. */
	assert_int_equal(import("{ \"defaultAction\": \"SCMP_ACT_KILL\" }", 0, &err), 0);
	assert_int_equal(spec->default_action, LOCKDOWN_KILL_THREAD);
}

static void test_deep_nesting(void **state)
{
	struct rt_err err = { 0 };
	char json[200];

	(void)state;
	memset(json, '[', sizeof(json) - 1);
	json[sizeof(json) - 1] = '\0';
	assert_int_equal(import(json, 0, &err), -1);
	assert_string_equal(err.msg, "seccomp profile " SRC
	                             ": line 1, column 33: bad JSON: nesting too deep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oci_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker_without_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker_with_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_syscalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_name_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_largest_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_rule_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_most_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_min_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_min_kernel_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_is_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
