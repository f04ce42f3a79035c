/*
 * tests/tools/probe.c - try one thing inside a container and print what the kernel said.
 *
 *   probe syscall NAME [ARG...]   probe socket inet|inet6|unix|netlink|packet
 *   probe setsockopt-sodebug      probe clone-newuser     probe unshare user|net|mount
 *   probe clone3                  probe x32 getpid|unshare  probe int80 getpid|unshare
 *   probe tiocsti                 probe mount             probe kexec
 *   probe ptrace-self             probe mlock             probe personality VALUE
 *   probe caps                    probe ids
 *   probe bind PORT               probe connect-udp IPV4 PORT
 *
 * Each prints one line, "NAME: ok" or "NAME: errno=EPERM" (or "NAME: killed by SIGSYS" for the
 * x32 and int80 probes, which run in a child), and exits 0, so integration tests grep the
 * line. Exit 2 means a usage error. Linked statically: the test rootfs has no libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Print "label: ok" when rc >= 0, else "label: errno=ENAME"; always exits 0. */
static int report(const char *label, long rc, int err)
{
	const char *name = strerrorname_np(err);

	if (rc >= 0)
		printf("%s: ok\n", label);
	else if (name)
		printf("%s: errno=%s\n", label, name);
	else
		printf("%s: errno=%d\n", label, err);
	return 0;
}

/* Evaluate the call first, then read errno (argument order is unspecified in C). */
#define REPORT(label, call)                \
	({                                 \
		long rc_ = (long)(call);   \
		report(label, rc_, errno); \
	})

/* clang-format off */
/* System calls `probe syscall NAME` knows; arguments are integers (strtoull base 0). */
#define SC(name) { #name, SYS_##name }
static const struct { const char *name; long nr; } syscalls[] = {
	SC(getpid), SC(getppid), SC(unshare), SC(setns), SC(mount), SC(umount2), SC(pivot_root),
	SC(chroot), SC(swapon), SC(swapoff), SC(reboot), SC(kexec_load), SC(kexec_file_load),
	SC(init_module), SC(finit_module), SC(delete_module), SC(bpf), SC(keyctl), SC(add_key),
	SC(request_key), SC(perf_event_open), SC(userfaultfd), SC(io_uring_setup), SC(ptrace),
	SC(mlock), SC(mlockall), SC(munlockall), SC(personality), SC(clock_settime),
	SC(settimeofday), SC(adjtimex), SC(acct), SC(open_by_handle_at), SC(name_to_handle_at),
	SC(socket), SC(setsockopt), SC(setuid), SC(setgid), SC(ioperm), SC(iopl), SC(syslog),
	SC(vhangup),
	SC(fsopen), SC(fsmount), SC(move_mount), SC(open_tree), SC(mount_setattr), SC(quotactl),
	SC(lookup_dcookie), SC(fanotify_init), SC(kcmp), SC(process_vm_readv), SC(move_pages),
	SC(mbind), SC(set_mempolicy), SC(get_mempolicy), SC(sethostname), SC(setdomainname),
	SC(nfsservctl), SC(uselib), SC(ustat), SC(sysfs), SC(vmsplice), SC(clone3), SC(chown),
	SC(mknod), SC(setpriority), SC(sched_setscheduler), SC(ioctl), SC(pidfd_getfd),
	SC(memfd_secret), SC(landlock_create_ruleset), SC(seccomp), SC(prctl),
};

/*
 * Numbers for the other ABIs, which have their own tables: x32 (arch/x86/entry/syscalls/
 * syscall_64.tbl, "common" rows, plus __X32_SYSCALL_BIT) and i386 (syscall_32.tbl).
 */
static const struct { const char *name; long x32; long i386; } compat_syscalls[] = {
	{ "getpid",  39,  20 },
	{ "unshare", 272, 310 },
};

static const struct { const char *name; int domain; int type; } sockets[] = {
	{ "inet",    AF_INET,    SOCK_STREAM },
	{ "inet6",   AF_INET6,   SOCK_STREAM },
	{ "unix",    AF_UNIX,    SOCK_STREAM },
	{ "netlink", AF_NETLINK, SOCK_RAW },
	{ "packet",  AF_PACKET,  SOCK_RAW },
	{ "vsock",   AF_VSOCK,   SOCK_STREAM },
	{ "alg",     AF_ALG,     SOCK_SEQPACKET },
};

