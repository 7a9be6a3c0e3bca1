/* SPDX-License-Identifier: BSD-2-Clause */
/* The soft fast path behind the fast path device interface (fpdev.h). */
#include "../fpdev.h"
#include "realmgate/regmap.h"

static int soft_write_session(void *ctx, uint32_t idx, const struct rg_session *body)
{
	return rg_fp_table_write_session(ctx, idx, body);
}

static int soft_read_session(void *ctx, uint32_t idx, struct rg_session *s)
{
	return rg_fp_table_read_session(ctx, idx, s);
}

static int soft_write_slot(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t v)
{
	return rg_fp_table_write_slot(ctx, bank, bucket, slot, v);
}

static int soft_read_slot(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t *v)
{
	return rg_fp_table_read_slot(ctx, bank, bucket, slot, v);
}

static int soft_read_bucket(void *ctx, unsigned bank, uint32_t bucket, uint64_t v[RG_BUCKET_SLOTS])
{
	const struct rg_fp *fp = ctx;
	if (bank >= RG_INDEX_BANKS || bucket > fp->bucket_mask)
		return -1;
	__builtin_memcpy(v, &fp->bank[bank][(size_t)bucket * RG_BUCKET_SLOTS],
			 RG_BUCKET_SLOTS * sizeof(uint64_t));
	return 0;
}

static int soft_write_adj(void *ctx, uint32_t idx, const struct rg_adjacency *a)
{
	return rg_fp_table_write_adj(ctx, idx, a);
}

static void soft_write_reg(void *ctx, uint32_t off, uint32_t value)
{
	rg_fp_csr_write(ctx, off, value);
}

static uint32_t soft_read_reg(void *ctx, uint32_t off)
{
	return rg_fp_csr_read(ctx, off);
}

static void soft_process(void *ctx, struct rg_fp_pkt *pkts, unsigned n)
{
	rg_fp_process_burst(ctx, pkts, n);
}

static void soft_prefetch(void *ctx, const uint32_t h[RG_HASH_OUT_WORDS])
{
	const struct rg_fp *fp = ctx;
	for (unsigned b = 0; b < RG_INDEX_BANKS; b++)
		__builtin_prefetch(
			&fp->bank[b][(size_t)(h[b] & fp->bucket_mask) * RG_BUCKET_SLOTS]);
}

static const struct rg_fpdev_ops soft_ops = {
	.write_session = soft_write_session,
	.read_session = soft_read_session,
	.write_slot = soft_write_slot,
	.read_slot = soft_read_slot,
	.read_bucket = soft_read_bucket,
	.write_adj = soft_write_adj,
	.write_reg = soft_write_reg,
	.read_reg = soft_read_reg,
	.process = soft_process,
	.prefetch = soft_prefetch,
};

void rg_fpdev_soft(struct rg_fpdev *dev, struct rg_fp *fp)
{
	dev->ops = &soft_ops;
	dev->ctx = fp;
	dev->buckets_log2 = fp->buckets_log2;
	dev->sessions = fp->n_sessions;
	dev->adjacencies = fp->n_adj;
	dev->kind = RG_FASTPATH_SOFT;
}
