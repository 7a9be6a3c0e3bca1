#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# realmlab — the simulation lab: a simulated realmgate card (nicsim) between
# an inside and an outside realm made of network namespaces, with real hosts
# on both sides. docs/lab.md is the manual; the commands and names below are
# a stable interface (tests, the demo and benchmarks use them).
#
#   realmlab up [--fastpath rtl|soft] [--config FILE] [--kernel-nat] [--capture]
#               [--no-daemon]
#   realmlab daemon start|stop|status  realmgated in the lab (started by up)
#   realmlab exec lan|lan2|wan|gw -- CMD...
#   realmlab ctl REALMCTL-ARGS...     realmctl against the lab's card
#   realmlab status
#   realmlab stats                    nicsim's statistics (card mode)
#   realmlab down
#
#        rg-lan 10.0.0.2 ──┐
#                          ├─ br-in ── in0-br ═ in0 [card] out0 ═ eth0 ── rg-wan
#        rg-lan2 10.0.0.3 ─┘   (all of this in rg-gw)               203.0.113.2, .3
#
# The card owns 10.0.0.1 (inside) and 203.0.113.1 (outside, the default
# pool); rg-gw's interfaces have no kernel addresses, except host0, the TAP
# of the card's host port, where realmgated (started by `up`, configured
# from realmgated-lab.conf) serves PCP, NAT-PMP and DPM on 10.0.0.1.
# --config takes a realmgated file or, for the card alone, a realmctl card
# file (then, as with --no-daemon, no daemon runs). With --kernel-nat the
# same interfaces carry those addresses and Linux nftables masquerades
# instead of the card: the anchor for side-by-side measurements.
#
# Environment (for tests and special setups; users need none of it):
#   REALMLAB_PREFIX   namespace name prefix (default "rg-"), so a test lab
#                     never touches a user's lab
#   REALMLAB_BIN      directory with nicsim and realmctl (default: this
#                     script's own directory)
#   REALMLAB_STATE    state directory (default /run/realmlab/PREFIX); the
#                     last nicsim log is kept as $REALMLAB_STATE.log
set -u
shopt -s nullglob

PREFIX=${REALMLAB_PREFIX:-rg-}
case $PREFIX in
*[!A-Za-z0-9-]* | "" | ?????????????*)
	echo "realmlab: REALMLAB_PREFIX must be 1-12 of A-Z a-z 0-9 -" >&2
	exit 2
	;;
esac
SELF_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
BIN=${REALMLAB_BIN:-$SELF_DIR}
STATE=${REALMLAB_STATE:-/run/realmlab/${PREFIX%-}}
CARD_NAME="${PREFIX}lab"
CARD="sim:$CARD_NAME"
NS_LAN=${PREFIX}lan NS_LAN2=${PREFIX}lan2 NS_GW=${PREFIX}gw NS_WAN=${PREFIX}wan
ALL_NS="$NS_LAN $NS_LAN2 $NS_GW $NS_WAN"

say() { echo "realmlab: $*"; }
die() {
	echo "realmlab: $*" >&2
	exit 1
}

usage() {
	cat <<EOF
usage: realmlab up [--fastpath rtl|soft] [--config FILE] [--kernel-nat] [--capture]
                  [--no-daemon]
       realmlab daemon start|stop|status
       realmlab exec lan|lan2|wan|gw -- CMD [ARGS...]
       realmlab ctl REALMCTL-ARGS...
       realmlab status
       realmlab stats
       realmlab down
EOF
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, veth, AF_PACKET)"
}

ns_of() {
	case $1 in
	lan) echo "$NS_LAN" ;;
	lan2) echo "$NS_LAN2" ;;
	wan) echo "$NS_WAN" ;;
	gw) echo "$NS_GW" ;;
	*) return 1 ;;
	esac
}

