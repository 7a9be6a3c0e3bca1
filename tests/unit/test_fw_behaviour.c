/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nat-behaviour.md requirement by requirement, beyond the basics of
 * test_fw_napt.c: hairpinning (also of ICMP errors), ICMP error translation
 * (RFC 5508), ICMP query timeout, inbound refresh, DF/MTU, fragments in and
 * out of order, invalid packets never forwarded, TCP unsolicited SYN hold
 * and simultaneous open (RFC 5382). Allocation and rules: test_fw_alloc.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "realmgate/counters.h"
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

/* RFC 4787 REQ-9 / RFC 5382 REQ-8: H1 reaches H2 through H2's outside
 * endpoint, and H2 sees H1's outside endpoint as the source. */
static void test_hairpin_udp(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec b = fwenv_pkt_in(H2, MAC_H2, R1, 17, 7777, 53);
	struct pkt_view vb = outside_view(e, &b);
	/* H2's mapping must admit H1 (APDF): H2 sends to it first? No: a
	 * hairpinned flow is filtered as an inbound one, so open it with EIF */
	struct rg_map_req rq;
	memset(&rq, 0, sizeof(rq));
	rq.proto = 17;
	rq.in_addr = rg_be32_field(H2);
	rq.in_port = rg_be16_field(7777);
	rq.lifetime_s = 600;
	rq.owner = RG_OWNER_PCP;
	struct rg_map_rsp rsp;
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &rsp), RG_ST_OK);
	assert_int_equal(rg_be16_val(rsp.out_port), vb.sport); /* the existing mapping */
	struct pkt_spec a = fwenv_pkt_in(H1, MAC_H1, vb.src, 17, 5555, vb.sport);
	fwenv_clear(e);
	fwenv_send(e, 0, &a);
	const struct fwenv_frame *h = fwenv_first_ipv4(e, 0);
	assert_non_null(h);
	struct pkt_view v;
	pkt_parse(h->data, h->len, &v);
	assert_int_equal(v.dst, H2);
	assert_int_equal(v.dport, 7777);
	assert_true(v.src == FWENV_POOL_LO || v.src == FWENV_POOL_HI); /* never H1 */
	assert_true(pkt_checksums_ok(h->data, h->len));
	assert_memory_equal(h->data, MAC_H2, 6);
	uint32_t a_out = v.src;
	uint16_t a_port = v.sport;
	/* H2 answers to H1's outside endpoint: the fast path alone */
	struct pkt_spec r = fwenv_pkt_in(H2, MAC_H2, a_out, 17, 7777, a_port);
	fwenv_clear(e);
	uint64_t sp = fwenv_counter(e, "slowpath-packets");
	fwenv_send(e, 0, &r);
	assert_int_equal(fwenv_counter(e, "slowpath-packets"), sp);
	h = fwenv_first_ipv4(e, 0);
	assert_non_null(h);
	pkt_parse(h->data, h->len, &v);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.dport, 5555);
	assert_int_equal(v.src, vb.src);
	assert_int_equal(v.sport, vb.sport);
	assert_true(pkt_checksums_ok(h->data, h->len));
	assert_int_equal(fwenv_counter(e, "hairpinned"), 1);
	assert_int_equal(fwenv_count(e, 1), 0);
}

static void test_hairpin_tcp_filtered_without_permission(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec b = fwenv_pkt_in(H2, MAC_H2, R1, 6, 8080, 80);
	struct pkt_view vb = outside_view(e, &b);
	/* APDF: H2 never talked to H1's outside endpoint */
	struct pkt_spec a = fwenv_pkt_in(H1, MAC_H1, vb.src, 6, 5555, vb.sport);
	fwenv_clear(e);
	fwenv_send(e, 0, &a);
	assert_null(fwenv_first_ipv4(e, 0));
	assert_null(fwenv_first_ipv4(e, 1));
	assert_int_equal(fwenv_counter(e, "drop-filtered"), 1);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 1); /* no leftover for H1 */
}

