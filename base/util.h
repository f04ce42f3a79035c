/*
 * base/util.h - small helpers every folder uses: array length, bounded text copies, line
 * splitting and the one "write a string to a kernel file" (proc(5), sysfs(5), cgroups(7)).
 * libc only.
 */
#ifndef BASE_UTIL_H
#define BASE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Number of elements of an array; a pointer instead of an array does not compile. */
#define ARRAY_SIZE(a)                                                                   \
	(sizeof(a) / sizeof((a)[0]) +                                                   \
	 sizeof(struct {                                                                \
		 int must_be_array                                                      \
		     : __builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])) \
		       ? -1                                                             \
		       : 1;                                                             \
	 }) * 0)

/*
 * Copy src into dst of size bytes. A text that does not fit is cut and ends in "...", so a
 * reader sees that it was cut (provenance strings, messages); never for paths or names, which
 * must be refused instead.
 */
void copy_text(char *dst, size_t size, const char *src);

/* True when a component of path is "..": "/a/../b", "..", "/a/.." (not "/a..b" or "/..a"). */
bool path_has_dotdot(const char *path);

/*
 * Copy the next line of *text (without its newline) into line and advance *text past it.
 * Returns 1 with a line, 0 at the end of the text, -1 when the line does not fit in size bytes
 * (*text still moves past it; line holds its start).
 */
int next_line(const char **text, char *line, size_t size);

/*
 * The decimal number at the start of text (digits only: no sign, no blank); *end points after
 * it. 0, or -1 when text does not start with a digit or the number does not fit.
 */
int parse_number(const char *text, unsigned long long *out, const char **end);

/* A decimal number below UINT32_MAX, the whole of text. 0 or -1. */
int parse_u32(const char *text, uint32_t *out);

/* A port number, 1 to 65535, the whole of text. 0 or -1. */
int parse_port(const char *text, uint16_t *port);

/*
 * An IPv4 CIDR block "A.B.C.D/N" (N from 0 to 32, no host bits set): *net in host byte order
 * and *prefix_len. Returns 0, or -1 when text is anything else.
 */
int parse_ipv4_cidr(const char *text, uint32_t *net, unsigned *prefix_len);

/*
 * Write text to the kernel file at path in one write(2), opened with O_WRONLY | O_CLOEXEC |
 * extra_flags (mode 0644 when O_CREAT): a kernel file takes each write as one command, and some
 * (uid_map) only one, whole. Returns 0, or -1 with errno set; a short write is EIO, and closing
 * the file never changes errno.
 */
int write_file(const char *path, const char *text, int extra_flags);

/*
 * Write all size bytes of buf to the regular file fd, as many write(2) calls as it takes
 * (EINTR retried). Returns 0, or -1 with errno set (EIO when write returns 0).
 */
int write_all(int fd, const void *buf, size_t size);

/*
 * Read the whole file at path (at most max bytes) into a new NUL-terminated buffer the caller
 * frees. NULL with errno set on failure (EFBIG when the file is larger than max). A FIFO
 * without a writer is not waited for: it reads as empty.
 */
char *read_text_file(const char *path, size_t max);

#endif
