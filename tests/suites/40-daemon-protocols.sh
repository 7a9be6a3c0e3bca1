#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The daemon's protocols end to end with real clients: realmgated's event
# loop, sockets, SQLite store and control socket (rgd-testd: the daemon on
# the card test double) in a gateway namespace, inside hosts in two LAN
# namespaces. natpmpc (Debian's reference NAT-PMP client), pcp-client and
# dpm-run talk to it over real UDP; the tests check the answers, the leases
# the daemon reports, restart persistence (kill -9), SIGHUP reload and the
# unsolicited announcements. Traffic through a card is in the lab suites.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require_root "daemon protocols"
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TESTD=$ROOT/$BUILD/host/tools/rgd-testd
BIN=$ROOT/$BUILD/host/bin
for t in "$TESTD" "$BIN/realmgated" "$BIN/pcp-client" "$BIN/dpm-run"; do
	[ -x "$t" ] || { tap_fail "built: $t"; tap_done; exit 1; }
done
if ! command -v natpmpc >/dev/null; then
	tap_skip "natpmpc" "natpmpc not installed (make deps)"
fi

netns_new gw && GW=$NETNS_LAST
netns_new lan && LAN=$NETNS_LAST
netns_new lan2 && LAN2=$NETNS_LAST
netns_new wan && WAN=$NETNS_LAST
netns_veth "$GW" in0 "$LAN" eth0
netns_veth "$GW" in1 "$LAN2" eth0
netns_veth "$GW" out0 "$WAN" eth0
ip -n "$GW" link add br0 type bridge && ip -n "$GW" link set br0 up
ip -n "$GW" link set in0 master br0 && ip -n "$GW" link set in1 master br0
ip -n "$GW" addr add 192.168.1.1/24 dev br0
ip -n "$GW" addr add 198.51.100.1/24 dev out0
ip -n "$LAN" addr add 192.168.1.10/24 dev eth0
ip -n "$LAN2" addr add 192.168.1.11/24 dev eth0
ip -n "$WAN" addr add 198.51.100.2/24 dev eth0
ip -n "$LAN" route add default via 192.168.1.1
ip -n "$LAN2" route add default via 192.168.1.1
ip -n "$WAN" route add default via 198.51.100.1
ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1

D=$NETNS_TMP
cat >"$D/gw.conf" <<CONF
state_db = "$D/state.db";
control_socket = "$D/ctl.sock";
inside = { address = "192.168.1.1"; prefix = 24; };
outside = { address = "203.0.113.1"; prefix = 24; };
pools = ( { id = 1; addresses = [ "203.0.113.1" ]; } );
rules = ( { id = 7; type = "forward"; proto = "udp"; ports = "5060"; to = "192.168.1.10";
            from = "198.51.100.0/24"; } );
pcp = { announce_to = "192.168.1.10"; min_lifetime = 2; max_lifetime = 86400; };
CONF

ctl() { # ctl WORDS... : one control-socket request; output without the status line
	ip netns exec "$GW" python3 - "$D/ctl.sock" "$*" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
data = s.makefile().read()
head, _, body = data.partition("\n")
sys.stdout.write(body)
sys.exit(int(head.split()[1]))
PY
}

