/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contract: the card's PCI identity and its BAR0 register map.
 *
 * BAR0 is a chain of self-describing register blocks (as Corundum does): each
 * block starts with a type, a version and the BAR0 offset of the next block,
 * so the driver discovers what the card has instead of assuming addresses.
 * All registers are 32-bit, little-endian, naturally aligned.
 *
 *   block header (every block)
 *   +0x00  TYPE     RO  block type (RG_RB_TYPE_*)
 *   +0x04  VERSION  RO  block layout version
 *   +0x08  NEXT     RO  BAR0 offset of the next block, 0 = last
 *
 *   BAR0 layout of this card (found by walking the chain from 0):
 *   0x0000  ID block
 *   0x0100  control block (status, reset, reconfigure handshake)
 *   0x0200  ring block CMD     0x0240 CPL     0x0280 EVT
 *   0x02c0  ring block HTX     0x0300 HRX
 *   0x1000  fast path block (table access, configuration, counters)
 *
 * The contract version covers every header of include/realmgate/. The host
 * refuses to drive a card whose ID block reports a different one.
 */
#ifndef REALMGATE_REGMAP_H
#define REALMGATE_REGMAP_H

#include "realmgate/flow.h"
#include "realmgate/types.h"

/* Version of all contract headers together; bump on any layout change. */
#define RG_CONTRACT_VERSION 5u

/* PCI identity. 0x1234 is the prototype vendor ID also used by QEMU's
 * emulated devices; a production card gets its own. */
#define RG_PCI_VENDOR_ID 0x1234u
#define RG_PCI_DEVICE_ID 0x5247u /* "RG" */
#define RG_PCI_CLASS 0x020000u	 /* network controller, Ethernet */

#define RG_BAR0_SIZE 0x10000u

/* ---- block header ------------------------------------------------------ */
#define RG_RB_TYPE 0x00u
#define RG_RB_VERSION 0x04u
#define RG_RB_NEXT 0x08u

#define RG_RB_TYPE_ID 0x52470000u
#define RG_RB_TYPE_CTRL 0x52470001u
#define RG_RB_TYPE_RING 0x52470002u
#define RG_RB_TYPE_FASTPATH 0x52470003u

/* ---- ID block (BAR0 0x0000) -------------------------------------------- */
#define RG_ID_BASE 0x0000u
#define RG_ID_VERSION 1u
#define RG_ID_CONTRACT 0x0cu	/* RG_CONTRACT_VERSION the card was built with */
#define RG_ID_FW_VERSION 0x10u	/* major << 16 | minor << 8 | patch */
#define RG_ID_RTL_VERSION 0x14u /* same encoding; 0 = no RTL fast path */
#define RG_ID_BUILD_DATE 0x18u	/* decimal YYYYMMDD */
#define RG_ID_GIT_HASH 0x1cu	/* first 8 hex digits of the commit */
#define RG_ID_FEATURES_LO 0x20u /* RG_FEAT_* bits 0..31 */
#define RG_ID_FEATURES_HI 0x24u /* RG_FEAT_* bits 32..63 */
#define RG_ID_PORTS 0x28u	/* number of ports (RG_PORT_COUNT) */
#define RG_ID_FASTPATH 0x2cu	/* enum rg_fastpath_kind */
#define RG_ID_SESSIONS 0x30u	/* session capacity */
#define RG_ID_SERIAL 0x34u	/* card serial number */

enum rg_fastpath_kind {
	RG_FASTPATH_NONE = 0,
	RG_FASTPATH_SOFT = 1, /* C fast path on the embedded cores */
	RG_FASTPATH_RTL = 2,  /* FPGA pipeline */
};

/* Feature bits: what this card can do (the host shows them and refuses to
 * configure what is absent). */
#define RG_FEAT_NAPT (1ull << 0)
#define RG_FEAT_HAIRPIN (1ull << 1)
#define RG_FEAT_TWICE_NAT (1ull << 2)
#define RG_FEAT_PORT_BLOCK (1ull << 3)
#define RG_FEAT_DETERMINISTIC (1ull << 4)
#define RG_FEAT_IPIP (1ull << 5)
#define RG_FEAT_SPI (1ull << 6)
#define RG_FEAT_PROXY_ARP (1ull << 7)
#define RG_FEAT_HOST_PORT (1ull << 8)
#define RG_FEAT_FRAG (1ull << 9)
#define RG_FEAT_PENDING (1ull << 10)	    /* CAPA pending states */
#define RG_FEAT_SESSION_FILTER (1ull << 11) /* SESSION_LIST takes a filter */

