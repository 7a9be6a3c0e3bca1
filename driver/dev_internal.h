/* SPDX-License-Identifier: BSD-2-Clause */
/* The driver's device structure and its backends (sim, pci). */
#ifndef RG_DRIVER_DEV_INTERNAL_H
#define RG_DRIVER_DEV_INTERNAL_H

#include <stdarg.h>

#include "rgdev.h"

/* What a backend provides: BAR0 mapped, DMA memory, teardown. */
struct rg_backend {
	volatile uint32_t *bar0;
	uint32_t bar0_size;
	/* DMA pool: virtual base, DMA address of byte 0, size, bump pointer */
	uint8_t *dma_va;
	uint64_t dma_iova;
	size_t dma_size;
	size_t dma_used;
	void (*close)(struct rg_backend *be);
	/* After a register write: wake a card that sleeps until the host
	 * writes (simulator); NULL when the card sees writes by itself. */
	void (*kick)(struct rg_backend *be);
	/* Readable when the card raised an interrupt (one byte each); -1 when
	 * this backend has none and the driver polls. */
	int irq_fd;
	void *priv;
};

/* A host-side ring (host memory, the card's registers). */
struct rg_hring {
	uint32_t blk; /* BAR0 offset of the ring's block */
	uint32_t log2;
	uint32_t size;
	uint32_t entry;
	uint8_t *va;
	uint64_t iova;
	uint32_t prod; /* host producer (CMD, HTX, HRX) */
	uint32_t cons; /* host consumer (CPL, EVT, HTX/HRX write-backs) */
};

#define RG_HP_BUF 2048u /* bytes per host-port buffer */

struct rg_dev {
	char spec[64];
	struct rg_dev_opts opts;
	struct rg_backend be;
	uint32_t ctrl; /* BAR0 offset of the control block */
	uint32_t ring_blk[RG_RING__COUNT];
	uint32_t reset_count; /* RESET_COUNT when the rings were set up */
	struct rg_hring ring[RG_RING__COUNT];
	uint8_t *hp_tx_buf, *hp_rx_buf; /* one RG_HP_BUF buffer per descriptor */
	uint64_t hp_tx_iova, hp_rx_iova;
	uint64_t hp_errors;
	uint8_t tap_pending[RG_HP_BUF]; /* a TAP frame waiting for HTX room */
	uint32_t tap_pending_len;
	uint64_t tap_dropped;
	uint8_t *bulk; /* DMA buffer for listings */
	uint64_t bulk_iova;
	uint32_t bulk_len;
	uint32_t completed; /* completions taken (commands the card finished) */
	uint16_t next_tag;
	int rings_allocated;
	char err[256];
};

/* Record an error message on d; returns -1. */
int rg_dev_fail(struct rg_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rg_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline uint32_t rg_mmio_read(const struct rg_dev *d, uint32_t off)
{
	return __atomic_load_n(&d->be.bar0[off / 4], __ATOMIC_ACQUIRE);
}

static inline void rg_mmio_write(struct rg_dev *d, uint32_t off, uint32_t v)
{
	/* release: ring memory written before a doorbell is visible first */
	__atomic_store_n(&d->be.bar0[off / 4], v, __ATOMIC_RELEASE);
	if (d->be.kick)
		d->be.kick(&d->be);
}

/* Wait a little while polling (calls the idle hook, or sleeps). With
 * interrupts, `rings` (bit per enum rg_ring_id the caller waits on) are
 * armed and the wait ends at the first interrupt; 0 = no ring. */
void rg_dev_pause(struct rg_dev *d, unsigned *spins, unsigned rings);
/* Monotonic milliseconds. */
uint64_t rg_now_ms(void);

/* Backends: fill be from a spec's argument; 0 or -1 with err. */
int rg_sim_open(const char *name, int lock_timeout_ms, struct rg_backend *be, char *err,
		size_t err_len);
int rg_sim_list(struct rg_dev_entry *out, int max, int *found);
int rg_pci_open(const char *slot, int lock_timeout_ms, struct rg_backend *be, char *err,
		size_t err_len);
int rg_pci_list(struct rg_dev_entry *out, int max, int *found, char *note, size_t note_len,
		char *err, size_t err_len);

/* rings.c */
int rg_rings_setup(struct rg_dev *d);
void rg_rings_diagnose(struct rg_dev *d, enum rg_status *st);

#endif /* RG_DRIVER_DEV_INTERNAL_H */
