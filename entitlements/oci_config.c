/*
 * entitlements/oci_config.c - an OCI config.json compiled into a plan: the document, the
 * process, the root, the host name and the mounts (runtime-spec config.md). The "linux" object
 * is in oci_linux.c and oci_resources.c. See oci.h for the contract.
 *
 * A config is read with json-c, strictly (no comments, no trailing data). Every field the
 * runtime-spec defines is either carried into the plan or refused by name; properties the spec
 * does not define are ignored, as the spec requires of runtimes. Pure code: the bundle's files
 * are read by runtime/, and paths are only joined here, never looked up.
 */
#include "entitlements/oci_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "base/util.h"
#include "entitlements/explain.h"
#include "entitlements/names.h"
#include "entitlements/seccomp_json.h"

#define JSON_MAX_DEPTH 32

/* clang-format off */
/* Fields of the document that ent-run does not implement. */
static const struct oci_unsupported top_unsupported[] = {
	{ "solaris", "a Solaris container" },
	{ "windows", "a Windows container" },
	{ "vm",      "a virtual-machine container" },
	{ "zos",     "a z/OS container" },
};


/*
 * Mount options that clear a flag (mount(8)); those that set one come from names.h's table.
 * Propagation other than private is refused: every mount of a container is private (its mount
 * namespace is made private first).
 */
const struct oci_clearing_option oci_clearing_options[] = {
	{ "rw",            MS_RDONLY },      { "suid",          MS_NOSUID },
	{ "dev",           MS_NODEV },       { "exec",          MS_NOEXEC },
	{ "async",         MS_SYNCHRONOUS }, { "atime",         MS_NOATIME },
	{ "diratime",      MS_NODIRATIME },  { "norelatime",    MS_RELATIME },
	{ "nostrictatime", MS_STRICTATIME }, { "nolazytime",    MS_LAZYTIME },
	{ "nomand",        MS_MANDLOCK },    { "defaults",      0 },
};
const size_t oci_n_clearing_options = ARRAY_SIZE(oci_clearing_options);

/* Options runtimes other than runc invented: refused by name. */
static const char *const foreign_options[] = {
	"tmpcopyup", "copy-symlink", "src-nofollow", "dest-nofollow", "nosymfollow",
	"r", "rro", "rrw", "rnosuid", "rnodev", "rnoexec", "ratime", "rnoatime",
};

/* The kernel filesystems a plan compiled from entitlements already mounts. */
static const char *const kernel_fstypes[] = {
	"proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2",
};
/* clang-format on */

/* ---------------------------------------------------------------- root, names */

/* A path of the bundle: absolute as it is, relative below the bundle directory. */
static const char *bundle_path(const struct oci_ctx *c, const char *path)
{
	char joined[ENT_PATH_MAX];

	if (path[0] == '/')
		return oci_str(c, path);
	if (snprintf(joined, sizeof(joined), "%s/%s", c->in->bundle, path) >= (int)sizeof(joined))
		return NULL;
	return oci_str(c, joined);
}

static int compile_root(struct oci_ctx *c, struct json_object *doc)
{
	struct json_object *root, *ro;
	const char *path;

	if (oci_member(c, "", doc, "root", json_type_object, true, &root) < 0 ||
	    oci_string(c, "root", root, "path", true, &path) < 0 ||
	    oci_member(c, "root", root, "readonly", json_type_boolean, false, &ro) < 0)
		return -1;
	if (!path[0])
		return oci_fail(c, "root.path", "empty");
	c->plan->rootfs.root = bundle_path(c, path);
	if (!c->plan->rootfs.root)
		return oci_fail(c, "root.path", "too long");
	/* security.fs=read-only (an entitlement) is kept when the config says false. */
	if (ro && json_object_get_boolean(ro)) {
		c->plan->rootfs.readonly = true;
		c->plan->rootfs.readonly_why = "root.readonly";
	}
	return 0;
}

/*
 * hostname and domainname: set inside a UTS namespace of the container's own, or the one it
 * joins (runc does the same), never the host's.
 */
static int compile_names(struct oci_ctx *c, struct json_object *doc)
{
	struct ns_spec *ns = &c->plan->ns;
	const char *keys[] = { "hostname", "domainname" };
	char *dst[] = { ns->hostname, ns->domainname };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *name;

		if (oci_string(c, "", doc, keys[i], false, &name) < 0)
			return -1;
		if (!name)
			continue;
		if (strlen(name) >= sizeof(ns->hostname))
			return oci_fail(c, keys[i], "too long (at most %zu bytes)",
			                sizeof(ns->hostname) - 1);
		if (name[0] && !ns->unshare[NS_UTS])
			return oci_fail(c, keys[i], "needs a UTS namespace of the container's own");
		memcpy(dst[i], name, strlen(name) + 1);
	}
	return 0;
}

