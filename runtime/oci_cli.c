/*
 * runtime/oci_cli.c - parse runc's command line into a struct rt_oci_options (getopt_long(3)).
 *
 * Global options come before the verb, as go-runc writes them ("--root R --log F --log-format
 * json create --bundle B --pid-file P ID"); each verb's options before its id. One table
 * describes every verb option: getopt's array, the verbs that take it and its --help line.
 */
#include "runtime/oci_cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "entitlements/oci.h"
#include "runtime/opttable.h"

#define V(verb) (1u << (verb))

enum oci_opt {
	OPT_HELP = 'h',
	OPT_BUNDLE = 'b',
	OPT_ALL = 'a',
	OPT_FORCE = 'f',
	OPT_PROCESS = 'p',
	OPT_DETACH = 'd',
	OPT_TTY = 't',
	OPT_PID_FILE = 256,
	OPT_CONSOLE_SOCKET,
	OPT_PRESERVE_FDS,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_FORMAT,
};

/* clang-format off */
static const struct rt_opt_row rows[] = {
	{ "bundle",         required_argument, OPT_BUNDLE,        V(RT_OCI_CREATE), "DIR",
	  "the bundle: config.json and the rootfs (default: .)" },
	{ "pid-file",       required_argument, OPT_PID_FILE,      V(RT_OCI_CREATE) | V(RT_OCI_EXEC),
	  "FILE", "write the process's host pid to FILE" },
	{ "console-socket", required_argument, OPT_CONSOLE_SOCKET, V(RT_OCI_CREATE) | V(RT_OCI_EXEC),
	  "SOCKET", "send the terminal's master to this AF_UNIX socket" },
	{ "preserve-fds",   required_argument, OPT_PRESERVE_FDS,  V(RT_OCI_CREATE) | V(RT_OCI_EXEC),
	  "N", "pass descriptors 3..3+N-1 on to the process" },
	{ "no-pivot",       no_argument,       OPT_NO_PIVOT,      V(RT_OCI_CREATE), NULL,
	  "MS_MOVE and chroot instead of pivot_root (a rootfs on a ramdisk)" },
	{ "no-new-keyring", no_argument,       OPT_NO_NEW_KEYRING, V(RT_OCI_CREATE), NULL,
	  "keep the caller's session keyring" },
	{ "all",            no_argument,       OPT_ALL,           V(RT_OCI_KILL), NULL,
	  "signal every process of the container" },
	{ "force",          no_argument,       OPT_FORCE,         V(RT_OCI_DELETE), NULL,
	  "kill the container first when it still runs" },
	{ "process",        required_argument, OPT_PROCESS,       V(RT_OCI_EXEC), "FILE",
	  "the process to run: a runtime-spec process object (JSON)" },
	{ "detach",         no_argument,       OPT_DETACH,        V(RT_OCI_EXEC), NULL,
	  "return once the process runs (its pid in --pid-file)" },
	{ "tty",            no_argument,       OPT_TTY,           V(RT_OCI_EXEC), NULL,
	  "allocate a pseudo-terminal" },
	{ "format",         required_argument, OPT_FORMAT,        V(RT_OCI_PS), "table|json",
	  "output format (json: an array of host pids)" },
	{ "help",           no_argument,       OPT_HELP,          ~0u, NULL, "show this help" },
};

static const struct {
	const char *name;
	const char *args;
	const char *what;
} verbs[RT_OCI_N_VERBS] = {
	[RT_OCI_CREATE]   = { "create",   "[OPTIONS] ID",
	                      "set the container up, its process held before execve" },
	[RT_OCI_START]    = { "start",    "ID", "let the created container's process run" },
	[RT_OCI_STATE]    = { "state",    "ID", "print the container's state (JSON)" },
	[RT_OCI_KILL]     = { "kill",     "[--all] ID [SIGNAL]",
	                      "send SIGNAL (name or number; default TERM)" },
	[RT_OCI_DELETE]   = { "delete",   "[--force] ID", "remove a stopped container" },
	[RT_OCI_EXEC]     = { "exec",     "[OPTIONS] ID [COMMAND [ARG...]]",
	                      "run another process in the running container" },
	[RT_OCI_PS]       = { "ps",       "[--format table|json] ID",
	                      "list the container's processes (host pids)" },
	[RT_OCI_FEATURES] = { "features", "", "print what this runtime implements (JSON)" },
};

/* Global options, before the verb: value-taking ones first. */
static const struct {
	const char *name;
	bool value;
	const char *arg;
	const char *help;
} globals[] = {
	{ "root",           true,  "DIR",  "state directory (default " RT_OCI_ROOT_DEFAULT ")" },
	{ "log",            true,  "FILE", "append errors and warnings to FILE" },
	{ "log-format",     true,  "text|json", "the format of --log lines (default text)" },
	{ "policy",         true,  "FILE", "node policy (default /etc/ent-run/policy)" },
	{ "criu",           true,  "PATH", "accepted for runc's callers; ent-run has no checkpoints" },
	{ "rootless",       true,  "BOOL", "accepted for runc's callers; ent-run sees for itself" },
	{ "systemd-cgroup", false, NULL,   "refused: ent-run manages cgroupfs paths" },
	{ "debug",          false, NULL,   "narrate each setup step on stderr" },
};
/* clang-format on */