/* ---- control block (BAR0 0x0100) --------------------------------------- */
/*
 * Reconfigure handshake (as NFP's): the host writes what changed into
 * RECONFIG_REQ, writes 1 to RECONFIG_DB and polls RECONFIG_REQ until the card
 * clears it (done) or STATUS.ERROR is set, giving up after a timeout. The
 * card leaves its answer (enum rg_status) in RECONFIG_RESULT.
 */
#define RG_CTRL_BASE 0x0100u
#define RG_CTRL_VERSION 1u
#define RG_CTRL_CONTROL 0x0cu	      /* RW  RG_CTRL_* */
#define RG_CTRL_STATUS 0x10u	      /* RO  RG_STATUS_* | error code << 8 */
#define RG_CTRL_RECONFIG_REQ 0x14u    /* RW  RG_RECONF_* bits, cleared by card */
#define RG_CTRL_RECONFIG_DB 0x18u     /* WO  doorbell */
#define RG_CTRL_RECONFIG_RESULT 0x1cu /* RO enum rg_status of the last reconfig */
#define RG_CTRL_HEARTBEAT 0x20u	      /* RO  card ms; a live card moves it every <= 10 ms */
#define RG_CTRL_RESET_COUNT 0x24u     /* RO  incremented by every card reset */
#define RG_CTRL_FW_STATE 0x28u	      /* RO  enum rg_fw_state */

#define RG_CTRL_ENABLE 0x1u /* rings configured, card may use them */
#define RG_CTRL_RESET 0x2u  /* write 1: reset the card (self-clearing) */

#define RG_STATUS_READY 0x1u /* firmware running and serving rings */
#define RG_STATUS_ERROR 0x2u /* fatal error; code in bits 8..15 */
#define RG_STATUS_CODE(v) (((v) >> 8) & 0xffu)

#define RG_RECONF_RINGS 0x1u  /* re-read ring registers */
#define RG_RECONF_EVENTS 0x2u /* re-read the event mask */

enum rg_fw_state {
	RG_FW_BOOT = 0,
	RG_FW_RUNNING = 1,
	RG_FW_RESETTING = 2,
	RG_FW_HALTED = 3,
};

/* ---- ring blocks ------------------------------------------------------- */
/*
 * One block per DMA ring. Rings live in host memory; sizes are powers of two
 * and indices are free-running 32-bit counters (slot = index & (size - 1)).
 * The host writes its own index (producer of a host-to-card ring, consumer
 * of a card-to-host ring) to the doorbell register; it never reads the card's
 * index over MMIO — card-written entries carry a phase bit instead (see
 * mailbox.h).
 */
/*
 * Interrupts (rings the card produces into: CPL, EVT, HRX). The host that
 * wants to sleep until the card writes an entry arms the ring: it writes the
 * index it has consumed up to to IRQ_IDX, then 1 to IRQ_ARM. The card raises
 * the ring's interrupt (MSI-X vector = ring id) as soon as its producer index
 * differs from IRQ_IDX, clearing IRQ_ARM: one interrupt per arm, and none for
 * a ring nobody armed (the busy host polls phase bits and pays nothing). The
 * comparison with the host's index, rather than "the next entry", makes a
 * late-arriving arm safe: entries written before the card saw it still fire.
 */
#define RG_RING_VERSION 2u
#define RG_RING_ID 0x0cu      /* RO  enum rg_ring_id */
#define RG_RING_BASE_LO 0x10u /* RW  DMA address of entry 0 */
#define RG_RING_BASE_HI 0x14u
#define RG_RING_SIZE_LOG2 0x18u	 /* RW  log2(entries) */
#define RG_RING_ENTRY_SIZE 0x1cu /* RO bytes per entry */
#define RG_RING_DOORBELL 0x20u	 /* WO  host's producer or consumer index */
#define RG_RING_FLAGS 0x24u	 /* RW  RG_RINGF_* */
#define RG_RING_IRQ_IDX 0x28u	 /* RW  host's consumer index when it armed */
#define RG_RING_IRQ_ARM 0x2cu	 /* RW  1: interrupt wanted; the card clears it */
#define RG_RING_STRIDE 0x40u

#define RG_RINGF_ENABLE 0x1u

enum rg_ring_id {
	RG_RING_CMD = 0, /* host -> card: commands */
	RG_RING_CPL = 1, /* card -> host: completions */
	RG_RING_EVT = 2, /* card -> host: events */
	RG_RING_HTX = 3, /* host -> card: packets into the host port */
	RG_RING_HRX = 4, /* host -> card buffers, card -> host packets */
	RG_RING__COUNT = 5,
};
#define RG_RING_BASE(id) (0x0200u + (id)*RG_RING_STRIDE)

