#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The whole gateway (card + realmgated, tests/suites/60-lab-daemon.sh) with
# the Verilated RTL as the card's fast path: the protocols' mappings,
# filters and the restart under traffic must behave the same on it.
set -u
if ! "$(dirname "$0")/../../${BUILD:-build}/host/bin/nicsim" --version 2>/dev/null | grep -qw rtl; then
	. "$(dirname "$0")/../lib/tap.sh"
	tap_skip "lab with realmgated (rtl fast path)" "this build has no RTL model"
	tap_done
	exit 0
fi
LAB_FASTPATH=rtl exec bash "$(dirname "$0")/60-lab-daemon.sh"
