/*
 * entitlements/explain.c - ent-run explain: print a plan for people, and the tables behind it.
 *
 * Every item of a plan carries a "why" (the entitlement, option or default that put it there).
 * explain prints the plan grouped by kernel feature, naming on each line what the feature does
 * for isolation (namespaces(7), capabilities(7), seccomp(2), mount(2), cgroups(7)) and who
 * asked for it. Two forms: text for an 80-column terminal (explain_text.c), and a stable json
 * object (explain_json.c, docs/explain-json.md) that golden tests pin; explain_why.c answers
 * for one name. explain_internal.h lists what the files share.
 *
 * This file holds the entry point and the tables every form reads, and the names spec.c uses
 * too: capability names from libcap (cap_to_name), rlimit names, mount options.
 *
 * Pure code: reads the plan, writes to the FILE * it is given.
 */
#include "entitlements/explain.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "entitlements/explain_internal.h"

/* clang-format off */
/* The five capability sets of a thread, in the order of /proc/PID/status. */
const struct ent_capset_row ent_capset_rows[] = {
	{ "bounding",    offsetof(struct lockdown_caps, bounding),    "the most it can ever hold" },
	{ "effective",   offsetof(struct lockdown_caps, effective),   "what the kernel checks" },
	{ "permitted",   offsetof(struct lockdown_caps, permitted),   "what it may make effective" },
	{ "inheritable", offsetof(struct lockdown_caps, inheritable), "kept across execve (with file caps)" },
	{ "ambient",     offsetof(struct lockdown_caps, ambient),     "kept across execve" },
};
const size_t ent_n_capset_rows = ARRAY_SIZE(ent_capset_rows);

#define PROPAGATION_FLAGS (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)

/* Resource limits of setrlimit(2), by RLIMIT_ name. */
static const struct flag_name rlimit_names[] = {
	FLAG(RLIMIT_CPU),    FLAG(RLIMIT_FSIZE),   FLAG(RLIMIT_DATA),       FLAG(RLIMIT_STACK),
	FLAG(RLIMIT_CORE),   FLAG(RLIMIT_RSS),     FLAG(RLIMIT_NPROC),      FLAG(RLIMIT_NOFILE),
	FLAG(RLIMIT_MEMLOCK), FLAG(RLIMIT_AS),     FLAG(RLIMIT_LOCKS),      FLAG(RLIMIT_SIGPENDING),
	FLAG(RLIMIT_MSGQUEUE), FLAG(RLIMIT_NICE),  FLAG(RLIMIT_RTPRIO),     FLAG(RLIMIT_RTTIME),
};
/* clang-format on */

/* ---------------------------------------------------------------- names */

void ent_cap_name(unsigned cap, char *buf, size_t size)
{
	char *name = cap_to_name((cap_value_t)cap);

	/* libcap answers "cap_net_raw", or the number for a capability newer than itself. */
	if (name && !strncmp(name, "cap_", 4)) {
		snprintf(buf, size, "%s", name);
		for (char *p = buf; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	} else {
		snprintf(buf, size, "CAP_%u", cap);
	}
	cap_free(name);
}

const char *ent_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].value == (uint64_t)resource)
			return rlimit_names[i].name;
	return NULL;
}

int ent_mount_options(const struct rootfs_mount *m, char *buf, size_t size)
{
	bool bind = !strcmp(m->fstype, "bind") || (m->flags & MS_BIND);
	bool rec = m->flags & MS_REC;
	int len = 0;

	buf[0] = '\0';
	if (bind)
		len = snprintf(buf, size, "%s", rec ? "rbind" : "bind");
	for (size_t i = 0; i < ent_n_mount_flags; i++) {
		const struct ent_mount_flag *f = &ent_mount_flags[i];
		bool r = rec && (f->flag & PROPAGATION_FLAGS);

		if (!f->option || !(m->flags & f->flag))
			continue;
		len += snprintf(buf + len, (size_t)len < size ? size - (size_t)len : 0, "%s%s%s",
		                len ? "," : "", r ? "r" : "", f->option);
	}
	if (ent_has(m->data))
		len += snprintf(buf + len, (size_t)len < size ? size - (size_t)len : 0, "%s%s",
		                len ? "," : "", m->data);
	return len;
}

/* ---------------------------------------------------------------- entry point */

int ent_explain_flush(FILE *out, struct rt_err *err)
{
	if (fflush(out) == EOF || ferror(out))
		return rt_fail(err, errno ? errno : EIO, "explain: write the output");
	return 0;
}

int ent_explain_print(FILE *out, const struct ent_plan *plan, bool json, struct rt_err *err)
{
	if (json) {
		if (ent_explain_json(out, plan, err) < 0)
			return -1;
	} else {
		ent_explain_text(out, plan);
	}
	return ent_explain_flush(out, err);
}
