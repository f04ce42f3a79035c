#!/bin/sh
# Issue 16: a real multi-step job, learned in a Debian rootfs: apt-get update, apt-get install
# -y hello, hello, reaching the Debian mirror. Round 1 shows the ids apt cannot change, round 2
# the network it then cannot reach, round 3 runs; the proposal is exactly network.access=user
# and security.access=user, and --verify passes. --ephemeral: every round starts from the
# rootfs as debootstrap left it. The rootfs is made once and cached (make debian).
. "$(dirname "$0")/lib.sh"
DEBIAN=${DEBIAN:-build/debian}
ENT_RUN_CACHE_DIR=$T_TMP/cache
export ENT_RUN_CACHE_DIR
skip_unless "learn apt-get" "not root: the capability checks need root, the rootfs is root's" is_root
if [ ! -f "$DEBIAN/.stamp" ]; then
	${MAKE_DEBIAN:-make debian} >"$T_TMP/debian" 2>&1
	if [ ! -f "$DEBIAN/.stamp" ]; then
		if grep -q '^mkdebian: .*\(cannot reach\|not installed\)' "$T_TMP/debian"; then
			skip "learn apt-get" "$(grep -m1 '^mkdebian: ' "$T_TMP/debian")"
		else
			fail "learn apt-get" "no Debian rootfs: $(tail -n 2 "$T_TMP/debian" | tr '\n' ' ')"
		fi
		finish
	fi
fi

ent learn --verify --ephemeral "$DEBIAN" /bin/sh -c \
	'apt-get update && apt-get install -y hello && hello'
apt_learned() {
	[ "$STATUS" = 0 ] &&
		[ "$(tr '\n' ' ' <"$OUT")" = "network.access=user security.access=user " ] &&
		grep -q '^Hello, world!$' "$ERR" &&
		grep -q '^learn: verify: the same: exit 0' "$ERR"
}
check "apt-get update && install hello && hello: network.access=user, security.access=user" \
	apt_learned
apt_learned || sed -n '/^learn: /p' "$ERR"
apt_rounds() {
	grep -q "^E: setgroups .* failed" "$ERR" &&
		grep -q "^learn: round 1: exit 100; needs .*CAP_SETGID (setgroups)" "$ERR" &&
		grep -q "^learn: round 2: exit 100; needs network reach 'user' (connect)$" "$ERR" &&
		grep -q "^learn: round 3: exit 0; nothing new$" "$ERR"
}
check "... learned in three rounds: the ids first, then the network" apt_rounds
check "... and the rootfs is as debootstrap left it" [ ! -e "$DEBIAN/usr/bin/hello" ]
finish
