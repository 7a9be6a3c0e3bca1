#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Line coverage of the C sources by the tests (gcov, part of gcc): builds the
# host variant with --coverage into $BUILD (default build-cov), runs the unit
# tests (and, with COVERAGE_SUITES=1, every suite: the lab needs root), then
# prints lines executed per file of firmware/, driver/ and host-tools/ with a
# total per directory, and leaves annotated sources (FILE.c.gcov, "#####"
# marks a line never run; firmware#slowpath#nat.c.gcov for firmware/slowpath/
# nat.c) in $BUILD/coverage/ to read what no test reaches.
#
# With COVERAGE_SUITES=1 the suites that need the ASan variant (45, 52), the
# Verilated model inside nicsim (56's rtl half) or programs run as other users
# (41: gcov cannot write their counts, and says so on stderr) fail in this
# build; that is the build's doing, not the product's, and the lines the rest
# ran still count.
#
# usage: tools/coverage.sh [DIR...]     (default: firmware driver host-tools)
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build-cov}
DIRS=${*:-firmware driver host-tools}
JOBS=${JOBS:-$(nproc)}

mkdir -p "$BUILD"
make --no-print-directory -j"$JOBS" BUILD="$BUILD" EXTRA_CFLAGS=--coverage \
	LDFLAGS_host=--coverage all >"$BUILD/build.log" 2>&1 ||
	{ tail -20 "$BUILD/build.log"; echo "coverage: build failed ($BUILD/build.log)" >&2; exit 1; }
find "$BUILD/host" -name '*.gcda' -delete
if [ "${COVERAGE_SUITES:-0}" = 1 ]; then
	BUILD=$BUILD tests/run-tests --no-asan | tail -3
else
	BUILD=$BUILD tests/run-tests --no-asan --no-suites | tail -1
fi

out=$BUILD/coverage
rm -rf "$out" && mkdir -p "$out"
report=$out/summary.txt
for d in $DIRS; do
	find "$d" -name '*.c' | sort | while read -r src; do
		obj=$BUILD/host/${src%.c}.o
		[ -f "${obj%.o}.gcno" ] || continue
		# gcov writes its FILE.gcov files into the current directory
		line=$(gcov -p -o "$(dirname "$obj")" "$src" 2>/dev/null |
			awk -v f="$src" '$0 ~ "^File .*" f "\x27" { getline; print; exit }')
		mv -f ./*.gcov "$out/" 2>/dev/null
		pct=${line#Lines executed:}
		pct=${pct%%%*}
		total=${line##* of }
		[ -n "$line" ] || { pct=0; total=0; }
		printf '%s %s %s\n' "$src" "$pct" "$total"
	done
done >"$report.raw"
# the annotated copies of headers and system files are noise
find "$out" -name '*.gcov' ! -name '*.c.gcov' -delete
awk '
{ dir = $1; sub(/\/[^\/]*$/, "", dir); n = $3; hit = $2 * n / 100
  files[NR] = sprintf("%-52s %6.1f %% of %5d lines", $1, $2, n)
  d_n[dir] += n; d_hit[dir] += hit; t_n += n; t_hit += hit }
END {
  for (i = 1; i <= NR; i++) print files[i]
  print ""
  for (d in d_n) if (d_n[d]) printf "%-52s %6.1f %% of %5d lines\n", d "/", 100 * d_hit[d] / d_n[d], d_n[d]
  if (t_n) printf "%-52s %6.1f %% of %5d lines\n", "total", 100 * t_hit / t_n, t_n
}' "$report.raw" | tee "$report"
rm -f "$report.raw"
echo "# annotated sources: $out/*.c.gcov (##### = never run)"
