#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on the packet path (make fuzz runs a long one):
# fixed seed, bounded runs, so it takes a few seconds and is reproducible.
set -u
. "$(dirname "$0")/../lib/tap.sh"
bin=${BUILD:-build}/fuzz/fuzz_packet
if [ ! -x "$bin" ]; then
	tap_skip "fuzz the packet path" "clang with libFuzzer (libclang-rt) not available"
	tap_done
	exit 0
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
if "$bin" -seed=1 -runs=${FUZZ_RUNS:-6000} -max_len=2048 "$corpus" >"$corpus.log" 2>&1; then
	tap_ok "fuzz the packet path ($(grep -c . "$corpus.log") log lines, no crash)"
else
	tap_fail "fuzz the packet path" "$(grep -m3 -E 'ERROR|SUMMARY|abort' "$corpus.log" | tr '\n' ' ')"
fi
rm -f "$corpus.log"
tap_done
