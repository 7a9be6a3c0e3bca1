/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The userspace driver for the realmgate card: the library every host tool
 * (realmctl, the daemon, tests) uses to reach a card.
 *
 * A card is named by a device spec:
 *   sim:NAME            the simulated card nicsim runs (shared memory)
 *   pci:DDDD:BB:DD.F    a real card (sysfs BAR0 + hugepage DMA memory)
 *   DDDD:BB:DD.F        the same
 *
 * rg_dev_open maps BAR0, walks its register blocks, checks the contract
 * version, sets up the five DMA rings with the reconfigure handshake and
 * enables the card. Commands then travel on the command ring and their
 * completions come back on the completion ring; the driver never reads a
 * card index over MMIO on that path (phase bits, mailbox.h). MMIO reads
 * happen only at open, in the handshake and when something went wrong
 * (a timeout is diagnosed as a stalled card, a card reset or a ring fault).
 *
 * One host process drives a card at a time (an exclusive lock is taken at
 * open). Not thread-safe: one thread per struct rg_dev.
 */
#ifndef RG_DRIVER_RGDEV_H
#define RG_DRIVER_RGDEV_H

#include <stddef.h>
#include <stdint.h>

#include "realmgate/mailbox.h"
#include "realmgate/regmap.h"

struct rg_dev;

/* ---- discovery ------------------------------------------------------------ */

enum rg_dev_kind {
	RG_DEV_SIM = 1,
	RG_DEV_PCI = 2,
};

struct rg_dev_entry {
	int kind;	/* enum rg_dev_kind */
	char spec[64];	/* what rg_dev_open takes */
	char desc[160]; /* one line for people */
	int alive;	/* sim: nicsim process running; pci: 1 */
};

/* Simulated cards (shared memory objects) and PCI devices with the card's
 * vendor/device id. Returns the number found (up to max are filled), or -1
 * with err set when discovery itself failed. Finding none is not an error.
 * pci_note (may be NULL) receives what the PCI scan said (e.g. "no realmgate
 * card on the PCI bus (12 devices scanned)"). */
int rg_dev_list(struct rg_dev_entry *out, int max, char *pci_note, size_t note_len, char *err,
		size_t err_len);

/* ---- open / close --------------------------------------------------------- */

struct rg_dev_opts {
	int timeout_ms;	     /* command and handshake timeout; 0 = 2000 */
	int lock_timeout_ms; /* wait this long for another host process; 0 = 5000 */
	uint32_t cmd_log2;   /* ring sizes (log2 entries); 0 = defaults */
	uint32_t evt_log2;
	uint32_t hp_log2; /* host-port rings; 0 = default */
	int hostport;	  /* set up the host-port queue pair */
	/* Called while the driver waits for the card (tests step a card that
	 * runs in the same process with it). NULL: sleep. */
	void (*idle)(void *ctx);
	void *idle_ctx;
};

/* Opens and starts the card. Returns 0, or -1 with a message in err. */
int rg_dev_open(const char *spec, const struct rg_dev_opts *opts, struct rg_dev **out, char *err,
		size_t err_len);
void rg_dev_close(struct rg_dev *d);

/* Text of the last error on d (set whenever a call fails). */
const char *rg_dev_error(const struct rg_dev *d);

/* The spec this device was opened with. */
const char *rg_dev_spec(const struct rg_dev *d);

/* ---- commands -------------------------------------------------------------- */

/* Run one command and wait for its completion.
 *   req/req_len      payload (<= RG_CMD_PAYLOAD)
 *   rsp/rsp_cap      completion payload out (may be NULL); *rsp_len its length
 *   bulk/bulk_cap    result buffer for listings (may be NULL); *bulk_used
 * Returns the card's status, or the driver's own: RG_ST_TIMEOUT (no answer
 * in time), RG_ST_CARD_GONE (card stopped or was reset: the command may be
 * lost; the rings are set up again so the next command works), RG_ST_IO
 * (ring fault reported by the card), RG_ST_BUSY (ring full). */
enum rg_status rg_dev_cmd(struct rg_dev *d, uint16_t opcode, const void *req, uint16_t req_len,
			  void *rsp, uint16_t rsp_cap, uint16_t *rsp_len, void *bulk,
			  uint32_t bulk_cap, uint32_t *bulk_used);

/* Lower level, for pipelining and tests: post a command (tag and result
 * buffer are the caller's; buf_addr must come from rg_dev_dma_alloc) without
 * waiting. RG_ST_BUSY when as many commands as the completion ring holds are
 * outstanding. */
