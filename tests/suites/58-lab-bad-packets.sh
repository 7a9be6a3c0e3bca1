#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Malformed packets through the lab, from both realms, with a TCP connection
# open across the card: hping3 sends TCP, UDP and ICMP with bad checksums
# (inside -> out; forged RST and ACK segments with bad checksums toward the
# connection's outside port, outside -> in), tests/lib/badframes.py the IPv4
# and transport faults below the checksum (bad header checksum, lengths
# beyond the frame, short headers, wrong version, malformed IP options, a
# record route naming another inside host). Every one carries the IP
# identification MARK. On both fast paths none of them may leave the card in
# either direction, each is counted under its reason, and the connection
# carries on afterwards with its session in place.
#
# The same traffic through Linux NAT (--kernel-nat) runs first, for
# comparison: its count of marked packets that got through (with the inside
# source address 10.0.0.2, as the issue says) is printed as a diagnostic,
# not checked — it is the kernel's behaviour, not ours.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "malformed packets through the card"
if ! command -v hping3 >/dev/null || ! command -v tcpdump >/dev/null; then
	tap_skip "malformed packets through the card" "hping3 and tcpdump not installed (make deps)"
	tap_done
	exit 0
fi
LIB=$(cd "$(dirname "$0")/../lib" && pwd)
MARK=21063

count() { # count PCAP FILTER: frames of PCAP that FILTER selects
	tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l
}

json_get() {
	python3 -c "import json,sys; j=json.load(sys.stdin); print($1)" 2>/dev/null
}

round() { # round kernel|soft|rtl
	local mode=$1 args out peer oport d
	args=(--fastpath "$mode" --no-daemon)
	[ "$mode" = kernel ] && args=(--kernel-nat)
	rm -f "$LAB_TMP"/{peer,go,client.out}
	if ! out=$(lab up "${args[@]}" 2>&1); then
		tap_fail "$mode: realmlab up" "$(echo "$out" | tail -2 | tr '\n' ' ')"
		return
	fi
	lab_bg wan tcpdump -i eth0 -n -U -w "$LAB_TMP/wan.pcap" 2>/dev/null
	local wan_dump=${LAB_PIDS[-1]}
	lab_bg lan tcpdump -i eth0 -n -U -w "$LAB_TMP/lan.pcap" 2>/dev/null
	local lan_dump=${LAB_PIDS[-1]}
	# the connection: an echo server in rg-wan that writes down the
	# address it sees, a client in rg-lan that sends a line, waits for
	# "go", sends another
	lab_bg wan python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('203.0.113.2', 7007)); s.listen(1)
c, a = s.accept()
open('$LAB_TMP/peer', 'w').write('%s %d\n' % a)
f = c.makefile('rwb', 0)
for line in f:
    f.write(line)"
	lab_wait_port wan 7007
	sleep 0.5 # the captures are running
	lab_bg lan python3 -c "
import os, socket, time
c = socket.create_connection(('203.0.113.2', 7007), timeout=5)
f = c.makefile('rwb', 0)
got = []
for word in (b'one', b'two'):
    if word == b'two':
        for _ in range(600):
            if os.path.exists('$LAB_TMP/go'):
                break
            time.sleep(0.1)
    f.write(word + b'\n')
    got.append(f.readline().strip().decode())
