#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on the packet path (tests/fuzz/fuzz_packet.c),
# from the seed corpus tests/fuzz/corpus/ (valid flows: UDP, TCP handshake,
# ICMP echo and errors with quotes, fragments, VLAN, IP-in-IP, ARP, host
# port, MAP_ADD; tests/fuzz/gen-corpus.c). tests/lib/fuzz-suite.sh runs it.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/fuzz-suite.sh
fuzz_suite "the packet path" "${BUILD:-build}/fuzz/fuzz_packet" tests/fuzz/corpus 2048
tap_done
