/*
 * runtime/cli.h - the command line: subcommands, options and their values (getopt_long(3)).
 *
 * Pure code: parsing makes no system call, so every option and every error message is unit
 * tested (tests/unit/test_rt_cli.c). Host checks (does the rootfs exist?) happen in main.c.
 */
#ifndef RT_CLI_H
#define RT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "entitlements/ent.h"
#include "ns/idrange.h"

enum rt_command {
	RT_CMD_RUN,
	RT_CMD_EXPLAIN,
	RT_CMD_SPEC,
	RT_CMD_CHECK,
	RT_CMD_LEARN,
};

struct rt_options {
	enum rt_command command;
	struct ent_request req; /* entitlements, process options, limits (argv strings borrowed) */
	bool help;              /* --help: print usage for command, exit 0 */
	bool version;           /* --version */
	bool verbose;
	bool json;                      /* explain/check/learn --format json */
	bool verify;                    /* learn --verify */
	bool learn;                     /* explain --learn */
	const char *why;                /* explain --why NAME */
	bool list;                      /* explain --list */
	bool bpf;                       /* explain --bpf */
	const char *rootfs;             /* ROOTFS as typed (main.c resolves it) */
	const char *stats_path;         /* --stats FILE; "-" is stderr */
	char *owned[ENT_MAX_REQ_ITEMS]; /* strings made here ("--env K" -> "K=value") */
	struct ns_idpool ids;           /* host id ranges for root's containers (runtime/host.c) */
	unsigned n_owned;
};

/*
 * Parse argv into opts (zero it first). Returns 0, or -1 with err naming the option, the
 * offending value and what is expected. opts keeps pointers into argv.
 */
int rt_cli_parse(int argc, char **argv, struct rt_options *opts, struct rt_err *err);

/* Free what rt_cli_parse allocated (not opts itself). */
void rt_cli_free(struct rt_options *opts);

/* Print --help for the given subcommand. */
void rt_cli_usage(FILE *out, enum rt_command command);

/*
 * Value parsers, exported for the unit tests. Each returns 0 or -1 with err. Sizes, process
 * and CPU counts: ent_parse_size() and friends (entitlements/ent.h).
 */
int rt_parse_volume(const char *text, struct ent_volume *out, struct rt_err *err);
int rt_parse_user(const char *text, uint32_t *uid, uint32_t *gid, bool *has_gid,
                  struct rt_err *err);
int rt_parse_publish(const char *text, struct netcfg_publish *out, struct rt_err *err);
int rt_parse_hostname(const char *text, struct rt_err *err);

/*
 * --tmpfs DST[:size=SIZE]: cuts text at the ':' and normalises DST in place; *bytes is SIZE,
 * or 0 when none is given (the default applies).
 */
int rt_parse_tmpfs(char *text, int64_t *bytes, struct rt_err *err);

/*
 * Normalise an absolute container path ("//a/./b/" -> "/a/b"); ".." or a relative path is an
 * error naming what (e.g. "--tmpfs"). out has ENT_PATH_MAX bytes and may be text itself.
 */
int rt_normalize_path(const char *what, const char *text, char *out, struct rt_err *err);

#endif
