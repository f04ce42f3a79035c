#!/bin/sh
# tests/oci-validation.sh - the opencontainers/runtime-tools validation suite, run against crun
# and against ent-run on this machine, with a table of the TAP results of each.
#
#   RUNTIME_TOOLS_SRC=DIR|GIT-REPO [ENT_RUN=build/release/ent-run] sh tests/oci-validation.sh
#
# Environment:
#   RUNTIME_TOOLS_SRC  the runtime-tools source: a checked-out tree or a git repository (bare or
#                      not). Required: ent-run does not ship it.
#   RUNTIME_TOOLS_REV  in a git repository, the commit to build (default HEAD). Since runtime-spec
#                      v1.3.0 (runtime-tools 2025-11) the suite's configs say "ociVersion":
#                      "1.3.0", which crun before 1.20 refuses (unknown version specified):
#                      compare with crun 1.8.1 (Debian 12) at e5b4542, the last 1.1.0 commit.
#   ENT_RUN            the ent-run binary (default build/release/ent-run)
#   OUT                the work directory (default build/oci-validation)
#   TEST_TIMEOUT       seconds one test binary may run (default 120); then it is killed and
#                      counted as one failure
#   TESTS              only the test binaries whose names match this grep pattern
#   RUNTIMES           the runtimes to run (default "crun ent-run")
#
# Offline build: the suite is built with Debian's Go (1.19 on bookworm) in GOPATH mode from its
# own vendor/ directory, with GOPROXY=off. Its current sources need Go 1.21 in three places,
# which are ported in the copy that is built (never in RUNTIME_TOOLS_SRC):
#   - the standard library's `slices` (Go 1.21): golang.org/x/exp/slices, from the Debian package
#     golang-golang-x-exp-dev (only slices.Contains is used);
#   - github.com/moby/sys/capability v0.4 (Go 1.21): it is the fork of
#     github.com/syndtr/gocapability with the same Capabilities interface, so the vendored copy is
#     replaced by Debian's golang-gocapability-dev plus ListKnown, ListSupported and LastCap;
#   - sync.OnceValue (Go 1.21): a sync.Once-based equivalent.
# Debian packages: golang-go golang-golang-x-exp-dev golang-gocapability-dev crun git.
#
# Each test binary runs as the suite's Makefile target `localvalidation` runs it (RUNTIME names
# the runtime; the binary, runtimetest and rootfs-amd64.tar.gz in the working directory), under
# `timeout`. RUNTIME is a wrapper that gives each runtime a state directory of its own under OUT.
#
# crun refuses this host's hybrid cgroup layout (v1 controllers plus a cgroup2 mount beside
# them), so crun's wrapper runs every crun call in a private mount namespace without the
# cgroup2 mount, as tests/bench/bench.py does: crun then sees a plain v1 host, and its figure is
# what it would score on one. ent-run runs on the host as it is.
#
# The host is left as found: after each test binary every container left in the state
# directories is deleted with `delete --force`; at the end the state and bundle directories are
# removed, the cgroup directories that the tests made (at their cgroupsPath, or named by their
# container ids) are removed, and any mount or such cgroup left behind is reported (exit 1).
set -u

die()
{
	echo "oci-validation: $*" >&2
	exit 1
}

ENT_RUN=${ENT_RUN:-build/release/ent-run}
OUT=${OUT:-build/oci-validation}
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
RUNTIMES=${RUNTIMES:-"crun ent-run"}
TESTS=${TESTS:-}
REV=${RUNTIME_TOOLS_REV:-HEAD}
DEPS="golang-go golang-golang-x-exp-dev golang-gocapability-dev crun git"

[ "$(id -u)" = 0 ] || die "run as root: the suite creates real containers"
if [ -z "${RUNTIME_TOOLS_SRC:-}" ] || [ ! -d "$RUNTIME_TOOLS_SRC" ]; then
	die "set RUNTIME_TOOLS_SRC to the opencontainers/runtime-tools source (a directory or a" \
		"git repository); it is not part of ent-run${RUNTIME_TOOLS_SRC:+ ('$RUNTIME_TOOLS_SRC' is not a directory)}"
fi
[ -x "$ENT_RUN" ] || die "$ENT_RUN: not built (make all)"
sh tests/deps.sh $DEPS || die "missing Debian packages: $DEPS"

mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
ENT_RUN=$(cd "$(dirname "$ENT_RUN")" && pwd)/$(basename "$ENT_RUN")
GOPATH_DIR=$OUT/gopath
RT=$GOPATH_DIR/src/github.com/opencontainers/runtime-tools

