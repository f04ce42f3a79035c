/*
 * tests/unit/test_ent_parse.c - the entitlement parser: every accepted form, every alias, and
 * every error with its exact one-line message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"

static struct ent_grant_req req;

/* clang-format off */
static const struct { const char *text, *canonical; } valid[] = {
	{ "network.access=none",          "network.access=none" },
	{ "network.access=host",          "network.access=host" },
	{ "security.access=viewer",       "security.access=viewer" },
	{ "security.fs=read-only",        "security.fs=read-only" },
	{ "security.memory-lock",         "security.memory-lock" },
	{ "host.devices.access=view",     "host.devices.access=view" },
	{ "host.devices.allow=/dev/kvm",  "host.devices.allow=/dev/kvm" },
	{ "host.devices.allow=/dev/dri/card0", "host.devices.allow=/dev/dri/card0" },
	{ "host.processes.access=admin",  "host.processes.access=admin" },
	{ "network.none",                 "network.access=none" },
	{ "network.user",                 "network.access=user" },
	{ "network.proxy",                "network.access=proxy" },
	{ "network.admin",                "network.access=admin" },
	{ "security.confined",            "security.access=confined" },
	{ "security.view",                "security.access=viewer" },
	{ "security.admin",               "security.access=admin" },
	{ "security.fs-read-only",        "security.fs=read-only" },
	{ "host.devices.none",            "host.devices.access=none" },
	{ "host.devices.view",            "host.devices.access=view" },
	{ "host.devices.admin",           "host.devices.access=admin" },
	{ "host.processes.none",          "host.processes.access=none" },
	{ "host.processes.admin",         "host.processes.access=admin" },
};

#define DOMAINS "network.access, security.access, security.fs, security.memory-lock, " \
		"host.devices.access, host.devices.allow, host.processes.access"
#define NET_VALUES "none, confined, user, proxy, admin, host"

static const struct { const char *text, *msg; } errors[] = {
	{ "network.access=proxi",
	  "entitlements: unknown value 'proxi' for network.access (expected: " NET_VALUES ")" },
	{ "security.access=root",
	  "entitlements: unknown value 'root' for security.access (expected: confined, viewer, "
	  "user, admin)" },
	{ "network.acess=proxy",
	  "entitlements: unknown entitlement 'network.acess=proxy' (did you mean "
	  "network.access=proxy?)" },
	{ "netwrok.access=user",
	  "entitlements: unknown entitlement 'netwrok.access=user' (did you mean "
	  "network.access=user?)" },
	{ "host.devices.alow=/dev/kvm",
	  "entitlements: unknown entitlement 'host.devices.alow=/dev/kvm' (did you mean "
	  "host.devices.allow=/dev/kvm?)" },
	{ "network.nne",
	  "entitlements: unknown entitlement 'network.nne' (did you mean network.none?)" },
	{ "security.memory-lok",
	  "entitlements: unknown entitlement 'security.memory-lok' (did you mean "
	  "security.memory-lock?)" },
	{ "network.acces",
	  "entitlements: unknown entitlement 'network.acces' (did you mean "
	  "network.access=VALUE?)" },
	{ "gpu.access=all",
	  "entitlements: unknown entitlement 'gpu.access=all' (domains: " DOMAINS ")" },
	{ "privileged",
	  "entitlements: unknown entitlement 'privileged' (domains: " DOMAINS ")" },
	{ "network.access=",
	  "entitlements: empty value in 'network.access='" },
	{ "host.devices.allow=",
	  "entitlements: empty value in 'host.devices.allow='" },
	{ "",
	  "entitlements: empty entitlement (expected KEY=VALUE, e.g. network.access=proxy)" },
	{ "network.access",
	  "entitlements: missing '=' in 'network.access' (expected network.access=VALUE; "
	  "values: " NET_VALUES ")" },
	{ "security.fs",
	  "entitlements: missing '=' in 'security.fs' (expected security.fs=VALUE; values: "
	  "read-only, read-write)" },
	{ "host.devices.allow",
	  "entitlements: missing '=' in 'host.devices.allow' (expected host.devices.allow=PATH; "
	  "values: a device path under /dev/, e.g. /dev/kvm)" },
	{ "security.memory-lock=yes",
	  "entitlements: security.memory-lock takes no value in 'security.memory-lock=yes' "
	  "(write security.memory-lock)" },
	{ "network.none=1",
	  "entitlements: network.none takes no value in 'network.none=1' (write network.none)" },
	{ "host.devices.allow=dev/kvm",
	  "entitlements: host.devices.allow needs an absolute path, got 'dev/kvm' (e.g. "
	  "/dev/kvm)" },
	{ "host.devices.allow=/etc/shadow",
	  "entitlements: host.devices.allow path '/etc/shadow' is not a device (expected a path "
	  "under /dev/, e.g. /dev/kvm)" },
	{ "host.devices.allow=/dev",
	  "entitlements: host.devices.allow path '/dev' is not a device (expected a path under "
	  "/dev/, e.g. /dev/kvm)" },
	{ "host.devices.allow=/dev/../etc/shadow",
	  "entitlements: host.devices.allow path '/dev/../etc/shadow' has a '.' or '..' "
	  "component" },
	{ "host.devices.allow=/dev/./kvm",
	  "entitlements: host.devices.allow path '/dev/./kvm' has a '.' or '..' component" },
	{ "host.devices.allow=/dev//kvm",
	  "entitlements: host.devices.allow path '/dev//kvm' has an empty component" },
	{ "host.devices.allow=/dev/",
	  "entitlements: host.devices.allow path '/dev/' has an empty component" },
	{ "host.devices.allow=/dev/net/",
	  "entitlements: host.devices.allow path '/dev/net/' has an empty component" },
};
/* clang-format on */

