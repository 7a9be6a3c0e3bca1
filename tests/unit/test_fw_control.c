/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The firmware's control calls and table machinery: every bad payload gets a
 * clear status and changes nothing; listings page; reset clears everything
 * and keeps the card usable; counters have unique names; events carry the
 * translation; the index survives relocation (cuckoo) at high load and a
 * tag shadow loses no packet; long timers go round the wheel; MSS clamping;
 * forward rules keep their ports out of dynamic allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"
#include "realmgate/counters.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define R1 PKT_IPV4(192, 0, 2, 7)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static void test_config_validation(void **state)
{
	struct fwenv *e = *state;
	struct rg_config before, c;
	rg_fw_get_config(e->fw, &before);
	assert_int_equal(before.udp_timeout_s, 300);
	assert_int_equal(before.tcp_est_timeout_s, 7440);
	assert_int_equal(before.port_holddown_s, 120);
	c = before;
	c.udp_timeout_s = 119;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.tcp_est_timeout_s = 7000;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.syn_hold_s = 5;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.port_holddown_s = 60;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	/* beyond 7 days a timer's milliseconds would not fit 32 bits */
	c = before;
	c.udp_timeout_s = RG_MAX_TIMEOUT_S + 1;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.tcp_est_timeout_s = 0xffffffffu;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.frag_timeout_s = RG_MAX_TIMEOUT_S + 1;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.inside_plen = 33;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.mtu[1] = 20;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.flags = 0x8000;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_INVALID);
	c = before;
	c.inside_addr = rg_be32_field(FWENV_POOL_LO); /* a pool address */
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_EXISTS);
	rg_fw_get_config(e->fw, &c);
	assert_memory_equal(&c, &before, sizeof(c));
	c.udp_timeout_s = 600;
	c.tcp_est_timeout_s = RG_MAX_TIMEOUT_S;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	rg_fw_get_config(e->fw, &c);
	assert_int_equal(c.udp_timeout_s, 600);
	assert_int_equal(c.tcp_est_timeout_s, RG_MAX_TIMEOUT_S);
}