static const struct { const char *name; int flag; } ns_kinds[] = {
	{ "user",  CLONE_NEWUSER },
	{ "net",   CLONE_NEWNET },
	{ "mount", CLONE_NEWNS },
	{ "pid",   CLONE_NEWPID },
	{ "uts",   CLONE_NEWUTS },
	{ "ipc",   CLONE_NEWIPC },
};
/* clang-format on */

#define X32_SYSCALL_BIT 0x40000000L

static int usage(void)
{
	fprintf(stderr, "usage: probe syscall NAME [ARG...] | socket KIND | setsockopt-sodebug | "
	                "clone-newuser | unshare KIND | clone3 | x32 NAME | int80 NAME | tiocsti | "
	                "mount | kexec | ptrace-self | mlock | personality VALUE | caps | ids | "
	                "bind PORT | connect-udp IPV4 PORT\n");
	return 2;
}

static int probe_syscall(int argc, char **argv)
{
	unsigned long a[6] = { 0 };

	if (argc < 1)
		return usage();
	for (int i = 1; i < argc && i <= 6; i++)
		a[i - 1] = strtoull(argv[i], NULL, 0);
	for (size_t i = 0; i < ARRAY_SIZE(syscalls); i++) {
		if (strcmp(syscalls[i].name, argv[0]) != 0)
			continue;
		return REPORT(argv[0], syscall(syscalls[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]));
	}
	fprintf(stderr, "probe: syscall %s is not in the probe's table\n", argv[0]);
	return 2;
}

static int probe_socket(const char *kind)
{
	char label[64];

	for (size_t i = 0; i < ARRAY_SIZE(sockets); i++) {
		if (strcmp(sockets[i].name, kind) != 0)
			continue;
		snprintf(label, sizeof(label), "socket %s", kind);
		return REPORT(label, socket(sockets[i].domain, sockets[i].type | SOCK_CLOEXEC, 0));
	}
	return usage();
}

static int probe_sodebug(void)
{
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return report("setsockopt-sodebug (socket)", -1, errno);
	return REPORT("setsockopt-sodebug",
	              setsockopt(fd, SOL_SOCKET, SO_DEBUG, &one, sizeof(one)));
}

/* Wait for a child that only _exit(0)s; a failed clone reports its errno. */
static int report_child(const char *label, long pid, int err)
{
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, __WALL);
	return report(label, pid, err);
}

static int probe_clone_newuser(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
	int err = errno;

	return report_child("clone-newuser", pid, err);
}

static int probe_clone3(void)
{
	struct clone_args args = { .exit_signal = SIGCHLD };
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	int err = errno;

	return report_child("clone3", pid, err);
}

static int probe_unshare(const char *kind)
{
	char label[64];

	for (size_t i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
		if (strcmp(ns_kinds[i].name, kind) != 0)
			continue;
		snprintf(label, sizeof(label), "unshare %s", kind);
		return REPORT(label, unshare(ns_kinds[i].flag));
	}
	return usage();
}

/* A raw system call through the 64-bit entry with a number of our choosing. */
static long raw_syscall64(long nr)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

/* The 32-bit entry, int $0x80: another AUDIT_ARCH (i386) and the i386 numbers. */
static long raw_int80(long nr)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

/*
 * Run one foreign-ABI call in a child: a filter that refuses the ABI kills it, and the parent
 * prints how it died. The child prints its own line when the call returns.
 */
static int probe_abi(const char *abi, const char *name)
{
	char label[64];
	int status;
	pid_t pid;

	snprintf(label, sizeof(label), "%s %s", abi, name);
	for (size_t i = 0; i < ARRAY_SIZE(compat_syscalls); i++) {
		if (strcmp(compat_syscalls[i].name, name) != 0)
			continue;
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			return report(label, -1, errno);
		if (pid == 0) {
			long rc = strcmp(abi, "x32") == 0
			                  ? raw_syscall64(X32_SYSCALL_BIT | compat_syscalls[i].x32)
			                  : raw_int80(compat_syscalls[i].i386);

			report(label, rc < 0 && rc > -4096 ? -1 : 0, (int)-rc);
			fflush(stdout);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) < 0)
			return report(label, -1, errno);
		if (WIFSIGNALED(status))
			printf("%s: killed by SIG%s\n", label,
			       sigabbrev_np(WTERMSIG(status)) ?: "?");
		return 0;
	}
	return usage();
}

static int probe_tiocsti(void)
{
	char c = 'x';

	return REPORT("tiocsti", ioctl(0, TIOCSTI, &c));
}

