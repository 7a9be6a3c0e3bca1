/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupts from the card's rings (regmap.h, "Interrupts"): arming, the
 * check for entries that are already there, and sleeping until the card
 * raises one. A backend without interrupts (irq_fd < 0) leaves the callers
 * polling phase bits as before.
 */
#include <poll.h>
#include <unistd.h>

#include "dev_internal.h"

/* Write a register without waking a sleeping card: an arm needs no card
 * action until the card writes its next entry, and it checks the arm then. */
static void write_quiet(struct rg_dev *d, uint32_t off, uint32_t v)
{
	__atomic_store_n(&d->be.bar0[off / 4], v, __ATOMIC_RELEASE);
}

/* The entry at the host's consumer index of a card-produced ring is there. */
static int ring_ready(struct rg_dev *d, unsigned ring)
{
	struct rg_hring *r = &d->ring[ring];
	if (!r->va)
		return 0;
	const uint8_t *e = r->va + (size_t)(r->cons & (r->size - 1)) * r->entry;
	if (ring == RG_RING_HRX) {
		uint16_t s =
			__atomic_load_n(&((const struct rg_pkt_desc *)e)->status, __ATOMIC_ACQUIRE);
		return (s & RG_DESC_DONE) && !!(s & RG_DESC_PHASE) == rg_phase(r->cons, r->log2);
	}
	const uint32_t *phase = ring == RG_RING_CPL ? &((const struct rg_cpl *)e)->phase
						    : &((const struct rg_evt *)e)->phase;
	return (__atomic_load_n(phase, __ATOMIC_ACQUIRE) & 1u) == rg_phase(r->cons, r->log2);
}

int rg_dev_irq_fd(const struct rg_dev *d)
{
	return d->be.irq_fd;
}

int rg_dev_irq_arm(struct rg_dev *d, unsigned rings)
{
	static const unsigned card_produced[] = { RG_RING_CPL, RG_RING_EVT, RG_RING_HRX };
	int ready = 0;
	for (unsigned i = 0; i < 3; i++) {
		unsigned id = card_produced[i];
		struct rg_hring *r = &d->ring[id];
		if (!(rings & (1u << id)) || !r->va)
			continue;
		write_quiet(d, r->blk + RG_RING_IRQ_IDX, r->cons);
		write_quiet(d, r->blk + RG_RING_IRQ_ARM, 1);
	}
	/* the arm before the look: an entry the card wrote before it saw the
	 * arm is found here, one written after fires */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < 3; i++)
		if ((rings & (1u << card_produced[i])) && ring_ready(d, card_produced[i]))
			ready = 1;
	return ready;
}

void rg_dev_irq_ack(struct rg_dev *d)
{
	uint8_t buf[64];
	if (d->be.irq_fd >= 0)
		while (read(d->be.irq_fd, buf, sizeof(buf)) > 0)
			;
}

int rg_dev_irq_wait(struct rg_dev *d, unsigned rings, int timeout_ms)
{
	if (d->be.irq_fd < 0)
		return -1;
	int ready = rg_dev_irq_arm(d, rings);
	if (!ready) {
		struct pollfd p = { .fd = d->be.irq_fd, .events = POLLIN };
		ready = poll(&p, 1, timeout_ms) > 0;
	}
	rg_dev_irq_ack(d);
	return ready;
}