PID=
start_daemon() {
	netns_bg "$GW" "$TESTD" "$D/gw.conf"
	PID=$NETNS_LAST_PID
	for _ in $(seq 50); do
		[ -S "$D/ctl.sock" ] && ctl status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
in_lan() { ip netns exec "$LAN" "$@"; }
in_lan2() { ip netns exec "$LAN2" "$@"; }
PCP="$BIN/pcp-client -T 300 -R 3"

# ---- configuration -----------------------------------------------------------
tap_check "realmgated --check-config accepts the file" "$BIN/realmgated" --check-config -c "$D/gw.conf"
printf 'inside = { address = "192.168.1.1"; };\nouside = { };\n' >"$D/bad.conf"
out=$("$BIN/realmgated" --check-config -c "$D/bad.conf" 2>&1)
rc=$?
if [ $rc -ne 0 ] && [[ $out == "$D/bad.conf:2: unknown setting 'ouside'" ]]; then
	tap_ok "--check-config names file:line and the reason"
else
	tap_fail "--check-config names file:line and the reason" "rc $rc: $out"
fi

# ---- NAT-PMP with natpmpc ------------------------------------------------------
start_daemon && tap_ok "daemon starts" || tap_fail "daemon starts"
# collect what the daemon announces (unsolicited ANNOUNCE and NAT-PMP address)
ip netns exec "$LAN" python3 - "$D/announce.bin" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.1.10", 5350))
s.settimeout(6)
seen = []
end = time.time() + 6
while time.time() < end:
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        break
    seen.append("%d/%d/%d" % (d[0], d[1], len(d)))
open(sys.argv[1], "w").write("\n".join(seen) + "\n")
PY
LISTENER=$!
if command -v natpmpc >/dev/null; then
	out=$(in_lan natpmpc -g 192.168.1.1 2>&1)
	echo "$out" | grep -q "Public IP address : 203.0.113.1" &&
		tap_ok "natpmpc learns the public address" || tap_fail "natpmpc learns the public address" "$out"
	out=$(in_lan natpmpc -g 192.168.1.1 -a 5000 5000 udp 3600 2>&1)
	echo "$out" | grep -q "Mapped public port 5000 protocol UDP to local port 5000" &&
		tap_ok "natpmpc -a maps a UDP port" || tap_fail "natpmpc -a maps a UDP port" "$out"
	ctl mappings | grep -q "natpmp udp  *192.168.1.10:5000 .*203.0.113.1:5000" &&
		tap_ok "the NAT-PMP mapping is a lease" || tap_fail "the NAT-PMP mapping is a lease"
	out=$(in_lan natpmpc -g 192.168.1.1 -a 2222 22 tcp 60 2>&1)
	echo "$out" | grep -q "Mapped public port 2222 protocol TCP to local port 22 liftime 60" &&
		tap_ok "natpmpc -a maps a TCP port" || tap_fail "natpmpc -a maps a TCP port" "$out"
	out=$(in_lan natpmpc -g 192.168.1.1 -a 2222 22 tcp 0 2>&1)
	if echo "$out" | grep -q "readnatpmpresponseorretry returned 0" &&
		! ctl mappings | grep -q "192.168.1.10:22 "; then
		tap_ok "natpmpc lifetime 0 deletes"
	else
		tap_fail "natpmpc lifetime 0 deletes" "$out"
	fi
fi

# ---- PCP with pcp-client --------------------------------------------------------
out=$(in_lan $PCP -s 192.168.1.1 map udp 4000)
[[ $out == "MAP SUCCESS udp 192.168.1.10:4000 -> 203.0.113.1:"* ]] &&
	tap_ok "pcp-client map" || tap_fail "pcp-client map" "$out"
ext=$(echo "$out" | sed -n 's/.*-> 203.0.113.1:\([0-9]*\) .*/\1/p')
out2=$(in_lan $PCP -s 192.168.1.1 map udp 4000)
[[ $out2 == *":$ext lifetime"* ]] && tap_ok "pcp-client renewal keeps the port" ||
	tap_fail "pcp-client renewal keeps the port" "$out2"
out=$(in_lan $PCP -s 192.168.1.1 -n 000000000000000000000000 delete udp 4000)
rc=$?
[ $rc -eq 1 ] && [[ $out == *NOT_AUTHORIZED* ]] && tap_ok "delete with another nonce is refused" ||
	tap_fail "delete with another nonce is refused" "rc $rc $out"
out=$(in_lan $PCP -s 192.168.1.1 --json -f 198.51.100.2 -f 198.51.100.0/24:53 map tcp 8080)
[[ $out == *'"result":"SUCCESS"'* ]] && ctl mappings | grep -q "192.168.1.10:8080 .*filter 198.51.100.2/32:0 filter 198.51.100.0/24:53" &&
	tap_ok "FILTER options reach the lease" || tap_fail "FILTER options reach the lease" "$out"
out=$(in_lan $PCP -s 192.168.1.1 -e 9000 -F map tcp 9000)
out2=$(in_lan2 $PCP -s 192.168.1.1 -e 9000 -F map tcp 9000)
rc=$?
[[ $out == *"-> 203.0.113.1:9000 "* ]] && [ $rc -eq 1 ] && [[ $out2 == *CANNOT_PROVIDE_EXTERNAL* ]] &&
	tap_ok "PREFER_FAILURE: taken port -> CANNOT_PROVIDE_EXTERNAL" ||
	tap_fail "PREFER_FAILURE: taken port -> CANNOT_PROVIDE_EXTERNAL" "$out / $out2"
out=$(in_lan $PCP -s 192.168.1.1 peer tcp 33000 198.51.100.2 80)
[[ $out == "PEER SUCCESS tcp 192.168.1.10:33000 -> 203.0.113.1:"*" peer 198.51.100.2:80 "* ]] &&
	tap_ok "pcp-client peer" || tap_fail "pcp-client peer" "$out"
out=$(in_lan $PCP -s 192.168.1.1 -t 192.168.1.11 map udp 7000)
rc=$?
[ $rc -eq 1 ] && [[ $out == *NOT_AUTHORIZED* ]] && tap_ok "THIRD_PARTY refused by default policy" ||
	tap_fail "THIRD_PARTY refused by default policy" "$out"
out=$(in_lan $PCP -s 192.168.1.1 announce)
[[ $out == "ANNOUNCE SUCCESS epoch "* ]] && tap_ok "pcp-client announce" || tap_fail "pcp-client announce" "$out"
# a request from the outside realm gets no answer and changes nothing
n_before=$(ctl mappings | wc -l)
ip netns exec "$WAN" $PCP -s 198.51.100.1 map udp 4444 >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && [ "$(ctl mappings | wc -l)" = "$n_before" ] &&
	tap_ok "request from the outside realm: no answer, no state" ||
	tap_fail "request from the outside realm: no answer, no state" "rc $rc"
# renew loop: short lifetime renewed, deleted on SIGTERM
ip netns exec "$LAN" $PCP -s 192.168.1.1 -l 2 -r map udp 4100 >"$D/renew.out" 2>&1 &
RENEW=$!
sleep 3.5
kill -TERM $RENEW
wait $RENEW
n=$(grep -c "MAP SUCCESS udp 192.168.1.10:4100" "$D/renew.out")
[ "$n" -ge 3 ] && tail -1 "$D/renew.out" | grep -q "lifetime 0" && ! ctl mappings | grep -q ":4100 " &&
	tap_ok "renew loop renews, deletes on exit" || tap_fail "renew loop renews, deletes on exit" "$(cat "$D/renew.out")"

# ---- DPM with dpm-run ------------------------------------------------------------
out=$(in_lan "$BIN/dpm-run" -s 192.168.1.1 -T 300 --replaceable 198.51.100.2 80 -- echo "{port} {outaddr} {outport}")
read -r p oa op <<<"$out"
[ -n "$p" ] && [ "$oa" = 203.0.113.1 ] && [ -n "$op" ] && tap_ok "dpm-run case 1: replaceable setup, command gets the port" ||
	tap_fail "dpm-run case 1: replaceable setup, command gets the port" "$out"
ctl mappings | grep -q "192.168.1.10:$p " && tap_fail "dpm-run releases after the command" || tap_ok "dpm-run releases after the command"
in_lan "$BIN/dpm-run" -s 192.168.1.1 -T 300 -p 6000 198.51.100.2 80 -- sleep 3 >/dev/null 2>&1 &
A=$!
sleep 0.5
out=$(in_lan2 "$BIN/dpm-run" -s 192.168.1.1 -T 300 -p 6000 198.51.100.3 80 -- echo "{outaddr}:{outport}" 2>/dev/null)
[ "$out" = "203.0.113.1:6000" ] && tap_ok "dpm-run case 2/3: non-replaceable port shared toward another destination" ||
	tap_fail "dpm-run case 2/3: non-replaceable port shared toward another destination" "$out"
out=$(in_lan2 "$BIN/dpm-run" -s 192.168.1.1 -T 300 -p 6000 198.51.100.2 80 -- true 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *port-taken* ]] && tap_ok "dpm-run case 2: same destination fails cleanly" ||
	tap_fail "dpm-run case 2: same destination fails cleanly" "rc $rc $out"
