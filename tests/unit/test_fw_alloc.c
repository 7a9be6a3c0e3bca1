/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nat-behaviour.md allocation and mapping requirements: per-subscriber
 * quotas and port hold-down (RFC 6888), port-block and deterministic pools
 * (RFC 7422), requested mappings with filters and PEER port overlapping
 * (seeds 000/001), address(-and-port)-dependent mapping, static rules
 * (forward, destination rewrite, exclusion, drop).
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

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t MAC_H2[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define R2 PKT_IPV4(192, 0, 2, 8)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static struct pkt_view outside_view(struct fwenv *e, const struct pkt_spec *s)
{
	struct pkt_view v;
	memset(&v, 0, sizeof(v));
	const struct fwenv_frame *o = fwenv_out_of(e, s);
	assert_non_null(o);
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	assert_true(pkt_checksums_ok(o->data, o->len));
	return v;
}

/* RFC 6888 REQ-3/4: per-subscriber session and port limits; exhaustion
 * drops, counts and reports, and live mappings are never evicted. */
static void test_quotas(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.max_sessions_per_sub = 3;
	c.max_ports_per_sub = 2;
	c.flags |= RG_CFG_UNREACH_ON_QUOTA;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 1111, 53);
	outside_view(e, &s);
	s.sport = 1112;
	outside_view(e, &s);
	s.sport = 1113; /* a third port: refused */
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	assert_null(fwenv_first_ipv4(e, 1));
	const struct fwenv_frame *err = fwenv_first_ipv4(e, 0);
	assert_non_null(err);
	struct pkt_view v;
	pkt_parse(err->data, err->len, &v);
	assert_int_equal(err->data[v.l4 + 1], 13);
	assert_int_equal(fwenv_counter(e, "drop-quota-ports"), 1);
	int quota_evt = 0;
	for (unsigned i = 0; i < e->n_evts; i++)
		quota_evt |= e->evts[i].type == RG_EVT_QUOTA;
	assert_true(quota_evt);
	s.sport = 1111;
	s.dst = R2;
	outside_view(e, &s); /* third session on an existing port: fine */
	s.dst = PKT_IPV4(192, 0, 2, 9);
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	assert_null(fwenv_first_ipv4(e, 1));
	assert_int_equal(fwenv_counter(e, "drop-quota-sessions"), 1);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 3);
	/* H2 is not affected */
	struct pkt_spec t = fwenv_pkt_in(H2, MAC_H2, R1, 17, 1111, 53);
	outside_view(e, &t);
}

/* RFC 6888 REQ-8: a freed port is not given to another subscriber for at
 * least 120 s; its own inside endpoint gets it back. */
static void test_port_holddown(void **state)
{
	struct fwenv *e = *state;
	/* one pool address only, a range of two ports */
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 0;
	p.filtering[0] = p.filtering[1] = p.filtering[2] = RG_FILTER_APDF;
	p.port_lo = 2000;
	p.port_hi = 2001;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 8;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 3000, 53);
	struct pkt_view v1 = outside_view(e, &s);
	struct rg_map_id id = { .proto = 17,
				.in_addr = rg_be32_field(H1),
				.in_port = rg_be16_field(3000) };
	assert_int_equal(rg_fw_map_del(e->fw, &id), RG_ST_OK);
	/* H2 and H1 (other port) fill the rest: the held port is not handed out */
	struct pkt_spec t = fwenv_pkt_in(H2, MAC_H2, R1, 17, 3000, 53);
	struct pkt_view v2 = outside_view(e, &t);
	if (v2.src == v1.src)
		assert_int_not_equal(v2.sport, v1.sport);
	/* H1's same endpoint gets its port back */
	struct pkt_view v3 = outside_view(e, &s);
	assert_int_equal(v3.sport, v1.sport);
	assert_int_equal(v3.src, v1.src);
	/* after the hold-down the port is free for anyone */
	assert_int_equal(rg_fw_map_del(e->fw, &id), RG_ST_OK);
	fwenv_advance(e, 122 * 1000);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 1);
}

