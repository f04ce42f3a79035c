/*
 * entitlements/learn_needs.c - what an observed call or refused capability check needs, and
 * the evidence for it: how often, and where it first showed.
 *
 * A need is said in the policy check's own terms (entitlements/policy.c), so that the least
 * entitlements can be found by comparing plans: a system call the filter must allow ("syscall
 * mount"), a capability the container's bounding set must hold (CAP_CHOWN), or network reach
 * (capabilities(7), ip(7): ports below 1024 need CAP_NET_BIND_SERVICE, raw sockets
 * CAP_NET_RAW; credentials(7): another owner needs CAP_CHOWN, another id CAP_SETUID or
 * CAP_SETGID). Pure code: the caller read the process; this file only decides.
 */
#include "entitlements/learn_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>

#include "entitlements/explain_internal.h"

#define ID_UNCHANGED UINT32_C(0xffffffff) /* (uid_t)-1: "leave this id as it is" */

/* clang-format off */
static const struct flag_name families[] = {
	FLAG(AF_UNIX), FLAG(AF_INET), FLAG(AF_INET6), FLAG(AF_NETLINK), FLAG(AF_PACKET),
};
static const struct flag_name socket_types[] = {
	FLAG(SOCK_STREAM), FLAG(SOCK_DGRAM), FLAG(SOCK_RAW), FLAG(SOCK_SEQPACKET),
};
/* clang-format on */

/* Text for a person, cut when it does not fit (the evidence is a hint, not a name). */
__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static const char *name_of(const struct flag_name *table, size_t n, uint64_t value, char *buf,
                           size_t size)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i].value == value)
			return table[i].name;
	}
	snprintf(buf, size, "%llu", (unsigned long long)value);
	return buf;
}

/* ---------------------------------------------------------------- what the values need */

static bool is_loopback(const struct ent_learn_call *c)
{
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];
	const uint8_t *v4 = c->addr;

	if (c->family == AF_INET6) {
		if (!memcmp(c->addr, zero, 15) && (c->addr[15] == 1 || c->addr[15] == 0))
			return true; /* ::1, and :: (which means this host) */
		if (memcmp(c->addr, v4_mapped, sizeof(v4_mapped)))
			return false;
		v4 = c->addr + 12;
	}
	/* 127.0.0.0/8, and 0.0.0.0 (this host) */
	return v4[0] == 127 || (!v4[0] && !v4[1] && !v4[2] && !v4[3]);
}

static bool is_inet(const struct ent_learn_call *c)
{
	return c->has_addr && (c->family == AF_INET || c->family == AF_INET6);
}

static bool has_id(const uint32_t *set, unsigned n, uint32_t id)
{
	for (unsigned i = 0; i < n; i++) {
		if (set[i] == id)
			return true;
	}
	return false;
}

/*
 * Does an id change need the capability? Without it the kernel lets a process take only ids it
 * already has (real, effective, saved, file system; setfsuid(2), setresuid(2)); a chown may
 * keep the owner or give the caller's own group (or one of its groups) (chown(2)).
 */
static bool ids_need_cap(const struct ent_learn_watch *w, const struct ent_learn_call *c)
{
	for (unsigned i = 0; i < w->n_ids && w->arg + i < ENT_MAX_ARGS; i++) {
		uint32_t id = (uint32_t)c->args[w->arg + i];

		if (id == ID_UNCHANGED)
			continue;
		switch (w->test) {
		case ENT_TEST_UIDS:
			if (!has_id(c->uids, 4, id))
				return true;
			break;
		case ENT_TEST_GIDS:
			if (!has_id(c->gids, 4, id))
				return true;
			break;
		case ENT_TEST_OWNER:
			if (i == 0 ? id != c->uids[3]
			           : id != c->gids[3] && !has_id(c->groups, c->n_groups, id))
				return true;
			break;
		}
	}
	return false;
}

