#!/bin/sh
# Issue 15: container engines drive ent-run as their OCI runtime. podman (through conmon) runs
# a container, passes its exit status through, execs into a running one, stops and removes it;
# containerd (a private instance, through its runc shim) does the same with ctr. Both keep
# their state in this test's directory, and use no network of their own (podman's bridge
# would take 10.88.0.0/16, ent-run's default pool).
. "$(dirname "$0")/lib.sh"
skip_unless "engines" "needs root" is_root
R=$(readlink -f "$ROOTFS")
E=$(readlink -f "$ENT_RUN")

# The parent cgroups the engines make (podman's libpod_parent, containerd's per namespace)
# outlive their containers: removed at the end when they were not there before.
ENGINE_CGROUPS="libpod_parent ent-run-test"
cgroups_of() { for n in $ENGINE_CGROUPS; do ls -d /sys/fs/cgroup/*/"$n" 2>/dev/null; done; }
had_cgroups=$(cgroups_of)
remove_engine_cgroups() {
	for n in $ENGINE_CGROUPS; do
		case $had_cgroups in *"/$n"*) continue ;; esac
		find /sys/fs/cgroup/*/"$n" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}

podman_tests() {
	had_cni_lock=false
	[ -e /etc/cni/net.d/cni.lock ] && had_cni_lock=true
	# ent-run's default --root: podman's cleanup (delete --force) passes no runtime flags.
	P="podman --root $T_TMP/podman/storage --runroot $T_TMP/podman/run --tmpdir $T_TMP/podman/tmp
	   --events-backend none --cgroup-manager cgroupfs --runtime $E"
	podman_ok() { $P "$@" >"$OUT" 2>"$ERR" </dev/null; STATUS=$?; }
	podman_ok run --rm --cidfile "$T_TMP/cid" --network none --rootfs "$R" /bin/sh -c \
		'echo "in $(hostname)"; exit 3'
	check "podman run --rm: the exit status comes through" test "$STATUS" = 3
	check "podman run: the command ran" grep -q '^in ' "$OUT"
	ID=$(cat "$T_TMP/cid" 2>/dev/null)
	check "podman run --rm: ent-run's state of the container is gone" \
		sh -c "[ -n '$ID' ] && [ ! -e /run/ent-run/containers/$ID ]"
	: >"$T_TMP/policy"
	podman_ok --runtime-flag "policy=$T_TMP/policy" run --rm --network none --rootfs "$R" /bin/true
	check "podman under a node policy: refused, podman shows the missing grant" \
		sh -c "[ $STATUS != 0 ] && grep -q 'refused by $T_TMP/policy: .*host-userns' '$ERR'"
	podman_ok run -d --name ent1 --network none --rootfs "$R" /bin/sleep 60
	check "podman run -d" test "$STATUS" = 0
	ID=$(cat "$OUT")
	podman_ok exec ent1 /bin/sh -c 'tr "\0" " " </proc/1/cmdline; exit 4'
	check "podman exec: into the running container, its status back" \
		sh -c "[ $STATUS = 4 ] && grep -q 'sleep 60' '$OUT'"
	podman_ok top ent1
	check "podman top" grep -q 'sleep 60' "$OUT"
	podman_ok stop -t 1 ent1
	check "podman stop" test "$STATUS" = 0
	podman_ok rm ent1
	check "podman rm: ent-run's state of the container is gone" \
		sh -c "[ $STATUS = 0 ] && [ -n '$ID' ] && [ ! -e /run/ent-run/containers/$ID ]"
	# podman binds its storage's overlay directory on itself, and a failed create leaves it.
	$P rm -af >/dev/null 2>&1
	umount "$T_TMP/podman/storage/overlay" 2>/dev/null
	$had_cni_lock || rm -f /etc/cni/net.d/cni.lock # podman makes it even without a network
}

containerd_tests() {
	C=$T_TMP/ctrd
	had_run_containerd=false
	[ -e /run/containerd ] && had_run_containerd=true
	mkdir -p "$C"
	cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/sock"
[ttrpc]
  address = "$C/sock.ttrpc"
EOF
	containerd --config "$C/config.toml" >"$C/log" 2>&1 &
	CPID=$!
	X="ctr --address $C/sock -n ent-run-test"
	wait_until $X version >/dev/null
	ctr_ok() { $X "$@" >"$OUT" 2>"$ERR" </dev/null; STATUS=$?; }
	ctr_ok run --rm --runc-binary "$E" --rootfs "$R" t1 /bin/sh -c 'echo hello; exit 5'
	check "ctr run --rm: the exit status comes through" \
		sh -c "[ $STATUS = 5 ] && grep -q hello '$OUT'"
	ctr_ok run -d --runc-binary "$E" --rootfs "$R" t2 /bin/sleep 60
	check "ctr run -d" test "$STATUS" = 0
	ctr_ok task exec --exec-id e1 t2 /bin/sh -c 'tr "\0" " " </proc/1/cmdline; exit 6'
	check "ctr task exec: into the running container, its status back" \
		sh -c "[ $STATUS = 6 ] && grep -q 'sleep 60' '$OUT'"
	ctr_ok task ps t2
	check "ctr task ps (ent-run ps --format json)" grep -q '^[0-9]' "$OUT"
	ctr_ok task kill -s SIGKILL t2
	wait_until sh -c "$X task ls | grep -q 't2.*STOPPED'"
	check "ctr task kill: the task stops" sh -c "$X task ls | grep -q 't2.*STOPPED'"
	ctr_ok task delete t2
	check "ctr task delete" test "$STATUS" = 0
	$X container delete t2 >/dev/null 2>&1
	check "containerd: nothing is left in ent-run's state" \
		sh -c "[ -z \"\$(ls -A /run/containerd/runc/ent-run-test 2>/dev/null)\" ]"
	kill "$CPID"
	wait "$CPID" 2>/dev/null
	# The runc shim keeps its runtime state in /run/containerd/runc/NAMESPACE.
	rmdir /run/containerd/runc/ent-run-test 2>/dev/null
	$had_run_containerd || rm -rf /run/containerd
}

if have podman conmon >/dev/null; then
	podman_tests
else
	skip "podman" "podman is not installed (make deps installs it)"
fi
if have containerd ctr containerd-shim-runc-v2 >/dev/null; then
	containerd_tests
else
	skip "containerd" "containerd is not installed (make deps installs it)"
fi
remove_engine_cgroups
check "the engines' parent cgroups are gone again" sh -c "[ -z \"\$(
	for n in $ENGINE_CGROUPS; do ls -d /sys/fs/cgroup/*/\$n 2>/dev/null; done)\" ] ||
	[ -n '$had_cgroups' ]"
finish
