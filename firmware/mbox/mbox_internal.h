/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the files of the card-side mailbox service. */
#ifndef RG_FW_MBOX_INTERNAL_H
#define RG_FW_MBOX_INTERNAL_H

#include "mbox.h"

/* Bytes per entry of each ring (what RG_RING_ENTRY_SIZE reports). */
static inline uint32_t rg_mbox_entry_size(unsigned ring)
{
	switch (ring) {
	case RG_RING_CMD:
		return sizeof(struct rg_cmd);
	case RG_RING_CPL:
		return sizeof(struct rg_cpl);
	case RG_RING_EVT:
		return sizeof(struct rg_evt);
	default:
		return sizeof(struct rg_pkt_desc);
	}
}

static inline uint32_t rg_mbox_reg(struct rg_mbox *mb, uint32_t off)
{
	return mb->bus.reg_read(mb->bus.ctx, off);
}

static inline void rg_mbox_set_reg(struct rg_mbox *mb, uint32_t off, uint32_t v)
{
	mb->bus.reg_write(mb->bus.ctx, off, v);
}

/* The host's index for a ring: its doorbell register. */
static inline uint32_t rg_mbox_doorbell(struct rg_mbox *mb, unsigned ring)
{
	return rg_mbox_reg(mb, RG_RING_BASE(ring) + RG_RING_DOORBELL);
}

static inline uint32_t rg_mbox_ring_size(const struct rg_mbox_ring *r)
{
	return 1u << r->size_log2;
}

/* DMA address of the entry at free-running index idx. */
static inline uint64_t rg_mbox_slot_addr(const struct rg_mbox_ring *r, uint32_t idx,
					 uint32_t entry_size)
{
	return r->base + (uint64_t)(idx & (rg_mbox_ring_size(r) - 1u)) * entry_size;
}

/* A ring fault: the host broke the ring protocol (index beyond the ring,
 * memory the card may not touch). The card stops serving rings and reports
 * STATUS.ERROR with the code until the host reconfigures them. */
void rg_mbox_fault(struct rg_mbox *mb, enum rg_status code);

/* Entries the card may consume (host producer - card consumer), or -1 and a
 * ring fault when the host's index is beyond the ring. */
int32_t rg_mbox_pending(struct rg_mbox *mb, unsigned ring);

/* Free entries the card may produce into (ring size - (card producer - host
 * consumer)), or -1 and a ring fault when the host's index is impossible. */
int32_t rg_mbox_room(struct rg_mbox *mb, unsigned ring);

/* Raise the ring's interrupt if the host armed it and the card has written
 * entries beyond the index the host armed with (regmap.h, interrupts). */
void rg_mbox_irq_check(struct rg_mbox *mb, unsigned ring);

/* mbox_cmd.c: serve up to `budget` commands; returns how many. */
unsigned rg_mbox_serve_commands(struct rg_mbox *mb, unsigned budget);

/* mbox_evt.c: queue pending LOST / CARD_RESET announcements. */
void rg_mbox_flush_events(struct rg_mbox *mb);

/* mbox_hostport.c: take up to `budget` frames from the HTX ring. */
unsigned rg_mbox_serve_htx(struct rg_mbox *mb, unsigned budget);

#endif /* RG_FW_MBOX_INTERNAL_H */
