#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on the mailbox service behind BAR0 and the DMA
# rings (tests/fuzz/fuzz_mbox.c), from the seed corpus tests/fuzz/corpus-mbox/
# (a well-formed command of each opcode; tests/fuzz/gen-corpus-mbox.c).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/fuzz-suite.sh
fuzz_suite "the mailbox" "${BUILD:-build}/fuzz/fuzz_mbox" tests/fuzz/corpus-mbox 2048
tap_done