/* ---------------------------------------------------------------- mounts */

struct mount_opts {
	unsigned long flags;
	unsigned long propagation;
	char data[512];
	bool idmap;
};

/* One option word of mounts[].options. Returns 0, or -1 with the error. */
static int mount_option(struct oci_ctx *c, const char *field, const char *o, struct mount_opts *m)
{
	size_t used = strlen(m->data);

	if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
		m->flags |= MS_BIND | (o[0] == 'r' ? MS_REC : 0);
		return 0;
	}
	if (!strcmp(o, "idmap") || !strcmp(o, "ridmap")) {
		m->idmap = true;
		return 0;
	}
	if (oci_propagation(o, &m->propagation))
		return 0;
	for (size_t i = 0; i < ent_n_mount_flags; i++) {
		const struct ent_mount_flag *f = &ent_mount_flags[i];

		if (f->option && !strcmp(o, f->option)) {
			m->flags |= f->flag;
			return 0;
		}
	}
	for (size_t i = 0; i < oci_n_clearing_options; i++) {
		if (!strcmp(o, oci_clearing_options[i].name)) {
			m->flags &= ~oci_clearing_options[i].flag;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(foreign_options); i++)
		if (!strcmp(o, foreign_options[i]))
			return oci_fail(c, field, "'%s' is not supported", o);
	/* Anything else is the filesystem's own (mode=755, size=64m, newinstance). */
	if (!o[0] || strchr(o, ',') || used + strlen(o) + 2 > sizeof(m->data))
		return oci_fail(c, field, "bad option '%.60s'", o);
	snprintf(m->data + used, sizeof(m->data) - used, "%s%s", used ? "," : "", o);
	return 0;
}

bool oci_propagation(const char *word, unsigned long *flags)
{
	bool rec = word[0] == 'r' && strcmp(word, "r");
	const char *name = rec ? word + 1 : word;

	for (size_t i = 0; i < ent_n_mount_flags; i++) {
		const struct ent_mount_flag *f = &ent_mount_flags[i];

		if (!(f->flag & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)) ||
		    strcmp(name, f->option))
			continue;
		*flags = f->flag | (rec ? MS_REC : 0);
		return true;
	}
	return false;
}

/* Is this mount the kernel filesystem an entitlement plan already provides? */
static bool provided_by_entitlements(const char *type, const char *destination)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_fstypes); i++)
		if (!strcmp(type, kernel_fstypes[i]))
			return true;
	return !strcmp(type, "tmpfs") && !strcmp(destination, "/dev");
}

/* A cgroup v1 mount that names its controllers mounts that hierarchy; one that does not is
 * "the container's cgroups" (runc's reading). */
static bool names_controller(const char *data)
{
	return data[0] != '\0';
}

/* The idmap option: the container's own user namespace mappings, or none. */
static int mount_idmap(struct oci_ctx *c, const char *field, struct json_object *mount,
                       struct rootfs_mount *m)
{
	const struct ns_spec *ns = &c->plan->ns;
	struct json_object *uids, *gids;
	struct ns_idmap map[ENT_MAX_IDMAP];
	char at[OCI_FIELD_MAX];
	unsigned n;

	if (strcmp(m->fstype, "bind"))
		return oci_fail(c, field, "'idmap' needs a bind mount");
	if (!ns->unshare[NS_USER])
		return oci_fail(c, field, "'idmap' needs a user namespace");
	if (oci_member(c, field, mount, "uidMappings", json_type_array, false, &uids) < 0 ||
	    oci_member(c, field, mount, "gidMappings", json_type_array, false, &gids) < 0)
		return -1;
	oci_sub(at, field, "uidMappings");
	if (uids && (oci_idmap(c, at, uids, map, &n) < 0 ||
	             (!ns->own_range && !ent_same_idmaps(map, n, ns->uid_map, ns->n_uid_map))))
		return c->err->msg[0] ? -1
		                      : oci_fail(c, at,
		                                 "only the container's own mappings are "
		                                 "supported");
	oci_sub(at, field, "gidMappings");
	if (gids && (oci_idmap(c, at, gids, map, &n) < 0 ||
	             (!ns->own_range && !ent_same_idmaps(map, n, ns->gid_map, ns->n_gid_map))))
		return c->err->msg[0] ? -1
		                      : oci_fail(c, at,
		                                 "only the container's own mappings are "
		                                 "supported");
	m->idmap = true;
	return 0;
}

