/*
 * entitlements/spec.h - ent-run spec: print a plan as an OCI runtime-spec config.json, so that
 * crun or runc can run the same container (runtime-spec 1.0.2, Linux).
 */
#ifndef ENT_SPEC_H
#define ENT_SPEC_H

#include <stdio.h>

#include "base/err.h"
#include "entitlements/plan.h"

/*
 * Write config.json for plan to out (pretty-printed, one object, a final newline): process,
 * root, hostname, mounts and linux (namespaces, id mappings, masked and read-only paths,
 * resources, seccomp) carrying the same settings ent-run would apply. Host device nodes become
 * bind mounts; seccomp rules with identical effect share one syscalls[] entry. Pure: no
 * system calls. Returns 0, or -1 with err set when the plan holds a value the OCI format
 * cannot express (an unknown rlimit, seccomp action or comparison) or writing fails.
 */
int ent_spec_print(FILE *out, const struct ent_plan *plan, struct rt_err *err);

/* The libseccomp name of the architecture ent-run filters ("SCMP_ARCH_X86_64"). */
const char *ent_seccomp_native_arch(void);

#endif
