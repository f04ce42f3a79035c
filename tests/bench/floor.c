/*
 * tests/bench/floor.c - the least any container launcher can do, as a yardstick for `make bench`
 * (clone3(2), user_namespaces(7), mount_namespaces(7), pivot_root(2)).
 *
 *   floor ROOTFS COMMAND [ARG...]
 *
 * One clone3 creates the seven namespaces ent-run uses (user, mount, pid, network, UTS, IPC,
 * cgroup); the parent writes the child's uid/gid maps; the child bind-mounts the rootfs onto
 * itself, mounts /proc and a tmpfs /dev holding six bound device nodes, pivot_roots into it and
 * execs COMMAND as its pid 1. No cgroup, no capability or seccomp lockdown, no masks, no
 * read-only paths, no error channel: each of those is what a real launcher adds on top, and
 * the bench reports ent-run's cost as a ratio to this one.
 *
 * Exit status: COMMAND's own, 128+N if it died of signal N, 125 if a step failed (the step
 * and errno on stderr). Linked like ent-run (PIE, -z now), against libc alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS                                                                                   \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWCGROUP)

/* The same six nodes bwrap's --dev binds (ent-run's minimal /dev adds pts, ptmx, shm, mqueue). */
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

/* Write a whole /proc/PID/ file in one write(2): the kernel takes an id map once, whole. */
static void write_proc(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/*
 * User namespace maps. As root, an identity map of the first 65536 ids (root inside is root
 * outside: the floor gives up the isolation ent-run's id blocks buy). Otherwise our own ids
 * become 0, and setgroups(2) must be denied first (user_namespaces(7), "gid_map").
 */
static void write_maps(pid_t pid)
{
	char map[64];

	if (geteuid() == 0) {
		write_proc(pid, "uid_map", "0 0 65536\n");
		write_proc(pid, "gid_map", "0 0 65536\n");
		return;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)geteuid());
	write_proc(pid, "uid_map", map);
	write_proc(pid, "setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)getegid());
	write_proc(pid, "gid_map", map);
}

/* A tmpfs /dev with each node an empty file that a host node is bound onto. */
static void mount_dev(void)
{
	char path[32];

	if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
		die("mount tmpfs on /dev");
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		int fd;

		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		fd = open(path + 1, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			die(path);
		close(fd);
		if (mount(path, path + 1, NULL, MS_BIND, NULL) < 0)
			die(path);
	}
}

/* The child, pid 1 of its namespaces: wait for the maps, build the tree, switch, exec. */
static void child(int ready_fd, const char *rootfs, char **argv)
{
	char c;

	/* EOF on the pipe: the parent has written our maps, so files we create have owners. */
	if (read(ready_fd, &c, 1) < 0)
		die("wait for the id maps");
	/* Private first, or our mounts would propagate back to the host's shared / . */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	/* pivot_root needs the new root to be a mount point: bind the rootfs onto itself. */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind the rootfs");
	if (chdir(rootfs) < 0)
		die("chdir to the rootfs");
	/* A /proc of the new pid namespace: we are its pid 1. */
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount proc");
	mount_dev();
	/* pivot_root(".", "."): the old root ends up stacked on "." and is detached at once. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	if (chdir("/") < 0)
		die("chdir /");
	execvp(argv[0], argv);
	die(argv[0]);
}

int main(int argc, char **argv)
{
	struct clone_args args = { .flags = NS_FLAGS, .exit_signal = SIGCHLD };
	int ready[2], status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: floor ROOTFS COMMAND [ARG...]\n");
		return 125;
	}
	if (pipe2(ready, O_CLOEXEC) < 0)
		die("pipe");
	/* Without CLONE_VM, clone3 returns twice like fork(2): 0 in the child. */
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		die("clone3");
	if (pid == 0) {
		/* Die with the parent, like bwrap --die-with-parent and ent-run's child. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("prctl(PR_SET_PDEATHSIG)");
		close(ready[1]);
		child(ready[0], argv[1], argv + 2);
	}
	close(ready[0]);
	write_maps(pid);
	close(ready[1]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid");
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
