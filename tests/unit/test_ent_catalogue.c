/*
 * tests/unit/test_ent_catalogue.c - invariants of the catalogue tables: names unique, levels
 * ordered with one default, aliases resolve, every system call name known to libseccomp on
 * x86_64 and aarch64, every CAP_* name known to libcap, every entry documented in
 * docs/entitlements.md, and explain --list output that fits 80 columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"

static void test_names_unique(void **state)
{
	char a[128], b[128];

	(void)state;
	for (size_t i = 0; i < ent_n_entries; i++) {
		ent_entry_name(&ent_entries[i], a, sizeof(a));
		assert_non_null(ent_entries[i].description);
		for (size_t j = i + 1; j < ent_n_entries; j++) {
			ent_entry_name(&ent_entries[j], b, sizeof(b));
			assert_string_not_equal(a, b);
		}
	}
	for (size_t i = 0; i < ent_n_aliases; i++) {
		for (size_t j = i + 1; j < ent_n_aliases; j++)
			assert_string_not_equal(ent_aliases[i].alias, ent_aliases[j].alias);
		/* An alias never hides a domain key of another meaning. */
		const struct ent_entry *row = ent_entry_key(ent_aliases[i].alias);

		if (row)
			assert_int_equal(row->kind, ENT_KIND_FLAG);
	}
}

/* Rows of one key are adjacent, levels strictly increase, exactly one default per domain. */
static void test_levels_and_defaults(void **state)
{
	(void)state;
	for (size_t i = 0; i < ent_n_entries; i++) {
		const struct ent_entry *row = &ent_entries[i];
		unsigned defaults = 0;

		if (row->kind != ENT_KIND_LEVEL) {
			assert_false(row->is_default);
			continue;
		}
		for (size_t j = 0; j < ent_n_entries; j++) {
			if (strcmp(ent_entries[j].key, row->key))
				continue;
			defaults += ent_entries[j].is_default;
			if (j > i)
				assert_true(ent_entries[j].level > row->level);
			if (j > i + 1)
				assert_string_equal(ent_entries[j - 1].key, row->key);
		}
		assert_int_equal(defaults, 1);
	}
}

static void test_aliases_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < ent_n_aliases; i++) {
		const struct ent_entry *row =
		        ent_entry_find(ent_aliases[i].key, ent_aliases[i].value);

		assert_non_null(row);
		if (row->kind == ENT_KIND_LEVEL)
			assert_string_equal(row->value, ent_aliases[i].value);
	}
}

static void check_syscall_name(const char *name)
{
	int x86 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
	int arm = seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, name);

	if (x86 == __NR_SCMP_ERROR || arm == __NR_SCMP_ERROR)
		fail_msg("system call '%s' unknown to libseccomp (x86_64 %d, aarch64 %d)", name,
		         x86, arm);
}

/* Every name resolves, and no system call is in two groups (it would get two rules). */
static void test_syscall_groups(void **state)
{
	(void)state;
	for (int g = 0; g < SCG_COUNT; g++) {
		assert_non_null(ent_sc_groups[g].name);
		assert_non_null(ent_sc_groups[g].syscalls);
		for (const char *const *s = ent_sc_groups[g].syscalls; *s; s++) {
			check_syscall_name(*s);
			for (const char *const *t = s + 1; *t; t++)
				assert_string_not_equal(*s, *t);
			for (int h = g + 1; h < SCG_COUNT; h++) {
				for (const char *const *t = ent_sc_groups[h].syscalls; *t; t++) {
					if (!strcmp(*s, *t))
						fail_msg("'%s' in groups %s and %s", *s,
						         ent_sc_groups[g].name,
						         ent_sc_groups[h].name);
				}
			}
		}
	}
}

/* Filters name a known call, which no ALLOW-by-default group lists (it would win). */
static void test_syscall_filters(void **state)
{
	(void)state;
	for (int f = 0; f < SCF_COUNT; f++) {
		const struct ent_sc_filter *flt = &ent_sc_filters[f];

		assert_non_null(flt->name);
		check_syscall_name(flt->syscall);
		assert_true(flt->n_values >= 1 && flt->n_values <= ENT_FILTER_MAX_VALUES);
		assert_true(flt->arg < 6 && flt->arg2 < 6);
		for (int g = 0; g < SCG_COUNT; g++) {
			if (ent_sc_groups[g].deflt != ENT_SC_ALLOW)
				continue;
			for (const char *const *s = ent_sc_groups[g].syscalls; *s; s++)
				assert_string_not_equal(*s, flt->syscall);
		}
	}
}

