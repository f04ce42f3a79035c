/*
 * tests/fuzz/fuzz_seccomp_json.c - an OCI or Docker seccomp profile (`--seccomp
 * localhost/NAME`): ent_seccomp_import_json(), for a container without capabilities and for
 * one with all of them, on Linux 6.18. What imports must fit the plan's limits, and
 * libseccomp must build a filter of it (exported as text to /dev/null, not loaded).
 */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>

#include "entitlements/seccomp_json.h"
#include "runtime/lockdown.h"

static void check(const uint8_t *data, size_t size, uint64_t caps, struct lockdown_spec *spec)
{
	static int null = -1;
	struct ent_seccomp_host host = { .caps = caps, .kernel_major = 6, .kernel_minor = 18 };
	struct rt_err err = { 0 };
	int rc;

	rc = ent_seccomp_import_json((const char *)data, size, "fuzz.json", &host, spec, &err);
	fuzz_check_result(rc, &err);
	if (rc < 0) {
		FUZZ_CHECK(spec->n_rules == 0);
		FUZZ_CHECK(!strncmp(err.msg, "seccomp profile fuzz.json: ", 27));
		return;
	}
	FUZZ_CHECK(spec->seccomp_mode == LOCKDOWN_SECCOMP_FILTER);
	FUZZ_CHECK(spec->n_rules <= ENT_MAX_RULES);
	for (unsigned i = 0; i < spec->n_rules; i++) {
		FUZZ_CHECK(spec->rules[i].syscall[0] != '\0');
		FUZZ_CHECK(spec->rules[i].n_args <= ENT_MAX_ARGS);
		for (unsigned a = 0; a < spec->rules[i].n_args; a++)
			FUZZ_CHECK(spec->rules[i].args[a].index <= 5);
	}
	if (null < 0)
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	FUZZ_CHECK(null >= 0);
	rc = lockdown_filter_export_pfc(spec, null, &err);
	if (rc < 0)
		fprintf(stderr, "accepted, but no filter: %s\n", err.msg);
	FUZZ_CHECK(rc == 0);
}

/* The rules and their strings are allocated (entitlements/plan.c): freed after each run. */
static void import(const uint8_t *data, size_t size, uint64_t caps)
{
	static struct lockdown_spec spec;

	memset(&spec, 0, sizeof(spec));
	check(data, size, caps, &spec);
	ent_lockdown_free(&spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	import(data, size, 0);
	import(data, size, ~0ull);
	return 0;
}
