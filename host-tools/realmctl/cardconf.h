/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card configuration file (docs/lab.md, "Configuration file"): one
 * statement per line, '#' starts a comment.
 *
 *   inside 10.0.0.1/24              the card's inside address and prefix
 *   outside 203.0.113.1/24          the card's outside address and prefix
 *   outside-gateway 203.0.113.254   next hop beyond the outside prefix
 *   inside-gateway 10.0.0.254       next hop beyond the inside prefix
 *   inside-vlan VID                 802.1Q VLAN id of the inside port, 0..4094
 *   outside-vlan VID                ... of the outside port (0 = untagged)
 *   hairpin|unreachable-on-quota|syn-unreachable|inbound-refresh|
 *   log-destinations on|off
 *   mtu inside|outside BYTES
 *   mss-clamp BYTES|off
 *   timeout udp|tcp-established|tcp-transitory|icmp|syn-hold|fragment|
 *           port-holddown SECONDS
 *   quota sessions|ports N          per subscriber, 0 = unlimited
 *   pool ID ADDR[-ADDR] [ports LO-HI] [mapping eim|adm|apdm]
 *        [filtering eif|adf|apdf] [mode dynamic|port-block|deterministic]
 *        [block N] [serves PREFIX/LEN]
 *   mapping tcp|udp INSIDE:PORT [OUTSIDE:PORT]
 *   rule ID forward|dstnat|exclude|to-host|drop [proto P] [src PREFIX/LEN]
 *        [dst PREFIX/LEN] [dport LO[-HI]] [to ADDR[:PORT]]
 *
 * It is turned into mailbox payloads (SET_CONFIG, POOL_SET, POOL_ADD_RANGE,
 * MAP_ADD, RULE_ADD), so the same file can later be the start of the daemon's
 * configuration. Parsing never touches the card.
 */
#ifndef RG_REALMCTL_CARDCONF_H
#define RG_REALMCTL_CARDCONF_H

#include <stddef.h>
#include <stdio.h>

#include "realmgate/flow.h"
#include "realmgate/mailbox.h"

#define CARDCONF_POOLS 8
#define CARDCONF_RANGES 32
#define CARDCONF_MAPS 64
#define CARDCONF_RULES 64

/* Fields of struct rg_config the file set (applied over the card's own). */
#define CC_INSIDE 0x01u
#define CC_OUTSIDE 0x02u
#define CC_OUTSIDE_GW 0x04u
#define CC_INSIDE_GW 0x08u
/* 0x10: unused (the on/off behaviours the file named are in flags_set) */
#define CC_MTU_IN 0x20u
#define CC_MTU_OUT 0x40u
#define CC_T_UDP 0x80u
#define CC_T_TCP_EST 0x100u
#define CC_T_TCP_TRANS 0x200u
#define CC_T_ICMP 0x400u
#define CC_VLAN_IN 0x800u
#define CC_VLAN_OUT 0x1000u
#define CC_T_SYN_HOLD 0x2000u
#define CC_T_FRAG 0x4000u
#define CC_T_HOLDDOWN 0x8000u
#define CC_Q_SESSIONS 0x10000u
#define CC_Q_PORTS 0x20000u
#define CC_MSS 0x40000u

struct cardconf {
	struct rg_config cfg; /* only the fields in `set` mean anything */
	unsigned set;
	uint16_t flags_set; /* the RG_CFG_* behaviours the file named */
	struct rg_pool pools[CARDCONF_POOLS];
	unsigned n_pools;
	struct rg_pool_range ranges[CARDCONF_RANGES];
	unsigned n_ranges;
	struct rg_map_req maps[CARDCONF_MAPS];
	unsigned n_maps;
	struct rg_rule rules[CARDCONF_RULES];
	unsigned n_rules;
};

/* The on/off statements and their RG_CFG_* bits, in the order `config
 * show` prints them. */
struct cardconf_flag {
	const char *name;
	uint16_t bit;
};
#define CARDCONF_N_FLAGS 5
extern const struct cardconf_flag cardconf_flags[CARDCONF_N_FLAGS];

/* Parse a file; 0, or -1 with "FILE:LINE: what is wrong" in err. */
int cardconf_load(struct cardconf *cc, const char *path, char *err, size_t err_len);

/* The same from an open stream; name is the FILE in messages. */
int cardconf_read(struct cardconf *cc, FILE *f, const char *name, char *err, size_t err_len);

/* Apply the file's fields over a configuration read from the card. */
void cardconf_merge(const struct cardconf *cc, struct rg_config *cfg);

#endif /* RG_REALMCTL_CARDCONF_H */