/* Under a node policy, a tmpfs without a size gets the ceiling (as --tmpfs does). */
static void size_tmpfs(const struct oci_ctx *c, struct mount_opts *o)
{
	int64_t bytes = c->in->limits.has_tmpfs ? c->in->limits.tmpfs_bytes : ENT_TMPFS_DEFAULT;

	if (c->in->has_policy && ent_tmpfs_size(o->data) < 0)
		ent_tmpfs_set_size(o->data, sizeof(o->data), bytes);
}

static int compile_mount(struct oci_ctx *c, size_t i, struct json_object *mount)
{
	struct rootfs_mount m = { 0 };
	struct json_object *options;
	struct mount_opts o = { 0 };
	const char *dest, *type, *source;
	char field[OCI_FIELD_MAX], at[OCI_FIELD_MAX], dst[ENT_PATH_MAX];

	oci_at(field, "mounts[%zu]", i);
	if (!json_object_is_type(mount, json_type_object))
		return oci_fail(c, field, "expected an object, got %s", oci_type_name(mount));
	if (oci_string(c, field, mount, "destination", true, &dest) < 0 ||
	    oci_string(c, field, mount, "type", false, &type) < 0 ||
	    oci_string(c, field, mount, "source", false, &source) < 0 ||
	    oci_member(c, field, mount, "options", json_type_array, false, &options) < 0)
		return -1;
	for (size_t k = 0; options && k < json_object_array_length(options); k++) {
		struct json_object *w = json_object_array_get_idx(options, k);

		oci_at(at, "%s.options[%zu]", field, k);
		if (!json_object_is_type(w, json_type_string))
			return oci_fail(c, at, "expected a string, got %s", oci_type_name(w));
		if (mount_option(c, at, json_object_get_string(w), &o) < 0)
			return -1;
	}
	/* runtime-spec 1.1: a relative destination is relative to the container's "/". */
	if (snprintf(dst, sizeof(dst), "%s%s", dest[0] == '/' ? "" : "/", dest) >= (int)sizeof(dst))
		return oci_fail(c, field, "destination too long");
	/* As --volume and --tmpfs: "/proc/.." would name (and cover) the rootfs itself. */
	if (path_has_dotdot(dst))
		return oci_fail(c, field,
		                "destination '%.80s' contains '..' (expected a path inside the "
		                "container without '..')",
		                dest);
	if (!type || !type[0] || !strcmp(type, "none"))
		type = (o.flags & MS_BIND) ? "bind" : NULL;
	if (!type)
		return oci_fail(c, field, "no type (and not a bind mount)");
	if (!strcmp(type, "bind"))
		o.flags |= MS_BIND;
	if (c->entitlements && !(o.flags & MS_BIND) && provided_by_entitlements(type, dst))
		return 0;
	if (((!strcmp(type, "cgroup") && !names_controller(o.data)) || !strcmp(type, "cgroup2")) &&
	    !(c->plan->ns.unshare[NS_CGROUP] && !c->plan->ns.path[NS_CGROUP] &&
	      !strcmp(type, "cgroup2")))
		return oci_cgroup_mount(c, field, dst, !strcmp(type, "cgroup2"),
		                        o.flags & MS_RDONLY);
	m.target = dst;
	m.flags = o.flags;
	m.propagation = o.propagation;
	m.why = field;
	/* Mappings without the option would be ignored: the mount would not be idmapped. */
	if (!o.idmap && (json_object_object_get_ex(mount, "uidMappings", NULL) ||
	                 json_object_object_get_ex(mount, "gidMappings", NULL)))
		return oci_fail(c, field,
		                "uidMappings/gidMappings need the 'idmap' (or 'ridmap') option");
	if (o.flags & MS_BIND) {
		if (!source || !source[0])
			return oci_fail(c, field, "a bind mount needs a source");
		m.fstype = "bind";
		m.source = bundle_path(c, source);
		m.volume = true;
		if (!m.source)
			return oci_fail(c, field, "source too long");
		if (o.idmap && mount_idmap(c, field, mount, &m) < 0)
			return -1;
		/* ent-run chose the container's ids (own range): its binds are idmapped, as
		 * --volume's are, so that host files keep their owners inside. */
		m.idmap = m.idmap || c->plan->ns.own_range;
	} else {
		if (o.idmap)
			return oci_fail(c, field, "'idmap' needs a bind mount");
		if (!strcmp(type, "tmpfs"))
			size_tmpfs(c, &o);
		m.fstype = type;
		m.source = source && source[0] ? source : type;
		m.data = o.data[0] ? o.data : NULL;
	}
	return ent_plan_add_mount(c->plan, &m, field, c->err);
}

