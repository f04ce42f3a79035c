/*
 * entitlements/policy_parse.c - the text of profiles and node policies: one item per line,
 * '#' comments, blank lines. Every error names FILE:LINE and what was expected.
 */
#include <ctype.h>
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
static int add_seccomp(struct ent_policy *pol, const char *ref, struct rt_err *err)
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

static int add_profile(struct ent_policy *pol, const char *name, struct rt_err *err)
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
		return rt_fail(err, 0, "'allow %s' needs a plain absolute path, got '%s'", what,
		               text);
	if (len >= ENT_ITEM_MAX)
		return rt_fail(err, 0, "'allow %s': path too long", what);
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
	if (host_path("volume", arg, pol->volumes[pol->n_volumes].path, err) < 0)
		return -1;
	pol->n_volumes++;
	return 0;
}

static int add_rootfs(struct ent_policy *pol, const char *arg, struct rt_err *err)
{
	if (pol->n_rootfs >= ENT_POLICY_MAX)
		return rt_fail(err, 0, "too many rootfs paths (at most %d)", ENT_POLICY_MAX);
	if (host_path("rootfs", arg, pol->rootfs[pol->n_rootfs], err) < 0)
		return -1;
	pol->n_rootfs++;
	return 0;
}

/* One non-empty policy line. */
static int policy_line(struct ent_policy *pol, char *line, struct rt_err *err)
{
	char *word = line + strcspn(line, " \t");
	char *arg;

	if (*word)
		*word++ = '\0';
	word += strspn(word, " \t");
	if (strcmp(line, "allow"))
		return rt_fail(err, 0,
		               "unknown keyword '%s' (expected: allow ENTITLEMENT, allow "
		               "profile NAME, allow seccomp REF, allow volume PATH[:ro], allow "
		               "rootfs PATH)",
		               line);
	if (!*word)
		return rt_fail(err, 0,
		               "'allow' needs an entitlement, 'profile NAME', 'seccomp REF', "
		               "'volume PATH' or 'rootfs PATH'");
	arg = word + strcspn(word, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	if (!strcmp(word, "profile") || !strcmp(word, "seccomp")) {
		if (!*arg || strpbrk(arg, " \t"))
			return rt_fail(err, 0, "'allow %s' needs exactly one %s", word,
			               word[0] == 'p' ? "NAME" : "REF");
		return word[0] == 'p' ? add_profile(pol, arg, err) : add_seccomp(pol, arg, err);
	}
	if (!strcmp(word, "volume") || !strcmp(word, "rootfs")) {
		if (!*arg || strpbrk(arg, " \t"))
			return rt_fail(err, 0, "'allow %s' needs exactly one PATH", word);
		return word[0] == 'v' ? add_volume(pol, arg, err) : add_rootfs(pol, arg, err);
	}
	if (*arg)
		return rt_fail(err, 0, "unexpected '%s' after 'allow %s'", arg, word);
	return add_entitlement(pol->entitlements, &pol->n_entitlements, ENT_POLICY_MAX, word, err);
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

bool ent_policy_allows_seccomp(const struct ent_policy *pol, const char *ref)
{
	if (!strcmp(ref, "runtime/default"))
		return true;
	for (unsigned i = 0; i < pol->n_seccomp; i++) {
		if (!strcmp(pol->seccomp[i], ref))
			return true;
	}
	return false;
}
