#!/bin/sh
# Issue 15: OCI runtime mode. runc's command line as engines call it: the state document and
# the exit statuses, --log-format json lines, create (held before execve) / start / kill /
# delete, exec and ps, a terminal sent to --console-socket, delete --force of a running
# container, delete of one whose process died (reaped, or a zombie nobody reaps), 20
# containers created and deleted at once, the node policy (host-userns, a refused
# CAP_SYS_ADMIN, run.ent.entitlements), `ent-run spec`'s config run back, the rlimit
# lowered with a warning, a mount namespace joined by path, and a relative --root.
#
# The script runs under tests/tools/reaper --late, a child subreaper as conmon and
# containerd's shim are, that reaps the containers' processes only once the script is done:
# until then a container whose process exited is a zombie nobody reaps.
. "$(dirname "$0")/lib.sh"
skip_unless "oci" "needs root (namespaces, cgroups, a block of host ids)" is_root
skip_unless "oci" "python3 is needed to read JSON" have python3
under_reaper "oci"
STATE=$T_TMP/state
SHARED=$T_TMP/shared
mkdir -p "$SHARED"
oci() { ent --root "$STATE" "$@"; }
oci_status() { "$ENT_RUN" --root "$STATE" state "$1" 2>/dev/null | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null; }

# A runc-style config (no user namespace: container root is host root, as podman's and
# containerd's are) for bundle $1 running the shell command $2. Options after: "caps=A,B",
# "userns", "annotation=K=V", "rlimit=TYPE:SOFT:HARD", "paths=SPEC.json",
# "memory=JSON" (linux.resources.memory), "mount=JSON" (one more mount), "nspath=TYPE=PATH"
# (join that namespace), "set=A.B=JSON" (the field A.B of the config, made on the way),
# "cgroup=PATH" (linux.cgroupsPath).
cat >"$T_TMP/mkconfig.py" <<'EOF'
import json, os, sys
bundle, cmd, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(bundle, exist_ok=True)
if not os.path.exists(os.path.join(bundle, "rootfs")):
    os.symlink(os.path.abspath(os.environ["ROOTFS"]), os.path.join(bundle, "rootfs"))
caps = []
c = {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "hostname": "oci",
     "process": {"args": ["/bin/sh", "-c", cmd], "cwd": "/", "user": {"uid": 0, "gid": 0},
                 "env": ["PATH=/bin:/usr/bin"], "noNewPrivileges": True},
     "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "mode=755", "size=65536k"]},
                {"destination": "/shared", "type": "bind", "source": os.environ["SHARED"],
                 "options": ["rbind", "rw"]}],
     "linux": {"namespaces": [{"type": t} for t in ("pid", "mount", "network", "ipc", "uts")],
               "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
               "resources": {"devices": [{"allow": False, "access": "rwm"}]}}}
for o in opts:
    if o.startswith("caps="):
        caps = o[5:].split(",")
    elif o == "userns":
        c["linux"]["namespaces"].append({"type": "user"})
    elif o.startswith("annotation="):
        k, v = o[11:].split("=", 1)
        c.setdefault("annotations", {})[k] = v
    elif o.startswith("paths="):
        # ent-run's own masked and read-only paths, and a cgroup namespace: a config as
        # tight as the defaults, which a node policy admits
        spec = json.load(open(o[6:]))["linux"]
        # and, as the config's root is host root unless "userns" follows, the files only
        # host root may read, which ent-run's own containers leave to the kernel
        c["linux"]["maskedPaths"] = spec["maskedPaths"] + [
            "/proc/kpageflags", "/proc/kpagecount", "/proc/kpagecgroup", "/proc/slabinfo",
            "/proc/vmallocinfo"]
        c["linux"]["readonlyPaths"] = spec["readonlyPaths"]
        c["linux"]["namespaces"].append({"type": "cgroup"})
    elif o.startswith("mount="):
        c["mounts"].append(json.loads(o[6:]))
    elif o.startswith("set="):
        k, v = o[4:].split("=", 1)
        *path, last = k.split(".")
        d = c
        for p in path:
            d = d.setdefault(p, {})
        d[last] = json.loads(v)
    elif o.startswith("nspath="):
        t, path = o[7:].split("=", 1)
        for n in c["linux"]["namespaces"]:
            if n["type"] == t:
                n["path"] = path
    elif o.startswith("cgroup="):
        c["linux"]["cgroupsPath"] = o[7:]
    elif o.startswith("memory="):
        c["linux"]["resources"]["memory"] = json.loads(o[7:])
    elif o.startswith("rlimit="):
        t, soft, hard = o[7:].split(":")
        c["process"]["rlimits"] = [{"type": t, "soft": int(soft), "hard": int(hard)}]
