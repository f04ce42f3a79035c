#!/bin/sh
# Issue 2: the same launch as an unprivileged user (single-id map, and subuid via newuidmap).
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
if ! rootless_possible; then
	skip "rootless launch" "unprivileged user namespaces are disabled on this host"
	finish
fi
# The rootfs and the binary must be reachable by the unprivileged user (copies if need be).
if ! user_paths; then
	fail "rootless launch" "could not copy $ENT_RUN and $ROOTFS where uid $ROOTLESS_UID can reach them"
	finish
fi
R=$U_ROOTFS
rent() { as_user "$U_ENT_RUN" "$@" >"$OUT" 2>"$ERR" </dev/null; STATUS=$?; }
rent $R /bin/cat /proc/self/uid_map
check "rootless: caller mapped to root" grep -Eq '^ +0 +65534 +1$' "$OUT"
rent $R /bin/sh -c 'id -u; hostname; ls /sys/class/net; echo $$'
check "rootless: root inside, own hostname, only lo, PID 2" \
	[ "$(tr '\n' ' ' <"$OUT")" = "0 ent-run lo 2 " ]
rent $R /bin/ip link show lo
check "rootless: loopback is up (the child brings it up itself)" grep -q 'lo: <LOOPBACK,UP' "$OUT"
rent $R /bin/sh -c 'ls -A /sys/bus /sys/firmware | wc -l; touch /sys/bus/x 2>&1;
	grep -E " /sys/(bus|firmware) " /proc/self/mountinfo | cut -d" " -f6'
check "rootless: masked directories: empty, read-only (ro,nosuid,nodev,noexec)" \
	[ "$(tr '\n' ' ' <"$OUT")" = "3 touch: /sys/bus/x: Read-only file system ro,nosuid,nodev,noexec,relatime ro,nosuid,nodev,noexec,relatime " ]
rent $R /bin/ls -A /dev
check "rootless: minimal /dev" [ "$(tr '\n' ' ' <"$OUT")" = "core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " ]
rent $R /bin/sh -c 'echo x >/proc/sys/kernel/hostname'
check "rootless: /proc/sys read-only" grep -q 'Read-only file system' "$ERR"
rent $R /bin/sh -c 'exit 5'
check "rootless: exit status" [ "$STATUS" = 5 ]

# With subordinate ids: newuidmap maps a range, so other users exist inside. The user and its
# ranges exist only in a private mount namespace (with_ids): the host's files stay untouched.
if command -v newuidmap >/dev/null; then
	u=64998
	ids="passwd:entrun-test:x:$u:$u::/nonexistent:/usr/sbin/nologin
subid:entrun-test:200000:65536"
	with_ids "$ids" setpriv --reuid $u --regid $u --clear-groups "$U_ENT_RUN" $R \
		/bin/cat /proc/self/uid_map >"$OUT" 2>"$ERR"
	check "rootless with /etc/subuid: newuidmap maps the range" grep -Eq '^ +1 +200000 +65536$' "$OUT"
	with_ids "$ids" setpriv --reuid $u --regid $u --clear-groups "$U_ENT_RUN" -u 1000 $R \
		/bin/id -u >"$OUT" 2>"$ERR"
	check "rootless with /etc/subuid: --user 1000 works" grep -q '^1000$' "$OUT"
else
	skip "rootless with /etc/subuid" "newuidmap (package uidmap) not installed"
fi
finish
