/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The word-at-a-time checksum sum (firmware/lib/csum.h) against the RFC 1071
 * definition (big-endian 16-bit words, odd byte padded), for every length up
 * to 300 at every alignment, and the incremental update (RFC 1624) against
 * recomputation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../firmware/lib/csum.h"

static uint16_t reference(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_partial_matches_definition(void **state)
{
	(void)state;
	uint8_t buf[320];
	uint32_t x = 1;
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = round == 3 ? 0xff : (uint8_t)(x >> 16);
		}
		for (unsigned off = 0; off < 8; off++)
			for (unsigned n = 0; n <= 300; n++) {
				uint16_t a = rg_csum_fold(rg_csum_partial(buf + off, n));
				uint16_t r = reference(buf + off, n);
				/* 0x0000 and 0xffff are the same number in one's complement */
				if (!((a == r) || (a == 0xffff && r == 0) ||
				      (a == 0 && r == 0xffff)))
					fail_msg("len %u off %u: %04x != %04x", n, off, a, r);
			}
	}
}

static void test_accumulator_takes_more_words(void **state)
{
	(void)state;
	uint8_t buf[41];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 1);
	/* partial + big-endian words added later == the sum over all of them */
	uint32_t s = rg_csum_partial(buf, 20) + 0x1234 + 0xfedc;
	uint8_t all[24];
	for (unsigned i = 0; i < 20; i++)
		all[i] = buf[i];
	all[20] = 0x12, all[21] = 0x34, all[22] = 0xfe, all[23] = 0xdc;
	assert_int_equal(rg_csum_fold(s), reference(all, 24));
}

static void test_incremental_update(void **state)
{
	(void)state;
	uint8_t buf[20] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 5, 192, 0, 2, 7 };
	uint16_t c = (uint16_t)~reference(buf, 20);
	buf[10] = (uint8_t)(c >> 8);
	buf[11] = (uint8_t)c;
	uint16_t d = rg_csum_delta32(0x0a000005u, 0xc633640au);
	buf[12] = 198, buf[13] = 51, buf[14] = 100, buf[15] = 10;
	c = rg_csum_apply(c, d);
	buf[10] = (uint8_t)(c >> 8);
	buf[11] = (uint8_t)c;
	assert_int_equal(reference(buf, 20), 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial_matches_definition),
		cmocka_unit_test(test_accumulator_takes_more_words),
		cmocka_unit_test(test_incremental_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
