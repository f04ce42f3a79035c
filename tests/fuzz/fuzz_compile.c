/*
 * tests/fuzz/fuzz_compile.c - what comes after the command line: a request that
 * rt_cli_parse() accepts is compiled into a plan (ent_compile) and printed as explain (text,
 * JSON, --why) and spec do, to /dev/null. The input is the same as fuzz_cli's: arguments
 * after "ent-run", separated by NUL bytes. A seccomp profile is left out (runtime/ reads it;
 * fuzz_seccomp_json covers it). Slower than fuzz_cli (a plan is 1.5 MB), hence its own target.
 */
#include "tests/fuzz/fuzz.h"

#include "entitlements/ent.h"
#include "entitlements/explain.h"
#include "entitlements/spec.h"
#include "runtime/cli.h"

#define MAX_ARGS 200

static void compile_and_print(struct rt_options *opts)
{
	static FILE *null;
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);
	int rc;

	if (!null)
		null = fopen("/dev/null", "we");
	FUZZ_CHECK(plan != NULL && null != NULL);
	if (opts->req.seccomp_ref && !strncmp(opts->req.seccomp_ref, "localhost/", 10))
		opts->req.seccomp_ref = NULL;
	rc = ent_compile(&opts->req, plan, &err);
	fuzz_check_result(rc, &err);
	if (rc == 0) {
		fuzz_check_result(ent_explain_print(null, plan, false, &err), &err);
		fuzz_check_result(ent_explain_print(null, plan, true, &err), &err);
		fuzz_check_result(ent_spec_print(null, plan, &err), &err);
		if (opts->why)
			fuzz_check_result(ent_explain_why(null, plan, opts->why, &err), &err);
	}
	ent_plan_free(plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rt_options opts;
	char *argv[MAX_ARGS + 2];
	struct rt_err err = { 0 };
	char *text = fuzz_string(data, size);
	int argc = fuzz_argv(text, size, argv, MAX_ARGS);

	memset(&opts, 0, sizeof(opts));
	if (rt_cli_parse(argc, argv, &opts, &err) == 0 && !opts.help && !opts.version)
		compile_and_print(&opts);
	rt_cli_free(&opts);
	free(text);
	return 0;
}
