#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The whole gateway in the lab: simulated card + realmgated (host port as a
# TAP). Real clients on both sides: natpmpc opens inbound mappings that
# unsolicited UDP and TCP from the outside reach; expiry and deletion close
# them; a PCP FILTER admits one remote and the card drops (and counts) the
# others; PCP PEER fixes the port of a flow's first packet; dpm-run cases
# 1-3 of 000-dpm.md; a split rule by remote source; and kill -9 of the
# daemon under an iperf3 flow: the flow never stops and every lease works
# after the restart, with the restarted daemon's announcements heard on
# 224.0.0.1; path MTU discovery and MSS clamping set by reloads. The
# card's fast path is LAB_FASTPATH (default soft;
# 61-lab-daemon-rtl.sh runs this suite on the Verilated RTL).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "lab with realmgated"
command -v natpmpc >/dev/null || { tap_skip "lab with realmgated" "natpmpc not installed (make deps)"; tap_done; exit 0; }
B=$LAB_BIN
STATE=/run/realmlab/${REALMLAB_PREFIX%-}

cat >"$LAB_TMP/gw.conf" <<'CONF'
card = "@CARD@";
host_tap = "host0";
state_db = "@STATE@/realmgated.db";
control_socket = "@STATE@/realmgated.sock";
inside = { address = "10.0.0.1"; prefix = 24; };
outside = { address = "203.0.113.1"; prefix = 24; };
pools = ( { id = 1; addresses = [ "203.0.113.1" ]; filtering = "endpoint-independent"; } );
rules = (
  # split rule (seed 001): UDP 5060 goes to lan, but from 203.0.113.3 to lan2
  { id = 1; type = "forward"; proto = "udp"; ports = "5060"; to = "10.0.0.2"; },
  { id = 2; type = "forward"; proto = "udp"; ports = "5060"; to = "10.0.0.3";
    from = "203.0.113.3/32"; }
);
pcp = { min_lifetime = 2; };
CONF
if out=$(lab up --fastpath "${LAB_FASTPATH:-soft}" --config "$LAB_TMP/gw.conf" 2>&1) &&
	echo "$out" | grep -q "realmgated serves"; then
	tap_ok "realmlab up starts the card and realmgated"
else
	tap_fail "realmlab up starts the card and realmgated" "$(echo "$out" | tail -3)"
	tap_done
	exit 1
fi

udp_listen() { # host addr port file: receive one datagram within 4 s, write "data from"
	lab_bg "$1" python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$2', $3)); s.settimeout(4)
try:
    d, a = s.recvfrom(200); open('$4', 'w').write('%s %s:%d' % (d.decode(), a[0], a[1]))
except socket.timeout:
    open('$4', 'w').write('timeout')"
	lab_wait_port "$1" "$3" udp
}
udp_send() { # host src-port dst-addr dst-port text
	lab exec "$1" -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', $2)); s.sendto(b'$5', ('$3', $4))"
}
counter() { lab ctl --json counters | python3 -c "import json,sys; print(json.load(sys.stdin)['counters'].get('$1', 0))"; }

# ---- NAT-PMP: inbound UDP and TCP, expiry, delete --------------------------------
out=$(lab exec lan -- natpmpc -a 5000 5000 udp 3600 2>&1)
echo "$out" | grep -q "Mapped public port 5000 protocol UDP to local port 5000" &&
	tap_ok "natpmpc -a (UDP) through the card's host port" || tap_fail "natpmpc -a (UDP) through the card's host port" "$out"
udp_listen lan 10.0.0.2 5000 "$LAB_TMP/u1"
udp_send wan 41000 203.0.113.1 5000 hello
wait "${LAB_PIDS[-1]}"
[ "$(cat "$LAB_TMP/u1")" = "hello 203.0.113.2:41000" ] && tap_ok "unsolicited UDP from rg-wan reaches the LAN host" ||
	tap_fail "unsolicited UDP from rg-wan reaches the LAN host" "$(cat "$LAB_TMP/u1")"