static void test_hairpin_tcp_open_mapping(void **state)
{
	struct fwenv *e = *state;
	/* H2 runs a server on a requested (endpoint-independent) mapping */
	struct rg_map_req rq;
	memset(&rq, 0, sizeof(rq));
	rq.proto = 6;
	rq.in_addr = rg_be32_field(H2);
	rq.in_port = rg_be16_field(8443);
	rq.lifetime_s = 600;
	rq.owner = RG_OWNER_PCP;
	struct rg_map_rsp rsp;
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &rsp), RG_ST_OK);
	uint32_t out = rg_be32_val(rsp.out_addr);
	uint16_t port = rg_be16_val(rsp.out_port);
	fwenv_arp_reply(e, 0, H2, MAC_H2);
	struct pkt_spec syn = fwenv_pkt_in(H1, MAC_H1, out, 6, 40404, port);
	fwenv_clear(e);
	fwenv_send(e, 0, &syn);
	fwenv_arp_reply(e, 0, H2, MAC_H2);
	const struct fwenv_frame *f = fwenv_first_ipv4(e, 0);
	assert_non_null(f);
	struct pkt_view v;
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.dst, H2);
	assert_int_equal(v.dport, 8443);
	assert_true(v.src == FWENV_POOL_LO || v.src == FWENV_POOL_HI);
	assert_true(pkt_checksums_ok(f->data, f->len));
	/* SYN|ACK back, then data both ways in the fast path */
	struct pkt_spec sa = fwenv_pkt_in(H2, MAC_H2, v.src, 6, 8443, v.sport);
	sa.tcp_flags = 0x12;
	fwenv_clear(e);
	fwenv_send(e, 0, &sa);
	f = fwenv_first_ipv4(e, 0);
	assert_non_null(f);
	struct pkt_view w;
	pkt_parse(f->data, f->len, &w);
	assert_int_equal(w.dst, H1);
	assert_int_equal(w.dport, 40404);
	assert_int_equal(w.src, out);
	assert_int_equal(w.sport, port);
	assert_int_equal(fwenv_count(e, 1), 0);
}

/* Build an ICMP error quoting the IPv4 packet of frame q. */
static uint32_t icmp_error(uint8_t *f, const uint8_t *dmac, const uint8_t *smac, uint32_t src,
			   uint32_t dst, uint8_t type, uint8_t code, const uint8_t *quote,
			   uint32_t qlen)
{
	struct pkt_spec s;
	memset(&s, 0, sizeof(s));
	memcpy(s.dmac, dmac, 6);
	memcpy(s.smac, smac, 6);
	s.src = src;
	s.dst = dst;
	s.proto = 1;
	s.icmp_type = type;
	s.icmp_code = code;
	s.payload = quote;
	s.payload_len = qlen;
	uint32_t n = pkt_build(&s, f, 2048);
	/* pkt_build wrote id/seq into bytes 4..7 of the ICMP header: errors
	 * have them unused; recompute the checksum */
	struct pkt_view v;
	pkt_parse(f, n, &v);
	memset(f + v.l4 + 4, 0, 4);
	f[v.l4 + 2] = f[v.l4 + 3] = 0;
	uint16_t c = pkt_csum(f + v.l4, v.ip_end - v.l4, 0);
	f[v.l4 + 2] = (uint8_t)(c >> 8);
	f[v.l4 + 3] = (uint8_t)c;
	return n;
}

/* RFC 5508: an inbound error about our outbound packet reaches the inside
 * host with outer and embedded headers translated and every checksum valid;
 * it changes no session. An outbound error goes out translated too. */
