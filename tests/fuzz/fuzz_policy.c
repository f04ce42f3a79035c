/*
 * tests/fuzz/fuzz_policy.c - a node policy file (/etc/ent-run/policy): ent_policy_parse().
 */
#include "tests/fuzz/fuzz.h"

#include "entitlements/ent.h"
#include "entitlements/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ent_policy policy;
	static struct ent_grant_req req;
	struct rt_err err = { 0 };
	char *text = fuzz_string(data, size);
	int rc;

	memset(&policy, 0, sizeof(policy));
	rc = ent_policy_parse(text, "/etc/ent-run/policy", &policy, &err);
	fuzz_check_result(rc, &err);
	if (rc == 0) {
		FUZZ_CHECK(policy.n_entitlements <= ENT_POLICY_MAX);
		FUZZ_CHECK(policy.n_profiles <= ENT_POLICY_MAX);
		FUZZ_CHECK(policy.n_seccomp <= ENT_POLICY_MAX);
		(void)ent_policy_allows_seccomp(&policy, "localhost/strict.json");
		/* What the policy holds is what the checks compare with: canonical and plain. */
		for (unsigned i = 0; i < policy.n_entitlements; i++) {
			FUZZ_CHECK(ent_parse(policy.entitlements[i], &req, &err) == 0);
			FUZZ_CHECK(!strcmp(req.text, policy.entitlements[i]));
		}
		for (unsigned i = 0; i < policy.n_profiles; i++)
			FUZZ_CHECK(ent_profile_name_valid(policy.profiles[i]));
		for (unsigned i = 0; i < policy.n_volumes; i++)
			FUZZ_CHECK(fuzz_plain_path(policy.volumes[i].path));
		for (unsigned i = 0; i < policy.n_rootfs; i++)
			FUZZ_CHECK(fuzz_plain_path(policy.rootfs[i]));
	}
	free(text);
	return 0;
}
