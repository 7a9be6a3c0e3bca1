#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# RFC 4787's behaviours as a third party sees them: the Vovida STUN client
# (RFC 3489 NAT classification, Debian's stun-client) in rg-lan against
# stund in rg-wan on its two addresses, through the card with realmgated.
# Each pool behaviour the configuration can choose, set by a reload, must be
# classified as what it is: endpoint-independent mapping with
# endpoint-independent, address-dependent and address-and-port-dependent
# filtering, then address-and-port-dependent mapping; port preservation and
# hairpinning (RFC 4787 REQ-9) are reported with them.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "STUN classification through the card"
if ! command -v stun >/dev/null || ! command -v stund >/dev/null; then
	tap_skip "STUN classification through the card" "stun-client and stun-server not installed (make deps)"
	tap_done
	exit 0
fi
STATE=/run/realmlab/${REALMLAB_PREFIX%-}

if ! out=$(lab up --fastpath soft 2>&1); then
	tap_fail "realmlab up" "$out"
	tap_done
	exit 1
fi
lab_bg wan stund -h 203.0.113.2 -a 203.0.113.3 >/dev/null 2>&1
lab_wait_port wan 3478 udp

# classify SRCPORT: the client's verdict, from its source port SRCPORT (a
# fresh one per case: a mapping keeps the behaviour it was made with)
classify() {
	lab exec lan -- timeout 30 stun 203.0.113.2 -p "$1" 2>&1 | sed -n 's/^Primary: //p' | sed 's/[[:space:]]*$//'
}

# behave MAPPING FILTERING: the lab pool's behaviours, by a reload
behave() {
	sed -i -E "s/mapping = \"[a-z-]+\"; filtering = \"[a-z-]+\";/mapping = \"$1\"; filtering = \"$2\";/" \
		"$STATE/realmgated.conf"
	grep -q "mapping = \"$1\"; filtering = \"$2\";" "$STATE/realmgated.conf" &&
		[ "$(lab ctl reload 2>&1)" = reloaded ]
}

check() { # check MAPPING FILTERING SRCPORT EXPECTED
	local got
	if ! behave "$1" "$2"; then
		tap_fail "$1 mapping, $2 filtering: reload" "$(lab ctl reload 2>&1)"
		return
	fi
	got=$(classify "$3")
	[ "$got" = "$4" ] && tap_ok "$1 mapping, $2 filtering: stun says \"$got\"" ||
		tap_fail "$1 mapping, $2 filtering: stun says \"$4\"" "got \"$got\""
}

check endpoint-independent endpoint-independent 21000 \
	"Independent Mapping, Independent Filter, preserves ports, will hairpin"
# a hairpinned datagram comes from the card's outside address, a remote the
# client never sent to: dependent filtering refuses it like any other
check endpoint-independent address-dependent 21100 \
	"Independent Mapping, Address Dependent Filter, preserves ports, no hairpin"
check endpoint-independent address-and-port-dependent 21200 \
	"Independent Mapping, Port Dependent Filter, preserves ports, no hairpin"
check address-and-port-dependent address-and-port-dependent 21300 \
	"Dependent Mapping, preserves ports, no hairpin"

# back to the lab's behaviour: a new client port is classified as at first,
# and the card counted what it filtered on the way
check endpoint-independent endpoint-independent 21400 \
	"Independent Mapping, Independent Filter, preserves ports, will hairpin"
n=$(lab ctl counters | awk '$1 == "drop-filtered" { print $2 }')
[ "${n:-0}" -gt 0 ] && tap_ok "the card counted the datagrams dependent filtering refused (drop-filtered $n)" ||
	tap_fail "the card counted the datagrams dependent filtering refused" "drop-filtered ${n:-missing}"
tap_done
