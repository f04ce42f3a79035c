#!/bin/sh
# Issue 2: a command in a fully isolated rootfs, seen from inside; exit statuses; signals.
. "$(dirname "$0")/lib.sh"
R=$ROOTFS

# Namespaces, seen from inside.
run_ok "workload is PID 2 under our PID 1" '^2$' $R /bin/sh -c 'echo $$'
run_ok "process list starts at PID 1" '^ *1 ' $R /bin/ps -o pid,args
run_ok "default hostname" '^ent-run$' $R /bin/hostname
run_ok "--hostname" '^box1$' --hostname box1 $R /bin/hostname
run_ok "root: uid map 0-65535 onto a block of host ids of its own" '^ +0 +[0-9]{6,} +65536$' \
	$R /bin/cat /proc/self/uid_map
run_ok "root: gid map 0-65535 onto a block of host ids of its own" '^ +0 +[0-9]{6,} +65536$' \
	$R /bin/cat /proc/self/gid_map
run_ok "only loopback in /sys/class/net" '^lo$' $R /bin/ls /sys/class/net
ent $R /bin/ls /sys/class/net
check "no interface besides lo" [ "$(cat "$OUT")" = lo ]
run_ok "loopback is up" 'lo: <LOOPBACK,UP' $R /bin/ip link show lo
run_ok "loopback works (127.0.0.1)" 'ok' $R /bin/sh -c \
	'nc -l -p 4242 >/tmp/got & sleep 0.3; echo ok | nc -w 2 127.0.0.1 4242; sleep 0.2; cat /tmp/got'
host_ipc=$(readlink /proc/self/ns/ipc)
ent $R /bin/readlink /proc/self/ns/ipc
check "own IPC namespace" [ -n "$(cat "$OUT")" -a "$(cat "$OUT")" != "$host_ipc" ]
run_ok "own cgroup namespace: our cgroup is /" '^0::/$' $R /bin/sh -c 'grep "^0::" /proc/self/cgroup'

# The mount tree: rootfs is /, the old root is gone.
ent $R /bin/cat /proc/self/mountinfo
check "rootfs is mounted at /" grep -Eq "^[0-9]+ [0-9]+ [0-9:]+ [^ ]*$(basename "$R") / " "$OUT"
check "old root detached (no host paths mounted)" sh -c "! grep -Eq ' /(work|tmp/[^ ]*oldroot|old) ' '$OUT'"
check "/proc mounted" grep -q ' /proc .* - proc ' "$OUT"
check "/sys mounted read-only" grep -Eq ' /sys ro,.* - sysfs ' "$OUT"
check "/dev is a tmpfs" grep -q ' /dev .* - tmpfs ' "$OUT"
check "/dev/pts is a new devpts" grep -Eq ' /dev/pts .* - devpts .*(newinstance|ptmxmode)' "$OUT"
check "/dev/shm and /dev/mqueue mounted" sh -c "grep -q ' /dev/shm ' '$OUT' && grep -q ' /dev/mqueue .* - mqueue ' '$OUT'"
# Host information the container must not read: each path is masked (or this kernel lacks it),
# and the host-global ones that have content on the host read empty inside.
MASKED="/proc/kcore /proc/keys /proc/timer_list /proc/timer_stats /proc/sched_debug /proc/acpi
	/proc/asound /proc/scsi /proc/latency_stats /proc/interrupts /proc/buddyinfo
	/proc/pagetypeinfo /proc/zoneinfo /proc/iomem /proc/ioports /proc/mtrr /proc/kallsyms
	/proc/modules /sys/firmware /sys/devices/virtual/powercap /sys/kernel/slab"
# Readable by host root alone (0400): masked only where a container uid is host root.
ROOT_ONLY="/proc/kpageflags /proc/kpagecount /proc/kpagecgroup /proc/slabinfo /proc/vmallocinfo"
# What each path is inside: "absent", "masked N" (N bytes read, at most 64) or "visible".
MASK_PROBE='for p; do if [ ! -e $p ]; then echo "$p absent"; \
	elif grep -q " $p " /proc/self/mountinfo; then echo "$p masked $(head -c 64 $p 2>/dev/null | wc -c)"; \
	else echo "$p visible"; fi; done'
# shellcheck disable=SC2086
ent $R /bin/sh -c "$MASK_PROBE" sh $MASKED
check "the masks ran" [ "$STATUS" = 0 -a -s "$OUT" ]
for p in $MASKED; do
	check "masked $p" grep -Eq "^$p (masked 0|absent)\$" "$OUT"
