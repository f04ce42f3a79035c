/*
 * tests/unit/test_rt_seccomp_cache.c - canonical rule text, digest and cache entries (pure).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "base/util.h"
#include "runtime/lockdown.h"

/* Rule r of spec gets conditions of its own: argument 0 != value (in place of any it had). */
static void set_arg0_ne(struct lockdown_spec *spec, struct lockdown_rule *r, uint64_t value)
{
	struct rt_err err = { 0 };

	r->args = NULL;
	r->n_args = 0;
	assert_int_equal(ent_lockdown_add_arg(spec, r,
	                                      (struct lockdown_arg){ .index = 0,
	                                                             .op = LOCKDOWN_CMP_NE,
	                                                             .value = value,
	                                                             .value2 = 0 },
	                                      &err),
	                 0);
}

static struct lockdown_spec *make_spec(void)
{
	struct lockdown_spec *spec = calloc(1, sizeof(*spec));
	struct rt_err err = { 0 };

	assert_non_null(spec);
	assert_non_null(ent_lockdown_add_rule(spec, &err));
	assert_non_null(ent_lockdown_add_rule(spec, &err));
	spec->default_action = LOCKDOWN_ERRNO;
	spec->default_errnum = ENOSYS;
	spec->rules[0].syscall = "read";
	spec->rules[0].action = LOCKDOWN_ALLOW;
	spec->rules[0].why = "default";
	spec->rules[1].syscall = "socket";
	spec->rules[1].action = LOCKDOWN_ERRNO;
	spec->rules[1].errnum = EPERM;
	set_arg0_ne(spec, &spec->rules[1], 1);
	return spec;
}

static char *text_of(const struct lockdown_spec *spec, const char *version, size_t *len)
{
	struct rt_err err = { 0 };
	char *text = lockdown_canon_text(spec, "0xc000003e", version, len, &err);

	assert_non_null(text);
	assert_int_equal(strlen(text), *len);
	return text;
}

static void test_canon_text(void **state)
{
	struct lockdown_spec *spec = make_spec();
	size_t len;
	char *text = text_of(spec, "2.5.4", &len);

	(void)state;
	assert_string_equal(text, "ent-run seccomp 1\n"
	                          "arch 0xc000003e\n"
	                          "libseccomp 2.5.4\n"
	                          "optimize 2\n"
	                          "badarch KILL_PROCESS\n"
	                          "default ERRNO 38\n"
	                          "rule read ALLOW 0\n"
	                          "rule socket ERRNO 1 a0 NE 0x1 0\n");
	free(text);
	ent_lockdown_free(spec);
	free(spec);
}

/* The rule lines' fast formatting prints what printf did: old cache entries stay valid. */
static void test_canon_text_as_printf(void **state)
{
	static const uint64_t values[] = {
		0, 1, 9, 10, 15, 16, 0x7fffffff, 0xffffffff, 0x8000000000000000ull, UINT64_MAX
	};
	struct lockdown_spec *spec = make_spec();
	struct rt_err err = { 0 };
	char want[8192] = "", line[256];
	size_t len, at = 0;
	char *text;

	(void)state;
	for (unsigned i = 0; i < 10; i++) {
		struct lockdown_rule *r = ent_lockdown_add_rule(spec, &err);

		assert_non_null(r);
		r->syscall = i % 2 ? "personality" : "clone3";
		r->action = i % 3 ? LOCKDOWN_ALLOW : LOCKDOWN_ERRNO;
		r->errnum = i % 3 ? 0 : (int32_t)(i * 7);
		for (unsigned a = 0; a < i % 7; a++)
			assert_int_equal(
			        ent_lockdown_add_arg(
			                spec, r,
			                (struct lockdown_arg){ .index = (uint8_t)a,
			                                       .op = LOCKDOWN_CMP_MASKED_EQ,
			                                       .value = values[(i + a) % 10],
			                                       .value2 = values[(i * a + 3) % 10] },
			                &err),
			        0);
	}
	for (unsigned i = 0; i < spec->n_rules; i++) {
		const struct lockdown_rule *r = &spec->rules[i];

		at += (size_t)snprintf(want + at, sizeof(want) - at, "rule %.*s %s %" PRId32,
		                       ENT_NAME_MAX, r->syscall, lockdown_action_name(r->action),
		                       r->errnum);
		for (unsigned a = 0; a < r->n_args; a++) {
			snprintf(line, sizeof(line), " a%u %s %#" PRIx64 " %#" PRIx64,
			         r->args[a].index, lockdown_cmp_name(r->args[a].op),
			         r->args[a].value, r->args[a].value2);
			at += (size_t)snprintf(want + at, sizeof(want) - at, "%s", line);
		}
		at += (size_t)snprintf(want + at, sizeof(want) - at, "\n");
	}
	text = text_of(spec, "2.5.4", &len);
	assert_non_null(strstr(text, "rule read ALLOW 0\n"));
	assert_string_equal(strstr(text, "rule read "), want);
	free(text);
	ent_lockdown_free(spec);
	free(spec);
}

