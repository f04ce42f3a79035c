/*
 * runtime/learn.c - ent-run learn: run the workload under observation, again with what it
 * needed, until it needs nothing new, and propose the least entitlements it needs.
 *
 * A round is an ordinary launch (runtime/launch.c) of the request plus what was learned so
 * far, with the learning variant of its seccomp filter (entitlements/learn_filter.c): the
 * workload installs it where the normal filter goes, right before execve, so nothing ent-run
 * does to set the container up is ever recorded. Its listener comes back over the sync channel
 * and the supervisor (runtime/supervise.c) serves it from the parent's poll loop; started by
 * root, the capability checks the kernel refuses the workload are recorded too
 * (runtime/capwatch.c). After each round the needs go through the catalogue
 * (entitlements/learn_propose.c): a round that showed a need the proposal did not meet yet is
 * followed by another with the new proposal, at most ENT_LEARN_ROUNDS in all, since the first
 * refusal often hides the next need (a job that cannot set its ids never reaches the network).
 *
 * Every round must start from the same files: with --ephemeral each round writes to an overlay
 * on a tmpfs of its own, gone with the round; a read-only rootfs (security.fs=read-only) is
 * the same in every round too; a writable rootfs is refused. The workload's output goes to
 * stderr, so that stdout holds only the proposal; its input is /dev/null, as no round could
 * replay it.
 */
#include "runtime/learn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/lock.h"
#include "base/log.h"
#include "entitlements/learn.h"
#include "runtime/capwatch.h"
#include "runtime/cgroup.h"
#include "runtime/host.h"
#include "runtime/launch.h"
#include "runtime/lockdown.h"
#include "runtime/supervise.h"

#define FROM_LEARN "learn"

/* One learning session. */
struct learner {
	struct rt_options *opts;
	struct rt_policy *policy;
	struct ent_learning learning;  /* every round's needs */
	struct ent_learning verifying; /* the verify run's */
	struct ent_proposal proposal;  /* what the next round runs with */
	struct rt_capwatch *capwatch;  /* NULL: the capability checks are not observed */
	struct rt_supervisor sup;      /* the round in progress: listener -1 when none */
	struct rt_err round_err;       /* the first failure while observing a round */
};

static void plan_freep(struct ent_plan **plan)
{
	ent_plan_free(*plan);
}

/* ---------------------------------------------------------------- observing one round */

static void record_error(struct learner *lr, const struct rt_err *err)
{
	if (!lr->round_err.msg[0])
		lr->round_err = *err;
}

static void on_capabilities(void *data, const struct rt_capwatch_event *e)
{
	struct learner *lr = data;
	struct ent_learn_caps c = { .caps = e->caps, .errnum = e->errnum };
	_cleanup_free_ char *name = lockdown_syscall_name(e->syscall);
	struct rt_err err = { 0 };

	snprintf(c.syscall, sizeof(c.syscall), "%s", name ? name : "");
	snprintf(c.comm, sizeof(c.comm), "%s", e->comm);
	rt_trace("learn", "%s (pid %d, %s) failed after capabilities %#llx were refused",
	         c.syscall[0] ? c.syscall : "?", (int)e->tid, c.comm, (unsigned long long)e->caps);
	if (ent_learn_record_caps(lr->sup.learning, &c, &err) < 0)
		record_error(lr, &err);
}

static int on_started(void *data, pid_t pid, struct rt_err *err)
{
	struct learner *lr = data;

	return lr->capwatch ? rt_capwatch_follow(lr->capwatch, pid, err) : 0;
}

static int on_listener(void *data, int fd, struct rt_err *err)
{
	struct learner *lr = data;

	(void)err;
	if (lr->sup.listener >= 0)
		close(lr->sup.listener);
	rt_trace("learn", "the workload's seccomp listener is fd %d", fd);
	lr->sup.listener = fd;
	return 0;
}

