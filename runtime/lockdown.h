/*
 * runtime/lockdown.h - the last setup steps before execve: user and group ids, capability sets
 * (capabilities(7), libcap), no_new_privs (PR_SET_NO_NEW_PRIVS) and the seccomp filter
 * (seccomp(2), libseccomp).
 *
 * Files: runtime/lockdown.c (ids, capabilities, no_new_privs, the apply sequence),
 * runtime/seccomp.c (build the filter with libseccomp, export it, load it),
 * runtime/seccomp_cache.c (canonical rule text, digest, the on-disk cache of built programs),
 * runtime/seccomp_notify.c (a learning filter's listener: receive, check, answer).
 */
#ifndef RT_LOCKDOWN_H
#define RT_LOCKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

/* A seccomp program ready to load (generated, or read from the verified cache). Opaque. */
struct lockdown_filter;

/*
 * Build the seccomp program for spec in the parent, so the child only loads it (run and learn:
 * after SYNC_GO, while the child builds its file system; OCI create and exec: before anything
 * is made; the program goes over the sync channel: lockdown_filter_data(),
 * lockdown_filter_view(), or in the memory of a forked joiner). Looks in the cache first (see
 * lockdown_cache_dir()); a miss generates the program with libseccomp and stores it. The cache
 * never fails a launch: its problems are trace lines. *out is NULL when spec->seccomp_mode is
 * LOCKDOWN_SECCOMP_UNCONFINED. The filter is plain heap memory, so a forked child holds its own
 * copy. Returns 0 or -1 with err.
 */
int lockdown_filter_build(const struct lockdown_spec *spec, struct lockdown_filter **out,
                          struct rt_err *err);

/* Free a filter from lockdown_filter_build(). NULL is fine. */
void lockdown_filter_free(struct lockdown_filter *filter);

/*
 * The filter as the bytes that travel to the child (the same executable reads them back):
 * *len of them at the returned address, 0 for NULL (unconfined). lockdown_filter_max_data() is
 * the most a filter can take (the kernel's BPF_MAXINSNS instructions).
 */
const void *lockdown_filter_data(const struct lockdown_filter *filter, size_t *len);
size_t lockdown_filter_max_data(void);

/*
 * The filter in len bytes from lockdown_filter_data(), read in place (data must stay, aligned
 * as malloc's); NULL when they are not one: a wrong length or instruction count.
 */
const struct lockdown_filter *lockdown_filter_view(const void *data, size_t len);

/* The ids the workload runs as: container ids, mapped in its user namespace. */
struct lockdown_ids {
	uint32_t uid;
	uint32_t gid;
	const uint32_t *groups; /* supplementary groups (n_groups of them; none: cleared) */
	unsigned n_groups;
};

/*
 * In the workload process, right before execve: switch to ids (container ids; supplementary
 * groups set to ids->groups, or cleared) keeping exactly the capabilities of spec (ambient for
 * a non-root uid), cut the bounding set, set no_new_privs, and load filter last (it would block
 * the capset and prctl calls before it); without no_new_privs, first (it then needs the
 * CAP_SYS_ADMIN dropped after). filter is NULL exactly when spec is unconfined: NULL for a
 * confined spec is refused before any step. *listener is the learning
 * filter's seccomp listener (close-on-exec, for the caller to pass on), else -1. Returns 0 or
 * -1 with err.
 *
 * Needs: full capabilities in the current user namespace (root in it), ids mapped in it, no
 * other thread (seccomp and capabilities are per thread; we do not use TSYNC).
 */
int lockdown_apply(const struct lockdown_spec *spec, const struct lockdown_filter *filter,
                   const struct lockdown_ids *ids, int *listener, struct rt_err *err);

/*
 * Write spec's filter as libseccomp pseudo filter code (PFC) to fd, for `explain --bpf`.
 * Unconfined writes a one-line comment. No privileges needed. Returns 0 or -1 with err.
 */
int lockdown_filter_export_pfc(const struct lockdown_spec *spec, int fd, struct rt_err *err);

/* Number of BPF instructions in filter (0 for NULL); for tests and explain. */
unsigned lockdown_filter_insns(const struct lockdown_filter *filter);

/* True when filter came from the cache rather than from libseccomp. */
int lockdown_filter_from_cache(const struct lockdown_filter *filter);

/* ---------------------------------------------------------------- a listener (seccomp_notify.c) */

/* One call a learning filter stopped, as the supervisor receives it. */
struct lockdown_notif {
	uint64_t id;                 /* the notification's cookie */
	uint32_t pid;                /* the caller, in our PID namespace */
	char syscall[ENT_NAME_MAX];  /* its name for the native architecture; "" if unknown */
	uint64_t args[ENT_MAX_ARGS]; /* the registers, as the filter compared them */
};

