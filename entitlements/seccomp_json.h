/*
 * entitlements/seccomp_json.h - import a seccomp profile in the OCI (config.json linux.seccomp)
 * or Docker/containers JSON format into the plan's lockdown rules (`--seccomp localhost/NAME`).
 * Pure: the caller reads the file and passes its text.
 */
#ifndef ENT_SECCOMP_JSON_H
#define ENT_SECCOMP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "entitlements/plan.h"

#define ENT_SECCOMP_JSON_MAX (4u << 20) /* larger files are refused before parsing */

/* What decides which entries of a profile apply here (Docker's "includes" and "excludes"). */
struct ent_seccomp_host {
	uint64_t caps;         /* the container's capabilities: bit N is capability N */
	unsigned kernel_major; /* the running kernel (uname(2) release "6.18.3-amd64": 6, 18); */
	unsigned kernel_minor; /* 0.0 when unknown: an entry naming a minKernel is then an error */
};

/*
 * Parse text (len bytes, not necessarily NUL-terminated) and fill the seccomp part of out:
 * seccomp_mode (FILTER), default_action, default_errnum, rules[] and n_rules. The other fields
 * of out (capabilities, no_new_privs, seccomp_ref) are left alone. source names the profile in
 * messages (its path). host holds the container's capabilities and the running kernel's
 * version, matched against each entry's includes/excludes.
 *
 * The JSON is read strictly: a duplicate key at any level, a control character (U+0000 to
 * U+001F, U+007F) in a key or in a string we read, a number that is not an integer from 0 to
 * 2^64-1 written with digits, a minKernel that is not "MAJOR.MINOR", and a value of the wrong
 * type are errors naming the place. null counts as absent, as for Docker's Go decoder.
 *
 * Entries follow Docker's rules: an entry applies when every capability in includes.caps is
 * granted, the native architecture (Go name: "amd64") is in includes.arches (when given) and
 * the running kernel is at least includes.minKernel (when given); and no capability of
 * excludes.caps is granted, the native architecture is not in excludes.arches and the kernel
 * is older than excludes.minKernel. minKernel compares the major and minor numbers only
 * ("4.8" is met by 4.8.0-rc1 and 4.19). "architectures" and "archMap" are checked but only the
 * native architecture is filtered; every other ABI is refused by the filter itself.
 *
 * A syscall named by an entry without conditions keeps only the first such rule; every other
 * rule for it is dropped (libseccomp's own precedence, so runc, crun and ent-run agree).
 * What libseccomp cannot build, or would silently change, is an error at import: an argument
 * compared twice in one entry, and two entries for one syscall with different actions whose
 * conditions contain one another.
 *
 * Syscall names libseccomp knows but not on this architecture (_llseek on x86_64) are skipped,
 * as runc and crun do. A name libseccomp does not know at all is an error: it cannot be told
 * apart from a typo. Returns 0, or -1 with a one-line err
 * "seccomp profile SOURCE: syscalls[3].names[1]: unknown syscall 'foo'"; on error out->n_rules
 * is 0.
 */
int ent_seccomp_import_json(const char *text, size_t len, const char *source,
                            const struct ent_seccomp_host *host, struct lockdown_spec *out,
                            struct rt_err *err);

/*
 * What json-c lets through in an OCI config.json, found as in a seccomp profile: a duplicate
 * key at any level (json-c keeps the last silently), a key with a control character, a string
 * holding NUL (\u0000), a single-quoted key; in linux.seccomp also a number that is not an
 * integer from 0 to 2^64-1, as the importer would find in a profile file. text has been
 * accepted by json-c. Returns 0, or -1 with "SOURCE: line L, column C: PATH: reason".
 */
int ent_json_scan_config(const char *text, size_t len, const char *source, struct rt_err *err);

/* The OCI/Docker name of an action ("SCMP_ACT_ERRNO") or comparison ("SCMP_CMP_EQ"); NULL
 * for a value outside the enum. The same table parses profiles and prints `ent-run spec`. */
const char *ent_seccomp_action_name(unsigned action);
const char *ent_seccomp_op_name(unsigned op);

#endif
