#!/bin/sh
# Issue 7: profiles and node policy, enforced before anything starts.
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
P=$T_TMP/policy
mkdir -p "$P/profiles" "$T_TMP/shared"
chmod 755 "$P" "$P/profiles"
printf '# a CI job: web tests\nnetwork.access=proxy\n\nsecurity.access=user\n' >"$P/profiles/ci"
printf 'network.access=host\n' >"$P/profiles/hostnet"
printf 'allow network.access=user\n' >"$P/user"
printf 'profile-dir %s\nallow profile privileged\n' "$P/profiles" >"$P/privileged"
printf '# nothing but the default\n' >"$P/empty"
printf 'allow seccomp unconfined\n' >"$P/unconfined"
chmod 644 "$P"/* "$P"/profiles/*
PD="--profile-dir $P/profiles"

# The cases that define the model (P = privileged, E = a custom profile).
run_status "default request, empty policy: runs" 0 --policy "$P/empty" $R /bin/true
run_fails "{P} under an empty policy: refused" 125 "refused by $P/empty: .*security.access=admin" \
	--policy "$P/empty" -p privileged $R /bin/true
run_status "{P} under {P}: runs" 0 --policy "$P/privileged" -p privileged $R /bin/true
run_fails "{E} not within P, under {P}: refused" 125 "the host's network namespace" \
	--policy "$P/privileged" $PD -p hostnet $R /bin/true
run_status "{E} within P, under {P}: runs" 0 --policy "$P/privileged" $PD -p ci $R /bin/true

# A refused request starts nothing: the command would have left a file behind.
ent --policy "$P/user" -e network.access=proxy -v "$T_TMP/shared:/out" $R /bin/touch /out/ran
check "refused: exit 125" [ "$STATUS" = 125 ]
check "refused: names the missing grants, their entitlement and the limit" grep -q \
	"CAP_NET_BIND_SERVICE, CAP_NET_BROADCAST and 2 more (from network.access=proxy) are not allowed; allowed up to network.access=user" "$ERR"
check "refused: the command never ran" [ ! -e "$T_TMP/shared/ran" ]
run_fails "a volume the policy does not allow: refused" 125 \
	"volume $T_TMP/shared \(from --volume\) is not allowed" \
	--policy "$P/user" -e network.access=none -v "$T_TMP/shared:/out" $R /bin/touch /out/ran
check "refused volume: the command never ran" [ ! -e "$T_TMP/shared/ran" ]
printf 'allow network.access=user\nallow volume %s\n' "$T_TMP/shared" >"$P/user-vol"
chmod 644 "$P/user-vol"
ent --policy "$P/user-vol" -e network.access=none -v "$T_TMP/shared:/out" $R /bin/touch /out/ran
check "allowed: the command ran" sh -c "[ $STATUS = 0 ] && [ -e '$T_TMP/shared/ran' ]"
run_fails "the host's / as rootfs under a policy: refused" 125 "rootfs / \(the host's /\) \(from ROOTFS\)" \
	--policy "$P/empty" / /bin/true
printf 'allow rootfs /nonexistent-images\n' >"$P/rootfs" && chmod 644 "$P/rootfs"
run_fails "a rootfs outside the allowed paths: refused" 125 "rootfs .* \(from ROOTFS\)" \
	--policy "$P/rootfs" $R /bin/true
run_status "check -v: the volume is part of the request" 1 check --policy "$P/user" \
	-v "$T_TMP/shared:/out"
# The host's / under another name (a bind mount) is still the host's /.
mkdir -p "$T_TMP/hostroot"
if mount --bind / "$T_TMP/hostroot" 2>/dev/null; then
	run_fails "the host's / bound elsewhere as rootfs: refused" 125 "\(the host's /\)" \
		--policy "$P/empty" "$T_TMP/hostroot" /bin/true
	run_status "check ROOTFS: refused the same way" 1 check --policy "$P/empty" "$T_TMP/hostroot"
	umount "$T_TMP/hostroot"
else
	skip "the host's / bound elsewhere as rootfs" "cannot bind-mount / here"
fi
run_status "check ROOTFS: an ordinary rootfs is allowed" 0 check --policy "$P/empty" $R

# A host system directory is never a rootfs: with or without a policy, by any path. Where a
# test runs ent-run on one, ent-run sees it read-only (in a mount namespace of its own), so that
# an ent-run that wrongly took it as its rootfs could not make mount points in the host's /etc.
ro_bin=$ENT_RUN
ent_run_ro() {
	unshare -m --propagation private sh -c 'if ! mountpoint -q "$0"; then
		mount --bind "$0" "$0" || exit 125; fi
		mount -o remount,bind,ro "$0" || exit 125; exec "$@"' "$RO_DIR" "$ro_bin" "$@"
}
# read_only DIR TEST ARGS...: run the test helper TEST with ent-run seeing DIR read-only.
read_only() {
	RO_DIR=$1 ENT_RUN=ent_run_ro
	shift
	"$@"
	ENT_RUN=$ro_bin
}
ent check --policy "$P/empty" /usr
check "check --policy EMPTY /usr: refused (exit 1), says why" sh -c "[ $STATUS = 1 ] && grep -q \
	\"refused by $P/empty: rootfs /usr (the host's /usr) (from ROOTFS) is not allowed; a host system directory is never a rootfs\" '$OUT'"
run_status "check /usr without a policy: refused (exit 1)" 1 check /usr
read_only /etc run_fails "/etc as a rootfs, no policy: refused" 125 \
	"refused: rootfs /etc \(the host's /etc\) \(from ROOTFS\) is not allowed; a host system directory is never a rootfs" \
	/etc /bin/true
run_fails "spec refuses it too" 125 "rootfs /usr \(the host's /usr\)" spec /usr /bin/true
ln -s /usr "$T_TMP/usr-link"
for spelling in //usr/ /usr/. "$T_TMP/usr-link" /usr/bin/.. /var /boot /run /sbin /bin; do
	run_status "rootfs $spelling: refused" 1 check "$spelling"
done
read_only /proc/sys run_fails "inside /proc: refused" 125 \
	"rootfs /proc/sys \(inside the host's /proc\)" /proc/sys /bin/true
run_status "inside /sys: refused" 1 check /sys/fs/cgroup
run_status "inside /dev: refused" 1 check /dev/shm
printf 'allow rootfs /\n' >"$P/rootfs-all" && chmod 644 "$P/rootfs-all"
read_only / run_fails "allow rootfs / does not allow the host's /" 125 "rootfs / \(the host's /\)" \
	--policy "$P/rootfs-all" / /bin/true
run_status "allow rootfs /: an ordinary rootfs runs" 0 --policy "$P/rootfs-all" $R /bin/true
printf 'allow rootfs %s\n' "$(dirname "$(realpath "$R")")" >"$P/rootfs-ok" && chmod 644 "$P/rootfs-ok"
run_status "allow rootfs PARENT: a rootfs below it runs" 0 --policy "$P/rootfs-ok" $R /bin/true
mkdir -p "$T_TMP/etc-bound" "$T_TMP/shm-bound" /dev/shm/ent-run-test-$$
if mount --bind /etc "$T_TMP/etc-bound" 2>/dev/null; then
	read_only "$T_TMP/etc-bound" run_fails "a bind mount of /etc: refused as /etc" 125 \
		"rootfs $T_TMP/etc-bound \(the host's /etc\)" "$T_TMP/etc-bound" /bin/true
	umount "$T_TMP/etc-bound"
else
	skip "a bind mount of /etc" "cannot bind-mount here"
fi
if mount --bind /dev/shm/ent-run-test-$$ "$T_TMP/shm-bound" 2>/dev/null; then
	read_only "$T_TMP/shm-bound" run_fails "a bind mount of a directory inside /dev: refused" \
		125 "rootfs $T_TMP/shm-bound \(inside the host's /dev\)" "$T_TMP/shm-bound" /bin/true
	umount "$T_TMP/shm-bound"
else
	skip "a bind mount of a directory inside /dev" "cannot bind-mount here"
fi
rm -rf /dev/shm/ent-run-test-$$ # an ent-run that did not refuse it made mount points

# Seccomp references replace the filter: the policy must allow them.
run_fails "--seccomp unconfined refused unless allowed" 125 \
	"seccomp unconfined \(from --seccomp\) is not allowed" --policy "$P/empty" \
	--seccomp unconfined $R /bin/true
run_ok "--seccomp unconfined runs when allowed" '^Seccomp:.0' --policy "$P/unconfined" \
	--seccomp unconfined $R /bin/grep Seccomp: /proc/self/status

# Issue 10: the requester never chooses what the policy's names mean. The policy's profiles
# and localhost/ seccomp profiles come from its own directories; another one is refused.
mkdir -p "$P/other" "$P/other-seccomp" "$P/seccomp-dir"
printf 'security.access=admin\n' >"$P/other/ci"
echo '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$P/other-seccomp/strict.json"
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' \
	>"$P/seccomp-dir/strict.json"
printf 'profile-dir %s\nseccomp-root %s\nallow profile ci\nallow seccomp localhost/strict.json\n' \
	"$P/profiles" "$P/seccomp-dir" >"$P/pinned"
chmod 755 "$P/other" "$P/other-seccomp" "$P/seccomp-dir"
chmod 644 "$P/other/ci" "$P/other-seccomp/strict.json" "$P/seccomp-dir/strict.json" "$P/pinned"
# The reproduced escalation: the policy allows its own "ci"; the requester's "ci" is admin.
printf 'allow profile ci\nallow seccomp localhost/strict.json\n' >"$P/ci-only"
chmod 644 "$P/ci-only"
ent --policy "$P/ci-only" --profile-dir "$P/other" -p ci $R /bin/grep CapBnd /proc/self/status
check "another --profile-dir: refused (exit 125), naming it and the policy's" sh -c "[ $STATUS = 125 ] &&
	grep -q \"refused by $P/ci-only: profile-dir $P/other (from --profile-dir) is not allowed; the policy's profile-dir is /etc/ent-run/profiles\" '$ERR'"
check "another --profile-dir: the command never ran" [ ! -s "$OUT" ]
printf 'allow seccomp localhost/strict.json\n' >"$P/strict-only" && chmod 644 "$P/strict-only"
run_fails "another --seccomp-profile-root: refused" 125 \
	"refused by $P/strict-only: seccomp-root $P/other-seccomp \(from --seccomp-profile-root\) is not allowed; the policy's seccomp-root is /etc/ent-run/seccomp" \
	--policy "$P/strict-only" --seccomp-profile-root "$P/other-seccomp" \
	--seccomp localhost/strict.json $R /bin/true
# With profile-dir and seccomp-root lines, names are looked up there.
run_ok "the policy's profile-dir is where -p looks (CapBnd of security.access=user)" \
	'^CapBnd:.00000000a0042dfb$' --policy "$P/pinned" -p ci $R /bin/grep CapBnd /proc/self/status
run_status "--profile-dir naming the policy's directory another way: runs" 0 \
	--policy "$P/pinned" --profile-dir "$P//profiles/" -p ci $R /bin/true
run_status "check: another --profile-dir is refused (exit 1)" 1 check --policy "$P/pinned" \
	--profile-dir "$P/other" -p ci
run_fails "explain: another --profile-dir is refused too" 125 \
	"profile-dir $P/other \(from --profile-dir\) is not allowed" explain --policy "$P/pinned" \
	--profile-dir "$P/other" -p ci
run_ok "localhost/NAME comes from the policy's seccomp-root (mkdir: EPERM)" \
	'Operation not permitted' --policy "$P/pinned" --seccomp localhost/strict.json $R \
	/bin/sh -c 'mkdir /tmp/x 2>&1; true'

# Resource ceilings: a lifted limit is a grant; a request naming none gets the ceiling.
run_fails "--pids max under an empty policy: refused" 125 \
	"refused by $P/empty: pids max \(from --pids\) is not allowed; allowed up to pids 1024" \
	--policy "$P/empty" --pids max $R /bin/true
ent check --policy "$P/empty" --pids max
check "check --pids max: refused the same way (exit 1, the same words)" sh -c "[ $STATUS = 1 ] &&
	grep -q 'pids max (from --pids) is not allowed; allowed up to pids 1024' '$OUT'"
printf 'limit pids max\n' >"$P/pids-max"
printf 'limit pids 100\nlimit memory 256M\nlimit cpus 0.5\nlimit tmpfs 8M\n' >"$P/ceilings"
chmod 644 "$P/pids-max" "$P/ceilings"
run_ok "limit pids max allows --pids max" '^absent$' --policy "$P/pids-max" --pids max $R \
	/bin/sh -c '[ -e /sys/fs/cgroup/pids/pids.max ] && cat /sys/fs/cgroup/pids/pids.max || echo absent'
run_ok "no limit named: the policy's ceilings apply (pids, memory, cpu, tmpfs)" \
	'^100 268435456 50000 size=8192k$' --policy "$P/ceilings" --tmpfs /big $R /bin/sh -c \
	'echo $(grep "Max processes" /proc/self/limits | tr -s " " | cut -d" " -f3) \
	  $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu*/cpu.cfs_quota_us) \
	  $(grep " /big " /proc/self/mountinfo | grep -o "size=[0-9]*k")'
