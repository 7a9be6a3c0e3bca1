#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on realmgated's PCP, NAT-PMP and DPM servers
# (tests/fuzz/fuzz_proto.c), from the seed corpus tests/fuzz/corpus-proto/
# (exchanges of each protocol; tests/fuzz/gen-corpus-proto.c).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/fuzz-suite.sh
fuzz_suite "the allocation protocols" "${BUILD:-build}/fuzz/fuzz_proto" tests/fuzz/corpus-proto 2048
tap_done
