/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Firmware NAPT basics on a simulated card (soft fast path + firmware):
 * dynamic UDP/TCP/ICMP echo translation both ways through sessions the
 * firmware installs, endpoint-independent mapping (RFC 4787 REQ-1), paired
 * pooling (REQ-2), port preservation and parity, filtering (EIF / ADF /
 * APDF, REQ-8), ARP resolution of the next hop, the card's own services
 * (ARP, echo, to-host for PCP, frames from the host port), TTL expiry and
 * listings and counters.
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
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define R2 PKT_IPV4(192, 0, 2, 8)

static int setup_eim_apdf(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int setup_eim_eif(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_EIF);
}

static int setup_eim_adf(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_ADF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

#define from_inside fwenv_pkt_in
#define from_outside fwenv_pkt_out
#define send fwenv_send
#define out_of fwenv_out_of

static void test_udp_outbound_and_reply(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 40000, 53);
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	assert_true(v.src == FWENV_POOL_LO || v.src == FWENV_POOL_HI);
	assert_int_equal(v.sport, 40000); /* port preserved */
	assert_int_equal(v.dst, R1);
	assert_int_equal(v.dport, 53);
	assert_int_equal(v.ttl, 63);
	assert_true(pkt_checksums_ok(o->data, o->len));
	assert_memory_equal(o->data, FWENV_GW_MAC, 6);
	assert_memory_equal(o->data + 6, FWENV_MAC[1], 6);
	uint32_t out_addr = v.src;

	/* the reply goes through the fast path alone */
	fwenv_clear(e);
	uint64_t punts = fwenv_counter(e, "slowpath-packets");
	struct pkt_spec r = from_outside(R1, out_addr, 17, 53, 40000);
	send(e, 1, &r);
	assert_int_equal(fwenv_counter(e, "slowpath-packets"), punts);
	const struct fwenv_frame *b = fwenv_find(e, 0, NULL);
	assert_non_null(b);
	assert_int_equal(pkt_parse(b->data, b->len, &v), 0);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.dport, 40000);
	assert_int_equal(v.src, R1);
	assert_memory_equal(b->data, MAC_H1, 6);
	assert_true(pkt_checksums_ok(b->data, b->len));
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 1);
}

/* RFC 4787 REQ-1 and REQ-2: the same inside endpoint keeps its outside
 * address and port toward every remote; another inside host may get
 * another address but each host keeps one. */
static void test_eim_and_paired_pooling(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 5000, 1000);
	struct pkt_view v1, v2, v3;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v1);
	s.dst = R2;
	s.dport = 2000;
	o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v2);
	assert_int_equal(v1.src, v2.src);
	assert_int_equal(v1.sport, v2.sport);
	/* another port of the same host: same (paired) address */
	s.sport = 5002;
	o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v3);
	assert_int_equal(v3.src, v1.src);
	assert_int_not_equal(v3.sport, v1.sport);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 2);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 3);
	assert_int_equal(fwenv_counter(e, "subscribers-active"), 1);
}

/* Two hosts with the same inside port: the second is not given the first
 * one's outside endpoint; the port keeps its parity and class. */
static void test_port_collision_parity_class(void **state)
{
	struct fwenv *e = *state;
	struct pkt_view v1, v2;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 6001, 9);
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v1);
	/* H2 is paired to the other pool address; force a clash by making
	 * both hosts use the same address: only two addresses exist, so a
	 * third host must share with one of them */
	struct pkt_spec s2 = from_inside(H2, MAC_H2, R1, 17, 6001, 9);
	o = out_of(e, &s2);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v2);
	assert_int_not_equal(v1.src, v2.src); /* least-loaded address */
	static const uint8_t MAC_H3[6] = { 0x02, 0, 0, 0, 0x01, 0x03 };
	struct pkt_spec s3 = from_inside(PKT_IPV4(10, 0, 0, 7), MAC_H3, R1, 17, 6001, 9);
	struct pkt_view v3;
	o = out_of(e, &s3);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v3);
	/* whichever address it shares, the 5-tuple toward R1 differs */
	if (v3.src == v1.src)
		assert_int_not_equal(v3.sport, v1.sport);
	if (v3.src == v2.src)
		assert_int_not_equal(v3.sport, v2.sport);
	assert_int_equal(v3.sport & 1, 1); /* parity kept */
	assert_true(v3.sport >= 1024);
	/* a privileged inside port maps into 0-1023 ... but the pool starts at
	 * 1024, so the class is empty and the pool range is used */
	struct pkt_spec s4 = from_inside(H1, MAC_H1, R1, 17, 123, 123);
	struct pkt_view v4;
	o = out_of(e, &s4);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v4);
	assert_true(v4.sport >= 1024);
}

