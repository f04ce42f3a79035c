/*
 * runtime/seccomp_cache.c - a cache of generated seccomp programs, so that a launch loads a
 * verified file instead of running libseccomp's generator (about 13 ms for a Docker-sized rule
 * set, against well under 0.5 ms for a cache hit).
 *
 * An entry is keyed by a digest of the canonical rule text, but used only when the text stored
 * in it (which names the architecture and the libseccomp version) equals the current one byte
 * for byte, so a digest collision or a libseccomp upgrade only costs a regeneration. Entries live
 * in a directory owned by the effective uid and closed to group and others; files are opened
 * with O_NOFOLLOW and read a piece at a time: magic, format, lengths, the text (compared as it
 * comes), the digest over all of it and the absence of any byte past the digest are checked
 * before the program, read straight into the block that holds it, is used (a copy of the
 * whole entry was ~9 fresh pages, each a page fault). New entries are
 * written to a temporary file and renamed over the old one (rename(2) is atomic), so a reader
 * never sees half an entry. Nothing here may fail a launch: problems are trace lines and a
 * regeneration.
 */
#include "runtime/lockdown.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/util.h"

#define CACHE_MAGIC       "ENTSCMP"   /* 8 bytes with the NUL */
#define CACHE_FORMAT      1u          /* bump when the entry layout or canonical text changes */
#define CACHE_MAX_TEXT    (1u << 20)  /* canonical text of ENT_MAX_RULES rules fits easily */
#define CACHE_MAX_BPF     (4096u * 8) /* BPF_MAXINSNS instructions of 8 bytes: the kernel's cap */
#define CACHE_ROOT_DIR    "/var/cache/ent-run/seccomp"
#define CACHE_USER_SUFFIX "ent-run/seccomp"

/* The fixed header in front of an entry; host byte order (the arch is in the text). */
struct cache_header {
	char magic[8];
	uint32_t format;
	uint32_t text_len;
	uint32_t bpf_len;
	uint32_t reserved;
};

/* ---------------------------------------------------------------- canonical text */

struct textbuf {
	char *buf;
	size_t len;
	size_t cap;
	int failed;
};

/* Room for n more bytes and a NUL; false (and t->failed) when memory runs out. */
static bool text_room(struct textbuf *t, size_t n)
{
	if (t->failed)
		return false;
	if (t->len + n < t->cap)
		return true;
	size_t cap = t->cap * 2 + n;
	char *p = realloc(t->buf, cap);

	if (!p) {
		t->failed = 1;
		return false;
	}
	t->buf = p;
	t->cap = cap;
	return true;
}

static void __attribute__((format(printf, 2, 3))) text_add(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	while (!t->failed) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		text_room(t, (size_t)n);
	}
}

/*
 * The rule lines' fast path, byte for byte what text_add would print with "%s", "%u",
 * "%" PRId32 and "%#" PRIx64 (so entries stay valid): about 550 rules at every start, where
 * vsnprintf cost ~0.2 ms here.
 */
