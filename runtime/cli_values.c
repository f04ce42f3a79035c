/*
 * runtime/cli_values.c - the values of options: paths inside the container, volumes, tmpfs,
 * ids, published ports, host names (sizes, process and CPU counts: entitlements/limits.c, which
 * a node policy shares). Pure, and each error names the option, the offending text and what is
 * expected (tests/unit/test_rt_cli.c).
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

int rt_parse_tmpfs(char *text, int64_t *bytes, struct rt_err *err)
{
	char *opt = strchr(text, ':');

	*bytes = 0;
	if (opt) {
		*opt++ = '\0';
		if (strncmp(opt, "size=", 5))
			return rt_fail(err, 0,
			               "--tmpfs: unknown option '%s' after '%s' (expected DST or "
			               "DST:size=SIZE)",
			               opt, text);
		if (ent_parse_size("--tmpfs", opt + 5, bytes, err) < 0)
			return -1;
	}
	return rt_normalize_path("--tmpfs", text, text, err);
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

/*
 * RFC 1123's host names: labels of 1-63 letters, digits and '-', none beginning or
 * ending with '-', joined by '.'; at most 64 bytes (the kernel's, uname(2)).
 */
int rt_parse_hostname(const char *text, struct rt_err *err)
{
	size_t len = strlen(text);
	const char *label = text;

	if (len == 0 || len > 64)
		goto bad;
	for (const char *p = text;; p++) {
		if (*p == '.' || !*p) {
			if (p == label || p - label > 63 || label[0] == '-' || p[-1] == '-')
				goto bad;
			if (!*p)
				return 0;
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-') {
			goto bad;
		}
	}
bad:
	return rt_fail(err, 0,
	               "--hostname: '%s' is not a host name (expected 1-64 letters, digits, "
	               "'-' and '.'; labels of 1-63, none beginning or ending with '-')",
	               text);
}
