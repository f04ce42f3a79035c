#!/bin/sh
# Issue 3: the plan seen three ways. `ent-run spec` must be a valid OCI config.json that makes
# crun build the same container ent-run builds; the plan's namespaces and paths are what the
# container sees; `explain` answers from the same plan; a bad entitlement starts nothing.
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
P=/probe/probe
ENT_RUN_CACHE_DIR=$T_TMP/cache
export ENT_RUN_CACHE_DIR
STATUS_CMD='grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status'
PROBES="$P syscall getpid; $P socket inet; $P socket unix; $P socket packet; $P mount; $P kexec; \
$P unshare user; $P unshare net; $P clone-newuser; $P clone3; $P mlock; $P tiocsti; \
$P syscall ioctl 0 0x5401; $P personality 8; $P personality 0x0040000; $P syscall setns 0 0; \
$P syscall chroot 0; $P syscall bpf 0 0 0; $P syscall io_uring_setup 0 0; $P setsockopt-sodebug; \
$P ptrace-self; $P x32 getpid; $P int80 getpid; touch /ent-run-45-rw 2>&1 && rm -f /ent-run-45-rw; \
touch /tmp/ent-run-45-tmp && echo tmp writable && rm -f /tmp/ent-run-45-tmp"

skip_unless "spec" "python3 is needed to read JSON on the host" have python3

# ---------------------------------------------------------------- spec: valid OCI JSON
ent spec $R /bin/sh -c 'echo "a b"'
check "spec exits 0" [ "$STATUS" = 0 ]
check "spec prints valid JSON" python3 -m json.tool "$OUT" /dev/null
check "spec prints nothing on stderr" [ ! -s "$ERR" ]
cp "$OUT" "$T_TMP/spec.json"
# Required fields of runtime-spec config.md / config-linux.md, and what they must say.
python3 - "$T_TMP/spec.json" "$(readlink -f "$R")" >"$T_TMP/spec-check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
p = d.get("process", {})
lx = d.get("linux", {})
need(isinstance(d.get("ociVersion"), str) and d["ociVersion"].startswith("1."), "ociVersion 1.x")
need(d.get("root", {}).get("path") == sys.argv[2], "root.path is the resolved rootfs")
need(d.get("root", {}).get("readonly") is False, "root.readonly false")
need(p.get("args") == ["/bin/sh", "-c", 'echo "a b"'], "process.args verbatim")
need(p.get("cwd") == "/", "process.cwd /")
need(p.get("user", {}).get("uid") == 0 and p.get("user", {}).get("gid") == 0, "process.user 0:0")
need(p.get("noNewPrivileges") is True, "process.noNewPrivileges true")
need(p.get("terminal") is False, "process.terminal false")
need(any(e.startswith("PATH=") for e in p.get("env", [])), "process.env has PATH")
caps = p.get("capabilities", {})
for s in ("bounding", "effective", "inheritable", "permitted", "ambient"):
    need(caps.get(s) == [], "process.capabilities.%s empty" % s)
ns = [n.get("type") for n in lx.get("namespaces", [])]
for t in ("pid", "network", "ipc", "uts", "mount", "user", "cgroup"):
    need(t in ns, "linux.namespaces has %s" % t)
need(all("path" not in n for n in lx.get("namespaces", [])), "no namespace path (all new)")
need(d.get("hostname") == "ent-run", "hostname ent-run (new UTS namespace)")
for m in ("uidMappings", "gidMappings"):
    need(any(x.get("containerID") == 0 and x.get("size", 0) > 0 for x in lx.get(m, [])),
         "linux.%s maps container id 0 (new user namespace)" % m)
mounts = d.get("mounts", [])
need(all({"destination", "type", "source", "options"} <= set(m) for m in mounts),
     "every mount has destination, type, source, options")
need([m["type"] for m in mounts if m.get("destination") == "/proc"] == ["proc"], "/proc mount")
need(any(m.get("destination") == "/sys" and "ro" in m.get("options", []) for m in mounts),
     "/sys mounted ro")