static void test_icmp_error_translation(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	uint8_t payload[40];
	memset(payload, 0xab, sizeof(payload));
	s.payload = payload;
	s.payload_len = sizeof(payload);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	struct pkt_view vo;
	pkt_parse(o->data, o->len, &vo);
	uint8_t quote[128];
	uint32_t qlen = vo.ip_end - vo.l3;
	memcpy(quote, o->data + vo.l3, qlen);
	struct rg_session_rec before;
	uint32_t next;
	assert_int_equal(rg_fw_session_list(e->fw, 0, &before, 1, &next), 1);

	uint8_t f[2048];
	uint32_t n = icmp_error(f, FWENV_MAC[1], FWENV_GW_MAC, PKT_IPV4(198, 18, 0, 1), vo.src, 3,
				3, quote, qlen);
	fwenv_clear(e);
	fwenv_advance(e, 5000);
	fwenv_rx(e, 1, f, n);
	const struct fwenv_frame *in = fwenv_first_ipv4(e, 0);
	assert_non_null(in);
	struct pkt_view v;
	pkt_parse(in->data, in->len, &v);
	assert_int_equal(v.proto, 1);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.src, PKT_IPV4(198, 18, 0, 1));
	assert_true(pkt_checksums_ok(in->data, in->len));
	const uint8_t *emb = in->data + v.l4 + 8;
	assert_int_equal(rg_get_be32(emb + 12), H1);
	assert_int_equal(rg_get_be32(emb + 16), R1);
	assert_int_equal(rg_get_be16(emb + 20), 40000);
	assert_int_equal(pkt_csum(emb, 20, 0), 0); /* embedded IP checksum */
	/* the embedded UDP checksum is valid for the inside view */
	uint32_t ulen = qlen - 20;
	uint32_t ps = (H1 >> 16) + (H1 & 0xffff) + (R1 >> 16) + (R1 & 0xffff) + 17 + ulen;
	assert_int_equal(pkt_csum(emb + 20, ulen, ps), 0);
	assert_int_equal(fwenv_counter(e, "icmp-errors-translated"), 1);
	/* no session change: same expiry as before (no refresh) */
	struct rg_session_rec after;
	assert_int_equal(rg_fw_session_list(e->fw, 0, &after, 1, &next), 1);
	assert_true(after.expires_in_s + 4 <= before.expires_in_s);

	/* an error about a flow we do not know: dropped */
	quote[21] ^= 1;		   /* other source port */
	quote[26] = quote[27] = 0; /* (checksum no longer matters) */
	n = icmp_error(f, FWENV_MAC[1], FWENV_GW_MAC, PKT_IPV4(198, 18, 0, 1), vo.src, 3, 3, quote,
		       qlen);
	fwenv_clear(e);
	fwenv_rx(e, 1, f, n);
	assert_null(fwenv_first_ipv4(e, 0));
	assert_int_equal(fwenv_counter(e, "drop-icmp-error-no-mapping"), 1);

	/* outbound: H1 reports port unreachable for R1's reply; the outside
	 * sees only the pool address, also inside the quote */
	struct pkt_spec r = fwenv_pkt_out(R1, vo.src, 17, 53, vo.sport);
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	const struct fwenv_frame *got = fwenv_first_ipv4(e, 0);
	assert_non_null(got);
	struct pkt_view vg;
	pkt_parse(got->data, got->len, &vg);
	n = icmp_error(f, FWENV_MAC[0], MAC_H1, H1, R1, 3, 3, got->data + vg.l3, vg.ip_end - vg.l3);
	fwenv_clear(e);
	fwenv_rx(e, 0, f, n);
	const struct fwenv_frame *out = fwenv_first_ipv4(e, 1);
	assert_non_null(out);
	pkt_parse(out->data, out->len, &v);
	assert_int_equal(v.src, vo.src);
	assert_int_equal(v.dst, R1);
	assert_true(pkt_checksums_ok(out->data, out->len));
	emb = out->data + v.l4 + 8;
	assert_int_equal(rg_get_be32(emb + 12), R1);
	assert_int_equal(rg_get_be32(emb + 16), vo.src);
	assert_int_equal(rg_get_be16(emb + 22), vo.sport);
}

/* traceroute -I / mtr through the NAT: a router's time exceeded about our
 * translated echo request reaches the inside host with the echo's own
 * identifier and checksum restored in the quote, for the RFC 792 quote (IP
 * header + 8 bytes) and for a router that quotes the whole packet. */