c["process"]["capabilities"] = {s: caps for s in ("bounding", "effective", "permitted")}
json.dump(c, open(os.path.join(bundle, "config.json"), "w"), indent=1)
EOF
mkbundle() { ROOTFS=$ROOTFS SHARED=$SHARED python3 "$T_TMP/mkconfig.py" "$@"; }
export ROOTFS SHARED

# ---------------------------------------------------------------- the command line contract
ent --root "$STATE" features
check "features: the runtime-spec features document" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ociVersionMax"].startswith("1.") and "user" in d["linux"]["namespaces"]
assert "SCMP_ACT_ERRNO" in d["linux"]["seccomp"]["actions"]' "$OUT"
for verb in start state kill delete ps; do
	run_fails "$verb of an unknown id" 125 '^ent-run: container nosuch does not exist$' \
		--root "$STATE" $verb nosuch
done
run_fails "exec into an unknown id" 125 'container nosuch does not exist' \
	--root "$STATE" exec nosuch /bin/true
run_fails "--systemd-cgroup is refused, clearly" 125 'ent-run manages cgroupfs paths' \
	--root "$STATE" --systemd-cgroup state nosuch
ent --root "$STATE" --log "$T_TMP/log.json" --log-format json state nosuch
check "--log-format json: the error as the last line, as containerd reads it" python3 -c '
import json, sys, re
line = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert line["level"] == "error", line
assert line["msg"] == "container nosuch does not exist", line
assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$", line["time"]), line' "$T_TMP/log.json"

# ---------------------------------------------------------------- create, start, exec, ps
B=$T_TMP/b1
mkbundle "$B" 'echo "ran as $(id -u) in $(hostname)" >/shared/ran; exec sleep 120'
run_status "create" 0 --root "$STATE" create --bundle "$B" --pid-file "$T_TMP/c1.pid" c1
PID=$(cat "$T_TMP/c1.pid" 2>/dev/null)
check "create: the pid file names the container's first process" test -n "$PID" -a -d "/proc/$PID"
ent --root "$STATE" state c1
cp "$OUT" "$T_TMP/state.created"
check "state: the golden document of a created container" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
want = {"ociVersion": "1.2.0", "id": "c1", "status": "created", "pid": int(sys.argv[2]),
        "bundle": sys.argv[3], "annotations": {}}
got = {k: d[k] for k in want}
assert got == want, got
assert d["created"].endswith("Z")' "$T_TMP/state.created" "$PID" "$(readlink -f "$B")"
check "created: the process is held before execve (its command has not run)" \
	test ! -e "$SHARED/ran"
check "created: the held process is ent-run's, not yet the command" \
	sh -c "tr '\\0' ' ' </proc/$PID/cmdline | grep -qv sleep"
run_ok "ps --format json: a JSON array of host pids" "^\[$PID\]$" --root "$STATE" ps --format json c1
run_status "start" 0 --root "$STATE" start c1
wait_until test -s "$SHARED/ran"
check "start: the command runs, as container root, in its own UTS namespace" \
	grep -qx 'ran as 0 in oci' "$SHARED/ran"
check "start: the status is running" test "$(oci_status c1)" = running
run_fails "start twice" 125 'container c1 is not created \(it is running\)' --root "$STATE" start c1
run_ok "exec: a process in the container's PID namespace" '^sleep 120 $' \
	--root "$STATE" exec c1 /bin/sh -c 'tr "\0" " " </proc/1/cmdline; echo'
run_status "exec: the process's exit status comes back" 7 --root "$STATE" exec c1 /bin/sh -c 'exit 7'
run_fails "exec of a command the container lacks: 127, one line saying so" 127 \
	'/nonexistent.*No such file' --root "$STATE" exec c1 /nonexistent
run_ok "the config's new network namespace: its lo is up" 'lo: <LOOPBACK,UP' \
	--root "$STATE" exec c1 /bin/ip -o link show lo
cat >"$T_TMP/process.json" <<'EOF'
{"args": ["/bin/sleep", "30"], "cwd": "/tmp", "user": {"uid": 1000, "gid": 1000},
 "env": ["PATH=/bin"], "noNewPrivileges": true}
EOF
run_status "exec --process --detach --pid-file" 0 --root "$STATE" exec --process \
	"$T_TMP/process.json" --detach --pid-file "$T_TMP/e.pid" c1
EPID=$(cat "$T_TMP/e.pid" 2>/dev/null)
check "exec --detach: the process runs as the process.json says (uid 1000)" \
	sh -c "grep -q '^Uid:.1000' /proc/$EPID/status"
ent --root "$STATE" ps --format json c1
check "ps: the first process and the exec'd one, from the container's cgroup" python3 -c '
import json, sys
pids = json.load(open(sys.argv[1]))
assert int(sys.argv[2]) in pids and int(sys.argv[3]) in pids, pids' "$OUT" "$PID" "$EPID"

