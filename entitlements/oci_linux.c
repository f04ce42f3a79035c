/*
 * entitlements/oci_linux.c - the "linux" object of an OCI config.json (runtime-spec
 * config-linux.md): namespaces and id mappings, devices, sysctl, masked and read-only paths,
 * rootfsPropagation and the seccomp filter. linux.resources is in oci_resources.c.
 *
 * Namespaces the config does not list are the host's: without a user namespace container root
 * is host root, which the node policy treats as a grant of its own. The seccomp section goes
 * through the importer of `--seccomp localhost/` (seccomp_json.h), so both read profiles alike.
 * Pure code.
 */
#include "entitlements/oci_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "entitlements/names.h"
#include "entitlements/seccomp_json.h"

#define WHY_LISTED   "linux.namespaces"
#define WHY_UNLISTED "linux.namespaces (not listed: the host's)"
#define WHY_DEFAULT  "runtime-spec default device"

/* clang-format off */
static const struct oci_unsupported linux_unsupported[] = {
	{ "timeOffsets", "ent-run creates no time namespace" },
	{ "netDevices",  "ent-run moves no network device" },
	{ "intelRdt",    "ent-run sets no Intel RDT class" },
	{ "memoryPolicy", "ent-run sets no NUMA memory policy" },
	{ "personality", "ent-run sets no execution domain" },
};

static const struct oci_unsupported seccomp_unsupported[] = {
	{ "flags",            "ent-run loads the filter without flags" },
	{ "listenerPath",     "ent-run has no seccomp notify listener" },
	{ "listenerMetadata", "ent-run has no seccomp notify listener" },
};

/*
 * The kernel parameters a container may set: those that belong to a namespace of its own
 * (runc's list). Anything else would change the host.
 */
static const struct {
	const char *prefix;
	enum ns_kind ns;
} sysctl_namespaces[] = {
	{ "kernel.msgmax",     NS_IPC }, { "kernel.msgmnb",     NS_IPC },
	{ "kernel.msgmni",     NS_IPC }, { "kernel.sem",        NS_IPC },
	{ "kernel.shmall",     NS_IPC }, { "kernel.shmmax",     NS_IPC },
	{ "kernel.shmmni",     NS_IPC }, { "kernel.shm_rmid_forced", NS_IPC },
	{ "fs.mqueue.",        NS_IPC }, { "net.",              NS_NET },
	{ "kernel.hostname",   NS_UTS }, { "kernel.domainname", NS_UTS },
};
/* clang-format on */

/* ---------------------------------------------------------------- namespaces, id maps */

int oci_idmap(const struct oci_ctx *c, const char *field, struct json_object *arr,
              struct ns_idmap *map, unsigned *n)
{
	static const char *const keys[] = { "containerID", "hostID", "size" };
	char at[OCI_FIELD_MAX];

	*n = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		int64_t v[3];

		oci_at(at, "%s[%zu]", field, i);
		if (!json_object_is_type(o, json_type_object))
			return oci_fail(c, at, "expected an object");
		for (size_t k = 0; k < 3; k++) {
			bool has;

			if (oci_int(c, at, o, keys[k], k == 2 ? 1 : 0, UINT32_MAX - 1, &has,
			            &v[k]) < 0)
				return -1;
			if (!has)
				return oci_fail(c, at, "%s missing (required)", keys[k]);
		}
		if (*n >= ENT_MAX_IDMAP)
			return oci_fail(c, at, "too many mappings (at most %d)", ENT_MAX_IDMAP);
		map[(*n)++] = (struct ns_idmap){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
	}
	return 0;
}

/* One entry of linux.namespaces: its kind, and its path when it is joined. */
static int namespace_entry(struct oci_ctx *c, size_t i, struct json_object *o, bool *listed,
                           const char **paths)
{
	char field[OCI_FIELD_MAX], valid[128] = "";
	const char *type, *path;

	oci_at(field, "linux.namespaces[%zu]", i);
	if (!json_object_is_type(o, json_type_object))
		return oci_fail(c, field, "expected an object");
	if (oci_string(c, field, o, "type", true, &type) < 0 ||
	    oci_string(c, field, o, "path", false, &path) < 0)
		return -1;
	for (int k = 0; k < NS_COUNT; k++) {
		const struct ent_ns_name *n = &ent_ns_names[k];

		snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid), "%s%s",
		         k ? ", " : "", n->oci);
		if (strcmp(type, n->oci))
			continue;
		if (listed[k])
			return oci_fail(c, field, "%s namespace listed twice", type);
		if (path && path[0] && path[0] != '/')
			return oci_fail(c, field, "path '%.60s' is not absolute", path);
		if (path && path[0] && k == NS_USER)
			return oci_fail(
			        c, field,
			        "joining a user namespace is not supported (ent-run builds the "
			        "container's own)");
		listed[k] = true;
		paths[k] = path && path[0] ? oci_str(c, path) : NULL;
		return 0;
	}
	if (!strcmp(type, "time"))
		return oci_fail(c, field, "time namespaces are not supported");
	return oci_fail(c, field, "unknown namespace type '%.40s' (expected: %s)", type, valid);
}