static void test_icmp_error_about_an_echo(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 1, 0x4242, 0);
	s.icmp_seq = 3;
	uint8_t data[24];
	memset(data, 0x5a, sizeof(data));
	s.payload = data;
	s.payload_len = sizeof(data);
	s.ttl = 3;
	uint8_t sent[256];
	uint32_t sent_len = pkt_build(&s, sent, sizeof(sent));
	struct pkt_view vs;
	assert_int_equal(pkt_parse(sent, sent_len, &vs), 0);
	/* no port preservation: the echo leaves with another identifier,
	 * which the quote must undo */
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.filtering[0] = p.filtering[1] = p.filtering[2] = RG_FILTER_APDF;
	p.port_lo = 1024;
	p.port_hi = 65535;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 8;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	uint8_t out[256]; /* fwenv reuses its frame store */
	uint32_t out_len = o->len;
	memcpy(out, o->data, out_len);
	struct pkt_view vo;
	assert_int_equal(pkt_parse(out, out_len, &vo), 0);
	assert_int_not_equal(rg_get_be16(out + vo.l4 + 4), 0x4242);

	for (unsigned full = 0; full < 2; full++) {
		uint8_t quote[128];
		uint32_t qlen = full ? vo.ip_end - vo.l3 : 28;
		memcpy(quote, out + vo.l3, qlen);
		uint8_t f[2048];
		uint32_t n = icmp_error(f, FWENV_MAC[1], FWENV_GW_MAC, PKT_IPV4(198, 18, 0, 9),
					vo.src, 11, 0, quote, qlen);
		fwenv_clear(e);
		fwenv_rx(e, 1, f, n);
		const struct fwenv_frame *in = fwenv_first_ipv4(e, 0);
		assert_non_null(in);
		struct pkt_view v;
		assert_int_equal(pkt_parse(in->data, in->len, &v), 0);
		assert_int_equal(v.dst, H1);
		assert_int_equal(v.src, PKT_IPV4(198, 18, 0, 9));
		assert_int_equal(in->data[v.l4], 11);
		assert_true(pkt_checksums_ok(in->data, in->len));
		const uint8_t *emb = in->data + v.l4 + 8;
		assert_int_equal(rg_get_be32(emb + 12), H1);
		assert_int_equal(rg_get_be32(emb + 16), R1);
		assert_int_equal(pkt_csum(emb, 20, 0), 0);
		/* the quoted echo header is the one H1 sent, byte for byte:
		 * type, code, checksum, identifier, sequence */
		assert_memory_equal(emb + 20, sent + vs.l4, 8);
		if (full)
			assert_int_equal(pkt_csum(emb + 20, qlen - 20, 0), 0);
	}
	assert_int_equal(fwenv_counter(e, "icmp-errors-translated"), 2);
}

/* DF set and larger than the egress MTU: fragmentation needed, with the
 * MTU; without DF the card fragments. */
static void test_df_mtu_and_fragmentation(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.mtu[1] = 576;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	static uint8_t big[1000];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	s.payload = big;
	s.payload_len = sizeof(big);
	s.frag = 0x4000;
	fwenv_out_of(e, &s); /* resolves the gateway; the packet is refused */
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	assert_null(fwenv_first_ipv4(e, 1));
	const struct fwenv_frame *err = fwenv_first_ipv4(e, 0);
	assert_non_null(err);
	struct pkt_view v;
	pkt_parse(err->data, err->len, &v);
	assert_int_equal(err->data[v.l4], 3);
	assert_int_equal(err->data[v.l4 + 1], 4);
	assert_int_equal(rg_get_be16(err->data + v.l4 + 6), 576);
	assert_true(pkt_checksums_ok(err->data, err->len));
	/* without DF: fragments of at most 576 bytes, all translated */
	s.frag = 0;
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	unsigned i = 0, nfrag = 0;
	uint32_t total = 0;
	const struct fwenv_frame *f;
	while ((f = fwenv_find(e, 1, &i)) != NULL) {
		pkt_parse(f->data, f->len, &v);
		assert_true(v.ip_end - v.l3 <= 576);
		assert_true(v.src == FWENV_POOL_LO || v.src == FWENV_POOL_HI);
		assert_int_equal(pkt_csum(f->data + v.l3, 20, 0), 0);
		total += v.ip_end - v.l4;
		nfrag++;
	}
	assert_true(nfrag >= 2);
	assert_int_equal(total, 8 + sizeof(big));
}

/* Build fragments of a UDP datagram (first carries the header). */
static uint32_t fragment(uint8_t *out, const uint8_t *whole, uint32_t len, uint32_t off, uint32_t n,
			 int more)
{
	struct pkt_view v;
	pkt_parse(whole, len, &v);
	memcpy(out, whole, v.l4);
	memcpy(out + v.l4, whole + v.l4 + off, n);
	uint8_t *ip = out + v.l3;
	uint16_t tot = (uint16_t)(v.l4 - v.l3 + n);
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	uint16_t fo = (uint16_t)((more ? 0x2000 : 0) | (off / 8));
	ip[6] = (uint8_t)(fo >> 8);
	ip[7] = (uint8_t)fo;
	ip[10] = ip[11] = 0;
	uint16_t c = pkt_csum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	return v.l4 + n;
}

