/* SPDX-License-Identifier: BSD-2-Clause */
/* What every benchmark program needs: a monotonic clock in seconds and a
 * fixed pseudo-random sequence (xorshift64, the same seed everywhere, so a
 * run draws the same flows, secrets and hosts as the last one). */
#ifndef RG_BENCH_UTIL_H
#define RG_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t bench_rng = 88172645463325252ull;
static inline uint64_t rnd(void)
{
	bench_rng ^= bench_rng << 13;
	bench_rng ^= bench_rng >> 7;
	bench_rng ^= bench_rng << 17;
	return bench_rng;
}

#endif /* RG_BENCH_UTIL_H */
