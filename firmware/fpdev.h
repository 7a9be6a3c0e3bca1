/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fast path as a device the firmware drives: either the soft fast path
 * (firmware/fastpath/, fpdev_soft.c) or the RTL pipeline (rtl-model/sim/,
 * through its CSRs). The firmware's table code and the card glue (nicsim,
 * tests, benchmarks) only ever use this interface, so everything above it is
 * identical for both fast paths.
 *
 * Table reads: the soft fast path answers from its own memory; the RTL
 * adapter answers slot and body reads from a shadow it keeps of what was
 * written (CSR reads are slow on real hardware too) and reads statistics
 * through RG_TBL_READ_SESSION.
 */
#ifndef RG_FW_FPDEV_H
#define RG_FW_FPDEV_H

#include <stdint.h>

#include "fastpath/fp.h"
#include "realmgate/flow.h"

struct rg_fpdev_ops {
	/* Table access, as the CSR table commands of regmap.h. Return 0, or -1
	 * for an index out of range. write_session writes the body (bytes
	 * 0..RG_SESSION_BODY_BYTES-1) and resets the statistics. */
	int (*write_session)(void *ctx, uint32_t idx, const struct rg_session *body);
	int (*read_session)(void *ctx, uint32_t idx, struct rg_session *s);
	int (*write_slot)(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t v);
	int (*read_slot)(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t *v);
	/* All RG_BUCKET_SLOTS slots of a bucket at once (what lookups and
	 * placement read): one call instead of one per slot. */
	int (*read_bucket)(void *ctx, unsigned bank, uint32_t bucket, uint64_t v[RG_BUCKET_SLOTS]);
	int (*write_adj)(void *ctx, uint32_t idx, const struct rg_adjacency *a);
	/* Other registers of the fast path block (offsets relative to it):
	 * port MACs, MTUs, flags, tunnel source, hash secret, counters. */
	void (*write_reg)(void *ctx, uint32_t off, uint32_t value);
	uint32_t (*read_reg)(void *ctx, uint32_t off);
	/* Packets: process up to RG_FP_BURST frames with exactly the results of
	 * rg_fp_process_burst (egress frame in pkt->out, verdict in pkt->meta). */
	void (*process)(void *ctx, struct rg_fp_pkt *pkts, unsigned n);
	/* Optional (NULL when the device has nothing to prefetch): start
	 * loading both index buckets of a key's hash (h[0] bank 0, h[1] bank 1)
	 * into the cache; a hint only, it changes nothing. */
	void (*prefetch)(void *ctx, const uint32_t h[RG_HASH_OUT_WORDS]);
};

struct rg_fpdev {
	const struct rg_fpdev_ops *ops;
	void *ctx;
	uint32_t buckets_log2; /* geometry, read once from the CSRs */
	uint32_t sessions;
	uint32_t adjacencies;
	uint32_t kind; /* enum rg_fastpath_kind */
};

/* The soft fast path as a device (ctx = the struct rg_fp). */
void rg_fpdev_soft(struct rg_fpdev *dev, struct rg_fp *fp);

#endif /* RG_FW_FPDEV_H */
