/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Card side of BAR0: the register blocks the card publishes, the control
 * block (heartbeat, reset, reconfigure handshake) and ring configuration.
 * Commands, events and host-port frames are in the other mbox_*.c files.
 */
#include "mbox_internal.h"

#include "realmgate/counters.h"

static void publish_header(struct rg_mbox *mb, uint32_t base, uint32_t type, uint32_t version,
			   uint32_t next)
{
	rg_mbox_set_reg(mb, base + RG_RB_TYPE, type);
	rg_mbox_set_reg(mb, base + RG_RB_VERSION, version);
	rg_mbox_set_reg(mb, base + RG_RB_NEXT, next);
}

static void publish_id(struct rg_mbox *mb)
{
	struct rg_info info;
	rg_fw_info(mb->fw, &info);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_CONTRACT, RG_CONTRACT_VERSION);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_FW_VERSION, mb->ident.fw_version);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_RTL_VERSION, mb->ident.rtl_version);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_BUILD_DATE, mb->ident.build_date);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_GIT_HASH, mb->ident.git_hash);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_FEATURES_LO, (uint32_t)info.features);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_FEATURES_HI, (uint32_t)(info.features >> 32));
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_PORTS, RG_PORT_COUNT);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_FASTPATH, mb->fpdev->kind);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_SESSIONS, mb->fpdev->sessions);
	rg_mbox_set_reg(mb, RG_ID_BASE + RG_ID_SERIAL, info.serial);
}

/* Ring registers as after a card reset: nothing configured. */
static void clear_rings(struct rg_mbox *mb)
{
	for (unsigned r = 0; r < RG_RING__COUNT; r++) {
		uint32_t b = RG_RING_BASE(r);
		publish_header(mb, b, RG_RB_TYPE_RING, RG_RING_VERSION,
			       r + 1 < RG_RING__COUNT ? RG_RING_BASE(r + 1) : RG_FP_BASE);
		rg_mbox_set_reg(mb, b + RG_RING_ID, r);
		rg_mbox_set_reg(mb, b + RG_RING_BASE_LO, 0);
		rg_mbox_set_reg(mb, b + RG_RING_BASE_HI, 0);
		rg_mbox_set_reg(mb, b + RG_RING_SIZE_LOG2, 0);
		rg_mbox_set_reg(mb, b + RG_RING_ENTRY_SIZE, rg_mbox_entry_size(r));
		rg_mbox_set_reg(mb, b + RG_RING_DOORBELL, 0);
		rg_mbox_set_reg(mb, b + RG_RING_FLAGS, 0);
		rg_mbox_set_reg(mb, b + RG_RING_IRQ_IDX, 0);
		rg_mbox_set_reg(mb, b + RG_RING_IRQ_ARM, 0);
		mb->ring[r] = (struct rg_mbox_ring){ 0 };
	}
	mb->running = 0;
}

static void publish_status(struct rg_mbox *mb)
{
	uint32_t st = RG_STATUS_READY;
	if (mb->fault)
		st |= RG_STATUS_ERROR | ((mb->fault & 0xffu) << 8);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_STATUS, st);
}

void rg_mbox_init(struct rg_mbox *mb, const struct rg_mbox_bus *bus, struct rg_fw *fw,
		  const struct rg_fpdev *fpdev, const struct rg_mbox_identity *ident)
{
	__builtin_memset(mb, 0, sizeof(*mb));
	mb->bus = *bus;
	mb->fw = fw;
	mb->fpdev = fpdev;
	mb->ident = *ident;

	publish_header(mb, RG_ID_BASE, RG_RB_TYPE_ID, RG_ID_VERSION, RG_CTRL_BASE);
	publish_header(mb, RG_CTRL_BASE, RG_RB_TYPE_CTRL, RG_CTRL_VERSION, RG_RING_BASE(0));
	publish_header(mb, RG_FP_BASE, RG_RB_TYPE_FASTPATH, RG_FP_VERSION, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_FW_STATE, RG_FW_BOOT);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_STATUS, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_CONTROL, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_RESULT, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_HEARTBEAT, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RESET_COUNT, 0);
	clear_rings(mb);
	publish_id(mb);
	rg_mbox_mirror_fastpath(mb);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_FW_STATE, RG_FW_RUNNING);
	publish_status(mb);
}

void rg_mbox_fault(struct rg_mbox *mb, enum rg_status code)
{
	if (!mb->fault)
		mb->stats.ring_faults++;
	mb->fault = code ? code : RG_ST_INVALID;
	publish_status(mb);
}

