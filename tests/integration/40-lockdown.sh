#!/bin/sh
# Issue 4: capabilities, no_new_privs and the seccomp filter, seen from inside the container
# (/proc/self/status and the errno of real system calls, through /probe/probe).
. "$(dirname "$0")/lib.sh"
R=$ROOTFS
P=/probe/probe
# Generated filters go to a cache of our own, not to /var/cache/ent-run.
ENT_RUN_CACHE_DIR=$T_TMP/cache
export ENT_RUN_CACHE_DIR

# int 0x80 needs the kernel's IA-32 emulation: where the host itself cannot make the call
# (emulation disabled, or a hypervisor without it: SIGSEGV), its checks inside are skips.
HOST_INT80=$("$ROOTFS/probe/probe" int80 getpid 2>&1)

# mask CAP...: the capability mask of these capability numbers, as /proc/self/status prints it.
mask() {
	m=0
	for c; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}
CAP_LAST=$(cat /proc/sys/kernel/cap_last_cap)
if [ "$CAP_LAST" -ge 63 ]; then ALL_CAPS=ffffffffffffffff; else
	ALL_CAPS=$(printf '%016x' $(((1 << (CAP_LAST + 1)) - 1))); fi
NONE=$(mask)
PROXY=$(mask 10 11 13)                        # NET_BIND_SERVICE NET_BROADCAST NET_RAW
NETADMIN=$(mask 10 11 12 13)                  # proxy + NET_ADMIN
VIEWER=$(mask 2)                              # DAC_READ_SEARCH
USER=$(mask 0 1 3 4 5 6 7 8 18 29 31)         # CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID
                                              # SETUID SETPCAP SYS_CHROOT AUDIT_WRITE SETFCAP
MEMLOCK=$(mask 14)                            # IPC_LOCK
USER_PROXY=$(mask 0 1 3 4 5 6 7 8 18 29 31 10 11 13)

# net_ent NAME ARGS...: run ent-run with a networked mode; a container that did not start (any
# status from ent-run itself: 125, 126, 127) is a failure, and returns 1 so that the checks of
# its output are not made.
net_ent() {
	name=$1
	shift
	ent "$@"
	case $STATUS in
	125 | 126 | 127)
		fail "$name" "the container did not start (exit $STATUS): $(grep -m1 '^ent-run: ' "$ERR")"
		return 1
		;;
	esac
	return 0
}

# caps_are NAME MASK [SECCOMP]: the last ent run exited 0, all five capability sets in $OUT
# are MASK, NoNewPrivs is 1 and Seccomp is SECCOMP (2, filter, unless told).
caps_are() {
	if [ "$STATUS" != 0 ]; then
		fail "$1" "exit $STATUS: $(head -c 300 "$ERR")"
		return
	fi
	bad=
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		got=$(sed -n "s/^$set:[[:space:]]*//p" "$OUT")
		[ "$got" = "$2" ] || bad="$bad $set=${got:-missing}"
	done
	grep -q '^NoNewPrivs:[[:space:]]*1$' "$OUT" || bad="$bad NoNewPrivs not 1"
	grep -q "^Seccomp:[[:space:]]*${3:-2}\$" "$OUT" || bad="$bad Seccomp not ${3:-2}"
	if [ -z "$bad" ]; then pass "$1"; else fail "$1" "expected $2 in every set, got:$bad"; fi
}

# line_is NAME LINE: $OUT holds exactly LINE (the probe prints "label: result").
line_is() {
	case $2 in "int80 "*) if [ "$HOST_INT80" != "int80 getpid: ok" ]; then
		skip "$1" "no IA-32 emulation on this host (int 0x80 outside any container: $HOST_INT80)"
		return
	fi ;;
	esac
	if grep -Fxq -- "$2" "$OUT"; then pass "$1"; else
		got=$(grep -F -m1 -- "${2%%: *}:" "$OUT")
		fail "$1" "expected '$2', got '$got' (exit $STATUS; $(head -c 200 "$ERR"))"
	fi
}

# line_fails NAME LABEL: $OUT has "LABEL: errno=..." (the call failed, whatever the errno).
line_fails() {
	if grep -Eq -- "^$2: errno=" "$OUT"; then pass "$1"; else
		fail "$1" "expected '$2: errno=...', got '$(grep -F -m1 -- "$2:" "$OUT")' (exit $STATUS)"
	fi
}

# sodebug_errno ENTITLEMENT-ARGS...: the errno setsockopt(fd, SOL_SOCKET, SO_DEBUG) gets by the
# plan's seccomp rules (explain --format json); EACCES when the filter lets it through to the
# kernel, which wants CAP_NET_ADMIN in the host's user namespace (sockopt_capable()).
sodebug_errno() {
	"$ENT_RUN" explain --format json "$@" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
def hit(a):  # does the condition hold for level SOL_SOCKET (1), option SO_DEBUG (1)?
    v = {1: 1, 2: 1}.get(a["index"])
    if v is None:
        return True
    return {"==": v == a["value"], "!=": v != a["value"], "<": v < a["value"],
            "<=": v <= a["value"], ">": v > a["value"], ">=": v >= a["value"],
            "&": (v & a["value"]) == a["value2"]}[a["op"]]
for r in d["seccomp"]["rules"]:
    if r["syscall"] == "setsockopt" and all(hit(a) for a in r["args"]):
        print(r["errno"] if r["action"] == "errno" else "EACCES")
        break
else:
    print(d["seccomp"]["default_errno"])'
}

