/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The firmware's random ports: the ChaCha20 block function against the test
 * vector of RFC 8439 (section 2.3.2), the generator's fast key erasure, and
 * what a subscriber sees — outside ports spread over the whole range, not
 * a sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/chacha.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static void test_chacha20_block_rfc8439(void **state)
{
	(void)state;
	/* key 00:01:02:...:1f, counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00 */
	uint32_t key[8], out[16];
	for (unsigned i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	const uint32_t nonce[3] = { 0x09000000u, 0x4a000000u, 0 };
	rg_chacha20_block(key, 1, nonce, out);
	static const uint32_t want[16] = {
		0xe4e7f110u, 0x15593bd1u, 0x1fdd0f50u, 0xc47120a3u, 0xc7f4d1c7u, 0x0368c033u,
		0x9aaa2204u, 0x4e6cd4c3u, 0x466482d2u, 0x09aa9f07u, 0x05d7c214u, 0xa2028bd9u,
		0xd19c12b5u, 0xb94e16deu, 0xe883d0cbu, 0x4e3c50a2u,
	};
	assert_memory_equal(out, want, sizeof(want));
}

/* The generator's output is the second half of each block; the first half
 * replaces the key, so the state after a block does not hold what was
 * handed out. */
static void test_rng_fast_key_erasure(void **state)
{
	(void)state;
	uint32_t seed[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[16];
	const uint32_t nonce[3] = { 0, 0, 0 };
	struct rg_chacha_rng g;
	rg_chacha_rng_seed(&g, seed);
	rg_chacha20_block(seed, 0, nonce, b);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rg_chacha_rng_next(&g), b[15 - i]);
	assert_memory_equal(g.key, b, 32);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(g.out[i], 0);
	/* the next block comes from the new key */
	uint32_t k[8];
	memcpy(k, b, sizeof(k));
	rg_chacha20_block(k, 0, nonce, b);
	assert_int_equal(rg_chacha_rng_next(&g), b[15]);
}

/* Port preservation off (the ports the hosts ask for are taken): the ports
 * the card picks spread over the dynamic range and do not follow each
 * other. */
static void test_outside_ports_are_spread(void **state)
{
	(void)state;
	struct fwenv *e = fwenv_new(NULL);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_EIF);
	static const uint8_t MAC_H[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	uint16_t port[48];
	unsigned n = 0, sequential = 0;
	uint32_t lo = 65535, hi = 0;
	for (unsigned i = 0; i < 48; i++) { /* within the card's neighbour table */
		/* a different host each time asks for the same inside port: the
		 * first on each pool address keeps it (preservation), the others
		 * get random ones */
		struct pkt_spec s = fwenv_pkt_in(PKT_IPV4(10, 0, 0, 10 + i), MAC_H,
						 PKT_IPV4(192, 0, 2, 7), 17, 40000, 53);
		const struct fwenv_frame *o = fwenv_out_of(e, &s);
		assert_non_null(o);
		struct pkt_view v;
		assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
		if (v.sport == 40000)
			continue;
		port[n] = v.sport;
		if (n && (port[n] == port[n - 1] + 1 || port[n] == port[n - 1] + 2))
			sequential++;
		lo = v.sport < lo ? v.sport : lo;
		hi = v.sport > hi ? v.sport : hi;
		n++;
	}
	assert_true(n >= 30);
	assert_true(sequential <= 2);
	assert_true(lo >= 1024);
	assert_true(hi - lo > 20000); /* spread over most of 1024..65535 */
	fwenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chacha20_block_rfc8439),
		cmocka_unit_test(test_rng_fast_key_erasure),
		cmocka_unit_test(test_outside_ports_are_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
