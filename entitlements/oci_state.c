/*
 * entitlements/oci_state.c - the state of an OCI container as JSON: the record ent-run keeps in
 * ROOT/ID/state.json, and the state document of `ent-run state` (runtime-spec runtime.md
 * "State"). Pure code with json-c: runtime/oci_state.c does the file work.
 */
#include "entitlements/oci.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

static void jadd(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* Print o pretty, one object and a newline, then free it. */
static int print_object(FILE *out, struct json_object *o, const char *what, struct rt_err *err)
{
	const char *text = json_object_to_json_string_ext(
	        o,
	        JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	int r = 0;

	if (!text)
		r = rt_fail(err, ENOMEM, "%s: format the JSON", what);
	else if (fprintf(out, "%s\n", text) < 0 || fflush(out) == EOF)
		r = rt_fail(err, errno ? errno : EIO, "%s: write", what);
	json_object_put(o);
	return r;
}

int ent_oci_state_write(FILE *out, const struct ent_oci_state *st, struct rt_err *err)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cgroups = json_object_new_array();

	if (!o || !cgroups) {
		json_object_put(o);
		json_object_put(cgroups);
		return rt_fail(err, ENOMEM, "state: build the record");
	}
	jadd(o, "id", json_object_new_string(st->id));
	jadd(o, "bundle", json_object_new_string(st->bundle));
	jadd(o, "pid", json_object_new_int64(st->pid));
	jadd(o, "starttime", json_object_new_uint64(st->starttime));
	jadd(o, "created", json_object_new_string(st->created));
	jadd(o, "idsLease", json_object_new_string(st->ids_lease));
	for (unsigned i = 0; i < st->n_cgroups; i++)
		json_object_array_add(cgroups, json_object_new_string(st->cgroups[i]));
	jadd(o, "cgroups", cgroups);
	return print_object(out, o, "state", err);
}

/* A string member copied into buf (size bytes): required, and it must fit. */
static int get_string(struct json_object *o, const char *key, char *buf, size_t size,
                      const char *source, struct rt_err *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return rt_fail(err, 0, "%s: %s: missing or not a string", source, key);
	if ((size_t)json_object_get_string_len(v) >= size)
		return rt_fail(err, 0, "%s: %s: too long", source, key);
	memcpy(buf, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
	return 0;
}

static int get_cgroups(struct json_object *o, struct ent_oci_state *st, const char *source,
                       struct rt_err *err)
{
	struct json_object *a;

	if (!json_object_object_get_ex(o, "cgroups", &a) ||
	    !json_object_is_type(a, json_type_array))
		return rt_fail(err, 0, "%s: cgroups: missing or not an array", source);
	if (json_object_array_length(a) > ENT_OCI_MAX_CGROUPS)
		return rt_fail(err, 0, "%s: cgroups: more than %d", source, ENT_OCI_MAX_CGROUPS);
	st->n_cgroups = 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_string) ||
		    (size_t)json_object_get_string_len(v) >= sizeof(st->cgroups[0]))
			return rt_fail(err, 0, "%s: cgroups[%zu]: not a path", source, i);
		copy_text(st->cgroups[st->n_cgroups++], sizeof(st->cgroups[0]),
		          json_object_get_string(v));
	}
	return 0;
}

int ent_oci_state_read(const char *text, size_t len, const char *source, struct ent_oci_state *st,
                       struct rt_err *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
	struct json_object *pid, *start;
	int r = -1;

	memset(st, 0, sizeof(*st));
	if (tok)
		json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		rt_fail(err, 0, "%s: not a state record", source);
		goto out;
	}
	if (get_string(o, "id", st->id, sizeof(st->id), source, err) < 0 ||
	    get_string(o, "bundle", st->bundle, sizeof(st->bundle), source, err) < 0 ||
	    get_string(o, "created", st->created, sizeof(st->created), source, err) < 0 ||
	    get_string(o, "idsLease", st->ids_lease, sizeof(st->ids_lease), source, err) < 0 ||
	    get_cgroups(o, st, source, err) < 0)
		goto out;
	if (!json_object_object_get_ex(o, "pid", &pid) ||
	    !json_object_is_type(pid, json_type_int) ||
	    !json_object_object_get_ex(o, "starttime", &start) ||
	    !json_object_is_type(start, json_type_int)) {
		rt_fail(err, 0, "%s: pid or starttime: missing or not a number", source);
		goto out;
	}
	st->pid = (long)json_object_get_int64(pid);
	st->starttime = json_object_get_uint64(start);
	r = 0;
out:
	json_object_put(o);
	return r;
}

/* The config's annotations object, copied; an empty object when there is none. */
static struct json_object *annotations_of(const char *config, size_t len)
{
	struct json_tokener *tok = config ? json_tokener_new() : NULL;
	struct json_object *doc = tok ? json_tokener_parse_ex(tok, config, (int)len) : NULL;
	struct json_object *a, *copy = NULL;

	if (tok)
		json_tokener_free(tok);
	if (doc && json_object_object_get_ex(doc, "annotations", &a) &&
	    json_object_is_type(a, json_type_object))
		json_object_deep_copy(a, &copy, NULL);
	json_object_put(doc);
	return copy ? copy : json_object_new_object();
}

int ent_oci_state_print(FILE *out, const struct ent_oci_state *st, const char *status,
                        const char *config, size_t config_len, struct rt_err *err)
{
	struct json_object *o = json_object_new_object();
	bool stopped = !strcmp(status, "stopped");

	if (!o)
		return rt_fail(err, ENOMEM, "state: build the document");
	jadd(o, "ociVersion", json_object_new_string(ENT_OCI_VERSION));
	jadd(o, "id", json_object_new_string(st->id));
	jadd(o, "status", json_object_new_string(status));
	/* runtime.md: pid is REQUIRED when created or running, and means nothing once stopped. */
	jadd(o, "pid", json_object_new_int64(stopped ? 0 : st->pid));
	jadd(o, "bundle", json_object_new_string(st->bundle));
	jadd(o, "annotations", annotations_of(config, config_len));
	jadd(o, "created", json_object_new_string(st->created));
	return print_object(out, o, "state", err);
}

int ent_oci_log_line(char *buf, size_t size, bool json, const char *level, const char *msg,
                     const char *time)
{
	struct json_object *o;
	const char *text;
	int n;

	if (!json) {
		/* logrus's text form, as runc writes it: time="..." level=error msg="..." */
		struct json_object *quoted = json_object_new_string(msg);

		text = quoted ? json_object_to_json_string_ext(
		                        quoted,
		                        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
		              : NULL;
		n = snprintf(buf, size, "time=\"%s\" level=%s msg=%s\n", time, level,
		             text ? text : "\"\"");
		json_object_put(quoted);
		return n < 0 || (size_t)n >= size ? -1 : n;
	}
	o = json_object_new_object();
	if (!o)
		return -1;
	jadd(o, "level", json_object_new_string(level));
	jadd(o, "msg", json_object_new_string(msg));
	jadd(o, "time", json_object_new_string(time));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
	n = text ? snprintf(buf, size, "%s\n", text) : -1;
	json_object_put(o);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