int32_t rg_mbox_pending(struct rg_mbox *mb, unsigned ring)
{
	struct rg_mbox_ring *r = &mb->ring[ring];
	uint32_t n = rg_mbox_doorbell(mb, ring) - r->idx;
	if (n > rg_mbox_ring_size(r)) {
		rg_mbox_fault(mb, RG_ST_INVALID);
		return -1;
	}
	return (int32_t)n;
}

int32_t rg_mbox_room(struct rg_mbox *mb, unsigned ring)
{
	struct rg_mbox_ring *r = &mb->ring[ring];
	uint32_t used = r->idx - rg_mbox_doorbell(mb, ring);
	if (used > rg_mbox_ring_size(r)) {
		rg_mbox_fault(mb, RG_ST_INVALID);
		return -1;
	}
	return (int32_t)(rg_mbox_ring_size(r) - used);
}

/* The host armed the ring and the card has written beyond the index it
 * armed with. */
static int irq_due(struct rg_mbox *mb, unsigned ring)
{
	uint32_t b = RG_RING_BASE(ring);
	return mb->bus.irq && mb->ring[ring].up && rg_mbox_reg(mb, b + RG_RING_IRQ_ARM) &&
	       rg_mbox_reg(mb, b + RG_RING_IRQ_IDX) != mb->ring[ring].idx;
}

static void irq_raise_if_due(struct rg_mbox *mb, unsigned ring)
{
	if (!irq_due(mb, ring))
		return;
	rg_mbox_set_reg(mb, RG_RING_BASE(ring) + RG_RING_IRQ_ARM, 0);
	mb->stats.irqs++;
	mb->bus.irq(mb->bus.ctx, ring);
}

void rg_mbox_irq_check(struct rg_mbox *mb, unsigned ring)
{
	/* the entry just written before the look at the arm (the host arms,
	 * then looks at the ring: one of the two sees the other) */
	if (mb->bus.irq)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	irq_raise_if_due(mb, ring);
}

int rg_mbox_has_work(struct rg_mbox *mb)
{
	if (rg_mbox_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB))
		return 1;
	uint32_t control = rg_mbox_reg(mb, RG_CTRL_BASE + RG_CTRL_CONTROL);
	if (control & RG_CTRL_RESET)
		return 1;
	if (mb->fault || !(control & RG_CTRL_ENABLE))
		return 0;
	static const unsigned host_producers[] = { RG_RING_CMD, RG_RING_HTX };
	for (unsigned i = 0; i < 2; i++) {
		unsigned r = host_producers[i];
		if (mb->ring[r].up && rg_mbox_doorbell(mb, r) != mb->ring[r].idx)
			return 1;
	}
	return irq_due(mb, RG_RING_CPL) || irq_due(mb, RG_RING_EVT) || irq_due(mb, RG_RING_HRX);
}

/* RG_RECONF_RINGS: take the ring registers as the host wrote them. Every
 * ring is checked before any is used; on error no ring is up. */
static enum rg_status reconfigure_rings(struct rg_mbox *mb)
{
	struct rg_mbox_ring next[RG_RING__COUNT];
	for (unsigned r = 0; r < RG_RING__COUNT; r++) {
		uint32_t b = RG_RING_BASE(r);
		uint32_t flags = rg_mbox_reg(mb, b + RG_RING_FLAGS);
		next[r] = (struct rg_mbox_ring){ 0 };
		if (!(flags & RG_RINGF_ENABLE))
			continue;
		uint64_t base = (uint64_t)rg_mbox_reg(mb, b + RG_RING_BASE_HI) << 32 |
				rg_mbox_reg(mb, b + RG_RING_BASE_LO);
		uint32_t log2 = rg_mbox_reg(mb, b + RG_RING_SIZE_LOG2);
		if (log2 < RG_RING_LOG2_MIN || log2 > RG_RING_LOG2_MAX)
			return RG_ST_INVALID;
		uint32_t esz = rg_mbox_entry_size(r);
		if (base == 0 || base % esz != 0)
			return RG_ST_INVALID;
		if (mb->bus.dma_check(mb->bus.ctx, base, (uint64_t)esz << log2))
			return RG_ST_IO;
		next[r].base = base;
		next[r].size_log2 = log2;
		/* Both sides restart at the index the host left in the doorbell
		 * (the driver writes 0 before asking): entries posted earlier
		 * are not taken, and the phase of index i is the same for both. */
		next[r].idx = rg_mbox_doorbell(mb, r);
		next[r].up = 1;
	}
	/* Commands need their completion ring. */
	if (next[RG_RING_CMD].up != next[RG_RING_CPL].up)
		return RG_ST_INVALID;
	for (unsigned r = 0; r < RG_RING__COUNT; r++)
		mb->ring[r] = next[r];
	mb->fault = 0;
	return RG_ST_OK;
}

