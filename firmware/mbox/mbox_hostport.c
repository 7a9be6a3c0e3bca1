/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's host port as a DMA queue pair: HTX carries frames the host
 * sends into the card, HRX buffers the host posted and the card fills with
 * frames leaving the host port. Descriptors come from the host and are
 * checked: a bad address or length is written back with RG_DESC_ERROR and
 * counted, and the ring goes on.
 */
#include "mbox_internal.h"

static int write_back(struct rg_mbox *mb, unsigned ring, uint32_t idx, struct rg_pkt_desc *d,
		      uint16_t status)
{
	struct rg_mbox_ring *r = &mb->ring[ring];
	uint64_t at = rg_mbox_slot_addr(r, idx, sizeof(*d));
	d->status = (uint16_t)(status | RG_DESC_DONE |
			       (rg_phase(idx, r->size_log2) ? RG_DESC_PHASE : 0));
	/* length first, then the status word that hands the entry back */
	if (mb->bus.dma_write(mb->bus.ctx, at, d, __builtin_offsetof(struct rg_pkt_desc, status)) ||
	    mb->bus.dma_write(mb->bus.ctx, at + __builtin_offsetof(struct rg_pkt_desc, status),
			      &d->status, sizeof(d->status))) {
		rg_mbox_fault(mb, RG_ST_IO);
		return -1;
	}
	return 0;
}

unsigned rg_mbox_serve_htx(struct rg_mbox *mb, unsigned budget)
{
	struct rg_mbox_ring *r = &mb->ring[RG_RING_HTX];
	unsigned done = 0;
	while (done < budget) {
		int32_t pending = rg_mbox_pending(mb, RG_RING_HTX);
		if (pending <= 0)
			break;
		struct rg_pkt_desc d;
		if (mb->bus.dma_read(mb->bus.ctx, rg_mbox_slot_addr(r, r->idx, sizeof(d)), &d,
				     sizeof(d))) {
			rg_mbox_fault(mb, RG_ST_IO);
			break;
		}
		uint16_t status = 0;
		if (d.len < 14 || d.len > RG_MBOX_FRAME_MAX ||
		    mb->bus.dma_read(mb->bus.ctx, d.addr, mb->frame, d.len)) {
			mb->stats.bad_desc++;
			status = RG_DESC_ERROR;
		}
		if (write_back(mb, RG_RING_HTX, r->idx, &d, status))
			break;
		r->idx++;
		done++;
		if (!status) {
			mb->stats.htx_frames++;
			mb->bus.from_host(mb->bus.host_ctx, mb->frame, d.len);
		}
	}
	return done;
}

int rg_mbox_to_host(struct rg_mbox *mb, const uint8_t *frame, uint32_t len)
{
	struct rg_mbox_ring *r = &mb->ring[RG_RING_HRX];
	if (!mb->running || !r->up || rg_mbox_pending(mb, RG_RING_HRX) <= 0) {
		mb->stats.hrx_no_buffer++;
		return -1;
	}
	struct rg_pkt_desc d;
	if (mb->bus.dma_read(mb->bus.ctx, rg_mbox_slot_addr(r, r->idx, sizeof(d)), &d, sizeof(d))) {
		rg_mbox_fault(mb, RG_ST_IO);
		return -1;
	}
	uint16_t status = 0;
	int rc = 0;
	if (len > d.len || len > 0xffffu) {
		/* the buffer is too small: the frame is dropped, the host
		 * learns its length */
		status = RG_DESC_ERROR;
		mb->stats.hrx_no_buffer++;
		rc = -1;
	} else if (mb->bus.dma_write(mb->bus.ctx, d.addr, frame, len)) {
		status = RG_DESC_ERROR;
		mb->stats.bad_desc++;
		rc = -1;
	}
	d.len = (uint16_t)len;
	if (write_back(mb, RG_RING_HRX, r->idx, &d, status))
		return -1;
	r->idx++;
	if (!rc)
		mb->stats.hrx_frames++;
	rg_mbox_irq_check(mb, RG_RING_HRX);
	return rc;
}
