/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The slow path parser's drops, table-driven: every malformed frame is
 * handed to rg_fw_punt as the fast path would punt it, on the inside and on
 * the outside port, and must move exactly its own named counter by one (and
 * slowpath-packets), transmit nothing, report nothing and create no session
 * or mapping. Well-formed IPv4 options (NOP/EOL, timestamp, record route)
 * are not a fault: such packets are translated and forwarded.
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
#define L3 14u
#define FRAME_CAP 10000u

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

/* ---- frames ------------------------------------------------------------ */

/* A well-formed packet of proto for the port: an inside host toward a
 * remote, or a remote toward the first pool address. */
static struct pkt_spec base(unsigned port, uint8_t proto)
{
	if (port == RG_PORT_INSIDE)
		return fwenv_pkt_in(H1, MAC_H1, R1, proto, 40000, 53);
	return fwenv_pkt_out(R1, FWENV_POOL_LO, proto, 53, 40000);
}

static uint32_t build(const struct pkt_spec *s, uint8_t *f)
{
	uint32_t n = pkt_build(s, f, FRAME_CAP);
	assert_true(n > 0);
	return n;
}

static uint32_t base_frame(unsigned port, uint8_t proto, uint8_t *f)
{
	struct pkt_spec s = base(port, proto);
	return build(&s, f);
}

static void ip_csum(uint8_t *ip)
{
	rg_put_be16(ip + 10, 0);
	rg_put_be16(ip + 10, pkt_csum(ip, (ip[0] & 15u) * 4u, 0));
}

/* Cut the packet at l3 to tot bytes of IP (total length and frame). */
static uint32_t cut_ip(uint8_t *f, uint32_t l3, uint32_t tot)
{
	rg_put_be16(f + l3 + 2, (uint16_t)tot);
	ip_csum(f + l3);
	return l3 + tot;
}

/* The untagged frame f with one or two tags (TPIDs t1, t2) inserted. */
static uint32_t tagged(uint8_t *f, uint32_t len, uint16_t t1, uint16_t t2)
{
	uint8_t tmp[2048];
	uint32_t tags = t2 ? 8u : 4u;
	memcpy(tmp, f, len);
	memcpy(f + 12 + tags, tmp + 12, len - 12);
	rg_put_be16(f + 12, t1);
	rg_put_be16(f + 14, 7);
	if (t2) {
		rg_put_be16(f + 16, t2);
		rg_put_be16(f + 18, 8);
	}
	return len + tags;
}

static uint32_t f_empty(unsigned port, uint8_t *f)
{
	(void)port;
	(void)f;
	return 0;
}

static uint32_t f_runt13(unsigned port, uint8_t *f)
{
	base_frame(port, 17, f);
	return 13;
}

static uint32_t f_vlan_runt(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	tagged(f, n, 0x8100, 0);
	return 16; /* the tag is cut */
}

static uint32_t f_ip_runt(unsigned port, uint8_t *f)
{
	base_frame(port, 17, f);
	return L3 + 19;
}

static uint32_t f_ihl_beyond_frame(unsigned port, uint8_t *f)
{
	struct pkt_spec s = base(port, 17);
	s.ip_opt_len = 4;
	build(&s, f);
	return L3 + 22; /* 24-byte header, 22 bytes there */
}

static uint32_t f_vlan_on_untagged_port(unsigned port, uint8_t *f)
{
	return tagged(f, base_frame(port, 17, f), 0x8100, 0);
}

static uint32_t f_vlan_stacked(unsigned port, uint8_t *f)
{
	return tagged(f, base_frame(port, 17, f), 0x8100, 0x8100);
}

static uint32_t f_vlan_stag(unsigned port, uint8_t *f)
{
	return tagged(f, base_frame(port, 17, f), 0x88a8, 0x8100);
}

static uint32_t f_vlan_then_stag(unsigned port, uint8_t *f)
{
	return tagged(f, base_frame(port, 17, f), 0x8100, 0x88a8);
}

static uint32_t f_vlan_old_qinq(unsigned port, uint8_t *f)
{
	return tagged(f, base_frame(port, 17, f), 0x9100, 0);
}

static uint32_t f_ip_version6(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	f[L3] = 0x65;
	ip_csum(f + L3);
	return n;
}

