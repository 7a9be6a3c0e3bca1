#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# An 802.1Q VLAN on the card's inside port, with real clients: rg-lan moves
# onto VLAN 100 (behind a userspace access port, tests/tools/vlan-access)
# and the card is told `inside-vlan 100`. ping and
# curl from rg-lan cross the card — the access port only passes frames
# tagged 100, so the card's ARP replies, the slow path's first
# translated packets and the fast path's forwarding must all carry the tag —
# and a capture on rg-lan's wire shows it. The untagged rg-lan2 is refused
# (drop-wrong-vlan) until the port is untagged again. Both fast paths: the
# soft one and the Verilated RTL.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "lab with an inside VLAN"

counter() {
	lab ctl counters 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VLAN_ACCESS=$ROOT/${BUILD:-build}/host/tools/vlan-access
[ -x "$VLAN_ACCESS" ] || { tap_fail "built: $VLAN_ACCESS"; tap_done; exit 1; }

vlan_lab() {
	local fp=$1 i out before after frames n_tagged n_arp n_untagged tcpdump_pid
	if ! out=$(lab up --no-daemon --fastpath "$fp" 2>&1); then
		tap_fail "$fp: realmlab up --no-daemon" "$(echo "$out" | tail -3 | tr '\n' ' ')"
		return
	fi
	tap_ok "$fp: realmlab up --no-daemon"

	# this kernel may have no VLAN devices: rg-lan's eth0 becomes the trunk of
	# a userspace access port (tests/tools/vlan-access), and the host's address
	# moves to its untagged side, the TAP tap0
	lab_bg lan "$VLAN_ACCESS" tap0 eth0 100
	for ((i = 0; i < 50; i++)); do
		lab exec lan -- ip link show tap0 >/dev/null 2>&1 && break
		sleep 0.1
	done
	lab exec lan -- sh -c '
		ip addr del 10.0.0.2/24 dev eth0 &&
		ip addr add 10.0.0.2/24 dev tap0 &&
		ip link set tap0 up &&
		ip route replace default via 10.0.0.1 dev tap0 &&
		ip neigh flush dev eth0' &&
		tap_ok "$fp: rg-lan on VLAN 100 (tap0 behind an access port on eth0)" ||
		tap_fail "$fp: rg-lan on VLAN 100 (tap0 behind an access port on eth0)"
	printf 'inside-vlan 100\n' >"$LAB_TMP/vlan.conf"
	tap_check "$fp: config apply inside-vlan 100" lab ctl config apply "$LAB_TMP/vlan.conf"
	lab ctl config show | grep -qx "inside-vlan 100" && tap_ok "$fp: config show says inside-vlan 100" ||
		tap_fail "$fp: config show says inside-vlan 100" "$(lab ctl config show 2>&1)"

	lab_bg lan tcpdump -i eth0 -e -n -U --immediate-mode -w "$LAB_TMP/lan.pcap" 2>/dev/null
	tcpdump_pid=${LAB_PIDS[-1]}
	echo "through VLAN 100" >"$LAB_TMP/v.txt"
	lab_bg wan python3 -m http.server --bind 203.0.113.2 --directory "$LAB_TMP" 8080
	lab_wait_port wan 8080
	sleep 0.5

	tap_check "$fp: ping from VLAN 100 through the card" lab exec lan -- ping -c 3 -i 0.2 -W 2 203.0.113.2
	out=$(lab exec lan -- timeout 10 curl -sf http://203.0.113.2:8080/v.txt)
	[ "$out" = "through VLAN 100" ] && tap_ok "$fp: curl from VLAN 100 through the card" ||
		tap_fail "$fp: curl from VLAN 100 through the card" "$out"
	# more than the first packet of the flow: the fast path's forwarding too
	lab exec lan -- sh -c 'for i in 1 2 3 4 5; do curl -sf -o /dev/null http://203.0.113.2:8080/v.txt || exit 1; done' &&
		tap_ok "$fp: five more fetches" || tap_fail "$fp: five more fetches"

	sleep 0.5
	kill "$tcpdump_pid" 2>/dev/null
	wait "$tcpdump_pid" 2>/dev/null
	frames=$(tcpdump -r "$LAB_TMP/lan.pcap" -e -n 2>/dev/null)
	n_tagged=$(echo "$frames" | grep -c "vlan 100, p 0, ethertype IPv4.*203\.0\.113\.2\.8080 > 10\.0\.0\.2\.")
	n_arp=$(echo "$frames" | grep -c "vlan 100, p 0, ethertype ARP.*Reply 10\.0\.0\.1 is-at")
	n_untagged=$(echo "$frames" | grep -v "vlan 100" | grep -c "ethertype IPv4.* > 10\.0\.0\.2[.:]")
	[ "$n_tagged" -gt 5 ] && [ "$n_arp" -ge 1 ] && [ "$n_untagged" = 0 ] &&
		tap_ok "$fp: the card's frames on rg-lan's wire carry VLAN 100 (ARP and IPv4, none untagged)" ||
		tap_fail "$fp: the card's frames on rg-lan's wire carry VLAN 100 (ARP and IPv4, none untagged)" \
			"tagged IPv4 $n_tagged, tagged ARP replies $n_arp, untagged IPv4 $n_untagged"

	before=$(counter drop-wrong-vlan)
	if lab exec lan2 -- ping -c 2 -i 0.2 -W 1 203.0.113.2 >/dev/null 2>&1; then
		tap_fail "$fp: untagged rg-lan2 is refused on the VLAN port"
	else
		tap_ok "$fp: untagged rg-lan2 is refused on the VLAN port"
	fi
	after=$(counter drop-wrong-vlan)
	[ -n "$after" ] && [ "${after:-0}" -gt "${before:-0}" ] && tap_ok "$fp: ... counted as drop-wrong-vlan" ||
		tap_fail "$fp: ... counted as drop-wrong-vlan" "before ${before:-none}, after ${after:-none}"

	printf 'inside-vlan 0\n' >"$LAB_TMP/novlan.conf"
	tap_check "$fp: config apply inside-vlan 0" lab ctl config apply "$LAB_TMP/novlan.conf"
	tap_check "$fp: untagged rg-lan2 through the card again" lab exec lan2 -- ping -c 2 -i 0.2 -W 2 203.0.113.2
	lab down >/dev/null 2>&1
	LAB_PIDS=()
}

vlan_lab soft
vlan_lab rtl
tap_done