# A terminal: its master goes to --console-socket (SCM_RIGHTS), at the config's size.
cat >"$T_TMP/console.py" <<'EOF'
import array, os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
s.settimeout(30)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
_, anc, _, _ = c.recvmsg(64, socket.CMSG_LEN(4))
fd = array.array("i", anc[0][2][:4])[0]
out, end = b"", time.time() + 10
while b"done" not in out and time.time() < end:
    try:
        out += os.read(fd, 1024)
    except OSError:
        break
sys.stdout.write(out.decode(errors="replace"))
EOF
python3 "$T_TMP/console.py" "$T_TMP/console.sock" >"$T_TMP/console.out" 2>&1 &
CONSOLE=$!
wait_until test -e "$T_TMP/console.sock.ready"
mkbundle "$T_TMP/b9" 'tty; stty size; echo done'
python3 - "$T_TMP/b9/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = True
c["process"]["consoleSize"] = {"height": 33, "width": 77}
c["mounts"].append({"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666"]})
json.dump(c, open(sys.argv[1], "w"))
EOF
run_fails "process.terminal without --console-socket" 125 'process.terminal needs --console-socket' \
	--root "$STATE" create --bundle "$T_TMP/b9" c9
run_status "create --console-socket" 0 --root "$STATE" create --bundle "$T_TMP/b9" \
	--console-socket "$T_TMP/console.sock" c9
oci start c9
wait "$CONSOLE"
check "the terminal went to the engine's socket, at 33x77" \
	sh -c "grep -q '^/dev/pts/' '$T_TMP/console.out' && grep -q '^33 77' '$T_TMP/console.out'"
oci delete --force c9

# ---------------------------------------------------------------- kill, delete
python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["cgroups"]))' \
	"$STATE/c1/state.json" >"$T_TMP/c1.cgroups"
check "the container has its cgroups" test -s "$T_TMP/c1.cgroups"
run_fails "delete of a running container needs --force" 125 'container c1 is running, not stopped' \
	--root "$STATE" delete c1
run_status "kill with a signal by name" 0 --root "$STATE" kill c1 KILL
# Its PID namespace's last zombie (the exec'd process) is the reaper's, which waits: the
# first process stays in exit until then, its memory gone (an empty cmdline).
wait_until sh -c "[ ! -s /proc/$PID/cmdline ]"
check "the killed process has exited, and nobody reaps it" \
	sh -c "[ -d /proc/$PID ] && [ ! -s /proc/$PID/cmdline ]"
check "a zombie's container is stopped" test "$(oci_status c1)" = stopped
run_fails "kill of a stopped container" 125 'container c1: container not running' \
	--root "$STATE" kill c1 TERM
run_status "delete of a stopped container" 0 --root "$STATE" delete c1
check "delete: the state is gone" test -s "$T_TMP/c1.cgroups" -a ! -e "$STATE/c1"
check "delete: its cgroups are gone" sh -c "[ -s '$T_TMP/c1.cgroups' ] && ! xargs ls -d <'$T_TMP/c1.cgroups' 2>/dev/null"
check "delete: the exec'd process went with the container (a zombie nobody reaps)" \
	sh -c "[ -n '$EPID' ] && grep -q '^State:.Z' /proc/$EPID/status"

mkbundle "$T_TMP/b2" 'exec sleep 30'
oci create --bundle "$T_TMP/b2" --pid-file "$T_TMP/c2.pid" c2 && oci start c2
PID=$(cat "$T_TMP/c2.pid" 2>/dev/null)
run_status "delete --force of a running container" 0 --root "$STATE" delete --force c2
check "delete --force: the process is gone (or a zombie)" \
	sh -c "[ -n '$PID' ] && ! grep -q '^State:.[^Z]' /proc/$PID/status 2>/dev/null"
check "delete --force: the state is gone" test -n "$PID" -a ! -e "$STATE/c2"
oci create --bundle "$T_TMP/b2" c3
run_fails "delete of a created container needs --force" 125 'container c3 is created, not stopped' \
	--root "$STATE" delete c3
run_status "delete --force of a created container" 0 --root "$STATE" delete --force c3

# linux.seccomp: create builds the program before anything is made and hands it to the held
# process, which loads it before execve: the command runs confined by it.
mkbundle "$T_TMP/b7" 'grep -E "^Seccomp:" /proc/self/status >/shared/seccomp; exec sleep 30' \
	'set=linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO"}]}'
rm -f "$SHARED/seccomp"
oci create --bundle "$T_TMP/b7" c7 && oci start c7
wait_until test -s "$SHARED/seccomp"
check "create with linux.seccomp: the command runs under the filter (Seccomp: 2)" \
	grep -q '^Seccomp:.2$' "$SHARED/seccomp"