static uint32_t f_ihl4(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	f[L3] = 0x44;
	rg_put_be16(f + L3 + 10, 0);
	rg_put_be16(f + L3 + 10, pkt_csum(f + L3, 20, 0)); /* what a 20-byte sum says */
	return n;
}

static uint32_t f_tot_beyond_frame(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	rg_put_be16(f + L3 + 2, (uint16_t)(n - L3 + 1));
	ip_csum(f + L3);
	return n;
}

static uint32_t f_tot_below_ihl(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	rg_put_be16(f + L3 + 2, 19);
	ip_csum(f + L3);
	return n;
}

static uint32_t f_reserved_flag(unsigned port, uint8_t *f)
{
	struct pkt_spec s = base(port, 17);
	s.frag = 0x8000;
	return build(&s, f);
}

static uint32_t with_options(unsigned port, uint8_t *f, const uint8_t *opt, uint8_t len)
{
	struct pkt_spec s = base(port, 17);
	s.ip_opt = opt;
	s.ip_opt_len = len;
	return build(&s, f);
}

static uint32_t f_opt_len0(unsigned port, uint8_t *f)
{
	static const uint8_t o[] = { 7, 0, 0, 0 };
	return with_options(port, f, o, 4);
}

static uint32_t f_opt_len1(unsigned port, uint8_t *f)
{
	static const uint8_t o[] = { 68, 1, 0, 0 };
	return with_options(port, f, o, 4);
}

static uint32_t f_opt_beyond(unsigned port, uint8_t *f)
{
	static const uint8_t o[] = { 68, 12, 5, 0 };
	return with_options(port, f, o, 4);
}

static uint32_t f_opt_no_length(unsigned port, uint8_t *f)
{
	static const uint8_t o[] = { 1, 1, 1, 7 };
	return with_options(port, f, o, 4);
}

static uint32_t f_bad_ip_csum(unsigned port, uint8_t *f)
{
	struct pkt_spec s = base(port, 17);
	s.bad_ip_csum = 1;
	return build(&s, f);
}

static uint32_t tunnelled(unsigned port, uint8_t *f)
{
	struct pkt_spec s = base(port, 17);
	s.tunnel_src = s.src;
	s.tunnel_dst = s.dst;
	return build(&s, f);
}

static uint32_t f_ipip_inner_cut(unsigned port, uint8_t *f)
{
	tunnelled(port, f);
	return cut_ip(f, L3, 20 + 12); /* the inner header is 12 bytes long */
}

static uint32_t f_tcp_cut(unsigned port, uint8_t *f)
{
	base_frame(port, 6, f);
	return cut_ip(f, L3, 20 + 10);
}

static uint32_t f_tcp_doff4(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 6, f);
	f[L3 + 20 + 12] = 0x40;
	return n;
}

static uint32_t f_tcp_doff_beyond(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 6, f);
	f[L3 + 20 + 12] = 0xf0;
	return n;
}

static uint32_t f_udp_cut(unsigned port, uint8_t *f)
{
	base_frame(port, 17, f);
	return cut_ip(f, L3, 20 + 4);
}

static uint32_t f_udp_len(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	rg_put_be16(f + L3 + 20 + 4, 9);
	return n;
}

static uint32_t f_icmp_cut(unsigned port, uint8_t *f)
{
	base_frame(port, 1, f);
	return cut_ip(f, L3, 20 + 4);
}

static uint32_t f_esp_cut(unsigned port, uint8_t *f)
{
	base_frame(port, 50, f);
	return cut_ip(f, L3, 20 + 4);
}

static uint32_t f_ah_cut(unsigned port, uint8_t *f)
{
	base_frame(port, 51, f);
	return cut_ip(f, L3, 20 + 8);
}

static uint32_t bad_l4(unsigned port, uint8_t proto, uint8_t *f)
{
	struct pkt_spec s = base(port, proto);
	s.bad_l4_csum = 1;
	return build(&s, f);
}

static uint32_t f_tcp_csum(unsigned port, uint8_t *f)
{
	return bad_l4(port, 6, f);
}

static uint32_t f_udp_csum(unsigned port, uint8_t *f)
{
	return bad_l4(port, 17, f);
}

static uint32_t f_icmp_csum(unsigned port, uint8_t *f)
{
	return bad_l4(port, 1, f);
}

