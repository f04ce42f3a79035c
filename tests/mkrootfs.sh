#!/bin/sh
# Build a minimal rootfs from busybox-static for the demo and the integration tests:
#   mkrootfs.sh DIR TOOLS_DIR
# DIR is rebuilt from scratch; the static probes from TOOLS_DIR go to DIR/probe/.
set -eu
dir=$1
tools=$(cd "$2" 2>/dev/null && pwd) || tools=$2
busybox=$(command -v busybox || echo /bin/busybox)
case "$(file -b "$busybox" 2>/dev/null || echo static)" in
*dynamic*) echo "mkrootfs: $busybox is not static (install busybox-static)" >&2; exit 1 ;;
esac
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root run var/tmp home probe
chmod 1777 tmp var/tmp
cp "$busybox" bin/busybox
for applet in $(bin/busybox --list); do
	[ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> etc/passwd
echo 'user:x:1000:1000:user:/home:/bin/sh' >> etc/passwd
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\nuser:x:1000:\n' > etc/group
echo 'rootfs' > etc/hostname
if [ -d "$tools" ]; then
	for t in "$tools"/*; do
		[ -f "$t" ] && cp "$t" probe/
	done
fi
# A setuid-root copy of the probe: no_new_privs must keep it from gaining root.
if [ -f probe/probe ]; then
	cp probe/probe probe/probe-suid
	chmod 4755 probe/probe-suid
fi
exit 0
