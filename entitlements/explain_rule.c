/*
 * entitlements/explain_rule.c - seccomp rules in words, for explain's text and --why answers.
 *
 * A seccomp filter (seccomp(2), seccomp_rule_add(3)) is a list of rules: a system call, an
 * action (allow, fail with an errno, kill, trap, log, trace, notify ent-run learn's supervisor)
 * and up to six comparisons of its
 * arguments. The plan stores them as numbers; this file spells them as a person reads them:
 * "denied (EPERM)", "arg0 == AF_UNIX (1)", "arg0 has CLONE_NEWUSER (0x10000000)".
 *
 * Pure code: formats into the buffers it is given.
 */
#include "entitlements/explain_internal.h"

#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

/* clang-format off */
/*
 * Symbolic names of the argument values seccomp rules compare, per system call and argument,
 * so that "arg0 == 1" reads "arg0 == AF_UNIX (1)". Masks are spelled as flags joined by '|'.
 */
static const struct arg_name {
	const char *syscall;
	uint8_t index;
	struct flag_name value;
} arg_names[] = {
	{ "socket",      0, FLAG(AF_UNIX) },     { "socket",      0, FLAG(AF_INET) },
	{ "socket",      0, FLAG(AF_INET6) },    { "socket",      0, FLAG(AF_NETLINK) },
	{ "socket",      0, FLAG(AF_PACKET) },   { "socket",      0, FLAG(AF_VSOCK) },
	{ "socket",      0, FLAG(AF_ALG) },
	{ "socket",      0, FLAG(AF_ALG) },
	{ "socket",      1, FLAG(SOCK_STREAM) }, { "socket",      1, FLAG(SOCK_DGRAM) },
	{ "socket",      1, FLAG(SOCK_RAW) },
	{ "setsockopt",  1, FLAG(SOL_SOCKET) },  { "setsockopt",  2, FLAG(SO_DEBUG) },
	{ "ioctl",       1, FLAG(TIOCSTI) },     { "ioctl",       1, FLAG(TIOCLINUX) },
	{ "personality", 0, FLAG(PER_LINUX) },   { "personality", 0, FLAG(PER_LINUX32) },
	{ "personality", 0, FLAG(UNAME26) },
	{ "clone",   0, FLAG(CLONE_NEWUSER) },   { "clone",   0, FLAG(CLONE_NEWNS) },
	{ "clone",   0, FLAG(CLONE_NEWPID) },    { "clone",   0, FLAG(CLONE_NEWNET) },
	{ "clone",   0, FLAG(CLONE_NEWUTS) },    { "clone",   0, FLAG(CLONE_NEWIPC) },
	{ "clone",   0, FLAG(CLONE_NEWCGROUP) }, { "clone",   0, FLAG(CLONE_NEWTIME) },
	{ "unshare", 0, FLAG(CLONE_NEWUSER) },   { "unshare", 0, FLAG(CLONE_NEWNS) },
	{ "unshare", 0, FLAG(CLONE_NEWPID) },    { "unshare", 0, FLAG(CLONE_NEWNET) },
	{ "unshare", 0, FLAG(CLONE_NEWUTS) },    { "unshare", 0, FLAG(CLONE_NEWIPC) },
	{ "unshare", 0, FLAG(CLONE_NEWCGROUP) }, { "unshare", 0, FLAG(CLONE_NEWTIME) },
};
/* clang-format on */

const char *ent_action_name(unsigned action)
{
	const struct ent_seccomp_action *row = ent_seccomp_action_row(action);

	return row ? row->name : "unknown";
}

const char *ent_errno_name(int errnum, char *buf, size_t size)
{
	const char *name = strerrorname_np(errnum);

	if (name)
		return name;
	snprintf(buf, size, "%d", errnum);
	return buf;
}

