#!/bin/sh
# Issue 15, OCI runtime mode: hooks (runtime-spec config.md "POSIX-platform Hooks") run at the
# lifecycle's points, in the right namespaces, with the state on stdin; a failing create-time
# hook fails create and leaves nothing behind; a timeout kills the hook; startContainer's
# failure fails start; poststart and poststop failures are warnings; under a node policy hooks
# need 'allow oci-hooks'. And linux.mountLabel, ignored with a warning without SELinux.
#
# Runs under tests/tools/reaper --late, as 80-oci.sh does (a subreaper, as engines are).
. "$(dirname "$0")/lib.sh"
skip_unless "oci-hooks" "needs root (namespaces, cgroups)" is_root
skip_unless "oci-hooks" "python3 is needed to read JSON" have python3
under_reaper "oci-hooks"
STATE=$T_TMP/state
SHARED=$T_TMP/shared
HK=$T_TMP/hk
LOG=$T_TMP/log.json
mkdir -p "$SHARED" "$HK"
oci() { ent --root "$STATE" --log "$LOG" --log-format json "$@"; }
HOST_MNT=$(readlink /proc/self/ns/mnt)

# The host-side hook: records what it sees as $HK/NAME.json (the state from stdin, its own
# mount and PID namespaces, the container's cgroups, whether the state directory exists),
# then exits with status $2 (default 0).
cat >"$T_TMP/hook.py" <<'EOF'
import json, os, sys
name, rc, hk, state_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
state = json.load(sys.stdin)
seen = {"state": state, "mnt": os.readlink("/proc/self/ns/mnt"),
        "pidns": os.readlink("/proc/self/ns/pid"),
        "state_dir": os.path.isdir(os.path.join(state_dir, state["id"]))}
try:
    seen["cgroups"] = open("/proc/%d/cgroup" % state["pid"]).read().splitlines()
except OSError:
    seen["cgroups"] = []
json.dump(seen, open(os.path.join(hk, name + ".json"), "w"))
sys.exit(rc)
EOF

# mkhooks BUNDLE HOOKS_JSON [mountLabel]: a runc-style config (no user namespace) running
# `true`, with /shared bound in and HOOKS_JSON as its "hooks"; @HOOK@ in it is the host hook.
cat >"$T_TMP/mkhooks.py" <<'EOF'
import json, os, sys
bundle, hooks = sys.argv[1], sys.argv[2]
os.makedirs(bundle, exist_ok=True)
if not os.path.exists(os.path.join(bundle, "rootfs")):
    os.symlink(os.path.abspath(os.environ["ROOTFS"]), os.path.join(bundle, "rootfs"))
hook = ["python3", os.environ["T_TMP"] + "/hook.py"]
hooks = hooks.replace("@HOOK@", sys.executable)
c = {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
     "process": {"args": ["/bin/sh", "-c", "true"], "cwd": "/", "user": {"uid": 0, "gid": 0},
                 "env": ["PATH=/bin:/usr/bin"]},
     "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/shared", "type": "bind", "source": os.environ["SHARED"],
                 "options": ["rbind", "rw"]}],
     "annotations": {"org.example.hooks": "yes"},
     "linux": {"namespaces": [{"type": t} for t in ("pid", "mount", "network", "ipc", "uts")]},
     "hooks": json.loads(hooks)}
if len(sys.argv) > 3:
    c["linux"]["mountLabel"] = sys.argv[3]
json.dump(c, open(os.path.join(bundle, "config.json"), "w"), indent=1)
EOF
export ROOTFS SHARED T_TMP
mkhooks() { python3 "$T_TMP/mkhooks.py" "$@"; }
# host_hook NAME [STATUS] [TIMEOUT]: one hook object running hook.py.
host_hook() {
	printf '{"path":"@HOOK@","args":["python3","%s","%s","%s","%s","%s"]%s}' \
		"$T_TMP/hook.py" "$1" "${2:-0}" "$HK" "$STATE" "${3:+,\"timeout\":$3}"
}
# seen NAME EXPR: the Python expression EXPR over s (what hook NAME recorded) is true.
seen() { python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
	"$HK/$1.json" 2>/dev/null; }

# ---------------------------------------------------------------- every kind, in its place
START='{"path":"/bin/sh","args":["sh","-c","cat >/shared/start.json; readlink /proc/self/ns/pid >/shared/start.pidns; readlink /proc/self/ns/mnt >/shared/start.mnt"]}'
mkhooks "$T_TMP/b1" "{\"prestart\":[$(host_hook prestart)],
	\"createRuntime\":[$(host_hook createRuntime)],
	\"createContainer\":[$(host_hook createContainer)],
	\"startContainer\":[$START],
	\"poststart\":[$(host_hook poststart)],
	\"poststop\":[$(host_hook poststop)]}"
