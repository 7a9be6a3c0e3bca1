/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The soft fast path (firmware/fastpath/) against "Fast path semantics" in
 * docs/design.md: translation both ways with valid checksums, ICMP query ids,
 * hairpin/twice-NAT field use, tunnels, every early punt and drop, TTL and
 * MTU, FORCE, statistics and counters, the Toeplitz tables, and burst ==
 * one-by-one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../firmware/fastpath/fp.h"
#include "../../firmware/lib/bytes.h"
#include "realmgate/regmap.h"
#include "../../firmware/lib/csum.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_IN[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const uint8_t MAC_OUT[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t MAC_LAN[6] = { 0x02, 0, 0, 0, 0, 0x22 };
static const uint8_t MAC_WAN[6] = { 0x02, 0, 0, 0, 0, 0x33 };

#define LAN PKT_IPV4(10, 0, 0, 2)
#define GW_OUT PKT_IPV4(203, 0, 113, 1)
#define WAN PKT_IPV4(203, 0, 113, 2)
#define GW_IN PKT_IPV4(10, 0, 0, 1)

struct env {
	struct rg_fp *fp;
	void *mem;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct rg_fp_geometry g = { .buckets_log2 = 8, .sessions = 256, .adjacencies = 16 };
	size_t len = rg_fp_mem_size(&g);
	e->mem = aligned_alloc(64, (len + 63) & ~(size_t)63);
	e->fp = malloc(sizeof(*e->fp));
	if (!e->mem || !e->fp || rg_fp_init(e->fp, &g, e->mem, len))
		return -1;
	uint8_t secret[RG_HASH_SECRET_BYTES];
	for (unsigned i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(i * 37 + 11);
	rg_fp_set_secret(e->fp, secret);
	memcpy(e->fp->port_mac[RG_PORT_INSIDE], MAC_IN, 6);
	memcpy(e->fp->port_mac[RG_PORT_OUTSIDE], MAC_OUT, 6);
	e->fp->tunnel_src = GW_IN;
	struct rg_adjacency to_wan = { .port = RG_PORT_OUTSIDE, .flags = RG_ADJ_VALID };
	memcpy(to_wan.dst_mac, MAC_WAN, 6);
	memcpy(to_wan.src_mac, MAC_OUT, 6);
	struct rg_adjacency to_lan = { .port = RG_PORT_INSIDE, .flags = RG_ADJ_VALID };
	memcpy(to_lan.dst_mac, MAC_LAN, 6);
	memcpy(to_lan.src_mac, MAC_IN, 6);
	rg_fp_table_write_adj(e->fp, 1, &to_wan);
	rg_fp_table_write_adj(e->fp, 2, &to_lan);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	free(e->fp);
	free(e->mem);
	free(e);
	return 0;
}

/* Install a session the way the slow path does: body, then both slots in the
 * first free slot of the key's bank-0 bucket (bank 1 when full). */
static void install(struct rg_fp *fp, uint32_t idx, const struct rg_session *s)
{
	assert_int_equal(rg_fp_table_write_session(fp, idx, s), 0);
	for (unsigned dir = 0; dir < 2; dir++) {
		struct rg_flow_key k;
		uint32_t h[3];
		memset(&k, 0, sizeof(k));
		k.proto = s->proto;
		if (dir == RG_DIR_I2O) {
			k.src_addr = s->in_addr;
			k.src_port = s->in_port;
			k.dst_addr = s->rem_xaddr;
			k.dst_port = s->rem_xport;
			k.side = (uint8_t)RG_SIDES_IN(s->sides);
			k.flags = (s->flags & RG_SESS_I2O_TUNNEL) ? RG_KEY_TUNNEL : 0;
		} else {
			k.src_addr = s->rem_addr;
			k.src_port = s->rem_port;
			k.dst_addr = s->out_addr;
			k.dst_port = s->out_port;
			k.side = (uint8_t)RG_SIDES_REM(s->sides);
			k.flags = (s->flags & RG_SESS_O2I_TUNNEL) ? RG_KEY_TUNNEL : 0;
		}
		rg_fp_hash(fp, &k, h);
		int placed = 0;
		for (unsigned b = 0; b < 2 && !placed; b++)
			for (unsigned sl = 0; sl < 4 && !placed; sl++) {
				uint64_t v;
				rg_fp_table_read_slot(fp, b, h[b] & fp->bucket_mask, sl, &v);
				if (!(v >> 63)) {
					rg_fp_table_write_slot(fp, b, h[b] & fp->bucket_mask, sl,
							       rg_slot_make(h[2], idx, dir));
					placed = 1;
				}
			}
		assert_true(placed);
	}
}

/* Deltas the slow path precomputes for a rewrite (RFC 1624). */
static void set_deltas(struct rg_session *s)
{
	uint32_t in = rg_be32_val(s->in_addr), out = rg_be32_val(s->out_addr);
	uint32_t rx = rg_be32_val(s->rem_xaddr), r = rg_be32_val(s->rem_addr);
	uint16_t d3 = rg_csum_add(rg_csum_delta32(in, out), rg_csum_delta32(rx, r));
	uint16_t dp =
		rg_csum_add(rg_csum_delta16(rg_be16_val(s->in_port), rg_be16_val(s->out_port)),
			    rg_csum_delta16(rg_be16_val(s->rem_xport), rg_be16_val(s->rem_port)));
	s->csum_l3 = rg_be16_field(d3);
	s->csum_l4 = rg_be16_field(s->proto == 1 ? dp : rg_csum_add(d3, dp));
}

static struct rg_session napt(uint8_t proto, uint16_t in_port, uint16_t out_port, uint16_t rem_port)
{
	struct rg_session s;
	memset(&s, 0, sizeof(s));
	s.proto = proto;
	s.flags = RG_SESS_VALID;
	s.ops = RG_OPS(RG_ACT_FORWARD, RG_ACT_FORWARD);
	s.sides = RG_SIDES(RG_PORT_INSIDE, RG_PORT_OUTSIDE);
	s.in_addr = rg_be32_field(LAN);
	s.in_port = rg_be16_field(in_port);
	s.out_addr = rg_be32_field(GW_OUT);
	s.out_port = rg_be16_field(out_port);
	s.rem_addr = s.rem_xaddr = rg_be32_field(WAN);
	s.rem_port = s.rem_xport = rg_be16_field(rem_port);
	s.adj_i2o = 1;
	s.adj_o2i = 2;
	set_deltas(&s);
	return s;
}

static struct pkt_spec lan_pkt(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct pkt_spec p;
	memset(&p, 0, sizeof(p));
	memcpy(p.dmac, MAC_IN, 6);
	memcpy(p.smac, MAC_LAN, 6);
	p.src = LAN;
	p.dst = WAN;
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = 0x10;
	return p;
}

static struct pkt_spec wan_pkt(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct pkt_spec p = lan_pkt(proto, sport, dport);
	memcpy(p.dmac, MAC_OUT, 6);
	memcpy(p.smac, MAC_WAN, 6);
	p.src = WAN;
	p.dst = GW_OUT;
	return p;
}

struct result {
	struct rg_fp_out_meta m;
	uint8_t out[2048];
	uint32_t len;
};

static void run(struct rg_fp *fp, const struct pkt_spec *p, unsigned port, unsigned flags,
		struct result *r)
{
	uint8_t f[2048];
	uint32_t n = pkt_build(p, f, sizeof(f));
	assert_true(n > 0);
	rg_fp_process_frame(fp, f, n, port, flags, 1000, r->out, sizeof(r->out), &r->len, &r->m);
}

static void test_udp_napt_both_ways(void **state)
{
	struct env *e = *state;
	struct rg_session s = napt(17, 40000, 1024, 53);
	install(e->fp, 3, &s);
	uint8_t payload[300];
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	struct pkt_spec p = lan_pkt(17, 40000, 53);
	p.payload = payload;
	p.payload_len = sizeof(payload); /* beyond the window: tail sum used */
	struct result r;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_int_equal(r.m.port, RG_PORT_OUTSIDE);
	assert_int_equal(r.m.hit, RG_FPOUT_HIT | 3);
	struct pkt_view v;
	assert_int_equal(pkt_parse(r.out, r.len, &v), 0);
	assert_int_equal(v.src, GW_OUT);
	assert_int_equal(v.sport, 1024);
	assert_int_equal(v.dst, WAN);
	assert_int_equal(v.dport, 53);
	assert_int_equal(v.ttl, 63);
	assert_memory_equal(r.out, MAC_WAN, 6);
	assert_memory_equal(r.out + 6, MAC_OUT, 6);
	assert_true(pkt_checksums_ok(r.out, r.len));
	assert_memory_equal(r.out + v.l4 + 8, payload, sizeof(payload));

	struct pkt_spec q = wan_pkt(17, 53, 1024);
	run(e->fp, &q, RG_PORT_OUTSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_int_equal(r.m.port, RG_PORT_INSIDE);
	assert_int_equal(r.m.hit, RG_FPOUT_HIT | 1u << 30 | 3);
	assert_int_equal(pkt_parse(r.out, r.len, &v), 0);
	assert_int_equal(v.src, WAN);
	assert_int_equal(v.dst, LAN);
	assert_int_equal(v.dport, 40000);
	assert_true(pkt_checksums_ok(r.out, r.len));

	struct rg_session st;
	rg_fp_table_read_session(e->fp, 3, &st);
	assert_int_equal(st.pkts_i2o, 1);
	assert_int_equal(st.pkts_o2i, 1);
	assert_int_equal(st.last_seen, 1000);
	assert_int_equal(e->fp->counters[RG_FPC_HIT], 2);
	assert_int_equal(e->fp->counters[RG_FPC_TX(RG_PORT_OUTSIDE)], 1);
}

/* The L4 checksum is verified over the window, the MAC's tail sum and the
 * pseudo-header for every length: each payload length from 0 to 300 bytes
 * (odd and even, within and beyond the window) forwards with a good
 * checksum and is dropped when any one byte is flipped — the first, the
 * last, or the one at the window's edge. */
static void test_l4_checksum_every_length(void **state)
{
	struct env *e = *state;
	struct rg_session s = napt(17, 40000, 1024, 53);
	install(e->fp, 3, &s);
	uint8_t payload[300];
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	for (unsigned len = 0; len <= sizeof(payload); len++) {
		struct pkt_spec p = lan_pkt(17, 40000, 53);
		p.payload = payload;
		p.payload_len = len;
		uint8_t f[2048], out[2048];
		uint32_t n = pkt_build(&p, f, sizeof(f)), olen;
		struct rg_fp_out_meta m;
		rg_fp_process_frame(e->fp, f, n, RG_PORT_INSIDE, 0, 1000, out, sizeof(out), &olen,
				    &m);
		if (m.verdict != RG_VERDICT_FORWARD)
			fail_msg("payload %u: verdict %u reason %u", len, m.verdict, m.reason);
		uint32_t at[3] = { n - len, n - 1, RG_FP_WIN_IN };
		for (unsigned j = 0; j < 3 && len; j++) {
			if (at[j] < n - len || at[j] >= n)
				continue;
			f[at[j]] ^= 0x10;
			rg_fp_process_frame(e->fp, f, n, RG_PORT_INSIDE, 0, 1000, out, sizeof(out),
					    &olen, &m);
			f[at[j]] ^= 0x10;
			if (m.verdict != RG_VERDICT_DROP || m.reason != RG_DROP_BAD_L4_CSUM)
				fail_msg("payload %u, byte %u flipped: verdict %u reason %u", len,
					 at[j], m.verdict, m.reason);
		}
	}
}

static void test_udp_zero_checksum_stays_zero(void **state)
{
	struct env *e = *state;
	struct rg_session s = napt(17, 5000, 6000, 7000);
	install(e->fp, 4, &s);
	struct pkt_spec p = lan_pkt(17, 5000, 7000);
	p.udp_no_csum = 1;
	struct result r;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	struct pkt_view v;
	pkt_parse(r.out, r.len, &v);
	assert_int_equal(rg_get_be16(r.out + v.l4 + 6), 0);
}

static void test_tcp_and_control_flags(void **state)
{
	struct env *e = *state;
	struct rg_session s = napt(6, 33000, 33000, 80);
	install(e->fp, 5, &s);
	struct pkt_spec p = lan_pkt(6, 33000, 80);
	struct result r;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_true(pkt_checksums_ok(r.out, r.len));
	p.tcp_flags = 0x11; /* FIN|ACK: state tracking is the slow path's */
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
	assert_int_equal(r.m.reason, RG_PUNT_TCP_CTRL);
	run(e->fp, &p, RG_PORT_INSIDE, RG_FPIN_FORCE, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_true(pkt_checksums_ok(r.out, r.len));
}

static void test_icmp_query_id_translation(void **state)
{
	struct env *e = *state;
	/* inside-initiated echo: id on the inside endpoint's side */
	struct rg_session s = napt(1, 0x1234, 0x0042, 0);
	install(e->fp, 6, &s);
	struct pkt_spec p = lan_pkt(1, 0, 0);
	p.icmp_type = 8;
	p.icmp_id = 0x1234;
	p.icmp_seq = 1;
	struct result r;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	struct pkt_view v;
	pkt_parse(r.out, r.len, &v);
	assert_int_equal(v.sport, 0x0042);
	assert_true(pkt_checksums_ok(r.out, r.len));
	struct pkt_spec q = wan_pkt(1, 0, 0);
	q.icmp_type = 0;
	q.icmp_id = 0x0042;
	run(e->fp, &q, RG_PORT_OUTSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	pkt_parse(r.out, r.len, &v);
	assert_int_equal(v.sport, 0x1234);
	assert_int_equal(v.dst, LAN);
	assert_true(pkt_checksums_ok(r.out, r.len));
	/* an echo request from outside to the mapped id is a different key */
	q.icmp_type = 8;
	run(e->fp, &q, RG_PORT_OUTSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
	assert_int_equal(r.m.reason, RG_PUNT_MISS);
	/* ICMP errors always go to the slow path */
	q.icmp_type = 3;
	run(e->fp, &q, RG_PORT_OUTSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_PUNT_ICMP_ERROR);
}

static void test_hairpin_session(void **state)
{
	struct env *e = *state;
	/* 10.0.0.2:5000 -> 203.0.113.1:6000 (mapping of 10.0.0.3:7000) */
	struct rg_session s = napt(17, 5000, 5001, 7000);
	s.sides = RG_SIDES(RG_PORT_INSIDE, RG_PORT_INSIDE);
	s.rem_addr = rg_be32_field(PKT_IPV4(10, 0, 0, 3));
	s.rem_xaddr = rg_be32_field(GW_OUT);
	s.rem_xport = rg_be16_field(6000);
	s.adj_i2o = 2;
	set_deltas(&s);
	install(e->fp, 7, &s);
	struct pkt_spec p = lan_pkt(17, 5000, 6000);
	p.dst = GW_OUT;
	struct result r;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_int_equal(r.m.port, RG_PORT_INSIDE);
	struct pkt_view v;
	pkt_parse(r.out, r.len, &v);
	assert_int_equal(v.src, GW_OUT);
	assert_int_equal(v.sport, 5001);
	assert_int_equal(v.dst, PKT_IPV4(10, 0, 0, 3));
	assert_int_equal(v.dport, 7000);
	assert_true(pkt_checksums_ok(r.out, r.len));
	/* the reply from the other inside host comes back in on the inside */
	struct pkt_spec q = lan_pkt(17, 7000, 5001);
	q.src = PKT_IPV4(10, 0, 0, 3);
	q.dst = GW_OUT;
	run(e->fp, &q, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	pkt_parse(r.out, r.len, &v);
	assert_int_equal(v.src, GW_OUT);
	assert_int_equal(v.sport, 6000);
	assert_int_equal(v.dst, LAN);
	assert_int_equal(v.dport, 5000);
	assert_true(pkt_checksums_ok(r.out, r.len));
}

static void test_tunnel_decap_and_encap(void **state)
{
	struct env *e = *state;
	/* DNAT host 10.0.0.2 sends as 203.0.113.1:20000 inside IP-in-IP */
	struct rg_session s;
	memset(&s, 0, sizeof(s));
	s.proto = 17;
	s.flags = RG_SESS_VALID | RG_SESS_I2O_TUNNEL;
	s.ops = RG_OPS(RG_ACT_FORWARD | RG_ACT_KEEP_TTL,
		       RG_ACT_FORWARD | RG_ACT_ENCAP | RG_ACT_KEEP_TTL);
	s.sides = RG_SIDES(RG_PORT_INSIDE, RG_PORT_OUTSIDE);
	s.in_addr = s.out_addr = rg_be32_field(GW_OUT);
	s.in_port = s.out_port = rg_be16_field(20000);
	s.rem_addr = s.rem_xaddr = rg_be32_field(WAN);
	s.rem_port = s.rem_xport = rg_be16_field(9);
	s.tun_addr = rg_be32_field(LAN);
	s.adj_i2o = 1;
	s.adj_o2i = 2;
	install(e->fp, 8, &s);

	struct pkt_spec p = lan_pkt(17, 20000, 9);
	p.src = GW_OUT;
	p.tunnel_src = LAN;
	p.tunnel_dst = GW_IN;
	uint8_t in[256];
	uint32_t n = pkt_build(&p, in, sizeof(in));
	struct result r;
	rg_fp_process_frame(e->fp, in, n, RG_PORT_INSIDE, 0, 5, r.out, sizeof(r.out), &r.len, &r.m);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_int_equal(r.len, n - 20);
	/* the inner packet leaves exactly as the host built it */
	assert_memory_equal(r.out + 14, in + 34, n - 34);

	/* from the wrong tunnel host: dropped */
	p.tunnel_src = PKT_IPV4(10, 0, 0, 9);
	n = pkt_build(&p, in, sizeof(in));
	rg_fp_process_frame(e->fp, in, n, RG_PORT_INSIDE, 0, 5, r.out, sizeof(r.out), &r.len, &r.m);
	assert_int_equal(r.m.verdict, RG_VERDICT_DROP);
	assert_int_equal(r.m.reason, RG_DROP_TUNNEL_SRC);

	/* the reply is encapsulated toward the host */
	struct pkt_spec q = wan_pkt(17, 9, 20000);
	n = pkt_build(&q, in, sizeof(in));
	rg_fp_process_frame(e->fp, in, n, RG_PORT_OUTSIDE, 0, 5, r.out, sizeof(r.out), &r.len,
			    &r.m);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	assert_int_equal(r.len, n + 20);
	struct pkt_view v;
	assert_int_equal(pkt_parse(r.out, r.len, &v), 0);
	assert_true(v.tunnel);
	assert_int_equal(rg_get_be32(r.out + 14 + 12), GW_IN);
	assert_int_equal(rg_get_be32(r.out + 14 + 16), LAN);
	assert_memory_equal(r.out + 34, in + 14, n - 14);
	assert_true(pkt_checksums_ok(r.out, r.len));
}

static void test_early_drops_and_punts(void **state)
{
	struct env *e = *state;
	struct rg_session s = napt(17, 1111, 2222, 3333);
	install(e->fp, 9, &s);
	struct result r;
	struct pkt_spec p = lan_pkt(17, 1111, 3333);

	p.bad_ip_csum = 1;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_DROP);
	assert_int_equal(r.m.reason, RG_DROP_BAD_IP_CSUM);
	p.bad_ip_csum = 0;

	/* bad L4 checksum on an established flow: dropped, never forwarded */
	p.bad_l4_csum = 1;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_DROP);
	assert_int_equal(r.m.reason, RG_DROP_BAD_L4_CSUM);
	p.bad_l4_csum = 0;

	p.frag = 0x2000;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_PUNT_FRAG);
	p.frag = 0;

	p.ttl = 1;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
	assert_int_equal(r.m.reason, RG_PUNT_TTL);
	p.ttl = 0;

	memcpy(p.dmac, MAC_WAN, 6);
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_DROP_NOT_MINE);
	memset(p.dmac, 0xff, 6);
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_PUNT_L2_BCAST);
	memcpy(p.dmac, MAC_IN, 6);

	p.proto = 47; /* GRE */
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_PUNT_PROTO);
	p.proto = 17;

