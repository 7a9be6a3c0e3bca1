/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device open/close, BAR0 discovery (walking the register-block chain as
 * Corundum does), the contract version check, card reset and the names of
 * contract values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev_internal.h"
#include "realmgate/counters.h"

void rg_errf(char *err, size_t len, const char *fmt, ...)
{
	if (!err || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int rg_dev_fail(struct rg_dev *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	return -1;
}

const char *rg_dev_error(const struct rg_dev *d)
{
	return d->err;
}

const char *rg_dev_spec(const struct rg_dev *d)
{
	return d->spec;
}

uint64_t rg_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void rg_dev_pause(struct rg_dev *d, unsigned *spins, unsigned rings)
{
	if (d->opts.idle) {
		d->opts.idle(d->opts.idle_ctx);
		return;
	}
	/* with interrupts, sleep until the card writes an entry; the bound
	 * keeps the caller's deadline checks going when none comes */
	if (rings && rg_dev_irq_wait(d, rings, 10) >= 0)
		return;
	/* short waits first (a card answers in microseconds), then back off
	 * to 1 ms so a dead card does not cost a core */
	unsigned n = (*spins)++;
	struct timespec ts = { 0, n < 20 ? 20000 : n < 200 ? 100000 : 1000000 };
	nanosleep(&ts, NULL);
}

uint32_t rg_dev_reg_read(struct rg_dev *d, uint32_t off)
{
	if (off >= d->be.bar0_size || off % 4)
		return 0xffffffffu;
	return rg_mmio_read(d, off);
}

void rg_dev_reg_write(struct rg_dev *d, uint32_t off, uint32_t value)
{
	if (off < d->be.bar0_size && off % 4 == 0)
		rg_mmio_write(d, off, value);
}

void *rg_dev_dma_alloc(struct rg_dev *d, size_t len, uint64_t *dma_addr)
{
	size_t at = (d->be.dma_used + 127u) & ~(size_t)127u; /* DMA-friendly alignment */
	if (len > d->be.dma_size || at > d->be.dma_size - len) {
		rg_dev_fail(d, "out of DMA memory (%zu of %zu bytes used, %zu wanted)",
			    d->be.dma_used, d->be.dma_size, len);
		return NULL;
	}
	d->be.dma_used = at + len;
	memset(d->be.dma_va + at, 0, len);
	*dma_addr = d->be.dma_iova + at;
	return d->be.dma_va + at;
}

/* Walk the block chain from offset 0: every block must lie inside BAR0 and
 * the chain must end; find the blocks this driver needs. */
static int walk_blocks(struct rg_dev *d)
{
	uint32_t off = 0, id = ~0u, fp = ~0u;
	d->ctrl = ~0u;
	for (unsigned r = 0; r < RG_RING__COUNT; r++)
		d->ring_blk[r] = ~0u;
	for (unsigned n = 0;; n++) {
		if (n >= 64 || off % 4 || off > d->be.bar0_size - 0x40u)
			return rg_dev_fail(d, "BAR0 block chain is broken at offset 0x%x", off);
		uint32_t type = rg_mmio_read(d, off + RG_RB_TYPE);
		switch (type) {
		case RG_RB_TYPE_ID:
			id = off;
			break;
		case RG_RB_TYPE_CTRL:
			d->ctrl = off;
			break;
		case RG_RB_TYPE_RING: {
			uint32_t rid = rg_mmio_read(d, off + RG_RING_ID);
			if (rid < RG_RING__COUNT)
				d->ring_blk[rid] = off;
			break;
		}
		case RG_RB_TYPE_FASTPATH:
			fp = off;
			break;
		default:
			break; /* blocks we do not know are skipped */
		}
		uint32_t next = rg_mmio_read(d, off + RG_RB_NEXT);
		if (!next)
			break;
		if (next <= off)
			return rg_dev_fail(d, "BAR0 block chain loops at offset 0x%x", off);
		off = next;
	}
	(void)fp;
	if (id != 0)
		return rg_dev_fail(d, "BAR0 does not start with an ID block (type 0x%08x)",
				   rg_mmio_read(d, RG_RB_TYPE));
	if (d->ctrl == ~0u)
		return rg_dev_fail(d, "BAR0 has no control block");
	for (unsigned r = 0; r < RG_RING__COUNT; r++)
		if (d->ring_blk[r] == ~0u)
			return rg_dev_fail(d, "BAR0 has no block for ring %u", r);
	return 0;
}

static int wait_ready(struct rg_dev *d)
{
	uint64_t until = rg_now_ms() + (uint64_t)d->opts.timeout_ms;
	unsigned spins = 0;
	for (;;) {
		uint32_t st = rg_mmio_read(d, d->ctrl + RG_CTRL_STATUS);
		if (st & RG_STATUS_READY)
			return 0;
		if (rg_now_ms() > until)
			return rg_dev_fail(d,
					   "card is not ready (status 0x%08x, firmware state %u)",
					   st, rg_mmio_read(d, d->ctrl + RG_CTRL_FW_STATE));
		rg_dev_pause(d, &spins, 0);
	}
}

static int start(struct rg_dev *d)
{
	if (walk_blocks(d))
		return -1;
	uint32_t contract = rg_mmio_read(d, RG_ID_BASE + RG_ID_CONTRACT);
	if (contract != RG_CONTRACT_VERSION)
		return rg_dev_fail(d,
				   "card speaks contract version %u, this driver speaks %u: "
				   "update the firmware or the host tools",
				   contract, RG_CONTRACT_VERSION);
	if (wait_ready(d))
		return -1;
	return rg_rings_setup(d);
}

int rg_dev_open(const char *spec, const struct rg_dev_opts *opts, struct rg_dev **out, char *err,
		size_t err_len)
{
	struct rg_dev *d = calloc(1, sizeof(*d));
	if (!d) {
		rg_errf(err, err_len, "out of memory");
		return -1;
	}
	if (opts)
		d->opts = *opts;
	if (d->opts.timeout_ms <= 0)
		d->opts.timeout_ms = 2000;
	if (d->opts.lock_timeout_ms <= 0)
		d->opts.lock_timeout_ms = 5000;
	snprintf(d->spec, sizeof(d->spec), "%s", spec);
	d->be.irq_fd = -1; /* a backend with interrupts sets it */
	int rc;
	if (!strncmp(spec, "sim:", 4))
		rc = rg_sim_open(spec + 4, d->opts.lock_timeout_ms, &d->be, err, err_len);
	else if (!strncmp(spec, "pci:", 4))
		rc = rg_pci_open(spec + 4, d->opts.lock_timeout_ms, &d->be, err, err_len);
	else if (strchr(spec, ':'))
		rc = rg_pci_open(spec, d->opts.lock_timeout_ms, &d->be, err, err_len);
	else {
		rg_errf(err, err_len, "bad device '%s': expected sim:NAME or pci:DDDD:BB:DD.F",
			spec);
		rc = -1;
	}
	if (rc) {
		free(d);
		return -1;
	}
	if (start(d)) {
		rg_errf(err, err_len, "%s: %s", spec, d->err);
		rg_dev_close(d);
		return -1;
	}
	*out = d;
	return 0;
}

void rg_dev_close(struct rg_dev *d)
{
	if (!d)
		return;
	if (d->rings_allocated && d->ctrl != ~0u) {
		/* stop the card from touching our memory before it goes away */
		rg_mmio_write(d, d->ctrl + RG_CTRL_CONTROL, 0);
		for (unsigned r = 0; r < RG_RING__COUNT; r++)
			rg_mmio_write(d, d->ring_blk[r] + RG_RING_FLAGS, 0);
		rg_mmio_write(d, d->ctrl + RG_CTRL_RECONFIG_REQ, RG_RECONF_RINGS);
		rg_mmio_write(d, d->ctrl + RG_CTRL_RECONFIG_DB, 1);
		uint64_t until = rg_now_ms() + 200;
		unsigned spins = 0;
		while (rg_mmio_read(d, d->ctrl + RG_CTRL_RECONFIG_REQ) && rg_now_ms() < until)
			rg_dev_pause(d, &spins, 0);
	}
	if (d->be.close)
		d->be.close(&d->be);
	free(d);
}

enum rg_status rg_dev_reset_card(struct rg_dev *d)
{
	uint32_t before = rg_mmio_read(d, d->ctrl + RG_CTRL_RESET_COUNT);
	rg_mmio_write(d, d->ctrl + RG_CTRL_CONTROL, RG_CTRL_RESET);
	uint64_t until = rg_now_ms() + (uint64_t)d->opts.timeout_ms;
	unsigned spins = 0;
	while (rg_mmio_read(d, d->ctrl + RG_CTRL_RESET_COUNT) == before ||
	       !(rg_mmio_read(d, d->ctrl + RG_CTRL_STATUS) & RG_STATUS_READY)) {
		if (rg_now_ms() > until) {
			rg_dev_fail(d, "card did not come back from reset within %d ms",
				    d->opts.timeout_ms);
			return RG_ST_TIMEOUT;
		}
		rg_dev_pause(d, &spins, 0);
	}
	return rg_rings_setup(d) ? RG_ST_IO : RG_ST_OK;
}

/* ---- names --------------------------------------------------------------- */

const char *rg_status_name(unsigned status)
{
#define X(name, val, text) \
	case val:          \
		return text;
	switch (status) {
		RG_STATUS_CODES(X)
	}
#undef X
	return "unknown status";
}

const char *rg_opcode_name(unsigned opcode)
{
#define X(name, val, text) \
	case val:          \
		return text;
	switch (opcode) {
		RG_OPCODES(X)
	}
#undef X
	return NULL;
}

const char *rg_event_name(unsigned type)
{
#define X(name, val, text) \
	case val:          \
		return text;
	switch (type) {
		RG_EVENT_TYPES(X)
	}
#undef X
	return NULL;
}

int rg_dev_list(struct rg_dev_entry *out, int max, char *pci_note, size_t note_len, char *err,
		size_t err_len)
{
	int n = 0;
	if (rg_sim_list(out, max, &n) < 0) {
		rg_errf(err, err_len, "cannot list simulated cards: %s", strerror(errno));
		return -1;
	}
	int np = 0;
	if (rg_pci_list(n < max ? out + n : NULL, n < max ? max - n : 0, &np, pci_note, note_len,
			err, err_len) < 0)
		return -1;
	return n + np;
}