static void test_pool_validation(void **state)
{
	struct fwenv *e = *state;
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 16; /* FW_POOLS */
	p.port_lo = 1024;
	p.port_hi = 2047;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_INVALID);
	p.id = 3;
	p.mode = 3;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_INVALID);
	p.mode = RG_POOL_PORT_BLOCK;
	p.block_size = 0;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_INVALID);
	p.mode = 0;
	p.port_lo = 3000;
	p.port_hi = 2000;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_INVALID);
	p.port_lo = 1024;
	p.port_hi = 2047;
	p.filtering[1] = 3;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_INVALID);
	p.filtering[1] = 0;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	/* ranges: not into a missing pool, not overlapping, not reversed */
	struct rg_pool_range r = { .id = 4,
				   .lo = rg_be32_field(PKT_IPV4(198, 51, 100, 20)),
				   .hi = rg_be32_field(PKT_IPV4(198, 51, 100, 21)) };
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_NOT_FOUND);
	r.id = 3;
	r.lo = rg_be32_field(FWENV_POOL_HI);
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_EXISTS);
	r.lo = rg_be32_field(PKT_IPV4(198, 51, 100, 22));
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_INVALID);
	r.lo = rg_be32_field(PKT_IPV4(198, 51, 100, 20));
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_OK);
	r.lo = rg_be32_field(PKT_IPV4(198, 51, 0, 0));
	r.hi = rg_be32_field(PKT_IPV4(198, 51, 255, 255));
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_NO_RESOURCES);
	uint32_t next;
	struct rg_pool pools[4];
	assert_int_equal(rg_fw_pool_list(e->fw, 0, pools, 1, &next), 1);
	assert_int_equal(next, 3); /* the cursor is the next pool id */
	assert_int_equal(rg_fw_pool_list(e->fw, next, pools, 4, &next), 1);
	assert_int_equal(pools[0].id, 3);
	/* a pool in use cannot go */
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 4000, 53);
	assert_non_null(fwenv_out_of(e, &s));
	assert_int_equal(rg_fw_pool_del(e->fw, 0), RG_ST_BUSY);
	/* every pool address, in address order, with what it hands out: the
	 * flow's subscriber and UDP port on one address of pool 0 */
	struct rg_pool_addr_rec pa[64];
	uint32_t na = rg_fw_pool_addr_list(e->fw, 0, pa, 64, &next);
	assert_int_equal(next, 0);
	assert_int_equal(na, (FWENV_POOL_HI - FWENV_POOL_LO + 1u) + 2u);
	unsigned busy = 0;
	for (uint32_t i = 0; i < na; i++) {
		if (i)
			assert_true(rg_be32_val(pa[i - 1].addr) < rg_be32_val(pa[i].addr));
		if (pa[i].subscribers) {
			busy++;
			assert_int_equal(pa[i].pool, 0);
			assert_int_equal(pa[i].subscribers, 1);
			assert_int_equal(pa[i].ports_used[0], 1);
			assert_int_equal(pa[i].ports_used[1] + pa[i].ports_used[2], 0);
		} else {
			assert_int_equal(pa[i].ports_used[0], 0);
		}
		if (pa[i].pool == 3)
			assert_int_equal(pa[i].ports_total, 1024);
	}
	assert_int_equal(busy, 1);
	/* the range added to pool 3 is its two addresses, last in order */
	assert_int_equal(pa[na - 2].pool, 3);
	assert_int_equal(rg_be32_val(pa[na - 2].addr), PKT_IPV4(198, 51, 100, 20));
	assert_int_equal(pa[na - 1].pool, 3);
	assert_int_equal(rg_be32_val(pa[na - 1].addr), PKT_IPV4(198, 51, 100, 21));
	/* pages: the cursor is a position in address order */
	struct rg_pool_addr_rec one;
	assert_int_equal(rg_fw_pool_addr_list(e->fw, 0, &one, 1, &next), 1);
	assert_int_equal(next, 1);
	assert_int_equal(rg_fw_pool_addr_list(e->fw, na - 1, &one, 1, &next), 1);
	assert_int_equal(next, 0);
	assert_memory_equal(&one, &pa[na - 1], sizeof(one));
	assert_int_equal(rg_fw_pool_addr_list(e->fw, na, &one, 1, &next), 0);
	assert_int_equal(rg_fw_pool_del(e->fw, 3), RG_ST_OK);
	assert_int_equal(rg_fw_pool_del(e->fw, 3), RG_ST_NOT_FOUND);
	assert_int_equal(rg_fw_pool_del(e->fw, 200), RG_ST_INVALID);
}

