/*
 * entitlements/limits.c - resource values, as the command line and a node policy write them:
 * sizes ("256M"), process counts ("1024", "max"), CPU counts ("1.5"), durations ("30s",
 * "1.5m", as timeout(1) writes them) and the size of a tmpfs (tmpfs(5): its "size=" mount
 * option). Pure: each error names where the value came from (an option, or a policy line), the
 * offending text and what is expected.
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

/* timeout(1)'s suffixes (its 'd' aside): a duration without one is in seconds. */
static const struct { char suffix; int64_t ms; } duration_units[] = {
	{ 's', 1000 }, { 'm', 60 * 1000 }, { 'h', 60 * 60 * 1000 },
};
/* clang-format on */

#define DURATION_MAX_MS (1000000000LL * 60 * 60 * 1000) /* 10^9 hours */
#define DURATION_DIGITS 9 /* at most 999999999 of a unit, and 9 decimals: no overflow below */

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

/*
 * "30", "30s", "1.5m", "2h": milliseconds (rounded to the nearest), or -1. Digits by hand, not
 * strtod(3): no locale, sign, exponent, hex, "inf" or "nan" can sneak in.
 */
static int64_t duration_value(const char *text)
{
	int64_t whole = 0, frac = 0, scale = 1, unit = 1000, ms;
	const char *p = text;
	int digits = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (++digits > DURATION_DIGITS)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		for (digits = 0; isdigit((unsigned char)*p); p++) {
			if (++digits > DURATION_DIGITS)
				continue; /* beyond a nanosecond of an hour: nothing to round */
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
	}
	if (*p) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(duration_units) && duration_units[i].suffix != *p; i++)
			;
		if (i == ARRAY_SIZE(duration_units) || p[1])
			return -1;
		unit = duration_units[i].ms;
	}
	ms = whole * unit + (frac * unit + scale / 2) / scale;
	/* At most 999999999h, however written, so that ent_duration_str prints it back. */
	return ms < DURATION_MAX_MS ? ms : -1;
}

/* Has text a duration's form, whatever its size: digits, maybe a fraction, maybe a unit? */
static bool duration_form(const char *text)
{
	size_t n = strspn(text, "0123456789");

	if (n == 0)
		return false;
	if (text[n] == '.') {
		size_t frac = strspn(text + n + 1, "0123456789");

		if (frac == 0)
			return false;
		n += 1 + frac;
	}
	return !text[n] || (strchr("smh", text[n]) && !text[n + 1]);
}

int ent_parse_memory(const char *what, const char *text, int64_t *bytes, struct rt_err *err)
{
	if (ent_parse_size(what, text, bytes, err) < 0)
		return -1;
	/* Below it the kernel kills the container as it starts: a limit no run can keep. */
	if (*bytes < ENT_MEMORY_MIN)
		return rt_fail(err, 0,
		               "%s: '%s' is below the least a container runs in (%" PRId64 "M)",
		               what, text, ENT_MEMORY_MIN >> 20);
	return 0;
}

int ent_parse_duration(const char *what, const char *text, int64_t *ms, struct rt_err *err)
{
	int64_t v = duration_value(text);

	if (v < 0 && duration_form(text))
		return rt_fail(err, 0,
		               "%s: '%s' is too long (at most 9 digits before the unit, and "
		               "999999999h)",
		               what, text);
	if (v <= 0)
		return rt_fail(err, 0,
		               "%s: '%s' is not a duration (expected a positive number of seconds "
		               "with an optional suffix s, m or h, e.g. 30s or 1.5m)",
		               what, text);
	*ms = v;
	return 0;
}

void ent_duration_str(int64_t ms, char *buf, size_t size)
{
	const int64_t hour = 60 * 60 * 1000, minute = 60 * 1000, most = 1000000000; /* 10^9 */
	int64_t sec = ms / 1000, rest = ms % 1000;
	int decimals = 3;

	/* The largest unit that says it exactly, in at most DURATION_DIGITS digits. */
	if (ms > 0 && ms % hour == 0) {
		snprintf(buf, size, "%" PRId64 "h", ms / hour);
		return;
	}
	if (ms > 0 && ms % minute == 0 && ms / minute < most) {
		snprintf(buf, size, "%" PRId64 "m", ms / minute);
		return;
	}
	if (sec >= most) {
		/* Hours with seven decimals come back to the nearest ms (1e-7 h is 0.36 ms). */
		int64_t frac = (ms % hour * 10000 + 1800) / 3600; /* rounded to the nearest */

		for (decimals = 7; frac && frac % 10 == 0; frac /= 10)
			decimals--;
		snprintf(buf, size, "%" PRId64 ".%0*" PRId64 "h", ms / hour, decimals, frac);
		return;
	}
	if (!rest) {
		snprintf(buf, size, "%" PRId64 "s", sec);
		return;
	}
	for (; rest % 10 == 0; rest /= 10)
		decimals--;
	snprintf(buf, size, "%" PRId64 ".%0*" PRId64 "s", sec, decimals, rest);
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