static void test_fragments_out_of_order(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 41000, 53);
	fwenv_out_of(e, &s); /* gateway resolved, mapping exists */
	static uint8_t payload[400];
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	s.payload = payload;
	s.payload_len = sizeof(payload);
	s.ip_id = 0x4242;
	uint8_t whole[1024], f1[1024], f2[1024], f3[1024];
	uint32_t wl = pkt_build(&s, whole, sizeof(whole));
	uint32_t l1 = fragment(f1, whole, wl, 0, 136, 1);
	uint32_t l2 = fragment(f2, whole, wl, 136, 136, 1);
	uint32_t l3 = fragment(f3, whole, wl, 272, 408 - 272, 0);
	fwenv_clear(e);
	fwenv_rx(e, 0, f3, l3); /* last first */
	fwenv_rx(e, 0, f2, l2);
	assert_int_equal(fwenv_count(e, 1), 0);
	fwenv_rx(e, 0, f1, l1);
	assert_int_equal(fwenv_count(e, 1), 3);
	/* reassemble what left and check the UDP checksum over it */
	uint8_t re[1024];
	struct pkt_view v;
	uint32_t hdr = 0, got = 0;
	for (unsigned k = 0; k < 3; k++) {
		const struct fwenv_frame *f = &e->out[k];
		pkt_parse(f->data, f->len, &v);
		assert_true(v.src == FWENV_POOL_LO || v.src == FWENV_POOL_HI);
		assert_int_equal(v.dst, R1);
		uint32_t off = (uint32_t)(rg_get_be16(f->data + v.l3 + 6) & 0x1fff) * 8;
		memcpy(re + off, f->data + v.l3 + 20, v.ip_end - v.l3 - 20);
		got += v.ip_end - v.l3 - 20;
		hdr = v.src;
	}
	assert_int_equal(got, 408);
	uint32_t ps = (hdr >> 16) + (hdr & 0xffff) + (R1 >> 16) + (R1 & 0xffff) + 17 + 408;
	assert_int_equal(pkt_csum(re, 408, ps), 0);
	assert_int_equal(fwenv_counter(e, "fragments-translated"), 3);
	/* a lone non-first fragment times out, counted */
	s.ip_id = 0x4343;
	wl = pkt_build(&s, whole, sizeof(whole));
	l2 = fragment(f2, whole, wl, 136, 136, 1);
	fwenv_rx(e, 0, f2, l2);
	fwenv_advance(e, 12000);
	assert_int_equal(fwenv_counter(e, "drop-fragment-timeout"), 1);
}

/* On a jumbo inside port the first piece of a datagram may come after a
 * piece larger than the fragment table's buffers: that piece is held as
 * smaller fragments of itself, and when the first piece comes everything
 * leaves translated, within the outside MTU, and puts back together into
 * the datagram that was sent. */
