/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 options on a simulated card (soft fast path + firmware): the fast
 * path punts every packet with options (design.md step 3), also on an
 * established session, and the slow path, which validates them, translates
 * the packet itself instead of re-injecting it (the fast path would punt it
 * again). Options that carry addresses — record route, source routes,
 * timestamps with addresses — never take an inside-realm address out of
 * the outside port (nat-behaviour.md, invalid packets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/bytes.h"
#include "../../firmware/lib/csum.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define R9 PKT_IPV4(192, 0, 2, 99)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_EIF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

/* A UDP frame from H1 with `opt` (a multiple of 4 bytes) as its options. */
static uint32_t frame_with_options(uint8_t *buf, const uint8_t *opt, uint8_t opt_len,
				   uint16_t sport)
{
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, sport, 53);
	s.ip_opt_len = opt_len;
	uint32_t len = pkt_build(&s, buf, 256);
	uint8_t *ip = buf + 14;
	memcpy(ip + 20, opt, opt_len);
	rg_put_be16(ip + 10, 0);
	rg_put_be16(ip + 10, (uint16_t)~rg_csum_fold(rg_csum_partial(ip, 20u + opt_len)));
	return len;
}

static void send_frame(struct fwenv *e, const uint8_t *f, uint32_t len)
{
	fwenv_clear(e);
	fwenv_rx(e, 0, f, len);
}

/* Options on an established session: punted, translated by the slow path
 * with the options kept, every checksum right, both ways. */
static void test_options_go_through_the_slow_path(void **state)
{
	struct fwenv *e = *state;
	/* the session, from a packet without options */
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 41000, 53);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	uint32_t out_addr = v.src;
	uint16_t out_port = v.sport;

	static const uint8_t nops[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
	uint8_t f[256];
	uint32_t len = frame_with_options(f, nops, sizeof(nops), 41000);
	uint64_t punts = fwenv_counter(e, "fp-punt-ip-options");
	uint64_t translated = fwenv_counter(e, "slowpath-translated");
	uint64_t reinjected = fwenv_counter(e, "slowpath-reinject");
	send_frame(e, f, len);
	o = fwenv_first_ipv4(e, 1);
	assert_non_null(o);
	assert_int_equal(fwenv_counter(e, "fp-punt-ip-options"), punts + 1);
	assert_int_equal(fwenv_counter(e, "slowpath-translated"), translated + 1);
	assert_int_equal(fwenv_counter(e, "slowpath-reinject"), reinjected);
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	assert_int_equal(v.src, out_addr);
	assert_int_equal(v.sport, out_port);
	assert_int_equal(v.dst, R1);
	assert_int_equal(o->data[14] & 15u, 7); /* the options stayed */
	assert_memory_equal(o->data + 14 + 20, nops, sizeof(nops));
	assert_true(pkt_checksums_ok(o->data, o->len));

	/* and inbound: a reply with options reaches the inside host */
	struct pkt_spec r = fwenv_pkt_out(R1, out_addr, 17, 53, out_port);
	r.ip_opt_len = 4;
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	const struct fwenv_frame *b = fwenv_find(e, 0, NULL);
	assert_non_null(b);
	assert_int_equal(pkt_parse(b->data, b->len, &v), 0);
	assert_int_equal(v.dst, H1);
	assert_int_equal(v.dport, 41000);
	assert_true(pkt_checksums_ok(b->data, b->len));
}

/* Record route (7), loose/strict source route (131/137) and timestamps with
 * addresses (68, flags 1 and 3) with an inside address in them are not
 * sent outside; the same options with outside addresses are. The sender's
 * own address there (ping -R records it) is translated with its source
 * address instead, and back on the way in. */