out=$(lab exec lan -- natpmpc -a 8080 8080 tcp 3600 2>&1)
echo hello-lan >"$LAB_TMP/index.html"
lab_bg lan python3 -m http.server --bind 10.0.0.2 --directory "$LAB_TMP" 8080
lab_wait_port lan 8080 tcp
got=$(lab exec wan -- curl -s -m 5 http://203.0.113.1:8080/index.html)
[ "$got" = hello-lan ] && tap_ok "unsolicited TCP from rg-wan reaches the LAN host" || tap_fail "unsolicited TCP from rg-wan reaches the LAN host" "$got / $out"
lab exec lan -- natpmpc -a 8080 8080 tcp 0 >/dev/null 2>&1
got=$(lab exec wan -- curl -s -m 3 http://203.0.113.1:8080/index.html)
[ -z "$got" ] && ! lab ctl mappings | grep -q "10.0.0.2:8080 " && tap_ok "natpmpc delete removes the inbound mapping" ||
	tap_fail "natpmpc delete removes the inbound mapping" "$got"
lab exec lan -- natpmpc -a 5001 5001 udp 2 >/dev/null 2>&1
udp_listen lan 10.0.0.2 5001 "$LAB_TMP/u2"
sleep 3.5
udp_send wan 41001 203.0.113.1 5001 late
wait "${LAB_PIDS[-1]}"
[ "$(cat "$LAB_TMP/u2")" = timeout ] && ! lab ctl mappings | grep -q ":5001 " && tap_ok "an expired NAT-PMP mapping admits nothing" ||
	tap_fail "an expired NAT-PMP mapping admits nothing" "$(cat "$LAB_TMP/u2")"

# ---- PCP FILTER and PEER -----------------------------------------------------------------
out=$(lab exec lan -- "$B/pcp-client" -T 500 -f 203.0.113.2 map udp 6100)
[[ $out == "MAP SUCCESS udp 10.0.0.2:6100 -> 203.0.113.1:6100 "* ]] && tap_ok "pcp-client MAP with FILTER" || tap_fail "pcp-client MAP with FILTER" "$out"
before=$(counter drop-filtered)
udp_listen lan 10.0.0.2 6100 "$LAB_TMP/f1"
lab exec wan -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('203.0.113.3', 42000)); s.sendto(b'intruder', ('203.0.113.1', 6100))"
sleep 0.3
udp_send wan 42001 203.0.113.1 6100 friend
wait "${LAB_PIDS[-1]}"
after=$(counter drop-filtered)
[ "$(cat "$LAB_TMP/f1")" = "friend 203.0.113.2:42001" ] && tap_ok "FILTER admits the listed remote, not the other" ||
	tap_fail "FILTER admits the listed remote, not the other" "$(cat "$LAB_TMP/f1")"
[ "$after" -gt "$before" ] && tap_ok "the filtered packet is dropped and counted on the card" ||
	tap_fail "the filtered packet is dropped and counted on the card" "drop-filtered $before -> $after"
out=$(lab exec lan -- "$B/pcp-client" -T 500 peer udp 4000 203.0.113.2 9999)
peer_port=$(echo "$out" | sed -n 's/.*-> 203.0.113.1:\([0-9]*\) .*/\1/p')
udp_listen wan 203.0.113.2 9999 "$LAB_TMP/p1"
udp_send lan 4000 203.0.113.2 9999 first
wait "${LAB_PIDS[-1]}"
[ -n "$peer_port" ] && [ "$(cat "$LAB_TMP/p1")" = "first 203.0.113.1:$peer_port" ] &&
	tap_ok "PEER: the flow's first packet leaves with the announced port" ||
	tap_fail "PEER: the flow's first packet leaves with the announced port" "$out / $(cat "$LAB_TMP/p1")"

# ---- DPM (000-dpm.md cases 1-3) ------------------------------------------------------------
lab_bg wan python3 -c "
import http.server, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = ('%s:%d' % self.client_address).encode()
        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): allow_reuse_address = True
import threading
for a in ('203.0.113.2', '203.0.113.3'):
    threading.Thread(target=S((a, 80), H).serve_forever, daemon=True).start()
import time; time.sleep(60)"
lab_wait_port wan 80 tcp
out=$(lab exec lan -- "$B/dpm-run" -T 500 --replaceable 203.0.113.2 80 -- sh -c 'echo {outaddr}:{outport}; curl -s -m 5 --local-port {port} http://203.0.113.2/')
want=$(echo "$out" | head -1) seen=$(echo "$out" | tail -1)
[ -n "$want" ] && [ "$want" = "$seen" ] && tap_ok "dpm-run case 1: the session leaves with the assigned address:port" ||
	tap_fail "dpm-run case 1: the session leaves with the assigned address:port" "$out"
