#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# realmlab itself: the --kernel-nat anchor carries traffic through Linux NAT,
# a second `up` is refused, a bad configuration fails without leaving
# anything, `down` cleans up after a crashed nicsim, status tells up from
# down, exec and ctl refuse what they cannot do.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "realmlab commands"
P=${REALMLAB_PREFIX}
leftovers() {
	local n
	n=$(ip netns list | grep -c "^$P" || true)
	[ -e "/dev/shm/realmgate-${P}lab" ] && n=$((n + 1))
	# the card's wake-up pipes
	for f in /dev/shm/realmgate-"${P}"lab@*; do [ -e "$f" ] && n=$((n + 1)); done
	[ -d "/run/realmlab/${P%-}" ] && n=$((n + 1))
	ls -d /etc/netns/"$P"* >/dev/null 2>&1 && n=$((n + 1))
	echo "$n"
}

lab status >/dev/null 2>&1
[ $? -eq 3 ] && tap_ok "status says down (exit 3) before up" || tap_fail "status says down (exit 3) before up"

# the anchor: Linux does the NAT in rg-gw
if lab up --kernel-nat >/dev/null 2>&1; then tap_ok "up --kernel-nat"; else tap_fail "up --kernel-nat"; fi
tap_check "kernel-nat: ping through Linux NAT" lab exec lan -- ping -c 2 -i 0.2 -W 2 203.0.113.2
echo anchor >"$LAB_TMP/a.txt"
lab_bg wan python3 -m http.server --bind 203.0.113.2 --directory "$LAB_TMP" 8080
lab_wait_port wan 8080
out=$(lab exec lan2 -- timeout 10 curl -sf http://203.0.113.2:8080/a.txt)
[ "$out" = anchor ] && tap_ok "kernel-nat: curl through Linux NAT" || tap_fail "kernel-nat: curl through Linux NAT" "$out"
out=$(lab exec gw -- nft list ruleset 2>&1)
echo "$out" | grep -q masquerade && tap_ok "kernel-nat: nftables masquerade in rg-gw" || tap_fail "kernel-nat: nftables masquerade in rg-gw"
out=$(lab ctl info 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "no card" && tap_ok "kernel-nat: ctl says there is no card" || tap_fail "kernel-nat: ctl says there is no card" "$out"
out=$(lab up 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "already up" && tap_ok "a second up is refused" || tap_fail "a second up is refused" "$out"
lab down >/dev/null
LAB_PIDS=()
[ "$(leftovers)" = 0 ] && tap_ok "down after --kernel-nat leaves nothing" || tap_fail "down after --kernel-nat leaves nothing" "$(leftovers) left"

# a configuration the card refuses: up fails and cleans up after itself
printf 'inside 10.0.0.1/24\ntimeout udp 5\n' >"$LAB_TMP/bad.conf"
out=$(lab up --config "$LAB_TMP/bad.conf" 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "refused the configuration" && [ "$(leftovers)" = 0 ]; then
	tap_ok "up with a configuration the card refuses fails and leaves nothing"
else
	tap_fail "up with a configuration the card refuses fails and leaves nothing" "$(echo "$out" | tail -2)"
fi
out=$(lab up --fastpath fpga 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "rtl or soft" && tap_ok "unknown fast path is refused" || tap_fail "unknown fast path is refused"

# a crash: nicsim killed with SIGKILL leaves its shared memory behind
lab up >/dev/null 2>&1
lab status >/dev/null 2>&1 && tap_ok "status exit 0 when up" || tap_fail "status exit 0 when up"
kill -KILL "$(cat "/run/realmlab/${P%-}/nicsim.pid")"
sleep 0.3
lab status >/dev/null 2>&1
[ $? -eq 1 ] && tap_ok "status exit 1 when nicsim died" || tap_fail "status exit 1 when nicsim died"
[ -e "/dev/shm/realmgate-${P}lab" ] && tap_ok "(the crash left the card's shared memory)" || tap_fail "(the crash left the card's shared memory)"
out=$(lab up 2>&1)
[ $? -eq 0 ] && echo "$out" | grep -q "cleaning up" && tap_ok "up after a crash cleans up first" || tap_fail "up after a crash cleans up first" "$out"
tap_check "the new lab works" lab exec lan -- ping -c 1 -W 2 203.0.113.2
kill -KILL "$(cat "/run/realmlab/${P%-}/nicsim.pid")"
lab down >/dev/null
[ "$(leftovers)" = 0 ] && tap_ok "down after a crash removes everything" || tap_fail "down after a crash removes everything" "$(leftovers) left"
out=$(lab down 2>&1)
echo "$out" | grep -q "nothing to remove" && tap_ok "down when nothing is up" || tap_fail "down when nothing is up" "$out"

out=$(lab exec moon -- true 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "lan, lan2, wan or gw" && tap_ok "exec names the hosts" || tap_fail "exec names the hosts" "$out"
out=$(lab exec lan -- true 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "not up" && tap_ok "exec says the lab is not up" || tap_fail "exec says the lab is not up" "$out"
tap_done
