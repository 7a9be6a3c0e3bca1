/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mailbox in front of the real firmware: sessions created by traffic,
 * then malformed commands of every kind through the driver — unknown
 * opcodes, every wrong payload length of every opcode, lengths beyond the
 * command, listings with bad buffers, garbage payloads for look-ups and
 * deletions. Each gets an error status, the card keeps serving, the
 * sessions stay, and their packets still cross the fast path. And every
 * command with a valid payload doing what it says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../driver/rgdev.h"
#include "../../firmware/lib/bytes.h"
#include "../../host-tools/nicsim/simbus.h"
#include "../lib/fwenv.h"
#include "realmgate/counters.h"

#define FLOWS 8

struct rig {
	struct fwenv *e;
	struct rg_simbus sb;
	struct rg_mbox mb;
	struct rg_dev *dev;
	uint32_t now;
	uint16_t out_port[FLOWS];
};

static void from_host(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct rig *r = ctx;
	fwenv_rx(r->e, RG_PORT_HOST, frame, len);
}

static void step(void *ctx)
{
	struct rig *r = ctx;
	rg_mbox_poll(&r->mb, ++r->now);
}

static struct pkt_spec flow(unsigned i)
{
	static const uint8_t mac[6] = { 0x02, 0, 0x0a, 0, 0, 0x02 };
	return fwenv_pkt_in(0x0a000002u + i, mac, 0xc6336401u /* 198.51.100.1 */, 17,
			    (uint16_t)(40000 + i), 53);
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	char name[32], spec[40], err[256];
	r->e = fwenv_new(NULL);
	if (!r->e)
		return -1;
	fwenv_std_config(r->e, RG_MAP_EIM, RG_FILTER_EIF);
	snprintf(name, sizeof(name), "utest-mboxfw-%d", (int)getpid());
	if (rg_simbus_create(&r->sb, name, err, sizeof(err)))
		return -1;
	struct rg_mbox_bus bus;
	rg_simbus_mbox_bus(&r->sb, &bus, from_host, r);
	struct rg_mbox_identity id = { .fw_version = 0x000100 };
	rg_mbox_init(&r->mb, &bus, r->e->fw, &r->e->dev, &id);
	rg_simbus_publish(&r->sb, RG_FASTPATH_SOFT);
	struct rg_dev_opts o = { .timeout_ms = 500, .idle = step, .idle_ctx = r };
	snprintf(spec, sizeof(spec), "sim:%s", name);
	if (rg_dev_open(spec, &o, &r->dev, err, sizeof(err))) {
		fprintf(stderr, "# %s\n", err);
		return -1;
	}
	/* sessions created by traffic from eight inside hosts */
	for (unsigned i = 0; i < FLOWS; i++) {
		struct pkt_spec s = flow(i);
		const struct fwenv_frame *f = fwenv_out_of(r->e, &s);
		if (!f)
			return -1;
		struct pkt_view v;
		pkt_parse(f->data, f->len, &v);
		r->out_port[i] = v.sport;
	}
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;
	rg_dev_close(r->dev);
	rg_simbus_destroy(&r->sb);
	fwenv_free(r->e);
	free(r);
	return 0;
}

static uint32_t session_count(struct rig *r)
{
	struct rg_session_rec recs[64];
	struct rg_page_req pg = { 0, 64 };
	struct rg_page_rsp rsp = { 0 };
	assert_int_equal(rg_dev_cmd(r->dev, RG_OP_SESSION_LIST, &pg, sizeof(pg), &rsp, sizeof(rsp),
				    NULL, recs, sizeof(recs), NULL),
			 RG_ST_OK);
	return rsp.count;
}

/* Post a raw command (lengths the synchronous call would refuse) and
 * return its completion status. */
static unsigned raw(struct rig *r, const struct rg_cmd *k)
{
	struct rg_cpl cpl;
	assert_int_equal(rg_dev_submit(r->dev, k), RG_ST_OK);
	for (unsigned i = 0; i < 100; i++) {
		step(r);
		if (rg_dev_reap(r->dev, &cpl)) {
			assert_int_equal(cpl.tag, k->tag);
			return cpl.status;
		}
	}
	fail_msg("no completion for opcode 0x%x", k->opcode);
	return 0;
}

