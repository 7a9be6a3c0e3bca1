/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmarks of the RTL fast path (Verilated rg_fp_top):
 *   rtl_pkts_per_clk       descriptors per clock on a 64/576/1500-byte mix
 *                          (7:4:1), 100 % hit and 50 % miss, against the
 *                          one-per-clock limit (the anchor)
 *   rtl_latency_clk        clocks from acceptance to result, idle pipeline
 *   rtl_sim_pps            packets per second the Verilated model carries
 *                          through the C API (push, clock, pull, splice)
 *   rtl_sim_mbps           the same in Mbit/s of those frames, against the
 *                          100 Mbit/s the RTL-backed simulator must carry
 *   rtl_sim_vs_soft        rtl_sim_pps against the soft fast path's
 *                          rg_fp_process_burst on the same packets
 * rtl_cells / rtl_logic_depth come from yosys (tests/suites/21-rtl-synth.sh)
 * and are printed when its figures file exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/rtl/fpgen.h"
#include "../tests/rtl/rtl_env.h"
#include "realmgate/regmap.h"

#define N_PKTS 200000u

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static struct fpgen_pkt pkts[N_PKTS];

static int gen(struct rtl_env *e, unsigned miss_pct, uint64_t *bytes)
{
	struct fpgen_opts o = { .sessions = 4000, .adjs = 16, .miss_pct = miss_pct, .imix = 1 };
	struct fpgen *g = fpgen_new(99 + miss_pct, &e->rtl, &o);
	if (!g || fpgen_program(g, e->devs, 2))
		return -1;
	*bytes = 0;
	for (unsigned i = 0; i < N_PKTS; i++) {
		fpgen_packet(g, &pkts[i]);
		pkts[i].flags = 0;
		*bytes += pkts[i].len;
	}
	fpgen_free(g);
	return 0;
}

/* Clocks the pipeline needs to accept n descriptors that are all queued. */
static double pkts_per_clk(struct rtl_env *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rg_rtl_push(e->sim, pkts[i].frame, pkts[i].len, pkts[i].port, 0, pkts[i].ts_ms, i);
	struct rg_rtl_counts c0, c;
	rg_rtl_counts(e->sim, &c0);
	do {
		rg_rtl_step(e->sim, 64);
		rg_rtl_counts(e->sim, &c);
	} while (c.accepted - c0.accepted < n);
	/* the last step may have run past the last acceptance */
	uint64_t clocks = c.cycles - c0.cycles - (c.accepted - c0.accepted - n);
	rg_rtl_drain(e->sim, 1000000);
	struct rg_rtl_result r;
	while (rg_rtl_pull(e->sim, &r))
		;
	return (double)n / (double)clocks;
}

int main(void)
{
	struct rtl_env e;
	if (rtl_env_open(&e)) {
		fprintf(stderr, "bench_rtl: cannot create the model\n");
		return 1;
	}
	uint64_t bytes;
	double ppc_hit, ppc_mix;
	if (gen(&e, 0, &bytes))
		return 1;
	ppc_hit = pkts_per_clk(&e, N_PKTS);
	rtl_env_close(&e);
	if (rtl_env_open(&e) || gen(&e, 50, &bytes))
		return 1;
	ppc_mix = pkts_per_clk(&e, N_PKTS);

	/* latency: one descriptor into an idle pipeline */
	rg_rtl_push(e.sim, pkts[0].frame, pkts[0].len, pkts[0].port, 0, 0, 0);
	struct rg_rtl_result r;
	unsigned lat = 0;
	while (!rg_rtl_pull(e.sim, &r) && lat < 1000) {
		rg_rtl_step(e.sim, 1);
		lat++;
	}

	/* simulation speed through the C API */
	double t0 = now();
	for (unsigned i = 0; i < N_PKTS; i += RG_FP_BURST) {
		for (unsigned j = i; j < i + RG_FP_BURST && j < N_PKTS; j++)
			rg_rtl_push(e.sim, pkts[j].frame, pkts[j].len, pkts[j].port, 0,
				    pkts[j].ts_ms, j);
		rg_rtl_drain(e.sim, 100000);
		while (rg_rtl_pull(e.sim, &r))
			;
	}
	double t_rtl = now() - t0;

	/* anchor: the soft fast path on the same packets, in bursts */
	static uint8_t outbuf[RG_FP_BURST][RG_FP_FRAME_MAX + 64];
	struct rg_fp_pkt b[RG_FP_BURST];
	t0 = now();
	for (unsigned i = 0; i < N_PKTS; i += RG_FP_BURST) {
		unsigned n = N_PKTS - i < RG_FP_BURST ? N_PKTS - i : RG_FP_BURST;
		for (unsigned j = 0; j < n; j++)
			b[j] = (struct rg_fp_pkt){ .frame = pkts[i + j].frame,
						   .len = pkts[i + j].len,
						   .port = pkts[i + j].port,
						   .ts_ms = pkts[i + j].ts_ms,
						   .out = outbuf[j] };
		rg_fp_process_burst(e.fp, b, n);
	}
	double t_soft = now() - t0;

	double pps = N_PKTS / t_rtl;
	printf("BENCH rtl_pkts_per_clk %.4f x\n", ppc_mix);
	printf("BENCH rtl_pkts_per_clk_hit100 %.4f x\n", ppc_hit);
	/* lat counts the accepting clock too: the result is handed over lat - 1
	 * clocks after the input handshake */
	printf("BENCH rtl_latency_clk %u clk\n", lat - 1);
	printf("BENCH rtl_sim_pps %.0f pps\n", pps);
	printf("BENCH rtl_sim_mbps %.1f Mbit/s\n", pps * (double)bytes * 8.0 / N_PKTS / 1e6);
	printf("BENCH rtl_sim_mbps_vs_target %.2f x\n", pps * (double)bytes * 8.0 / N_PKTS / 1e8);
	printf("BENCH rtl_sim_vs_soft %.4f x\n", t_soft / t_rtl);
	const char *build = getenv("BUILD");
	char path[512];
	snprintf(path, sizeof(path), "%s/rtl-synth/figures.txt", build ? build : "build");
	FILE *f = fopen(path, "r");
	if (f) {
		char name[64];
		unsigned long v;
		while (fscanf(f, "%63s %lu", name, &v) == 2)
			printf("BENCH %s %lu %s\n", name, v,
			       strcmp(name, "rtl_logic_depth") ? "cells" : "levels");
		fclose(f);
	} else {
		printf("# rtl_cells, rtl_logic_depth: run tests/suites/21-rtl-synth.sh first\n");
	}
	rtl_env_close(&e);
	return 0;
}
