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
# Inside the private mount namespace below: only the integration tests.
if [ "${1:-}" = integration ]; then
	integration
	exit 0
fi

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

echo "== integration tests (real containers)"
# Entitlements that let a container mount or see host processes move root's container to a
# subordinate id range (container root must not be host root). Where root has none, the tests
# run in a private mount namespace that sees a copy of /etc/subuid and /etc/subgid with one:
# the host's files are never edited.
ilog=$(mktemp)
trap 'rm -f "$log" "$ilog"' EXIT
if [ "$(id -u)" = 0 ] && ! grep -q '^root:' /etc/subuid /etc/subgid 2>/dev/null; then
	for f in subuid subgid; do
		{ cat /etc/$f 2>/dev/null; echo 'root:100000:65536'; } >"$ilog.$f"
	done
	ENT_IDS_DIR=$ilog unshare -m --propagation private sh -c \
		'mount --bind "$ENT_IDS_DIR.subuid" /etc/subuid &&
		 mount --bind "$ENT_IDS_DIR.subgid" /etc/subgid && exec sh "$0" integration' "$0" |
		tee "$ilog"
	rm -f "$ilog.subuid" "$ilog.subgid"
else
	integration | tee "$ilog"
fi
count "$ilog"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
