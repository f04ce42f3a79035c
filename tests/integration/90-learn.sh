#!/bin/sh
# Issue 16: ent-run learn. Each workload is learned from scratch: what it needed (the proposal on
# stdout), the rounds it took (the workload's own lines on stderr: refused in round 1, allowed
# in round 2), and --verify with exactly the proposal. Every round starts from the same files:
# --ephemeral (writes go to a throwaway layer), or a read-only rootfs.
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
P=/probe/probe
ENT_RUN_CACHE_DIR=$T_TMP/cache
export ENT_RUN_CACHE_DIR
EPH=--ephemeral
RO="-e security.fs=read-only"

# round_n N: the workload's own lines in round N (in $ERR).
round_n() { sed -n "/^learn: round $1: /,/^learn: round $1: exit/p" "$ERR" | grep -v '^learn: '; }

# learned NAME PROPOSAL ROUND1 ROUND2 ARGS...: learn exits 0 with --verify, stdout is PROPOSAL
# (lines joined by spaces), the workload printed ROUND1 in round 1 and ROUND2 in round 2.
learned() {
	name=$1 want=$2 r1=$3 r2=$4
	shift 4
	ent learn --verify $EPH "$R" "$@"
	got=$(tr '\n' ' ' <"$OUT" | sed 's/ $//')
	if [ "$STATUS" != 0 ]; then
		fail "$name" "exit $STATUS: $(grep -m3 -e '^ent-run' -e 'verify' "$ERR" | tr '\n' ' ')"
	elif [ "$got" != "$want" ]; then
		fail "$name" "proposed '$got', expected '$want'"
	elif [ "$(round_n 1)" != "$r1" ] || [ "$(round_n 2)" != "$r2" ]; then
		fail "$name" "round 1 printed '$(round_n 1)', round 2 '$(round_n 2)'"
	elif ! grep -q '^learn: verify: the same' "$ERR"; then
		fail "$name" "verify: $(grep '^learn: verify' "$ERR" | tail -1)"
	else
		pass "$name"
	fi
}

ent learn --verify $EPH "$R" /bin/sh -c 'echo hello > /hello; cat /hello'
nothing_needed() {
	[ "$STATUS" = 0 ] && [ ! -s "$OUT" ] && [ ! -e "$R/hello" ] &&
		[ "$(round_n 1)" = hello ] && ! grep -q '^learn: round 2' "$ERR" &&
		grep -q '^learn: verify: the same' "$ERR"
}
check "nothing needed: an empty proposal, one round, the rootfs untouched" nothing_needed

learned "bind port 80: network.access=proxy" "network.access=proxy" \
	"bind 80: errno=EACCES" "bind 80: ok" $P bind 80
learned "chown to 1000: security.access=user" "security.access=user" \
	"chown: /tmp/x: Operation not permitted" "1000" \
	/bin/sh -c 'touch /tmp/x && chown 1000 /tmp/x && stat -c %u /tmp/x'
learned "connect out: network.access=user" "network.access=user" \
	"connect-udp 192.0.2.1:9: errno=ENETUNREACH" "connect-udp 192.0.2.1:9: ok" \
	$P connect-udp 192.0.2.1 9
learned "mount a tmpfs: security.access=admin, the mount failed while learning" \
	"security.access=admin" "mount: errno=EPERM" "mount: ok" $P mount
learned "mlock: security.memory-lock" "security.memory-lock" \
	"mlock: errno=EPERM" "mlock: ok" $P mlock

# The evidence: for each entitlement the calls that required it; JSON for programs.
ent learn --format json $RO "$R" /bin/sh -c "$P mlock; $P kexec; exit 3"
check "json: entitlements, evidence, denied, exit code" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["entitlements"] == ["security.fs=read-only", "security.memory-lock"], r
assert r["learned"] == ["security.memory-lock"], r
e = r["evidence"][0]
assert (e["entitlement"], e["syscall"], e["count"], e["round"]) == ("security.memory-lock", "mlock", 1, 1), e
assert e["first"] == "probe: mlock", e
assert [d["syscall"] for d in r["denied"]] == ["kexec_load"], r["denied"]
assert r["exit_code"] == 3 and r["converged"] and r["rounds"] == 2, r
' "$OUT"
ent learn $RO "$R" /bin/sh -c "$P mlock; $P kexec; exit 3"
evidence() {
	grep -q '^    syscall mlock: 1 call, first in round 1: probe: mlock$' "$ERR" &&
		grep -q '^    syscall kexec_load: 2 calls, first in round 1: probe: kexec_load$' "$ERR"
}
check "text: the evidence, and what stays denied" evidence

