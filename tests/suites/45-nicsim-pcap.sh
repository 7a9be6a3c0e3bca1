#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# nicsim without root: ports on pcap files. A LAN host's ARP request and
# ping to the card's inside address are read from a pcap file; the card's
# answers must come out in the output file (and in the per-port capture).
# Also: configuration through realmctl, statistics on SIGUSR1, clean
# shutdown on SIGTERM (shared memory removed). Runs the host build and the
# ASan+UBSan build.
set -u
. "$(dirname "$0")/../lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
CHECK="python3 $ROOT/tests/lib/pcap_check.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rgpcap.XXXXXX")
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

cat >"$TMP/card.conf" <<'CONF'
inside 10.0.0.1/24
outside 203.0.113.1/24
pool 0 203.0.113.1
CONF
$CHECK write "$TMP/in.pcap" arp-request:02:00:0a:00:00:02,10.0.0.2,10.0.0.1 \
	echo:02:00:0a:00:00:02,02:52:47:00:00:10,10.0.0.2,10.0.0.1,77

# options that are not numbers of their range are refused before anything runs
for args in "--sessions 4294967312" "--sessions 15" "--serial 12x" "--serial -1" "--rx-usecs -1" \
	"--exit-after-input 5s"; do
	# shellcheck disable=SC2086
	"$ROOT/$BUILD/host/bin/nicsim" --name "t$$-bad" $args >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "^nicsim: --" "$TMP/err" && tap_ok "nicsim $args is a usage error" ||
		tap_fail "nicsim $args is a usage error" "exit $rc: $(cat "$TMP/err")"
done

# a pcap port's options likewise (start=-1 used to wait for 49 days, 2500x
# was taken as 2500)
for opt in "start=-1" "start=2500x" "gap=+5" "gap=" "colour=red" "start=86400001"; do
	"$ROOT/$BUILD/host/bin/nicsim" --name "t$$-bad" --inside "pcap:$TMP/in.pcap,,$opt" --outside "pcap:," \
		>/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -ne 0 ] && grep -qF "bad pcap option '$opt'" "$TMP/err" && tap_ok "nicsim pcap option $opt is refused" ||
		tap_fail "nicsim pcap option $opt is refused" "exit $rc: $(cat "$TMP/err")"
done

# an idle card (its pcap input replayed) sleeps up to the firmware's 5 ms
# tick: about 200 wake-ups a second, not the 1000 of a 1 ms sleep
"$ROOT/$BUILD/host/bin/nicsim" --name "t$$-idle" --inside "pcap:$TMP/in.pcap," --outside "pcap:," \
	--pidfile "$TMP/idle.pid" 2>/dev/null &
IDLE=$!
for _ in $(seq 1 50); do [ -s "$TMP/idle.pid" ] && break; sleep 0.1; done
sleep 0.5
wakeups() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$IDLE/status"; }
a=$(wakeups)
sleep 2
b=$(wakeups)
kill "$IDLE" && wait "$IDLE" 2>/dev/null
n=$(((b - a) / 2))
[ "$n" -gt 50 ] && [ "$n" -lt 450 ] && tap_ok "an idle nicsim wakes about 200 times a second ($n)" ||
	tap_fail "an idle nicsim wakes about 200 times a second" "$n a second"

for variant in host asan; do
	bin=$ROOT/$BUILD/$variant/bin
	name="t$$-$variant"
	if [ ! -x "$bin/nicsim" ]; then
		tap_fail "$variant: nicsim built" "$bin/nicsim missing"
		continue
	fi
	rm -rf "$TMP/cap" && mkdir "$TMP/cap"
	"$bin/nicsim" --name "$name" --inside "pcap:$TMP/in.pcap,$TMP/out.pcap,gap=100,start=1500" \
		--outside "pcap:,$TMP/wan.pcap" --capture "$TMP/cap" --pidfile "$TMP/pid" \
		2>"$TMP/nicsim.log" &
	PID=$!
	for _ in $(seq 1 50); do [ -s "$TMP/pid" ] && break; sleep 0.1; done
	if "$bin/realmctl" -d "sim:$name" config apply "$TMP/card.conf" >/dev/null; then
		tap_ok "$variant: card configured through realmctl"
	else
		tap_fail "$variant: card configured through realmctl"
	fi
	sleep 2.5
	kill -USR1 "$PID"
	sleep 0.3
	if grep -q "port inside   rx 2 " "$TMP/nicsim.log"; then tap_ok "$variant: statistics on SIGUSR1 (2 frames in)"; else tap_fail "$variant: statistics on SIGUSR1 (2 frames in)" "$(grep 'port inside' "$TMP/nicsim.log")"; fi
	kill -TERM "$PID"
	wait "$PID"
	rc=$?
	PID=
	if [ $rc -eq 0 ] && grep -q "stopped" "$TMP/nicsim.log" && [ ! -e "/dev/shm/realmgate-$name" ] &&
		[ ! -e "$TMP/pid" ]; then
		tap_ok "$variant: clean shutdown on SIGTERM"
	else
		tap_fail "$variant: clean shutdown on SIGTERM" "exit $rc"
	fi
	if grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$TMP/nicsim.log"; then
		tap_fail "$variant: no sanitizer report" "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/nicsim.log")"
	else
		tap_ok "$variant: no sanitizer report"
	fi
	out=$($CHECK summary "$TMP/out.pcap")
	if echo "$out" | grep -q "arp op 2 10.0.0.1 -> 10.0.0.2"; then tap_ok "$variant: card answers ARP for 10.0.0.1"; else tap_fail "$variant: card answers ARP for 10.0.0.1" "$out"; fi
	if echo "$out" | grep -q "ip 10.0.0.1 -> 10.0.0.2 proto 1 icmp type 0"; then tap_ok "$variant: card answers ping to 10.0.0.1"; else tap_fail "$variant: card answers ping to 10.0.0.1" "$out"; fi
	n=$($CHECK summary "$TMP/cap/inside.pcap" | wc -l)
	if [ "$n" -ge 4 ]; then tap_ok "$variant: per-port capture holds both directions ($n frames)"; else tap_fail "$variant: per-port capture holds both directions" "$n frames"; fi
	# the ping was for the card itself: nothing of it may leave outside
	if [ -s "$TMP/wan.pcap" ] && [ "$($CHECK summary "$TMP/wan.pcap" | grep -c ' 10\.')" = 0 ]; then
		tap_ok "$variant: nothing inside leaks to the outside port"
	else
		tap_fail "$variant: nothing inside leaks to the outside port"
	fi
