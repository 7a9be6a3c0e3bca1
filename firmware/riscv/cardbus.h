/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's internal bus map, as the riscv64 cores see it. This is the
 * firmware's side of the board; the host never sees these addresses (it
 * sees BAR0, regmap.h, which the card mirrors through the BAR0 window).
 *
 *   0x0200_0000  system block       time, random, console, board identity
 *   0x0300_0000  BAR0 window        the BAR0 register file (64 KiB): host
 *                                   writes appear here, card writes are
 *                                   what the host reads
 *   0x0400_0000  DMA engine         host memory <-> card memory copies
 *   0x0500_0000  packet engine      port queues in card memory: frames the
 *                                   fast path punted (or raw frames when the
 *                                   cores run the soft fast path), frames to
 *                                   send, frames to re-inject
 *   0x0600_0000  fast path CSRs     the RTL pipeline's block (regmap.h
 *                                   RG_FP_* offsets), present when
 *                                   SYS_FASTPATH reads RG_FASTPATH_RTL
 *   0x8000_0000  DRAM               image, then tables (heap), stack on top
 *
 * All registers are 32-bit, little-endian; accesses go through mmio.h.
 */
#ifndef RG_FW_RISCV_CARDBUS_H
#define RG_FW_RISCV_CARDBUS_H

#include <stdint.h>

/* ---- system block ---- */
#define CARD_SYS_BASE 0x02000000u
#define CARD_SYS_TIME_MS 0x00u	 /* RO free-running millisecond counter */
#define CARD_SYS_RANDOM 0x04u	 /* RO 32 bits from the board's TRNG per read */
#define CARD_SYS_CONSOLE 0x08u	 /* WO one byte to the debug UART */
#define CARD_SYS_FASTPATH 0x0cu	 /* RO enum rg_fastpath_kind of this board */
#define CARD_SYS_DRAM_SIZE 0x10u /* RO bytes of DRAM */
#define CARD_SYS_SERIAL 0x14u	 /* RO board serial number */
#define CARD_SYS_PORT_MAC(p, hi) (0x20u + (p)*8u + ((hi) ? 4u : 0u)) /* RO */

/* ---- BAR0 window ---- */
#define CARD_BAR0_BASE 0x03000000u

/* ---- DMA engine ---- */
#define CARD_DMA_BASE 0x04000000u
#define CARD_DMA_HOST_LO 0x00u
#define CARD_DMA_HOST_HI 0x04u
#define CARD_DMA_CARD 0x08u /* card address (low 32 bits of DRAM offset) */
#define CARD_DMA_LEN 0x0cu
#define CARD_DMA_CMD 0x10u    /* 1 host->card, 2 card->host, 3 check range */
#define CARD_DMA_STATUS 0x14u /* bit 0 busy, bit 1 error (not host memory) */
#define CARD_DMA_MSIX \
	0x18u /* WO vector: send that MSI-X message to the host,
				 ordered after every DMA write before it */

/* ---- packet engine ---- */
/*
 * Three descriptor rings in DRAM, each with base, size (log2) and a
 * producer / consumer index pair; the engine owns one index, the firmware
 * the other:
 *   EXQ  engine -> firmware: punted frames (RTL fast path) or every received
 *        frame (soft fast path)
 *   TXQ  firmware -> engine: frames to send out of a port, or with
 *        CARD_DESC_REINJECT back into the fast path flagged FORCE
 * A descriptor's buffer lives in DRAM; the engine owns EXQ buffers until the
 * firmware advances its consumer index, the firmware owns TXQ buffers until
 * the engine advances its.
 */
#define CARD_PKT_BASE 0x05000000u
#define CARD_EXQ_BASE 0x00u
#define CARD_EXQ_SIZE_LOG2 0x04u
#define CARD_EXQ_PROD 0x08u /* RO engine */
#define CARD_EXQ_CONS 0x0cu /* RW firmware */
#define CARD_TXQ_BASE 0x10u
#define CARD_TXQ_SIZE_LOG2 0x14u
#define CARD_TXQ_PROD 0x18u /* RW firmware */
#define CARD_TXQ_CONS 0x1cu /* RO engine */

struct card_desc {
	uint32_t addr; /* DRAM offset of the frame */
	uint16_t len;
	uint8_t port;	/* ingress (EXQ) or egress (TXQ) port */
	uint8_t flags;	/* CARD_DESC_* */
	uint8_t reason; /* EXQ: punt reason from the fast path */
	uint8_t rsvd[3];
	uint32_t ts_ms;
};
_Static_assert(sizeof(struct card_desc) == 16, "packet descriptor is 16 bytes");
#define CARD_DESC_REINJECT 0x01u

/* ---- fast path CSRs (RTL) ---- */
#define CARD_FP_BASE 0x06000000u

#endif /* RG_FW_RISCV_CARDBUS_H */