# ---------------------------------------------------------------- build

# source_id: what RUNTIME_TOOLS_SRC holds, "commit SHA" for a git repository (whose
# RUNTIME_TOOLS_REV is built), "tree DIR" otherwise.
source_id()
{
	if git -C "$RUNTIME_TOOLS_SRC" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
		[ -z "$(git -C "$RUNTIME_TOOLS_SRC" rev-parse --show-prefix 2>/dev/null)" ]; then
		c=$(git -C "$RUNTIME_TOOLS_SRC" rev-parse --verify -q "$REV^{commit}") ||
			die "$RUNTIME_TOOLS_SRC: no commit $REV"
		echo "commit $c"
	else
		echo "tree $RUNTIME_TOOLS_SRC"
	fi
}

# copy_source ID: RUNTIME_TOOLS_SRC's HEAD or its files into $RT.
copy_source()
{
	rm -rf "$GOPATH_DIR"
	mkdir -p "$RT" || exit 1
	case $1 in
	commit*) git -C "$RUNTIME_TOOLS_SRC" archive "${1#commit }" | tar -x -C "$RT" ;;
	*) cp -a "$RUNTIME_TOOLS_SRC"/. "$RT"/ ;;
	esac || die "cannot copy $RUNTIME_TOOLS_SRC"
	grep -q '^module github.com/opencontainers/runtime-tools' "$RT/go.mod" 2>/dev/null ||
		die "$RUNTIME_TOOLS_SRC: not the opencontainers/runtime-tools source (no go.mod naming it)"
	[ -d "$RT/vendor" ] || die "$RUNTIME_TOOLS_SRC: no vendor/ directory to build from offline"
}