static void test_map_and_rule_validation(void **state)
{
	struct fwenv *e = *state;
	struct rg_map_req r;
	struct rg_map_rsp rsp;
	memset(&r, 0, sizeof(r));
	r.proto = 17;
	r.in_addr = rg_be32_field(H1);
	r.in_port = rg_be16_field(4000);
	r.lifetime_s = 60;
	r.owner = RG_OWNER_PCP;
	struct rg_map_req bad = r;
	bad.proto = 47;
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_INVALID);
	bad = r;
	bad.n_filters = 9;
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_INVALID);
	bad = r;
	bad.in_port = 0;
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_INVALID);
	bad = r;
	bad.flags = 0x80;
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_INVALID);
	bad = r;
	bad.flags = RG_MAPF_PEER; /* without a peer */
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_INVALID);
	bad = r;
	bad.in_addr = rg_be32_field(PKT_IPV4(172, 16, 0, 1)); /* no pool serves it */
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_NOT_AUTHORIZED);
	bad = r;
	bad.filters[0].plen = 40;
	bad.n_filters = 1;
	assert_int_equal(rg_fw_map_add(e->fw, &bad, &rsp), RG_ST_INVALID);
	uint32_t next;
	struct rg_map_rec rec[4];
	assert_int_equal(rg_fw_map_list(e->fw, 0, rec, 4, &next), 0);
	/* the good one, renewed with the same answer; lifetime 0 deletes */
	assert_int_equal(rg_fw_map_add(e->fw, &r, &rsp), RG_ST_OK);
	struct rg_map_rsp again;
	r.lifetime_s = 90;
	assert_int_equal(rg_fw_map_add(e->fw, &r, &again), RG_ST_OK);
	assert_int_equal(again.out_port, rsp.out_port);
	assert_int_equal(again.id, rsp.id);
	assert_int_equal(again.lifetime_s, 90);
	r.lifetime_s = 0;
	assert_int_equal(rg_fw_map_add(e->fw, &r, &again), RG_ST_OK);
	assert_int_equal(rg_fw_map_list(e->fw, 0, rec, 4, &next), 0);
	struct rg_map_id id = { .proto = 99 };
	assert_int_equal(rg_fw_map_del(e->fw, &id), RG_ST_INVALID);
	assert_int_equal(rg_fw_session_del(e->fw, 1u << 30), RG_ST_INVALID);
	assert_int_equal(rg_fw_session_del(e->fw, 5), RG_ST_NOT_FOUND);
	/* rules */
	struct rg_rule rl;
	memset(&rl, 0, sizeof(rl));
	rl.id = 1;
	rl.kind = 9;
	assert_int_equal(rg_fw_rule_add(e->fw, &rl), RG_ST_INVALID);
	rl.kind = RG_RULE_FORWARD; /* no target */
	assert_int_equal(rg_fw_rule_add(e->fw, &rl), RG_ST_INVALID);
	rl.kind = RG_RULE_DROP;
	rl.dport_lo = rg_be16_field(10);
	rl.dport_hi = rg_be16_field(5);
	assert_int_equal(rg_fw_rule_add(e->fw, &rl), RG_ST_INVALID);
	rl.dport_hi = rg_be16_field(50);
	assert_int_equal(rg_fw_rule_add(e->fw, &rl), RG_ST_OK);
	for (uint32_t i = 2; i <= 32; i++) {
		rl.id = i;
		assert_int_equal(rg_fw_rule_add(e->fw, &rl), RG_ST_OK);
	}
	rl.id = 33;
	assert_int_equal(rg_fw_rule_add(e->fw, &rl), RG_ST_NO_RESOURCES);
	struct rg_rule page[10];
	uint32_t cursor = 0, total = 0;
	do {
		total += rg_fw_rule_list(e->fw, cursor, page, 10, &next);
		cursor = next;
	} while (cursor);
	assert_int_equal(total, 32);
}

static void test_reset_and_info(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 4000, 53);
	assert_non_null(fwenv_out_of(e, &s));
	struct rg_info info;
	rg_fw_info(e->fw, &info);
	assert_int_equal(info.sessions_used, 1);
	assert_int_equal(info.mappings_used, 1);
	assert_int_equal(info.sessions_max, 1024);
	assert_memory_equal(info.port_mac[1], FWENV_MAC[1], 6);
	assert_int_equal(rg_fw_reset(e->fw), RG_ST_OK);
	rg_fw_info(e->fw, &info);
	assert_int_equal(info.sessions_used, 0);
	assert_int_equal(info.mappings_used, 0);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	/* the fast path forgot the session too */
	fwenv_clear(e);
	struct pkt_spec r = fwenv_pkt_out(R1, FWENV_POOL_LO, 17, 53, 4000);
	fwenv_send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 0);
	/* and the card works again after configuration */
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_APDF);
	assert_non_null(fwenv_out_of(e, &s));
}

