/*
 * runtime/cgroup.h - one cgroup per container: placement, limits, device rules, OOM report and
 * removal, on cgroup v1, v2 and hybrid hosts (cgroups(7)).
 *
 * The parent calls, in order: cgroup_create() before clone, cgroup_add_process() once the child
 * exists and before SYNC_GO (so the workload never runs outside its cgroup, and the child's
 * cgroup namespace is rooted there), cgroup_oom_killed() after the container exited, and
 * cgroup_destroy() last, in every case.
 *
 * The layout functions and cgroup_create_at() are exported for the unit tests, which drive the
 * writers against a fake cgroupfs tree in a temporary directory.
 */
#ifndef RT_CGROUP_H
#define RT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "entitlements/plan.h"

#define CGROUP_MAX_HIER 16

/*
 * The controllers ent-run writes limits to or reads a report from (bit masks over enum
 * cgroup_controller). CPUACCT is v1's cpuacct; on v2, CPU time is the core cpu.stat of every
 * cgroup (no controller). IO is v2's io controller only (v1's blkio does not account a
 * container's I/O: runtime/cgroup_layout.c).
 */
enum cgroup_controller {
	CGROUP_MEMORY,
	CGROUP_PIDS,
	CGROUP_CPU,
	CGROUP_DEVICES,
	CGROUP_CPUSET,
	CGROUP_CPUACCT,
	CGROUP_IO,
	CGROUP_N_CONTROLLERS,
};

/* What --stats reads: memory.*, pids.peak, CPU time and I/O bytes. */
#define CGROUP_STATS_CONTROLLERS \
	((1u << CGROUP_MEMORY) | (1u << CGROUP_PIDS) | (1u << CGROUP_CPUACCT) | (1u << CGROUP_IO))

/* One mounted hierarchy: a v1 hierarchy (one or more controllers) or the cgroup2 tree. */
struct cgroup_hier {
	bool v2;
	char mnt[ENT_CGROUP_PATH_MAX]; /* where it is mounted on the host: "/sys/fs/cgroup/memory"
	                                */
	char opts[128];                /* v1 controller options, as mount(2) data: "cpu,cpuacct" */
	char own[ENT_CGROUP_PATH_MAX]; /* the caller's cgroup in it, from /proc/self/cgroup */
	unsigned controllers; /* bit (1 << CGROUP_*) per controller that we use from here */
};

/* Where the cgroups are on this host and where the caller is in them. */
struct cgroup_layout {
	struct cgroup_hier h[CGROUP_MAX_HIER];
	unsigned n;
};

/*
 * Parse the text of /proc/self/mountinfo and /proc/self/cgroup into out: every mounted v1
 * hierarchy the caller belongs to and the cgroup2 tree, with the caller's cgroup in each.
 * v2_controllers is the text of the caller's cgroup.controllers ("memory pids", "" if none):
 * a controller is used from v1 when a v1 hierarchy has it, from v2 otherwise. Pure. Returns 0,
 * or -1 with err when no cgroup hierarchy is mounted.
 */
int cgroup_layout_parse(const char *mountinfo, const char *self_cgroup, const char *v2_controllers,
                        struct cgroup_layout *out, struct rt_err *err);

/*
 * Read /proc/self/mountinfo, /proc/self/cgroup and our cgroup2 cgroup.controllers, and parse
 * them. Returns 0 or -1 with err.
 */
int cgroup_layout_probe(struct cgroup_layout *out, struct rt_err *err);

/* The host path of the caller's own cgroup in h, into buf. Returns buf. */
const char *cgroup_own_dir(const struct cgroup_hier *h, char *buf, size_t size);

/*
 * The controllers spec asks for (bits 1 << CGROUP_*): memory, pids (unless RLIMIT_NPROC keeps
 * the cap), cpu, devices for its limits and rules; CGROUP_STATS_CONTROLLERS for a report;
 * pids to track every process. 0: the container needs no cgroup at all.
 */
unsigned cgroup_wanted(const struct cgroup_spec *spec);

