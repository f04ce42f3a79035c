#!/bin/sh
# Issue 5: one cgroup per container, limits, OOM report, device cgroup, clean-up (cgroup v1 and
# hybrid hosts: the memory, pids, cpu and devices controllers are v1 hierarchies).
. "$(dirname "$0")/lib.sh"
R=$ROOTFS

skip_unless "cgroups" "needs root" is_root
for c in memory pids cpu devices; do
	if ! grep -Eq "^[0-9]+:([^:]*,)?$c(,[^:]*)?:" /proc/self/cgroup ||
		[ ! -d /sys/fs/cgroup/$c ]; then
		skip "cgroups" "no v1 $c hierarchy at /sys/fs/cgroup/$c (a v2-only host: unit tests cover it)"
		finish
	fi
done

# cgdir HIER PID: the host path of the cgroup of the ent-run with pid PID (below our own).
cgdir() {
	own=$(awk -F: -v h="$1" '$2 == h { print $3 }' /proc/self/cgroup)
	echo "/sys/fs/cgroup/$1${own%/}/ent-run-$2"
}
# leftovers PID: the cgroup directories of ent-run PID still present, in any hierarchy.
leftovers() { find /sys/fs/cgroup -maxdepth 8 -type d -name "ent-run-$1" 2>/dev/null; }
# bg_ent ARGS...: run ent-run in the background; $BG is its pid.
bg_ent() {
	"$ENT_RUN" "$@" >"$OUT" 2>"$ERR" </dev/null &
	BG=$!
}
# has_procs DIR: the cgroup holds a process (cgroupfs files report size 0: test -s is no use).
has_procs() { grep -q . "$1/cgroup.procs" 2>/dev/null; }
# wait_for COMMAND...: poll up to 10 s until the shell command succeeds.
wait_for() {
	i=0
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 200 ] && return 1
		sleep 0.05
	done
}
# no_leftovers NAME: after a run started with bg_ent and waited for, nothing of it remains.
no_leftovers() {
	left=$(leftovers "$BG")
	if [ -z "$left" ]; then pass "$1"; else fail "$1" "left behind: $left"; fi
}

# --- the container's view: its own cgroup as /, read-only, with its limits in it
run_ok "/proc/self/cgroup shows / in every hierarchy" '^ok$' $R /bin/sh -c \
	'grep -v ":/$" /proc/self/cgroup || echo ok'
# The default container needs no cgroup: its process cap is RLIMIT_NPROC (it cannot change its
# uid), and under its own ids no device cgroup protects anything (entitlements/compile.c).
run_ok "default: a cap of 1024 processes as RLIMIT_NPROC" '^Max processes +1024 +1024 ' \
	$R /bin/grep 'Max processes' /proc/self/limits
run_ok "default: no cgroup mounted inside (none is made)" '^0$' $R /bin/sh -c \
	'grep -c " /sys/fs/cgroup/" /proc/self/mountinfo; true'
run_ok "--pids max lifts the default cap" '^lifted$' --pids max $R /bin/sh -c \
	'grep -q "Max processes *1024 " /proc/self/limits || echo lifted'
# With CAP_SETUID the container could spread over many uids: the pids controller caps it.
U="-e security.access=user"
run_ok "security.access=user: the cap in the pids cgroup" '^1024$' $U $R \
	/bin/cat /sys/fs/cgroup/pids/pids.max
run_ok "--pids max lifts it (no pids hierarchy in use)" '^absent$' $U --pids max $R /bin/sh -c \
	'[ -e /sys/fs/cgroup/pids/pids.max ] && cat /sys/fs/cgroup/pids/pids.max || echo absent'
run_ok "only the hierarchies in use are shown" '^memory pids $' $U --memory 64M $R /bin/sh -c \
	'ls /sys/fs/cgroup | tr "\n" " "' 
run_ok "--memory visible in memory.limit_in_bytes" '^268435456$' --memory 256M $R \
	/bin/cat /sys/fs/cgroup/memory/memory.limit_in_bytes
