/*
 * runtime/seccomp_notify.c - the supervisor's side of a seccomp listener (seccomp_unotify(2),
 * libseccomp's seccomp_notify_receive(3)): take one notification, tell whether it is still
 * pending, answer it.
 *
 * A NOTIFY rule of a learning filter stops the calling thread until ent-run answers: with an
 * errno (the call fails, as the filter without learning would make it), or with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel runs the call as if no filter had stopped it,
 * and refuses it or not by its own checks). The answer is decided from the registers alone,
 * which the kernel copied before we could look; what the supervisor reads from the caller's
 * memory only describes the call.
 */
#include "runtime/lockdown.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void notify_freep(struct seccomp_notif **req)
{
	if (*req)
		seccomp_notify_free(*req, NULL);
}

static void resp_freep(struct seccomp_notif_resp **resp)
{
	if (*resp)
		seccomp_notify_free(NULL, *resp);
}

int lockdown_notify_receive(int listener, struct lockdown_notif *n, struct rt_err *err)
{
	__attribute__((cleanup(notify_freep))) struct seccomp_notif *req = NULL;
	char *name;
	int rc;

	/* libseccomp answers notify calls once it knows the kernel has them: ask it first. */
	seccomp_api_get();
	rc = seccomp_notify_alloc(&req, NULL);
	if (rc < 0)
		return rt_fail(err, -rc, "lockdown: seccomp_notify_alloc");
	if (seccomp_notify_receive(listener, req) < 0) {
		/* The caller was killed, or its call interrupted, before we took it. */
		if (errno == ENOENT || errno == EINTR)
			return 0;
		return rt_fail(err, errno, "lockdown: seccomp_notify_receive");
	}
	memset(n, 0, sizeof(*n));
	n->id = req->id;
	n->pid = req->pid;
	memcpy(n->args, req->data.args, sizeof(n->args));
	name = req->data.arch == seccomp_arch_native()
	               ? seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr)
	               : NULL;
	snprintf(n->syscall, sizeof(n->syscall), "%s", name ? name : "");
	free(name);
	return 1;
}

bool lockdown_notify_pending(int listener, uint64_t id)
{
	return seccomp_notify_id_valid(listener, id) == 0;
}

int lockdown_notify_answer(int listener, uint64_t id, int errnum, struct rt_err *err)
{
	__attribute__((cleanup(resp_freep))) struct seccomp_notif_resp *resp = NULL;
	int rc = seccomp_notify_alloc(NULL, &resp);

	if (rc < 0)
		return rt_fail(err, -rc, "lockdown: seccomp_notify_alloc");
	resp->id = id;
	resp->val = 0;
	resp->error = errnum ? -errnum : 0;
	resp->flags = errnum ? 0 : SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (seccomp_notify_respond(listener, resp) < 0 && errno != ENOENT)
		return rt_fail(err, errno, "lockdown: seccomp_notify_respond");
	return 0;
}

char *lockdown_syscall_name(long nr)
{
	return seccomp_syscall_resolve_num_arch(seccomp_arch_native(), (int)nr);
}
