#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The lab side by side (docs/benchmarks.md, "Lab"): the same topology with
# Linux nftables masquerade (--kernel-nat, the anchor), then the simulated
# card with the soft fast path, then with the Verilated RTL. For each:
#   TCP throughput    iperf3, one stream rg-lan -> rg-wan
#   small-UDP rate    iperf3 -u with 64-byte datagrams at full speed,
#                     datagrams per second that arrive in rg-wan
# Each figure is the best of LAB_BENCH_RUNS rounds (default 3) of
# LAB_BENCH_SECS seconds (default 4); rounds interleave the modes; ratios are
# against the kernel in the same run.
#
# Figures: lab_tcp_mbps_{kernel,soft,rtl}, lab_tcp_ratio_{soft,rtl},
#          lab_udp_pps_{kernel,soft,rtl}, lab_udp_ratio_{soft,rtl}
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RG_BIN:-$ROOT/${BUILD:-build}/host/bin}
SECS=${LAB_BENCH_SECS:-4}
RUNS=${LAB_BENCH_RUNS:-3}
export REALMLAB_PREFIX="rb$$-"
LAB=$BIN/realmlab
SERVER=

cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
	"$LAB" down >/dev/null 2>&1
	rm -f "/run/realmlab/${REALMLAB_PREFIX%-}.log"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "# lab benchmarks skipped: they need root (network namespaces)"
	exit 0
fi

# iperf3 -J on stdin -> Mbit/s received
tcp_mbps() {
	python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}

# iperf3 -u -J on stdin -> datagrams per second that arrived
udp_pps() {
	python3 -c '
import json, sys
s = json.load(sys.stdin)["end"]["sum"]
print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))'
}

measure() { # mode (kernel|soft|rtl) -> sets TCP and UDP
	local mode=$1 args i
	args=(--fastpath "$mode")
	[ "$mode" = kernel ] && args=(--kernel-nat)
	TCP= UDP=
	if ! "$LAB" up "${args[@]}" >/dev/null 2>&1; then
		echo "# lab up $mode failed" >&2
		return 1
	fi
	"$LAB" exec wan -- iperf3 -s -B 203.0.113.2 >/dev/null 2>&1 &
	SERVER=$!
	for i in $(seq 1 50); do
		"$LAB" exec wan -- ss -lnt | grep -q ':5201 ' && break
		sleep 0.1
	done
	# warm the path (ARP, sessions) before measuring
	"$LAB" exec lan -- ping -c 2 -i 0.2 -W 1 203.0.113.2 >/dev/null
	TCP=$("$LAB" exec lan -- timeout $((SECS + 15)) iperf3 -c 203.0.113.2 -t "$SECS" -J | tcp_mbps)
	UDP=$("$LAB" exec lan -- timeout $((SECS + 15)) iperf3 -c 203.0.113.2 -u -l 64 -b 0 -t "$SECS" -J | udp_pps)
	kill "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null
	SERVER=
	"$LAB" down >/dev/null
	[ -n "$TCP" ] && [ -n "$UDP" ]
}

ratio() {
	python3 -c "print('%.2f' % ($1 / $2 if $2 else 0))"
}

# Rounds interleave the modes, so load from elsewhere on the machine falls
# on all of them alike; each figure is a mode's best round.
MODES="kernel soft"
if "$BIN/nicsim" --version | grep -qw rtl; then
	MODES="$MODES rtl"
else
	echo "# rtl: this build has no RTL model (rtl-model/sim); skipped"
fi
declare -A BEST_TCP BEST_UDP
rc=0
echo "# lab: $RUNS rounds of ${SECS}s per figure and mode; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$RUNS"); do
	for m in $MODES; do
		if ! measure "$m"; then
			echo "# $m: measurement failed in round $round" >&2
			rc=1
			continue
		fi
		echo "# round $round $m: tcp $TCP Mbit/s, udp $UDP pps"
		[ "${BEST_TCP[$m]:-0}" -lt "$TCP" ] && BEST_TCP[$m]=$TCP
		[ "${BEST_UDP[$m]:-0}" -lt "$UDP" ] && BEST_UDP[$m]=$UDP
	done
done
K_TCP=${BEST_TCP[kernel]:-0} K_UDP=${BEST_UDP[kernel]:-0}
for m in $MODES; do
	[ -n "${BEST_TCP[$m]:-}" ] || continue
	echo "BENCH lab_tcp_mbps_$m ${BEST_TCP[$m]} Mbit/s"
	[ "$m" != kernel ] && echo "BENCH lab_tcp_ratio_$m $(ratio "${BEST_TCP[$m]}" "$K_TCP") x"
	echo "BENCH lab_udp_pps_$m ${BEST_UDP[$m]} pps"
	[ "$m" != kernel ] && echo "BENCH lab_udp_ratio_$m $(ratio "${BEST_UDP[$m]}" "$K_UDP") x"
done
exit $rc
