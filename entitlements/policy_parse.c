/*
 * entitlements/policy_parse.c - the text of profiles and node policies: one item per line,
 * '#' comments, blank lines. Every error names FILE:LINE and what was expected.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "entitlements/catalogue.h"
#include "entitlements/ent.h"
#include "entitlements/policy.h"

/* clang-format off */
/* "privileged": every admin level, and the one privilege that has no levels. */
static const char *const profile_privileged[] = {
	"network.access=admin", "security.access=admin", "host.devices.access=admin",
	"host.processes.access=admin", "security.memory-lock",
};
/* clang-format on */

bool ent_profile_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= ENT_NAME_MAX || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	}
	return true;
}

bool ent_profile_builtin(const char *name, struct ent_profile *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (!strcmp(name, "default"))
		return true;
	if (strcmp(name, "privileged"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(profile_privileged); i++)
		snprintf(out->entitlements[out->n++], ENT_ITEM_MAX, "%s", profile_privileged[i]);
	return true;
}

/*
 * The next line of *text, without its comment and surrounding blanks, into buf. Returns 1 with
 * a line (possibly empty), 0 at the end, -1 when the line is too long.
 */
static int next_stripped_line(const char **text, char *buf, size_t size)
{
	int r = next_line(text, buf, size);
	size_t len, start = 0;

	if (r == 0 || (r < 0 && !strchr(buf, '#'))) /* too long, unless a comment was cut */
		return r;
	len = strcspn(buf, "#"); /* up to a comment */
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	while (start < len && isspace((unsigned char)buf[start]))
		start++;
	memmove(buf, buf + start, len - start);
	buf[len - start] = '\0';
	return 1;
}

/* Check one entitlement and store its canonical text. */
static int add_entitlement(char (*list)[ENT_ITEM_MAX], unsigned *n, unsigned max, const char *text,
                           struct rt_err *err)
{
	struct ent_grant_req req;

	if (ent_parse(text, &req, err) < 0)
		return -1;
	if (*n >= max)
		return rt_fail(err, 0, "too many entitlements (at most %u)", max);
	if (strlen(req.text) >= ENT_ITEM_MAX)
		return rt_fail(err, 0, "entitlement too long (at most %d bytes)", ENT_ITEM_MAX - 1);
	strcpy(list[(*n)++], req.text);
	return 0;
}

int ent_profile_parse(const char *name, const char *text, const char *source,
                      struct ent_profile *out, struct rt_err *err)
{
	char line[ENT_ITEM_MAX];
	unsigned lineno = 0;
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	while ((r = next_stripped_line(&text, line, sizeof(line))) != 0) {
		lineno++;
		if (r < 0)
			return rt_fail(err, 0, "profile %s:%u: line too long (at most %d bytes)",
			               source, lineno, ENT_ITEM_MAX - 1);
		if (!line[0])
			continue;
		if (add_entitlement(out->entitlements, &out->n, ENT_PROFILE_MAX, line, err) < 0) {
			rt_err_prefix(err, "profile %s:%u", source, lineno);
			return -1;
		}
	}
	return 0;
}

/* "allow seccomp REF": the references that replace the entitlement-derived filter. */
static int add_seccomp(struct ent_policy *pol, char *ref, struct rt_err *err)
{
	if (strcmp(ref, "unconfined") && strcmp(ref, "runtime/default") &&
	    (strncmp(ref, "localhost/", 10) || !ent_profile_name_valid(ref + 10)))
		return rt_fail(err, 0,
		               "unknown seccomp reference '%s' (expected: runtime/default, "
		               "unconfined, localhost/NAME)",
		               ref);
	if (pol->n_seccomp >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many seccomp references (at most %d)", ENT_POLICY_MAX);
	snprintf(pol->seccomp[pol->n_seccomp++], ENT_ITEM_MAX, "%s", ref);
	return 0;
}

static int add_profile(struct ent_policy *pol, char *name, struct rt_err *err)
{
	if (!ent_profile_name_valid(name))
		return rt_fail(err, 0,
		               "'%s' is not a profile name (letters, digits, '.', '_', '-')", name);
	if (pol->n_profiles >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many profiles (at most %d)", ENT_POLICY_MAX);
	snprintf(pol->profiles[pol->n_profiles++], ENT_NAME_MAX, "%s", name);
	return 0;
}

/* An absolute host path without "..", "." or a trailing '/' (so prefix checks are exact). */
static int host_path(const char *what, const char *text, char *out, struct rt_err *err)
{
	size_t len = strlen(text);

	if (text[0] != '/' || strstr(text, "/../") || strstr(text, "/./") || strstr(text, "//") ||
	    (len > 1 && text[len - 1] == '/') || (len >= 3 && !strcmp(text + len - 3, "/..")) ||
	    (len >= 2 && !strcmp(text + len - 2, "/.")))
		return rt_fail(err, 0, "'%s' needs a plain absolute path, got '%s'", what, text);
	if (len >= ENT_ITEM_MAX)
		return rt_fail(err, 0, "'%s': path too long", what);
	memcpy(out, text, len + 1);
	return 0;
}

/* "allow volume PATH[:ro]": bind mounts of host paths at or below PATH (read-only with :ro). */
static int add_volume(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	size_t len = strlen(arg);
	bool ro = len > 3 && !strcmp(arg + len - 3, ":ro");

	if (pol->n_volumes >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many volumes (at most %d)", ENT_POLICY_MAX);
	if (ro)
		arg[len - 3] = '\0';
	pol->volumes[pol->n_volumes].readonly_only = ro;
	if (host_path("allow volume", arg, pol->volumes[pol->n_volumes].path, err) < 0)
		return -1;
	pol->n_volumes++;
	return 0;
}

static int add_rootfs(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	if (pol->n_rootfs >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many rootfs paths (at most %d)", ENT_POLICY_MAX);
	if (host_path("allow rootfs", arg, pol->rootfs[pol->n_rootfs], err) < 0)
		return -1;
	pol->n_rootfs++;
	return 0;
}

/* "allow join-namespace PATH": namespaces an OCI config joins by path, at or below PATH. */
static int add_join_ns(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	if (pol->n_join_ns >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many join-namespace paths (at most %d)",
		               ENT_POLICY_MAX);
	if (host_path("allow join-namespace", arg, pol->join_ns[pol->n_join_ns], err) < 0)
		return -1;
	pol->n_join_ns++;
	return 0;
}

/* "allow subnet CIDR": address pools (--subnet) inside this IPv4 block. */
static int add_subnet(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	if (pol->n_subnets >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many subnets (at most %d)", ENT_POLICY_MAX);
	if (parse_ipv4_cidr(arg, &pol->subnets[pol->n_subnets].net,
	                    &pol->subnets[pol->n_subnets].prefix_len) < 0)
		return rt_fail(err, 0,
		               "'allow subnet' needs an IPv4 CIDR block without host bits, got "
		               "'%s' (e.g. 10.89.0.0/16)",
		               arg);
	pol->n_subnets++;
	return 0;
}

/* "allow publish [IP:]PORT[-PORT][/tcp|/udp]": host ports --publish may use. */
static int add_publish(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	char text[ENT_ITEM_MAX];
	char *proto = strchr(arg, '/'), *colon, *ports, *dash;
	struct in_addr ip;

	if (pol->n_publish >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many published ports (at most %d)", ENT_POLICY_MAX);
	snprintf(text, sizeof(text), "%s", arg);
	pol->publish[pol->n_publish].protocol = IPPROTO_TCP;
	if (proto) {
		*proto++ = '\0';
		if (!strcmp(proto, "udp"))
			pol->publish[pol->n_publish].protocol = IPPROTO_UDP;
		else if (strcmp(proto, "tcp"))
			goto bad;
	}
	colon = strrchr(arg, ':');
	ports = colon ? colon + 1 : arg;
	if (colon) {
		*colon = '\0';
		if (inet_pton(AF_INET, arg, &ip) != 1)
			goto bad;
		pol->publish[pol->n_publish].has_ip = true;
		pol->publish[pol->n_publish].ip = ntohl(ip.s_addr);
	}
	dash = strchr(ports, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_port(ports, &pol->publish[pol->n_publish].first) < 0 ||
	    parse_port(dash ? dash : ports, &pol->publish[pol->n_publish].last) < 0 ||
	    pol->publish[pol->n_publish].last < pol->publish[pol->n_publish].first)
		goto bad;
	pol->n_publish++;
	return 0;
bad:
	return rt_fail(err, 0,
	               "'allow publish' needs [IP:]PORT[-PORT][/tcp|/udp] (an IPv4 address, "
	               "ports 1-65535, the first no higher than the last), got '%s'",
	               text);
}

static int limit_pids(struct ent_limits *l, const char *what, const char *value, struct rt_err *err)
{
	return ent_parse_pids(what, value, &l->pids_max, err);
}

static int limit_memory(struct ent_limits *l, const char *what, const char *value,
                        struct rt_err *err)
{
	/* The default of every request too: it has --memory's least. */
	return ent_parse_memory(what, value, &l->memory_bytes, err);
}

static int limit_cpus(struct ent_limits *l, const char *what, const char *value, struct rt_err *err)
{
	return ent_parse_cpus(what, value, &l->cpu_quota_us, &l->cpu_period_us, err);
}

static int limit_tmpfs(struct ent_limits *l, const char *what, const char *value,
                       struct rt_err *err)
{
	return ent_parse_size(what, value, &l->tmpfs_bytes, err);
}

/* clang-format off */
/* "limit RESOURCE VALUE": the ceilings, with where each one's "given" flag lives. */
static const struct {
	const char *resource;
	size_t has;
	int (*parse)(struct ent_limits *l, const char *what, const char *value, struct rt_err *err);
} limit_kinds[] = {
	{ "pids",   offsetof(struct ent_limits, has_pids),   limit_pids },
	{ "memory", offsetof(struct ent_limits, has_memory), limit_memory },
	{ "cpus",   offsetof(struct ent_limits, has_cpus),   limit_cpus },
	{ "tmpfs",  offsetof(struct ent_limits, has_tmpfs),  limit_tmpfs },
};
/* clang-format on */

#define EXPECTED_LIMITS "limit pids N|max, limit memory SIZE, limit cpus N, limit tmpfs SIZE"

/* "limit RESOURCE VALUE": a ceiling, each at most once. */
static int add_limit(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	char *value = arg + strcspn(arg, " \t");
	char what[32];

	if (*value)
		*value++ = '\0';
	value += strspn(value, " \t");
	if (!*value || strpbrk(value, " \t"))
		return rt_fail(err, 0, "'limit' needs a resource and one value (expected: %s)",
		               EXPECTED_LIMITS);
	for (size_t i = 0; i < ARRAY_SIZE(limit_kinds); i++) {
		bool *has = (bool *)((char *)&pol->limits + limit_kinds[i].has);

		if (strcmp(arg, limit_kinds[i].resource))
			continue;
		snprintf(what, sizeof(what), "limit %s", arg);
		if (*has)
			return rt_fail(err, 0, "'%s' given twice", what);
		if (limit_kinds[i].parse(&pol->limits, what, value, err) < 0)
			return -1;
		*has = true;
		return 0;
	}
	return rt_fail(err, 0, "unknown resource '%s' (expected: %s)", arg, EXPECTED_LIMITS);
}

/* "profile-dir DIR", "seccomp-root DIR": where the policy's names are looked up, once each. */
static int set_dir(const char *keyword, char *dir, char *arg, struct rt_err *err)
{
	if (dir[0])
		return rt_fail(err, 0, "'%s' given twice", keyword);
	if (!*arg || strpbrk(arg, " \t"))
		return rt_fail(err, 0, "'%s' needs exactly one DIR", keyword);
	return host_path(keyword, arg, dir, err);
}

static int set_profile_dir(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	return set_dir("profile-dir", pol->profile_dir, arg, err);
}

static int set_seccomp_root(struct ent_policy *pol, char *arg, struct rt_err *err)
{
	return set_dir("seccomp-root", pol->seccomp_root, arg, err);
}

/* clang-format off */
/* "allow WHAT ARG": the grants that are not entitlements. Anything else is an entitlement. */
static const struct {
	const char *what, *arg;
	int (*add)(struct ent_policy *pol, char *arg, struct rt_err *err);
} allow_kinds[] = {
	{ "profile", "NAME",                       add_profile },
	{ "seccomp", "REF",                        add_seccomp },
	{ "volume",  "PATH[:ro]",                  add_volume },
	{ "rootfs",  "PATH",                       add_rootfs },
	{ "join-namespace", "PATH",                add_join_ns },
	{ "subnet",  "CIDR",                       add_subnet },
	{ "publish", "[IP:]PORT[-PORT][/udp]",     add_publish },
};

/* "allow WORD": OCI runtime mode's grants of their own, each a flag of the policy. */
static const struct {
	const char *word;
	size_t offset; /* of its bool in struct ent_policy */
} allow_flags[] = {
	{ "host-userns", offsetof(struct ent_policy, host_userns) }, /* container root is host root */
	{ "oci-hooks",   offsetof(struct ent_policy, oci_hooks) },   /* host programs as host root */
	{ "id-mappings", offsetof(struct ent_policy, id_mappings) }, /* host ids the config chose */
};
/* clang-format on */

/* "allow ...": an entitlement, or one of allow_kinds with exactly one argument. */
static int allow_line(struct ent_policy *pol, char *word, struct rt_err *err)
{
	char *arg = word + strcspn(word, " \t");

	if (!*word)
		return rt_fail(err, 0,
		               "'allow' needs an entitlement, 'profile NAME', 'seccomp REF', "
		               "'volume PATH', 'rootfs PATH', 'subnet CIDR' or 'publish PORT'");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	for (size_t i = 0; i < ARRAY_SIZE(allow_kinds); i++) {
		if (strcmp(word, allow_kinds[i].what))
			continue;
		if (!*arg || strpbrk(arg, " \t"))
			return rt_fail(err, 0, "'allow %s' needs exactly one %s", word,
			               allow_kinds[i].arg);
		return allow_kinds[i].add(pol, arg, err);
	}
	if (*arg)
		return rt_fail(err, 0, "unexpected '%s' after 'allow %s'", arg, word);
	for (size_t i = 0; i < ARRAY_SIZE(allow_flags); i++) {
		if (!strcmp(word, allow_flags[i].word)) {
			*(bool *)((char *)pol + allow_flags[i].offset) = true;
			return 0;
		}
	}
	return add_entitlement(pol->entitlements, &pol->n_entitlements, ENT_POLICY_MAX, word, err);
}

/* clang-format off */
/* The first word of a policy line says what the rest is. */
static const struct {
	const char *keyword;
	int (*add)(struct ent_policy *pol, char *rest, struct rt_err *err);
} line_kinds[] = {
	{ "allow",        allow_line },
	{ "limit",        add_limit },
	{ "profile-dir",  set_profile_dir },
	{ "seccomp-root", set_seccomp_root },
};
/* clang-format on */

/* One non-empty policy line. */
static int policy_line(struct ent_policy *pol, char *line, struct rt_err *err)
{
	char *rest = line + strcspn(line, " \t");

	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	for (size_t i = 0; i < ARRAY_SIZE(line_kinds); i++) {
		if (!strcmp(line, line_kinds[i].keyword))
			return line_kinds[i].add(pol, rest, err);
	}
	return rt_fail(err, 0,
	               "unknown keyword '%s' (expected: allow, limit, profile-dir, seccomp-root)",
	               line);
}

int ent_policy_parse(const char *text, const char *source, struct ent_policy *out,
                     struct rt_err *err)
{
	char line[ENT_ITEM_MAX + 32];
	unsigned lineno = 0;
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(out->source, sizeof(out->source), "%s", source);
	while ((r = next_stripped_line(&text, line, sizeof(line))) != 0) {
		lineno++;
		if (r < 0)
			return rt_fail(err, 0, "policy %s:%u: line too long (at most %zu bytes)",
			               source, lineno, sizeof(line) - 1);
		if (line[0] && policy_line(out, line, err) < 0) {
			rt_err_prefix(err, "policy %s:%u", source, lineno);
			return -1;
		}
	}
	return 0;
}

const char *ent_policy_profile_dir(const struct ent_policy *pol)
{
	return pol->profile_dir[0] ? pol->profile_dir : ENT_PROFILE_DIR_DEFAULT;
}

const char *ent_policy_seccomp_root(const struct ent_policy *pol)
{
	return pol->seccomp_root[0] ? pol->seccomp_root : ENT_SECCOMP_ROOT_DEFAULT;
}

bool ent_policy_allows_seccomp(const struct ent_policy *pol, const char *ref)
{
	if (!strcmp(ref, "runtime/default"))
		return true;
	for (unsigned i = 0; pol && i < pol->n_seccomp; i++) {
		if (!strcmp(pol->seccomp[i], ref))
			return true;
	}
	return false;
}
