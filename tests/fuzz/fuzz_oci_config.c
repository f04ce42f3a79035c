/*
 * tests/fuzz/fuzz_oci_config.c - an OCI config.json (`ent-run create`): ent_oci_compile() on a
 * hybrid cgroup host, as root; then the same text as exec's process.json, and as a state
 * record. What compiles must fit the plan's limits, with every string set, and its seccomp
 * rules must build a filter (exported as text to /dev/null, not loaded).
 */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>

#include "entitlements/oci.h"
#include "runtime/lockdown.h"

static void fill_host(struct ent_host *host)
{
	static const char *const mnts[] = { "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified" };

	host->cgroups.n_mounts = 2;
	for (unsigned i = 0; i < 2; i++) {
		snprintf(host->cgroups.mounts[i].mnt, ENT_CGROUP_PATH_MAX, "%s", mnts[i]);
		snprintf(host->cgroups.mounts[i].own, ENT_CGROUP_PATH_MAX, "/ci");
	}
	snprintf(host->cgroups.mounts[0].opts, sizeof(host->cgroups.mounts[0].opts), "memory");
	host->cgroups.mounts[1].v2 = true;
	host->kernel_major = 6;
	host->kernel_minor = 18;
}

static void check_plan(const struct ent_plan *plan)
{
	static int null = -1;
	struct rt_err err = { 0 };

	FUZZ_CHECK(plan->proc.argv && plan->proc.argv[0] && plan->proc.env);
	FUZZ_CHECK(plan->proc.cwd && plan->proc.cwd[0] == '/');
	FUZZ_CHECK(plan->rootfs.root && plan->rootfs.root[0] == '/');
	FUZZ_CHECK(plan->rootfs.n_mounts <= ENT_MAX_MOUNTS);
	FUZZ_CHECK(plan->rootfs.n_devices <= ENT_MAX_DEVICES);
	FUZZ_CHECK(plan->cgroup.n_devrules <= ENT_MAX_DEVRULES);
	FUZZ_CHECK(plan->ns.n_sysctls <= ENT_MAX_SYSCTLS);
	FUZZ_CHECK(plan->ns.unshare[NS_MNT] && !plan->ns.path[NS_MNT] && !plan->ns.path[NS_USER]);
	for (unsigned i = 0; i < plan->rootfs.n_mounts; i++) {
		FUZZ_CHECK(plan->rootfs.mounts[i].target[0] == '/');
		FUZZ_CHECK(plan->rootfs.mounts[i].fstype && plan->rootfs.mounts[i].why);
	}
	if (plan->lockdown.seccomp_mode == LOCKDOWN_SECCOMP_UNCONFINED)
		return;
	if (null < 0)
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	FUZZ_CHECK(null >= 0);
	FUZZ_CHECK(lockdown_filter_export_pfc(&plan->lockdown, null, &err) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ent_oci_input in;
	static struct ent_oci_state st;
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);
	int rc;

	FUZZ_CHECK(plan);
	in = (struct ent_oci_input){ .text = (const char *)data,
		                     .len = size,
		                     .source = "/b/config.json",
		                     .bundle = "/b",
		                     .id = "c1" };
	fill_host(&in.host);
	rc = ent_oci_compile(&in, plan, &err);
	fuzz_check_result(rc, &err);
	if (rc == 0)
		check_plan(plan);
	memset(&err, 0, sizeof(err));
	rc = ent_oci_compile_process((const char *)data, size, "p.json", plan, &err);
	fuzz_check_result(rc, &err);
	ent_plan_free(plan);
	memset(&err, 0, sizeof(err));
	fuzz_check_result(ent_oci_state_read((const char *)data, size, "state.json", &st, &err),
	                  &err);
	return 0;
}
