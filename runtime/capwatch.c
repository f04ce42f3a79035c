/*
 * runtime/capwatch.c - load the capability watcher (bpf(2), libbpf's skeleton API) and read
 * its ring buffer (runtime/bpf/capable.bpf.c says what it records, and why so).
 *
 * The BPF object was compiled with clang when ent-run was built and is embedded here as a
 * skeleton (build/bpf/capable.skel.h, made by bpftool): no compiler, header or file is needed
 * at run time. libbpf relocates its field accesses for the running kernel from the kernel's
 * own type information (/sys/kernel/btf/vmlinux), so one binary works across kernel versions.
 */
#include "runtime/capwatch.h"

#include <errno.h>
#include <linux/types.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

#include "base/log.h"
#include "capable.skel.h"
#include "runtime/bpf/capable.h"

struct rt_capwatch {
	struct capable_bpf *skel;
	struct ring_buffer *ring;
	rt_capwatch_fn fn;
	void *data;
};

/* libbpf's own messages: --verbose lines, never printed otherwise. */
__attribute__((format(printf, 2, 0))) static int libbpf_to_trace(enum libbpf_print_level level,
                                                                 const char *fmt, va_list ap)
{
	char line[256];
	size_t len;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	rt_trace("learn", "libbpf: %s", line);
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct capable_event *raw = data;
	struct rt_capwatch *w = ctx;
	struct rt_capwatch_event e = { 0 };

	if (size < sizeof(*raw))
		return 0;
	e.tid = (pid_t)raw->tid;
	e.caps = raw->caps;
	e.syscall = (long)raw->syscall;
	e.errnum = -raw->ret;
	memcpy(e.comm, raw->comm, sizeof(e.comm) - 1);
	w->fn(w->data, &e);
	return 0;
}

int rt_capwatch_open(rt_capwatch_fn fn, void *data, struct rt_capwatch **out, struct rt_err *err)
{
	struct rt_capwatch *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w)
		return rt_fail(err, ENOMEM, "learn: capability watcher");
	w->fn = fn;
	w->data = data;
	libbpf_set_print(libbpf_to_trace);
	rt_trace("learn", "bpf(BPF_PROG_LOAD) capability:cap_capable, raw_syscalls:sys_exit");
	w->skel = capable_bpf__open_and_load();
	if (!w->skel) {
		rc = errno;
		rt_capwatch_close(w);
		rt_fail(err, rc, "learn: load the BPF program that watches capability checks");
		rt_err_hint(err, "it needs CAP_BPF and CAP_PERFMON, and the kernel's BTF "
		                 "(/sys/kernel/btf/vmlinux)");
		return -1;
	}
	rc = capable_bpf__attach(w->skel);
	if (rc < 0) {
		rt_capwatch_close(w);
		rt_fail(err, -rc, "learn: attach to the tracepoint capability:cap_capable");
		rt_err_hint(err, "older kernels lack this tracepoint");
		return -1;
	}
	w->ring = ring_buffer__new(bpf_map__fd(w->skel->maps.events), on_event, w, NULL);
	if (!w->ring) {
		rc = errno;
		rt_capwatch_close(w);
		return rt_fail(err, rc, "learn: the capability watcher's ring buffer");
	}
	*out = w;
	return 0;
}

int rt_capwatch_follow(struct rt_capwatch *w, pid_t pid, struct rt_err *err)
{
	char path[48];
	struct stat st;

	if (!pid) {
		w->skel->bss->container_userns = 0;
		return 0;
	}
	/* A namespace's identity is the inode of its /proc/PID/ns file (namespaces(7)). */
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat(path, &st) < 0)
		return rt_fail(err, errno, "learn: stat %s", path);
	rt_trace("learn", "capability checks of user namespace %llu and below",
	         (unsigned long long)st.st_ino);
	w->skel->bss->container_userns = (__u32)st.st_ino;
	return 0;
}

int rt_capwatch_fd(const struct rt_capwatch *w)
{
	return ring_buffer__epoll_fd(w->ring);
}

void rt_capwatch_drain(struct rt_capwatch *w)
{
	ring_buffer__consume(w->ring);
}

void rt_capwatch_close(struct rt_capwatch *w)
{
	if (!w)
		return;
	ring_buffer__free(w->ring);
	capable_bpf__destroy(w->skel);
	free(w);
}