run_ok "--cpus 0.5: CFS quota 50000 per 100000" '^50000 100000$' --cpus 0.5 $R /bin/sh -c \
	'echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us)'
run_ok "/sys/fs/cgroup is read-only" 'Read-only file system' $U $R /bin/sh -c \
	'touch /sys/fs/cgroup/x 2>&1; true'
run_ok "its own limits are read-only" 'Read-only file system' $U $R /bin/sh -c \
	'echo max 2>&1 >/sys/fs/cgroup/pids/pids.max | cat; true'
ent $U --memory 64M $R /bin/cat /proc/self/mountinfo
check "a cgroup mount per v1 hierarchy in use, read-only" sh -c \
	"grep -q ' /sys/fs/cgroup/memory ro,.* - cgroup cgroup rw,memory' '$OUT' &&
	 grep -q ' /sys/fs/cgroup/pids ro,.* - cgroup cgroup rw,pids' '$OUT'"

# --- invalid limits: 125 and one line
run_fails "--memory 12Q" 125 "--memory: '12Q' is not a size" --memory 12Q $R /bin/true
run_fails "--pids -1" 125 "--pids: '-1' is not a process count" --pids -1 $R /bin/true
run_fails "--cpus 0" 125 "--cpus: '0' is not a CPU count" --cpus 0 $R /bin/true

# --- each container in its own cgroup, removed after a normal exit
bg_ent $U --memory 64M $R /bin/sleep 2
wait_for has_procs "$(cgdir pids $BG)"
check "container runs in ent-run-PID below our cgroup (memory)" has_procs "$(cgdir memory $BG)"
check "limits written on the host side" grep -qx 1024 "$(cgdir pids $BG)/pids.max"
wait $BG
no_leftovers "no cgroup left after a normal exit"

# --- OOM: the kernel kills the workload for the memory limit. dd is the only process besides
# PID 1 (exec): whichever of the two the OOM killer picks, the container ends by SIGKILL (a
# shell would survive its dd, and the tmpfs keeps the memory).
bg_ent --memory 32M --tmpfs /big $R /bin/sh -c \
	'exec dd if=/dev/zero of=/big/fill bs=1M count=100 2>/dev/null'
wait $BG
STATUS=$?
if [ "$STATUS" = 137 ] && [ "$(cat "$ERR")" = "ent-run: killed: memory limit 32M reached" ]; then
	pass "OOM: exit 137 and one line"
else
	fail "OOM: exit 137 and one line" "exit $STATUS, stderr: $(head -c 300 "$ERR")"
fi
no_leftovers "no cgroup left after an OOM kill"
run_status "kill -9 by hand is not reported as OOM" 137 --memory 32M $R /bin/sh -c 'kill -KILL $$'
check "no OOM line for kill -9" sh -c "! grep -q killed: '$ERR'"

# --- fork bomb: stopped at the pids limit, ent-run returns, the host is unaffected; both ways
# the cap is kept (RLIMIT_NPROC by default, the pids cgroup with CAP_SETUID).
for how in "" "$U"; do
	label="fork bomb stopped at --pids 50${how:+ ($how)}"
	# shellcheck disable=SC2086
	bg_ent $how --pids 50 $R /bin/sh -c 'bomb() { bomb | bomb & }; bomb; sleep 3; echo done'
	( sleep 60; kill -KILL $BG ) >/dev/null 2>&1 </dev/null &
	watchdog=$!
	wait $BG
	STATUS=$?
	kill $watchdog 2>/dev/null
	if [ "$STATUS" -lt 128 ] && grep -q "fork" "$ERR" "$OUT"; then
		pass "$label"
	else
		fail "$label" "exit $STATUS: $(head -c 300 "$ERR")"
	fi
	no_leftovers "no cgroup left after the fork bomb${how:+ ($how)}"
done
check "host unaffected: it still forks" sh -c 'true & wait'

