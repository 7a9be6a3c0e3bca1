# SPDX-License-Identifier: BSD-2-Clause
# Network-namespace helpers for end-to-end suites (sourced after tap.sh).
#
#   netns_require_root           skip the whole suite (TAP skip) unless root
#                                and namespaces work
#   netns_new NAME               create a namespace with a name unique to
#                                this run (left in $NETNS_LAST; also
#                                $(netns_name NAME)); loopback up; removed
#                                on exit. Do not call it in $(...): the
#                                registration would be lost with the subshell.
#   netns_veth NS1 IF1 NS2 IF2   veth pair between two namespaces, both up
#   netns_exec NS CMD...         run CMD inside NS
#   netns_bg NS CMD...           start CMD inside NS in the background; it is
#                                killed on exit (its PID is in $NETNS_LAST_PID)
#   netns_wait_port NS PORT [PROTO] [SECONDS]
#                                wait until something listens on PORT
# Cleanup runs on every exit path (normal exit, failure, INT, TERM): background
# processes are killed, namespaces deleted, temporary files removed.
NETNS_PREFIX="rgt$$"
NETNS_LIST=()
NETNS_PIDS=()
NETNS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rgtest.XXXXXX")
NETNS_LAST_PID=
NETNS_LAST=

netns_cleanup() {
	local pid ns
	for pid in "${NETNS_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	sleep 0.1
	for pid in "${NETNS_PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null
	done
	for ns in "${NETNS_LIST[@]}"; do
		# kill anything still running inside, then the namespace itself
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$NETNS_TMP"
}
trap 'netns_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

netns_require_root() {
	local why=""
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root for network namespaces"
	elif ! command -v ip >/dev/null; then
		why="iproute2 (ip) not installed"
	elif ! ip netns add "${NETNS_PREFIX}probe" 2>/dev/null; then
		why="network namespaces not available here"
	else
		ip netns del "${NETNS_PREFIX}probe"
	fi
	if [ -n "$why" ]; then
		tap_skip "${1:-end-to-end suite}" "$why"
		tap_done
		exit 0
	fi
}

netns_name() {
	echo "${NETNS_PREFIX}-$1"
}

netns_new() {
	local ns="${NETNS_PREFIX}-$1"
	ip netns add "$ns" || return 1
	NETNS_LIST+=("$ns")
	NETNS_LAST=$ns
	ip -n "$ns" link set lo up
}

netns_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

netns_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

netns_bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	NETNS_LAST_PID=$!
	NETNS_PIDS+=("$NETNS_LAST_PID")
}

netns_wait_port() {
	local ns=$1 port=$2 proto=${3:-tcp} secs=${4:-10} i flag=-lnt
	[ "$proto" = udp ] && flag=-lnu
	for ((i = 0; i < secs * 10; i++)); do
		ip netns exec "$ns" ss $flag 2>/dev/null | grep -qE "[:.]$port[[:space:]]" && return 0
		sleep 0.1
	done
	return 1
}