/* linux.uidMappings and gidMappings: given with a user namespace, or the default maps. */
static int compile_idmaps(struct oci_ctx *c, struct json_object *lnx)
{
	struct ns_spec *ns = &c->plan->ns;
	struct json_object *uids, *gids;

	if (oci_member(c, "linux", lnx, "uidMappings", json_type_array, false, &uids) < 0 ||
	    oci_member(c, "linux", lnx, "gidMappings", json_type_array, false, &gids) < 0)
		return -1;
	if (uids && !json_object_array_length(uids))
		uids = NULL;
	if (gids && !json_object_array_length(gids))
		gids = NULL;
	if (!ns->unshare[NS_USER]) {
		if (uids || gids)
			return oci_fail(c, uids ? "linux.uidMappings" : "linux.gidMappings",
			                "given without a user namespace");
		return 0;
	}
	if (!uids != !gids)
		return oci_fail(c, uids ? "linux.gidMappings" : "linux.uidMappings",
		                "missing (uidMappings and gidMappings go together)");
	if (!uids) {
		/* No mappings: ent-run's own, a block of host ids of the container's own. */
		ent_default_idmaps(&c->in->host, ns);
		c->plan->rootfs.idmap = ns->own_range;
		return 0;
	}
	if (oci_idmap(c, "linux.uidMappings", uids, ns->uid_map, &ns->n_uid_map) < 0 ||
	    oci_idmap(c, "linux.gidMappings", gids, ns->gid_map, &ns->n_gid_map) < 0)
		return -1;
	ns->idmap_why = "linux.uidMappings";
	/* Rootless, another id than our own needs the setuid helpers (newuidmap). */
	if (c->in->host.uid != 0) {
		bool self = ns->n_uid_map == 1 && ns->uid_map[0].outside == c->in->host.uid &&
		            ns->uid_map[0].count == 1;

		ns->use_idmap_helpers = !self;
		ns->deny_setgroups = self;
	}
	return 0;
}

/* "uids=0-524288-65536;gids=0-524288-65536": the rootfs is idmapped with the container's map. */
static int compile_rootfs_idmap(struct oci_ctx *c, const char *text)
{
	const struct ns_spec *ns = &c->plan->ns;
	const char *field = "annotations." ENT_OCI_ANNOTATION_ROOTFS_IDMAP;
	struct ns_idmap u, g;
	int end = 0;

	if (!ns->unshare[NS_USER])
		return oci_fail(c, field, "needs a user namespace");
	if (sscanf(text, "uids=%u-%u-%u;gids=%u-%u-%u%n", &u.inside, &u.outside, &u.count,
	           &g.inside, &g.outside, &g.count, &end) != 6 ||
	    text[end])
		return oci_fail(c, field, "'%.60s' is not uids=C-H-N;gids=C-H-N", text);
	if (!ns->own_range && (!ent_same_idmaps(&u, 1, ns->uid_map, ns->n_uid_map) ||
	                       !ent_same_idmaps(&g, 1, ns->gid_map, ns->n_gid_map)))
		return oci_fail(c, field,
		                "differs from linux.uidMappings/gidMappings (only the container's "
		                "own mapping is supported)");
	c->plan->rootfs.idmap = true;
	return 0;
}

