/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the seed corpus of the packet-path fuzz target (tests/fuzz/corpus/,
 * committed; `make fuzz-corpus` rewrites it): small scripts in the target's
 * input format (fuzz_packet.c: op byte, then a 2-byte length and a frame for
 * ops 0..5 on port op % 3, a clock step for 6, a MAP_ADD request for 7) of
 * valid traffic through the standard gateway of tests/lib/fwenv (inside
 * 10.0.0.1/24, outside 203.0.113.1/24, pool 198.51.100.10-11, the first
 * subscriber paired with .10, ports preserved, EIM and EIF). Each seed is a flow that
 * gets somewhere — a session, a translated reply or error, a reassembled
 * datagram — so mutations start deep in the packet path instead of at the
 * parser's first check. Frames come from tests/lib/pktbuild (checksums
 * computed from scratch).
 * usage: gen-corpus DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "seed_file.h"
#include "../lib/pktbuild.h"

#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define ROUTER PKT_IPV4(198, 18, 0, 1)
#define POOL FWENV_POOL_LO
static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t MAC_H2[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

enum { OP_INSIDE = 0, OP_OUTSIDE = 1, OP_HOST = 2, OP_ADVANCE = 6, OP_MAP_ADD = 7 };

struct script {
	uint8_t b[8192];
	uint32_t n;
};

static const char *dir;

static void put(struct script *s, const void *p, uint32_t n)
{
	if (s->n + n > sizeof(s->b)) {
		fprintf(stderr, "seed too long\n");
		exit(1);
	}
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void frame(struct script *s, unsigned op, const uint8_t *f, uint32_t len)
{
	if (len >= 2048) {
		fprintf(stderr, "frame too long for the fuzz target\n");
		exit(1);
	}
	uint8_t h[3] = { (uint8_t)op, (uint8_t)(len >> 8), (uint8_t)len };
	put(s, h, 3);
	put(s, f, len);
}

static void packet(struct script *s, unsigned op, const struct pkt_spec *p)
{
	uint8_t f[2048];
	uint32_t n = pkt_build(p, f, sizeof(f));
	if (!n) {
		fprintf(stderr, "cannot build a frame\n");
		exit(1);
	}
	frame(s, op, f, n);
}

static void advance(struct script *s, uint8_t units) /* of 997 ms */
{
	uint8_t h[2] = { OP_ADVANCE, units };
	put(s, h, 2);
}

/* The target derives the pool's mapping and filtering from the input's
 * size (size % 3, size / 3 % 3): seeds are padded to a multiple of 9 for
 * EIM and EIF, the behaviour under which every step of a flow goes through
 * (mutations that change the size explore the others). The padding is
 * clock steps of 0, and a lone op 6 at the end, which reads no byte. */
static void save(const char *name, struct script *s)
{
	uint32_t need = (9u - s->n % 9u) % 9u;
	for (; need >= 2; need -= 2)
		advance(s, 0);
	if (need) {
		uint8_t op = OP_ADVANCE;
		put(s, &op, 1);
	}
	seed_write(dir, name, s->b, s->n);
}

static struct pkt_spec in_pkt(uint32_t src, const uint8_t *mac, uint32_t dst, uint8_t proto,
			      uint16_t sport, uint16_t dport)
{
	return fwenv_pkt_in(src, mac, dst, proto, sport, dport);
}

static struct pkt_spec out_pkt(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
			       uint16_t dport)
{
	return fwenv_pkt_out(src, dst, proto, sport, dport);
}

static void arp(struct script *s, unsigned op, const uint8_t *dmac, const uint8_t *smac,
		unsigned code, uint32_t sip, uint32_t tip)
{
	uint8_t f[60];
	frame(s, op, f, pkt_build_arp(f, dmac, smac, code, sip, code == 2 ? dmac : NULL, tip));
}

/* The IPv4 part of a frame built from p (the quote of an ICMP error). */
static uint32_t ip_of(const struct pkt_spec *p, uint8_t *ip, uint32_t cap)
{
	uint8_t f[2048];
	uint32_t n = pkt_build(p, f, sizeof(f));
	if (n < 14 || n - 14 > cap)
		exit(1);
	memcpy(ip, f + 14, n - 14);
	return n - 14;
}

static void seed_udp(void)
{
	struct script s = { .n = 0 };
	static const uint8_t dns[12] = { 0x12, 0x34, 1, 0, 0, 1 };
	struct pkt_spec o = in_pkt(H1, MAC_H1, R1, 17, 40000, 53);
	o.payload = dns;
	o.payload_len = sizeof(dns);
	packet(&s, OP_INSIDE, &o);
	struct pkt_spec r = out_pkt(R1, POOL, 17, 53, 40000);
	r.payload = dns;
	r.payload_len = sizeof(dns);
	packet(&s, OP_OUTSIDE, &r);
	packet(&s, OP_INSIDE, &o);
	save("udp-out-and-reply", &s);
}

static void seed_tcp(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec syn = in_pkt(H1, MAC_H1, R1, 6, 40001, 80);
	syn.tcp_seq = 1000;
	packet(&s, OP_INSIDE, &syn);
	struct pkt_spec synack = out_pkt(R1, POOL, 6, 80, 40001);
	synack.tcp_seq = 5000;
	synack.tcp_ack = 1001;
	packet(&s, OP_OUTSIDE, &synack);
	struct pkt_spec ack = syn;
	ack.tcp_flags = 0x10;
	ack.tcp_seq = 1001;
	ack.tcp_ack = 5001;
	packet(&s, OP_INSIDE, &ack);
	ack.tcp_flags = 0x11; /* FIN|ACK */
	packet(&s, OP_INSIDE, &ack);
	synack.tcp_flags = 0x11;
	synack.tcp_seq = 5001;
	synack.tcp_ack = 1002;
	packet(&s, OP_OUTSIDE, &synack);
	save("tcp-syn-synack-fin", &s);
}

static void seed_icmp_echo(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec req = in_pkt(H1, MAC_H1, R1, 1, 0x4242, 0);
	req.icmp_seq = 1;
	packet(&s, OP_INSIDE, &req);
	struct pkt_spec rep = out_pkt(R1, POOL, 1, 0, 0x4242);
	rep.icmp_seq = 1;
	packet(&s, OP_OUTSIDE, &rep);
	/* and to the card itself, both sides */
	req.dst = FWENV_IN_ADDR;
	packet(&s, OP_INSIDE, &req);
	struct pkt_spec own = out_pkt(R1, FWENV_OUT_ADDR, 1, 0, 0);
	own.icmp_type = 8;
	own.icmp_id = 7;
	packet(&s, OP_OUTSIDE, &own);
	save("icmp-echo", &s);
}

/* A router's error about the outbound UDP packet, and one the card makes
 * itself (TTL 1 on the inside). */
static void seed_icmp_error(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec o = in_pkt(H1, MAC_H1, R1, 17, 40002, 53);
	packet(&s, OP_INSIDE, &o);
	struct pkt_spec sent = out_pkt(POOL, R1, 17, 40002, 53);
	uint8_t quote[64];
	uint32_t q = ip_of(&sent, quote, sizeof(quote));
	struct pkt_spec err = out_pkt(ROUTER, POOL, 1, 0, 0);
	err.icmp_type = 3;
	err.icmp_code = 3;
	err.icmp_id = 0;
	err.payload = quote;
	err.payload_len = q;
	packet(&s, OP_OUTSIDE, &err);
	err.icmp_type = 11; /* time exceeded, quote of 28 bytes only */
	err.icmp_code = 0;
	err.payload_len = 28;
	packet(&s, OP_OUTSIDE, &err);
	struct pkt_spec ttl = in_pkt(H1, MAC_H1, R1, 17, 40003, 53);
	ttl.ttl = 1;
	packet(&s, OP_INSIDE, &ttl);
	save("icmp-error-with-quote", &s);
}

/* One UDP datagram in three fragments, the last one first. */
static void seed_fragments(void)
{
	struct script s = { .n = 0 };
	static uint8_t payload[400];
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	struct pkt_spec p = in_pkt(H1, MAC_H1, R1, 17, 40004, 9);
	p.payload = payload;
	p.payload_len = sizeof(payload);
	p.ip_id = 0x4242;
	uint8_t whole[1024];
	uint32_t wl = pkt_build(&p, whole, sizeof(whole));
	uint32_t hdr = 14 + 20, data = wl - hdr; /* 408 bytes of UDP */
	static const uint32_t cut[4] = { 0, 136, 272, 408 };
	for (int k = 2; k >= 0; k--) {
		uint8_t f[1024];
		uint32_t n = cut[k + 1] - cut[k];
		memcpy(f, whole, hdr);
		memcpy(f + hdr, whole + hdr + cut[k], n);
		uint8_t *ip = f + 14;
		uint32_t tot = 20 + n;
		ip[2] = (uint8_t)(tot >> 8);
		ip[3] = (uint8_t)tot;
		uint16_t fw = (uint16_t)((cut[k] / 8) | (cut[k + 1] < data ? 0x2000 : 0));
		ip[6] = (uint8_t)(fw >> 8);
		ip[7] = (uint8_t)fw;
		ip[10] = ip[11] = 0;
		uint16_t c = pkt_csum(ip, 20, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		frame(&s, OP_INSIDE, f, hdr + n);
	}
	advance(&s, 12); /* a fragment timeout later */
	save("udp-fragments-out-of-order", &s);
}

static void seed_vlan(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec o = in_pkt(H1, MAC_H1, R1, 17, 40005, 123);
	o.vlan_tci = 5;
	packet(&s, OP_INSIDE, &o);
	struct pkt_spec r = out_pkt(R1, POOL, 17, 123, 40005);
	r.vlan_tci = 7;
	packet(&s, OP_OUTSIDE, &r);
	save("vlan-tagged-udp", &s);
}

static void seed_ipip(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec t = in_pkt(H1, MAC_H1, R1, 17, 40006, 53);
	t.tunnel_src = H1;
	t.tunnel_dst = FWENV_IN_ADDR;
	packet(&s, OP_INSIDE, &t);
	struct pkt_spec o = out_pkt(R1, POOL, 6, 443, 40006);
	o.tunnel_src = R1;
	o.tunnel_dst = POOL;
	packet(&s, OP_OUTSIDE, &o);
	save("ip-in-ip", &s);
}

static void seed_arp(void)
{
	struct script s = { .n = 0 };
	arp(&s, OP_INSIDE, BCAST, MAC_H1, 1, H1, FWENV_IN_ADDR);
	arp(&s, OP_OUTSIDE, BCAST, FWENV_GW_MAC, 1, FWENV_GW_ADDR, POOL);
	/* the card asks for the gateway when a flow needs it: the answer */
	struct pkt_spec o = in_pkt(H2, MAC_H2, R1, 17, 40007, 53);
	packet(&s, OP_INSIDE, &o);
	arp(&s, OP_OUTSIDE, FWENV_MAC[1], FWENV_GW_MAC, 2, FWENV_GW_ADDR, FWENV_OUT_ADDR);
	arp(&s, OP_HOST, BCAST, FWENV_HOST_MAC, 1, FWENV_IN_ADDR, H1);
	save("arp", &s);
}

/* PCP to the card goes to the host; the host answers; a MAP_ADD opens an
 * inbound port that an outside packet then uses; time passes. */
static void seed_host_and_map(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec pcp = in_pkt(H1, MAC_H1, FWENV_IN_ADDR, 17, 5350, 5351);
	packet(&s, OP_INSIDE, &pcp);
	struct pkt_spec ans;
	memset(&ans, 0, sizeof(ans));
	memcpy(ans.dmac, FWENV_MAC[2], 6);
	memcpy(ans.smac, FWENV_HOST_MAC, 6);
	ans.src = FWENV_IN_ADDR;
	ans.dst = H1;
	ans.proto = 17;
	ans.sport = 5351;
	ans.dport = 5350;
	packet(&s, OP_HOST, &ans);
	struct rg_map_req r;
	memset(&r, 0, sizeof(r));
	r.proto = 17;
	r.in_addr = rg_be32_field(H1);
	r.in_port = rg_be16_field(6000);
	r.lifetime_s = 600;
	r.owner = RG_OWNER_PCP;
	uint8_t op = OP_MAP_ADD;
	put(&s, &op, 1);
	put(&s, &r, sizeof(r));
	struct pkt_spec in = out_pkt(R1, POOL, 17, 7000, 6000);
	packet(&s, OP_OUTSIDE, &in);
	advance(&s, 100);
	packet(&s, OP_OUTSIDE, &in);
	save("pcp-host-and-map-add", &s);
}

/* H2 has a mapping; H1 reaches it through the pool address (hairpin); an
 * unsolicited SYN is held and answered after the hold time. */
static void seed_hairpin_and_syn(void)
{
	struct script s = { .n = 0 };
	struct pkt_spec b = in_pkt(H2, MAC_H2, R1, 17, 7777, 53);
	packet(&s, OP_INSIDE, &b);
	struct pkt_spec h = in_pkt(H1, MAC_H1, FWENV_POOL_HI, 17, 40008, 7777);
	packet(&s, OP_INSIDE, &h);
	h.dst = POOL;
	packet(&s, OP_INSIDE, &h);
	struct pkt_spec syn = out_pkt(R1, POOL, 6, 5000, 7777);
	syn.tcp_flags = 0x02;
	packet(&s, OP_OUTSIDE, &syn);
	advance(&s, 8);
	save("hairpin-and-held-syn", &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	seed_udp();
	seed_tcp();
	seed_icmp_echo();
	seed_icmp_error();
	seed_fragments();
	seed_vlan();
	seed_ipip();
	seed_arp();
	seed_host_and_map();
	seed_hairpin_and_syn();
	return 0;
}
