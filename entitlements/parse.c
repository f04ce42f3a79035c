/*
 * entitlements/parse.c - parse one entitlement as typed on the command line or in a profile
 * into its catalogue row.
 *
 * Accepted forms: "key=value" for a levelled domain, "key" for a flag, "host.devices.allow=PATH",
 * and the dotted aliases of Docker's libentitlement ("network.proxy"). Every error is one line
 * that quotes the text and lists what would have been valid, built from the catalogue; a near
 * miss (edit distance on the key) gets a "did you mean".
 */
#include "entitlements/catalogue.h"
#include "entitlements/ent.h"

#include <stdio.h>
#include <string.h>

#define PATH_KEY_EXAMPLE "e.g. /dev/kvm"
#define KEY_MAX          64 /* longer keys get no suggestion */

/* The domains, in catalogue order, for "unknown entitlement" messages. */
static void list_domains(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ent_n_entries && len < size; i++) {
		if (i && !strcmp(ent_entries[i - 1].key, ent_entries[i].key))
			continue;
		len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", ent_entries[i].key);
	}
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1 ("netwrok" is 1 away from "network"). SIZE_MAX for long strings.
 */
static size_t edit_distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b);
	size_t d[KEY_MAX + 1][KEY_MAX + 1];

	if (la > KEY_MAX || lb > KEY_MAX)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* Close enough to be a typo: one edit per 8 characters, at least 1, at most 3. */
static bool near_miss(size_t distance, size_t len)
{
	size_t limit = 1 + len / 8;

	return distance <= (limit > 3 ? 3 : limit);
}

/*
 * The catalogue name nearest to key (its first keylen bytes): a domain key when with_value
 * (the user typed key=value), else also a flag or an alias. NULL when nothing is near.
 */
static const char *suggest(const char *key, size_t keylen, bool with_value)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < ent_n_entries; i++) {
		const struct ent_entry *row = &ent_entries[i];
		size_t d;

		if (with_value && row->kind == ENT_KIND_FLAG)
			continue;
		d = edit_distance(key, keylen, row->key);
		if (d < best_d) {
			best = row->key;
			best_d = d;
		}
	}
	for (size_t i = 0; i < ent_n_aliases && !with_value; i++) {
		size_t d = edit_distance(key, keylen, ent_aliases[i].alias);

		if (d < best_d) {
			best = ent_aliases[i].alias;
			best_d = d;
		}
	}
	return best && near_miss(best_d, keylen) ? best : NULL;
}

static int fail_unknown(const char *text, size_t keylen, const char *value, struct rt_err *err)
{
	const char *hint = suggest(text, keylen, value != NULL);
	const struct ent_entry *row = hint ? ent_entry_key(hint) : NULL;
	char domains[200];

	if (hint && value)
		return rt_fail(err, 0,
		               "entitlements: unknown entitlement '%s' (did you mean %s=%s?)", text,
		               hint, value);
	if (hint && row && row->kind != ENT_KIND_FLAG)
		return rt_fail(err, 0,
		               "entitlements: unknown entitlement '%s' (did you mean %s=%s?)", text,
		               hint, row->kind == ENT_KIND_PATH ? "PATH" : "VALUE");
	if (hint)
		return rt_fail(err, 0, "entitlements: unknown entitlement '%s' (did you mean %s?)",
		               text, hint);
	list_domains(domains, sizeof(domains));
	return rt_fail(err, 0, "entitlements: unknown entitlement '%.80s' (domains: %s)", text,
	               domains);
}

/* "network.access" typed alone: say what the value could be. */
static int fail_missing_value(const struct ent_entry *row, struct rt_err *err)
{
	char values[160];

	if (row->kind == ENT_KIND_PATH)
		return rt_fail(err, 0,
		               "entitlements: missing '=' in '%s' (expected %s=PATH; values: a "
		               "device path under /dev/, " PATH_KEY_EXAMPLE ")",
		               row->key, row->key);
	ent_entry_values(row->key, values, sizeof(values));
	return rt_fail(err, 0, "entitlements: missing '=' in '%s' (expected %s=VALUE; values: %s)",
	               row->key, row->key, values);
}

