/*
 * tests/unit/test_ent_oci_config.c - OCI config.json into a plan: every field ent-run carries,
 * every field it refuses (exact messages), the run.ent.entitlements annotation, and the round
 * trip through `ent-run spec`.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "entitlements/ent.h"
#include "entitlements/oci.h"
#include "entitlements/spec.h"

#define SRC "/b/config.json"

/* A config with what every engine sends; %s is spliced in at the top level of "linux". */
static const char base_head[] =
        "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
        "\"process\":{\"args\":[\"/bin/sh\",\"-c\",\"true\"],\"cwd\":\"/\","
        "\"user\":{\"uid\":0,\"gid\":0},\"env\":[\"PATH=/bin\"]},"
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],"
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
        "{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}]";

static struct ent_oci_input input(const char *text)
{
	struct ent_oci_input in = {
		.text = text, .len = strlen(text), .source = SRC, .bundle = "/b", .id = "c1"
	};

	in.host.cgroups.n_mounts = 2;
	snprintf(in.host.cgroups.mounts[0].mnt, ENT_CGROUP_PATH_MAX, "/sys/fs/cgroup/memory");
	snprintf(in.host.cgroups.mounts[0].opts, 128, "memory");
	snprintf(in.host.cgroups.mounts[0].own, ENT_CGROUP_PATH_MAX, "/ci");
	snprintf(in.host.cgroups.mounts[1].mnt, ENT_CGROUP_PATH_MAX, "/sys/fs/cgroup/unified");
	in.host.cgroups.mounts[1].v2 = true;
	snprintf(in.host.cgroups.mounts[1].own, ENT_CGROUP_PATH_MAX, "/");
	return in;
}

/* Compile text; NULL and the message in msg when it fails. */
static struct ent_plan *compile_in(const struct ent_oci_input *in, char *msg)
{
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);

	assert_non_null(plan);
	if (ent_oci_compile(in, plan, &err) < 0) {
		snprintf(msg, 300, "%s", err.msg);
		ent_plan_free(plan);
		return NULL;
	}
	msg[0] = '\0';
	return plan;
}

static struct ent_plan *compile(const char *text, char *msg)
{
	struct ent_oci_input in = input(text);

	return compile_in(&in, msg);
}

/* Members ",\"k\":v,..." set in obj (replacing base_head's: a config has no duplicate key). */
static void merge(struct json_object *obj, const char *members)
{
	struct json_object *more;
	char *text = NULL;

	if (!members[0])
		return;
	assert_true(asprintf(&text, "{%s}", members + (members[0] == ',')) > 0);
	more = json_tokener_parse(text);
	if (!more)
		fail_msg("not JSON members: %s", members);
	json_object_object_foreach(more, key, val)
	{
		json_object_object_add(obj, key, json_object_get(val));
	}
	json_object_put(more);
	free(text);
}

/* base_head with the linux extra members in "linux", and the top-level extra at the top. */
static char *config(const char *linux_extra, const char *top_extra)
{
	struct json_object *doc, *lnx;
	char *text = NULL;

	assert_true(asprintf(&text, "%s}}", base_head) > 0);
	doc = json_tokener_parse(text);
	free(text);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "linux", &lnx));
	merge(lnx, linux_extra);
	merge(doc, top_extra);
	text = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	assert_non_null(text);
	return text;
}

static struct ent_plan *compile_ok(const char *linux_extra, const char *top_extra)
{
	char *text = config(linux_extra, top_extra);
	char msg[300];
	struct ent_plan *plan = compile(text, msg);

	if (!plan)
		fail_msg("compile failed: %s\n%s", msg, text);
	free(text);
	return plan;
}

static void expect_error(const char *linux_extra, const char *top_extra, const char *want)
{
	char *text = config(linux_extra, top_extra);
	char msg[300];
	struct ent_plan *plan = compile(text, msg);

	if (plan)
		fail_msg("compiled, expected: %s\n%s", want, text);
	if (strcmp(msg, want))
		fail_msg("got:  %s\nwant: %s", msg, want);
	free(text);
}

static bool has_cap(uint64_t mask, cap_value_t cap)
{
	return mask & (UINT64_C(1) << cap);
}

/* ---------------------------------------------------------------- the base */

static void test_base(void **state)
{
	struct ent_plan *plan = compile_ok("", "");

	(void)state;
	assert_string_equal(plan->rootfs.root, "/b/rootfs");
	assert_false(plan->rootfs.readonly);
	assert_string_equal(plan->proc.argv[0], "/bin/sh");
	assert_string_equal(plan->proc.argv[2], "true");
	assert_null(plan->proc.argv[3]);
	assert_string_equal(plan->proc.env[0], "PATH=/bin");
	assert_null(plan->proc.env[1]);
	assert_string_equal(plan->proc.cwd, "/");
	assert_false(plan->proc.tty);
	assert_false(plan->proc.has_umask);
	/* Listed namespaces are new; user and cgroup are the host's. */
	assert_true(plan->ns.unshare[NS_PID] && plan->ns.unshare[NS_MNT]);
	assert_true(plan->ns.unshare[NS_NET] && plan->ns.unshare[NS_IPC]);
	assert_true(plan->ns.unshare[NS_UTS]);
	assert_false(plan->ns.unshare[NS_USER]);
	assert_false(plan->ns.unshare[NS_CGROUP]);
	assert_string_equal(plan->ns.why[NS_USER], "linux.namespaces (not listed: the host's)");
	assert_int_equal(plan->ns.n_uid_map, 0);
	assert_false(plan->ns.own_range);
	assert_int_equal(plan->net.mode, NETCFG_LOOPBACK);
	/* No capabilities, no no_new_privs, no seccomp: as written. */
	assert_int_equal(plan->lockdown.caps.bounding, 0);
	assert_false(plan->lockdown.no_new_privs);
	assert_int_equal(plan->lockdown.seccomp_mode, LOCKDOWN_SECCOMP_UNCONFINED);
	assert_string_equal(plan->lockdown.seccomp_ref, "unconfined");
	/* The mount, the default devices and their device rules after "deny all". */
	assert_int_equal(plan->rootfs.n_mounts, 1);
	assert_string_equal(plan->rootfs.mounts[0].fstype, "proc");
	assert_string_equal(plan->rootfs.mounts[0].target, "/proc");
	assert_int_equal(plan->rootfs.n_devices, 6);
	assert_string_equal(plan->rootfs.devices[0].path, "/dev/null");
	assert_false(plan->rootfs.devices[0].mknod);
	assert_false(plan->cgroup.devrules[0].allow);
	assert_int_equal(plan->cgroup.devrules[0].type, 'a');
	assert_int_equal(plan->cgroup.n_devrules, 1 + 6 + 2);
	assert_true(plan->cgroup.devrules[1].allow);
	assert_int_equal(plan->cgroup.devrules[1].major, 1);
	assert_int_equal(plan->cgroup.devrules[1].minor, 3);
	/* No limits: as with runc; the container's cgroup is named after its id. */
	assert_int_equal(plan->cgroup.pids_max, 0);
	assert_int_equal(plan->cgroup.memory_bytes, 0);
	assert_string_equal(plan->cgroup.path, "c1");
	assert_int_equal(plan->rootfs.n_masked, 0);
	assert_int_equal(plan->rootfs.n_readonly, 0);
	assert_string_equal(plan->ns.hostname, "");
	ent_plan_free(plan);
}

