/*
 * entitlements/seccomp_json_scan.c - what json-c lets through that a seccomp profile must not
 * hold, found by one walk over the text.
 *
 * json-c 0.16, even with JSON_TOKENER_STRICT, keeps the last of two equal keys without a word
 * ({"defaultAction": "SCMP_ACT_ERRNO", "defaultAction": "SCMP_ACT_ALLOW"} allows everything),
 * cuts a key at "\u0000", saturates an integer too large for 64 bits (99999999999999999999999
 * becomes 18446744073709551615), and accepts NaN, Infinity and 'single-quoted' keys. It has no
 * hook to refuse them, so after json-c has accepted the text as JSON we walk it once more:
 * outside strings only the structure characters and the numbers matter, and a stack of open
 * objects and arrays gives each key and number its JSON location ("syscalls[2].args[0].value").
 *
 * Every number in a profile is an index, a value or an errno: an integer from 0 to 2^64-1
 * written with digits only. Keys are decoded by json-c itself (one string at a time) and kept,
 * per open object, in a json-c object used as a set. Pure: no system calls.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "entitlements/seccomp_json_internal.h"

#define KEY_SHOWN 40 /* characters of a key shown in a location */

/* One open object or array, and where we are in it. */
struct level {
	struct json_object *keys; /* object: the keys seen so far (a set); array: NULL */
	char key[KEY_SHOWN + 1];  /* object: the current key */
	size_t index;             /* array: the current element */
	bool want_key;            /* object: the next string is a key */
};

struct scan {
	const struct import *im;
	const char *text;
	size_t len;
	struct json_tokener *tok; /* decodes one key at a time */
	struct level stack[JSON_MAX_DEPTH];
	int depth;
};

