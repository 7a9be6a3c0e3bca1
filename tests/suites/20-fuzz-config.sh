#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign on realmgated's configuration files
# (tests/fuzz/fuzz_config.c), from the seed corpus tests/fuzz/corpus-config/
# (the example file etc/realmgated.conf and the lab's file, copied).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/fuzz-suite.sh
fuzz_suite "the configuration" "${BUILD:-build}/fuzz/fuzz_config" tests/fuzz/corpus-config 8192
tap_done
