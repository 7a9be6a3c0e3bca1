# SPDX-License-Identifier: BSD-2-Clause
# Benchmarks (bench/run-benchmarks runs them; docs/benchmarks.md records
# the figures with the commands).
BENCHES += bench_fastpath
bench_fastpath_SRCS := bench/bench_fastpath.c
bench_fastpath_LIBS := testlib fwfast
