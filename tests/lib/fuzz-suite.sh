# SPDX-License-Identifier: BSD-2-Clause
# A short libFuzzer campaign for a suite (tests/suites/20-fuzz-*.sh; make fuzz
# runs long ones): fixed seed, bounded runs, so it takes seconds and is
# reproducible. It starts from the target's committed seed corpus, read only
# (new inputs go to a scratch directory), after running every seed on its
# own. Source after tests/lib/tap.sh.
# usage: fuzz_suite WHAT BINARY SEED_DIR MAX_LEN
fuzz_suite() {
	local what=$1 bin=$2 seeds=$3 max_len=$4
	if [ ! -x "$bin" ]; then
		tap_skip "fuzz $what" "clang with libFuzzer (libclang-rt) not available"
		return 0
	fi
	local corpus
	corpus=$(mktemp -d)
	local n_seeds
	n_seeds=$(find "$seeds" -type f 2>/dev/null | wc -l)
	if [ "$n_seeds" -gt 0 ]; then
		tap_ok "seed corpus: $n_seeds inputs in $seeds"
	else
		tap_fail "seed corpus" "$seeds is empty (make fuzz-corpus writes it)"
	fi
	# every seed on its own first: valid input must pass the target's checks
	if "$bin" -runs=1 $(find "$seeds" -type f | sort) >"$corpus.log" 2>&1; then
		tap_ok "every seed of $what runs clean"
	else
		tap_fail "every seed of $what runs clean" \
			"$(grep -m3 -E 'ERROR|SUMMARY|abort|Running' "$corpus.log" | tr '\n' ' ')"
	fi
	if "$bin" -seed=1 -runs="${FUZZ_RUNS:-6000}" -max_len="$max_len" "$corpus" "$seeds" \
		>"$corpus.log" 2>&1; then
		tap_ok "fuzz $what from the seeds ($(grep -m1 -o 'INITED cov: [0-9]*' "$corpus.log" |
			sed 's/INITED //'), no crash)"
	else
		tap_fail "fuzz $what" "$(grep -m3 -E 'ERROR|SUMMARY|abort' "$corpus.log" | tr '\n' ' ')"
	fi
	rm -rf "$corpus" "$corpus.log"
}