static void test_jumbo_fragments_out_of_order(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 41002, 53);
	fwenv_out_of(e, &s); /* gateway resolved, mapping exists */
	static uint8_t payload[6000];
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + 5);
	s.payload = payload;
	s.payload_len = sizeof(payload);
	s.ip_id = 0x5151;
	static uint8_t whole[8192], f1[8192], f2[8192];
	uint32_t wl = pkt_build(&s, whole, sizeof(whole));
	uint32_t l1 = fragment(f1, whole, wl, 0, 3000, 1);
	uint32_t l2 = fragment(f2, whole, wl, 3000, 6008 - 3000, 0);
	fwenv_clear(e);
	fwenv_rx(e, 0, f2, l2); /* 3028 bytes of IP before the first piece */
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "fragments-held-split"), 1);
	assert_int_equal(fwenv_counter(e, "drop-fragment-too-big-to-hold"), 0);
	fwenv_rx(e, 0, f1, l1);
	static uint8_t re[6008];
	static uint8_t seen[6008];
	memset(seen, 0, sizeof(seen));
	struct pkt_view v;
	uint32_t got = 0, src = 0;
	for (unsigned k = 0; k < e->n_out; k++) {
		const struct fwenv_frame *f = &e->out[k];
		if (f->port != 1)
			continue;
		pkt_parse(f->data, f->len, &v);
		assert_true(v.ip_end - v.l3 <= 1500);
		assert_int_equal(pkt_csum(f->data + v.l3, 20, 0), 0);
		assert_int_equal(v.dst, R1);
		uint32_t off = (uint32_t)(rg_get_be16(f->data + v.l3 + 6) & 0x1fff) * 8;
		uint32_t n = v.ip_end - v.l3 - 20;
		assert_true(off + n <= sizeof(re));
		for (uint32_t b = off; b < off + n; b++) {
			assert_int_equal(seen[b], 0); /* no byte twice */
			seen[b] = 1;
		}
		memcpy(re + off, f->data + v.l3 + 20, n);
		got += n;
		src = v.src;
	}
	assert_int_equal(got, 6008);
	assert_true(src == FWENV_POOL_LO || src == FWENV_POOL_HI);
	assert_memory_equal(re + 8, payload, sizeof(payload));
	uint32_t ps = (src >> 16) + (src & 0xffff) + (R1 >> 16) + (R1 & 0xffff) + 17 + 6008;
	assert_int_equal(pkt_csum(re, 6008, ps), 0);
}

/* Invalid packets are dropped and counted, never forwarded (with an inside
 * address or otherwise), whether the fast or the slow path sees them. */
static void test_invalid_never_forwarded(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 42000, 53);
	fwenv_out_of(e, &s);
	fwenv_clear(e);
	s.bad_l4_csum = 1;
	fwenv_send(e, 0, &s); /* known session, bad checksum */
	s.sport = 42001;
	fwenv_send(e, 0, &s); /* new flow, bad checksum */
	s.bad_l4_csum = 0;
	s.bad_ip_csum = 1;
	fwenv_send(e, 0, &s);
	s.bad_ip_csum = 0;
	s.proto = 6;
	s.bad_l4_csum = 1;
	fwenv_send(e, 0, &s);
	/* a fragment with a bad IP checksum */
	s.proto = 17;
	s.bad_l4_csum = 0;
	s.bad_ip_csum = 1;
	s.frag = 0x2000;
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_true(fwenv_counter(e, "fp-drop-bad-l4-csum") >= 3);
	assert_true(fwenv_counter(e, "fp-drop-bad-ip-csum") >= 1);
}

/* RFC 5382 REQ-4: an unsolicited SYN is held >= 6 s; an outbound SYN of the
 * same connection in that time drops it silently (simultaneous open
 * succeeds through the outbound SYN); otherwise port unreachable. */
static void test_unsolicited_syn_hold(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.flags |= RG_CFG_SYN_UNREACH;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	/* H1 has a mapping (talked to R2) */
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R2, 6, 43000, 3478);
	struct pkt_view v = outside_view(e, &s);
	/* R1 sends a SYN to it: held */
	struct pkt_spec r = fwenv_pkt_out(R1, v.src, 6, 5000, v.sport);
	r.tcp_flags = 0x02;
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	assert_int_equal(e->n_out, 0);
	assert_int_equal(fwenv_counter(e, "syns-held"), 1);
	/* within 6 s H1 opens toward R1: the SYN goes out on the same port */
	fwenv_advance(e, 3000);
	s.dst = R1;
	s.dport = 5000;
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	const struct fwenv_frame *o = fwenv_first_ipv4(e, 1);
	assert_non_null(o);
	struct pkt_view w;
	pkt_parse(o->data, o->len, &w);
	assert_int_equal(w.sport, v.sport);
	assert_int_equal(fwenv_counter(e, "syns-simultaneous-open"), 1);
	/* R1's SYN|ACK (or its retransmitted SYN) now passes */
	r.tcp_flags = 0x02;
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	assert_non_null(fwenv_first_ipv4(e, 0));
	fwenv_advance(e, 10000);
	assert_int_equal(fwenv_counter(e, "drop-unsolicited-syn"), 0);
	/* another SYN from elsewhere: answered with port unreachable after 6 s */
	struct pkt_spec x = fwenv_pkt_out(R2, v.src, 6, 6000, v.sport);
	x.tcp_flags = 0x02;
	fwenv_clear(e);
	fwenv_send(e, 1, &x);
	fwenv_advance(e, 5000);
	assert_int_equal(e->n_out, 0);
	fwenv_advance(e, 2500);
	const struct fwenv_frame *err = fwenv_first_ipv4(e, 1);
	assert_non_null(err);
	pkt_parse(err->data, err->len, &w);
	assert_int_equal(err->data[w.l4], 3);
	assert_int_equal(err->data[w.l4 + 1], 3);
	assert_int_equal(w.dst, R2);
	assert_int_equal(fwenv_counter(e, "drop-unsolicited-syn"), 1);
}