/* The valid payload lengths of each opcode (mailbox.h). */
struct op_len {
	uint16_t op, lo, hi;
};

/* Lengths outside an opcode's range that are valid too: a session listing
 * with its filter, a session deletion with its expected session (mailbox.h,
 * struct rg_session_list_req and rg_session_del_req). */
static int also_valid(uint16_t op, uint16_t len)
{
	return (op == RG_OP_SESSION_LIST && len == sizeof(struct rg_session_list_req)) ||
	       (op == RG_OP_SESSION_DEL && len == sizeof(struct rg_session_del_req));
}
static const struct op_len ops[] = {
	{ RG_OP_INFO, 0, 0 },
	{ RG_OP_RESET, 0, 0 },
	{ RG_OP_SET_CONFIG, sizeof(struct rg_config), sizeof(struct rg_config) },
	{ RG_OP_GET_CONFIG, 0, 0 },
	{ RG_OP_POOL_SET, sizeof(struct rg_pool), sizeof(struct rg_pool) },
	{ RG_OP_POOL_ADD_RANGE, sizeof(struct rg_pool_range), sizeof(struct rg_pool_range) },
	{ RG_OP_POOL_DEL, 1, 1 },
	{ RG_OP_POOL_LIST, 8, 8 },
	{ RG_OP_POOL_ADDR_LIST, 8, 8 },
	{ RG_OP_RULE_ADD, sizeof(struct rg_rule), sizeof(struct rg_rule) },
	{ RG_OP_RULE_DEL, 4, 4 },
	{ RG_OP_RULE_LIST, 8, 8 },
	{ RG_OP_MAP_ADD, offsetof(struct rg_map_req, filters), sizeof(struct rg_map_req) },
	{ RG_OP_MAP_DEL, sizeof(struct rg_map_id), sizeof(struct rg_map_id) },
	{ RG_OP_MAP_GET, sizeof(struct rg_map_id), sizeof(struct rg_map_id) },
	{ RG_OP_MAP_LIST, 8, 8 },
	{ RG_OP_SESSION_LIST, 8, 8 },
	{ RG_OP_SESSION_DEL, 4, 4 },
	{ RG_OP_SUBSCRIBER_LIST, 8, 8 },
	{ RG_OP_COUNTERS, 8, 8 },
	{ RG_OP_EVENT_MASK, 4, 4 },
};

