/*
 * entitlements/syscalls.c - the system call groups and argument filters of the seccomp
 * allowlist (seccomp(2), seccomp_rule_add(3)).
 *
 * A container's filter is an allowlist: a system call no rule names fails with ENOSYS, as if
 * the kernel were older than the call, so libc and language runtimes fall back (glibc retries
 * clone3 as clone, for example). The groups below say which calls ordinary programs (shells,
 * compilers, package managers, interpreters, the JVM, Go programs) get, which dangerous ones
 * fail with EPERM until an entitlement grants them, and which are filtered by argument.
 *
 * Calls are named, never numbered: libseccomp resolves each name per architecture. Names of
 * other architectures (chown32 on x86_64, open on aarch64) are harmless: libseccomp knows them
 * and adds no rule where they do not exist. The unit tests check every name resolves on x86_64
 * and aarch64.
 */
#include "entitlements/catalogue.h"

#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* clang-format off */
static const char *const sc_files[] = {
	"access", "chdir", "chmod", "chown", "chown32", "close", "close_range",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "faccessat", "faccessat2",
	"fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod",
	"fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64",
	"fdatasync", "fgetxattr", "flistxattr", "flock", "fremovexattr", "fsetxattr", "fstat",
	"fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
	"futimesat", "getcwd", "getdents", "getdents64", "getxattr", "inotify_add_watch",
	"inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "io_destroy",
	"io_getevents", "io_pgetevents", "io_setup", "io_submit", "lchown", "lchown32",
	"lgetxattr", "link", "linkat", "listxattr", "llistxattr", "_llseek", "lremovexattr",
	"lseek", "lsetxattr", "lstat", "lstat64", "memfd_create", "mkdir", "mkdirat", "mknod",
	"mknodat", "name_to_handle_at", "newfstatat", "open", "openat", "openat2", "pipe",
	"pipe2", "pread64", "preadv", "preadv2", "pwrite64", "pwritev", "pwritev2", "read",
	"readahead", "readlink", "readlinkat", "readv", "removexattr", "rename", "renameat",
	"renameat2", "rmdir", "sendfile", "sendfile64", "setxattr", "splice", "stat", "stat64",
	"statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
	"syncfs", "tee", "truncate", "truncate64", "umask", "unlink", "unlinkat", "utime",
	"utimensat", "utimes", "vmsplice", "write", "writev", NULL,
};

static const char *const sc_process[] = {
	"arch_prctl", "capget", "capset", "execve", "execveat", "exit", "exit_group", "fork",
	"get_robust_list", "get_thread_area", "getcpu", "getegid", "getegid32", "geteuid",
	"geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getpgid", "getpgrp",
	"getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid",
	"getresuid32", "getrlimit", "getrusage", "getsid", "gettid", "getuid", "getuid32",
	"ioprio_get", "ioprio_set", "landlock_add_rule", "landlock_create_ruleset",
	"landlock_restrict_self", "membarrier", "modify_ldt", "pidfd_open", "pidfd_send_signal",
	"prctl", "prlimit64", "restart_syscall", "rseq", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getaffinity", "sched_getattr", "sched_getparam",
	"sched_getscheduler", "sched_rr_get_interval", "sched_setaffinity", "sched_setattr",
	"sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "set_robust_list",
	"set_thread_area", "set_tid_address", "setfsgid", "setfsgid32", "setfsuid",
	"setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setpgid",
	"setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
	"setresuid32", "setreuid", "setreuid32", "setrlimit", "setsid", "setuid", "setuid32",
	"sysinfo", "ugetrlimit", "uname", "vfork", "wait4", "waitid", "waitpid",
	"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint",
	"cacheflush", "set_tls", NULL,
};

