/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Property tests of the packet path over random and malformed frames, on
 * every port, with time moving: nothing crashes (the asan variant of this
 * program checks memory safety), every IPv4 frame that leaves the card has
 * valid header and L4 checksums, no inside-realm address (10.0.0.0/8)
 * leaves the outside port — not as a source, not inside an ICMP error, not
 * in ARP — and the tables stay consistent (what the listings report matches
 * the counters).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/bytes.h"
#include "../../firmware/slowpath/fw_internal.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static int inside(uint32_t a)
{
	return (a >> 24) == 10;
}

static uint32_t pick_inside(void)
{
	return PKT_IPV4(10, 0, 0, 2 + rnd() % 6);
}

static uint32_t pick_outside(void)
{
	static const uint32_t a[] = { PKT_IPV4(192, 0, 2, 7), PKT_IPV4(192, 0, 2, 8),
				      PKT_IPV4(203, 0, 113, 9), PKT_IPV4(198, 18, 0, 1) };
	return a[rnd() % 4];
}

static uint32_t pick_card(void)
{
	static const uint32_t a[] = { FWENV_POOL_LO, FWENV_POOL_HI, FWENV_OUT_ADDR, FWENV_IN_ADDR };
	return a[rnd() % 4];
}

/* A plausible packet toward the card, then maybe broken. */
static uint32_t make_frame(uint8_t *f, uint32_t cap, unsigned *port)
{
	static const uint8_t protos[] = { 1, 6, 17, 17, 6, 1, 50, 47, 4 };
	struct pkt_spec s;
	memset(&s, 0, sizeof(s));
	*port = rnd() % 10 < 5 ? 0 : (rnd() % 10 < 8 ? 1 : 2);
	memcpy(s.dmac, FWENV_MAC[*port], 6);
	if (rnd() % 20 == 0)
		memset(s.dmac, 0xff, 6);
	s.smac[0] = 2;
	s.smac[5] = (uint8_t)(1 + rnd() % 8);
	if (*port == 0) {
		s.src = pick_inside();
		s.dst = rnd() % 5 ? pick_outside() : pick_card();
	} else if (*port == 1) {
		s.src = pick_outside();
		s.dst = rnd() % 6 ? pick_card() : pick_inside();
	} else {
		s.src = pick_card();
		s.dst = rnd() % 2 ? pick_inside() : pick_outside();
	}
	s.proto = protos[rnd() % sizeof(protos)];
	s.ttl = (uint8_t)(rnd() % 8 == 0 ? rnd() % 3 : 64);
	s.sport = (uint16_t)(rnd() % 4 ? 1024 + rnd() % 16 : rnd());
	s.dport = (uint16_t)(rnd() % 4 ? 53 + rnd() % 4 : rnd());
	s.tcp_flags = (uint8_t)(rnd() % 3 ? 0x10 : rnd());
	static const uint8_t itypes[] = { 8, 0, 3, 11, 13, 14, 5, 12, 9 };
	s.icmp_type = itypes[rnd() % sizeof(itypes)];
	s.icmp_code = (uint8_t)(rnd() % 5);
	s.icmp_id = s.sport;
	s.ip_id = (uint16_t)rnd();
	if (rnd() % 10 == 0)
		s.frag = (uint16_t)((rnd() % 2 ? 0x2000 : 0) | (rnd() % 4 ? 0 : rnd() % 64));
	if (rnd() % 10 == 0)
		s.frag |= 0x4000;
	if (rnd() % 10 == 0)
		s.ip_opt_len = (uint8_t)(4 * (rnd() % 11));
	if (rnd() % 10 == 0)
		s.vlan_tci = (uint16_t)(rnd() % 4096);
	static uint8_t payload[1600];
	for (unsigned i = 0; i < 64; i++)
		payload[i] = (uint8_t)rnd();
	s.payload = payload;
	s.payload_len = rnd() % 4 ? rnd() % 64 : rnd() % 1600;
	if (s.proto == 1 && (s.icmp_type == 3 || s.icmp_type == 11) && rnd() % 2) {
		/* an error quoting a plausible packet */
		struct pkt_spec q;
		memset(&q, 0, sizeof(q));
		q.src = *port == 1 ? pick_card() : pick_outside();
		q.dst = *port == 1 ? pick_outside() : pick_inside();
		q.proto = rnd() % 2 ? 17 : 6;
		q.sport = (uint16_t)(1024 + rnd() % 16);
		q.dport = (uint16_t)(53 + rnd() % 4);
		uint8_t tmp[128];
		uint32_t n = pkt_build(&q, tmp, sizeof(tmp));
		uint32_t cut = 20 + 8 + rnd() % 16;
		if (n > 14 + cut) {
			memcpy(payload, tmp + 14, cut);
			s.payload_len = cut;
		}
	}
	s.bad_ip_csum = rnd() % 20 == 0;
	s.bad_l4_csum = rnd() % 20 == 0;
	s.udp_no_csum = rnd() % 20 == 0;
	uint32_t len = pkt_build(&s, f, cap);
	if (!len)
		return 0;
	/* malformations: byte flips, truncation, trailing garbage */
	unsigned m = rnd() % 8;
	if (m == 0) {
		for (unsigned k = 0; k < 1 + rnd() % 4; k++)
			f[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
	} else if (m == 1) {
		len = rnd() % len;
	} else if (m == 2 && len + 32 < cap) {
		for (unsigned k = 0; k < 32; k++)
			f[len + k] = (uint8_t)rnd();
		len += rnd() % 32;
	}
	return len;
}

static void check_output(const struct fwenv_frame *o)
{
	if (o->len < 14)
		fail_msg("runt frame out of port %u", o->port);
	uint16_t et = rg_get_be16(o->data + 12);
	if (et == 0x0806) {
		if (o->port == 1 && o->len >= 42 && inside(rg_get_be32(o->data + 28)))
			fail_msg("ARP with an inside sender address on the outside");
		return;
	}
	if (et != 0x0800)
		fail_msg("non-IPv4 frame out of port %u", o->port);
	/* the outer header must always be sound */
	uint32_t l3 = rg_get_be16(o->data + 12) == 0x8100 ? 18 : 14;
	if (o->len < l3 + 20 || (o->data[l3] >> 4) != 4 ||
	    pkt_csum(o->data + l3, (o->data[l3] & 15u) * 4u, 0) != 0)
		fail_msg("bad IPv4 header out of port %u", o->port);
	if (o->port == 1 && inside(rg_get_be32(o->data + l3 + 12)))
		fail_msg("inside source left the outside port");
	struct pkt_view v;
	if (pkt_parse(o->data, o->len, &v)) {
		/* only IP-in-IP with a non-IPv4 inner packet may not parse (the
		 * host port sends what it likes from the card's addresses) */
		if (o->data[l3 + 9] != 4)
			fail_msg("unparsable IPv4 frame out of port %u", o->port);
		return;
	}
	if (!pkt_checksums_ok(o->data, o->len))
		fail_msg("bad checksum out of port %u (proto %u)", o->port, v.proto);
	if (o->port != 1)
		return;
	if (inside(v.src))
		fail_msg("inside source %08x left the outside port", v.src);
	if (v.proto == 1 && v.l4 + 8 + 20 <= v.ip_end) {
		uint8_t t = o->data[v.l4];
		if (t == 3 || t == 11 || t == 12 || t == 4 || t == 5) {
			const uint8_t *emb = o->data + v.l4 + 8;
			if (inside(rg_get_be32(emb + 12)) || inside(rg_get_be32(emb + 16)))
				fail_msg("inside address inside an ICMP error on the outside");
		}
	}
}

static void run(unsigned iterations, uint8_t mapping, uint8_t filtering)
{
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.buckets_log2 = 6; /* small: full buckets, cuckoo moves, table full */
	o.sessions = 300;
	o.params.mappings = 200;
	o.params.subscribers = 8;
	o.params.frag_entries = 8;
	o.params.held_syns = 4;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, mapping, filtering);
	fwenv_arp_reply(e, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	static uint8_t f[2048];
	unsigned translated = 0;
	for (unsigned it = 0; it < iterations; it++) {
		unsigned port;
		uint32_t len = make_frame(f, sizeof(f) - 64, &port);
		fwenv_clear(e);
		fwenv_rx(e, port, f, len);
		if (rnd() % 8 == 0) {
			/* answer whatever ARP the card asked */
			for (unsigned k = 0; k < e->n_out; k++) {
				const struct fwenv_frame *a = &e->out[k];
				if (a->port < 2 && rg_get_be16(a->data + 12) == 0x0806 &&
				    rg_get_be16(a->data + 20) == 1) {
					uint8_t mac[6] = { 2, 0, 0, 0, 9, (uint8_t)k };
					fwenv_arp_reply(e, a->port, rg_get_be32(a->data + 38), mac);
				}
			}
		}
		for (unsigned k = 0; k < e->n_out; k++) {
			check_output(&e->out[k]);
			translated += e->out[k].port == 1;
		}
		if (rnd() % 64 == 0)
			fwenv_advance(e, rnd() % 400000);
		if (rnd() % 97 == 0) {
			/* control traffic meanwhile: requested mappings, deletions */
			struct rg_map_req r;
			struct rg_map_rsp rsp;
			memset(&r, 0, sizeof(r));
			static const uint8_t ps[] = { 6, 17, 1 };
			r.proto = ps[rnd() % 3];
			r.in_addr = rg_be32_field(pick_inside());
			r.in_port = rg_be16_field((uint16_t)(1024 + rnd() % 16));
			r.out_port = rg_be16_field((uint16_t)(1024 + rnd() % 64));
			r.lifetime_s = rnd() % 4 ? 1 + rnd() % 600 : 0;
			r.owner = RG_OWNER_PCP;
			r.flags = (uint8_t)(rnd() % 8 & 7);
			r.rem_addr = rg_be32_field(pick_outside());
			r.rem_port = rg_be16_field((uint16_t)(53 + rnd() % 4));
			r.n_filters = (uint8_t)(rnd() % 3);
			r.filters[0].addr = r.rem_addr;
			r.filters[0].plen = 32;
			r.filters[1].plen = (uint8_t)(rnd() % 33);
			rg_fw_map_add(e->fw, &r, &rsp);
			if (rnd() % 2) {
				struct rg_map_id id = { .proto = r.proto,
							.in_addr = r.in_addr,
							.in_port = r.in_port };
				rg_fw_map_del(e->fw, &id);
			}
			rg_fw_session_del(e->fw, rnd() % 300);
		}
	}
	/* the generator must really reach the translation paths */
	assert_true(translated > iterations / 10);
	assert_true(fwenv_counter(e, "sessions-created") > iterations / 50);
	/* consistency: listings agree with the counters */
	struct rg_session_rec rec[64];
	uint32_t cursor = 0, total = 0, next;
	do {
		total += rg_fw_session_list(e->fw, cursor, rec, 64, &next);
		cursor = next;
	} while (cursor);
	assert_int_equal(total, fwenv_counter(e, "sessions-active"));
	/* and everything ages out, leaving no trace in any table */
	fwenv_advance(e, 3 * 3600 * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 0);
	struct rg_fw *fw = e->fw;
	assert_int_equal(fw->sess_used, 0);
	assert_int_equal(fw->map_used, 0);
	assert_int_equal(fw->sub_used, 0);
	for (uint32_t i = 0; i < fw->paddr_used; i++) {
		const struct fw_paddr *a = &fw->paddr[fw->paddr_sorted[i]];
		assert_int_equal(a->n_subs, 0);
		for (unsigned c = 0; c < FW_PROTO_CLASSES; c++)
			assert_int_equal(a->used[c], 0);
	}
	for (unsigned i = 0; i < FW_POOLS; i++)
		assert_int_equal(fw->pools[i].n_subs, 0);
	unsigned free_filt = 0, free_frag = 0;
	for (uint32_t i = fw->filt_free; i != FW_NONE; i = fw->filt[i].next_free)
		free_filt++;
	for (uint32_t i = fw->frag_free; i != FW_NONE; i = fw->frags[i].next)
		free_frag++;
	assert_int_equal(free_filt, fw->n_filt);
	assert_int_equal(free_frag, fw->n_frags);
	for (uint32_t i = 0; i < fw->n_held; i++)
		assert_int_equal(fw->held[i].used, 0);
	assert_int_equal(fw->pending_used, 0);
	/* the fast path's index holds no slot any more */
	for (unsigned b = 0; b < RG_INDEX_BANKS; b++)
		for (uint32_t k = 0; k <= e->fp.bucket_mask; k++)
			for (unsigned sl = 0; sl < RG_BUCKET_SLOTS; sl++)
				assert_int_equal(e->fp.bank[b][k * RG_BUCKET_SLOTS + sl], 0);
	fwenv_free(e);
}

static void test_random_eim_eif(void **state)
{
	(void)state;
	run(20000, RG_MAP_EIM, RG_FILTER_EIF);
}

static void test_random_apdm_apdf(void **state)
{
	(void)state;
	run(20000, RG_MAP_APDM, RG_FILTER_APDF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_eim_eif),
		cmocka_unit_test(test_random_apdm_apdf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
