/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's main loop on the riscv64 cores: bring the fast path (the RTL
 * pipeline through its CSRs, or the soft fast path on these cores for boards
 * without an FPGA) and the firmware up in DRAM, publish BAR0 through the
 * mailbox service, then poll forever:
 *   exception queue -> (soft: fast path burst ->) rg_fw_punt
 *   mailbox (commands, events, host-port frames) -> rg_mbox_poll
 *   every 10 ms -> rg_fw_tick, a few times a second -> counter mirror
 */
#include "card.h"

#include "../fastpath/fp.h"
#include "../mbox/mbox.h"
#include "realmgate/regmap.h"

extern uint8_t __heap_start[];

#define EXQ_LOG2 10u
#define TXQ_LOG2 10u
#define BUF_BYTES 2048u

static struct rg_mbox mbox;
static struct rg_fp soft_fp;
static struct rg_fpdev dev;
static struct rg_fw *fw;
static struct rg_hal hal;

static struct card_desc *exq, *txq;
static uint8_t *tx_bufs;
static uint32_t exq_cons, txq_prod;
static uint8_t *heap;

static uint32_t sys(uint32_t off)
{
	return mmio_read32(CARD_SYS_BASE + off);
}

static uint32_t pkt_reg(uint32_t off)
{
	return mmio_read32(CARD_PKT_BASE + off);
}

static void pkt_set(uint32_t off, uint32_t v)
{
	mmio_write32(CARD_PKT_BASE + off, v);
}

static uint32_t dram_off(const void *p)
{
	return (uint32_t)((uintptr_t)p - 0x80000000u);
}

static void *heap_take(uint64_t bytes)
{
	uint8_t *p = heap;
	heap += (bytes + 63u) & ~(uint64_t)63u;
	return p;
}

/* ---- HAL ---- */

static uint32_t hal_now(void *ctx)
{
	(void)ctx;
	return sys(CARD_SYS_TIME_MS);
}

static void txq_send(unsigned port, const uint8_t *frame, uint32_t len, uint8_t flags)
{
	uint32_t size = 1u << TXQ_LOG2;
	/* wait for room: the engine drains at line rate */
	while (txq_prod - pkt_reg(CARD_TXQ_CONS) >= size)
		;
	if (len > BUF_BYTES)
		return;
	uint32_t slot = txq_prod & (size - 1u);
	uint8_t *buf = tx_bufs + (uint64_t)slot * BUF_BYTES;
	__builtin_memcpy(buf, frame, len);
	txq[slot] = (struct card_desc){
		.addr = dram_off(buf), .len = (uint16_t)len, .port = (uint8_t)port, .flags = flags
	};
	txq_prod++;
	pkt_set(CARD_TXQ_PROD, txq_prod);
}

static void soft_forward(unsigned port, const uint8_t *frame, uint32_t len, uint8_t flags);

static void hal_tx(void *ctx, unsigned port, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	if (port == RG_PORT_HOST) {
		rg_mbox_to_host(&mbox, frame, len);
		return;
	}
	txq_send(port, frame, len, 0);
}

static void hal_reinject(void *ctx, unsigned port, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	if (dev.kind == RG_FASTPATH_SOFT)
		soft_forward(port, frame, len, RG_FPIN_FORCE);
	else
		txq_send(port, frame, len, CARD_DESC_REINJECT);
}

static void hal_event(void *ctx, const struct rg_evt *evt)
{
	(void)ctx;
	rg_mbox_event(&mbox, evt);
}

static uint32_t hal_event_room(void *ctx, uint32_t types)
{
	(void)ctx;
	return rg_mbox_event_room(&mbox, types);
}

static void hal_random(void *ctx, void *buf, uint32_t len)
{
	(void)ctx;
	uint8_t *b = buf;
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t r = sys(CARD_SYS_RANDOM);
		for (uint32_t k = 0; k < 4 && i + k < len; k++)
			b[i + k] = (uint8_t)(r >> (8 * k));
	}
}

/* ---- the soft fast path on the cores ---- */

static uint8_t soft_out[RG_FP_BURST][BUF_BYTES + 64];

/* Frames through the soft fast path: forwarded ones to the ports, punted
 * ones (never for FORCE) to the firmware. */
