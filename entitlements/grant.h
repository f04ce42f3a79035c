/*
 * entitlements/grant.h - from parsed entitlements to the catalogue rows that apply, and from
 * those rows to the plan. Internal to entitlements/ (compile.c drives it; unit tests use it).
 */
#ifndef ENT_GRANT_H
#define ENT_GRANT_H

#include "entitlements/catalogue.h"
#include "entitlements/ent.h"

#define ENT_MAX_SELECTED (ENT_MAX_REQ_ITEMS + 8)
#define ENT_WHY_DEFAULT  "default"

/* One catalogue row that applies to this container, and why. */
struct ent_applied {
	const struct ent_entry *row;
	const char *why;  /* "default" or the canonical entitlement text, in the plan's arena */
	const char *path; /* host.devices.allow: the device path, in the plan's arena */
};

struct ent_selection {
	struct ent_applied items[ENT_MAX_SELECTED];
	unsigned n;
};

/*
 * Choose the rows: for each levelled domain the highest requested level, or the default row
 * when none is requested; every requested flag once; every requested device path once. The
 * whys and paths are copied into plan's string arena, so sel borrows nothing from reqs.
 * Returns 0 or -1 with err (too many items).
 */
int ent_select(struct ent_plan *plan, const struct ent_grant_req *reqs, unsigned n,
               struct ent_selection *sel, struct rt_err *err);

/*
 * Apply the selected rows to a plan whose defaults and filesystems are in place: capability
 * sets, shared namespaces, network mode, masked paths, read-only root, devices, device cgroup
 * rules, rlimits. Returns 0 or -1 with err (a table full, an unknown capability name).
 */
int ent_grant_apply(const struct ent_selection *sel, struct ent_plan *plan, struct rt_err *err);

/*
 * Build the seccomp allowlist of the selected rows into ld->rules (entitlements/filter.c):
 * default ERRNO(ENOSYS), the groups allowed, EPERM for the dangerous ones, argument filters.
 * Returns 0 or -1 with err (too many rules).
 */
int ent_filter_build(const struct ent_selection *sel, struct lockdown_spec *ld, struct rt_err *err);

#endif