const char *ent_action_text(unsigned action, int32_t errnum, char *buf, size_t size)
{
	const struct ent_seccomp_action *row = ent_seccomp_action_row(action);
	char num[16];

	if (!row)
		snprintf(buf, size, "action %u", action);
	else if (action == LOCKDOWN_ERRNO)
		snprintf(buf, size, "denied (%s)", ent_errno_name(errnum, num, sizeof(num)));
	else if (action == LOCKDOWN_TRACE)
		snprintf(buf, size, "passed to the tracer (%d)", errnum);
	else if (action == LOCKDOWN_NOTIFY && errnum)
		snprintf(buf, size, "%s, then denied (%s)", row->reads,
		         ent_errno_name(errnum, num, sizeof(num)));
	else if (action == LOCKDOWN_NOTIFY)
		snprintf(buf, size, "%s, then allowed", row->reads);
	else
		snprintf(buf, size, "%s", row->reads);
	return buf;
}

const char *ent_cmp_op(unsigned op)
{
	const struct ent_seccomp_cmp *row = ent_seccomp_cmp_row(op);

	return row ? row->op : "?";
}

/* A value as "AF_UNIX (1)" or "CLONE_NEWUSER | CLONE_NEWNET (0x50000000)", else as a number. */
static void value_text(const char *syscall, uint8_t index, uint64_t value, bool mask, char *buf,
                       size_t size)
{
	uint64_t named = 0;
	int len = 0;

	/* A value with a name of its own first (AF_ALG is 0x26, not AF_INET | 0x24). */
	for (size_t i = 0; i < ARRAY_SIZE(arg_names); i++) {
		const struct arg_name *a = &arg_names[i];

		if (!strcmp(a->syscall, syscall) && a->index == index && a->value.value == value) {
			snprintf(buf, size, mask ? "%s (0x%" PRIx64 ")" : "%s (%" PRIu64 ")",
			         a->value.name, value);
			return;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(arg_names) && mask; i++) {
		const struct arg_name *a = &arg_names[i];

		if (strcmp(a->syscall, syscall) || a->index != index)
			continue;
		if (a->value.value && (value & a->value.value) == a->value.value &&
		    !(named & a->value.value) && (size_t)len < size) {
			len += snprintf(buf + len, size - (size_t)len, "%s%s", len ? " | " : "",
			                a->value.name);
			named |= a->value.value;
		}
	}
	if (mask && named == value && value)
		snprintf(buf + len, (size_t)len < size ? size - (size_t)len : 0, " (0x%" PRIx64 ")",
		         value);
	else if (mask || value > 0xffff)
		snprintf(buf, size, "0x%" PRIx64, value);
	else
		snprintf(buf, size, "%" PRIu64, value);
}

void ent_conditions_text(const struct lockdown_rule *r, char *buf, size_t size)
{
	char value[160], value2[160];
	int len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->n_args && (size_t)len < size; i++) {
		const struct lockdown_arg *a = &r->args[i];
		const char *sep = i ? " && " : "";

		if (a->op == LOCKDOWN_CMP_MASKED_EQ) {
			/* Flag tests read as such: "arg0 has CLONE_NEWNS (0x20000)". */
			value_text(r->syscall, a->index, a->value, true, value, sizeof(value));
			value_text(r->syscall, a->index, a->value2, true, value2, sizeof(value2));
			if (a->value2 == a->value)
				len += snprintf(buf + len, size - (size_t)len, "%sarg%u has %s",
				                sep, a->index, value);
			else if (!a->value2)
				len += snprintf(buf + len, size - (size_t)len,
				                "%sarg%u has none of %s", sep, a->index, value);
			else
				len += snprintf(buf + len, size - (size_t)len,
				                "%s(arg%u & %s) == %s", sep, a->index, value,
				                value2);
		} else {
			value_text(r->syscall, a->index, a->value, false, value, sizeof(value));
			len += snprintf(buf + len, size - (size_t)len, "%sarg%u %s %s", sep,
			                a->index, ent_cmp_op(a->op), value);
		}
	}
}
