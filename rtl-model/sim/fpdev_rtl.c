/* SPDX-License-Identifier: BSD-2-Clause */
/* The RTL fast path as a struct rg_fpdev (see fpdev_rtl.h). */
#include "fpdev_rtl.h"

#include <stdlib.h>
#include <string.h>

#include "realmgate/regmap.h"

/* Clocks a table command may take before it is called lost (the pipeline
 * finishes one in LATENCY clocks). */
#define CMD_TIMEOUT 1000u
/* Clocks a burst may take (one per packet plus latency and back-pressure). */
#define BURST_TIMEOUT 100000u

struct rtl_dev {
	struct rg_rtl *sim;
	uint32_t buckets;
	uint32_t n_sessions;
	uint32_t n_adj;
	uint64_t *slots; /* bank-major shadow of the index */
	struct rg_session *bodies;
};

static void reg_write(struct rtl_dev *d, uint32_t off, uint32_t v)
{
	rg_rtl_csr_write(d->sim, RG_FP_BASE + off, v);
}

static uint32_t reg_read(struct rtl_dev *d, uint32_t off)
{
	return rg_rtl_csr_read(d->sim, RG_FP_BASE + off);
}

/* Issue a table command and wait for it; 0 or -1 (RG_TBL_ERROR, timeout). */
static int command(struct rtl_dev *d, uint32_t index, uint32_t aux, uint32_t cmd)
{
	reg_write(d, RG_FP_TABLE_INDEX, index);
	reg_write(d, RG_FP_TABLE_AUX, aux);
	reg_write(d, RG_FP_TABLE_CMD, cmd);
	for (unsigned i = 0; i < CMD_TIMEOUT; i++) {
		uint32_t st = reg_read(d, RG_FP_TABLE_STATUS);
		if (!(st & RG_TBL_BUSY))
			return (st & RG_TBL_ERROR) ? -1 : 0;
	}
	return -1;
}

static void write_data(struct rtl_dev *d, const void *src, unsigned n)
{
	const uint8_t *b = src;
	for (unsigned w = 0; w < (n + 3) / 4; w++) {
		uint32_t v = 0;
		for (unsigned i = 0; i < 4 && 4 * w + i < n; i++)
			v |= (uint32_t)b[4 * w + i] << (8 * i);
		reg_write(d, RG_FP_TABLE_DATA + 4 * w, v);
	}
}

static int rtl_write_session(void *ctx, uint32_t idx, const struct rg_session *body)
{
	struct rtl_dev *d = ctx;
	if (idx >= d->n_sessions)
		return -1;
	write_data(d, body, RG_SESSION_BODY_BYTES);
	if (command(d, idx, 0, RG_TBL_WRITE_SESSION))
		return -1;
	memcpy(&d->bodies[idx], body, RG_SESSION_BODY_BYTES);
	return 0;
}

static int rtl_read_session(void *ctx, uint32_t idx, struct rg_session *s)
{
	struct rtl_dev *d = ctx;
	if (idx >= d->n_sessions || command(d, idx, 0, RG_TBL_READ_SESSION))
		return -1;
	uint8_t img[sizeof(*s)];
	memcpy(img, &d->bodies[idx], RG_SESSION_BODY_BYTES);
	for (unsigned w = RG_SESSION_BODY_BYTES / 4; w < sizeof(*s) / 4; w++) {
		uint32_t v = reg_read(d, RG_FP_TABLE_DATA + 4 * w);
		for (unsigned i = 0; i < 4; i++)
			img[4 * w + i] = (uint8_t)(v >> (8 * i));
	}
	memcpy(s, img, sizeof(*s));
	return 0;
}

static int rtl_write_slot(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t v)
{
	struct rtl_dev *d = ctx;
	if (bank >= RG_INDEX_BANKS || bucket >= d->buckets || slot >= RG_BUCKET_SLOTS)
		return -1;
	reg_write(d, RG_FP_TABLE_DATA, (uint32_t)v);
	reg_write(d, RG_FP_TABLE_DATA + 4, (uint32_t)(v >> 32));
	if (command(d, bucket, bank << 8 | slot, RG_TBL_WRITE_SLOT))
		return -1;
	d->slots[((size_t)bank * d->buckets + bucket) * RG_BUCKET_SLOTS + slot] = v;
	return 0;
}