static const char *const sc_memory[] = {
	"brk", "futex", "futex_waitv", "futex_wake", "madvise", "map_shadow_stack", "mincore",
	"mmap", "mmap2", "mprotect", "mremap", "msync", "munmap", "pkey_alloc", "pkey_free",
	"pkey_mprotect", "process_mrelease", "remap_file_pages", NULL,
};

static const char *const sc_signals[] = {
	"alarm", "kill", "pause", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
	"rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
	"rt_tgsigqueueinfo", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn",
	"tgkill", "tkill", NULL,
};

static const char *const sc_time[] = {
	"adjtimex", "clock_adjtime", "clock_getres", "clock_gettime", "clock_nanosleep",
	"getitimer", "gettimeofday", "nanosleep", "setitimer", "time", "timer_create",
	"timer_delete", "timer_getoverrun", "timer_gettime", "timer_settime", "timerfd_create",
	"timerfd_gettime", "timerfd_settime", "times", NULL,
};

static const char *const sc_ipc[] = {
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2",
	"epoll_wait", "eventfd", "eventfd2", "ipc", "mq_getsetattr", "mq_notify", "mq_open",
	"mq_timedreceive", "mq_timedsend", "mq_unlink", "msgctl", "msgget", "msgrcv", "msgsnd",
	"_newselect", "poll", "ppoll", "pselect6", "select", "semctl", "semget", "semop",
	"semtimedop", "shmat", "shmctl", "shmdt", "shmget", NULL,
};

static const char *const sc_net_io[] = {
	"accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
	"listen", "recv", "recvfrom", "recvmmsg", "recvmsg", "send", "sendmmsg", "sendmsg",
	"sendto", "shutdown", "socketpair", NULL,
};

static const char *const sc_ptrace[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", NULL,
};

/* socketcall multiplexes socket() on 32-bit x86, out of reach of argument filters. */
static const char *const sc_socket[]      = { "socketcall", NULL }; /* socket: filters */
static const char *const sc_sockopt[]     = { "setsockopt", NULL };
static const char *const sc_clone[]       = { "clone", "unshare", NULL };
static const char *const sc_clone3[]      = { "clone3", NULL };
static const char *const sc_personality[] = { "personality", NULL };
static const char *const sc_chroot[]      = { "chroot", NULL };

static const char *const sc_mount[] = {
	"fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount",
	"open_tree", "pivot_root", "umount", "umount2", NULL,
};

static const char *const sc_setns[]       = { "setns", NULL };
static const char *const sc_bpf[]         = { "bpf", NULL };
static const char *const sc_keyring[]     = { "add_key", "keyctl", "request_key", NULL };
static const char *const sc_perf[]        = { "perf_event_open", NULL };
static const char *const sc_userfaultfd[] = { "userfaultfd", NULL };
static const char *const sc_io_uring[]    = {
	"io_uring_enter", "io_uring_register", "io_uring_setup", NULL,
};
static const char *const sc_mlock[] = {
	"mlock", "mlock2", "mlockall", "munlock", "munlockall", NULL,
};

static const char *const sc_sysadmin[] = {
	"fanotify_init", "kcmp", "lookup_dcookie", "open_by_handle_at", "pidfd_getfd",
	"process_madvise", "quotactl", "quotactl_fd", "reboot", "setdomainname", "sethostname",
	"syslog", "vhangup", NULL,
};

static const char *const sc_numa[] = {
	"get_mempolicy", "mbind", "migrate_pages", "move_pages", "set_mempolicy",
	"set_mempolicy_home_node", NULL,
};

static const char *const sc_rawio[] = { "ioperm", "iopl", NULL };

static const char *const sc_host_kernel[] = {
	"acct", "clock_settime", "delete_module", "finit_module", "init_module", "kexec_file_load",
	"kexec_load", "settimeofday", "stime", "swapoff", "swapon", NULL,
};

#define GROUP(id, nm, d, list, text) [SCG_##id] = { .name = nm, .deflt = d, .syscalls = list, .about = text }

