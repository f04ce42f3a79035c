/*
 * entitlements/learn.h - ent-run learn, the pure part: the learning variant of a plan's seccomp
 * filter, what an observed call or capability check needs, and the least entitlements that
 * grant every need (through the catalogue, by compiling candidate plans).
 *
 * runtime/learn.c runs the rounds: it loads the learning filter, whose NOTIFY rules stop the
 * calls whose arguments decide an entitlement until ent-run's supervisor has seen them
 * (seccomp_unotify(2)), and, started by root, records the capability checks the kernel refuses
 * the container (runtime/capwatch.c). Everything it observes comes here as plain data.
 */
#ifndef ENT_LEARN_H
#define ENT_LEARN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "entitlements/ent.h"
#include "entitlements/plan.h"

#define ENT_LEARN_ROUNDS    5  /* at most this many rounds */
#define ENT_LEARN_MAX_ROWS  16 /* entitlements in a proposal (one per domain, flags, paths) */
#define ENT_LEARN_FIRST_MAX 160
#define ENT_LEARN_TEXT_MAX  320 /* one entitlement as text (a device path included) */

/*
 * Turn lockdown (a runtime/default filter) into its learning variant: every rule that denies a
 * call with EPERM becomes a NOTIFY rule answering EPERM, and the rules that allow a call whose
 * arguments decide the network reach (connect, sendto with an address) become NOTIFY rules
 * that let the call through; so do those of the calls whose arguments decide a capability
 * (bind, socket, chown, the set*id family, setgroups) unless caps_observed (the kernel's own
 * capability checks are recorded then). Nothing else changes: a learning round allows exactly
 * what the plan allows. Returns 0, or -1 with err when the filter is not the one derived from
 * the entitlements.
 */
int ent_learn_filter(struct lockdown_spec *lockdown, bool caps_observed, struct rt_err *err);

/* What the supervisor reads from the caller of a notified call, besides its registers. */
enum ent_learn_read {
	ENT_READ_NONE,
	ENT_READ_SOCKADDR, /* the struct sockaddr at args[*arg], args[*arg + 1] bytes long */
	ENT_READ_IDS,      /* the caller's user and group ids (/proc/PID/status) */
};

/*
 * What to read for a notified call of syscall that the filter lets through (a denied call
 * needs nothing read); *arg is the address argument for ENT_READ_SOCKADDR. Pure.
 */
enum ent_learn_read ent_learn_reads(const char *syscall, bool caps_observed, unsigned *arg);

/* One call the supervisor was notified of, with what it read from the caller. */
struct ent_learn_call {
	char syscall[ENT_NAME_MAX];
	uint64_t args[ENT_MAX_ARGS];
	const struct lockdown_rule *rule; /* the learning filter's rule that notified, or NULL */
	char comm[16];                    /* the caller's command name, "" unknown */
	bool has_addr;                    /* ENT_READ_SOCKADDR, read while the call waited */
	uint16_t family;                  /* AF_INET, AF_INET6, AF_UNIX, ... */
	uint8_t addr[16];                 /* the address (4 or 16 bytes), network byte order */
	uint16_t port;                    /* host byte order */
	bool has_ids;                     /* ENT_READ_IDS */
	uint32_t uids[4];                 /* real, effective, saved, file system */
	uint32_t gids[4];
	uint32_t groups[32]; /* supplementary groups */
	unsigned n_groups;
};

/*
 * Capability checks the kernel refused one call (runtime/capwatch.c), the call then failing.
 * They are alternatives: the kernel asks for one capability, else another (reading a file:
 * CAP_DAC_READ_SEARCH, else CAP_DAC_OVERRIDE), and a refusal that a granted check made moot
 * is not reported. Any one of them would have done.
 */
struct ent_learn_caps {
	char syscall[ENT_NAME_MAX]; /* "" when the number has no name */
	uint64_t caps;              /* bit N: capability N was refused */
	int errnum;                 /* what the call returned */
	char comm[16];
};

enum ent_need_kind {
	ENT_NEED_CALL, /* a system call, with these arguments, allowed by the filter */
	ENT_NEED_CAP,  /* one of some capabilities, in the container's user namespace */
	ENT_NEED_NET,  /* network reach of at least a mode (enum netcfg_mode) */
};

/*
 * One need, with its evidence: how often it showed and its first occurrence. Two calls are the
 * same need when the same condition of the filter stopped them (ENT_NEED_CALL), or they
 * needed the same capability or reach through the same system call.
 */
struct ent_need {
	uint8_t kind;               /* enum ent_need_kind */
	char syscall[ENT_NAME_MAX]; /* the call that showed it */
	char cond[96]; /* ENT_NEED_CALL: the filter's condition ("arg0 has ..."), or "" */
	uint64_t args[ENT_MAX_ARGS]; /* ENT_NEED_CALL: the first call's arguments */
	uint64_t caps;               /* ENT_NEED_CAP: any one of these (bit N: capability N) */
	int net;                     /* ENT_NEED_NET: enum netcfg_mode */
	unsigned count;
	unsigned round;                  /* where it first showed (1...) */
	char first[ENT_LEARN_FIRST_MAX]; /* "apt-get: connect(AF_INET 151.101.2.132:80)" */
	int granted_by; /* index into the proposal's rows, or -1: nothing grants it */
};