enum rg_status rg_dev_submit(struct rg_dev *d, const struct rg_cmd *cmd);
/* Take the next completion if one is there: 1 (copied to *cpl), 0 none. */
int rg_dev_reap(struct rg_dev *d, struct rg_cpl *cpl);
/* Commands posted and not yet completed. */
uint32_t rg_dev_outstanding(const struct rg_dev *d);

/* ---- events ---------------------------------------------------------------- */

/* Subscribe (RG_OP_EVENT_MASK): bit (1 << type) per wanted type. */
enum rg_status rg_dev_subscribe(struct rg_dev *d, uint32_t mask);
/* Next event if there is one: 1, 0 none. */
int rg_dev_event(struct rg_dev *d, struct rg_evt *evt);

/* ---- interrupts ------------------------------------------------------------ */
/* Sleeping until the card writes to a ring instead of polling it. `rings`
 * is a bit (1 << enum rg_ring_id) per card-produced ring: RG_RING_CPL,
 * RG_RING_EVT, RG_RING_HRX. The simulator backend has interrupts; the PCIe
 * backend has none yet (MSI-X needs VFIO) and the calls say so.
 *
 * rg_dev_irq_fd: readable when the card raised an interrupt, or -1 when the
 *   backend has none (poll the rings on a timer then).
 * rg_dev_irq_arm: ask for an interrupt on the next entry of `rings`; returns
 *   1 when an entry is already waiting (do not sleep), else 0. Call it right
 *   before every sleep on the fd: one interrupt per arm.
 * rg_dev_irq_ack: empty the fd after waking.
 * rg_dev_irq_wait: arm, sleep up to timeout_ms, ack; 1 when something may be
 *   waiting, 0 on timeout, -1 without interrupts. */
int rg_dev_irq_fd(const struct rg_dev *d);
int rg_dev_irq_arm(struct rg_dev *d, unsigned rings);
void rg_dev_irq_ack(struct rg_dev *d);
int rg_dev_irq_wait(struct rg_dev *d, unsigned rings, int timeout_ms);

/* ---- host port --------------------------------------------------------------- */

/* Send a frame into the card's host port: 0, RG_ST_BUSY when the HTX ring
 * is full (back-pressure: retry later), RG_ST_INVALID for a bad length. */
enum rg_status rg_dev_hp_send(struct rg_dev *d, const void *frame, uint32_t len);
/* Receive a frame that left the card's host port: its length, 0 when none
 * is waiting, -1 when the card dropped one (buffer too small; counted). */
int rg_dev_hp_recv(struct rg_dev *d, void *buf, uint32_t cap);
/* Frames the card marked as errors on either ring. */
uint64_t rg_dev_hp_errors(const struct rg_dev *d);

/* The host port as a TAP netdev (needs CAP_NET_ADMIN): open or create TAP
 * `name` (non-blocking, no packet information header); returns its fd or
 * -1 with err. rg_dev_hp_pump moves up to `budget` frames each way between
 * the card's host port and the TAP; call it when the TAP fd is readable and
 * when an HRX interrupt came (or regularly without interrupts). Returns the number
 * moved, -1 on a TAP error. Frames that could not be delivered are counted
 * (rg_dev_tap_dropped). */
int rg_tap_open(const char *name, char *err, size_t err_len);
int rg_dev_hp_pump(struct rg_dev *d, int tap_fd, unsigned budget);
uint64_t rg_dev_tap_dropped(const struct rg_dev *d);

/* ---- card control ------------------------------------------------------------ */

/* Reset the card (CONTROL.RESET), wait until it is back and set the rings
 * up again. Everything on the card is lost. */
enum rg_status rg_dev_reset_card(struct rg_dev *d);

/* Raw BAR0 access for diagnostics and tests. */
uint32_t rg_dev_reg_read(struct rg_dev *d, uint32_t off);
void rg_dev_reg_write(struct rg_dev *d, uint32_t off, uint32_t value);

/* DMA memory from the device's pool (freed with the device). */
void *rg_dev_dma_alloc(struct rg_dev *d, size_t len, uint64_t *dma_addr);

/* ---- names -------------------------------------------------------------------- */

const char *rg_status_name(unsigned status); /* "ok", "unknown opcode", ... */
const char *rg_opcode_name(unsigned opcode); /* "mapping-add", NULL if unknown */
const char *rg_event_name(unsigned type);    /* "session-create", NULL if unknown */
const char *rg_feature_name(unsigned bit);   /* "hairpin" for bit 1 of RG_FEAT_*, NULL if unknown */
/* Name of a card-wide counter id (counters.h) into buf; NULL for an id the
 * contract does not define. */
const char *rg_counter_id_name(uint32_t id, char *buf, size_t len);

#endif /* RG_DRIVER_RGDEV_H */