open('$LAB_TMP/client.out', 'w').write(' '.join(got) + '\n')"
	local client=${LAB_PIDS[-1]} i
	for ((i = 0; i < 50; i++)); do
		[ -s "$LAB_TMP/peer" ] && break
		sleep 0.1
	done
	read -r peer oport <"$LAB_TMP/peer" 2>/dev/null
	if [ "${peer:-}" != 203.0.113.1 ]; then
		tap_fail "$mode: a TCP connection across the gateway" "server saw '${peer:-nothing}'"
		return
	fi
	[ "$mode" != kernel ] && lab ctl --json counters >"$LAB_TMP/c0.json"

	# inside -> outside
	local mac
	mac=$(lab exec lan -- ip neigh show 10.0.0.1 | awk '{ print $5; exit }')
	lab exec lan -- python3 "$LIB/badframes.py" eth0 "$mac" 10.0.0.2 203.0.113.2 $MARK >/dev/null
	for probe in "-2 -p 9" "-S -p 7" "-1"; do # UDP, TCP SYN, ICMP echo
		# shellcheck disable=SC2086
		lab exec lan -- timeout 10 hping3 $probe -b -N $MARK -d 77 -c 3 -i u20000 203.0.113.2 >/dev/null 2>&1
	done
	# outside -> inside: forged segments of the connection, bad checksums
	for probe in -R -A; do
		lab exec wan -- timeout 10 hping3 $probe -b -N $MARK -k -s 7007 -p "$oport" -c 3 -i u20000 \
			203.0.113.1 >/dev/null 2>&1
	done
	sleep 0.5
	touch "$LAB_TMP/go"
	wait "$client"
	out=$(cat "$LAB_TMP/client.out" 2>/dev/null)
	sleep 0.5
	kill -INT "$wan_dump" "$lan_dump" 2>/dev/null
	wait "$wan_dump" "$lan_dump" 2>/dev/null

	local sent inbound out_leak in_leak
	sent=$(count "$LAB_TMP/lan.pcap" "src 10.0.0.2 and ip[4:2] == $MARK")
	inbound=$(count "$LAB_TMP/wan.pcap" "src 203.0.113.2 and ip[4:2] == $MARK")
	out_leak=$(count "$LAB_TMP/wan.pcap" "not src 203.0.113.2 and ip[4:2] == $MARK")
	in_leak=$(count "$LAB_TMP/lan.pcap" "dst 10.0.0.2 and ip[4:2] == $MARK")
	if [ "$mode" = kernel ]; then
		echo "# Linux NAT: $out_leak of $sent malformed packets from rg-lan reached rg-wan ($(count "$LAB_TMP/wan.pcap" "src net 10.0.0.0/8 and ip[4:2] == $MARK") with the inside source 10.0.0.2), $in_leak of $inbound forged segments reached rg-lan; the connection: '$out'; rg-wan's wire: $(python3 "$LIB/pcap_check.py" no-inside "$LAB_TMP/wan.pcap" | head -1)"
		lab down >/dev/null 2>&1
		return
	fi
	if [ "$sent" = 39 ] && [ "$inbound" = 6 ]; then tap_ok "$mode: 39 malformed packets sent from rg-lan, 6 forged segments from rg-wan"; else tap_fail "$mode: 39 malformed packets sent from rg-lan, 6 forged segments from rg-wan" "sent $sent, $inbound"; fi
	if [ "$out_leak" = 0 ]; then tap_ok "$mode: none of them leaves the card on the outside"; else tap_fail "$mode: none of them leaves the card on the outside" "$out_leak on rg-wan's wire"; fi
	if [ "$in_leak" = 0 ]; then tap_ok "$mode: no forged segment reaches rg-lan"; else tap_fail "$mode: no forged segment reaches rg-lan" "$in_leak on rg-lan's wire"; fi
	out=$(lab ctl --json counters | python3 -c "
import json, sys
a = json.load(open('$LAB_TMP/c0.json'))['counters']
b = json.load(sys.stdin)['counters']
d = lambda *k: sum(b.get(x, 0) - a.get(x, 0) for x in k)
got = [d('fp-drop-bad-ip-csum', 'drop-bad-ip-checksum'), d('fp-drop-bad-ip-len', 'fp-drop-bad-ip-hdr', 'drop-bad-ip-header'),
       d('fp-drop-bad-ip-ver'), d('fp-drop-bad-l4-len', 'drop-bad-l4-header'), d('fp-drop-bad-l4-csum', 'drop-bad-l4-checksum'),
       d('drop-inside-address-leak')]
print(got == [3, 12, 3, 9, 15, 3] or got)")
	if [ "$out" = True ]; then tap_ok "$mode: each counted under its reason (IP checksum 3, IP header, options and length 12, version 3, L4 length 9, L4 checksum 15, inside address in an option 3)"; else tap_fail "$mode: each counted under its reason (IP checksum 3, IP header, options and length 12, version 3, L4 length 9, L4 checksum 15, inside address in an option 3)" "got $out"; fi
	out="$out / $(cat "$LAB_TMP/client.out" 2>/dev/null)"
	d=$(lab ctl --json sessions | json_get "sum(1 for s in j['sessions'] if s['proto'] == 'tcp' and s['outside_port'] == $oport and s['remote_port'] == 7007)")
	if [ "${out#* / }" = "one two" ] && [ "$d" = 1 ]; then tap_ok "$mode: the connection carries on, its session in place"; else tap_fail "$mode: the connection carries on, its session in place" "client '${out#* / }', sessions $d"; fi
	out=$(python3 "$LIB/pcap_check.py" no-inside "$LAB_TMP/wan.pcap" 2>&1)
	if [ $? -eq 0 ]; then tap_ok "$mode: no 10.0.0.0/8 address on the outside wire"; else tap_fail "$mode: no 10.0.0.0/8 address on the outside wire" "$(echo "$out" | head -3 | tr '\n' ' ')"; fi
	lab down >/dev/null 2>&1
	LAB_PIDS=()
}

round kernel
round soft
round rtl
tap_done
