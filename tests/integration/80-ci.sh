#!/bin/sh
# Issue 14: CI jobs. --ephemeral (a throwaway rootfs: an overlay over a tmpfs), --timeout and
# --kill-after (SIGTERM, then SIGKILL, exit 124), --stats (a JSON report from the cgroups).
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
skip_unless "ci" "needs root (cgroups, a rootfs of nobody's)" is_root
skip_unless "ci" "python3 reads the JSON report" have python3

# listing DIR: every path of the tree with its type, mode, owner, size and content checksum.
listing() {
	(cd "$1" && find . -xdev -printf '%y %m %u:%g %s %p -> %l\n' | sort &&
		find . -xdev -type f -exec md5sum {} + | sort -k 2)
}
# now_ms: the time in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# field FILE KEY: the JSON value of KEY in the report FILE, as Python prints it.
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# --- --ephemeral as root: writes, appends and deletes happen inside, never in the rootfs
WRITES='echo new >/newfile && echo appended >>/etc/passwd && rm /etc/group && rm -r /home &&
	mkdir /home2 && ln -s newfile /link && chmod 700 /etc && touch /bin/busybox &&
	cat /newfile && tail -n 1 /etc/passwd && ls /etc/group /home 2>&1; grep " / " /proc/self/mountinfo'
listing "$R" >"$T_TMP/before"
ent --ephemeral $R /bin/sh -c "$WRITES"
check "ephemeral: the writes happen inside (new file, append, deletes)" sh -c \
	"[ $STATUS = 0 ] && grep -qx new '$OUT' && grep -qx appended '$OUT' &&
	 grep -q '/etc/group: No such file' '$OUT' && grep -q '/home: No such file' '$OUT'"
check "ephemeral: / is an overlay" grep -q ' / .* - overlay ' "$OUT"
listing "$R" >"$T_TMP/after"
check "ephemeral: the rootfs is untouched (same files, modes, owners, contents)" \
	cmp -s "$T_TMP/before" "$T_TMP/after"
run_ok "ephemeral: a second run starts from the rootfs again" '^ok$' --ephemeral $R \
	/bin/sh -c '[ ! -e /newfile ] && [ -e /etc/group ] && echo ok'
# Without it the same writes reach the rootfs: the check above can fail.
C=$T_TMP/copy
cp -a "$R" "$C"
listing "$C" >"$T_TMP/before"
ent $C /bin/sh -c "$WRITES"
listing "$C" >"$T_TMP/after"
check "without --ephemeral the same writes change the rootfs" sh -c \
	"[ $STATUS = 0 ] && ! cmp -s '$T_TMP/before' '$T_TMP/after'"

# --- the size cap: ENOSPC inside, the rootfs unchanged
listing "$R" >"$T_TMP/before"
ent --ephemeral=2M $R /bin/sh -c 'dd if=/dev/zero of=/fill bs=64k count=64 2>&1; echo "dd $?";
	df -k / | tail -n 1'
check "ephemeral=2M: writing 4M fails with ENOSPC" sh -c \
	"grep -q 'No space left on device' '$OUT' && grep -q 'dd 1' '$OUT'"
check "ephemeral=2M: df shows a 2048 KiB root" grep -Eq ' 2048 .* /$' "$OUT"
listing "$R" >"$T_TMP/after"
check "ephemeral=2M: the rootfs is unchanged" cmp -s "$T_TMP/before" "$T_TMP/after"

# --- security.fs=read-only: no upper layer, nothing written anywhere
ent --ephemeral -e security.fs=read-only $R /bin/sh -c 'touch /x 2>&1; grep " / " /proc/self/mountinfo'
check "ephemeral + read-only: the rootfs is read-only, no overlay" sh -c \
	"[ $STATUS = 0 ] && grep -q 'Read-only file system' '$OUT' && ! grep -q overlay '$OUT'"

# --- explain and spec show the overlay
ent explain --ephemeral=512M
check "explain shows the overlay and its size" sh -c \
	"grep -q 'overlay the rootfs as its read-only lower layer' '$OUT' && grep -q 'tmpfs of 512M' '$OUT'"
