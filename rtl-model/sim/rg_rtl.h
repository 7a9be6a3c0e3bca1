/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Verilated RTL fast path (rtl-model/rtl/rg_fp_top.v) as a C library:
 * the simulator, the tests and the benchmarks drive the card's pipeline
 * through this API, clock by clock.
 *
 * The harness plays the parts of the card around the pipeline:
 *   receive MAC    computes tail_sum (rg_fp_tail_sum) and hands the header
 *                  window and metadata to the pipeline as one descriptor;
 *   packet buffer  keeps each frame under its tag until its result comes
 *                  back, then splices the egress frame
 *                  (window[0 .. hdr_len) ++ frame[consumed ..));
 *   BAR0           one register access per clock;
 *   firmware queue the exception records of punts are kept for
 *                  rg_rtl_pull_exception (the most recent 4096).
 * Traffic shaping for tests: a share of idle input clocks and of clocks
 * with the output (back-pressure) or the exception queue not ready.
 */
#ifndef RG_RTL_SIM_H
#define RG_RTL_SIM_H

#include <stdint.h>

#include "realmgate/flow.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rg_rtl;

/* A new pipeline, reset and with its tables cleared; NULL on failure. */
struct rg_rtl *rg_rtl_create(void);
void rg_rtl_destroy(struct rg_rtl *sim);

/* Reset the pipeline and wait for the table sweep (every table entry and
 * counter zero, port MTUs 1500); frames queued or in flight are discarded.
 * Returns 0, -1 if the sweep did not finish. */
int rg_rtl_reset(struct rg_rtl *sim);

/* BAR0 register access (byte offset), one clock each; the pipeline keeps
 * running while it happens. */
void rg_rtl_csr_write(struct rg_rtl *sim, uint32_t bar0, uint32_t value);
uint32_t rg_rtl_csr_read(struct rg_rtl *sim, uint32_t bar0);

/* Values the card's shell ties to the ID block (RG_ID_FW_VERSION,
 * RG_ID_BUILD_DATE, RG_ID_GIT_HASH). */
void rg_rtl_set_identity(struct rg_rtl *sim, uint32_t fw_version, uint32_t build_date,
			 uint32_t git_hash);

/* Queue a frame for the pipeline (copied). cookie comes back with the
 * result. Any length the descriptor can carry (0..65535) is accepted, as
 * the soft fast path does; returns 0, -1 if len does not fit frame_len. */
int rg_rtl_push(struct rg_rtl *sim, const uint8_t *frame, uint32_t len, unsigned port,
		unsigned flags, uint32_t ts_ms, uint64_t cookie);

struct rg_rtl_result {
	uint64_t cookie;
	uint32_t tag; /* packet buffer handle the pipeline carried */
	uint8_t in_port;
	uint32_t in_len;
	struct rg_fp_out_meta meta;
	/* window[0 .. hdr_len) ++ frame[consumed ..): the egress frame of a
	 * FORWARD, the unchanged frame otherwise; valid until the next pull */
	const uint8_t *frame;
	uint32_t len;
	const uint8_t *window; /* the output window, meta.hdr_len bytes */
};

/* Take the oldest result; returns 1, or 0 when there is none. */
int rg_rtl_pull(struct rg_rtl *sim, struct rg_rtl_result *r);

struct rg_rtl_exception {
	uint32_t tag;
	uint8_t reason; /* rg_punt_reason */
	uint8_t in_port;
	uint16_t frame_len;
	uint32_t hit; /* as rg_fp_out_meta.hit */
};
int rg_rtl_pull_exception(struct rg_rtl *sim, struct rg_rtl_exception *e);

/* Run n clocks. */
void rg_rtl_step(struct rg_rtl *sim, uint64_t n);
/* Run until every queued frame has its result (or max_cycles passed);
 * returns 0, -1 on timeout. */
int rg_rtl_drain(struct rg_rtl *sim, uint64_t max_cycles);

/* Idle input clocks and not-ready output / exception clocks, in percent,
 * chosen pseudo-randomly from seed. All 0 (the default): full rate. */
void rg_rtl_set_traffic(struct rg_rtl *sim, unsigned idle_pct, unsigned out_stall_pct,
			unsigned exc_stall_pct, uint64_t seed);

struct rg_rtl_counts {
	uint64_t cycles;	  /* clocks since create */
	uint64_t accepted;	  /* descriptors the pipeline took */
	uint64_t results;	  /* results it returned */
	uint64_t tokens;	  /* table command tokens issued (incl. reset sweep) */
	uint64_t last_token_at;	  /* descriptors accepted before the latest token */
	uint64_t exceptions_lost; /* exception records beyond the kept 4096 */
	uint64_t pending;	  /* frames pushed and not yet pulled */
};
void rg_rtl_counts(const struct rg_rtl *sim, struct rg_rtl_counts *c);
uint64_t rg_rtl_cycles(const struct rg_rtl *sim);

/* Write an FST waveform of every following clock to path (NULL stops).
 * Returns 0, -1 if the file cannot be opened. */
int rg_rtl_trace(struct rg_rtl *sim, const char *path);

/* Pipeline latency in clocks (acceptance to result) and result FIFO depth,
 * as built. */
unsigned rg_rtl_latency(void);

#ifdef __cplusplus
}
#endif

#endif /* RG_RTL_SIM_H */
