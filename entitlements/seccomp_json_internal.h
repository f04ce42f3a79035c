/*
 * entitlements/seccomp_json_internal.h - what the files of the seccomp profile importer share:
 * the state of one import, and the JSON accessors that report errors by their location
 * ("seccomp profile FILE: syscalls[3].args[0].op: expected string, got int").
 */
#ifndef ENT_SECCOMP_JSON_INTERNAL_H
#define ENT_SECCOMP_JSON_INTERNAL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "entitlements/plan.h"
#include "entitlements/seccomp_json.h"

#define JSON_PATH_MAX  96
#define JSON_MAX_DEPTH 32 /* a profile nests 5 deep; the tokener refuses anything deeper */

/* The Go name of the native architecture, as Docker profiles spell it ("amd64"). */
#if defined(__x86_64__)
#define NATIVE_GO_ARCH "amd64"
#elif defined(__aarch64__)
#define NATIVE_GO_ARCH "arm64"
#elif defined(__i386__)
#define NATIVE_GO_ARCH "x86"
#elif defined(__arm__)
#define NATIVE_GO_ARCH "arm"
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_GO_ARCH "riscv64"
#elif defined(__s390x__)
#define NATIVE_GO_ARCH "s390x"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_GO_ARCH "ppc64le"
#else
#define NATIVE_GO_ARCH "unknown"
#endif

/* One import: where we are, what is granted, where rules go. */
struct import {
	const char *source;
	const struct ent_seccomp_host *host;
	struct lockdown_spec *out;
	struct rt_err *err;
	int nrs[ENT_MAX_RULES]; /* native syscall number of each rule in out */
	bool config; /* the scan of an OCI config.json (ent_json_scan_config): messages name the
	                file alone, numbers are checked only in linux.seccomp, NUL is refused in
	                every string */
};

/* Fill the import's error: "seccomp profile SOURCE: PATH: reason". Returns -1. */
int ent_sj_fail(const struct import *im, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Write a JSON location ("syscalls[3].args[0].op") into a JSON_PATH_MAX buffer. */
void ent_sj_at(char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "line 3, column 14" of byte offset in text, for messages about the text itself. */
void ent_sj_locate(const char *text, size_t offset, unsigned *line, unsigned *column);

/*
 * What json-c accepts and a profile must not hold (seccomp_json_scan.c): a duplicate key, a key
 * with a control character, a number that is not an integer from 0 to 2^64-1, a single-quoted
 * key. text has been accepted by json-c. Returns 0, or -1 with "line L, column C: PATH: ...".
 */
int ent_sj_scan(const struct import *im, const char *text, size_t len);

/* The first control character (U+0000 to U+001F, U+007F) of s[0..len), or -1 when none. */
int ent_sj_control_char(const char *s, size_t len);

/* The JSON type name of v, for messages. */
const char *ent_sj_type_name(const struct json_object *v);

/*
 * Member key of obj with type want; absent (or null, as for Go's decoder) is fine (*v = NULL)
 * unless required. A string must hold no control character.
 */
int ent_sj_member(const struct import *im, const char *path, struct json_object *obj,
                  const char *key, enum json_type want, int required, struct json_object **v);

/* Element i of an array that must be a string without control characters; NULL with the
 * error set. */
const char *ent_sj_string_at(const struct import *im, const char *path, struct json_object *arr,
                             size_t i);

/* Check "architectures" and "archMap" (names only: the filter allows the native ABI alone). */
int ent_sj_check_arches(const struct import *im, struct json_object *root);

/*
 * Does a syscalls[] entry apply here (1), or not (0)? Docker's includes/excludes on caps,
 * arches and minKernel, each checked whole before any decides. -1 with the error set on a
 * malformed filter.
 */
int ent_sj_entry_applies(const struct import *im, const char *path, struct json_object *entry);

#endif