static void test_capability_names(void **state)
{
	cap_value_t cap;

	(void)state;
	for (size_t i = 0; i < ent_n_entries; i++) {
		for (const char *const *c = ent_entries[i].caps; c && *c; c++) {
			if (cap_from_name(*c, &cap) < 0)
				fail_msg("capability %s unknown to libcap", *c);
			assert_true(cap >= 0 && cap < ENT_MAX_CAPS);
			assert_memory_equal(*c, "CAP_", 4);
		}
	}
}

static char *read_docs(void)
{
	static const char *const paths[] = {
		"docs/entitlements.md",
		"../docs/entitlements.md",
		"../../docs/entitlements.md",
		"../../../docs/entitlements.md",
	};
	char *text = NULL;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !text; i++) {
		FILE *f = fopen(paths[i], "r");
		long size;

		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		text = calloc(1, (size_t)size + 1);
		if (text && fread(text, 1, (size_t)size, f) != (size_t)size)
			text[0] = '\0';
		fclose(f);
	}
	return text;
}

static void assert_documented(const char *docs, const char *name)
{
	char quoted[160];

	snprintf(quoted, sizeof(quoted), "`%s`", name);
	if (!strstr(docs, quoted))
		fail_msg("docs/entitlements.md does not document %s", quoted);
}

/* docs/entitlements.md names every entry, alias and system call group, in backquotes. */
static void test_docs_complete(void **state)
{
	char *docs = read_docs();
	char name[128];

	(void)state;
	if (!docs)
		fail_msg("docs/entitlements.md not found (run from the repository root)");
	for (size_t i = 0; i < ent_n_entries; i++) {
		ent_entry_name(&ent_entries[i], name, sizeof(name));
		assert_documented(docs, name);
		if (ent_entries[i].is_default) {
			char marked[160];

			snprintf(marked, sizeof(marked), "**`%s`** (default)", name);
			if (!strstr(docs, marked))
				fail_msg("docs/entitlements.md does not mark %s", marked);
		}
	}
	for (size_t i = 0; i < ent_n_aliases; i++)
		assert_documented(docs, ent_aliases[i].alias);
	for (int g = 0; g < SCG_COUNT; g++) {
		if (ent_sc_groups[g].deflt == ENT_SC_DENY)
			assert_documented(docs, ent_sc_groups[g].name);
	}
	free(docs);
}

static char *print_catalogue(bool json)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	assert_non_null(out);
	ent_catalogue_print(out, json);
	fclose(out);
	return buf;
}

static void test_print_text(void **state)
{
	char *text = print_catalogue(false);
	char name[128];

	(void)state;
	for (char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		assert_true(len <= 80);
		line += len + (line[len] == '\n');
	}
	for (size_t i = 0; i < ent_n_entries; i++) {
		ent_entry_name(&ent_entries[i], name, sizeof(name));
		assert_non_null(strstr(text, name));
	}
	free(text);
}

static void test_print_json(void **state)
{
	char *text = print_catalogue(true);
	char name[160];

	(void)state;
	assert_int_equal(text[0], '[');
	for (size_t i = 0; i < ent_n_entries; i++) {
		char row[128];

		ent_entry_name(&ent_entries[i], row, sizeof(row));
		snprintf(name, sizeof(name), "{\"entitlement\": \"%s\"", row);
		assert_non_null(strstr(text, name));
	}
	assert_non_null(strstr(text, "\"aliases\": [\"network.proxy\"]"));
	assert_non_null(strstr(text, "\"capabilities\": [\"ALL\"]"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique),    cmocka_unit_test(test_levels_and_defaults),
		cmocka_unit_test(test_aliases_resolve), cmocka_unit_test(test_syscall_groups),
		cmocka_unit_test(test_syscall_filters), cmocka_unit_test(test_capability_names),
		cmocka_unit_test(test_docs_complete),   cmocka_unit_test(test_print_text),
		cmocka_unit_test(test_print_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