static void test_port_block_pool(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(fwenv_port_block_pool(e, 64), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 3000, 53);
	struct pkt_view v1 = outside_view(e, &s);
	struct rg_evt_block blk;
	int found = 0;
	for (unsigned i = 0; i < e->n_evts; i++)
		if (e->evts[i].type == RG_EVT_BLOCK_ALLOC) {
			memcpy(&blk, e->evts[i].payload, sizeof(blk));
			found = 1;
		}
	assert_true(found);
	assert_int_equal(blk.port_hi - blk.port_lo + 1, 64);
	assert_true(v1.sport >= blk.port_lo && v1.sport <= blk.port_hi);
	for (unsigned k = 1; k < 10; k++) {
		s.sport = (uint16_t)(3000 + k);
		struct pkt_view v = outside_view(e, &s);
		assert_true(v.sport >= blk.port_lo && v.sport <= blk.port_hi);
		assert_int_equal(v.src, v1.src);
	}
	assert_int_equal(fwenv_counter(e, "port-blocks-allocated"), 1);
	/* the block goes back once every mapping in it is gone and held down */
	fwenv_advance(e, 300 * 1000 + 2000);
	assert_int_equal(fwenv_counter(e, "port-blocks-freed"), 0);
	fwenv_advance(e, 121 * 1000);
	assert_int_equal(fwenv_counter(e, "port-blocks-freed"), 1);
}

/* RFC 7422: subscriber i of 10.0.0.0/24 gets address i / per_addr and
 * ports lo + (i % per_addr) * block. */
static void test_deterministic_pool(void **state)
{
	struct fwenv *e = *state;
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 0;
	p.mode = RG_POOL_DETERMINISTIC;
	p.port_lo = 1024;
	p.port_hi = 1024 + 4 * 1000 - 1; /* 4 blocks of 1000 per address */
	p.block_size = 1000;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 24;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 3000, 53); /* index 5 */
	struct pkt_view v = outside_view(e, &s);
	assert_int_equal(v.src, FWENV_POOL_HI);				/* 5 / 4 = 1 */
	assert_true(v.sport >= 1024 + 1000 && v.sport < 1024 + 2000);	/* 5 % 4 = 1 */
	struct pkt_spec t = fwenv_pkt_in(H2, MAC_H2, R1, 17, 3000, 53); /* index 6 */
	v = outside_view(e, &t);
	assert_int_equal(v.src, FWENV_POOL_HI);
	assert_true(v.sport >= 1024 + 2000 && v.sport < 1024 + 3000);
	/* beyond the capacity (2 addresses x 4): refused */
	static const uint8_t m[6] = { 2, 0, 0, 0, 1, 9 };
	struct pkt_spec u = fwenv_pkt_in(PKT_IPV4(10, 0, 0, 9), m, R1, 17, 3000, 53);
	fwenv_clear(e);
	fwenv_send(e, 0, &u);
	assert_null(fwenv_first_ipv4(e, 1));
	assert_int_equal(fwenv_counter(e, "drop-pool-exhausted"), 1);
	/* the address listing: the second address holds both subscribers'
	 * computed ranges (a block each, in every port space) */
	struct rg_pool_addr_rec a[4];
	uint32_t next;
	assert_int_equal(rg_fw_pool_addr_list(e->fw, 0, a, 4, &next), 2);
	assert_int_equal(rg_be32_val(a[1].addr), FWENV_POOL_HI);
	assert_int_equal(a[1].subscribers, 2);
	for (unsigned c = 0; c < 3; c++) {
		assert_int_equal(a[0].ports_used[c], 0);
		assert_int_equal(a[1].ports_used[c], 2000);
	}
	assert_int_equal(a[1].ports_total, 4000);
}

