#!/bin/sh
# Issue 2: process options (--env, --workdir, --user, --volume, --tmpfs, --tty).
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
D=$T_TMP/vol
mkdir -p "$D" && echo hello >"$D/file"

run_ok "clean environment with PATH and HOME" '^HOME=/root PATH=/usr/local/sbin' $R /bin/sh -c \
	'env | grep -E "^(HOME|PATH)=" | sort | tr "\n" " "'
ent $R /bin/env
check "no host variable leaks in (the container ran)" sh -c "[ $STATUS = 0 ] && grep -q '^PATH=' '$OUT' && ! grep -q '^ENT_RUN=' '$OUT'"
run_ok "--env K=V" '^bar$' --env FOO=bar $R /bin/sh -c 'echo $FOO'
FROMHOST=fromhost run_ok "--env K takes the value from ent-run's environment" '^fromhost$' \
	--env FROMHOST $R /bin/sh -c 'echo $FROMHOST'
run_ok "--workdir" '^/etc$' --workdir /etc $R /bin/pwd
run_ok "--user UID:GID" '^1000 1001$' --user 1000:1001 $R /bin/sh -c 'echo $(id -u) $(id -g)'
run_ok "--user UID (gid follows)" '^1000 1000$' -u 1000 $R /bin/sh -c 'echo $(id -u) $(id -g)'
run_ok "--volume read-write" '^hello$' -v "$D:/mnt/data" $R /bin/cat /mnt/data/file
ent -v "$D:/mnt/data" $R /bin/sh -c 'echo written >/mnt/data/new'
check "--volume writes reach the host" grep -q written "$D/new"
run_ok "--volume :ro is read-only (EROFS)" 'Read-only file system' -v "$D:/mnt/data:ro" $R \
	/bin/sh -c 'echo x 2>&1 >/mnt/data/file | cat; true'
run_ok "--volume of a single file" '^hello$' -v "$D/file:/etc/motd:ro" $R /bin/cat /etc/motd
# A volume onto something of the other kind in the image: said as such (move_mount says EINVAL).
run_fails "--volume of a directory onto a file of the rootfs: refused, said so" 125 \
	"rootfs: (attach the idmapped volume|bind volume [^ ]+) on /etc/passwd: a directory onto a file of the rootfs\$" \
	-v "$D:/etc/passwd" $R /bin/true
run_fails "--volume of a file onto a directory of the rootfs: refused, said so" 125 \
	"rootfs: (attach the idmapped volume|bind volume [^ ]+) on /etc: a file onto a directory of the rootfs\$" \
	-v "$D/file:/etc" $R /bin/true
run_ok "--tmpfs" 'tmpfs' --tmpfs /scratch $R /bin/sh -c \
	'touch /scratch/x && grep " /scratch " /proc/self/mountinfo'
# Every tmpfs has a size, so that no container fills the host's memory through one.
run_ok "--tmpfs without a size: the default, 64M" ' /scratch .* - tmpfs tmpfs rw,size=65536k' \
	--tmpfs /scratch $R /bin/grep " /scratch " /proc/self/mountinfo
ent --tmpfs /small:size=1M $R /bin/sh -c 'grep " /small " /proc/self/mountinfo
	df -k /small | tail -n 1; dd if=/dev/zero of=/small/fill bs=1k count=2048 2>&1
	echo "dd exit $?"'
check "--tmpfs DST:size=1M: the container ran" [ "$STATUS" = 0 ]
check "--tmpfs DST:size=1M: the mount says so" grep -q ' /small .* - tmpfs tmpfs rw,size=1024k' "$OUT"
check "--tmpfs DST:size=1M: df says 1024 KiB" grep -Eq '^tmpfs +1024 .* /small$' "$OUT"
check "--tmpfs DST:size=1M: writing beyond it fails with ENOSPC" sh -c \
	"grep -q 'No space left on device' '$OUT' && grep -q 'dd exit 1' '$OUT'"
run_fails "--tmpfs with another option: refused" 125 \
	"--tmpfs: unknown option 'mode=777' after '/x' \(expected DST or DST:size=SIZE\)" \
	--tmpfs /x:mode=777 $R /bin/true
for e in "" "-e security.fs=read-only"; do
	ent $e $R /bin/sh -c 'echo ran; grep " - tmpfs " /proc/self/mountinfo | grep -v " ro[, ]" |
		grep -v "size=" | cut -d" " -f5'
	check "every writable tmpfs has a size (${e:-default})" sh -c \
		"[ $STATUS = 0 ] && [ \"\$(cat '$OUT')\" = ran ]"
done
run_ok "security.fs=read-only: /tmp and /run have the default size" '^2$' \
	-e security.fs=read-only $R /bin/sh -c \
	'grep -cE " /(tmp|run) .* - tmpfs tmpfs rw,size=65536k" /proc/self/mountinfo'
run_ok "--tty gives a terminal from the container's devpts" '^/dev/pts/0' -t $R /bin/tty
run_ok "--tty: stdout is that terminal" '^yes' -t $R /bin/sh -c '[ -t 1 ] && echo yes'
ent -t $R /bin/sh -c 'echo out; exit 4'
check "--tty: output relayed and status kept" sh -c "[ $STATUS = 4 ] && grep -q '^out' '$OUT'"