/* Whether the watched call c needs what w says (its capability, or network reach). */
static bool test_holds(const struct ent_learn_watch *w, const struct ent_learn_call *c)
{
	uint64_t type = c->args[1] & 0xf; /* socket(2): the type without SOCK_NONBLOCK | CLOEXEC */

	switch (w->test) {
	case ENT_TEST_OFF_LOOPBACK:
		return is_inet(c) && !is_loopback(c);
	case ENT_TEST_LOW_PORT:
		return is_inet(c) && c->port > 0 && c->port < 1024;
	case ENT_TEST_RAW_SOCKET:
		return c->args[0] == AF_PACKET ||
		       ((c->args[0] == AF_INET || c->args[0] == AF_INET6) && type == SOCK_RAW);
	case ENT_TEST_OWNER:
	case ENT_TEST_UIDS:
	case ENT_TEST_GIDS:
		return c->has_ids && ids_need_cap(w, c);
	case ENT_TEST_ALWAYS:
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- the first occurrence */

static void describe_addr(const struct ent_learn_call *c, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN] = "?", num[16];

	if (!c->has_addr) {
		say(buf, size, "address unread");
		return;
	}
	if (!is_inet(c)) {
		say(buf, size, "%s",
		    name_of(families, ARRAY_SIZE(families), c->family, num, sizeof(num)));
		return;
	}
	inet_ntop(c->family, c->addr, text, sizeof(text));
	if (c->family == AF_INET6)
		say(buf, size, "AF_INET6 [%s]:%u", text, c->port);
	else
		say(buf, size, "AF_INET %s:%u", text, c->port);
}

/* "connect(AF_INET 151.101.2.132:80)", "socket(AF_INET, SOCK_RAW)", "chown(1000, -1)". */
static void describe_call(const struct ent_learn_watch *w, const struct ent_learn_call *c,
                          char *buf, size_t size)
{
	char a[96], b[16], t[16];
	int len;

	if (!w) {
		say(buf, size, "%s", c->syscall);
	} else if (w->reads == ENT_READ_SOCKADDR) {
		describe_addr(c, a, sizeof(a));
		say(buf, size, "%s(%s)", c->syscall, a);
	} else if (w->test == ENT_TEST_RAW_SOCKET) {
		say(buf, size, "%s(%s, %s)", c->syscall,
		    name_of(families, ARRAY_SIZE(families), c->args[0], b, sizeof(b)),
		    name_of(socket_types, ARRAY_SIZE(socket_types), c->args[1] & 0xf, t,
		            sizeof(t)));
	} else if (w->n_ids) {
		len = snprintf(buf, size, "%s(", c->syscall);
		for (unsigned i = 0; i < w->n_ids && len > 0 && (size_t)len < size; i++)
			len += snprintf(buf + len, size - (size_t)len, "%s%d", i ? ", " : "",
			                (int32_t)c->args[w->arg + i]);
		if (len > 0 && (size_t)len < size)
			snprintf(buf + len, size - (size_t)len, ")");
	} else {
		say(buf, size, "%s", c->syscall);
	}
}

/* ---------------------------------------------------------------- recording */

static bool same_need(const struct ent_need *a, const struct ent_need *b)
{
	if (a->kind != b->kind || strcmp(a->syscall, b->syscall))
		return false;
	switch (a->kind) {
	case ENT_NEED_CALL:
		return !strcmp(a->cond, b->cond);
	case ENT_NEED_CAP:
		return a->caps == b->caps;
	default:
		return a->net == b->net;
	}
}

/* Count n, or add it (first occurrence: this one) when it is new. */
static int add_need(struct ent_learning *l, const struct ent_need *n, struct rt_err *err)
{
	struct ent_need *slot;

	for (unsigned i = 0; i < l->n_needs; i++) {
		if (same_need(&l->needs[i], n)) {
			l->needs[i].count++;
			return 0;
		}
	}
	if (l->n_needs == l->cap_needs) {
		unsigned cap = l->cap_needs ? 2 * l->cap_needs : 16;
		void *needs = realloc(l->needs, cap * sizeof(*l->needs));

		if (!needs)
			return rt_fail(err, ENOMEM, "learn: record a need");
		l->needs = needs;
		l->cap_needs = cap;
	}
	slot = &l->needs[l->n_needs++];
	*slot = *n;
	slot->count = 1;
	slot->round = l->round;
	slot->granted_by = -1;
	return 0;
}

/* A need of kind for call c, its first occurrence described as "comm: what". */
static void init_need(struct ent_need *n, uint8_t kind, const char *syscall, const char *comm,
                      const char *what)
{
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	snprintf(n->syscall, sizeof(n->syscall), "%s", syscall);
	say(n->first, sizeof(n->first), "%s: %s", comm[0] ? comm : "?", what);
}

int ent_learn_record_call(struct ent_learning *l, const struct ent_learn_call *c,
                          struct rt_err *err)
{
	const struct ent_learn_watch *w = ent_learn_watch_of(c->syscall, l->caps_observed);
	const struct lockdown_rule *r = c->rule;
	struct ent_need n;
	char what[ENT_LEARN_FIRST_MAX];
	cap_value_t cap;

	if (!r || r->action != LOCKDOWN_NOTIFY)
		return 0;
	if (r->errnum) {
		/* Denied by the filter: the call itself, under the condition that denied it. */
		init_need(&n, ENT_NEED_CALL, c->syscall, c->comm, c->syscall);
		ent_conditions_text(r, n.cond, sizeof(n.cond));
		if (n.cond[0])
			say(n.first, sizeof(n.first), "%s: %s: %s", c->comm[0] ? c->comm : "?",
			    c->syscall, n.cond);
		memcpy(n.args, c->args, sizeof(n.args));
		return add_need(l, &n, err);
	}
	if (!w || !test_holds(w, c))
		return 0;
	describe_call(w, c, what, sizeof(what));
	if (!w->cap) {
		init_need(&n, ENT_NEED_NET, c->syscall, c->comm, what);
		n.net = NETCFG_USER;
		return add_need(l, &n, err);
	}
	if (cap_from_name(w->cap, &cap) < 0)
		return rt_fail(err, 0, "entitlements: learn: unknown capability %s", w->cap);
	init_need(&n, ENT_NEED_CAP, c->syscall, c->comm, what);
	n.caps = UINT64_C(1) << cap;
	return add_need(l, &n, err);
}

/* "CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE" */
static void caps_text(uint64_t caps, char *buf, size_t size)
{
	char name[48];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned cap = 0; cap < ENT_MAX_CAPS && len < size; cap++) {
		if (!(caps >> cap & 1))
			continue;
		ent_cap_name(cap, name, sizeof(name));
		say(buf + len, size - len, "%s%s", len ? " or " : "", name);
		len = strlen(buf);
	}
}