/* Seed 001: a requested mapping with a FILTER admits only that remote. */
static void test_requested_mapping_with_filter(void **state)
{
	struct fwenv *e = *state;
	struct rg_map_req rq;
	memset(&rq, 0, sizeof(rq));
	rq.proto = 17;
	rq.in_addr = rg_be32_field(H1);
	rq.in_port = rg_be16_field(5060);
	rq.out_port = rg_be16_field(5060);
	rq.lifetime_s = 120;
	rq.owner = RG_OWNER_PCP;
	rq.n_filters = 1;
	rq.filters[0].addr = rg_be32_field(R1);
	rq.filters[0].plen = 32;
	struct rg_map_rsp rsp;
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &rsp), RG_ST_OK);
	assert_int_equal(rg_be16_val(rsp.out_port), 5060);
	assert_int_equal(rsp.lifetime_s, 120);
	uint32_t out = rg_be32_val(rsp.out_addr);
	struct pkt_spec a = fwenv_pkt_out(R1, out, 17, 999, 5060);
	fwenv_clear(e);
	fwenv_send(e, 1, &a);
	fwenv_arp_reply(e, 0, H1, MAC_H1); /* the firmware asked for H1 */
	const struct fwenv_frame *f = fwenv_first_ipv4(e, 0);
	assert_non_null(f);
	struct pkt_view v;
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.dport, 5060);
	struct pkt_spec b = fwenv_pkt_out(R2, out, 17, 999, 5060);
	fwenv_clear(e);
	fwenv_send(e, 1, &b);
	assert_null(fwenv_first_ipv4(e, 0));
	assert_int_equal(fwenv_counter(e, "drop-filtered"), 1);
	/* PREFER_FAILURE on a taken port */
	rq.in_addr = rg_be32_field(H2);
	rq.flags = RG_MAPF_PREFER_FAILURE;
	rq.out_addr = rsp.out_addr;
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &rsp), RG_ST_CANNOT_PROVIDE);
	/* expiry */
	/* the lifetime ends while R1's flow still uses it: it lives on as a
	 * dynamic mapping (pool filtering) until that flow times out */
	fwenv_advance(e, 121 * 1000);
	struct rg_map_id id = { .proto = 17,
				.in_addr = rg_be32_field(H1),
				.in_port = rg_be16_field(5060) };
	struct rg_map_rec rec;
	assert_int_equal(rg_fw_map_get(e->fw, &id, &rec), RG_ST_OK);
	assert_int_equal(rec.owner, RG_OWNER_DYNAMIC);
	assert_int_equal(rec.n_filters, 0);
	fwenv_advance(e, 300 * 1000);
	assert_int_equal(rg_fw_map_get(e->fw, &id, &rec), RG_ST_NOT_FOUND);
}

/* Seed 000: non-replaceable ports toward different destinations share one
 * outside address:port; toward the same destination the second fails. */
static void test_peer_port_overlap(void **state)
{
	struct fwenv *e = *state;
	/* a single outside address so both hosts share it */
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 1;
	p.port_lo = 1024;
	p.port_hi = 65535;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 16;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	struct rg_pool_range r = { .id = 1,
				   .lo = rg_be32_field(PKT_IPV4(198, 51, 100, 50)),
				   .hi = rg_be32_field(PKT_IPV4(198, 51, 100, 50)) };
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_OK);
	struct rg_map_req rq;
	memset(&rq, 0, sizeof(rq));
	rq.proto = 6;
	rq.flags = RG_MAPF_PEER | RG_MAPF_PREFER_FAILURE;
	rq.in_addr = rg_be32_field(H1);
	rq.in_port = rg_be16_field(5000);
	rq.out_port = rg_be16_field(5000);
	rq.rem_addr = rg_be32_field(R1);
	rq.rem_port = rg_be16_field(80);
	rq.lifetime_s = 300;
	rq.owner = RG_OWNER_PCP;
	struct rg_map_rsp a, b, c;
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &a), RG_ST_OK);
	assert_int_equal(rg_be16_val(a.out_port), 5000);
	rq.in_addr = rg_be32_field(H2);
	rq.rem_addr = rg_be32_field(R2);
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &b), RG_ST_OK);
	assert_int_equal(b.out_addr, a.out_addr);
	assert_int_equal(rg_be16_val(b.out_port), 5000);
	rq.in_addr = rg_be32_field(PKT_IPV4(10, 0, 0, 7));
	rq.rem_addr = rg_be32_field(R1);
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &c), RG_ST_CANNOT_PROVIDE);
	/* both flows work at once */
	struct pkt_spec s1 = fwenv_pkt_in(H1, MAC_H1, R1, 6, 5000, 80);
	struct pkt_view v1 = outside_view(e, &s1);
	assert_int_equal(v1.sport, 5000);
	struct pkt_spec s2 = fwenv_pkt_in(H2, MAC_H2, R2, 6, 5000, 80);
	struct pkt_view v2 = outside_view(e, &s2);
	assert_int_equal(v2.sport, 5000);
	assert_int_equal(v1.src, v2.src);
	struct pkt_spec back = fwenv_pkt_out(R2, v2.src, 6, 80, 5000);
	fwenv_clear(e);
	fwenv_send(e, 1, &back);
	const struct fwenv_frame *f = fwenv_first_ipv4(e, 0);
	assert_non_null(f);
	struct pkt_view w;
	pkt_parse(f->data, f->len, &w);
	assert_int_equal(w.dst, H2);
	/* an endpoint-dependent mapping is found and deleted by its endpoint */
	struct rg_map_id id = { .proto = 6,
				.in_addr = rg_be32_field(H2),
				.in_port = rg_be16_field(5000) };
	struct rg_map_rec rec;
	assert_int_equal(rg_fw_map_get(e->fw, &id, &rec), RG_ST_OK);
	assert_int_equal(rec.owner, RG_OWNER_PCP);
	assert_int_equal(rg_fw_map_del(e->fw, &id), RG_ST_OK);
	assert_int_equal(rg_fw_map_get(e->fw, &id, &rec), RG_ST_NOT_FOUND);
	fwenv_clear(e);
	fwenv_send(e, 1, &back);
	assert_null(fwenv_first_ipv4(e, 0));
}

