/*
 * tests/fuzz/fuzz_cli_values.c - the values of options: --publish, --subnet, --memory (sizes),
 * --pids, --cpus, --user, --volume, --hostname, container paths, --timeout durations
 * (runtime/cli_values.c, entitlements/limits.c, netcfg_pool_parse()) and a line of /etc/subuid
 * (entitlements/subid.c). The input is "NAME VALUE": NAME picks the parser ("publish
 * 8080:80/udp"); an unknown NAME feeds the whole input to every parser.
 */
#include "tests/fuzz/fuzz.h"

#include "entitlements/ent.h"
#include "entitlements/subid.h"
#include "netcfg/internal.h"
#include "runtime/cli.h"

static int publish(const char *v, struct rt_err *err)
{
	struct netcfg_publish p;
	int rc = rt_parse_publish(v, &p, err);

	if (rc == 0)
		FUZZ_CHECK(p.port != 0 && p.host_port != 0);
	return rc;
}

static int subnet(const char *v, struct rt_err *err)
{
	struct netcfg_pool pool;
	int rc = netcfg_pool_parse(v, &pool, err);

	if (rc == 0) {
		FUZZ_CHECK(pool.prefix_len <= NETCFG_BLOCK_PLEN);
		FUZZ_CHECK(netcfg_pool_blocks(&pool) >= 1);
	}
	return rc;
}

static int size(const char *v, struct rt_err *err)
{
	int64_t bytes;
	int rc = ent_parse_size("--memory", v, &bytes, err);

	if (rc == 0)
		FUZZ_CHECK(bytes > 0);
	return rc;
}

static int pids(const char *v, struct rt_err *err)
{
	int64_t n;
	int rc = ent_parse_pids("--pids", v, &n, err);

	if (rc == 0)
		FUZZ_CHECK(n >= 0);
	return rc;
}

static int cpus(const char *v, struct rt_err *err)
{
	int64_t quota, period;
	int rc = ent_parse_cpus("--cpus", v, &quota, &period, err);

	if (rc == 0)
		FUZZ_CHECK(quota >= 1000 && quota <= 4096LL * 100000 && period == 100000);
	return rc;
}

static int user(const char *v, struct rt_err *err)
{
	uint32_t uid, gid;
	bool has_gid;

	return rt_parse_user(v, &uid, &gid, &has_gid, err);
}

/* A normalised path is absolute, has no empty, "." or ".." component, and stays as it is. */
static void check_normal(const char *path)
{
	char again[ENT_PATH_MAX];
	struct rt_err err = { 0 };

	FUZZ_CHECK(path[0] == '/');
	FUZZ_CHECK(!strstr(path, "//") && !strstr(path, "/./") && !strstr(path, "/../"));
	FUZZ_CHECK(rt_normalize_path("again", path, again, &err) == 0);
	FUZZ_CHECK(strcmp(again, path) == 0);
}

static int volume(const char *v, struct rt_err *err)
{
	struct ent_volume vol;
	int rc = rt_parse_volume(v, &vol, err);

	if (rc == 0) {
		FUZZ_CHECK(vol.source[0] != '\0');
		check_normal(vol.target);
	}
	return rc;
}

static int path(const char *v, struct rt_err *err)
{
	char out[ENT_PATH_MAX];
	int rc = rt_normalize_path("--tmpfs", v, out, err);

	if (rc == 0)
		check_normal(out);
	return rc;
}

static int hostname(const char *v, struct rt_err *err)
{
	return rt_parse_hostname(v, err);
}

/* A duration reads back from its own text exactly (--stats and explain print it so). */
static int duration(const char *v, struct rt_err *err)
{
	char text[32];
	int64_t ms, again;
	int rc = ent_parse_duration("--timeout", v, &ms, err);

	if (rc == 0) {
		FUZZ_CHECK(ms >= 1);
		ent_duration_str(ms, text, sizeof(text));
		FUZZ_CHECK(ent_parse_duration("--timeout", text, &again, err) == 0 && again == ms);
	}
	return rc;
}

/* A sub-id line ent-run uses never reaches into the host's own ids, nor past 2^32. */
static int subid(const char *v, struct rt_err *err)
{
	struct ent_subid e;
	int rc = ent_subid_parse_line(v, "/etc/subuid", 1, &e, err);

	if (rc == 1) {
		FUZZ_CHECK(e.count > 0 && e.start >= ENT_SUBID_LOW);
		FUZZ_CHECK((uint64_t)e.start + e.count <= (uint64_t)UINT32_MAX + 1);
		FUZZ_CHECK(e.owner[0] != '\0');
	}
	return rc < 0 ? -1 : 0;
}

/* clang-format off */
static const struct {
	const char *name;
	int (*parse)(const char *value, struct rt_err *err);
} parsers[] = {
	{ "publish",  publish },
	{ "subnet",   subnet },
	{ "size",     size },
	{ "pids",     pids },
	{ "cpus",     cpus },
	{ "user",     user },
	{ "volume",   volume },
	{ "path",     path },
	{ "hostname", hostname },
	{ "duration", duration },
	{ "subid",    subid },
};
/* clang-format on */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size_)
{
	char *text = fuzz_string(data, size_);
	char *space = strchr(text, ' ');
	bool known = false;

	for (size_t i = 0; space && i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		if ((size_t)(space - text) == strlen(parsers[i].name) &&
		    !strncmp(text, parsers[i].name, (size_t)(space - text))) {
			struct rt_err err = { 0 };

			fuzz_check_result(parsers[i].parse(space + 1, &err), &err);
			known = true;
		}
	}
	for (size_t i = 0; !known && i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		struct rt_err err = { 0 };

		fuzz_check_result(parsers[i].parse(text, &err), &err);
	}
	free(text);
	return 0;
}
