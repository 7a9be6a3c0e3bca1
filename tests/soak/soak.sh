#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# make soak: the lab under churn for several rounds, then left alone until
# every timer has run out, and checked for what a gateway that runs for
# months must not do: lose flows, drop for reasons nobody asked for, keep a
# session or mapping after its timer, count creations and deletions that do
# not match, or grow in memory from one round to the next.
#
# Not part of make check: a round ends only when the card's UDP and TCP
# timers have expired its sessions, and those cannot be set below their RFC
# minimums (120 s and 240 s) and the ports of released mappings are held
# down for 120 s more, so two rounds take about seventeen minutes.
#
# Besides the churn, each round runs a UDP flow that sends once a second
# and a TCP stream (iperf3 at 20 Mbit/s) from start to end: a NAT must not
# let the flows around a live one move or drop it.
#
# Environment: SOAK_ROUNDS (2), SOAK_SECS of churn per round (60, below the
# UDP timeout), SOAK_RATE new UDP flows per second per LAN host (300),
# SOAK_FASTPATH soft|rtl (soft). Output is TAP, one line per check, and a
# "SOAK round N ..." line per round with what was measured.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
export RG_BIN=${RG_BIN:-$ROOT/$BUILD/host/bin}
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/lib/lab.sh"
lab_require_root "soak"

ROUNDS=${SOAK_ROUNDS:-2}
SECS=${SOAK_SECS:-60}
RATE=${SOAK_RATE:-300}
FASTPATH=${SOAK_FASTPATH:-soft}
UDP_TIMEOUT=120      # the RFC 4787 minimum, set below in the card's config
TCP_TRANSITORY=240   # RFC 5382's minimum; closed connections wait this long
ICMP_TIMEOUT=60
HOLDDOWN=120         # a released mapping keeps its port this long (RFC 6888 REQ-8)
# mappings-deleted counts a mapping when its hold-down ends; a deadline
# comes up to a second late and the card may pace expiries (timer-ticks-paced)
DRAIN_LIMIT=$((TCP_TRANSITORY + HOLDDOWN + 90))
RSS_GROWTH_KB=2048   # allowed growth of a process from one round's end to the next
CHURN=$ROOT/tests/soak/udp_churn.py
STREAM_MBPS=20       # the long-lived TCP stream's rate

if ! [ "$SECS" -gt 0 ] 2>/dev/null || [ "$SECS" -ge $((UDP_TIMEOUT - 10)) ]; then
	echo "soak: SOAK_SECS must be 1-$((UDP_TIMEOUT - 11)): every UDP flow of a round must still be held when the round ends" >&2
	exit 2
fi

STATE=/run/realmlab/${REALMLAB_PREFIX%-}

counters_json() {
	lab ctl counters --json 2>/dev/null
}

counter() { # NAME [JSON]: one counter's value
	local j=${2:-$(counters_json)}
	echo "$j" | python3 -c "import json,sys; print(json.load(sys.stdin)['counters'].get('$1', -1))" 2>/dev/null
}

rss_kb() { # PIDFILE: resident set of that process, in KiB
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null
}

# drop counters that must stay at zero: every one but those the lab's
# ordinary traffic explains (broadcasts and multicast the kernels send)
unexpected_drops() { # JSON
	echo "$1" | python3 -c '
import json, sys
allowed = {"drop-broadcast", "drop-host-routed-multicast", "fp-drop-none"}
c = json.load(sys.stdin)["counters"]
bad = ["%s=%d" % (k, v) for k, v in sorted(c.items())
       if (k.startswith("drop-") or k.startswith("fp-drop-") or k in ("events-lost", "session-insert-failures"))
       and k not in allowed and v]
print(" ".join(bad))'
}

# ---- the lab, with the shortest timers the RFCs allow ----------------------
sed -e "s|^nat = .*|nat = { hairpin = true; timeouts = { udp = $UDP_TIMEOUT; tcp_transitory = $TCP_TRANSITORY; icmp = $ICMP_TIMEOUT; }; };|" \
	"$RG_BIN/realmgated-lab.conf" >"$LAB_TMP/soak.conf"
grep -q "udp = $UDP_TIMEOUT" "$LAB_TMP/soak.conf" || {
	tap_fail "soak configuration" "realmgated-lab.conf has no nat line to extend"
	tap_done
	exit 1
}
if ! out=$(lab up --fastpath "$FASTPATH" --config "$LAB_TMP/soak.conf" 2>&1); then
	tap_fail "$FASTPATH: realmlab up" "$(echo "$out" | tail -3 | tr '\n' ' ')"
	tap_done
	exit 1