/* ---------------------------------------------------------------- process */

static void test_process_fields(void **state)
{
	static const char text[] =
	        "{\"ociVersion\":\"1.1.0\",\"root\":{\"path\":\"/abs/root\",\"readonly\":true},"
	        "\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":25,\"width\":80},"
	        "\"args\":[\"top\"],\"cwd\":\"/work\",\"env\":[],"
	        "\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[5,6]},"
	        "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_NET_RAW\"],"
	        "\"effective\":[\"CAP_CHOWN\"],\"permitted\":[\"CAP_CHOWN\"],"
	        "\"ambient\":[\"CAP_CHOWN\"]},\"noNewPrivileges\":true,\"oomScoreAdj\":-500,"
	        "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":1048576},"
	        "{\"type\":\"RLIMIT_NPROC\",\"soft\":10,\"hard\":20}]},"
	        "\"hostname\":\"box\",\"domainname\":\"example\","
	        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"uts\"}]}}";
	char msg[300];
	struct ent_plan *plan = compile(text, msg);

	(void)state;
	if (!plan)
		fail_msg("%s", msg);
	assert_string_equal(plan->rootfs.root, "/abs/root");
	assert_true(plan->rootfs.readonly);
	assert_true(plan->proc.tty);
	assert_int_equal(plan->proc.console_rows, 25);
	assert_int_equal(plan->proc.console_cols, 80);
	assert_null(plan->proc.env[0]);
	assert_string_equal(plan->proc.cwd, "/work");
	assert_int_equal(plan->proc.uid, 1000);
	assert_int_equal(plan->proc.gid, 100);
	assert_true(plan->proc.has_umask);
	assert_int_equal(plan->proc.umask, 022);
	assert_int_equal(plan->proc.n_groups, 2);
	assert_int_equal(plan->proc.groups[1], 6);
	assert_true(has_cap(plan->lockdown.caps.bounding, CAP_NET_RAW));
	assert_true(has_cap(plan->lockdown.caps.bounding, CAP_CHOWN));
	assert_false(has_cap(plan->lockdown.caps.effective, CAP_NET_RAW));
	assert_true(has_cap(plan->lockdown.caps.ambient, CAP_CHOWN));
	assert_int_equal(plan->lockdown.caps.inheritable, 0);
	assert_string_equal(plan->lockdown.cap_why[CAP_NET_RAW], "process.capabilities");
	assert_true(plan->lockdown.no_new_privs);
	assert_true(plan->proc.has_oom_score_adj);
	assert_int_equal(plan->proc.oom_score_adj, -500);
	assert_int_equal(plan->proc.n_rlimits, 2);
	assert_int_equal(plan->proc.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(plan->proc.rlimits[0].hard, 1048576);
	assert_int_equal(plan->proc.rlimits[1].soft, 10);
	assert_string_equal(plan->proc.rlimits[1].why, "process.rlimits[1]");
	assert_string_equal(plan->ns.hostname, "box");
	assert_string_equal(plan->ns.domainname, "example");
	assert_int_equal(plan->net.mode, NETCFG_HOST);
	ent_plan_free(plan);
}

static void test_process_errors(void **state)
{
	static const struct {
		const char *process;
		const char *want;
	} cases[] = {
		{ "{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}",
		  SRC ": process.args: missing (required)" },
		{ "{\"args\":[],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}",
		  SRC ": process.args: empty (the command to run is required)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"rel\",\"user\":{\"uid\":0,\"gid\":0}}",
		  SRC ": process.cwd: 'rel' is not an absolute path" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\"}", SRC ": process.user: missing (required)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":-1,\"gid\":0}}",
		  SRC ": process.user.uid: -1 is out of range (0 to 4294967294)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":\"0\",\"gid\":0}}",
		  SRC ": process.user.uid: expected an integer, got a string" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/"
		  "\",\"user\":{\"uid\":0,\"gid\":0},\"env\":[\"=x\"]}",
		  SRC ": process.env[0]: '=x' is not KEY=VALUE" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"capabilities\":{\"bounding\":[\"CAP_FOO\"]}}",
		  SRC ": process.capabilities.bounding[0]: unknown capability 'CAP_FOO'" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]}",
		  SRC ": process.rlimits[0]: unknown rlimit type 'RLIMIT_FOO'" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":2,\"hard\":1}]}",
		  SRC ": process.rlimits[0]: soft limit above the hard limit" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},"
		  "{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1}]}",
		  SRC ": process.rlimits[1]: RLIMIT_CORE given twice" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"apparmorProfile\":\"docker-default\"}",
		  SRC ": process.apparmorProfile: not supported (ent-run loads no AppArmor "
		      "profile)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"selinuxLabel\":\"system_u:system_r:container_t:s0\"}",
		  SRC ": process.selinuxLabel: not supported (SELinux is enabled on this host, "
		      "and ent-run sets no SELinux labels)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"scheduler\":{\"policy\":\"SCHED_FIFO\"}}",
		  SRC ": process.scheduler: not supported (ent-run sets no scheduling policy)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\"}}",
		  SRC ": process.ioPriority: not supported (ent-run sets no I/O priority)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"execCPUAffinity\":{\"initial\":\"0\"}}",
		  SRC ": process.execCPUAffinity: not supported (ent-run sets no CPU affinity)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/"
		  "\",\"user\":{\"uid\":0,\"gid\":0,\"username\":\"u\"}}",
		  SRC ": process.user.username: not supported (a Windows user name)" },
		{ "{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		  "\"oomScoreAdj\":1001}",
		  SRC ": process.oomScoreAdj: 1001 is out of range (-1000 to 1000)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = NULL;
		char msg[300];
		struct ent_plan *plan;

		assert_true(asprintf(&text,
		                     "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
		                     "\"process\":%s,\"linux\":{\"namespaces\":[{\"type\":"
		                     "\"mount\"}]}}",
		                     cases[i].process) > 0);
		plan = compile(text, msg);
		if (plan)
			fail_msg("case %zu compiled", i);
		if (strcmp(msg, cases[i].want))
			fail_msg("case %zu\ngot:  %s\nwant: %s", i, msg, cases[i].want);
		free(text);
	}
}

/* Empty values of unsupported fields are not requests: accepted. */
static void test_empty_unsupported(void **state)
{
	struct ent_plan *plan = compile_ok(",\"resources\":{\"blockIO\":{},\"hugepageLimits\":[],"
	                                   "\"memory\":{\"useHierarchy\":false,"
	                                   "\"checkBeforeUpdate\":false}},\"mountLabel\":\"\"",
	                                   ",\"hooks\":{\"prestart\":[]}");

	(void)state;
	ent_plan_free(plan);
}

/* ---------------------------------------------------------------- the document */