# ---------------------------------------------------------------- capabilities, no_new_privs
# Root and a non-root user get the same five sets: the granted ones (ambient for non-root).
for who in root 1000; do
	u=
	[ $who = root ] || u="--user $who"
	# shellcheck disable=SC2086
	{
		ent $u $R $P caps
		caps_are "$who, no entitlement: no capabilities" "$NONE"
		line_is "$who: NoNewPrivs 1" "NoNewPrivs:	1"
		line_is "$who: Seccomp 2 (filter)" "Seccomp:	2"
		line_is "$who: exactly one filter" "Seccomp_filters:	1"
		ent $u -e security.access=viewer $R $P caps
		caps_are "$who, security.access=viewer: DAC_READ_SEARCH" "$VIEWER"
		ent $u -e security.access=user $R $P caps
		caps_are "$who, security.access=user: the classic eleven" "$USER"
		ent $u -e security.access=admin $R $P caps
		caps_are "$who, security.access=admin: all $((CAP_LAST + 1)) capabilities" "$ALL_CAPS"
		line_is "$who, security.access=admin: NoNewPrivs still 1" "NoNewPrivs:	1"
		line_is "$who, security.access=admin: Seccomp still 2" "Seccomp:	2"
		ent $u -e security.memory-lock $R $P caps
		caps_are "$who, security.memory-lock: IPC_LOCK" "$MEMLOCK"
		net_ent "$who, network.access=user: capabilities" $u -e network.access=user $R $P caps &&
			caps_are "$who, network.access=user: no capabilities" "$NONE"
		net_ent "$who, network.access=proxy: capabilities" $u -e network.access=proxy $R $P caps &&
			caps_are "$who, network.access=proxy: NET_BIND_SERVICE NET_BROADCAST NET_RAW" "$PROXY"
		net_ent "$who, network.access=admin: capabilities" $u -e network.access=admin $R $P caps &&
			caps_are "$who, network.access=admin: proxy + NET_ADMIN" "$NETADMIN"
		net_ent "$who, proxy + security.access=user: capabilities" $u -e network.access=proxy \
			-e security.access=user $R $P caps &&
			caps_are "$who, network.access=proxy + security.access=user: the union" "$USER_PROXY"
		ent $u --seccomp unconfined $R $P caps
		caps_are "$who, --seccomp unconfined: still no capabilities" "$NONE" 0
		line_is "$who, --seccomp unconfined: Seccomp 0" "Seccomp:	0"
		line_is "$who, --seccomp unconfined: NoNewPrivs still 1" "NoNewPrivs:	1"
	}
done

# A caller's ambient capability does not reach the container. Where no capability is kept,
# capset(2) alone empties the ambient set (it keeps only what is both permitted and
# inheritable), and lockdown.c skips libcap's reset; where some are kept, the reset runs.
if setpriv --inh-caps=+net_raw --ambient-caps=+net_raw true 2>/dev/null; then
	for e in "" "--user 1000" "-e host.devices.access=admin"; do
		want=$NONE
		[ "$e" = "-e host.devices.access=admin" ] && want=$(mask 17 27) # SYS_RAWIO MKNOD
		# shellcheck disable=SC2086
		setpriv --inh-caps=+net_raw --ambient-caps=+net_raw "$ENT_RUN" $e $R $P caps \
			>"$OUT" 2>"$ERR" </dev/null
		STATUS=$?
		caps_are "started with ambient NET_RAW${e:+ ($e)}: only what is granted" "$want"
	done
else
	skip "started with ambient NET_RAW" "setpriv cannot raise an ambient capability here"
fi

# A setuid-root binary cannot give a non-root user root: no_new_privs ignores the setuid bit.
ent $R /bin/ls -ln /probe/probe-suid
check "rootfs holds a setuid-root probe" grep -Eq '^-rws.* 0 +0 ' "$OUT"
for e in "" "-e security.access=user" "-e security.access=admin"; do
	# shellcheck disable=SC2086
	ent --user 1000 $e $R /probe/probe-suid ids
	line_is "setuid-root binary run as 1000${e:+ ($e)}: no euid 0" \
		"ids: uid=1000 euid=1000 suid=1000 gid=1000 egid=1000 groups=0"
done
ent --user 1000 $R /bin/sh -c "/probe/probe-suid caps | grep -E '^Cap(Prm|Eff)'"
check "setuid-root binary run as 1000: no capabilities either" \
	[ "$(tr -d ' \t\n' <"$OUT")" = "CapPrm:${NONE}CapEff:${NONE}" ]

# ---------------------------------------------------------------- socket families
# AF_VSOCK reaches the hypervisor whatever the network namespace; AF_ALG is the kernel's crypto
# API. Both are refused at every level (the socket call is made; a family the host lacks
# would fail with EAFNOSUPPORT, never with EPERM).
for e in "" "-e network.access=admin" "-e security.access=admin"; do
	ent $e $R /bin/sh -c "$P socket vsock; $P socket alg; $P socket inet"
	check "socket(AF_VSOCK) and socket(AF_ALG) refused, AF_INET allowed ($e)" sh -c \
		"grep -q 'vsock: errno=EPERM' '$OUT' && grep -q 'alg: errno=EPERM' '$OUT' && grep -q 'inet: ok' '$OUT'"
done