lab exec lan -- "$B/dpm-run" -T 500 -p 6000 203.0.113.2 80 -- sleep 4 >/dev/null 2>&1 &
A=$!
lab exec lan2 -- "$B/dpm-run" -T 500 -p 6000 203.0.113.3 80 -- sleep 4 >/dev/null 2>&1 &
A2=$!
sleep 1
out=$(lab exec lan2 -- "$B/dpm-run" -T 500 -p 6000 203.0.113.2 80 -- true 2>&1)
rc=$?
m=$(lab ctl mappings | grep -c "dpm .*203.0.113.1:6000 ")
[ "$m" = 2 ] && tap_ok "dpm-run case 2: non-replaceable port 6000 kept toward two destinations" ||
	tap_fail "dpm-run case 2: non-replaceable port 6000 kept toward two destinations" "$(lab ctl mappings)"
[ $rc -eq 1 ] && [[ $out == *port-taken* ]] && tap_ok "dpm-run case 2: same destination and port fails cleanly" ||
	tap_fail "dpm-run case 2: same destination and port fails cleanly" "$out"
wait $A $A2
# case 3: two hosts, same inside port, two servers, at the same time
lab exec lan -- "$B/dpm-run" -T 500 -p 6001 203.0.113.2 80 -- sh -c 'sleep 0.5; curl -s -m 5 --local-port {port} http://203.0.113.2/' >"$LAB_TMP/c3a" 2>/dev/null &
A=$!
lab exec lan2 -- "$B/dpm-run" -T 500 -p 6001 203.0.113.3 80 -- sh -c 'sleep 0.5; curl -s -m 5 --local-port {port} http://203.0.113.3/' >"$LAB_TMP/c3b" 2>/dev/null &
A2=$!
wait $A $A2
[ "$(cat "$LAB_TMP/c3a")" = 203.0.113.1:6001 ] && [ "$(cat "$LAB_TMP/c3b")" = 203.0.113.1:6001 ] &&
	tap_ok "dpm-run case 3: two hosts share one registered address:port toward two servers" ||
	tap_fail "dpm-run case 3: two hosts share one registered address:port toward two servers" "$(cat "$LAB_TMP/c3a") / $(cat "$LAB_TMP/c3b")"

# ---- split rule by remote source -----------------------------------------------------------
udp_listen lan 10.0.0.2 5060 "$LAB_TMP/s1"
udp_listen lan2 10.0.0.3 5060 "$LAB_TMP/s2"
lab exec wan -- python3 -c "
import socket
for src in ('203.0.113.2', '203.0.113.3'):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 43000)); s.sendto(b'sip', ('203.0.113.1', 5060))"
wait "${LAB_PIDS[-1]}" "${LAB_PIDS[-2]}"
[ "$(cat "$LAB_TMP/s1")" = "sip 203.0.113.2:43000" ] && [ "$(cat "$LAB_TMP/s2")" = "sip 203.0.113.3:43000" ] &&
	tap_ok "split rule: one outside port, the inside endpoint chosen by remote source" ||
	tap_fail "split rule: one outside port, the inside endpoint chosen by remote source" "$(cat "$LAB_TMP/s1") / $(cat "$LAB_TMP/s2")"

# ---- kill -9 under traffic ------------------------------------------------------------------
lab ctl rule add 70 forward proto udp dst 203.0.113.1/32 dport 5070 to 10.0.0.2:5070 >/dev/null ||
	tap_fail "realmctl rule add through the daemon"
lab_bg wan iperf3 -s -1 -B 203.0.113.2
lab_wait_port wan 5201 tcp
lab exec lan -- iperf3 -c 203.0.113.2 -t 6 -i 0.5 -J >"$LAB_TMP/iperf.json" 2>/dev/null &
IP=$!
# what rg-lan hears on the all-hosts group: the restarted daemon announces
# its new epoch (PCP ANNOUNCE, NAT-PMP public address) to 224.0.0.1:5350
lab_bg lan python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('224.0.0.1', 5350)); s.settimeout(0.5)
seen = set(); end = time.time() + 9
while time.time() < end and len(seen) < 2:
    try:
        d, a = s.recvfrom(1200)
    except socket.timeout:
        continue
    seen.add('%d/%d from %s:%d' % (d[0], d[1], a[0], a[1]))