ent explain --format json --ephemeral=512M
check "explain --format json: rootfs.ephemeral" sh -c "python3 -c 'import json,sys
e = json.load(open(sys.argv[1]))[\"rootfs\"][\"ephemeral\"]
sys.exit(e != {\"upper\": True, \"size_bytes\": 536870912, \"why\": \"--ephemeral\"})' '$OUT'"
run_ok "spec: the annotation run.ent.rootfs.ephemeral" '"run.ent.rootfs.ephemeral": ?"1073741824"' \
	spec --ephemeral $R /bin/true

# --- rootless: as nobody, over a rootfs nobody owns
if rootless_possible && user_paths; then
	if [ -z "$U_DIR" ]; then
		U_DIR=$(mktemp -d /tmp/ent-run-user.XXXXXX) && chmod 755 "$U_DIR"
	fi
	NR=$U_DIR/nobody-rootfs
	cp -a "$R" "$NR" && chown -R "$ROOTLESS_UID:$ROOTLESS_UID" "$NR"
	listing "$NR" >"$T_TMP/before"
	as_user "$U_ENT_RUN" --ephemeral=4M "$NR" /bin/sh -c "$WRITES
		dd if=/dev/zero of=/fill bs=64k count=128 2>&1" >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
	check "rootless ephemeral: writes inside, ENOSPC at the cap" sh -c \
		"grep -qx appended '$OUT' && grep -q ' / .* - overlay ' '$OUT' &&
		 grep -q 'No space left on device' '$OUT'"
	listing "$NR" >"$T_TMP/after"
	check "rootless ephemeral: the rootfs is untouched" cmp -s "$T_TMP/before" "$T_TMP/after"
	as_user "$U_ENT_RUN" --stats - "$NR" /bin/true >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
	check "rootless --stats without a writable cgroup: 125, one line naming it" sh -c \
		"[ $STATUS = 125 ] && [ \$(grep -c '^ent-run: [^h]' '$ERR') = 1 ] &&
		 grep -q 'cgroup: --stats needs a cgroup we may write' '$ERR'"
else
	skip "rootless ephemeral" "unprivileged user namespaces are disabled, or no reachable copy"
fi

# --- --timeout: SIGTERM through PID 1, then SIGKILL after the grace; exit 124, one line
t0=$(now_ms)
ent --timeout 0.5 --kill-after 2 $R /bin/sh -c 'trap "echo got TERM; exit 3" TERM; sleep 30 & wait'
t1=$(now_ms)
check "timeout: a workload that exits on SIGTERM ends at once, exit 124" sh -c \
	"[ $STATUS = 124 ] && grep -qx 'got TERM' '$OUT' && [ $((t1 - t0)) -lt 2000 ]"
check "timeout: one line 'timed out after 0.5s'" [ "$(cat "$ERR")" = "ent-run: timed out after 0.5s" ]
t0=$(now_ms)
ent --timeout 0.5 --kill-after 1 $R /bin/sh -c 'trap "" TERM; sleep 30; echo survived'
t1=$(now_ms)
check "timeout: one that ignores SIGTERM is killed after the grace (124, within grace + 1s)" sh -c \
	"[ $STATUS = 124 ] && ! grep -q survived '$OUT' && [ $((t1 - t0)) -ge 1400 ] &&
	 [ $((t1 - t0)) -lt 2500 ]"
run_status "timeout: a workload done in time keeps its own status" 7 --timeout 30 $R \
	/bin/sh -c 'exit 7'
# In the host's PID namespace PID 1 takes nobody with it: the cgroup finds them all.
MARK=ent-run-ci-$$
ent -e host.processes.access=admin --timeout 0.5 --kill-after 0.5 $R /bin/sh -c \
	"trap '' TERM; (trap '' TERM; exec -a $MARK sleep 60) & sleep 60"
check "timeout in the host's PID namespace: 124, no process of it left" sh -c \
	"[ $STATUS = 124 ] && ! pgrep -f '^$MARK' >/dev/null"

# --- --stats: the report, for a workload that allocates ~80 MB, one that times out, one OOM
S=$T_TMP/stats.json
ent --stats "$S" $R /bin/sh -c 'dd if=/dev/zero of=/dev/null bs=80M count=1 2>/dev/null; exit 3'
check "stats: the report's exit code is the run's (3), no signal" \
	[ "$STATUS $(field "$S" exit_code) $(field "$S" signal)" = "3 3 None" ]
check "stats: memory peak of the whole container >= 80 MiB" \
	[ "$(field "$S" memory_peak_bytes)" -ge 83886080 ]
check "stats: pids peak (sh and dd) >= 2, CPU time counted" python3 -c 'import json,sys
r = json.load(open(sys.argv[1])); sys.exit(not (r["pids_peak"] >= 2 and r["system_seconds"] > 0))' "$S"
check "stats: every documented field, in order; only I/O may be null" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
keys = ["exit_code", "signal", "timed_out", "oom_killed", "wall_seconds", "user_seconds",
        "system_seconds", "memory_peak_bytes", "pids_peak", "io_read_bytes", "io_write_bytes",
        "started_at", "ended_at"]
assert list(r) == keys, list(r)
assert all(r[k] is not None for k in keys if k not in ("signal", "io_read_bytes", "io_write_bytes"))
assert r["started_at"].endswith("Z") and r["ended_at"] >= r["started_at"]' "$S"
check "stats: no temporary file left beside it" [ "$(ls -A "$T_TMP" | grep -c stats)" = 1 ]
ent --stats "$S" --timeout 0.3 $R /bin/sleep 10
check "stats: a run that timed out (timed_out, 124, SIGTERM)" [ "$STATUS $(field "$S" timed_out) \
$(field "$S" exit_code) $(field "$S" signal)" = "124 True 124 SIGTERM" ]
ent --stats "$S" --memory 32M --tmpfs /big $R /bin/sh -c \
	'exec dd if=/dev/zero of=/big/fill bs=1M count=100 2>/dev/null'
check "stats: a run killed by --memory (oom_killed, 137, SIGKILL)" \
	[ "$STATUS $(field "$S" oom_killed) $(field "$S" signal)" = "137 True SIGKILL" ]
ent --stats - $R /bin/true
check "stats -: the report on stderr" sh -c \
	"[ $STATUS = 0 ] && grep -q '\"exit_code\": 0,' '$ERR'"
run_ok "stats: the container sees the cgroups that measure it" '^cpuacct memory pids $' \
	--stats "$S" $R /bin/sh -c 'ls /sys/fs/cgroup | tr "\n" " "'

# --- bad values: 125, one line, nothing run
run_fails "--ephemeral=12Q" 125 "--ephemeral: '12Q' is not a size" --ephemeral=12Q $R /bin/true
run_fails "--timeout 0" 125 "--timeout: '0' is not a duration" --timeout 0 $R /bin/true
run_fails "--timeout 5d" 125 "--timeout: '5d' is not a duration" --timeout 5d $R /bin/true
run_fails "--kill-after x" 125 "--kill-after: 'x' is not a duration" --timeout 1 --kill-after x \
	$R /bin/true
run_fails "--kill-after without --timeout" 125 "--kill-after: needs --timeout" --kill-after 1 \
	$R /bin/true
run_fails "--stats in a missing directory: refused before the run" 125 \
	"--stats: cannot write $T_TMP/no/such.json: No such file" --stats "$T_TMP/no/such.json" \
	$R /bin/touch /ran
check "... and the container did not run" sh -c "[ ! -s '$OUT' ] && [ ! -e '$R/ran' ]"
# The report replaces FILE: only ever a regular file. A device node, a symbolic link, a FIFO
# or a directory there is refused before the run, and left as it was.
mkfifo "$T_TMP/fifo" && ln -s /dev/null "$T_TMP/link" && mkdir "$T_TMP/dir" &&
	mknod "$T_TMP/null" c 1 3
for f in null link fifo dir; do
	run_fails "--stats onto a $f: refused before the run" 125 \
		"--stats: $T_TMP/$f exists and is not a regular file" --stats "$T_TMP/$f" \
		$R /bin/touch /ran
done
check "... the container did not run, and each is still there" sh -c "[ ! -e '$R/ran' ] &&
	[ -c '$T_TMP/null' ] && [ -L '$T_TMP/link' ] && [ -p '$T_TMP/fifo' ] && [ -d '$T_TMP/dir' ]"

# --- a node policy counts the ephemeral tmpfs against its tmpfs ceiling
P=$T_TMP/policy
printf '' >"$P"
run_fails "ephemeral 1G over the policy's tmpfs ceiling: refused" 125 \
	"ephemeral 1G \(from --ephemeral\) is not allowed; allowed up to tmpfs 64M" \
	--policy "$P" --ephemeral $R /bin/true
echo 'limit tmpfs 256M' >"$P"
run_ok "under 'limit tmpfs 256M' the default ephemeral size is 256M" ' 262144 .* /$' \
	--policy "$P" --ephemeral $R /bin/sh -c 'df -k / | tail -n 1'
finish
