/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host side of the five DMA rings: setup through the reconfigure handshake,
 * commands and completions, events, and what to do when the card does not
 * answer. The card's progress is read only from phase bits in host memory;
 * BAR0 is read only in the handshake and to diagnose a timeout.
 */
#include <stdio.h>
#include <string.h>

#include "dev_internal.h"

#define CMD_LOG2_DEFAULT 5u
#define EVT_LOG2_DEFAULT 8u
#define HP_LOG2_DEFAULT 8u
#define BULK_LEN (64u << 10)

static uint32_t ring_log2(uint32_t want, uint32_t dflt)
{
	if (!want)
		return dflt;
	if (want < RG_RING_LOG2_MIN)
		return RG_RING_LOG2_MIN;
	return want > RG_RING_LOG2_MAX ? RG_RING_LOG2_MAX : want;
}

static int alloc_ring(struct rg_dev *d, unsigned id, uint32_t log2, uint32_t entry)
{
	struct rg_hring *r = &d->ring[id];
	r->blk = d->ring_blk[id];
	r->log2 = log2;
	r->size = 1u << log2;
	r->entry = entry;
	r->va = rg_dev_dma_alloc(d, (size_t)r->size * entry, &r->iova);
	return r->va ? 0 : -1;
}

static int allocate(struct rg_dev *d)
{
	uint32_t cl = ring_log2(d->opts.cmd_log2, CMD_LOG2_DEFAULT);
	uint32_t el = ring_log2(d->opts.evt_log2, EVT_LOG2_DEFAULT);
	uint32_t hl = ring_log2(d->opts.hp_log2, HP_LOG2_DEFAULT);
	if (alloc_ring(d, RG_RING_CMD, cl, sizeof(struct rg_cmd)) ||
	    alloc_ring(d, RG_RING_CPL, cl, sizeof(struct rg_cpl)) ||
	    alloc_ring(d, RG_RING_EVT, el, sizeof(struct rg_evt)))
		return -1;
	d->bulk = rg_dev_dma_alloc(d, BULK_LEN, &d->bulk_iova);
	if (!d->bulk)
		return -1;
	d->bulk_len = BULK_LEN;
	if (d->opts.hostport) {
		if (alloc_ring(d, RG_RING_HTX, hl, sizeof(struct rg_pkt_desc)) ||
		    alloc_ring(d, RG_RING_HRX, hl, sizeof(struct rg_pkt_desc)))
			return -1;
		d->hp_tx_buf = rg_dev_dma_alloc(d, (size_t)RG_HP_BUF << hl, &d->hp_tx_iova);
		d->hp_rx_buf = rg_dev_dma_alloc(d, (size_t)RG_HP_BUF << hl, &d->hp_rx_iova);
		if (!d->hp_tx_buf || !d->hp_rx_buf)
			return -1;
	}
	d->rings_allocated = 1;
	return 0;
}

/* The reconfigure handshake (NFP style): request, doorbell, poll until the
 * card clears the request, reports an error, or the timeout passes. */
static enum rg_status reconfigure(struct rg_dev *d, uint32_t what)
{
	uint32_t c = d->ctrl;
	/* a ring fault the card already reports is what this call clears */
	int stale_error = !!(rg_mmio_read(d, c + RG_CTRL_STATUS) & RG_STATUS_ERROR);
	rg_mmio_write(d, c + RG_CTRL_RECONFIG_REQ, what);
	rg_mmio_write(d, c + RG_CTRL_RECONFIG_DB, 1);
	uint64_t until = rg_now_ms() + (uint64_t)d->opts.timeout_ms;
	unsigned spins = 0;
	for (;;) {
		if (!rg_mmio_read(d, c + RG_CTRL_RECONFIG_REQ)) {
			uint32_t res = rg_mmio_read(d, c + RG_CTRL_RECONFIG_RESULT);
			if (res != RG_ST_OK)
				rg_dev_fail(d, "card refused the ring configuration: %s",
					    rg_status_name(res));
			return (enum rg_status)res;
		}
		uint32_t st = rg_mmio_read(d, c + RG_CTRL_STATUS);
		if ((st & RG_STATUS_ERROR) && !stale_error) {
			rg_dev_fail(d, "card reports an error during reconfiguration: %s",
				    rg_status_name(RG_STATUS_CODE(st)));
			return RG_ST_IO;
		}
		if (rg_now_ms() > until) {
			rg_dev_fail(d, "card did not answer the reconfigure request within %d ms",
				    d->opts.timeout_ms);
			return RG_ST_TIMEOUT;
		}
		rg_dev_pause(d, &spins, 0);
	}
}