open('$LAB_TMP/announce', 'w').write('\\n'.join(sorted(seen)) + '\\n')"
AN=${LAB_PIDS[-1]}
lab_wait_port lan 5350 udp
sleep 2
pid=$(cat "$STATE/realmgated.pid")
kill -9 "$pid"
sleep 0.5
lab daemon start >/dev/null 2>&1 && tap_ok "realmgated restarts after kill -9" || tap_fail "realmgated restarts after kill -9"
wait $IP
wait "$AN"
grep -qx "2/128 from 10.0.0.1:5351" "$LAB_TMP/announce" && grep -qx "0/128 from 10.0.0.1:5351" "$LAB_TMP/announce" &&
	tap_ok "after the restart rg-lan hears PCP ANNOUNCE and NAT-PMP's address on 224.0.0.1" ||
	tap_fail "after the restart rg-lan hears PCP ANNOUNCE and NAT-PMP's address on 224.0.0.1" "$(cat "$LAB_TMP/announce")"
zero=$(python3 -c "
import json
j = json.load(open('$LAB_TMP/iperf.json'))
iv = j['intervals']
print(sum(1 for i in iv if i['sum']['bytes'] == 0), len(iv))" 2>/dev/null)
[ -n "$zero" ] && [ "${zero%% *}" = 0 ] && [ "${zero##* }" -ge 10 ] &&
	tap_ok "the iperf3 flow never stopped while the daemon was down" ||
	tap_fail "the iperf3 flow never stopped while the daemon was down" "zero intervals/total: $zero"
lab ctl mappings | grep -q "natpmp udp  *10.0.0.2:5000 .*203.0.113.1:5000" &&
	lab ctl mappings | grep -q "pcp    udp  *10.0.0.2:6100 .*filter 203.0.113.2/32" &&
	tap_ok "leases survive kill -9 (owner, endpoint, filters)" || tap_fail "leases survive kill -9 (owner, endpoint, filters)" "$(lab ctl mappings)"
udp_listen lan 10.0.0.2 5070 "$LAB_TMP/r1"
udp_send wan 41003 203.0.113.1 5070 ruled
wait "${LAB_PIDS[-1]}"
[ "$(cat "$LAB_TMP/r1")" = "ruled 203.0.113.2:41003" ] && tap_ok "a run-time rule (realmctl rule add) survives kill -9" ||
	tap_fail "a run-time rule (realmctl rule add) survives kill -9" "$(cat "$LAB_TMP/r1")"
udp_listen lan 10.0.0.2 5000 "$LAB_TMP/u3"
udp_send wan 41002 203.0.113.1 5000 again
wait "${LAB_PIDS[-1]}"
[ "$(cat "$LAB_TMP/u3")" = "again 203.0.113.2:41002" ] && tap_ok "the NAT-PMP mapping still works after the restart" ||
	tap_fail "the NAT-PMP mapping still works after the restart" "$(cat "$LAB_TMP/u3")"
out=$(lab exec lan -- "$B/pcp-client" -T 500 -f 203.0.113.2 map udp 6100)
[[ $out == *"-> 203.0.113.1:6100 "* ]] && tap_ok "a PCP lease renews after the restart (nonce restored)" || tap_fail "a PCP lease renews after the restart (nonce restored)" "$out"

# ---- path MTU and MSS clamping, set by reloads ---------------------------------------------
# the outside port's MTU drops to 1400: rg-lan's full-size segments get
# "fragmentation needed" from the card, which its TCP takes (its route
# cache learns 1400) -- path MTU discovery through the card with real
# stacks on both sides; then SYNs are clamped to MSS 1300 both ways
upload() { # upload FILE: bytes rg-wan received in 2 s of iperf3 from rg-lan
	lab_bg wan iperf3 -s -1 -B 203.0.113.2 >/dev/null 2>&1
	lab_wait_port wan 5201 tcp
	lab exec lan -- iperf3 -c 203.0.113.2 -t 2 -J 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])' 2>/dev/null
	wait "${LAB_PIDS[-1]}"
}
sed -i 's/^outside = { address = "203.0.113.1"; prefix = 24; };$/outside = { address = "203.0.113.1"; prefix = 24; mtu = 1400; };/' \
	"$STATE/realmgated.conf"
out=$(lab ctl reload 2>&1)
[ "$out" = reloaded ] && grep -q "mtu = 1400" "$STATE/realmgated.conf" &&
	tap_ok "reload: outside MTU 1400" || tap_fail "reload: outside MTU 1400" "$out"