static void test_malformed_commands_leave_sessions_alone(void **state)
{
	struct rig *r = *state;
	assert_int_equal(session_count(r), FLOWS);
	uint64_t errors0 = rg_mbox_counter(&r->mb, RG_FWC_CMD_ERROR);
	unsigned sent = 0;
	uint16_t tag = 1000;
	uint64_t rnd = 0x9e3779b97f4a7c15ull;
	struct rg_cmd k;

	/* unknown opcodes */
	for (unsigned i = 0; i < 300; i++) {
		memset(&k, 0, sizeof(k));
		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		k.opcode = (uint16_t)(rnd >> 48);
		if (rg_opcode_name(k.opcode))
			continue;
		k.tag = tag++;
		k.len = (uint16_t)((rnd >> 20) % (RG_CMD_PAYLOAD + 1));
		memset(k.payload, (int)(rnd >> 8), sizeof(k.payload));
		assert_int_equal(raw(r, &k), RG_ST_UNKNOWN_OP);
		sent++;
	}
	/* every wrong length of every opcode, also beyond the command */
	static const uint16_t beyond[] = { RG_CMD_PAYLOAD + 1, 200, 0x7fff, 0xffff };
	for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		for (unsigned len = 0; len < RG_CMD_PAYLOAD + 1 + 4; len++) {
			uint16_t l = len <= RG_CMD_PAYLOAD ? (uint16_t)len
							   : beyond[len - RG_CMD_PAYLOAD - 1];
			if ((l >= ops[o].lo && l <= ops[o].hi) || also_valid(ops[o].op, l))
				continue;
			memset(&k, 0, sizeof(k));
			k.opcode = ops[o].op;
			k.tag = tag++;
			k.len = l;
			memset(k.payload, 0xff, sizeof(k.payload));
			assert_int_equal(raw(r, &k), RG_ST_BAD_LENGTH);
			sent++;
		}
	}
	/* listings with buffers the card may not write */
	static const uint16_t lists[] = { RG_OP_POOL_LIST,    RG_OP_POOL_ADDR_LIST,
					  RG_OP_RULE_LIST,    RG_OP_MAP_LIST,
					  RG_OP_SESSION_LIST, RG_OP_SUBSCRIBER_LIST,
					  RG_OP_COUNTERS };
	static const struct {
		uint64_t addr;
		uint32_t len;
	} bufs[] = { { 0, 4096 },
		     { 0x1000, 4096 },
		     { 0xffffffffffff0000ull, 4096 },
		     { RG_SIM_DMA_BASE + RG_SIM_DMA_SIZE - 64, 4096 },
		     { RG_SIM_DMA_BASE, 3 } };
	for (unsigned l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (unsigned b = 0; b < sizeof(bufs) / sizeof(bufs[0]); b++) {
			memset(&k, 0, sizeof(k));
			k.opcode = lists[l];
			k.tag = tag++;
			k.len = 8;
			k.buf_addr = bufs[b].addr;
			k.buf_len = bufs[b].len;
			unsigned st = raw(r, &k);
			assert_true(st == RG_ST_INVALID || st == RG_ST_IO);
			sent++;
		}
	/* session filters with unknown fields, into a buffer the card may
	 * write: refused before any listing */
	for (unsigned i = 0; i < 64; i++) {
		struct rg_session_list_req q;
		memset(&q, 0, sizeof(q));
		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		q.filter.match = (uint8_t)(0x80u | (rnd >> 56));
		if (i & 1) {
			q.filter.match &= RG_SF_ALL;
			q.filter.rsvd = (uint16_t)(1u + (rnd >> 40) % 0xfffeu);
		}
		struct rg_session_rec recs[4];
		struct rg_page_rsp rsp;
		assert_int_equal(rg_dev_cmd(r->dev, RG_OP_SESSION_LIST, &q, sizeof(q), &rsp,
					    sizeof(rsp), NULL, recs, sizeof(recs), NULL),
				 RG_ST_INVALID);
		sent++;
	}
	/* garbage look-ups and deletions of the right length */
	for (unsigned i = 0; i < 500; i++) {
		memset(&k, 0, sizeof(k));
		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		static const uint16_t kinds[] = { RG_OP_MAP_GET, RG_OP_MAP_DEL, RG_OP_SESSION_DEL,
						  RG_OP_RULE_DEL };
		k.opcode = kinds[(rnd >> 33) % 4];
		k.tag = tag++;
		k.len = k.opcode == RG_OP_MAP_GET || k.opcode == RG_OP_MAP_DEL ? 16 : 4;
		for (unsigned b = 0; b < k.len; b++) {
			rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
			k.payload[b] = (uint8_t)(rnd >> 56);
		}
		if (k.opcode == RG_OP_SESSION_DEL) {
			/* an index beyond the table: a real one would be a valid
			 * deletion, not a malformed command */
			uint32_t idx = r->e->dev.sessions + (uint32_t)(rnd >> 40);
			memcpy(k.payload, &idx, 4);
		}
		unsigned st = raw(r, &k);
		assert_int_not_equal(st, RG_ST_OK);
		sent++;
	}

	/* every one of them counted as failed; the card still answers */
	assert_int_equal(rg_mbox_counter(&r->mb, RG_FWC_CMD_ERROR), errors0 + sent);
	assert_false(rg_dev_reg_read(r->dev, RG_CTRL_BASE + RG_CTRL_STATUS) & RG_STATUS_ERROR);
	struct rg_info info;
	assert_int_equal(
		rg_dev_cmd(r->dev, RG_OP_INFO, NULL, 0, &info, sizeof(info), NULL, NULL, 0, NULL),
		RG_ST_OK);
	/* the sessions are all there and their packets still take the fast
	 * path with the same outside port */
	assert_int_equal(session_count(r), FLOWS);
	uint64_t hits0 = rg_fw_counter(r->e->fw, RG_FPC_HIT);
	for (unsigned i = 0; i < FLOWS; i++) {
		struct pkt_spec s = flow(i);
		const struct fwenv_frame *f = fwenv_out_of(r->e, &s);
		assert_non_null(f);
		struct pkt_view v;
		assert_int_equal(pkt_parse(f->data, f->len, &v), 0);
		assert_int_equal(v.sport, r->out_port[i]);
	}
	fwenv_advance(r->e, 1000); /* counters are folded once a second */
	assert_true(rg_fw_counter(r->e->fw, RG_FPC_HIT) >= hits0 + FLOWS);
	fprintf(stderr, "# %u malformed commands refused, %u sessions intact\n", sent, FLOWS);
}