# The supervisor never lets through what the sandbox denies: in round 1 every call fails as
# in a plain run with the same entitlements, with the same errno.
calls="$P mount; $P kexec; $P mlock; $P unshare user; $P unshare net; $P clone-newuser;
$P syscall setns 0 0; $P syscall bpf 0 0 0; $P syscall keyctl 0 0; $P syscall init_module 0 0 0;
$P syscall chroot 0; $P syscall swapon 0 0; $P syscall reboot 0 0 0; $P syscall userfaultfd 0;
$P syscall io_uring_setup 0 0; $P syscall perf_event_open 0 0 0 0 0; $P syscall pivot_root 0 0;
$P socket vsock; $P socket alg; $P socket packet; $P bind 80; $P tiocsti; $P setsockopt-sodebug;
$P clone3; $P personality 0x40000; $P syscall setuid 5; $P syscall chown 0 5 5"
ent $RO "$R" /bin/sh -c "$calls"
cp "$OUT" "$T_TMP/plain"
ent learn $RO "$R" /bin/sh -c "$calls"
round_n 1 >"$T_TMP/learning"
same_denials() {
	[ -s "$T_TMP/plain" ] && [ "$(grep -c ': ok$' "$T_TMP/plain")" = 0 ] &&
		cmp -s "$T_TMP/plain" "$T_TMP/learning"
}
check "round 1 denies exactly what a plain run denies, with the same errno" same_denials

# Iteration: the first refusal hides the next need (no network until the ids can change).
ent learn $RO "$R" /bin/sh -c "$P syscall setuid 5 | grep -q ok && $P connect-udp 192.0.2.1 9"
three_rounds() {
	[ "$STATUS" = 0 ] &&
		[ "$(tr '\n' ' ' <"$OUT")" = "network.access=user security.access=user security.fs=read-only " ] &&
		grep -q '^learn: round 3: exit 0; nothing new$' "$ERR"
}
check "iterate: a round per hidden need, three in all" three_rounds

# Each round is checked against the node policy, as a run with its entitlements would be.
printf 'allow security.fs=read-only\n' >"$T_TMP/policy"
chmod 644 "$T_TMP/policy"
run_fails "a proposal the node policy refuses stops learning" 125 \
	"learn: round 2: refused by $T_TMP/policy: .*\\(from security.memory-lock\\)" \
	learn --policy "$T_TMP/policy" $RO "$R" $P mlock
check "... after the round it allowed" grep -q '^mlock: errno=EPERM$' "$ERR"

# A round killed as a user stops a program (^C, SIGTERM, SIGQUIT) ends learning with its status.
stopped() { # STATUS
	[ "$STATUS" = "$1" ] && ! grep -q '^learn: round 2' "$ERR" &&
		grep -q "^learn: stopped in round 1 (exit $1): the proposal so far:\$" "$ERR" &&
		[ "$(cat "$OUT")" = security.memory-lock ]
}
ent learn $EPH "$R" /bin/sh -c "$P mlock; kill -TERM \$\$"
check "a round killed by SIGTERM stops learning, with the proposal so far" stopped 143
# ^\ at the terminal: SIGQUIT to learn, passed on to the round's workload (busybox sh itself
# would ignore it).
"$ENT_RUN" learn $EPH "$R" /bin/sh -c "ulimit -c 0; $P mlock; exec sleep 17" >"$OUT" 2>"$ERR" &
BG=$!
# Once the workload is sleep: the shell before it would ignore the signal.
wait_until pgrep -f '^sleep 17$'
kill -QUIT $BG
wait $BG
STATUS=$?
check "a round killed by SIGQUIT stops learning, with the proposal so far" stopped 131

# Failures: one line, exit 125 (or 127: the command is not there).
run_fails "a writable rootfs is refused" 125 'learn: the rootfs is writable' learn "$R" /bin/true
check "... with a hint" grep -q '^ent-run: hint: learn with --ephemeral' "$ERR"
run_fails "--seccomp unconfined is refused" 125 \
	'learn: needs the filter derived from the entitlements, not --seccomp unconfined' \
	learn --seccomp unconfined $RO "$R" /bin/true
run_fails "a missing command" 127 'exec /nonexistent' learn $RO "$R" /nonexistent

# Rootless: the kernel's capability checks cannot be watched; the system calls tell.
if ! rootless_possible; then
	skip "rootless learn" "unprivileged user namespaces are disabled on this host"
elif ! user_paths; then
	fail "rootless learn" "could not copy $ENT_RUN and $ROOTFS where uid $ROOTLESS_UID can reach them"
else
	as_user env ENT_RUN_CACHE_DIR= "$U_ENT_RUN" learn $RO "$U_ROOTFS" /bin/sh -c \
		"$P mlock; touch /tmp/x; chown 1000 /tmp/x" >"$OUT" 2>"$ERR" </dev/null
	rootless_learned() {
		[ "$(tr '\n' ' ' <"$OUT")" = "security.access=user security.fs=read-only security.memory-lock " ] &&
			grep -q '^learn: rootless: only what system calls show is learned' "$ERR" &&
			grep -Eq '^    f?chown(at)? needs CAP_CHOWN: .*\(1000, -?[0-9]+\)$' "$ERR"
	}
	check "rootless: learned from system calls, and says so" rootless_learned
fi
finish
