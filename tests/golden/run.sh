#!/bin/sh
# tests/golden/run.sh - golden tests of the plan: entitlements in, `ent-run explain` out.
#
# For each CASE.ent here (one entitlement per line, '#' comments; an empty file is the
# default), run `$ENT_RUN explain --format json -e ...` and `$ENT_RUN explain -e ...` and
# compare them with CASE.plan.json and CASE.plan.txt. Prints PASS/FAIL golden/CASE lines, the
# diff of a failure on stderr, and a final "golden: N passed, N failed"; exits 1 on a failure.
#
#   ENT_RUN=build/release/ent-run sh tests/golden/run.sh            check
#   ENT_RUN=build/release/ent-run UPDATE=1 sh tests/golden/run.sh   regenerate the expected files
#
# The plan depends on the caller (root's containers get a block of host ids leased at start,
# others a map of their own uid), so the expected files are generated, and checked, as root.
set -u
: "${ENT_RUN:?set ENT_RUN to the ent-run binary}"

# The plan includes the host's cgroup hierarchies (mounted read-only into the container), which
# differ from machine to machine. The golden files pin a host without any: as root, run in a
# private mount namespace where /sys/fs/cgroup is an empty tmpfs. The uid maps depend on the
# caller too, so the files are made and checked as root only.
if [ "$(id -u)" != 0 ]; then
	echo "SKIP golden: the expected plans are those of root (uid maps); run as root"
	exit 0
fi
if [ -z "${ENT_GOLDEN_NS:-}" ]; then
	# The sub-id files are pinned the same way: ent-run reads them (strictly) at every start.
	ids=$(mktemp)
	echo 'root:100000:65536' >"$ids"
	ENT_GOLDEN_NS=1 exec unshare -m --propagation private sh -c \
		'umount -R /sys/fs/cgroup 2>/dev/null; mount -t tmpfs golden /sys/fs/cgroup &&
		 mount --bind "$1" /etc/subuid && mount --bind "$1" /etc/subgid && rm -f "$1" &&
		 exec sh "$0"' "$0" "$ids"
fi
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

# explain NAME FORMAT ARGS...: run explain for one case into $tmp/NAME.FORMAT; fails with it.
explain() {
	name=$1 format=$2
	shift 2
	if [ "$format" = json ]; then
		"$ENT_RUN" explain --format json "$@" >"$tmp/$name.$format" 2>"$tmp/$name.err"
	else
		"$ENT_RUN" explain "$@" >"$tmp/$name.$format" 2>"$tmp/$name.err"
	fi
}

for ent in "$dir"/*.ent; do
	[ -e "$ent" ] || continue
	name=$(basename "$ent" .ent)
	set --
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		'' | '#'*) continue ;;
		esac
		set -- "$@" -e "$line"
	done <"$ent"
	ok=1
	for format in json txt; do
		expected="$dir/$name.plan.$format"
		if ! explain "$name" "$format" "$@"; then
			echo "golden/$name: ent-run explain $* failed:" >&2
			cat "$tmp/$name.err" >&2
			ok=0
			continue
		fi
		if [ "${UPDATE:-0}" = 1 ]; then
			cp "$tmp/$name.$format" "$expected"
		elif [ ! -f "$expected" ]; then
			echo "golden/$name: no $expected (generate it with UPDATE=1)" >&2
			ok=0
		elif ! diff -u "$expected" "$tmp/$name.$format" >&2; then
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		echo "PASS golden/$name"
		passed=$((passed + 1))
	else
		echo "FAIL golden/$name"
		failed=$((failed + 1))
	fi
done
echo "golden: $passed passed, $failed failed"
[ $failed = 0 ]