/* Everything observed so far, over every round. */
struct ent_learning {
	struct ent_need *needs;
	unsigned n_needs;
	unsigned cap_needs;
	unsigned round;     /* the round now being observed, from 1 */
	bool caps_observed; /* the kernel's capability checks are recorded: they, not the
	                       arguments, tell what a chown, bind, setuid... needs */
};

/*
 * Record what call needs, if anything: the call itself when the filter denies it; when the
 * filter lets it through, what its arguments show (a port below 1024, a raw socket, another
 * owner or id: the capability; an address off the loopback: network reach), unless
 * l->caps_observed (the kernel's refusal is then recorded, not guessed). Returns 0, or -1 with
 * err on ENOMEM.
 */
int ent_learn_record_call(struct ent_learning *l, const struct ent_learn_call *call,
                          struct rt_err *err);

/* Record that c's call needs one of its capabilities (refused in the container's namespace). */
int ent_learn_record_caps(struct ent_learning *l, const struct ent_learn_caps *c,
                          struct rt_err *err);

/*
 * Does plan grant need n (its filter allows the call, its bounding set holds one of the
 * capabilities, its network reaches as far)? Pure.
 */
bool ent_need_satisfied(const struct ent_need *n, const struct ent_plan *plan);

/*
 * "syscall mount", "CAP_CHOWN", "CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE", "network reach
 * 'user'": the need in the policy's words.
 */
void ent_need_text(const struct ent_need *n, char *buf, size_t size);

/*
 * The needs first seen in round that plan (the round's) does not meet: how many, and as text
 * ("CAP_SETGID (setgroups), network reach 'user' (connect)") into buf.
 */
unsigned ent_learn_new_needs(const struct ent_learning *l, unsigned round,
                             const struct ent_plan *plan, char *buf, size_t size);

/*
 * The needs of a verify run (verify) that plan (the proposal's) does not meet and that
 * learning did not see denied already: calls the proposal was meant to grant, denied.
 */
unsigned ent_learn_new_denials(const struct ent_learning *learned,
                               const struct ent_learning *verify, const struct ent_plan *plan);

void ent_learning_free(struct ent_learning *l);

/*
 * A proposal: the least entitlements, given plus learned, with which every grantable need is
 * met. rows[i] is canonical text ("network.access=user"); learned[i] says which ones learn
 * added (false: the request had it).
 */
struct ent_proposal {
	char rows[ENT_LEARN_MAX_ROWS][ENT_LEARN_TEXT_MAX];
	bool learned[ENT_LEARN_MAX_ROWS];
	unsigned n;
};

/*
 * The least proposal for base (the user's request; not changed) that meets every need of l
 * some entitlement can meet, found by compiling candidate plans: for each need the plan does
 * not meet, the catalogue row (a higher level of a domain, or a flag) whose plan meets it with
 * the fewest grants beyond base's (as the policy check counts them); then every learned row
 * is lowered as far as the needs allow. Sets each need's granted_by. Returns 0, or -1 with err.
 */
int ent_learn_propose(const struct ent_request *base, struct ent_learning *l,
                      struct ent_proposal *out, struct rt_err *err);

/* Are a and b the same entitlements? */
bool ent_proposal_equal(const struct ent_proposal *a, const struct ent_proposal *b);

/* The learned rows of p, space-separated ("network.access=user security.access=user"). */
void ent_proposal_learned_text(const struct ent_proposal *p, char *buf, size_t size);

/* How a learning session ended, for the report. */
struct ent_learn_result {
	unsigned rounds;
	bool converged; /* the last round needed nothing new */
	bool stopped;   /* the last round was killed by SIGINT, SIGTERM or SIGHUP: no more */
	int exit_code;  /* the workload's status in the last round */
	bool verified;  /* --verify ran */
	bool verify_same;
	int verify_exit_code;
	unsigned verify_denied; /* needs the verify run met that the proposal does not grant */
};

/*
 * The report. Text: the proposal to out, one entitlement per line (a profile file), and the
 * evidence to log: for each entitlement the calls that required it (count, first occurrence),
 * then what stays denied. JSON: one object to out, {"entitlements", "evidence", "denied",
 * "exit_code", "rounds", "converged", "stopped", "capabilities_observed", "verify"}. Returns
 * 0, or -1
 * with err when writing fails.
 */
int ent_learn_print(FILE *out, FILE *log, bool json, const struct ent_learning *l,
                    const struct ent_proposal *p, const struct ent_learn_result *r,
                    struct rt_err *err);

#endif
