/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The index hash's secret: Toeplitz is linear, so keys that differ in one
 * field only (the hosts of a prefix, the ports of one host) spread evenly
 * over a bank's buckets exactly when the secret's matrix restricted to that
 * field has full rank. rg_toeplitz_spreads decides that by rank; here it is
 * checked against counting the buckets such keys really reach, and the
 * firmware is checked to program only secrets that pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/fastpath/fp.h"
#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"

static uint64_t lcg = 1;
static void draw(uint8_t secret[RG_HASH_SECRET_BYTES])
{
	for (unsigned i = 0; i < RG_HASH_SECRET_BYTES; i++) {
		lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
		secret[i] = (uint8_t)(lcg >> 56);
	}
}

/* Set bits [first, first + n) of the key (MSB-first numbering) to v. */
static void put_bits(struct rg_flow_key *k, unsigned first, unsigned n, uint32_t v)
{
	uint8_t *b = (uint8_t *)k;
	for (unsigned i = 0; i < n; i++) {
		unsigned bit = first + i, on = (v >> (n - 1 - i)) & 1u;
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));
		b[bit / 8] = (uint8_t)(on ? b[bit / 8] | m : b[bit / 8] & ~m);
	}
}

/* The fields rg_toeplitz_spreads checks that can be enumerated; at
 * 2^6 buckets per bank its 24-bit address fields follow from the 16-bit
 * ones (both need full rank, 6 per bank and 12 for the pair). */
static const unsigned FIELDS[][2] = {
	{ 24, 8 }, { 16, 16 }, { 56, 8 }, { 48, 16 }, { 72, 8 }, { 64, 16 }, { 88, 8 }, { 80, 16 },
};
#define LOG2 6u

/* The buckets (or bucket pairs) that 2^n keys differing in one field reach,
 * counted: all of them when there are more keys than buckets, else at least
 * half as many as keys. */
static int reach_ok(unsigned reached, unsigned n, unsigned width)
{
	return n > width ? reached == 1u << width : reached >= 1u << (n - 1);
}

static int spreads_counted(const uint8_t *secret)
{
	struct rg_toeplitz *tz = malloc(sizeof(*tz));
	static uint8_t seen0[1u << LOG2], seen1[1u << LOG2], seenp[1u << (2 * LOG2)];
	assert_non_null(tz);
	rg_toeplitz_init(tz, secret);
	uint32_t mask = (1u << LOG2) - 1u;
	int even = 1;
	for (unsigned f = 0; f < sizeof(FIELDS) / sizeof(FIELDS[0]) && even; f++) {
		unsigned first = FIELDS[f][0], n = FIELDS[f][1];
		struct rg_flow_key k;
		memset(&k, 0, sizeof(k));
		k.src_addr = rg_be32_field(0x0a010203u);
		k.dst_addr = rg_be32_field(0xc0000201u);
		k.src_port = rg_be16_field(40000);
		k.dst_port = rg_be16_field(53);
		k.proto = 17;
		memset(seen0, 0, sizeof(seen0));
		memset(seen1, 0, sizeof(seen1));
		memset(seenp, 0, sizeof(seenp));
		unsigned n0 = 0, n1 = 0, np = 0;
		for (uint32_t v = 0; v < (1u << n); v++) {
			put_bits(&k, first, n, v);
			uint32_t h[RG_HASH_OUT_WORDS];
			rg_toeplitz_hash(tz, &k, h);
			uint32_t b0 = h[0] & mask, b1 = h[1] & mask;
			n0 += !seen0[b0];
			n1 += !seen1[b1];
			np += !seenp[b0 << LOG2 | b1];
			seen0[b0] = seen1[b1] = seenp[b0 << LOG2 | b1] = 1;
		}
		even = reach_ok(n0, n, LOG2) && reach_ok(n1, n, LOG2) && reach_ok(np, n, 2 * LOG2);
	}
	free(tz);
	return even;
}

static void test_rank_check_equals_counting(void **state)
{
	(void)state;
	unsigned pass = 0, fail = 0;
	for (unsigned t = 0; t < 48; t++) {
		uint8_t secret[RG_HASH_SECRET_BYTES];
		draw(secret);
		int by_rank = rg_toeplitz_spreads(secret, LOG2);
		assert_int_equal(by_rank, spreads_counted(secret));
		by_rank ? pass++ : fail++;
	}
	/* both outcomes occurred, so the equality meant something */
	assert_true(pass > 0 && fail > 0);
}

static void test_degenerate_secrets_fail(void **state)
{
	(void)state;
	uint8_t secret[RG_HASH_SECRET_BYTES];
	memset(secret, 0, sizeof(secret));
	assert_false(rg_toeplitz_spreads(secret, 14));
	memset(secret, 0xff, sizeof(secret)); /* every column equal */
	assert_false(rg_toeplitz_spreads(secret, 14));
}

/* The firmware draws up to 256 secrets: at every bank size it supports
 * (up to 2^24 buckets per bank), random ones pass often enough (the
 * rarest, 2^7 and 2^15, about one in ten). */
static void test_every_geometry_has_secrets(void **state)
{
	(void)state;
	for (unsigned log2 = 1; log2 <= 24; log2++) {
		unsigned pass = 0;
		for (unsigned t = 0; t < 64; t++) {
			uint8_t secret[RG_HASH_SECRET_BYTES];
			draw(secret);
			pass += (unsigned)rg_toeplitz_spreads(secret, log2);
		}
		if (pass < 2)
			fail_msg("2^%u buckets: %u of 64 random secrets pass", log2, pass);
	}
}

/* Whatever the platform's random source gives, the secret the firmware
 * programs into the fast path spreads; random secrets from the same kind of
 * source often do not at this geometry, so a firmware that kept its first
 * draw would fail here for some of these seeds. */
static void test_firmware_programs_spreading_secrets(void **state)
{
	(void)state;
	unsigned random_bad = 0;
	for (uint64_t seed = 1; seed <= 24; seed++) {
		struct fwenv *e = fwenv_new(&(struct fwenv_opts){ .random_seed = seed });
		assert_non_null(e);
		assert_true(rg_toeplitz_spreads(e->fp.hash.secret, 10));
		fwenv_free(e);
		uint8_t secret[RG_HASH_SECRET_BYTES];
		lcg = seed;
		draw(secret);
		random_bad += !rg_toeplitz_spreads(secret, 10);
	}
	assert_true(random_bad >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_check_equals_counting),
		cmocka_unit_test(test_degenerate_secrets_fail),
		cmocka_unit_test(test_every_geometry_has_secrets),
		cmocka_unit_test(test_firmware_programs_spreading_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
