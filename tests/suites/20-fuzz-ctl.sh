#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on realmgated's control socket requests
# (tests/fuzz/fuzz_ctl.c), from the seed corpus tests/fuzz/corpus-ctl/ (the
# daemon's commands, realmctl's raw mailbox relay of each listing and
# mapping command, and refused requests).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/fuzz-suite.sh
fuzz_suite "the control socket" "${BUILD:-build}/fuzz/fuzz_ctl" tests/fuzz/corpus-ctl 4096
tap_done
