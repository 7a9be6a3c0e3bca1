/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the seed corpus of the mailbox fuzz target (tests/fuzz/corpus-mbox/,
 * committed; `make fuzz-corpus` rewrites it): scripts in fuzz_mbox.c's input
 * format, each one or more well-formed commands with the payloads the
 * standard gateway of tests/lib/fwenv accepts (its addresses, pool, rules
 * and mappings), list commands with a result buffer in the harness's arena,
 * so mutations start from commands that reach the firmware's handlers
 * instead of stopping at the length checks. The harness folds opcodes and
 * takes a small buf_addr as an arena offset; tags are its own.
 * usage: gen-corpus-mbox DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "seed_file.h"
#include "realmgate/mailbox.h"

#define OP_COMMAND 0
#define OP_POLL 3
#define BUF_OFFSET 0x8000u /* arena offset of result buffers */

struct script {
	uint8_t b[2048];
	uint32_t n;
};

static const char *dir;

static void command(struct script *s, uint16_t opcode, const void *payload, uint16_t len,
		    uint32_t buf_len)
{
	struct rg_cmd c;
	memset(&c, 0, sizeof(c));
	c.opcode = opcode;
	c.len = len;
	if (len)
		memcpy(c.payload, payload, len);
	if (buf_len) {
		c.buf_addr = BUF_OFFSET;
		c.buf_len = buf_len;
	}
	if (s->n + 1 + sizeof(c) > sizeof(s->b)) {
		fprintf(stderr, "seed too long\n");
		exit(1);
	}
	s->b[s->n++] = OP_COMMAND;
	memcpy(s->b + s->n, &c, sizeof(c));
	s->n += sizeof(c);
}

static void save(const char *name, const struct script *s)
{
	seed_write(dir, name, s->b, s->n);
}

static void one(const char *name, uint16_t opcode, const void *payload, uint16_t len,
		uint32_t buf_len)
{
	struct script s = { .n = 0 };
	command(&s, opcode, payload, len, buf_len);
	save(name, &s);
}

static rg_be32 be32(uint32_t v)
{
	return rg_be32_field(v);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-corpus-mbox DIR\n");
		return 2;
	}
	dir = argv[1];
	struct rg_page_req page = { .cursor = 0, .max = 16 };
	one("nop", RG_OP_NOP, NULL, 0, 0);
	one("info", RG_OP_INFO, NULL, 0, 0);
	one("reset", RG_OP_RESET, NULL, 0, 0);
	one("get-config", RG_OP_GET_CONFIG, NULL, 0, 0);

	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.inside_addr = be32(FWENV_IN_ADDR);
	cfg.inside_plen = 24;
	cfg.outside_addr = be32(FWENV_OUT_ADDR);
	cfg.outside_plen = 24;
	cfg.outside_gw = be32(FWENV_GW_ADDR);
	cfg.flags = RG_CFG_HAIRPIN;
	cfg.udp_timeout_s = 300;
	cfg.vlan[1] = 100;
	one("set-config", RG_OP_SET_CONFIG, &cfg, sizeof(cfg), 0);

	struct rg_pool pool;
	memset(&pool, 0, sizeof(pool));
	pool.id = 1;
	pool.mode = RG_POOL_PORT_BLOCK;
	pool.flags = RG_POOLF_PORT_PRESERVE | RG_POOLF_PAIRED;
	pool.port_lo = 1024;
	pool.port_hi = 65535;
	pool.block_size = 512;
	pool.sub_addr = be32(0x0a010000u);
	pool.sub_plen = 16;
	struct rg_pool_range range = {
		.id = 1, .lo = be32(0xc6336420u), .hi = be32(0xc6336423u)
	}; /* 4: the harness card has 16 pool addresses */
	uint8_t pool_id = 1;
	struct script s = { .n = 0 };
	command(&s, RG_OP_POOL_SET, &pool, sizeof(pool), 0);
	command(&s, RG_OP_POOL_ADD_RANGE, &range, sizeof(range), 0);
	command(&s, RG_OP_POOL_LIST, &page, sizeof(page), 4096);
	command(&s, RG_OP_POOL_DEL, &pool_id, sizeof(pool_id), 0);
	save("pools", &s);

	struct rg_rule rule;
	memset(&rule, 0, sizeof(rule));
	rule.id = 7;
	rule.kind = RG_RULE_FORWARD;
	rule.proto = 6;
	rule.dst_addr = be32(FWENV_POOL_LO);
	rule.dst_plen = 32;
	rule.dport_lo = rule.dport_hi = rg_be16_field(8080);
	rule.to_addr = be32(0x0a000003u);
	rule.to_port = rg_be16_field(80);
	uint32_t rule_id = 7;
	s.n = 0;
	command(&s, RG_OP_RULE_ADD, &rule, sizeof(rule), 0);
	command(&s, RG_OP_RULE_LIST, &page, sizeof(page), 4096);
	command(&s, RG_OP_RULE_DEL, &rule_id, sizeof(rule_id), 0);
	save("rules", &s);

	struct rg_map_req map;
	memset(&map, 0, sizeof(map));
	map.proto = 17;
	map.in_addr = be32(0x0a000002u);
	map.in_port = rg_be16_field(5000);
	map.out_port = rg_be16_field(5000);
	map.lifetime_s = 3600;
	map.owner = RG_OWNER_PCP;
	map.n_filters = 1;
	map.filters[0].addr = be32(0xc0000200u);
	map.filters[0].plen = 24;
	struct rg_map_id id;
	memset(&id, 0, sizeof(id));
	id.proto = 17;
	id.in_addr = map.in_addr;
	id.in_port = map.in_port;
	s.n = 0;
	command(&s, RG_OP_MAP_ADD, &map, sizeof(map), 0);
	command(&s, RG_OP_MAP_GET, &id, sizeof(id), 0);
	command(&s, RG_OP_MAP_LIST, &page, sizeof(page), 4096);
	command(&s, RG_OP_MAP_DEL, &id, sizeof(id), 0);
	save("mappings", &s);

	uint32_t sess = 0, mask = (1u << RG_EVT__COUNT) - 1u;
	s.n = 0;
	command(&s, RG_OP_SESSION_LIST, &page, sizeof(page), 4096);
	command(&s, RG_OP_SESSION_DEL, &sess, sizeof(sess), 0);
	save("sessions", &s);

	/* a filtered listing: the traffic's UDP sessions of one inside host */
	struct rg_session_list_req filtered = { .page = page };
	filtered.filter.match = RG_SF_PROTO | RG_SF_IN_ADDR;
	filtered.filter.proto = 17;
	filtered.filter.in_addr = rg_be32_field(0x0a000002u);
	one("sessions-filtered", RG_OP_SESSION_LIST, &filtered, sizeof(filtered), 4096);

	one("subscribers", RG_OP_SUBSCRIBER_LIST, &page, sizeof(page), 4096);

	/* an operator's clear: the first session, if it is still that host's */
	struct rg_session_del_req del = { .index = 0 };
	del.expect = filtered.filter;
	one("session-clear", RG_OP_SESSION_DEL, &del, sizeof(del), 0);

	struct rg_page_req counters = { .cursor = 0, .max = 64 };
	one("counters", RG_OP_COUNTERS, &counters, sizeof(counters), 4096);

	s.n = 0;
	command(&s, RG_OP_EVENT_MASK, &mask, sizeof(mask), 0);
	command(&s, RG_OP_SESSION_DEL, &sess, sizeof(sess), 0);
	s.b[s.n++] = OP_POLL;
	s.b[s.n++] = 8;
	save("events", &s);
	return 0;
}