/* One listing page through the driver: the record count, records in buf. */
static uint32_t list(struct rig *r, uint16_t op, const void *req, uint16_t len, void *buf,
		     uint32_t cap)
{
	struct rg_page_rsp rsp = { 0, 0 };
	assert_int_equal(rg_dev_cmd(r->dev, op, req, len, &rsp, sizeof(rsp), NULL, buf, cap, NULL),
			 RG_ST_OK);
	assert_int_equal(rsp.next, 0); /* the tables here fit a page */
	return rsp.count;
}

static enum rg_status run(struct rig *r, uint16_t op, const void *req, uint16_t len)
{
	return rg_dev_cmd(r->dev, op, req, len, NULL, 0, NULL, NULL, 0, NULL);
}

/* Every command with a valid payload, through the driver and the mailbox,
 * does to the real firmware what it says and lists what it did. */
static void test_valid_commands_round_trip(void **state)
{
	struct rig *r = *state;
	struct rg_page_req pg = { 0, 0 };

	/* configuration */
	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(rg_dev_cmd(r->dev, RG_OP_GET_CONFIG, NULL, 0, &cfg, sizeof(cfg), NULL,
				    NULL, 0, NULL),
			 RG_ST_OK);
	assert_int_equal(cfg.inside_addr, rg_be32_field(FWENV_IN_ADDR));
	cfg.udp_timeout_s = 600;
	assert_int_equal(run(r, RG_OP_SET_CONFIG, &cfg, sizeof(cfg)), RG_ST_OK);
	struct rg_config back;
	assert_int_equal(rg_dev_cmd(r->dev, RG_OP_GET_CONFIG, NULL, 0, &back, sizeof(back), NULL,
				    NULL, 0, NULL),
			 RG_ST_OK);
	assert_int_equal(back.udp_timeout_s, 600);

	/* pools: a second one, its range, listed, deleted */
	struct rg_pool pools[8];
	uint32_t n_pools = list(r, RG_OP_POOL_LIST, &pg, sizeof(pg), pools, sizeof(pools));
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 5;
	p.port_lo = 1024;
	p.port_hi = 65535;
	p.sub_addr = rg_be32_field(0xac100000u); /* 172.16.0.0/16 */
	p.sub_plen = 16;
	assert_int_equal(run(r, RG_OP_POOL_SET, &p, sizeof(p)), RG_ST_OK);
	struct rg_pool_range pr = { .id = 5,
				    .lo = rg_be32_field(0xc6336420u),
				    .hi = rg_be32_field(0xc6336421u) };
	assert_int_equal(run(r, RG_OP_POOL_ADD_RANGE, &pr, sizeof(pr)), RG_ST_OK);
	assert_int_equal(list(r, RG_OP_POOL_LIST, &pg, sizeof(pg), pools, sizeof(pools)),
			 n_pools + 1);
	/* its two addresses are listed with the others, unused */
	struct rg_pool_addr_rec addrs[64];
	uint32_t n_addrs = list(r, RG_OP_POOL_ADDR_LIST, &pg, sizeof(pg), addrs, sizeof(addrs));
	unsigned of5 = 0;
	for (uint32_t i = 0; i < n_addrs; i++)
		if (addrs[i].pool == 5) {
			of5++;
			assert_int_equal(addrs[i].subscribers, 0);
			assert_int_equal(addrs[i].ports_total, 64512);
			assert_int_equal(rg_be32_val(addrs[i].addr), 0xc6336420u + of5 - 1u);
		}
	assert_int_equal(of5, 2);
	uint8_t id = 5;
	assert_int_equal(run(r, RG_OP_POOL_DEL, &id, 1), RG_ST_OK);
	assert_int_equal(list(r, RG_OP_POOL_LIST, &pg, sizeof(pg), pools, sizeof(pools)), n_pools);

	/* a static forward: added, listed, deleted */
	struct rg_rule rules[8], fwd;
	uint32_t n_rules = list(r, RG_OP_RULE_LIST, &pg, sizeof(pg), rules, sizeof(rules));
	memset(&fwd, 0, sizeof(fwd));
	fwd.id = 77;
	fwd.kind = RG_RULE_FORWARD;
	fwd.proto = 6;
	fwd.dst_addr = rg_be32_field(FWENV_POOL_LO);
	fwd.dst_plen = 32;
	fwd.dport_lo = fwd.dport_hi = rg_be16_field(8443);
	fwd.to_addr = rg_be32_field(0x0a000063u);
	fwd.to_port = rg_be16_field(443);
	assert_int_equal(run(r, RG_OP_RULE_ADD, &fwd, sizeof(fwd)), RG_ST_OK);
	assert_int_equal(list(r, RG_OP_RULE_LIST, &pg, sizeof(pg), rules, sizeof(rules)),
			 n_rules + 1);
	uint32_t rid = 77;
	assert_int_equal(run(r, RG_OP_RULE_DEL, &rid, sizeof(rid)), RG_ST_OK);
	assert_int_equal(list(r, RG_OP_RULE_LIST, &pg, sizeof(pg), rules, sizeof(rules)), n_rules);

	/* what the traffic made: a mapping and a subscriber per inside host */
	struct rg_map_rec maps[16];
	assert_int_equal(list(r, RG_OP_MAP_LIST, &pg, sizeof(pg), maps, sizeof(maps)), FLOWS);
	struct rg_sub_rec subs[16];
	assert_int_equal(list(r, RG_OP_SUBSCRIBER_LIST, &pg, sizeof(pg), subs, sizeof(subs)),
			 FLOWS);
	for (unsigned i = 0; i < FLOWS; i++)
		assert_int_equal(subs[i].sessions, 1);

	/* one host's session: found by the card's filter, deleted as listed */
	struct rg_session_list_req q;
	memset(&q, 0, sizeof(q));
	q.filter.match = RG_SF_IN_ADDR | RG_SF_PROTO;
	q.filter.proto = 17;
	q.filter.in_addr = rg_be32_field(0x0a000002u + 3);
	struct rg_session_rec recs[16];
	assert_int_equal(list(r, RG_OP_SESSION_LIST, &q, sizeof(q), recs, sizeof(recs)), 1);
	assert_int_equal(rg_be16_val(recs[0].out_port), r->out_port[3]);
	struct rg_session_del_req del;
	memset(&del, 0, sizeof(del));
	del.index = recs[0].index;
	del.expect = q.filter;
	assert_int_equal(run(r, RG_OP_SESSION_DEL, &del, sizeof(del)), RG_ST_OK);
	assert_int_equal(run(r, RG_OP_SESSION_DEL, &del, sizeof(del)), RG_ST_NOT_FOUND);
	assert_int_equal(session_count(r), FLOWS - 1);

	/* reset: nothing left */
	assert_int_equal(run(r, RG_OP_RESET, NULL, 0), RG_ST_OK);
	assert_int_equal(session_count(r), 0);
	assert_int_equal(list(r, RG_OP_MAP_LIST, &pg, sizeof(pg), maps, sizeof(maps)), 0);
	assert_int_equal(list(r, RG_OP_SUBSCRIBER_LIST, &pg, sizeof(pg), subs, sizeof(subs)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_malformed_commands_leave_sessions_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_valid_commands_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