# a live process (not a zombie waiting for its parent) named $2
alive() { # pid name
	local stat
	[ -n "$1" ] && [ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

daemon_pid() {
	local pid
	[ -r "$STATE/realmgated.pid" ] || return 1
	read -r pid <"$STATE/realmgated.pid" || return 1
	alive "$pid" realmgated || return 1
	echo "$pid"
}

daemon_stop() {
	local pid i
	pid=$(daemon_pid) || return 1
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null && sleep 0.1
	echo "$pid"
}

# realmgated in the gateway namespace, on the lab's card and host port
daemon_start() {
	local i
	[ -x "$BIN/realmgated" ] || die "realmgated not found in $BIN (run make)"
	daemon_pid >/dev/null && return 0
	[ -r "$STATE/realmgated.conf" ] || die "no daemon configuration in $STATE (realmlab up)"
	# the card's inside address lives on host0 in this namespace; the bridge
	# of the inside segment, also here, must not answer ARP for it (Linux
	# answers for any local address on any interface unless told not to);
	# and the card's own wires (in0, out0, also netdevs here) must not feed
	# this stack: a frame for 10.0.0.1 seen on in0 would reach the daemon a
	# second time besides the copy the card sends up its host port.
	# Strict reverse-path filtering drops those (10.0.0.0/24 is via host0).
	ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.rp_filter=1 >/dev/null
	ip netns exec "$NS_GW" setsid "$BIN/realmgated" --foreground -c "$STATE/realmgated.conf" \
		--pidfile "$STATE/realmgated.pid" </dev/null >>"$STATE/realmgated.log" 2>&1 &
	for i in $(seq 1 100); do
		if daemon_pid >/dev/null && [ -S "$STATE/realmgated.sock" ] &&
			"$BIN/realmctl" -S "$STATE/realmgated.sock" status >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 $! 2>/dev/null; then
			tail -5 "$STATE/realmgated.log" >&2
			die "realmgated did not start"
		fi
		sleep 0.1
	done
	tail -5 "$STATE/realmgated.log" >&2
	die "realmgated did not come up within 10 s"
}

nicsim_pid() {
	local pid
	[ -r "$STATE/nicsim.pid" ] || return 1
	read -r pid <"$STATE/nicsim.pid" || return 1
	alive "$pid" nicsim || return 1
	echo "$pid"
}

lab_exists() {
	[ -d "$STATE" ] && return 0
	local ns
	for ns in $ALL_NS; do
		[ -e "/run/netns/$ns" ] && return 0
	done
	return 1
}

# ---- down ---------------------------------------------------------------------

down() {
	local pid ns i removed=""
	if pid=$(daemon_stop); then
		removed="$removed realmgated($pid)"
	fi
	if pid=$(nicsim_pid); then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 1 50); do
			alive "$pid" nicsim || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null && sleep 0.1
		removed="$removed nicsim($pid)"
	fi
	for ns in $ALL_NS; do
		[ -d "/etc/netns/$ns" ] && rm -rf "/etc/netns/$ns"
		[ -e "/run/netns/$ns" ] || continue
		# whatever still runs in the lab's namespaces was started in the lab
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null && removed="$removed $ns"
	done
	if [ -e "/dev/shm/realmgate-$CARD_NAME" ]; then
		rm -f "/dev/shm/realmgate-$CARD_NAME" && removed="$removed $CARD"
	fi
	# and its wake-up pipes (driver/simshm.h), which a killed nicsim leaves too
	for i in doorbell irq; do
		[ -p "/dev/shm/realmgate-$CARD_NAME@$i" ] && rm -f "/dev/shm/realmgate-$CARD_NAME@$i" &&
			removed="$removed $CARD@$i"
	done
	if [ -d "$STATE" ]; then
		# the last run's nicsim log outlives the lab, for post-mortems
		[ -f "$STATE/nicsim.log" ] && mv -f "$STATE/nicsim.log" "$STATE.log"
		rm -rf "$STATE" && removed="$removed state"
	fi
	if [ -n "$removed" ]; then say "down: removed$removed"; else say "down: nothing to remove"; fi
}

# ---- up -------------------------------------------------------------------------

# Switch segmentation and checksum offloads off: the card (like a real NIC
# port on a wire) sees MTU-sized frames with complete checksums, and the
# hosts' kernels verify every checksum the card writes (docs/lab.md).
no_offloads() { # ns ifname
	ip netns exec "$1" ethtool -K "$2" rx off tx off tso off gso off gro off >/dev/null 2>&1 ||
		ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 ||
		die "cannot switch offloads off on $2 in $1 (is ethtool installed?)"
}

veth() { # ns1 if1 ns2 if2 [mac1]
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || die "cannot create veth $2/$4"
	[ -n "${5:-}" ] && ip -n "$1" link set "$2" address "$5"
	no_offloads "$1" "$2"
	no_offloads "$3" "$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

write_default_config() {
	cat >"$1" <<'EOF'
# realmlab's default card configuration (docs/lab.md)
inside 10.0.0.1/24
outside 203.0.113.1/24
hairpin on
pool 0 203.0.113.1 ports 1024-65535 mapping eim filtering eif
EOF
}

build_topology() {
	local ns
	for ns in $ALL_NS; do
		# the lab's own resolver settings (ip netns exec mounts them over
		# /etc/resolv.conf): the machine's resolver is not reachable from
		# the lab, and lookups toward it would only wait and leak
		# (only where there is a /etc/resolv.conf to mount over)
		[ -e /etc/resolv.conf ] && mkdir -p "/etc/netns/$ns" &&
		case $ns in
		"$NS_LAN" | "$NS_LAN2") echo "nameserver 203.0.113.2" ;;
		*) echo "nameserver 127.0.0.1" ;;
		esac >"/etc/netns/$ns/resolv.conf" &&
			echo "options timeout:1 attempts:1" >>"/etc/netns/$ns/resolv.conf"
		ip netns add "$ns" || die "cannot create namespace $ns"
		ip -n "$ns" link set lo up
		# IPv4 only: no IPv6 chatter (router solicitations, DAD) on the wires
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	done
	# the inside segment's switch is not a firewall: with br_netfilter the
	# kernel would conntrack bridged frames and confuse the --kernel-nat
	# anchor (same flow seen twice in one namespace)
	ip netns exec "$NS_GW" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 \
		>/dev/null 2>&1
	ip -n "$NS_GW" link add br-in type bridge || die "cannot create bridge"
	ip -n "$NS_GW" link set br-in up
	veth "$NS_LAN" eth0 "$NS_GW" lan 02:00:0a:00:00:02
	veth "$NS_LAN2" eth0 "$NS_GW" lan2 02:00:0a:00:00:03
	veth "$NS_GW" in0 "$NS_GW" in0-br 02:52:47:00:00:10
	veth "$NS_GW" out0 "$NS_WAN" eth0 02:52:47:00:00:11
	ip -n "$NS_WAN" link set eth0 address 02:00:cb:00:71:02
	for i in lan lan2 in0-br; do
		ip -n "$NS_GW" link set "$i" master br-in
	done
	ip -n "$NS_LAN" addr add 10.0.0.2/24 dev eth0
	ip -n "$NS_LAN2" addr add 10.0.0.3/24 dev eth0
	ip -n "$NS_LAN" route add default via 10.0.0.1
	ip -n "$NS_LAN2" route add default via 10.0.0.1
	ip -n "$NS_WAN" addr add 203.0.113.2/24 dev eth0
	ip -n "$NS_WAN" addr add 203.0.113.3/24 dev eth0
}