run_status "delete --force of the filtered container" 0 --root "$STATE" delete --force c7

# A container whose process exited and was reaped (by its engine, here a reaper of its own).
mkbundle "$T_TMP/b4" 'exit 3'
"$REAPER" sh -c "'$ENT_RUN' --root '$STATE' create --bundle '$T_TMP/b4' --pid-file \
	'$T_TMP/c4.pid' c4 && '$ENT_RUN' --root '$STATE' start c4 && sleep 0.5" 2>"$ERR"
check "a container whose process exited and was reaped is stopped" test "$(oci_status c4)" = stopped
run_status "delete of it" 0 --root "$STATE" delete c4

# The memory knobs of v1 (runtime-tools' linux_cgroups_memory): kernelTCP, swappiness,
# disableOOMKiller, and a kernel limit the memory limit keeps; on v2 they are refused.
MEM='{"limit":50593792,"kernel":50593792,"kernelTCP":50593792,"swappiness":10,"disableOOMKiller":true}'
mkbundle "$T_TMP/b5" 'exec sleep 30' "memory=$MEM"
if [ -f /sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes ]; then
	run_status "create with the v1 memory knobs" 0 --root "$STATE" create --bundle "$T_TMP/b5" c5
	MEMCG=$(python3 -c 'import json,sys; print([c for c in json.load(open(sys.argv[1]))["cgroups"]
		if c.startswith("/sys/fs/cgroup/memory/")][0])' "$STATE/c5/state.json" 2>/dev/null)
	check "v1 memory knobs: limit, kernel TCP limit, swappiness, OOM killer off" sh -c "
		[ -n '$MEMCG' ] && [ \$(cat '$MEMCG/memory.limit_in_bytes') = 50593792 ] &&
		[ \$(cat '$MEMCG/memory.kmem.tcp.limit_in_bytes') = 50593792 ] &&
		[ \$(cat '$MEMCG/memory.swappiness') = 10 ] &&
		grep -qx 'oom_kill_disable 1' '$MEMCG/memory.oom_control'"
	oci delete --force c5
else
	run_fails "v2 has no kernelTCP" 125 'memory.kernelTCP: cgroup v2 has no such setting' \
		--root "$STATE" create --bundle "$T_TMP/b5" c5
fi
mkbundle "$T_TMP/b6" 'exec sleep 30' 'memory={"limit":50593792,"kernel":1048576}'
run_fails "a kernel memory limit below the memory limit is refused" 125 \
	'memory.kernel: 1048576: the kernel limits kernel memory only through the memory limit' \
	--root "$STATE" create --bundle "$T_TMP/b6" c6

# ---------------------------------------------------------------- 20 at once
for i in $(seq 1 20); do oci create --bundle "$T_TMP/b2" "p$i" & done; wait
n=0
for i in $(seq 1 20); do [ "$(oci_status "p$i")" = created ] && n=$((n + 1)); done
check "20 containers created concurrently ($n)" test "$n" = 20
for i in $(seq 1 20); do oci start "p$i" & done; wait
n=0
for i in $(seq 1 20); do [ "$(oci_status "p$i")" = running ] && n=$((n + 1)); done
check "20 containers started concurrently ($n)" test "$n" = 20
find /sys/fs/cgroup -maxdepth 6 -type d -name 'p[0-9]*' >"$T_TMP/p.cgroups"
for i in $(seq 1 20); do oci delete --force "p$i" & done; wait
check "20 containers deleted concurrently: nothing left in --root" \
	sh -c "[ $n = 20 ] && [ -z \"\$(ls -A '$STATE')\" ]"
check "20 containers deleted: no cgroup of theirs is left" \
	sh -c "[ -s '$T_TMP/p.cgroups' ] && ! xargs ls -d <'$T_TMP/p.cgroups' 2>/dev/null"

# ---------------------------------------------------------------- the node policy
POLICY=$T_TMP/policy
: >"$POLICY"
ent spec "$ROOTFS" /bin/true && cp "$OUT" "$T_TMP/spec.json"
mkbundle "$T_TMP/b5" 'exit 0' paths="$T_TMP/spec.json"
run_fails "policy: no user namespace is a grant of its own (host-userns)" 125 \
	'refused by .*policy: .*host-userns \(container root is host root\)' \
	--root "$STATE" --policy "$POLICY" create --bundle "$T_TMP/b5" c5
printf 'allow host-userns\nallow seccomp unconfined\nallow volume %s\n' "$SHARED" >"$POLICY"
mkbundle "$T_TMP/b5" 'exit 0' caps=CAP_SYS_ADMIN paths="$T_TMP/spec.json"
ent --root "$STATE" --policy "$POLICY" --log "$T_TMP/policy.log" --log-format json create \
	--bundle "$T_TMP/b5" c5
