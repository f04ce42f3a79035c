/*
 * tests/bench/syscalls.c - the cost of one system call, for the seccomp lines of `make bench`,
 * and of an RCU grace period, for its network line (seccomp(2), syscall(2), membarrier(2)).
 *
 *   syscalls [COUNT [least | args]]
 *   syscalls grace [COUNT]
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
 * Two more modes, run under --seccomp unconfined, first load the least a filter can be, for
 * the bench to compare the default filter with:
 *
 *   least  one instruction that allows every call. The kernel (5.11 and later, on x86 and the
 *          other architectures with seccomp's cache of allowed calls) finds that the program's
 *          answer does not depend on the arguments and skips running it, but the call still
 *          takes the slower system call entry (the one for tracing and auditing too): the least
 *          any filter adds to every call.
 *   args   two instructions, read the first argument and allow: the kernel must run the
 *          program on every call, as it does for a call whose arguments a filter checks.
 *
 * "grace" times COUNT (default 20) calls of membarrier(MEMBARRIER_CMD_GLOBAL), which waits for
 * an RCU grace period (on more than one CPU), and prints "grace MS" for each: what the kernel
 * makes the last closer of a netfilter socket wait when nftables objects were deleted (an
 * owned table's socket, a helper's), as at network.access=user's exit.
 *
 * Raw syscall(2), so libc adds no caching or wrapping. The clock is the thread's CPU time
 * (clock_gettime(2), CLOCK_THREAD_CPUTIME_ID), user and kernel: time the scheduler gives to
 * other processes on a busy machine is not counted. Linked statically: the test rootfs has no
 * libc.
 */
#include <linux/filter.h>
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A filter that allows every call, changing nothing but the cost of a call: see above. */
static int load_least_filter(int read_arg)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = read_arg ? 2 : 1,
		                   .filter = read_arg ? insns : insns + 1 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("syscalls: seccomp");
		return -1;
	}
	return 0;
}

/* Wall time of each membarrier(MEMBARRIER_CMD_GLOBAL): one RCU grace period on an SMP host. */
static int time_grace(long count)
{
	for (long n = 0; n < count; n++) {
		int64_t t0 = mono_ns();

		if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0) {
			perror("syscalls: membarrier");
			return 1;
		}
		printf("grace %.3f\n", (double)(mono_ns() - t0) / 1e6);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int grace = argc > 1 && strcmp(argv[1], "grace") == 0;
	char *arg = argc > 1 + grace ? argv[1 + grace] : NULL;
	char *end = NULL;
	long count = arg ? strtol(arg, &end, 10) : grace ? 20 : 5000000;
	const char *mode = !grace && argc > 2 ? argv[2] : "";
	int least = strcmp(mode, "least") == 0, args = strcmp(mode, "args") == 0;

	if (count < 1 || (end && *end) || argc > 3 || (argc == 3 && !grace && !least && !args)) {
		fprintf(stderr,
		        "usage: syscalls [COUNT [least | args]] | syscalls grace [COUNT]\n");
		return 2;
	}
	if (grace)
		return time_grace(count);
	if ((least || args) && load_least_filter(args) < 0)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		int64_t t0 = cpu_ns();

		for (long n = 0; n < count; n++)
			syscall(calls[i].nr, calls[i].arg);
		printf("%s %.2f\n", calls[i].name, (double)(cpu_ns() - t0) / (double)count);
	}
	return 0;
}