const struct ent_sc_group ent_sc_groups[SCG_COUNT] = {
	GROUP(FILES,       "files",       ENT_SC_ALLOW,    sc_files,
	      "files, directories, pipes and asynchronous I/O"),
	GROUP(PROCESS,     "process",     ENT_SC_ALLOW,    sc_process,
	      "processes, ids, scheduling, limits and prctl (capabilities still bound them)"),
	GROUP(MEMORY,      "memory",      ENT_SC_ALLOW,    sc_memory,
	      "memory mappings and futexes"),
	GROUP(SIGNALS,     "signals",     ENT_SC_ALLOW,    sc_signals,
	      "signals"),
	GROUP(TIME,        "time",        ENT_SC_ALLOW,    sc_time,
	      "reading clocks, sleeping and timers (setting a clock needs CAP_SYS_TIME)"),
	GROUP(IPC,         "ipc",         ENT_SC_ALLOW,    sc_ipc,
	      "polling, eventfd, System V and POSIX message queues, semaphores, shared memory"),
	GROUP(NET_IO,      "net-io",      ENT_SC_ALLOW,    sc_net_io,
	      "using sockets: connect, send, receive (creating one is socket, below)"),
	GROUP(PTRACE,      "ptrace",      ENT_SC_ALLOW,    sc_ptrace,
	      "debuggers, strace and sanitizers on the container's own processes; the filter "
	      "is re-checked after a tracer changes a call (Linux >= 4.8)"),
	GROUP(SOCKET,      "socket",      ENT_SC_UNLISTED, sc_socket,
	      "creating sockets (socketcall, the 32-bit entry; socket itself is filtered)"),
	GROUP(SOCKOPT,     "setsockopt",  ENT_SC_UNLISTED, sc_sockopt,
	      "setting any socket option"),
	GROUP(CLONE,       "clone",       ENT_SC_UNLISTED, sc_clone,
	      "clone and unshare with any flags, including new namespaces"),
	GROUP(CLONE3,      "clone3",      ENT_SC_ENOSYS,   sc_clone3,
	      "clone3 passes its flags in memory, where seccomp cannot look: ENOSYS makes libc "
	      "fall back to clone, whose flags are checked"),
	GROUP(PERSONALITY, "personality", ENT_SC_UNLISTED, sc_personality,
	      "every execution domain, including ones that disable address randomisation"),
	GROUP(CHROOT,      "chroot",      ENT_SC_DENY,     sc_chroot,
	      "changing the root directory (CAP_SYS_CHROOT)"),
	GROUP(MOUNT,       "mount",       ENT_SC_DENY,     sc_mount,
	      "the mount API: mounting could cover the masked paths or reach other filesystems"),
	GROUP(SETNS,       "setns",       ENT_SC_DENY,     sc_setns,
	      "joining other namespaces"),
	GROUP(BPF,         "bpf",         ENT_SC_DENY,     sc_bpf,
	      "loading eBPF programs into the kernel, a large attack surface"),
	GROUP(KEYRING,     "keyring",     ENT_SC_DENY,     sc_keyring,
	      "the kernel keyring, which is not namespaced"),
	GROUP(PERF,        "perf",        ENT_SC_DENY,     sc_perf,
	      "performance counters, which can observe the host"),
	GROUP(USERFAULTFD, "userfaultfd", ENT_SC_DENY,     sc_userfaultfd,
	      "user page-fault handling, a common tool of kernel exploits"),
	GROUP(IO_URING,    "io_uring",    ENT_SC_DENY,     sc_io_uring,
	      "io_uring, which runs I/O outside seccomp's view"),
	GROUP(MLOCK,       "mlock",       ENT_SC_DENY,     sc_mlock,
	      "locking memory so it is never swapped out (CAP_IPC_LOCK, RLIMIT_MEMLOCK)"),
	GROUP(SYSADMIN,    "sysadmin",    ENT_SC_DENY,     sc_sysadmin,
	      "administration calls: quotas, kernel log, hostname, file handles, reboot"),
	GROUP(NUMA,        "numa",        ENT_SC_UNLISTED, sc_numa,
	      "NUMA memory placement policies"),
	GROUP(RAWIO,       "rawio",       ENT_SC_DENY,     sc_rawio,
	      "direct I/O port access (CAP_SYS_RAWIO)"),
	GROUP(HOST_KERNEL, "host-kernel", ENT_SC_DENY,     sc_host_kernel,
	      "kernel modules, kexec, swap, process accounting and setting the clock: they act "
	      "on the whole machine and no entitlement grants them"),
};