static void test_static_rules(void **state)
{
	struct fwenv *e = *state;
	/* port forward 198.51.100.10:8080 -> 10.0.0.5:80 */
	struct rg_rule fwd;
	memset(&fwd, 0, sizeof(fwd));
	fwd.id = 1;
	fwd.kind = RG_RULE_FORWARD;
	fwd.proto = 6;
	fwd.dst_addr = rg_be32_field(FWENV_POOL_LO);
	fwd.dst_plen = 32;
	fwd.dport_lo = fwd.dport_hi = rg_be16_field(8080);
	fwd.to_addr = rg_be32_field(H1);
	fwd.to_port = rg_be16_field(80);
	assert_int_equal(rg_fw_rule_add(e->fw, &fwd), RG_ST_OK);
	assert_int_equal(rg_fw_rule_add(e->fw, &fwd), RG_ST_EXISTS);
	struct pkt_spec syn = fwenv_pkt_out(R1, FWENV_POOL_LO, 6, 4444, 8080);
	syn.tcp_flags = 0x02;
	fwenv_clear(e);
	fwenv_send(e, 1, &syn);
	fwenv_arp_reply(e, 0, H1, MAC_H1); /* the firmware asked for H1 */
	const struct fwenv_frame *f = fwenv_first_ipv4(e, 0);
	assert_non_null(f);
	struct pkt_view v;
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.dport, 80);
	assert_true(pkt_checksums_ok(f->data, f->len));
	/* the answer leaves from the forward's outside endpoint */
	struct pkt_spec ack = fwenv_pkt_in(H1, MAC_H1, R1, 6, 80, 4444);
	ack.tcp_flags = 0x12;
	struct pkt_view w = outside_view(e, &ack);
	assert_int_equal(w.src, FWENV_POOL_LO);
	assert_int_equal(w.sport, 8080);
	/* destination rewrite: 192.0.2.100:53 -> 192.0.2.53:5353 */
	struct rg_rule dn;
	memset(&dn, 0, sizeof(dn));
	dn.id = 2;
	dn.kind = RG_RULE_DSTNAT;
	dn.proto = 17;
	dn.dst_addr = rg_be32_field(PKT_IPV4(192, 0, 2, 100));
	dn.dst_plen = 32;
	dn.to_addr = rg_be32_field(PKT_IPV4(192, 0, 2, 53));
	dn.to_port = rg_be16_field(5353);
	assert_int_equal(rg_fw_rule_add(e->fw, &dn), RG_ST_OK);
	struct pkt_spec q = fwenv_pkt_in(H1, MAC_H1, PKT_IPV4(192, 0, 2, 100), 17, 6000, 53);
	w = outside_view(e, &q);
	assert_int_equal(w.dst, PKT_IPV4(192, 0, 2, 53));
	assert_int_equal(w.dport, 5353);
	struct pkt_spec ans = fwenv_pkt_out(PKT_IPV4(192, 0, 2, 53), w.src, 17, 5353, w.sport);
	fwenv_clear(e);
	fwenv_send(e, 1, &ans);
	f = fwenv_first_ipv4(e, 0);
	assert_non_null(f);
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.src, PKT_IPV4(192, 0, 2, 100)); /* as the inside host asked */
	assert_int_equal(v.sport, 53);
	/* exclusion: no translation toward 192.0.2.200/32 */
	struct rg_rule ex;
	memset(&ex, 0, sizeof(ex));
	ex.id = 3;
	ex.kind = RG_RULE_EXCLUDE;
	ex.dst_addr = rg_be32_field(PKT_IPV4(192, 0, 2, 200));
	ex.dst_plen = 32;
	assert_int_equal(rg_fw_rule_add(e->fw, &ex), RG_ST_OK);
	struct pkt_spec x = fwenv_pkt_in(H1, MAC_H1, PKT_IPV4(192, 0, 2, 200), 17, 6001, 9);
	w = outside_view(e, &x);
	assert_int_equal(w.src, H1);
	assert_int_equal(w.sport, 6001);
	/* drop rule */
	struct rg_rule dr;
	memset(&dr, 0, sizeof(dr));
	dr.id = 4;
	dr.kind = RG_RULE_DROP;
	dr.dst_addr = rg_be32_field(PKT_IPV4(192, 0, 2, 66));
	dr.dst_plen = 32;
	assert_int_equal(rg_fw_rule_add(e->fw, &dr), RG_ST_OK);
	struct pkt_spec d = fwenv_pkt_in(H1, MAC_H1, PKT_IPV4(192, 0, 2, 66), 17, 6002, 9);
	fwenv_clear(e);
	fwenv_send(e, 0, &d);
	assert_null(fwenv_first_ipv4(e, 1));
	assert_int_equal(fwenv_counter(e, "drop-rule"), 1);
	/* to-host: DNS to the outside address goes to the daemon */
	struct rg_rule th;
	memset(&th, 0, sizeof(th));
	th.id = 5;
	th.kind = RG_RULE_TO_HOST;
	th.proto = 17;
	th.dst_addr = rg_be32_field(FWENV_OUT_ADDR);
	th.dst_plen = 32;
	th.dport_lo = th.dport_hi = rg_be16_field(53);
	assert_int_equal(rg_fw_rule_add(e->fw, &th), RG_ST_OK);
	struct pkt_spec dq = fwenv_pkt_out(R1, FWENV_OUT_ADDR, 17, 3333, 53);
	fwenv_clear(e);
	fwenv_send(e, 1, &dq);
	const struct fwenv_frame *h = fwenv_first_ipv4(e, 2);
	assert_non_null(h);
	pkt_parse(h->data, h->len, &v);
	assert_int_equal(v.dst, FWENV_OUT_ADDR);
	assert_int_equal(v.src, R1);
	assert_int_equal(fwenv_counter(e, "to-host"), 1);
	struct rg_rule list[8];
	uint32_t next;
	assert_int_equal(rg_fw_rule_list(e->fw, 0, list, 8, &next), 5);
	assert_int_equal(rg_fw_rule_del(e->fw, 4), RG_ST_OK);
	assert_int_equal(rg_fw_rule_del(e->fw, 4), RG_ST_NOT_FOUND);
}