# ---------------------------------------------------------------- the default filter
ent $R /bin/sh -c "$P syscall getpid; $P syscall getppid; $P socket inet; $P socket inet6; \
	$P socket unix; $P ptrace-self; $P mount; $P kexec; $P syscall kexec_file_load 0 0 0 0 0; \
	for k in user net mount pid uts ipc; do $P unshare \$k; done; $P clone-newuser; $P mlock; \
	$P syscall mlockall 1; $P clone3; $P tiocsti; $P syscall ioctl 0 0x541C; \
	$P syscall ioctl 0 0x100005412; $P syscall ioctl 0 0x5401; $P personality 0; \
	$P personality 0xffffffff; $P personality 0x0040000; $P personality 0x0400000; \
	$P syscall setns 0 0; $P syscall bpf 0 0 0; $P syscall keyctl 0; $P syscall chroot 0; \
	$P syscall userfaultfd 0; $P syscall io_uring_setup 0 0; \
	$P syscall perf_event_open 0 0 0 0 0; \
	$P syscall swapon 0 0; $P syscall init_module 0 0 0; $P syscall reboot 0 0 0 0; \
	$P syscall iopl 3; $P syscall clock_settime 0 0; $P syscall open_by_handle_at 0 0 0; \
	$P setsockopt-sodebug; \
	$P x32 getpid; $P x32 unshare; $P int80 getpid; $P int80 unshare"
check "default: the probes ran (exit 0)" [ "$STATUS" = 0 ]
line_is "default: getpid allowed" "getpid: ok"
line_is "default: getppid allowed" "getppid: ok"
line_is "default: socket(AF_INET) allowed" "socket inet: ok"
line_is "default: socket(AF_INET6) allowed" "socket inet6: ok"
line_is "default: socket(AF_UNIX) allowed" "socket unix: ok"
line_is "default: ptrace of the container's own child allowed" "ptrace-self: ok"
line_is "default: mount EPERM" "mount: errno=EPERM"
line_is "default: kexec_load EPERM" "kexec: errno=EPERM"
line_is "default: kexec_file_load EPERM" "kexec_file_load: errno=EPERM"
for k in user net mount pid uts ipc; do
	line_is "default: unshare(CLONE_NEW${k}) EPERM" "unshare $k: errno=EPERM"
done
line_is "default: clone(CLONE_NEWUSER) EPERM" "clone-newuser: errno=EPERM"
line_is "default: mlock EPERM" "mlock: errno=EPERM"
line_is "default: mlockall EPERM" "mlockall: errno=EPERM"
line_is "default: clone3 ENOSYS (libc falls back to clone)" "clone3: errno=ENOSYS"
# stdin is /dev/null: without the filter these ioctls would fail with ENOTTY, not EPERM.
line_is "default: ioctl(TIOCSTI) EPERM" "tiocsti: errno=EPERM"
grep '^ioctl: ' "$OUT" >"$T_TMP/ioctl"
check "default: ioctl(TIOCLINUX) EPERM" [ "$(sed -n 1p "$T_TMP/ioctl")" = "ioctl: errno=EPERM" ]
check "default: ioctl(TIOCSTI | 1<<32) EPERM (low 32 bits compared)" \
	[ "$(sed -n 2p "$T_TMP/ioctl")" = "ioctl: errno=EPERM" ]
check "default: other ioctls reach the kernel (TCGETS: ENOTTY)" \
	[ "$(sed -n 3p "$T_TMP/ioctl")" = "ioctl: errno=ENOTTY" ]
line_is "default: personality(PER_LINUX) allowed" "personality 0: ok"
line_is "default: personality query allowed" "personality 0xffffffff: ok"
line_fails "default: personality(ADDR_NO_RANDOMIZE) fails" "personality 0x0040000"
line_fails "default: personality(READ_IMPLIES_EXEC) fails" "personality 0x0400000"
line_is "default: setns EPERM" "setns: errno=EPERM"
line_is "default: bpf EPERM" "bpf: errno=EPERM"
line_is "default: keyctl EPERM" "keyctl: errno=EPERM"
line_is "default: chroot EPERM" "chroot: errno=EPERM"
line_is "default: userfaultfd EPERM" "userfaultfd: errno=EPERM"
line_is "default: io_uring_setup EPERM" "io_uring_setup: errno=EPERM"
line_is "default: perf_event_open EPERM" "perf_event_open: errno=EPERM"
line_is "default: swapon EPERM" "swapon: errno=EPERM"
line_is "default: init_module EPERM" "init_module: errno=EPERM"
line_is "default: reboot EPERM" "reboot: errno=EPERM"
line_is "default: iopl EPERM" "iopl: errno=EPERM"
line_is "default: clock_settime EPERM" "clock_settime: errno=EPERM"
line_is "default: open_by_handle_at EPERM" "open_by_handle_at: errno=EPERM"
line_is "default: setsockopt(SO_DEBUG) fails with $(sodebug_errno) (the catalogue's answer)" \
	"setsockopt-sodebug: errno=$(sodebug_errno)"
# Other ABIs are refused by the filter's architecture check: the process is killed.
for abi in x32 int80; do
	for c in getpid unshare; do
		line_is "default: $abi $c kills the process (SIGSYS)" "$abi $c: killed by SIGSYS"
	done
done

