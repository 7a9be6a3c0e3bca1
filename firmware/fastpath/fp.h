/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The soft fast path: a C model of the RTL pipeline (rtl-model/), bit-exact
 * with it, and the fast path itself on cards without an FPGA.
 *
 * It owns the fast path's state — configuration registers, the two-bank
 * lookup index, the session and adjacency tables and the counters — in
 * memory handed to it at init (no allocation). The slow path programs it
 * either directly (rg_fp_table_*) or through the CSR block of regmap.h
 * (rg_fp_csr_*), exactly as it would program the RTL.
 *
 * What it does to a packet is specified in docs/design.md ("Fast path
 * semantics"); rg_fp_process() is the reference implementation of that text.
 */
#ifndef RG_FW_FASTPATH_FP_H
#define RG_FW_FASTPATH_FP_H

#include <stddef.h>
#include <stdint.h>

#include "realmgate/flow.h"

/* Toeplitz hash of flow keys in table form (one table per key byte). The
 * slow path keeps its own copy to place entries; the soft fast path embeds
 * one. */
struct rg_toeplitz {
	uint8_t secret[RG_HASH_SECRET_BYTES];
	/* words 0..2: the three output words; word 3 pads to 16 bytes. 16-byte
	 * aligned so no entry straddles a cache line (malloc'ed holders keep
	 * their 16-byte alignment). */
	uint32_t t[sizeof(struct rg_flow_key)][256][4] __attribute__((aligned(16)));
};

void rg_toeplitz_init(struct rg_toeplitz *tz, const uint8_t secret[RG_HASH_SECRET_BYTES]);
void rg_toeplitz_hash(const struct rg_toeplitz *tz, const struct rg_flow_key *key,
		      uint32_t out[RG_HASH_OUT_WORDS]);

/* 1 when the secret spreads keys that differ only in one address's low 8,
 * 16 or 24 bits, or only in one port's low 8 or 16 bits, evenly over the
 * 2^buckets_log2 buckets of each bank and over bucket pairs (a rank
 * condition on the linear map; see fp_hash.c). The firmware draws secrets
 * until one does (at least one in four does at every geometry). */
int rg_toeplitz_spreads(const uint8_t secret[RG_HASH_SECRET_BYTES], unsigned buckets_log2);

/* Reference bit-serial Toeplitz, used by tests to check the table form. */
void rg_toeplitz_ref(const uint8_t secret[RG_HASH_SECRET_BYTES], const uint8_t *data, size_t len,
		     uint32_t out[RG_HASH_OUT_WORDS]);

struct rg_fp_geometry {
	uint32_t buckets_log2; /* buckets per bank = 1 << buckets_log2 */
	uint32_t sessions;     /* session capacity (<= RG_SESSION_INDEX_MAX + 1) */
	uint32_t adjacencies;  /* adjacency capacity (<= 65536) */
};

struct rg_fp {
	/* configuration registers */
	uint32_t control;
	uint8_t port_mac[RG_PORT_COUNT][6];
	uint16_t port_mtu[RG_PORT_COUNT];
	uint32_t port_flags[RG_PORT_COUNT];
	uint16_t port_vid[RG_PORT_COUNT]; /* port_flags' VID field, decoded once */
	uint32_t tunnel_src;		  /* host order */

	/* tables (memory from rg_fp_init's caller) */
	uint32_t buckets_log2;
	uint32_t bucket_mask;
	uint32_t n_sessions;
	uint32_t n_adj;
	uint64_t *bank[RG_INDEX_BANKS]; /* (bucket_mask + 1) * RG_BUCKET_SLOTS each */
	struct rg_session *sessions;
	struct rg_adjacency *adj;

	uint32_t counters[RG_FPC_COUNT];

	/* CSR table-access staging (fp_csr.c) */
	uint32_t tbl_index;
	uint32_t tbl_aux;
	uint32_t tbl_status;
	uint32_t tbl_data[16];

	struct rg_toeplitz hash; /* from the HASH_SECRET registers */
};

/* Bytes of table memory rg_fp_init needs for a geometry (0 if invalid). */
size_t rg_fp_mem_size(const struct rg_fp_geometry *g);

/* Set up fp over mem (rg_fp_mem_size bytes, 64-byte aligned). Tables start
 * empty, every port MTU 1500, the hash secret all zero (call
 * rg_fp_set_secret). Returns 0, or -1 for an invalid geometry. */
int rg_fp_init(struct rg_fp *fp, const struct rg_fp_geometry *g, void *mem, size_t len);

void rg_fp_set_secret(struct rg_fp *fp, const uint8_t secret[RG_HASH_SECRET_BYTES]);

/* Toeplitz hash of a key (out[0] bank 0, out[1] bank 1, out[2] tag). */
void rg_fp_hash(const struct rg_fp *fp, const struct rg_flow_key *key,
		uint32_t out[RG_HASH_OUT_WORDS]);

/* ---- direct table access (what the CSR commands do) --------------------- */

/* Write a session body (bytes 0..RG_SESSION_BODY_BYTES-1); resets the
 * fast-path-maintained fields. Returns 0 or -1 if idx is out of range. */
int rg_fp_table_write_session(struct rg_fp *fp, uint32_t idx, const struct rg_session *s);
int rg_fp_table_read_session(const struct rg_fp *fp, uint32_t idx, struct rg_session *s);
int rg_fp_table_write_slot(struct rg_fp *fp, unsigned bank, uint32_t bucket, unsigned slot,
			   uint64_t value);
int rg_fp_table_read_slot(const struct rg_fp *fp, unsigned bank, uint32_t bucket, unsigned slot,
			  uint64_t *value);
int rg_fp_table_write_adj(struct rg_fp *fp, uint32_t idx, const struct rg_adjacency *a);
int rg_fp_table_read_adj(const struct rg_fp *fp, uint32_t idx, struct rg_adjacency *a);

/* ---- CSR view (regmap.h fast path block, offsets relative to it) -------- */
void rg_fp_csr_write(struct rg_fp *fp, uint32_t off, uint32_t value);
uint32_t rg_fp_csr_read(struct rg_fp *fp, uint32_t off);

/* ---- packets ------------------------------------------------------------ */

/* Process one descriptor. `win` holds the first min(frame_len, RG_FP_WIN_IN)
 * bytes of the frame; nothing beyond them is read. The rewritten header is
 * written to out_win (RG_FP_WIN_OUT bytes). */
void rg_fp_process(struct rg_fp *fp, const uint8_t *win, const struct rg_fp_in_meta *in,
		   uint8_t out_win[RG_FP_WIN_OUT], struct rg_fp_out_meta *out);

/* What the receive MAC computes: one's complement sum of frame bytes from
 * RG_FP_WIN_IN to the end (0 for shorter frames). */
uint16_t rg_fp_tail_sum(const uint8_t *frame, uint32_t len);

/* Whole-frame convenience: computes tail_sum, processes, and for FORWARD
 * assembles the egress frame into out (capacity out_cap, which must be at
 * least len + 24). *out_len is 0 unless the verdict is FORWARD. */
void rg_fp_process_frame(struct rg_fp *fp, const uint8_t *frame, uint32_t len, unsigned port,
			 unsigned flags, uint32_t ts_ms, uint8_t *out, uint32_t out_cap,
			 uint32_t *out_len, struct rg_fp_out_meta *meta);

/* Batched form of rg_fp_process_frame for throughput: same results as
 * processing the packets one after another (tables are not written while a
 * burst runs), with hash, index and session accesses prefetched across the
 * burst. n <= RG_FP_BURST. */
#define RG_FP_BURST 32
struct rg_fp_pkt {
	const uint8_t *frame;
	uint32_t len;
	uint8_t port;
	uint8_t flags;
	uint32_t ts_ms;
	uint8_t *out;	  /* capacity len + 24 */
	uint32_t out_len; /* set: 0 unless forwarded */
	struct rg_fp_out_meta meta;
};
void rg_fp_process_burst(struct rg_fp *fp, struct rg_fp_pkt *pkts, unsigned n);

/* Names of reasons for logs and CLIs. */
const char *rg_punt_reason_name(unsigned reason);
const char *rg_drop_reason_name(unsigned reason);

#endif /* RG_FW_FASTPATH_FP_H */
