/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card side of the mailbox (include/realmgate/mailbox.h) and of BAR0's
 * ID, control and ring blocks (include/realmgate/regmap.h): the service that
 * the card's management loop runs next to the packet path.
 *
 * It owns the card's view of the five DMA rings: it reads commands from host
 * memory, dispatches them to the firmware's control calls (fw.h), writes
 * completions and events with phase bits, and moves host-port frames between
 * the HTX/HRX rings and the card. Everything the host hands it — register
 * values, ring geometry, doorbell indices, descriptors, command payloads — is
 * checked before use; a bad value gets an error status, a counted drop or a
 * ring fault (STATUS.ERROR), never a crash, and never touches sessions.
 *
 * Freestanding: no libc, no allocation (struct rg_mbox is embedded by the
 * platform). Single-threaded like the firmware: the platform calls
 * rg_mbox_poll from the same loop as rg_fw_punt/rg_fw_tick.
 */
#ifndef RG_FW_MBOX_H
#define RG_FW_MBOX_H

#include <stdint.h>

#include "../fw.h"
#include "realmgate/mailbox.h"
#include "realmgate/regmap.h"

/* How the card reaches BAR0 and host memory. */
struct rg_mbox_bus {
	void *ctx;
	/* The BAR0 register file as the card sees it (host writes appear here). */
	uint32_t (*reg_read)(void *ctx, uint32_t off);
	void (*reg_write)(void *ctx, uint32_t off, uint32_t value);
	/* DMA. Return 0, or -1 when [addr, addr + len) is not host memory the
	 * card may access (the access is then not performed). Calls complete in
	 * order: the host never sees a write before an earlier one. */
	int (*dma_read)(void *ctx, uint64_t addr, void *dst, uint32_t len);
	int (*dma_write)(void *ctx, uint64_t addr, const void *src, uint32_t len);
	/* 0 when [addr, addr + len) is valid DMA memory, else -1. */
	int (*dma_check)(void *ctx, uint64_t addr, uint64_t len);
	/* A frame the host sent into the card's host port (HTX ring). */
	void (*from_host)(void *host_ctx, const uint8_t *frame, uint32_t len);
	void *host_ctx;
	/* Raise interrupt `vector` toward the host (MSI-X; vector = ring id).
	 * NULL: the card has no interrupts and the host polls. Called after the
	 * entry it announces is written. */
	void (*irq)(void *ctx, unsigned vector);
};

/* What the ID block reports besides what rg_fw_info() says. */
struct rg_mbox_identity {
	uint32_t fw_version;  /* major << 16 | minor << 8 | patch */
	uint32_t rtl_version; /* 0 = no RTL fast path */
	uint32_t build_date;  /* YYYYMMDD */
	uint32_t git_hash;
};

/* The mailbox service's own counters (shown with the card's counters). */
struct rg_mbox_stats {
	uint64_t cmd_ok;
	uint64_t cmd_error;
	uint64_t events_sent;
	uint64_t events_lost;
	uint64_t htx_frames;
	uint64_t hrx_frames;
	uint64_t hrx_no_buffer; /* frame for the host but no HRX buffer posted */
	uint64_t bad_desc;	/* host-port descriptor with a bad address or length */
	uint64_t ring_faults;	/* doorbell beyond the ring, DMA outside host memory */
	uint64_t card_resets;
	uint64_t irqs; /* interrupts raised (RG_RING_IRQ_ARM) */
};

/* Per-ring card state. */
struct rg_mbox_ring {
	uint64_t base;	    /* DMA address of entry 0 */
	uint32_t size_log2; /* 0 = not configured */
	uint32_t idx;	    /* card's free-running index (consumer or producer) */
	uint32_t up;	    /* configured and enabled */
};

#define RG_MBOX_SCRATCH 4096u /* bulk results per command (paged beyond) */
#define RG_MBOX_FRAME_MAX 9216u