int ent_learn_record_caps(struct ent_learning *l, const struct ent_learn_caps *c,
                          struct rt_err *err)
{
	const char *syscall = c->syscall[0] ? c->syscall : "?";
	char what[ENT_LEARN_FIRST_MAX], caps[96], num[16];
	struct ent_need n;

	if (!c->caps)
		return 0;
	caps_text(c->caps, caps, sizeof(caps));
	say(what, sizeof(what), "%s failed (%s), %s refused", syscall,
	    ent_errno_name(c->errnum, num, sizeof(num)), caps);
	init_need(&n, ENT_NEED_CAP, syscall, c->comm, what);
	n.caps = c->caps;
	return add_need(l, &n, err);
}

/* ---------------------------------------------------------------- needs and plans */

bool ent_need_satisfied(const struct ent_need *n, const struct ent_plan *plan)
{
	const struct lockdown_spec *ld = &plan->lockdown;
	const struct lockdown_rule *r;

	switch (n->kind) {
	case ENT_NEED_CALL:
		if (ld->seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED)
			return true;
		r = ent_lockdown_match(ld, n->syscall, n->args);
		if (!r)
			return ld->default_action == LOCKDOWN_ALLOW;
		return r->action == LOCKDOWN_ALLOW || (r->action == LOCKDOWN_NOTIFY && !r->errnum);
	case ENT_NEED_CAP:
		return (ld->caps.bounding & n->caps) != 0;
	case ENT_NEED_NET:
		return (int)plan->net.mode >= n->net;
	}
	return false;
}

void ent_need_text(const struct ent_need *n, char *buf, size_t size)
{
	switch (n->kind) {
	case ENT_NEED_CALL:
		if (n->cond[0])
			say(buf, size, "syscall %s (%s)", n->syscall, n->cond);
		else
			say(buf, size, "syscall %s", n->syscall);
		return;
	case ENT_NEED_CAP:
		caps_text(n->caps, buf, size);
		return;
	case ENT_NEED_NET:
		say(buf, size, "network reach '%s'", ent_net_row((enum netcfg_mode)n->net)->name);
		return;
	}
	snprintf(buf, size, "?");
}

unsigned ent_learn_new_needs(const struct ent_learning *l, unsigned round,
                             const struct ent_plan *plan, char *buf, size_t size)
{
	unsigned count = 0;
	size_t len = 0;
	char need[160];

	buf[0] = '\0';
	for (unsigned i = 0; i < l->n_needs; i++) {
		const struct ent_need *n = &l->needs[i];

		if (n->round != round || ent_need_satisfied(n, plan))
			continue;
		ent_need_text(n, need, sizeof(need));
		if (len < size && n->kind == ENT_NEED_CALL)
			say(buf + len, size - len, "%s%s", count ? ", " : "", need);
		else if (len < size)
			say(buf + len, size - len, "%s%s (%s)", count ? ", " : "", need,
			    n->syscall);
		len = strlen(buf);
		count++;
	}
	return count;
}

unsigned ent_learn_new_denials(const struct ent_learning *learned,
                               const struct ent_learning *verify, const struct ent_plan *plan)
{
	unsigned count = 0;

	for (unsigned i = 0; i < verify->n_needs; i++) {
		bool known = false;

		if (ent_need_satisfied(&verify->needs[i], plan))
			continue;
		for (unsigned k = 0; k < learned->n_needs && !known; k++)
			known = same_need(&learned->needs[k], &verify->needs[i]);
		count += !known;
	}
	return count;
}

void ent_learning_free(struct ent_learning *l)
{
	free(l->needs);
	l->needs = NULL;
	l->n_needs = l->cap_needs = 0;
}