/* RFC 5508 REQ-11: an ICMP error about a hairpinned packet, sent by the
 * receiving inside host, reaches the sender translated both ways. */
static void test_hairpin_icmp_error(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec b = fwenv_pkt_in(H2, MAC_H2, R1, 17, 7777, 53);
	struct pkt_view vb = outside_view(e, &b);
	struct rg_map_req rq;
	memset(&rq, 0, sizeof(rq));
	rq.proto = 17;
	rq.in_addr = rg_be32_field(H2);
	rq.in_port = rg_be16_field(7777);
	rq.lifetime_s = 600;
	rq.owner = RG_OWNER_PCP;
	struct rg_map_rsp rsp;
	assert_int_equal(rg_fw_map_add(e->fw, &rq, &rsp), RG_ST_OK);
	struct pkt_spec a = fwenv_pkt_in(H1, MAC_H1, vb.src, 17, 5555, vb.sport);
	fwenv_clear(e);
	fwenv_send(e, 0, &a);
	const struct fwenv_frame *h = fwenv_first_ipv4(e, 0);
	assert_non_null(h);
	struct pkt_view v;
	pkt_parse(h->data, h->len, &v);
	/* H2 answers with port unreachable quoting what it got */
	uint8_t f[2048];
	uint32_t n = icmp_error(f, FWENV_MAC[0], MAC_H2, H2, v.src, 3, 3, h->data + v.l3,
				v.ip_end - v.l3);
	fwenv_clear(e);
	fwenv_rx(e, 0, f, n);
	const struct fwenv_frame *r = fwenv_first_ipv4(e, 0);
	assert_non_null(r);
	struct pkt_view w;
	pkt_parse(r->data, r->len, &w);
	assert_int_equal(w.dst, H1);
	assert_int_equal(w.src, vb.src); /* H2 as H1 knows it */
	assert_true(pkt_checksums_ok(r->data, r->len));
	const uint8_t *emb = r->data + w.l4 + 8;
	assert_int_equal(rg_get_be32(emb + 12), H1);
	assert_int_equal(rg_get_be16(emb + 20), 5555);
	assert_int_equal(rg_get_be32(emb + 16), vb.src);
	assert_int_equal(rg_get_be16(emb + 22), vb.sport);
	assert_memory_equal(r->data, MAC_H1, 6);
	assert_int_equal(fwenv_count(e, 1), 0);
}

/* ICMP query mappings live >= 60 s, refreshed by outbound requests. */
static void test_icmp_query_timeout(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 1, 0x4444, 0);
	assert_non_null(fwenv_out_of(e, &s));
	fwenv_advance(e, 59 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_send(e, 0, &s);
	fwenv_advance(e, 59 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_advance(e, 3 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
}

/* RFC 4787 REQ-6: inbound refresh only when configured. */
static void test_inbound_refresh_when_configured(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.flags |= RG_CFG_INBOUND_REFRESH;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 9200, 53);
	struct pkt_view v = outside_view(e, &s);
	struct pkt_spec r = fwenv_pkt_out(R1, v.src, 17, 53, 9200);
	for (int i = 0; i < 4; i++) {
		fwenv_advance(e, 200 * 1000);
		fwenv_send(e, 1, &r);
	}
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	fwenv_advance(e, 302 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hairpin_udp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_tcp_open_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_tcp_filtered_without_permission, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error_about_an_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error_translation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_df_mtu_and_fragmentation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragments_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jumbo_fragments_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_never_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsolicited_syn_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_icmp_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_query_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_refresh_when_configured, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
