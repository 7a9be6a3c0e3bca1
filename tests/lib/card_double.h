/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test double of a card for the daemon's unit tests and the loopback test
 * server: it records every command the daemon sends (so a test can assert
 * what would reach the mailbox, and in which order) and keeps a small
 * mapping table with the allocation rules the daemon relies on (EIM
 * mappings per inside endpoint, PREFER_FAILURE, port overlapping for PEER
 * sessions toward different remotes). Faults can be injected per opcode.
 */
#ifndef RG_TESTS_CARD_DOUBLE_H
#define RG_TESTS_CARD_DOUBLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../host-tools/realmgated/card.h"

#define CD_MAX_CALLS 512
#define CD_MAX_MAPS 256
#define CD_MAX_PEERS 8

struct cd_call {
	uint16_t op; /* RG_OP_* */
	union {
		struct rg_map_req map;
		struct rg_map_id id;
		struct rg_rule rule;
		struct rg_pool pool;
		struct rg_pool_range range;
		struct rg_config cfg;
		uint32_t u32;
	} u;
};

struct cd_map {
	bool used;
	bool peer_only; /* made by a PEER request: endpoint-dependent */
	uint8_t proto, owner, n_filters;
	uint32_t in_addr, out_addr; /* host order */
	uint16_t in_port, out_port;
	uint32_t id, lifetime;
	unsigned n_peers;
	struct {
		uint32_t addr;
		uint16_t port;
	} peers[CD_MAX_PEERS];
	struct rg_map_filter filters[RG_MAP_MAX_FILTERS];
};

struct card_double {
	struct rgd_card card;
	unsigned n_calls;
	struct cd_call calls[CD_MAX_CALLS];
	uint32_t out_addr;  /* the only outside address (host order) */
	uint16_t next_port; /* next port handed out when the suggestion is not taken */
	uint32_t next_id;
	struct cd_map maps[CD_MAX_MAPS];
	unsigned n_rules, n_pools;
	struct rg_rule rules[64];
	struct rg_pool pools[16];
	/* what POOL_ADDR_LIST answers (tests fill it) */
	unsigned n_paddrs;
	struct rg_pool_addr_rec paddrs[8];
	uint32_t n_sessions; /* synthetic sessions the listing returns (0 = none) */
	bool stuck_cursor;   /* a faulty card: pages after the first repeat their cursor */
	/* fault injection: the next call of fail_op returns fail_status */
	uint16_t fail_op;
	enum rg_status fail_status;
	unsigned fail_count; /* how many calls to fail (0 = none) */
};

void card_double_init(struct card_double *d, uint32_t out_addr);
unsigned card_double_calls(const struct card_double *d, uint16_t op);
const struct cd_map *card_double_find(const struct card_double *d, uint8_t proto, uint32_t in_addr,
				      uint16_t in_port);
unsigned card_double_maps(const struct card_double *d);
void card_double_fail(struct card_double *d, uint16_t op, enum rg_status st, unsigned count);

#endif /* RG_TESTS_CARD_DOUBLE_H */
