/*
 * runtime/cli_values.c - the values of options: paths inside the container, volumes, ids,
 * sizes, process and CPU limits, published ports, host names. Pure, and each error names the
 * option, the offending text and what is expected (tests/unit/test_rt_cli.c).
 */
#include "runtime/cli.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int rt_normalize_path(const char *what, const char *text, char *out, struct rt_err *err)
{
	size_t len = strlen(text);
	const char *p = text;
	size_t o = 0;

	if (text[0] != '/')
		return rt_fail(err, 0, "%s: '%s' is not an absolute path (expected /PATH)", what,
		               text);
	if (len >= ENT_PATH_MAX)
		return rt_fail(err, 0, "%s: path too long (%zu bytes)", what, len);
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && !strncmp(p, "..", 2))
			return rt_fail(err, 0,
			               "%s: '%s' contains '..' (expected a path inside the "
			               "container without '..')",
			               what, text);
		if (!(n == 1 && p[0] == '.')) {
			out[o++] = '/';
			memmove(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

int rt_parse_volume(const char *text, struct ent_volume *out, struct rt_err *err)
{
	char buf[2 * ENT_PATH_MAX];
	char *src, *dst, *mode;

	if (strlen(text) >= sizeof(buf))
		return rt_fail(err, 0, "--volume: value too long");
	strcpy(buf, text);
	src = buf;
	dst = strchr(src, ':');
	if (!dst || dst == src || !dst[1])
		return rt_fail(err, 0, "--volume: '%s' is not SRC:DST[:ro|rw]", text);
	*dst++ = '\0';
	mode = strchr(dst, ':');
	out->readonly = false;
	if (mode) {
		*mode++ = '\0';
		if (!strcmp(mode, "ro"))
			out->readonly = true;
		else if (strcmp(mode, "rw"))
			return rt_fail(err, 0,
			               "--volume: unknown mode '%s' in '%s' (expected: ro, rw)",
			               mode, text);
	}
	if (strlen(src) >= sizeof(out->source))
		return rt_fail(err, 0, "--volume: source path too long");
	strcpy(out->source, src);
	return rt_normalize_path("--volume destination", dst, out->target, err);
}

/* A decimal number that fits in uint32_t, the whole string. */
static int parse_u32(const char *text, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end || v > UINT32_MAX - 1)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int rt_parse_user(const char *text, uint32_t *uid, uint32_t *gid, bool *has_gid, struct rt_err *err)
{
	char buf[32];
	char *colon;

	if (strlen(text) >= sizeof(buf))
		return rt_fail(err, 0, "--user: '%s' is not UID[:GID] (numeric ids)", text);
	strcpy(buf, text);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_u32(buf, uid) < 0 || (colon && parse_u32(colon + 1, gid) < 0))
		return rt_fail(err, 0,
		               "--user: '%s' is not UID[:GID] (numeric ids, e.g. 1000:1000)", text);
	*has_gid = colon != NULL;
	return 0;
}

/* clang-format off */
static const struct { char suffix; int shift; } size_suffixes[] = {
	{ 'b', 0 }, { 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 },
};
/* clang-format on */

int rt_parse_size(const char *text, int64_t *bytes, struct rt_err *err)
{
	char *end;
	unsigned long long v;
	int shift = -1;

	errno = 0;
	v = isdigit((unsigned char)text[0]) ? strtoull(text, &end, 10) : 0;
	if (!isdigit((unsigned char)text[0]) || errno)
		goto bad;
	if (!*end)
		shift = 0;
	for (size_t i = 0; i < ARRAY_SIZE(size_suffixes) && shift < 0; i++) {
		if (tolower((unsigned char)end[0]) == size_suffixes[i].suffix &&
		    (!end[1] || (tolower((unsigned char)end[1]) == 'b' && !end[2])))
			shift = size_suffixes[i].shift;
	}
	if (shift < 0 || v == 0 || v > ((unsigned long long)INT64_MAX >> shift))
		goto bad;
	*bytes = (int64_t)(v << shift);
	return 0;
bad:
	return rt_fail(err, 0,
	               "--memory: '%s' is not a size (expected a positive number with "
	               "an optional suffix K, M, G or T, e.g. 256M)",
	               text);
}

int rt_parse_pids(const char *text, int64_t *pids, struct rt_err *err)
{
	uint32_t v;

	if (!strcmp(text, "max")) {
		*pids = 0;
		return 0;
	}
	if (parse_u32(text, &v) < 0 || v == 0)
		return rt_fail(err, 0,
		               "--pids: '%s' is not a process count (expected a number "
		               ">= 1, or max)",
		               text);
	*pids = v;
	return 0;
}

int rt_parse_cpus(const char *text, int64_t *quota_us, int64_t *period_us, struct rt_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v >= 0.01) || v > 4096 ||
	    !isdigit((unsigned char)text[0]))
		return rt_fail(err, 0,
		               "--cpus: '%s' is not a CPU count (expected a number from "
		               "0.01 to 4096, e.g. 1.5)",
		               text);
	/* The CFS bandwidth controller: `quota` microseconds of CPU time per `period`. */
	*period_us = 100000;
	*quota_us = (int64_t)(v * 100000 + 0.5);
	return 0;
}

static int parse_port(const char *text, uint16_t *port)
{
	uint32_t v;

	if (parse_u32(text, &v) < 0 || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int rt_parse_publish(const char *text, struct netcfg_publish *out, struct rt_err *err)
{
	char buf[96];
	char *proto, *last, *mid;

	memset(out, 0, sizeof(*out));
	if (strlen(text) >= sizeof(buf))
		goto bad;
	strcpy(buf, text);
	out->protocol = IPPROTO_TCP;
	proto = strchr(buf, '/');
	if (proto) {
		*proto++ = '\0';
		if (!strcmp(proto, "udp"))
			out->protocol = IPPROTO_UDP;
		else if (strcmp(proto, "tcp"))
			goto bad;
	}
	last = strrchr(buf, ':');
	if (!last || parse_port(last + 1, &out->port) < 0)
		goto bad;
	*last = '\0';
	mid = strrchr(buf, ':');
	if (mid) {
		*mid = '\0';
		if (!buf[0] || strlen(buf) >= sizeof(out->host_ip))
			goto bad;
		strcpy(out->host_ip, buf);
	}
	if (parse_port(mid ? mid + 1 : buf, &out->host_port) < 0)
		goto bad;
	return 0;
bad:
	return rt_fail(err, 0,
	               "--publish: '%s' is not [IP:]HOSTPORT:PORT[/tcp|/udp] (ports 1-65535)",
	               text);
}

int rt_parse_hostname(const char *text, struct rt_err *err)
{
	size_t len = strlen(text);

	if (len == 0 || len > 64 || text[0] == '-' || text[0] == '.')
		goto bad;
	for (const char *p = text; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			goto bad;
	}
	return 0;
bad:
	return rt_fail(err, 0,
	               "--hostname: '%s' is not a host name (expected 1-64 letters, digits, "
	               "'-' and '.')",
	               text);
}
