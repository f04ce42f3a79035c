/*
 * runtime/cli.c - parse the command line into a struct rt_options (getopt_long(3)).
 *
 * One table describes every option: getopt_long's struct option array, the subcommands that
 * accept it and its --help line are all derived from it.
 */
#include "runtime/cli.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "netcfg/netcfg.h"
#include "runtime/opttable.h"

/* Which subcommands accept an option. */
#define FOR_RUN     (1u << RT_CMD_RUN)
#define FOR_EXPLAIN (1u << RT_CMD_EXPLAIN)
#define FOR_SPEC    (1u << RT_CMD_SPEC)
#define FOR_CHECK   (1u << RT_CMD_CHECK)
#define FOR_LEARN   (1u << RT_CMD_LEARN)
#define FOR_REQUEST (FOR_RUN | FOR_EXPLAIN | FOR_SPEC | FOR_CHECK | FOR_LEARN)
#define FOR_PROCESS (FOR_RUN | FOR_EXPLAIN | FOR_SPEC | FOR_LEARN)

enum opt_id {
	OPT_ENTITLE = 'e',
	OPT_PROFILE = 'p',
	OPT_VOLUME = 'v',
	OPT_WORKDIR = 'w',
	OPT_USER = 'u',
	OPT_TTY = 't',
	OPT_HELP = 'h',
	OPT_PROFILE_DIR = 256,
	OPT_POLICY,
	OPT_SECCOMP,
	OPT_SECCOMP_ROOT,
	OPT_TMPFS,
	OPT_ENV,
	OPT_HOSTNAME,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPUS,
	OPT_PUBLISH,
	OPT_SUBNET,
	OPT_VERBOSE,
	OPT_VERSION,
	OPT_FORMAT,
	OPT_WHY,
	OPT_LIST,
	OPT_BPF,
	OPT_VERIFY,
	OPT_LEARN,
	OPT_EPHEMERAL,
	OPT_TIMEOUT,
	OPT_KILL_AFTER,
	OPT_STATS,
};