static void test_apdf_filters_unsolicited(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 7000, 53);
	struct pkt_view v;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v);
	/* another port of the same remote: refused under APDF */
	fwenv_clear(e);
	struct pkt_spec r = from_outside(R1, v.src, 17, 54, v.sport);
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 0);
	assert_int_equal(fwenv_counter(e, "drop-filtered"), 1);
	/* another remote: refused */
	r = from_outside(R2, v.src, 17, 53, v.sport);
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 0);
	assert_int_equal(fwenv_counter(e, "drop-filtered"), 2);
	/* no mapping at all */
	r = from_outside(R2, v.src, 17, 53, 4444);
	send(e, 1, &r);
	assert_int_equal(fwenv_counter(e, "drop-inbound-no-mapping"), 1);
}

static void test_eif_admits_any_remote(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 7000, 53);
	struct pkt_view v;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v);
	fwenv_clear(e);
	struct pkt_spec r = from_outside(R2, v.src, 17, 9999, v.sport);
	send(e, 1, &r);
	const struct fwenv_frame *b = fwenv_find(e, 0, NULL);
	assert_non_null(b);
	struct pkt_view w;
	pkt_parse(b->data, b->len, &w);
	assert_int_equal(w.dst, H1);
	assert_int_equal(w.dport, 7000);
	assert_int_equal(w.src, R2);
	assert_true(pkt_checksums_ok(b->data, b->len));
	/* the inbound session is now in the fast path */
	fwenv_clear(e);
	uint64_t sp = fwenv_counter(e, "slowpath-packets");
	send(e, 1, &r);
	assert_int_equal(fwenv_counter(e, "slowpath-packets"), sp);
	assert_int_equal(fwenv_count(e, 0), 1);
}

static void test_adf_admits_known_address(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 7000, 53);
	struct pkt_view v;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	pkt_parse(o->data, o->len, &v);
	fwenv_clear(e);
	struct pkt_spec r = from_outside(R1, v.src, 17, 5353, v.sport);
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 1); /* same address, other port: in */
	r = from_outside(R2, v.src, 17, 53, v.sport);
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 1); /* other address: filtered */
	assert_int_equal(fwenv_counter(e, "drop-filtered"), 1);
}

static void test_icmp_echo_id_translation(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 1, 0x1234, 0);
	s.icmp_seq = 7;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	pkt_parse(o->data, o->len, &v);
	assert_true(pkt_checksums_ok(o->data, o->len));
	assert_int_equal(v.dst, R1);
	uint16_t id = v.sport;
	fwenv_clear(e);
	struct pkt_spec r = from_outside(R1, v.src, 1, 0, id);
	r.icmp_type = 0;
	r.icmp_id = id;
	r.icmp_seq = 7;
	send(e, 1, &r);
	const struct fwenv_frame *b = fwenv_find(e, 0, NULL);
	assert_non_null(b);
	struct pkt_view w;
	pkt_parse(b->data, b->len, &w);
	assert_int_equal(w.dst, H1);
	assert_int_equal(w.sport, 0x1234);
	assert_true(pkt_checksums_ok(b->data, b->len));
}