static int setup_apdm(void **state)
{
	return fwenv_fixture(state, RG_MAP_APDM, RG_FILTER_APDF);
}

static int setup_adm(void **state)
{
	return fwenv_fixture(state, RG_MAP_ADM, RG_FILTER_APDF);
}

/* Address-and-port-dependent mapping: another remote endpoint gets another
 * mapping; the same remote endpoint keeps its own. */
static void test_apdm_mapping(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 6000, 53);
	struct pkt_view v1 = outside_view(e, &s);
	s.dport = 54;
	struct pkt_view v2 = outside_view(e, &s);
	s.dst = R2;
	struct pkt_view v3 = outside_view(e, &s);
	assert_true(v1.src != v2.src || v1.sport != v2.sport);
	assert_true(v1.src != v3.src || v1.sport != v3.sport);
	s.dst = R1;
	s.dport = 53;
	struct pkt_view again = outside_view(e, &s);
	assert_int_equal(again.sport, v1.sport);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 3);
}

/* Address-dependent mapping: one mapping per remote address, any port. */
static void test_adm_mapping(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 6000, 53);
	struct pkt_view v1 = outside_view(e, &s);
	s.dport = 54;
	struct pkt_view v2 = outside_view(e, &s);
	assert_int_equal(v1.sport, v2.sport);
	s.dst = R2;
	struct pkt_view v3 = outside_view(e, &s);
	assert_true(v1.src != v3.src || v1.sport != v3.sport);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 2);
}

