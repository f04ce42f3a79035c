/*
 * runtime/capwatch.h - observe the capability checks the kernel refuses a container's workload
 * (ent-run learn, started by root): a BPF program on the capability:cap_capable and
 * raw_syscalls:sys_exit tracepoints (runtime/bpf/capable.bpf.c), loaded with libbpf.
 *
 * Only ent-run learn loads it: a run never touches BPF.
 */
#ifndef RT_CAPWATCH_H
#define RT_CAPWATCH_H

#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

struct rt_capwatch;

/* One system call of the workload that failed after the kernel refused it capabilities. */
struct rt_capwatch_event {
	pid_t tid;     /* on the host */
	uint64_t caps; /* bit N: capability N was refused */
	long syscall;  /* its number (native architecture) */
	int errnum;    /* what it failed with */
	char comm[16];
};

typedef void (*rt_capwatch_fn)(void *data, const struct rt_capwatch_event *e);

/*
 * Load and attach the program (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, and the
 * kernel's BTF and capability tracepoint), reporting nothing until rt_capwatch_follow(). fn
 * gets each event when rt_capwatch_drain() runs. Returns 0, or -1 with err saying what is
 * missing.
 */
int rt_capwatch_open(rt_capwatch_fn fn, void *data, struct rt_capwatch **out, struct rt_err *err);

/*
 * Report what the container whose PID 1 is pid (on the host) is refused: its user namespace
 * and those below. pid 0: report nothing again. Returns 0, or -1 with err.
 */
int rt_capwatch_follow(struct rt_capwatch *w, pid_t pid, struct rt_err *err);

/* The descriptor that polls readable when events wait (the ring buffer's epoll). */
int rt_capwatch_fd(const struct rt_capwatch *w);

/* Hand every waiting event to fn. */
void rt_capwatch_drain(struct rt_capwatch *w);

/* Detach and free. NULL is fine. */
void rt_capwatch_close(struct rt_capwatch *w);

#endif
