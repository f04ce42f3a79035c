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

/*
 * Parse text (len bytes, not necessarily NUL-terminated) and fill the seccomp part of out:
 * seccomp_mode (FILTER), default_action, default_errnum, rules[] and n_rules. The other fields
 * of out (capabilities, no_new_privs, seccomp_ref) are left alone. source names the profile in
 * messages (its path). granted_caps is the container's capability set (bit N = capability N),
 * matched against each entry's includes/excludes "caps".
 *
 * Entries follow Docker's rules: an entry applies when every capability in includes.caps is
 * granted and the native architecture (Go name: "amd64") is in includes.arches (when given),
 * and no capability of excludes.caps is granted and the native architecture is not in
 * excludes.arches. minKernel is taken as met: the running kernel is assumed to be at least
 * the version named. "architectures" and "archMap" are checked but only the native
 * architecture is filtered; every other ABI is refused by the filter itself.
 *
 * A syscall named by an entry without conditions keeps only the first such rule; every other
 * rule for it is dropped (libseccomp's own precedence, so runc, crun and ent-run agree).
 *
 * Syscall names libseccomp knows but not on this architecture (_llseek on x86_64) are skipped,
 * as runc and crun do. A name libseccomp does not know at all is an error: it cannot be told
 * apart from a typo. Returns 0, or -1 with a one-line err
 * "seccomp profile SOURCE: syscalls[3].names[1]: unknown syscall 'foo'"; on error out->n_rules
 * is 0.
 */
int ent_seccomp_import_json(const char *text, size_t len, const char *source,
                            const uint64_t granted_caps, struct lockdown_spec *out,
                            struct rt_err *err);

/* The OCI/Docker name of an action ("SCMP_ACT_ERRNO") or comparison ("SCMP_CMP_EQ"); NULL
 * for a value outside the enum. The same table parses profiles and prints `ent-run spec`. */
const char *ent_seccomp_action_name(unsigned action);
const char *ent_seccomp_op_name(unsigned op);

#endif
