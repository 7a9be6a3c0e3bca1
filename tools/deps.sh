#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian packages realmgate needs that are not installed yet
# (tools/debian-packages.txt). Does nothing when all are present.
set -eu
list="$(dirname "$0")/debian-packages.txt"
want=$(sed -e 's/#.*//' "$list" | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'make deps' as root (or: apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