wait $A

# ---- events, restart persistence, reload ------------------------------------------
ip netns exec "$GW" python3 - "$D/ctl.sock" >"$D/events.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"events\n")
s.settimeout(3)
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        sys.stdout.write(d.decode())
        sys.stdout.flush()
except socket.timeout:
    pass
PY
EV=$!
# the daemon acknowledges the subscription with "RG 0": only then can the
# new lease's event reach the stream (a fixed sleep races a loaded machine)
for _ in $(seq 50); do grep -q '^RG 0' "$D/events.out" 2>/dev/null && break; sleep 0.1; done
in_lan $PCP -s 192.168.1.1 map tcp 4242 >/dev/null
wait $EV
grep -q "lease-create pcp tcp 192.168.1.10:4242" "$D/events.out" && tap_ok "events stream shows a new lease" ||
	tap_fail "events stream shows a new lease" "$(cat "$D/events.out")"

before=$(ctl mappings | sort)
wait $LISTENER
grep -q "^2/128/24$" "$D/announce.bin" && grep -q "^0/128/12$" "$D/announce.bin" &&
	tap_ok "unsolicited PCP ANNOUNCE and NAT-PMP address at start" ||
	tap_fail "unsolicited PCP ANNOUNCE and NAT-PMP address at start" "$(cat "$D/announce.bin")"