	/* options are the slow path's (step 3): punted even on a session,
	 * after the fragment check */
	p.ip_opt_len = 8;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
	assert_int_equal(r.m.reason, RG_PUNT_IP_OPTIONS);
	p.frag = 0x2000;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_PUNT_FRAG);
	p.frag = 0;
	p.ip_opt_len = 0;

	/* a re-injected packet that would be punted is dropped instead */
	p.ttl = 1;
	run(e->fp, &p, RG_PORT_INSIDE, RG_FPIN_FORCE, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_DROP);
	assert_int_equal(r.m.reason, RG_DROP_FORCED_PUNT);
	p.ttl = 0;

	/* MTU */
	e->fp->port_mtu[RG_PORT_OUTSIDE] = 100;
	uint8_t big[200] = { 0 };
	p.payload = big;
	p.payload_len = sizeof(big);
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.reason, RG_PUNT_MTU);
	e->fp->port_mtu[RG_PORT_OUTSIDE] = 1500;

	/* truncated frame: IP total length beyond the frame */
	uint8_t f[128];
	p.payload_len = 0;
	uint32_t n = pkt_build(&p, f, sizeof(f));
	rg_fp_process_frame(e->fp, f, n - 1, RG_PORT_INSIDE, 0, 0, r.out, sizeof(r.out), &r.len,
			    &r.m);
	assert_int_equal(r.m.reason, RG_DROP_BAD_IP_LEN);
	rg_fp_process_frame(e->fp, f, 10, RG_PORT_INSIDE, 0, 0, r.out, sizeof(r.out), &r.len, &r.m);
	assert_int_equal(r.m.reason, RG_DROP_RUNT);
	/* counters saw all of it */
	assert_true(e->fp->counters[RG_FPC_DROP(RG_DROP_BAD_L4_CSUM)] == 1);
	assert_true(e->fp->counters[RG_FPC_PUNT(RG_PUNT_TTL)] == 1);
}

