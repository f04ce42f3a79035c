/*
 * tests/unit/test_rt_cgroup.c - cgroup layout parsing (v1, v2, hybrid), the v1 and v2 writers
 * against a fake cgroupfs tree in a temporary directory, the v2 device program (run through a
 * small interpreter), leftovers of killed runs, and the container's /sys/fs/cgroup mounts.
 * No privileges needed: the fake tree is plain files, and nothing is loaded into the kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/bpf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "entitlements/ent.h"
#include "runtime/cgroup.h"

static struct rt_err err;
static char tmp[256];

/* ---------------------------------------------------------------- fake tree helpers */

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *rel)
{
	static char buf[4096];
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/test_rt_cgroup.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	memset(&err, 0, sizeof(err));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---------------------------------------------------------------- layout parsing */

/* This development machine: v1 controllers, cgroup2 without controllers at unified/. */
static const char hybrid_mountinfo[] =
        "22 1 0:21 / / rw,relatime - overlay overlay rw\n"
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime shared:5 - cgroup cgroup "
        "rw,xattr,release_agent=/x,name=systemd\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n";
static const char hybrid_cgroup[] = "9:name=systemd:/\n"
                                    "8:pids:/\n"
                                    "5:devices:/\n"
                                    "4:memory:/process_api/abc\n"
                                    "2:cpuacct:/\n"
                                    "1:cpu:/\n"
                                    "0::/\n";

static const struct cgroup_hier *find(const struct cgroup_layout *l, const char *mnt)
{
	for (unsigned i = 0; i < l->n; i++)
		if (!strcmp(l->h[i].mnt, mnt))
			return &l->h[i];
	fail_msg("no hierarchy at %s", mnt);
	return NULL;
}

#define BIT(c) (1u << (c))

static void test_layout_hybrid(void **state)
{
	struct cgroup_layout l;
	char own[ENT_PATH_MAX];

	(void)state;
	assert_int_equal(cgroup_layout_parse(hybrid_mountinfo, hybrid_cgroup, "", &l, &err), 0);
	assert_int_equal(l.n, 7);
	assert_string_equal(find(&l, "/sys/fs/cgroup/memory")->own, "/process_api/abc");
	assert_string_equal(cgroup_own_dir(find(&l, "/sys/fs/cgroup/memory"), own, sizeof(own)),
	                    "/sys/fs/cgroup/memory/process_api/abc");
	assert_string_equal(cgroup_own_dir(find(&l, "/sys/fs/cgroup/pids"), own, sizeof(own)),
	                    "/sys/fs/cgroup/pids");
	assert_int_equal(find(&l, "/sys/fs/cgroup/memory")->controllers, BIT(CGROUP_MEMORY));
	assert_int_equal(find(&l, "/sys/fs/cgroup/cpu")->controllers, BIT(CGROUP_CPU));
	assert_int_equal(find(&l, "/sys/fs/cgroup/cpuacct")->controllers, BIT(CGROUP_CPUACCT));
	assert_int_equal(find(&l, "/sys/fs/cgroup/devices")->controllers, BIT(CGROUP_DEVICES));
	/* Flags are not controllers: mount(2) data names the hierarchy only. */
	assert_string_equal(find(&l, "/sys/fs/cgroup/systemd")->opts, "name=systemd");
	assert_true(find(&l, "/sys/fs/cgroup/unified")->v2);
	/* Everything is served by v1 here: the cgroup2 tree carries nothing of ours. */
	assert_int_equal(find(&l, "/sys/fs/cgroup/unified")->controllers, 0);
}

static void test_layout_v1_combined(void **state)
{
	static const char mi[] =
	        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpuacct,cpu\n"
	        "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	        "36 31 0:33 / /sys/fs/cgroup/dev\\040ices rw - cgroup cgroup rw,devices\n";
	static const char cg[] = "3:cpu,cpuacct:/ci/job1\n2:memory:/ci/job1\n1:devices:/\n";
	struct cgroup_layout l;

	(void)state;
	assert_int_equal(cgroup_layout_parse(mi, cg, "", &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.h[0].opts, "cpuacct,cpu");
	assert_string_equal(l.h[0].own, "/ci/job1");
	assert_int_equal(l.h[0].controllers, BIT(CGROUP_CPU) | BIT(CGROUP_CPUACCT));
	assert_string_equal(l.h[2].mnt, "/sys/fs/cgroup/dev ices");
	assert_false(l.h[0].v2);
}

static void test_layout_v2(void **state)
{
	static const char mi[] = "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
	static const char cg[] = "0::/user.slice/user-1000.slice/session-2.scope\n";
	struct cgroup_layout l;

	(void)state;
	assert_int_equal(cgroup_layout_parse(mi, cg, "cpuset cpu io memory pids\n", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_true(l.h[0].v2);
	assert_string_equal(l.h[0].own, "/user.slice/user-1000.slice/session-2.scope");
	/* v2 has no cpuacct or devices controller: cpu.stat and a BPF program serve them. */
	assert_int_equal(l.h[0].controllers, BIT(CGROUP_MEMORY) | BIT(CGROUP_PIDS) |
	                                             BIT(CGROUP_CPU) | BIT(CGROUP_DEVICES) |
	                                             BIT(CGROUP_CPUACCT) | BIT(CGROUP_IO) |
	                                             BIT(CGROUP_CPUSET));
	/* Without memory in cgroup.controllers, there is no memory limit on v2. */
	assert_int_equal(cgroup_layout_parse(mi, cg, "pids", &l, &err), 0);
	assert_int_equal(l.h[0].controllers,
	                 BIT(CGROUP_PIDS) | BIT(CGROUP_DEVICES) | BIT(CGROUP_CPUACCT));
}

/* Inside another container: a mount of a subtree (root field), our path within it. */
static void test_layout_subtree_mount(void **state)
{
	static const char mi[] =
	        "30 23 0:26 /kubepods/pod1 /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n";
	struct cgroup_layout l;

	(void)state;
	assert_int_equal(cgroup_layout_parse(mi, "0::/kubepods/pod1/c1\n", "", &l, &err), 0);
	assert_string_equal(l.h[0].own, "/c1");
	assert_int_equal(cgroup_layout_parse(mi, "0::/elsewhere\n", "", &l, &err), -1);
	assert_string_equal(err.msg, "cgroup: no cgroup hierarchy is mounted (none of "
	                             "/proc/self/cgroup is in /proc/self/mountinfo)");
}

/* A path that does not fit is refused, never cut (a cut path names another cgroup). */
static void test_layout_path_too_long(void **state)
{
	static const char mi[] = "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
	char cg[ENT_CGROUP_PATH_MAX + 16] = "0::/";
	struct cgroup_layout l;

	(void)state;
	/* "/" and ENT_CGROUP_PATH_MAX - 1 letters: no room for the NUL. */
	memset(cg + 4, 'a', ENT_CGROUP_PATH_MAX - 1);
	cg[ENT_CGROUP_PATH_MAX + 3] = '\n';
	assert_int_equal(cgroup_layout_parse(mi, cg, "", &l, &err), -1);
	assert_int_equal(err.errnum, ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "cgroup: our path in the hierarchy at /sys/fs/cgroup is "
	                                "over 511 bytes: /aaa"));
	/* One letter fewer fits, whole. */
	cg[ENT_CGROUP_PATH_MAX + 2] = '\n';
	cg[ENT_CGROUP_PATH_MAX + 3] = '\0';
	assert_int_equal(cgroup_layout_parse(mi, cg, "", &l, &err), 0);
	assert_int_equal(strlen(l.h[0].own), ENT_CGROUP_PATH_MAX - 1);
}

/* ---------------------------------------------------------------- writers, fake tree */

static struct cgroup_spec limits(void)
{
	struct cgroup_spec s = { .memory_bytes = 32 << 20,
		                 .pids_max = 50,
		                 .cpu_quota_us = 50000,
		                 .cpu_period_us = 100000 };

	s.memory_why = "--memory";
	s.pids_why = "--pids";
	s.cpu_why = "--cpus";
	return s;
}

static void test_v2_writer(void **state)
{
	struct cgroup_layout l = { .n = 1 };
	struct cgroup_spec s = limits();
	struct rt_cgroup *cg = NULL;
	char path[ENT_PATH_MAX + 32];

	(void)state;
	dir("unified");
	dir("unified/ci");
	l.h[0] = (struct cgroup_hier){ .v2 = true,
		                       .own = "/ci",
		                       .controllers = BIT(CGROUP_MEMORY) | BIT(CGROUP_PIDS) |
		                                      BIT(CGROUP_CPU) };
	snprintf(l.h[0].mnt, sizeof(l.h[0].mnt), "%s/unified", tmp);
	put("unified/ci/cgroup.subtree_control", "pids\n");
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-42", &cg, &err), 0);
	/* pids was enabled already; the others are enabled for our children. */
	assert_string_equal(get("unified/ci/cgroup.subtree_control"), "pids\n+memory +cpu\n");
	assert_string_equal(get("unified/ci/ent-run-42/memory.max"), "33554432\n");
	assert_string_equal(get("unified/ci/ent-run-42/memory.swap.max"), "0\n");
	assert_string_equal(get("unified/ci/ent-run-42/pids.max"), "50\n");
	assert_string_equal(get("unified/ci/ent-run-42/cpu.max"), "50000 100000\n");
	snprintf(path, sizeof(path), "%s/ci/ent-run-42", l.h[0].mnt);
	assert_string_equal(cgroup_dir(cg, 0), path);
	assert_int_equal(cgroup_add_process(cg, 4242, &err), 0);
	assert_string_equal(get("unified/ci/ent-run-42/cgroup.procs"), "4242\n");
	assert_false(cgroup_oom_killed(cg));
	put("unified/ci/ent-run-42/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
	assert_true(cgroup_oom_killed(cg));
	cgroup_destroy(cg);
}

static void test_v1_writer(void **state)
{
	struct cgroup_layout l = { .n = 4 };
	struct cgroup_spec s = limits();
	struct rt_cgroup *cg = NULL;
	static const char *const names[] = { "memory", "pids", "cpu,cpuacct", "cpuset" };
	static const unsigned ctl[] = { BIT(CGROUP_MEMORY), BIT(CGROUP_PIDS), BIT(CGROUP_CPU), 0 };

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		dir(names[i]);
		l.h[i] = (struct cgroup_hier){ .own = "/", .controllers = ctl[i] };
		snprintf(l.h[i].mnt, sizeof(l.h[i].mnt), "%s/%s", tmp, names[i]);
		snprintf(l.h[i].opts, sizeof(l.h[i].opts), "%s", names[i]);
	}
	put("cpuset/cpuset.cpus", "0-1\n");
	put("cpuset/cpuset.mems", "0\n");
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-7", &cg, &err), 0);
	assert_string_equal(get("memory/ent-run-7/memory.limit_in_bytes"), "33554432\n");
	assert_string_equal(get("memory/ent-run-7/memory.memsw.limit_in_bytes"), "33554432\n");
	assert_string_equal(get("pids/ent-run-7/pids.max"), "50\n");
	assert_string_equal(get("cpu,cpuacct/ent-run-7/cpu.cfs_period_us"), "100000\n");
	assert_string_equal(get("cpu,cpuacct/ent-run-7/cpu.cfs_quota_us"), "50000\n");
	/* No limit lives in cpuset: the hierarchy is not in use, no cgroup is made there. */
	assert_null(get("cpuset/ent-run-7/cpuset.cpus"));
	/* Nothing asked of cpu.shares or the like. */
	assert_null(get("cpu,cpuacct/ent-run-7/cpu.shares"));
	assert_int_equal(cgroup_add_process(cg, 99, &err), 0);
	for (unsigned i = 0; i < 3; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "%s/ent-run-7/cgroup.procs", names[i]);
		assert_string_equal(get(rel), "99\n");
	}
	put("memory/ent-run-7/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	assert_false(cgroup_oom_killed(cg));
	put("memory/ent-run-7/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	assert_true(cgroup_oom_killed(cg));
	cgroup_destroy(cg);
}

/*
 * OCI cgroupsPath: a cgroup in every hierarchy (one without a limit too), absolute from the
 * hierarchy's root with the directories on the way (cpuset ones filled from their parent),
 * relative below ours; the limits only an OCI config sets.
 */
static void test_oci_path(void **state)
{
	struct cgroup_layout l = { .n = 3 };
	struct cgroup_spec s = limits();
	struct rt_cgroup *cg = NULL;
	static const char *const names[] = { "memory", "cpu", "cpuset" };
	static const unsigned ctl[] = { BIT(CGROUP_MEMORY), BIT(CGROUP_CPU), BIT(CGROUP_CPUSET) };
	char path[ENT_PATH_MAX + 32];

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		dir(names[i]);
		l.h[i] = (struct cgroup_hier){ .own = "/ci", .controllers = ctl[i] };
		snprintf(l.h[i].mnt, sizeof(l.h[i].mnt), "%s/%s", tmp, names[i]);
		snprintf(l.h[i].opts, sizeof(l.h[i].opts), "%s", names[i]);
	}
	put("cpuset/cpuset.cpus", "0-3\n");
	put("cpuset/cpuset.mems", "0\n");
	s.path = "/pod/c1";
	s.pids_max = 0; /* no pids hierarchy here: a limit would need one */
	s.memory_swap_bytes = 64 << 20;
	s.memory_reservation_bytes = 16 << 20;
	s.cpu_shares = 512;
	s.cpuset_cpus = "1";
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-9", &cg, &err), 0);
	assert_string_equal(get("memory/pod/c1/memory.limit_in_bytes"), "33554432\n");
	assert_string_equal(get("memory/pod/c1/memory.memsw.limit_in_bytes"), "67108864\n");
	assert_string_equal(get("memory/pod/c1/memory.soft_limit_in_bytes"), "16777216\n");
	assert_string_equal(get("cpu/pod/c1/cpu.shares"), "512\n");
	/* The directory on the way got its parent's CPUs and nodes, the cgroup its own CPU. */
	assert_string_equal(get("cpuset/pod/cpuset.cpus"), "0-3\n");
	assert_string_equal(get("cpuset/pod/c1/cpuset.cpus"), "0-3\n1\n");
	snprintf(path, sizeof(path), "%s/memory/pod/c1", tmp);
	assert_string_equal(cgroup_dir(cg, 0), path);
	assert_int_equal(cgroup_count(cg), 3);
	cgroup_forget(cg);

	s = (struct cgroup_spec){ .path = "c2" }; /* relative, no limit at all */
	dir("memory/ci");
	dir("cpu/ci");
	dir("cpuset/ci");
	put("cpuset/ci/cpuset.cpus", "0\n");
	put("cpuset/ci/cpuset.mems", "0\n");
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-9", &cg, &err), 0);
	snprintf(path, sizeof(path), "%s/cpu/ci/c2", tmp);
	assert_string_equal(cgroup_dir(cg, 1), path);
	cgroup_forget(cg);
}

static void test_v1_devices(void **state)
{
	struct cgroup_layout l = { .n = 1 };
	struct cgroup_spec s = { 0 };
	struct rt_cgroup *cg = NULL;

	(void)state;
	dir("devices");
	l.h[0] = (struct cgroup_hier){ .own = "/", .controllers = BIT(CGROUP_DEVICES) };
	snprintf(l.h[0].mnt, sizeof(l.h[0].mnt), "%s/devices", tmp);
	s.devrules[0] =
	        (struct cgroup_devrule){ .type = 'a', .major = -1, .minor = -1, .access = "rwm" };
	s.devrules[1] = (struct cgroup_devrule){
		.allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm"
	};
	s.devrules[2] = (struct cgroup_devrule){
		.allow = true, .type = 'c', .major = 136, .minor = -1, .access = "rw"
	};
	/* host.devices.allow=/dev/null: the node is stat()ed for its numbers. */
	s.devrules[3] =
	        (struct cgroup_devrule){ .allow = true, .access = "rw", .path = "/dev/null" };
	s.n_devrules = 4;
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-8", &cg, &err), 0);
	assert_string_equal(get("devices/ent-run-8/devices.deny"), "a\na *:* rwm\n");
	assert_string_equal(get("devices/ent-run-8/devices.allow"),
	                    "c 1:3 rwm\nc 136:* rw\nc 1:3 rw\n");
	cgroup_destroy(cg);

	s.devrules[3].path = NULL;
	s.devrules[3].path = tmp;
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-9", &cg, &err), -1);
	assert_non_null(strstr(err.msg, "is not a device node"));
}

/* ---------------------------------------------------------------- --stats */

static struct cgroup_spec stats_spec(void)
{
	struct cgroup_spec s = { .stats = true, .stats_why = "--stats" };

	return s;
}

/* v1: one hierarchy per controller, as on this development machine; blkio serves nothing. */
static void test_stats_v1(void **state)
{
	static const char *const names[] = { "memory", "pids", "cpuacct", "blkio", "cpu" };
	static const unsigned ctl[] = { BIT(CGROUP_MEMORY), BIT(CGROUP_PIDS), BIT(CGROUP_CPUACCT),
		                        0, BIT(CGROUP_CPU) };
	struct cgroup_layout l = { .n = 5 };
	struct cgroup_spec s = stats_spec();
	struct rt_cgroup *cg = NULL;
	struct cgroup_stats st;

	(void)state;
	for (unsigned i = 0; i < l.n; i++) {
		dir(names[i]);
		l.h[i] = (struct cgroup_hier){ .own = "/", .controllers = ctl[i] };
		snprintf(l.h[i].mnt, sizeof(l.h[i].mnt), "%s/%s", tmp, names[i]);
		snprintf(l.h[i].opts, sizeof(l.h[i].opts), "%s", names[i]);
	}
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-5", &cg, &err), 0);
	/* A cgroup in each hierarchy that measures; none in cpu, which only limits, or blkio. */
	assert_string_equal(cgroup_dir(cg, 2) + strlen(tmp), "/cpuacct/ent-run-5");
	assert_string_equal(cgroup_dir(cg, 3), "");
	assert_string_equal(cgroup_dir(cg, 4), "");
	/* A kernel without the counters: fail closed, naming the file. */
	assert_int_equal(cgroup_stats_check(cg, &err), -1);
	assert_non_null(strstr(err.msg, "cgroup: --stats cannot measure the memory peak on this "
	                                "kernel: "));
	assert_non_null(strstr(err.msg, "/memory/ent-run-5/memory.max_usage_in_bytes"));
	put("memory/ent-run-5/memory.max_usage_in_bytes", "83886080\n");
	put("pids/ent-run-5/pids.peak", "3\n");
	put("cpuacct/ent-run-5/cpuacct.usage_user", "1500000000\n");
	memset(&err, 0, sizeof(err));
	assert_int_equal(cgroup_stats_check(cg, &err), -1);
	assert_non_null(strstr(err.msg, "cpuacct.usage_sys"));
	put("cpuacct/ent-run-5/cpuacct.usage_sys", "250000999\n");
	/* No I/O counter on v1: the report's I/O is null, not an error. */
	assert_int_equal(cgroup_stats_check(cg, &err), 0);
	assert_int_equal(cgroup_stats_read(cg, &st, &err), 0);
	assert_int_equal(st.memory_peak, 83886080);
	assert_int_equal(st.pids_peak, 3);
	assert_int_equal(st.user_usec, 1500000);
	assert_int_equal(st.system_usec, 250000);
	assert_false(st.io_known);
	cgroup_destroy(cg);
}

/* v2: one tree; io enabled like a limit's controller, CPU time from the core cpu.stat. */
static void test_stats_v2(void **state)
{
	struct cgroup_layout l = { .n = 1 };
	struct cgroup_spec s = stats_spec();
	struct rt_cgroup *cg = NULL;
	struct cgroup_stats st;

	(void)state;
	dir("unified");
	l.h[0] = (struct cgroup_hier){ .v2 = true,
		                       .own = "/",
		                       .controllers = BIT(CGROUP_MEMORY) | BIT(CGROUP_PIDS) |
		                                      BIT(CGROUP_CPUACCT) | BIT(CGROUP_IO) |
		                                      BIT(CGROUP_DEVICES) };
	snprintf(l.h[0].mnt, sizeof(l.h[0].mnt), "%s/unified", tmp);
	put("unified/cgroup.subtree_control", "");
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-6", &cg, &err), 0);
	assert_string_equal(get("unified/cgroup.subtree_control"), "+memory +pids +io\n");
	put("unified/ent-run-6/memory.peak", "90000000\n");
	put("unified/ent-run-6/pids.peak", "12\n");
	put("unified/ent-run-6/cpu.stat", "usage_usec 7000\nuser_usec 5000\nsystem_usec 2000\n"
	                                  "nr_periods 0\n");
	put("unified/ent-run-6/io.stat",
	    "8:0 rbytes=1024 wbytes=4096 rios=1 wios=1 dbytes=0 dios=0\n"
	    "253:1 rbytes=10 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
	assert_int_equal(cgroup_stats_check(cg, &err), 0);
	assert_int_equal(cgroup_stats_read(cg, &st, &err), 0);
	assert_int_equal(st.memory_peak, 90000000);
	assert_int_equal(st.pids_peak, 12);
	assert_int_equal(st.user_usec, 5000);
	assert_int_equal(st.system_usec, 2000);
	assert_true(st.io_known);
	assert_int_equal(st.io_read_bytes, 1034);
	assert_int_equal(st.io_write_bytes, 4096);
	/* A cpu.stat without the counters is an error, not a zero. */
	put("unified/ent-run-6/cpu.stat", "usage_usec 7000\n");
	assert_int_equal(cgroup_stats_read(cg, &st, &err), -1);
	assert_non_null(strstr(err.msg, "no user_usec or system_usec in"));
	cgroup_destroy(cg);
}

/* Fail closed: a report or a limit no hierarchy can serve is an error, I/O aside. */
static void test_missing_controller(void **state)
{
	struct cgroup_layout l = { .n = 1 };
	struct cgroup_spec s = stats_spec();
	struct rt_cgroup *cg = NULL;

	(void)state;
	dir("pids");
	l.h[0] = (struct cgroup_hier){ .own = "/", .controllers = BIT(CGROUP_PIDS) };
	snprintf(l.h[0].mnt, sizeof(l.h[0].mnt), "%s/pids", tmp);
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-3", &cg, &err), -1);
	assert_string_equal(err.msg, "cgroup: --stats needs the memory controller, which this "
	                             "host does not offer");
	assert_null(get("pids/ent-run-3/cgroup.procs"));
	s = (struct cgroup_spec){ .memory_bytes = 1 << 20, .memory_why = "--memory" };
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-3", &cg, &err), -1);
	assert_string_equal(err.msg, "cgroup: --memory needs the memory controller, which this "
	                             "host does not offer");
	/* A default (the pids cap) or the I/O of a report: skipped, as before. */
	s = (struct cgroup_spec){ .cpu_quota_us = 1000,
		                  .cpu_period_us = 100000,
		                  .cpu_why = "default" };
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-3", &cg, &err), 0);
	cgroup_destroy(cg);
	/* --timeout in the host's PID namespace: tracked in the pids hierarchy. */
	s = (struct cgroup_spec){ .track = true, .track_why = "--timeout" };
	assert_int_equal(cgroup_wanted(&s), BIT(CGROUP_PIDS));
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-4", &cg, &err), 0);
	assert_string_equal(cgroup_dir(cg, 0) + strlen(tmp), "/pids/ent-run-4");
	cgroup_destroy(cg);
}

/* Rootless without a writable cgroup: explicit limits fail, the default pids limit goes. */
static void test_rootless_unwritable(void **state)
{
	struct cgroup_layout l = { .n = 1 };
	struct cgroup_spec s = { .pids_max = 1024 };
	struct rt_cgroup *cg = NULL;

	(void)state;
	if (geteuid() == 0)
		skip();
	l.h[0] =
	        (struct cgroup_hier){ .own = "/", .controllers = BIT(CGROUP_PIDS), .mnt = "/proc" };
	s.pids_why = "default";
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-1", &cg, &err), 0);
	cgroup_destroy(cg);
	s.pids_why = "--pids";
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-1", &cg, &err), -1);
	assert_string_equal(err.msg, "cgroup: --pids needs a cgroup we may write, and /proc is "
	                             "not ours");
	s = (struct cgroup_spec){ .stats = true, .stats_why = "--stats" };
	l.h[0].controllers = CGROUP_STATS_CONTROLLERS;
	assert_int_equal(cgroup_create_at(&l, &s, "ent-run-1", &cg, &err), -1);
	assert_string_equal(err.msg, "cgroup: --stats needs a cgroup we may write, and /proc is "
	                             "not ours");
}

/* ---------------------------------------------------------------- leftovers */

static bool exists(const char *rel)
{
	struct stat st;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	return stat(path, &st) == 0;
}

static void test_collect_stale(void **state)
{
	char gone[64], mine[64], busy[64], procs[96];
	pid_t pid = fork();

	(void)state;
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0); /* a pid that no longer exists */
	snprintf(gone, sizeof(gone), "ent-run-%d", (int)pid);
	snprintf(mine, sizeof(mine), "ent-run-%d", (int)getpid());
	snprintf(busy, sizeof(busy), "ent-run-%d", (int)pid + 1000000);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", busy);
	dir(gone);
	dir(mine);
	dir(busy);
	dir("ent-run-x");
	put(procs, "17\n");
	cgroup_collect_stale(tmp);
	assert_false(exists(gone));
	assert_true(exists(mine));        /* our own pid is alive */
	assert_true(exists(busy));        /* a process inside: never touched */
	assert_true(exists("ent-run-x")); /* not a name of ours */
}

/* ---------------------------------------------------------------- v2 device program */

/* Run the generated program on one access: enough of eBPF for what cgroup_bpf.c emits. */
static int run_prog(const struct bpf_insn *p, unsigned n, char type, const char *acc,
                    uint32_t major, uint32_t minor)
{
	struct bpf_cgroup_dev_ctx ctx = { .major = major, .minor = minor };
	uint64_t r[11] = { 0 };
	uint32_t access = 0;

	for (const char *a = acc; *a; a++)
		access |= *a == 'r'   ? BPF_DEVCG_ACC_READ
		          : *a == 'w' ? BPF_DEVCG_ACC_WRITE
		                      : BPF_DEVCG_ACC_MKNOD;
	ctx.access_type = access << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	for (unsigned pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];

		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			assert_int_equal(i->src_reg, 1);
			r[i->dst_reg] = *(const uint32_t *)((const char *)&ctx + i->off);
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			r[i->dst_reg] &= (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			r[i->dst_reg] >>= i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
				pc += (unsigned)i->off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (r[i->dst_reg] == (uint64_t)(int64_t)i->imm)
				pc += (unsigned)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			fail_msg("unexpected opcode %#x at %u", i->code, pc);
		}
		assert_true(pc < n);
	}
	fail_msg("fell off the end");
	return -1;
}

/* The default rules of entitlements/grant.c. */
static const struct cgroup_devrule base[] = {
	{ .allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm" },
	{ .allow = true, .type = 'c', .major = -1, .minor = -1, .access = "m" },
	{ .allow = true, .type = 'b', .major = -1, .minor = -1, .access = "m" },
	{ .allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm" },
	{ .allow = true, .type = 'c', .major = 5, .minor = 2, .access = "rwm" },
	{ .allow = true, .type = 'c', .major = 136, .minor = -1, .access = "rwm" },
};

static void test_bpf_program(void **state)
{
	struct bpf_insn p[CGROUP_BPF_MAX_INSNS];
	struct cgroup_devrule rules[8];
	unsigned n;

	(void)state;
	n = cgroup_bpf_generate(base, 6, p);
	/* prologue 6, three nodes 4+5+5, mknod rules 2 x 6, deny-all 2 ends it (no epilogue) */
	assert_int_equal(n, 6 + 4 + 5 + 5 + 12 + 2);
	assert_int_equal(run_prog(p, n, 'c', "rw", 1, 3), 1);
	assert_int_equal(run_prog(p, n, 'c', "m", 1, 3), 1);
	assert_int_equal(run_prog(p, n, 'c', "r", 1, 4), 0);
	assert_int_equal(run_prog(p, n, 'c', "m", 10, 200), 1);
	assert_int_equal(run_prog(p, n, 'c', "rw", 10, 200), 0);
	assert_int_equal(run_prog(p, n, 'b', "r", 8, 0), 0);
	assert_int_equal(run_prog(p, n, 'b', "m", 8, 0), 1);
	assert_int_equal(run_prog(p, n, 'c', "rw", 136, 7), 1);
	assert_int_equal(run_prog(p, n, 'b', "rw", 136, 7), 0);
	assert_int_equal(run_prog(p, n, 'c', "rw", 5, 2), 1);
	/* The last match wins: a later deny of /dev/null takes it away again. */
	memcpy(rules, base, sizeof(base));
	rules[6] = (struct cgroup_devrule){ .type = 'c', .major = 1, .minor = 3, .access = "w" };
	n = cgroup_bpf_generate(rules, 7, p);
	assert_int_equal(run_prog(p, n, 'c', "r", 1, 3), 1);
	assert_int_equal(run_prog(p, n, 'c', "rw", 1, 3), 0);
	/* host.devices.access=admin: allow all, appended last. */
	rules[6] = (struct cgroup_devrule){
		.allow = true, .type = 'a', .major = -1, .minor = -1, .access = "rwm"
	};
	n = cgroup_bpf_generate(rules, 7, p);
	assert_int_equal(n, 6 + 2); /* nothing before it can matter */
	assert_int_equal(run_prog(p, n, 'b', "rw", 8, 0), 1);
	/* No rules: deny. */
	n = cgroup_bpf_generate(rules, 0, p);
	assert_int_equal(n, 8);
	assert_int_equal(run_prog(p, n, 'c', "r", 1, 3), 0);
}

/*
 * The device program in the kernel, on a real cgroup2 directory (root only; skipped without a
 * cgroup2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup). A process moved into the cgroup
 * opens /dev/null but not /dev/loop-control. BPF programs need no v2 controller to attach.
 */
static void test_bpf_in_kernel(void **state)
{
	struct cgroup_layout l = { .n = 1 };
	struct cgroup_spec s = { .n_devrules = 6 };
	struct rt_cgroup *cg = NULL;
	int go[2], status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0 || access("/dev/loop-control", F_OK) < 0)
		skip();
	l.h[0] = (struct cgroup_hier){ .v2 = true, .own = "/", .controllers = BIT(CGROUP_DEVICES) };
	strcpy(l.h[0].mnt, access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0
	                           ? "/sys/fs/cgroup/unified"
	                           : "/sys/fs/cgroup");
	if (access(strcat(strcpy((char[ENT_PATH_MAX + 16]){ 0 }, l.h[0].mnt), "/cgroup.procs"),
	           F_OK) < 0)
		skip();
	memcpy(s.devrules, base, sizeof(base));
	if (cgroup_create_at(&l, &s, "ent-run-unit-bpf", &cg, &err) < 0)
		fail_msg("%s: %s (%s)", err.msg, strerror(err.errnum), err.hint);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	if (pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(9);
		if (open("/dev/null", O_RDONLY) < 0)
			_exit(1);
		if (open("/dev/loop-control", O_RDONLY) >= 0 || errno != EPERM)
			_exit(2);
		_exit(0);
	}
	close(go[0]);
	assert_int_equal(cgroup_add_process(cg, pid, &err), 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	cgroup_destroy(cg);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_format_size(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(cgroup_format_size(32 << 20, b, sizeof(b)), "32M");
	assert_string_equal(cgroup_format_size(256LL << 20, b, sizeof(b)), "256M");
	assert_string_equal(cgroup_format_size(2LL << 30, b, sizeof(b)), "2G");
	assert_string_equal(cgroup_format_size(1536 << 10, b, sizeof(b)), "1536K");
	assert_string_equal(cgroup_format_size(1000, b, sizeof(b)), "1000");
}

/* ---------------------------------------------------------------- the container's view */

static void test_cgroupfs_hybrid(void **state)
{
	static struct ent_host host;
	static struct ent_plan plan;
	const struct rootfs_mount *m = plan.rootfs.mounts;

	(void)state;
	memset(&host, 0, sizeof(host));
	memset(&plan, 0, sizeof(plan));
	plan.ns.unshare[NS_CGROUP] = true;
	plan.cgroup.memory_bytes = 64 << 20;
	plan.cgroup.cpu_quota_us = 50000;
	host.cgroups.mounts[0] =
	        (struct ent_cgroup_mount){ .mnt = "/sys/fs/cgroup/memory", .opts = "memory" };
	host.cgroups.mounts[1] = (struct ent_cgroup_mount){ .mnt = "/sys/fs/cgroup/cpu,cpuacct",
		                                            .opts = "cpu,cpuacct" };
	host.cgroups.mounts[2] =
	        (struct ent_cgroup_mount){ .mnt = "/sys/fs/cgroup/unified", .v2 = true };
	host.cgroups.mounts[3] =
	        (struct ent_cgroup_mount){ .mnt = "/cgroup/systemd", .opts = "name=systemd" };
	host.cgroups.mounts[4] =
	        (struct ent_cgroup_mount){ .mnt = "/sys/fs/cgroup/pids", .opts = "pids" };
	host.cgroups.n_mounts = 5;
	assert_int_equal(ent_compile_cgroupfs(&host, &plan, &err), 0);
	/* Only the hierarchies in use: memory and cpu carry limits; pids (no limit), the
	 * controller-less cgroup2 tree and name=systemd are left out. */
	assert_int_equal(plan.rootfs.n_mounts, 3);
	assert_string_equal(m[0].fstype, "tmpfs");
	assert_string_equal(m[0].target, "/sys/fs/cgroup");
	assert_false(m[0].flags & MS_RDONLY);
	assert_string_equal(m[1].fstype, "cgroup");
	assert_string_equal(m[1].data, "memory");
	assert_string_equal(m[2].target, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(m[2].data, "cpu,cpuacct");
	for (unsigned i = 1; i < 3; i++)
		assert_int_equal(m[i].flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	/* The tmpfs ends read-only too. */
	assert_int_equal(plan.rootfs.n_readonly, 1);
	assert_string_equal(plan.rootfs.readonly_paths[0].path, "/sys/fs/cgroup");
	/* A controller no v1 hierarchy has comes from the cgroup2 tree. */
	memset(&plan.rootfs, 0, sizeof(plan.rootfs));
	plan.cgroup.memory_bytes = plan.cgroup.cpu_quota_us = 0;
	plan.cgroup.n_devrules = 1;
	assert_int_equal(ent_compile_cgroupfs(&host, &plan, &err), 0);
	assert_int_equal(plan.rootfs.n_mounts, 2);
	assert_string_equal(m[1].fstype, "cgroup2");
	assert_string_equal(m[1].target, "/sys/fs/cgroup/unified");
	/* No limit, no rule: nothing to show. */
	memset(&plan.rootfs, 0, sizeof(plan.rootfs));
	plan.cgroup.n_devrules = 0;
	assert_int_equal(ent_compile_cgroupfs(&host, &plan, &err), 0);
	assert_int_equal(plan.rootfs.n_mounts, 0);
}

static void test_cgroupfs_v2(void **state)
{
	static struct ent_host host;
	static struct ent_plan plan;
	struct rootfs_spec *rootfs = &plan.rootfs;

	(void)state;
	memset(&host, 0, sizeof(host));
	memset(&plan, 0, sizeof(plan));
	plan.ns.unshare[NS_CGROUP] = true;
	plan.cgroup.pids_max = 1024;
	host.cgroups.mounts[0] = (struct ent_cgroup_mount){ .mnt = "/sys/fs/cgroup", .v2 = true };
	host.cgroups.n_mounts = 1;
	assert_int_equal(ent_compile_cgroupfs(&host, &plan, &err), 0);
	assert_int_equal(rootfs->n_mounts, 1);
	assert_string_equal(rootfs->mounts[0].fstype, "cgroup2");
	assert_string_equal(rootfs->mounts[0].target, "/sys/fs/cgroup");
	assert_true(rootfs->mounts[0].flags & MS_RDONLY);
	assert_int_equal(rootfs->n_readonly, 0);
	/* Without a cgroup namespace of its own, the host's tree is not shown. */
	plan.ns.unshare[NS_CGROUP] = false;
	rootfs->n_mounts = 0;
	assert_int_equal(ent_compile_cgroupfs(&host, &plan, &err), 0);
	assert_int_equal(rootfs->n_mounts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_hybrid),
		cmocka_unit_test(test_layout_v1_combined),
		cmocka_unit_test(test_layout_v2),
		cmocka_unit_test(test_layout_subtree_mount),
		cmocka_unit_test(test_layout_path_too_long),
		cmocka_unit_test_setup_teardown(test_v2_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v1_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oci_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v1_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_controller, setup, teardown),
		cmocka_unit_test(test_rootless_unwritable),
		cmocka_unit_test_setup_teardown(test_collect_stale, setup, teardown),
		cmocka_unit_test(test_bpf_program),
		cmocka_unit_test(test_bpf_in_kernel),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_cgroupfs_hybrid),
		cmocka_unit_test(test_cgroupfs_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
