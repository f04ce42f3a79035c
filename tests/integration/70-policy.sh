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
printf 'allow profile privileged\n' >"$P/privileged"
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

# Seccomp references replace the filter: the policy must allow them.
run_fails "--seccomp unconfined refused unless allowed" 125 \
	"seccomp unconfined \(from --seccomp\) is not allowed" --policy "$P/empty" \
	--seccomp unconfined $R /bin/true
run_ok "--seccomp unconfined runs when allowed" '^Seccomp:.0' --policy "$P/unconfined" \
	--seccomp unconfined $R /bin/grep Seccomp: /proc/self/status

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
printf 'allow profile nosuch\n' >"$P/bad-profile"
run_fails "policy: unknown profile" 125 "unknown profile 'nosuch'" --policy "$P/bad-profile" \
	$PD $R /bin/true
printf 'network.access=user\nbogus\n' >"$P/profiles/broken"
run_fails "profile: malformed line" 125 "profile $P/profiles/broken:2: entitlements: unknown entitlement 'bogus'" \
	$PD -p broken $R /bin/true
run_fails "profile: unknown" 125 "unknown profile 'nosuch' \(no file $P/profiles/nosuch; built-in: default, privileged\)" \
	$PD -p nosuch $R /bin/true
run_fails "missing policy file" 125 "policy $P/nosuch: No such file" --policy "$P/nosuch" $R /bin/true

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

# The default policy file applies when it exists (only if this host has none of its own).
if [ ! -e /etc/ent-run/policy ]; then
	made_dir=
	[ -d /etc/ent-run ] || { mkdir /etc/ent-run && made_dir=yes; }
	trap 'rm -f /etc/ent-run/policy; [ -n "$made_dir" ] && rmdir /etc/ent-run; rm -rf "$T_TMP"' EXIT
	cp "$P/user" /etc/ent-run/policy && chmod 644 /etc/ent-run/policy
	run_fails "/etc/ent-run/policy applies by default" 125 "refused by /etc/ent-run/policy" \
		-e network.access=proxy $R /bin/true
	run_status "/etc/ent-run/policy allows what it lists" 0 -e network.access=none $R /bin/true
else
	skip "/etc/ent-run/policy applies by default" "this host has its own /etc/ent-run/policy"
fi
finish