static void serve_reconfig(struct rg_mbox *mb)
{
	if (!rg_mbox_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB))
		return;
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB, 0);
	uint32_t req = rg_mbox_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ);
	enum rg_status st = RG_ST_OK;
	if (req & ~(RG_RECONF_RINGS | RG_RECONF_EVENTS))
		st = RG_ST_INVALID;
	else if (req & RG_RECONF_EVENTS)
		/* the event mask is set with RG_OP_EVENT_MASK; there is no
		 * register for it on this card */
		st = RG_ST_NOT_SUPPORTED;
	else if (req & RG_RECONF_RINGS)
		st = reconfigure_rings(mb);
	if (st != RG_ST_OK && (req & RG_RECONF_RINGS)) {
		for (unsigned r = 0; r < RG_RING__COUNT; r++)
			mb->ring[r].up = 0;
	}
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_RESULT, st);
	publish_status(mb);
	/* clearing the request is the card's "done": it goes last */
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ, 0);
}

enum rg_mbox_poll_result rg_mbox_poll(struct rg_mbox *mb, uint32_t now_ms)
{
	unsigned work = 0;
	mb->now_ms = now_ms;
	if (now_ms != mb->heartbeat) {
		mb->heartbeat = now_ms;
		rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_HEARTBEAT, now_ms);
	}
	uint32_t control = rg_mbox_reg(mb, RG_CTRL_BASE + RG_CTRL_CONTROL);
	if (control & RG_CTRL_RESET) {
		rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_STATUS, 0);
		rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_FW_STATE, RG_FW_RESETTING);
		return RG_MBOX_RESET_REQUESTED;
	}
	serve_reconfig(mb);
	mb->running = (control & RG_CTRL_ENABLE) && !mb->fault;
	if (!mb->running)
		return RG_MBOX_IDLE;
	rg_mbox_flush_events(mb);
	if (mb->ring[RG_RING_CMD].up)
		work += rg_mbox_serve_commands(mb, 16);
	if (mb->ring[RG_RING_HTX].up)
		work += rg_mbox_serve_htx(mb, 64);
	/* an arm that arrived after the entries it waits for (no fence
	 * needed: an arm not seen now is seen on the next turn) */
	irq_raise_if_due(mb, RG_RING_CPL);
	irq_raise_if_due(mb, RG_RING_EVT);
	irq_raise_if_due(mb, RG_RING_HRX);
	return work ? RG_MBOX_BUSY : RG_MBOX_IDLE;
}

void rg_mbox_reset_done(struct rg_mbox *mb, struct rg_fw *fw)
{
	mb->fw = fw;
	mb->fault = 0;
	mb->event_mask = 0;
	mb->lost_events = 0;
	mb->announce_reset = 1;
	mb->stats.card_resets++;
	clear_rings(mb);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ, 0);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB, 0);
	publish_id(mb);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_RESET_COUNT, ++mb->reset_count);
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_FW_STATE, RG_FW_RUNNING);
	/* CONTROL.RESET self-clears; ENABLE is off until the host sets it */
	rg_mbox_set_reg(mb, RG_CTRL_BASE + RG_CTRL_CONTROL, 0);
	publish_status(mb);
}

void rg_mbox_mirror_fastpath(struct rg_mbox *mb)
{
	const struct rg_fpdev *d = mb->fpdev;
	rg_mbox_set_reg(mb, RG_FP_BASE + RG_FP_BUCKETS_LOG2, d->buckets_log2);
	rg_mbox_set_reg(mb, RG_FP_BASE + RG_FP_SESSIONS, d->sessions);
	rg_mbox_set_reg(mb, RG_FP_BASE + RG_FP_ADJACENCIES, d->adjacencies);
	rg_mbox_set_reg(mb, RG_FP_BASE + RG_FP_CONTROL, d->ops->read_reg(d->ctx, RG_FP_CONTROL));
	for (uint32_t i = 0; i < RG_FPC_COUNT; i++)
		rg_mbox_set_reg(mb, RG_FP_BASE + RG_FP_COUNTERS + 4 * i,
				d->ops->read_reg(d->ctx, RG_FP_COUNTERS + 4 * i));
}

uint64_t rg_mbox_counter(struct rg_mbox *mb, uint32_t id)
{
	switch (id) {
	case RG_FWC_CMD_OK:
		return mb->stats.cmd_ok;
	case RG_FWC_CMD_ERROR:
		return mb->stats.cmd_error;
	case RG_FWC_EVENTS_SENT:
		return mb->stats.events_sent;
	case RG_FWC_EVENTS_LOST:
		return mb->stats.events_lost;
	default:
		return rg_fw_counter(mb->fw, id);
	}
}