/* Check the form of a host.devices.allow path; whether it is a device is the runtime's job. */
static int check_device_path(const char *key, const char *path, struct rt_err *err)
{
	size_t len = strlen(path);

	if (path[0] != '/')
		return rt_fail(
		        err, 0,
		        "entitlements: %s needs an absolute path, got '%s' (" PATH_KEY_EXAMPLE ")",
		        key, path);
	if (len >= ENT_PATH_MAX)
		return rt_fail(err, 0, "entitlements: %s path too long (%zu bytes, at most %d)",
		               key, len, ENT_PATH_MAX - 1);
	for (const char *c = path + 1;; c += strcspn(c, "/") + 1) {
		size_t n = strcspn(c, "/");

		if (n == 0)
			return rt_fail(err, 0, "entitlements: %s path '%s' has an empty component",
			               key, path);
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return rt_fail(err, 0,
			               "entitlements: %s path '%s' has a '.' or '..' component",
			               key, path);
		if (!c[n])
			break;
	}
	if (strncmp(path, "/dev/", 5))
		return rt_fail(err, 0,
		               "entitlements: %s path '%s' is not a device (expected a path under "
		               "/dev/, " PATH_KEY_EXAMPLE ")",
		               key, path);
	return 0;
}

static void set_entry(struct ent_grant_req *out, const struct ent_entry *row, const char *path)
{
	out->entry = row;
	snprintf(out->path, sizeof(out->path), "%s", path ? path : "");
	if (path)
		snprintf(out->text, sizeof(out->text), "%s=%s", row->key, path);
	else
		ent_entry_name(row, out->text, sizeof(out->text));
}

/* "key" alone: an alias or a flag. */
static int parse_bare(const char *text, struct ent_grant_req *out, struct rt_err *err)
{
	const struct ent_entry *row;

	for (size_t i = 0; i < ent_n_aliases; i++) {
		if (strcmp(ent_aliases[i].alias, text))
			continue;
		set_entry(out, ent_entry_find(ent_aliases[i].key, ent_aliases[i].value), NULL);
		return 0;
	}
	row = ent_entry_key(text);
	if (!row)
		return fail_unknown(text, strlen(text), NULL, err);
	if (row->kind != ENT_KIND_FLAG)
		return fail_missing_value(row, err);
	set_entry(out, row, NULL);
	return 0;
}

static bool is_alias(const char *key, size_t keylen)
{
	for (size_t i = 0; i < ent_n_aliases; i++) {
		if (strlen(ent_aliases[i].alias) == keylen &&
		    !strncmp(ent_aliases[i].alias, key, keylen))
			return true;
	}
	return false;
}

int ent_parse(const char *text, struct ent_grant_req *out, struct rt_err *err)
{
	const char *eq = strchr(text, '=');
	char key[KEY_MAX + 1], values[160];
	const struct ent_entry *row;
	size_t keylen;

	memset(out, 0, sizeof(*out));
	if (!text[0])
		return rt_fail(err, 0,
		               "entitlements: empty entitlement (expected KEY=VALUE, e.g. "
		               "network.access=proxy)");
	if (!eq)
		return parse_bare(text, out, err);
	keylen = (size_t)(eq - text);
	row = NULL;
	if (keylen <= KEY_MAX) {
		snprintf(key, sizeof(key), "%.*s", (int)keylen, text);
		row = ent_entry_key(key);
	}
	if (!row && is_alias(text, keylen))
		return rt_fail(err, 0, "entitlements: %.*s takes no value in '%s' (write %.*s)",
		               (int)keylen, text, text, (int)keylen, text);
	if (!row)
		return fail_unknown(text, keylen, eq + 1, err);
	if (row->kind == ENT_KIND_FLAG)
		return rt_fail(err, 0, "entitlements: %s takes no value in '%s' (write %s)", key,
		               text, key);
	if (!eq[1])
		return rt_fail(err, 0, "entitlements: empty value in '%s'", text);
	if (row->kind == ENT_KIND_PATH) {
		if (check_device_path(key, eq + 1, err) < 0)
			return -1;
		set_entry(out, row, eq + 1);
		return 0;
	}
	row = ent_entry_find(key, eq + 1);
	if (!row) {
		ent_entry_values(key, values, sizeof(values));
		return rt_fail(err, 0, "entitlements: unknown value '%.64s' for %s (expected: %s)",
		               eq + 1, key, values);
	}
	set_entry(out, row, NULL);
	return 0;
}