static void test_document_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "[]", SRC ": expected a JSON object, got an array" },
		{ "{\"a\":1} x", SRC ": not valid JSON" },
		{ "{", SRC ": not valid JSON" },
		{ "{}", SRC ": ociVersion: missing (required)" },
		{ "{\"ociVersion\":\"0.9\"}",
		  SRC ": ociVersion: '0.9' is not a 1.x version of the runtime-spec" },
		{ "{\"ociVersion\":\"1.0.0\",\"windows\":{\"layerFolders\":[\"c\"]}}",
		  SRC ": windows: not supported (a Windows container)" },
		{ "{\"ociVersion\":\"1.0.0\",\"annotations\":{\"a\":1}}",
		  SRC ": annotations.a: expected a string, got an integer" },
		{ "{\"ociVersion\":\"1.0.0\",\"process\":{}}",
		  SRC ": linux: missing (ent-run runs Linux containers)" },
		{ "{\"ociVersion\":\"1.0.0\",\"linux\":{}}", SRC ": process: missing (required)" },
		{ "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"x\"],\"cwd\":\"/\","
		  "\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{\"namespaces\":[{\"type\":"
		  "\"mount\"}]}}",
		  SRC ": root: missing (required)" },
		{ "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"x\"],\"cwd\":\"/\","
		  "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"r\"},"
		  "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]},\"hostname\":\"h\"}",
		  SRC ": hostname: needs a UTS namespace of the container's own" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[300];
		struct ent_plan *plan = compile(cases[i].text, msg);

		if (plan)
			fail_msg("case %zu compiled", i);
		if (strcmp(msg, cases[i].want))
			fail_msg("case %zu\ngot:  %s\nwant: %s", i, msg, cases[i].want);
	}
}

/* Properties the runtime-spec does not define are ignored, as it requires. */
static void test_unknown_properties(void **state)
{
	struct ent_plan *plan = compile_ok(",\"x-vendor\":{\"a\":1}", ",\"x-other\":[1,2]");

	(void)state;
	assert_non_null(plan);
	ent_plan_free(plan);
}

/* ---------------------------------------------------------------- namespaces, ids */

static void test_namespaces(void **state)
{
	struct ent_plan *plan;
	char msg[300];
	static const char joined[] =
	        "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"x\"],"
	        "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{\"namespaces\":["
	        "{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"/run/netns/n1\"},"
	        "{\"type\":\"cgroup\"},{\"type\":\"user\"}]}}";

	(void)state;
	plan = compile(joined, msg);
	if (!plan)
		fail_msg("%s", msg);
	assert_true(plan->ns.unshare[NS_NET]);
	assert_string_equal(plan->ns.path[NS_NET], "/run/netns/n1");
	assert_null(plan->ns.path[NS_MNT]);
	assert_false(plan->ns.unshare[NS_PID]);
	assert_true(plan->ns.unshare[NS_CGROUP]);
	/* A user namespace without mappings: a block of host ids of its own, idmapped rootfs. */
	assert_true(plan->ns.unshare[NS_USER]);
	assert_true(plan->ns.own_range);
	assert_true(plan->rootfs.idmap);
	assert_int_equal(plan->ns.uid_map[0].count, 65536);
	ent_plan_free(plan);

	/* A mount namespace joined by path (the host's user namespace): built in there. */
	plan = compile("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{"
	               "\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
	               "\"linux\":{\"namespaces\":[{\"type\":\"mount\",\"path\":\"/m\"}]}}",
	               msg);
	if (!plan)
		fail_msg("%s", msg);
	assert_true(plan->ns.unshare[NS_MNT]);
	assert_string_equal(plan->ns.path[NS_MNT], "/m");
	ent_plan_free(plan);

	expect_error(",\"namespaces\":[{\"type\":\"pid\"}]", "",
	             SRC ": linux.namespaces: no mount namespace (ent-run builds the container's "
	                 "file system in one of its own)");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"mount\"}]", "",
	             SRC ": linux.namespaces[1]: mount namespace listed twice");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"time\"}]", "",
	             SRC ": linux.namespaces[1]: time namespaces are not supported");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"net\"}]", "",
	             SRC ": linux.namespaces[1]: unknown namespace type 'net' (expected: user, "
	                 "mount, pid, network, uts, ipc, cgroup)");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\",\"path\":\"/u\"}]",
	             "",
	             SRC ": linux.namespaces[1]: joining a user namespace is not supported "
	                 "(ent-run builds the container's own)");
	expect_error(",\"namespaces\":[{\"type\":\"mount\",\"path\":\"/m\"},{\"type\":\"user\"}]",
	             "",
	             SRC ": linux.namespaces: a mount namespace joined by path needs the host's "
	                 "user namespace (a new one could not mount in it)");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"ipc\",\"path\":\"x\"}]", "",
	             SRC ": linux.namespaces[1]: path 'x' is not absolute");
}

static void test_idmaps(void **state)
{
	struct ent_plan *plan;

	(void)state;
	plan = compile_ok(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
	                  "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1000}],"
	                  "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":10}]",
	                  "");
	assert_int_equal(plan->ns.n_uid_map, 1);
	assert_int_equal(plan->ns.uid_map[0].outside, 100000);
	assert_int_equal(plan->ns.gid_map[0].count, 10);
	assert_false(plan->ns.own_range);
	assert_false(plan->rootfs.idmap);
	ent_plan_free(plan);

	expect_error(",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]", "",
	             SRC ": linux.uidMappings: given without a user namespace");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
	             "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]",
	             "",
	             SRC ": linux.gidMappings: missing (uidMappings and gidMappings go together)");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
	             "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}],"
	             "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]",
	             "", SRC ": linux.uidMappings[0].size: 0 is out of range (1 to 4294967294)");
}

/* `ent-run spec` writes this annotation and idmap mounts: a config ent-run can run. */
static void test_rootfs_idmap_annotation(void **state)
{
	static const char maps[] =
	        ",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
	        "\"uidMappings\":[{\"containerID\":0,\"hostID\":524288,\"size\":65536}],"
	        "\"gidMappings\":[{\"containerID\":0,\"hostID\":524288,\"size\":65536}]";
	struct ent_plan *plan;

	(void)state;
	plan = compile_ok(maps, ",\"annotations\":{\"run.ent.rootfs.idmap\":"
	                        "\"uids=0-524288-65536;gids=0-524288-65536\"}");
	assert_true(plan->rootfs.idmap);
	ent_plan_free(plan);
	expect_error(maps,
	             ",\"annotations\":{\"run.ent.rootfs.idmap\":\"uids=0-1-65536;"
	             "gids=0-524288-65536\"}",
	             SRC ": annotations.run.ent.rootfs.idmap: differs from linux.uidMappings/"
	                 "gidMappings (only the container's own mapping is supported)");
	expect_error(maps, ",\"annotations\":{\"run.ent.rootfs.idmap\":\"all\"}",
	             SRC ": annotations.run.ent.rootfs.idmap: 'all' is not "
	                 "uids=C-H-N;gids=C-H-N");
}