static void test_valid_forms(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if (ent_parse(valid[i].text, &req, &err) < 0)
			fail_msg("'%s': %s", valid[i].text, err.msg);
		assert_string_equal(req.text, valid[i].canonical);
		assert_non_null(req.entry);
	}
}

static void test_every_row_parses_by_its_name(void **state)
{
	struct rt_err err = { 0 };
	char name[128];

	(void)state;
	for (size_t i = 0; i < ent_n_entries; i++) {
		if (ent_entries[i].kind == ENT_KIND_PATH)
			continue;
		ent_entry_name(&ent_entries[i], name, sizeof(name));
		assert_int_equal(ent_parse(name, &req, &err), 0);
		assert_ptr_equal(req.entry, &ent_entries[i]);
		assert_string_equal(req.text, name);
	}
}

/* An alias and the canonical name it stands for parse to the very same row and text. */
static void test_alias_equivalence(void **state)
{
	struct ent_grant_req canon;
	struct rt_err err = { 0 };
	char name[128];

	(void)state;
	for (size_t i = 0; i < ent_n_aliases; i++) {
		const struct ent_alias *a = &ent_aliases[i];

		if (a->value)
			snprintf(name, sizeof(name), "%s=%s", a->key, a->value);
		else
			snprintf(name, sizeof(name), "%s", a->key);
		assert_int_equal(ent_parse(a->alias, &req, &err), 0);
		assert_int_equal(ent_parse(name, &canon, &err), 0);
		assert_ptr_equal(req.entry, canon.entry);
		assert_string_equal(req.text, canon.text);
	}
}

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct rt_err err = { 0 };

		if (ent_parse(errors[i].text, &req, &err) != -1)
			fail_msg("'%s' parsed, expected an error", errors[i].text);
		assert_string_equal(err.msg, errors[i].msg);
		assert_null(strchr(err.msg, '\n'));
		assert_int_equal(err.errnum, 0);
	}
}

static void test_long_inputs(void **state)
{
	static char text[ENT_PATH_MAX + 64];
	struct rt_err err = { 0 };

	(void)state;
	/* A device path longer than PATH_MAX is refused, not truncated. */
	strcpy(text, "host.devices.allow=/dev/");
	memset(text + strlen(text), 'a', ENT_PATH_MAX);
	assert_int_equal(ent_parse(text, &req, &err), -1);
	assert_non_null(strstr(err.msg, "path too long"));
	/* A long unknown key gets no suggestion, and the message stays one line. */
	memset(text, 'x', 300);
	text[300] = '\0';
	assert_int_equal(ent_parse(text, &req, &err), -1);
	assert_non_null(strstr(err.msg, "unknown entitlement"));
	assert_null(strchr(err.msg, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_forms),
		cmocka_unit_test(test_every_row_parses_by_its_name),
		cmocka_unit_test(test_alias_equivalence),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
