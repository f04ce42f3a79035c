/*
 * base/util.c - small helpers (see util.h): bounded copies, line splitting, numbers and IPv4
 * blocks (inet_pton(3)), kernel file writes (open(2), write(2)).
 */
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"

bool path_has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2) {
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	}
	return false;
}

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

int parse_number(const char *text, unsigned long long *out, const char **end)
{
	char *stop;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	*out = strtoull(text, &stop, 10);
	*end = stop;
	return errno ? -1 : 0;
}

int parse_u32(const char *text, uint32_t *out)
{
	unsigned long long v;
	const char *end;

	if (parse_number(text, &v, &end) < 0 || *end || v > UINT32_MAX - 1)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int parse_port(const char *text, uint16_t *port)
{
	uint32_t v;

	if (parse_u32(text, &v) < 0 || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int parse_ipv4_cidr(const char *text, uint32_t *net, unsigned *prefix_len)
{
	const char *slash = strchr(text, '/');
	char addr[INET_ADDRSTRLEN];
	struct in_addr in;
	uint32_t len, mask;

	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return -1;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1 || parse_u32(slash + 1, &len) < 0 || len > 32)
		return -1;
	mask = len ? ~UINT32_C(0) << (32 - len) : 0;
	if (ntohl(in.s_addr) & ~mask)
		return -1;
	*net = ntohl(in.s_addr);
	*prefix_len = len;
	return 0;
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

int write_all(int fd, const void *buf, size_t size)
{
	const char *p = buf;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

char *read_text_file(const char *path, size_t max)
{
	/*
	 * O_NONBLOCK for the open alone: a FIFO without a writer is not waited for (it reads as
	 * empty); a pipe with one (--process /dev/stdin) is then read as it comes.
	 */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *text = NULL;
	size_t len = 0, size = 0;

	if (fd < 0 || fcntl(fd, F_SETFL, 0) < 0)
		return NULL;
	/*
	 * Read until EOF: kernel files report no size, and a file may be shorter or longer than
	 * stat says. The buffer grows from 4 KiB as the text does (an /etc/subuid is a few
	 * lines): a buffer of max bytes up front would, once freed, teach malloc to serve later
	 * large requests from its heap, which then stays resident.
	 */
	for (;;) {
		ssize_t n;

		if (len == size) {
			size_t next = size ? 2 * size : 4096;
			char *grown;

			if (size > max) {
				errno = EFBIG;
				return NULL;
			}
			next = next > max + 1 ? max + 1 : next;
			grown = realloc(text, next + 1);
			if (!grown)
				return NULL;
			text = grown;
			size = next;
		}
		n = read(fd, text + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		errno = EFBIG;
		return NULL;
	}
	text[len] = '\0';
	return steal_ptr(&text);
}