/* Non-contiguous pool (two ranges), privileged class, and ports that are
 * hard to guess when the inside port is taken (RFC 6056). */
static void test_pool_ranges_classes_randomness(void **state)
{
	struct fwenv *e = *state;
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 0;
	p.filtering[0] = p.filtering[1] = p.filtering[2] = RG_FILTER_APDF;
	p.flags = RG_POOLF_PORT_PRESERVE;
	p.port_lo = 1;
	p.port_hi = 65535;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 8;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	struct rg_pool_range r = { .id = 0,
				   .lo = rg_be32_field(PKT_IPV4(198, 51, 100, 40)),
				   .hi = rg_be32_field(PKT_IPV4(198, 51, 100, 40)) };
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_OK);
	/* 24 hosts: spread over the three addresses of both ranges */
	unsigned used40 = 0;
	uint16_t ports[24];
	for (unsigned i = 0; i < 24; i++) {
		uint8_t mac[6] = { 2, 0, 0, 0, 2, (uint8_t)i };
		uint32_t h = PKT_IPV4(10, 0, 0, 100 + i);
		/* the first flow of each host uses port 5000: most collide */
		struct pkt_spec s = fwenv_pkt_in(h, mac, R1, 17, 5000, 53);
		struct pkt_view v = outside_view(e, &s);
		used40 += v.src == PKT_IPV4(198, 51, 100, 40);
		ports[i] = v.sport;
		/* a privileged port stays privileged */
		struct pkt_spec q = fwenv_pkt_in(h, mac, R1, 17, 123, 123);
		struct pkt_view w = outside_view(e, &q);
		assert_true(w.sport >= 1 && w.sport < 1024);
		assert_int_equal(w.src, v.src); /* paired */
	}
	assert_true(used40 >= 6);
	/* colliding hosts did not get a predictable sequence of ports */
	unsigned distinct_high = 0;
	for (unsigned i = 0; i < 24; i++) {
		int seen = 0;
		for (unsigned j = 0; j < i; j++)
			seen |= (ports[j] >> 10) == (ports[i] >> 10);
		distinct_high += !seen;
	}
	assert_true(distinct_high >= 8);
}

/* RFC 5382 REQ-5: an unanswered outbound SYN is transitory (>= 240 s). */
static void test_tcp_transitory_timeout(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 6, 34000, 80);
	outside_view(e, &s);
	fwenv_advance(e, 239 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_advance(e, 3 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
}

/* RFC 6888 REQ-12 / RFC 8158: destinations in events only when configured. */
static void test_log_destinations_when_configured(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.flags |= RG_CFG_LOG_DEST;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 34001, 53);
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	int found = 0;
	for (unsigned i = 0; i < e->n_evts; i++) {
		if (e->evts[i].type != RG_EVT_SESSION_CREATE)
			continue;
		struct rg_evt_nat n;
		memcpy(&n, e->evts[i].payload, sizeof(n));
		assert_int_equal(rg_be32_val(n.rem_addr), R1);
		assert_int_equal(rg_be16_val(n.rem_port), 53);
		found = 1;
	}
	assert_true(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quotas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_ranges_classes_randomness, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tcp_transitory_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_destinations_when_configured, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_port_holddown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_block_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requested_mapping_with_filter, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_peer_port_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apdm_mapping, setup_apdm, teardown),
		cmocka_unit_test_setup_teardown(test_adm_mapping, setup_adm, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
