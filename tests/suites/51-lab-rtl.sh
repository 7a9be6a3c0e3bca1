#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The lab with the Verilated RTL fast path: the same real clients as the
# soft suite (tests/lib/lab-e2e.sh).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/lab-e2e.sh"
lab_require_root "lab end-to-end (rtl fast path)"
if ! "$LAB_BIN/nicsim" --version | grep -qw rtl; then
	tap_skip "lab end-to-end (rtl fast path)" "this build has no RTL model (rtl-model/sim not on main yet)"
	tap_done
	exit 0
fi
lab_e2e rtl
tap_done