static void test_address_options_never_leak_inside_addresses(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 42000, 53);
	const struct fwenv_frame *first = fwenv_out_of(e, &s);
	assert_non_null(first);
	struct pkt_view v;
	assert_int_equal(pkt_parse(first->data, first->len, &v), 0);
	uint32_t out_addr = v.src;
	uint16_t out_port = v.sport;
	struct {
		uint8_t type, flags;
		uint32_t addr;
		int leaks;
	} cases[] = {
		{ 7, 0, H2, 1 },   { 7, 0, R9, 0 },  { 131, 0, H2, 1 }, { 137, 0, H1, 0 },
		{ 131, 0, R9, 0 }, { 68, 1, H2, 1 }, { 68, 3, H1, 0 },	{ 68, 1, R9, 0 },
		{ 68, 0, H2, 0 }, /* flag 0: timestamps only, the "address" is a time */
		{ 7, 0, H1, 0 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t opt[12] = { 0 };
		if (cases[i].type == 68) {
			/* type, length 12, pointer past one (address, time) pair,
			 * overflow 0 | flags, the pair */
			opt[0] = 68;
			opt[1] = 12;
			opt[2] = 13;
			opt[3] = cases[i].flags;
			rg_put_be32(opt + 4, cases[i].addr);
			rg_put_be32(opt + 8, 12345);
		} else {
			/* type, length 11, pointer past the one address, then an
			 * end-of-options byte */
			opt[0] = cases[i].type;
			opt[1] = 11;
			opt[2] = 8;
			rg_put_be32(opt + 3, cases[i].addr);
			rg_put_be32(opt + 7, R9);
		}
		uint8_t f[256];
		uint32_t len = frame_with_options(f, opt, sizeof(opt), 42000);
		uint64_t leaks = fwenv_counter(e, "drop-inside-address-leak");
		send_frame(e, f, len);
		const struct fwenv_frame *o = fwenv_first_ipv4(e, 1);
		if (cases[i].leaks) {
			assert_null(o);
			assert_int_equal(fwenv_counter(e, "drop-inside-address-leak"), leaks + 1);
		} else {
			assert_non_null(o);
			assert_true(pkt_checksums_ok(o->data, o->len));
			assert_int_equal(fwenv_counter(e, "drop-inside-address-leak"), leaks);
			uint32_t want = cases[i].addr == H1 ? out_addr : cases[i].addr;
			assert_int_equal(
				rg_get_be32(o->data + 14 + 20 + (cases[i].type == 68 ? 4 : 3)),
				want);
		}
	}
	/* the reply carrying the recorded outside address: the inside host
	 * gets its own address back there */
	uint8_t opt[12] = { 7, 11, 12 };
	rg_put_be32(opt + 3, out_addr);
	rg_put_be32(opt + 7, R1);
	struct pkt_spec r = fwenv_pkt_out(R1, out_addr, 17, 53, out_port);
	r.ip_opt_len = sizeof(opt);
	r.ip_opt = opt;
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	const struct fwenv_frame *b = fwenv_find(e, 0, NULL);
	assert_non_null(b);
	assert_int_equal(pkt_parse(b->data, b->len, &v), 0);
	assert_int_equal(v.dst, H1);
	assert_true(pkt_checksums_ok(b->data, b->len));
	assert_int_equal(rg_get_be32(b->data + 14 + 20 + 3), H1);
	assert_int_equal(rg_get_be32(b->data + 14 + 20 + 7), R1);
}

/* Malformed options are dropped by the slow path's parser, on a session
 * too, and never sent on. */
static void test_malformed_options_dropped(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 43000, 53);
	assert_non_null(fwenv_out_of(e, &s));
	static const uint8_t bad[][4] = {
		{ 7, 0, 0, 0 },	 /* length 0 */
		{ 7, 1, 0, 0 },	 /* length 1 */
		{ 7, 9, 4, 0 },	 /* beyond the header */
		{ 1, 1, 1, 68 }, /* a type with no room for its length */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t f[256];
		uint32_t len = frame_with_options(f, bad[i], 4, 43000);
		send_frame(e, f, len);
		assert_null(fwenv_first_ipv4(e, 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_options_go_through_the_slow_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_address_options_never_leak_inside_addresses,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_options_dropped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