check "policy: a config with CAP_SYS_ADMIN is refused, and nothing is left" \
	sh -c "[ $STATUS = 125 ] && grep -q 'refused by $POLICY: CAP_SYS_ADMIN (from process.capabilities) is not allowed' '$ERR' && [ ! -e '$STATE/c5' ]"
check "policy: the refusal is the engine's last error line" python3 -c '
import json, sys
line = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert line["level"] == "error" and "CAP_SYS_ADMIN" in line["msg"], line' "$T_TMP/policy.log"
mkbundle "$T_TMP/b5" 'exit 0' paths="$T_TMP/spec.json"
run_status "policy: the same config without it runs" 0 \
	--root "$STATE" --policy "$POLICY" create --bundle "$T_TMP/b5" c5
oci delete --force c5
# ent-run's own containers leave /proc/kpageflags to the kernel (their uids are not host
# root, and spec, which writes their masks, leaves it out), but this config's root is host
# root: under a policy the mask is required.
masks=$(python3 -c 'import json, sys
print(json.dumps(json.load(open(sys.argv[1]))["linux"]["maskedPaths"]))' "$T_TMP/spec.json")
mkbundle "$T_TMP/b5" 'exit 0' paths="$T_TMP/spec.json" "set=linux.maskedPaths=$masks"
run_fails "policy: host root without the /proc/kpageflags mask is refused" 125 \
	'refused by .*policy: /proc/kpageflags unmasked' \
	--root "$STATE" --policy "$POLICY" create --bundle "$T_TMP/b5" c5
check "... and nothing is left" [ ! -e "$STATE/c5" ]

# Attacks on the policy (docs/SECURITY.md, OCI mode): each config is refused before anything
# runs, naming what it asked for. The policy allows host-userns and a volume; the configs are
# otherwise as tight as the defaults, so only the attack is refused.
printf 'allow host-userns\nallow seccomp unconfined\nallow volume %s\n' "$SHARED" >"$POLICY"
mkdir -p "$SHARED/vol" "$T_TMP/other"
ln -sfn / "$SHARED/vol/link"
# refused NAME PATTERN OPTION...: a config (mkbundle options) refused with PATTERN; it did not run.
refused() {
	name=$1 pattern=$2
	shift 2
	rm -f "$SHARED/ran"
	mkbundle "$T_TMP/ba" 'echo x >/shared/ran' paths="$T_TMP/spec.json" "$@"
	run_fails "policy: $name" 125 "$pattern" --root "$STATE" --policy "$POLICY" create \
		--bundle "$T_TMP/ba" ca
	check "$name: nothing ran, nothing is left" \
		sh -c "[ ! -e '$SHARED/ran' ] && [ ! -e '$STATE/ca' ]"
	[ ! -e "$STATE/ca" ] || oci delete --force ca
}
mkbundle "$T_TMP/ba" 'echo x >/shared/ran' paths="$T_TMP/spec.json" \
	mount='{"destination": "/v", "type": "bind", "source": "'"$SHARED/vol"'", "options": ["rbind"]}'
run_status "policy: a bind below an allowed volume runs" 0 \
	--root "$STATE" --policy "$POLICY" create --bundle "$T_TMP/ba" ca
oci start ca
wait_until test -e "$SHARED/ran"
check "policy: ... and ran" test -e "$SHARED/ran"
oci delete --force ca
refused "a bind source with .. is resolved first (volume check)" \
	"volume $T_TMP/other \(from mounts\[3\]\) is not allowed" \
	mount='{"destination": "/x", "type": "bind", "source": "'"$SHARED/vol/../../other"'", "options": ["rbind"]}'
refused "a bind source through a symlink is resolved first (volume check)" \
	"volume /etc \(from mounts\[3\]\) is not allowed" \
	mount='{"destination": "/x", "type": "bind", "source": "'"$SHARED/vol/link/etc"'", "options": ["rbind"]}'
IDMAP='[{"containerID": 0, "hostID": 0, "size": 65536}]'
refused "a config's own id mappings are a grant (id-mappings), host uid 0 included" \
	'id-mappings \(linux.uidMappings 0:0:65536: host uids 0-65535\)' \
	userns set=linux.uidMappings="$IDMAP" set=linux.gidMappings="$IDMAP"
refused "a block device's filesystem is not a mount a policy allows" \
	'mount ext4 /dev/vda on /x \(a filesystem type\) \(from mounts\[3\]\) is not allowed' \
	mount='{"destination": "/x", "type": "ext4", "source": "/dev/vda"}'
refused "overlay (host directories as layers) is not a mount a policy allows" \
	'mount overlay overlay on /x \(a filesystem type\)' \
	mount='{"destination": "/x", "type": "overlay", "source": "overlay", "options": ["lowerdir='"$T_TMP/other"':/etc"]}'
refused "a second proc (past the masks of /proc) is refused" \
	'mount proc proc on /p \(elsewhere than its place\)' \
	mount='{"destination": "/p", "type": "proc", "source": "proc"}'
refused "a seccomp filter that logs what it does not name allows it" \
	'every syscall the filter does not name \(defaultAction SCMP_ACT_LOG\)' \
	set=linux.seccomp='{"defaultAction": "SCMP_ACT_LOG"}'
refused "a device is its numbers, not its path (fuse at /dev/full)" \
	'device c 10:229 at /dev/full, device rule allow c 10:229 rwm \(from linux.devices\[0\]\) are not allowed' \
	set=linux.devices='[{"path": "/dev/full", "type": "c", "major": 10, "minor": 229}]'
refused "a device cgroup rule that allows a host disk is a grant" \
	'device rule allow b 254:0 rwm \(from linux.resources.devices\[1\]\) is not allowed' \
	set=linux.resources.devices='[{"allow": false, "access": "rwm"}, {"allow": true, "type": "b", "major": 254, "minor": 0, "access": "rwm"}]'
unshare -n sleep 60 &
NETNS=$!
wait_until test "$(readlink /proc/$NETNS/ns/net)" != "$(readlink /proc/self/ns/net)"
refused "joining another process's network namespace is a grant (join-namespace)" \
	"join-namespace /proc/$NETNS/ns/net \(from linux.namespaces\) is not allowed" \
	nspath=network=/proc/$NETNS/ns/net
refused "a namespace path of another kind is refused, checked on the descriptor joined" \
	"/proc/$NETNS/ns/ipc is not a network namespace" nspath=network=/proc/$NETNS/ns/ipc
printf 'allow join-namespace /proc\n' >>"$POLICY"
mkbundle "$T_TMP/ba" 'readlink /proc/self/ns/net >/shared/netns' paths="$T_TMP/spec.json" \
	nspath=network=/proc/$NETNS/ns/net
run_status "policy: allow join-namespace: the namespace is joined" 0 \
	--root "$STATE" --policy "$POLICY" create --bundle "$T_TMP/ba" ca
oci start ca
wait_until test -s "$SHARED/netns"
check "policy: allow join-namespace: the container is in that network namespace" \
	test "$(cat "$SHARED/netns" 2>/dev/null)" = "$(readlink /proc/$NETNS/ns/net)"
oci delete --force ca
kill "$NETNS"
wait "$NETNS" 2>/dev/null

printf 'allow volume %s\n' "$SHARED" >"$POLICY"
mkbundle "$T_TMP/b6" 'cat /proc/self/uid_map >/shared/uidmap; grep CapEff /proc/self/status >>/shared/uidmap' \
	caps=CAP_SYS_ADMIN annotation=run.ent.entitlements=network.access=confined
run_status "run.ent.entitlements: the entitlements replace the raw fields (no host-userns)" 0 \
	--root "$STATE" --policy "$POLICY" create --bundle "$T_TMP/b6" c6
oci start c6
wait_until test -s "$SHARED/uidmap"
check "run.ent.entitlements: a user namespace with a block of its own, no capability" \
	sh -c "awk 'NR==1 { exit !(\$1 == 0 && \$2 >= 65536) }' '$SHARED/uidmap' && grep -q 'CapEff:.0000000000000000' '$SHARED/uidmap'"
oci delete --force c6

# ---------------------------------------------------------------- ent-run spec, rlimits
# ent-run spec: a user namespace and an idmapped rootfs (its annotation); /shared bound in.
ent spec -v "$SHARED:/shared" "$ROOTFS" /bin/sh -c \
	'stat -c %u /etc/passwd >/shared/spec; awk "{print \$2}" /proc/self/uid_map >>/shared/spec'
mkdir -p "$T_TMP/b7" && cp "$OUT" "$T_TMP/b7/config.json"
run_status "ent-run spec's config.json runs as an OCI bundle" 0 \
	--root "$STATE" create --bundle "$T_TMP/b7" c7
oci start c7
wait_until sh -c "[ \$(wc -l <'$SHARED/spec') = 2 ]"
check "spec's bundle: container root is a host id of its own, the rootfs is idmapped" \
	sh -c "[ \"\$(sed -n 1p '$SHARED/spec')\" = 0 ] && [ \"\$(sed -n 2p '$SHARED/spec')\" -ge 65536 ]"
oci delete --force c7

HARD=$(ulimit -Hn)
if [ "$HARD" != unlimited ] && [ "$HARD" -lt 1048576 ] && ! capsh --has-p=cap_sys_resource 2>/dev/null; then
	mkbundle "$T_TMP/b8" 'ulimit -Hn >/shared/nofile' rlimit=RLIMIT_NOFILE:1048576:1048576
	ent --root "$STATE" --log "$T_TMP/rlimit.log" --log-format json create --bundle "$T_TMP/b8" c8
	check "an rlimit above ours is lowered, not refused" test "$STATUS" = 0
	check "with a warning in the log" grep -q "\"level\":\"warning\".*RLIMIT_NOFILE hard limit 1048576 lowered to $HARD" "$T_TMP/rlimit.log"
	oci start c8
	wait_until test -s "$SHARED/nofile"
	check "the container has the highest limit ent-run can set ($HARD)" grep -qx "$HARD" "$SHARED/nofile"
	oci delete --force c8
else
	skip "rlimit lowering" "ent-run can raise RLIMIT_NOFILE to 1048576 here (CAP_SYS_RESOURCE)"
fi
check "nothing is left in --root" sh -c "[ -z \"\$(ls -A '$STATE')\" ]"

# A mount namespace joined by path: the container's file system is built in there.
unshare -m --propagation private sleep 60 &
HOLDER=$!
wait_until test "$(readlink /proc/$HOLDER/ns/mnt)" != "$(readlink /proc/self/ns/mnt)"
mkbundle "$T_TMP/b11" 'readlink /proc/self/ns/mnt >/shared/mntns'
python3 - "$T_TMP/b11/config.json" "$HOLDER" <<'EOF2'
import json, sys
c = json.load(open(sys.argv[1]))
for n in c["linux"]["namespaces"]:
    if n["type"] == "mount":
        n["path"] = "/proc/%s/ns/mnt" % sys.argv[2]
json.dump(c, open(sys.argv[1], "w"))
EOF2
MOUNTS=$(wc -l </proc/self/mountinfo)
oci create --bundle "$T_TMP/b11" c11
oci start c11
wait_until test -s "$SHARED/mntns"
check "a mount namespace joined by path: the container is in it" \
	test "$(cat "$SHARED/mntns")" = "$(readlink /proc/$HOLDER/ns/mnt)"
check "... and our mount table is as it was" test "$(wc -l </proc/self/mountinfo)" = "$MOUNTS"
oci delete --force c11
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null

# Nothing json-c would let through is taken silently (L1 of the OCI review), and a cgroup has
# one spelling (L2): refused before anything is made.
mkbundle "$T_TMP/b12" 'exit 0'
sed -i 's/"hostname": "oci"/"hostname": "oci", "hostname": "other"/' "$T_TMP/b12/config.json"
run_fails "config.json: a duplicate key is refused, naming it" 125 \
	'config.json: line [0-9]+, column [0-9]+: hostname: duplicate key' \
	--root "$STATE" create --bundle "$T_TMP/b12" c12
mkbundle "$T_TMP/b12" 'exit 0' set=linux.cgroupsPath='"/entpol-l2/b//"'
run_fails "linux.cgroupsPath: an empty component is refused, naming the path" 125 \
	"linux.cgroupsPath: '/entpol-l2/b//' has an empty or '.' component" \
	--root "$STATE" create --bundle "$T_TMP/b12" c12
check "linux.cgroupsPath refused: no cgroup was made" \
	sh -c "! ls -d /sys/fs/cgroup/*/entpol-l2 2>/dev/null && [ ! -e '$STATE/c12' ]"

# ---------------------------------------------------------------- a killed create
# SIGKILL to create at 20 points spread over its run: its id must not stay wedged (state and
# delete --force return), after which no process, cgroup or state of it is left, and the id
# can be created again.
KCG=ent-run-oci-faults-$$/kf
mkbundle "$T_TMP/bk" 'exec sleep 30' "cgroup=/$KCG"
t0=$(date +%s%N)
oci create --bundle "$T_TMP/bk" kf
SPAN_US=$((($(date +%s%N) - t0) / 1000))
oci delete --force kf
kf_procs() { pgrep -f "create --bundle $T_TMP/bk kf\$"; }
kf_gone() { ! kf_procs >/dev/null; }
kf_cgroups() { ls -d /sys/fs/cgroup/$KCG /sys/fs/cgroup/*/$KCG 2>/dev/null; }
hung= procs= cgroups= left= again=
for k in $(seq 1 20); do
	"$ENT_RUN" --root "$STATE" create --bundle "$T_TMP/bk" kf >/dev/null 2>&1 &
	CPID=$!
	sleep "$(awk "BEGIN { printf \"%.6f\", $SPAN_US * $k / 21 / 1000000 }")"
	kill -KILL "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	timeout 5 "$ENT_RUN" --root "$STATE" state kf >/dev/null 2>&1
	[ $? = 124 ] && hung="$hung state@$k"
	timeout 5 "$ENT_RUN" --root "$STATE" delete --force kf >/dev/null 2>&1
	[ $? = 124 ] && hung="$hung delete@$k"
	wait_until kf_gone
	kf_procs >/dev/null && procs="$procs $k"
	[ -e "$STATE/kf" ] && left="$left $k"
	[ -n "$(kf_cgroups)" ] && cgroups="$cgroups $k"
	timeout 10 "$ENT_RUN" --root "$STATE" create --bundle "$T_TMP/bk" kf >/dev/null 2>&1 || again="$again $k"
	timeout 10 "$ENT_RUN" --root "$STATE" delete --force kf >/dev/null 2>&1
	pkill -KILL -f "create --bundle $T_TMP/bk kf\$" 2>/dev/null # after a failure: go on clean
done
check "a killed create: state and delete return (hung:${hung:- none})" test -z "$hung"
check "a killed create leaves no process (after trials:${procs:- none})" test -z "$procs"
check "a killed create: delete removes its state directory (left after:${left:- none})" test -z "$left"
check "a killed create leaves no cgroup (after trials:${cgroups:- none})" test -z "$cgroups"
check "a killed create: the id can be created again (failed after:${again:- none})" test -z "$again"
# Nor a record of its cgroups, or a draft of one (killed while it wrote it), once the next
# create has collected (its writer is gone).
records=
for f in /run/ent-run/cgroups/.oci-ent-run-* /run/ent-run/cgroups/oci-ent-run-*; do
	[ -e "$f" ] && ! kill -0 "${f##*-}" 2>/dev/null && records="$records ${f##*/}"
done
check "a killed create leaves no record of its cgroups (left:${records:- none})" test -z "$records"
rmdir /sys/fs/cgroup/ent-run-oci-faults-$$ /sys/fs/cgroup/*/ent-run-oci-faults-$$ 2>/dev/null

# ---------------------------------------------------------------- state others could write
# The verbs act as root on what the state says: a state.json someone else wrote (owned by
# nobody, in a --root anyone may write) is refused, and the host process it names lives on.
EVIL=$T_TMP/evil
mkdir -p "$EVIL/x" && chmod 0777 "$EVIL" "$EVIL/x"
sleep 60 &
VICTIM=$!
python3 - "$EVIL/x/state.json" "$VICTIM" <<'EOF3'
import json, sys
pid = int(sys.argv[2])
start = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[19])
json.dump({"ociVersion": "1.2.0", "id": "x", "pid": pid, "starttime": start,
           "bundle": "/nonexistent", "idsLease": "", "created": "2026-01-01T00:00:00Z", "cgroups": []},
          open(sys.argv[1], "w"))
EOF3
chown nobody "$EVIL/x/state.json"
run_fails "kill: a state.json others could write is refused" 125 \
	"is writable by others than root .*refusing it" --root "$EVIL" kill x KILL
check "kill: ... naming the --root that others can write" grep -q "ent-run: --root $EVIL is writable" "$ERR"
run_fails "delete --force: the same refused" 125 "$EVIL.* is writable by others than root" \
	--root "$EVIL" delete --force x
chmod 0755 "$EVIL" "$EVIL/x"
run_fails "kill: a state.json owned by nobody is refused" 125 \
	"state $EVIL/x/state.json is writable by others than root \(owner uid [0-9]+" --root "$EVIL" kill x KILL
check "the host process the planted state named still lives" kill -0 "$VICTIM"
kill "$VICTIM"
wait "$VICTIM" 2>/dev/null

# --pid-file and --log: a symlink planted at their path (or at a temporary name next to it)
# is not followed.
echo precious >"$T_TMP/target"
ln -s "$T_TMP/target" "$T_TMP/link.pid"
ln -s "$T_TMP/target" "$T_TMP/link.pid.ent-run"
ln -s "$T_TMP/target" "$T_TMP/link.log"
mkbundle "$T_TMP/bl" 'exit 0'
run_status "create with a symlink at --pid-file" 0 --root "$STATE" --log "$T_TMP/link.log" create \
	--bundle "$T_TMP/bl" --pid-file "$T_TMP/link.pid" cl
oci --log "$T_TMP/link.log" state nosuch
check "the symlinks' target is unchanged" test "$(cat "$T_TMP/target")" = precious
check "the pid file replaced the symlink" sh -c "[ ! -L '$T_TMP/link.pid' ] && grep -qx '[0-9]*' '$T_TMP/link.pid'"
oci delete --force cl

# A relative --root is the working directory's, as runc's.
mkbundle "$T_TMP/b10" 'exit 0'
BIN=$(realpath "$ENT_RUN")
(cd "$T_TMP" && "$BIN" --root relative create --bundle b10 c10 >/dev/null 2>&1)
check "a relative --root: the state is under the working directory" \
	test -f "$T_TMP/relative/c10/state.json"
(cd "$T_TMP" && "$BIN" --root relative delete --force c10 >/dev/null 2>&1)
check "a relative --root: delete from there" test ! -e "$T_TMP/relative/c10"
finish
