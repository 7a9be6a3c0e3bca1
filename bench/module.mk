# SPDX-License-Identifier: BSD-2-Clause
# Benchmarks (bench/run-benchmarks runs them; docs/benchmarks.md records
# the figures with the commands).
BENCHES += bench_fastpath
bench_fastpath_SRCS := bench/bench_fastpath.c
bench_fastpath_LIBS := testlib fwfast
BENCHES += bench_setup
bench_setup_SRCS := bench/bench_setup.c
bench_setup_LIBS := testlib fwslow fwfast
BENCHES += bench_leases
bench_leases_SRCS := bench/bench_leases.c
bench_leases_LIBS := rgd
