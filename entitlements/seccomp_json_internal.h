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

#define JSON_PATH_MAX 96

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
	uint64_t caps;
	struct lockdown_spec *out;
	struct rt_err *err;
	int nrs[ENT_MAX_RULES]; /* native syscall number of each rule in out */
};

/* Fill the import's error: "seccomp profile SOURCE: PATH: reason". Returns -1. */
int ent_sj_fail(const struct import *im, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Write a JSON location ("syscalls[3].args[0].op") into a JSON_PATH_MAX buffer. */
void ent_sj_at(char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The JSON type name of v, for messages. */
const char *ent_sj_type_name(const struct json_object *v);

/* Member key of obj with type want; absent is fine (*v = NULL) unless required. */
int ent_sj_member(const struct import *im, const char *path, struct json_object *obj,
                  const char *key, enum json_type want, int required, struct json_object **v);

/* Element i of an array that must be a string; NULL with the error set. */
const char *ent_sj_string_at(const struct import *im, const char *path, struct json_object *arr,
                             size_t i);

/* Check "architectures" and "archMap" (names only: the filter allows the native ABI alone). */
int ent_sj_check_arches(const struct import *im, struct json_object *root);

/*
 * Does a syscalls[] entry apply here (1), or not (0)? Docker's includes/excludes on caps,
 * arches and minKernel. -1 with the error set on a malformed filter.
 */
int ent_sj_entry_applies(const struct import *im, const char *path, struct json_object *entry);

#endif
