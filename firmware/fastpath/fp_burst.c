/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Burst processing: the same stages as rg_fp_process, run stage by stage over
 * up to RG_FP_BURST packets so that each stage's memory accesses (index
 * buckets, then sessions) are prefetched for all packets before any packet
 * waits on one — the technique VPP uses to hide DRAM latency with large
 * tables. Results equal those of processing the packets in order: the
 * lookups read tables that nothing writes during the burst, and the actions
 * (which update session statistics) run in packet order.
 */
#include "fp_stages.h"

void rg_fp_process_burst(struct rg_fp *fp, struct rg_fp_pkt *pkts, unsigned n)
{
	struct fp_ctx ctx[RG_FP_BURST];
	struct rg_fp_in_meta in[RG_FP_BURST];
	uint32_t hash[RG_FP_BURST][RG_HASH_OUT_WORDS];
	uint64_t slot[RG_FP_BURST];
	if (n > RG_FP_BURST)
		n = RG_FP_BURST;

	for (unsigned i = 0; i < n; i++) {
		struct rg_fp_pkt *p = &pkts[i];
		in[i] = (struct rg_fp_in_meta){
			.frame_len = (uint16_t)p->len,
			.port = p->port,
			.flags = p->flags,
			.tail_sum = rg_fp_tail_sum(p->frame, p->len),
			.ts_ms = p->ts_ms,
		};
		fp_parse(fp, p->frame, &in[i], &ctx[i]);
		if (ctx[i].decided)
			continue;
		uint32_t *h = hash[i];
		rg_fp_hash(fp, &ctx[i].key, h);
		__builtin_prefetch(
			&fp->bank[0][(size_t)(h[0] & fp->bucket_mask) * RG_BUCKET_SLOTS]);
		__builtin_prefetch(
			&fp->bank[1][(size_t)(h[1] & fp->bucket_mask) * RG_BUCKET_SLOTS]);
	}
	for (unsigned i = 0; i < n; i++) {
		if (ctx[i].decided)
			continue;
		slot[i] = fp_scan(fp, hash[i]);
		if (slot[i]) {
			uint32_t idx =
				(uint32_t)(slot[i] >> RG_SLOT_INDEX_SHIFT) & RG_SLOT_INDEX_MASK;
			if (idx < fp->n_sessions)
				__builtin_prefetch(&fp->sessions[idx], 1);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct rg_fp_pkt *p = &pkts[i];
		/* The output window is built in place in p->out: it never exceeds
		 * the egress frame (hdr_len + len - consumed <= len + 24, the
		 * buffer's capacity), so only the tail is appended after it. */
		uint8_t *o = p->out;
		if (!ctx[i].decided) {
			fp_verify(fp, &ctx[i], slot[i]);
			if (!ctx[i].decided)
				fp_act(fp, &ctx[i], p->frame, &in[i], o, &p->meta);
		}
		fp_finish(fp, &ctx[i], p->frame, &in[i], o, &p->meta);
		p->out_len = 0;
		if (p->meta.verdict == RG_VERDICT_FORWARD) {
			uint32_t tail = p->len - p->meta.consumed;
			if (tail) /* none for frames within the window */
				__builtin_memcpy(o + p->meta.hdr_len, p->frame + p->meta.consumed,
						 tail);
			p->out_len = p->meta.hdr_len + tail;
		}
	}
}
