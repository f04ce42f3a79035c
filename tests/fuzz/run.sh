#!/bin/sh
# Run every libFuzzer target in FUZZ_DIR for FUZZ_SECONDS each, from its seeds
# (tests/fuzz/corpus/NAME) and past findings (tests/fuzz/regressions/NAME, replayed first),
# with the words of its syntax (tests/fuzz/NAME.dict) when there is such a dictionary.
# Prints "PASS fuzz NAME (N runs in S s)" or "FAIL fuzz NAME: ..." with the end of the log; new
# inputs go to FUZZ_DIR/corpus/NAME (never into the repository), crashes to FUZZ_DIR/crash-NAME-*.
#   env: FUZZ_DIR (built targets), FUZZ_SECONDS (default 60), FUZZ_VERBOSE=1 prints whole logs
cd "$(dirname "$0")/../.." || exit 125
: "${FUZZ_DIR:?FUZZ_DIR is the directory of the built fuzz targets}"
seconds=${FUZZ_SECONDS:-60}
status=0
for src in tests/fuzz/fuzz_*.c; do
	name=${src#tests/fuzz/fuzz_}
	name=${name%.c}
	bin=$FUZZ_DIR/fuzz_$name
	log=$FUZZ_DIR/fuzz_$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz $name: $bin is not built (make fuzz-build)"
		status=1
		continue
	fi
	mkdir -p "$FUZZ_DIR/corpus/$name"
	dirs="$FUZZ_DIR/corpus/$name"
	for d in tests/fuzz/corpus/$name tests/fuzz/regressions/$name; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	# One input may take 10 s at most; 2 GiB of memory; libFuzzer's own leak check stays on.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_DIR/crash-$name-" $dict $dirs >"$log" 2>&1
	rc=$?
	[ "${FUZZ_VERBOSE:-0}" = 1 ] && cat "$log"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" = 0 ]; then
		echo "PASS fuzz $name (${runs:-?} runs in ${seconds} s)"
	else
		tail -n 30 "$log"
		echo "FAIL fuzz $name: exited $rc, input saved as $(sed -n \
			's/.*Test unit written to \(.*\)/\1/p' "$log" | head -n 1) (log: $log)"
		status=1
	fi
done
exit "$status"
