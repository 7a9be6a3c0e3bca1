/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One packet through the fast path (rg_fp_process, the reference of "Fast
 * path semantics" in docs/design.md), frame assembly around it, and the
 * names of punt and drop reasons. The stages are in fp_stages.h.
 */
#include "fp_stages.h"

void rg_fp_process(struct rg_fp *fp, const uint8_t *win, const struct rg_fp_in_meta *in,
		   uint8_t out_win[RG_FP_WIN_OUT], struct rg_fp_out_meta *out)
{
	struct fp_ctx c;
	fp_parse(fp, win, in, &c);
	if (!c.decided) {
		uint32_t h[RG_HASH_OUT_WORDS];
		rg_fp_hash(fp, &c.key, h);
		fp_verify(fp, &c, fp_scan(fp, h));
		if (!c.decided)
			fp_act(fp, &c, win, in, out_win, out);
	}
	fp_finish(fp, &c, win, in, out_win, out);
}

uint16_t rg_fp_tail_sum(const uint8_t *frame, uint32_t len)
{
	if (len <= RG_FP_WIN_IN)
		return 0;
	return rg_csum_fold(rg_csum_partial(frame + RG_FP_WIN_IN, len - RG_FP_WIN_IN));
}

void fp_assemble(const uint8_t *frame, uint32_t len, const uint8_t *o,
		 const struct rg_fp_out_meta *m, uint8_t *out, uint32_t cap, uint32_t *out_len)
{
	*out_len = 0;
	if (m->verdict != RG_VERDICT_FORWARD)
		return;
	uint32_t tail = len - m->consumed;
	if (m->hdr_len + tail > cap)
		return;
	__builtin_memcpy(out, o, m->hdr_len);
	__builtin_memcpy(out + m->hdr_len, frame + m->consumed, tail);
	*out_len = m->hdr_len + tail;
}

void rg_fp_process_frame(struct rg_fp *fp, const uint8_t *frame, uint32_t len, unsigned port,
			 unsigned flags, uint32_t ts_ms, uint8_t *out, uint32_t out_cap,
			 uint32_t *out_len, struct rg_fp_out_meta *meta)
{
	struct rg_fp_in_meta in = {
		.frame_len = (uint16_t)len,
		.port = (uint8_t)port,
		.flags = (uint8_t)flags,
		.tail_sum = rg_fp_tail_sum(frame, len),
		.ts_ms = ts_ms,
	};
	uint8_t o[RG_FP_WIN_OUT];
	rg_fp_process(fp, frame, &in, o, meta);
	fp_assemble(frame, len, o, meta, out, out_cap, out_len);
}

#define REASON_NAME(name, val, text) [val] = text,
static const char *const punt_names[] = { RG_PUNT_REASONS(REASON_NAME) };
static const char *const drop_names[] = { RG_DROP_REASONS(REASON_NAME) };
#undef REASON_NAME

const char *rg_punt_reason_name(unsigned reason)
{
	return reason < RG_PUNT__COUNT ? punt_names[reason] : "unknown";
}

const char *rg_drop_reason_name(unsigned reason)
{
	return reason < RG_DROP__COUNT ? drop_names[reason] : "unknown";
}
