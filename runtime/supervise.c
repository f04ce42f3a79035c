/*
 * runtime/supervise.c - ent-run learn's supervisor: answer each call a learning filter stops
 * (seccomp_unotify(2)) and describe it for the learner (process_vm_readv(2), proc(5)).
 *
 * The answer is the learning filter's own: the NOTIFY rule that matched the registers (the
 * kernel copied them before we could look, so nobody can change them under us) says what the
 * filter without learning does: fail with its errno, or proceed (the kernel then checks the
 * call as it would anyway). A call no NOTIFY rule matches cannot happen (the kernel chose the
 * same rule); if it did, it fails with EPERM. So a learning round never allows more than the
 * round's entitlements do, whatever the workload does to its memory.
 *
 * What we read from the caller only describes the call (the address it connects to, its ids):
 * it cannot change the answer. The caller may have died and its PID been reused by the time we
 * read, so the notification is checked before and after reading (SECCOMP_IOCTL_NOTIF_ID_VALID):
 * if it is no longer pending, what we read is dropped.
 */
#include "runtime/supervise.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

/* The caller's struct sockaddr at addr (len bytes): family, address and port. */
static void read_sockaddr(pid_t pid, uint64_t addr, uint64_t len, struct ent_learn_call *c)
{
	struct sockaddr_storage ss = { 0 };
	size_t want = len < sizeof(ss) ? (size_t)len : sizeof(ss);
	struct iovec local = { .iov_base = &ss, .iov_len = want };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = want };
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

	if (!addr || want < sizeof(sa_family_t) ||
	    process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)want)
		return;
	c->family = ss.ss_family;
	if (ss.ss_family == AF_INET && want >= sizeof(*in4)) {
		memcpy(c->addr, &in4->sin_addr, 4);
		c->port = ntohs(in4->sin_port);
	} else if (ss.ss_family == AF_INET6 && want >= sizeof(*in6)) {
		memcpy(c->addr, &in6->sin6_addr, 16);
		c->port = ntohs(in6->sin6_port);
	}
	c->has_addr = true;
}

/* Up to max numbers after "key:" in the text of /proc/PID/status. */
static unsigned status_ids(const char *status, const char *key, uint32_t *out, unsigned max)
{
	const char *p = strstr(status, key);
	unsigned n = 0;

	if (!p)
		return 0;
	p += strlen(key);
	while (n < max) {
		unsigned long long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (parse_number(p, &v, &p) < 0 || v > UINT32_MAX)
			break;
		out[n++] = (uint32_t)v;
	}
	return n;
}

/* The caller's real, effective, saved and file system ids, and its groups. */
static void read_ids(pid_t pid, struct ent_learn_call *c)
{
	char path[48];
	_cleanup_free_ char *status = NULL;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	status = read_text_file(path, 64 * 1024);
	if (!status)
		return;
	c->has_ids = status_ids(status, "\nUid:", c->uids, 4) == 4 &&
	             status_ids(status, "\nGid:", c->gids, 4) == 4;
	c->n_groups = status_ids(status, "\nGroups:", c->groups, ARRAY_SIZE(c->groups));
}

static void read_comm(pid_t pid, struct ent_learn_call *c)
{
	char path[48];
	_cleanup_free_ char *comm = NULL;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = read_text_file(path, 64);
	if (comm)
		snprintf(c->comm, sizeof(c->comm), "%.*s", (int)strcspn(comm, "\n"), comm);
}

/* What the call's watch says to read, while the call waits for our answer. */
static void read_caller(const struct rt_supervisor *s, const struct lockdown_notif *n,
                        struct ent_learn_call *c)
{
	unsigned arg;
	enum ent_learn_read what = ent_learn_reads(n->syscall, s->caps_observed, &arg);

	if (!lockdown_notify_pending(s->listener, n->id))
		return;
	read_comm((pid_t)n->pid, c);
	if (c->rule && !c->rule->errnum && what == ENT_READ_SOCKADDR && arg + 1 < ENT_MAX_ARGS)
		read_sockaddr((pid_t)n->pid, n->args[arg], n->args[arg + 1], c);
	if (c->rule && !c->rule->errnum && what == ENT_READ_IDS)
		read_ids((pid_t)n->pid, c);
	if (lockdown_notify_pending(s->listener, n->id))
		return;
	/* The caller is gone: its PID may name another process now. */
	c->comm[0] = '\0';
	c->has_addr = c->has_ids = false;
}

int rt_supervise_one(struct rt_supervisor *s, struct rt_err *err)
{
	struct ent_learn_call c = { 0 };
	struct lockdown_notif n;
	int answer, r = lockdown_notify_receive(s->listener, &n, err);

	if (r <= 0)
		return r;
	snprintf(c.syscall, sizeof(c.syscall), "%s", n.syscall);
	memcpy(c.args, n.args, sizeof(c.args));
	c.rule = ent_lockdown_match(&s->plan->lockdown, n.syscall, n.args);
	if (c.rule && c.rule->action != LOCKDOWN_NOTIFY)
		c.rule = NULL;
	/* Fail closed: a call no NOTIFY rule explains is denied. */
	answer = c.rule ? c.rule->errnum : EPERM;
	read_caller(s, &n, &c);
	rt_trace("learn", "%s from pid %u (%s): %s", n.syscall[0] ? n.syscall : "?", n.pid,
	         c.comm[0] ? c.comm : "?", answer ? strerrorname_np(answer) : "continue");
	if (lockdown_notify_answer(s->listener, n.id, answer, err) < 0)
		return -1;
	return ent_learn_record_call(s->learning, &c, err) < 0 ? -1 : 1;
}
