#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Coverage of the differential run: test_rtl_diff linked with a line +
# toggle coverage build of the model ($BUILD/host/rtl-cov/), run with
# RTL_COV_PACKETS packets (default 200000). Writes the merged data, the
# annotated sources and $BUILD/rtl-cov/summary.txt (line and toggle
# coverage per module, every uncovered line point); the line coverage of
# the synthesized design must stay at or above RTL_COV_MIN_LINE percent.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
BUILD=${BUILD:-build}
bin=$BUILD/host/rtl-cov/test_rtl_diff_cov
out=$BUILD/rtl-cov
mkdir -p "$out"
rm -f "$out"/cov.dat.*
if RG_DIFF_PACKETS=${RTL_COV_PACKETS:-200000} RG_RTL_COVERAGE_FILE=$out/cov.dat \
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out/run.log" 2>&1; then
	tap_ok "differential run with coverage"
else
	tap_fail "differential run with coverage" "see $out/run.log"
fi
if verilator_coverage --write "$out/merged.dat" "$out"/cov.dat.* >/dev/null 2>&1 &&
	verilator_coverage --annotate "$out/annotated" "$out/merged.dat" >"$out/annotate.txt" 2>&1; then
	tap_ok "coverage merged and annotated ($out/annotated)"
else
	tap_fail "coverage merged and annotated"
fi
python3 - "$out/merged.dat" >"$out/summary.txt" <<'PY'
import collections, re, sys
pts = collections.defaultdict(lambda: [0, 0])
unc = []
for raw in open(sys.argv[1], encoding="latin-1"):
    if not raw.startswith("C '"):
        continue
    body, count = raw.rsplit("' ", 1)
    kv = dict(f.split("\x02", 1) for f in body[3:].split("\x01") if "\x02" in f)
    typ = kv.get("page", "v_?").split("/")[0][2:]  # v_line/..., v_toggle/...
    fn, ln = kv.get("f", "?"), kv.get("l", "0")
    if "/units/" in fn:
        continue
    mod = fn.rsplit("/", 1)[-1]
    hit = int(count) > 0
    pts[(typ, mod)][0] += 1
    pts[(typ, mod)][1] += hit
    if typ == "line" and not hit:
        unc.append("%s:%s %s" % (mod, ln, kv.get("o", "")))
tot = collections.defaultdict(lambda: [0, 0])
for (typ, mod), (n, h) in sorted(pts.items()):
    tot[typ][0] += n
    tot[typ][1] += h
    print("%-7s %-22s %5d/%-5d %6.2f%%" % (typ, mod, h, n, 100.0 * h / n))
for typ, (n, h) in sorted(tot.items()):
    print("TOTAL %s %d/%d %.2f%%" % (typ, h, n, 100.0 * h / n))
print("uncovered line points:")
for u in sorted(set(unc)):
    print("  " + u)
PY
line=$(awk '$1 == "TOTAL" && $2 == "line" {sub("%", "", $4); print $4}' "$out/summary.txt")
toggle=$(awk '$1 == "TOTAL" && $2 == "toggle" {sub("%", "", $4); print $4}' "$out/summary.txt")
echo "# line coverage ${line:-?}%, toggle coverage ${toggle:-?}% (details: $out/summary.txt)"
sed -n '/uncovered line points/,$p' "$out/summary.txt" | head -40 | sed 's/^/# /'
min=${RTL_COV_MIN_LINE:-96}
if [ -n "$line" ] && awk -v a="$line" -v b="$min" 'BEGIN {exit !(a >= b)}'; then
	tap_ok "line coverage $line% >= $min%"
else
	tap_fail "line coverage ${line:-?}% >= $min%"
fi
tap_done