done
# The masked directories share one empty tmpfs (the first one's, bound over the others): each
# is empty and read-only, and a file made in one could not show up in another.
MASKED_DIRS="/proc/acpi /sys/firmware /sys/kernel/slab /sys/block /sys/bus /sys/class/block /sys/dev"
# shellcheck disable=SC2086
ent $R /bin/sh -c 'for p; do test -d $p || { echo "$p absent"; continue; }; \
	n=$(ls -A $p | wc -l); touch $p/x 2>/dev/null && w=written || w=refused; \
	m=$(grep " $p " /proc/self/mountinfo); \
	echo "$p $(echo "$m" | sed "s/ - .*//" | cut -d" " -f6 | cut -d, -f1-4)" \
		"$(echo "$m" | sed "s/.* - //" | cut -d" " -f1) $(echo "$m" | sed "s/.* - //" | \
		cut -d" " -f3 | cut -d, -f1) $n $w"; \
	done' sh $MASKED_DIRS
check "the masked directories' probe ran" [ "$STATUS" = 0 -a -s "$OUT" ]
for p in $MASKED_DIRS; do
	check "masked directory $p: a ro,nosuid,nodev,noexec mount of a read-only tmpfs, empty, no file can be made" \
		grep -Eq "^$p (ro,nosuid,nodev,noexec tmpfs ro 0 refused|absent)\$" "$OUT"
done
# shellcheck disable=SC2086
ent $R /bin/sh -c 'for p; do if [ ! -e $p ]; then echo "$p absent"; \
	elif head -c 1 $p >/dev/null 2>&1; then echo "$p readable"; else echo "$p refused"; fi; \
	done' sh $ROOT_ONLY
check "the host-root-only probes ran" [ "$STATUS" = 0 -a -s "$OUT" ]
for p in $ROOT_ONLY; do
	check "unmasked but refused by the kernel: $p" grep -Eq "^$p (refused|absent)\$" "$OUT"
done
# shellcheck disable=SC2086
ent -e host.devices.access=admin $R /bin/sh -c "$MASK_PROBE" sh $ROOT_ONLY
check "host.devices.access=admin (host root): the probes ran" [ "$STATUS" = 0 -a -s "$OUT" ]
for p in $ROOT_ONLY; do
	check "host.devices.access=admin: masked $p" grep -Eq "^$p (masked 0|absent)\$" "$OUT"
done
check "... and the host-global ones have content on the host (the check can fail)" \
	sh -c 'head -c 1 /proc/zoneinfo | grep -q . && head -c 1 /proc/buddyinfo | grep -q . && head -c 1 /proc/iomem | grep -q .'
run_ok "/proc/kcore reads empty" '^0$' $R /bin/sh -c 'cat /proc/kcore | wc -c'
for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus /proc/fs; do
	ent $R /bin/sh -c "test -e $p || { echo absent; exit 0; }; grep -E ' $p ro[, ]' /proc/self/mountinfo >/dev/null && echo ro"
	check "read-only $p" grep -Eq '^(ro|absent)$' "$OUT"
done
run_ok "writing /proc/sys fails with EROFS" 'Read-only file system' $R /bin/sh -c \
	'echo x 2>&1 >/proc/sys/kernel/hostname | cat; true'

# /dev: the minimal set.
ent $R /bin/ls -A /dev
check "/dev holds exactly the minimal set" [ "$(tr '\n' ' ' <"$OUT")" = "core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " ]
run_ok "/dev/null works" '^0$' $R /bin/sh -c 'echo hi >/dev/null && wc -c </dev/null'
run_ok "/dev/zero works" '^16$' $R /bin/sh -c 'head -c 16 /dev/zero | wc -c'
run_ok "/dev/urandom works" '^16$' $R /bin/sh -c 'head -c 16 /dev/urandom | wc -c'
run_ok "/dev/fd links" '^/proc/self/fd$' $R /bin/readlink /dev/fd
run_ok "/dev/ptmx points into our devpts" '^pts/ptmx$' $R /bin/readlink /dev/ptmx

# Exit statuses.
run_status "exit 0" 0 $R /bin/true
run_status "workload's own status" 7 $R /bin/sh -c 'exit 7'
run_status "killed by SIGTERM -> 143" 143 $R /bin/sh -c 'kill -TERM $$'
run_status "killed by SIGKILL -> 137" 137 $R /bin/sh -c 'kill -KILL $$'
run_fails "command not found -> 127" 127 'exec nosuchcmd: No such file' $R nosuchcmd
run_fails "not executable -> 126" 126 'exec /etc/passwd: Permission denied' $R /etc/passwd

# PID 1 reaps orphans: the grandchild's zombie must not remain.
run_ok "orphaned grandchild reaped" '^reaped$' $R /bin/sh -c \
	'(sleep 0.1 &); sleep 0.6; ps -o stat | grep -q "^Z" && echo zombie || echo reaped'

