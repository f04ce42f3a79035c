#!/bin/sh
# Issue 6: network.access=none|confined|user|proxy|admin|host, root and rootless; clean-up.
#
# Traffic goes only to loopback and to a test host in a network namespace made here, behind a
# veth with TEST-NET-2 addresses (198.51.100.0/24, RFC 5737: reserved for documentation and
# never routed): the host side is $HOST_IP, the server $SRV_IP:7777. No name is resolved.
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
skip_unless "network" "needs root (test network namespace, veth, nftables)" is_root
skip_unless "network" "needs ip, nft, busybox and timeout (packages iproute2, nftables, busybox)" \
	have ip nft busybox timeout

SRV_NS=entrun-srv$$
SRV_IF=entsrv$$ # not "ent-": leftover checks look for ent-PID
HOST_IP=198.51.100.1
SRV_IP=198.51.100.2
cleanup() {
	for p in $(ip netns pids $SRV_NS 2>/dev/null); do kill "$p" 2>/dev/null; done
	ip netns del $SRV_NS 2>/dev/null
	ip link del ${SRV_IF}h 2>/dev/null
	[ -n "${BUSY_PIDS:-}" ] && kill $BUSY_PIDS 2>/dev/null
	[ -n "${LISTEN:-}" ] && kill $LISTEN 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT
ip netns add $SRV_NS &&
	ip link add ${SRV_IF}h type veth peer name ${SRV_IF}n &&
	ip link set ${SRV_IF}n netns $SRV_NS &&
	ip addr add $HOST_IP/24 dev ${SRV_IF}h && ip link set ${SRV_IF}h up &&
	ip -n $SRV_NS addr add $SRV_IP/24 dev ${SRV_IF}n && ip -n $SRV_NS link set ${SRV_IF}n up &&
	ip -n $SRV_NS link set lo up || { fail "test network namespace" "setup failed"; finish; }
# A persistent TCP server in the test namespace: says hello to each connection.
ip netns exec $SRV_NS busybox nc -ll -p 7777 -e /bin/echo hello-from-srv >/dev/null 2>&1 &
sleep 0.3

# What dead ent-runs left: veths, nftables tables (and chains of the old shared table), state
# directories and leases whose ent-run (the pid in their name) is gone. Live containers of
# concurrent test runs are not leftovers.
leftovers() {
	{
		ip -o link show 2>/dev/null | grep -o ' ent-[0-9]*' | sed 's/ /veth:/'
		nft list tables | sed -n 's/^table ip \(ent-[0-9]*\)$/table:\1/p'
		nft list table ip ent-run 2>/dev/null |
			sed -n 's/^[[:space:]]*chain \(ent-[0-9]*\)-.*/chain:\1/p'
		ls -d /run/ent-run/net/ent-* 2>/dev/null | xargs -r -n1 basename | sed 's/^/dir:/'
		cat /run/ent-run/net/leases/* 2>/dev/null | sed 's/^/lease:/'
	} | sort -u | while read -r what; do
		name=${what#*:}
		kill -0 "${name#ent-}" 2>/dev/null || echo "$what"
	done
}
# dead_veths: veths of ent-runs that are gone (the kernel removes them with the namespace).
dead_veths() {
	ip -o link show 2>/dev/null | grep -o ' ent-[0-9]*' | while read -r v; do
		kill -0 "${v#ent-}" 2>/dev/null || echo "$v"
	done
}
no_dead_veths() { [ -z "$(dead_veths)" ]; }
# check_clean WHAT [ended]: nothing of dead ent-runs is left. After runs that ended, the kernel
# removes their veths on its own (ent-run does not wait for it) and their leases stay until
# then; a start (here one without network) collects those.
check_clean() {
	if [ "${2:-}" = ended ]; then
		wait_until no_dead_veths
		"$ENT_RUN" --verbose $R /bin/true >/dev/null 2>"$T_TMP/collect" </dev/null
	fi
	l=$(leftovers)
	if [ -z "$l" ]; then pass "$1: no veth, nftables chain or lease left"; else
		fail "$1: no veth, nftables chain or lease left" "$(echo $l)"
		[ "${2:-}" = ended ] && grep ' net ' "$T_TMP/collect" | head -5
	fi
}
# tent ARGS...: ent with a time limit (a hung network must fail the test, not hang it).
tent() {
	timeout 30 "$ENT_RUN" "$@" >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
}
# The container keeps stdin open a moment: the server answers before our side closes.
CONNECT='(sleep 1) | nc -w 3'
# host_connect ADDR PORT: what a host program connecting to ADDR:PORT gets.
host_connect() { (sleep 1) | timeout 5 busybox nc -w 2 "$1" "$2" 2>/dev/null; }

# host_listen FAMILY ADDR PORT tcp|udp [reuseport]: a host service on ADDR:PORT (4 or 6; IPv6
# sockets are IPv6-only; SO_REUSEADDR, as servers do), which answers "host-service" to every tcp
# connection; $LISTEN is its pid. host_can_bind ...: whether such a service could start now.
cat >"$T_TMP/listen.py" <<'PY'
import socket, sys, time
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
tcp = sys.argv[4] == "tcp"
s = socket.socket(fam, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if "reuseport" in sys.argv[5:]:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
try:
    s.bind((sys.argv[2], int(sys.argv[3])))
except OSError as e:
    print("bind:", e.strerror, flush=True)
    sys.exit(1)
if "probe" in sys.argv[5:]:
    sys.exit(0)
print("ready", flush=True)
if not tcp:
    time.sleep(30)
    sys.exit(0)
s.listen()
s.settimeout(30)
while True:
    c, _ = s.accept()
    c.sendall(b"host-service\n")
    c.close()
PY
host_listen() {
	: >"$T_TMP/listen.out"
	python3 "$T_TMP/listen.py" "$@" >"$T_TMP/listen.out" 2>&1 &
	LISTEN=$!
	wait_until grep -q 'ready\|bind' "$T_TMP/listen.out"
}
host_unlisten() { kill $LISTEN 2>/dev/null; wait $LISTEN 2>/dev/null; LISTEN=; }
host_can_bind() { python3 "$T_TMP/listen.py" "$@" probe >/dev/null 2>&1; }

# none: own netns, and socket() refused for every family but AF_UNIX.
tent -e network.access=none $R /bin/sh -c 'nc -w 1 127.0.0.1 1'
check "none: socket(AF_INET) is refused (EPERM)" grep -q 'socket: Operation not permitted' "$ERR"
if [ -x "$R/probe/probe" ]; then
	run_ok "none: socket(AF_INET6) is refused" 'errno=EPERM' -e network.access=none $R \
		/probe/probe socket inet6
	run_ok "none: socket(AF_UNIX) still works" ': ok' -e network.access=none $R \
		/probe/probe socket unix
else
	skip "none: AF_UNIX allowed" "no /probe/probe in the rootfs"
fi

# confined (the default): only lo, up; neither the test host nor the host's loopback.
run_ok "confined: only lo" '^lo$' $R /bin/ls /sys/class/net
host_listen 4 127.0.0.1 17777 tcp
tent $R /bin/sh -c "$CONNECT $SRV_IP 7777; $CONNECT 127.0.0.1 17777; ip route; echo ran"
check "confined: the container ran" grep -q '^ran$' "$OUT"
check "confined: the test host is unreachable" sh -c "grep -q '^ran$' '$OUT' && ! grep -q hello-from-srv '$OUT'"
got=$(host_connect 127.0.0.1 17777)
check "confined: the host's loopback is not ours" sh -c \
	"[ '$got' = host-service ] && ! grep -q host-service '$OUT'"
host_unlisten
check "confined: no route" sh -c "grep -q '^ran$' '$OUT' && ! grep -q default '$OUT'"
check_clean "confined"

# A start that waits for the network lock (another ent-run holds it) stops at SIGINT without
# waiting for the holder, and removes its id lease; it made nothing under the lock. So does a
# start without network that waits for it to collect a killed run's leftovers (staged: a
# directory without owner record, and no veth).
if have flock >/dev/null; then
	while_locked /run/ent-run/net/lock INT --stats "$T_TMP/lock.json" \
		--entitle network.access=user $R /bin/echo ran
	check_lock_stop "SIGINT while waiting for the network lock" INT 130
	# --stats made a cgroup first: the report says so, and that the workload never started.
	check "SIGINT while waiting for the network lock: the report says so, no time spent" sh -c \
		"grep -q '\"signal\": *\"SIGINT\"' '$T_TMP/lock.json' &&
		grep -q '\"exit_code\": *130' '$T_TMP/lock.json' &&
		grep -q '\"wall_seconds\": *0[,.]' '$T_TMP/lock.json' &&
		! grep -q '\"started_at\": *\"1970' '$T_TMP/lock.json'"
	check "SIGINT while waiting for the network lock: no id lease or state directory left" \
		sh -c "! grep -qs '^$LAUNCHER ' /run/ent-run/ids/[0-9]*-[0-9]* &&
			[ ! -e /run/ent-run/net/ent-$LAUNCHER ]"
	check_clean "SIGINT while waiting for the network lock"
	mkdir /run/ent-run/net/ent-90000001
	while_locked /run/ent-run/net/lock TERM $R /bin/echo ran
	check_lock_stop "SIGTERM while waiting to collect leftovers" TERM 143
	tent $R /bin/echo ran
	check "... and the next start collects them" \
		sh -c "grep -qx ran '$OUT' && [ ! -e /run/ent-run/net/ent-90000001 ]"
	rm -rf /run/ent-run/net/ent-90000001
else
	skip "signals while waiting for the network lock" "needs flock (package util-linux)"
fi

# A run that ended left its veth to the kernel, and its lease while the veth is there. Staged
# here, deterministically: a state directory without owner record (the run ended), its lease,
# and a link of its name, with the gateway address, that the kernel has not removed yet.
# Staged under the lease lock (a start meanwhile would collect half of it), with ids above
# any pid (pid_max is at most 2^22), the lease never written over another's.
# stage_ended ID BLOCK [OWNER]: ent-ID ended, holding BLOCK (a /30 of 10.88.255.0/24); with
# OWNER ("PID STARTTIME"), it runs instead.
stage_ended() {
	mkdir -p /run/ent-run/net/leases &&
		flock /run/ent-run/net/lock sh -c 'set -C
		ip link add ent-$1 type veth peer name stage-$1 &&
			ip addr add 10.88.255.$(($2 + 1))/30 dev ent-$1 &&
			mkdir /run/ent-run/net/ent-$1 &&
			if [ -n "$3" ]; then echo "$3" >/run/ent-run/net/ent-$1/owner; fi &&
			echo ent-$1 >/run/ent-run/net/leases/10.88.255.$2' stage "$@"
}
staged() { # ID BLOCK: what is left of it, on one line ("link dir lease ": all of it)
	ip link show ent-$1 >/dev/null 2>&1 && printf 'link '
	[ -d /run/ent-run/net/ent-$1 ] && printf 'dir '
	grep -qx ent-$1 /run/ent-run/net/leases/10.88.255.$2 2>/dev/null && printf 'lease '
	return 0
}
unstage() { # ID BLOCK
	ip link del ent-$1 2>/dev/null
	rm -rf /run/ent-run/net/ent-$1
	if grep -qx ent-$1 /run/ent-run/net/leases/10.88.255.$2 2>/dev/null; then
		rm -f /run/ent-run/net/leases/10.88.255.$2
	fi
}
if stage_ended 90000000 248; then
	tent $R /bin/echo ran
	got=$(staged 90000000 248)
	check "an ended run's veth still there: a start without network leaves its lease" \
		sh -c "grep -q '^ran$' '$OUT' && [ '$got' = 'link dir lease ' ]"
	ip link del ent-90000000
	tent --verbose $R /bin/echo ran
	got=$(staged 90000000 248)
	check "... and collects it once the veth is gone" \
		sh -c "grep -q '^ran$' '$OUT' && [ -z '$got' ]"
	check "... asking ent-run-nft nothing (that run ended, it was not killed)" \
		sh -c "grep -q 'collect the leftovers of ent-90000000 ' '$ERR' &&
		! grep -q 'ent-run-nft' '$ERR'"
else
	fail "stage an ended run" "could not create its state or link"
fi
unstage 90000000 248
# A pool of two blocks, the first a lingering run's: the start takes the second.
if stage_ended 90000000 248 && stage_ended 90000001 244; then
	tent -e network.access=user --subnet 10.88.255.248/29 $R /bin/sh -c \
		'ip -o -4 addr show eth0; echo ran'
	got=$(staged 90000000 248)
	check "a start that leases a block leaves an ended run's lingering veth and its lease" \
		sh -c "grep -q '^ran$' '$OUT' && [ '$got' = 'link dir lease ' ]"
	check "... and takes another block" grep -q 'inet 10\.88\.255\.254/30' "$OUT"
	# The pool's one block is the lingering run's: only then is its veth deleted, and the
	# block leased again; a lingering run outside the pool is left alone.
	tent -e network.access=user --subnet 10.88.255.248/30 $R /bin/sh -c \
		'ip -o -4 addr show eth0; echo ran'
	got=$(staged 90000000 248)
	check "no other block free: the start deletes the lingering veth and takes its block" \
		sh -c "grep -q 'inet 10\.88\.255\.250/30' '$OUT' && [ -z '$got' ]"
	got=$(staged 90000001 244)
	check "... but not a lingering run that holds no block of its pool" \
		sh -c "grep -q '^ran$' '$OUT' && [ '$got' = 'link dir lease ' ]"
else
	fail "stage two ended runs" "could not create their state or links"
fi
unstage 90000000 248
unstage 90000001 244
# A running container's block (its owner record names a live process: this shell) is never
# freed, even when the pool has no other block.
if stage_ended 90000002 240 "$$ $(cut -d' ' -f22 /proc/$$/stat)"; then
	tent -e network.access=user --subnet 10.88.255.240/30 $R /bin/echo ran
	got=$(staged 90000002 240)
	check "a running container's block is not taken: the pool is exhausted" sh -c \
		"[ '$STATUS' = 125 ] && grep -q 'is exhausted' '$ERR' && [ '$got' = 'link dir lease ' ]"
else
	fail "stage a running container" "could not create its state or link"
fi
unstage 90000002 240
# An ended run with the name a start takes (ent-PID: learn's rounds run from one process): its
# veth goes at once, whatever block it holds; so does a link of that name alone (its state
# collected from another network namespace, where the link did not show). exec keeps the
# shell's pid for ent-run. self_start WHAT: stage WHAT (all, link) for ent-$$, then start.
self_start() {
	mkdir -p /run/ent-run/net/leases
	timeout 30 sh -c 'stage() {
			flock /run/ent-run/net/lock sh -c "ip link add ent-\$1 type veth peer name stage-\$1 &&
				if [ \$2 = all ]; then mkdir /run/ent-run/net/ent-\$1 &&
				echo ent-\$1 >/run/ent-run/net/leases/10.88.255.236; fi" stage "$1" "$2"
		}
		stage $$ "$4" && echo $$ >"$1" && exec "$2" -e network.access=user "$3" /bin/echo ran' \
		self "$T_TMP/self" "$ENT_RUN" "$R" "$1" >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
	self=$(cat "$T_TMP/self" 2>/dev/null)
	rm -f "$T_TMP/self"
}
self_start all
check "an ended run with the start's own name: its veth deleted, the start runs" sh -c \
	"[ -n '$self' ] && [ '$STATUS' = 0 ] && grep -q '^ran$' '$OUT' &&
	 ! grep -qx ent-$self /run/ent-run/net/leases/10.88.255.236 2>/dev/null"
[ -n "$self" ] && unstage "$self" 236
self_start link
check "... and a leftover link of that name alone" sh -c \
	"[ -n '$self' ] && [ '$STATUS' = 0 ] && grep -q '^ran$' '$OUT'"
[ -n "$self" ] && ip link del "ent-$self" 2>/dev/null

# user: eth0 with a pool address, a default route, NAT to the test host, generated files.
tent -e network.access=user --hostname box1 $R /bin/sh -c \
	"ip -o -4 addr show eth0; ip route; $CONNECT $SRV_IP 7777; cat /etc/resolv.conf /etc/hosts;
	ip -o link show lo"
check "user: exit 0" [ "$STATUS" = 0 ]
check "user: lo is up too (the child's, while the parent configures eth0)" \
	grep -q 'lo: <LOOPBACK,UP' "$OUT"
check "user: eth0 has a /30 of 10.88.0.0/16" grep -Eq 'eth0 +inet 10\.88\.[0-9]+\.[0-9]+/30' "$OUT"
check "user: default route through the host side" grep -Eq '^default via 10\.88\.' "$OUT"
check "user: reaches the test host through NAT" grep -q '^hello-from-srv$' "$OUT"
want=$(grep -E '^nameserver' /etc/resolv.conf | grep -vE '^nameserver[[:space:]]+(127\.|::1)')
got=$(grep -E '^nameserver' "$OUT")
check "user: resolv.conf holds the host's reachable nameservers" [ "$got" = "$want" ]
check "user: /etc/hosts names the container" grep -Eq '^10\.88\.[0-9.]+[[:space:]]+box1$' "$OUT"
check "user: the rootfs's own resolv.conf is untouched" \
	sh -c "[ ! -s '$R/etc/resolv.conf' ] && [ ! -s '$R/etc/hosts' ]"
run_ok "user: no CAP_NET_ADMIN (ip addr add fails)" '^denied$' -e network.access=user $R \
	/bin/sh -c 'ip addr add 10.99.0.1/32 dev eth0 2>/dev/null && echo added || echo denied'
run_ok "user: --subnet picks the pool" 'inet 10\.77\.0\.[0-9]+/30' -e network.access=user \
	--subnet 10.77.0.0/24 $R /bin/ip -o -4 addr show eth0
tent --verbose -e network.access=user $R /bin/echo ran
check "user: the exit leaves the veth to the kernel (no RTM_DELLINK after the workload)" sh -c \
	"grep -q '^ran$' '$OUT' &&
		sed -n '/execve/,\$p' '$ERR' | grep -q 'close the netfilter socket .*table ip ent-[0-9]*' &&
		! sed -n '/execve/,\$p' '$ERR' | grep -q RTM_DELLINK"
check_clean "user" ended
# (A killed run of another test running at the same time would rightly make it ask.)
ended_name=$(sed -n 's/.*RTM_NEWLINK type veth \(ent-[0-9]*\) .*/\1/p' "$ERR" | head -1)
# When its veth was still there at its end, it kept its lease, which the next start collected
# (as the staged run's above, for sure); a slower build may find the veth gone already,
# and then leaves nothing. Either way that start asked ent-run-nft nothing: the run ended.
check "... the next start ran no ent-run-nft (that run ended, it was not killed)" \
	sh -c "[ -n '$ended_name' ] && grep -q 'ioctl(SIOCSIFFLAGS, \"lo\"' '$T_TMP/collect' &&
		! grep -q 'ent-run-nft' '$T_TMP/collect' &&
		{ ! grep -q 'keep lease .* while the kernel removes $ended_name ' '$ERR' ||
		grep -q 'collect the leftovers of $ended_name ' '$T_TMP/collect'; }"

# --verbose narrates each netlink step.
tent --verbose -e network.access=user $R /bin/true
check "--verbose: veth, address, nftables, route" sh -c "grep -q 'RTM_NEWLINK type veth' '$ERR' &&
	grep -q 'RTM_NEWADDR' '$ERR' && grep -q 'nftables batch' '$ERR' &&
	grep -q 'RTM_NEWROUTE default via' '$ERR'"

# proxy: --publish through DNAT, from the host's loopback and from the test host.
# The container's servers start before it says "ready".
SERVE='nc -ll -p 80 -e echo hello-80 & nc -ll -p 81 -e echo hello-81 & sleep 0.3; echo ready'
start_ready -e network.access=proxy --publish 127.0.0.1:18080:80 --publish 18081:81 \
	--publish 127.0.0.1:18082:53/udp $R /bin/sh -c "$SERVE; sleep 60"
check "proxy: a udp --publish is a udp rule in the container's own table" sh -c \
	"nft list table ip ent-$BG | grep -q 'udp dport 18082 dnat to'"
got=$( (sleep 1) | timeout 5 busybox nc -w 2 127.0.0.1 18080)
check "proxy: --publish 127.0.0.1:18080:80 reaches port 80 from the host" [ "$got" = hello-80 ]
got=$( (sleep 1) | timeout 5 ip netns exec $SRV_NS busybox nc -w 2 $HOST_IP 18081)
check "proxy: --publish 18081:81 reaches port 81 from the test host" [ "$got" = hello-81 ]
# The published ports are held: no host service, no other container can take them meanwhile.
check "proxy: a host service cannot bind a published port (tcp, every address)" \
	sh -c "! python3 '$T_TMP/listen.py' 4 0.0.0.0 18081 tcp probe >/dev/null &&
		! python3 '$T_TMP/listen.py' 6 ::1 18081 tcp probe >/dev/null"
check "proxy: a host service cannot bind a published port (127.0.0.1, tcp and udp)" \
	sh -c "! python3 '$T_TMP/listen.py' 4 127.0.0.1 18080 tcp probe >/dev/null &&
		! python3 '$T_TMP/listen.py' 4 0.0.0.0 18082 udp reuseport probe >/dev/null"
run_fails "proxy: a second container cannot publish the same port" 125 \
	'--publish 18081:99: host port 18081/tcp is already in use' \
	-e network.access=proxy --publish 18081:99 $R /bin/true
kill $BG
wait $BG
check_clean "proxy" ended

# A port that a host service already uses is refused, whichever address or family it has,
# with SO_REUSEPORT too; the host's own connections keep reaching the service.
host_listen 4 127.0.0.1 18084 tcp
start_ready -e network.access=proxy --publish 18084:80 $R /bin/sh -c "$SERVE; sleep 60"
got=$(host_connect 127.0.0.1 18084)
kill $BG 2>/dev/null
wait $BG
STATUS=$?
check "publish over a host service: the host's 127.0.0.1:18084 still reaches the service" \
	[ "$got" = host-service ]
check "publish over a host service: refused (125), naming the port" sh -c \
	"[ $STATUS = 125 ] && grep -q 'host port 18084/tcp is already in use' '$ERR'"
host_unlisten
for c in "4 0.0.0.0 tcp reuseport|127.0.0.1:18085:80|18085/tcp" \
	"6 ::1 tcp|18085:80|18085/tcp" "4 127.0.0.1 udp|18085:53/udp|18085/udp" \
	"6 :: udp|18085:53/udp|18085/udp" "4 $HOST_IP tcp|18085:80|18085/tcp"; do
	listener=${c%%|*} rest=${c#*|}
	publish=${rest%%|*} port=${rest#*|}
	set -- $listener
	host_listen "$1" "$2" 18085 "$3" ${4:-}
	run_fails "publish $publish over a host service on $2 ($3)" 125 \
		"host port $port is already in use" -e network.access=proxy --publish "$publish" \
		$R /bin/true
	host_unlisten
done
# Another address of the host keeps its service: the rule and the held port are per address.
host_listen 4 $HOST_IP 18086 tcp
start_ready -e network.access=proxy --publish 127.0.0.1:18086:80 $R /bin/sh -c "$SERVE; sleep 60"
got=$(host_connect 127.0.0.1 18086)
check "publish on 127.0.0.1 next to a service on $HOST_IP: 127.0.0.1 reaches the container" \
	[ "$got" = hello-80 ]
got=$(host_connect $HOST_IP 18086)
check "publish on 127.0.0.1 next to a service on $HOST_IP: $HOST_IP reaches the service" \
	[ "$got" = host-service ]
kill $BG
wait $BG
host_unlisten
run_fails "publish on an address that is not the host's" 125 \
	'--publish 203.0.113.9:18087:80: 203.0.113.9 is not an address of this host' \
	-e network.access=proxy --publish 203.0.113.9:18087:80 $R /bin/true

# admin: CAP_NET_ADMIN in its own namespace only.
tent -e network.access=admin $R /bin/sh -c 'ip addr add 10.99.0.1/32 dev eth0 && ip -o addr'
check "admin: adds an address inside" grep -q 'inet 10.99.0.1/32' "$OUT"
check "admin: not on the host" sh -c "! ip -o addr | grep -q 10.99.0.1"

# host: the host's namespace is shared.
run_ok "host: sees the host's interfaces" "${SRV_IF}h" -e network.access=host $R /bin/ip -o link

# 30 concurrent containers: distinct addresses (a lock, not luck), all reach the test host.
# Each waits (at most 30 s) until all 30 hold their address: on a loaded machine the first
# could otherwise end, and free its address, before the last starts.
mkdir -p "$T_TMP/many" "$T_TMP/barrier"
BARRIER='n=0; while [ $(ls /b | wc -l) -lt 30 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done'
i=0
while [ $i -lt 30 ]; do
	timeout 60 "$ENT_RUN" -e network.access=user -v "$T_TMP/barrier:/b" $R /bin/sh -c \
		"a=\$(ip -o -4 addr show eth0 | awk '{ print \$4 }'); echo \$a; touch /b/\${a%/*};
		$BARRIER; $CONNECT $SRV_IP 7777" >"$T_TMP/many/$i" 2>&1 </dev/null &
	bgs="${bgs:-} $!"
	i=$((i + 1))
done
wait $bgs
check "30 concurrent: 30 distinct addresses" \
	[ "$(grep -h '/30$' "$T_TMP"/many/* | sort -u | wc -l)" = 30 ]
check "30 concurrent: all reach the test host" \
	[ "$(grep -h '^hello-from-srv$' "$T_TMP"/many/* | wc -l)" = 30 ]
check_clean "30 concurrent" ended

# Setup failures: exit 125, one line, nothing left.
run_fails "bad --subnet" 125 "--subnet 'nope' is not an IPv4 CIDR" \
	-e network.access=user --subnet nope $R /bin/true
run_fails "bad --publish host address" 125 "is not an IPv4 address" \
	-e network.access=proxy --publish 1.2.3:8080:80 $R /bin/true
run_fails "--subnet in link-local (cloud metadata)" 125 \
	"--subnet '169.254.169.252/30' overlaps 169.254.0.0/16" \
	-e network.access=user --subnet 169.254.169.252/30 $R /bin/true
for s in 127.0.0.0/30 0.0.0.0/0 224.0.0.0/24 240.0.0.0/30; do
	run_fails "--subnet $s is refused" 125 "--subnet '$s' overlaps" \
		-e network.access=user --subnet $s $R /bin/true
done
"$ENT_RUN" -e network.access=user --subnet 10.66.0.0/30 $R /bin/sleep 3 >/dev/null 2>&1 &
bg=$!
sleep 1
run_fails "pool exhausted" 125 'address pool 10.66.0.0/30 is exhausted' \
	-e network.access=user --subnet 10.66.0.0/30 $R /bin/true
wait $bg
# A child that fails while the parent configures its network (SYNC_NET, written to a channel
# the child may have left): the child's own error is the one line, every time.
n=0 bad=
while [ $n -lt 20 ]; do
	ent -e network.access=user --tmpfs /bin/sh $R /bin/true
	grep -q '^ent-run: rootfs: mount tmpfs on /bin/sh: Not a directory$' "$ERR" &&
		[ "$STATUS" = 125 ] || bad="exit $STATUS: $(head -c 200 "$ERR")"
	n=$((n + 1))
done
check "a child failing during the network set-up: its own error, 20 of 20${bad:+ ($bad)}" \
	[ -z "$bad" ]
check_clean "failed starts" ended

# kill -9 of ent-run: its published port and NAT rules go with it at once (an owned table),
# and the next start of any kind, even a container without network, collects the rest.
start_ready -e network.access=proxy --publish 127.0.0.1:18083:80 $R /bin/sh -c \
	'echo ready; sleep 30'
victim=$BG
kill -9 $victim
wait $victim 2>/dev/null
check "after kill -9: no nftables table or chain redirects the port" sh -c \
	"! nft list tables | grep -q 'ent-$victim\$' &&
		! nft list table ip ent-run 2>/dev/null | grep -q 'chain ent-$victim-'"
check "after kill -9: the host can use the published port" host_can_bind 4 127.0.0.1 18083 tcp
tent $R /bin/true
check "after kill -9: the next start works" [ "$STATUS" = 0 ]
check_clean "after kill -9 and one start without network"

# Rootless: pasta (or slirp4netns) instead of veth and NAT.
if ! rootless_possible; then
	skip "rootless user" "unprivileged user namespaces are disabled on this host"
elif ! command -v pasta >/dev/null && ! command -v slirp4netns >/dev/null; then
	skip "rootless user" "neither pasta (package passt) nor slirp4netns is installed"
elif ! as_user sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
	skip "rootless user" "/dev/net/tun is not accessible to uid $ROOTLESS_UID (mode $(stat -c %a /dev/net/tun))"
elif ! user_paths; then
	fail "rootless user" "could not copy $ENT_RUN and $ROOTFS where uid $ROOTLESS_UID can reach them"
else
	as_user timeout 30 "$U_ENT_RUN" -e network.access=user "$U_ROOTFS" /bin/sh -c \
		"ip -o -4 addr show eth0; $CONNECT $SRV_IP 7777" >"$OUT" 2>"$ERR" </dev/null
	check "rootless user: eth0 has an address" grep -q 'eth0 *inet ' "$OUT"
	check "rootless user: reaches the test host" grep -q '^hello-from-srv$' "$OUT"
	if command -v pasta >/dev/null; then
		as_user "$U_ENT_RUN" -e network.access=proxy --publish 127.0.0.1:18090:80 "$U_ROOTFS" \
			/bin/sh -c 'nc -l -p 80 -e echo hello-rootless & sleep 3' >/dev/null 2>&1 &
		bg=$!
		sleep 1.5
		got=$( (sleep 1) | timeout 5 busybox nc -w 2 127.0.0.1 18090)
		check "rootless proxy: pasta publishes 127.0.0.1:18090" [ "$got" = hello-rootless ]
		wait $bg
	fi
	check "rootless: no helper left running" sh -c \
		"! pgrep -u $ROOTLESS_UID -x pasta && ! pgrep -u $ROOTLESS_UID -x slirp4netns"
fi

# ent-run-nft, the nftables helper: run only from beside the ent-run binary, and only when
# nobody but its owner may write it; a start without it fails before it makes anything.
NFT_HELPER=$(dirname "$ENT_RUN")/ent-run-nft
NFT_DIR=$T_TMP/nft-copy
mkdir -p "$NFT_DIR" && cp "$ENT_RUN" "$NFT_DIR/ent-run"
SAVED_ENT_RUN=$ENT_RUN
ENT_RUN=$NFT_DIR/ent-run
run_fails "user: without ent-run-nft beside ent-run: refused, naming the path" 125 \
	"needs ent-run-nft beside ent-run: $NFT_DIR/ent-run-nft" -e network.access=user $R /bin/true
check_clean "user: without ent-run-nft"
cp "$NFT_HELPER" "$NFT_DIR/ent-run-nft" && chmod 0775 "$NFT_DIR/ent-run-nft"
run_fails "user: a group-writable ent-run-nft is refused" 125 \
	"ent-run-nft must be a regular file owned by root" -e network.access=user $R /bin/true
check_clean "user: group-writable ent-run-nft"
chmod 0755 "$NFT_DIR/ent-run-nft"
run_ok "user: a copy of ent-run with ent-run-nft beside it reaches the test host" \
	'^hello-from-srv$' -e network.access=user $R /bin/sh -c "$CONNECT $SRV_IP 7777"
ENT_RUN=$SAVED_ENT_RUN
check_clean "user: the copy" ended
# Without --publish the NAT table is begun right after the clone; a start that fails after
# that (here: a volume the kernel cannot idmap) must still leave no table, and say only its
# own error. (ent-run exits right after, which would take the table too: that the failed start
# itself leaves none matters to learn's next round, which this does not show.)
ent --verbose -e network.access=user -v /sys/kernel/mm:/mm $R /bin/true
check "user: a start failing after ent-run-nft began its table: 125, the helper had started" \
	sh -c "[ $STATUS = 125 ] && grep -q 'posix_spawn .*/ent-run-nft nat ent-' '$ERR' &&
		grep -q 'cannot idmap the volume /sys/kernel/mm' '$ERR' &&
		! grep -q '^ent-run-nft:' '$ERR'"
check_clean "user: that failed start"
check "ent-run-nft run by hand (no reply socket): refused, status 2" sh -c \
	"'$NFT_HELPER' forward-exists </dev/null >/dev/null 2>&1 3>&-; [ \$? = 2 ]"
ln -s "$NFT_HELPER" "$NFT_DIR/ent-run-nft.real" && mv "$NFT_DIR/ent-run-nft" "$NFT_DIR/keep" &&
	mv "$NFT_DIR/ent-run-nft.real" "$NFT_DIR/ent-run-nft"
ENT_RUN=$NFT_DIR/ent-run
run_fails "user: ent-run-nft as a symbolic link is refused" 125 \
	"ent-run-nft is a symbolic link" -e network.access=user $R /bin/true
ENT_RUN=$SAVED_ENT_RUN
# nft_ask [--closed] ARGS...: run the helper with ARGS, a socket on its descriptor 3 (closed
# on our side first with --closed), and print "RESULT STATUS MESSAGE" from its reply (struct
# nft_reply: int32 result, then struct rt_err: int errnum, char msg[256], char hint[160]), or
# "none STATUS" without one. With a descriptor in the reply (the table's owner socket), also
# "held:yes|no" (is table ip ent-999990 there while we hold it) and "after:yes|no" (once
# closed).
nft_ask() {
	python3 - "$NFT_HELPER" "$@" <<'PY'
import os, socket, struct, subprocess, sys, time
closed = sys.argv[2] == "--closed"
argv = [sys.argv[1]] + sys.argv[3 if closed else 2:]
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
if closed:
    ours.close()
# fd 3 in the child: dup2'd before subprocess closes what pass_fds does not name.
p = subprocess.Popen(argv, pass_fds=[3, theirs.fileno()], stderr=subprocess.DEVNULL,
                     preexec_fn=lambda: os.dup2(theirs.fileno(), 3))
theirs.close()
if closed:
    print("none", p.wait())
    sys.exit(0)
data, fds, _, _ = socket.recv_fds(ours, 4096, 4)
status = p.wait()
if not data:
    print("none", status)
    sys.exit(0)
result, errnum = struct.unpack_from("ii", data)
msg = data[8:8 + 256].split(b"\0")[0].decode()
print(result, status, msg)
def table():
    return subprocess.run(["nft", "list", "table", "ip", "ent-999990"],
                          capture_output=True).returncode == 0
for fd in fds:
    print("held:" + ("yes" if table() else "no"))
    os.close(fd)
    time.sleep(0.1)
    print("after:" + ("yes" if table() else "no"))
PY
}
# A good request first, so that the refusals below are the helper's own: it answers 0 with
# the table's owner socket; the table is there while that is held, and goes with it.
got=$(nft_ask nat ent-999990 ent-999990 10.88.0.2 '6,127.0.0.1,18099,80' 2>&1)
check "ent-run-nft: a good request makes the table, which goes with its owner socket" sh -c \
	"[ \"\$(echo '$got' | tr '\\n' ' ')\" = '0 0  held:yes after:no ' ]"
for bad in '6,,0,80' '6,,8080,65536' '1,,8080,80' '6,300.1.1.1,8080,80' '6,,8080' 'x'; do
	got=$(nft_ask nat ent-999990 ent-999990 10.88.0.2 "$bad" 2>&1)
	check "ent-run-nft: publish entry '$bad' is refused, and no socket sent" sh -c \
		"[ \"\$(echo '$got' | wc -l)\" = 1 ] &&
		echo '$got' | grep -q '^-1 1 ent-run-nft: bad publish entry'"
done
got=$(nft_ask nat filter ent-999990 10.88.0.2 2>&1)
check "ent-run-nft: a table name not ent-PID is refused" sh -c \
	"echo '$got' | grep -q '^-1 1 ent-run-nft: nat: bad arguments'"
got=$(nft_ask --closed nat ent-999990 ent-999990 10.88.0.2 2>&1)
check "ent-run-nft: with ent-run gone (its end closed) it makes nothing, status 2" sh -c \
	"[ '$got' = 'none 2' ] && ! nft list table ip ent-999990 >/dev/null 2>&1"
finish