/* clang-format off */
static const struct rt_opt_row opt_rows[] = {
	{ "entitle",     required_argument, OPT_ENTITLE,      FOR_REQUEST, "KEY=VALUE",
	  "grant an entitlement (repeatable; 'explain --list')" },
	{ "profile",     required_argument, OPT_PROFILE,      FOR_REQUEST, "NAME",
	  "grant a named profile (repeatable; union)" },
	{ "profile-dir", required_argument, OPT_PROFILE_DIR,  FOR_REQUEST, "DIR",
	  "profiles (default /etc/ent-run/profiles; a policy's profile-dir)" },
	{ "policy",      required_argument, OPT_POLICY,       FOR_REQUEST, "FILE",
	  "node policy (default /etc/ent-run/policy)" },
	{ "seccomp",     required_argument, OPT_SECCOMP,      FOR_REQUEST, "REF",
	  "runtime/default, unconfined or localhost/NAME" },
	{ "seccomp-profile-root", required_argument, OPT_SECCOMP_ROOT, FOR_REQUEST, "DIR",
	  "localhost/ profiles (default /etc/ent-run/seccomp; a policy's seccomp-root)" },
	{ "volume",      required_argument, OPT_VOLUME,       FOR_REQUEST, "SRC:DST[:ro|:rw]",
	  "bind mount host SRC at DST" },
	{ "tmpfs",       required_argument, OPT_TMPFS,        FOR_REQUEST, "DST[:size=SIZE]",
	  "a tmpfs at DST (default size: the policy's limit, else 64M)" },
	{ "workdir",     required_argument, OPT_WORKDIR,      FOR_PROCESS, "DIR",
	  "working directory (default /)" },
	{ "env",         required_argument, OPT_ENV,          FOR_PROCESS, "K=V",
	  "set a variable (K alone: take it from here)" },
	{ "user",        required_argument, OPT_USER,         FOR_PROCESS, "UID[:GID]",
	  "run as this user (default 0:0)" },
	{ "hostname",    required_argument, OPT_HOSTNAME,     FOR_PROCESS, "NAME",
	  "host name inside (default ent-run)" },
	{ "memory",      required_argument, OPT_MEMORY,       FOR_REQUEST, "SIZE",
	  "memory limit, e.g. 256M (default: the policy's limit, else none)" },
	{ "pids",        required_argument, OPT_PIDS,         FOR_REQUEST, "N",
	  "process limit, 'max' lifts it (default: the policy's, else 1024)" },
	{ "cpus",        required_argument, OPT_CPUS,         FOR_REQUEST, "N",
	  "CPU limit in CPUs, e.g. 1.5 (default: the policy's, else none)" },
	{ "publish",     required_argument, OPT_PUBLISH,      FOR_REQUEST, "[IP:]HP:P[/udp]",
	  "publish a port (needs network.access=proxy)" },
	{ "subnet",      required_argument, OPT_SUBNET,       FOR_REQUEST, "CIDR",
	  "address pool for network.access=user+ (default 10.88.0.0/16)" },
	{ "tty",         no_argument,       OPT_TTY,          FOR_RUN,     NULL,
	  "allocate a pseudo-terminal" },
	{ "ephemeral",   optional_argument, OPT_EPHEMERAL,    FOR_REQUEST, "[=SIZE]",
	  "writes go to a tmpfs of SIZE (default 1G) over the rootfs, gone at exit" },
	{ "timeout",     required_argument, OPT_TIMEOUT,      FOR_RUN | FOR_EXPLAIN | FOR_LEARN,
	  "DURATION", "SIGTERM after DURATION (30s, 1.5m, 2h), exit 124" },
	{ "kill-after",  required_argument, OPT_KILL_AFTER,   FOR_RUN | FOR_EXPLAIN | FOR_LEARN,
	  "DURATION",
	  "with --timeout: SIGKILL every process after this grace (default 10s)" },
	{ "stats",       required_argument, OPT_STATS,        FOR_RUN | FOR_EXPLAIN, "FILE",
	  "write a JSON resource report at exit ('-': stderr)" },
	{ "verbose",     no_argument,       OPT_VERBOSE,      FOR_REQUEST, NULL,
	  "narrate each setup step on stderr" },
	{ "format",      required_argument, OPT_FORMAT,       FOR_EXPLAIN | FOR_CHECK | FOR_LEARN,
	  "text|json", "output format" },
	{ "verify",      no_argument,       OPT_VERIFY,       FOR_LEARN,   NULL,
	  "run once more with exactly the proposal, and compare" },
	{ "why",         required_argument, OPT_WHY,          FOR_EXPLAIN, "NAME",
	  "why a capability, syscall or path is granted" },
	{ "list",        no_argument,       OPT_LIST,         FOR_EXPLAIN, NULL,
	  "print the entitlement catalogue" },
	{ "bpf",         no_argument,       OPT_BPF,          FOR_EXPLAIN, NULL,
	  "print the seccomp filter (libseccomp's PFC)" },
	{ "learn",       no_argument,       OPT_LEARN,        FOR_EXPLAIN, NULL,
	  "the filter of a learning round (ent-run learn)" },
	{ "help",        no_argument,       OPT_HELP,         ~0u,         NULL,
	  "show this help" },
	{ "version",     no_argument,       OPT_VERSION,      ~0u,         NULL,
	  "show the version" },
};

static const char *const command_names[] = {
	[RT_CMD_RUN] = "run", [RT_CMD_EXPLAIN] = "explain", [RT_CMD_SPEC] = "spec",
	[RT_CMD_CHECK] = "check", [RT_CMD_LEARN] = "learn",
};

static const char *const command_synopsis[] = {
	[RT_CMD_RUN]     = "ent-run [OPTIONS] ROOTFS COMMAND [ARG...]",
	[RT_CMD_EXPLAIN] = "ent-run explain [OPTIONS] [--learn] [--why NAME | --list | --bpf]",
	[RT_CMD_SPEC]    = "ent-run spec [OPTIONS] ROOTFS COMMAND [ARG...]",
	[RT_CMD_CHECK]   = "ent-run check [OPTIONS] [ROOTFS]",
	[RT_CMD_LEARN]   = ("ent-run learn [OPTIONS] [--verify] [--format text|json] ROOTFS "
	                    "COMMAND [ARG...]"),
};
/* clang-format on */

