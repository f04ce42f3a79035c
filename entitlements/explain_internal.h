/*
 * entitlements/explain_internal.h - what the files of entitlements/explain*.c share with each
 * other (nothing else includes this file; the public surface is entitlements/explain.h).
 *
 *   explain.c         the entry point, the tables every form reads (namespaces, capability
 *                     sets, mount flags, network modes, rlimits), the names spec.c uses too
 *   explain_rule.c    seccomp rules in words: actions, errno names, argument conditions
 *   explain_text.c    the text form: one section per kernel feature
 *   explain_layout.c  the text form's columns: rows with a why flush right, wrapped words
 *   explain_json.c    the json form of docs/explain-json.md
 *   explain_why.c     explain --why: one answer for a capability, system call or path
 *
 * Every form prints the same plan from the same tables, so text, json and --why cannot
 * disagree about what a namespace isolates or what a capability set means.
 */
#ifndef ENT_EXPLAIN_INTERNAL_H
#define ENT_EXPLAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/util.h"
#include "entitlements/explain.h"
#include "entitlements/names.h"

/* A value and its name, from one macro argument: FLAG(AF_UNIX) is { AF_UNIX, "AF_UNIX" }. */
/* clang-format off */
#define FLAG(x) { (x), #x }
/* clang-format on */
struct flag_name {
	uint64_t value;
	const char *name;
};

/* Every item of a plan has a why; an empty one means nothing asked, ent-run's default. */
static inline const char *why_of(const char *why)
{
	return ent_why(why);
}

/* ---------------------------------------------------------------- tables: explain.c */

/* The five capability sets of a thread, in the order of /proc/PID/status. */
struct ent_capset_row {
	const char *name;    /* "bounding" */
	size_t offset;       /* of its bit mask in struct lockdown_caps */
	const char *meaning; /* what the set is for, in a few words */
};
extern const struct ent_capset_row ent_capset_rows[];
extern const size_t ent_n_capset_rows;

/* The capability bits of one set: bit N is capability N. */
static inline uint64_t capset_bits(const struct lockdown_spec *lock,
                                   const struct ent_capset_row *set)
{
	return *(const uint64_t *)((const char *)&lock->caps + set->offset);
}

/* Flush out; returns 0, or -1 with err set when anything written to out was lost. */
int ent_explain_flush(FILE *out, struct rt_err *err);

/* ---------------------------------------------------------------- seccomp rules: explain_rule.c */

/* The json name of a seccomp action ("errno", "kill_process"); "unknown" if not in the table. */
const char *ent_action_name(unsigned action);

/* "EPERM" for EPERM (glibc's name), else the number written into buf. */
const char *ent_errno_name(int errnum, char *buf, size_t size);

/* How a rule's action reads: "denied (EPERM)", "allowed", "kills the process". Returns buf. */
const char *ent_action_text(unsigned action, int32_t errnum, char *buf, size_t size);

/* An argument comparison (enum lockdown_cmp) as its C operator: "==", "&"; "?" if unknown. */
const char *ent_cmp_op(unsigned op);

/* The conditions of a rule, ANDed: "arg0 == AF_UNIX (1) && arg1 has none of ...". */
void ent_conditions_text(const struct lockdown_rule *r, char *buf, size_t size);

/* ---------------------------------------------------------------- text layout: explain_layout.c */

/*
 * One row of a text section: "LEFT TEXT [why]", indent columns in, LEFT padded to left_w,
 * the why (none when NULL or empty) flush right at column 79; long text wraps, indented.
 */
void ent_put_row(FILE *out, int indent, int left_w, const char *left, const char *text,
                 const char *why);

/* Words (system call names, a command line) filling lines up to 80 columns, each indented. */
struct ent_word_wrap {
	FILE *out;
	int indent; /* of every line */
	int col;    /* where the current line ends; 0 before its first word */
};

/* Add word to the current line, or start a new line when it does not fit. */
void ent_wrap_word(struct ent_word_wrap *w, const char *word);

/* End the current line, if a word started one. */
void ent_wrap_end(struct ent_word_wrap *w);

/* ---------------------------------------------------------------- text and json forms */

/* The text form (explain_text.c): every section, for an 80-column terminal. */
void ent_explain_text(FILE *out, const struct ent_plan *plan);

/* The json form (explain_json.c). Returns 0, or -1 with err set when json-c runs out of memory. */
int ent_explain_json(FILE *out, const struct ent_plan *plan, struct rt_err *err);

#endif
