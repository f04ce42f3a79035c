/*
 * tests/bench/syscalls.c - the cost of one system call, for the seccomp lines of `make bench`
 * (seccomp(2), syscall(2)).
 *
 *   syscalls [COUNT]
 *
 * Makes COUNT calls (default 5000000) each of three system calls and prints one line per call,
 * "NAME NS_PER_CALL". Run inside a container once under ent-run's default filter and once
 * under --seccomp unconfined, the ratio of the two is what the filter adds to every call:
 *
 *   getppid                 the cheapest call there is: allowed without looking at arguments
 *   close(-1)               allowed without arguments too; the kernel answers EBADF at once
 *   personality(0xffffffff) a query the filter allows only for listed argument values, so
 *                           the BPF program compares arguments before it says yes
 *
 * Raw syscall(2), so libc adds no caching or wrapping. The clock is the thread's CPU time
 * (clock_gettime(2), CLOCK_THREAD_CPUTIME_ID), user and kernel: time the scheduler gives to
 * other processes on a busy machine is not counted. Linked statically: the test rootfs has no
 * libc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
static const struct call {
	const char *name;
	long nr;
	long arg;
} calls[] = {
	{ "getppid",     SYS_getppid,     0 },
	{ "close",       SYS_close,       -1 },
	{ "personality", SYS_personality, 0xffffffff },
};
/* clang-format on */

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : 5000000;

	if (count < 1) {
		fprintf(stderr, "usage: syscalls [COUNT]\n");
		return 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		int64_t t0 = cpu_ns();

		for (long n = 0; n < count; n++)
			syscall(calls[i].nr, calls[i].arg);
		printf("%s %.2f\n", calls[i].name, (double)(cpu_ns() - t0) / (double)count);
	}
	return 0;
}
