#!/bin/sh
# Install the Debian packages ent-run needs to build and test, if any is missing.
# Elsewhere, print what to install.
missing=""
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "ent-run: not a Debian/Ubuntu system; install the equivalents of: $*" >&2
	exit 0
fi
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "ent-run: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "ent-run: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
