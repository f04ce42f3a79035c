# tests/integration/lib.sh - helpers for integration tests (sourced; POSIX sh).
#
# Each check prints one line: "PASS name", "FAIL name: why" or "SKIP name: reason".
# Tests look at the effect inside the container (/proc/self/status, mountinfo, errno of a
# syscall), not just at ent-run's exit status.
#   ENT_RUN  the binary under test       ROOTFS  busybox rootfs (with /probe/ tools)
set -u
: "${ENT_RUN:?set ENT_RUN}" "${ROOTFS:?set ROOTFS}"
T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d)
T_FAILED=0
trap 'rm -rf "$T_TMP" ${U_DIR:+"$U_DIR"}' EXIT
OUT=$T_TMP/out
ERR=$T_TMP/err

pass() { echo "PASS $T_NAME: $1"; }
fail() { echo "FAIL $T_NAME: $1: $2"; T_FAILED=1; }
skip() { echo "SKIP $T_NAME: $1: $2"; }

# ent ARGS...: run ent-run, stdout to $OUT, stderr to $ERR; sets $STATUS.
ent() {
	"$ENT_RUN" "$@" >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
}

# run_ok NAME PATTERN ARGS...: exit 0 and stdout matches the extended regex PATTERN.
run_ok() {
	name=$1 pattern=$2
	shift 2
	ent "$@"
	if [ "$STATUS" != 0 ]; then
		fail "$name" "exit $STATUS: $(head -c 300 "$ERR")"
	elif ! grep -Eq -- "$pattern" "$OUT"; then
		fail "$name" "output does not match /$pattern/: $(head -c 300 "$OUT")"
	else
		pass "$name"
	fi
}

# run_status NAME STATUS ARGS...: the exit status is STATUS.
run_status() {
	name=$1 want=$2
	shift 2
	ent "$@"
	if [ "$STATUS" = "$want" ]; then pass "$name"; else
		fail "$name" "exit $STATUS, expected $want; stderr: $(head -c 300 "$ERR")"
	fi
}

# run_fails NAME STATUS PATTERN ARGS...: exits STATUS, and stderr holds exactly one error line
# ("ent-run: ...", not counting "ent-run: hint:") which matches PATTERN.
run_fails() {
	name=$1 want=$2 pattern=$3
	shift 3
	ent "$@"
	errors=$(grep '^ent-run: ' "$ERR" | grep -vc '^ent-run: hint:')
	if [ "$STATUS" != "$want" ]; then
		fail "$name" "exit $STATUS, expected $want; stderr: $(head -c 300 "$ERR")"
	elif [ "$errors" != 1 ]; then
		fail "$name" "expected one error line, got $errors: $(head -c 300 "$ERR")"
	elif ! grep -Eq -- "$pattern" "$ERR"; then
		fail "$name" "message does not match /$pattern/: $(head -c 300 "$ERR")"
	else
		pass "$name"
	fi
}

# wait_until COMMAND...: poll (up to 5 s) until COMMAND succeeds.
wait_until() {
	i=0
	while ! "$@" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# start_ready ARGS...: start ent-run in the background (stdout to $OUT, stderr to $ERR) and
# wait until its output says "ready", or it has ended; $BG is its pid. $OUT is emptied here,
# not by the job's own redirection, which may come after a first look at the file.
start_ready() {
	: >"$OUT"
	"$ENT_RUN" "$@" >"$OUT" 2>"$ERR" </dev/null &
	BG=$!
	wait_until sh -c "grep -q ready '$OUT' || ! kill -0 $BG"
}

# check NAME COMMAND...: pass when the shell command succeeds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "check failed: $*"; fi
}

# mounts_snapshot FILE: the host's mount table (to compare before/after).
mounts_snapshot() { cut -d' ' -f5 /proc/self/mountinfo | sort >"$1"; }

# A user to run rootless tests as: nobody (no subordinate ids needed).
ROOTLESS_UID=65534
as_user() { setpriv --reuid "$ROOTLESS_UID" --regid "$ROOTLESS_UID" --clear-groups "$@"; }

# rootless_possible: can an unprivileged user create a user namespace here?
rootless_possible() {
	as_user unshare --user true 2>/dev/null
}

# user_paths: set U_ENT_RUN and U_ROOTFS to a binary and rootfs uid $ROOTLESS_UID can reach:
# those under test, or copies in a directory of their own when a parent directory is closed to
# other users (a clone under /root is mode 0700). The copies go with the script.
U_DIR=
user_paths() {
	U_ENT_RUN=$ENT_RUN U_ROOTFS=$ROOTFS
	# By absolute path, as ent-run resolves the rootfs: a relative one is reachable from
	# our working directory even below a directory closed to the user.
	if as_user test -x "$(readlink -f "$ENT_RUN")" &&
		as_user test -x "$(readlink -f "$ROOTFS")/bin/sh"; then
		return 0
	fi
	U_DIR=$(mktemp -d /tmp/ent-run-user.XXXXXX) && chmod 755 "$U_DIR" &&
		cp "$ENT_RUN" "$U_DIR/ent-run" && cp -a "$ROOTFS" "$U_DIR/rootfs" || return 1
	U_ENT_RUN=$U_DIR/ent-run U_ROOTFS=$U_DIR/rootfs
}