static int rtl_read_slot(void *ctx, unsigned bank, uint32_t bucket, unsigned slot, uint64_t *v)
{
	struct rtl_dev *d = ctx;
	if (bank >= RG_INDEX_BANKS || bucket >= d->buckets || slot >= RG_BUCKET_SLOTS)
		return -1;
	*v = d->slots[((size_t)bank * d->buckets + bucket) * RG_BUCKET_SLOTS + slot];
	return 0;
}

static int rtl_read_bucket(void *ctx, unsigned bank, uint32_t bucket, uint64_t v[RG_BUCKET_SLOTS])
{
	struct rtl_dev *d = ctx;
	if (bank >= RG_INDEX_BANKS || bucket >= d->buckets)
		return -1;
	memcpy(v, &d->slots[((size_t)bank * d->buckets + bucket) * RG_BUCKET_SLOTS],
	       RG_BUCKET_SLOTS * sizeof(uint64_t));
	return 0;
}

static int rtl_write_adj(void *ctx, uint32_t idx, const struct rg_adjacency *a)
{
	struct rtl_dev *d = ctx;
	if (idx >= d->n_adj)
		return -1;
	write_data(d, a, sizeof(*a));
	return command(d, idx, 0, RG_TBL_WRITE_ADJ);
}

static void rtl_write_reg(void *ctx, uint32_t off, uint32_t value)
{
	reg_write(ctx, off, value);
}

static uint32_t rtl_read_reg(void *ctx, uint32_t off)
{
	return reg_read(ctx, off);
}

static void rtl_process(void *ctx, struct rg_fp_pkt *pkts, unsigned n)
{
	struct rtl_dev *d = ctx;
	if (n > RG_FP_BURST)
		n = RG_FP_BURST;
	for (unsigned i = 0; i < n; i++) {
		pkts[i].out_len = 0;
		memset(&pkts[i].meta, 0, sizeof(pkts[i].meta));
		/* frame_len is 16 bits, as in rg_fp_process_burst */
		rg_rtl_push(d->sim, pkts[i].frame, pkts[i].len & 0xffffu, pkts[i].port,
			    pkts[i].flags, pkts[i].ts_ms, i);
	}
	rg_rtl_drain(d->sim, BURST_TIMEOUT);
	struct rg_rtl_result r;
	while (rg_rtl_pull(d->sim, &r)) {
		if (r.cookie >= n)
			continue;
		struct rg_fp_pkt *p = &pkts[r.cookie];
		p->meta = r.meta;
		if (r.meta.verdict == RG_VERDICT_FORWARD && r.len <= p->len + 24) {
			memcpy(p->out, r.frame, r.len);
			p->out_len = r.len;
		}
	}
	/* the exception records are the firmware's; this device has none */
	struct rg_rtl_exception e;
	while (rg_rtl_pull_exception(d->sim, &e))
		;
}

static const struct rg_fpdev_ops rtl_ops = {
	.write_session = rtl_write_session,
	.read_session = rtl_read_session,
	.write_slot = rtl_write_slot,
	.read_slot = rtl_read_slot,
	.read_bucket = rtl_read_bucket,
	.write_adj = rtl_write_adj,
	.write_reg = rtl_write_reg,
	.read_reg = rtl_read_reg,
	.process = rtl_process,
};

int rg_fpdev_rtl_open(struct rg_fpdev *dev, struct rg_rtl *sim)
{
	struct rtl_dev *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->sim = sim;
	uint32_t bl = reg_read(d, RG_FP_BUCKETS_LOG2);
	d->buckets = bl < 31 ? 1u << bl : 0;
	d->n_sessions = reg_read(d, RG_FP_SESSIONS);
	d->n_adj = reg_read(d, RG_FP_ADJACENCIES);
	d->slots = calloc((size_t)RG_INDEX_BANKS * d->buckets * RG_BUCKET_SLOTS, sizeof(uint64_t));
	d->bodies = calloc(d->n_sessions ? d->n_sessions : 1, sizeof(struct rg_session));
	if (!d->buckets || !d->slots || !d->bodies) {
		free(d->slots);
		free(d->bodies);
		free(d);
		return -1;
	}
	dev->ops = &rtl_ops;
	dev->ctx = d;
	dev->buckets_log2 = bl;
	dev->sessions = d->n_sessions;
	dev->adjacencies = d->n_adj;
	dev->kind = RG_FASTPATH_RTL;
	return 0;
}

void rg_fpdev_rtl_close(struct rg_fpdev *dev)
{
	struct rtl_dev *d = dev->ctx;
	if (d) {
		free(d->slots);
		free(d->bodies);
		free(d);
	}
	dev->ctx = NULL;
	dev->ops = NULL;
}