/* ---- fast path block (BAR0 0x1000) ------------------------------------- */
/*
 * The fast path's CSRs: the firmware programs tables through them; the host
 * reads identity and counters for diagnostics.
 *
 * Table access: write the entry image to TABLE_DATA (little-endian words of
 * the entry's bytes: byte 4k+b of the entry is bits 8b..8b+7 of word k), the
 * target to TABLE_INDEX / TABLE_AUX, then the command to TABLE_CMD. Reads put
 * the entry image into TABLE_DATA. Commands complete in one register write in
 * the model; hardware sets RG_TBL_BUSY until done.
 *   RG_TBL_WRITE_SESSION  INDEX = session, DATA = body (44 bytes); resets
 *                         the session's counters and last_seen
 *   RG_TBL_READ_SESSION   INDEX = session, DATA <- all 64 bytes
 *   RG_TBL_WRITE_SLOT     INDEX = bucket, AUX = bank << 8 | slot,
 *                         DATA words 0..1 = slot value
 *   RG_TBL_READ_SLOT      as above, DATA words 0..1 <- slot value
 *   RG_TBL_WRITE_ADJ      INDEX = adjacency, DATA = 16 bytes
 *   RG_TBL_READ_ADJ       INDEX = adjacency, DATA <- 16 bytes
 */
#define RG_FP_BASE 0x1000u
#define RG_FP_VERSION 1u
#define RG_FP_CONTROL 0x0cu	 /* RW  RG_FPCTL_* */
#define RG_FP_BUCKETS_LOG2 0x10u /* RO  buckets per bank, log2 */
#define RG_FP_SESSIONS 0x14u	 /* RO  session capacity */
#define RG_FP_ADJACENCIES 0x18u	 /* RO  adjacency capacity */
#define RG_FP_TABLE_CMD 0x1cu	 /* WO  RG_TBL_* */
#define RG_FP_TABLE_INDEX 0x20u	 /* RW */
#define RG_FP_TABLE_AUX 0x24u	 /* RW */
#define RG_FP_TABLE_STATUS 0x28u /* RO  RG_TBL_BUSY | RG_TBL_ERROR */
#define RG_FP_TUNNEL_SRC 0x2cu	 /* RW  encap source address as a number (10.0.0.1 = 0x0a000001) */
#define RG_FP_TABLE_DATA 0x40u	 /* RW  16 words = 64 bytes */
#define RG_FP_PORT_MAC_LO(p) (0x80u + (p)*8u) /* bytes 0..3 of the MAC */
#define RG_FP_PORT_MAC_HI(p) (0x84u + (p)*8u) /* bytes 4..5 */
#define RG_FP_PORT_MTU(p) (0xa0u + (p)*4u)    /* IP MTU of the port */
#define RG_FP_PORT_FLAGS(p) (0xb0u + (p)*4u)  /* RG_FPPORT_* */
#define RG_FP_HASH_SECRET 0xc0u		      /* RW  8 words = 32 bytes, byte order as DATA */
#define RG_FP_COUNTERS 0x100u		      /* RO  RG_FPC_COUNT words (flow.h) */

#define RG_FPCTL_ENABLE 0x1u

#define RG_TBL_WRITE_SESSION 1u
#define RG_TBL_READ_SESSION 2u
#define RG_TBL_WRITE_SLOT 3u
#define RG_TBL_READ_SLOT 4u
#define RG_TBL_WRITE_ADJ 5u
#define RG_TBL_READ_ADJ 6u
#define RG_TBL_BUSY 0x1u
#define RG_TBL_ERROR 0x2u /* index out of range or unknown command */

#define RG_FPPORT_PROMISC 0x1u /* accept unicast frames for other MACs */
/* bits 16..27: the port's 802.1Q VLAN id, 0 = an untagged port. A frame
 * whose VID (0 when untagged or priority-tagged) differs is punted with
 * reason VLAN, so the firmware drops it (drop-wrong-vlan). */
#define RG_FPPORT_VID_SHIFT 16u
#define RG_FPPORT_VID_MASK 0x0fff0000u

_Static_assert(RG_FP_COUNTERS + 4u * RG_FPC_COUNT <= 0x1000u, "fast path block fits 4 KiB");
_Static_assert(RG_RING_IRQ_ARM + 4u <= RG_RING_STRIDE, "ring registers fit the ring block");
_Static_assert(RG_RING_BASE(RG_RING__COUNT) <= RG_FP_BASE, "ring blocks end before the fast path");

#endif /* REALMGATE_REGMAP_H */