kernel_nat() {
	ip -n "$NS_GW" addr add 10.0.0.1/24 dev in0
	ip -n "$NS_GW" addr add 203.0.113.1/24 dev out0
	ip netns exec "$NS_GW" sysctl -qw net.ipv4.ip_forward=1 >/dev/null
	ip netns exec "$NS_GW" nft -f - <<'EOF' || die "nftables masquerade failed (is nftables installed?)"
table ip realmlab {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "out0" masquerade
	}
}
EOF
}

start_card() { # fastpath config capture daemon
	local fp=$1 config=$2 capture=$3 daemon=$4 args=() i
	[ -x "$BIN/nicsim" ] || die "nicsim not found in $BIN (run make)"
	[ -x "$BIN/realmctl" ] || die "realmctl not found in $BIN (run make)"
	args=(--name "$CARD_NAME" --fastpath "$fp" --inside in0 --outside out0
		--pidfile "$STATE/nicsim.pid")
	if [ "$capture" = 1 ]; then
		mkdir -p "$STATE/capture"
		args+=(--capture "$STATE/capture")
	fi
	ip netns exec "$NS_GW" setsid "$BIN/nicsim" "${args[@]}" </dev/null >"$STATE/nicsim.log" 2>&1 &
	for i in $(seq 1 100); do
		[ -s "$STATE/nicsim.pid" ] && break
		if ! kill -0 $! 2>/dev/null; then
			cat "$STATE/nicsim.log" >&2
			die "nicsim did not start"
		fi
		sleep 0.1
	done
	nicsim_pid >/dev/null || {
		cat "$STATE/nicsim.log" >&2
		die "nicsim did not come up within 10 s"
	}
	if [ "$daemon" = 1 ]; then
		sed -e "s|@CARD@|$CARD|g" -e "s|@STATE@|$STATE|g" "$config" >"$STATE/realmgated.conf"
		daemon_start
		return
	fi
	"$BIN/realmctl" -d "$CARD" config apply "$config" >"$STATE/config.log" 2>&1 || {
		cat "$STATE/config.log" >&2
		die "the card refused the configuration $config"
	}
}

