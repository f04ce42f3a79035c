#!/bin/sh
# The binaries as built: ent-run and ent-run-nft keep their hardening (position-independent,
# relocations read-only after start and bound at once, no executable stack), and the release
# build of ent-run, a static PIE linked by lld, has the functions of its start path
# (runtime/start.order) laid out together at the start of its code (docs/PERFORMANCE.md).
. "$(dirname "$0")/lib.sh"
ORDER=runtime/start.order

skip_unless "binary" "needs readelf (binutils)" have readelf
skip_unless "binary" "needs python3" have python3

for bin in "$ENT_RUN" "$(dirname "$ENT_RUN")/ent-run-nft"; do
	b=$(basename "$bin")
	readelf -hldW "$bin" >"$OUT" 2>"$ERR"
	check "$b: readelf reads it" [ $? = 0 -a -s "$OUT" ]
	check "$b: position-independent (ELF type DYN, PIE)" sh -c \
		"grep -Eq '^ +Type: +DYN' '$OUT' && grep -Eq 'FLAGS_1.*PIE' '$OUT'"
	check "$b: full RELRO (a GNU_RELRO segment, BIND_NOW)" sh -c \
		"grep -q 'GNU_RELRO' '$OUT' && grep -Eq '\\(FLAGS\\).*BIND_NOW' '$OUT'"
	check "$b: no executable stack" sh -c \
		"grep -E 'GNU_STACK' '$OUT' | grep -Evq 'RWE'"
done

# A packager's flags on make's command line (CPPFLAGS=, CFLAGS=, LDFLAGS=) come after the
# project's: they can change a choice of ours (an -O level) and never drop our warnings,
# hardening or layout. make -n prints the commands without running them; DEBUG= and no
# MAKEFLAGS, as `make DEBUG=1 test` passes its own variables down to this script.
F=$T_TMP/flags/release
flags() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -n -B DEBUG= BUILD="$T_TMP/flags" "$@" \
		"$F/runtime/main.o" "$F/runtime/capwatch.o" "$F/ent-run" "$F/ent-run-nft" \
		>"$OUT" 2>"$ERR"
}
if have make >/dev/null && [ -f Makefile ]; then
	flags CPPFLAGS=-DPACKAGER=1 CFLAGS=-O1 LDFLAGS=-Wl,-O1
	check "make CFLAGS=...: the project's warnings and hardening, then the caller's flags" \
		sh -c "grep -- '-o $F/runtime/main.o ' '$OUT' |
		 grep -- '-D_GNU_SOURCE .*-DPACKAGER=1 .*-O2 .*-O1 ' | grep -- '-Werror' |
		 grep -- '-fstack-protector-strong' | grep -- '-D_FORTIFY_SOURCE=2' |
		 grep -- '-fPIE' | grep -q -- '-ffunction-sections'"
	check "make CPPFLAGS=...: capwatch.o still gets the BPF skeleton's directory" sh -c \
		"grep -- '-o $F/runtime/capwatch.o ' '$OUT' |
		 grep -q -- '-I$T_TMP/flags/bpf .*-DPACKAGER=1'"
	check "make LDFLAGS=...: ent-run still linked full RELRO, static PIE, in its start order" \
		sh -c "grep -- '-o $F/ent-run ' '$OUT' | grep -- '-z,relro,-z,now .*-Wl,-O1' |
		 grep -- '-static-pie' | grep -q -- '--symbol-ordering-file'"
	check "make LDFLAGS=...: ent-run-nft still linked PIE with full RELRO" sh -c \
		"grep -- '-o $F/ent-run-nft ' '$OUT' | grep -q -- ' -pie -Wl,-z,relro,-z,now .*-Wl,-O1'"
	# A caller's _FORTIFY_SOURCE stands instead of ours: both would be a redefinition (-Werror).
	flags CFLAGS=-Wp,-D_FORTIFY_SOURCE=3
	check "make CFLAGS=-Wp,-D_FORTIFY_SOURCE=3: the caller's level, not ours beside it" sh -c \
		"grep -- '-o $F/runtime/main.o ' '$OUT' | grep -- '-D_FORTIFY_SOURCE=3' |
		 grep -vq -- '-D_FORTIFY_SOURCE=2'"
	rm -rf "$T_TMP/flags"
else
	skip "make CFLAGS=...: the project's flags kept" "needs make and the source tree"
fi

readelf -lW "$ENT_RUN" | grep -q 'INTERP' && dynamic=1 || dynamic=
if [ -n "$dynamic" ]; then
	# make DEBUG=1: the sanitizers' runtimes are shared libraries, so ent-run is dynamic and
	# linked by the default linker, without the order.
	check "dynamic ent-run: a DEBUG build, with AddressSanitizer's runtime" sh -c \
		"readelf -dW '$ENT_RUN' | grep -q 'NEEDED.*libasan'"
	finish
fi
readelf -dW "$ENT_RUN" >"$OUT" 2>&1
check "ent-run is static: no shared library needed" sh -c "! grep -q NEEDED '$OUT'"
check "ent-run's relative relocations are packed (DT_RELR)" grep -q '(RELR)' "$OUT"
# The libraries bring __stack_chk_fail and most _chk functions whatever ent-run's own flags:
# its compilation units' producer string (debug information) names the stack protector, and
# __dprintf_chk is called by ent-run's code alone, built with _FORTIFY_SOURCE.
check "ent-run's own code is built with the stack protector" sh -c \
	"readelf -p .debug_str '$ENT_RUN' | grep -q -- '-std=gnu11 .*-fstack-protector-strong'"
check "ent-run's own code is built with _FORTIFY_SOURCE (dprintf is __dprintf_chk)" sh -c \
	"nm '$ENT_RUN' | grep -q ' __dprintf_chk\$'"
check "ent-run is linked by lld" sh -c "readelf -p .comment '$ENT_RUN' | grep -q 'Linker: .*LLD'"
# Where each listed function lies in .text: all within its first third (they fill about a
# fifth of it; spread as the default link leaves them, they reach its far end). _init, listed
# too, is a section of its own after .text.
python3 - "$ENT_RUN" "$ORDER" >"$OUT" 2>"$ERR" <<'EOF'
import subprocess, sys
binary, order = sys.argv[1], sys.argv[2]
want = {l.split("#")[0].strip() for l in open(order)} - {""}
text = [l.split() for l in subprocess.run(["readelf", "-SW", binary], capture_output=True,
        text=True, check=True).stdout.splitlines() if " .text " in l][0]
i = text.index(".text")
start, size = int(text[i + 2], 16), int(text[i + 4], 16)
found = []
for line in subprocess.run(["nm", binary], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3 and f[1] in "Tt" and f[2] in want and 0 <= int(f[0], 16) - start < size:
        found.append(int(f[0], 16) - start)
print(len(want), len(found), max(found), size)
EOF
read -r listed found reach size <"$OUT"
check "the layout of its code was read" [ -n "${size:-}" ]
[ -n "${size:-}" ] || head -c 400 "$ERR"
check "the start order lists functions ent-run has (${found:-?} of ${listed:-?})" \
	[ "${found:-0}" -ge $(( ${listed:-4} * 3 / 4 )) -a "${found:-0}" -gt 0 ]
check "ent-run's start path lies in the first third of its code (up to ${reach:-?} of ${size:-?} bytes)" \
	[ "${reach:-1}" -lt $(( ${size:-0} / 3 )) ]
finish