run_status "create with every kind of hook" 0 --root "$STATE" create --bundle "$T_TMP/b1" h1
PID=$("$ENT_RUN" --root "$STATE" state h1 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null)
PID=${PID:-0}
C_MNT=$(readlink "/proc/$PID/ns/mnt")
C_PIDNS=$(readlink "/proc/$PID/ns/pid")
check "createRuntime: at create, status creating, the container's pid, the host's mount namespace" \
	seen createRuntime "s['state']['status'] == 'creating' and s['state']['pid'] == $PID and s['mnt'] == '$HOST_MNT'"
check "createRuntime: the state on stdin (id, bundle, annotations)" \
	seen createRuntime "s['state']['id'] == 'h1' and s['state']['bundle'] == '$T_TMP/b1' and s['state']['annotations'] == {'org.example.hooks': 'yes'}"
check "prestart: at create, in the host's mount namespace (status created, as crun gives it)" \
	seen prestart "s['state']['status'] == 'created' and s['mnt'] == '$HOST_MNT'"
check "createContainer: in the container's mount and PID namespaces, host paths (before pivot_root)" \
	seen createContainer "s['mnt'] == '$C_MNT' and s['mnt'] != '$HOST_MNT' and s['pidns'] == '$C_PIDNS' and s['state']['status'] == 'creating'"
check "startContainer and poststart: not at create (when createRuntime ran)" \
	test -e "$HK/createRuntime.json" -a ! -e "$SHARED/start.json" -a ! -e "$HK/poststart.json"
run_status "start" 0 --root "$STATE" start h1
check "startContainer: inside the container (its mount and PID namespaces), state on stdin" \
	sh -c "[ \"\$(cat '$SHARED/start.pidns')\" = '$C_PIDNS' ] && [ \"\$(cat '$SHARED/start.mnt')\" = '$C_MNT' ] && grep -q '\"id\": \"h1\"' '$SHARED/start.json'"
check "poststart: before start returned, status running" seen poststart "s['state']['status'] == 'running' and s['state']['pid'] == $PID"
check "poststop: not before delete (when poststart ran)" test -e "$HK/poststart.json" -a ! -e "$HK/poststop.json"
wait_until sh -c "[ \"\$('$ENT_RUN' --root '$STATE' state h1 | grep -c stopped)\" = 1 ]"
run_status "delete" 0 --root "$STATE" delete h1
check "poststop: after the container was deleted (its state gone), status stopped" \
	seen poststop "s['state']['status'] == 'stopped' and not s['state_dir'] and s['state']['id'] == 'h1'"

