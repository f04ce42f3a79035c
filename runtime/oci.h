/*
 * runtime/oci.h - OCI runtime mode: runc's verbs, so that podman (through conmon), containerd
 * (through its runc shim) and Kubernetes (a RuntimeClass) drive ent-run, under the node policy.
 * See docs/oci.md.
 */
#ifndef RT_OCI_H
#define RT_OCI_H

#include "base/err.h"
#include "runtime/oci_cli.h"

/*
 * Run the verb o names. Returns the exit status (0; exec without --detach: the process's), or
 * -1 with err (main() prints it, and rt_oci_log_error appends it to --log).
 */
int rt_oci_main(const struct rt_oci_options *o, struct rt_err *err);

/*
 * Append err to the --log file as one line (level "error"; engines show the last such line to
 * their users). Nothing without --log.
 */
void rt_oci_log_error(const struct rt_oci_options *o, const struct rt_err *err);

#endif
