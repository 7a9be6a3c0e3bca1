# SPDX-License-Identifier: BSD-2-Clause
# Helpers for end-to-end suites that run in the lab (sourced after tap.sh).
# Every suite gets a lab of its own (REALMLAB_PREFIX unique to the run), so it
# never touches a user's lab (rg-*) or another suite's, and the lab is taken
# down on every exit path.
#
#   lab_require_root NAME     skip the suite unless root, namespaces, ethtool
#   lab CMD...                realmlab with this suite's prefix
#   lab_bg HOST CMD...        run CMD in a lab host in the background
#   lab_wait_port HOST PORT [tcp|udp]   wait until something listens
#   LAB_TMP                   scratch directory, removed on exit
LAB_BIN=${LAB_BIN:-${RG_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/host/bin}}
export REALMLAB_PREFIX="rt$$-"
LAB_LOG=/run/realmlab/rt$$.log
LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rglab.XXXXXX")
LAB_PIDS=()

lab() {
	"$LAB_BIN/realmlab" "$@"
}

lab_cleanup() {
	local pid
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	"$LAB_BIN/realmlab" down >/dev/null 2>&1
	rm -rf "$LAB_TMP"
	rm -f "$LAB_LOG"
}
trap 'lab_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lab_require_root() {
	local why=""
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root for network namespaces"
	elif ! command -v ethtool >/dev/null || ! command -v ip >/dev/null; then
		why="iproute2 and ethtool are needed (make deps)"
	elif ! ip netns add "rt$$-probe" 2>/dev/null; then
		why="network namespaces not available here"
	else
		ip netns del "rt$$-probe"
	fi
	if [ -n "$why" ]; then
		tap_skip "${1:-lab suite}" "$why"
		tap_done
		exit 0
	fi
}

lab_bg() {
	local host=$1
	shift
	"$LAB_BIN/realmlab" exec "$host" -- "$@" &
	LAB_PIDS+=("$!")
}

lab_wait_port() {
	local host=$1 port=$2 flag=-lnt i
	[ "${3:-tcp}" = udp ] && flag=-lnu
	for ((i = 0; i < 100; i++)); do
		lab exec "$host" -- ss $flag 2>/dev/null | grep -qE "[:.]$port[[:space:]]" && return 0
		sleep 0.1
	done
	return 1
}
