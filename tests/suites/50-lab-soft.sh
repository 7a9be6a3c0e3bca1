#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The lab with the soft fast path: real clients through the simulated card
# (tests/lib/lab-e2e.sh says which).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/lab-e2e.sh"
lab_require_root "lab end-to-end (soft fast path)"
lab_e2e soft
tap_done
