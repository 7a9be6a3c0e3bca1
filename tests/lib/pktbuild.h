/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test packet construction and checking: Ethernet (+802.1Q) / IPv4 (+options,
 * fragments, IP-in-IP) / TCP, UDP, ICMP, ESP with correct checksums unless a
 * fault is asked for. Used by the unit, replay, property and differential
 * tests.
 */
#ifndef RG_TESTS_PKTBUILD_H
#define RG_TESTS_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

#define PKT_IPV4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

struct pkt_spec {
	uint8_t dmac[6];
	uint8_t smac[6];
	uint16_t vlan_tci; /* 0 = untagged */
	uint32_t src, dst; /* host order */
	uint8_t proto;	   /* 1 ICMP, 6 TCP, 17 UDP, 50 ESP, 51 AH, other: raw */
	uint8_t ttl;	   /* 0 = 64 */
	uint8_t tos;
	uint16_t ip_id;
	uint16_t frag;	       /* flags (DF 0x4000, MF 0x2000) | offset in 8-byte units */
	uint8_t ip_opt_len;    /* bytes of IP options (NOPs), multiple of 4, <= 40 */
	const uint8_t *ip_opt; /* when set: the ip_opt_len option bytes instead of NOPs */
	uint16_t sport, dport;
	uint8_t tcp_flags; /* default ACK when 0 and proto is TCP? no: as given */
	uint32_t tcp_seq, tcp_ack;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	uint32_t spi;
	const uint8_t *payload;
	uint32_t payload_len;
	uint32_t pad_to; /* pad the frame with zeros to this length */
	/* faults */
	int bad_ip_csum;
	int bad_l4_csum;
	int udp_no_csum;
	/* IP-in-IP: when tunnel_src/dst are set, wrap the IPv4 packet */
	uint32_t tunnel_src, tunnel_dst;
};

/* Build a frame into buf; returns its length, 0 if it does not fit. */
uint32_t pkt_build(const struct pkt_spec *s, uint8_t *buf, uint32_t cap);

/* An Ethernet ARP frame (IPv4 over Ethernet, padded to the 60-byte
 * minimum): op 1 request, 2 reply; the sender MAC is the frame's source;
 * tmac NULL = zeros. Returns 60. */
uint32_t pkt_build_arp(uint8_t f[60], const uint8_t *dmac, const uint8_t *smac, unsigned op,
		       uint32_t sip, const uint8_t *tmac, uint32_t tip);

/* Offsets of a parsed Ethernet/IPv4 frame (innermost IPv4 for IP-in-IP). */
struct pkt_view {
	uint32_t l3, l4, ip_end;
	uint32_t outer_l3; /* == l3 unless tunnelled */
	int tunnel;
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sport, dport; /* ICMP: id in sport for both */
	uint8_t ttl;
};
int pkt_parse(const uint8_t *f, uint32_t len, struct pkt_view *v);

/* 1 when every IPv4 header checksum and the L4 checksum of the frame are
 * valid (a zero UDP checksum counts as valid), 0 otherwise. */
int pkt_checksums_ok(const uint8_t *f, uint32_t len);

uint16_t pkt_csum(const uint8_t *p, size_t len, uint32_t seed);

#endif /* RG_TESTS_PKTBUILD_H */
