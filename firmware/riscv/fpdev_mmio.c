/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RTL fast path as a device (fpdev.h) through its CSR block on the card
 * bus (regmap.h fast path block at CARD_FP_BASE). Table entries travel
 * through TABLE_DATA as little-endian words; commands complete when
 * TABLE_STATUS.BUSY clears.
 */
#include "card.h"

#include "../lib/bytes.h"
#include "realmgate/regmap.h"

static uint32_t rd(uint32_t off)
{
	return mmio_read32(CARD_FP_BASE + off);
}

static void wr(uint32_t off, uint32_t v)
{
	mmio_write32(CARD_FP_BASE + off, v);
}

static int command(uint32_t cmd, uint32_t index, uint32_t aux)
{
	wr(RG_FP_TABLE_INDEX, index);
	wr(RG_FP_TABLE_AUX, aux);
	wr(RG_FP_TABLE_CMD, cmd);
	uint32_t st;
	for (uint32_t spin = 0; (st = rd(RG_FP_TABLE_STATUS)) & RG_TBL_BUSY; spin++)
		if (spin > 1000000u)
			return -1;
	return (st & RG_TBL_ERROR) ? -1 : 0;
}

static void put_data(const uint8_t *b, unsigned n)
{
	for (unsigned w = 0; w < 16; w++) {
		uint8_t word[4] = { 0, 0, 0, 0 };
		for (unsigned i = 0; i < 4 && w * 4 + i < n; i++)
			word[i] = b[w * 4 + i];
		wr(RG_FP_TABLE_DATA + 4 * w, rg_get_le32(word));
	}
}

static void get_data(uint8_t *b, unsigned n)
{
	for (unsigned w = 0; w * 4 < n; w++) {
		uint8_t word[4];
		rg_put_le32(word, rd(RG_FP_TABLE_DATA + 4 * w));
		for (unsigned i = 0; i < 4 && w * 4 + i < n; i++)
			b[w * 4 + i] = word[i];
	}
}

static int write_session(void *ctx, uint32_t idx, const struct rg_session *s)
{
	(void)ctx;
	put_data((const uint8_t *)s, RG_SESSION_BODY_BYTES);
	return command(RG_TBL_WRITE_SESSION, idx, 0);
}

static int read_session(void *ctx, uint32_t idx, struct rg_session *s)
{
	(void)ctx;
	if (command(RG_TBL_READ_SESSION, idx, 0))
		return -1;
	get_data((uint8_t *)s, sizeof(*s));
	return 0;
}

static int write_slot(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t v)
{
	(void)ctx;
	wr(RG_FP_TABLE_DATA, (uint32_t)v);
	wr(RG_FP_TABLE_DATA + 4, (uint32_t)(v >> 32));
	return command(RG_TBL_WRITE_SLOT, bucket, bank << 8 | slot);
}

static int read_slot(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t *v)
{
	(void)ctx;
	if (command(RG_TBL_READ_SLOT, bucket, bank << 8 | slot))
		return -1;
	*v = (uint64_t)rd(RG_FP_TABLE_DATA + 4) << 32 | rd(RG_FP_TABLE_DATA);
	return 0;
}

static int read_bucket(void *ctx, unsigned bank, uint32_t bucket, uint64_t v[RG_BUCKET_SLOTS])
{
	for (unsigned sl = 0; sl < RG_BUCKET_SLOTS; sl++)
		if (read_slot(ctx, bank, bucket, sl, &v[sl]))
			return -1;
	return 0;
}

static int write_adj(void *ctx, uint32_t idx, const struct rg_adjacency *a)
{
	(void)ctx;
	put_data((const uint8_t *)a, sizeof(*a));
	return command(RG_TBL_WRITE_ADJ, idx, 0);
}

static void write_reg(void *ctx, uint32_t off, uint32_t v)
{
	(void)ctx;
	wr(off, v);
}

static uint32_t read_reg(void *ctx, uint32_t off)
{
	(void)ctx;
	return rd(off);
}

static void process(void *ctx, struct rg_fp_pkt *pkts, unsigned n)
{
	/* the RTL pipeline takes packets from the ports itself */
	(void)ctx;
	for (unsigned i = 0; i < n; i++) {
		pkts[i].out_len = 0;
		pkts[i].meta.verdict = RG_VERDICT_DROP;
	}
}

static const struct rg_fpdev_ops mmio_ops = {
	.write_session = write_session,
	.read_session = read_session,
	.write_slot = write_slot,
	.read_slot = read_slot,
	.read_bucket = read_bucket,
	.write_adj = write_adj,
	.write_reg = write_reg,
	.read_reg = read_reg,
	.process = process,
};

void card_fpdev_mmio(struct rg_fpdev *dev)
{
	dev->ops = &mmio_ops;
	dev->ctx = 0;
	dev->buckets_log2 = rd(RG_FP_BUCKETS_LOG2);
	dev->sessions = rd(RG_FP_SESSIONS);
	dev->adjacencies = rd(RG_FP_ADJACENCIES);
	dev->kind = RG_FASTPATH_RTL;
}