static void text_put(struct textbuf *t, const char *s, size_t n)
{
	if (!text_room(t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void text_str(struct textbuf *t, const char *s)
{
	text_put(t, s, strlen(s));
}

/* Decimal, with a minus sign when negative ("%" PRId64). */
static void text_dec(struct textbuf *t, int64_t v)
{
	char digits[24];
	size_t i = sizeof(digits);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		digits[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		digits[--i] = '-';
	text_put(t, digits + i, sizeof(digits) - i);
}

/* "%#" PRIx64: "0" for zero, else "0x" and lowercase digits. */
static void text_hex(struct textbuf *t, uint64_t v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do
		digits[--i] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	if (digits[i] != '0') {
		digits[--i] = 'x';
		digits[--i] = '0';
	}
	text_put(t, digits + i, sizeof(digits) - i);
}

char *lockdown_canon_text(const struct lockdown_spec *spec, const char *arch,
                          const char *libseccomp, size_t *len, struct rt_err *err)
{
	struct textbuf t = { .cap = 64 + 48 * (size_t)spec->n_rules };

	t.buf = malloc(t.cap);
	if (!t.buf) {
		rt_fail(err, ENOMEM, "lockdown: seccomp: canonical rule text");
		return NULL;
	}
	/*
	 * Every input of the generator, one item a line. The filter attributes are fixed in
	 * runtime/seccomp.c; they are named here so that changing them changes every key.
	 */
	text_add(&t, "ent-run seccomp %u\narch %s\nlibseccomp %s\n", CACHE_FORMAT, arch,
	         libseccomp);
	text_add(&t, "optimize 2\nbadarch KILL_PROCESS\ndefault %s %" PRId32 "\n",
	         lockdown_action_name(spec->default_action), spec->default_errnum);
	for (unsigned i = 0; i < spec->n_rules && i < ENT_MAX_RULES; i++) {
		const struct lockdown_rule *r = &spec->rules[i];

		/* "rule %.*s %s %d", then " a%u %s %#llx %#llx" per condition */
		text_put(&t, "rule ", 5);
		text_put(&t, r->syscall, strnlen(r->syscall, ENT_NAME_MAX));
		text_put(&t, " ", 1);
		text_str(&t, lockdown_action_name(r->action));
		text_put(&t, " ", 1);
		text_dec(&t, r->errnum);
		for (unsigned a = 0; a < r->n_args && a < ENT_MAX_ARGS; a++) {
			text_put(&t, " a", 2);
			text_dec(&t, r->args[a].index);
			text_put(&t, " ", 1);
			text_str(&t, lockdown_cmp_name(r->args[a].op));
			text_put(&t, " ", 1);
			text_hex(&t, r->args[a].value);
			text_put(&t, " ", 1);
			text_hex(&t, r->args[a].value2);
		}
		text_put(&t, "\n", 1);
	}
	if (t.failed) {
		free(t.buf);
		rt_fail(err, ENOMEM, "lockdown: seccomp: canonical rule text");
		return NULL;
	}
	*len = t.len;
	return t.buf;
}

/*
 * The digest, fed a piece at a time: 8-byte words in stream order, whatever the pieces' sizes
 * (up to 7 bytes wait in carry for the next piece), then the last bytes one by one.
 */
struct digest {
	uint64_t h;
	unsigned char carry[8];
	size_t n_carry;
};

static const uint64_t fnv_prime = 0x100000001b3ull;

static void digest_init(struct digest *d)
{
	*d = (struct digest){ .h = 0xcbf29ce484222325ull }; /* FNV-1a 64 offset basis */
}

static void digest_word(struct digest *d, const unsigned char *p)
{
	uint64_t word;

	memcpy(&word, p, 8);
	d->h = (d->h ^ word) * fnv_prime;
	d->h ^= d->h >> 29; /* fold high bits down: a word step moves them only upwards */
}

static void digest_update(struct digest *d, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (d->n_carry && len) { /* complete the word the last piece began */
		d->carry[d->n_carry++] = *p++;
		len--;
		if (d->n_carry == 8) {
			digest_word(d, d->carry);
			d->n_carry = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8)
		digest_word(d, p);
	if (len) /* what is left, less than a word: the next piece or digest_final takes it */
		memcpy(d->carry + d->n_carry, p, len);
	d->n_carry += len;
}

static uint64_t digest_final(struct digest *d)
{
	for (size_t i = 0; i < d->n_carry; i++)
		d->h = (d->h ^ d->carry[i]) * fnv_prime;
	return d->h ^ (d->h >> 32);
}

uint64_t lockdown_digest64(const void *buf, size_t len)
{
	struct digest d;

	digest_init(&d);
	digest_update(&d, buf, len);
	return digest_final(&d);
}

/* ---------------------------------------------------------------- entry encoding (pure) */

void *lockdown_cache_encode(const char *text, size_t text_len, const void *bpf, size_t bpf_len,
                            size_t *size)
{
	struct cache_header h = { .magic = CACHE_MAGIC, .format = CACHE_FORMAT };
	size_t body = sizeof(h) + text_len + bpf_len;
	uint64_t digest;
	char *buf;

	if (text_len > CACHE_MAX_TEXT || bpf_len > CACHE_MAX_BPF)
		return NULL;
	buf = malloc(body + sizeof(digest));
	if (!buf)
		return NULL;
	h.text_len = (uint32_t)text_len;
	h.bpf_len = (uint32_t)bpf_len;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), text, text_len);
	memcpy(buf + sizeof(h) + text_len, bpf, bpf_len);
	digest = lockdown_digest64(buf, body);
	memcpy(buf + body, &digest, sizeof(digest));
	*size = body + sizeof(digest);
	return buf;
}

/* Read exactly n bytes at off, digesting them; false when the entry ends or fails first. */
static bool read_digested(lockdown_read_fn read_at, void *ctx, void *buf, size_t n, uint64_t off,
                          struct digest *d)
{
	if (read_at(ctx, buf, n, off) != (ssize_t)n)
		return false;
	digest_update(d, buf, n);
	return true;
}

void *lockdown_cache_decode(lockdown_read_fn read_at, void *ctx, uint64_t size, const char *text,
                            size_t text_len, size_t head, size_t *bpf_len, const char **why)
{
	struct cache_header h;
	struct digest d;
	uint64_t body, stored[2]; /* the digest, and room to see a byte after it */
	bool same_text;
	char chunk[4096];
	char *block;
	ssize_t n;

	digest_init(&d);
	if (size < sizeof(h) + sizeof(stored[0]) ||
	    !read_digested(read_at, ctx, &h, sizeof(h), 0, &d)) {
		*why = "truncated";
		return NULL;
	}
	if (memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) != 0) {
		*why = "not a cache entry";
		return NULL;
	}
	if (h.format != CACHE_FORMAT) {
		*why = "other format version";
		return NULL;
	}
	if (h.text_len > CACHE_MAX_TEXT || h.bpf_len > CACHE_MAX_BPF || h.bpf_len == 0 ||
	    h.bpf_len % 8 != 0) {
		*why = "bad lengths";
		return NULL;
	}
	body = sizeof(h) + (uint64_t)h.text_len + h.bpf_len;
	if (size != body + sizeof(stored[0])) {
		*why = size < body + sizeof(stored[0]) ? "truncated" : "trailing bytes";
		return NULL;
	}
	/*
	 * The text a piece at a time through a buffer on the stack, compared with ours as it
	 * comes; the program straight into the block it is returned in. A text that differs is
	 * read to its end all the same, so that damage says "corrupt" rather than "differs".
	 */
	same_text = h.text_len == text_len;
	for (uint64_t at = 0; at < h.text_len; at += sizeof(chunk)) {
		size_t piece =
		        h.text_len - at < sizeof(chunk) ? (size_t)(h.text_len - at) : sizeof(chunk);

		if (!read_digested(read_at, ctx, chunk, piece, sizeof(h) + at, &d)) {
			*why = "truncated";
			return NULL;
		}
		same_text = same_text && memcmp(chunk, text + at, piece) == 0;
	}
	block = calloc(1, head + h.bpf_len);
	if (!block) {
		*why = "out of memory";
		return NULL;
	}
	/* The program, then the digest and one byte more asked for: an entry that grew fails. */
	if (!read_digested(read_at, ctx, block + head, h.bpf_len, sizeof(h) + h.text_len, &d))
		*why = "truncated";
	else if ((n = read_at(ctx, stored, sizeof(stored), body)) != sizeof(stored[0]))
		*why = n < (ssize_t)sizeof(stored[0]) ? "truncated" : "trailing bytes";
	else if (stored[0] != digest_final(&d))
		*why = "corrupt (digest mismatch)";
	else if (!same_text)
		*why = "rule set, architecture or libseccomp version differs";
	else {
		*bpf_len = h.bpf_len;
		return block;
	}
	free(block);
	return NULL;
}

/* ---------------------------------------------------------------- the directory */

int lockdown_cache_dir(char *buf, size_t size)
{
	const char *env = getenv("ENT_RUN_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (env && env[0] == '/')
		n = snprintf(buf, size, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(buf, size, "%s", CACHE_ROOT_DIR);
	else if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/%s", xdg, CACHE_USER_SUFFIX);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.cache/%s", home, CACHE_USER_SUFFIX);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/*
 * Ours and closed: owned by the effective uid, not writable by group or others. Anybody else
 * who could write an entry could choose the program we load. Its status in *st.
 */
static int check_owner(int fd, int want_dir, struct stat *st, const char **why)
{
	if (fstat(fd, st) < 0) {
		*why = "fstat failed";
		return -1;
	}
	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		*why = want_dir ? "not a directory" : "not a regular file";
		return -1;
	}
	if (st->st_uid != geteuid()) {
		*why = "owned by another user";
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "writable by group or others";
		return -1;
	}
	return 0;
}

/* Open the cache directory (O_NOFOLLOW) and verify it; create it 0700 when create is set. */
static int open_cache_dir(int create, char *path, size_t size)
{
	const char *why = NULL;
	struct stat st;
	int fd;

	if (lockdown_cache_dir(path, size) < 0) {
		rt_trace("lockdown", "seccomp cache: no cache directory (no HOME)");
		return -1;
	}
	if (create) {
		/* mkdir -p with 0700 for every component we create. */
		for (char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
			if (s)
				*s = '\0';
			if (mkdir(path, 0700) < 0 && errno != EEXIST) {
				rt_trace("lockdown", "seccomp cache: mkdir %s: %s", path,
				         strerror(errno));
				return -1;
			}
			if (!s)
				break;
			*s = '/';
		}
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || create)
			rt_trace("lockdown", "seccomp cache: open %s: %s", path, strerror(errno));
		return -1;
	}
	if (check_owner(fd, 1, &st, &why) < 0) {
		rt_trace("lockdown", "seccomp cache: not using %s: %s", path, why);
		close(fd);
		return -1;
	}
	return fd;
}

static void entry_name(const char *text, size_t text_len, char *name, size_t size)
{
	snprintf(name, size, "%016" PRIx64 ".bpf", lockdown_digest64(text, text_len));
}

/* lockdown_read_fn over a file: pread(2), again when interrupted. */
static ssize_t pread_at(void *ctx, void *buf, size_t n, uint64_t off)
{
	ssize_t got;

	do
		got = pread(*(int *)ctx, buf, n, (off_t)off);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Open and check one entry: a regular file of ours, of a plausible size (in *size). */
static int open_entry(int dirfd, const char *name, uint64_t *size, const char **why)
{
	/* O_NONBLOCK: a FIFO of that name fails check_owner instead of blocking the open. */
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		*why = errno == ENOENT ? "miss" : "cannot open entry";
		return -1;
	}
	if (check_owner(fd, 0, &st, why) < 0) {
		close(fd);
		return -1;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > CACHE_MAX_TEXT + CACHE_MAX_BPF + 64) {
		close(fd);
		*why = "bad size";
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

void *lockdown_cache_load(const char *text, size_t text_len, size_t head, size_t *bpf_len)
{
	char path[ENT_PATH_MAX];
	char name[32];
	_cleanup_close_ int dirfd = open_cache_dir(0, path, sizeof(path));
	_cleanup_close_ int fd = -1;
	const char *why = NULL;
	uint64_t size;
	void *block = NULL;

	if (dirfd < 0)
		return NULL;
	entry_name(text, text_len, name, sizeof(name));
	fd = open_entry(dirfd, name, &size, &why);
	if (fd >= 0)
		block = lockdown_cache_decode(pread_at, &fd, size, text, text_len, head, bpf_len,
		                              &why);
	if (!block)
		rt_trace("lockdown", "seccomp cache: %s/%s: %s, regenerating", path, name, why);
	return block;
}

void lockdown_cache_store(const char *text, size_t text_len, const void *bpf, size_t bpf_len)
{
	char path[ENT_PATH_MAX];
	char name[32];
	char tmp[64];
	_cleanup_close_ int dirfd = open_cache_dir(1, path, sizeof(path));
	_cleanup_free_ void *entry = NULL;
	size_t size;
	int fd, rc;

	if (dirfd < 0)
		return;
	entry = lockdown_cache_encode(text, text_len, bpf, bpf_len, &size);
	if (!entry) {
		rt_trace("lockdown", "seccomp cache: entry too large or out of memory, not stored");
		return;
	}
	entry_name(text, text_len, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
	rt_trace("lockdown", "seccomp cache: store %s/%s", path, name);
	/*
	 * No fsync: after a crash a torn entry fails its length or digest check and is rebuilt,
	 * which is cheaper than an fsync on every miss.
	 */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rt_trace("lockdown", "seccomp cache: create %s/%s: %s (not cached)", path, tmp,
		         strerror(errno));
		return;
	}
	rc = write_all(fd, entry, size);
	if (close(fd) < 0)
		rc = -1;
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) == 0)
		return;
	rt_trace("lockdown", "seccomp cache: write %s/%s: %s (not cached)", path, name,
	         strerror(errno));
	unlinkat(dirfd, tmp, 0);
}