int oci_namespaces(struct oci_ctx *c, struct json_object *lnx)
{
	struct ns_spec *ns = &c->plan->ns;
	struct json_object *list;
	const char *paths[NS_COUNT] = { 0 };
	bool listed[NS_COUNT] = { false };

	if (oci_member(c, "linux", lnx, "namespaces", json_type_array, false, &list) < 0)
		return -1;
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (namespace_entry(c, i, json_object_array_get_idx(list, i), listed, paths) < 0)
			return -1;
	if (c->entitlements) {
		/* The entitlements decide what is shared; the engine's namespaces are joined. */
		for (int k = 0; k < NS_COUNT; k++)
			if (ns->unshare[k] && k != NS_USER && k != NS_MNT)
				ns->path[k] = paths[k];
		return 0;
	}
	if (!listed[NS_MNT])
		return oci_fail(c, "linux.namespaces",
		                "no mount namespace (ent-run builds the container's file system in "
		                "one of its own)");
	/* The container's file system is built in the joined namespace, which its root owns. */
	if (paths[NS_MNT] && listed[NS_USER])
		return oci_fail(
		        c, "linux.namespaces",
		        "a mount namespace joined by path needs the host's user namespace (a "
		        "new one could not mount in it)");
	for (int k = 0; k < NS_COUNT; k++) {
		ns->unshare[k] = listed[k];
		ns->why[k] = listed[k] ? WHY_LISTED : WHY_UNLISTED;
		ns->path[k] = paths[k];
	}
	c->plan->net.mode = listed[NS_NET] ? NETCFG_LOOPBACK : NETCFG_HOST;
	c->plan->net.why = ns->why[NS_NET];
	return compile_idmaps(c, lnx);
}

/* ---------------------------------------------------------------- devices */

/* Add a device node; a path listed twice keeps the first (the config's, before defaults). */
static int add_device(struct oci_ctx *c, const struct rootfs_device *d)
{
	struct rootfs_spec *fs = &c->plan->rootfs;

	for (unsigned i = 0; i < fs->n_devices; i++)
		if (!strcmp(fs->devices[i].path, d->path))
			return 0;
	if (fs->n_devices >= ENT_MAX_DEVICES)
		return oci_fail(c, "linux.devices", "too many devices (at most %d)",
		                ENT_MAX_DEVICES);
	fs->devices[fs->n_devices++] = *d;
	return 0;
}

static int allow_device(struct oci_ctx *c, char type, int64_t major, int64_t minor, const char *why)
{
	struct cgroup_spec *cg = &c->plan->cgroup;
	struct cgroup_devrule r = {
		.allow = true, .type = type, .major = major, .minor = minor, .access = "rwm"
	};

	if (cg->n_devrules >= ENT_MAX_DEVRULES)
		return oci_fail(c, "linux.resources.devices", "too many device rules (at most %d)",
		                ENT_MAX_DEVRULES);
	r.why = oci_str(c, why);
	cg->devrules[cg->n_devrules++] = r;
	return 0;
}

/* One linux.devices entry: made with mknod as host root, bound from the host otherwise. */
static int compile_device(struct oci_ctx *c, size_t i, struct json_object *o)
{
	const struct ns_spec *ns = &c->plan->ns;
	struct rootfs_device d = { 0 };
	char field[OCI_FIELD_MAX];
	const char *type, *path;
	int64_t v[5] = { 0, 0, 0666, 0, 0 };
	static const char *const keys[] = { "major", "minor", "fileMode", "uid", "gid" };

	oci_at(field, "linux.devices[%zu]", i);
	if (!json_object_is_type(o, json_type_object))
		return oci_fail(c, field, "expected an object");
	if (oci_string(c, field, o, "type", true, &type) < 0 ||
	    oci_string(c, field, o, "path", true, &path) < 0)
		return -1;
	for (size_t k = 0; k < 5; k++) {
		bool has;

		if (oci_int(c, field, o, keys[k], 0, k == 2 ? 07777 : UINT32_MAX - 1, &has, &v[k]) <
		    0)
			return -1;
		if (!has && k < 2 && strcmp(type, "p"))
			return oci_fail(c, field, "%s missing (required)", keys[k]);
	}
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return oci_fail(c, field, "unknown type '%.20s' (expected: c, b, u, p)", type);
	if (path[0] != '/')
		return oci_fail(c, field, "path '%.60s' is not absolute", path);
	d.path = oci_str(c, path);
	d.why = oci_str(c, field);
	d.type = type[0] == 'u' ? 'c' : type[0];
	d.major = (uint32_t)v[0];
	d.minor = (uint32_t)v[1];
	d.mode = (uint32_t)v[2];
	d.uid = (uint32_t)v[3];
	d.gid = (uint32_t)v[4];
	if (ns->unshare[NS_USER]) {
		/* A user namespace may not mknod: the host's node at the same path is bound. */
		if (d.type == 'p')
			return oci_fail(c, field, "a FIFO cannot be passed into a user namespace");
		d.idmap = ns->own_range;
	} else {
		d.mknod = true;
	}
	if (add_device(c, &d) < 0)
		return -1;
	return d.type == 'p' ? 0 : allow_device(c, d.type, d.major, d.minor, field);
}