ent --seccomp unconfined $R /bin/sh -c "$P clone3; $P int80 getpid; $P mount; $P x32 getpid"
line_is "--seccomp unconfined: clone3 reaches the kernel" "clone3: ok"
line_is "--seccomp unconfined: int 0x80 not killed" "int80 getpid: ok"
line_is "--seccomp unconfined: mount still EPERM (no CAP_SYS_ADMIN)" "mount: errno=EPERM"

# ---------------------------------------------------------------- entitlements that change calls
ent -e security.memory-lock $R /bin/sh -c "$P mlock; $P syscall mlockall 1; $P syscall munlockall"
line_is "security.memory-lock: mlock works" "mlock: ok"
line_is "security.memory-lock: mlockall works" "mlockall: ok"
line_is "security.memory-lock: munlockall works" "munlockall: ok"
# RLIMIT_MEMLOCK: started with a low soft limit, the container gets the host's hard limit.
host_hard=$(ulimit -H -l)
sh -c 'ulimit -S -l 64 && exec "$@"' sh "$ENT_RUN" -e security.memory-lock $R /bin/sh -c \
	'echo $(ulimit -S -l) $(ulimit -H -l)' >"$OUT" 2>"$ERR" </dev/null
check "security.memory-lock: RLIMIT_MEMLOCK raised to the host's hard limit ($host_hard)" \
	[ "$(cat "$OUT")" = "$host_hard $host_hard" ]
sh -c 'ulimit -S -l 64 && exec "$@"' sh "$ENT_RUN" $R /bin/sh -c \
	'echo $(ulimit -S -l) $(ulimit -H -l)' >"$OUT" 2>"$ERR" </dev/null
check "default: RLIMIT_MEMLOCK left as inherited (64)" [ "$(cat "$OUT")" = "64 $host_hard" ]
if [ "$host_hard" != unlimited ] && [ "$host_hard" -gt 1024 ]; then
	sh -c 'ulimit -l 1024 && exec "$@"' sh "$ENT_RUN" -e security.memory-lock $R /bin/sh -c \
		'echo $(ulimit -S -l) $(ulimit -H -l)' >"$OUT" 2>"$ERR" </dev/null
	check "security.memory-lock: never above the hard limit it was given (1024)" \
		[ "$(cat "$OUT")" = "1024 1024" ]
fi

ent -e security.access=admin $R /bin/sh -c "$P unshare user; $P unshare net; $P unshare mount; \
	$P clone-newuser; $P clone3; $P mount; $P syscall setns 0 0; $P mlock; \
	$P personality 0x0040000; \
	$P kexec; $P syscall swapon 0 0; $P syscall init_module 0 0 0; $P tiocsti; \
	$P x32 getpid; $P int80 getpid; \
	mount -t tmpfs -o size=64k admin-tmpfs /tmp && echo hi >/tmp/f && \
	grep ' /tmp ' /proc/self/mountinfo"
line_is "security.access=admin: unshare(CLONE_NEWUSER) works" "unshare user: ok"
line_is "security.access=admin: unshare(CLONE_NEWNET) works" "unshare net: ok"
line_is "security.access=admin: unshare(CLONE_NEWNS) works" "unshare mount: ok"
line_is "security.access=admin: clone(CLONE_NEWUSER) works" "clone-newuser: ok"
line_is "security.access=admin: clone3 allowed" "clone3: ok"
line_is "security.access=admin: mount works" "mount: ok"
line_is "security.access=admin: setns reaches the kernel (EINVAL for a bad fd)" \
	"setns: errno=EINVAL"
line_is "security.access=admin: mlock works" "mlock: ok"
line_is "security.access=admin: any personality" "personality 0x0040000: ok"
line_is "security.access=admin: kexec still EPERM (host-kernel group)" "kexec: errno=EPERM"
line_is "security.access=admin: swapon still EPERM" "swapon: errno=EPERM"
line_is "security.access=admin: init_module still EPERM" "init_module: errno=EPERM"
line_is "security.access=admin: TIOCSTI still EPERM" "tiocsti: errno=EPERM"
line_is "security.access=admin: x32 still killed" "x32 getpid: killed by SIGSYS"
line_is "security.access=admin: int 0x80 still killed" "int80 getpid: killed by SIGSYS"
check "security.access=admin: a tmpfs mounted inside" \
	grep -q ' /tmp .* - tmpfs admin-tmpfs ' "$OUT"

ent -e security.access=user $R /bin/sh -c "$P syscall chroot 0; $P mount"
line_is "security.access=user: chroot reaches the kernel (EFAULT)" "chroot: errno=EFAULT"
line_is "security.access=user: mount still EPERM" "mount: errno=EPERM"

ent -e network.access=none $R /bin/sh -c "$P socket inet; $P socket inet6; $P socket netlink; \
	$P socket packet; $P socket unix; $P syscall socket 1 1 0; ls -A /sys/class/net | wc -l"
line_is "network.access=none: socket(AF_INET) EPERM" "socket inet: errno=EPERM"
line_is "network.access=none: socket(AF_INET6) EPERM" "socket inet6: errno=EPERM"
line_is "network.access=none: socket(AF_NETLINK) EPERM" "socket netlink: errno=EPERM"
line_is "network.access=none: socket(AF_PACKET) EPERM" "socket packet: errno=EPERM"
line_is "network.access=none: socket(AF_UNIX) works" "socket unix: ok"
line_is "network.access=none: socket(1, ...) works" "socket: ok"
check "network.access=none: /sys/class/net masked (empty)" [ "$(tail -n 1 "$OUT")" = 0 ]

