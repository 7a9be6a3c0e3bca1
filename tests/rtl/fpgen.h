/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Random fast path workloads for the differential tests and benchmarks:
 * configuration (secret, port MACs/MTUs/flags, tunnel source), tables
 * (sessions of every action and field use, adjacencies, index slots
 * including stale and bogus ones) and traffic (packets of installed
 * sessions in both directions, misses, and malformed and edge packets:
 * minimum size, truncation, trailers, options, fragments, ICMP errors and
 * other types, TCP control flags, VLAN, IP-in-IP with right and wrong
 * outer source, TTL 0-2, checksums forced to 0x0000/0xFFFF, bad checksums).
 *
 * Everything is programmed through struct rg_fpdev, so the same calls go to
 * the soft fast path and to the RTL.
 */
#ifndef RG_TESTS_RTL_FPGEN_H
#define RG_TESTS_RTL_FPGEN_H

#include <stdint.h>

#include "../../firmware/fpdev.h"

struct fpgen_opts {
	uint32_t sessions;  /* sessions to install (<= device capacity) */
	uint32_t adjs;	    /* adjacencies to use */
	unsigned fault_pct; /* packets with a random fault (else clean traffic) */
	unsigned miss_pct;  /* packets that match no session */
	unsigned min_len;   /* payload length range of clean packets */
	unsigned max_len;
	int bogus; /* random deltas, bogus slots, odd actions */
	int imix;  /* clean frames of 64, 576 or 1500 bytes (7:4:1) */
};

struct fpgen;

struct fpgen *fpgen_new(uint64_t seed, const struct rg_fpdev *geometry, const struct fpgen_opts *o);
void fpgen_free(struct fpgen *g);

/* Program configuration and tables into every device. Returns 0 or -1 (a
 * table write failed, or nothing could be placed). */
int fpgen_program(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev);

/* Replace n random sessions (slots cleared, body rewritten, new slots) and
 * rewrite one adjacency, in every device. */
int fpgen_churn(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev, unsigned n);

struct fpgen_pkt {
	uint8_t frame[RG_FP_FRAME_MAX];
	uint32_t len;
	uint8_t port;
	uint8_t flags;
	uint32_t ts_ms;
};
void fpgen_packet(struct fpgen *g, struct fpgen_pkt *p);

/* Sessions installed (indices valid for read_session). */
uint32_t fpgen_installed(const struct fpgen *g, uint32_t *idx, uint32_t max);

uint64_t fpgen_rand(struct fpgen *g);

#endif /* RG_TESTS_RTL_FPGEN_H */
