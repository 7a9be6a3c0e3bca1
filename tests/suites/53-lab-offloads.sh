#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# What veth really delivers (docs/lab.md, "Offloads"): the lab switches
# segmentation and checksum offloads off; frames with partial checksums are
# completed by nicsim; GSO super-packets are dropped, counted and reported.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "lab offload handling"

if ! out=$(lab up --fastpath soft 2>&1); then
	tap_fail "realmlab up" "$out"
	tap_done
	exit 1
fi
off=$(lab exec lan -- ethtool -k eth0 | grep -cE '^(rx-checksumming|tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): off')
[ "$off" = 5 ] && tap_ok "offloads are off on the lab's interfaces" || tap_fail "offloads are off on the lab's interfaces" "$off of 5"
off=$(lab exec gw -- ethtool -k in0 | grep -cE '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): off')
[ "$off" = 3 ] && tap_ok "... also on the card's ports" || tap_fail "... also on the card's ports" "$off of 3"

head -c 3000000 /dev/urandom >"$LAB_TMP/up.bin"
lab_bg wan python3 -c '
import http.server, hashlib
class H(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        body = hashlib.sha256(data).hexdigest().encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("203.0.113.2", 8080), H).serve_forever()'
lab_wait_port wan 8080
want=$(sha256sum <"$LAB_TMP/up.bin" | cut -d' ' -f1)

# offloads on along the path to the card (rg-lan's eth0 and the switch port
# toward the card), as a default veth has them
offloads() { # ethtool -K arguments
	lab exec lan -- ethtool -K eth0 "$@" >/dev/null 2>&1
	lab exec gw -- ethtool -K in0-br "$@" >/dev/null 2>&1
}

# partial checksums: rg-lan leaves TCP/UDP checksums to the "NIC"
offloads tx on
got=$(lab exec lan -- timeout 30 curl -sf -T "$LAB_TMP/up.bin" http://203.0.113.2:8080/up)
[ "$got" = "$want" ] && tap_ok "upload with partial checksums arrives intact" || tap_fail "upload with partial checksums arrives intact" "$got"
n=$(lab stats | sed -n 's/.*port inside .*rx-csum-completed \([0-9]*\).*/\1/p')
[ "${n:-0}" -gt 100 ] && tap_ok "nicsim completed the partial checksums ($n frames)" || tap_fail "nicsim completed the partial checksums" "$n"

# GSO super-packets: not segmented by nicsim, dropped and reported
offloads tx on sg on tso on gso on
lab exec lan -- timeout 4 curl -s -T "$LAB_TMP/up.bin" http://203.0.113.2:8080/up >/dev/null
n=$(lab stats | sed -n 's/.*port inside .*rx-oversize \([0-9]*\).*/\1/p')
[ "${n:-0}" -gt 0 ] && tap_ok "GSO super-packets are counted as rx-oversize ($n)" || tap_fail "GSO super-packets are counted as rx-oversize" "$n"
grep -q "GSO/GRO super-packets are not segmented" "/run/realmlab/${REALMLAB_PREFIX%-}/nicsim.log" &&
	tap_ok "... and nicsim says which offloads to switch off" || tap_fail "... and nicsim says which offloads to switch off"
# back to the lab's settings: traffic works again
offloads tx off tso off gso off
got=$(lab exec lan -- timeout 30 curl -sf -T "$LAB_TMP/up.bin" http://203.0.113.2:8080/up2)
[ "$got" = "$want" ] && tap_ok "with offloads off again the upload works" || tap_fail "with offloads off again the upload works" "$got"
tap_done
