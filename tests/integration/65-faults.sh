#!/bin/sh
# Issue 10: fault injection. 100 launches that use networking, --publish, volumes and cgroup
# limits are killed with SIGKILL after varied delays, so that the kill lands anywhere from
# option parsing to a running workload. After each, the next start (a container without
# network: the cheapest kind) must find and collect what the killed run left, and the host
# must be as before: no container process, no mount, no cgroup, no veth, no nftables table, no
# state directory or lease, forwarding off as it was.
#
# The launches run in a network namespace of the test's (nsenter --net: the host's mounts,
# cgroups and /run) whose forwarding is off, so that turning it on and back is observed
# without touching the host's.
. "$(dirname "$0")/lib.sh"
private_run_state # what the kills below leave is this test's to collect
R=$ROOTFS
TRIALS=${FAULT_TRIALS:-100}
skip_unless "faults" "needs root (network namespace, veth, nftables, cgroups)" is_root
skip_unless "faults" "needs ip, nft, nsenter, pgrep and timeout" have ip nft nsenter pgrep timeout

F=entrun-f$$
cleanup() {
	ip netns del $F 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT
{ ip netns add $F && ip -n $F link set lo up &&
	ip -n $F link add up0 type veth peer name gw0 && ip -n $F link set up0 up &&
	ip -n $F link set gw0 up && ip -n $F addr add 203.0.113.2/24 dev up0 &&
	ip -n $F route add default via 203.0.113.1 &&
	ip netns exec $F sysctl -qw net.ipv4.ip_forward=0; } ||
	{ fail "faults: test namespace" "setup failed"; finish; }
ent_run_in_netns $F
in_f() { nsenter --net=/run/netns/$F "$@"; }
mkdir "$T_TMP/vol"
mounts_snapshot "$T_TMP/mounts.before"

# What trial N runs: four kinds of launch, cycled.
launch_args() {
	case $(($1 % 4)) in
	0) echo "-e network.access=proxy --publish 127.0.0.1:$((18100 + $1)):80" \
		"--publish $((18300 + $1)):53/udp -v $T_TMP/vol:/vol --memory 64M --pids 64" ;;
	1) echo "-e network.access=user -v $T_TMP/vol:/vol:ro --cpus 0.5 --pids 32" ;;
	2) echo "-e network.access=admin --publish $((18100 + $1)):80 --tmpfs /scratch" \
		"--memory 32M" ;;
	3) echo "-v $T_TMP/vol:/vol --pids 16 --memory 16M" ;;
	esac
}

# Everything of the run with pid $1 (workload marked $2) that is still on the host, one word
# per kind. The pattern [f]aultmark matches the mark, but not the pgrep looking for it.
leftovers_of() {
	pgrep -f "[f]$2" >/dev/null && echo process
	cut -d' ' -f5 /proc/self/mountinfo | sort | cmp -s "$T_TMP/mounts.before" - || echo mount
	[ -n "$(find /sys/fs/cgroup -maxdepth 7 -type d -name "ent-run-$1" 2>/dev/null)" ] &&
		echo cgroup
	ip -n $F -o link show 2>/dev/null | grep -q " ent-$1[@:]" && echo veth
	tables=$(in_f nft list tables)
	case $tables in *"ent-$1"*) echo nftables ;; esac
	case $tables in *ent-run-forward*) echo forward-table ;; esac
	[ -e "/run/ent-run/net/ent-$1" ] && echo state-directory
	grep -qx "ent-$1" /run/ent-run/net/leases/* 2>/dev/null && echo lease
	[ "$(in_f cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || echo forwarding
}

# The workload: says it runs, then a shell that stays (no exec of its last command), its $0
# the trial's mark.
WORKLOAD='echo running; sleep 30; :'
# How long a whole launch takes on this machine now, for the spread of the delays.
span=0 trial=0
while [ $trial -lt 4 ]; do
	t0=$(date +%s%N)
	# shellcheck disable=SC2046
	"$ENT_RUN" $(launch_args $((TRIALS + trial))) $R /bin/true >/dev/null 2>&1 </dev/null
	t=$((($(date +%s%N) - t0) / 1000000))
	[ $t -gt $span ] && span=$t
	trial=$((trial + 1))
done
SPAN_MS=$((span * 5 / 4 + 1))

trial=0 running=0 bad=0 failed_next=0
: >"$T_TMP/report"
while [ $trial -lt "$TRIALS" ]; do
	mark=aultmark-$$-$trial # the workload's $0: "faultmark-..."
	# Delays from 0 to a little more than a whole start, spread over the trials.
	delay=$(((trial * 7919) % SPAN_MS))
	# shellcheck disable=SC2046
	"$ENT_RUN" $(launch_args $trial) $R /bin/sh -c "$WORKLOAD" f$mark \
		>"$T_TMP/launch.out" 2>"$T_TMP/launch.err" </dev/null &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	if ! kill -9 $pid 2>/dev/null; then
		echo "trial $trial: the launch ended before the kill: $(head -c 200 \
			"$T_TMP/launch.err")" >>"$T_TMP/report"
	fi
	wait $pid 2>/dev/null
	grep -q running "$T_TMP/launch.out" && running=$((running + 1))
	# The container dies with ent-run (PR_SET_PDEATHSIG); give the kernel a moment.
	wait_until sh -c "! pgrep -f '[f]$mark'"
	"$ENT_RUN" $R /bin/true >/dev/null 2>"$ERR" </dev/null || {
		failed_next=$((failed_next + 1))
		echo "trial $trial: the next start failed: $(head -c 200 "$ERR")" >>"$T_TMP/report"
	}
	left=$(leftovers_of $pid "$mark" | tr '\n' ' ')
	if [ -n "$left" ]; then
		bad=$((bad + 1))
		echo "trial $trial (delay ${delay} ms, $(launch_args $trial | cut -d' ' -f1-2)):" \
			"$left" >>"$T_TMP/report"
	fi
	trial=$((trial + 1))
done

if [ $failed_next = 0 ]; then pass "the next start works after each of $TRIALS kills"; else
	fail "the next start works after each of $TRIALS kills" \
		"$(grep 'next start' "$T_TMP/report" | head -3)"
fi
check "every launch was still running when killed" sh -c "! grep -q 'before the kill' \
	'$T_TMP/report' || { grep 'before the kill' '$T_TMP/report' | head -3 >&2; false; }"
if [ $bad = 0 ]; then
	pass "after $TRIALS kills and the next start: no process, mount, cgroup, veth, table, lease; forwarding off"
else
	fail "after $TRIALS kills and the next start: nothing left" \
		"$bad trials left something: $(grep -v 'next start\|before the kill' "$T_TMP/report" |
			head -5)"
fi
# The kills must land both during set-up and in running containers, or the test tests little.
check "kills landed at varied points within ${SPAN_MS} ms ($running of $TRIALS in a running workload)" \
	[ $running -ge $((TRIALS / 10)) ] && [ $running -le $((TRIALS * 9 / 10)) ]
finish