run_fails "above the pids ceiling: refused, naming it" 125 \
	"refused by $P/ceilings: pids 200 \(from --pids\) is not allowed; allowed up to pids 100" \
	--policy "$P/ceilings" --pids 200 $R /bin/true
run_fails "above the memory ceiling: refused, naming it" 125 \
	"memory 1G \(from --memory\) is not allowed; allowed up to memory 256M" \
	--policy "$P/ceilings" --memory 1G $R /bin/true
run_fails "above the cpus ceiling: refused, naming it" 125 \
	"cpus 1 \(from --cpus\) is not allowed; allowed up to cpus 0.5" \
	--policy "$P/ceilings" --cpus 1 $R /bin/true
run_fails "above the tmpfs ceiling: refused, naming it" 125 \
	"tmpfs /big 16M \(from --tmpfs\) is not allowed; allowed up to tmpfs 8M" \
	--policy "$P/ceilings" --tmpfs /big:size=16M $R /bin/true
ent check --policy "$P/ceilings" --pids 200 --memory 1G --cpus 1 --tmpfs /big:size=16M
check "check: every ceiling gone over, in one line" sh -c "[ $STATUS = 1 ] && grep -q \
	'pids 200 (from --pids) is not allowed; allowed up to pids 100; memory 1G (from --memory) is not allowed; allowed up to memory 256M; cpus 1 (from --cpus) is not allowed; allowed up to cpus 0.5; tmpfs /big 16M (from --tmpfs) is not allowed; allowed up to tmpfs 8M' '$OUT'"
