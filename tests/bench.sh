#!/bin/sh
# Start-up, side by side: ent-run, bubblewrap and crun running /bin/true in the same busybox
# rootfs, N times each, in one run. Reports milliseconds per start and ratios to ent-run.
# Not a test: numbers depend on the machine; compare them within one run only.
#   env: ENT_RUN, ROOTFS; N (default 200)
set -eu
N=${N:-200}
: "${ENT_RUN:?}" "${ROOTFS:?}"

# crun refuses a hybrid cgroup layout (v1 controllers plus a cgroup2 mount): measure all three
# in one private mount namespace without the cgroup2 mount, so they run under the same
# conditions. Nothing outside this process's mount namespace changes.
if [ -z "${ENT_BENCH_NS:-}" ] && [ "$(id -u)" = 0 ] && grep -q ' /sys/fs/cgroup/unified ' /proc/self/mountinfo; then
	ENT_BENCH_NS=1 exec unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/unified && exec sh "$0"' "$0"
fi
bundle=$(mktemp -d)
trap 'rm -rf "$bundle"' EXIT

now_ms() { date +%s%N | awk '{ printf "%.3f", $1 / 1e6 }'; }

# time_it NAME COMMAND...: run COMMAND N times, print ms per run; sets LAST_MS.
time_it() {
	name=$1
	shift
	"$@" >/dev/null 2>&1 || { echo "$name: failed to run: $*" >&2; LAST_MS=; return 0; }
	start=$(now_ms)
	i=0
	while [ $i -lt "$N" ]; do "$@" >/dev/null 2>&1; i=$((i + 1)); done
	end=$(now_ms)
	LAST_MS=$(echo "$start $end $N" | awk '{ printf "%.2f", ($2 - $1) / $3 }')
	printf '%-34s %8s ms/start\n' "$name" "$LAST_MS"
}

echo "start-up of /bin/true, $N runs each ($(uname -r), $(nproc) CPUs)"
time_it "ent-run (default entitlements)" "$ENT_RUN" "$ROOTFS" /bin/true
ent=$LAST_MS
# Outbound networking: a veth pair, an address, NAT rules (netlink messages, no processes).
time_it "ent-run network.access=user" "$ENT_RUN" -e network.access=user "$ROOTFS" /bin/true
results=""
if command -v bwrap >/dev/null; then
	time_it "bwrap (user,pid,net,ipc,uts ns)" bwrap --unshare-all --bind "$ROOTFS" / \
		--proc /proc --dev /dev /bin/true
	results="$results bwrap=$LAST_MS"
fi
if command -v crun >/dev/null && [ -x "$ENT_RUN" ]; then
	if "$ENT_RUN" spec "$ROOTFS" /bin/true >"$bundle/config.json" 2>/dev/null; then
		time_it "crun (ent-run spec, with seccomp)" crun --root "$bundle/state" run \
			--bundle "$bundle" bench$$
		results="$results crun=$LAST_MS"
	fi
fi
echo "ratios (other / ent-run):"
for r in $results; do
	echo "$r $ent" | awk -F'[= ]' '$2 != "" { printf "  %-6s %.2fx\n", $1, $2 / $3 }'
done