static void poll_fds(void *data, int fds[RT_OBSERVER_FDS])
{
	struct learner *lr = data;

	fds[0] = lr->sup.listener;
	fds[1] = lr->capwatch ? rt_capwatch_fd(lr->capwatch) : -1;
}

static void on_ready(void *data, int fd, short revents)
{
	struct learner *lr = data;
	struct rt_err err = { 0 };

	if (lr->capwatch && fd == rt_capwatch_fd(lr->capwatch)) {
		rt_capwatch_drain(lr->capwatch);
		return;
	}
	if (fd != lr->sup.listener)
		return;
	/* Hung up: every process under the filter is gone. */
	if (!(revents & POLLIN) || rt_supervise_one(&lr->sup, &err) < 0) {
		if (err.msg[0])
			record_error(lr, &err);
		close(lr->sup.listener);
		lr->sup.listener = -1;
	}
}

/* ---------------------------------------------------------------- one round */

/*
 * The request with the proposal's learned entitlements added: a plan, normal or the learning
 * variant, with its view of the cgroups. NULL with err.
 */
static struct ent_plan *compile_round(struct learner *lr, bool learn, struct rt_err *err)
{
	struct ent_request *req = &lr->opts->req;
	unsigned n = req->n_entitlements;
	struct ent_plan *plan = ent_plan_new(err);
	int rc = plan ? 0 : -1;

	for (unsigned i = 0; rc == 0 && i < lr->proposal.n; i++) {
		if (!lr->proposal.learned[i])
			continue;
		if (req->n_entitlements >= ENT_MAX_REQ_ITEMS) {
			rc = rt_fail(err, 0, "learn: too many entitlements (at most %d)",
			             ENT_MAX_REQ_ITEMS);
			break;
		}
		req->entitlement_from[req->n_entitlements] = FROM_LEARN;
		req->entitlements[req->n_entitlements++] = lr->proposal.rows[i];
	}
	req->learn = learn;
	req->learn_caps = lr->capwatch != NULL;
	if (rc == 0)
		rc = ent_compile(req, plan, err);
	req->n_entitlements = n;
	req->learn = req->learn_caps = false;
	if (rc == 0 && cgroup_wanted(&plan->cgroup)) {
		rt_host_probe_cgroups(&req->host);
		rc = ent_compile_cgroupfs(&req->host, plan, err);
	}
	if (rc == 0)
		return plan;
	ent_plan_free(plan);
	return NULL;
}

/*
 * The node policy must allow each round, as it would a run with the same entitlements; what
 * names the round ("round 2", "verify") in the refusal.
 */
static int check_policy(struct learner *lr, const struct ent_plan *plan, const char *what,
                        struct rt_err *err)
{
	struct ent_verdict *verdict = calloc(1, sizeof(*verdict));
	char line[1024];
	int rc = -1;

	if (!verdict)
		return rt_fail(err, ENOMEM, "learn: the policy's verdict");
	if (rt_policy_check(lr->opts, lr->policy, plan, verdict, err) == 0) {
		rc = 0;
		if (!verdict->allowed) {
			ent_verdict_format(verdict, lr->policy->path, 2, line, sizeof(line));
			rc = rt_fail(err, 0, "learn: %s: %s", what, line);
			rt_err_hint(err, "ask the operator to allow it, or see 'ent-run check'");
		}
	}
	free(verdict);
	return rc;
}

/* Launch plan under observation; needs go to into. The workload's status, or -1 with err. */
static int observe(struct learner *lr, struct ent_plan *plan, struct ent_learning *into,
                   struct rt_err *err)
{
	struct rt_observer obs = { .data = lr,
		                   .started = on_started,
		                   .listener = on_listener,
		                   .poll_fds = poll_fds,
		                   .ready = on_ready };
	int status;