static void test_counter_names_unique(void **state)
{
	(void)state;
	unsigned n = 0;
	for (uint32_t a = 0; a < RG_FWC_END; a++) {
		const char *na = rg_counter_name(a);
		if (!na)
			continue;
		n++;
		for (uint32_t b = a + 1; b < RG_FWC_END; b++) {
			const char *nb = rg_counter_name(b);
			if (nb && !strcmp(na, nb))
				fail_msg("counters %u and %u are both %s", a, b, na);
		}
	}
	assert_int_equal(n, 8 + 1 + RG_PUNT__COUNT + RG_DROP__COUNT + RG_FWC_COUNT);
	assert_null(rg_counter_name(RG_FWC_END));
	assert_string_equal(rg_fw_state_name(5), "established");
	assert_null(rg_fw_state_name(0));
	assert_null(rg_fw_state_name(200));
	assert_null(rg_counter_name(100));
}

static void test_events_carry_translation(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 4000, 53);
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	int sess = 0, map = 0;
	for (unsigned i = 0; i < e->n_evts; i++) {
		struct rg_evt_nat n;
		memcpy(&n, e->evts[i].payload, sizeof(n));
		if (e->evts[i].type == RG_EVT_SESSION_CREATE) {
			sess++;
			assert_int_equal(rg_be32_val(n.in_addr), H1);
			assert_int_equal(rg_be16_val(n.in_port), 4000);
			assert_int_equal(n.rem_addr, 0); /* no destinations unless configured */
		}
		if (e->evts[i].type == RG_EVT_MAPPING_CREATE)
			map++;
	}
	assert_int_equal(sess, 1);
	assert_int_equal(map, 1);
	assert_true(e->evts[e->n_evts - 1].seq > e->evts[0].seq);
}

/* A tiny index: 2 banks x 2 buckets x 4 slots = 16 slots for 8 sessions;
 * placement needs relocation and every session must stay reachable. */
static void test_cuckoo_at_full_load(void **state)
{
	(void)state;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.buckets_log2 = 1;
	o.sessions = 16;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_APDF);
	unsigned made = 0;
	for (unsigned i = 0; i < 8; i++) {
		struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, (uint16_t)(5000 + 2 * i), 53);
		if (fwenv_out_of(e, &s))
			made++;
	}
	assert_int_equal(fwenv_counter(e, "sessions-active"), made);
	assert_true(made >= 6); /* 75 % of the slots at least */
	/* every created session answers both ways */
	struct rg_session_rec rec[16];
	uint32_t next;
	uint32_t n = rg_fw_session_list(e->fw, 0, rec, 16, &next);
	assert_int_equal(n, made);
	for (uint32_t i = 0; i < n; i++) {
		struct pkt_spec r = fwenv_pkt_out(R1, rg_be32_val(rec[i].out_addr), 17, 53,
						  rg_be16_val(rec[i].out_port));
		fwenv_clear(e);
		fwenv_send(e, 1, &r);
		const struct fwenv_frame *f = fwenv_find(e, 0, NULL);
		assert_non_null(f);
		struct pkt_view v;
		pkt_parse(f->data, f->len, &v);
		assert_int_equal(v.dport, rg_be16_val(rec[i].in_port));
	}
	fwenv_free(e);
}

/* A slot with an equal tag earlier in a key's probe order hides its session
 * from the fast path: the packet is punted and the firmware translates it,
 * byte for byte as the fast path would have (UDP, TCP, ICMP echo; both
 * directions). */
static void shadow_key(struct fwenv *e, const struct rg_flow_key *k)
{
	uint32_t h[3];
	rg_fp_hash(&e->fp, k, h);
	uint32_t b0 = h[0] & e->fp.bucket_mask;
	for (unsigned sl = 3; sl > 0; sl--) {
		uint64_t v;
		rg_fp_table_read_slot(&e->fp, 0, b0, sl - 1, &v);
		rg_fp_table_write_slot(&e->fp, 0, b0, sl, v);
	}
	/* an impostor pointing at a free session index */
	rg_fp_table_write_slot(&e->fp, 0, b0, 0, rg_slot_make(h[2], 1000, 0));
}

