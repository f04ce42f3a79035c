/*
 * tests/unit/test_netcfg_pool.c - the address pool: CIDR parsing, the ranges no pool may
 * overlap, overlap arithmetic, block arithmetic, exhaustion bounds, container names, --publish
 * host addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>

#include "netcfg/internal.h"
#include "netcfg/netcfg.h"

static struct rt_err err;

static void test_parse_default(void **state)
{
	struct netcfg_pool pool;
	char buf[NETCFG_ADDR_STRLEN];

	(void)state;
	assert_int_equal(netcfg_pool_parse("10.88.0.0/16", &pool, &err), 0);
	assert_string_equal(netcfg_addr_str(pool.net, buf), "10.88.0.0");
	assert_int_equal(pool.prefix_len, 16);
	assert_int_equal(netcfg_pool_blocks(&pool), 16384);
}

static void test_parse_sizes(void **state)
{
	struct netcfg_pool pool;

	(void)state;
	assert_int_equal(netcfg_pool_parse("192.168.5.0/24", &pool, &err), 0);
	assert_int_equal(netcfg_pool_blocks(&pool), 64);
	assert_int_equal(netcfg_pool_parse("10.89.0.4/30", &pool, &err), 0);
	assert_int_equal(netcfg_pool_blocks(&pool), 1); /* one container, then exhausted */
	assert_int_equal(netcfg_pool_parse("100.64.0.0/10", &pool, &err), 0);
	assert_int_equal(netcfg_pool_blocks(&pool), 1U << 20);
}

/* Special-purpose ranges: refused whatever the host looks like, and named. */
static void test_parse_reserved(void **state)
{
	static const struct {
		const char *cidr, *overlap;
	} cases[] = {
		{ "169.254.169.252/30", "169.254.0.0/16 (link-local, where cloud metadata services "
		                        "answer)" },
		{ "169.0.0.0/8", "169.254.0.0/16 (link-local, where cloud metadata services "
		                 "answer)" },
		{ "127.0.0.0/30", "127.0.0.0/8 (loopback)" },
		{ "0.0.0.0/0", "0.0.0.0/8 (\"this network\")" },
		{ "0.1.2.0/24", "0.0.0.0/8 (\"this network\")" },
		{ "224.0.0.0/30", "224.0.0.0/4 (multicast)" },
		{ "239.255.0.0/16", "224.0.0.0/4 (multicast)" },
		{ "240.0.0.0/30", "240.0.0.0/4 (reserved, and the broadcast address)" },
		{ "255.255.255.252/30", "240.0.0.0/4 (reserved, and the broadcast address)" },
		{ "128.0.0.0/1",
		  "169.254.0.0/16 (link-local, where cloud metadata services answer)" },
	};
	struct netcfg_pool pool;
	char want[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "netcfg: --subnet '%s' overlaps %s", cases[i].cidr,
		         cases[i].overlap);
		assert_int_equal(netcfg_pool_parse(cases[i].cidr, &pool, &err), -1);
		assert_string_equal(err.msg, want);
		assert_int_equal(netcfg_subnet_check(cases[i].cidr, &err), -1);
		assert_string_equal(err.msg, want);
	}
	/* Right next to them: allowed. */
	assert_int_equal(netcfg_subnet_check("1.0.0.0/30", &err), 0);
	assert_int_equal(netcfg_subnet_check("126.255.255.252/30", &err), 0);
	assert_int_equal(netcfg_subnet_check("128.0.0.0/30", &err), 0);
	assert_int_equal(netcfg_subnet_check("169.253.255.252/30", &err), 0);
	assert_int_equal(netcfg_subnet_check("169.255.0.0/16", &err), 0);
	assert_int_equal(netcfg_subnet_check("223.255.255.252/30", &err), 0);
}

static void test_overlap(void **state)
{
	static const struct netcfg_range host[] = {
		{ 0xc0000202, 32, "the host's address 192.0.2.2 (eth0)" },
		{ 0x0a630000, 16, "the host's route 10.99.0.0/16 dev eth1 table 100" },
	};

	(void)state;
	assert_true(netcfg_overlap(0x0a580000, 16, 0x0a580004, 30));  /* contains */
	assert_true(netcfg_overlap(0x0a580004, 30, 0x0a580000, 16));  /* is contained */
	assert_true(netcfg_overlap(0x0a580004, 30, 0x0a580004, 30));  /* equal */
	assert_false(netcfg_overlap(0x0a580004, 30, 0x0a580008, 30)); /* neighbours */
	assert_false(netcfg_overlap(0x0a580000, 16, 0x0a590000, 16));
	assert_true(netcfg_overlap(0, 0, 0xdeadbeef, 32)); /* /0 holds everything */
	/* 192.0.2.0/30 holds the host's address: its gateway would become local. */
	assert_ptr_equal(netcfg_range_find(host, 2, 0xc0000200, 30), &host[0]);
	assert_null(netcfg_range_find(host, 2, 0xc0000204, 30));
	assert_ptr_equal(netcfg_range_find(host, 2, 0x0a630100, 24), &host[1]);
	assert_ptr_equal(netcfg_range_find(host, 2, 0x0a000000, 8), &host[1]);
	assert_null(netcfg_range_find(host, 2, 0x0a580000, 16));
	assert_null(netcfg_range_find(host, 0, 0x0a630100, 24));
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = { "10.88.0.0",    "10.88.0.0/",    "10.88.0.0/31",
		                           "10.88.0.0/33", "10.88.0/16",    "fd00::/64",
		                           "10.88.0.0/x",  "10.88.0.0/16x", "" };
	struct netcfg_pool pool;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(netcfg_pool_parse(bad[i], &pool, &err), -1);
		assert_non_null(strstr(err.msg, "is not an IPv4 CIDR block of /30 or larger"));
	}
	assert_int_equal(netcfg_pool_parse("10.88.0.1/16", &pool, &err), -1);
	assert_string_equal(err.msg, "netcfg: --subnet '10.88.0.1/16' has host bits set (did you "
	                             "mean 10.88.0.0/16?)");
}