/*
 * A port unreachable about the packet the error's sender received (the
 * reverse of base()): quote_len bytes of it, damaged by fault (1: IP
 * version 6, 2: bad IP checksum), the error itself sent with frag flags.
 */
static uint32_t icmp_error(unsigned port, uint8_t *f, uint32_t quote_len, int fault, uint16_t frag)
{
	struct pkt_spec q = base(port, 17);
	struct pkt_spec s = q;
	q.src = s.dst;
	q.dst = s.src;
	q.sport = s.dport;
	q.dport = s.sport;
	uint8_t qf[256];
	pkt_build(&q, qf, sizeof(qf));
	uint8_t *qip = qf + L3;
	if (fault == 1)
		qip[0] = 0x65;
	if (fault == 2)
		qip[10] ^= 0x5a;
	s.proto = 1;
	s.icmp_type = 3;
	s.icmp_code = 3;
	s.icmp_id = s.icmp_seq = 0;
	s.payload = qip;
	s.payload_len = quote_len;
	s.frag = frag;
	return build(&s, f);
}

static uint32_t f_icmp_quote_cut(unsigned port, uint8_t *f)
{
	return icmp_error(port, f, 12, 0, 0);
}

static uint32_t f_icmp_quote_no_ports(unsigned port, uint8_t *f)
{
	return icmp_error(port, f, 20, 0, 0);
}

static uint32_t f_icmp_quote_version(unsigned port, uint8_t *f)
{
	return icmp_error(port, f, 28, 1, 0);
}

static uint32_t f_icmp_quote_csum(unsigned port, uint8_t *f)
{
	return icmp_error(port, f, 28, 2, 0);
}

static uint32_t f_icmp_error_frag(unsigned port, uint8_t *f)
{
	return icmp_error(port, f, 28, 0, 0x2000);
}

/* An ARP request for the card's address on the port, damaged by fault. */
static uint32_t arp(unsigned port, uint8_t *f, int fault)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int in = port == RG_PORT_INSIDE;
	pkt_build_arp(f, bcast, in ? MAC_H1 : FWENV_GW_MAC, 1, in ? H1 : FWENV_GW_ADDR, NULL,
		      in ? FWENV_IN_ADDR : FWENV_OUT_ADDR);
	uint8_t *a = f + 14;
	switch (fault) {
	case 1:
		return 14 + 27; /* the target address is cut */
	case 2:
		rg_put_be16(a, 6); /* IEEE 802 hardware */
		break;
	case 3:
		rg_put_be16(a + 6, 3); /* RARP request */
		break;
	case 4:
		a[5] = 16; /* protocol address length */
		break;
	default:
		rg_put_be16(a + 2, 0x86dd);
		break;
	}
	return 60;
}

static uint32_t f_arp_cut(unsigned port, uint8_t *f)
{
	return arp(port, f, 1);
}

static uint32_t f_arp_htype(unsigned port, uint8_t *f)
{
	return arp(port, f, 2);
}

static uint32_t f_arp_op(unsigned port, uint8_t *f)
{
	return arp(port, f, 3);
}

static uint32_t f_arp_plen(unsigned port, uint8_t *f)
{
	return arp(port, f, 4);
}

static uint32_t f_arp_ptype(unsigned port, uint8_t *f)
{
	return arp(port, f, 5);
}

static uint32_t ethertype(unsigned port, uint8_t *f, uint16_t et)
{
	uint32_t n = base_frame(port, 17, f);
	rg_put_be16(f + 12, et);
	return n;
}

static uint32_t f_ipv6(unsigned port, uint8_t *f)
{
	return ethertype(port, f, 0x86dd);
}

static uint32_t f_lldp(unsigned port, uint8_t *f)
{
	return ethertype(port, f, 0x88cc);
}

static uint32_t f_gre(unsigned port, uint8_t *f)
{
	static const uint8_t gre[4] = { 0, 0, 0x08, 0 };
	struct pkt_spec s = base(port, 47);
	s.payload = gre;
	s.payload_len = sizeof(gre);
	return build(&s, f);
}

static uint32_t f_esp(unsigned port, uint8_t *f)
{
	struct pkt_spec s = base(port, 50);
	s.spi = 0x1234;
	return build(&s, f);
}