static void test_tag_shadow_loses_nothing(void **state)
{
	struct fwenv *e = *state;
	static const uint8_t protos[] = { 17, 6, 1 };
	for (unsigned i = 0; i < 3; i++) {
		uint8_t proto = protos[i];
		uint16_t sport = (uint16_t)(6000 + i);
		struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, proto, sport, 53);
		s.tcp_flags = 0x10;
		uint8_t pl[100];
		memset(pl, 0x5a, sizeof(pl));
		s.payload = pl;
		s.payload_len = sizeof(pl);
		if (proto == 6) {
			/* open it with a SYN first (a lone ACK makes a session too) */
			struct pkt_spec syn = s;
			syn.tcp_flags = 0x02;
			assert_non_null(fwenv_out_of(e, &syn));
		}
		const struct fwenv_frame *o = fwenv_out_of(e, &s);
		assert_non_null(o);
		struct fwenv_frame fast_out = *o;
		struct pkt_view v;
		pkt_parse(fast_out.data, fast_out.len, &v);
		/* the reply through the fast path, for comparison */
		struct pkt_spec r = fwenv_pkt_out(R1, v.src, proto, 53, v.sport);
		r.tcp_flags = 0x10;
		r.icmp_id = v.sport;
		r.payload = pl;
		r.payload_len = sizeof(pl);
		fwenv_clear(e);
		fwenv_send(e, 1, &r);
		const struct fwenv_frame *ro = fwenv_find(e, 0, NULL);
		assert_non_null(ro);
		struct fwenv_frame fast_back = *ro;
		/* hide both keys behind impostors */
		struct rg_flow_key k;
		memset(&k, 0, sizeof(k));
		k.src_addr = rg_be32_field(H1);
		k.dst_addr = rg_be32_field(R1);
		k.src_port = rg_be16_field(proto == 1 ? sport : sport);
		k.dst_port = rg_be16_field(proto == 1 ? 0 : 53);
		k.proto = proto;
		shadow_key(e, &k);
		struct rg_flow_key kb;
		memset(&kb, 0, sizeof(kb));
		kb.src_addr = rg_be32_field(R1);
		kb.dst_addr = rg_be32_field(v.src);
		kb.src_port = rg_be16_field(proto == 1 ? 0 : 53);
		kb.dst_port = rg_be16_field(v.sport);
		kb.proto = proto;
		kb.side = 1;
		shadow_key(e, &kb);
		uint64_t before = fwenv_counter(e, "slowpath-translated");
		fwenv_clear(e);
		fwenv_send(e, 0, &s);
		const struct fwenv_frame *f = fwenv_find(e, 1, NULL);
		assert_non_null(f);
		assert_int_equal(f->len, fast_out.len);
		assert_memory_equal(f->data, fast_out.data, fast_out.len);
		fwenv_clear(e);
		fwenv_send(e, 1, &r);
		f = fwenv_find(e, 0, NULL);
		assert_non_null(f);
		assert_int_equal(f->len, fast_back.len);
		assert_memory_equal(f->data, fast_back.data, fast_back.len);
		assert_int_equal(fwenv_counter(e, "slowpath-translated"), before + 2);
	}
}

