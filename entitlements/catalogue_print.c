/*
 * entitlements/catalogue_print.c - print the catalogue for "ent-run explain --list": as text
 * for an 80-column terminal, or as json for tools.
 *
 * Pure: walks the tables of catalogue.c and syscalls.c and writes to the FILE * it is given.
 */
#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/names.h"

#include <stdio.h>
#include <string.h>

#define NAME_WIDTH 29
#define FLAG_WIDTH 9
#define TEXT_WIDTH (80 - NAME_WIDTH - FLAG_WIDTH)

/* Print text from column NAME_WIDTH + FLAG_WIDTH, wrapped at 80 columns on spaces. */
static void print_wrapped(FILE *out, const char *text)
{
	int indent = 0;

	while (*text) {
		size_t n = strlen(text);

		if (n > TEXT_WIDTH) {
			n = TEXT_WIDTH;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = strcspn(text, " ");
		}
		fprintf(out, "%*s%.*s\n", indent, "", (int)n, text);
		indent = NAME_WIDTH + FLAG_WIDTH;
		text += n;
		while (*text == ' ')
			text++;
	}
}

static void print_text_row(FILE *out, const struct ent_entry *row)
{
	char name[ENT_NAME_MAX], text[512];
	size_t len;

	ent_entry_name(row, name, sizeof(name));
	len = (size_t)snprintf(text, sizeof(text), "%s", row->description);
	for (size_t i = 0; i < ent_n_aliases && len < sizeof(text); i++) {
		const struct ent_alias *a = &ent_aliases[i];

		if (strcmp(a->key, row->key) || (a->value && strcmp(a->value, row->value)) ||
		    !strcmp(a->alias, name))
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len, " Alias: %s.", a->alias);
	}
	fprintf(out, "%-*s%-*s", NAME_WIDTH - 1, name, FLAG_WIDTH + 1,
	        row->is_default ? " default" : "");
	print_wrapped(out, text);
}

static void print_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void print_json_list(FILE *out, const char *key, const char *const *list, bool *first)
{
	if (!list || !*list)
		return;
	fprintf(out, "%s\"%s\": [", *first ? "" : ", ", key);
	for (const char *const *s = list; *s; s++) {
		fputs(s == list ? "" : ", ", out);
		print_json_string(out, *s);
	}
	fputc(']', out);
	*first = false;
}

/* Bits of a mask as names from a table: the groups, filters or namespaces a row grants. */
static void print_json_bits(FILE *out, const char *key, uint32_t bits, size_t n,
                            const char *(*name)(size_t), bool *first)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (!(bits & (UINT32_C(1) << i)))
			continue;
		fprintf(out, "%s", any ? ", " : *first ? "" : ", ");
		if (!any)
			fprintf(out, "\"%s\": [", key);
		print_json_string(out, name(i));
		any = true;
	}
	if (any) {
		fputc(']', out);
		*first = false;
	}
}

static const char *group_name(size_t i)
{
	return ent_sc_groups[i].name;
}

static const char *filter_name(size_t i)
{
	return ent_sc_filters[i].name;
}

static const char *ns_name(size_t i)
{
	return ent_ns_names[i].name;
}

static void print_json_grants(FILE *out, const struct ent_entry *row)
{
	static const char *const all[] = { "ALL", NULL };
	bool first = true;

	fputs("{", out);
	print_json_list(out, "capabilities", row->all_caps ? all : row->caps, &first);
	print_json_bits(out, "syscalls", row->sc_allow, SCG_COUNT, group_name, &first);
	print_json_bits(out, "syscall_filters", row->sc_filters, SCF_COUNT, filter_name, &first);
	print_json_bits(out, "shared_namespaces", row->ns_share, NS_COUNT, ns_name, &first);
	print_json_list(out, "masked_paths", row->masked, &first);
	print_json_list(out, "tmpfs", row->tmpfs, &first);
	if (row->net >= 0) {
		fprintf(out, "%s\"network\": \"%s\"", first ? "" : ", ",
		        ent_net_row(row->net)->name);
		first = false;
	}
	if (row->rootfs_readonly || row->host_dev || row->devices_allow_all ||
	    row->memlock_rlimit || row->kind == ENT_KIND_PATH) {
		fprintf(out,
		        "%s\"rootfs_readonly\": %s, \"host_dev\": %s, \"devices_allow_all\": %s, "
		        "\"memlock_unlimited\": %s, \"device_path\": %s",
		        first ? "" : ", ", row->rootfs_readonly ? "true" : "false",
		        row->host_dev ? "true" : "false", row->devices_allow_all ? "true" : "false",
		        row->memlock_rlimit ? "true" : "false",
		        row->kind == ENT_KIND_PATH ? "true" : "false");
	}
	fputs("}", out);
}

static void print_json_row(FILE *out, const struct ent_entry *row)
{
	char name[ENT_NAME_MAX];
	bool first = true;

	ent_entry_name(row, name, sizeof(name));
	fputs("  {\"entitlement\": ", out);
	print_json_string(out, name);
	fputs(", \"aliases\": [", out);
	for (size_t i = 0; i < ent_n_aliases; i++) {
		const struct ent_alias *a = &ent_aliases[i];

		if (strcmp(a->key, row->key) || (a->value && strcmp(a->value, row->value)) ||
		    !strcmp(a->alias, name))
			continue;
		fputs(first ? "" : ", ", out);
		print_json_string(out, a->alias);
		first = false;
	}
	fprintf(out, "], \"default\": %s, \"description\": ", row->is_default ? "true" : "false");
	print_json_string(out, row->description);
	fputs(", \"grants\": ", out);
	print_json_grants(out, row);
	fputs("}", out);
}

void ent_catalogue_print(FILE *out, bool json)
{
	if (json) {
		fputs("[\n", out);
		for (size_t i = 0; i < ent_n_entries; i++) {
			print_json_row(out, &ent_entries[i]);
			fputs(i + 1 < ent_n_entries ? ",\n" : "\n", out);
		}
		fputs("]\n", out);
		return;
	}
	fprintf(out, "%-*s%-*s%s\n", NAME_WIDTH - 1, "ENTITLEMENT", FLAG_WIDTH + 1, " DEFAULT",
	        "DESCRIPTION");
	for (size_t i = 0; i < ent_n_entries; i++)
		print_text_row(out, &ent_entries[i]);
}