/* ---------------------------------------------------------------- mounts */

static void test_mounts(void **state)
{
	static const char text[] =
	        "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"x\"],"
	        "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},\"mounts\":["
	        "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":"
	        "[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	        "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"vol\",\"options\":"
	        "[\"rbind\",\"rslave\",\"ro\",\"nodev\"]},"
	        "{\"destination\":\"etc/hosts\",\"source\":\"/h\",\"options\":[\"bind\",\"rw\"]},"
	        "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":"
	        "[\"ro\",\"rw\",\"exec\",\"noexec\",\"defaults\"]}],"
	        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}";
	char msg[300];
	struct ent_plan *plan = compile(text, msg);
	const struct rootfs_mount *m;

	(void)state;
	if (!plan)
		fail_msg("%s", msg);
	assert_int_equal(plan->rootfs.n_mounts, 4);
	m = &plan->rootfs.mounts[0];
	assert_string_equal(m->fstype, "tmpfs");
	assert_int_equal(m->flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(m->data, "mode=755,size=65536k");
	assert_false(m->volume);
	m = &plan->rootfs.mounts[1];
	assert_string_equal(m->fstype, "bind");
	assert_string_equal(m->source, "/b/vol");
	assert_int_equal(m->flags, MS_BIND | MS_REC | MS_RDONLY | MS_NODEV);
	assert_int_equal(m->propagation, MS_SLAVE | MS_REC);
	assert_true(m->volume);
	assert_string_equal(m->why, "mounts[1]");
	m = &plan->rootfs.mounts[2];
	assert_string_equal(m->target, "/etc/hosts");
	assert_string_equal(m->fstype, "bind");
	assert_int_equal(m->flags, MS_BIND);
	m = &plan->rootfs.mounts[3];
	assert_int_equal(m->flags, MS_NOEXEC);
	assert_null(m->data);
	ent_plan_free(plan);
}

