/*
 * runtime/oci_cli.h - OCI runtime mode's command line: runc's, as container engines call it
 * (containerd's runc shim through go-runc, conmon for podman, the runtime-tools suite):
 *
 *   ent-run [--root DIR] [--log FILE] [--log-format text|json] [--systemd-cgroup]
 *           [--policy FILE] [--debug] VERB [OPTIONS] ID ...
 *
 * Pure code (getopt_long(3)): parsing makes no system call, so every option and message is
 * unit tested (tests/unit/test_rt_oci_cli.c).
 */
#ifndef RT_OCI_CLI_H
#define RT_OCI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"

#define RT_OCI_ROOT_DEFAULT "/run/ent-run/containers"

enum rt_oci_verb {
	RT_OCI_CREATE,
	RT_OCI_START,
	RT_OCI_STATE,
	RT_OCI_KILL,
	RT_OCI_DELETE,
	RT_OCI_EXEC,
	RT_OCI_PS,
	RT_OCI_FEATURES,
	RT_OCI_N_VERBS,
};

struct rt_oci_options {
	enum rt_oci_verb verb; /* RT_OCI_N_VERBS with help: the overview (--root X --help) */
	bool help;
	/* global options */
	const char *root;    /* --root: the state directory (default RT_OCI_ROOT_DEFAULT) */
	const char *log;     /* --log FILE: errors and warnings are appended there too */
	bool log_json;       /* --log-format json */
	bool systemd_cgroup; /* --systemd-cgroup: refused (cgroupfs only) */
	const char *policy;  /* --policy FILE: the node policy (default /etc/ent-run/policy) */
	bool debug;          /* --debug: narrate each step, as --verbose */
	/* verb options */
	const char *id;
	const char *bundle;         /* create --bundle (default ".") */
	const char *pid_file;       /* create, exec --pid-file */
	const char *console_socket; /* create, exec --console-socket */
	unsigned preserve_fds;      /* create, exec --preserve-fds */
	bool no_pivot;              /* create --no-pivot */
	bool no_new_keyring;        /* create --no-new-keyring */
	bool all;                   /* kill --all */
	int signal;                 /* kill SIGNAL (default SIGTERM) */
	bool force;                 /* delete --force */
	const char *process;        /* exec --process FILE */
	bool detach;                /* exec --detach */
	bool tty;                   /* exec --tty */
	char *const *argv;          /* exec ID CMD ARG...: without --process */
	bool json;                  /* ps --format json */
};

/*
 * Is argv an OCI runtime command line, i.e. do its first words (after the global options) name
 * a verb? Returns 1 and fills o (zero it first; it keeps pointers into argv), 0 when argv is
 * anything else (ent-run's own command line), or -1 with err naming the option, its value and
 * what is expected.
 */
int rt_oci_cli_parse(int argc, char **argv, struct rt_oci_options *o, struct rt_err *err);

/* A signal by name ("TERM", "SIGTERM", case-insensitive) or number ("15"). -1 if none. */
int rt_oci_signal_number(const char *text);

/* Print --help for verb (or, for RT_OCI_N_VERBS, the global options and the verbs). */
void rt_oci_usage(FILE *out, enum rt_oci_verb verb);

/* The verb's name ("create"). */
const char *rt_oci_verb_name(enum rt_oci_verb verb);

#endif
