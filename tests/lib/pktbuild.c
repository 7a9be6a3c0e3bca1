/* SPDX-License-Identifier: BSD-2-Clause */
#include "pktbuild.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)get16(p) << 16) | get16(p + 2);
}

uint16_t pkt_csum(const uint8_t *p, size_t len, uint32_t seed)
{
	uint32_t s = seed;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

/* Write an IPv4 packet (header + L4 + payload) at p; returns its length. */
static uint32_t build_ip(const struct pkt_spec *s, uint8_t *p, uint32_t cap)
{
	uint32_t ihl = 20u + s->ip_opt_len;
	uint32_t l4len;
	switch (s->proto) {
	case 6:
		l4len = 20;
		break;
	case 1:
	case 17:
	case 50:
		l4len = 8;
		break;
	case 51:
		l4len = 12;
		break;
	default:
		l4len = 0;
		break;
	}
	uint32_t tot = ihl + l4len + s->payload_len;
	if (tot > cap || tot > 65535)
		return 0;
	memset(p, 0, ihl + l4len);
	p[0] = (uint8_t)(0x40 | (ihl / 4));
	p[1] = s->tos;
	put16(p + 2, (uint16_t)tot);
	put16(p + 4, s->ip_id);
	put16(p + 6, s->frag);
	p[8] = s->ttl ? s->ttl : 64;
	p[9] = s->proto;
	put32(p + 12, s->src);
	put32(p + 16, s->dst);
	for (uint32_t i = 20; i < ihl; i++)
		p[i] = s->ip_opt ? s->ip_opt[i - 20] : 1; /* default: NOP options */
	uint8_t *l4 = p + ihl;
	if (s->payload_len)
		memcpy(l4 + l4len, s->payload, s->payload_len);
	uint32_t l4tot = l4len + s->payload_len;
	switch (s->proto) {
	case 6:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->tcp_seq);
		put32(l4 + 8, s->tcp_ack);
		l4[12] = 5 << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 65535);
		put16(l4 + 16, pkt_csum(l4, l4tot, pseudo(s->src, s->dst, 6, l4tot)));
		if (s->bad_l4_csum)
			l4[17] ^= 0x5a;
		break;
	case 17:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, (uint16_t)l4tot);
		if (!s->udp_no_csum) {
			uint16_t c = pkt_csum(l4, l4tot, pseudo(s->src, s->dst, 17, l4tot));
			put16(l4 + 6, c ? c : 0xffff);
			if (s->bad_l4_csum)
				l4[7] ^= 0x5a;
		}
		break;
	case 1:
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		put16(l4 + 4, s->icmp_id);
		put16(l4 + 6, s->icmp_seq);
		put16(l4 + 2, pkt_csum(l4, l4tot, 0));
		if (s->bad_l4_csum)
			l4[3] ^= 0x5a;
		break;
	case 50:
		put32(l4, s->spi);
		put32(l4 + 4, 1);
		break;
	case 51:
		l4[0] = 4; /* next header */
		l4[1] = 1; /* length in 32-bit words - 2 */
		put32(l4 + 4, s->spi);
		put32(l4 + 8, 1);
		break;
	default:
		break;
	}
	put16(p + 10, pkt_csum(p, ihl, 0));
	if (s->bad_ip_csum)
		p[11] ^= 0x5a;
	return tot;
}

uint32_t pkt_build_arp(uint8_t f[60], const uint8_t *dmac, const uint8_t *smac, unsigned op,
		       uint32_t sip, const uint8_t *tmac, uint32_t tip)
{
	memset(f, 0, 60);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[15] = 1;    /* Ethernet */
	f[16] = 0x08; /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = (uint8_t)op;
	memcpy(f + 22, smac, 6);
	for (int i = 0; i < 4; i++) {
		f[28 + i] = (uint8_t)(sip >> (24 - 8 * i));
		f[38 + i] = (uint8_t)(tip >> (24 - 8 * i));
	}
	if (tmac)
		memcpy(f + 32, tmac, 6);
	return 60;
}