/* Provenance does not change the program, so it does not change the key. */
static void test_canon_ignores_why(void **state)
{
	struct lockdown_spec *spec = make_spec();
	size_t len1, len2;
	char *a = text_of(spec, "2.5.4", &len1);
	char *b;

	(void)state;
	spec->rules[0].why = "network.access=proxy";
	b = text_of(spec, "2.5.4", &len2);
	assert_string_equal(a, b);
	assert_int_equal(lockdown_digest64(a, len1), lockdown_digest64(b, len2));
	free(b);
	set_arg0_ne(spec, &spec->rules[1], 2); /* the same rule with another value */
	b = text_of(spec, "2.5.4", &len2);
	assert_string_not_equal(a, b);
	assert_true(lockdown_digest64(a, len1) != lockdown_digest64(b, len2));
	free(a);
	free(b);
	ent_lockdown_free(spec);
	free(spec);
}

/*
 * Known answers, computed once from the first implementation: a change of the digest would
 * silently turn every stored entry into a miss, so it must be a decision (CACHE_FORMAT).
 */
static void test_digest(void **state)
{
	static const char s1[] = "rule read ALLOW 0\n";
	static const char s2[] = "rule read ALLOW 1\n";
	static const struct {
		size_t len;
		uint64_t digest;
	} known[] = {
		{ 0, 0xcbf29ce44fd0bfc1ull },  { 1, 0xaf63ef4c2961e399ull },
		{ 7, 0x39d25a62650b124eull },  { 8, 0x2e810f8b8295c608ull },
		{ 9, 0x1a1751557d4442d0ull },  { 17, 0x0d6b8ccd4cafa461ull },
		{ 18, 0x91e8e6c651b9f4d4ull },
	};
	unsigned char big[4100];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		assert_int_equal(lockdown_digest64(s1, known[i].len), known[i].digest);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(lockdown_digest64(big, sizeof(big)), 0xdd3869b0b2e8b611ull);
	assert_true(lockdown_digest64(s1, sizeof(s1)) != lockdown_digest64(s2, sizeof(s2)));
}

/* An entry in memory, read as the cache reads a file: pread's short count at its end. */
struct mem_entry {
	const unsigned char *p;
	size_t size;
	unsigned reads;
	unsigned fail_at; /* the read that fails (EIO), counting from 1; 0: none */
};

static ssize_t mem_read_at(void *ctx, void *buf, size_t n, uint64_t off)
{
	struct mem_entry *m = ctx;

	if (++m->reads == m->fail_at) {
		errno = EIO;
		return -1;
	}
	if (off >= m->size)
		return 0;
	if (n > m->size - off)
		n = m->size - (size_t)off;
	memcpy(buf, m->p + off, n);
	return (ssize_t)n;
}

/* Decode entry (size bytes, the cache told it has told_size) against text. */
static unsigned char *decode(const unsigned char *entry, size_t size, size_t told_size,
                             const char *text, size_t *bpf_len, const char **why)
{
	struct mem_entry m = { .p = entry, .size = size };

	*why = NULL;
	return lockdown_cache_decode(mem_read_at, &m, told_size, text, strlen(text), 16, bpf_len,
	                             why);
}