for mode in proxy admin; do
	probes="$P setsockopt-sodebug; $P socket inet; $P socket packet; \
		$P syscall setsockopt 0 1 2 0 0"
	if net_ent "network.access=$mode: setsockopt" -e network.access=$mode $R /bin/sh -c "$probes"
	then
		want=$(sodebug_errno -e network.access=$mode)
		line_is "network.access=$mode: setsockopt(SO_DEBUG) fails with $want (the catalogue's)" \
			"setsockopt-sodebug: errno=$want"
		check "network.access=$mode: the catalogue blocks SO_DEBUG with EPERM" [ "$want" = EPERM ]
		line_is "network.access=$mode: socket(AF_INET) works" "socket inet: ok"
		line_is "network.access=$mode: raw socket(AF_PACKET) works (CAP_NET_RAW)" \
			"socket packet: ok"
		# setsockopt(0, SOL_SOCKET, SO_REUSEADDR): allowed; fd 0 is /dev/null: ENOTSOCK.
		line_is "network.access=$mode: other socket options reach the kernel" \
			"setsockopt: errno=ENOTSOCK"
	fi
done

# ---------------------------------------------------------------- --seccomp localhost/NAME
PD=$T_TMP/profiles
mkdir -p "$PD" "$T_TMP/deb"
containers_json=
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
	skip "containers/common default profile" "apt-get or dpkg missing"
elif ! (cd "$T_TMP/deb" && timeout 120 apt-get download -q golang-github-containers-common) \
	>"$T_TMP/apt.log" 2>&1; then
	skip "containers/common default profile" \
		"apt-get download golang-github-containers-common failed: $(grep -m1 . "$T_TMP/apt.log")"
elif ! dpkg -x "$T_TMP"/deb/golang-github-containers-common_*.deb "$T_TMP/deb/x" ||
	[ ! -f "$T_TMP/deb/x/usr/share/containers/seccomp.json" ]; then
	skip "containers/common default profile" "no usr/share/containers/seccomp.json in the package"
else
	containers_json=$T_TMP/deb/x/usr/share/containers/seccomp.json
	cp "$containers_json" "$PD/containers.json"
fi
if [ -n "$containers_json" ]; then
	# What Debian's profile (containers/common 0.50) says, for a container without capabilities:
	# default ERRNO(ENOSYS); kexec_load, swapon, userfaultfd ERRNO(EPERM); mount, unshare,
	# clone3 and mlock allowed (the kernel then decides); bpf and chroot EPERM unless
	# CAP_SYS_ADMIN / CAP_SYS_CHROOT; socket(AF_NETLINK, *, NETLINK_AUDIT) EINVAL without
	# CAP_AUDIT_WRITE; personality only 0, 8, 0x20000, 0x20008, 0xffffffff; io_uring unlisted.
	LH="--seccomp localhost/containers.json --seccomp-profile-root $PD"
	probes="$P syscall getpid; $P kexec; $P syscall swapon 0 0; $P syscall userfaultfd 0; \
		$P mount; $P syscall bpf 0 0 0; $P syscall chroot 0; $P clone3; $P unshare user; \
		$P unshare net; $P mlock; $P syscall io_uring_setup 0 0; $P syscall socket 16 3 9; \
		$P socket inet; $P personality 8; $P personality 0x0040000; $P tiocsti; \
		$P x32 getpid; $P int80 getpid; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status"
	# shellcheck disable=SC2086
	ent $LH $R /bin/sh -c "$probes"
	check "localhost/containers.json: the container runs" [ "$STATUS" = 0 ]
	line_is "localhost/containers.json: getpid allowed" "getpid: ok"
	line_is "localhost/containers.json: kexec_load EPERM" "kexec: errno=EPERM"
	line_is "localhost/containers.json: swapon EPERM" "swapon: errno=EPERM"
	line_is "localhost/containers.json: userfaultfd EPERM" "userfaultfd: errno=EPERM"
	line_is "localhost/containers.json: mount EPERM (no CAP_SYS_ADMIN)" "mount: errno=EPERM"
	line_is "localhost/containers.json: bpf EPERM (no CAP_SYS_ADMIN)" "bpf: errno=EPERM"
	line_is "localhost/containers.json: chroot EPERM (no CAP_SYS_CHROOT)" "chroot: errno=EPERM"
	line_is "localhost/containers.json: clone3 allowed" "clone3: ok"
	line_is "localhost/containers.json: unshare(CLONE_NEWUSER) allowed" "unshare user: ok"
	line_is "localhost/containers.json: unshare(CLONE_NEWNET) EPERM from the kernel" \
		"unshare net: errno=EPERM"
	line_is "localhost/containers.json: mlock allowed" "mlock: ok"
	line_is "localhost/containers.json: io_uring_setup unlisted (ENOSYS)" \
		"io_uring_setup: errno=ENOSYS"
	line_is "localhost/containers.json: NETLINK_AUDIT socket EINVAL" "socket: errno=EINVAL"
	line_is "localhost/containers.json: socket(AF_INET) allowed" "socket inet: ok"
	line_is "localhost/containers.json: personality(PER_LINUX32) allowed" "personality 8: ok"
	line_is "localhost/containers.json: personality(ADDR_NO_RANDOMIZE) ENOSYS" \
		"personality 0x0040000: errno=ENOSYS"
	line_is "localhost/containers.json: ioctl unfiltered (TIOCSTI on /dev/null: ENOTTY)" \
		"tiocsti: errno=ENOTTY"
	line_is "localhost/containers.json: x32 killed" "x32 getpid: killed by SIGSYS"
	line_is "localhost/containers.json: int 0x80 killed" "int80 getpid: killed by SIGSYS"
	line_is "localhost/containers.json: Seccomp 2" "Seccomp:	2"
	line_is "localhost/containers.json: NoNewPrivs 1" "NoNewPrivs:	1"
	# With every capability the profile's includes.caps entries apply.
	# shellcheck disable=SC2086
	ent $LH -e security.access=admin $R /bin/sh -c "$probes"
	line_is "localhost/containers.json + admin: mount works" "mount: ok"
	line_is "localhost/containers.json + admin: chroot allowed (EFAULT)" "chroot: errno=EFAULT"
	line_is "localhost/containers.json + admin: NETLINK_AUDIT socket allowed" "socket: ok"
	line_is "localhost/containers.json + admin: kexec_load still EPERM" "kexec: errno=EPERM"
	# shellcheck disable=SC2086
	ent --verbose $LH $R /bin/true
	check "localhost/containers.json: --verbose names the profile" \
		grep -q 'seccomp(SECCOMP_SET_MODE_FILTER): [0-9]* rules, default ERRNO(ENOSYS), from localhost/containers.json' \
		"$ERR"
