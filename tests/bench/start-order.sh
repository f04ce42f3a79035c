#!/bin/sh
# The functions a default start runs: the order in which the linker lays out ent-run's code
# (runtime/start.order, lld's --symbol-ordering-file). Packed together, they fill a few of the
# 64 KB windows a page fault maps at once (fault-around), instead of being spread over the
# whole text, which each of ent-run's processes faults in again after clone3:
# docs/PERFORMANCE.md, "The start path's code, packed". Run by `make start-order`, by hand,
# after changes to the start path; never by the build or the tests. A name the file lists that
# no longer exists is ignored, one it misses stays where it was: either costs a fault or two,
# never a wrong binary.
#   env: ENT_RUN (a release build), ROOTFS; START_ORDER_RUNS (starts sampled, default 400)
set -eu
: "${ENT_RUN:?}" "${ROOTFS:?}"
runs=${START_ORDER_RUNS:-400}
command -v perf >/dev/null || { echo "start-order: perf is needed (Debian package linux-perf)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "start-order: python3 is needed (make deps)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "start-order: run it as root, as make bench is" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# User-mode cycles, one sample every 1000, of the parent, PID 1 and the workload until its
# execve (all three are ent-run's code); /bin/true after its execve is busybox, left out by
# --dso. A function sampled in none of the starts is one that takes well under a microsecond.
# shellcheck disable=SC2016 # expanded by the inner sh
perf record -q -o "$tmp/perf.data" -e cycles:u -c 1000 -- sh -c '
	i=0
	while [ $i -lt "$1" ]; do "$2" "$3" /bin/true || exit 3; i=$((i + 1)); done' \
	sh "$runs" "$ENT_RUN" "$ROOTFS" || {
	status=$?
	if [ "$status" = 3 ]; then
		echo "start-order: a start failed: its error path is no start path to sample" >&2
	else
		echo "start-order: perf record failed (status $status; perf_event_paranoid?)" >&2
	fi
	exit 1
}
perf report -i "$tmp/perf.data" --dso "$(basename "$ENT_RUN")" --sort sym --stdio -g none \
	2>/dev/null | awk '$2 == "[.]" && $3 !~ /^0x/ { print $3 }' >"$tmp/sampled"
echo "# ent-run's start path (tests/bench/start-order.sh, $runs default starts sampled on"
echo "# $(uname -r)). lld lays the sections holding these symbols out first, in this order:"
echo "# docs/PERFORMANCE.md. Regenerate with make start-order."
# First what runs before main() and takes too few cycles to be sampled: the resolvers of the
# IRELATIVE relocations (static glibc picks its string functions' variants for this CPU) and
# the constructors of .init_array (libcap's, libnl's); then the sampled functions, hottest
# first.
python3 "$(dirname "$0")/start_order.py" "$ENT_RUN" "$tmp/sampled"