static int compile_mounts(struct oci_ctx *c, struct json_object *doc)
{
	struct json_object *mounts;

	if (oci_member(c, "", doc, "mounts", json_type_array, false, &mounts) < 0)
		return -1;
	for (size_t i = 0; mounts && i < json_object_array_length(mounts); i++) {
		if (compile_mount(c, i, json_object_array_get_idx(mounts, i)) < 0) {
			if (!strstr(c->err->msg, c->source))
				rt_err_prefix(c->err, "%s: mounts[%zu]", c->source, i);
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- the document */

static struct json_object *parse_json(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	struct json_object *root;
	size_t end;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success)
		end = 0;
	json_tokener_free(tok);
	while (root && end < len && isspace((unsigned char)text[end]))
		end++;
	if (root && end == len)
		return root;
	json_object_put(root);
	return NULL;
}

/* The JSON text of config.json, parsed: an object, or NULL with the error. */
static struct json_object *parse_config(const struct oci_ctx *c, const char *text, size_t len)
{
	struct json_object *doc;

	if (len > ENT_OCI_CONFIG_MAX) {
		oci_fail(c, NULL, "too large (%zu bytes, at most %u)", len, ENT_OCI_CONFIG_MAX);
		return NULL;
	}
	doc = parse_json(text, len);
	if (!doc) {
		oci_fail(c, NULL, "not valid JSON");
		return NULL;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		oci_fail(c, NULL, "expected a JSON object, got %s", oci_type_name(doc));
		json_object_put(doc);
		return NULL;
	}
	/* What json-c lets through (a duplicate key, NUL in a string) as the seccomp importer. */
	if (ent_json_scan_config(text, len, c->source, c->err) < 0) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

int ent_oci_annotation(const char *text, size_t len, const char *key, char *buf, size_t size)
{
	struct json_object *doc = parse_json(text, len);
	struct json_object *a, *v;
	int r = 0;

	if (doc && json_object_object_get_ex(doc, "annotations", &a) &&
	    json_object_object_get_ex(a, key, &v) && json_object_is_type(v, json_type_string)) {
		r = (size_t)json_object_get_string_len(v) < size ? 1 : -1;
		if (r > 0)
			snprintf(buf, size, "%s", json_object_get_string(v));
	}
	json_object_put(doc);
	return r;
}

/* The annotations must be strings; run.ent.entitlements decides how security is read. */
static int compile_annotations(struct oci_ctx *c, struct json_object *doc,
                               struct json_object **entitlements)
{
	struct json_object *a;
	char field[OCI_FIELD_MAX];

	*entitlements = NULL;
	if (oci_member(c, "", doc, "annotations", json_type_object, false, &a) < 0)
		return -1;
	if (!a)
		return 0;
	c->annotations = a;
	json_object_object_foreach(a, key, val)
	{
		oci_at(field, "annotations.%s", key);
		if (!json_object_is_type(val, json_type_string))
			return oci_fail(c, field, "expected a string, got %s", oci_type_name(val));
		if (!strcmp(key, ENT_OCI_ANNOTATION_ENTITLEMENTS))
			*entitlements = val;
	}
	return 0;
}

static int compile_version(struct oci_ctx *c, struct json_object *doc)
{
	const char *version;

	if (oci_string(c, "", doc, "ociVersion", true, &version) < 0)
		return -1;
	if (strncmp(version, "1.", 2))
		return oci_fail(c, "ociVersion", "'%.40s' is not a 1.x version of the runtime-spec",
		                version);
	return 0;
}

/* The plan's base when the entitlements annotation is there: ent_compile of the list. */
static int compile_entitlements(struct oci_ctx *c, struct json_object *list)
{
	struct ent_request *req = calloc(1, sizeof(*req));
	char *copy = strdup(json_object_get_string(list));
	char *save = NULL;
	int r = -1;

	if (!req || !copy) {
		rt_fail(c->err, ENOMEM, "%s: annotations", c->source);
		goto out;
	}
	for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*e))
			e++;
		for (char *end = e + strlen(e); end > e && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		if (!*e)
			continue;
		if (req->n_entitlements >= ENT_MAX_REQ_ITEMS) {
			oci_fail(c, "annotations." ENT_OCI_ANNOTATION_ENTITLEMENTS,
			         "too many entitlements (at most %d)", ENT_MAX_REQ_ITEMS);
			goto out;
		}
		req->entitlement_from[req->n_entitlements] =
		        "annotation " ENT_OCI_ANNOTATION_ENTITLEMENTS;
		req->entitlements[req->n_entitlements++] = e;
	}
	req->host = c->in->host;
	req->limits = c->in->limits;
	r = ent_compile(req, c->plan, c->err);
	if (r < 0)
		rt_err_prefix(c->err, "%s: annotations." ENT_OCI_ANNOTATION_ENTITLEMENTS,
		              c->source);
out:
	free(copy);
	free(req);
	return r;
}

/* The parts in their order: namespaces first (mounts and names depend on them). */
static int compile_document(struct oci_ctx *c, struct json_object *doc)
{
	struct json_object *ents, *proc, *lnx;

	if (compile_version(c, doc) < 0 ||
	    oci_refuse(c, "", doc, top_unsupported, ARRAY_SIZE(top_unsupported)) < 0 ||
	    compile_annotations(c, doc, &ents) < 0)
		return -1;
	c->entitlements = ents != NULL;
	if (ents && compile_entitlements(c, ents) < 0)
		return -1;
	if (oci_member(c, "", doc, "process", json_type_object, true, &proc) < 0 ||
	    oci_member(c, "", doc, "linux", json_type_object, false, &lnx) < 0)
		return -1;
	if (!lnx)
		return oci_fail(c, "linux", "missing (ent-run runs Linux containers)");
	if (oci_namespaces(c, lnx) < 0 || oci_resources(c, lnx) < 0)
		return -1;
	if (oci_process(c, "process", proc) < 0 || compile_root(c, doc) < 0 ||
	    compile_names(c, doc) < 0 || compile_mounts(c, doc) < 0)
		return -1;
	/* As `ent-run --entitle` does once the cgroup is known: the container's /sys/fs/cgroup. */
	if (c->entitlements && ent_compile_cgroupfs(&c->in->host, c->plan, c->err) < 0)
		return -1;
	if (oci_hooks(c, doc) < 0)
		return -1;
	return oci_linux(c, lnx);
}

int ent_oci_compile(const struct ent_oci_input *in, struct ent_plan *plan, struct rt_err *err)
{
	struct oci_ctx c = { .in = in, .source = in->source, .plan = plan, .err = err };
	struct json_object *doc = parse_config(&c, in->text, in->len);
	int r;

	if (!doc)
		return -1;
	r = compile_document(&c, doc);
	json_object_put(doc);
	if (r == 0 && plan->strings_failed)
		return rt_fail(err, ENOMEM, "%s: the plan's strings", in->source);
	return r;
}

/* A document of its own (exec's process.json, a saved config's hooks) through one part. */
static int compile_alone(const char *text, size_t len, const char *source, struct ent_plan *plan,
                         int (*part)(struct oci_ctx *c, struct json_object *doc),
                         struct rt_err *err)
{
	struct ent_oci_input in = { .text = text, .len = len, .source = source, .bundle = "/" };
	struct oci_ctx c = { .in = &in, .source = source, .plan = plan, .err = err };
	struct json_object *doc = parse_config(&c, text, len);
	int r;

	if (!doc)
		return -1;
	r = part(&c, doc);
	json_object_put(doc);
	if (r == 0 && plan->strings_failed)
		return rt_fail(err, ENOMEM, "%s: the plan's strings", source);
	return r;
}

/* process.json: a process object at the top, replacing the plan's (rlimits included). */
static int process_alone(struct oci_ctx *c, struct json_object *doc)
{
	c->plan->proc.n_rlimits = 0;
	return oci_process(c, "", doc);
}

int ent_oci_compile_process(const char *text, size_t len, const char *source, struct ent_plan *plan,
                            struct rt_err *err)
{
	return compile_alone(text, len, source, plan, process_alone, err);
}

int ent_oci_hooks(const char *text, size_t len, const char *source, struct ent_plan *plan,
                  struct rt_err *err)
{
	return compile_alone(text, len, source, plan, oci_hooks, err);
}

bool ent_oci_id_valid(const char *id)
{
	size_t len = strlen(id);

	if (!len || len >= ENT_OCI_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+.-", *p))
			return false;
	return true;
}