static void test_blocks(void **state)
{
	struct netcfg_pool pool;
	struct netcfg_block b;
	char base[NETCFG_ADDR_STRLEN], gw[NETCFG_ADDR_STRLEN], addr[NETCFG_ADDR_STRLEN];

	(void)state;
	assert_int_equal(netcfg_pool_parse("10.88.0.0/16", &pool, &err), 0);
	netcfg_pool_block(&pool, 0, &b);
	assert_string_equal(netcfg_addr_str(b.base, base), "10.88.0.0");
	assert_string_equal(netcfg_addr_str(b.gateway, gw), "10.88.0.1");
	assert_string_equal(netcfg_addr_str(b.addr, addr), "10.88.0.2");
	netcfg_pool_block(&pool, 1, &b);
	assert_string_equal(netcfg_addr_str(b.addr, addr), "10.88.0.6");
	netcfg_pool_block(&pool, 64, &b); /* crosses into the next /24 */
	assert_string_equal(netcfg_addr_str(b.base, base), "10.88.1.0");
	netcfg_pool_block(&pool, netcfg_pool_blocks(&pool) - 1, &b); /* the last block */
	assert_string_equal(netcfg_addr_str(b.base, base), "10.88.255.252");
	assert_string_equal(netcfg_addr_str(b.addr, addr), "10.88.255.254");
}

static void test_names(void **state)
{
	char name[NETCFG_NAME_MAX];

	(void)state;
	assert_int_equal(netcfg_name(1234, name, sizeof(name)), 0);
	assert_string_equal(name, "ent-1234");
	/* The largest pid (PID_MAX_LIMIT, 2^22) still fits an interface name. */
	assert_int_equal(netcfg_name(4194304, name, sizeof(name)), 0);
	assert_string_equal(name, "ent-4194304");
	assert_true(strlen(name) < IFNAMSIZ);
	assert_int_equal(netcfg_name(1234, name, 6), -1);
}

static void test_publish_check(void **state)
{
	struct netcfg_publish p = { .host_ip = "", .host_port = 8080, .port = 80 };

	(void)state;
	assert_int_equal(netcfg_publish_check(&p, &err), 0);
	strcpy(p.host_ip, "127.0.0.1");
	assert_int_equal(netcfg_publish_check(&p, &err), 0);
	strcpy(p.host_ip, "localhost");
	assert_int_equal(netcfg_publish_check(&p, &err), -1);
	assert_string_equal(err.msg, "netcfg: --publish localhost:8080:80: 'localhost' is not an "
	                             "IPv4 address");
	strcpy(p.host_ip, "224.0.0.1");
	assert_int_equal(netcfg_publish_check(&p, &err), -1);
	assert_string_equal(err.msg, "netcfg: --publish 224.0.0.1:8080:80: '224.0.0.1' is a "
	                             "multicast or broadcast address, not one of the host's");
	strcpy(p.host_ip, "255.255.255.255");
	assert_int_equal(netcfg_publish_check(&p, &err), -1);
}

static void test_publish_str(void **state)
{
	struct netcfg_publish p = {
		.host_ip = "", .host_port = 8080, .port = 80, .protocol = IPPROTO_TCP
	};
	char buf[NETCFG_PUBLISH_STRLEN];

	(void)state;
	assert_string_equal(netcfg_publish_str(&p, buf, sizeof(buf)), "8080:80");
	strcpy(p.host_ip, "127.0.0.1");
	p.protocol = IPPROTO_UDP;
	assert_string_equal(netcfg_publish_str(&p, buf, sizeof(buf)), "127.0.0.1:8080:80/udp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_default), cmocka_unit_test(test_parse_sizes),
		cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_parse_reserved),
		cmocka_unit_test(test_overlap),       cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_names),         cmocka_unit_test(test_publish_check),
		cmocka_unit_test(test_publish_str),
	};

	return cmocka_run_group_tests_name("netcfg_pool", tests, NULL, NULL);
}