static void test_entry_roundtrip_and_damage(void **state)
{
	static const char text[] = "ent-run seccomp 1\nrule read ALLOW 0\n";
	static const char other[] = "ent-run seccomp 1\nrule read ALLOW 1\n";
	unsigned char bpf[64];
	const char *why = NULL;
	size_t size, got_len = 0;
	unsigned char *entry, *got;

	(void)state;
	for (size_t i = 0; i < sizeof(bpf); i++)
		bpf[i] = (unsigned char)i;
	entry = lockdown_cache_encode(text, strlen(text), bpf, sizeof(bpf), &size);
	assert_non_null(entry);
	got = decode(entry, size, size, text, &got_len, &why);
	assert_non_null(got);
	assert_int_equal(got_len, sizeof(bpf));
	/* The program at offset head (16), the head zeroed for the caller's fields. */
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(got[i], 0);
	assert_memory_equal(got + 16, bpf, sizeof(bpf));
	free(got);

	/* Another rule set with a digest of its own: refused on the text, not on the digest. */
	assert_null(decode(entry, size, size, other, &got_len, &why));
	assert_string_equal(why, "rule set, architecture or libseccomp version differs");

	assert_null(decode(entry, size - 1, size - 1, text, &got_len, &why));
	assert_string_equal(why, "truncated");
	assert_null(decode(entry, 10, 10, text, &got_len, &why));
	assert_string_equal(why, "truncated");
	/* Shorter than its size said (it changed while read); a size short of its lengths. */
	assert_null(decode(entry, size - 1, size, text, &got_len, &why));
	assert_string_equal(why, "truncated");
	assert_null(decode(entry, size, size - 1, text, &got_len, &why));
	assert_string_equal(why, "truncated");

	entry[size - 20] ^= 1; /* one bit of the program */
	assert_null(decode(entry, size, size, text, &got_len, &why));
	assert_string_equal(why, "corrupt (digest mismatch)");
	entry[size - 20] ^= 1;

	entry[30] ^= 1; /* one bit of the text: damage, not another rule set */
	assert_null(decode(entry, size, size, text, &got_len, &why));
	assert_string_equal(why, "corrupt (digest mismatch)");
	entry[30] ^= 1;

	entry[0] = 'X';
	assert_null(decode(entry, size, size, text, &got_len, &why));
	assert_string_equal(why, "not a cache entry");
	free(entry);

	/* A program that is not whole instructions is never written. */
	entry = lockdown_cache_encode(text, strlen(text), bpf, 12, &size);
	assert_non_null(entry);
	assert_null(decode(entry, size, size, text, &got_len, &why));
	assert_string_equal(why, "bad lengths");
	free(entry);
}

/* A file that grew after its size was taken: the byte after the digest is refused. */
static void test_entry_grown(void **state)
{
	static const char text[] = "ent-run seccomp 1\n";
	unsigned char bpf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const char *why = NULL;
	size_t size, got_len;
	unsigned char *entry, *longer;

	(void)state;
	entry = lockdown_cache_encode(text, strlen(text), bpf, sizeof(bpf), &size);
	assert_non_null(entry);
	longer = calloc(1, size + 1);
	assert_non_null(longer);
	memcpy(longer, entry, size);
	assert_null(decode(longer, size + 1, size, text, &got_len, &why));
	assert_string_equal(why, "trailing bytes");
	assert_null(decode(longer, size + 1, size + 1, text, &got_len, &why));
	assert_string_equal(why, "trailing bytes");
	free(longer);
	free(entry);
}

/*
 * A text of several reading pieces (4 KB each) whose length is no multiple of 8: the digest
 * taken piece by piece, across the header, the pieces and the program, is the one taken whole.
 */
static void test_entry_long_text(void **state)
{
	struct lockdown_spec *spec = make_spec();
	struct rt_err err = { 0 };
	unsigned char bpf[8 * 910];
	const char *why = NULL;
	size_t len, size, got_len = 0;
	struct mem_entry m;
	unsigned char *entry, *got;
	char *text;

	(void)state;
	for (unsigned i = 0; i < 601; i++) {
		struct lockdown_rule *r = ent_lockdown_add_rule(spec, &err);

		assert_non_null(r);
		r->syscall = i % 2 ? "personality" : "clone3";
		r->action = LOCKDOWN_ALLOW;
	}
	for (size_t i = 0; i < sizeof(bpf); i++)
		bpf[i] = (unsigned char)(i * 7);
	text = text_of(spec, "2.5.4", &len);
	assert_true(len % 8 != 0); /* the program's words straddle the reading pieces */
	assert_true(len > 3 * 4096);
	entry = lockdown_cache_encode(text, len, bpf, sizeof(bpf), &size);
	assert_non_null(entry);
	m = (struct mem_entry){ .p = entry, .size = size };
	got = lockdown_cache_decode(mem_read_at, &m, size, text, len, 0, &got_len, &why);
	assert_non_null(got);
	assert_memory_equal(got, bpf, sizeof(bpf));
	/* Header, the pieces of text, the program, the digest: never the whole entry at once. */
	assert_int_equal(m.reads, 1 + (len + 4095) / 4096 + 1 + 1);
	free(got);
	/* A read that fails, whichever it is, is a miss (and leaks nothing: ASan in DEBUG). */
	for (unsigned fail = 1; fail <= 1 + (len + 4095) / 4096 + 1 + 1; fail++) {
		m = (struct mem_entry){ .p = entry, .size = size, .fail_at = fail };
		assert_null(
		        lockdown_cache_decode(mem_read_at, &m, size, text, len, 0, &got_len, &why));
		assert_string_equal(why, "truncated");
	}
	free(entry);
	free(text);
	ent_lockdown_free(spec);
	free(spec);
}