# with_ids LINES CMD...: run CMD in a private mount namespace whose /etc/passwd, /etc/subuid and
# /etc/subgid are copies of the host's plus LINES ("passwd:LINE" or "subid:NAME:START:COUNT", one
# per line), so that a test can use a user or a subordinate range the host lacks without editing
# the host's files: the copies are bind mounts, gone with the namespace.
with_ids() {
	for f in passwd subuid subgid; do cp "/etc/$f" "$T_TMP/ids.$f"; done
	printf '%s\n' "$1" | while IFS= read -r l; do
		case $l in
		passwd:*) echo "${l#passwd:}" >>"$T_TMP/ids.passwd" ;;
		subid:*) echo "${l#subid:}" >>"$T_TMP/ids.subuid"
			echo "${l#subid:}" >>"$T_TMP/ids.subgid" ;;
		esac
	done
	shift
	unshare -m --propagation private sh -c 'for f in passwd subuid subgid; do
		mount --bind "$0/ids.$f" "/etc/$f" || exit 125; done; exec "$@"' "$T_TMP" "$@"
}

# private_run_state: as root, run the calling script again in a mount namespace of its own
# whose /run/ent-run is an empty tmpfs (call it first thing after sourcing lib.sh). For tests
# that kill ent-run and check what the next start collects: ent-runs of other trees, run on the
# same machine meanwhile, must not collect it first.
private_run_state() {
	[ -n "${ENT_TEST_PRIVATE_RUN:-}" ] || [ "$(id -u)" != 0 ] && return 0
	mkdir -p /run/ent-run
	rm -rf "$T_TMP"
	ENT_TEST_PRIVATE_RUN=1 exec unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0755 ent-run-test /run/ent-run && exec sh "$0"' "$0"
}

# ent_run_in_netns NS: from here on, $ENT_RUN runs ent-run in the network namespace NS
# (nsenter --net: the mounts, cgroups and /run stay the host's); $REAL_ENT_RUN is the binary.
ent_run_in_netns() {
	REAL_ENT_RUN=$ENT_RUN
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s "%s" "$@"\n' "$1" "$ENT_RUN" \
		>"$T_TMP/ent-run-in-$1"
	chmod +x "$T_TMP/ent-run-in-$1"
	ENT_RUN=$T_TMP/ent-run-in-$1
}

# while_locked LOCK SIG ARGS...: ent-run --verbose ARGS (output to $OUT, $ERR) while a process
# of ours holds LOCK (flock); once ent-run says that it waits for it, SIG goes to ent-run (its
# pid: $LAUNCHER), or with SIG "release" the holder lets go. $STATUS is ent-run's exit status;
# $HELD is "held" when the holder still held LOCK as ent-run ended, "released" otherwise. The
# holder lets go by itself once its file is gone or this script has ended, and after 20 s at
# most: an ent-run that does not stop fails the check instead of hanging the suite.
while_locked() {
	lock=$1 sig=$2
	shift 2
	: >"$T_TMP/held"
	# shellcheck disable=SC2016
	sh -c 'exec 9<>"$1" && flock 9 && : >"$2.locked" && i=0 &&
		while [ -e "$2" ] && kill -0 "$3" 2>/dev/null && [ $i -lt 200 ]; do
			sleep 0.1
			i=$((i + 1))
		done' sh "$lock" "$T_TMP/held" $$ &
	holder=$!
	wait_until test -e "$T_TMP/held.locked"
	"$ENT_RUN" --verbose "$@" >"$OUT" 2>"$ERR" </dev/null &
	LAUNCHER=$!
	wait_until grep -q 'held by another ent-run, wait for it' "$ERR"
	if [ "$sig" = release ]; then rm -f "$T_TMP/held"; else kill -"$sig" $LAUNCHER; fi
	wait $LAUNCHER
	STATUS=$?
	if [ -e "$T_TMP/held" ] && kill -0 $holder 2>/dev/null; then HELD=held; else
		HELD=released
	fi
	rm -f "$T_TMP/held" "$T_TMP/held.locked"
	wait $holder 2>/dev/null
	return 0
}

# check_lock_stop NAME SIG STATUS: after while_locked LOCK SIG ...: ent-run exited STATUS before
# the holder let go, with one line, and no other, that says SIG stopped the start.
check_lock_stop() {
	check "$1: exit $3 before the holder let go" [ "$STATUS" = "$3" -a "$HELD" = held ]
	check "$1: one line says so, and no other" sh -c \
		"[ \$(grep -vc '^ent-run: +' '$ERR') = 1 ] &&
		grep -q '^ent-run: stopped by SIG$2 before the workload started' '$ERR'"
}

finish() { exit "$T_FAILED"; }

# skip_unless NAME REASON COMMAND...: when COMMAND fails, report NAME as skipped with REASON and
# end the script (a missing kernel feature or tool is a skip, never a silent pass).
skip_unless() {
	name=$1 reason=$2
	shift 2
	if ! "$@" >/dev/null 2>&1; then
		skip "$name" "$reason"
		finish
	fi
}
is_root() { [ "$(id -u)" = 0 ]; }
# under_reaper NAME: run this script again under tests/tools/reaper --late ($REAPER), a child
# subreaper as conmon and containerd's shim are, which reaps the containers' processes only
# once the script is done (skipped when the reaper is not built).
under_reaper() {
	REAPER=${TOOLS:-build/tools}/reaper
	skip_unless "$1" "tests/tools/reaper is not built (make rootfs)" test -x "$REAPER"
	[ -n "${ENT_OCI_REAPED:-}" ] && return 0
	rm -rf "$T_TMP" # exec skips the EXIT trap; the run under the reaper makes its own
	ENT_OCI_REAPED=1 exec "$REAPER" --late sh "$0"
}
have() { for t in "$@"; do command -v "$t" || return 1; done; }
