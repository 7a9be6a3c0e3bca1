/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated card's "PCIe": one POSIX shared memory object per card,
 * /dev/shm/realmgate-NAME, created by nicsim and opened by the driver's
 * simulator backend. It holds what a PCIe link gives the two sides on real
 * hardware:
 *
 *   offset 0          struct rg_sim_hdr   (who, where, liveness)
 *   bar0_off          BAR0, RG_BAR0_SIZE bytes: the card's register file;
 *                     host writes land here and the card polls them
 *   dma_off           the DMA arena, dma_size bytes: "host memory" the host
 *                     allocates ring and buffer memory from; the card reaches
 *                     it only by DMA address, checked against the arena
 *
 * DMA address of arena byte k = RG_SIM_DMA_BASE + k, so address 0 is never
 * valid and a stray small number is caught like a bad pointer would be on
 * an IOMMU. Registers are accessed with 32-bit atomic loads and stores.
 *
 * Wake-ups. On PCIe the card sees a doorbell the moment it lands and the
 * host learns of new ring entries by MSI-X (regmap.h, interrupts). Two named
 * pipes next to the object play those parts for processes that sleep:
 *
 *   /dev/shm/realmgate-NAME@doorbell  host -> card. nicsim sets
 *       card_sleeping before it sleeps; a host that wrote a register and
 *       finds the flag set clears it and writes one byte, which wakes it.
 *   /dev/shm/realmgate-NAME@irq       card -> host. One byte (the vector)
 *       per interrupt an armed ring raises; the driver sleeps on it.
 *
 * The flag and the register write are ordered with full fences on both
 * sides (card: flag, fence, look for work; host: register, fence, flag), so
 * a doorbell never lands unseen while the card goes to sleep. '@' is not
 * allowed in card names, so the pipes never look like cards.
 */
#ifndef RG_DRIVER_SIMSHM_H
#define RG_DRIVER_SIMSHM_H

#include <stdint.h>
#include <stdio.h>

#define RG_SIM_MAGIC 0x4d495352u /* "RSIM" */
#define RG_SIM_LAYOUT 2u
#define RG_SIM_SHM_PREFIX "/realmgate-"
#define RG_SIM_NAME_MAX 31
#define RG_SIM_DMA_BASE 0x100000000ull
#define RG_SIM_DMA_SIZE (8u << 20)
#define RG_SIM_HDR_SIZE 4096u

struct rg_sim_hdr {
	uint32_t magic; /* RG_SIM_MAGIC once the card has published BAR0 */
	uint32_t layout;
	uint32_t bar0_off;
	uint32_t bar0_size;
	uint64_t dma_off;
	uint64_t dma_size;
	int32_t card_pid; /* nicsim's process id (liveness for `devices`) */
	uint32_t fastpath;
	char name[RG_SIM_NAME_MAX + 1];
	uint32_t card_sleeping; /* 1: kick the doorbell pipe after a register write */
};

#define RG_SIM_DOORBELL_SUFFIX "@doorbell"
#define RG_SIM_IRQ_SUFFIX "@irq"

/* Path of one of a card's wake-up pipes (suffix: one of the above). */
static inline void rg_sim_pipe_path(char *buf, size_t len, const char *name, const char *suffix)
{
	snprintf(buf, len, "/dev/shm" RG_SIM_SHM_PREFIX "%s%s", name, suffix);
}

/* Names are what follows "sim:" in a device spec: 1..31 of [A-Za-z0-9._-]. */
static inline int rg_sim_name_ok(const char *n)
{
	int i = 0;
	for (; n[i]; i++) {
		char c = n[i];
		if (i >= RG_SIM_NAME_MAX ||
		    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return i > 0 && n[0] != '.';
}

#endif /* RG_DRIVER_SIMSHM_H */