run_status "within the ceilings: runs" 0 --policy "$P/ceilings" --pids 50 --memory 64M \
	--cpus 0.25 --tmpfs /big:size=4M $R /bin/true
run_fails "a tmpfs above the default ceiling (64M): refused" 125 \
	"tmpfs /big 1G \(from --tmpfs\) is not allowed; allowed up to tmpfs 64M" \
	--policy "$P/empty" --tmpfs /big:size=1G $R /bin/true
run_status "check --tmpfs: refused the same way (exit 1)" 1 check --policy "$P/empty" \
	--tmpfs /big:size=1G

# The address pool and published ports reach the host's networks: grants too.
run_fails "--subnet outside the default pool: refused" 125 \
	"refused by $P/user: subnet 10.99.0.0/30 \(from --subnet\) is not allowed" \
	--policy "$P/user" -e network.access=user --subnet 10.99.0.0/30 $R /bin/true
run_status "check --subnet: refused the same way (exit 1)" 1 check --policy "$P/user" \
	-e network.access=user --subnet 10.99.0.0/30
run_status "--subnet inside the default pool: allowed" 0 check --policy "$P/user" \
	-e network.access=user --subnet 10.88.240.0/24
printf 'allow network.access=proxy\nallow subnet 10.213.0.0/16\nallow publish 127.0.0.1:18000-18099\n' \
	>"$P/net" && chmod 644 "$P/net"