done

# a replay run ends by itself once the input is consumed and the card is quiet
start=$(date +%s%N)
timeout 10 "$ROOT/$BUILD/host/bin/nicsim" --name "t$$-exit" --inside "pcap:$TMP/in.pcap,$TMP/out2.pcap" \
	--exit-after-input 300 2>/dev/null
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc -eq 0 ] && [ "$ms" -ge 300 ] && [ "$ms" -lt 5000 ]; then tap_ok "--exit-after-input ends the run ($ms ms)"; else tap_fail "--exit-after-input ends the run" "exit $rc after $ms ms"; fi

# receive interrupt moderation: a stream of frames is taken in bursts, with
# waits of --rx-usecs between the turns that emptied the rings, and not one
# frame is lost; --rx-usecs 0 takes every frame as it comes (no waits)
specs=()
for i in $(seq 1 300); do specs+=("echo:02:00:0a:00:00:02,02:52:47:00:00:10,10.0.0.2,203.0.113.2,$i"); done
$CHECK write "$TMP/stream.pcap" "${specs[@]}"
for us in 50 0; do
	timeout 20 "$ROOT/$BUILD/host/bin/nicsim" --name "t$$-mod$us" --rx-usecs "$us" \
		--inside "pcap:$TMP/stream.pcap" --exit-after-input 200 --stats 2>"$TMP/mod.log"
	rx=$(sed -n 's/.*port inside   rx \([0-9]*\) .*/\1/p' "$TMP/mod.log")
	mod=$(sed -n 's/.*moderated turns \([0-9]*\).*/\1/p' "$TMP/mod.log")
	if [ "$us" != 0 ]; then
		if [ "${rx:-0}" = 300 ] && [ "${mod:-0}" -gt 0 ]; then tap_ok "--rx-usecs $us: 300 frames in, $mod moderated turns"; else tap_fail "--rx-usecs $us: frames taken in moderated bursts" "rx ${rx:-?} moderated ${mod:-?}"; fi
	else
		if [ "${rx:-0}" = 300 ] && [ "${mod:-1}" = 0 ]; then tap_ok "--rx-usecs 0: 300 frames in, no moderation"; else tap_fail "--rx-usecs 0: no moderation" "rx ${rx:-?} moderated ${mod:-?}"; fi
	fi
done
out=$("$ROOT/$BUILD/host/bin/nicsim" --rx-usecs 1ms 2>&1)
if [ $? -eq 2 ] && echo "$out" | grep -q "rx-usecs"; then tap_ok "bad --rx-usecs is refused"; else tap_fail "bad --rx-usecs is refused" "$out"; fi

# bad invocations are refused with a reason
out=$("$ROOT/$BUILD/host/bin/nicsim" --inside pcap:/nonexistent.pcap 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "nonexistent"; then tap_ok "missing input file is reported"; else tap_fail "missing input file is reported" "$out"; fi
out=$("$ROOT/$BUILD/host/bin/nicsim" --fastpath fpga 2>&1)
if [ $? -eq 2 ] && echo "$out" | grep -q "soft or rtl"; then tap_ok "unknown fast path is refused"; else tap_fail "unknown fast path is refused" "$out"; fi
out=$("$ROOT/$BUILD/host/bin/nicsim" --name "../x" 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "bad card name"; then tap_ok "bad card name is refused"; else tap_fail "bad card name is refused" "$out"; fi
tap_done