uint32_t pkt_build(const struct pkt_spec *s, uint8_t *buf, uint32_t cap)
{
	uint32_t l2 = s->vlan_tci ? 18 : 14;
	int tunnel = s->tunnel_src || s->tunnel_dst;
	uint32_t l3 = l2 + (tunnel ? 20 : 0);
	if (cap < l3)
		return 0;
	memcpy(buf, s->dmac, 6);
	memcpy(buf + 6, s->smac, 6);
	if (s->vlan_tci) {
		put16(buf + 12, 0x8100);
		put16(buf + 14, s->vlan_tci);
	}
	put16(buf + l2 - 2, 0x0800);
	uint32_t ip = build_ip(s, buf + l3, cap - l3);
	if (!ip)
		return 0;
	if (tunnel) {
		uint8_t *o = buf + l2;
		memset(o, 0, 20);
		o[0] = 0x45;
		put16(o + 2, (uint16_t)(ip + 20));
		o[8] = 64;
		o[9] = 4;
		put32(o + 12, s->tunnel_src);
		put32(o + 16, s->tunnel_dst);
		put16(o + 10, pkt_csum(o, 20, 0));
	}
	uint32_t len = l3 + ip;
	if (s->pad_to > len) {
		if (s->pad_to > cap)
			return 0;
		memset(buf + len, 0, s->pad_to - len);
		len = s->pad_to;
	}
	return len;
}

int pkt_parse(const uint8_t *f, uint32_t len, struct pkt_view *v)
{
	memset(v, 0, sizeof(*v));
	if (len < 14)
		return -1;
	uint32_t l3 = 14;
	uint16_t et = get16(f + 12);
	if (et == 0x8100) {
		if (len < 18)
			return -1;
		et = get16(f + 16);
		l3 = 18;
	}
	if (et != 0x0800 || len < l3 + 20 || (f[l3] >> 4) != 4)
		return -1;
	uint32_t ihl = (f[l3] & 15u) * 4;
	uint32_t tot = get16(f + l3 + 2);
	if (ihl < 20 || tot < ihl || l3 + tot > len)
		return -1;
	v->outer_l3 = l3;
	if (f[l3 + 9] == 4) {
		v->tunnel = 1;
		uint32_t in = l3 + ihl;
		if (in + 20 > l3 + tot)
			return -1;
		uint32_t iihl = (f[in] & 15u) * 4;
		uint32_t itot = get16(f + in + 2);
		if (iihl < 20 || itot < iihl || in + itot > l3 + tot)
			return -1;
		l3 = in;
		ihl = iihl;
		tot = itot;
	}
	v->l3 = l3;
	v->l4 = l3 + ihl;
	v->ip_end = l3 + tot;
	v->proto = f[l3 + 9];
	v->ttl = f[l3 + 8];
	v->src = get32(f + l3 + 12);
	v->dst = get32(f + l3 + 16);
	if ((v->proto == 6 || v->proto == 17) && v->l4 + 4 <= v->ip_end) {
		v->sport = get16(f + v->l4);
		v->dport = get16(f + v->l4 + 2);
	} else if (v->proto == 1 && v->l4 + 8 <= v->ip_end) {
		v->sport = v->dport = get16(f + v->l4 + 4);
	}
	return 0;
}

int pkt_checksums_ok(const uint8_t *f, uint32_t len)
{
	struct pkt_view v;
	if (pkt_parse(f, len, &v))
		return 0;
	if (pkt_csum(f + v.outer_l3, (f[v.outer_l3] & 15u) * 4, 0) != 0)
		return 0;
	if (v.tunnel && pkt_csum(f + v.l3, v.l4 - v.l3, 0) != 0)
		return 0;
	if (get16(f + v.l3 + 6) & 0x3fff)
		return 1; /* fragment: L4 checksum spans fragments */
	uint32_t l4len = v.ip_end - v.l4;
	switch (v.proto) {
	case 6:
		return l4len >= 20 &&
		       pkt_csum(f + v.l4, l4len, pseudo(v.src, v.dst, 6, l4len)) == 0;
	case 17:
		if (l4len < 8)
			return 0;
		if (get16(f + v.l4 + 6) == 0)
			return 1;
		return pkt_csum(f + v.l4, l4len, pseudo(v.src, v.dst, 17, l4len)) == 0;
	case 1:
		return l4len >= 8 && pkt_csum(f + v.l4, l4len, 0) == 0;
	default:
		return 1;
	}
}