# ---------------------------------------------------------------- failures
# A seccomp program that cannot be built (more instructions than the kernel's 4096) fails
# create before any hook runs: it is built before anything is made, and no state is left.
rm -f "$HK"/*.json
mkhooks "$T_TMP/b3" "{\"createRuntime\":[$(host_hook createRuntime)]}"
python3 - "$T_TMP/b3/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": i, "op": "SCMP_CMP_EQ"},
              {"index": 1, "value": 7 * i + 3, "op": "SCMP_CMP_EQ"}]} for i in range(900)]}
json.dump(c, open(sys.argv[1], "w"))
EOF
run_fails "a seccomp program too large for the kernel fails create" 125 \
	'lockdown: seccomp: BPF program of [0-9]+ bytes' --root "$STATE" create --bundle "$T_TMP/b3" h3
check "... before any hook ran" test ! -e "$HK/createRuntime.json"
check "... no state left" test ! -e "$STATE/h3"

rm -f "$HK"/*.json
mkhooks "$T_TMP/b2" "{\"createRuntime\":[$(host_hook createRuntime 3)],\"createContainer\":[$(host_hook createContainer)]}"
run_fails "a failing createRuntime hook fails create, naming it and its status" 125 \
	'hooks.createRuntime\[0\] /[^ ]*python[0-9.]*: exited with status 3' \
	--root "$STATE" create --bundle "$T_TMP/b2" h2
check "... after it ran (it saw the container's process)" seen createRuntime "s['state']['pid'] > 0 and s['cgroups']"
check "... and nothing after it ran (createContainer)" test -e "$HK/createRuntime.json" -a ! -e "$HK/createContainer.json"
check "... no state left" test -e "$HK/createRuntime.json" -a ! -e "$STATE/h2"
H2PID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"]["pid"])' "$HK/createRuntime.json" 2>/dev/null)
check "... no process left" sh -c "[ -n '$H2PID' ] && ! kill -0 '$H2PID' 2>/dev/null"
python3 -c 'import json,sys
for l in json.load(open(sys.argv[1]))["cgroups"]:
    h, c, p = l.split(":", 2)
    d = "/sys/fs/cgroup/unified" if h == "0" else "/sys/fs/cgroup/" + c.replace("name=", "")
    print(d + p)' "$HK/createRuntime.json" >"$T_TMP/h2.cgroups" 2>/dev/null
check "... no cgroup left" sh -c "[ -s '$T_TMP/h2.cgroups' ] && ! xargs ls -d <'$T_TMP/h2.cgroups' 2>/dev/null | grep -q ."

# (its host pid: the host's /proc is still mounted there, and `read` is the shell's own)
SLOW='{"path":"/bin/sh","args":["sh","-c","read pid rest </proc/self/stat; echo $pid >'"$T_TMP"'/slow.pid; exec sleep 30"],"timeout":1}'
mkhooks "$T_TMP/b3" "{\"createContainer\":[$SLOW]}"
T0=$(date +%s)
run_fails "a hook past its timeout is killed and fails create" 125 \
	'hooks.createContainer\[0\] /bin/sh: killed after its timeout of 1s' \
	--root "$STATE" create --bundle "$T_TMP/b3" h3
check "... within seconds, the hook gone" sh -c "[ \$((\$(date +%s) - $T0)) -lt 10 ] && [ -s '$T_TMP/slow.pid' ] && ! kill -0 \$(cat '$T_TMP/slow.pid') 2>/dev/null"
check "... no state left" test -s "$T_TMP/slow.pid" -a ! -e "$STATE/h3"

mkhooks "$T_TMP/b4" '{"startContainer":[{"path":"/bin/false"}],"poststart":['"$(host_hook poststart)"']}'
rm -f "$HK"/*.json
run_status "create (a failing startContainer hook)" 0 --root "$STATE" create --bundle "$T_TMP/b4" h4
run_fails "a failing startContainer hook fails start" 125 \
	'container h4: start: hooks.startContainer\[0\] /bin/false: exited with status 1' \
	--root "$STATE" start h4
check "... the container is stopped, and poststart did not run" \
	sh -c "'$ENT_RUN' --root '$STATE' state h4 | grep -q '\"status\": \"stopped\"' && [ ! -e '$HK/poststart.json' ]"
run_status "... delete" 0 --root "$STATE" delete h4

mkhooks "$T_TMP/b5" "{\"poststart\":[{\"path\":\"/bin/false\"}],\"poststop\":[{\"path\":\"/nonexistent/hook\"},$(host_hook poststop)]}"
rm -f "$HK"/*.json "$LOG"
oci create --bundle "$T_TMP/b5" h5
run_status "a failing poststart hook: start succeeds" 0 --root "$STATE" --log "$LOG" --log-format json start h5
wait_until sh -c "'$ENT_RUN' --root '$STATE' state h5 | grep -q stopped"
run_status "a failing poststop hook: delete succeeds" 0 --root "$STATE" --log "$LOG" --log-format json delete h5
check "... each failure is a warning in the log" sh -c "grep -q '\"level\":\"warning\",\"msg\":\"hooks.poststart\[0\] /bin/false: exited with status 1' '$LOG' && grep -q '\"level\":\"warning\",\"msg\":\"hooks.poststop\[0\] /nonexistent/hook: start: No such file' '$LOG'"
check "... and the next poststop hook ran" seen poststop "s['state']['status'] == 'stopped'"
check "... the container is gone" test -e "$HK/poststop.json" -a ! -e "$STATE/h5"

# ---------------------------------------------------------------- the node policy
rm -f "$HK"/*.json
mkhooks "$T_TMP/b6" "{\"createRuntime\":[$(host_hook createRuntime)]}"
printf 'allow host-userns\nallow seccomp unconfined\nallow volume %s\n' "$SHARED" >"$T_TMP/policy"
ent --root "$STATE" --policy "$T_TMP/policy" create --bundle "$T_TMP/b6" h6
check "policy: hooks are refused without 'allow oci-hooks', naming the grant" \
	sh -c "[ $STATUS = 125 ] && grep -q 'oci-hooks (host programs run as host root) (from hooks.createRuntime\[0\]) is not allowed' '$ERR'"
check "... and the hook did not run" sh -c "grep -q oci-hooks '$ERR' && [ ! -e '$HK/createRuntime.json' ]"
echo 'allow oci-hooks' >>"$T_TMP/policy"
ent --root "$STATE" --policy "$T_TMP/policy" create --bundle "$T_TMP/b6" h6
check "policy: with 'allow oci-hooks' the hooks are no longer what is refused" \
	sh -c "! grep -q 'oci-hooks' '$ERR'"
"$ENT_RUN" --root "$STATE" delete --force h6 >/dev/null 2>&1

# ---------------------------------------------------------------- linux.mountLabel
if [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinuxfs ]; then
	skip "mountLabel" "SELinux is enabled on this host (the label is refused there)"
else
	rm -f "$LOG"
	mkhooks "$T_TMP/b7" '{}' 'system_u:object_r:container_file_t:s0'
	run_status "linux.mountLabel without SELinux: create succeeds" 0 \
		--root "$STATE" --log "$LOG" --log-format json create --bundle "$T_TMP/b7" h7
	check "... with a warning in the log that it is ignored" \
		grep -q '"level":"warning","msg":"linux.mountLabel: ignored (SELinux is not enabled on this host)"' "$LOG"
	"$ENT_RUN" --root "$STATE" delete --force h7 >/dev/null 2>&1
fi
exit $T_FAILED