/* TCP established: 7440 s, beyond one revolution of the 4096 s wheel. */
static void test_long_timer_goes_round(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 6, 33000, 80);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	pkt_parse(o->data, o->len, &v);
	struct pkt_spec r = fwenv_pkt_out(R1, v.src, 6, 80, 33000);
	r.tcp_flags = 0x12;
	fwenv_send(e, 1, &r);
	fwenv_advance(e, 7400 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_advance(e, 60 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
}

static void test_mss_clamp(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.mss_clamp = 1400;
	c.mtu[1] = 1400;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	/* SYN with MSS 1460 (options after the 20-byte header) */
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 6, 33100, 80);
	uint8_t f[128];
	uint32_t n = pkt_build(&s, f, sizeof(f));
	/* rebuild with an options area: data offset 6, MSS option */
	uint8_t g[128];
	memcpy(g, f, n);
	struct pkt_view v;
	pkt_parse(g, n, &v);
	uint8_t *t = g + v.l4;
	memmove(t + 24, t + 20, n - v.l4 - 20);
	t[12] = 6 << 4;
	t[20] = 2, t[21] = 4, t[22] = 0x05, t[23] = 0xb4;
	n += 4;
	uint16_t tot = (uint16_t)(rg_get_be16(g + v.l3 + 2) + 4);
	rg_put_be16(g + v.l3 + 2, tot);
	rg_put_be16(g + v.l3 + 10, 0);
	rg_put_be16(g + v.l3 + 10, pkt_csum(g + v.l3, 20, 0));
	rg_put_be16(t + 16, 0);
	uint32_t l4len = tot - 20;
	uint32_t ps = (H1 >> 16) + (H1 & 0xffff) + (R1 >> 16) + (R1 & 0xffff) + 6 + l4len;
	rg_put_be16(t + 16, pkt_csum(t, l4len, ps));
	fwenv_clear(e);
	fwenv_rx(e, 0, g, n);
	fwenv_arp_reply(e, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	const struct fwenv_frame *o = NULL;
	for (unsigned i = 0; i < e->n_out; i++)
		if (e->out[i].port == 1 && rg_get_be16(e->out[i].data + 12) == 0x0800)
			o = &e->out[i];
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v);
	assert_int_equal(rg_get_be16(o->data + v.l4 + 22), 1360); /* 1400 - 40 */
	assert_true(pkt_checksums_ok(o->data, o->len));
	assert_int_equal(fwenv_counter(e, "tcp-mss-clamped"), 1);
}

static void test_forward_rule_reserves_port(void **state)
{
	struct fwenv *e = *state;
	/* both pool addresses forward 40000 to an inside server */
	struct rg_rule fwd;
	memset(&fwd, 0, sizeof(fwd));
	fwd.id = 1;
	fwd.kind = RG_RULE_FORWARD;
	fwd.proto = 17;
	fwd.dst_addr = rg_be32_field(FWENV_POOL_LO);
	fwd.dst_plen = 31;
	fwd.dport_lo = fwd.dport_hi = rg_be16_field(40000);
	fwd.to_addr = rg_be32_field(PKT_IPV4(10, 0, 0, 9));
	assert_int_equal(rg_fw_rule_add(e->fw, &fwd), RG_ST_OK);
	/* an inside host using port 40000 is not given the forward's port */
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	pkt_parse(o->data, o->len, &v);
	assert_int_not_equal(v.sport, 40000);
}

/* Neighbours nothing refers to any more are reused: a small table serves
 * any number of inside hosts over time, while live ones are never taken. */
static void test_neighbour_reclaim(void **state)
{
	(void)state;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.params.neighbours = 4; /* the gateway + 3 hosts */
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_APDF);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned h = 0; h < 3; h++) {
			uint8_t mac[6] = { 2, 0, 0, 0, (uint8_t)round, (uint8_t)h };
			uint32_t addr = PKT_IPV4(10, 0, 0, 10 + 3 * round + h);
			struct pkt_spec s = fwenv_pkt_in(addr, mac, R1, 17, 4000, 53);
			const struct fwenv_frame *f = fwenv_out_of(e, &s);
			assert_non_null(f);
			/* and the reply reaches the host */
			struct pkt_view v;
			pkt_parse(f->data, f->len, &v);
			struct pkt_spec r = fwenv_pkt_out(R1, v.src, 17, 53, v.sport);
			fwenv_clear(e);
			fwenv_send(e, 1, &r);
			const struct fwenv_frame *b = fwenv_find(e, 0, NULL);
			assert_non_null(b);
			assert_memory_equal(b->data, mac, 6);
		}
		/* a fourth live host finds no free neighbour: refused, counted */
		uint8_t mac4[6] = { 2, 0, 0, 0, 9, 9 };
		struct pkt_spec s4 = fwenv_pkt_in(PKT_IPV4(10, 0, 0, 99), mac4, R1, 17, 4000, 53);
		fwenv_clear(e);
		fwenv_send(e, 0, &s4);
		assert_int_equal(fwenv_count(e, 1), 0);
		/* everything of this round ages out (sessions, hold-down) */
		fwenv_advance(e, 430 * 1000);
		assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	}
	assert_true(fwenv_counter(e, "neighbours-reclaimed") >= 6);
	fwenv_free(e);
}