# Signals sent to ent-run reach the workload.
for sig in INT TERM HUP QUIT USR1 USR2 WINCH; do
	start_ready $R /bin/sh -c "trap 'echo got $sig; exit 3' $sig; echo ready; \
		i=0; while [ \$i -lt 100 ]; do sleep 0.05; i=\$((i+1)); done; exit 9"
	kill -s "$sig" $BG
	wait $BG
	st=$?
	if [ $st = 3 ] && grep -q "got $sig" "$OUT"; then pass "SIG$sig forwarded"; else
		fail "SIG$sig forwarded" "exit $st, output: $(cat "$OUT" "$ERR")"; fi
done

# SIGKILL of ent-run kills every process of the container.
gone() { ! pgrep "$@" >/dev/null; }
start_ready $R /bin/sh -c "sleep 1000 & sleep 1001 & echo ready; exec sleep 1002"
kill -9 $BG
wait_until gone -f "sleep 100[0-2]"
check "SIGKILL of ent-run kills the container" gone -f "sleep 100[0-2]"

# Sharing the host's PID namespace, our PID 1 is no init: the workload must still die with us,
# also after changing its ids.
for u in 0 1000; do
	start_ready -u $u -e host.processes.access=admin $R /bin/sh -c 'echo ready; exec sleep 1004'
	kill -9 $BG
	wait_until gone -fx "sleep 1004"
	check "SIGKILL of ent-run kills a host-PID-namespace workload (uid $u)" gone -fx "sleep 1004"
done

# A caller that left SIGCHLD ignored (children inherit the disposition) does not make ent-run
# lose its container: before, PID 1 never heard that the workload ended, and hung.
if have python3 >/dev/null; then
	python3 - "$ENT_RUN" $R /bin/sh -c 'echo ran; exit 3' >"$OUT" 2>"$ERR" <<'EOF'
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
signal.alarm(30)
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
EOF
	STATUS=$?
	check "started with SIGCHLD ignored: the workload ran" grep -qx ran "$OUT"
	check "started with SIGCHLD ignored: its status comes back, no hang" [ "$STATUS" = 3 ]
else
	skip "started with SIGCHLD ignored" "needs python3"
fi

# Signals the caller ignores (ignored dispositions survive execve) are not the workload's: it
# starts with every disposition default, real-time signals up to the last one included, and
# 32 and 33, which glibc keeps for itself (its signal() refuses them; the prelude sets them
# with rt_sigaction, as GNU make's children have them).
if have python3 >/dev/null; then
	python3 - "$ENT_RUN" $R /bin/cat /proc/self/status >"$OUT" 2>"$ERR" <<'EOF'
import ctypes, os, platform, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGTERM, signal.SIGUSR1,
          signal.SIGRTMIN + 5, signal.SIGRTMAX):
    signal.signal(s, signal.SIG_IGN)