struct rt_cgroup; /* opaque: the directories we created, and the device program */

/*
 * Parent, before clone: remove the cgroups killed runs left (as root, those registered under
 * /run/ent-run/cgroups whose owner is gone: see cgroup_stale.c). Then, when spec wants a
 * cgroup (cgroup_wanted), remove the leftovers below our own cgroup in each hierarchy in use,
 * create name ("ent-run-<our pid>") there, and write spec's limits and device rules into it.
 * With spec->path (OCI cgroupsPath) that path is created instead, in every hierarchy, and
 * registered until cgroup_forget (then the container's state owns it): an absolute one from the
 * hierarchy's root, a relative one below our own cgroup, with the directories on the way
 * (which stay, as with runc). A host path in a device rule is stat()ed for its type and
 * major:minor. Fail closed: a controller that an explicit limit, the report (--stats) or
 * tracking needs is an error when no hierarchy of the host offers it, or (rootless) when our
 * cgroup there is not writable; the default pids limit and the device rules are then skipped
 * (traced), and so is the I/O of the report, which says null. With spec->stats, every file
 * the report reads must exist (cgroup_stats_check). Returns 0 and *out (NULL when no cgroup is
 * wanted; free it with cgroup_destroy), or -1 with err and nothing left behind.
 */
int cgroup_create(const struct cgroup_spec *spec, const char *name, struct rt_cgroup **out,
                  struct rt_err *err);

/* cgroup_create() on a given layout: the unit tests pass one that points into a fake tree. */
int cgroup_create_at(const struct cgroup_layout *layout, const struct cgroup_spec *spec,
                     const char *name, struct rt_cgroup **out, struct rt_err *err);

/* Parent, after clone and before SYNC_GO: move pid into the container's cgroups (cg may be NULL).
 */
int cgroup_add_process(struct rt_cgroup *cg, pid_t pid, struct rt_err *err);

/* After the container exited: did the kernel's OOM killer kill a process for its limit? */
bool cgroup_oom_killed(const struct rt_cgroup *cg);

/*
 * SIGKILL every process in the container's cgroup (v2 cgroup.kill, else each pid listed in a
 * hierarchy's cgroup.procs, until it is empty or for at most a second). For a container that
 * shares the host's PID namespace, where the death of its PID 1 takes nobody with it. NULL is
 * fine.
 */
void cgroup_kill(struct rt_cgroup *cg);

/*
 * After the container is gone: kill whatever is still inside (v2 cgroup.kill, else SIGKILL to
 * each pid in cgroup.procs until it is empty), remove every directory created, free. NULL is
 * fine.
 */
void cgroup_destroy(struct rt_cgroup *cg);

/* The directory created in hierarchy i, "" if none (unit tests, tracing, OCI state). */
const char *cgroup_dir(const struct rt_cgroup *cg, unsigned i);

/* The number of hierarchies of cg (the i of cgroup_dir). */
unsigned cgroup_count(const struct rt_cgroup *cg);

/*
 * Free cg without removing anything, and forget its record (cgroup_register): the cgroups
 * outlive this process (OCI create, once the state that lists them is saved; a later delete
 * removes them by their directories with cgroup_remove_dirs).
 */
void cgroup_forget(struct rt_cgroup *cg);

/*
 * Remove the cgroup directories dirs[0..n) (from cgroup_dir), deepest hierarchy order as
 * given, killing whatever is still inside each first (as cgroup_destroy does).
 */
void cgroup_remove_dirs(const char *const *dirs, unsigned n);

/*
 * The processes in the cgroup directory dir (its cgroup.procs), into pids (at most max).
 * Returns how many, or -1 with err.
 */
int cgroup_procs(const char *dir, pid_t *pids, unsigned max, struct rt_err *err);

/* Move pid into each of the cgroup directories dirs[0..n). Returns 0 or -1 with err. */
int cgroup_enter_dirs(const char *const *dirs, unsigned n, pid_t pid, struct rt_err *err);

/* --- cgroup_stats.c: the report of --stats */