/*
 * Take one notification from listener (it must be readable, or this blocks). Returns 1 with n
 * filled, 0 when there was none after all (the caller died, or its call was interrupted),
 * -1 with err.
 */
int lockdown_notify_receive(int listener, struct lockdown_notif *n, struct rt_err *err);

/* Is notification id still waiting (SECCOMP_IOCTL_NOTIF_ID_VALID)? Its caller may have died. */
bool lockdown_notify_pending(int listener, uint64_t id);

/*
 * Answer notification id: the call fails with errnum, or (errnum 0) proceeds as if the filter
 * had allowed it (SECCOMP_USER_NOTIF_FLAG_CONTINUE). A caller that died meanwhile is no error.
 * Returns 0, or -1 with err.
 */
int lockdown_notify_answer(int listener, uint64_t id, int errnum, struct rt_err *err);

/* The name of system call number nr on the native architecture (malloc'd), or NULL. */
char *lockdown_syscall_name(long nr);

/* ---------------------------------------------------------------- shared by the lockdown files */

/* Name of an enum lockdown_action ("ERRNO"), "?" when out of range. Pure. */
const char *lockdown_action_name(unsigned action);

/* Name of an enum lockdown_cmp ("MASKED_EQ"), "?" when out of range. Pure. */
const char *lockdown_cmp_name(unsigned op);

/*
 * Load filter into the calling thread with seccomp(SECCOMP_SET_MODE_FILTER). Needs
 * no_new_privs or CAP_SYS_ADMIN. The last step before execve. A filter with NOTIFY rules is
 * loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER: *listener is then the listener (close-on-exec),
 * else -1. Returns 0 or -1 with err.
 */
int lockdown_filter_load(const struct lockdown_filter *filter, int *listener, struct rt_err *err);

/* ---------------------------------------------------------------- the cache (seccomp_cache.c) */

/*
 * Canonical text of everything that decides the BPF program: format version, architecture,
 * libseccomp version, filter attributes, default action and every rule in order (provenance is
 * left out: it does not change the program). Two specs with the same text build the same
 * program. arch and libseccomp are passed in so that the function stays pure (tests).
 * Returns a malloc'd NUL-terminated string (length in *len), or NULL with err on ENOMEM.
 */
char *lockdown_canon_text(const struct lockdown_spec *spec, const char *arch,
                          const char *libseccomp, size_t *len, struct rt_err *err);

/* 64-bit FNV-1a style digest of buf, taken 8 bytes at a time (fast; not cryptographic). */
uint64_t lockdown_digest64(const void *buf, size_t len);

/*
 * Encode a cache entry: header (magic, format version, lengths), canonical text, BPF program,
 * and a digest over all of it. Returns a malloc'd buffer (size in *size) or NULL on ENOMEM.
 */
void *lockdown_cache_encode(const char *text, size_t text_len, const void *bpf, size_t bpf_len,
                            size_t *size);

/* Reads n bytes at off of an entry into buf: the count read (short only at its end), or -1. */
typedef ssize_t (*lockdown_read_fn)(void *ctx, void *buf, size_t n, uint64_t off);

/*
 * Check a cache entry of size bytes against the canonical text we expect, reading it a piece
 * at a time through read_at(ctx, ...): no copy of the whole entry. Returns a calloc'd block of
 * head + program bytes, the program at offset head (its length in *bpf_len), when magic,
 * version, lengths, digest and text all match exactly; NULL otherwise with a short reason in
 * *why ("truncated", "corrupt (digest mismatch)", ...). Pure but for read_at.
 */
void *lockdown_cache_decode(lockdown_read_fn read_at, void *ctx, uint64_t size, const char *text,
                            size_t text_len, size_t head, size_t *bpf_len, const char **why);

/*
 * The cache directory: $ENT_RUN_CACHE_DIR; else /var/cache/ent-run/seccomp for euid 0; else
 * $XDG_CACHE_HOME/ent-run/seccomp or $HOME/.cache/ent-run/seccomp. Returns 0, or -1 when there
 * is none (rootless without HOME). Writes into buf of size size.
 */
int lockdown_cache_dir(char *buf, size_t size);

/*
 * Look up text in the cache. Returns a calloc'd block of head + BPF program bytes, the program
 * at offset head (bytes in *bpf_len), on a verified hit; NULL on a miss or any problem (each
 * traced; never an error).
 */
void *lockdown_cache_load(const char *text, size_t text_len, size_t head, size_t *bpf_len);

/* Store a program for text (temporary file + rename). Failures are traced, never errors. */
void lockdown_cache_store(const char *text, size_t text_len, const void *bpf, size_t bpf_len);

#endif