static uint32_t f_ah(unsigned port, uint8_t *f)
{
	struct pkt_spec s = base(port, 51);
	s.spi = 0x1234;
	return build(&s, f);
}

static uint32_t f_oversize(unsigned port, uint8_t *f)
{
	uint32_t n = base_frame(port, 17, f);
	memset(f + n, 0, 9217 - n);
	return 9217;
}

/* ---- the table ------------------------------------------------------------ */

struct parse_case {
	const char *name;
	uint32_t (*frame)(unsigned port, uint8_t *f);
	const char *counter;
	uint8_t reason; /* the punt reason the fast path would give */
};

static const struct parse_case cases[] = {
	{ "empty frame", f_empty, "drop-runt", RG_PUNT_NONE },
	{ "13 bytes", f_runt13, "drop-runt", RG_PUNT_NONE },
	{ "802.1Q tag cut", f_vlan_runt, "drop-runt", RG_PUNT_NONE },
	{ "IPv4 header cut", f_ip_runt, "drop-runt", RG_PUNT_HDR_WINDOW },
	{ "IHL beyond the frame", f_ihl_beyond_frame, "drop-runt", RG_PUNT_HDR_WINDOW },
	{ "802.1Q tag on an untagged port", f_vlan_on_untagged_port, "drop-wrong-vlan",
	  RG_PUNT_VLAN },
	{ "stacked 802.1Q tags", f_vlan_stacked, "drop-bad-l2", RG_PUNT_NOT_IPV4 },
	{ "802.1ad service tag", f_vlan_stag, "drop-bad-l2", RG_PUNT_NOT_IPV4 },
	{ "service tag inside 802.1Q", f_vlan_then_stag, "drop-bad-l2", RG_PUNT_NOT_IPV4 },
	{ "pre-standard QinQ tag", f_vlan_old_qinq, "drop-bad-l2", RG_PUNT_NOT_IPV4 },
	{ "IP version 6 in IPv4", f_ip_version6, "drop-bad-ip-header", RG_PUNT_MISS },
	{ "IHL 4", f_ihl4, "drop-bad-ip-header", RG_PUNT_MISS },
	{ "total length beyond frame", f_tot_beyond_frame, "drop-bad-ip-header", RG_PUNT_MISS },
	{ "total length below IHL", f_tot_below_ihl, "drop-bad-ip-header", RG_PUNT_MISS },
	{ "reserved flag", f_reserved_flag, "drop-bad-ip-header", RG_PUNT_MISS },
	{ "option length 0", f_opt_len0, "drop-bad-ip-header", RG_PUNT_IP_OPTIONS },
	{ "option length 1", f_opt_len1, "drop-bad-ip-header", RG_PUNT_IP_OPTIONS },
	{ "option beyond header", f_opt_beyond, "drop-bad-ip-header", RG_PUNT_IP_OPTIONS },
	{ "option without length", f_opt_no_length, "drop-bad-ip-header", RG_PUNT_IP_OPTIONS },
	{ "bad IP checksum", f_bad_ip_csum, "drop-bad-ip-checksum", RG_PUNT_MISS },
	{ "IP-in-IP inner header cut", f_ipip_inner_cut, "drop-bad-ip-header", RG_PUNT_MISS },
	{ "TCP header cut", f_tcp_cut, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "TCP data offset 4", f_tcp_doff4, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "TCP data offset beyond", f_tcp_doff_beyond, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "UDP header cut", f_udp_cut, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "UDP length", f_udp_len, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "ICMP header cut", f_icmp_cut, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "ESP header cut", f_esp_cut, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "AH header cut", f_ah_cut, "drop-bad-l4-header", RG_PUNT_MISS },
	{ "bad TCP checksum", f_tcp_csum, "drop-bad-l4-checksum", RG_PUNT_MISS },
	{ "bad UDP checksum", f_udp_csum, "drop-bad-l4-checksum", RG_PUNT_MISS },
	{ "bad ICMP checksum", f_icmp_csum, "drop-bad-l4-checksum", RG_PUNT_MISS },
	{ "ICMP error, quote cut", f_icmp_quote_cut, "drop-bad-icmp", RG_PUNT_ICMP_ERROR },
	{ "ICMP error, no ports", f_icmp_quote_no_ports, "drop-bad-icmp", RG_PUNT_ICMP_ERROR },
	{ "ICMP error, quote v6", f_icmp_quote_version, "drop-bad-icmp", RG_PUNT_ICMP_ERROR },
	{ "ICMP error, quote csum", f_icmp_quote_csum, "drop-bad-icmp", RG_PUNT_ICMP_ERROR },
	{ "ICMP error fragment", f_icmp_error_frag, "drop-icmp-error-fragment", RG_PUNT_FRAG },
	{ "ARP cut", f_arp_cut, "drop-bad-arp", RG_PUNT_NOT_IPV4 },
	{ "ARP hardware type", f_arp_htype, "drop-bad-arp", RG_PUNT_NOT_IPV4 },
	{ "ARP opcode", f_arp_op, "drop-bad-arp", RG_PUNT_NOT_IPV4 },
	{ "ARP address length", f_arp_plen, "drop-bad-arp", RG_PUNT_NOT_IPV4 },
	{ "ARP protocol type", f_arp_ptype, "drop-bad-arp", RG_PUNT_NOT_IPV4 },
	{ "IPv6", f_ipv6, "drop-ipv6", RG_PUNT_NOT_IPV4 },
	{ "LLDP", f_lldp, "drop-unsupported-protocol", RG_PUNT_NOT_IPV4 },
	{ "GRE", f_gre, "drop-unsupported-protocol", RG_PUNT_PROTO },
	{ "ESP without session", f_esp, "drop-unsupported-protocol", RG_PUNT_MISS },
	{ "AH without session", f_ah, "drop-unsupported-protocol", RG_PUNT_MISS },
	{ "IP-in-IP without session", tunnelled, "drop-tunnel-no-session", RG_PUNT_MISS },
	{ "oversize frame", f_oversize, "drop-oversize-frame", RG_PUNT_NONE },
};