static void test_mount_errors(void **state)
{
	static const struct {
		const char *mount;
		const char *want;
	} cases[] = {
		{ "{\"type\":\"tmpfs\"}", SRC ": mounts[0].destination: missing (required)" },
		{ "{\"destination\":\"/x\"}", SRC ": mounts[0]: no type (and not a bind mount)" },
		{ "{\"destination\":\"/proc/..\",\"type\":\"tmpfs\"}", SRC
		  ": mounts[0]: destination '/proc/..' contains '..' (expected a path inside the "
		  "container without '..')" },
		{ "{\"destination\":\"a/../../etc\",\"type\":\"tmpfs\"}", SRC
		  ": mounts[0]: destination 'a/../../etc' contains '..' (expected a path inside "
		  "the container without '..')" },
		{ "{\"destination\":\"/x\",\"type\":\"bind\"}",
		  SRC ": mounts[0]: a bind mount needs a source" },
		{ "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"tmpcopyup\"]}",
		  SRC ": mounts[0].options[0]: 'tmpcopyup' is not supported" },
		{ "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[1]}",
		  SRC ": mounts[0].options[0]: expected a string, got an integer" },
		{ "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"idmap\"]}",
		  SRC ": mounts[0]: 'idmap' needs a bind mount" },
		{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":"
		  "[\"idmap\"]}",
		  SRC ": mounts[0]: 'idmap' needs a user namespace" },
		{ "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"options\":[\"ro\"]}",
		  SRC ": mounts[0]: the container's cgroups without a cgroup namespace need a "
		      "linux.cgroupsPath" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = NULL;
		char msg[300];
		struct ent_plan *plan;

		assert_true(
		        asprintf(&text,
		                 "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
		                 "\"process\":{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":"
		                 "{\"uid\":0,\"gid\":0}},\"mounts\":[%s],\"linux\":"
		                 "{\"namespaces\":[{\"type\":\"mount\"}],\"cgroupsPath\":\"\"}}",
		                 cases[i].mount) > 0);
		{
			struct ent_oci_input in = input(text);

			in.id = NULL;
			plan = compile_in(&in, msg);
		}
		if (plan)
			fail_msg("case %zu compiled", i);
		if (strcmp(msg, cases[i].want))
			fail_msg("case %zu\ngot:  %s\nwant: %s", i, msg, cases[i].want);
		free(text);
	}
}

/* A "cgroup" mount: the container's cgroups, bound from its directories (no cgroupns). */
static void test_cgroup_mount(void **state)
{
	struct ent_plan *plan =
	        compile_ok(",\"cgroupsPath\":\"/pod/c1\"",
	                   ",\"mounts\":[{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\","
	                   "\"source\":\"cgroup\",\"options\":[\"nosuid\",\"ro\"]}]");
	const struct rootfs_mount *m;

	(void)state;
	assert_int_equal(plan->rootfs.n_mounts, 3);
	m = &plan->rootfs.mounts[0];
	assert_string_equal(m->fstype, "tmpfs");
	assert_string_equal(m->target, "/sys/fs/cgroup");
	m = &plan->rootfs.mounts[1];
	assert_string_equal(m->fstype, "bind");
	assert_string_equal(m->source, "/sys/fs/cgroup/memory/pod/c1");
	assert_string_equal(m->target, "/sys/fs/cgroup/memory");
	assert_true(m->flags & MS_RDONLY);
	m = &plan->rootfs.mounts[2];
	assert_string_equal(m->source, "/sys/fs/cgroup/unified/pod/c1");
	assert_int_equal(plan->rootfs.n_readonly, 1);
	assert_string_equal(plan->rootfs.readonly_paths[0].path, "/sys/fs/cgroup");
	ent_plan_free(plan);

	/* Relative: below the caller's own cgroup in each hierarchy. */
	plan = compile_ok(",\"cgroupsPath\":\"rel/c1\"",
	                  ",\"mounts\":[{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\","
	                  "\"source\":\"cgroup\"}]");
	assert_int_equal(plan->rootfs.n_mounts, 1);
	assert_string_equal(plan->rootfs.mounts[0].source, "/sys/fs/cgroup/unified/rel/c1");
	ent_plan_free(plan);
}

/* ---------------------------------------------------------------- devices, sysctl */

static void test_devices(void **state)
{
	struct ent_plan *plan = compile_ok(
	        ",\"devices\":[{\"type\":\"c\",\"path\":\"/dev/fuse\",\"major\":10,\"minor\":229,"
	        "\"fileMode\":438,\"uid\":0,\"gid\":0},{\"type\":\"c\",\"path\":\"/dev/null\","
	        "\"major\":1,\"minor\":3}],\"resources\":{\"devices\":[{\"allow\":false,"
	        "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"access\":\"r\"}]"
	        "}",
	        "");
	const struct rootfs_device *d;

	(void)state;
	assert_int_equal(plan->rootfs.n_devices, 7);
	d = &plan->rootfs.devices[0];
	assert_string_equal(d->path, "/dev/fuse");
	assert_true(d->mknod);
	assert_int_equal(d->type, 'c');
	assert_int_equal(d->major, 10);
	assert_int_equal(d->minor, 229);
	assert_int_equal(d->mode, 0666);
	/* The config's /dev/null replaces the default one. */
	assert_true(plan->rootfs.devices[1].mknod);
	assert_string_equal(plan->rootfs.devices[1].path, "/dev/null");
	/* deny all (ours), the config's two, then an allow per device. */
	assert_false(plan->cgroup.devrules[1].allow);
	assert_true(plan->cgroup.devrules[2].allow);
	assert_int_equal(plan->cgroup.devrules[2].major, 10);
	assert_int_equal(plan->cgroup.devrules[2].minor, -1);
	assert_string_equal(plan->cgroup.devrules[2].access, "r");
	assert_int_equal(plan->cgroup.devrules[3].minor, 229);
	assert_string_equal(plan->cgroup.devrules[3].why, "linux.devices[0]");
	ent_plan_free(plan);

	expect_error(",\"devices\":[{\"type\":\"x\",\"path\":\"/dev/a\",\"major\":1,\"minor\":1}]",
	             "", SRC ": linux.devices[0]: unknown type 'x' (expected: c, b, u, p)");
	expect_error(",\"devices\":[{\"type\":\"c\",\"path\":\"/dev/a\",\"minor\":1}]", "",
	             SRC ": linux.devices[0]: major missing (required)");
	expect_error(",\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}", "",
	             SRC ": linux.resources.devices[0]: access 'rwx' is not made of r, w, m");
}

static void test_sysctl(void **state)
{
	struct ent_plan *plan = compile_ok(",\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 0\","
	                                   "\"kernel.shmmax\":\"1000\"}",
	                                   "");

	(void)state;
	assert_int_equal(plan->ns.n_sysctls, 2);
	assert_string_equal(plan->ns.sysctls[0].key, "net.ipv4.ping_group_range");
	assert_string_equal(plan->ns.sysctls[0].value, "0 0");
	ent_plan_free(plan);
	expect_error(",\"sysctl\":{\"vm.swappiness\":\"1\"}", "",
	             SRC ": linux.sysctl.vm.swappiness: not a namespaced parameter (it would "
	                 "change the host)");
	expect_error(",\"sysctl\":{\"net/../x\":\"1\"}", "",
	             SRC ": linux.sysctl.net/../x: not a kernel parameter name");
	expect_error(",\"namespaces\":[{\"type\":\"mount\"}],\"sysctl\":{\"net.ipv4.ip_forward\":"
	             "\"1\"}",
	             "",
	             SRC ": linux.sysctl.net.ipv4.ip_forward: needs a network namespace of the "
	                 "container's own");
}

/* ---------------------------------------------------------------- resources */

static void test_resources(void **state)
{
	struct ent_plan *plan = compile_ok(
	        ",\"cgroupsPath\":\"/default/c1\",\"resources\":{\"memory\":{\"limit\":1048576,"
	        "\"reservation\":524288,\"swap\":2097152},\"cpu\":{\"shares\":1024,\"quota\":"
	        "50000,\"cpus\":\"0-1\",\"mems\":\"0\"},\"pids\":{\"limit\":100}}",
	        "");

	(void)state;
	assert_string_equal(plan->cgroup.path, "/default/c1");
	assert_int_equal(plan->cgroup.memory_bytes, 1048576);
	assert_int_equal(plan->cgroup.memory_reservation_bytes, 524288);
	assert_int_equal(plan->cgroup.memory_swap_bytes, 2097152);
	assert_int_equal(plan->cgroup.cpu_shares, 1024);
	assert_int_equal(plan->cgroup.cpu_quota_us, 50000);
	assert_int_equal(plan->cgroup.cpu_period_us, 100000);
	assert_string_equal(plan->cgroup.cpuset_cpus, "0-1");
	assert_int_equal(plan->cgroup.pids_max, 100);
	assert_false(plan->cgroup.has_memory_swappiness);
	assert_false(plan->cgroup.memory_oom_kill_disable);
	assert_int_equal(plan->cgroup.memory_tcp_bytes, 0);
	ent_plan_free(plan);

	/* The v1 memory knobs; a kernel limit the memory limit keeps (runtime-tools' configs). */
	plan = compile_ok(",\"resources\":{\"memory\":{\"limit\":50593792,\"kernel\":50593792,"
	                  "\"kernelTCP\":50593792,\"swappiness\":0,\"disableOOMKiller\":true}}",
	                  "");
	assert_int_equal(plan->cgroup.memory_bytes, 50593792);
	assert_int_equal(plan->cgroup.memory_tcp_bytes, 50593792);
	assert_true(plan->cgroup.has_memory_swappiness);
	assert_int_equal(plan->cgroup.memory_swappiness, 0);
	assert_true(plan->cgroup.memory_oom_kill_disable);
	ent_plan_free(plan);
	plan = compile_ok(",\"resources\":{\"memory\":{\"kernel\":-1,\"kernelTCP\":-1,"
	                  "\"swappiness\":60,\"disableOOMKiller\":false}}",
	                  "");
	assert_int_equal(plan->cgroup.memory_tcp_bytes, 0);
	assert_int_equal(plan->cgroup.memory_swappiness, 60);
	assert_false(plan->cgroup.memory_oom_kill_disable);
	ent_plan_free(plan);

	plan = compile_ok(",\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1},\"pids\":"
	                  "{\"limit\":0}}",
	                  "");
	assert_int_equal(plan->cgroup.memory_bytes, 0);
	assert_int_equal(plan->cgroup.memory_swap_bytes, -1);
	assert_int_equal(plan->cgroup.pids_max, 0);
	ent_plan_free(plan);

	expect_error(",\"resources\":{\"blockIO\":{\"weight\":10}}", "",
	             SRC ": linux.resources.blockIO: not supported (ent-run sets no block I/O "
	                 "limits)");
	expect_error(",\"resources\":{\"memory\":{\"kernel\":1000}}", "",
	             SRC ": linux.resources.memory.kernel: 1000: the kernel limits kernel memory "
	                 "only through the memory limit (which the config does not set)");
	expect_error(",\"resources\":{\"memory\":{\"limit\":2000,\"kernel\":1000}}", "",
	             SRC ": linux.resources.memory.kernel: 1000: the kernel limits kernel memory "
	                 "only through the memory limit (which is higher)");
	expect_error(",\"resources\":{\"memory\":{\"swappiness\":101}}", "",
	             SRC ": linux.resources.memory.swappiness: 101 is out of range (0 to 100)");
	expect_error(",\"resources\":{\"cpu\":{\"realtimeRuntime\":10}}", "",
	             SRC ": linux.resources.cpu.realtimeRuntime: not supported (ent-run sets no "
	                 "real-time budget)");
	expect_error(",\"resources\":{\"memory\":{\"limit\":1000,\"swap\":10}}", "",
	             SRC ": linux.resources.memory.swap: 10 is below the memory limit (swap is "
	                 "memory + swap)");
	expect_error(",\"resources\":{\"cpu\":{\"cpus\":\"a\"}}", "",
	             SRC ": linux.resources.cpu.cpus: 'a' is not a CPU list");
	expect_error(",\"cgroupsPath\":\"system.slice:cri:c1\"", "",
	             SRC ": linux.cgroupsPath: 'system.slice:cri:c1' is a systemd path "
	                 "(slice:prefix:name); ent-run manages cgroupfs paths");
	expect_error(",\"cgroupsPath\":\"/a/../b\"", "",
	             SRC ": linux.cgroupsPath: '/a/../b' has a '..'");
	/* L2 of the OCI review: one cgroup, one spelling. */
	expect_error(",\"cgroupsPath\":\"/a/b//\"", "",
	             SRC ": linux.cgroupsPath: '/a/b//' has an empty or '.' component");
	expect_error(",\"cgroupsPath\":\"/./.\"", "",
	             SRC ": linux.cgroupsPath: '/./.' has an empty or '.' component");
	expect_error(",\"cgroupsPath\":\"a//b\"", "",
	             SRC ": linux.cgroupsPath: 'a//b' has an empty or '.' component");
	expect_error(",\"cgroupsPath\":\"a/..\"", "", SRC ": linux.cgroupsPath: 'a/..' has a '..'");
}

/* Compile base_head + raw + "}}" (raw may repeat a key); the message must be want. */
static void expect_raw_error(const char *raw, const char *want)
{
	char *text = NULL;
	char msg[300];
	struct ent_plan *plan;

	assert_true(asprintf(&text, "%s%s}}", base_head, raw) > 0);
	plan = compile(text, msg);
	if (plan)
		fail_msg("compiled, expected: %s\n%s", want, text);
	if (strcmp(msg, want))
		fail_msg("got:  %s\nwant: %s", msg, want);
	free(text);
}

/* L1 of the OCI review: nothing json-c lets through is silently taken. */
static void test_strict_json(void **state)
{
	(void)state;
	expect_raw_error(",\"namespaces\":[{\"type\":\"mount\"}]",
	                 SRC ": line 1, column 316: linux.namespaces: duplicate key");
	expect_raw_error(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
	                 "\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
	                 SRC ": line 1, column 360: linux.seccomp.defaultAction: duplicate key");
	expect_raw_error(
	        ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{"
	        "\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
	        "\"index\":0,\"value\":99999999999999999999999,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	        SRC ": line 1, column 443: linux.seccomp.syscalls[0].args[0].value: "
	            "99999999999999999999999 is not an integer from 0 to "
	            "18446744073709551615");
	expect_raw_error(",\"hostname\":\"a\\u0000b\"",
	                 SRC ": line 1, column 327: linux.hostname: a string holds a NUL character "
	                     "(\\u0000)");
	expect_error("",
	             ",\"mounts\":[{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/s\","
	             "\"options\":[\"rbind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,"
	             "\"size\":1}]}]",
	             SRC
	             ": mounts[0]: uidMappings/gidMappings need the 'idmap' (or 'ridmap') option");
}

/* Under a node policy a config that names no limit gets the ceiling, as --pids does. */
static void test_policy_ceilings(void **state)
{
	char *text = config("", ",\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\"}]");
	struct ent_oci_input in = input(text);
	struct ent_plan *plan;
	char msg[300];

	(void)state;
	in.has_policy = true;
	in.limits.has_memory = true;
	in.limits.memory_bytes = 1 << 30;
	plan = compile_in(&in, msg);
	if (!plan)
		fail_msg("%s", msg);
	assert_int_equal(plan->cgroup.pids_max, ENT_PIDS_DEFAULT);
	assert_string_equal(plan->cgroup.pids_why, "node policy");
	assert_int_equal(plan->cgroup.memory_bytes, 1 << 30);
	assert_string_equal(plan->rootfs.mounts[0].data, "size=65536k");
	ent_plan_free(plan);
	free(text);
}

/* ---------------------------------------------------------------- paths, seccomp */

static void test_paths_and_linux_errors(void **state)
{
	struct ent_plan *plan = compile_ok(",\"maskedPaths\":[\"/proc/kcore\",\"/sys/firmware\"],"
	                                   "\"readonlyPaths\":[\"/proc/sys\"],"
	                                   "\"rootfsPropagation\":\"rprivate\"",
	                                   "");

	(void)state;
	assert_int_equal(plan->rootfs.n_masked, 2);
	assert_string_equal(plan->rootfs.masked[1].path, "/sys/firmware");
	assert_string_equal(plan->rootfs.masked[1].why, "linux.maskedPaths[1]");
	assert_int_equal(plan->rootfs.n_readonly, 1);
	assert_int_equal(plan->rootfs.propagation, MS_PRIVATE | MS_REC);
	ent_plan_free(plan);
	expect_error(",\"maskedPaths\":[\"proc\"]", "",
	             SRC ": linux.maskedPaths[0]: expected an absolute path");
	expect_error(",\"maskedPaths\":[\"/proc/kcore\",\"/proc/..\"]", "",
	             SRC ": linux.maskedPaths[1]: '/proc/..' contains '..' (expected a path inside "
	                 "the container without '..')");
	expect_error(",\"readonlyPaths\":[\"/../sys\"]", "",
	             SRC
	             ": linux.readonlyPaths[0]: '/../sys' contains '..' (expected a path inside "
	             "the container without '..')");
	/* A name that merely contains two dots is a name. */
	plan = compile_ok(",\"maskedPaths\":[\"/proc/..x\",\"/a..\"]", "");
	assert_int_equal(plan->rootfs.n_masked, 2);
	ent_plan_free(plan);
	expect_error(",\"rootfsPropagation\":\"rsomething\"", "",
	             SRC ": linux.rootfsPropagation: 'rsomething' is not a propagation (expected: "
	                 "shared, slave, private, unbindable, or the same with an r)");
	expect_error(",\"personality\":{\"domain\":\"LINUX32\"}", "",
	             SRC ": linux.personality: not supported (ent-run sets no execution domain)");
	expect_error(",\"intelRdt\":{\"closID\":\"x\"}", "",
	             SRC ": linux.intelRdt: not supported (ent-run sets no Intel RDT class)");
	expect_error(",\"timeOffsets\":{\"monotonic\":{\"secs\":1}}", "",
	             SRC ": linux.timeOffsets: not supported (ent-run creates no time namespace)");
	expect_error(",\"mountLabel\":\"system_u:object_r:container_file_t:s0\"", "",
	             SRC ": linux.mountLabel: not supported (SELinux is enabled on this host, and "
	                 "ent-run sets no SELinux labels)");
}

/* The warnings of a compile, one per line. */
static void collect_warning(void *data, const char *msg)
{
	char *buf = data;

	snprintf(buf + strlen(buf), 512 - strlen(buf), "%s\n", msg);
}

/*
 * SELinux labels: without SELinux on the host (a host fact) they mean nothing and are ignored
 * with a warning, as runc and crun do; with it, they are refused (above).
 */
static void test_selinux_labels(void **state)
{
	char *text = NULL, msg[300], warnings[512] = "";
	struct ent_oci_input in;
	struct ent_plan *plan;

	(void)state;
	assert_true(asprintf(&text,
	                     "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
	                     "\"process\":{\"args\":[\"x\"],\"cwd\":\"/\",\"user\":{\"uid\":0,"
	                     "\"gid\":0},\"selinuxLabel\":\"system_u:system_r:container_t:s0\"},"
	                     "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
	                     "\"mountLabel\":\"system_u:object_r:container_file_t:s0\"}}") > 0);
	in = input(text);
	in.host.no_selinux = true;
	in.warn = collect_warning;
	in.warn_data = warnings;
	plan = compile_in(&in, msg);
	if (!plan)
		fail_msg("compile failed: %s", msg);
	assert_string_equal(warnings,
	                    "process.selinuxLabel: ignored (SELinux is not enabled on this host)\n"
	                    "linux.mountLabel: ignored (SELinux is not enabled on this host)\n");
	ent_plan_free(plan);
	in.host.no_selinux = false;
	warnings[0] = '\0';
	assert_null(compile_in(&in, msg));
	assert_string_equal(msg, SRC ": process.selinuxLabel: not supported (SELinux is enabled on "
	                             "this host, and ent-run sets no SELinux labels)");
	assert_string_equal(warnings, "");
	free(text);
}

/* hooks: every kind, in order, with its path, argv, env and timeout; then each error. */
static void test_hooks(void **state)
{
	struct ent_plan *plan =
	        compile_ok("", ",\"hooks\":{\"poststop\":[{\"path\":\"/bin/stop\"}],"
	                       "\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"x\"],"
	                       "\"env\":[\"A=1\"],\"timeout\":5}],"
	                       "\"createRuntime\":[{\"path\":\"/r1\"},{\"path\":\"/r2\"}],"
	                       "\"createContainer\":[{\"path\":\"/c\"}],"
	                       "\"startContainer\":[{\"path\":\"/s\"}],\"poststart\":[]}");
	static const struct {
		const char *hooks, *want;
	} errors[] = {
		{ "[]", SRC ": hooks: expected an object, got an array" },
		{ "{\"prestart\":{}}", SRC ": hooks.prestart: expected an array, got an object" },
		{ "{\"poststop\":[\"/x\"]}",
		  SRC ": hooks.poststop[0]: expected an object, got a string" },
		{ "{\"poststop\":[{}]}", SRC ": hooks.poststop[0].path: missing (required)" },
		{ "{\"createRuntime\":[{\"path\":\"bin/x\"}]}",
		  SRC ": hooks.createRuntime[0].path: 'bin/x' is not an absolute path" },
		{ "{\"poststart\":[{\"path\":\"/x\",\"timeout\":0}]}", SRC
		  ": hooks.poststart[0].timeout: 0 is not a number of seconds from 1 to 86400" },
		{ "{\"poststart\":[{\"path\":\"/x\",\"timeout\":-3}]}", SRC
		  ": hooks.poststart[0].timeout: -3 is not a number of seconds from 1 to 86400" },
		{ "{\"poststart\":[{\"path\":\"/x\",\"timeout\":\"5\"}]}",
		  SRC ": hooks.poststart[0].timeout: expected an integer, got a string" },
		{ "{\"startContainer\":[{\"path\":\"/x\",\"args\":\"x\"}]}",
		  SRC ": hooks.startContainer[0].args: expected an array, got a string" },
		{ "{\"startContainer\":[{\"path\":\"/x\",\"args\":[1]}]}",
		  SRC ": hooks.startContainer[0].args[0]: expected a string, got an integer" },
		{ "{\"createContainer\":[{\"path\":\"/x\",\"env\":[\"NOEQUALS\"]}]}",
		  SRC ": hooks.createContainer[0].env[0]: 'NOEQUALS' is not KEY=VALUE" },
	};
	const struct ent_hook *h = plan->hooks.list;
	char top[200];

	(void)state;
	assert_int_equal(plan->hooks.n, 6);
	/* Kinds in the lifecycle's order, each kind's hooks in the config's order. */
	assert_int_equal(h[0].kind, ENT_HOOK_PRESTART);
	assert_string_equal(h[0].path, "/bin/sh");
	assert_string_equal(h[0].argv[2], "x");
	assert_null(h[0].argv[3]);
	assert_string_equal(h[0].env[0], "A=1");
	assert_int_equal(h[0].timeout_s, 5);
	assert_string_equal(h[0].why, "hooks.prestart[0]");
	assert_int_equal(h[1].kind, ENT_HOOK_CREATE_RUNTIME);
	assert_string_equal(h[2].path, "/r2");
	assert_string_equal(h[2].why, "hooks.createRuntime[1]");
	assert_int_equal(h[3].kind, ENT_HOOK_CREATE_CONTAINER);
	assert_int_equal(h[4].kind, ENT_HOOK_START_CONTAINER);
	assert_int_equal(h[5].kind, ENT_HOOK_POSTSTOP);
	/* Without args, argv is the path; without env, an empty environment; no timeout. */
	assert_string_equal(h[5].argv[0], "/bin/stop");
	assert_null(h[5].argv[1]);
	assert_null(h[5].env[0]);
	assert_int_equal(h[5].timeout_s, 0);
	ent_plan_free(plan);
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		snprintf(top, sizeof(top), ",\"hooks\":%s", errors[i].hooks);
		expect_error("", top, errors[i].want);
	}
}

/* start and delete read the hooks alone from the config saved at create. */
static void test_hooks_alone(void **state)
{
	static const char text[] = "{\"hooks\":{\"poststop\":[{\"path\":\"/a\"},"
	                           "{\"path\":\"/b\",\"timeout\":2}]}}";
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err);

	(void)state;
	assert_int_equal(ent_oci_hooks(text, strlen(text), SRC, plan, &err), 0);
	assert_int_equal(plan->hooks.n, 2);
	assert_string_equal(plan->hooks.list[1].path, "/b");
	assert_int_equal(plan->hooks.list[1].timeout_s, 2);
	assert_int_equal(ent_oci_hooks("{\"hooks\":1}", 11, SRC, plan, &err), -1);
	assert_string_equal(err.msg, SRC ": hooks: expected an object, got an integer");
	ent_plan_free(plan);
}