static void soft_burst(struct rg_fp_pkt *pk, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pk[i].out = soft_out[i];
	rg_fp_process_burst(&soft_fp, pk, n);
	for (unsigned i = 0; i < n; i++) {
		if (pk[i].meta.verdict != RG_VERDICT_FORWARD)
			continue;
		if (pk[i].meta.port == RG_PORT_HOST)
			rg_mbox_to_host(&mbox, pk[i].out, pk[i].out_len);
		else
			txq_send(pk[i].meta.port, pk[i].out, pk[i].out_len, 0);
	}
	rg_fw_punt_burst(fw, pk, n);
}

static void soft_forward(unsigned port, const uint8_t *frame, uint32_t len, uint8_t flags)
{
	struct rg_fp_pkt pk = { .frame = frame,
				.len = len,
				.port = (uint8_t)port,
				.flags = flags,
				.ts_ms = hal_now(0) };
	soft_burst(&pk, 1);
}

/* ---- mailbox bus ---- */

static uint32_t bar_read(void *ctx, uint32_t off)
{
	(void)ctx;
	return mmio_read32(CARD_BAR0_BASE + (off & (RG_BAR0_SIZE - 4u)));
}

static void bar_write(void *ctx, uint32_t off, uint32_t v)
{
	(void)ctx;
	mmio_write32(CARD_BAR0_BASE + (off & (RG_BAR0_SIZE - 4u)), v);
}

static int dma(uint32_t cmd, uint64_t addr, const void *card, uint32_t len)
{
	mmio_write32(CARD_DMA_BASE + CARD_DMA_HOST_LO, (uint32_t)addr);
	mmio_write32(CARD_DMA_BASE + CARD_DMA_HOST_HI, (uint32_t)(addr >> 32));
	mmio_write32(CARD_DMA_BASE + CARD_DMA_CARD, card ? dram_off(card) : 0);
	mmio_write32(CARD_DMA_BASE + CARD_DMA_LEN, len);
	mmio_write32(CARD_DMA_BASE + CARD_DMA_CMD, cmd);
	uint32_t st;
	while ((st = mmio_read32(CARD_DMA_BASE + CARD_DMA_STATUS)) & 1u)
		;
	return (st & 2u) ? -1 : 0;
}

static int dma_read(void *ctx, uint64_t addr, void *dst, uint32_t len)
{
	(void)ctx;
	return dma(1, addr, dst, len);
}

static int dma_write(void *ctx, uint64_t addr, const void *src, uint32_t len)
{
	(void)ctx;
	return dma(2, addr, src, len);
}

static int dma_check(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx;
	if (len > 0xffffffffu)
		return -1;
	return dma(3, addr, 0, (uint32_t)len);
}

static void raise_irq(void *ctx, unsigned vector)
{
	(void)ctx;
	mmio_write32(CARD_DMA_BASE + CARD_DMA_MSIX, vector);
}

static void from_host(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	if (dev.kind == RG_FASTPATH_SOFT)
		soft_forward(RG_PORT_HOST, frame, len, 0);
	else
		rg_fw_punt(fw, frame, len, RG_PORT_HOST, 0);
}

/* ---- bring-up and loop ---- */

static void setup_queues(void)
{
	exq = heap_take(sizeof(struct card_desc) << EXQ_LOG2);
	txq = heap_take(sizeof(struct card_desc) << TXQ_LOG2);
	tx_bufs = heap_take((uint64_t)BUF_BYTES << TXQ_LOG2);
	pkt_set(CARD_EXQ_BASE, dram_off(exq));
	pkt_set(CARD_EXQ_SIZE_LOG2, EXQ_LOG2);
	pkt_set(CARD_TXQ_BASE, dram_off(txq));
	pkt_set(CARD_TXQ_SIZE_LOG2, TXQ_LOG2);
	exq_cons = pkt_reg(CARD_EXQ_CONS);
	txq_prod = pkt_reg(CARD_TXQ_PROD);
}