void rt_cli_usage(FILE *out, enum rt_command command)
{
	fprintf(out, "Usage: %s\n", command_synopsis[command]);
	if (command == RT_CMD_RUN) {
		fprintf(out, "       %s\n       %s\n       %s\n       %s\n",
		        command_synopsis[RT_CMD_EXPLAIN], command_synopsis[RT_CMD_SPEC],
		        command_synopsis[RT_CMD_CHECK], command_synopsis[RT_CMD_LEARN]);
		fputs("       ent-run [--root DIR] [--log FILE] [--log-format text|json] "
		      "[--policy FILE]\n"
		      "               create|start|state|kill|delete|exec|ps|features ...\n"
		      "                                       OCI runtime mode (ent-run VERB "
		      "--help)\n"
		      "       ent-run --help | --version\n",
		      out);
		fputs("\nRun COMMAND inside ROOTFS with only what the entitlements grant.\n", out);
	}
	if (command == RT_CMD_LEARN)
		fputs("\nRun COMMAND under observation, again with what it needed, until it needs\n"
		      "nothing new (at most 5 rounds), and print the least entitlements it needs:\n"
		      "one per line on stdout (a profile file), the evidence on stderr. Every "
		      "round\n"
		      "starts from the same files: --ephemeral, or a read-only rootfs (-e\n"
		      "security.fs=read-only). The workload's output goes to stderr, its input is\n"
		      "/dev/null.\n",
		      out);
	fputs("\nOptions:\n", out);
	rt_opt_help(out, opt_rows, ARRAY_SIZE(opt_rows), 1u << command, 26);
	if (command == RT_CMD_LEARN)
		fputs("\nExit status: 0 when the proposal is settled (with --verify: and the run "
		      "with\n"
		      "it behaved the same); 1 when it is not; 125 if ent-run failed; 126 or 127 "
		      "if\n"
		      "the command cannot be executed or was not found; 128+N when SIGINT, "
		      "SIGTERM,\n"
		      "SIGHUP or SIGQUIT (N) ended a round (the proposal so far is printed). See\n"
		      "ent-run(1) and docs/learn.md.\n",
		      out);
	if (command == RT_CMD_RUN)
		fputs("\nExit status: the command's own; 128+N if it died of signal N, or if "
		      "signal "
		      "N\nstopped the start before it ran; 124 if it timed out; 125 if ent-run "
		      "failed;\n126 if the command cannot be executed; 127 if it was not found. "
		      "See "
		      "ent-run(1),\ndocs/entitlements.md and docs/ci.md.\n",
		      out);
}

void rt_cli_free(struct rt_options *opts)
{
	for (unsigned i = 0; i < opts->n_owned; i++)
		free(opts->owned[i]);
	opts->n_owned = 0;
}

static int add_item(const char **list, unsigned *n, const char *value, const char *what,
                    struct rt_err *err)
{
	if (*n >= ENT_MAX_REQ_ITEMS)
		return rt_fail(err, 0, "%s: given too often (at most %d)", what, ENT_MAX_REQ_ITEMS);
	list[(*n)++] = value;
	return 0;
}

/* No address, or 0.0.0.0: the port on every address. */
static bool every_address(const struct netcfg_publish *p)
{
	return !p->host_ip[0] || !strcmp(p->host_ip, "0.0.0.0");
}

/*
 * Keep the --publish just parsed into req->publish[n_publish], unless an earlier one takes the
 * same host port on an address it covers: said here, rather than as a port in use at start.
 */
