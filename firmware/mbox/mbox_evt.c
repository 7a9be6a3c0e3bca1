/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Card -> host event ring. Events the host did not subscribe to are not
 * queued; when the ring is full an event is counted lost, and the count is
 * reported in one RG_EVT_LOST event as soon as there is room again (the
 * sequence numbers show the gap as well).
 */
#include "mbox_internal.h"

/* Write one event at the card's producer index; 0, or -1 when the ring is
 * full or down. */
static int put_event(struct rg_mbox *mb, const struct rg_evt *in)
{
	struct rg_mbox_ring *r = &mb->ring[RG_RING_EVT];
	if (!mb->running || !r->up || rg_mbox_room(mb, RG_RING_EVT) <= 0)
		return -1;
	struct rg_evt e = *in;
	e.seq = mb->event_seq;
	e.ts_ms = mb->now_ms;
	if (e.len > RG_EVT_PAYLOAD)
		e.len = RG_EVT_PAYLOAD;
	uint64_t at = rg_mbox_slot_addr(r, r->idx, sizeof(e));
	uint32_t phase = rg_phase(r->idx, r->size_log2);
	if (mb->bus.dma_write(mb->bus.ctx, at, &e, __builtin_offsetof(struct rg_evt, phase)) ||
	    mb->bus.dma_write(mb->bus.ctx, at + __builtin_offsetof(struct rg_evt, phase), &phase,
			      sizeof(phase))) {
		rg_mbox_fault(mb, RG_ST_IO);
		return -1;
	}
	r->idx++;
	mb->event_seq++;
	mb->stats.events_sent++;
	rg_mbox_irq_check(mb, RG_RING_EVT);
	return 0;
}

static void lose_event(struct rg_mbox *mb)
{
	mb->lost_events++;
	mb->stats.events_lost++;
	mb->event_seq++; /* the gap in sequence numbers tells the host too */
}

void rg_mbox_flush_events(struct rg_mbox *mb)
{
	if (mb->announce_reset) {
		struct rg_evt e = { .type = RG_EVT_CARD_RESET, .len = 4 };
		__builtin_memcpy(e.payload, &mb->reset_count, 4);
		if (put_event(mb, &e) == 0)
			mb->announce_reset = 0;
	}
	if (mb->lost_events) {
		struct rg_evt e = { .type = RG_EVT_LOST, .len = sizeof(struct rg_evt_lost) };
		struct rg_evt_lost lost = { .count = mb->lost_events };
		__builtin_memcpy(e.payload, &lost, sizeof(lost));
		if (put_event(mb, &e) == 0)
			mb->lost_events = 0;
	}
}

uint32_t rg_mbox_event_room(struct rg_mbox *mb, uint32_t types)
{
	if (!(mb->event_mask & types) || !mb->running || !mb->ring[RG_RING_EVT].up)
		return UINT32_MAX;
	int32_t room = rg_mbox_room(mb, RG_RING_EVT);
	if (room <= 0)
		return 0;
	/* the notice of lost events goes first */
	return (uint32_t)room - (mb->lost_events ? 1u : 0u);
}

void rg_mbox_event(struct rg_mbox *mb, const struct rg_evt *evt)
{
	if (evt->type >= RG_EVT__COUNT)
		return;
	int always = evt->type == RG_EVT_LOST || evt->type == RG_EVT_CARD_RESET;
	if (!always && !(mb->event_mask & (1u << evt->type)))
		return;
	rg_mbox_flush_events(mb);
	if (mb->lost_events || put_event(mb, evt))
		lose_event(mb);
}