fi

# Malformed profiles: exit 125, one line with the file, the JSON location and the reason.
printf '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [ { "names": ["read",] } ]\n}\n' \
	>"$PD/bad-json"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' >"$PD/truncated"
cat >"$PD/unknown-syscall" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["getpid", "no_such_call"], "action": "SCMP_ACT_ALLOW"}]}
EOF
cat >"$PD/unknown-action" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_MAYBE"}]}
EOF
cat >"$PD/unknown-default" <<'EOF'
{"defaultAction": "SCMP_ACT_NOPE", "syscalls": []}
EOF
cat >"$PD/unknown-op" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
               "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                        {"index": 1, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]}
EOF
cat >"$PD/arg-index" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
               "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}
EOF
cat >"$PD/names-string" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]}
EOF
cat >"$PD/not-object" <<'EOF'
["SCMP_ACT_ALLOW"]
EOF
cat >"$PD/duplicate-key" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "defaultAction": "SCMP_ACT_ALLOW"}
EOF
cat >"$PD/nul-in-name" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["getpid\u0000x"], "action": "SCMP_ACT_ERRNO"}]}
EOF
cat >"$PD/huge-number" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
               "args": [{"index": 0, "value": 99999999999999999999999, "op": "SCMP_CMP_LE"}]}]}