run_status "--subnet inside an allowed one: allowed" 0 check --policy "$P/net" \
	-e network.access=user --subnet 10.213.7.0/24
run_fails "--publish not allowed: refused" 125 \
	"refused by $P/user: .*publish 18080 \(from --publish\) is not allowed" \
	--policy "$P/user" -e network.access=proxy --publish 18080:80 $R /bin/true
run_fails "--publish on all addresses, the policy allows 127.0.0.1 only: refused" 125 \
	"publish 18080 \(from --publish\) is not allowed" --policy "$P/net" \
	-e network.access=proxy --publish 18080:80 $R /bin/true
run_status "--publish within an allowed range and address: allowed" 0 check --policy "$P/net" \
	-e network.access=proxy --publish 127.0.0.1:18080:80
run_status "--publish/udp where only tcp is allowed: refused" 1 check --policy "$P/net" \
	-e network.access=proxy --publish 127.0.0.1:18080:80/udp

# ent-run check: 0 would run, 1 refused, 125 bad input.
run_status "check: allowed -> 0" 0 check --policy "$P/user" -e network.access=user
run_ok "check: says why it is allowed" "^allowed by $P/user" check --policy "$P/user"
run_status "check: refused -> 1" 1 check --policy "$P/user" -e network.access=proxy
ent check --policy "$P/user" -e network.access=proxy
check "check: the refusal lists every missing grant" grep -q \
	"CAP_NET_BIND_SERVICE, CAP_NET_BROADCAST, CAP_NET_RAW, network reach 'proxy' (from network.access=proxy)" "$OUT"
