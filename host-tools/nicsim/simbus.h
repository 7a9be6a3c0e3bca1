/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's end of the simulator's shared memory (driver/simshm.h): nicsim
 * creates the object, publishes BAR0 in it and reaches the DMA arena only
 * through DMA addresses it checks, as a card behind an IOMMU would.
 */
#ifndef RG_NICSIM_SIMBUS_H
#define RG_NICSIM_SIMBUS_H

#include <stddef.h>
#include <stdint.h>

#include "../../driver/simshm.h"
#include "../../firmware/mbox/mbox.h"

struct rg_simbus {
	char name[RG_SIM_NAME_MAX + 1];
	char path[64];
	int fd;
	uint8_t *map;
	size_t map_len;
	struct rg_sim_hdr *hdr;
	volatile uint32_t *bar0;
	uint8_t *dma;
	uint64_t dma_size;
	uint64_t dma_faults; /* accesses outside the arena */
	int doorbell_fd;     /* read end of the doorbell pipe (simshm.h) */
	int irq_fd;	     /* write end of the interrupt pipe */
	uint64_t irqs_lost;  /* interrupt pipe full (nobody reads it) */
};

/* Create /dev/shm/realmgate-NAME (replacing a stale one whose nicsim is
 * gone; refusing one whose nicsim still runs). 0, or -1 with err. */
int rg_simbus_create(struct rg_simbus *sb, const char *name, char *err, size_t err_len);

/* Publish the card as present (after BAR0 is filled in). */
void rg_simbus_publish(struct rg_simbus *sb, uint32_t fastpath_kind);

/* Unmap and remove the shared memory object. */
void rg_simbus_destroy(struct rg_simbus *sb);

/* The card is about to sleep: tell the host to kick the doorbell pipe
 * after its next register write. The caller then looks for work once more
 * (rg_mbox_has_work) before it really sleeps, polling on doorbell_fd. */
void rg_simbus_sleeping(struct rg_simbus *sb);

/* The card woke up: no more kicks wanted; empties the doorbell pipe. */
void rg_simbus_awake(struct rg_simbus *sb);

/* The mailbox bus over this shared memory (reg/DMA hooks, interrupts on
 * the interrupt pipe); from_host and its ctx are the caller's. */
void rg_simbus_mbox_bus(struct rg_simbus *sb, struct rg_mbox_bus *bus,
			void (*from_host)(void *ctx, const uint8_t *frame, uint32_t len),
			void *from_host_ctx);

#endif /* RG_NICSIM_SIMBUS_H */
