#!/bin/sh
# Build a Debian rootfs for the learn tests (a real multi-step job: apt-get):
#   mkdebian.sh DIR [MIRROR]
# debootstrap --variant=minbase bookworm from MIRROR (default http://deb.debian.org/debian).
# DIR is built in DIR.tmp and renamed when complete, so an interrupted build leaves no half
# rootfs behind. Exits 2, saying why, when debootstrap is missing or cannot reach the mirror
# (the test is then a skip); 1 on any other failure.
set -eu
dir=$1
mirror=${2:-http://deb.debian.org/debian}
if ! command -v debootstrap >/dev/null 2>&1; then
	echo "mkdebian: debootstrap is not installed (apt-get install debootstrap)" >&2
	exit 2
fi
rm -rf "$dir.tmp"
if ! debootstrap --variant=minbase bookworm "$dir.tmp" "$mirror" >"$dir.log" 2>&1; then
	rm -rf "$dir.tmp"
	if grep -Eq 'Failed getting release file|Couldn.t download|Temporary failure|unable to resolve|Connection (refused|timed out)' "$dir.log"; then
		echo "mkdebian: debootstrap cannot reach $mirror: $(grep -m1 -E '^[EW]:' "$dir.log")" >&2
		exit 2
	fi
	echo "mkdebian: debootstrap failed (see $dir.log): $(tail -n 1 "$dir.log")" >&2
	exit 1
fi
# apt's lists are fetched by the job itself; start without them, as an image would.
rm -rf "$dir.tmp"/var/lib/apt/lists/* "$dir.tmp"/var/cache/apt/*.bin
rm -rf "$dir"
mv "$dir.tmp" "$dir"