/* What the whole container used, from its cgroups (cgroup_stats_read). */
struct cgroup_stats {
	uint64_t user_usec;   /* CPU time of all its processes, in user mode */
	uint64_t system_usec; /* ... and in the kernel on their behalf */
	uint64_t memory_peak; /* bytes: the high-water mark of its memory charge */
	uint64_t pids_peak;   /* the most processes (and threads) it held at once */
	bool io_known;        /* false: no io controller (cgroup v2) accounts its I/O */
	uint64_t io_read_bytes;
	uint64_t io_write_bytes;
};

/*
 * Fail closed before the workload runs: each file the report reads exists in the container's
 * cgroup (a kernel may lack one: pids.peak came with Linux 6.1, memory.peak with 5.19). Returns
 * 0, or -1 with err naming the file and what it measures.
 */
int cgroup_stats_check(const struct rt_cgroup *cg, struct rt_err *err);

/* After the container exited, before cgroup_destroy: read the report. 0, or -1 with err. */
int cgroup_stats_read(const struct rt_cgroup *cg, struct cgroup_stats *out, struct rt_err *err);

/*
 * The parser of v2 io.stat, exported for the unit tests: the sums of rbytes= and wbytes= over
 * its devices. Pure.
 */
void cgroup_stats_parse_io_stat(const char *text, uint64_t *read, uint64_t *write);

/* --- cgroup_stale.c */

/*
 * Remove the ent-run-PID directories in dir whose PID no longer exists and which hold no
 * process: what a run killed with SIGKILL left. Never touches a cgroup with live processes.
 */
void cgroup_collect_stale(const char *dir);

/* The record of an OCI create's cgroups: CGROUP_OCI_RECORD "ent-run-PID". */
#define CGROUP_OCI_RECORD "oci-"

/*
 * As root, before creating them: record where run name's cgroups go (our own cgroup in each
 * hierarchy of layout with a controller in wanted; the cgroup is OWN/NAME) in
 * /run/ent-run/cgroups/NAME with our pid and start time, so that any later start collects them
 * if we are killed (cgroup_collect_registered). layout NULL (an OCI create's record, name
 * starting with CGROUP_OCI_RECORD): no directory yet, cgroup_register_dir adds each. Returns 0
 * or -1 with err.
 */
int cgroup_register(const char *name, const struct cgroup_layout *layout, unsigned wanted,
                    struct rt_err *err);

/* Append the cgroup directory dir to the OCI record name, before its mkdir. 0 or -1 with err. */
int cgroup_register_dir(const char *name, const char *dir, struct rt_err *err);

/* Forget run name's record (its directories are gone). */
void cgroup_unregister(const char *name);

/*
 * Any start, as root: remove the cgroups of records whose owner is gone, when they hold no
 * process, then the record. With nothing recorded, one read of an empty directory.
 */
void cgroup_collect_registered(void);

/* --- cgroup_bpf.c: the cgroup v2 device controller is a BPF program */

#define CGROUP_BPF_MAX_INSNS (8 + ENT_MAX_DEVRULES * 8)

struct bpf_insn;

/*
 * Generate a BPF_PROG_TYPE_CGROUP_DEVICE program deciding like rules[] (the last match wins;
 * no match: deny) into insns (CGROUP_BPF_MAX_INSNS). Type 'a' and major/minor -1 match any. Rules
 * must hold resolved numbers (no path). Returns the instruction count. Pure.
 */
unsigned cgroup_bpf_generate(const struct cgroup_devrule *rules, unsigned n,
                             struct bpf_insn *insns);

/* Load insns and attach to the cgroup2 directory dir_fd. Returns the program fd or -1. */
int cgroup_bpf_attach(const struct bpf_insn *insns, unsigned n, int dir_fd, const char *dir,
                      struct rt_err *err);

/* Format bytes as the user would type it: "256M", "1G", "1536K", "1000". Returns buf. */
const char *cgroup_format_size(int64_t bytes, char *buf, size_t size);

#endif
