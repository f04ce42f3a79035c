/*
 * tests/fuzz/fuzz_cli.c - the command line: rt_cli_parse(). The input is the arguments after
 * "ent-run", separated by NUL bytes ("explain\0-e\0network.access=proxy").
 */
#include "tests/fuzz/fuzz.h"

#include "runtime/cli.h"

#define MAX_ARGS 200 /* past every "given too often" limit (64) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rt_options opts;
	char *argv[MAX_ARGS + 2];
	struct rt_err err = { 0 };
	char *text = fuzz_string(data, size);
	int argc = fuzz_argv(text, size, argv, MAX_ARGS), rc;

	memset(&opts, 0, sizeof(opts));
	rc = rt_cli_parse(argc, argv, &opts, &err);
	fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || err.errnum == 0); /* pure: a bad command line is no system error */
	if (rc == 0 && !opts.help && !opts.version && opts.command == RT_CMD_RUN) {
		FUZZ_CHECK(opts.rootfs != NULL);
		FUZZ_CHECK(opts.req.argv != NULL && opts.req.argv[0] != NULL);
	}
	rt_cli_free(&opts);
	free(text);
	return 0;
}