ent check --format json --policy "$P/user" -e network.access=proxy
check "check --format json: refused, exit 1, missing grants listed" sh -c \
	"[ $STATUS = 1 ] && grep -q '\"allowed\":false' '$OUT' && grep -q '\"grant\":\"CAP_NET_RAW\"' '$OUT'"
run_fails "check: bad entitlement -> 125" 125 "did you mean network.access=proxy" check \
	--policy "$P/user" -e network.acess=proxy
run_ok "check without a policy: allowed" '^allowed: no node policy' check -e network.access=host

# Malformed files: 125, naming the file and the line.
printf 'allow network.access=user\ndeny everything\n' >"$P/bad-keyword"
run_fails "policy: unknown keyword" 125 "policy $P/bad-keyword:2: unknown keyword 'deny'" \
	--policy "$P/bad-keyword" $R /bin/true
printf '\nallow network.acess=user\n' >"$P/bad-ent"
run_fails "policy: unknown entitlement" 125 "policy $P/bad-ent:2: entitlements: unknown entitlement" \
	--policy "$P/bad-ent" $R /bin/true
printf 'profile-dir %s\nallow profile nosuch\n' "$P/profiles" >"$P/bad-profile"
run_fails "policy: unknown profile" 125 "unknown profile 'nosuch'" --policy "$P/bad-profile" \
	$R /bin/true
printf 'allow network.access=user\nlimit pids 10\n\nlimit pids 20\n' >"$P/bad-limit"
run_fails "policy: a limit given twice" 125 "policy $P/bad-limit:4: 'limit pids' given twice" \
	--policy "$P/bad-limit" $R /bin/true
printf 'allow subnet 10.1.2.3/8\n' >"$P/bad-subnet"
run_fails "policy: a subnet with host bits" 125 \
	"policy $P/bad-subnet:1: 'allow subnet' needs an IPv4 CIDR block without host bits, got '10.1.2.3/8'" \
	check --policy "$P/bad-subnet"
printf '# ports\nallow publish 90-80\n' >"$P/bad-publish"
run_fails "policy: a reversed port range" 125 "policy $P/bad-publish:2: 'allow publish' needs" \
	--policy "$P/bad-publish" $R /bin/true
printf 'seccomp-root seccomp\n' >"$P/bad-dir"
run_fails "policy: a relative seccomp-root" 125 \
	"policy $P/bad-dir:1: 'seccomp-root' needs a plain absolute path, got 'seccomp'" \
	--policy "$P/bad-dir" $R /bin/true
printf 'network.access=user\nbogus\n' >"$P/profiles/broken"
run_fails "profile: malformed line" 125 "profile $P/profiles/broken:2: entitlements: unknown entitlement 'bogus'" \
	$PD -p broken $R /bin/true
run_fails "profile: unknown" 125 "unknown profile 'nosuch' \(no file $P/profiles/nosuch; built-in: default, privileged\)" \
	$PD -p nosuch $R /bin/true
