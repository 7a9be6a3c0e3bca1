/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The firmware's public interface: what the card platform (the riscv64 image's
 * main loop, nicsim, tests, benchmarks) calls, and what the firmware needs
 * from the platform (struct rg_hal) and from the fast path (struct rg_fpdev).
 *
 * Memory: the firmware allocates nothing. rg_fw_mem_size() tells how much
 * memory a set of capacities needs; rg_fw_init() lays every table out in it.
 *
 * Threading: single-threaded. The platform serialises rg_fw_punt,
 * rg_fw_tick and the control calls (the mailbox service runs on the same
 * loop as the packet path, as on the card's management core).
 *
 * Control calls take and return the mailbox contract's payloads
 * (include/realmgate/mailbox.h) and report an enum rg_status, so the mailbox
 * service that serves the command ring is a thin dispatcher. Every payload is
 * validated here: bad fields give RG_ST_INVALID (or a more precise status)
 * and change nothing.
 */
#ifndef RG_FW_FW_H
#define RG_FW_FW_H

#include <stddef.h>
#include <stdint.h>

#include "fpdev.h"
#include "realmgate/flow.h"
#include "realmgate/mailbox.h"

/* What the firmware needs from the card it runs on. */
struct rg_hal {
	void *ctx;
	/* Monotonic card time in milliseconds. */
	uint32_t (*now_ms)(void *ctx);
	/* Send a finished frame out of a port (ARP and ICMP the firmware
	 * generates, frames it translated itself, frames for the host port). */
	void (*tx)(void *ctx, unsigned port, const uint8_t *frame, uint32_t len);
	/* Hand a frame back to the fast path as received on `port`, flagged
	 * RG_FPIN_FORCE, after installing its session. The platform may process
	 * it at once or queue it. */
	void (*reinject)(void *ctx, unsigned port, const uint8_t *frame, uint32_t len);
	/* An event for the host; the mailbox service applies the host's event
	 * mask and queues it on the event ring (or counts it lost). */
	void (*event)(void *ctx, const struct rg_evt *evt);
	/* Random bytes (hash secret, port randomisation). */
	void (*random)(void *ctx, void *buf, uint32_t len);
	/* Optional (NULL: no limit). How many more events the host takes now,
	 * counting only events of the types in `types` (a mask of 1 << enum
	 * rg_event_type); UINT32_MAX when it takes none of them. rg_fw_tick
	 * paces timer expiries by it, so that a burst of expiries waits for the
	 * host to read its events instead of losing them. */
	uint32_t (*event_room)(void *ctx, uint32_t types);
};

/* Capacities chosen at init. The session capacity is the fast path's. */
struct rg_fw_params {
	uint32_t mappings;		    /* mappings (EIM, endpoint-dependent, requested) */
	uint32_t subscribers;		    /* inside hosts with per-subscriber state */
	uint32_t rules;			    /* static rules */
	uint32_t frag_entries;		    /* fragment tracking entries */
	uint32_t neighbours;		    /* ARP cache entries (<= fast path adjacencies) */
	uint8_t port_mac[RG_PORT_COUNT][6]; /* the card's own MAC per port */
	uint32_t serial;
	/* appended; 0 selects the default */
	uint32_t pool_addrs; /* outside addresses over all pools (default 256, max 65535) */
	uint32_t held_syns;  /* unsolicited inbound SYNs held at once (default 64) */
};

struct rg_fw;

size_t rg_fw_mem_size(const struct rg_fw_params *p, const struct rg_fpdev *dev);

/* Lay the firmware out in mem (rg_fw_mem_size bytes, 64-byte aligned),
 * program the fast path (MACs, hash secret) and load the default
 * configuration. The device's session index must be empty (a freshly reset
 * fast path): init does not scan it; rg_fw_reset clears what a running
 * firmware installed. Returns NULL when mem is too small or a capacity is
 * invalid. */
struct rg_fw *rg_fw_init(void *mem, size_t len, const struct rg_fw_params *p,
			 const struct rg_hal *hal, const struct rg_fpdev *dev);

/* ---- packet path --------------------------------------------------------- */

/* A frame the fast path punted (meta->verdict == RG_VERDICT_PUNT, reason in
 * meta->reason) or, for the host port, any frame from the host. meta may be
 * NULL (the firmware re-derives what it needs from the frame; the reason only
 * spares work). The frame is only read during the call. */
void rg_fw_punt(struct rg_fw *fw, const uint8_t *frame, uint32_t len, unsigned in_port,
		const struct rg_fp_out_meta *meta);

/* The punts of one fast path burst (pkts as rg_fp_process_burst left
 * them; entries whose verdict is not PUNT are skipped), with exactly the
 * results of rg_fw_punt on each in order; the firmware prefetches what the
 * packets will need across the burst. n <= RG_FP_BURST. */
void rg_fw_punt_burst(struct rg_fw *fw, const struct rg_fp_pkt *pkts, unsigned n);

/* Timers and housekeeping (ageing, held SYNs, fragments, hold-down, counter
 * folding). Call at least every 10 ms; work per call is bounded. */
void rg_fw_tick(struct rg_fw *fw);

/* ---- control (mailbox) --------------------------------------------------- */

enum rg_status rg_fw_reset(struct rg_fw *fw);
void rg_fw_info(struct rg_fw *fw, struct rg_info *info);
enum rg_status rg_fw_set_config(struct rg_fw *fw, const struct rg_config *c);
void rg_fw_get_config(struct rg_fw *fw, struct rg_config *c);
enum rg_status rg_fw_pool_set(struct rg_fw *fw, const struct rg_pool *p);
enum rg_status rg_fw_pool_add_range(struct rg_fw *fw, const struct rg_pool_range *r);
enum rg_status rg_fw_pool_del(struct rg_fw *fw, uint8_t id);
enum rg_status rg_fw_rule_add(struct rg_fw *fw, const struct rg_rule *r);
enum rg_status rg_fw_rule_del(struct rg_fw *fw, uint32_t id);
enum rg_status rg_fw_map_add(struct rg_fw *fw, const struct rg_map_req *r, struct rg_map_rsp *rsp);
enum rg_status rg_fw_map_del(struct rg_fw *fw, const struct rg_map_id *id);
enum rg_status rg_fw_map_get(struct rg_fw *fw, const struct rg_map_id *id, struct rg_map_rec *rec);
enum rg_status rg_fw_session_del(struct rg_fw *fw, uint32_t index);
/* The same, only if the session still matches expect (NULL: any); expect
 * must be valid (rg_session_filter_valid). */
enum rg_status rg_fw_session_del_if(struct rg_fw *fw, uint32_t index,
				    const struct rg_session_filter *expect);

/* Paged listings: fill up to max records starting at cursor (0 = first),
 * return the count and set *next (0 = no more). */
uint32_t rg_fw_map_list(struct rg_fw *fw, uint32_t cursor, struct rg_map_rec *out, uint32_t max,
			uint32_t *next);
uint32_t rg_fw_session_list(struct rg_fw *fw, uint32_t cursor, struct rg_session_rec *out,
			    uint32_t max, uint32_t *next);
/* The sessions filter f selects (NULL = all), with the page limits of
 * RG_OP_SESSION_LIST (mailbox.h: RG_SESSION_SCAN_MAX); f must be valid. */
uint32_t rg_fw_session_list_filter(struct rg_fw *fw, uint32_t cursor,
				   const struct rg_session_filter *f, struct rg_session_rec *out,
				   uint32_t max, uint32_t *next);
uint32_t rg_fw_sub_list(struct rg_fw *fw, uint32_t cursor, struct rg_sub_rec *out, uint32_t max,
			uint32_t *next);
uint32_t rg_fw_pool_list(struct rg_fw *fw, uint32_t cursor, struct rg_pool *out, uint32_t max,
			 uint32_t *next);
/* Every outside address of every pool, in address order, with its use. */
uint32_t rg_fw_pool_addr_list(struct rg_fw *fw, uint32_t cursor, struct rg_pool_addr_rec *out,
			      uint32_t max, uint32_t *next);
uint32_t rg_fw_rule_list(struct rg_fw *fw, uint32_t cursor, struct rg_rule *out, uint32_t max,
			 uint32_t *next);

/* Any counter of counters.h (fast path counters folded to 64 bits). Unknown
 * ids read 0. */
uint64_t rg_fw_counter(struct rg_fw *fw, uint32_t id);
const char *rg_counter_name(uint32_t id); /* NULL for an unknown id */

/* rg_session_rec.flags */
#define RG_FW_SESS_INBOUND 0x01u  /* created by a packet from the remote side */
#define RG_FW_SESS_SHADOWED 0x02u /* hidden from the fast path by a tag shadow */
#define RG_FW_SESS_HAIRPIN 0x04u
#define RG_FW_SESS_RULE 0x08u /* made by a static rule (forward, exclusion) */

/* Name of rg_session_rec.state: "udp", "icmp", "syn-out", "syn-in",
 * "established", "fin-out", "fin-in", "fin-both", "closed"; NULL if unknown. */
const char *rg_fw_state_name(uint8_t state);

#endif /* RG_FW_FW_H */