const char *rt_oci_verb_name(enum rt_oci_verb verb)
{
	return verb < RT_OCI_N_VERBS ? verbs[verb].name : "?";
}

int rt_oci_signal_number(const char *text)
{
	const char *name = text;
	char *end;
	long n;

	if (isdigit((unsigned char)text[0])) {
		n = strtol(text, &end, 10);
		return *end || n < 1 || n >= NSIG ? -1 : (int)n;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && !strcasecmp(abbrev, name))
			return sig;
	}
	return -1;
}

void rt_oci_usage(FILE *out, enum rt_oci_verb verb)
{
	if (verb >= RT_OCI_N_VERBS) {
		fputs("Usage: ent-run [GLOBAL OPTIONS] VERB ...    OCI runtime mode (runc's "
		      "command "
		      "line)\n\nVerbs:\n",
		      out);
		for (size_t i = 0; i < RT_OCI_N_VERBS; i++)
			fprintf(out, "  %-9s %-32s %s\n", verbs[i].name, verbs[i].args,
			        verbs[i].what);
		fputs("\nGlobal options (before the verb):\n", out);
		for (size_t i = 0; i < ARRAY_SIZE(globals); i++) {
			char left[48];

			snprintf(left, sizeof(left), "--%s%s%s", globals[i].name,
			         globals[i].value ? " " : "",
			         globals[i].value ? globals[i].arg : "");
			fprintf(out, "  %-26s %s\n", left, globals[i].help);
		}
		fputs("\nSee ent-run(1) and docs/oci.md.\n", out);
		return;
	}
	fprintf(out, "Usage: ent-run [GLOBAL OPTIONS] %s %s\n\n%c%s.\n", verbs[verb].name,
	        verbs[verb].args, toupper((unsigned char)verbs[verb].what[0]),
	        verbs[verb].what + 1);
	fputs("\nOptions:\n", out);
	rt_opt_help(out, rows, ARRAY_SIZE(rows), V(verb), 28);
}

/* One global option at argv[*i] ("--root R" or "--root=R"); 0 when it is none. */
static int parse_global(int argc, char **argv, int *i, struct rt_oci_options *o, struct rt_err *err)
{
	const char *word = argv[*i];

	for (size_t g = 0; g < ARRAY_SIZE(globals); g++) {
		size_t len = strlen(globals[g].name);
		const char *value = NULL;

		if (strncmp(word, "--", 2) || strncmp(word + 2, globals[g].name, len))
			continue;
		if (word[2 + len] == '=' && globals[g].value)
			value = word + 3 + len;
		else if (word[2 + len])
			continue;
		else if (globals[g].value && *i + 1 < argc)
			value = argv[++*i];
		else if (globals[g].value)
			return rt_fail(err, 0, "option '--%s' needs a value: %s", globals[g].name,
			               globals[g].arg);
		if (!strcmp(globals[g].name, "root"))
			o->root = value;
		else if (!strcmp(globals[g].name, "log"))
			o->log = value;
		else if (!strcmp(globals[g].name, "policy") && !value[0])
			return rt_fail(err, 0, "--policy: the path is empty");
		else if (!strcmp(globals[g].name, "policy"))
			o->policy = value;
		else if (!strcmp(globals[g].name, "log-format")) {
			if (strcmp(value, "text") && strcmp(value, "json"))
				return rt_fail(err, 0,
				               "--log-format: unknown format '%s' (expected: text, "
				               "json)",
				               value);
			o->log_json = !strcmp(value, "json");
		} else if (!strcmp(globals[g].name, "systemd-cgroup"))
			o->systemd_cgroup = true;
		else if (!strcmp(globals[g].name, "debug"))
			o->debug = true;
		return 1;
	}
	return 0;
}

/* Options of the verb, in getopt's form. */
static int parse_option(struct rt_oci_options *o, int id, const char *arg, struct rt_err *err)
{
	char *end;
	long n;

	switch (id) {
	case OPT_HELP:
		o->help = true;
		return 0;
	case OPT_BUNDLE:
		o->bundle = arg;
		return 0;
	case OPT_PID_FILE:
		o->pid_file = arg;
		return 0;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		return 0;
	case OPT_PRESERVE_FDS:
		n = strtol(arg, &end, 10);
		if (!isdigit((unsigned char)arg[0]) || *end || n > 1024)
			return rt_fail(err, 0,
			               "--preserve-fds: '%s' is not a number of descriptors "
			               "(0 to 1024)",
			               arg);
		o->preserve_fds = (unsigned)n;
		return 0;
	case OPT_NO_PIVOT:
		o->no_pivot = true;
		return 0;
	case OPT_NO_NEW_KEYRING:
		o->no_new_keyring = true;
		return 0;
	case OPT_ALL:
		o->all = true;
		return 0;
	case OPT_FORCE:
		o->force = true;
		return 0;
	case OPT_PROCESS:
		o->process = arg;
		return 0;
	case OPT_DETACH:
		o->detach = true;
		return 0;
	case OPT_TTY:
		o->tty = true;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "table") && strcmp(arg, "json"))
			return rt_fail(err, 0,
			               "--format: unknown format '%s' (expected: table, json)",
			               arg);
		o->json = !strcmp(arg, "json");
		return 0;
	}
	return rt_fail(err, 0, "internal: unhandled option %d", id);
}