# --- devices: a node bound in is reachable only with the entitlement
DEV=/dev/loop-control
if [ -c $DEV ]; then
	# No device cgroup by default: volumes and the rootfs are nodev, so a node there is inert.
	run_ok "bound-in $DEV cannot be opened (nodev volume)" 'Permission denied' \
		--volume $DEV:$DEV $R /bin/sh -c "(exec 3<$DEV) 2>&1; true"
	NR=$T_TMP/noderootfs
	# stat's %t and %T are hexadecimal
	cp -a "$R" "$NR" && mknod "$NR/loopctl" c "$(printf '%d' "0x$(stat -c '%t' $DEV)")" \
		"$(printf '%d' "0x$(stat -c '%T' $DEV)")"
	run_ok "a device node in the rootfs cannot be opened (nodev rootfs)" 'Permission denied' \
		"$NR" /bin/sh -c "ls -l /loopctl >/dev/null && (exec 3</loopctl) 2>&1; true"
	run_ok "host.devices.allow=$DEV opens it" '^opened$' -e host.devices.allow=$DEV $R \
		/bin/sh -c "exec 3<$DEV && echo opened"
	run_ok "host.devices.access=admin opens it" '^opened$' -e host.devices.access=admin $R \
		/bin/sh -c "exec 3<$DEV && echo opened"
	run_ok "/dev/null stays usable" '^ok$' $R /bin/sh -c 'echo x >/dev/null && echo ok'
else
	skip "devices" "no $DEV on this host"
fi

# --- clean-up after failed starts
bg_ent $R nosuchcmd
wait $BG
[ $? = 127 ] && no_leftovers "no cgroup left after command not found (127)" ||
	fail "no cgroup left after command not found (127)" "exit status"
bg_ent --workdir /no/such/dir $R /bin/true
wait $BG
[ $? = 125 ] && no_leftovers "no cgroup left after a setup failure (125)" ||
	fail "no cgroup left after a setup failure (125)" "exit status"

# --- SIGKILL of ent-run: the container dies with it, the next start collects the cgroup
bg_ent $U $R /bin/sleep 30
wait_for has_procs "$(cgdir pids $BG)"
killed=$BG
kill -KILL $killed
wait $killed 2>/dev/null
check "after SIGKILL the container is gone (its cgroup is empty)" \
	wait_for sh -c "! grep -q . '$(cgdir pids $killed)/cgroup.procs'"
"$ENT_RUN" $R /bin/true
left=$(leftovers $killed)
if [ -z "$left" ]; then pass "the next start, one without a cgroup, removes a killed run's cgroup"; else
	fail "the next start, one without a cgroup, removes a killed run's cgroup" "left: $left"; fi
# A run killed while it wrote its record (".NAME" until renamed) left the draft: the next
# start removes it once its writer is gone, and leaves a live writer's alone.
sh -c 'exit 0' &
dead=$!
wait $dead
mkdir -p /run/ent-run/cgroups
: >"/run/ent-run/cgroups/.ent-run-$dead"
: >"/run/ent-run/cgroups/.oci-ent-run-$dead"
: >"/run/ent-run/cgroups/.ent-run-$$"
run_ok "a start with drafts of records in the registry" '^ran$' $R /bin/echo ran
check "... removes those of dead writers, and keeps a live one's" sh -c \
	"[ ! -e /run/ent-run/cgroups/.ent-run-$dead ] && [ ! -e /run/ent-run/cgroups/.oci-ent-run-$dead ] &&
	[ -e /run/ent-run/cgroups/.ent-run-$$ ]"
rm -f "/run/ent-run/cgroups/.ent-run-$$"

# --- 20 containers in parallel, each in its own cgroup
pids=""
for n in $(seq 20); do
	"$ENT_RUN" $U $R /bin/sleep 2 >/dev/null 2>&1 </dev/null &
	pids="$pids $!"
done
all_in() {
	for p in $pids; do has_procs "$(cgdir pids $p)" || return 1; done
}
check "20 parallel containers: 20 cgroups, each holding its container" wait_for all_in
for p in $pids; do wait $p; done
left=""
for p in $pids; do left="$left$(leftovers $p)"; done
if [ -z "$left" ]; then pass "20 parallel containers: no cgroup left"; else
	fail "20 parallel containers: no cgroup left" "$left"; fi

finish
