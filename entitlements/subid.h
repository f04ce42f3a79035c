/*
 * entitlements/subid.h - the subordinate id files, /etc/subuid and /etc/subgid (subuid(5),
 * subgid(5)), read strictly. Pure: runtime/ reads the files and passes their text in.
 *
 * A line is "NAME:START:COUNT": the user NAME (or a uid in digits) may use the host ids
 * START..START+COUNT-1 in its user namespaces. ent-run uses a range only when it is written
 * exactly so: decimal digits, no sign, no leading zero, no overflow, COUNT above 0, and never
 * a range that reaches into 0-65535, where host root and the system's own users live (a
 * container whose ids came from there could be host root). shadow's newuidmap reads numbers
 * with strtoul(3) in base 0, so "0100000" would be octal to it: ent-run refuses such a line
 * rather than guess which was meant.
 */
#ifndef ENT_SUBID_H
#define ENT_SUBID_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define ENT_SUBID_NAME_MAX 64         /* a user name or uid */
#define ENT_SUBID_LOW      65536      /* ids below this are never used from a subordinate range */
#define ENT_SUBID_MAX      64         /* entries kept from one file */
#define ENT_ID_INVALID     UINT32_MAX /* (uid_t)-1: not a valid id */

/* One line of a subordinate id file. */
struct ent_subid {
	char owner[ENT_SUBID_NAME_MAX];
	uint32_t start;
	uint32_t count;
	unsigned line; /* 1-based line number, for messages */
};

/*
 * Parse one line (without its newline) strictly. Returns 1 with *out filled (line number
 * lineno), 0 for a blank line or a '#' comment, or -1 with err naming source:lineno, the line
 * and what is wrong. The range's safety (ent_subid_check) is checked too.
 */
int ent_subid_parse_line(const char *line, const char *source, unsigned lineno,
                         struct ent_subid *out, struct rt_err *err);

/*
 * How shadow's newuidmap would read a line that ent_subid_parse_line refused (numbers in any
 * base strtoul(3) accepts): true with *out when it would use it. ent-run never uses such a
 * range itself, but keeps clear of it when choosing ranges for containers.
 */
bool ent_subid_parse_lenient(const char *line, struct ent_subid *out);

/* True when the line's owner is name (may be NULL) or the uid written in digits. */
bool ent_subid_is_owner(const struct ent_subid *e, const char *name, uint32_t uid);

/* True when [start, start+count) and [e->start, e->start+e->count) share an id. */
bool ent_subid_overlaps(const struct ent_subid *e, uint32_t start, uint32_t count);

#endif