static int add_publish(struct ent_request *req, const char *text, struct rt_err *err)
{
	const struct netcfg_publish *p = &req->publish[req->n_publish];

	for (unsigned i = 0; i < req->n_publish; i++) {
		const struct netcfg_publish *q = &req->publish[i];

		if (q->host_port == p->host_port && q->protocol == p->protocol &&
		    (every_address(q) || every_address(p) || !strcmp(q->host_ip, p->host_ip)))
			return rt_fail(err, 0,
			               "--publish: '%s': host port %u/%s is published twice", text,
			               p->host_port, p->protocol == IPPROTO_UDP ? "udp" : "tcp");
	}
	req->n_publish++;
	return 0;
}

/* A path option given as "": refused, rather than taken for the current directory or "/". */
static int not_empty(const char *what, const char *arg, struct rt_err *err)
{
	return arg[0] ? 0 : rt_fail(err, 0, "%s: the path is empty", what);
}

/* --env K=V as given; --env K takes K's value from ent-run's own environment, if set. */
static int add_env(struct rt_options *opts, char *value, struct rt_err *err)
{
	const char *host;
	char *kv;

	if (value[0] == '=' || !value[0])
		return rt_fail(err, 0, "--env: '%s' is not K=V (the name is empty)", value);
	/* A blank or control character in a name is a quoting mistake, not a name (environ(7)). */
	for (const char *c = value; *c && *c != '='; c++) {
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c))
			return rt_fail(err, 0,
			               "--env: '%s': the name has a blank or control character",
			               value);
	}
	if (strchr(value, '='))
		return add_item(opts->req.env, &opts->req.n_env, value, "--env", err);
	host = getenv(value);
	if (!host)
		return 0;
	/* Count first (too many is the user's mistake, not ENOMEM); owned[] holds only these
	 * copies, so it is never fuller than env[]. */
	if (opts->req.n_env >= ENT_MAX_REQ_ITEMS)
		return add_item(opts->req.env, &opts->req.n_env, value, "--env", err);
	assert(opts->n_owned < ENT_MAX_REQ_ITEMS);
	if (asprintf(&kv, "%s=%s", value, host) < 0)
		return rt_fail(err, ENOMEM, "--env: copy %s", value);
	opts->owned[opts->n_owned++] = kv;
	return add_item(opts->req.env, &opts->req.n_env, kv, "--env", err);
}

/* Options that shape the container's process and resources. Returns 1 if id is not one. */
static int apply_process_option(struct rt_options *opts, int id, char *arg, struct rt_err *err)
{
	struct ent_request *req = &opts->req;
	bool has_gid;

	switch (id) {
	case OPT_VOLUME:
		if (req->n_volumes >= ENT_MAX_REQ_ITEMS)
			return rt_fail(err, 0, "--volume: given too often (at most %d)",
			               ENT_MAX_REQ_ITEMS);
		return rt_parse_volume(arg, &req->volumes[req->n_volumes++], err);
	case OPT_TMPFS:
		if (req->n_tmpfs >= ENT_MAX_REQ_ITEMS)
			return rt_fail(err, 0, "--tmpfs: given too often (at most %d)",
			               ENT_MAX_REQ_ITEMS);
		if (rt_parse_tmpfs(arg, &req->tmpfs_bytes[req->n_tmpfs], err) < 0)
			return -1;
		return add_item(req->tmpfs, &req->n_tmpfs, arg, "--tmpfs", err);
	case OPT_WORKDIR:
		req->workdir = arg;
		return rt_normalize_path("--workdir", arg, arg, err);
	case OPT_ENV:
		return add_env(opts, arg, err);
	case OPT_USER:
		if (rt_parse_user(arg, &req->uid, &req->gid, &has_gid, err) < 0)
			return -1;
		if (!has_gid)
			req->gid = req->uid;
		req->has_user = true;
		return 0;
	case OPT_HOSTNAME:
		req->hostname = arg;
		return rt_parse_hostname(arg, err);
	case OPT_MEMORY:
		req->has_memory = true;
		return ent_parse_memory("--memory", arg, &req->memory_bytes, err);
	case OPT_PIDS:
		req->has_pids = true;
		return ent_parse_pids("--pids", arg, &req->pids_max, err);
	case OPT_CPUS:
		req->has_cpus = true;
		return ent_parse_cpus("--cpus", arg, &req->cpu_quota_us, &req->cpu_period_us, err);
	case OPT_PUBLISH:
		if (req->n_publish >= ENT_MAX_PUBLISH)
			return rt_fail(err, 0, "--publish: given too often (at most %d)",
			               ENT_MAX_PUBLISH);
		if (rt_parse_publish(arg, &req->publish[req->n_publish], err) < 0 ||
		    netcfg_publish_check(&req->publish[req->n_publish], err) < 0)
			return -1;
		return add_publish(req, arg, err);
	case OPT_SUBNET:
		req->subnet = arg;
		return netcfg_subnet_check(arg, err);
	case OPT_TTY:
		req->tty = true;
		return 0;
	case OPT_EPHEMERAL:
		req->ephemeral = true;
		req->ephemeral_bytes = 0;
		return arg ? ent_parse_size("--ephemeral", arg, &req->ephemeral_bytes, err) : 0;
	case OPT_TIMEOUT:
		return ent_parse_duration("--timeout", arg, &req->timeout_ms, err);
	case OPT_KILL_AFTER:
		return ent_parse_duration("--kill-after", arg, &req->kill_after_ms, err);
	}
	return 1;
}