static void test_miss_and_vlan(void **state)
{
	struct env *e = *state;
	struct pkt_spec p = lan_pkt(17, 1, 2);
	struct result r;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
	assert_int_equal(r.m.reason, RG_PUNT_MISS);
	assert_int_equal(r.m.hdr_len, r.m.consumed);

	struct rg_session s = napt(17, 1, 2, 2);
	install(e->fp, 10, &s);
	/* a priority tag (VID 0) on an untagged port is untagged traffic;
	 * any other tag there is the firmware's to drop */
	p.vlan_tci = 0x6000;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	p.vlan_tci = 100;
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
	assert_int_equal(r.m.reason, RG_PUNT_VLAN);

	/* the inside port on VLAN 100: its tag only */
	rg_fp_csr_write(e->fp, RG_FP_PORT_FLAGS(RG_PORT_INSIDE), 100u << RG_FPPORT_VID_SHIFT);
	assert_int_equal(rg_fp_csr_read(e->fp, RG_FP_PORT_FLAGS(RG_PORT_INSIDE)),
			 100u << RG_FPPORT_VID_SHIFT);
	run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_FORWARD);
	/* the adjacency is untagged: the tag is removed */
	assert_int_equal(rg_get_be16(r.out + 12), 0x0800);
	assert_true(pkt_checksums_ok(r.out, r.len));
	const uint16_t wrong[] = { 0, 0x6000, 200, 0x2000 | 101 };
	for (unsigned i = 0; i < 4; i++) {
		p.vlan_tci = wrong[i];
		run(e->fp, &p, RG_PORT_INSIDE, 0, &r);
		assert_int_equal(r.m.verdict, RG_VERDICT_PUNT);
		assert_int_equal(r.m.reason, RG_PUNT_VLAN);
	}
	assert_int_equal(e->fp->counters[RG_FPC_PUNT(RG_PUNT_VLAN)], 5);
}