bytes=$(upload)
route=$(lab exec lan -- ip route get 203.0.113.2)
[ "${bytes:-0}" -gt 1000000 ] && [[ $route == *"mtu 1400"* ]] && [ "$(counter drop-fragmentation-needed)" -gt 0 ] &&
	tap_ok "path MTU discovery through the card: an upload at outside MTU 1400 ($((bytes / 1000000)) MB)" ||
	tap_fail "path MTU discovery through the card: an upload at outside MTU 1400" "bytes ${bytes:-none}; $route"
echo 'nat = { mss_clamp = 1300; };' >>"$STATE/realmgated.conf"
out=$(lab ctl reload 2>&1)
# the SYN as it leaves the card (rg-wan's side), the SYN-ACK as it leaves
# the card toward rg-lan
lab_bg wan tcpdump -i eth0 -n -v -c 1 "tcp[tcpflags] == tcp-syn and dst port 5201" >"$LAB_TMP/syn.txt" 2>/dev/null
TD1=${LAB_PIDS[-1]}
lab_bg lan tcpdump -i eth0 -n -v -c 1 "tcp[tcpflags] == tcp-syn|tcp-ack and src port 5201" >"$LAB_TMP/synack.txt" 2>/dev/null
TD2=${LAB_PIDS[-1]}
sleep 0.5
bytes=$(upload)
wait "$TD1" "$TD2"
[ "$out" = reloaded ] && [ "${bytes:-0}" -gt 1000000 ] && grep -q "Flags \[S\],.*[[]mss 1300[,;]" "$LAB_TMP/syn.txt" &&
	grep -q "Flags \[S\.\],.*[[]mss 1300[,;]" "$LAB_TMP/synack.txt" && [ "$(counter tcp-mss-clamped)" -ge 2 ] &&
	tap_ok "MSS clamp 1300 after a reload: the SYN and the SYN-ACK leave the card with MSS 1300" ||
	tap_fail "MSS clamp 1300 after a reload: the SYN and the SYN-ACK leave the card with MSS 1300" "$out / ${bytes:-none} / $(cat "$LAB_TMP/syn.txt" "$LAB_TMP/synack.txt")"

# ---- realmctl through the daemon -----------------------------------------------------------
lab ctl --json status | grep -q '"card":"sim:' && tap_ok "realmctl status (daemon)" || tap_fail "realmctl status (daemon)"
# an operator clears the sessions toward one remote: they go, the lease's
# mapping stays, and the next packet through it makes a new session
n=$(lab ctl --json sessions clear --remote 203.0.113.2:41002 | python3 -c 'import json,sys; print(json.load(sys.stdin)["cleared"])')
m=$(lab ctl --json sessions --remote 203.0.113.2:41002 | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
[ "${n:-0}" -ge 1 ] && [ "$m" = 0 ] && lab ctl mappings | grep -q "natpmp udp  *10.0.0.2:5000 " &&
	tap_ok "realmctl sessions clear through the daemon ($n cleared; the lease stays)" ||
	tap_fail "realmctl sessions clear through the daemon" "cleared $n, left $m"
udp_listen lan 10.0.0.2 5000 "$LAB_TMP/u4"
udp_send wan 41002 203.0.113.1 5000 cleared
wait "${LAB_PIDS[-1]}"
[ "$(cat "$LAB_TMP/u4")" = "cleared 203.0.113.2:41002" ] && tap_ok "... and the mapping still admits its remote" ||
	tap_fail "... and the mapping still admits its remote" "$(cat "$LAB_TMP/u4")"
lab ctl mapping list | grep -q "10.0.0.2:5000" && tap_ok "realmctl card listings through the daemon" || tap_fail "realmctl card listings through the daemon"
lab ctl reset >/dev/null 2>&1
[ $? -eq 1 ] && lab ctl mappings | grep -q ":5000 " && tap_ok "realmctl reset is refused while the daemon owns the card" ||
	tap_fail "realmctl reset is refused while the daemon owns the card"
# the daemon's event ring holds seconds of a busy gateway's NAT events
# (256 entries, the driver's default, lost a quarter of them under churn)
out=$(lab stats 2>&1)
[[ $out == *" lost 0 (event ring of 16384)"* ]] && tap_ok "realmgated's event ring has 16384 entries and lost no event" ||
	tap_fail "realmgated's event ring has 16384 entries and lost no event" "$(echo "$out" | grep -o "events sent.*ring faults")"
out=$(lab down 2>&1)
[[ $out == *realmgated* ]] && ! pgrep -f "$STATE/realmgated.conf" >/dev/null && tap_ok "realmlab down stops realmgated" ||
	tap_fail "realmlab down stops realmgated" "$out"
tap_done