static int setup_fastpath(void)
{
	if (sys(CARD_SYS_FASTPATH) == RG_FASTPATH_RTL) {
		card_fpdev_mmio(&dev);
		return 0;
	}
	/* no FPGA: the cores run the soft fast path over a quarter of DRAM */
	struct rg_fp_geometry g = { .buckets_log2 = 16, .sessions = 1u << 18, .adjacencies = 4096 };
	size_t need = rg_fp_mem_size(&g);
	void *mem = heap_take(need);
	if (rg_fp_init(&soft_fp, &g, mem, need))
		return -1;
	rg_fpdev_soft(&dev, &soft_fp);
	return 0;
}

static void poll_exceptions(void)
{
	uint32_t size = 1u << EXQ_LOG2;
	struct rg_fp_pkt pk[RG_FP_BURST];
	unsigned n = 0;
	while (exq_cons != pkt_reg(CARD_EXQ_PROD) && n < RG_FP_BURST) {
		const struct card_desc *d = &exq[exq_cons & (size - 1u)];
		const uint8_t *frame = (const uint8_t *)(uintptr_t)(0x80000000u + d->addr);
		if (dev.kind == RG_FASTPATH_SOFT) {
			pk[n++] = (struct rg_fp_pkt){
				.frame = frame, .len = d->len, .port = d->port, .ts_ms = d->ts_ms
			};
		} else {
			struct rg_fp_out_meta m = { .verdict = RG_VERDICT_PUNT,
						    .reason = d->reason };
			rg_fw_punt(fw, frame, d->len, d->port, &m);
			exq_cons++;
			pkt_set(CARD_EXQ_CONS, exq_cons);
		}
	}
	if (n) {
		soft_burst(pk, n);
		exq_cons += n;
		pkt_set(CARD_EXQ_CONS, exq_cons);
	}
}

void rg_card_main(void)
{
	heap = (uint8_t *)(((uintptr_t)__heap_start + 63u) & ~(uintptr_t)63u);
	setup_queues();
	if (setup_fastpath())
		return;
	struct rg_fw_params p = { .mappings = dev.sessions,
				  .subscribers = 65536,
				  .rules = 1024,
				  .frag_entries = 1024,
				  .neighbours = dev.adjacencies - 1,
				  .pool_addrs = 1024,
				  .held_syns = 256,
				  .serial = sys(CARD_SYS_SERIAL) };
	for (unsigned i = 0; i < RG_PORT_COUNT; i++) {
		uint32_t lo = sys(CARD_SYS_PORT_MAC(i, 0)), hi = sys(CARD_SYS_PORT_MAC(i, 1));
		for (unsigned b = 0; b < 4; b++)
			p.port_mac[i][b] = (uint8_t)(lo >> (8 * b));
		p.port_mac[i][4] = (uint8_t)hi;
		p.port_mac[i][5] = (uint8_t)(hi >> 8);
	}
	hal = (struct rg_hal){ .now_ms = hal_now,
			       .tx = hal_tx,
			       .reinject = hal_reinject,
			       .event = hal_event,
			       .random = hal_random,
			       .event_room = hal_event_room };
	size_t need = rg_fw_mem_size(&p, &dev);
	fw = rg_fw_init(heap_take(need), need, &p, &hal, &dev);
	if (!fw)
		return;
	struct rg_mbox_bus bus = { .reg_read = bar_read,
				   .reg_write = bar_write,
				   .dma_read = dma_read,
				   .dma_write = dma_write,
				   .dma_check = dma_check,
				   .from_host = from_host,
				   .irq = raise_irq };
	struct rg_mbox_identity id = { .fw_version = 0x000100u };
	rg_mbox_init(&mbox, &bus, fw, &dev, &id);
	uint32_t last_tick = hal_now(0), last_mirror = last_tick;
	for (;;) {
		poll_exceptions();
		uint32_t now = hal_now(0);
		if (rg_mbox_poll(&mbox, now) == RG_MBOX_RESET_REQUESTED) {
			rg_fw_reset(fw);
			rg_mbox_reset_done(&mbox, fw);
		}
		if (now - last_tick >= 10u) {
			last_tick = now;
			rg_fw_tick(fw);
		}
		if (now - last_mirror >= 250u) {
			last_mirror = now;
			rg_mbox_mirror_fastpath(&mbox);
		}
	}
}