	lr->sup = (struct rt_supervisor){ .listener = -1,
		                          .plan = plan,
		                          .learning = into,
		                          .caps_observed = lr->capwatch != NULL };
	memset(&lr->round_err, 0, sizeof(lr->round_err));
	status = rt_launch_observed(plan, &lr->opts->ids, NULL, &obs, err);
	if (lr->capwatch) {
		rt_capwatch_drain(lr->capwatch); /* what the last calls reported */
		rt_capwatch_follow(lr->capwatch, 0, err);
	}
	if (lr->sup.listener >= 0)
		close(lr->sup.listener);
	lr->sup.listener = -1;
	if (status >= 0 && lr->round_err.msg[0]) {
		*err = lr->round_err;
		return -1;
	}
	return status;
}

/*
 * Run round (verify: the verify run) with the proposal. Returns the workload's status, with
 * err set when the command could not be executed (126, 127); or -1 with err.
 */
static int run_round(struct learner *lr, unsigned round, bool verify, struct rt_err *err)
{
	_cleanup_(plan_freep) struct ent_plan *normal = compile_round(lr, false, err);
	_cleanup_(plan_freep) struct ent_plan *plan = NULL;
	struct ent_learning *into = verify ? &lr->verifying : &lr->learning;
	char what[32], with[512], news[1024];
	unsigned n_new;
	int status;

	if (verify)
		snprintf(what, sizeof(what), "verify");
	else
		snprintf(what, sizeof(what), "round %u", round);
	if (!normal || check_policy(lr, normal, what, err) < 0)
		return -1;
	plan = compile_round(lr, true, err);
	if (!plan)
		return -1;
	ent_proposal_learned_text(&lr->proposal, with, sizeof(with));
	fprintf(stderr, "learn: %s: %s%s\n", what, with[0] ? "with " : "",
	        with[0] ? with : "the entitlements asked for");
	into->round = round;
	status = observe(lr, plan, into, err);
	if (status < 0 ||
	    ((status == RT_EXIT_CANNOT_EXEC || status == RT_EXIT_NOT_FOUND) && err->msg[0]))
		return status;
	if (err->msg[0]) { /* said, not fatal: "killed: memory limit 64M reached" */
		fprintf(stderr, "learn: %s: %s\n", what, err->msg);
		memset(err, 0, sizeof(*err));
	}
	n_new = ent_learn_new_needs(into, round, normal, news, sizeof(news));
	fprintf(stderr, "learn: %s: exit %d; %s%s\n", what, status,
	        n_new ? "needs " : "nothing new", news);
	return status;
}

/* ---------------------------------------------------------------- the session */

/*
 * The rootfs must read the same in every round: under --ephemeral (each round writes to a
 * tmpfs of its own, gone with it), or read-only. A writable rootfs is refused, with a hint.
 */
static int check_rootfs_state(struct learner *lr, struct rt_err *err)
{
	_cleanup_(plan_freep) struct ent_plan *plan = compile_round(lr, false, err);

	if (!plan)
		return -1;
	if (plan->rootfs.ephemeral.enabled || plan->rootfs.readonly)
		return 0;
	rt_fail(err, 0, "learn: the rootfs is writable: each round must start from the same files");
	rt_err_hint(err, "learn with --ephemeral (each round writes to a throwaway layer), or with "
	                 "-e security.fs=read-only");
	return -1;
}

/* Started by root: watch the kernel's capability checks; else say what is not learned. */
static void open_capwatch(struct learner *lr)
{
	struct rt_err err = { 0 };

	if (geteuid() != 0) {
		fputs("learn: rootless: only what system calls show is learned, not the kernel's "
		      "capability checks\n",
		      stderr);
		return;
	}
	if (rt_capwatch_open(on_capabilities, lr, &lr->capwatch, &err) == 0) {
		lr->learning.caps_observed = lr->verifying.caps_observed = true;
		return;
	}
	fprintf(stderr,
	        "learn: the kernel's capability checks are not observed (%s%s%s): only what "
	        "system calls show is learned\n",
	        err.msg, err.errnum ? ": " : "", err.errnum ? strerror(err.errnum) : "");
	if (err.hint[0])
		fprintf(stderr, "learn: hint: %s\n", err.hint);
}