static uint32_t counter_id(const char *name)
{
	for (uint32_t id = RG_FWC_BASE; id < RG_FWC_END; id++)
		if (strcmp(rg_counter_name(id), name) == 0)
			return id;
	return 0;
}

static void snapshot(struct fwenv *e, uint64_t *v)
{
	for (uint32_t i = 0; i < RG_FWC_COUNT; i++)
		v[i] = rg_fw_counter(e->fw, RG_FWC_BASE + i);
}

static void punt(struct fwenv *e, unsigned port, const uint8_t *f, uint32_t len, uint8_t reason)
{
	struct rg_fp_out_meta m;
	memset(&m, 0, sizeof(m));
	m.verdict = RG_VERDICT_PUNT;
	m.reason = reason;
	m.port = (uint8_t)port;
	rg_fw_punt(e->fw, f, len, port, &m);
}

static void run_case(struct fwenv *e, const struct parse_case *c, unsigned port)
{
	static uint8_t f[FRAME_CAP];
	static uint64_t before[RG_FWC_COUNT], after[RG_FWC_COUNT];
	uint32_t want = counter_id(c->counter);
	if (!want) {
		print_error("%s: no counter named %s\n", c->name, c->counter);
		fail();
	}
	memset(f, 0, sizeof(f));
	uint32_t len = c->frame(port, f);
	fwenv_clear(e);
	unsigned reinjected = e->reinjected;
	snapshot(e, before);
	punt(e, port, f, len, c->reason);
	snapshot(e, after);
	for (uint32_t i = 0; i < RG_FWC_COUNT; i++) {
		uint32_t id = RG_FWC_BASE + i;
		if (id == RG_FWC_ADJ_ACTIVE)
			continue; /* an inside sender may be learned before policy drops */
		uint64_t d = after[i] - before[i];
		uint64_t exp = (id == want) + (id == RG_FWC_SP_PACKETS);
		if (d != exp) {
			print_error("%s on port %u: %s moved by %llu, expected %llu\n", c->name,
				    port, rg_counter_name(id), (unsigned long long)d,
				    (unsigned long long)exp);
			fail();
		}
	}
	assert_int_equal(e->n_out, 0);
	assert_int_equal(e->reinjected, reinjected);
	assert_int_equal(e->n_evts, 0);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 0);
	assert_int_equal(fwenv_counter(e, "subscribers-active"), 0);
}

static void test_malformed_inside(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(*state, &cases[i], RG_PORT_INSIDE);
}