static void test_seccomp(void **state)
{
	struct ent_plan *plan = compile_ok(
	        ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
	        "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"flags\":[],\"syscalls\":[{\"names\":"
	        "[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	        "");

	(void)state;
	assert_int_equal(plan->lockdown.seccomp_mode, LOCKDOWN_SECCOMP_FILTER);
	assert_null(plan->lockdown.seccomp_ref);
	assert_int_equal(plan->lockdown.default_action, LOCKDOWN_ERRNO);
	assert_int_equal(plan->lockdown.default_errnum, 1);
	assert_int_equal(plan->lockdown.n_rules, 2);
	assert_string_equal(plan->lockdown.rules[0].syscall, "read");
	ent_plan_free(plan);
	expect_error(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":"
	             "[\"SECCOMP_FILTER_FLAG_LOG\"]}",
	             "",
	             SRC ": linux.seccomp.flags: not supported (ent-run loads the filter without "
	                 "flags)");
	expect_error(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"listenerPath\":\"/s\"}",
	             "",
	             SRC ": linux.seccomp.listenerPath: not supported (ent-run has no seccomp "
	                 "notify listener)");
}

/* ---------------------------------------------------------------- the annotation */

static void test_entitlements_annotation(void **state)
{
	struct ent_plan *plan = compile_ok(
	        ",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"/run/netns/"
	        "x\"}],"
	        "\"maskedPaths\":[],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
	        ",\"process\":{\"args\":[\"/bin/app\"],\"cwd\":\"/"
	        "srv\",\"user\":{\"uid\":5,\"gid\":5},"
	        "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]},\"noNewPrivileges\":false},"
	        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	        "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/h\"}],"
	        "\"annotations\":{\"run.ent.entitlements\":\"network.access=user, security.fs="
	        "read-only\"}");

	(void)state;
	/* Security from the entitlements: the config's capabilities, seccomp, masks ignored. */
	assert_int_equal(plan->lockdown.caps.bounding, 0);
	assert_true(plan->lockdown.no_new_privs);
	assert_int_equal(plan->lockdown.seccomp_mode, LOCKDOWN_SECCOMP_FILTER);
	assert_int_equal(plan->lockdown.default_action, LOCKDOWN_ERRNO);
	assert_true(plan->rootfs.n_masked > 10);
	assert_true(plan->rootfs.readonly);
	assert_int_equal(plan->net.mode, NETCFG_USER);
	assert_int_equal(plan->n_grants, 2);
	assert_string_equal(plan->grants[0].from, "annotation run.ent.entitlements");
	/* Every namespace new (the default), the engine's network namespace joined. */
	assert_true(plan->ns.unshare[NS_USER] && plan->ns.unshare[NS_PID]);
	assert_string_equal(plan->ns.path[NS_NET], "/run/netns/x");
	/* The process and the bind mount from the config; its proc mount is the plan's own. */
	assert_string_equal(plan->proc.argv[0], "/bin/app");
	assert_string_equal(plan->proc.cwd, "/srv");
	assert_int_equal(plan->proc.uid, 5);
	assert_string_equal(plan->rootfs.mounts[plan->rootfs.n_mounts - 1].target, "/etc/hosts");
	assert_true(plan->rootfs.mounts[plan->rootfs.n_mounts - 1].volume);
	assert_string_equal(plan->rootfs.mounts[0].fstype, "proc");
	assert_string_equal(plan->rootfs.mounts[0].why, "default");
	ent_plan_free(plan);

	expect_error("", ",\"annotations\":{\"run.ent.entitlements\":\"network.access=proxi\"}",
	             SRC ": annotations.run.ent.entitlements: entitlements: unknown value 'proxi' "
	                 "for network.access (expected: none, confined, user, proxy, admin, host)");
}

/* ---------------------------------------------------------------- exec's process.json */

static void test_exec_process(void **state)
{
	static const char process[] =
	        "{\"args\":[\"/bin/ls\"],\"cwd\":\"/tmp\",\"env\":[\"A=1\"],\"terminal\":false,"
	        "\"user\":{\"uid\":1,\"gid\":2},\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},"
	        "\"noNewPrivileges\":true}";
	struct ent_plan *plan = compile_ok("", "");
	struct rt_err err = { 0 };

	(void)state;
	if (ent_oci_compile_process(process, strlen(process), "p.json", plan, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(plan->proc.argv[0], "/bin/ls");
	assert_string_equal(plan->proc.cwd, "/tmp");
	assert_string_equal(plan->proc.env[0], "A=1");
	assert_int_equal(plan->proc.uid, 1);
	assert_true(has_cap(plan->lockdown.caps.bounding, CAP_KILL));
	assert_true(plan->lockdown.no_new_privs);
	assert_int_equal(ent_oci_compile_process("{\"cwd\":\"/\"}", 11, "p.json", plan, &err), -1);
	assert_string_equal(err.msg, "p.json: args: missing (required)");
	ent_plan_free(plan);
}

/* ---------------------------------------------------------------- spec round trip */

static void test_spec_round_trip(void **state)
{
	static char *const argv[] = { "/bin/sh", "-c", "true", NULL };
	struct ent_request req = { .rootfs = "/srv/rootfs", .argv = argv };
	struct rt_err err = { 0 };
	struct ent_plan *plan = ent_plan_new(&err), *back;
	char *buf = NULL, msg[300];
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct ent_oci_input in;

	(void)state;
	req.entitlements[req.n_entitlements++] = "host.devices.allow=/dev/kvm";
	assert_int_equal(ent_compile(&req, plan, &err), 0);
	plan->ns.uid_map[0].outside = plan->ns.gid_map[0].outside = 524288;
	assert_int_equal(ent_spec_print(out, plan, &err), 0);
	fclose(out);
	in = input(buf);
	back = compile_in(&in, msg);
	if (!back)
		fail_msg("ent-run spec's config does not compile: %s", msg);
	assert_true(back->rootfs.idmap);
	assert_true(back->ns.unshare[NS_USER] && back->ns.unshare[NS_CGROUP]);
	assert_int_equal(back->ns.uid_map[0].outside, 524288);
	assert_int_equal(back->lockdown.n_rules > 0, 1);
	assert_int_equal(back->lockdown.caps.bounding, 0);
	assert_true(back->lockdown.no_new_privs);
	/* The default process cap: RLIMIT_NPROC (no CAP_SETUID), or the pids controller. */
	assert_int_equal(back->cgroup.pids_max, plan->cgroup.pids_rlimit ? 0 : ENT_PIDS_DEFAULT);
	assert_int_equal(back->proc.n_rlimits, plan->proc.n_rlimits);
	assert_int_equal(back->rootfs.n_masked, plan->rootfs.n_masked);
	ent_plan_free(back);
	ent_plan_free(plan);
	free(buf);
}

static void test_id_valid(void **state)
{
	(void)state;
	assert_true(ent_oci_id_valid("abc-1_2.3+x"));
	assert_false(ent_oci_id_valid(""));
	assert_false(ent_oci_id_valid(".."));
	assert_false(ent_oci_id_valid("a/b"));
	assert_false(ent_oci_id_valid("a b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_json),
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_process_fields),
		cmocka_unit_test(test_process_errors),
		cmocka_unit_test(test_empty_unsupported),
		cmocka_unit_test(test_document_errors),
		cmocka_unit_test(test_unknown_properties),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_idmaps),
		cmocka_unit_test(test_rootfs_idmap_annotation),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_mount_errors),
		cmocka_unit_test(test_cgroup_mount),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_sysctl),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_policy_ceilings),
		cmocka_unit_test(test_paths_and_linux_errors),
		cmocka_unit_test(test_selinux_labels),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_hooks_alone),
		cmocka_unit_test(test_seccomp),
		cmocka_unit_test(test_entitlements_annotation),
		cmocka_unit_test(test_exec_process),
		cmocka_unit_test(test_spec_round_trip),
		cmocka_unit_test(test_id_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
