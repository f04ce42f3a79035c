#!/bin/sh
# Issue 11: container root is never host root. Started by root, every container has a block of
# 65536 host uids and gids of its own (leased under /run/ent-run/ids), and its rootfs, volumes
# and passed devices are idmapped mounts the parent makes: files keep their owners inside, and
# what container root writes belongs to root on the host. Seen from inside and from the host.
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
skip_unless "idmapped containers" "needs root (rootless containers map the caller)" is_root
# Leases of our own: ent-runs of other trees on this machine must not collect ours first.
private_run_state
LEASES=/run/ent-run/ids

# host_uid_of PID: the host uid a process runs as (the owner of /proc/PID).
host_uid_of() { stat -c %u "/proc/$1"; }
# map_start: the outside id of the first line of $OUT (a uid_map).
map_start() { awk 'NR == 1 { print $2 }' "$OUT"; }

# ---------------------------------------------------------------- not host root
for e in "" "-e security.access=admin" "-e network.access=host" "-e host.processes.access=admin"; do
	what=${e:-default}
	# shellcheck disable=SC2086
	ent $e $R /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	check "$what: container ran" [ "$STATUS" = 0 ]
	check "$what: root inside" [ "$(tail -n 1 "$OUT")" = 0 ]
	check "$what: mapped onto host ids 65536 and above, 65536 of them" \
		sh -c "awk 'NR <= 2 && !(\$1 == 0 && \$2 >= 65536 && \$3 == 65536) { exit 1 }' '$OUT'"
done
# From the host: the workload's process runs as an unprivileged host uid.
start_ready $R /bin/sh -c 'echo ready; exec sleep 30'
pid=$(pgrep -P "$(pgrep -P $BG | head -n 1)" sleep | head -n 1)
check "the workload ran" [ -n "$pid" ]
check "seen from the host, container root is not uid 0 (uid ${pid:+$(host_uid_of "$pid")})" \
	sh -c "[ -n '$pid' ] && [ \$(stat -c %u /proc/$pid) -ge 65536 ]"
check "a lease for the block is held while it runs" sh -c "ls '$LEASES' | grep -Eq '^[0-9]+-[0-9]+$'"
# ---------------------------------------------------------------- disjoint ranges
ent $R /bin/cat /proc/self/uid_map
second=$(map_start)
check "two concurrent containers: disjoint blocks" sh -c \
	"[ -n '$second' ] && [ \$(stat -c %u /proc/$pid) -lt $second -o \$(stat -c %u /proc/$pid) -ge \$(($second + 65536)) ]"
kill "$BG" 2>/dev/null
wait "$BG" 2>/dev/null

# ---------------------------------------------------------------- a killed run's lease
"$ENT_RUN" $R /bin/sleep 30 >/dev/null 2>&1 &
bg=$!
wait_until sh -c "ls '$LEASES' | grep -Eq '^[0-9]+-[0-9]+$'"
lease=$(ls "$LEASES" | grep -E '^[0-9]+-[0-9]+$' | head -n 1)
kill -9 "$bg"
wait "$bg" 2>/dev/null
check "SIGKILL leaves the lease behind ($lease)" [ -n "$lease" -a -e "$LEASES/$lease" ]
wait_until sh -c "! pgrep -f 'sleep 30' >/dev/null"
ent $R /bin/true
check "the next start collects it" [ ! -e "$LEASES/$lease" ]
check "nothing leased once every container is gone" sh -c "! ls '$LEASES' | grep -Eq '^[0-9]'"

# ---------------------------------------------------------------- the rootfs and volumes
P=$T_TMP/private
mkdir -m 700 "$P" && cp -a "$R" "$P/rootfs" && mkdir "$P/vol"
run_ok "a rootfs below a 0700 directory runs" '^ok$' "$P/rootfs" /bin/echo ok
run_ok "... with security.access=admin" '^ok$' -e security.access=admin "$P/rootfs" /bin/echo ok
run_ok "the rootfs looks root-owned inside" '^0 0$' "$P/rootfs" /bin/stat -c '%u %g' /etc
ent -e security.access=admin "$P/rootfs" /bin/sh -c 'echo x >/admin-wrote && chown 1000:1000 /admin-wrote'
check "admin root writes its rootfs" [ "$STATUS" = 0 -a -f "$P/rootfs/admin-wrote" ]
check "... and the file is host uid 1000's, as chowned inside" \
	[ "$(stat -c '%u:%g' "$P/rootfs/admin-wrote" 2>/dev/null)" = 1000:1000 ]
ent -v "$P/vol:/v" $R /bin/sh -c 'echo x >/v/f'
check "a file written into a volume belongs to the caller (root)" \
	[ "$STATUS" = 0 -a "$(stat -c '%u:%g' "$P/vol/f" 2>/dev/null)" = 0:0 ]
ent -v "$P/vol:/v:ro" $R /bin/sh -c 'echo x >/v/g'
check "a read-only volume stays read-only" grep -q 'Read-only file system' "$ERR"
run_ok "-p privileged runs on the test rootfs" '^ok$' -p privileged $R /bin/echo ok
run_fails "a volume the kernel cannot idmap: refused, naming the filesystem" 125 \
	'cannot idmap the volume /sys/kernel/mm \(a sysfs mount\)' -v /sys/kernel/mm:/mm $R /bin/true