static void test_tcp_syn_synack_established(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 6, 33000, 80);
	s.tcp_flags = 0x02;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	pkt_parse(o->data, o->len, &v);
	assert_true(pkt_checksums_ok(o->data, o->len));
	fwenv_clear(e);
	struct pkt_spec r = from_outside(R1, v.src, 6, 80, v.sport);
	r.tcp_flags = 0x12; /* SYN|ACK: punted for state, re-injected */
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 1);
	struct rg_session_rec rec[4];
	uint32_t next;
	uint32_t n = rg_fw_session_list(e->fw, 0, rec, 4, &next);
	assert_int_equal(n, 1);
	assert_int_equal(rec[0].proto, 6);
	assert_int_equal(rec[0].state, 5); /* FW_SS_TCP_EST */
	assert_true(rec[0].expires_in_s >= 7440);
	/* data: fast path only */
	fwenv_clear(e);
	r.tcp_flags = 0x10;
	uint64_t sp = fwenv_counter(e, "slowpath-packets");
	send(e, 1, &r);
	assert_int_equal(fwenv_counter(e, "slowpath-packets"), sp);
	assert_int_equal(fwenv_count(e, 0), 1);
	/* RST from inside: 4 minutes, never refreshed */
	s.tcp_flags = 0x04;
	send(e, 0, &s);
	n = rg_fw_session_list(e->fw, 0, rec, 4, &next);
	assert_int_equal(rec[0].state, 9);
	assert_true(rec[0].expires_in_s <= 241 && rec[0].expires_in_s >= 240);
	fwenv_advance(e, 120 * 1000);
	send(e, 1, &r); /* traffic after the RST */
	fwenv_advance(e, 121 * 1000 + 20);
	assert_int_equal(rg_fw_session_list(e->fw, 0, rec, 4, &next), 0);
}

static void test_inbound_tcp_without_syn_dropped(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec r = from_outside(R1, FWENV_POOL_LO, 6, 80, 33000);
	r.tcp_flags = 0x10;
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 0);
	assert_int_equal(fwenv_counter(e, "drop-inbound-no-mapping"), 1);
}

static void test_arp_for_own_addresses(void **state)
{
	struct fwenv *e = *state;
	static const uint32_t asks[][2] = {
		{ 0, FWENV_IN_ADDR },
		{ 1, FWENV_OUT_ADDR },
		{ 1, FWENV_POOL_LO },
		{ 1, FWENV_POOL_HI },
	};
	for (unsigned i = 0; i < 4; i++) {
		unsigned port = asks[i][0];
		uint8_t f[60];
		fwenv_clear(e);
		fwenv_rx(e, port, f,
			 pkt_build_arp(f, BCAST, MAC_H1, 1, port ? FWENV_GW_ADDR : H1, NULL,
				       asks[i][1]));
		const struct fwenv_frame *r = fwenv_find(e, port, NULL);
		assert_non_null(r);
		assert_int_equal(rg_get_be16(r->data + 12), 0x0806);
		assert_int_equal(rg_get_be16(r->data + 20), 2);
		assert_memory_equal(r->data + 22, FWENV_MAC[port], 6);
		assert_int_equal(rg_get_be32(r->data + 28), asks[i][1]);
		assert_memory_equal(r->data + 32, MAC_H1, 6);
		assert_memory_equal(r->data, MAC_H1, 6);
	}
	/* not ours: no answer; the inside address is not answered outside */
	fwenv_clear(e);
	uint8_t f[60];
	fwenv_rx(e, 1, f, pkt_build_arp(f, BCAST, MAC_H1, 1, 0, NULL, FWENV_IN_ADDR));
	assert_int_equal(e->n_out, 0);
	assert_int_equal(fwenv_counter(e, "arp-replies-out"), 4);
}

static void test_arp_resolution_queues_then_sends(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 40000, 53);
	send(e, 0, &s);
	/* only an ARP request for the gateway */
	const struct fwenv_frame *a = fwenv_find(e, 1, NULL);
	assert_non_null(a);
	assert_int_equal(rg_get_be16(a->data + 12), 0x0806);
	assert_int_equal(rg_get_be32(a->data + 38), FWENV_GW_ADDR);
	assert_int_equal(rg_get_be32(a->data + 28), FWENV_OUT_ADDR);
	assert_int_equal(e->n_out, 1);
	fwenv_clear(e);
	fwenv_arp_reply(e, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	const struct fwenv_frame *o = fwenv_find(e, 1, NULL);
	assert_non_null(o);
	assert_int_equal(rg_get_be16(o->data + 12), 0x0800);
	assert_memory_equal(o->data, FWENV_GW_MAC, 6);
	/* unanswered resolution: three tries, then the waiting frame is dropped */
	fwenv_clear(e);
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.outside_gw = rg_be32_field(PKT_IPV4(203, 0, 113, 253));
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	s.sport = 40002;
	send(e, 0, &s);
	fwenv_advance(e, 5000);
	assert_int_equal(fwenv_counter(e, "arp-requests-out"), 1 + 3);
	assert_int_equal(fwenv_counter(e, "drop-arp-unresolved"), 1);
}

