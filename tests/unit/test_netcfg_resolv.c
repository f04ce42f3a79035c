/*
 * tests/unit/test_netcfg_resolv.c - the container's resolv.conf: loopback nameservers dropped,
 * the rest kept in order, systemd-resolved's stub recognised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netcfg/internal.h"

static void test_keeps_reachable(void **state)
{
	char out[512];
	unsigned kept;

	(void)state;
	assert_int_equal(netcfg_resolv_filter("# comment\n"
	                                      "nameserver 10.255.255.53\n"
	                                      "search example.org\n"
	                                      "nameserver 2001:db8::53\n"
	                                      "options edns0 trust-ad\n"
	                                      "sortlist 130.155.160.0\n",
	                                      out, sizeof(out), &kept),
	                 0);
	assert_int_equal(kept, 2);
	assert_string_equal(out, "nameserver 10.255.255.53\n"
	                         "search example.org\n"
	                         "nameserver 2001:db8::53\n"
	                         "options edns0 trust-ad\n");
}

static void test_drops_loopback(void **state)
{
	char out[512];
	unsigned kept;

	(void)state;
	assert_int_equal(netcfg_resolv_filter("nameserver 127.0.0.53\n"
	                                      "nameserver 127.0.1.1\n"
	                                      "nameserver ::1\n"
	                                      "\n"
	                                      "nameserver 192.0.2.53",
	                                      out, sizeof(out), &kept),
	                 0);
	assert_int_equal(kept, 1);
	assert_string_equal(out, "nameserver 192.0.2.53\n");
	assert_int_equal(netcfg_resolv_filter("nameserver 127.0.0.53\noptions edns0\n", out,
	                                      sizeof(out), &kept),
	                 0);
	assert_int_equal(kept, 0); /* --verbose says names will not resolve */
	assert_string_equal(out, "options edns0\n");
}

static void test_empty_and_small(void **state)
{
	char out[16];
	unsigned kept;

	(void)state;
	assert_int_equal(netcfg_resolv_filter("", out, sizeof(out), &kept), 0);
	assert_string_equal(out, "");
	assert_int_equal(kept, 0);
	assert_int_equal(netcfg_resolv_filter("nameserver 192.0.2.53\n", out, sizeof(out), &kept),
	                 -1);
}

static void test_stub(void **state)
{
	(void)state;
	assert_true(netcfg_resolv_uses_stub("# systemd-resolved\nnameserver 127.0.0.53\n"));
	assert_true(netcfg_resolv_uses_stub("nameserver\t127.0.0.53"));
	assert_false(netcfg_resolv_uses_stub("nameserver 127.0.0.1\n"));
	assert_false(netcfg_resolv_uses_stub("nameserver\n127.0.0.53\n"));
	assert_false(netcfg_resolv_uses_stub(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_reachable),
		cmocka_unit_test(test_drops_loopback),
		cmocka_unit_test(test_empty_and_small),
		cmocka_unit_test(test_stub),
	};

	return cmocka_run_group_tests_name("netcfg_resolv", tests, NULL, NULL);
}
