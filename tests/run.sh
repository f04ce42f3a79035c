#!/bin/sh
# Run every test: unit (cmocka), fuzz targets (a few seconds each), golden (explain output),
# integration (real containers).
# Ends with one line "N passed, N failed, N skipped"; exits non-zero on any failure.
#   env: ENT_RUN (binary), UNIT_DIR (cmocka binaries), ROOTFS, TOOLS, FUZZ_DIR (fuzz targets;
#        FUZZ_TEST_SECONDS each, default 3)
#   ONLY=pattern runs only the integration scripts whose name matches.
cd "$(dirname "$0")/.." || exit 125
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # count LOGFILE: add PASS/FAIL/SKIP lines to the totals
	p=$(grep -c '^PASS ' "$1"); f=$(grep -c '^FAIL ' "$1"); s=$(grep -c '^SKIP ' "$1")
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

integration() {
	for t in tests/integration/[0-9]*.sh; do
		[ -f "$t" ] || continue
		case "$t" in *"${ONLY:-}"*) ;; *) continue ;; esac
		echo "-- $t"
		sh "$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$log"; then
			echo "FAIL $t: script exited $rc"
		fi
	done
}
echo "== unit tests (cmocka)"
for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log")
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log")
	pass=$((pass + ${p:-0})) fail=$((fail + ${f:-0})) skip=$((skip + ${s:-0}))
	if [ "$rc" != 0 ] && [ -z "$f" ]; then
		echo "FAIL $(basename "$t"): exited $rc without a cmocka summary"
		fail=$((fail + 1))
	fi
done

echo "== fuzz targets (libFuzzer, replaying tests/fuzz/regressions first)"
if [ -n "${FUZZ_DIR:-}" ]; then
	FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-3} sh tests/fuzz/run.sh >"$log" 2>&1
	cat "$log"
	count "$log"
else
	echo "SKIP fuzz targets: FUZZ_DIR is not set (make test builds them)" | tee "$log"
	count "$log"
fi

if [ -x tests/golden/run.sh ] || [ -f tests/golden/run.sh ]; then
	echo "== golden tests (explain)"
	sh tests/golden/run.sh >"$log" 2>&1
	cat "$log"
	count "$log"
fi

# host_state: what the suite must leave as it found it: the owners and modes of the host's
# device nodes, the user and sub-id files, IPv4 forwarding, and ent-run's own records of what
# it made (id leases, cgroup records and their drafts; their lock files aside, made once).
host_state() {
	find /run/ent-run/ids /run/ent-run/cgroups -mindepth 1 ! -name lock 2>/dev/null | sort
	find /dev -maxdepth 1 \( -type c -o -type b \) -printf '%u:%g %m %p\n' | sort
	cksum /etc/passwd /etc/group /etc/subuid /etc/subgid 2>&1
	ls -A /etc/ent-run 2>&1
	echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
	nft list tables 2>&1 | sort
	ip -o link show 2>&1 | awk -F': ' '{ print $2 }' | sort
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d 2>&1 | sort
}

# A container's veth goes with its network namespace, which the kernel tears down a few
# milliseconds after the container ended (ent-run does not wait for it): wait for that.
settle_veths() {
	i=0
	while ip -o link show 2>/dev/null | grep -q ' ent-[0-9]' && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

echo "== integration tests (real containers)"
ilog=$(mktemp)
trap 'rm -f "$log" "$ilog" "$ilog.before" "$ilog.after"' EXIT
host_state >"$ilog.before"
integration | tee "$ilog"
settle_veths
host_state >"$ilog.after"
if cmp -s "$ilog.before" "$ilog.after"; then
	echo "PASS suite: the host is left as it was found (device nodes, user, sub-id and policy files, forwarding, nftables tables, links, cgroups, id leases and cgroup records)" |
		tee -a "$ilog"
else
	echo "FAIL suite: the host was changed: $(diff "$ilog.before" "$ilog.after" | grep '^[<>]' | head -n 4 | tr '\n' ' ')" |
		tee -a "$ilog"
fi
count "$ilog"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