static void test_echo_to_own_addresses(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, FWENV_IN_ADDR, 1, 77, 0);
	s.payload = (const uint8_t *)"hello";
	s.payload_len = 5;
	send(e, 0, &s);
	const struct fwenv_frame *r = fwenv_find(e, 0, NULL);
	assert_non_null(r);
	struct pkt_view v;
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(v.dst, H1);
	assert_int_equal(r->data[v.l4], 0);
	assert_true(pkt_checksums_ok(r->data, r->len));
	fwenv_clear(e);
	struct pkt_spec o = from_outside(R1, FWENV_POOL_HI, 1, 0, 0);
	o.icmp_type = 8;
	o.icmp_id = 99;
	send(e, 1, &o);
	r = fwenv_find(e, 1, NULL);
	assert_non_null(r);
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.src, FWENV_POOL_HI);
	assert_int_equal(v.dst, R1);
	assert_true(pkt_checksums_ok(r->data, r->len));
	assert_int_equal(fwenv_counter(e, "icmp-echo-replies"), 2);
	/* the inside address does not answer the outside realm */
	fwenv_clear(e);
	o.dst = FWENV_IN_ADDR;
	send(e, 1, &o);
	assert_int_equal(e->n_out, 0);
	assert_int_equal(fwenv_counter(e, "drop-to-card-unserved"), 1);
}

/* A service the card does not run: the inside host hears about it from
 * 10.0.0.1 at once (UDP: port unreachable quoting the datagram; TCP: the
 * reset a closed port sends, RFC 9293 3.10.7.1), so its connect fails at
 * once; a RST gets nothing, and the outside realm gets nothing either. */
