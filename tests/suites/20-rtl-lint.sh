#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Lint of the RTL fast path: `verilator --lint-only -Wall` of the top and of
# every module as a top of its own must be clean (the waivers in the sources
# are lint_off/lint_on pairs with the reason next to them); every file has
# the SPDX line, `default_nettype none`, a header comment naming its
# interfaces and latency, one module named like the file, and a comment on
# every parameter; contract values come from rg_contract.vh only.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
BUILD=${BUILD:-build}
inc="-I$BUILD/gen -Irtl-model/rtl"
srcs=$(ls rtl-model/rtl/*.v)

if verilator --lint-only -Wall $inc --top-module rg_fp_top $srcs >"$BUILD/rtl-lint.log" 2>&1; then
	tap_ok "verilator -Wall: rg_fp_top clean"
else
	tap_fail "verilator -Wall: rg_fp_top clean" "$(grep -c '%Warning' "$BUILD/rtl-lint.log") warnings"
	head -20 "$BUILD/rtl-lint.log" | sed 's/^/# /'
fi
for f in $srcs; do
	m=$(basename "$f" .v)
	# Verilator 5.006 does not elaborate a recursive module used as the top;
	# rg_add_tree is linted where rg_fp_parse instantiates it
	[ "$m" = rg_add_tree ] && continue
	if verilator --lint-only -Wall -Wno-UNUSEDPARAM $inc --top-module "$m" $srcs >"$BUILD/rtl-lint-$m.log" 2>&1; then
		tap_ok "verilator -Wall: $m as top"
	else
		tap_fail "verilator -Wall: $m as top"
		head -10 "$BUILD/rtl-lint-$m.log" | sed 's/^/# /'
	fi
done

waivers_ok=1
lint_waivers=0
for f in $srcs; do
	m=$(basename "$f" .v)
	problems=""
	head -1 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause' || problems="$problems spdx"
	grep -q '^`default_nettype none' "$f" || problems="$problems nettype"
	grep -q '^// Interfaces' "$f" || problems="$problems interfaces-comment"
	grep -q '^// Latency' "$f" || problems="$problems latency-comment"
	[ "$(grep -c '^module ' "$f")" = 1 ] && grep -q "^module $m\b" "$f" || problems="$problems module-name"
	# every parameter line carries a comment
	if grep -E '^\s*parameter ' "$f" | grep -v '//' | grep -q .; then problems="$problems parameter-comment"; fi
	# a lint waiver is a pair, with its reason on the line(s) before
	offs=$(grep -c 'verilator lint_off' "$f")
	ons=$(grep -c 'verilator lint_on' "$f")
	lint_waivers=$((lint_waivers + offs))
	[ "$offs" = "$ons" ] || problems="$problems unpaired-waiver"
	for n in $(grep -n 'verilator lint_off' "$f" | cut -d: -f1); do
		sed -n "$((n > 2 ? n - 2 : 1)),$((n + 2))p" "$f" | grep -v 'lint_o' | grep -q '//' ||
			problems="$problems waiver-without-reason:$n"
	done
	if [ -n "$problems" ]; then tap_fail "$m: file conventions" "$problems"; waivers_ok=0; else tap_ok "$m: file conventions"; fi
done
echo "# $lint_waivers lint waivers (UNUSEDSIGNAL on fields the contract leaves unused), each with its reason"
tap_done
