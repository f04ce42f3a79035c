#!/bin/sh
# Issue 10: the host's network is left as it was found. Address pools never overlap the host's
# addresses and routes; IPv4 forwarding is on only while a container needs it, only for our
# veths, and back off after the last one, also when it was killed.
#
# ent-run runs in a network namespace of its own (nsenter --net: the same mounts and cgroups;
# /run/ent-run is the test's own tmpfs, for starts in any namespace), made here to look like a
# host: an uplink up0 on TEST-NET-3 (203.0.113.2/24, default route via .1), a route in table
# 100, forwarding off, and two LAN neighbours A (198.18.1.2) and B (198.18.2.2, a TCP server on
# 7777) that route to each other through it (RFC 2544 benchmarking addresses, never routed).
# The host's own network is not touched.
. "$(dirname "$0")/lib.sh"
private_run_state # what the kills below leave is this test's to collect
R=$ROOTFS
skip_unless "net host" "needs root (network namespaces, veth, nftables)" is_root
skip_unless "net host" "needs ip, nft, nsenter, busybox and timeout" \
	have ip nft nsenter busybox timeout

H=entrun-h$$ A=entrun-a$$ B=entrun-b$$ # "ent-" would look like a container
cleanup() {
	for ns in $A $B $H; do
		for p in $(ip netns pids $ns 2>/dev/null); do kill "$p" 2>/dev/null; done
		ip netns del $ns 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap cleanup EXIT
in_h() { ip netns exec $H "$@"; }
setup() {
	for ns in $H $A $B; do ip netns add $ns && ip -n $ns link set lo up || return 1; done
	ip -n $H link add up0 type veth peer name gw0 &&
		ip -n $H link set up0 up && ip -n $H link set gw0 up &&
		ip -n $H addr add 203.0.113.2/24 dev up0 &&
		ip -n $H route add default via 203.0.113.1 &&
		ip -n $H route add 10.99.0.0/16 dev up0 table 100 || return 1
	for x in a b; do
		ns=$A n=1
		[ $x = b ] && ns=$B n=2
		ip -n $H link add ${x}0 type veth peer name lan netns $ns &&
			ip -n $H addr add 198.18.$n.1/24 dev ${x}0 && ip -n $H link set ${x}0 up &&
			ip -n $ns addr add 198.18.$n.2/24 dev lan && ip -n $ns link set lan up &&
			ip -n $ns route add default via 198.18.$n.1 || return 1
	done
	in_h sysctl -qw net.ipv4.ip_forward=0
}
setup || { fail "test namespaces" "setup failed"; finish; }
ip netns exec $B busybox nc -ll -p 7777 -e /bin/echo hello-b >/dev/null 2>&1 &

ent_run_in_netns $H # every helper of lib.sh runs ent-run inside $H

forwarding() { in_h cat /proc/sys/net/ipv4/ip_forward; }
has_forward_table() { in_h nft list table ip ent-run-forward >/dev/null 2>&1; }
# A reaches B through $H?
a_reaches_b() {
	got=$( (sleep 1) | timeout 5 ip netns exec $A busybox nc -w 2 198.18.2.2 7777 2>/dev/null)
	[ "$got" = hello-b ]
}
# Nothing of a container left in $H: no veth, no table (ours or a container's). A run that
# ended leaves its veth to the kernel, which removes it with the container's network
# namespace a few milliseconds later: wait for that, a few seconds at most.
h_clean_now() {
	! in_h ip -o link show 2>/dev/null | grep -q ' ent-[0-9]' &&
		! in_h nft list tables | grep -q 'ent-'
}
h_clean() {
	wait_until h_clean_now
	h_clean_now
}
READY='echo ready; sleep 60'

# --- address pools -------------------------------------------------------------------------

run_fails "--subnet over the uplink's network is refused, naming the host's address" 125 \
	"--subnet '203.0.113.0/30' overlaps the host's address 203.0.113.2 \\(up0\\)" \
	-e network.access=user --subnet 203.0.113.0/30 $R /bin/true
check "... and the gateway is still reached through the uplink" \
	sh -c "ip -n $H route get 203.0.113.1 | grep -q 'dev up0'"
run_fails "--subnet inside a route of another table is refused" 125 \
	"--subnet '10.99.1.0/24' overlaps the host's route 10.99.0.0/16 dev up0 table 100" \
	-e network.access=user --subnet 10.99.1.0/24 $R /bin/true
ip -n $H route add blackhole 10.98.0.0/16
run_fails "--subnet over a blackhole route is refused" 125 \
	"overlaps the host's route blackhole 10.98.0.0/16 table main" \
	-e network.access=user --subnet 10.98.0.0/16 $R /bin/true
run_fails "--subnet holding a route is refused" 125 "--subnet '10.0.0.0/8' overlaps the host's" \
	-e network.access=user --subnet 10.0.0.0/8 $R /bin/true
check "refused --subnet: nothing left in the namespace" h_clean

# The default pool (podman's default network too): the /30s the host uses are skipped.
ip -n $H addr add 10.88.0.1/24 dev up0
run_ok "default pool: a /30 outside the host's 10.88.0.0/24" \
	'inet 10\.88\.([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-5][0-9])\.[0-9]+/30' \
	-e network.access=user $R /bin/ip -o -4 addr show eth0
ip -n $H route add 10.88.0.0/16 dev up0 metric 500
run_fails "default pool entirely the host's: refused, with a hint" 125 \
	'no free /30 in the address pool 10.88.0.0/16, which overlaps the host' \
	-e network.access=user $R /bin/true
check "... the hint says --subnet" grep -q '^ent-run: hint: pass --subnet' "$ERR"
ip -n $H route del 10.88.0.0/16 dev up0 metric 500
ip -n $H addr del 10.88.0.1/24 dev up0

# Our own veths are not the host's: two containers share a --subnet.
start_ready -e network.access=user --subnet 10.77.0.0/24 $R /bin/sh -c "$READY"
first=$BG
run_ok "a second container in the same --subnet" 'inet 10\.77\.0\.[0-9]+/30' \
	-e network.access=user --subnet 10.77.0.0/24 $R /bin/ip -o -4 addr show eth0
kill $first
wait $first 2>/dev/null

# --- forwarding ----------------------------------------------------------------------------

check "forwarding: off in the test host to begin with" [ "$(forwarding)" = 0 ]
if a_reaches_b; then fail "forwarding: A cannot reach B through it" "it can"; else
	pass "forwarding: A cannot reach B through it"
fi
start_ready -e network.access=user $R /bin/sh -c \
	"(sleep 1) | nc -w 3 198.18.2.2 7777; $READY"
check "forwarding: the container reaches B through NAT" grep -q '^hello-b$' "$OUT"
check "forwarding: on while the container runs" [ "$(forwarding)" = 1 ]
check "forwarding: table ip ent-run-forward holds the filter" has_forward_table
if a_reaches_b; then
	fail "forwarding: only our veths' traffic" "A reached B through the test host"
else
	pass "forwarding: only our veths' traffic (A does not reach B)"
fi
# A second container; the first one's end does not turn forwarding off under it.
c1=$BG
start_ready -e network.access=user $R /bin/sh -c "$READY"
c2=$BG
kill $c1
wait $c1 2>/dev/null
check "forwarding: still on for the remaining container" [ "$(forwarding)" = 1 ]
kill $c2
wait $c2 2>/dev/null
check "forwarding: off again after the last container" [ "$(forwarding)" = 0 ]
check "forwarding: no ent-run table or veth left" h_clean

# Which end deletes what: one that leaves a container of ours running closes its table's owner
# socket and leaves forwarding alone; the last one deletes its table and the filter in one
# nftables batch through that socket, once ip_forward is 0 (ent-run-nft end-last), and asks
# ent-run-nft nothing more (no forward-exists, no forward-delete).
start_ready -e network.access=user $R /bin/sh -c "$READY"
c1=$BG
ent --verbose -e network.access=user $R /bin/true
check "forwarding: an end with another container running leaves forwarding to it" sh -c \
	"[ $STATUS = 0 ] && grep -q 'close the netfilter socket that owns table ip ent-' '$ERR' &&
	! grep -q 'ent-run-nft end-last\|ent-run-nft forward-[ed]' '$ERR' &&
	[ \$(ip netns exec $H cat /proc/sys/net/ipv4/ip_forward) = 1 ]"
kill $c1
wait $c1 2>/dev/null
check "forwarding: off after the remaining container" [ "$(forwarding)" = 0 ]
check "forwarding: and nothing left" h_clean
ent --verbose -e network.access=user $R /bin/true
check "forwarding: the last end deletes its table and the filter in one batch" sh -c \
	"[ $STATUS = 0 ] && grep -q 'ent-run-nft end-last ent-[0-9]*:' '$ERR' &&
	grep -q 'write /proc/sys/net/ipv4/ip_forward \"0\"' '$ERR' &&
	grep -q 'nftables batch: delete table ip ent-[0-9]*, table ip ent-run-forward' '$ERR' &&
	! grep -q 'ent-run-nft forward-[ed]' '$ERR'"
check "... ip_forward written back before the batch" sh -c \
	"grep -n 'ip_forward \"0\"\|nftables batch: delete' '$ERR' | head -1 | grep -q ip_forward"
check "... forwarding off" sh -c \
	"[ \$(ip netns exec $H cat /proc/sys/net/ipv4/ip_forward) = 0 ]"
check "... no table or veth of it" h_clean

# The filter taken away from outside while a container runs (an nftables reload, nft flush
# ruleset): forwarding is still ours, and the end turns it back off.
start_ready -e network.access=user $R /bin/sh -c "$READY"
check "filter gone from outside: forwarding on with the filter to begin with" sh -c \
	"grep -q ready '$OUT' && [ \$(ip netns exec $H cat /proc/sys/net/ipv4/ip_forward) = 1 ] &&
	ip netns exec $H nft list table ip ent-run-forward >/dev/null"
in_h nft delete table ip ent-run-forward
kill $BG
wait $BG 2>/dev/null
check "filter gone from outside: the end turns forwarding off all the same" \
	[ "$(forwarding)" = 0 ]
check "... and leaves no marker" sh -c "! ls /run/ent-run/net | grep -Eq '^(ip)?forward-'"
check "... nor anything in the namespace" h_clean

# kill -9: the filter stays with forwarding (the host is no router meanwhile), and the next
# start of any kind, here one without network, turns both off.
start_ready -e network.access=proxy --publish 18070:80 $R /bin/sh -c "$READY"
kill -9 $BG
wait $BG 2>/dev/null
check "after kill -9: forwarding still filtered" has_forward_table
if a_reaches_b; then fail "after kill -9: only our veths' traffic" "A reached B"; else
	pass "after kill -9: only our veths' traffic"
fi
run_ok "after kill -9: a start without network" '^ok$' $R /bin/echo ok
check "after kill -9 and one start: forwarding off again" [ "$(forwarding)" = 0 ]
check "after kill -9 and one start: nothing left in the namespace" h_clean
check "after kill -9 and one start: no state directory or lease of it" sh -c \
	"[ ! -e /run/ent-run/net/ent-$BG ] && ! grep -qx 'ent-$BG' /run/ent-run/net/leases/* 2>/dev/null"

# Killed here but collected by a start in the host's namespace (it shares /run): the next
# start here still turns forwarding off.
start_ready -e network.access=user $R /bin/sh -c "$READY"
kill -9 $BG
wait $BG 2>/dev/null
"$REAL_ENT_RUN" $R /bin/true
check "killed here, collected from the host's namespace: the directory is gone" \
	[ ! -e /run/ent-run/net/ent-$BG ]
check "... forwarding here is still on and filtered" sh -c "[ \$(ip netns exec $H cat \
	/proc/sys/net/ipv4/ip_forward) = 1 ] && ip netns exec $H nft list table ip ent-run-forward \
	>/dev/null 2>&1"
run_ok "... a start here without network" '^ok$' $R /bin/echo ok
check "... turns forwarding here off" [ "$(forwarding)" = 0 ]
check "... and leaves nothing" sh -c "! ls /run/ent-run/net | grep -Eq '^(netns|forward|ipforward)-'"
check "... nothing left in the namespace" h_clean

# A host that forwards already (a router, another engine): nothing about it changes.
in_h sysctl -qw net.ipv4.ip_forward=1
start_ready -e network.access=user $R /bin/sh -c "$READY"
check "forwarding host: no filter of ours" sh -c \
	"! ip netns exec $H nft list table ip ent-run-forward 2>/dev/null"
check "forwarding host: A still reaches B" a_reaches_b
kill $BG
wait $BG 2>/dev/null
check "forwarding host: still forwarding after the container" [ "$(forwarding)" = 1 ]
check "forwarding host: nothing left" h_clean
# No forwarding of ours, no marker: a container's end asks ent-run-nft nothing.
ent --verbose -e network.access=user $R /bin/true
check "forwarding host: ent-run-nft runs for the NAT table only, never for forwarding" sh -c \
	"[ $STATUS = 0 ] && grep -q 'posix_spawn .*/ent-run-nft nat ent-' '$ERR' &&
	! grep -q 'ent-run-nft forward\|ent-run-nft end-last' '$ERR'"

# Markers left by a run killed in a namespace that was deleted since, whose inode the kernel
# gave to this one (staged: the inode is $H's, the cookie another namespace's). They speak
# for that namespace, not for this one, whose forwarding (on, the host's) stays as it is:
# after a container with network, and after one without (which collects leftovers).
# Namespace cookies (SO_NETNS_COOKIE) came with Linux 5.14; before, markers go by the inode.
stage_gone_marks() {
	for m in netns forward ipforward; do echo 999999999999 >/run/ent-run/net/$m-$ino; done
}
if uname -r | awk -F. '{ exit !($1 > 5 || ($1 == 5 && $2 >= 14)) }'; then
	ino=$(stat -L -c %i /run/netns/$H)
	stage_gone_marks
	ent -e network.access=user $R /bin/echo ran
	check "markers of a namespace gone that had this inode: the container ran" \
		sh -c "[ $STATUS = 0 ] && grep -qx ran '$OUT'"
	check "... forwarding here stays on" [ "$(forwarding)" = 1 ]
	check "... and the markers are gone" sh -c "! ls /run/ent-run/net | grep -Eq -- '-$ino\$'"
	check "... nothing left in the namespace" h_clean
	stage_gone_marks
	mkdir /run/ent-run/net/ent-90000002 # a killed run's leftover: the start collects
	ent $R /bin/echo ran
	check "the same, a container without network: it ran" \
		sh -c "[ $STATUS = 0 ] && grep -qx ran '$OUT' && [ ! -e /run/ent-run/net/ent-90000002 ]"
	check "... forwarding here stays on" [ "$(forwarding)" = 1 ]
	check "... and the markers are gone" sh -c "! ls /run/ent-run/net | grep -Eq -- '-$ino\$'"
else
	skip "markers of a namespace gone that had this inode" \
		"network namespace cookies need Linux 5.14 (this is $(uname -r))"
fi
finish