/*
 * The config's devices, then the runtime-spec's default devices (null, zero, full, random,
 * urandom, tty, and the terminals of the container's devpts), each allowed in the device
 * cgroup after the config's own rules, as runc does.
 */
static int compile_devices(struct oci_ctx *c, struct json_object *lnx)
{
	struct json_object *list;

	if (oci_member(c, "linux", lnx, "devices", json_type_array, false, &list) < 0)
		return -1;
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (compile_device(c, i, json_object_array_get_idx(list, i)) < 0)
			return -1;
	for (size_t i = 0; i < ent_n_dev_nodes; i++) {
		const struct ent_dev_node *n = &ent_dev_nodes[i];
		struct rootfs_device d = { .path = n->path, .idmap = false, .why = WHY_DEFAULT };

		if (add_device(c, &d) < 0 ||
		    allow_device(c, n->type, n->major, n->minor, d.why) < 0)
			return -1;
	}
	/* /dev/pts/ptmx and /dev/pts/N of the container's own devpts. */
	if (allow_device(c, 'c', 5, 2, WHY_DEFAULT) < 0 ||
	    allow_device(c, 'c', 136, -1, WHY_DEFAULT))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- sysctl, paths */

static bool sysctl_key_valid(const char *key)
{
	if (!key[0] || key[0] == '.' || key[0] == '/' || strstr(key, ".."))
		return false;
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-/", *p))
			return false;
	return true;
}

static int compile_sysctl(struct oci_ctx *c, struct json_object *lnx)
{
	struct ns_spec *ns = &c->plan->ns;
	struct json_object *obj;
	char field[OCI_FIELD_MAX];

	if (oci_member(c, "linux", lnx, "sysctl", json_type_object, false, &obj) < 0)
		return -1;
	if (!obj)
		return 0;
	json_object_object_foreach(obj, key, val)
	{
		int kind = -1;

		oci_at(field, "linux.sysctl.%s", key);
		if (!json_object_is_type(val, json_type_string))
			return oci_fail(c, field, "expected a string");
		if (!sysctl_key_valid(key))
			return oci_fail(c, field, "not a kernel parameter name");
		for (size_t i = 0; i < ARRAY_SIZE(sysctl_namespaces) && kind < 0; i++)
			if (!strncmp(key, sysctl_namespaces[i].prefix,
			             strlen(sysctl_namespaces[i].prefix)))
				kind = (int)sysctl_namespaces[i].ns;
		if (kind < 0)
			return oci_fail(c, field,
			                "not a namespaced parameter (it would change the host)");
		if (!ns->unshare[kind])
			return oci_fail(c, field, "needs a %s namespace of the container's own",
			                ent_ns_names[kind].prose);
		if (ns->n_sysctls >= ENT_MAX_SYSCTLS)
			return oci_fail(c, field, "too many (at most %d)", ENT_MAX_SYSCTLS);
		ns->sysctls[ns->n_sysctls++] = (struct ent_sysctl){
			.key = oci_str(c, key),
			.value = oci_str(c, json_object_get_string(val)),
			.why = oci_str(c, field),
		};
	}
	return 0;
}

/* linux.maskedPaths or readonlyPaths: the config's lists (ent-run adds none of its own). */
static int compile_paths(struct oci_ctx *c, struct json_object *lnx, const char *key,
                         struct rootfs_path *list, unsigned *n)
{
	struct json_object *arr;
	char field[OCI_FIELD_MAX];

	oci_sub(field, "linux", key);
	if (oci_member(c, "linux", lnx, key, json_type_array, false, &arr) < 0)
		return -1;
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *path = json_object_get_string(v);

		oci_at(field, "linux.%s[%zu]", key, i);
		if (!json_object_is_type(v, json_type_string) || path[0] != '/')
			return oci_fail(c, field, "expected an absolute path");
		/* As --volume and --tmpfs: "/proc/.." would name (and mask) the rootfs itself. */
		if (path_has_dotdot(path))
			return oci_fail(
			        c, field,
			        "'%.80s' contains '..' (expected a path inside the container "
			        "without '..')",
			        path);
		if (*n >= ENT_MAX_PATHS)
			return oci_fail(c, field, "too many paths (at most %d)", ENT_MAX_PATHS);
		list[*n].path = oci_str(c, path);
		list[(*n)++].why = oci_str(c, field);
	}
	return 0;
}

