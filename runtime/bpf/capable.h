/*
 * runtime/bpf/capable.h - what runtime/bpf/capable.bpf.c reports to runtime/capwatch.c through
 * its ring buffer: one system call that failed after the kernel refused it capabilities.
 * Shared by the BPF program (types from vmlinux.h) and ent-run (types from <linux/types.h>).
 */
#ifndef RT_BPF_CAPABLE_H
#define RT_BPF_CAPABLE_H

#define CAPABLE_COMM_LEN 16

struct capable_event {
	__u64 caps;    /* bit N: the kernel refused capability N during the call */
	__s64 syscall; /* the call's number (native architecture) */
	__s32 ret;     /* what it returned: -errno */
	__u32 tid;     /* the thread, in the host's PID namespace */
	char comm[CAPABLE_COMM_LEN];
};

#endif
