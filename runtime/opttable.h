/*
 * runtime/opttable.h - one table per command line: each row is an option's getopt_long(3)
 * entry, the commands (or OCI verbs) that take it, and its --help line. runtime/cli.c and
 * runtime/oci_cli.c each keep one; these turn a table into getopt's arrays and into help.
 */
#ifndef RT_OPTTABLE_H
#define RT_OPTTABLE_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

struct rt_opt_row {
	const char *name; /* "entitle": --entitle */
	int has_arg;      /* no_argument, required_argument, optional_argument */
	int id;           /* getopt's value: the short letter when there is one (below 256) */
	unsigned mask;    /* the commands that take it, one bit each */
	const char *arg;  /* its argument in --help ("KEY=VALUE"), or NULL */
	const char *help;
};

/*
 * getopt_long's arrays for the n rows whose mask meets mask: long_opts (room for n + 1, ended
 * by a zeroed entry) and short_opts, which starts with "+" (stop at the first operand) and
 * holds the short letters, with ':' after those that take an argument. Returns the rows used.
 */
size_t rt_opt_getopt(const struct rt_opt_row *rows, size_t n, unsigned mask,
                     struct option *long_opts, char *short_opts, size_t short_size);

/*
 * The --help lines of the rows whose mask meets mask: "  -e, --entitle KEY=VALUE  help", the
 * help aligned at column width + 3 (on a line of its own under a longer left part).
 */
void rt_opt_help(FILE *out, const struct rt_opt_row *rows, size_t n, unsigned mask, int width);

#endif
