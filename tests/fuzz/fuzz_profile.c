/*
 * tests/fuzz/fuzz_profile.c - a profile file (/etc/ent-run/profiles/NAME): ent_profile_parse().
 * Every entitlement of a profile that parses must parse on its own.
 */
#include "tests/fuzz/fuzz.h"

#include "entitlements/ent.h"
#include "entitlements/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ent_profile profile;
	static struct ent_grant_req req;
	struct rt_err err = { 0 };
	char *text = fuzz_string(data, size);
	int rc;

	/* The same bytes as a profile name (what -p NAME looks up). */
	(void)ent_profile_name_valid(text);
	rc = ent_profile_parse("fuzz", text, "/etc/ent-run/profiles/fuzz", &profile, &err);
	fuzz_check_result(rc, &err);
	if (rc == 0) {
		FUZZ_CHECK(profile.n <= ENT_PROFILE_MAX);
		for (unsigned i = 0; i < profile.n; i++) {
			FUZZ_CHECK(ent_parse(profile.entitlements[i], &req, &err) == 0);
			FUZZ_CHECK(!strcmp(req.text, profile.entitlements[i]));
		}
	}
	free(text);
	return 0;
}