/* Texts of every length modulo 8: the program's words begin anywhere in the digest's words. */
static void test_entry_every_alignment(void **state)
{
	unsigned char bpf[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };
	const char *why = NULL;
	size_t size, got_len;
	char text[64];

	(void)state;
	for (unsigned k = 0; k < 16; k++) {
		unsigned char *entry, *got;

		snprintf(text, sizeof(text), "ent-run seccomp 1\n%.*s\n", (int)k,
		         "abcdefghijklmnop");
		entry = lockdown_cache_encode(text, strlen(text), bpf, sizeof(bpf), &size);
		assert_non_null(entry);
		got = decode(entry, size, size, text, &got_len, &why);
		assert_non_null(got);
		assert_memory_equal(got + 16, bpf, sizeof(bpf));
		free(got);
		entry[size - 9] ^= 0x80; /* the program's last byte */
		assert_null(decode(entry, size, size, text, &got_len, &why));
		assert_string_equal(why, "corrupt (digest mismatch)");
		free(entry);
	}
}

/*
 * A filter as the parent sends it (SYNC_FILTER) is the one the child reads back, and bytes of
 * any other length are none. Built with libseccomp: the cache directory is one that cannot be
 * made, so nothing is written (the cache never fails a build).
 */
static void test_filter_data_view(void **state)
{
	struct lockdown_spec *spec = make_spec();
	struct lockdown_filter *filter = NULL;
	const struct lockdown_filter *view;
	struct rt_err err = { 0 };
	unsigned char *copy;
	const void *data;
	size_t len;

	(void)state;
	assert_int_equal(setenv("ENT_RUN_CACHE_DIR", "/proc/ent-run-unit-test-none", 1), 0);
	assert_int_equal(lockdown_filter_build(spec, &filter, &err), 0);
	assert_non_null(filter);
	assert_false(lockdown_filter_from_cache(filter));
	data = lockdown_filter_data(filter, &len);
	assert_true(len > lockdown_filter_insns(filter) * 8);
	assert_true(len < lockdown_filter_max_data());
	/* In a block of its own, as the child receives it (malloc's alignment). */
	copy = malloc(len + 8);
	assert_non_null(copy);
	memcpy(copy, data, len);
	view = lockdown_filter_view(copy, len);
	assert_ptr_equal(view, copy);
	assert_int_equal(lockdown_filter_insns(view), lockdown_filter_insns(filter));
	assert_false(lockdown_filter_from_cache(view));
	assert_null(lockdown_filter_view(copy, len - 8)); /* one instruction short */
	assert_null(lockdown_filter_view(copy, len + 8)); /* one more than it counts */
	assert_null(lockdown_filter_view(copy, len - 1));
	assert_null(lockdown_filter_view(copy, 0));
	assert_null(lockdown_filter_view(copy, lockdown_filter_max_data() + 8));
	memset(copy, 0, len); /* a count of no instruction */
	assert_null(lockdown_filter_view(copy, len));
	free(copy);
	/* Unconfined: no filter, no data. */
	assert_ptr_equal(lockdown_filter_data(NULL, &len), NULL);
	assert_int_equal(len, 0);
	unsetenv("ENT_RUN_CACHE_DIR");
	lockdown_filter_free(filter);
	ent_lockdown_free(spec);
	free(spec);
}

/*
 * A confined workload without its program is refused before any step (the program comes from
 * the parent: a lost one must not mean no filter). Nothing is changed: the check comes first.
 */
static void test_apply_needs_a_program(void **state)
{
	struct lockdown_spec *spec = make_spec();
	struct lockdown_ids ids = { 0 };
	struct rt_err err = { 0 };
	int listener = 0;

	(void)state;
	assert_int_equal(lockdown_apply(spec, NULL, &ids, &listener, &err), -1);
	assert_non_null(strstr(err.msg, "no seccomp program for a confined workload"));
	assert_int_equal(listener, -1);
	ent_lockdown_free(spec);
	free(spec);
}

static void test_names_tables(void **state)
{
	(void)state;
	assert_string_equal(lockdown_action_name(LOCKDOWN_ALLOW), "ALLOW");
	assert_string_equal(lockdown_action_name(LOCKDOWN_TRACE), "TRACE");
	assert_string_equal(lockdown_action_name(99), "?");
	assert_string_equal(lockdown_cmp_name(LOCKDOWN_CMP_MASKED_EQ), "MASKED_EQ");
	assert_string_equal(lockdown_cmp_name(99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_text),
		cmocka_unit_test(test_canon_text_as_printf),
		cmocka_unit_test(test_canon_ignores_why),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_entry_roundtrip_and_damage),
		cmocka_unit_test(test_entry_grown),
		cmocka_unit_test(test_entry_long_text),
		cmocka_unit_test(test_entry_every_alignment),
		cmocka_unit_test(test_filter_data_view),
		cmocka_unit_test(test_apply_needs_a_program),
		cmocka_unit_test(test_names_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