struct rg_mbox {
	struct rg_mbox_bus bus;
	struct rg_fw *fw;
	const struct rg_fpdev *fpdev;
	struct rg_mbox_identity ident;
	struct rg_mbox_ring ring[RG_RING__COUNT];
	uint32_t running;     /* CONTROL.ENABLE seen and rings configured */
	uint32_t fault;	      /* ring fault: STATUS.ERROR until the host reconfigures */
	uint32_t event_mask;  /* bit per enum rg_event_type the host subscribed to */
	uint32_t event_seq;   /* sequence number of the next event */
	uint32_t lost_events; /* dropped since the last LOST event */
	uint32_t announce_reset;
	uint32_t reset_count;
	uint32_t heartbeat;
	uint32_t now_ms;
	struct rg_mbox_stats stats;
	/* bulk results and host-port frames are staged here */
	uint8_t scratch[RG_MBOX_SCRATCH] __attribute__((aligned(8)));
	uint8_t frame[RG_MBOX_FRAME_MAX] __attribute__((aligned(8)));
};

/* Set up the service and publish BAR0 (ID, control, ring and fast path
 * block headers). fw and fpdev must be initialised. */
void rg_mbox_init(struct rg_mbox *mb, const struct rg_mbox_bus *bus, struct rg_fw *fw,
		  const struct rg_fpdev *fpdev, const struct rg_mbox_identity *ident);

/* What rg_mbox_poll asks the platform to do. */
enum rg_mbox_poll_result {
	RG_MBOX_IDLE = 0,	     /* nothing happened */
	RG_MBOX_BUSY = 1,	     /* work was done; poll again soon */
	RG_MBOX_RESET_REQUESTED = 2, /* host wrote CONTROL.RESET: reset the card,
					then call rg_mbox_reset_done */
};

/* Serve BAR0 and the rings once: heartbeat, control, reconfigure handshake,
 * up to a bounded number of commands and host-port frames. now_ms is card
 * time. */
enum rg_mbox_poll_result rg_mbox_poll(struct rg_mbox *mb, uint32_t now_ms);

/* The platform finished a card reset (firmware and fast path re-initialised;
 * fw may be a new instance). Rings are down until the host reconfigures
 * them; the first event afterwards is RG_EVT_CARD_RESET. */
void rg_mbox_reset_done(struct rg_mbox *mb, struct rg_fw *fw);

/* An event from the firmware (rg_hal.event): filtered by the host's mask,
 * queued on the event ring or counted lost. LOST and CARD_RESET are always
 * delivered. */
void rg_mbox_event(struct rg_mbox *mb, const struct rg_evt *evt);

/* rg_hal.event_room: free entries of the event ring (less one for a pending
 * lost-events notice), or UINT32_MAX when the host subscribed to none of
 * `types` or its event ring is down (those events would not be queued). */
uint32_t rg_mbox_event_room(struct rg_mbox *mb, uint32_t types);

/* A frame leaving the card's host port toward the host (HRX ring). Returns 0,
 * or -1 when it was dropped (no buffer posted, buffer too small, rings down). */
int rg_mbox_to_host(struct rg_mbox *mb, const uint8_t *frame, uint32_t len);

/* Mirror the fast path's geometry and counters into BAR0's fast path block
 * (the host reads them for diagnostics). Call a few times a second. */
void rg_mbox_mirror_fastpath(struct rg_mbox *mb);

/* Something for the card to do on the rings: a command or host-port frame
 * posted, a reconfigure or reset asked for, an armed interrupt due. The
 * platform calls it before it sleeps (after telling the host it sleeps, so
 * that a doorbell written in between is not missed). */
int rg_mbox_has_work(struct rg_mbox *mb);

/* A card-wide counter (counters.h) including the mailbox's own. */
uint64_t rg_mbox_counter(struct rg_mbox *mb, uint32_t id);

#endif /* RG_FW_MBOX_H */