static void test_unserved_ports_unreachable_inside(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, FWENV_IN_ADDR, 17, 40000, 80);
	send(e, 0, &s);
	const struct fwenv_frame *r = fwenv_first_ipv4(e, 0);
	assert_non_null(r);
	struct pkt_view v;
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.proto, 1);
	assert_int_equal(r->data[v.l4], 3);
	assert_int_equal(r->data[v.l4 + 1], 3);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(v.dst, H1);
	assert_memory_equal(r->data, MAC_H1, 6);
	assert_true(pkt_checksums_ok(r->data, r->len));
	/* the quote is the datagram as it arrived */
	assert_int_equal(r->data[v.l4 + 8 + 9], 17);
	assert_int_equal(rg_get_be16(r->data + v.l4 + 8 + 20 + 2), 80);
	assert_int_equal(fwenv_count(e, 1), 0);

	/* a SYN: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK> */
	fwenv_clear(e);
	struct pkt_spec syn = from_inside(H1, MAC_H1, FWENV_IN_ADDR, 6, 40001, 80);
	syn.tcp_flags = 0x02;
	syn.tcp_seq = 0xfffffffeu;
	send(e, 0, &syn);
	r = fwenv_first_ipv4(e, 0);
	assert_non_null(r);
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.proto, 6);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.sport, 80);
	assert_int_equal(v.dport, 40001);
	assert_memory_equal(r->data, MAC_H1, 6);
	assert_true(pkt_checksums_ok(r->data, r->len));
	assert_int_equal(r->data[v.l4 + 13], 0x14);
	assert_int_equal(rg_get_be32(r->data + v.l4 + 4), 0);
	assert_int_equal(rg_get_be32(r->data + v.l4 + 8), 0xffffffffu);
	assert_int_equal(v.ip_end - v.l4, 20);
	assert_int_equal(fwenv_count(e, 1), 0);

	/* a segment with ACK and data: <SEQ=SEG.ACK><CTL=RST> */
	fwenv_clear(e);
	struct pkt_spec data = from_inside(H1, MAC_H1, FWENV_IN_ADDR, 6, 40002, 80);
	data.tcp_flags = 0x18;
	data.tcp_seq = 1000;
	data.tcp_ack = 0x12345678u;
	data.payload = (const uint8_t *)"hello";
	data.payload_len = 5;
	send(e, 0, &data);
	r = fwenv_first_ipv4(e, 0);
	assert_non_null(r);
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.proto, 6);
	assert_true(pkt_checksums_ok(r->data, r->len));
	assert_int_equal(r->data[v.l4 + 13], 0x04);
	assert_int_equal(rg_get_be32(r->data + v.l4 + 4), 0x12345678u);
	assert_int_equal(fwenv_counter(e, "tcp-resets-sent"), 2);
	assert_int_equal(fwenv_counter(e, "drop-to-card-unserved"), 3);

	/* a RST gets nothing, the outside realm nothing */
	fwenv_clear(e);
	struct pkt_spec rst = from_inside(H1, MAC_H1, FWENV_IN_ADDR, 6, 40003, 80);
	rst.tcp_flags = 0x04;
	send(e, 0, &rst);
	struct pkt_spec o = from_outside(R1, FWENV_OUT_ADDR, 17, 40000, 9);
	send(e, 1, &o);
	struct pkt_spec osyn = from_outside(R1, FWENV_IN_ADDR, 6, 40000, 9);
	osyn.tcp_flags = 0x02;
	send(e, 1, &osyn);
	assert_null(fwenv_first_ipv4(e, 0));
	assert_null(fwenv_first_ipv4(e, 1));
	assert_int_equal(fwenv_counter(e, "icmp-errors-sent"), 1);
	assert_int_equal(fwenv_counter(e, "tcp-resets-sent"), 2);
}

static void test_ttl_expiry_time_exceeded(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 40000, 53);
	s.ttl = 1;
	send(e, 0, &s);
	assert_int_equal(fwenv_count(e, 1), 0);
	const struct fwenv_frame *r = fwenv_find(e, 0, NULL);
	assert_non_null(r);
	struct pkt_view v;
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.proto, 1);
	assert_int_equal(r->data[v.l4], 11);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(v.dst, H1);
	assert_true(pkt_checksums_ok(r->data, r->len));
	/* the quote is the packet as it arrived */
	assert_int_equal(rg_get_be32(r->data + v.l4 + 8 + 12), H1);
	/* with a session: the fast path punts TTL, the firmware answers */
	s.ttl = 64;
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	fwenv_clear(e);
	s.ttl = 1;
	send(e, 0, &s);
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_non_null(fwenv_find(e, 0, NULL));
	assert_int_equal(fwenv_counter(e, "icmp-errors-sent"), 2);
	/* a flood of expiring packets gets at most 1000 errors a second */
	for (unsigned i = 0; i < 1100; i++) {
		fwenv_clear(e);
		send(e, 0, &s);
	}
	assert_int_equal(fwenv_counter(e, "icmp-errors-rate-limited"), 102);
	fwenv_advance(e, 1000);
	fwenv_clear(e);
	send(e, 0, &s);
	assert_non_null(fwenv_find(e, 0, NULL));
}

