#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Synthesis of the RTL fast path with yosys (rtl-model/synth/rg_fp_top.ys):
# it must synthesize with no latch and pass yosys' structural checks; the
# cell count and the logic depth (longest flop-to-flop path in 6-input LUT
# levels) are written to $BUILD/rtl-synth/ for docs/benchmarks.md
# (rtl_cells, rtl_logic_depth).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
BUILD=${BUILD:-build}
out=$BUILD/rtl-synth
mkdir -p "$out"
if ! command -v yosys >/dev/null; then
	tap_fail "yosys installed" "run make deps"
	tap_done
	exit
fi
srcs=$(ls rtl-model/rtl/*.v | tr '\n' ' ')
{
	echo "read_verilog -sv -I$BUILD/gen -Irtl-model/rtl $srcs"
	sed "s|@RESULT@|$out|g" rtl-model/synth/rg_fp_top.ys
} >"$out/run.ys"
if yosys -q -l "$out/yosys.log" "$out/run.ys" >"$out/yosys.out" 2>&1; then
	tap_ok "yosys synthesizes rg_fp_top with no latch and clean checks"
else
	tap_fail "yosys synthesizes rg_fp_top with no latch and clean checks" "see $out/yosys.log"
	tail -20 "$out/yosys.log" | sed 's/^/# /'
	tap_done
	exit
fi
cells=$(awk '/Number of cells:/ {n=$4} END {print n}' "$out/stat.txt")
luts=$(awk '$1 == "$lut" {print $2}' "$out/stat.txt")
ffs=$(awk '$1 ~ /DFF/ {s += $2} END {print s + 0}' "$out/stat.txt")
mems=$(awk '$1 == "$mem_v2" {print $2}' "$out/stat.txt")
depth=$(sed -n 's/.*length=\([0-9]*\).*/\1/p' "$out/ltp.txt" | head -1)
echo "# cells $cells (LUT6 $luts, flip-flops $ffs, RAM blocks $mems), logic depth $depth LUTs"
printf 'rtl_cells %s\nrtl_luts %s\nrtl_ffs %s\nrtl_rams %s\nrtl_logic_depth %s\n' \
	"$cells" "$luts" "$ffs" "$mems" "$depth" >"$out/figures.txt"
if [ -n "$cells" ] && [ -n "$depth" ]; then tap_ok "cells and depth reported"; else tap_fail "cells and depth reported"; fi
# a regression guard on the pipelining: the deepest stage stays within a
# budget that a 250 MHz part can close with register retiming to spare
if [ -n "$depth" ] && [ "$depth" -le "${RTL_DEPTH_MAX:-26}" ]; then
	tap_ok "logic depth $depth <= ${RTL_DEPTH_MAX:-26} LUT levels"
else
	tap_fail "logic depth ${depth:-?} <= ${RTL_DEPTH_MAX:-26} LUT levels"
fi
tap_done