EOF
cat >"$PD/bad-min-kernel" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "a.b.c"}}]}
EOF
: >"$PD/empty"
head -c 5242880 /dev/zero | tr '\0' ' ' >"$PD/huge"
ro() { echo "seccomp profile $PD/$1: $2"; }
lh() { echo "--seccomp localhost/$1 --seccomp-profile-root $PD"; }
marker=/tmp/ent-run-40-lockdown-$$
rm -f "$R$marker"
# shellcheck disable=SC2046
{
	run_fails "profile: bad JSON names line and column" 125 \
		"$(ro bad-json 'line 3, column [0-9]+: bad JSON: ')" $(lh bad-json) $R /bin/touch $marker
	run_fails "profile: truncated JSON" 125 \
		"$(ro truncated 'line 1, column [0-9]+: bad JSON: unexpected end of file')" $(lh truncated) \
		 $R /bin/touch $marker
	run_fails "profile: unknown syscall name" 125 \
		"$(ro unknown-syscall "syscalls\\[1\\]\\.names\\[1\\]: unknown syscall 'no_such_call'")" \
		$(lh unknown-syscall) $R /bin/touch $marker
	run_fails "profile: unknown action" 125 \
		"$(ro unknown-action "syscalls\\[0\\]\\.action: unknown action 'SCMP_ACT_MAYBE' \\(expected: ")" \
		$(lh unknown-action) $R /bin/touch $marker
	run_fails "profile: unknown default action" 125 \
		"$(ro unknown-default "defaultAction: unknown action 'SCMP_ACT_NOPE'")" \
		$(lh unknown-default) $R /bin/touch $marker
	run_fails "profile: unknown operator" 125 \
		"$(ro unknown-op "syscalls\\[0\\]\\.args\\[1\\]\\.op: unknown operator 'SCMP_CMP_ALMOST' ")" \
		$(lh unknown-op) $R /bin/touch $marker
	run_fails "profile: argument index 6" 125 \
		"$(ro arg-index 'syscalls\[0\]\.args\[0\]\.index: 6 is out of range \(0-5\)')" \
		$(lh arg-index) $R /bin/touch $marker
	run_fails "profile: names is a string" 125 \
		"$(ro names-string 'syscalls\[0\]\.names: expected array, got string')" \
		$(lh names-string) $R /bin/touch $marker
	run_fails "profile: top level is not an object" 125 \
		"$(ro not-object 'expected a JSON object at the top, got array')" \
		$(lh not-object) $R /bin/touch $marker
	run_fails "profile: duplicate key" 125 \
		"$(ro duplicate-key 'line 2, column 2: defaultAction: duplicate key')" \
		$(lh duplicate-key) $R /bin/touch $marker
	run_fails "profile: \\u0000 in a syscall name" 125 \
		"$(ro nul-in-name 'syscalls\[0\]\.names\[0\]: contains control character U\+0000')" \
		$(lh nul-in-name) $R /bin/touch $marker
	run_fails "profile: number beyond 2^64-1" 125 "$(ro huge-number \
		'line 3, column [0-9]+: syscalls\[0\]\.args\[0\]\.value: 9+ is not an integer')" \
		$(lh huge-number) $R /bin/touch $marker
	run_fails "profile: malformed minKernel" 125 "$(ro bad-min-kernel \
		"syscalls\\[0\\]\\.includes\\.minKernel: 'a\\.b\\.c' is not a kernel version")" \
		$(lh bad-min-kernel) $R /bin/touch $marker
	run_fails "profile: empty file" 125 "$(ro empty 'empty file')" $(lh empty) $R /bin/touch $marker
	run_fails "profile: 5 MiB file is too large" 125 "$(ro huge 'too large \(5242880 bytes')" \
		$(lh huge) $R /bin/touch $marker
	run_fails "profile: missing file" 125 "$(ro missing 'No such file or directory')" \
		$(lh missing) $R /bin/touch $marker
	run_fails "profile: NAME with a slash" 125 "is not localhost/NAME" \
		--seccomp localhost/../x --seccomp-profile-root $PD $R /bin/touch $marker
}
check "no malformed profile started the workload" [ ! -e "$R$marker" ]
rm -f "$R$marker"

# The parent builds the program after clone3, while the child makes its file system, and
# sends it (SYNC_FILTER): one that cannot be built fails the start there, with one line and
# 125, before anything of the workload's runs, and leaves neither the id lease nor a process.
# 900 rules of two argument checks each need more instructions than the kernel's 4096.
python3 - "$PD/too-big" <<'PY'
import json, sys
rules = [{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
          "args": [{"index": 0, "value": i, "op": "SCMP_CMP_EQ"},
                   {"index": 1, "value": 7 * i + 3, "op": "SCMP_CMP_EQ"}]} for i in range(900)]
rules.append({"names": ["read", "write", "execve", "brk", "mmap", "exit_group"],
              "action": "SCMP_ACT_ALLOW"})
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": rules}, open(sys.argv[1], "w"))
PY
leases() { find /run/ent-run/ids -mindepth 1 ! -name lock 2>/dev/null | wc -l; }
leases_before=$(leases)
run_fails "profile: a program over the kernel's 4096 instructions fails the start" 125 \
	'^ent-run: lockdown: seccomp: BPF program of [0-9]+ bytes: Argument list too long$' \
	--seccomp localhost/too-big --seccomp-profile-root $PD $R /bin/touch $marker
check "... the workload did not run" [ ! -e "$R$marker" ]
check "... no id lease is left" \
	[ "$(leases)" = "$leases_before" ]
check "... no process of it is left" sh -c "! pgrep -f 'localhost/[t]oo-big' >/dev/null"

# A child that fails while the parent builds the program (SYNC_FILTER written to a channel
# the child has left): the child's own error is the one line, every time. With a cache that
# cannot be made, each start generates its program (milliseconds), so the child has failed
# and gone before the parent writes.
n=0 bad=
while [ $n -lt 20 ]; do
	ENT_RUN_CACHE_DIR=/proc/ent-run-no-cache ent --tmpfs /bin/sh $R /bin/true
	grep -q '^ent-run: rootfs: mount tmpfs on /bin/sh: Not a directory$' "$ERR" &&
		[ "$STATUS" = 125 ] && [ "$(grep -c '^ent-run: ' "$ERR")" = 1 ] ||
		bad="exit $STATUS: $(head -c 200 "$ERR")"
	n=$((n + 1))
done
check "a child failing while the parent builds its filter: its own error, 20 of 20${bad:+ ($bad)}" \
	[ -z "$bad" ]

# minKernel compares with the running kernel (uname(2), passed in by runtime/), as Docker does:
# an includes applies from that version on, an excludes stops applying there.
cat >"$PD/min-kernel" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [
  {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "3.0"}},
  {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "255.0"}},
  {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "excludes": {"minKernel": "3.0"}}]}
EOF
# shellcheck disable=SC2046
ent $(lh min-kernel) $R /bin/sh -c "$P syscall getppid; $P syscall getpid; \
	$P syscall personality 0xffffffff"
check "localhost/min-kernel: the container runs" [ "$STATUS" = 0 ]
line_is "includes.minKernel 3.0: the entry applies on this kernel" "getppid: errno=EPERM"
line_is "includes.minKernel 255.0: the entry does not apply" "getpid: ok"
line_is "excludes.minKernel 3.0: the entry does not apply" "personality: ok"

# ---------------------------------------------------------------- --verbose
# rule_count ARGS...: how many seccomp rules the plan holds (explain --format json).
rule_count() {
	"$ENT_RUN" explain --format json "$@" 2>/dev/null |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)["seccomp"]["rules"]))' \
			2>/dev/null
}
rules=$(rule_count -e security.access=user)
ent --verbose -e security.access=user $R /bin/true
check "--verbose: the seccomp rule count (as in explain: ${rules:-?})" grep -Eq \
	"lockdown +seccomp\(SECCOMP_SET_MODE_FILTER\): ${rules:-x} rules, default ERRNO\(ENOSYS\), from runtime/default" "$ERR"