static void test_pcp_to_host_and_reply_from_host(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, FWENV_IN_ADDR, 17, 5350, 5351);
	send(e, 0, &s);
	const struct fwenv_frame *h = fwenv_find(e, 2, NULL);
	assert_non_null(h);
	struct pkt_view v;
	pkt_parse(h->data, h->len, &v);
	assert_int_equal(v.dst, FWENV_IN_ADDR);
	assert_int_equal(v.dport, 5351);
	assert_int_equal(v.src, H1);
	assert_memory_equal(h->data + 6, FWENV_MAC[2], 6);
	/* the daemon answers from 10.0.0.1:5351 through the host port */
	fwenv_clear(e);
	struct pkt_spec a = fwenv_pkt_host(FWENV_IN_ADDR, H1, 5351, 5350);
	send(e, 2, &a);
	const struct fwenv_frame *r = fwenv_find(e, 0, NULL);
	assert_non_null(r);
	assert_memory_equal(r->data, MAC_H1, 6);
	assert_memory_equal(r->data + 6, FWENV_MAC[0], 6);
	pkt_parse(r->data, r->len, &v);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(v.dst, H1);
	assert_true(pkt_checksums_ok(r->data, r->len));
	/* the host must not send an inside source out, nor foreign sources */
	fwenv_clear(e);
	a.dst = R1;
	send(e, 2, &a);
	a.src = PKT_IPV4(10, 0, 0, 99);
	send(e, 2, &a);
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "drop-host-bad-source"), 2);
	/* from the outside address: routed out */
	a.src = FWENV_OUT_ADDR;
	send(e, 2, &a);
	fwenv_arp_reply(e, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	unsigned i = 0;
	const struct fwenv_frame *o;
	int seen = 0;
	while ((o = fwenv_find(e, 1, &i)) != NULL)
		if (rg_get_be16(o->data + 12) == 0x0800)
			seen = 1;
	assert_true(seen);
}

/* The daemon's unsolicited PCP ANNOUNCE / NAT-PMP address messages go to
 * 224.0.0.1:5350 from the inside address: onto the inside link with the
 * group's MAC, not routed (the outside port would be the route, and the
 * inside source must not leave there). Broadcasts likewise; routed
 * multicast is not forwarded. */
static void test_host_link_multicast_and_broadcast(void **state)
{
	struct fwenv *e = *state;
	static const uint8_t ALL_HOSTS_MAC[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	struct pkt_spec a = fwenv_pkt_host(FWENV_IN_ADDR, PKT_IPV4(224, 0, 0, 1), 5351, 5350);
	a.ttl = 1; /* as the host's stack sends link-local multicast */
	send(e, 2, &a);
	const struct fwenv_frame *m = fwenv_first_ipv4(e, 0);
	assert_non_null(m);
	assert_memory_equal(m->data, ALL_HOSTS_MAC, 6);
	assert_memory_equal(m->data + 6, FWENV_MAC[0], 6);
	struct pkt_view v;
	pkt_parse(m->data, m->len, &v);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(v.dst, PKT_IPV4(224, 0, 0, 1));
	assert_int_equal(v.dport, 5350);
	assert_true(pkt_checksums_ok(m->data, m->len));
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "drop-host-bad-source"), 0);
	assert_int_equal(fwenv_counter(e, "arp-requests-out"), 0);
	/* the group's low 23 bits in the MAC */
	fwenv_clear(e);
	a.dst = PKT_IPV4(224, 0, 0, 251);
	send(e, 2, &a);
	m = fwenv_first_ipv4(e, 0);
	assert_non_null(m);
	assert_int_equal(m->data[5], 251);
	/* the inside prefix's broadcast and the limited broadcast */
	static const uint32_t bcasts[2] = { PKT_IPV4(10, 0, 0, 255), 0xffffffffu };
	for (unsigned i = 0; i < 2; i++) {
		fwenv_clear(e);
		a.dst = bcasts[i];
		send(e, 2, &a);
		m = fwenv_first_ipv4(e, 0);
		assert_non_null(m);
		assert_memory_equal(m->data, BCAST, 6);
		assert_int_equal(fwenv_count(e, 1), 0);
	}
	/* from the outside address: the outside link */
	fwenv_clear(e);
	a.src = FWENV_OUT_ADDR;
	a.dst = 0xffffffffu;
	send(e, 2, &a);
	m = fwenv_first_ipv4(e, 1);
	assert_non_null(m);
	assert_memory_equal(m->data, BCAST, 6);
	assert_memory_equal(m->data + 6, FWENV_MAC[1], 6);
	assert_int_equal(fwenv_count(e, 0), 0);
	/* the outside prefix's broadcast from the inside address is routed,
	 * so refused as before */
	fwenv_clear(e);
	a.src = FWENV_IN_ADDR;
	a.dst = PKT_IPV4(203, 0, 113, 255);
	send(e, 2, &a);
	assert_int_equal(fwenv_count(e, 0) + fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "drop-host-bad-source"), 1);
	/* routed multicast: not forwarded, counted */
	a.dst = PKT_IPV4(239, 1, 2, 3);
	send(e, 2, &a);
	a.src = FWENV_OUT_ADDR;
	send(e, 2, &a);
	assert_int_equal(fwenv_count(e, 0) + fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "drop-host-routed-multicast"), 2);
}