/* What follows the options: the id, and kill's signal or exec's command. */
static int parse_operands(int argc, char **argv, struct rt_oci_options *o, struct rt_err *err)
{
	const char *name = verbs[o->verb].name;
	int rest = argc - optind;

	if (o->verb == RT_OCI_FEATURES) {
		if (rest)
			return rt_fail(err, 0, "features: unexpected argument '%s'", argv[optind]);
		return 0;
	}
	if (rest < 1)
		return rt_fail(err, 0, "%s: missing the container id (usage: ent-run %s %s)", name,
		               name, verbs[o->verb].args);
	o->id = argv[optind];
	if (!ent_oci_id_valid(o->id))
		return rt_fail(err, 0,
		               "%s: '%.80s' is not a container id (1 to %d of A-Z a-z 0-9 _ + . -)",
		               name, o->id, ENT_OCI_ID_MAX - 1);
	if (o->verb == RT_OCI_EXEC) {
		if (rest > 1)
			o->argv = &argv[optind + 1];
		if (!o->process && rest < 2)
			return rt_fail(err, 0,
			               "exec: give --process FILE or a command after the id");
		if (o->process && rest > 1)
			return rt_fail(err, 0, "exec: --process and a command: give one of them");
		return 0;
	}
	if (o->verb == RT_OCI_KILL && rest == 2) {
		o->signal = rt_oci_signal_number(argv[optind + 1]);
		if (o->signal < 0)
			return rt_fail(err, 0,
			               "kill: unknown signal '%s' (a name such as TERM or "
			               "SIGKILL, or a number)",
			               argv[optind + 1]);
		return 0;
	}
	if (rest > 1)
		return rt_fail(err, 0, "%s: unexpected argument '%s' (usage: ent-run %s %s)", name,
		               argv[optind + 1], name, verbs[o->verb].args);
	return 0;
}

/* The verb's options with getopt_long, on argv[first..] ("+": stop at the first operand). */
static int parse_verb(int argc, char **argv, int first, struct rt_oci_options *o,
                      struct rt_err *err)
{
	struct option long_opts[ARRAY_SIZE(rows) + 1];
	char short_opts[32];

	rt_opt_getopt(rows, ARRAY_SIZE(rows), V(o->verb), long_opts, short_opts,
	              sizeof(short_opts));
	optind = 0; /* glibc: 0 restarts the scan */
	opterr = 0;
	for (;;) {
		int id = getopt_long(argc - first + 1, argv + first - 1, short_opts, long_opts,
		                     NULL);

		if (id == -1)
			break;
		if (id == '?' || id == ':')
			return rt_fail(err, 0,
			               "%s: unknown option or missing value '%s' (see 'ent-run "
			               "%s --help')",
			               verbs[o->verb].name, argv[first + optind - 2],
			               verbs[o->verb].name);
		if (parse_option(o, id, optarg, err) < 0)
			return -1;
		if (o->help)
			return 0;
	}
	optind += first - 1;
	return parse_operands(argc, argv, o, err);
}

int rt_oci_cli_parse(int argc, char **argv, struct rt_oci_options *o, struct rt_err *err)
{
	bool oci_only = false; /* a global option only OCI mode has */
	int i = 1;

	o->root = RT_OCI_ROOT_DEFAULT;
	o->bundle = ".";
	o->signal = SIGTERM;
	for (; i < argc; i++) {
		int at = i, r = parse_global(argc, argv, &i, o, err);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		/* --policy is ent-run's own option too: it alone does not make this OCI. */
		if (strncmp(argv[at], "--policy", 8))
			oci_only = true;
	}
	for (size_t v = 0; i < argc && v < RT_OCI_N_VERBS; v++) {
		if (strcmp(argv[i], verbs[v].name))
			continue;
		o->verb = (enum rt_oci_verb)v;
		if (o->systemd_cgroup)
			return rt_fail(err, 0,
			               "--systemd-cgroup: ent-run manages cgroupfs paths, not "
			               "systemd units (use the engine's cgroupfs manager)");
		return parse_verb(argc, argv, i + 1, o, err) < 0 ? -1 : 1;
	}
	if (oci_only && i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
		o->verb = RT_OCI_N_VERBS; /* the overview */
		o->help = true;
		return 1;
	}
	if (oci_only)
		return rt_fail(err, 0,
		               "missing the verb after the global options (expected: create, "
		               "start, state, kill, delete, exec, ps, features)");
	return 0;
}