int rg_rings_setup(struct rg_dev *d)
{
	if (!d->rings_allocated && allocate(d))
		return -1;
	rg_mmio_write(d, d->ctrl + RG_CTRL_CONTROL, 0);
	for (unsigned id = 0; id < RG_RING__COUNT; id++) {
		struct rg_hring *r = &d->ring[id];
		uint32_t b = d->ring_blk[id];
		int used = r->va != NULL;
		if (used)
			memset(r->va, 0, (size_t)r->size * r->entry);
		r->prod = r->cons = 0;
		rg_mmio_write(d, b + RG_RING_BASE_LO, used ? (uint32_t)r->iova : 0);
		rg_mmio_write(d, b + RG_RING_BASE_HI, used ? (uint32_t)(r->iova >> 32) : 0);
		rg_mmio_write(d, b + RG_RING_SIZE_LOG2, used ? r->log2 : 0);
		rg_mmio_write(d, b + RG_RING_DOORBELL, 0);
		rg_mmio_write(d, b + RG_RING_FLAGS, used ? RG_RINGF_ENABLE : 0);
		if (used && rg_mmio_read(d, b + RG_RING_ENTRY_SIZE) != r->entry)
			return rg_dev_fail(d, "card's ring %u has %u-byte entries, expected %u", id,
					   rg_mmio_read(d, b + RG_RING_ENTRY_SIZE), r->entry);
	}
	d->completed = 0;
	enum rg_status st = reconfigure(d, RG_RECONF_RINGS);
	if (st != RG_ST_OK)
		return -1;
	d->reset_count = rg_mmio_read(d, d->ctrl + RG_CTRL_RESET_COUNT);
	rg_mmio_write(d, d->ctrl + RG_CTRL_CONTROL, RG_CTRL_ENABLE);
	if (d->opts.hostport) {
		/* post every receive buffer */
		struct rg_hring *rx = &d->ring[RG_RING_HRX];
		struct rg_pkt_desc *desc = (struct rg_pkt_desc *)rx->va;
		for (uint32_t i = 0; i < rx->size; i++) {
			desc[i].addr = d->hp_rx_iova + (uint64_t)i * RG_HP_BUF;
			desc[i].len = RG_HP_BUF;
			desc[i].status = 0;
		}
		rx->prod = rx->size;
		rg_mmio_write(d, rx->blk + RG_RING_DOORBELL, rx->prod);
	}
	return 0;
}

/* Why did the card not answer? Called after a timeout; reads BAR0. Sets the
 * error text and *st, and sets the rings up again when the card was reset
 * or faulted so that the next command can work. */
void rg_rings_diagnose(struct rg_dev *d, enum rg_status *st)
{
	uint32_t status = rg_mmio_read(d, d->ctrl + RG_CTRL_STATUS);
	uint32_t resets = rg_mmio_read(d, d->ctrl + RG_CTRL_RESET_COUNT);
	uint32_t hb = rg_mmio_read(d, d->ctrl + RG_CTRL_HEARTBEAT);
	if (status == 0xffffffffu) {
		rg_dev_fail(d, "card does not respond on the bus (reads all ones)");
		*st = RG_ST_CARD_GONE;
		return;
	}
	if (resets != d->reset_count) {
		rg_dev_fail(d, "card was reset (reset count %u -> %u); command lost",
			    d->reset_count, resets);
		*st = RG_ST_CARD_GONE;
		if (status & RG_STATUS_READY)
			rg_rings_setup(d);
		return;
	}
	if (status & RG_STATUS_ERROR) {
		rg_dev_fail(d, "card reports a ring fault (%s); rings set up again",
			    rg_status_name(RG_STATUS_CODE(status)));
		*st = RG_ST_IO;
		rg_rings_setup(d);
		return;
	}
	/* a live card moves its heartbeat at least every 10 ms (regmap.h) */
	uint64_t until = rg_now_ms() + 50;
	unsigned spins = 0;
	while (rg_now_ms() < until && rg_mmio_read(d, d->ctrl + RG_CTRL_HEARTBEAT) == hb)
		rg_dev_pause(d, &spins, 0);
	if (rg_mmio_read(d, d->ctrl + RG_CTRL_HEARTBEAT) == hb) {
		rg_dev_fail(d, "card stopped answering (heartbeat stuck at %u, firmware state %u)",
			    hb, rg_mmio_read(d, d->ctrl + RG_CTRL_FW_STATE));
		*st = RG_ST_CARD_GONE;
		return;
	}
	if (!(status & RG_STATUS_READY) ||
	    !(rg_mmio_read(d, d->ctrl + RG_CTRL_CONTROL) & RG_CTRL_ENABLE)) {
		rg_dev_fail(d, "card is alive but not serving its rings (status 0x%x)", status);
		*st = RG_ST_CARD_GONE;
		return;
	}
	rg_dev_fail(d, "card is alive but did not complete the command within %d ms",
		    d->opts.timeout_ms);
	*st = RG_ST_TIMEOUT;
}

/* ---- commands ------------------------------------------------------------ */

uint32_t rg_dev_outstanding(const struct rg_dev *d)
{
	return d->ring[RG_RING_CMD].prod - d->completed;
}

