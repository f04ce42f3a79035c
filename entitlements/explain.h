/*
 * entitlements/explain.h - print a plan for people (ent-run explain) and answer "why?" for one
 * capability, system call or path.
 *
 * Pure: these functions read the plan and write to the FILE * they are given, nothing else.
 * The text form is for an 80-column terminal; the json form is stable and documented in
 * docs/explain-json.md (golden tests pin both).
 */
#ifndef ENT_EXPLAIN_H
#define ENT_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"
#include "entitlements/plan.h"

/*
 * Print everything plan grants, grouped by kernel feature (namespaces, ids, capabilities,
 * seccomp, mounts, masked and read-only paths, devices, network, limits, process), every item
 * with the entitlement, option or default responsible. json selects the documented json object
 * instead of text. Returns 0, or -1 with err set when writing to out fails.
 */
int ent_explain_print(FILE *out, const struct ent_plan *plan, bool json, struct rt_err *err);

/*
 * Answer for one name in one line: a capability ("CAP_NET_RAW", any case), a system call
 * ("mount") or an absolute path ("/proc/kcore"): granted or denied, and by which entitlement.
 * Decided from the plan's data only. Returns 0, or -1 with err set when name is none of the
 * three ("explain: 'foo' is not a capability, syscall or path in this plan") or writing fails.
 */
int ent_explain_why(FILE *out, const struct ent_plan *plan, const char *name, struct rt_err *err);

/*
 * Names shared by explain and spec (entitlements/spec.c), from the tables in explain.c.
 */

/* "CAP_NET_RAW" for capability number cap (libcap's name, upper case) into buf. */
void ent_cap_name(unsigned cap, char *buf, size_t size);

/* "RLIMIT_MEMLOCK" for RLIMIT_MEMLOCK; NULL for a resource the table does not know. */
const char *ent_rlimit_name(int resource);

/*
 * A mount's flags and data as the comma-separated option words of mount(8) and the OCI
 * runtime spec: "nosuid,nodev,noexec,mode=755". Bind mounts start with "rbind" or "bind".
 * Returns what snprintf returns (the length it needed).
 */
int ent_mount_options(const struct rootfs_mount *m, char *buf, size_t size);

#endif