need("/proc/kcore" in lx.get("maskedPaths", []), "maskedPaths has /proc/kcore")
need("/proc/sys" in lx.get("readonlyPaths", []), "readonlyPaths has /proc/sys")
sc = lx.get("seccomp", {})
need(sc.get("defaultAction") == "SCMP_ACT_ERRNO" and sc.get("defaultErrnoRet") == 38,
     "seccomp default ERRNO(ENOSYS)")
need(sc.get("architectures") in (["SCMP_ARCH_X86_64"], ["SCMP_ARCH_AARCH64"]),
     "seccomp: the native architecture only")
need(len(sc.get("syscalls", [])) > 0 and all(s.get("names") and s.get("action")
     for s in sc.get("syscalls", [])), "seccomp.syscalls entries have names and action")
nproc = [r for r in p.get("rlimits", []) if r.get("type") == "RLIMIT_NPROC"]
need(len(nproc) == 1 and nproc[0].get("hard") == 1024 and "pids" not in lx.get("resources", {}),
     "the default process cap as RLIMIT_NPROC 1024 (got %r)" % nproc)
print("; ".join(bad) if bad else "ok")
EOF
if [ "$(cat "$T_TMP/spec-check")" = ok ]; then pass "spec: the required OCI fields"; else
	fail "spec: the required OCI fields" "$(cat "$T_TMP/spec-check")"; fi
run_fails "spec without a command" 125 'missing COMMAND' spec $R
run_fails "spec with a bad entitlement" 125 'unknown value' \
	spec -e network.access=proxi $R /bin/true
check "spec with a bad entitlement prints no JSON" [ ! -s "$OUT" ]

# ---------------------------------------------------------------- crun runs the same container
# crun refuses this host's hybrid cgroup layout: give it a private mount namespace without the
# cgroup2 mount at /sys/fs/cgroup/unified (nothing changes for the host).
CRUN_STATE=$T_TMP/crun-state
crun_n=0
# crun_run CMD ENTITLEMENT-ARGS...: write the spec for CMD to a bundle, run it with crun; $OUT
crun_run() {
	cmd=$1
	shift
	crun_n=$((crun_n + 1))
	bundle=$T_TMP/bundle-$crun_n
	id=ent-run-45-$$-$crun_n
	mkdir -p "$bundle"
	# crun looks the rootfs up as container root (an id of the block): let it through.
	chmod 711 "$T_TMP"
	if ! "$ENT_RUN" spec "$@" $R /bin/sh -c "$cmd" >"$bundle/config.json" 2>"$ERR"; then
		STATUS=125
		return
	fi
	# The OCI spec has no idmapped rootfs: like a container engine's snapshotter, give crun a
	# copy of the rootfs owned by the block the annotation names (ids shifted by its start).
	python3 - "$bundle" <<-'EOF'
		import json, os, shutil, sys
		bundle = sys.argv[1]
		path = os.path.join(bundle, "config.json")
		c = json.load(open(path))
		m = c.get("annotations", {}).get("run.ent.rootfs.idmap")
		if m:
		    uid = int(m.split(";")[0].split("-")[1])
		    gid = int(m.split(";")[1].split("-")[1])
		    copy = os.path.join(bundle, "rootfs")
		    shutil.copytree(c["root"]["path"], copy, symlinks=True)
		    for d, dirs, files in os.walk(copy):
		        for n in [d] + [os.path.join(d, f) for f in dirs + files]:
		            st = os.lstat(n)
		            os.lchown(n, st.st_uid + uid, st.st_gid + gid)
		    c["root"]["path"] = copy
		# The resolv.conf and hosts a run would generate in its state directory: a caller
		# of crun provides them, here copies of the host's in the bundle.
		for m in c.get("mounts", []):
		    src = m.get("source", "")
		    if src.startswith("/run/ent-run/net/"):
		        made = os.path.join(bundle, os.path.basename(src))
		        shutil.copyfile("/etc/" + os.path.basename(src), made)
		        m["source"] = made
		json.dump(c, open(path, "w"))
	EOF
	# Under a user namespace crun hands its stdio to the container's root (fchown): never the
	# host's /dev/null, an empty file of ours instead.
	: >"$T_TMP/stdin"
	unshare -m --propagation private sh -c '
		if grep -q " /sys/fs/cgroup/unified " /proc/self/mountinfo; then
			umount /sys/fs/cgroup/unified || exit 1
		fi
		exec crun --root "$1" run --bundle "$2" "$3"' sh "$CRUN_STATE" "$bundle" "$id" \
		>"$OUT" 2>"$ERR" <"$T_TMP/stdin"
	STATUS=$?
	crun --root "$CRUN_STATE" delete -f "$id" >/dev/null 2>&1
	rm -rf "$bundle"
}

