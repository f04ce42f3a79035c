/*
 * entitlements/limits.c - resource values, as the command line and a node policy write them:
 * sizes ("256M"), process counts ("1024", "max"), CPU counts ("1.5"), and the size of a tmpfs
 * (tmpfs(5): its "size=" mount option). Pure: each error names where the value came from
 * (an option, or a policy line), the offending text and what is expected.
 */
#include "entitlements/ent.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* clang-format off */
static const struct { char suffix; int shift; } size_suffixes[] = {
	{ 'b', 0 }, { 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 },
};
/* clang-format on */

/* "64k", "1GB", "512": the number of bytes, or -1. */
static int64_t size_value(const char *text)
{
	unsigned long long v;
	const char *end;

	if (parse_number(text, &v, &end) < 0 || v == 0)
		return -1;
	if (!*end)
		return v <= INT64_MAX ? (int64_t)v : -1;
	for (size_t i = 0; i < ARRAY_SIZE(size_suffixes); i++) {
		int shift = size_suffixes[i].shift;

		if (tolower((unsigned char)end[0]) != size_suffixes[i].suffix ||
		    (end[1] && (tolower((unsigned char)end[1]) != 'b' || end[2])))
			continue;
		return v <= ((unsigned long long)INT64_MAX >> shift) ? (int64_t)(v << shift) : -1;
	}
	return -1;
}

int ent_parse_size(const char *what, const char *text, int64_t *bytes, struct rt_err *err)
{
	int64_t v = size_value(text);

	if (v < 0)
		return rt_fail(
		        err, 0,
		        "%s: '%s' is not a size (expected a positive number with an optional "
		        "suffix K, M, G or T, e.g. 256M)",
		        what, text);
	*bytes = v;
	return 0;
}

int ent_parse_pids(const char *what, const char *text, int64_t *pids, struct rt_err *err)
{
	uint32_t v;

	if (!strcmp(text, "max")) {
		*pids = 0;
		return 0;
	}
	if (parse_u32(text, &v) < 0 || v == 0)
		return rt_fail(err, 0,
		               "%s: '%s' is not a process count (expected a number >= 1, or max)",
		               what, text);
	*pids = v;
	return 0;
}

int ent_parse_cpus(const char *what, const char *text, int64_t *quota_us, int64_t *period_us,
                   struct rt_err *err)
{
	size_t whole = strspn(text, "0123456789"), frac = 0;
	char *end;
	double v;

	/* Decimal digits only: strtod alone would also take "0x10", "1e3", " 2" and "inf". */
	if (text[whole] == '.')
		frac = strspn(text + whole + 1, "0123456789") + 1;
	errno = 0;
	v = strtod(text, &end);
	if (whole == 0 || frac == 1 || text[whole + frac] || errno || *end || !(v >= 0.01) ||
	    v > 4096)
		return rt_fail(err, 0,
		               "%s: '%s' is not a CPU count (expected a number from 0.01 to 4096, "
		               "e.g. 1.5)",
		               what, text);
	/* The CFS bandwidth controller: `quota` microseconds of CPU time per `period`. */
	*period_us = 100000;
	*quota_us = (int64_t)(v * 100000 + 0.5);
	return 0;
}

void ent_size_str(int64_t bytes, char *buf, size_t size)
{
	static const char units[] = "TGMK";

	for (int i = 0; i < 4; i++) {
		int shift = 40 - 10 * i;

		if (bytes > 0 && bytes % (INT64_C(1) << shift) == 0) {
			snprintf(buf, size, "%" PRId64 "%c", bytes >> shift, units[i]);
			return;
		}
	}
	snprintf(buf, size, "%" PRId64, bytes);
}

void ent_cpus_str(int64_t quota_us, int64_t period_us, char *buf, size_t size)
{
	snprintf(buf, size, "%g", period_us > 0 ? (double)quota_us / (double)period_us : 0.0);
}

int64_t ent_tmpfs_size(const char *data)
{
	for (const char *p = data ? data : ""; *p;) {
		size_t n = strcspn(p, ",");
		char opt[64];

		if (n > 5 && n < sizeof(opt) && !strncmp(p, "size=", 5)) {
			snprintf(opt, sizeof(opt), "%.*s", (int)(n - 5), p + 5);
			return size_value(opt);
		}
		p += n + (p[n] == ',');
	}
	return -1;
}

int ent_tmpfs_set_size(char *data, size_t size, int64_t bytes)
{
	size_t used = strlen(data);
	int n;

	/* In KiB when exact, as mount(8) shows it; tmpfs rounds up to whole pages anyway. */
	if (bytes % 1024 == 0)
		n = snprintf(data + used, size - used, "%ssize=%" PRId64 "k", used ? "," : "",
		             bytes / 1024);
	else
		n = snprintf(data + used, size - used, "%ssize=%" PRId64, used ? "," : "", bytes);
	if (n < 0 || (size_t)n >= size - used) {
		data[used] = '\0';
		return -1;
	}
	return 0;
}