/* Every other option: what to grant, where policies live, what to print. */
static int apply_option(struct rt_options *opts, int id, char *arg, struct rt_err *err)
{
	struct ent_request *req = &opts->req;
	int r = apply_process_option(opts, id, arg, err);

	if (r <= 0)
		return r;
	switch (id) {
	case OPT_ENTITLE:
		return add_item(req->entitlements, &req->n_entitlements, arg, "--entitle", err);
	case OPT_PROFILE:
		return add_item(req->profiles, &req->n_profiles, arg, "--profile", err);
	case OPT_PROFILE_DIR:
		req->profile_dir = arg;
		return not_empty("--profile-dir", arg, err);
	case OPT_POLICY:
		req->policy_path = arg;
		return not_empty("--policy", arg, err);
	case OPT_SECCOMP:
		req->seccomp_ref = arg;
		return 0;
	case OPT_SECCOMP_ROOT:
		req->seccomp_root = arg;
		return not_empty("--seccomp-profile-root", arg, err);
	case OPT_VERBOSE:
		opts->verbose = true;
		return 0;
	case OPT_STATS:
		if (!arg[0])
			return rt_fail(err, 0,
			               "--stats: the file name is empty (expected FILE, or - "
			               "for stderr)");
		opts->stats_path = arg;
		req->stats = true;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return rt_fail(err, 0,
			               "--format: unknown format '%s' (expected: text, json)", arg);
		opts->json = !strcmp(arg, "json");
		return 0;
	case OPT_WHY:
		opts->why = arg;
		return 0;
	case OPT_LIST:
		opts->list = true;
		return 0;
	case OPT_BPF:
		opts->bpf = true;
		return 0;
	case OPT_VERIFY:
		opts->verify = true;
		return 0;
	case OPT_LEARN:
		opts->learn = true;
		return 0;
	case OPT_HELP:
		opts->help = true;
		return 0;
	case OPT_VERSION:
		opts->version = true;
		return 0;
	}
	return rt_fail(err, 0, "internal: unhandled option %d", id);
}

static const struct rt_opt_row *find_row(int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(opt_rows); i++) {
		if (opt_rows[i].id == id)
			return &opt_rows[i];
	}
	return NULL;
}

/* getopt_long returned '?': an unknown option, or one whose value is missing. */
static int unknown_option(char **argv, int index, struct rt_err *err)
{
	const char *bad = argv[index - 1];
	const struct rt_opt_row *row = optopt ? find_row(optopt) : NULL;

	if (row && row->has_arg == required_argument && bad[1] != '-')
		return rt_fail(err, 0, "option '-%c' (--%s) needs a value: %s", optopt, row->name,
		               row->arg);
	if (row && row->has_arg == required_argument)
		return rt_fail(err, 0, "option '--%s' needs a value: %s", row->name, row->arg);
	if (row)
		return rt_fail(err, 0, "option '--%s' takes no value", row->name);
	if (optopt)
		return rt_fail(err, 0, "unknown option '-%c' (see 'ent-run --help')", optopt);
	return rt_fail(err, 0, "unknown option '%s' (see 'ent-run --help')", bad);
}