run_fails "missing policy file" 125 "policy $P/nosuch: No such file" --policy "$P/nosuch" $R /bin/true
# A FIFO is no policy, and is not waited on (the run would hang for a writer).
mkfifo "$P/fifo" && mkfifo "$P/profiles/fifo"
run_fails "a FIFO as policy: refused, not waited on" 125 "policy $P/fifo: not a regular file" \
	--policy "$P/fifo" $R /bin/true
run_fails "a FIFO as profile: refused, not waited on" 125 \
	"profile $P/profiles/fifo: not a regular file" $PD -p fifo $R /bin/true
rm -f "$P/fifo" "$P/profiles/fifo"
# A NUL byte would hide the lines after it from the parser (a ceiling dropped): refused.
printf 'allow network.access=user\n\000limit memory 1G\n' >"$P/nul"
printf 'network.access=none\000network.access=host\n' >"$P/profiles/nul"
chmod 644 "$P/nul" "$P/profiles/nul"
run_fails "a policy with a NUL byte: refused" 125 "policy $P/nul: a NUL byte at offset 26" \
	--policy "$P/nul" --memory 2G $R /bin/true
run_fails "a profile with a NUL byte: refused" 125 \
	"profile $P/profiles/nul: a NUL byte at offset 19" $PD -p nul $R /bin/true

# Trust: as root, a policy or profile others can write is no policy.
chmod 666 "$P/user"
run_fails "policy writable by others: refused" 125 "policy $P/user is writable by others than root" \
	--policy "$P/user" $R /bin/true
chmod 644 "$P/user"
chown 65534 "$P/user"
run_fails "policy owned by another user: refused" 125 "owner uid 65534" --policy "$P/user" $R /bin/true
chown 0 "$P/user"
chmod 777 "$P/profiles"
run_fails "profile directory writable by others: refused" 125 \
	"profile directory $P/profiles is writable by others than root" $PD -p ci $R /bin/true
chmod 755 "$P/profiles"
chmod 664 "$P/profiles/ci"
run_fails "profile writable by its group: refused" 125 "profile $P/profiles/ci is writable" \
	$PD -p ci $R /bin/true
chmod 644 "$P/profiles/ci"

# A seccomp profile others can write would let them change an allowed localhost/NAME filter.
mkdir -p "$P/seccomp" && chmod 755 "$P/seccomp"
echo '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$P/seccomp/open.json"
chmod 666 "$P/seccomp/open.json"
run_fails "seccomp profile writable by others: refused" 125 \
	"seccomp profile $P/seccomp/open.json is writable by others than root" \
	--seccomp-profile-root "$P/seccomp" --seccomp localhost/open.json $R /bin/true
chmod 644 "$P/seccomp/open.json"

# explain shows which profile contributed which entitlement.
run_ok "explain: provenance of profile entitlements" 'network.access=proxy +\[profile ci\]' \
	explain $PD -p ci
run_ok "built-in profile default is empty" 'none requested' explain -p default

# The default policy file applies when it exists. Shown only to a private mount namespace, where
# /etc is an overlay holding /etc/ent-run/policy: the host's /etc is never written.
mkdir -p "$T_TMP/etc-upper/ent-run" "$T_TMP/etc-work"
cp "$P/user" "$T_TMP/etc-upper/ent-run/policy" && chmod 644 "$T_TMP/etc-upper/ent-run/policy"
ENT_RUN_REAL=$ENT_RUN
printf '#!/bin/sh\nexec unshare -m --propagation private sh -c '"'"'mount -t overlay overlay -o lowerdir=/etc,upperdir=%s,workdir=%s /etc && exec "$0" "$@"'"'"' %s "$@"\n' \
	"$T_TMP/etc-upper" "$T_TMP/etc-work" "$ENT_RUN_REAL" >"$T_TMP/ent-run-etc"
chmod +x "$T_TMP/ent-run-etc"
ENT_RUN=$T_TMP/ent-run-etc
run_fails "/etc/ent-run/policy applies by default" 125 "refused by /etc/ent-run/policy" \
	-e network.access=proxy $R /bin/true
run_status "/etc/ent-run/policy allows what it lists" 0 -e network.access=none $R /bin/true
ENT_RUN=$ENT_RUN_REAL
check "the host's /etc/ent-run/policy is untouched" sh -c "[ ! -e /etc/ent-run/policy ] || ! cmp -s /etc/ent-run/policy '$P/user'"
finish
