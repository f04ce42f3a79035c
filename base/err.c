/*
 * base/err.c - the error type: filled once, where a system call failed; printed once, by main().
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Mark a truncated message visibly instead of silently cutting it. */
static void mark_truncated(char *buf, size_t size, int written)
{
	if (written >= 0 && (size_t)written < size)
		return;
	if (size > 4)
		memcpy(buf + size - 4, "...", 4);
}

int rt_fail(struct rt_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	err->errnum = errnum;
	err->hint[0] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	mark_truncated(err->msg, sizeof(err->msg), n);
	return -1;
}

void rt_err_prefix(struct rt_err *err, const char *fmt, ...)
{
	char prefix[sizeof(err->msg)];
	char old[sizeof(err->msg)];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	memcpy(old, err->msg, sizeof(old));
	n = snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	mark_truncated(err->msg, sizeof(err->msg), n);
}

void rt_err_hint(struct rt_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	mark_truncated(err->hint, sizeof(err->hint), n);
}

/*
 * Copy src into buf with control characters written as \n, \t, \r or \xNN: messages quote
 * what the user typed (argv, file names), and ent-run's error must stay one line that nobody
 * can extend with a forged "ent-run: ..." line or a terminal escape sequence.
 */
static void escape_into(char *buf, size_t size, const char *src)
{
	size_t o = 0;

	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		int n;

		if (c >= 0x20 && c != 0x7f)
			n = snprintf(buf + o, size - o, "%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			n = snprintf(buf + o, size - o, "\\%c",
			             c == '\n'   ? 'n'
			             : c == '\t' ? 't'
			                         : 'r');
		else
			n = snprintf(buf + o, size - o, "\\x%02x", c);
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
	buf[o] = '\0';
	if (*src && size > 4) /* out of room: end visibly where it stopped */
		memcpy(buf + (o < size - 4 ? o : size - 4), "...", 4);
}

const char *rt_err_format(const struct rt_err *err, char *buf, unsigned long size)
{
	char line[sizeof(err->msg) + 128];
	int n;

	if (err->errnum)
		n = snprintf(line, sizeof(line), "%s: %s", err->msg, strerror(err->errnum));
	else
		n = snprintf(line, sizeof(line), "%s", err->msg);
	mark_truncated(line, sizeof(line), n);
	escape_into(buf, size, line);
	return buf;
}

void rt_err_print(const struct rt_err *err)
{
	char line[4 * (sizeof(err->msg) + 128)];

	fprintf(stderr, "ent-run: %s\n", rt_err_format(err, line, sizeof(line)));
	if (err->hint[0]) {
		escape_into(line, sizeof(line), err->hint);
		fprintf(stderr, "ent-run: hint: %s\n", line);
	}
}
