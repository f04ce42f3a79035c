/*
 * runtime/bpf/capable.bpf.c - the capability checks the kernel refuses a learning round's
 * workload, for ent-run learn (bpf(2), tracepoints; compiled by clang into a libbpf skeleton
 * at build time, relocated by libbpf for the running kernel through its BTF: CO-RE).
 *
 * Some needs show in no system call argument: apt-get deleting files in its _apt-owned
 * directories needs CAP_DAC_OVERRIDE, which only the kernel's permission check knows about.
 * Two tracepoints see it:
 *   capability:cap_capable  every capability check and its answer. A refused one made by the
 *                           container's workload, about the container's own user namespace,
 *                           is remembered for the thread (per thread: an LRU hash). A granted
 *                           one forgets them: the kernel often asks for one capability, else
 *                           another (a directory: CAP_DAC_READ_SEARCH, else CAP_DAC_OVERRIDE),
 *                           and the second answer decided.
 *   raw_syscalls:sys_exit   the end of the thread's system call. When the call failed, the
 *                           refused capabilities are reported with its number (any one of
 *                           them would have done); when it succeeded, they were a question the
 *                           kernel asked to choose a path (the "noaudit" checks, such as
 *                           CAP_SYS_ADMIN for memory overcommit), not a refusal that stopped
 *                           the workload.
 *
 * "The container" is its user namespace, set by ent-run in container_userns once the
 * container exists: the default container has no cgroup of its own (its process cap is
 * RLIMIT_NPROC), may share the host's PID namespace (host.processes.access=admin), but always
 * has a user namespace of its own (entitlements/compile.c), which its processes enter before
 * anything runs and cannot leave; capabilities are relative to it anyway. Nested user
 * namespaces the workload makes count as the container's. Of the container's processes, only
 * those under a seccomp filter are the workload: ent-run's PID 1 has none. Checks about a
 * user namespace outside the container (the host's) are left out: no entitlement grants a
 * capability over the host, as container root is never host root.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "runtime/bpf/capable.h"

#define SECCOMP_MODE_FILTER 2 /* task->seccomp.mode of a filtered task (seccomp(2)) */
#define MAX_NESTING         8 /* user namespaces below the container's we look through */
#define MAX_CAP             63

/* The container's user namespace (its inode number); 0: report nothing. Set by ent-run. */
__u32 container_userns = 0;

/* Capabilities refused to a thread during its current system call. */
struct refused {
	__u64 caps;
	__u32 userns; /* the container it belongs to: a stale entry of another run is ignored */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* thread id */
	__type(value, struct refused);
} refused SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Is ns the user namespace inum, or below it? */
static __always_inline bool within(const struct user_namespace *ns, __u32 inum)
{
	for (int i = 0; i < MAX_NESTING && ns; i++) {
		if (BPF_CORE_READ(ns, ns.inum) == inum)
			return true;
		ns = BPF_CORE_READ(ns, parent);
	}
	return false;
}

SEC("tracepoint/capability/cap_capable")
int capable_checked(struct trace_event_raw_cap_capable *ctx)
{
	__u32 target = container_userns;
	struct task_struct *task;
	struct refused *r, fresh = { 0 };
	__u32 tid;

	if (!target || ctx->cap < 0 || ctx->cap > MAX_CAP)
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	if (ctx->ret == 0) {
		/* Only a thread that was refused has an entry: a cheap miss for all others. */
		bpf_map_delete_elem(&refused, &tid);
		return 0;
	}
	task = (struct task_struct *)bpf_get_current_task();
	if (BPF_CORE_READ(task, seccomp.mode) != SECCOMP_MODE_FILTER)
		return 0;
	if (!within(ctx->target_ns, target) || !within(BPF_CORE_READ(ctx->cred, user_ns), target))
		return 0;
	r = bpf_map_lookup_elem(&refused, &tid);
	if (r && r->userns == target) {
		__sync_fetch_and_or(&r->caps, 1ULL << ctx->cap);
		return 0;
	}
	fresh.caps = 1ULL << ctx->cap;
	fresh.userns = target;
	bpf_map_update_elem(&refused, &tid, &fresh, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int syscall_done(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct refused *r = bpf_map_lookup_elem(&refused, &tid);
	struct capable_event *e;
	__u64 caps;
	bool mine;

	if (!r)
		return 0;
	caps = r->caps;
	mine = r->userns == container_userns;
	bpf_map_delete_elem(&refused, &tid);
	if (!mine || ctx->ret >= 0)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->caps = caps;
	e->syscall = ctx->id;
	e->ret = (__s32)ctx->ret;
	e->tid = tid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* The kernel lets only GPL-compatible programs read its memory (bpf_probe_read_kernel). */
char LICENSE[] SEC("license") = "Dual BSD/GPL";