check "--verbose: the capability count (11 kept, named)" \
	grep -q 'capabilities kept: 11 (cap_chown cap_dac_override ' "$ERR"
check "--verbose: the bounding set drops the other $((CAP_LAST + 1 - 11))" \
	grep -q "PR_CAPBSET_DROP) for the $((CAP_LAST + 1 - 11)) capabilities not granted" "$ERR"
rules=$(rule_count -e network.access=proxy)
if net_ent "--verbose (network.access=proxy)" --verbose -e network.access=proxy $R /bin/true; then
	check "--verbose, network.access=proxy: $rules rules" \
		grep -Eq "lockdown +seccomp\(SECCOMP_SET_MODE_FILTER\): ${rules:-x} rules, " "$ERR"
	check "--verbose, network.access=proxy: 3 capabilities kept, named" grep -q \
		'capabilities kept: 3 (cap_net_bind_service cap_net_broadcast cap_net_raw)' "$ERR"
fi
ent --verbose --user 1000 $R /bin/true
check "--verbose, --user 1000, no entitlement: 0 capabilities kept" \
	grep -q 'capabilities kept: 0 (none)' "$ERR"
ent --verbose --seccomp unconfined $R /bin/true
check "--verbose, --seccomp unconfined: says there is no filter" \
	grep -q 'seccomp: none (unconfined)' "$ERR"

# ---------------------------------------------------------------- the filter cache
C=$T_TMP/filter-cache
ENT_RUN_CACHE_DIR=$C
ent --verbose $R $P syscall getpid
check "cache: first run generates the filter" sh -c \
	"grep -q '(generated)' '$ERR' && grep -q 'seccomp cache: store $C/' '$ERR'"
entry=$(ls "$C"/*.bpf 2>/dev/null | head -n 1)
check "cache: one entry, mode 0600, in a 0700 directory" sh -c \
	"[ -n '$entry' ] && [ \$(stat -c %a '$entry') = 600 ] && [ \$(stat -c %a '$C') = 700 ]"
ent --verbose $R $P syscall getpid
check "cache: second run is a cache hit" sh -c \
	"grep -q 'rules from the cache' '$ERR' && grep -q '(cache hit)' '$ERR' &&
	 ! grep -q seccomp_init '$ERR'"
line_is "cache: the cached filter works (getpid)" "getpid: ok"
ent $R $P mount
line_is "cache: the cached filter still denies (mount EPERM)" "mount: errno=EPERM"
if [ -n "$entry" ]; then
	size=$(stat -c %s "$entry")
	off=$((size / 2))
	# Flip one byte in the middle of the entry.
	b=$(od -An -tu1 -j $off -N1 "$entry" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 255)))" |
		dd of="$entry" bs=1 seek=$off count=1 conv=notrunc 2>/dev/null
	ent --verbose $R /bin/sh -c "$P syscall getpid; $P mount"
	check "cache: a corrupted entry is refused" \
		grep -q 'corrupt (digest mismatch), regenerating' "$ERR"
	check "cache: ... and the filter regenerated" sh -c "grep -q '(generated)' '$ERR'"
	line_is "cache: ... the run still works (getpid)" "getpid: ok"
	line_is "cache: ... and still denies (mount EPERM)" "mount: errno=EPERM"
	ent --verbose $R $P syscall getpid
	check "cache: the regenerated entry is a hit again" grep -q '(cache hit)' "$ERR"
	# Truncated entry.
	head -c 100 "$entry" >"$entry.t" && cat "$entry.t" >"$entry" && rm -f "$entry.t"
	ent --verbose $R $P syscall getpid
	check "cache: a truncated entry is refused and regenerated" sh -c \
		"grep -q 'truncated, regenerating' '$ERR' && grep -q '(generated)' '$ERR'"
	line_is "cache: ... the run still works" "getpid: ok"
	# A FIFO in the entry's place: an open without O_NONBLOCK would wait for a writer.
	rm -f "$entry" && mkfifo -m 0600 "$entry"
	timeout 30 "$ENT_RUN" --verbose $R $P syscall getpid >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
	check "cache: a FIFO in an entry's place is refused at once and regenerated" sh -c \
		"[ $STATUS != 124 ] && grep -q 'not a regular file, regenerating' '$ERR' &&
		 grep -q '(generated)' '$ERR'"
	line_is "cache: ... the run still works (getpid)" "getpid: ok"
	check "cache: ... and the FIFO was replaced by an entry" test -f "$entry"
fi
chmod 0770 "$C"
rm -f "$C"/*.bpf
ent --verbose $R /bin/sh -c "$P syscall getpid; $P mount"
check "cache: a group-writable directory is not used" \
	grep -q "seccomp cache: not using $C: writable by group or others" "$ERR"
line_is "cache: ... the run still works (getpid)" "getpid: ok"
line_is "cache: ... with the filter (mount EPERM)" "mount: errno=EPERM"
check "cache: ... and nothing is stored there" sh -c "! ls '$C' | grep -q ."
chmod 0700 "$C"
ln -s "$C" "$T_TMP/cache-link"
ENT_RUN_CACHE_DIR=$T_TMP/cache-link
ent --verbose $R $P syscall getpid
check "cache: a symlinked directory is not used" sh -c \
	"grep -q 'seccomp cache: open $T_TMP/cache-link' '$ERR' && ! ls '$C' | grep -q ."
line_is "cache: ... the run still works" "getpid: ok"
finish