fi
tap_ok "$FASTPATH: realmlab up with UDP $UDP_TIMEOUT s, TCP transitory $TCP_TRANSITORY s"

head -c 20000 /dev/urandom >"$LAB_TMP/page.bin"
lab_bg wan python3 "$CHURN" --echo 203.0.113.2 7000 >/dev/null 2>&1
lab_bg wan python3 -m http.server --bind 203.0.113.3 --directory "$LAB_TMP" 8080 >/dev/null 2>&1
lab_bg wan iperf3 -s -B 203.0.113.2 -p 5201 >/dev/null 2>&1
if lab_wait_port wan 7000 udp && lab_wait_port wan 8080 && lab_wait_port wan 5201; then
	tap_ok "servers in rg-wan (UDP echo, HTTP, iperf3)"
else
	tap_fail "servers in rg-wan (UDP echo, HTTP, iperf3)"
	tap_done
	exit 1
fi

curl_loop() { # HOST SECONDS: fetch the page until the time is up; prints "ok N failed M"
	lab exec "$1" -- bash -c '
		end=$((SECONDS + '"$2"')) ok=0 bad=0
		while [ $SECONDS -lt $end ]; do
			n=$(curl -s -o /dev/null -w "%{size_download}" --max-time 5 http://203.0.113.3:8080/page.bin)
			if [ "$n" = 20000 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
		done
		echo "ok $ok failed $bad"'
}

prev_nicsim="" prev_daemon=""
for ((round = 1; round <= ROUNDS; round++)); do
	r="round $round"
	# ---- churn: both LAN hosts at once ----
	load=()
	for host in lan lan2; do
		lab exec "$host" -- python3 "$CHURN" 203.0.113.2 7000 "$SECS" "$RATE" >"$LAB_TMP/udp.$host" 2>&1 &
		load+=("$!")
		curl_loop "$host" "$SECS" >"$LAB_TMP/curl.$host" 2>&1 &
		load+=("$!")
		lab exec "$host" -- ping -q -i 0.2 -W 2 -w "$SECS" 203.0.113.2 >"$LAB_TMP/ping.$host" 2>&1 &
		load+=("$!")
	done
	# and two flows that live through the churn: a UDP socket sending once
	# a second, a TCP stream at a steady rate
	lab exec lan -- python3 "$CHURN" --steady 203.0.113.2 7000 "$SECS" >"$LAB_TMP/steady" 2>&1 &
	load+=("$!")
	lab exec lan2 -- iperf3 -c 203.0.113.2 -p 5201 -t "$SECS" -b "${STREAM_MBPS}M" --json \
		>"$LAB_TMP/stream.json" 2>&1 &
	stream_pid=$!
	wait "${load[@]}"
	wait "$stream_pid"
	stream_rc=$?
	j=$(counters_json)
	held=$(counter sessions-active "$j")

	sent=0 echoed=0 ports=0 curl_ok=0 curl_bad=0 ping_tx=0 ping_rx=0
	for host in lan lan2; do
		read -r _ s _ e _ p <"$LAB_TMP/udp.$host" || true
		sent=$((sent + ${s:-0})) echoed=$((echoed + ${e:-0})) ports=$((ports + ${p:-0}))
		read -r _ o _ b <"$LAB_TMP/curl.$host" || true
		curl_ok=$((curl_ok + ${o:-0})) curl_bad=$((curl_bad + ${b:-1}))
		t=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$LAB_TMP/ping.$host")
		t=${t:-0 0}
		ping_tx=$((ping_tx + ${t%% *})) ping_rx=$((ping_rx + ${t##* }))
	done

	if [ "$sent" -gt 0 ] && [ $((echoed * 1000)) -ge $((sent * 995)) ]; then
		tap_ok "$r: UDP flows echoed ($echoed of $sent)"
	else
		tap_fail "$r: UDP flows echoed" "$echoed of $sent: $(cat "$LAB_TMP"/udp.lan* | tr '\n' ' ')"
	fi
	if [ "$curl_ok" -gt 0 ] && [ "$curl_bad" -eq 0 ]; then
		tap_ok "$r: curl fetches ($curl_ok, none failed)"
	else
		tap_fail "$r: curl fetches" "$curl_ok ok, $curl_bad failed"
	fi
	if [ "$ping_tx" -gt 0 ] && [ $((ping_rx * 100)) -ge $((ping_tx * 99)) ]; then
		tap_ok "$r: pings answered ($ping_rx of $ping_tx)"
	else
		tap_fail "$r: pings answered" "$ping_rx of $ping_tx"
	fi
	read -r _ s _ e _ outside <"$LAB_TMP/steady" || true
	if [ "${s:-0}" -gt 0 ] && [ "${e:-0}" -ge $((s - 1)) ] && [[ ${outside:--} != *,* ]] && [ "${outside:--}" != - ]; then
		tap_ok "$r: a long-lived UDP flow kept its one mapping through the churn ($e of $s echoed, outside $outside)"
	else
		tap_fail "$r: a long-lived UDP flow kept its one mapping through the churn" "$(cat "$LAB_TMP/steady")"
	fi
	bytes=$(python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))' <"$LAB_TMP/stream.json" 2>/dev/null)
	want=$((STREAM_MBPS * 1000000 / 8 * SECS * 9 / 10))
	if [ "$stream_rc" -eq 0 ] && [ "${bytes:-0}" -ge "$want" ]; then
		tap_ok "$r: a TCP stream ran through the churn (iperf3, $bytes bytes at ${STREAM_MBPS} Mbit/s)"
	else
		tap_fail "$r: a TCP stream ran through the churn" "iperf3 status $stream_rc, ${bytes:-no} bytes, want $want"
	fi
	# every distinct source port is a session still within its UDP timer
	if [ "${held:-0}" -ge "$ports" ] && [ "$ports" -gt 0 ]; then
		tap_ok "$r: the card holds every UDP flow's session ($held sessions, $ports UDP source ports)"
	else
		tap_fail "$r: the card holds every UDP flow's session" "$held sessions, $ports UDP source ports"
	fi

	# ---- left alone until the timers have run ----
	t0=$SECONDS
	while :; do
		j=$(counters_json)
		sa=$(counter sessions-active "$j") ma=$(counter mappings-active "$j")
		mc=$(counter mappings-created "$j") md=$(counter mappings-deleted "$j")
		[ "$sa" = 0 ] && [ "$ma" = 0 ] && [ "$mc" = "$md" ] && break
		[ $((SECONDS - t0)) -ge $DRAIN_LIMIT ] && break
		sleep 5
	done
	drained=$((SECONDS - t0))
	if [ "$sa" = 0 ] && [ "$ma" = 0 ]; then
		tap_ok "$r: every session and mapping expired ($drained s after the churn, hold-down included)"
	else
		tap_fail "$r: every session and mapping expired" "after $drained s: $sa sessions, $ma mappings"
	fi
	sc=$(counter sessions-created "$j") sd=$(counter sessions-deleted "$j")
	if [ "$sc" -gt 0 ] && [ "$sc" = "$sd" ] && [ "$mc" -gt 0 ] && [ "$mc" = "$md" ]; then
		tap_ok "$r: created = deleted (sessions $sc, mappings $mc)"
	else
		tap_fail "$r: created = deleted" "sessions $sc / $sd, mappings $mc / $md"
	fi
	bad=$(unexpected_drops "$j")
	if [ -z "$bad" ]; then
		tap_ok "$r: no drop, lost event or failed insert"
	else
		tap_fail "$r: no drop, lost event or failed insert" "$bad"
	fi
	if lab status >/dev/null 2>&1; then
		tap_ok "$r: nicsim and the lab still up"
	else
		tap_fail "$r: nicsim and the lab still up" "$(tail -3 "/run/realmlab/${REALMLAB_PREFIX%-}.log" 2>/dev/null | tr '\n' ' ')"
	fi

	nicsim=$(rss_kb "$STATE/nicsim.pid") daemon=$(rss_kb "$STATE/realmgated.pid")
	echo "SOAK round $round udp_flows $sent udp_ports $ports curl $curl_ok pings $ping_tx" \
		"peak_sessions $held drain_s $drained events_sent $(counter events-sent "$j")" \
		"timer_ticks_paced $(counter timer-ticks-paced "$j")" \
		"nicsim_rss_kb ${nicsim:-?} realmgated_rss_kb ${daemon:-?}"
	# memory: the first round touches the tables; later ones must not grow
	if [ -n "$prev_nicsim" ]; then
		if [ -n "$nicsim" ] && [ -n "$daemon" ] &&
			[ $((nicsim - prev_nicsim)) -le $RSS_GROWTH_KB ] &&
			[ $((daemon - prev_daemon)) -le $RSS_GROWTH_KB ]; then
			tap_ok "$r: no growth in memory (nicsim $prev_nicsim -> $nicsim KiB, realmgated $prev_daemon -> $daemon KiB)"
		else
			tap_fail "$r: no growth in memory" "nicsim $prev_nicsim -> ${nicsim:-?} KiB, realmgated $prev_daemon -> ${daemon:-?} KiB, limit +$RSS_GROWTH_KB"
		fi
	fi
	prev_nicsim=${nicsim:-0} prev_daemon=${daemon:-0}
done

tap_done
