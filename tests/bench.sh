#!/bin/sh
# Start-up, side by side (make bench): ent-run (default entitlements and network.access=user),
# a floor program (tests/bench/floor.c), bubblewrap and crun start /bin/true in the same busybox
# rootfs, in interleaved batches, from one run. Prints a table of wall and CPU time per start,
# p50/p99 of single starts, throughput two at a time, peak RSS and the per-call cost of the
# seccomp filter, as ratios to the floor and to bubblewrap, and writes it to docs/PERFORMANCE.md.
# Not a test: numbers depend on the machine and its load; it never fails on timing.
#   env: ENT_RUN, ROOTFS (the bench rootfs, with /bench/syscalls), BENCH_BIN (floor, spawn);
#        BENCH_RUNS (rounds, default 10; 3 is a quick run), BENCH_DOC (default
#        docs/PERFORMANCE.md; empty: print only)
set -eu
: "${ENT_RUN:?}" "${ROOTFS:?}" "${BENCH_BIN:?}"
for f in "$ENT_RUN" "$BENCH_BIN/floor" "$BENCH_BIN/spawn" "$ROOTFS/bench/syscalls"; do
	[ -x "$f" ] || { echo "bench: $f is missing (run it as make bench)" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "bench: python3 is needed (make deps)" >&2; exit 1; }
export ENT_RUN ROOTFS BENCH_BIN
exec python3 "$(dirname "$0")/bench/bench.py"
