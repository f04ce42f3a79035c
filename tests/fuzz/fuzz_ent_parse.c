/*
 * tests/fuzz/fuzz_ent_parse.c - one entitlement as typed (`-e KEY=VALUE`, a profile line):
 * ent_parse(). What parses must print a canonical text that parses to the same entry.
 */
#include "tests/fuzz/fuzz.h"

#include "entitlements/ent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ent_grant_req req, again;
	struct rt_err err = { 0 };
	char *text = fuzz_string(data, size);
	int rc = ent_parse(text, &req, &err);

	fuzz_check_result(rc, &err);
	if (rc == 0) {
		FUZZ_CHECK(req.entry != NULL);
		FUZZ_CHECK(ent_parse(req.text, &again, &err) == 0);
		FUZZ_CHECK(again.entry == req.entry);
		FUZZ_CHECK(strcmp(again.text, req.text) == 0);
		FUZZ_CHECK(strcmp(again.path, req.path) == 0);
		/* host.devices.allow=PATH: a plain path under /dev/ (DESIGN: its form only). */
		if (req.path[0])
			FUZZ_CHECK(!strncmp(req.path, "/dev/", 5) && fuzz_plain_path(req.path));
	}
	free(text);
	return 0;
}
