# SPDX-License-Identifier: BSD-2-Clause
# The lab's end-to-end checks with real clients, for one fast path (sourced
# after tap.sh and lab.sh; run as: lab_e2e soft|rtl).
#
#   ping through the NAT, ping -t 1 answered by 10.0.0.1 (time exceeded),
#   traceroute with UDP, ICMP and TCP probes (errors translated back),
#   curl of an 8 MB file (checksum compared), iperf3 both directions, dig
#   through the NAT to dnsmasq in rg-wan, counter rates, both LAN hosts at
#   once, hairpinning between the LAN hosts via the outside address, realmctl
#   listings, and a capture on the outside wire without a single 10.0.0.0/8
#   address.
LAB_E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# iperf3 JSON: bits per second received
iperf_bps() {
	python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' 2>/dev/null
}

json_get() { # python expression over the parsed JSON "j"
	python3 -c "import json,sys; j=json.load(sys.stdin); print($1)" 2>/dev/null
}

lab_e2e() {
	local fp=$1 t0 out bps n
	t0=$(date +%s)
	if ! out=$(lab up --fastpath "$fp" 2>&1); then
		tap_fail "$fp: realmlab up" "$(echo "$out" | tail -3 | tr '\n' ' ')"
		return
	fi
	tap_ok "$fp: realmlab up"

	# everything that crosses the outside wire, from the first packet on
	lab_bg wan tcpdump -i eth0 -n -U -w "$LAB_TMP/wan.pcap" 2>/dev/null
	local tcpdump_pid=${LAB_PIDS[-1]}
	sleep 0.5

	# servers in the outside realm
	head -c 8000000 /dev/urandom >"$LAB_TMP/big.bin"
	echo "hello from rg-lan2" >"$LAB_TMP/hairpin.txt"
	lab_bg wan python3 -m http.server --bind 203.0.113.2 --directory "$LAB_TMP" 8080
	lab_bg wan iperf3 -s -B 203.0.113.2 -p 5201
	lab_bg wan dnsmasq --no-daemon --conf-file=/dev/null --listen-address=203.0.113.2 \
		--bind-interfaces --no-resolv --no-hosts --address=/lab.test/203.0.113.3 \
		--pid-file="$LAB_TMP/dnsmasq.pid" --user=root
	lab_wait_port wan 8080 && lab_wait_port wan 5201 && lab_wait_port wan 53 udp ||
		tap_fail "$fp: servers in rg-wan start"

	out=$(lab exec lan -- ping -c 3 -i 0.2 -W 2 203.0.113.2 2>&1)
	if echo "$out" | grep -q " 0% packet loss"; then tap_ok "$fp: ping 203.0.113.2 from rg-lan"; else tap_fail "$fp: ping 203.0.113.2 from rg-lan" "$(echo "$out" | tail -2 | tr '\n' ' ')"; fi

	out=$(lab exec lan -- ping -c 1 -t 1 -W 2 203.0.113.2 2>&1)
	if echo "$out" | grep -q "From 10.0.0.1 .*Time to live exceeded"; then tap_ok "$fp: ping -t 1 answered by 10.0.0.1 with time exceeded"; else tap_fail "$fp: ping -t 1 answered by 10.0.0.1 with time exceeded" "$(echo "$out" | sed -n 2p)"; fi

	# echo requests larger than the MTU to the card itself: put back
	# together, answered in fragments
	out=$(lab exec lan -- ping -c 2 -i 0.2 -W 2 -s 3000 10.0.0.1 2>&1)
	out2=$(lab exec wan -- ping -c 2 -i 0.2 -W 2 -s 3000 203.0.113.1 2>&1)
	if echo "$out" | grep -q " 0% packet loss" && echo "$out2" | grep -q " 0% packet loss"; then tap_ok "$fp: ping -s 3000 of 10.0.0.1 and 203.0.113.1 (fragments reassembled by the card)"; else tap_fail "$fp: ping -s 3000 of 10.0.0.1 and 203.0.113.1 (fragments reassembled by the card)" "$(echo "$out" "$out2" | grep loss | tr '\n' ' ')"; fi

	# record route: rg-lan's kernel records 10.0.0.2 in the option, which
	# the card translates with the source (and back), never sends out
	out=$(lab exec lan -- ping -c 1 -W 2 -R 203.0.113.2 2>&1)
	if echo "$out" | grep -q " 0% packet loss" && echo "$out" | grep -q "RR:"; then tap_ok "$fp: ping -R through the card (record route translated)"; else tap_fail "$fp: ping -R through the card (record route translated)" "$(echo "$out" | tr '\n' ' ' | head -c 300)"; fi

	# traceroute through the card, its three probe kinds: hop 1 is the card
	# (time exceeded from 10.0.0.1), hop 2 the far host, whose answer (UDP:
	# port unreachable, an ICMP error the card translates back; ICMP: echo
	# reply; TCP: SYN-ACK or RST) finds the probe's inside socket. rg-wan's
	# kernel would send one port unreachable a second to 203.0.113.1 after
	# a burst of six (net.ipv4.icmp_ratelimit), and every inside host
	# shares that address: off, so that this checks the card only.
	lab exec wan -- sysctl -qw net.ipv4.icmp_ratelimit=0
	out=""
	for probe in "" "-I" "-T -p 80"; do # UDP to 33434 and up, ICMP, TCP
		# shellcheck disable=SC2086
		out="$out$(lab exec lan -- timeout 60 traceroute -n -q 1 -w 2 -m 5 $probe 203.0.113.2 2>&1 | tail -n +2 | awk '{ printf "%s %s ", $1, $2 }')/"
	done
	if [ "$out" = "1 10.0.0.1 2 203.0.113.2 /1 10.0.0.1 2 203.0.113.2 /1 10.0.0.1 2 203.0.113.2 /" ]; then tap_ok "$fp: traceroute with UDP, ICMP and TCP probes: 10.0.0.1, then 203.0.113.2"; else tap_fail "$fp: traceroute with UDP, ICMP and TCP probes: 10.0.0.1, then 203.0.113.2" "$out"; fi

	# a port the card does not serve: refused at once, not a timeout
	out=$(lab exec lan -- python3 -c "
import socket
t = socket.socket(); t.settimeout(3)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)
r = []
try:
    t.connect(('10.0.0.1', 80)); r.append('tcp connected')
except OSError as e:
    r.append('tcp ' + type(e).__name__)
u.connect(('10.0.0.1', 9)); u.send(b'x')
try:
    u.recv(10); r.append('udp answered')
except OSError as e:
    r.append('udp ' + type(e).__name__)
print(' '.join(r))" 2>&1)
	n=$(lab ctl --json counters | json_get 'j["counters"]["tcp-resets-sent"] >= 1 and j["counters"]["icmp-errors-sent"] >= 1')
	out="$out resets-and-errors-counted=$n"
	if [ "$out" = "tcp ConnectionRefusedError udp ConnectionRefusedError resets-and-errors-counted=True" ]; then tap_ok "$fp: TCP and UDP to a port 10.0.0.1 does not serve are refused (reset, port unreachable)"; else tap_fail "$fp: TCP and UDP to a port 10.0.0.1 does not serve are refused (reset, port unreachable)" "$out"; fi

	local want got
	want=$(sha256sum <"$LAB_TMP/big.bin" | cut -d' ' -f1)
	got=$(lab exec lan -- timeout 60 curl -sf http://203.0.113.2:8080/big.bin | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then tap_ok "$fp: curl of an 8 MB file, checksum equal"; else tap_fail "$fp: curl of an 8 MB file, checksum equal" "got $got"; fi

	bps=$(lab exec lan -- timeout 20 iperf3 -c 203.0.113.2 -p 5201 -t 2 -J | iperf_bps)
	if [ "${bps:-0}" -gt 0 ]; then tap_ok "$fp: iperf3 TCP inside -> outside ($((bps / 1000000)) Mbit/s)"; else tap_fail "$fp: iperf3 TCP inside -> outside"; fi
	bps=$(lab exec lan -- timeout 20 iperf3 -c 203.0.113.2 -p 5201 -t 2 -R -J | iperf_bps)
	if [ "${bps:-0}" -gt 0 ]; then tap_ok "$fp: iperf3 TCP outside -> inside ($((bps / 1000000)) Mbit/s)"; else tap_fail "$fp: iperf3 TCP outside -> inside"; fi

	out=$(lab exec lan -- timeout 10 dig +short +time=2 +tries=2 @203.0.113.2 lab.test A 2>&1)
	if [ "$out" = 203.0.113.3 ]; then tap_ok "$fp: dig through the NAT to dnsmasq in rg-wan"; else tap_fail "$fp: dig through the NAT to dnsmasq in rg-wan" "answer: $out"; fi

	# counter rates: about 20 echo requests a second from rg-lan cross the
	# card while realmctl reads its counters a second apart
	lab exec lan -- ping -c 40 -i 0.05 -W 1 203.0.113.2 >/dev/null 2>&1 &
	local pinger=$!
	sleep 0.3
	out=$(lab ctl --json counters --rate 1 fp-rx-inside)
	wait $pinger
	n=$(echo "$out" | json_get 'list(j["counters"]) == ["fp-rx-inside"] and 10 <= j["deltas"]["fp-rx-inside"] <= 40')
	if [ "$n" = True ]; then tap_ok "$fp: realmctl counters --rate 1: about 20 frames a second from the inside"; else tap_fail "$fp: realmctl counters --rate 1: about 20 frames a second from the inside" "$out"; fi

	# both LAN hosts at once
	lab exec lan -- timeout 60 curl -sf http://203.0.113.2:8080/big.bin -o "$LAB_TMP/a.bin" &
	local pa=$!
	lab exec lan2 -- timeout 60 curl -sf http://203.0.113.2:8080/big.bin -o "$LAB_TMP/b.bin" &
	local pb=$!
	wait $pa
	local ra=$?
	wait $pb
	local rb=$?
	if [ $ra -eq 0 ] && [ $rb -eq 0 ] && [ "$(sha256sum <"$LAB_TMP/a.bin" | cut -d' ' -f1)" = "$want" ] &&
		[ "$(sha256sum <"$LAB_TMP/b.bin" | cut -d' ' -f1)" = "$want" ]; then
		tap_ok "$fp: rg-lan and rg-lan2 download at the same time"
	else
		tap_fail "$fp: rg-lan and rg-lan2 download at the same time" "curl exit $ra/$rb"
	fi
	out=$(lab ctl --json sessions)
	n=$(echo "$out" | json_get 'len({s["inside"] for s in j["sessions"]} & {"10.0.0.2","10.0.0.3"})')
	if [ "${n:-0}" = 2 ]; then tap_ok "$fp: realmctl sessions --json shows both LAN hosts"; else tap_fail "$fp: realmctl sessions --json shows both LAN hosts" "$(echo "$out" | head -c 300)"; fi
	# the busiest sessions first: the same as the full listing sorted
	out=$(lab ctl --json sessions)
	n=$(lab ctl --json sessions --sort bytes --limit 3 | FULL="$out" python3 -c "
import json, os, sys
full = json.loads(os.environ['FULL'])['sessions']
top = json.load(sys.stdin)['sessions']
want = sorted(full, key=lambda s: (-s['bytes'], s['index']))[:3]
print(len(top) == 3 and [s['index'] for s in top] == [s['index'] for s in want])" 2>&1)
	if [ "$n" = True ]; then tap_ok "$fp: realmctl sessions --sort bytes --limit 3: the three busiest"; else tap_fail "$fp: realmctl sessions --sort bytes --limit 3: the three busiest" "$n"; fi
	# the pool's one address holds both LAN hosts, their TCP ports and
	# their UDP ones (DNS, traceroute)
	out=$(lab ctl --json addresses)
	n=$(echo "$out" | json_get '[(a["address"], a["subscribers"], a["tcp"] > 0, a["udp"] > 0, a["ports_total"]) for a in j["addresses"]]')
	if [ "$n" = "[('203.0.113.1', 2, True, True, 64512)]" ]; then tap_ok "$fp: realmctl addresses: 203.0.113.1 holds both LAN hosts and their ports"; else tap_fail "$fp: realmctl addresses: 203.0.113.1 holds both LAN hosts and their ports" "$n / $(echo "$out" | head -c 300)"; fi

	# hairpinning: rg-lan reaches rg-lan2's server through the outside
	# address of a static mapping, and the server sees the translated source
	out=$(lab ctl mapping add tcp 10.0.0.3:8081 203.0.113.1:8081 2>&1)
	if echo "$out" | grep -q "203.0.113.1:8081"; then tap_ok "$fp: realmctl mapping add"; else tap_fail "$fp: realmctl mapping add" "$out"; fi
	lab_bg lan2 python3 -m http.server --bind 10.0.0.3 --directory "$LAB_TMP" 8081 2>"$LAB_TMP/hairpin.log"
	lab_wait_port lan2 8081
	out=$(lab exec lan -- timeout 10 curl -sf http://203.0.113.1:8081/hairpin.txt 2>&1)
	if [ "$out" = "hello from rg-lan2" ]; then tap_ok "$fp: hairpin rg-lan -> 203.0.113.1:8081 -> rg-lan2"; else tap_fail "$fp: hairpin rg-lan -> 203.0.113.1:8081 -> rg-lan2" "got '$out'"; fi
	sleep 0.2
	if grep -q "^203.0.113.1 .*hairpin.txt" "$LAB_TMP/hairpin.log"; then tap_ok "$fp: hairpinned request arrives from 203.0.113.1"; else tap_fail "$fp: hairpinned request arrives from 203.0.113.1" "$(tail -1 "$LAB_TMP/hairpin.log")"; fi

	# a static port-forward rule: rg-wan reaches rg-lan2's server
	if lab ctl rule add 7 forward proto tcp dst 203.0.113.1/32 dport 8082 to 10.0.0.3:8081 >/dev/null; then
		out=$(lab exec wan -- timeout 10 curl -sf http://203.0.113.1:8082/hairpin.txt 2>&1)
		if [ "$out" = "hello from rg-lan2" ]; then tap_ok "$fp: port-forward rule rg-wan -> 203.0.113.1:8082 -> rg-lan2"; else tap_fail "$fp: port-forward rule rg-wan -> 203.0.113.1:8082 -> rg-lan2" "got '$out'"; fi
	else
		tap_fail "$fp: realmctl rule add"
	fi
	# (realmgated adds TO_HOST rules of its own for its service ports)
	n=$(lab ctl --json rule list | json_get '[r["to"] for r in j["rules"] if r["id"] == 7] == ["10.0.0.3"]')
	if [ "$n" = True ] && lab ctl rule del 7 >/dev/null; then tap_ok "$fp: realmctl rule list --json, rule del"; else tap_fail "$fp: realmctl rule list --json, rule del" "$n"; fi

	n=$(lab ctl --json mapping list | json_get 'sum(1 for m in j["mappings"] if m["inside"]=="10.0.0.3" and m["inside_port"]==8081 and m["outside_port"]==8081)')
	if [ "${n:-0}" = 1 ]; then tap_ok "$fp: realmctl mapping list --json"; else tap_fail "$fp: realmctl mapping list --json"; fi
	if lab ctl mapping del tcp 10.0.0.3:8081 >/dev/null && ! lab ctl mapping get tcp 10.0.0.3:8081 >/dev/null 2>&1; then
		tap_ok "$fp: realmctl mapping del"
	else
		tap_fail "$fp: realmctl mapping del"
	fi

	n=$(lab ctl --json counters | json_get 'j["counters"]["fp-hits"] > 10000 and j["counters"]["sessions-created"] >= 4')
	if [ "$n" = True ]; then tap_ok "$fp: realmctl counters --json (fast path hits, sessions created)"; else tap_fail "$fp: realmctl counters --json (fast path hits, sessions created)"; fi
	n=$(lab ctl --json info | json_get 'j["fastpath"]')
	if [ "$n" = "$fp" ]; then tap_ok "$fp: realmctl info says the $fp fast path"; else tap_fail "$fp: realmctl info says the $fp fast path" "$n"; fi

	# the outside wire never saw an inside address
	kill -INT "$tcpdump_pid" 2>/dev/null
	wait "$tcpdump_pid" 2>/dev/null
	out=$(python3 "$LAB_E2E_DIR/pcap_check.py" no-inside "$LAB_TMP/wan.pcap" 2>&1)
	if [ $? -eq 0 ]; then tap_ok "$fp: no 10.0.0.0/8 address on the outside wire ($(echo "$out" | head -1))"; else tap_fail "$fp: no 10.0.0.0/8 address on the outside wire" "$(echo "$out" | tr '\n' ' ' | head -c 400)"; fi

	if lab stats | grep -q "tx-errors 0"; then tap_ok "$fp: nicsim statistics on request"; else tap_fail "$fp: nicsim statistics on request"; fi
	out=$(lab down 2>&1)
	local left
	left=$(ip netns list | grep -c "^${REALMLAB_PREFIX}" || true)
	if [ "$left" = 0 ] && [ ! -e "/dev/shm/realmgate-${REALMLAB_PREFIX}lab" ] &&
		! ls /dev/shm/realmgate-"${REALMLAB_PREFIX}"lab@* >/dev/null 2>&1; then tap_ok "$fp: realmlab down leaves nothing behind"; else tap_fail "$fp: realmlab down leaves nothing behind" "$out"; fi
	LAB_PIDS=()
	echo "# $fp: lab checks took $(($(date +%s) - t0)) s"
}
