/*
 * runtime/opttable.c - getopt_long(3)'s arrays and the --help lines from an option table.
 */
#include "runtime/opttable.h"

#include <string.h>

static int is_short(int id)
{
	return id > 0 && id < 256;
}

size_t rt_opt_getopt(const struct rt_opt_row *rows, size_t n, unsigned mask,
                     struct option *long_opts, char *short_opts, size_t short_size)
{
	size_t used = 0, s = 0;

	if (short_size > 1)
		short_opts[s++] = '+';
	for (size_t i = 0; i < n; i++) {
		if (!(rows[i].mask & mask))
			continue;
		long_opts[used++] =
		        (struct option){ rows[i].name, rows[i].has_arg, NULL, rows[i].id };
		if (is_short(rows[i].id) && s + 3 < short_size) {
			short_opts[s++] = (char)rows[i].id;
			if (rows[i].has_arg == required_argument)
				short_opts[s++] = ':';
		}
	}
	memset(&long_opts[used], 0, sizeof(long_opts[used]));
	if (short_size)
		short_opts[s] = '\0';
	return used;
}

void rt_opt_help(FILE *out, const struct rt_opt_row *rows, size_t n, unsigned mask, int width)
{
	for (size_t i = 0; i < n; i++) {
		const struct rt_opt_row *o = &rows[i];
		char left[64];

		if (!(o->mask & mask))
			continue;
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", is_short(o->id) ? "-" : "   ",
		         is_short(o->id) ? o->id : ' ', is_short(o->id) ? ", " : "", o->name,
		         o->arg && o->has_arg == required_argument ? " " : "",
		         o->arg ? o->arg : "");
		if ((int)strlen(left) > width)
			fprintf(out, "  %s\n  %-*s %s\n", left, width, "", o->help);
		else
			fprintf(out, "  %-*s %s\n", width, left, o->help);
	}
}
