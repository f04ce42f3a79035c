/*
 * base/util.c - small helpers (see util.h): bounded copies, line splitting, kernel file writes
 * (open(2), write(2)).
 */
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"

void copy_text(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (!size)
		return;
	if (len < size) {
		memcpy(dst, src, len + 1);
		return;
	}
	memcpy(dst, src, size - 1);
	dst[size - 1] = '\0';
	if (size > 4)
		memcpy(dst + size - 4, "...", 4);
}

int next_line(const char **text, char *line, size_t size)
{
	const char *p = *text;
	size_t len = strcspn(p, "\n");

	if (!*p)
		return 0;
	*text = p + len + (p[len] == '\n');
	if (!size)
		return -1;
	if (len >= size) {
		memcpy(line, p, size - 1);
		line[size - 1] = '\0';
		return -1;
	}
	memcpy(line, p, len);
	line[len] = '\0';
	return 1;
}

int write_file(const char *path, const char *text, int extra_flags)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | extra_flags, 0644);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

char *read_text_file(const char *path, size_t max)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	text = malloc(max + 1);
	if (!text)
		return NULL;
	/* Read until EOF: kernel files report no size, and a file may be shorter than stat says. */
	for (;;) {
		ssize_t n = read(fd, text + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			errno = EFBIG;
			return NULL;
		}
	}
	text[len] = '\0';
	return steal_ptr(&text);
}