up() {
	local fp=soft config="" kernel=0 capture=0 daemon=1
	while [ $# -gt 0 ]; do
		case $1 in
		--fastpath)
			fp=${2:-}
			[ "$fp" = soft ] || [ "$fp" = rtl ] || die "--fastpath is rtl or soft"
			shift
			;;
		--config)
			config=${2:-}
			[ -r "$config" ] || die "cannot read config file '$config'"
			config=$(readlink -f "$config")
			shift
			;;
		--kernel-nat) kernel=1 ;;
		--capture) capture=1 ;;
		--no-daemon) daemon=0 ;;
		*)
			usage >&2
			exit 2
			;;
		esac
		shift
	done
	need_root
	command -v ethtool >/dev/null || die "ethtool is not installed (make deps)"
	if lab_exists; then
		if nicsim_pid >/dev/null || [ -e "$STATE/kernel-nat" ]; then
			die "the lab is already up (realmlab status; realmlab down)"
		fi
		say "cleaning up a lab left behind"
		down >/dev/null
	fi
	mkdir -p "$STATE" || die "cannot create $STATE"
	trap 'echo "realmlab: up failed, removing what was created" >&2; down >/dev/null' EXIT
	build_topology
	if [ "$kernel" = 1 ]; then
		kernel_nat
		echo kernel-nat >"$STATE/mode"
		touch "$STATE/kernel-nat"
	else
		if [ -n "$config" ] && [ "$daemon" = 1 ] &&
			! "$BIN/realmgated" --check-config -c "$config" >/dev/null 2>&1; then
			daemon=0 # a realmctl card file: the card alone
		fi
		if [ -z "$config" ] && [ "$daemon" = 1 ]; then
			config=$SELF_DIR/realmgated-lab.conf
			[ -r "$config" ] || die "realmgated-lab.conf not found next to realmlab (run make)"
		elif [ -z "$config" ]; then
			config=$STATE/lab.conf
			write_default_config "$config"
		fi
		echo "card $fp" >"$STATE/mode"
		echo "$config" >"$STATE/config"
		start_card "$fp" "$config" "$capture" "$daemon"
	fi
	trap - EXIT
	if [ "$kernel" = 1 ]; then
		say "up: Linux nftables masquerade in $NS_GW (anchor mode)"
	else
		say "up: card $CARD ($fp fast path) in $NS_GW, configured from $config"
		daemon_pid >/dev/null &&
			say "up: realmgated serves PCP, NAT-PMP (10.0.0.1:5351) and DPM (10.0.0.1:1080)"
	fi
	say "inside  $NS_LAN 10.0.0.2, $NS_LAN2 10.0.0.3 (gateway 10.0.0.1)"
	say "outside $NS_WAN 203.0.113.2, 203.0.113.3 (the lab's public addresses: 203.0.113.1)"
}