# ---------------------------------------------------------------- still not host root
ent -e security.access=admin $R /bin/sh -c 'umount /proc/sys && echo unmounted; \
	echo "|/tmp/x" >/proc/sys/kernel/core_pattern && echo wrote-core-pattern; \
	grep -q " /proc/kpageflags " /proc/self/mountinfo || echo unmasked; \
	[ "$(head -c 8 /proc/kpageflags | wc -c)" -gt 0 ] && echo read-kpageflags; \
	mount -t proc proc /mnt 2>/dev/null && [ "$(head -c 8 /mnt/kpageflags | wc -c)" -gt 0 ] && \
		echo read-fresh; \
	echo done'
check "admin: the probes ran (and could unmount /proc/sys; /proc/kpageflags is not masked)" \
	sh -c "grep -q '^done$' '$OUT' && grep -q '^unmounted$' '$OUT' && grep -q '^unmasked$' '$OUT'"
check "admin: core_pattern not writable, whatever is unmounted" sh -c "! grep -q wrote-core-pattern '$OUT'"
check "admin: /proc/kpageflags not readable" sh -c "! grep -q read-kpageflags '$OUT'"
check "admin: not in a fresh procfs either" sh -c "! grep -q read-fresh '$OUT'"

# ---------------------------------------------------------------- only raw devices keep host identity
run_ok "host.devices.access=admin: the host's own ids (host root, by design)" '^ +0 +0 +65536$' \
	-e host.devices.access=admin $R /bin/cat /proc/self/uid_map
"$ENT_RUN" explain -e host.devices.access=admin >"$OUT" 2>&1
check "explain says container root is host root with host.devices.access=admin" \
	grep -qi 'host root' "$OUT"
"$ENT_RUN" explain >"$OUT" 2>&1
check "explain says the range is leased per container at start" grep -qi 'leased' "$OUT"

# ---------------------------------------------------------------- where blocks come from
outside_524288() { # outside_524288 START: a block of 65536 from START misses 524288-589823
	[ -n "$1" ] && { [ "$1" -ge 589824 ] || [ $(($1 + 65536)) -le 524288 ]; }
}
# Root's own /etc/subuid entries come first; other users' entries and foreign user namespaces
# are kept clear of. (with_ids: copies of the files in a private mount namespace.)
with_ids "subid:root:100000:65536" "$ENT_RUN" $R /bin/cat /proc/self/uid_map >"$OUT" 2>"$ERR"
check "root's /etc/subuid block is used first" [ "$(map_start)" = 100000 ]
with_ids "subid:bob:524288:65536" "$ENT_RUN" $R /bin/cat /proc/self/uid_map >"$OUT" 2>"$ERR"
# (Not the next block exactly: a container started elsewhere at the same time may hold it.)
check "another user's entry is kept clear of" outside_524288 "$(map_start)"
# Another engine's container: a user namespace whose maps root writes by hand.
unshare --user sleep 30 &
fg=$!
wait_until sh -c "[ \"\$(readlink /proc/$fg/ns/user)\" != \"\$(readlink /proc/self/ns/user)\" ]"
echo '0 524288 65536' >"/proc/$fg/uid_map" && echo '0 524288 65536' >"/proc/$fg/gid_map"
ent $R /bin/cat /proc/self/uid_map
check "a foreign user namespace's ids are kept clear of" outside_524288 "$(map_start)"
kill "$fg"
wait "$fg" 2>/dev/null
# The scan skips kthreadd's children (kernel threads: all in the initial user namespace), where
# pid 2 is kthreadd (not in a PID namespace of the suite's own) and lists them.
kthread=$(awk '{ print $1 }' /proc/2/task/2/children 2>/dev/null)
kflags=$(sed 's/.*) //' /proc/2/stat 2>/dev/null | cut -d ' ' -f 7) # field 9, PF_KTHREAD 0x200000
if ! have strace >/dev/null; then
	skip "the scan skips kernel threads" "needs strace (make deps)"
elif [ $((${kflags:-0} & 0x200000)) = 0 ] || [ -z "$kthread" ]; then
	skip "the scan skips kernel threads" "pid 2 is not kthreadd here, or lists no children"
else
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=readlinkat -o "$T_TMP/scan" \
		"$ENT_RUN" $R /bin/true
	check "the start read the user namespaces of running processes" \
		grep -q '"[0-9]*/ns/user"' "$T_TMP/scan"
	check "... but not a kernel thread's (pid $kthread)" \
		sh -c "! grep -q '\"$kthread/ns/user\"' '$T_TMP/scan'"
fi
for line in 'root:l00000:65536' 'root:0:65536' 'root:1000:65536' 'root:0100000:65536'; do
	with_ids "subid:$line" "$ENT_RUN" $R /bin/true >"$OUT" 2>"$ERR"
	STATUS=$?
	errors=$(grep -c '^ent-run: [^h]' "$ERR")
	check "/etc/subuid '$line': refused with the file and line (exit 125, one line)" \
		sh -c "[ $STATUS = 125 ] && [ $errors = 1 ] && grep -q \"/etc/subuid:[0-9]*: '$line'\" '$ERR'"
done
check "the host's sub-id files are untouched" sh -c "! grep -q '^root:' /etc/subuid"
finish