nr = {"x86_64": 13, "aarch64": 134}.get(platform.machine())  # rt_sigaction
if nr:
    libc = ctypes.CDLL(None, use_errno=True)
    for s in (32, 33):
        ign = (ctypes.c_ulong * 4)(1, 0, 0, 0)  # SIG_IGN, no flags, no restorer, no mask
        if libc.syscall(nr, s, ctypes.byref(ign), None, 8) != 0:
            sys.exit("rt_sigaction(%d): errno %d" % (s, ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
EOF
	STATUS=$?
	check "started with 9 signals ignored: the workload ran" \
		sh -c "[ $STATUS = 0 ] && grep -q '^Name:' '$OUT'"
	got=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$OUT")
	check "started with 9 signals ignored: the workload ignores none (SigIgn 0)" \
		[ "$got" = 0000000000000000 ]
else
	skip "started with signals ignored" "needs python3"
fi

# A set-up stuck in the kernel (a hung network filesystem under a volume, say) still yields to
# SIGTERM and to --timeout: the start stops, the child is killed, nothing is left. strace holds
# each of the child's ~30 mount(2) calls for 2 s, a minute in all (a tracee held by strace
# dies of SIGKILL only once strace lets it go: at most 2 s); ent-run is the process strace
# started.
# (LeakSanitizer cannot work under ptrace: with make DEBUG=1 it would end ent-run with exit 1.)
stalled() { # ARGS...: ent-run ARGS ROOTFS /bin/true, its mounts stalled; sets $TRACER
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -o /dev/null -e trace=mount \
		-e inject=mount:delay_enter=2000000 \
		"$ENT_RUN" "$@" $R /bin/true >"$OUT" 2>"$ERR" </dev/null &
	TRACER=$!
}
# stalled_end NAME: wait for the stalled run; $STATUS, $ELAPSED (s), and checks that the child
# that was stalled ($CHILD) is gone and that no id lease or cgroup of ent-run ($LAUNCHER) is
# left.
stalled_end() {
	wait $TRACER
	STATUS=$?
	ELAPSED=$(($(date +%s) - T0))
	check "$1: the stalled child was killed" sh -c "! kill -0 $CHILD 2>/dev/null"
	check "$1: no id lease left" sh -c \
		"! grep -qs '^$LAUNCHER ' /run/ent-run/ids/[0-9]*-[0-9]*"
	check "$1: no cgroup left" [ -z "$(stalled_cgroups)" ]
}
stalled_cgroups() { find /sys/fs/cgroup -maxdepth 6 -type d -name "ent-run-$LAUNCHER" 2>/dev/null; }
# stalled_pids: $LAUNCHER (ent-run, strace's child) and $CHILD (its container: its child in
# another PID namespace), once the child exists (up to 10 s).
stalled_pids() {
	LAUNCHER= CHILD=
	for _ in $(seq 100); do
		LAUNCHER=$(pgrep -P $TRACER | head -1)
		for c in $( [ -n "$LAUNCHER" ] && pgrep -P "$LAUNCHER"); do
			[ "$(readlink /proc/$c/ns/pid)" != "$(readlink /proc/$LAUNCHER/ns/pid)" ] &&
				CHILD=$c
		done
		[ -n "$CHILD" ] && return 0
		sleep 0.1
	done
	return 1
}
if have strace pgrep >/dev/null; then
	# --stats: the container gets a cgroup, which must go too.
	T0=$(date +%s)
	stalled --stats "$T_TMP/stats.json"
	if stalled_pids; then
		sleep 0.5
		check "SIGTERM during set-up: the container has a cgroup" [ -n "$(stalled_cgroups)" ]
		# A SIGUSR1 pending as well: passed on to nobody, it must not kill ent-run after.
		kill -USR1 "$LAUNCHER"
		kill -TERM "$LAUNCHER"
		stalled_end "SIGTERM during set-up"
		check "SIGTERM during set-up: exit 143" [ "$STATUS" = 143 ]
		check "SIGTERM during set-up: one line says so" \
			grep -q "^ent-run: stopped by SIGTERM before the workload started" "$ERR"
		check "SIGTERM during set-up: it did not wait for the set-up" [ "$ELAPSED" -lt 20 ]
		check "SIGTERM during set-up: the report says so" \
			grep -q '"signal": *"SIGTERM"' "$T_TMP/stats.json"
	else
		kill $TRACER 2>/dev/null
		fail "SIGTERM during set-up" "the stalled container did not start: $(head -c 300 "$ERR")"
	fi
	T0=$(date +%s)
	stalled --timeout 1
	if stalled_pids; then
		# The timer is made after the clone: PID 1, which never execs, has no copy to reset.
		check "--timeout during set-up: the container's PID 1 holds no timerfd" sh -c \
			"! ls -l /proc/$CHILD/fd | grep -q timerfd"
		stalled_end "--timeout during set-up"
		check "--timeout during set-up: exit 124" [ "$STATUS" = 124 ]
		check "--timeout during set-up: one line says so" \
			grep -q "^ent-run: timed out after 1s, before the workload started" "$ERR"
		check "--timeout during set-up: it did not wait for the set-up" [ "$ELAPSED" -lt 20 ]
	else
		kill $TRACER 2>/dev/null
		fail "--timeout during set-up" "the stalled container did not start: $(head -c 300 "$ERR")"
	fi
else
	skip "signals during set-up" "needs strace and pgrep (make deps installs them)"
fi

# A start that waits for the id lease's lock, which another ent-run holds (one stopped with
# SIGTSTP, say), is not deaf meanwhile: SIGTERM stops it at once, and it leaves nothing. And
# once the holder lets go, a start that waited runs.
if is_root && have flock >/dev/null; then
	while_locked /run/ent-run/ids/lock TERM $R /bin/echo ran
	check_lock_stop "SIGTERM while waiting for the id lock" TERM 143
	while_locked /run/ent-run/ids/lock release $R /bin/echo ran
	check "a start that waited for the id lock runs once it is let go" \
		sh -c "[ $STATUS = 0 ] && grep -qx ran '$OUT'"
else
	skip "signals while waiting for the id lock" "needs root and flock (package util-linux)"
fi

# No descriptor of ent-run leaks in, whatever the caller had open.
ent $R /probe/fds 5</etc/hostname 9</etc/hostname
check "only 0, 1, 2 inherited" [ "$(tr '\n' ' ' <"$OUT")" = "0 1 2 " ]

# ent-run's binary cannot be opened through /proc.
run_ok "/proc/1/exe cannot be opened" 'denied' $R /bin/sh -c \
	'cat /proc/1/exe >/dev/null 2>&1 && echo readable || echo denied'
run_ok "/proc/1/exe cannot be opened for writing" 'denied' $R /bin/sh -c \
	'( : >>/proc/1/exe ) 2>/dev/null && echo writable || echo denied'
run_ok "/proc/self/exe is the workload, not ent-run" 'busybox' $R /bin/sh -c \
	'readlink /proc/self/exe'
finish