/* rg_fw_punt_burst == rg_fw_punt on each punt in order. */
static void test_punt_burst_equals_sequential(void **state)
{
	(void)state;
	struct fwenv *a = fwenv_new(NULL), *b = fwenv_new(NULL);
	assert_non_null(a);
	assert_non_null(b);
	fwenv_std_config(a, RG_MAP_EIM, RG_FILTER_EIF);
	fwenv_std_config(b, RG_MAP_EIM, RG_FILTER_EIF);
	fwenv_arp_reply(a, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	fwenv_arp_reply(b, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	static uint8_t frames[RG_FP_BURST][128];
	static uint8_t outs[RG_FP_BURST][160];
	struct rg_fp_pkt pk[RG_FP_BURST];
	for (unsigned round = 0; round < 4; round++) {
		fwenv_clear(a);
		fwenv_clear(b);
		for (unsigned i = 0; i < RG_FP_BURST; i++) {
			uint8_t mac[6] = { 2, 0, 0, 0, 3, (uint8_t)i };
			static const uint8_t protos[] = { 17, 6, 1, 17 };
			struct pkt_spec s = fwenv_pkt_in(PKT_IPV4(10, 0, 0, 20 + i % 8), mac,
							 PKT_IPV4(192, 0, 2, 1 + round),
							 protos[i % 4], (uint16_t)(3000 + i), 53);
			if (i == 5)
				s.bad_l4_csum = 1;
			if (i == 9)
				s.dst = FWENV_IN_ADDR; /* to the card */
			uint32_t n = pkt_build(&s, frames[i], sizeof(frames[i]));
			fwenv_rx(a, 0, frames[i], n);
			pk[i] = (struct rg_fp_pkt){ .frame = frames[i],
						    .len = n,
						    .port = 0,
						    .ts_ms = b->now_ms,
						    .out = outs[i] };
		}
		rg_fp_process_burst(&b->fp, pk, RG_FP_BURST);
		for (unsigned i = 0; i < RG_FP_BURST; i++)
			if (pk[i].meta.verdict == RG_VERDICT_FORWARD)
				fail_msg("a first packet was forwarded by the fast path");
		rg_fw_punt_burst(b->fw, pk, RG_FP_BURST);
		assert_int_equal(a->n_out, b->n_out);
		for (unsigned i = 0; i < a->n_out; i++) {
			assert_int_equal(a->out[i].port, b->out[i].port);
			assert_int_equal(a->out[i].len, b->out[i].len);
			assert_memory_equal(a->out[i].data, b->out[i].data, a->out[i].len);
		}
	}
	assert_int_equal(fwenv_counter(a, "sessions-created"),
			 fwenv_counter(b, "sessions-created"));
	assert_true(fwenv_counter(a, "sessions-created") > 80);
	fwenv_free(a);
	fwenv_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_and_rule_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_and_info, setup, teardown),
		cmocka_unit_test(test_counter_names_unique),
		cmocka_unit_test_setup_teardown(test_events_carry_translation, setup, teardown),
		cmocka_unit_test(test_cuckoo_at_full_load),
		cmocka_unit_test_setup_teardown(test_tag_shadow_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_timer_goes_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mss_clamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_rule_reserves_port, setup, teardown),
		cmocka_unit_test(test_punt_burst_equals_sequential),
		cmocka_unit_test(test_neighbour_reclaim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