static int compile_propagation(struct oci_ctx *c, struct json_object *lnx)
{
	const char *p;

	if (oci_string(c, "linux", lnx, "rootfsPropagation", false, &p) < 0)
		return -1;
	if (p && p[0] && !oci_propagation(p, &c->plan->rootfs.propagation))
		return oci_fail(c, "linux.rootfsPropagation",
		                "'%.20s' is not a propagation (expected: shared, slave, private, "
		                "unbindable, or the same with an r)",
		                p);
	return 0;
}

/* ---------------------------------------------------------------- seccomp */

/*
 * linux.seccomp through the profile importer; without one the container runs unconfined (the
 * node policy's "allow seccomp unconfined").
 */
static int compile_seccomp(struct oci_ctx *c, struct json_object *lnx)
{
	struct lockdown_spec *ld = &c->plan->lockdown;
	struct json_object *sc, *copy = NULL;
	char source[ENT_PATH_MAX + 32];
	struct ent_seccomp_host host = { .caps = ld->caps.bounding,
		                         .kernel_major = c->in->host.kernel_major,
		                         .kernel_minor = c->in->host.kernel_minor };
	const char *text;
	int r;

	if (oci_member(c, "linux", lnx, "seccomp", json_type_object, false, &sc) < 0)
		return -1;
	if (!sc) {
		ld->seccomp_mode = LOCKDOWN_SECCOMP_UNCONFINED;
		ld->seccomp_ref = "unconfined";
		ld->seccomp_why = "linux.seccomp (none)";
		ent_lockdown_clear_rules(ld);
		return 0;
	}
	if (oci_refuse(c, "linux.seccomp", sc, seccomp_unsupported,
	               ARRAY_SIZE(seccomp_unsupported)) < 0)
		return -1;
	/* The importer reads a profile: the OCI-only fields (empty, as checked) go first. */
	if (json_object_deep_copy(sc, &copy, NULL) < 0 || !copy)
		return rt_fail(c->err, ENOMEM, "%s: linux.seccomp", c->source);
	for (size_t i = 0; i < ARRAY_SIZE(seccomp_unsupported); i++)
		json_object_object_del(copy, seccomp_unsupported[i].key);
	text = json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN);
	snprintf(source, sizeof(source), "%s (linux.seccomp)", c->source);
	r = text ? ent_seccomp_import_json(text, strlen(text), oci_str(c, source), &host, ld,
	                                   c->err)
	         : rt_fail(c->err, ENOMEM, "%s: linux.seccomp", c->source);
	json_object_put(copy);
	ld->seccomp_ref = NULL;
	ld->seccomp_why = "linux.seccomp";
	return r;
}

int oci_linux(struct oci_ctx *c, struct json_object *lnx)
{
	struct rootfs_spec *fs = &c->plan->rootfs;
	struct json_object *idmap = NULL;

	if (oci_refuse(c, "linux", lnx, linux_unsupported, ARRAY_SIZE(linux_unsupported)) < 0 ||
	    oci_selinux_label(c, "linux", lnx, "mountLabel") < 0 || compile_sysctl(c, lnx) < 0 ||
	    compile_propagation(c, lnx) < 0)
		return -1;
	if (c->annotations && !c->entitlements &&
	    json_object_object_get_ex(c->annotations, ENT_OCI_ANNOTATION_ROOTFS_IDMAP, &idmap) &&
	    compile_rootfs_idmap(c, json_object_get_string(idmap)) < 0)
		return -1;
	if (c->entitlements)
		return 0;
	if (compile_devices(c, lnx) < 0 ||
	    compile_paths(c, lnx, "maskedPaths", fs->masked, &fs->n_masked) < 0 ||
	    compile_paths(c, lnx, "readonlyPaths", fs->readonly_paths, &fs->n_readonly) < 0)
		return -1;
	return compile_seccomp(c, lnx);
}