# ---- status, exec, ctl ----------------------------------------------------------

status() {
	local ns pid mode
	if ! lab_exists; then
		say "down"
		return 3
	fi
	mode=$(cat "$STATE/mode" 2>/dev/null || echo unknown)
	say "mode: $mode"
	for ns in $ALL_NS; do
		if [ -e "/run/netns/$ns" ]; then say "namespace $ns: present"; else say "namespace $ns: MISSING"; fi
	done
	if [ -e "$STATE/kernel-nat" ]; then
		return 0
	fi
	if pid=$(nicsim_pid); then
		say "nicsim: running (pid $pid), card $CARD"
		if pid=$(daemon_pid); then
			say "realmgated: running (pid $pid), socket $STATE/realmgated.sock"
		fi
		"$BIN/realmctl" -d "$CARD" -S "$STATE/realmgated.sock" info | sed 's/^/  /'
		return 0
	fi
	say "nicsim: NOT running (see $STATE/nicsim.log; realmlab down to clean up)"
	return 1
}

lab_exec() {
	local ns
	ns=$(ns_of "${1:-}") || die "exec: which host? lan, lan2, wan or gw"
	shift
	[ "${1:-}" = -- ] && shift
	[ $# -gt 0 ] || die "exec: no command"
	[ -e "/run/netns/$ns" ] || die "the lab is not up (realmlab up)"
	exec ip netns exec "$ns" "$@"
}

ctl() {
	[ -e "$STATE/kernel-nat" ] && die "the lab runs Linux NAT (--kernel-nat): there is no card"
	exec "$BIN/realmctl" -d "$CARD" -S "$STATE/realmgated.sock" "$@"
}

daemon_cmd() {
	[ -e "$STATE/kernel-nat" ] && die "the lab runs Linux NAT (--kernel-nat): there is no card"
	case ${1:-} in
	start)
		need_root
		nicsim_pid >/dev/null || die "no card running (realmlab up)"
		daemon_start
		say "realmgated running (pid $(daemon_pid))"
		;;
	stop)
		need_root
		local pid
		if pid=$(daemon_stop); then say "realmgated ($pid) stopped"; else say "realmgated was not running"; fi
		;;
	status)
		local pid
		if pid=$(daemon_pid); then
			say "realmgated: running (pid $pid)"
			"$BIN/realmctl" -S "$STATE/realmgated.sock" status
		else
			say "realmgated: not running"
			return 3
		fi
		;;
	*) die "daemon: start, stop or status" ;;
	esac
}

stats() {
	local pid
	pid=$(nicsim_pid) || die "no nicsim running"
	local lines
	lines=$(wc -l <"$STATE/nicsim.log")
	kill -USR1 "$pid"
	sleep 0.3
	tail -n +"$((lines + 1))" "$STATE/nicsim.log"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
up) up "$@" ;;
down)
	need_root
	down
	;;
status) status ;;
exec) lab_exec "$@" ;;
ctl) ctl "$@" ;;
daemon) daemon_cmd "$@" ;;
stats) stats ;;
-h | --help | help) usage ;;
*)
	usage >&2
	exit 2
	;;
esac