kill -9 "$PID"
sleep 0.2
start_daemon && tap_ok "daemon restarts after kill -9" || tap_fail "daemon restarts after kill -9"
after=$(ctl mappings | sort)
strip() { sed 's/ [0-9]*s\b//'; }
[ -n "$before" ] && [ "$(echo "$before" | strip)" = "$(echo "$after" | strip)" ] &&
	tap_ok "every lease survives kill -9 with the same outside endpoint" ||
	tap_fail "every lease survives kill -9 with the same outside endpoint" "before: $before after: $after"
out=$(in_lan $PCP -s 192.168.1.1 map udp 4000)
[[ $out == *":$ext lifetime"* ]] && tap_ok "a restored lease renews with its nonce" || tap_fail "a restored lease renews with its nonce" "$out"

cp "$D/gw.conf" "$D/good.conf"
echo 'pcp = { max_lifetime = "x"; };' >>"$D/gw.conf"
kill -HUP "$PID"
sleep 0.3
ctl status >/dev/null && [ "$(ctl mappings | sort | strip)" = "$(echo "$after" | strip)" ] &&
	ctl --json status | grep -q '"reload_failures":1' &&
	tap_ok "SIGHUP with a bad file keeps the old configuration and leases" ||
	tap_fail "SIGHUP with a bad file keeps the old configuration and leases"
sed 's/min_lifetime = 2;/min_lifetime = 300;/' "$D/good.conf" >"$D/gw.conf"
kill -HUP "$PID"
sleep 0.3
out=$(in_lan $PCP -s 192.168.1.1 -l 10 map udp 4300)
ctl --json status | grep -q '"reloads":1' && [[ $out == *"lifetime 300 "* ]] &&
	[ "$(ctl mappings | grep -vc ':4300 ')" = "$(echo "$after" | wc -l)" ] &&
	tap_ok "SIGHUP applies a new file without dropping leases" || tap_fail "SIGHUP applies a new file without dropping leases" "$out"
out=$(ctl mappings add udp 192.168.1.10:9999 --lifetime static)
rc=$?
[ $rc -eq 0 ] && [[ $out == "cli    udp    192.168.1.10:9999"*static* ]] && tap_ok "control socket: mappings add" ||
	tap_fail "control socket: mappings add" "$out"
ctl mappings del udp 192.168.1.10:9999 >/dev/null && ! ctl mappings del udp 192.168.1.10:9999 >/dev/null 2>&1
[ $? -eq 0 ] && tap_ok "control socket: mappings del, then not found" || tap_fail "control socket: mappings del, then not found"
ctl bogus >/dev/null 2>&1
[ $? -eq 2 ] && tap_ok "control socket: unknown command is a usage error" || tap_fail "control socket: unknown command is a usage error"
[ "$(stat -c %a "$D/ctl.sock")" = 600 ] && tap_ok "control socket is root-only without a group" ||
	tap_fail "control socket is root-only without a group" "$(stat -c %a "$D/ctl.sock")"
tap_done
