/*
 * tests/fuzz/fuzz_seccomp_cache.c - a seccomp cache entry read back: lockdown_cache_decode().
 *
 * The first byte chooses what the rest is. Even: an entry as it is, any bytes, checked against
 * a fixed canonical text. Odd: a valid entry made from the input (a text and a program), then
 * one byte of it changed as the input says (or none): an unchanged entry must give back its
 * own program, and a changed one must never decode (the digest covers every byte, and one byte
 * changed always changes it).
 */
#include "tests/fuzz/fuzz.h"

#include "runtime/lockdown.h"

struct entry {
	const uint8_t *p;
	size_t size;
};

/* pread(2) over the entry: a short count at its end. */
static ssize_t entry_read_at(void *ctx, void *buf, size_t n, uint64_t off)
{
	const struct entry *e = ctx;

	if (off >= e->size)
		return 0;
	if (n > e->size - off)
		n = e->size - (size_t)off;
	memcpy(buf, e->p + off, n);
	return (ssize_t)n;
}

static void *decode(const uint8_t *p, size_t size, const char *text, size_t text_len,
                    size_t *bpf_len)
{
	struct entry e = { .p = p, .size = size };
	const char *why = NULL;
	void *block =
	        lockdown_cache_decode(entry_read_at, &e, size, text, text_len, 8, bpf_len, &why);

	FUZZ_CHECK(block || why);
	return block;
}

/* Bytes 1-2: where to change a byte; 3: how (xor, 0 for none); 4: the text's length. */
static void made_entry(const uint8_t *data, size_t size)
{
	static const uint8_t one_insn[8] = { 6, 0, 0, 0, 0, 0, 0xff, 0x7f }; /* ret ALLOW */
	size_t at = (size_t)data[1] | (size_t)data[2] << 8, text_len = data[4], bpf_len,
	       got_len = 0;
	const uint8_t *payload = data + 5, *bpf;
	uint8_t flip = data[3];
	size_t entry_size;
	uint8_t *entry, *got, *other;

	size -= 5;
	if (text_len > size)
		text_len = size;
	bpf = payload + text_len;
	bpf_len = (size - text_len) / 8 * 8;
	if (!bpf_len) {
		bpf = one_insn;
		bpf_len = sizeof(one_insn);
	}
	entry = lockdown_cache_encode((const char *)payload, text_len, bpf, bpf_len, &entry_size);
	FUZZ_CHECK(entry);
	entry[at % entry_size] ^= flip;
	got = decode(entry, entry_size, (const char *)payload, text_len, &got_len);
	if (!flip) {
		FUZZ_CHECK(got && got_len == bpf_len && !memcmp(got + 8, bpf, bpf_len));
		/* The same entry against another text: refused, unless it is that very text. */
		other = decode(entry, entry_size, "x", 1, &got_len);
		FUZZ_CHECK(!other || (text_len == 1 && payload[0] == 'x'));
		free(other);
	} else {
		FUZZ_CHECK(!got);
	}
	free(got);
	free(entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "ent-run seccomp 1\nrule read ALLOW 0\n";
	size_t bpf_len = 0;
	uint8_t *got;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (size >= 5)
			made_entry(data, size);
		return 0;
	}
	got = decode(data + 1, size - 1, text, sizeof(text) - 1, &bpf_len);
	if (got)
		FUZZ_CHECK(bpf_len && bpf_len % 8 == 0 && bpf_len < size);
	free(got);
	return 0;
}