static void test_mapping_listing_and_delete(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 9000, 53);
	assert_non_null(out_of(e, &s));
	struct rg_map_rec rec[8];
	uint32_t next;
	uint32_t n = rg_fw_map_list(e->fw, 0, rec, 8, &next);
	assert_int_equal(n, 1);
	assert_int_equal(next, 0);
	assert_int_equal(rg_be32_val(rec[0].in_addr), H1);
	assert_int_equal(rg_be16_val(rec[0].in_port), 9000);
	assert_int_equal(rec[0].sessions, 1);
	struct rg_map_id id = { .proto = 17,
				.in_addr = rg_be32_field(H1),
				.in_port = rg_be16_field(9000) };
	assert_int_equal(rg_fw_map_del(e->fw, &id), RG_ST_OK);
	assert_int_equal(rg_fw_map_list(e->fw, 0, rec, 8, &next), 0);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	assert_int_equal(rg_fw_map_del(e->fw, &id), RG_ST_NOT_FOUND);
	/* the reply no longer gets in */
	fwenv_clear(e);
	struct pkt_spec r = from_outside(R1, rg_be32_val(rec[0].out_addr), 17, 53, 9000);
	send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 0);
}

static void test_udp_timeout_refreshed_by_outbound_only(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = from_inside(H1, MAC_H1, R1, 17, 9100, 53);
	const struct fwenv_frame *o = out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	pkt_parse(o->data, o->len, &v);
	struct pkt_spec r = from_outside(R1, v.src, 17, 53, 9100);
	/* inbound every 100 s does not keep it (no inbound refresh) */
	for (int i = 0; i < 3; i++) {
		fwenv_advance(e, 100 * 1000);
		send(e, 1, &r);
	}
	fwenv_advance(e, 2000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	/* outbound every 200 s keeps it for 1000 s */
	o = out_of(e, &s);
	assert_non_null(o);
	for (int i = 0; i < 5; i++) {
		fwenv_advance(e, 200 * 1000);
		send(e, 0, &s);
	}
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_advance(e, 299 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_advance(e, 3 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	/* the port is held down: mapping entries stay until 120 s later */
	assert_int_equal(fwenv_counter(e, "mappings-active"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udp_outbound_and_reply, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_eim_and_paired_pooling, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_port_collision_parity_class, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_apdf_filters_unsolicited, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_eif_admits_any_remote, setup_eim_eif,
						teardown),
		cmocka_unit_test_setup_teardown(test_adf_admits_known_address, setup_eim_adf,
						teardown),
		cmocka_unit_test_setup_teardown(test_icmp_echo_id_translation, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_tcp_syn_synack_established, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_inbound_tcp_without_syn_dropped,
						setup_eim_apdf, teardown),
		cmocka_unit_test_setup_teardown(test_arp_for_own_addresses, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_arp_resolution_queues_then_sends,
						setup_eim_apdf, teardown),
		cmocka_unit_test_setup_teardown(test_echo_to_own_addresses, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_unserved_ports_unreachable_inside,
						setup_eim_apdf, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_expiry_time_exceeded, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_pcp_to_host_and_reply_from_host,
						setup_eim_apdf, teardown),
		cmocka_unit_test_setup_teardown(test_host_link_multicast_and_broadcast,
						setup_eim_apdf, teardown),
		cmocka_unit_test_setup_teardown(test_mapping_listing_and_delete, setup_eim_apdf,
						teardown),
		cmocka_unit_test_setup_teardown(test_udp_timeout_refreshed_by_outbound_only,
						setup_eim_apdf, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