static void test_drop_session_and_tag_shadow(void **state)
{
	struct env *e = *state;
	struct rg_session s = napt(17, 4000, 4000, 4000);
	s.ops = RG_OPS(RG_ACT_FORWARD, RG_ACT_DROP);
	s.drop_o2i = RG_DROP_FILTERED;
	install(e->fp, 11, &s);
	struct pkt_spec q = wan_pkt(17, 4000, 4000);
	struct result r;
	run(e->fp, &q, RG_PORT_OUTSIDE, 0, &r);
	assert_int_equal(r.m.verdict, RG_VERDICT_DROP);
	assert_int_equal(r.m.reason, RG_DROP_FILTERED);
	struct rg_session st;
	rg_fp_table_read_session(e->fp, 11, &st);
	assert_int_equal(st.pkts_o2i, 1);
}

static void test_toeplitz_tables_match_definition(void **state)
{
	struct env *e = *state;
	srand(7);
	for (int i = 0; i < 200; i++) {
		struct rg_flow_key k;
		uint8_t *b = (uint8_t *)&k;
		for (unsigned j = 0; j < sizeof(k); j++)
			b[j] = (uint8_t)rand();
		k.zero = 0;
		uint32_t a[3], r[3];
		rg_fp_hash(e->fp, &k, a);
		rg_toeplitz_ref(e->fp->hash.secret, b, sizeof(k), r);
		assert_memory_equal(a, r, sizeof(a));
	}
	/* the RSS verification vector of Microsoft's Toeplitz documentation:
	 * 66.9.149.187:2794 -> 161.142.100.80:1766 hashes to 0x51ccc178 with
	 * the standard 40-byte key (first 32 bits of our output) */
	static const uint8_t rss_key[40] = { 0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
					     0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
					     0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
					     0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
					     0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa };
	const uint8_t input[12] = { 66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6 };
	uint32_t h[3];
	rg_toeplitz_ref(rss_key, input, sizeof(input), h);
	assert_int_equal(h[0], 0x51ccc178);
}