/*
 * The namespace flags of clone(2) and unshare(2). CLONE_NEWTIME shares its bit with the exit
 * signal in clone's flags (CSIGNAL), where the kernel ignores it, so only unshare checks it.
 */
#define CLONE_NS_FLAGS CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, \
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET

const struct ent_sc_filter ent_sc_filters[SCF_COUNT] = {
	[SCF_SOCKET_UNIX] = {
		.name = "socket: AF_UNIX only", .syscall = "socket",
		.kind = ENT_FILTER_ONLY_VALUE, .arg = 0, .values = { AF_UNIX }, .n_values = 1,
		.about = "only local (AF_UNIX) sockets; other families fail with EPERM",
	},
	[SCF_SOCKET_FAMILIES] = {
		.name = "socket: no AF_VSOCK, AF_ALG", .syscall = "socket",
		.kind = ENT_FILTER_DENY_VALUES32, .arg = 0,
		.values = { AF_VSOCK, AF_ALG }, .n_values = 2, .baseline = true,
		.about = "every address family but AF_VSOCK (host-VM sockets, which no network "
			 "namespace confines) and AF_ALG (the kernel crypto API), as in Docker's profile",
	},
	[SCF_SETSOCKOPT] = {
		.name = "setsockopt: no SO_DEBUG", .syscall = "setsockopt",
		.kind = ENT_FILTER_DENY_PAIR, .arg = 1, .arg2 = 2,
		.values = { SOL_SOCKET }, .n_values = 1, .value2 = SO_DEBUG, .baseline = true,
		.about = "every socket option but SO_DEBUG (the kernel also wants CAP_NET_ADMIN)",
	},
	[SCF_CLONE] = {
		.name = "clone: no new namespaces", .syscall = "clone",
		.kind = ENT_FILTER_DENY_FLAGS, .arg = 0,
		.values = { CLONE_NS_FLAGS }, .n_values = 7, .baseline = true,
		.about = "threads and processes, but no CLONE_NEW* flag",
	},
	[SCF_UNSHARE] = {
		.name = "unshare: no new namespaces", .syscall = "unshare",
		.kind = ENT_FILTER_DENY_FLAGS, .arg = 0,
		.values = { CLONE_NS_FLAGS, CLONE_NEWTIME }, .n_values = 8, .baseline = true,
		.about = "unsharing files or fs attributes, but no CLONE_NEW* flag",
	},
	[SCF_IOCTL] = {
		.name = "ioctl: no TIOCSTI, TIOCLINUX", .syscall = "ioctl",
		.kind = ENT_FILTER_DENY_VALUES32, .arg = 1,
		.values = { TIOCSTI, TIOCLINUX }, .n_values = 2, .baseline = true,
		.about = "every request but faking terminal input (TIOCSTI, TIOCLINUX), which could "
			 "type commands into the caller's shell",
	},
	[SCF_PERSONALITY] = {
		.name = "personality: harmless values", .syscall = "personality",
		.kind = ENT_FILTER_VALUES, .arg = 0,
		.values = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff }, .n_values = 5, .baseline = true,
		.about = "PER_LINUX, PER_LINUX32, UNAME26 and the query 0xffffffff only",
	},
};
/* clang-format on */
