/*
 * tests/fuzz/fuzz.h - what the libFuzzer targets share: the input as a C string, and checks
 * that abort (a finding) when a parser breaks its contract.
 *
 * Each target is one file tests/fuzz/fuzz_NAME.c defining LLVMFuzzerTestOneInput(); `make fuzz`
 * builds it with clang -fsanitize=fuzzer,address,undefined against the project's library and
 * runs it from tests/fuzz/corpus/NAME/ (seeds) and tests/fuzz/regressions/NAME/ (findings).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: say which, then abort so libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* The input as a NUL-terminated string (a command line value or a file's text). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A command line from the input: "ent-run" and the NUL-separated arguments of text (size
 * bytes plus its NUL), at most max of them. argv has room for max + 2 pointers.
 */
static inline int fuzz_argv(char *text, size_t size, char **argv, int max)
{
	char *p = text, *end = text + size;
	int argc = 0;

	argv[argc++] = "ent-run";
	while (argc <= max && p < end) {
		argv[argc++] = p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;
	return argc;
}

/* A plain absolute path: no empty, "." or ".." component and no trailing '/' (but "/"). */
static inline int fuzz_plain_path(const char *path)
{
	size_t len = strlen(path);

	return path[0] == '/' && !strstr(path, "//") && !strstr(path, "/./") &&
	       !strstr(path, "/../") && (len == 1 || path[len - 1] != '/') &&
	       !(len >= 2 && !strcmp(path + len - 2, "/.")) &&
	       !(len >= 3 && !strcmp(path + len - 3, "/.."));
}

/* The error contract (base/err.h): a parser returns 0, or -1 with a message filled. */
static inline void fuzz_check_result(int rc, const struct rt_err *err)
{
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0)
		return;
	FUZZ_CHECK(err->msg[0] != '\0');
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
}

#endif