static void test_burst_equals_sequential(void **state)
{
	struct env *e = *state;
	for (uint32_t i = 0; i < 40; i++) {
		struct rg_session s = napt(17, (uint16_t)(100 + i), (uint16_t)(2000 + i), 53);
		install(e->fp, 100 + i, &s);
	}
	static uint8_t frames[64][256], outs[2][64][300];
	uint32_t lens[64];
	for (unsigned i = 0; i < 64; i++) {
		struct pkt_spec p = (i % 3) ? lan_pkt(17, (uint16_t)(100 + i % 50), 53)
					    : wan_pkt(17, 53, (uint16_t)(2000 + i % 45));
		if (i % 7 == 0)
			p.bad_l4_csum = 1;
		lens[i] = pkt_build(&p, frames[i], sizeof(frames[i]));
	}
	/* sequential on a copy of the tables, then burst on the original */
	size_t len = rg_fp_mem_size(&(struct rg_fp_geometry){ 8, 256, 16 });
	void *mem2 = aligned_alloc(64, (len + 63) & ~(size_t)63);
	struct rg_fp *fp2 = malloc(sizeof(*fp2));
	memcpy(fp2, e->fp, sizeof(*fp2));
	memcpy(mem2, e->mem, len);
	/* re-point the copy's tables into mem2 at the same offsets (offsets are
	 * taken within one allocation; subtracting pointers of two different
	 * allocations would be undefined) */
	uint8_t *base = e->mem, *base2 = mem2;
	fp2->bank[0] = (uint64_t *)(void *)(base2 + ((uint8_t *)e->fp->bank[0] - base));
	fp2->bank[1] = (uint64_t *)(void *)(base2 + ((uint8_t *)e->fp->bank[1] - base));
	fp2->sessions = (struct rg_session *)(void *)(base2 + ((uint8_t *)e->fp->sessions - base));
	fp2->adj = (struct rg_adjacency *)(void *)(base2 + ((uint8_t *)e->fp->adj - base));
	struct rg_fp_out_meta seq[64];
	uint32_t seq_len[64];
	for (unsigned i = 0; i < 64; i++)
		rg_fp_process_frame(fp2, frames[i], lens[i], i % 3 ? 0 : 1, 0, 77, outs[0][i], 300,
				    &seq_len[i], &seq[i]);
	for (unsigned base = 0; base < 64; base += RG_FP_BURST) {
		struct rg_fp_pkt pk[RG_FP_BURST];
		for (unsigned j = 0; j < RG_FP_BURST; j++) {
			unsigned i = base + j;
			pk[j] = (struct rg_fp_pkt){ .frame = frames[i],
						    .len = lens[i],
						    .port = (uint8_t)(i % 3 ? 0 : 1),
						    .ts_ms = 77,
						    .out = outs[1][i] };
		}
		rg_fp_process_burst(e->fp, pk, RG_FP_BURST);
		for (unsigned j = 0; j < RG_FP_BURST; j++) {
			unsigned i = base + j;
			assert_memory_equal(&pk[j].meta, &seq[i], sizeof(seq[i]));
			assert_int_equal(pk[j].out_len, seq_len[i]);
			assert_memory_equal(outs[1][i], outs[0][i], seq_len[i]);
		}
	}
	assert_memory_equal(e->fp->counters, fp2->counters, sizeof(fp2->counters));
	assert_memory_equal(e->fp->sessions, fp2->sessions, 256 * sizeof(struct rg_session));
	free(fp2);
	free(mem2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udp_napt_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l4_checksum_every_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_udp_zero_checksum_stays_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_and_control_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_query_id_translation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_decap_and_encap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_drops_and_punts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_miss_and_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_session_and_tag_shadow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_toeplitz_tables_match_definition, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_burst_equals_sequential, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