if ! command -v crun >/dev/null; then
	skip "crun cross-check" "crun is not installed"
elif ! command -v unshare >/dev/null; then
	skip "crun cross-check" "unshare (util-linux) is not installed"
else
	for e in "" "-e network.access=proxy" "-e security.access=user" \
		"-e security.fs=read-only" "-e network.access=none" "-e security.memory-lock"; do
		label=${e:-default}
		label=${label#-e }
		# shellcheck disable=SC2086
		ent $e $R /bin/sh -c "$STATUS_CMD"
		if [ "$STATUS" != 0 ] || ! grep -q '^CapBnd:' "$OUT"; then
			fail "crun ($label): status lines" "ent-run exit $STATUS: $(head -c 300 "$OUT" "$ERR")"
			continue
		fi
		cp "$OUT" "$T_TMP/ent.out"
		# shellcheck disable=SC2086
		crun_run "$STATUS_CMD" $e
		if [ "$STATUS" != 0 ]; then
			fail "crun ($label): status lines" "crun exit $STATUS: $(head -c 300 "$ERR")"
			continue
		elif cmp -s "$OUT" "$T_TMP/ent.out"; then
			pass "crun ($label): Cap*, NoNewPrivs, Seccomp lines identical"
		else
			fail "crun ($label): status lines" "differ (crun < > ent-run): $(diff "$OUT" \
				"$T_TMP/ent.out" | grep '^[<>]' | tr '\n\t' '  ')"
		fi
		# The same system calls get the same answers under both runtimes.
		# shellcheck disable=SC2086
		crun_run "$PROBES" $e
		cp "$OUT" "$T_TMP/crun.out"
		st_crun=$STATUS
		# shellcheck disable=SC2086
		ent $e $R /bin/sh -c "$PROBES"
		if [ "$st_crun" != "$STATUS" ]; then
			fail "crun ($label): system call answers" "exit $st_crun (crun) vs $STATUS (ent-run)"
		elif ! grep -q '^getpid: ok$' "$OUT"; then
			fail "crun ($label): system call answers" \
				"probes did not run: $(head -c 200 "$OUT" "$ERR")"
		elif cmp -s "$T_TMP/crun.out" "$OUT"; then
			pass "crun ($label): the same errno for $(grep -c . "$OUT") probes"
		else
			fail "crun ($label): system call answers" "differ (crun < > ent-run): $(diff \
				"$T_TMP/crun.out" "$OUT" | grep '^[<>]' | tr '\n' ' ')"
		fi
	done
	check "crun: no container state left" sh -c "! ls -A '$CRUN_STATE' 2>/dev/null | grep -q ."
	rm -rf "$CRUN_STATE"
	check "crun: no cgroup left" sh -c \
		"! find /sys/fs/cgroup -maxdepth 4 -name 'ent-run-45-$$-*' 2>/dev/null | grep -q ."
fi

# ---------------------------------------------------------------- namespaces: plan = container
# spec_has_ns TYPE ARGS...: does the spec for ARGS create a new TYPE namespace?
spec_has_ns() {
	t=$1
	shift
	"$ENT_RUN" spec "$@" $R /bin/true 2>/dev/null | python3 -c '
import json, sys
ns = json.load(sys.stdin)["linux"]["namespaces"]
sys.exit(0 if any(n["type"] == sys.argv[1] and "path" not in n for n in ns) else 1)' "$t"
}
host_pidns=$(readlink /proc/self/ns/pid)
host_netns=$(readlink /proc/self/ns/net)
host_init=$(cat /proc/1/comm)

check "default: spec has a new pid namespace" spec_has_ns pid
ent $R /bin/sh -c 'readlink /proc/self/ns/pid; cat /proc/1/comm'
check "default: the container's pid namespace is not the host's" \
	[ -n "$(sed -n 1p "$OUT")" -a "$(sed -n 1p "$OUT")" != "$host_pidns" ]
if spec_has_ns pid -e host.processes.access=admin; then
	fail "host.processes.access=admin: spec has no pid namespace" "spec creates one"
else
	pass "host.processes.access=admin: spec has no pid namespace"
fi
ent -e host.processes.access=admin $R /bin/sh -c 'readlink /proc/self/ns/pid; cat /proc/1/comm'
check "host.processes.access=admin: the container is in the host's pid namespace" \
	[ "$(sed -n 1p "$OUT")" = "$host_pidns" ]
check "host.processes.access=admin: /proc/1/comm is the host's ($host_init)" \
	[ "$(sed -n 2p "$OUT")" = "$host_init" ]
sleep 30 &
sleeper=$!
ent -e host.processes.access=admin $R /bin/sh -c "test -d /proc/$sleeper && cat /proc/$sleeper/comm"
check "host.processes.access=admin: a host process is visible" [ "$(cat "$OUT")" = sleep ]
ent $R /bin/sh -c "test -d /proc/$sleeper && echo visible || echo hidden"
check "default: the host process is hidden" [ "$(cat "$OUT")" = hidden ]
kill $sleeper 2>/dev/null
wait $sleeper 2>/dev/null

check "default: spec has a new network namespace" spec_has_ns network
ent $R /bin/readlink /proc/self/ns/net
check "default: the container's network namespace is not the host's" \
	[ -n "$(cat "$OUT")" -a "$(cat "$OUT")" != "$host_netns" ]
if spec_has_ns network -e network.access=host; then
	fail "network.access=host: spec has no network namespace" "spec creates one"
else
	pass "network.access=host: spec has no network namespace"
fi
ent -e network.access=host $R /bin/readlink /proc/self/ns/net
check "network.access=host: /proc/self/ns/net is the host's" [ "$(cat "$OUT")" = "$host_netns" ]
# Other tests may add or remove interfaces meanwhile: compare those present before and after.
ls /sys/class/net >"$T_TMP/if-before"
ent -e network.access=host $R /bin/ls /sys/class/net
ls /sys/class/net >"$T_TMP/if-after"
missing=$(for i in $(cat "$T_TMP/if-before"); do
	grep -qx "$i" "$T_TMP/if-after" && ! grep -qx "$i" "$OUT" && echo "$i"; done)
if [ "$STATUS" = 0 ] && [ -z "$missing" ] && [ -s "$OUT" ]; then
	pass "network.access=host: the host's interfaces are visible"
else
	fail "network.access=host: the host's interfaces are visible" \
		"exit $STATUS, missing: $missing; container sees: $(tr '\n' ' ' <"$OUT")"
fi

# ---------------------------------------------------------------- paths: plan = container
# For every mount, masked path and read-only path the spec lists, the container's mount table
# must show it, with the spec's ro/nosuid/nodev/noexec flags.
for e in "" "-e network.access=none" "-e security.fs=read-only" "-e host.devices.access=view" \
	"-e host.devices.access=admin"; do
	label=${e:-default}
	label=${label#-e }
	# shellcheck disable=SC2086
	"$ENT_RUN" spec $e $R /bin/true >"$T_TMP/paths.json" 2>"$ERR"
	paths=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(d["linux"].get("maskedPaths", []) + d["linux"].get("readonlyPaths", [])))' \
		"$T_TMP/paths.json")
	# shellcheck disable=SC2086
	ent $e $R /bin/sh -c \
		"cat /proc/self/mountinfo; for p in $paths; do test -e \$p || echo absent \$p; done"
	if [ "$STATUS" != 0 ]; then
		fail "paths ($label)" "exit $STATUS: $(head -c 300 "$ERR")"
		continue
	fi
	cat >"$T_TMP/paths.py" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
mnt = {}
absent = set()
byid = {}
twice = set()
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "absent":
        absent.add(f[1])
    elif len(f) > 6:
        mnt[f[4]] = set(f[5].split(","))  # the last mount at a point is the visible one
        byid[f[0]] = f
        up = byid.get(f[1])
        # The same filesystem, root and flags over itself at the same point: done twice.
        # (A read-only remount binds a mount over itself too, but changes its flags.)
        if up and up[4] == f[4] and up[2] == f[2] and up[3] == f[3] and up[5] == f[5]:
            twice.add(f[4])
bad = []
if d["root"].get("readonly") and "ro" not in mnt.get("/", set()):
    bad.append("/ not ro")
devices = sys.argv[3] == "devices"
for m in d["mounts"]:
    dst = m["destination"]
    # Host device nodes of the minimal /dev (bind mounts of the same path) are checked apart.
    if (m["type"] == "bind" and m["source"] == dst and dst.startswith("/dev/")) != devices:
        continue
    if dst not in mnt:
        bad.append("%s not mounted" % dst)
        continue
    if dst in twice:
        bad.append("%s mounted twice over itself" % dst)
    want = {o for o in m["options"] if o in ("ro", "nosuid", "nodev", "noexec")}
    if want - mnt[dst]:
        bad.append("%s lacks %s" % (dst, ",".join(sorted(want - mnt[dst]))))
for p in d["linux"].get("maskedPaths", []):
    if p not in absent and p not in mnt:
        bad.append("%s not masked" % p)
for p in d["linux"].get("readonlyPaths", []):
    if p not in absent and "ro" not in mnt.get(p, set()):
        bad.append("%s not read-only" % p)
if devices:
    bad = [b for b in bad if not b.endswith("masked") and not b.endswith("read-only")]
print("; ".join(bad) if bad else "ok")
EOF
	python3 "$T_TMP/paths.py" "$T_TMP/paths.json" "$OUT" paths >"$T_TMP/paths-check" 2>&1
	if [ "$(cat "$T_TMP/paths-check")" = ok ]; then
		pass "paths ($label): every spec mount, masked and read-only path is in the container"
	else
		fail "paths ($label)" "$(cat "$T_TMP/paths-check")"
	fi
	[ -n "$e" ] && continue
	python3 "$T_TMP/paths.py" "$T_TMP/paths.json" "$OUT" devices >"$T_TMP/paths-check" 2>&1
	if [ "$(cat "$T_TMP/paths-check")" = ok ]; then
		pass "paths: the /dev node binds carry the spec's options (ro, nosuid, nodev, noexec)"
	else
		fail "paths: the /dev node binds carry the spec's options" "$(cat "$T_TMP/paths-check")"
	fi
done

# ---------------------------------------------------------------- explain
run_ok "explain --why CAP_NET_RAW names network.access=proxy" \
	'^CAP_NET_RAW: granted by network.access=proxy' explain --why CAP_NET_RAW -e network.access=proxy
run_ok "explain --why CAP_NET_RAW by default: not granted" '^CAP_NET_RAW: not granted' \
	explain --why CAP_NET_RAW
run_ok "explain --why mount: denied" '^mount: denied \(EPERM\)' explain --why mount
run_ok "explain --why mount with security.access=admin: allowed by it" \
	'^mount: allowed by security.access=admin' explain --why mount -e security.access=admin
run_fails "explain --why with an unknown name" 125 "explain: 'no_such_thing' is not a capability" \
	explain --why no_such_thing
check "explain --why with an unknown name prints nothing on stdout" [ ! -s "$OUT" ]
ent explain --list
cp "$OUT" "$T_TMP/list"
check "explain --list exits 0" [ "$STATUS" = 0 ]
# Every row of the catalogue tables in docs/entitlements.md is listed, with its alias.
DOC=$(dirname "$0")/../../docs/entitlements.md
if [ ! -f "$DOC" ]; then
	skip "explain --list covers docs/entitlements.md" "$DOC not found"
else
	tr -s ' \n' '  ' <"$T_TMP/list" >"$T_TMP/list.flat"
	# "| `network.access=none` | `network.none` | |" -> network.access=none:network.none
	rows=$(awk -F'|' '/^\| `[a-z]+\.[^`]*` \|/ {
		n = $2; a = $3; gsub(/[ `]/, "", n); gsub(/[ `]/, "", a); print n ":" a }' "$DOC")
	check "docs/entitlements.md has the catalogue rows" [ "$(echo "$rows" | grep -c .)" -ge 19 ]
	for row in $rows; do
		ent_name=${row%%:*}
		ent_alias=${row#*:}
		check "explain --list lists $ent_name" grep -Eq "^$ent_name( |\$)" "$T_TMP/list"
		if [ -n "$ent_alias" ] && [ "$ent_alias" != "$ent_name" ]; then
			check "explain --list gives $ent_name the alias $ent_alias" \
				grep -q "Alias: $ent_alias\." "$T_TMP/list.flat"
		fi
	done
	for ent_name in $(awk '/^[a-z]/ {print $1}' "$T_TMP/list"); do
		check "explain --list entry $ent_name is documented" grep -q "^| \`$ent_name\` |" "$DOC"
	done
fi

# ---------------------------------------------------------------- a bad entitlement
marker=/tmp/ent-run-45-spec-$$
rm -f "$R$marker"
mounts_snapshot "$T_TMP/before"
run_fails "misspelled entitlement: did you mean" 125 \
	"unknown entitlement 'network.acess=proxy' \(did you mean network.access=proxy\?\)" \
	-e network.acess=proxy $R /bin/touch $marker
check "misspelled entitlement: nothing started" [ ! -e "$R$marker" ]
check "misspelled entitlement: no output" [ ! -s "$OUT" ]
run_fails "misspelled value lists the valid ones" 125 \
	"unknown value 'proxi' for network.access \(expected: none, confined, user, proxy, admin, host\)" \
	-e network.access=proxi $R /bin/touch $marker
check "misspelled value: nothing started" [ ! -e "$R$marker" ]
run_fails "explain with a misspelled entitlement" 125 'did you mean network.access=proxy' \
	explain -e network.acess=proxy
mounts_snapshot "$T_TMP/after"
check "bad entitlements: host mount table unchanged" cmp -s "$T_TMP/before" "$T_TMP/after"
rm -f "$R$marker"
# One plan: the generated resolv.conf and hosts of network.access=user are in explain and spec,
# as in a run.
"$ENT_RUN" explain -e network.access=user >"$OUT" 2>"$ERR"
check "explain shows the generated /etc/resolv.conf and /etc/hosts binds" sh -c \
	"grep -q '^  /etc/resolv.conf bind *generated resolv.conf' '$OUT' && grep -q '^  /etc/hosts *bind *generated hosts' '$OUT'"
"$ENT_RUN" spec -e network.access=user $R /bin/true >"$OUT" 2>"$ERR"
check "spec binds them from ent-run's state directory" python3 -c '
import json, sys
m = {x["destination"]: x for x in json.load(open(sys.argv[1]))["mounts"]}
ok = all(m.get(d, {}).get("source", "").startswith("/run/ent-run/net/ent-") and
         m[d]["source"].endswith(f) and "ro" in m[d]["options"]
         for d, f in (("/etc/resolv.conf", "/resolv.conf"), ("/etc/hosts", "/hosts")))
sys.exit(0 if ok else 1)' "$OUT"
finish