static void test_malformed_outside(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(*state, &cases[i], RG_PORT_OUTSIDE);
}

/* ---- options that are well formed ------------------------------------------- */

static const uint8_t OPT_NOP_EOL[] = { 1, 1, 1, 0 };
static const uint8_t OPT_EOL_FIRST[] = { 0, 0, 0, 0 };
/* timestamps only (flag 0), one free slot */
static const uint8_t OPT_TIMESTAMP[] = { 68, 8, 5, 0, 0, 0, 0, 0 };
/* record route with one empty slot, then EOL */
static const uint8_t OPT_RECORD_ROUTE[] = { 7, 7, 4, 0, 0, 0, 0, 0 };

static const struct {
	const uint8_t *opt;
	uint8_t len;
} good_options[] = {
	{ OPT_NOP_EOL, sizeof(OPT_NOP_EOL) },
	{ OPT_EOL_FIRST, sizeof(OPT_EOL_FIRST) },
	{ OPT_TIMESTAMP, sizeof(OPT_TIMESTAMP) },
	{ OPT_RECORD_ROUTE, sizeof(OPT_RECORD_ROUTE) },
};

static uint64_t drops(struct fwenv *e)
{
	uint64_t n = 0;
	for (uint32_t id = RG_FWC_BASE; id < RG_FWC_END; id++)
		if (strncmp(rg_counter_name(id), "drop-", 5) == 0)
			n += rg_fw_counter(e->fw, id);
	return n;
}

/* The one IPv4 frame the card sent, on port. */
static const struct fwenv_frame *sent_ipv4(struct fwenv *e, unsigned port)
{
	const struct fwenv_frame *o = NULL;
	for (unsigned i = 0; i < e->n_out; i++) {
		if (rg_get_be16(e->out[i].data + 12) != 0x0800)
			continue;
		assert_int_equal(e->out[i].port, port);
		assert_null(o);
		o = &e->out[i];
	}
	assert_non_null(o);
	return o;
}

static void test_good_options_accepted(void **state)
{
	struct fwenv *e = *state;
	/* resolve the gateway and learn H1 once */
	struct pkt_spec w = fwenv_pkt_in(H1, MAC_H1, R1, 17, 39999, 53);
	assert_non_null(fwenv_out_of(e, &w));
	uint8_t f[256];
	for (size_t i = 0; i < sizeof(good_options) / sizeof(good_options[0]); i++) {
		uint64_t d0 = drops(e);
		struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, (uint16_t)(41000 + i), 53);
		s.ip_opt = good_options[i].opt;
		s.ip_opt_len = good_options[i].len;
		uint32_t n = build(&s, f);
		fwenv_clear(e);
		punt(e, RG_PORT_INSIDE, f, n, RG_PUNT_IP_OPTIONS);
		assert_int_equal(drops(e), d0);
		const struct fwenv_frame *o = sent_ipv4(e, RG_PORT_OUTSIDE);
		struct pkt_view v;
		assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
		assert_int_equal(v.l4 - v.l3, 20u + good_options[i].len);
		assert_memory_equal(o->data + v.l3 + 20, good_options[i].opt, good_options[i].len);
		assert_true(v.src == FWENV_POOL_LO || v.src == FWENV_POOL_HI);
		assert_int_equal(v.dst, R1);
		assert_true(pkt_checksums_ok(o->data, o->len));

		/* and the remote's answer with the same options comes back in */
		struct pkt_spec r = fwenv_pkt_out(R1, v.src, 17, 53, v.sport);
		r.ip_opt = good_options[i].opt;
		r.ip_opt_len = good_options[i].len;
		n = build(&r, f);
		fwenv_clear(e);
		punt(e, RG_PORT_OUTSIDE, f, n, RG_PUNT_IP_OPTIONS);
		assert_int_equal(drops(e), d0);
		o = sent_ipv4(e, RG_PORT_INSIDE);
		assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
		assert_int_equal(v.dst, H1);
		assert_int_equal(v.dport, 41000 + i);
		assert_memory_equal(o->data + v.l3 + 20, good_options[i].opt, good_options[i].len);
		assert_true(pkt_checksums_ok(o->data, o->len));
	}
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1 + 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_malformed_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_options_accepted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
