/*
 * entitlements/subid.c - strict reading of /etc/subuid and /etc/subgid lines (subuid(5)).
 * Pure: no system call.
 */
#include "entitlements/subid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A decimal number in 0..UINT32_MAX written as digits only, without a leading zero (which
 * newuidmap would read as octal). Returns 0, or -1 with *why saying what is wrong.
 */
static int parse_id(const char *text, size_t len, uint32_t *out, const char **why)
{
	uint64_t v = 0;

	if (!len) {
		*why = "is empty";
		return -1;
	}
	if (len > 1 && text[0] == '0') {
		*why = "has a leading zero (newuidmap would read it as octal)";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i])) {
			*why = "is not a decimal number";
			return -1;
		}
		v = v * 10 + (uint64_t)(text[i] - '0');
		if (v > UINT32_MAX) {
			*why = "is too large (ids are 32-bit)";
			return -1;
		}
	}
	*out = (uint32_t)v;
	return 0;
}

/* Split "A:B:C" into three fields; false unless there are exactly three. */
static bool split_fields(const char *line, const char *field[3], size_t len[3])
{
	const char *p = line;

	for (int i = 0; i < 3; i++) {
		field[i] = p;
		len[i] = strcspn(p, ":");
		p += len[i];
		if (i < 2) {
			if (*p != ':')
				return false;
			p++;
		}
	}
	return *p == '\0';
}

static bool blank_or_comment(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return !*line || *line == '#';
}

int ent_subid_parse_line(const char *line, const char *source, unsigned lineno,
                         struct ent_subid *out, struct rt_err *err)
{
	static const char *const names[3] = { "the owner", "START", "COUNT" };
	const char *field[3], *why = NULL;
	size_t len[3];
	uint64_t end;

	if (blank_or_comment(line))
		return 0;
	if (!split_fields(line, field, len))
		return rt_fail(err, 0, "%s:%u: '%.80s' is not NAME:START:COUNT", source, lineno,
		               line);
	if (!len[0] || len[0] >= sizeof(out->owner))
		return rt_fail(err, 0, "%s:%u: '%.80s': %s is %s", source, lineno, line, names[0],
		               len[0] ? "too long" : "empty");
	for (int i = 1; i < 3; i++) {
		uint32_t *v = i == 1 ? &out->start : &out->count;

		if (parse_id(field[i], len[i], v, &why) < 0)
			return rt_fail(err, 0, "%s:%u: '%.80s': %s %s", source, lineno, line,
			               names[i], why);
	}
	memcpy(out->owner, field[0], len[0]);
	out->owner[len[0]] = '\0';
	out->line = lineno;
	end = (uint64_t)out->start + out->count; /* one past the last id */
	if (!out->count)
		return rt_fail(err, 0, "%s:%u: '%.80s': COUNT is 0", source, lineno, line);
	if (end > ENT_ID_INVALID)
		return rt_fail(err, 0, "%s:%u: '%.80s': the range runs past the last valid id %u",
		               source, lineno, line, ENT_ID_INVALID - 1);
	if (out->start < ENT_SUBID_LOW)
		return rt_fail(err, 0,
		               "%s:%u: '%.80s': the range reaches below %u (host %s): refusing it",
		               source, lineno, line, ENT_SUBID_LOW,
		               out->start == 0 ? "root" : "system users");
	return 1;
}

bool ent_subid_parse_lenient(const char *line, struct ent_subid *out)
{
	const char *field[3];
	size_t len[3];
	char num[32];

	if (blank_or_comment(line) || !split_fields(line, field, len) || !len[0] ||
	    len[0] >= sizeof(out->owner))
		return false;
	for (int i = 1; i < 3; i++) {
		unsigned long long v;
		char *end;

		if (!len[i] || len[i] >= sizeof(num))
			return false;
		memcpy(num, field[i], len[i]);
		num[len[i]] = '\0';
		errno = 0;
		v = strtoull(num, &end, 0);
		if (errno || *end || v > UINT32_MAX)
			return false;
		if (i == 1)
			out->start = (uint32_t)v;
		else
			out->count = (uint32_t)v;
	}
	memcpy(out->owner, field[0], len[0]);
	out->owner[len[0]] = '\0';
	return out->count > 0;
}

bool ent_subid_is_owner(const struct ent_subid *e, const char *name, uint32_t uid)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", uid);
	return !strcmp(e->owner, text) || (name && !strcmp(e->owner, name));
}

bool ent_subid_overlaps(const struct ent_subid *e, uint32_t start, uint32_t count)
{
	uint64_t a = e->start, b = (uint64_t)e->start + e->count;

	return a < (uint64_t)start + count && start < b;
}
