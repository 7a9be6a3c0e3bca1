#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The project's source rules that a reader should not have to police: every
# C/C++ file is as clang-format (.clang-format) writes it, and every source,
# script, build and RTL file starts with the BSD-2-Clause SPDX line.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
if ! command -v clang-format >/dev/null; then
	tap_skip "C sources are clang-formatted" "clang-format not installed"
else
	bad=$(git ls-files '*.c' '*.h' '*.cpp' | xargs clang-format --dry-run 2>&1 |
		grep -o '^[^:]*:[0-9]*:[0-9]*: warning' | cut -d: -f1 | sort -u | tr '\n' ' ')
	if [ -z "$bad" ]; then
		tap_ok "C sources are clang-formatted ($(git ls-files '*.c' '*.h' '*.cpp' | wc -l) files)"
	else
		tap_fail "C sources are clang-formatted" "make format would change: $bad"
	fi
fi
missing=""
n=0
while read -r f; do
	n=$((n + 1))
	head -3 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause' || missing="$missing $f"
done < <(git ls-files '*.c' '*.h' '*.cpp' '*.sh' '*.v' '*.mk' '*.py' '*.ys' Makefile tests/run-tests \
	bench/run-benchmarks)
if [ -z "$missing" ]; then
	tap_ok "every source file has the SPDX line ($n files)"
else
	tap_fail "every source file has the SPDX line" "missing in:$missing"
fi
tap_done
