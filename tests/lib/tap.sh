# SPDX-License-Identifier: BSD-2-Clause
# TAP output for scripted test suites (sourced). Every check prints one
# "ok N - name" or "not ok N - name" line, which tests/run-tests counts.
#   tap_ok NAME            record a pass
#   tap_fail NAME [WHY]    record a failure
#   tap_skip NAME WHY      record a skip (only for a reason outside our control)
#   tap_check NAME CMD...  run CMD, pass if it exits 0
#   tap_done               print the plan and exit 1 if anything failed
TAP_N=0
TAP_FAILED=0

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1${2:+ ($2)}"
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

tap_check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "command failed: $*"; fi
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