# Bad input: one line, status 125, nothing left behind.
mounts_snapshot "$T_TMP/before"
run_fails "missing rootfs" 125 'rootfs /nonexistent: No such file' /nonexistent /bin/true
run_fails "rootfs is a file" 125 'rootfs /etc/passwd: Not a directory' /etc/passwd /bin/true
run_fails "missing command" 125 'missing COMMAND' $R
run_fails "unknown option" 125 "unknown option '--frobnicate'" --frobnicate $R /bin/true
run_fails "option without value" 125 "option '--hostname' needs a value" --hostname
run_fails "missing volume source" 125 'source /nonexistent/x: No such file' \
	-v /nonexistent/x:/data $R /bin/true
run_fails "relative volume destination" 125 "not an absolute path" -v "$D:data" $R /bin/true
run_fails "volume destination escaping with .." 125 "contains '\.\.'" -v "$D:/../../x" $R /bin/true
ln -sfn /etc "$R/escape-link" 2>/dev/null
run_fails "volume destination through a symlink out of the rootfs" 125 'escape-link' \
	-v "$D:/escape-link/x" $R /bin/true
rm -f "$R/escape-link"
check "no file created outside the rootfs" [ ! -e /etc/x ]
# /dev, /proc and /sys are ent-run's: a volume there would get the device nodes and masks
# ent-run makes, in a host directory; a mount beneath them may cover part of them.
mkdir -p "$T_TMP/devdir"
for t in /dev /proc /sys; do
	run_fails "--volume onto $t: refused" 125 "--volume onto $t: the container's $t is ent-run's own" \
		-v "$T_TMP/devdir:$t" $R /bin/true
	run_fails "--tmpfs onto $t: refused" 125 "--tmpfs onto $t: the container's $t is ent-run's own" \
		--tmpfs "$t/" $R /bin/true
done
# Nor through a symlink of the image that leads there.
ln -sfn dev "$R/devlink"
run_fails "--volume onto a symlink to /dev: refused" 125 \
	"volume target /devlink: resolves to the container's /dev, which is ent-run's own" \
	-v "$T_TMP/devdir:/devlink" $R /bin/true
run_fails "--tmpfs onto a symlink to /dev: refused" 125 \
	"tmpfs target /devlink: resolves to the container's /dev" --tmpfs /devlink $R /bin/true
rm -f "$R/devlink"
check "... and nothing was made in the host directory" [ -z "$(ls -A "$T_TMP/devdir")" ]
run_ok "--tmpfs beneath /dev may cover a standard mount (/dev/shm)" ' 131072 ' \
	--tmpfs /dev/shm:size=128M $R /bin/sh -c 'df -k /dev/shm | tail -n 1'
run_fails "bad --user" 125 "--user: 'bob' is not UID" -u bob $R /bin/true
run_fails "bad --hostname" 125 "--hostname: 'a b'" --hostname 'a b' $R /bin/true
run_fails "missing workdir" 125 'working directory /nope' -w /nope $R /bin/true
mounts_snapshot "$T_TMP/after"
check "host mount table unchanged" cmp -s "$T_TMP/before" "$T_TMP/after"
# A container still running would be a process executing our binary (its PID 1).
bin=$(readlink -f "$ENT_RUN")
left=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ] && echo "${p#/proc/}"; done)
check "no container process left" [ -z "$left" ]
[ -z "$left" ] || echo "left: $left"
# A path swapped for a symlink between ent-run resolving it and the mount (by whoever may write
# a directory on the way) is refused. As root the parent clones the rootfs and volumes as
# idmapped mounts: gdb stops it right before, the swap happens there, and it must notice.
if command -v gdb >/dev/null; then
	S=$T_TMP/swap
	mkdir -p "$S/ws" "$S/secret" && chmod 700 "$S/secret" && echo secret >"$S/secret/file"
	cp -a "$R" "$S/ws/rootfs"
	mkdir -p "$S/ws/vol"
	# swap_at_go WHAT ARGS...: run ent-run under gdb, replace $S/ws/WHAT by a symlink to
	# $S/secret when the parent starts making the idmapped mounts.
	swap_at_go() {
		what=$1
		shift
		printf '%s\n' 'set follow-fork-mode parent' 'set detach-on-fork on' \
			'break rootfs_idmap_prepare' 'run' \
			"shell mv '$S/ws/$what' '$S/ws/$what.real' && ln -s '$S/secret' '$S/ws/$what'" \
			'delete' 'continue' >"$S/gdb"
		gdb -q -batch -x "$S/gdb" --args "$ENT_RUN" "$@" >"$OUT" 2>&1
		rm -f "$S/ws/$what" && mv "$S/ws/$what.real" "$S/ws/$what"
	}
	swap_at_go rootfs "$S/ws/rootfs" /bin/sh -c 'cat /file; echo planted >/planted'
	check "rootfs swapped during set-up: refused" grep -q 'changed while the container was set up' "$OUT"
	check "rootfs swapped during set-up: nothing written" [ ! -e "$S/secret/planted" ]
	swap_at_go vol -v "$S/ws/vol:/v" "$S/ws/rootfs" /bin/sh -c 'echo planted >/v/planted'
	check "volume source swapped during set-up: refused" grep -q 'changed while the container was set up' "$OUT"
	check "volume source swapped during set-up: nothing written" [ ! -e "$S/secret/planted" ]
else
	skip "paths swapped during set-up" "gdb is not installed"
fi
finish