/*
 * The workload writes to stderr (stdout is the proposal's) and reads /dev/null. Returns the
 * saved stdout, or -1 with err.
 */
static int redirect_stdio(struct rt_err *err)
{
	_cleanup_close_ int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int saved;

	fflush(stdout);
	saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (null < 0 || saved < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 ||
	    dup2(null, STDIN_FILENO) < 0) {
		rt_fail(err, errno, "learn: redirect the workload's input and output");
		if (saved >= 0)
			close(saved);
		return -1;
	}
	return saved;
}

static void restore_stdout(int saved)
{
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

/* A round ended by the signals a user stops a program with (base/lock.h's) ends the session. */
static bool interrupted(int status)
{
	sigset_t stops;

	init_stop_signals(&stops);
	return status > RT_EXIT_SIGNAL_BASE && status < RT_EXIT_SIGNAL_BASE + NSIG &&
	       sigismember(&stops, status - RT_EXIT_SIGNAL_BASE) == 1;
}

/* Rounds until nothing new (or ENT_LEARN_ROUNDS); fills r. -1 with err, or the exec status. */
static int learn_rounds(struct learner *lr, struct ent_learn_result *r, struct rt_err *err)
{
	struct ent_proposal next;

	for (unsigned round = 1; round <= ENT_LEARN_ROUNDS; round++) {
		int status = run_round(lr, round, false, err);

		if (status < 0 || err->msg[0]) /* ent-run failed, or the command cannot run */
			return status;
		r->rounds = round;
		r->exit_code = status;
		if (ent_learn_propose(&lr->opts->req, &lr->learning, &next, err) < 0)
			return -1;
		if (interrupted(status)) {
			r->stopped = true;
			lr->proposal = next;
			return 0;
		}
		if (ent_proposal_equal(&next, &lr->proposal)) {
			r->converged = true;
			return 0;
		}
		lr->proposal = next;
	}
	return 0;
}

/* --verify: one more run with exactly the proposal; the same exit, nothing new denied. */
static int verify(struct learner *lr, struct ent_learn_result *r, struct rt_err *err)
{
	_cleanup_(plan_freep) struct ent_plan *plan = compile_round(lr, false, err);
	int status;

	if (!plan)
		return -1;
	status = run_round(lr, r->rounds + 1, true, err);
	if (status < 0 || err->msg[0])
		return status;
	r->verified = true;
	r->verify_exit_code = status;
	r->verify_denied = ent_learn_new_denials(&lr->learning, &lr->verifying, plan);
	r->verify_same = status == r->exit_code && !r->verify_denied;
	return 0;
}

static int session(struct learner *lr, struct ent_learn_result *r, struct rt_err *err)
{
	int status;

	if (ent_learn_propose(&lr->opts->req, &lr->learning, &lr->proposal, err) < 0)
		return -1;
	status = learn_rounds(lr, r, err);
	if (status == 0 && lr->opts->verify && !r->stopped)
		status = verify(lr, r, err);
	return status;
}

int rt_learn(struct rt_options *opts, struct rt_policy *policy, struct rt_err *err)
{
	struct learner lr = { .opts = opts, .policy = policy, .sup = { .listener = -1 } };
	struct ent_learn_result r = { 0 };
	int saved, status;

	if (check_rootfs_state(&lr, err) < 0)
		return -1;
	saved = redirect_stdio(err);
	if (saved < 0)
		return -1;
	open_capwatch(&lr);
	status = session(&lr, &r, err);
	restore_stdout(saved);
	if (status == 0 &&
	    ent_learn_print(stdout, stderr, opts->json, &lr.learning, &lr.proposal, &r, err) < 0)
		status = -1;
	if (status == 0 && r.stopped)
		status = r.exit_code; /* 130: the user's ^C reached the workload */
	else if (status == 0)
		status = r.converged && (!r.verified || r.verify_same) ? 0 : 1;
	rt_capwatch_close(lr.capwatch);
	ent_learning_free(&lr.learning);
	ent_learning_free(&lr.verifying);
	return status;
}