# port_to_go119: the Go 1.21 dependencies of the copy, where it has them, replaced (see the header).
port_to_go119()
{
	cap=$RT/vendor/github.com/moby/sys/capability
	deb=/usr/share/gocode/src/github.com/syndtr/gocapability/capability
	if [ -d "$cap" ]; then
		[ -d "$deb" ] || die "no $deb (golang-gocapability-dev) to port $cap to"
		rm -f "$cap"/*.go
		for f in "$deb"/*.go; do
			case $f in *_test.go) ;; *) cp "$f" "$cap"/ ;; esac
		done
		cat >"$cap/zz_ent_run_compat.go" <<'EOF2'
package capability

// The moby/sys/capability v0.4 functions runtime-tools calls, on syndtr/gocapability.

func ListKnown() []Cap { return List() }

func LastCap() (Cap, error) { return CAP_LAST_CAP, nil }

func ListSupported() ([]Cap, error) {
	var caps []Cap
	for _, c := range List() {
		if c <= CAP_LAST_CAP {
			caps = append(caps, c)
		}
	}
	return caps, nil
}
EOF2
	fi
	for f in $(grep -rl --include='*.go' '^	"slices"$' "$RT" | grep -v /vendor/); do
		sed -i 's|^	"slices"$|	"golang.org/x/exp/slices"|' "$f"
	done
	v=$RT/validate/capabilities/validate.go
	if grep -q 'sync\.OnceValue(' "$v" 2>/dev/null; then
		sed -i 's/sync\.OnceValue(/onceValue(/; /^	"sync"$/d' "$v"
		cat >"$RT/validate/capabilities/zz_ent_run_compat.go" <<'EOF2'
package capabilities

import "sync"

// onceValue is Go 1.21's sync.OnceValue for a function that cannot panic.
func onceValue[T any](f func() T) func() T {
	var once sync.Once
	var v T
	return func() T {
		once.Do(func() { v = f() })
		return v
	}
}
EOF2
	fi
	left=$(grep -rlE --include='*.go' --exclude='zz_ent_run_compat.go' \
		'^	"(slices|maps|cmp)"$|sync\.Once(Value|Func)' "$RT")
	[ -z "$left" ] || die "the copy still uses Go 1.21 packages: $left"
}

build_suite()
{
	what=$(source_id) || exit 1
	# A commit already built is not built again (a tree always is: it may have changed).
	if [ -f "$OUT/.built" ] && [ "$(cat "$OUT/.built")" = "$what" ] && [ "${what%% *}" = commit ]; then
		return 0
	fi
	rm -f "$OUT/.built"
	copy_source "$what"
	export GO111MODULE=off GOPATH="$GOPATH_DIR:/usr/share/gocode" GOPROXY=off GOFLAGS=
	export GOCACHE="$OUT/gocache"
	case $(go env GOVERSION) in
	go1.1[0-9] | go1.1[0-9].* | go1.20 | go1.20.*) port_to_go119 ;;
	esac
	echo "oci-validation: building runtime-tools ($what) with $(go env GOVERSION)"
	(cd "$RT" && go build -tags "netgo osusergo" -ldflags "-extldflags -static" \
		-o runtimetest ./cmd/runtimetest) || die "cannot build runtimetest"
	for src in "$RT"/validation/*/*.go; do
		case $src in */validation/util/*) continue ;; esac
		(cd "$RT" && go build -o "${src%.go}.t" "$src") || die "cannot build $src"
	done
	echo "$what" >"$OUT/.built"
}

# ---------------------------------------------------------------- run

# The cgroup2 mount beside v1 controllers (hybrid layout), if any: hidden from crun.
hybrid_cgroup2()
{
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2" && $5 != "/sys/fs/cgroup") print $5 }' \
		/proc/self/mountinfo | head -1
}

# make_wrapper NAME: $OUT/bin/NAME, the RUNTIME the suite calls, with its own state directory.
make_wrapper()
{
	state=$OUT/state/$1
	mkdir -p "$OUT/bin" "$state"
	case $1 in
	crun)
		hide=$(hybrid_cgroup2)
		if [ -n "$hide" ]; then
			cat >"$OUT/bin/crun" <<EOF
#!/bin/sh
exec unshare -m sh -c 'umount -l "\$0" && exec crun --root "$state" "\$@"' "$hide" "\$@"
EOF
		else
			printf '#!/bin/sh\nexec crun --root "%s" "$@"\n' "$state" >"$OUT/bin/crun"
		fi
		;;
	ent-run)
		printf '#!/bin/sh\nexec "%s" --root "%s" "$@"\n' "$ENT_RUN" "$state" >"$OUT/bin/ent-run"
		;;
	*) die "unknown runtime $1 (crun, ent-run)" ;;
	esac
	chmod 755 "$OUT/bin/$1"
}

# clean_state NAME: delete every container the last test left in NAME's state directory.
clean_state()
{
	for d in "$OUT/state/$1"/*; do
		[ -d "$d" ] || continue
		"$OUT/bin/$1" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
}

# The cgroup directories the suite makes: its cgroupsPath ("/cgrouptest",
# "testdir/cgrouptest/container") and its container ids (UUIDs, the runtimes' default paths).
# Other cgroups that come and go meanwhile (other users of the host) are not ours to remove.
cgroup_dirs()
{
	uuid='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
	find /sys/fs/cgroup -mindepth 2 -type d 2>/dev/null |
		grep -E "/(cgrouptest|testdir|$uuid)(/|\$)" | sort
}

mounts()
{
	awk '{ print $5 }' /proc/self/mountinfo | sort
}

# tally TAP STATUS: "OK NOTOK SKIP VERDICT NOTE" of one test binary, as a TAP harness sees it:
# it passes when it exits 0 with no `not ok` line. Only top-level lines count (the nested TAP of
# runtimetest is indented YAML). A binary that prints no result line (the *_fail tests, which
# pass when the runtime refuses their config, and the hooks tests, which print only an "error"
# diagnostic) counts as one result; so does a non-zero exit or a timeout after its lines.
tally()
{
	awk -v rc="$2" '
	/^ok .*# [Ss][Kk][Ii][Pp]/ { s++; next }
	/^ok/ { p++ } /^not ok/ { f++ }
	/^    "error": / && !err { err = 1 }
	END {
		note = ""
		if (rc == 124 || rc == 137) { f++; note = "timeout" }
		else if (p + f + s == 0 && rc == 0 && !err) { p++; note = "no result line, exit 0" }
		else if (p + f + s == 0) { f++; note = rc ? "exit " rc : "error diagnostic" }
		else if (rc != 0) { f++; note = "exit " rc }
		printf "%d %d %d %s %s\n", p, f, s, (f || rc) ? "FAIL" : "PASS", note
	}' "$1"
}

run_suite()
{
	rt=$1
	logs=$OUT/logs/$rt
	rm -rf "$logs" "$OUT/tmp"
	mkdir -p "$logs" "$OUT/tmp"
	make_wrapper "$rt"
	# The tests' stdin is an empty file of ours, never a shared node such as /dev/null: under
	# a user namespace crun hands its stdio to the container's user (fchown), and /dev/null
	# would stay owned by uid 1000 afterwards.
	: >"$OUT/stdin"
	for t in "$RT"/validation/*/*.t; do
		name=$(basename "$t" .t)
		case $t in */validation/util/*) continue ;; esac
		if [ -n "$TESTS" ] && ! echo "$name" | grep -q -- "$TESTS"; then
			continue
		fi
		(cd "$RT" && TMPDIR="$OUT/tmp" RUNTIME="$OUT/bin/$rt" \
			timeout -k 10 "$TEST_TIMEOUT" "$t" <"$OUT/stdin" >"$logs/$name.tap" \
				2>"$logs/$name.err")
		rc=$?
		echo $rc >"$logs/$name.rc"
		echo "$rt $name $(tally "$logs/$name.tap" $rc)" | tee -a "$OUT/results"
		clean_state "$rt"
	done
	rm -rf "$OUT/tmp"
}

report()
{
	echo
	echo "runtime-tools validation ($(cat "$OUT/.built")), $(date -u +%Y-%m-%d), timeout ${TEST_TIMEOUT}s per test"
	[ -n "$(hybrid_cgroup2)" ] && echo "crun ran with the cgroup2 mount $(hybrid_cgroup2) hidden" \
		"(crun refuses this hybrid layout; tests/bench/bench.py does the same)"
	if grep -qs 'unknown version specified' "$OUT"/logs/crun/default.err; then
		echo "crun $(crun --version | sed -n 's/^crun version //p') refused the suite's ociVersion" \
			"(unknown version specified): set RUNTIME_TOOLS_REV to a commit with runtime-spec 1.1"
	fi
	awk -v rts="$RUNTIMES" '
	BEGIN { n = split(rts, rt, " ") }
	{ key = $2; if (!(key in seen)) { seen[key] = 1; order[++m] = key }
	  r[$1, key] = sprintf("%s %d/%d", $6, $3, $3 + $4) ($5 ? " s" $5 : "")
	  for (i = 7; i <= NF; i++) r[$1, key] = r[$1, key] " " $i
	  pass[$1] += $3; fail[$1] += $4; skip[$1] += $5; bins[$1]++; good[$1] += $6 == "PASS" }
	END {
		printf "%-32s", "test binary (ok/total, s: skipped)"
		for (i = 1; i <= n; i++) printf " %-28s", rt[i]
		printf "\n"
		for (j = 1; j <= m; j++) {
			printf "%-32s", order[j]
			for (i = 1; i <= n; i++) printf " %-28s", r[rt[i], order[j]]
			printf "\n"
		}
		printf "%-32s", "TOTAL binaries passed"
		for (i = 1; i <= n; i++) printf " %-28s", sprintf("%d of %d", good[rt[i]], bins[rt[i]])
		printf "\n%-32s", "TOTAL results ok/not ok/skip"
		for (i = 1; i <= n; i++)
			printf " %-28s", sprintf("%d / %d / %d", pass[rt[i]], fail[rt[i]], skip[rt[i]])
		printf "\n"
	}' "$OUT/results"
}

build_suite
cgroups_before=$(cgroup_dirs)
mounts_before=$(mounts)
null_before=$(stat -c %u:%g /dev/null)
rm -f "$OUT/results"
for rt in $RUNTIMES; do
	echo "oci-validation: $rt"
	run_suite "$rt"
done

# Leave the host as found: state directories, the cgroups the tests made (deepest first).
for rt in $RUNTIMES; do
	clean_state "$rt"
done
rm -rf "$OUT/state"
left=0
echo "$cgroups_before" >"$OUT/cgroups.before"
cgroup_dirs | comm -13 "$OUT/cgroups.before" - | sort -r | while read -r d; do
	rmdir "$d" 2>/dev/null || echo "oci-validation: cgroup left behind: $d" >&2
done
[ -z "$(cgroup_dirs | comm -13 "$OUT/cgroups.before" -)" ] || left=1
echo "$mounts_before" >"$OUT/mounts.before"
if [ -n "$(mounts | comm -13 "$OUT/mounts.before" -)" ]; then
	echo "oci-validation: mounts left behind: $(mounts | comm -13 "$OUT/mounts.before" - | tr '\n' ' ')" >&2
	left=1
fi
if [ "$(stat -c %u:%g /dev/null)" != "$null_before" ]; then
	echo "oci-validation: /dev/null changed owner to $(stat -c %u:%g /dev/null)" >&2
	left=1
fi
report | tee "$OUT/report.txt"
exit $left