static enum rt_command find_command(const char *word)
{
	for (int c = RT_CMD_EXPLAIN; c <= RT_CMD_LEARN; c++) {
		if (!strcmp(word, command_names[c]))
			return (enum rt_command)c;
	}
	return RT_CMD_RUN;
}

/*
 * Positional arguments: ROOTFS COMMAND [ARG...] for run, spec and learn, none for explain and
 * check ([ROOTFS] for check).
 */
static int parse_positional(int argc, char **argv, struct rt_options *opts, struct rt_err *err)
{
	int rest = argc - optind;

	if (opts->command == RT_CMD_CHECK && rest == 1) { /* the rootfs is a grant too */
		opts->rootfs = argv[optind];
		return 0;
	}
	if (opts->command == RT_CMD_EXPLAIN || opts->command == RT_CMD_CHECK) {
		/* check's first is its ROOTFS: the unexpected one is the one after it. */
		int extra = optind + (opts->command == RT_CMD_CHECK);

		if (rest > 0)
			return rt_fail(err, 0,
			               "%s: unexpected argument '%s' (see 'ent-run %s --help')",
			               command_names[opts->command], argv[extra],
			               command_names[opts->command]);
		return 0;
	}
	if (rest < 1)
		return rt_fail(err, 0, "missing ROOTFS and COMMAND (usage: %s)",
		               command_synopsis[opts->command]);
	if (rest < 2)
		return rt_fail(err, 0, "missing COMMAND after ROOTFS '%s' (usage: %s)",
		               argv[optind], command_synopsis[opts->command]);
	opts->rootfs = argv[optind];
	opts->req.argv = &argv[optind + 1];
	return 0;
}

int rt_cli_parse(int argc, char **argv, struct rt_options *opts, struct rt_err *err)
{
	struct option long_opts[ARRAY_SIZE(opt_rows) + 1];
	char short_opts[32];
	int first = 1;

	/* Every option, whatever the command: one that does not apply is named below. */
	rt_opt_getopt(opt_rows, ARRAY_SIZE(opt_rows), ~0u, long_opts, short_opts,
	              sizeof(short_opts));
	opts->command = argc > 1 ? find_command(argv[1]) : RT_CMD_RUN;
	if (opts->command != RT_CMD_RUN)
		first = 2;
	optind = 0; /* glibc: 0 restarts the scan (tests parse many command lines) */
	opterr = 0;
	for (;;) {
		enum rt_command cmd = opts->command;
		const struct rt_opt_row *row;
		int id = getopt_long(argc - first + 1, argv + first - 1, short_opts, long_opts,
		                     NULL);

		if (id == -1)
			break;
		if (id == '?' || id == ':')
			return unknown_option(argv + first - 1, optind, err);
		row = find_row(id);
		if (row && !(row->mask & (1u << cmd)))
			return rt_fail(err, 0, "option --%s does not apply to '%s'", row->name,
			               cmd == RT_CMD_RUN ? "ent-run ROOTFS COMMAND"
			                                 : command_names[cmd]);
		if (apply_option(opts, id, optarg, err) < 0)
			return -1;
		if (opts->help || opts->version)
			return 0;
	}
	optind += first - 1;
	if (opts->req.kill_after_ms && !opts->req.timeout_ms)
		return rt_fail(err, 0,
		               "--kill-after: needs --timeout (it is the grace after the "
		               "timeout's SIGTERM)");
	/* explain shows one thing (--learn only changes which plan: it goes with any). */
	if (!!opts->why + opts->list + opts->bpf > 1)
		return rt_fail(
		        err, 0,
		        "explain: --why, --list and --bpf each show something else: give one "
		        "of them");
	return parse_positional(argc, argv, opts, err);
}
