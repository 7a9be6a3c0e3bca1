/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host side of the card's host port: the HTX/HRX descriptor rings
 * (mailbox.h). Each descriptor owns one RG_HP_BUF buffer in DMA memory; the
 * card hands a descriptor back by writing its status word with DONE and the
 * phase of the descriptor's index.
 */
#include <string.h>

#include "dev_internal.h"

static struct rg_pkt_desc *desc_at(struct rg_hring *r, uint32_t idx)
{
	return (struct rg_pkt_desc *)(r->va + (size_t)(idx & (r->size - 1)) * r->entry);
}

/* The card finished the descriptor at idx (written back for this lap). */
static int done(struct rg_hring *r, uint32_t idx, uint16_t *status)
{
	uint16_t s = __atomic_load_n(&desc_at(r, idx)->status, __ATOMIC_ACQUIRE);
	if (!(s & RG_DESC_DONE) || !!(s & RG_DESC_PHASE) != rg_phase(idx, r->log2))
		return 0;
	*status = s;
	return 1;
}

enum rg_status rg_dev_hp_send(struct rg_dev *d, const void *frame, uint32_t len)
{
	struct rg_hring *r = &d->ring[RG_RING_HTX];
	if (!r->va) {
		rg_dev_fail(d, "host port not set up (open with opts.hostport)");
		return RG_ST_INVALID;
	}
	if (len < 14 || len > RG_HP_BUF) {
		rg_dev_fail(d, "host-port frame of %u bytes (14..%u)", len, RG_HP_BUF);
		return RG_ST_INVALID;
	}
	uint16_t s;
	while (r->cons != r->prod && done(r, r->cons, &s)) {
		if (s & RG_DESC_ERROR)
			d->hp_errors++;
		r->cons++;
	}
	if (r->prod - r->cons >= r->size)
		return RG_ST_BUSY;
	uint32_t slot = r->prod & (r->size - 1);
	memcpy(d->hp_tx_buf + (size_t)slot * RG_HP_BUF, frame, len);
	struct rg_pkt_desc *e = desc_at(r, r->prod);
	e->addr = d->hp_tx_iova + (uint64_t)slot * RG_HP_BUF;
	e->len = (uint16_t)len;
	e->flags = 0;
	e->rsvd = 0;
	e->status = 0;
	r->prod++;
	rg_mmio_write(d, r->blk + RG_RING_DOORBELL, r->prod);
	return RG_ST_OK;
}

int rg_dev_hp_recv(struct rg_dev *d, void *buf, uint32_t cap)
{
	struct rg_hring *r = &d->ring[RG_RING_HRX];
	uint16_t s;
	if (!r->va || !done(r, r->cons, &s))
		return 0;
	struct rg_pkt_desc *e = desc_at(r, r->cons);
	uint32_t slot = r->cons & (r->size - 1);
	int n = -1;
	if (s & RG_DESC_ERROR)
		d->hp_errors++;
	else {
		uint32_t len = e->len;
		if (len > RG_HP_BUF)
			len = RG_HP_BUF;
		if (len > cap)
			len = cap;
		memcpy(buf, d->hp_rx_buf + (size_t)slot * RG_HP_BUF, len);
		n = (int)len;
	}
	/* give the buffer back as a new entry one lap later */
	e->addr = d->hp_rx_iova + (uint64_t)slot * RG_HP_BUF;
	e->len = RG_HP_BUF;
	e->status = 0;
	r->cons++;
	r->prod++;
	rg_mmio_write(d, r->blk + RG_RING_DOORBELL, r->prod);
	return n;
}

uint64_t rg_dev_hp_errors(const struct rg_dev *d)
{
	return d->hp_errors;
}
