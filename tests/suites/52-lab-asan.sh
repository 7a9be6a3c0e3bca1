#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The lab with the ASan+UBSan build of nicsim and realmctl, on both fast
# paths (the Verilated model itself is built with ASan only, see
# rtl-model/module.mk): real traffic (ping, an 8 MB download, a short iperf3
# run each way, listings, a card reset) must not make the sanitizers report
# anything, and nicsim must stop cleanly.
set -u
. "$(dirname "$0")/../lib/tap.sh"
LAB_BIN=$(cd "$(dirname "$0")/../.." && pwd)/${BUILD:-build}/asan/bin
. "$(dirname "$0")/../lib/lab.sh"
lab_require_root "lab with ASan+UBSan nicsim"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

head -c 8000000 /dev/urandom >"$LAB_TMP/big.bin"
want=$(sha256sum <"$LAB_TMP/big.bin" | cut -d' ' -f1)
fps=soft
"$LAB_BIN/nicsim" --version | grep -qw rtl && fps="soft rtl"
for fp in $fps; do
	rm -f "$LAB_LOG"
	if ! out=$(lab up --fastpath "$fp" --no-daemon 2>&1); then
		tap_fail "asan $fp: realmlab up" "$out"
		continue
	fi
	tap_ok "asan $fp: realmlab up"
	lab_bg wan python3 -m http.server --bind 203.0.113.2 --directory "$LAB_TMP" 8080
	lab_bg wan iperf3 -s -B 203.0.113.2 -p 5201
	lab_wait_port wan 8080 && lab_wait_port wan 5201
	tap_check "asan $fp: ping" lab exec lan -- ping -c 2 -i 0.2 -W 2 203.0.113.2
	got=$(lab exec lan2 -- timeout 60 curl -sf http://203.0.113.2:8080/big.bin | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] && tap_ok "asan $fp: curl of an 8 MB file" || tap_fail "asan $fp: curl of an 8 MB file"
	tap_check "asan $fp: iperf3 both ways" bash -c "'$LAB_BIN/realmlab' exec lan -- timeout 20 iperf3 -c 203.0.113.2 -t 1 >/dev/null && '$LAB_BIN/realmlab' exec lan -- timeout 20 iperf3 -c 203.0.113.2 -t 1 -R >/dev/null"
	tap_check "asan $fp: realmctl listings" bash -c "'$LAB_BIN/realmlab' ctl --json sessions >/dev/null && '$LAB_BIN/realmlab' ctl --json counters >/dev/null && '$LAB_BIN/realmlab' ctl --json mapping list >/dev/null"
	tap_check "asan $fp: card reset" lab ctl reset --card
	lab down >/dev/null
	LAB_PIDS=()
	if grep -q "stopped" "$LAB_LOG" && ! grep -qE "Sanitizer|runtime error" "$LAB_LOG"; then
		tap_ok "asan $fp: nicsim stopped cleanly without a sanitizer report"
	else
		tap_fail "asan $fp: nicsim stopped cleanly without a sanitizer report" "$(grep -m5 -E 'Sanitizer|runtime error|stopped' "$LAB_LOG")"
	fi
done
tap_done
