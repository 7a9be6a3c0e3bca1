/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A simulated card for firmware tests: the soft fast path and the firmware
 * wired together as on the card (fast path first, punts to the firmware,
 * re-injected frames back through the fast path with FORCE), a settable
 * clock, a deterministic random source, and every frame that leaves a port
 * captured in order. Used by the firmware unit, replay, property and fuzz
 * tests and by the benchmarks.
 */
#ifndef RG_TESTS_FWENV_H
#define RG_TESTS_FWENV_H

#include <stddef.h>
#include <stdint.h>

#include "../../firmware/fw.h"

#define FWENV_OUT_MAX 64
#define FWENV_FRAME_MAX 9300

struct fwenv_frame {
	unsigned port;
	uint32_t len;
	uint8_t data[FWENV_FRAME_MAX];
};

struct fwenv {
	struct rg_fp fp;
	struct rg_fpdev dev;
	struct rg_fw *fw;
	void *fp_mem, *fw_mem;
	struct rg_hal hal;
	uint32_t now_ms;
	uint64_t rnd;
	/* frames that left the card, oldest first */
	struct fwenv_frame *out;
	unsigned n_out;
	unsigned lost_out; /* beyond FWENV_OUT_MAX */
	/* events */
	struct rg_evt evts[64];
	unsigned n_evts;
	uint32_t event_room; /* what rg_hal.event_room answers (UINT32_MAX) */
	unsigned reinjected;
	unsigned forced_drops; /* re-injected frames the fast path dropped */
	unsigned depth;
};

struct fwenv_opts {
	uint32_t buckets_log2;	    /* default 10 */
	uint32_t sessions;	    /* default 1024 */
	struct rg_fw_params params; /* zero fields get defaults */
	uint64_t random_seed;	    /* of the HAL's random source, default 42 */
};

extern const uint8_t FWENV_MAC[4][6]; /* the card's port MACs */

struct fwenv *fwenv_new(const struct fwenv_opts *o);
void fwenv_free(struct fwenv *e);

/* A frame arriving on a port: through the fast path, punts to the firmware. */
void fwenv_rx(struct fwenv *e, unsigned port, const uint8_t *f, uint32_t len);
/* Advance the clock by ms, calling rg_fw_tick every 10 ms. */
void fwenv_advance(struct fwenv *e, uint32_t ms);
void fwenv_clear(struct fwenv *e);
/* The first captured frame of a port at or after *from (NULL if none). */
const struct fwenv_frame *fwenv_find(struct fwenv *e, unsigned port, unsigned *from);
unsigned fwenv_count(struct fwenv *e, unsigned port);
uint64_t fwenv_counter(struct fwenv *e, const char *name);

/* A standard gateway: inside 10.0.0.1/24, outside 203.0.113.1/24, gateway
 * 203.0.113.254, pool 0 = 198.51.100.10-11 for 10.0.0.0/8 with the given
 * mapping/filtering, neighbours for the test hosts resolved. */
void fwenv_std_config(struct fwenv *e, uint8_t mapping, uint8_t filtering);
/* Pool 0 of the standard configuration in port-block mode: blocks of
 * block_size ports per subscriber, APDF; RG_ST_OK or the firmware's no. */
enum rg_status fwenv_port_block_pool(struct fwenv *e, uint16_t block_size);
/* cmocka fixtures: *state = a new card with the standard configuration,
 * and its teardown (0, or -1 when the card cannot be made). */
int fwenv_fixture(void **state, uint8_t mapping, uint8_t filtering);
int fwenv_fixture_free(void **state);
/* Answer the firmware's pending ARP requests on a port for addr with mac. */
void fwenv_arp_reply(struct fwenv *e, unsigned port, uint32_t addr, const uint8_t *mac);

#define FWENV_IN_ADDR 0x0a000001u  /* 10.0.0.1 */
#define FWENV_OUT_ADDR 0xcb007101u /* 203.0.113.1 */
#define FWENV_GW_ADDR 0xcb0071feu  /* 203.0.113.254 */
#define FWENV_POOL_LO 0xc633640au  /* 198.51.100.10 */
#define FWENV_POOL_HI 0xc633640bu  /* 198.51.100.11 */
extern const uint8_t FWENV_GW_MAC[6];
extern const uint8_t FWENV_HOST_MAC[6]; /* the host port's peer (TAP) */

#endif /* RG_TESTS_FWENV_H */

/* ---- test packet helpers ---- */
#include "pktbuild.h"
/* An inside host's packet to the card (TCP: SYN, ICMP: echo request with
 * id = sport). */
struct pkt_spec fwenv_pkt_in(uint32_t src, const uint8_t *smac, uint32_t dst, uint8_t proto,
			     uint16_t sport, uint16_t dport);
/* A packet from the outside gateway (TCP: SYN|ACK, ICMP: echo reply with
 * id = dport). */
struct pkt_spec fwenv_pkt_out(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
			      uint16_t dport);
void fwenv_send(struct fwenv *e, unsigned port, const struct pkt_spec *s);
/* Send from the inside and return the first IPv4 frame on the outside,
 * answering the gateway's ARP once if needed. */
const struct fwenv_frame *fwenv_out_of(struct fwenv *e, const struct pkt_spec *s);
/* The first captured IPv4 frame of a port (NULL if none). */
const struct fwenv_frame *fwenv_first_ipv4(struct fwenv *e, unsigned port);
/* A UDP packet from the host (the daemon) into the card's host port. */
struct pkt_spec fwenv_pkt_host(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport);