/* The location of the current value: "syscalls[2].args[0].value" (levels 0..depth-1). */
static void scan_path(const struct scan *s, char *where)
{
	size_t n = 0;

	where[0] = '\0';
	for (int i = 0; i < s->depth && n < JSON_PATH_MAX; i++) {
		const struct level *l = &s->stack[i];
		int w = 0;

		if (!l->keys)
			w = snprintf(where + n, JSON_PATH_MAX - n, "[%zu]", l->index);
		else if (l->key[0])
			w = snprintf(where + n, JSON_PATH_MAX - n, "%s%s", n ? "." : "", l->key);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* "line 3, column 14: syscalls[0].action: reason" for the text at offset. Returns -1. */
__attribute__((format(printf, 3, 4))) static int scan_fail(const struct scan *s, size_t offset,
                                                           const char *fmt, ...)
{
	char where[JSON_PATH_MAX], reason[160], place[JSON_PATH_MAX + 40];
	unsigned line, column;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	ent_sj_locate(s->text, offset, &line, &column);
	scan_path(s, where);
	snprintf(place, sizeof(place), "line %u, column %u%s%s", line, column, where[0] ? ": " : "",
	         where);
	return ent_sj_fail(s->im, place, "%s", reason);
}

/* The offset just past the string that opens at offset (json-c has checked its escapes). */
static size_t string_end(const struct scan *s, size_t offset)
{
	size_t i = offset + 1;

	while (i < s->len && s->text[i] != '"')
		i += s->text[i] == '\\' ? 2 : 1;
	return i + 1;
}

/* Does the string from start to end (its quotes) hold an escaped NUL, \u0000? */
static bool has_nul(const struct scan *s, size_t start, size_t end)
{
	for (size_t i = start + 1; i + 1 < end; i++) {
		if (s->text[i] != '\\')
			continue;
		if (s->text[i + 1] == 'u' && i + 5 < end && !strncmp(s->text + i + 2, "0000", 4))
			return true;
		i++; /* the escaped character */
	}
	return false;
}

/* A key: decoded by json-c, free of control characters, new in its object. */
static int scan_key(struct scan *s, size_t start, size_t end)
{
	struct level *l = &s->stack[s->depth - 1];
	struct json_object *str;
	const char *key;
	int bad, rc = 0;

	json_tokener_reset(s->tok);
	str = json_tokener_parse_ex(s->tok, s->text + start, (int)(end - start));
	if (!str)
		return rt_fail(s->im->err, ENOMEM, "seccomp profile %s: decode a key",
		               s->im->source);
	key = json_object_get_string(str);
	bad = ent_sj_control_char(key, (size_t)json_object_get_string_len(str));
	l->key[0] = '\0';
	if (bad >= 0) { /* the location names the object that holds the key */
		rc = scan_fail(s, start, "key contains control character U+%04X", (unsigned)bad);
	} else {
		snprintf(l->key, sizeof(l->key), "%s", key);
		if (json_object_object_get_ex(l->keys, key, NULL))
			rc = scan_fail(s, start, "duplicate key");
		else if (json_object_object_add(l->keys, key, NULL) < 0)
			rc = rt_fail(s->im->err, ENOMEM, "seccomp profile %s: keys", s->im->source);
	}
	json_object_put(str);
	return rc;
}

/* The length of the bare word (number or literal) at offset: up to a delimiter or the end. */
static size_t word_len(const struct scan *s, size_t offset)
{
	size_t n = 0;

	while (offset + n < s->len && !strchr(",]} \t\r\n", s->text[offset + n]))
		n++;
	return n;
}

/* Inside a config.json's linux.seccomp, the profile the importer reads? */
static bool in_seccomp(const struct scan *s)
{
	return s->depth >= 2 && s->stack[0].keys && !strcmp(s->stack[0].key, "linux") &&
	       s->stack[1].keys && !strcmp(s->stack[1].key, "seccomp");
}

/* A number (or NaN, Infinity): digits only, at most 2^64-1. *end: the offset after it. */
static int scan_number(struct scan *s, size_t start, size_t *end)
{
	const char *p = s->text + start;
	size_t n = word_len(s, start);
	uint64_t v = 0;
	size_t i;

	if (n == 0) { /* a character json-c let through and JSON does not have */
		*end = start + 1;
		return scan_fail(s, start, "bad JSON: unexpected character");
	}
	*end = start + n;
	if (s->im->config && !in_seccomp(s))
		return 0; /* a config's other numbers may be negative: the compiler checks each */
	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		unsigned digit = (unsigned)(p[i] - '0');

		if (v > (UINT64_MAX - digit) / 10)
			break;
		v = v * 10 + digit;
	}
	if (i == n)
		return 0;
	return scan_fail(s, start, "%.*s is not an integer from 0 to %llu", (int)(n < 40 ? n : 40),
	                 p, (unsigned long long)UINT64_MAX);
}

static int scan_open(struct scan *s, size_t offset, bool object)
{
	struct level *l;

	if (s->depth >= JSON_MAX_DEPTH)
		return scan_fail(s, offset, "nesting too deep");
	l = &s->stack[s->depth++];
	memset(l, 0, sizeof(*l));
	l->want_key = object;
	if (object && !(l->keys = json_object_new_object()))
		return rt_fail(s->im->err, ENOMEM, "seccomp profile %s: keys", s->im->source);
	return 0;
}

static void scan_close(struct scan *s)
{
	struct level *l = &s->stack[--s->depth];

	json_object_put(l->keys);
	l->keys = NULL;
}

/* One character outside strings; *i moves past what it starts. */
static int scan_token(struct scan *s, size_t *i)
{
	struct level *top = s->depth ? &s->stack[s->depth - 1] : NULL;
	size_t at = *i;

	switch (s->text[at]) {
	case '{':
	case '[':
		(*i)++;
		return scan_open(s, at, s->text[at] == '{');
	case '}':
	case ']':
		(*i)++;
		if (s->depth)
			scan_close(s);
		return 0;
	case ',':
		(*i)++;
		if (top && top->keys)
			top->want_key = true;
		else if (top)
			top->index++;
		return 0;
	case '"':
		*i = string_end(s, at);
		if (s->im->config && has_nul(s, at, *i))
			return scan_fail(s, at, "a string holds a NUL character (\\u0000)");
		if (top && top->keys && top->want_key) {
			top->want_key = false;
			return scan_key(s, at, *i);
		}
		return 0;
	case '\'': /* json-c's strict mode lets a single-quoted key through */
		return scan_fail(s, at, "bad JSON: single-quoted string");
	case 't': /* true, false, null */
	case 'f':
	case 'n':
		*i += word_len(s, at);
		return 0;
	case ':':
	case ' ':
	case '\t':
	case '\r':
	case '\n':
		(*i)++;
		return 0;
	default: /* a number, NaN or Infinity */
		return scan_number(s, at, i);
	}
}

int ent_json_scan_config(const char *text, size_t len, const char *source, struct rt_err *err)
{
	struct import im = { .source = source, .err = err, .config = true }; /* 4 KiB */

	return ent_sj_scan(&im, text, len);
}

int ent_sj_scan(const struct import *im, const char *text, size_t len)
{
	struct scan s = { .im = im, .text = text, .len = len };
	int rc = 0;

	s.tok = json_tokener_new();
	if (!s.tok)
		return rt_fail(im->err, ENOMEM, "seccomp profile %s: JSON parser", im->source);
	for (size_t i = 0; i < len && rc == 0;)
		rc = scan_token(&s, &i);
	while (s.depth)
		scan_close(&s);
	json_tokener_free(s.tok);
	return rc;
}
