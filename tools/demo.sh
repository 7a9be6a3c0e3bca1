#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make demo`: the simulated gateway carrying real traffic in the lab.
# Brings the lab up with the Verilated RTL fast path, lets a LAN host ping
# and fetch a page from a web server in the outside realm, shows what the
# card saw, and takes the lab down again (also when something fails).
set -u
BUILD=${BUILD:-build}
BIN=$(cd "$(dirname "$0")/.." && pwd)/$BUILD/host/bin
LAB=$BIN/realmlab
FASTPATH=${DEMO_FASTPATH:-rtl}

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	printf '\033[2m$ %s\033[0m\n' "$*"
	"$@"
}

if [ ! -x "$BIN/nicsim" ] || [ ! -x "$LAB" ]; then
	echo "make demo: nicsim and realmlab are not built (run make)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo: the lab needs root (network namespaces); run it as root" >&2
	exit 1
fi
if [ "$FASTPATH" = rtl ] && ! "$BIN/nicsim" --version | grep -qw rtl; then
	echo "make demo: this build has no RTL model (rtl-model/sim); using the soft fast path" >&2
	FASTPATH=soft
fi
if "$LAB" status >/dev/null 2>&1; then
	echo "make demo: a lab is already up; take it down first with: $LAB down" >&2
	exit 1
fi
WWW=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1; rm -rf "$WWW"' EXIT

echo "realmgate demo: a realm gateway (NAT) running as a simulated SmartNIC."
echo
echo "  inside realm                    the card                 outside realm"
echo "  rg-lan  10.0.0.2 --+                                  +-- rg-wan 203.0.113.2"
echo "                     +-- 10.0.0.1 [nicsim: firmware  ]  |   (web server)"
printf "  rg-lan2 10.0.0.3 --+            [+ %-4s fast path ] 203.0.113.1\n" "$FASTPATH"
echo
echo "Every packet below crosses nicsim: the card's fast path translates it"
echo "(10.0.0.x inside <-> 203.0.113.1 outside); the first packet of each flow"
echo "goes to the firmware, which allocates the outside port and installs the"
echo "session in the fast path."

bold "1. Bring the lab up (namespaces, veth wires, the card, its configuration)"
run "$LAB" up --fastpath "$FASTPATH" || exit 1

bold "2. Start a web server in the outside realm"
echo "<html><body><h1>Hello from the outside realm (203.0.113.2)</h1></body></html>" \
	>"$WWW/index.html"
"$LAB" exec wan -- python3 -m http.server --bind 203.0.113.2 --directory "$WWW" 80 \
	>/dev/null 2>"$WWW/access.log" &
WEB=$!
for _ in $(seq 1 50); do
	"$LAB" exec wan -- ss -lnt 2>/dev/null | grep -q ':80 ' && break
	sleep 0.1
done
echo "python3 -m http.server listens on 203.0.113.2:80 in rg-wan"

bold "3. rg-lan pings the web server through the card"
run "$LAB" exec lan -- ping -c 3 -i 0.3 203.0.113.2 || exit 1

bold "4. rg-lan fetches the page"
run "$LAB" exec lan -- curl -s http://203.0.113.2/ || exit 1
sleep 0.2
echo "The web server saw the request coming from:"
sed -n 's/^\([0-9.]*\) .*"\(GET [^"]*\)".*/  \1  (\2)/p' "$WWW/access.log"
echo "- the card's outside address: rg-lan's 10.0.0.2 never left the inside realm."

bold "5. The card's sessions, and how much of its outside address they use"
run "$LAB" ctl sessions
run "$LAB" ctl addresses

bold "6. The card's counters (fp-* are the fast path's, the rest the firmware's)"
run "$LAB" ctl counters

bold "7. rg-lan opens an inbound port with NAT-PMP (natpmpc, Debian's client)"
echo "realmgated serves NAT-PMP and PCP on 10.0.0.1:5351 through the card's host"
echo "port; the mapping is on the card before the answer leaves."
"$LAB" exec lan -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.0.0.2', 5000)); s.settimeout(10)
d, a = s.recvfrom(200)
print('rg-lan received %r from %s:%d' % (d.decode(), a[0], a[1]))" >"$WWW/udp.out" 2>&1 &
UDP=$!
run "$LAB" exec lan -- natpmpc -a 5000 5000 udp 3600 || exit 1
run "$LAB" ctl mappings

bold "8. rg-wan reaches rg-lan unsolicited through 203.0.113.1:5000"
run "$LAB" exec wan -- python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b'hello through the mapping', ('203.0.113.1', 5000)); time.sleep(0.3)"
wait "$UDP"
cat "$WWW/udp.out"
grep -q "hello through the mapping" "$WWW/udp.out" || exit 1

bold "9. Take the lab down"
kill "$WEB" 2>/dev/null
wait "$WEB" 2>/dev/null
run "$LAB" down
echo
echo "Done. Try it yourself: $LAB up, then $LAB exec lan -- bash"
echo "(docs/lab.md describes the lab)."