static int probe_mount(void)
{
	int rc = mount("probe", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k");
	int err = errno;

	if (rc == 0)
		umount2("/tmp", MNT_DETACH);
	return report("mount", rc, err);
}

static int probe_kexec(void)
{
	return REPORT("kexec", syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
}

/* Attach to our own child: ptrace of the container's own processes. */
static int probe_ptrace_self(void)
{
	pid_t pid = fork();
	long rc;
	int err;

	if (pid < 0)
		return report("ptrace-self", -1, errno);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	rc = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	err = errno;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return report("ptrace-self", rc, err);
}

static int probe_mlock(void)
{
	static char page[4096] __attribute__((aligned(4096)));

	return REPORT("mlock", mlock(page, sizeof(page)));
}

static int probe_personality(const char *value)
{
	char label[64];

	snprintf(label, sizeof(label), "personality %s", value);
	return REPORT(label, personality(strtoul(value, NULL, 0)));
}

/* The capability, no_new_privs and seccomp lines of /proc/self/status, verbatim. */
static int probe_caps(void)
{
	static const char *const keys[] = { "Cap", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:" };
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return report("caps", -1, errno);
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				fputs(line, stdout);
	fclose(f);
	return 0;
}

static int probe_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("ids: uid=%u euid=%u suid=%u gid=%u egid=%u groups=%d\n", r, e, s, gr, ge,
	       getgroups(0, NULL));
	return 0;
}

/* A TCP socket bound to PORT on every IPv4 address (ports below 1024 need a capability). */
static int probe_bind(const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	char label[64];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(label, sizeof(label), "bind %s", port);
	if (fd < 0)
		return report(label, -1, errno);
	return REPORT(label, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

/* A UDP socket connected to IPV4:PORT: no packet is sent, but a route must exist. */
static int probe_connect_udp(const char *ip, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	char label[96];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(label, sizeof(label), "connect-udp %s:%s", ip, port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return usage();
	if (fd < 0)
		return report(label, -1, errno);
	return REPORT(label, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

/* Every handler gets the words after the command; nargs is how many it needs at least. */
static int run_syscall(char **a, int n)
{
	return probe_syscall(n, a);
}
#define ARG0(fn)                             \
	static int run_##fn(char **a, int n) \
	{                                    \
		(void)n;                     \
		return probe_##fn(a[0]);     \
	}
#define NOARG(fn)                            \
	static int run_##fn(char **a, int n) \
	{                                    \
		(void)a;                     \
		(void)n;                     \
		return probe_##fn();         \
	}
ARG0(socket)
ARG0(unshare)
ARG0(personality)
NOARG(sodebug)
NOARG(clone_newuser)
NOARG(clone3)
NOARG(tiocsti)
NOARG(mount)
NOARG(kexec)
NOARG(ptrace_self)
NOARG(mlock)
NOARG(caps)
NOARG(ids)
ARG0(bind)

static int run_connect_udp(char **a, int n)
{
	(void)n;
	return probe_connect_udp(a[0], a[1]);
}

static int run_x32(char **a, int n)
{
	(void)n;
	return probe_abi("x32", a[0]);
}

static int run_int80(char **a, int n)
{
	(void)n;
	return probe_abi("int80", a[0]);
}

/* clang-format off */
static const struct { const char *name; int nargs; int (*run)(char **args, int n); } commands[] = {
	{ "syscall",            1, run_syscall },
	{ "socket",             1, run_socket },
	{ "setsockopt-sodebug", 0, run_sodebug },
	{ "clone-newuser",      0, run_clone_newuser },
	{ "unshare",            1, run_unshare },
	{ "clone3",             0, run_clone3 },
	{ "x32",                1, run_x32 },
	{ "int80",              1, run_int80 },
	{ "tiocsti",            0, run_tiocsti },
	{ "mount",              0, run_mount },
	{ "kexec",              0, run_kexec },
	{ "ptrace-self",        0, run_ptrace_self },
	{ "mlock",              0, run_mlock },
	{ "personality",        1, run_personality },
	{ "caps",               0, run_caps },
	{ "ids",                0, run_ids },
	{ "bind",               1, run_bind },
	{ "connect-udp",        2, run_connect_udp },
};
/* clang-format on */

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; argc > 1 && i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, argv[1]) == 0 && argc - 2 >= commands[i].nargs)
			return commands[i].run(argv + 2, argc - 2);
	return usage();
}
