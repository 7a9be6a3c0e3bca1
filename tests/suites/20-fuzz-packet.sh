#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on the packet path (make fuzz runs a long one):
# fixed seed, bounded runs, so it takes a few seconds and is reproducible.
# It starts from the committed seed corpus tests/fuzz/corpus/ (valid flows:
# UDP, TCP handshake, ICMP echo and errors with quotes, fragments, VLAN,
# IP-in-IP, ARP, host port, MAP_ADD; tests/fuzz/gen-corpus.c), read only:
# new inputs go to a scratch directory.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
bin=${BUILD:-build}/fuzz/fuzz_packet
seeds=tests/fuzz/corpus
if [ ! -x "$bin" ]; then
	tap_skip "fuzz the packet path" "clang with libFuzzer (libclang-rt) not available"
	tap_done
	exit 0
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus" "$corpus.log"' EXIT
n_seeds=$(find "$seeds" -type f 2>/dev/null | wc -l)
if [ "$n_seeds" -gt 0 ]; then
	tap_ok "seed corpus: $n_seeds inputs in $seeds"
else
	tap_fail "seed corpus" "$seeds is empty (make fuzz-corpus writes it)"
fi
# every seed on its own first: valid traffic must pass the output checks
if "$bin" -runs=1 $(find "$seeds" -type f | sort) >"$corpus.log" 2>&1; then
	tap_ok "every seed runs clean"
else
	tap_fail "every seed runs clean" "$(grep -m3 -E 'ERROR|SUMMARY|abort|Running' "$corpus.log" | tr '\n' ' ')"
fi
if "$bin" -seed=1 -runs=${FUZZ_RUNS:-6000} -max_len=2048 "$corpus" "$seeds" >"$corpus.log" 2>&1; then
	tap_ok "fuzz the packet path from the seeds ($(grep -m1 -o 'INITED cov: [0-9]*' "$corpus.log" | sed 's/INITED //'), no crash)"
else
	tap_fail "fuzz the packet path" "$(grep -m3 -E 'ERROR|SUMMARY|abort' "$corpus.log" | tr '\n' ' ')"
fi
tap_done