enum rg_status rg_dev_submit(struct rg_dev *d, const struct rg_cmd *cmd)
{
	struct rg_hring *r = &d->ring[RG_RING_CMD];
	/* at most as many outstanding as either ring holds (mailbox.h) */
	if (rg_dev_outstanding(d) >= r->size || rg_dev_outstanding(d) >= d->ring[RG_RING_CPL].size)
		return RG_ST_BUSY;
	memcpy(r->va + (size_t)(r->prod & (r->size - 1)) * r->entry, cmd, sizeof(*cmd));
	r->prod++;
	rg_mmio_write(d, r->blk + RG_RING_DOORBELL, r->prod);
	return RG_ST_OK;
}

int rg_dev_reap(struct rg_dev *d, struct rg_cpl *cpl)
{
	struct rg_hring *r = &d->ring[RG_RING_CPL];
	struct rg_cpl *e = (struct rg_cpl *)(r->va + (size_t)(r->cons & (r->size - 1)) * r->entry);
	uint32_t phase = __atomic_load_n(&e->phase, __ATOMIC_ACQUIRE) & 1u;
	if (phase != rg_phase(r->cons, r->log2))
		return 0;
	memcpy(cpl, e, sizeof(*cpl));
	r->cons++;
	d->completed++;
	rg_mmio_write(d, r->blk + RG_RING_DOORBELL, r->cons);
	return 1;
}

enum rg_status rg_dev_cmd(struct rg_dev *d, uint16_t opcode, const void *req, uint16_t req_len,
			  void *rsp, uint16_t rsp_cap, uint16_t *rsp_len, void *bulk,
			  uint32_t bulk_cap, uint32_t *bulk_used)
{
	struct rg_cmd cmd;
	struct rg_cpl cpl;
	enum rg_status st;
	if (req_len > RG_CMD_PAYLOAD) {
		rg_dev_fail(d, "command payload of %u bytes is too long", req_len);
		return RG_ST_BAD_LENGTH;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = opcode;
	cmd.tag = d->next_tag++;
	cmd.len = req_len;
	if (req_len)
		memcpy(cmd.payload, req, req_len);
	if (bulk && bulk_cap) {
		cmd.buf_addr = d->bulk_iova;
		cmd.buf_len = bulk_cap < d->bulk_len ? bulk_cap : d->bulk_len;
	}
	uint64_t until = rg_now_ms() + (uint64_t)d->opts.timeout_ms;
	unsigned spins = 0;
	/* a synchronous caller owns the ring: earlier completions nobody
	 * waits for any more are taken out of the way */
	while ((st = rg_dev_submit(d, &cmd)) == RG_ST_BUSY) {
		if (!rg_dev_reap(d, &cpl)) {
			if (rg_now_ms() > until)
				goto timeout;
			rg_dev_pause(d, &spins, 1u << RG_RING_CPL);
		}
	}
	for (;;) {
		if (rg_dev_reap(d, &cpl)) {
			if (cpl.tag != cmd.tag)
				continue;
			break;
		}
		if (rg_now_ms() > until)
			goto timeout;
		rg_dev_pause(d, &spins, 1u << RG_RING_CPL);
	}
	if (rsp_len)
		*rsp_len = 0;
	if (rsp && rsp_cap) {
		uint16_t n = cpl.len < RG_CPL_PAYLOAD ? cpl.len : RG_CPL_PAYLOAD;
		if (n > rsp_cap)
			n = rsp_cap;
		memcpy(rsp, cpl.payload, n);
		if (rsp_len)
			*rsp_len = n;
	}
	if (bulk_used)
		*bulk_used = 0;
	if (bulk && bulk_cap && cpl.buf_used) {
		uint32_t n = cpl.buf_used;
		if (n > cmd.buf_len) {
			rg_dev_fail(d, "card claims %u bytes in a %u-byte buffer", n, cmd.buf_len);
			return RG_ST_IO;
		}
		memcpy(bulk, d->bulk, n);
		if (bulk_used)
			*bulk_used = n;
	}
	if (cpl.status != RG_ST_OK) {
		const char *op = rg_opcode_name(opcode);
		rg_dev_fail(d, "%s: %s", op ? op : "command", rg_status_name(cpl.status));
	}
	return (enum rg_status)cpl.status;
timeout:
	rg_rings_diagnose(d, &st);
	return st;
}

/* ---- events -------------------------------------------------------------- */

enum rg_status rg_dev_subscribe(struct rg_dev *d, uint32_t mask)
{
	return rg_dev_cmd(d, RG_OP_EVENT_MASK, &mask, sizeof(mask), NULL, 0, NULL, NULL, 0, NULL);
}

int rg_dev_event(struct rg_dev *d, struct rg_evt *evt)
{
	struct rg_hring *r = &d->ring[RG_RING_EVT];
	struct rg_evt *e = (struct rg_evt *)(r->va + (size_t)(r->cons & (r->size - 1)) * r->entry);
	uint32_t phase = __atomic_load_n(&e->phase, __ATOMIC_ACQUIRE) & 1u;
	if (phase != rg_phase(r->cons, r->log2))
		return 0;
	memcpy(evt, e, sizeof(*evt));
	r->cons++;
	rg_mmio_write(d, r->blk + RG_RING_DOORBELL, r->cons);
	return 1;
}
