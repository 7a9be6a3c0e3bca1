#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The README's main command: `make demo` runs tools/demo.sh after `make
# deps` and the build. Here tools/demo.sh runs on a lab of its own
# (REALMLAB_PREFIX) and must show what it says it shows: the LAN host's
# pings answered, the page fetched and seen from the card's outside
# address, the card's sessions, a NAT-PMP mapping reached from outside —
# and leave nothing behind.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "make demo"
command -v natpmpc >/dev/null || { tap_skip "make demo" "natpmpc not installed (make deps)"; tap_done; exit 0; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
out=$LAB_TMP/demo.out
BUILD=${BUILD:-build} bash "$ROOT/tools/demo.sh" >"$out" 2>&1
rc=$?
[ $rc -eq 0 ] && tap_ok "tools/demo.sh succeeds" || tap_fail "tools/demo.sh succeeds" "exit $rc: $(tail -3 "$out")"
fp=rtl
"$LAB_BIN/nicsim" --version | grep -qw rtl || fp=soft
grep -q "realmlab: up: card .* ($fp fast path)" "$out" &&
	tap_ok "the card runs the $fp fast path" || tap_fail "the card runs the $fp fast path" "$(grep -m1 'realmlab: up' "$out")"
n=$(grep -c "bytes from 203.0.113.2: icmp_seq" "$out")
[ "$n" -ge 3 ] && tap_ok "rg-lan's pings are answered ($n)" || tap_fail "rg-lan's pings are answered" "$n replies"
grep -q "Hello from the outside realm" "$out" && tap_ok "the page is fetched" || tap_fail "the page is fetched"
grep -A1 "saw the request coming from" "$out" | grep -q "^  203\.0\.113\.1 " &&
	tap_ok "the web server sees the card's outside address" ||
	tap_fail "the web server sees the card's outside address" "$(grep -A1 'coming from' "$out")"
grep -qE "^(tcp|icmp) +10\.0\.0\.2:[0-9]+ +203\.0\.113\.1:" "$out" &&
	tap_ok "the card's sessions are listed" || tap_fail "the card's sessions are listed"
grep -qE "^203\.0\.113\.1 +[0-9]+ +1 +[0-9]+ +[1-9][0-9]* +[1-9][0-9]* +64512 " "$out" &&
	tap_ok "the outside address's use is listed (rg-lan's TCP and ICMP ports)" ||
	tap_fail "the outside address's use is listed (rg-lan's TCP and ICMP ports)" "$(grep -A2 '^address' "$out")"
grep -q "^natpmp udp .*10\.0\.0\.2:5000 .*203\.0\.113\.1:5000" "$out" &&
	tap_ok "the NAT-PMP mapping is on the card" || tap_fail "the NAT-PMP mapping is on the card"
grep -q "rg-lan received 'hello through the mapping'" "$out" &&
	tap_ok "rg-wan reaches rg-lan through the mapping" || tap_fail "rg-wan reaches rg-lan through the mapping"
left=$(ip netns list | grep -c "^$REALMLAB_PREFIX")
[ "$left" = 0 ] && ! "$LAB_BIN/realmlab" status >/dev/null 2>&1 &&
	tap_ok "the demo takes its lab down" || tap_fail "the demo takes its lab down" "$left namespaces left"
tap_done
