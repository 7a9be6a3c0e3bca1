// SPDX-License-Identifier: BSD-2-Clause
//
// Directed tests of single RTL modules through rg_fp_units (a test bench
// top exposing each module's ports): the Toeplitz hash against the
// bit-serial definition and Microsoft's RSS verification vector, the
// checksum adder tree at its extremes, the FIFO's order/full/empty, the
// statistics read-modify-write with back-to-back hits of one entry, resets
// and reads racing updates, the counters (every group, unbuilt indices,
// reset) and the RAM's lane writes and read-first behaviour. The parser,
// index, session, adjacency and rewrite stages are tested through the whole
// pipeline (test_rtl_diff, test_rtl_table), where their results are
// visible one to one in the out metadata.
#define _Static_assert static_assert
#include <csetjmp>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

extern "C" {
#include <cmocka.h>

#include "../../firmware/fastpath/fp.h"
#include "realmgate/flow.h"
}

#include "Vrg_fp_units.h"
#include "verilated.h"

namespace
{

struct Bench {
	VerilatedContext ctx;
	std::unique_ptr<Vrg_fp_units> m;
	Bench() : m(new Vrg_fp_units(&ctx, "u"))
	{
		m->rst = 1;
		clock();
		clock();
		m->rst = 0;
	}
	void clock()
	{
		m->clk = 0;
		m->eval();
		m->clk = 1;
		m->eval();
	}
	void settle()
	{
		m->clk = 0;
		m->eval();
	}
};

uint64_t rng = 12345;
uint32_t rnd32()
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

template <size_t N> void put_bytes(VlWide<N> &w, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < N; i++) {
		uint32_t v = 0;
		for (size_t k = 0; k < 4 && 4 * i + k < n; k++)
			v |= (uint32_t)b[4 * i + k] << (8 * k);
		w[i] = v;
	}
}

void test_toeplitz_matches_definition(void **)
{
	Bench b;
	for (int n = 0; n < 300; n++) {
		uint8_t key[16], secret[32];
		for (auto &k : key)
			k = (uint8_t)rnd32();
		for (auto &s : secret)
			s = (uint8_t)rnd32();
		if (n < 8) /* single bits at both ends */
			memset(key, 0, sizeof(key)), key[n % 2 ? 14 : 0] = (uint8_t)(0x80 >> n / 2);
		key[15] = 0;
		put_bytes(b.m->hash_key, key, 16);
		put_bytes(b.m->hash_secret, secret, 32);
		b.clock();
		uint32_t ref[3];
		rg_toeplitz_ref(secret, key, 16, ref);
		assert_int_equal(b.m->hash_h0, ref[0]);
		assert_int_equal(b.m->hash_h1, ref[1]);
		assert_int_equal(b.m->hash_h2, ref[2]);
	}
	/* Microsoft RSS verification: 66.9.149.187:2794 -> 161.142.100.80:1766
	 * with the standard key hashes to 0x51ccc178 (first output word) */
	static const uint8_t rss_key[32] = { 0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
					     0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
					     0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
					     0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c };
	uint8_t in[16] = { 66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6 };
	put_bytes(b.m->hash_key, in, 16);
	put_bytes(b.m->hash_secret, rss_key, 32);
	b.clock();
	assert_int_equal(b.m->hash_h0, 0x51ccc178u);
}

void test_add_tree_extremes(void **)
{
	Bench b;
	for (int i = 0; i < 32; i++)
		b.m->tree_in[i] = 0xffffffffu;
	b.settle();
	assert_int_equal(b.m->tree_sum, 64u * 0xffffu);
	uint32_t want = 0;
	for (int i = 0; i < 32; i++) {
		uint32_t v = rnd32();
		b.m->tree_in[i] = v;
		want += (v & 0xffff) + (v >> 16);
	}
	b.settle();
	assert_int_equal(b.m->tree_sum, want);
	for (int i = 0; i < 32; i++)
		b.m->tree_in[i] = 0;
	b.m->tree_in[31] = 0x00010000u; /* the last word alone */
	b.settle();
	assert_int_equal(b.m->tree_sum, 1);
}

void test_fifo_order_full_empty(void **)
{
	Bench b;
	b.settle();
	assert_true(b.m->fifo_empty);
	for (uint16_t i = 0; i < 4; i++) {
		b.m->fifo_wr = 1;
		b.m->fifo_wdata = (uint16_t)(100 + i);
		b.clock();
	}
	b.m->fifo_wr = 0;
	b.settle();
	assert_true(b.m->fifo_full);
	assert_int_equal(b.m->fifo_count, 4);
	assert_int_equal(b.m->fifo_rdata, 100);
	/* pop and push in the same clock keeps the count */
	b.m->fifo_rd = 1;
	b.m->fifo_wr = 1;
	b.m->fifo_wdata = 200;
	b.clock();
	b.m->fifo_wr = 0;
	b.settle();
	assert_int_equal(b.m->fifo_count, 4);
	for (uint16_t want : { 101, 102, 103, 200 }) {
		b.settle();
		assert_false(b.m->fifo_empty);
		assert_int_equal(b.m->fifo_rdata, want);
		b.clock();
	}
	b.m->fifo_rd = 0;
	b.settle();
	assert_true(b.m->fifo_empty);
	assert_int_equal(b.m->fifo_count, 0);
}

struct Stats {
	uint32_t seen, pi, po, bi, bo;
};

Stats read_stats(Bench &b, unsigned idx)
{
	b.m->st_exec = 0;
	b.m->st_tok = 1;
	b.m->st_tok_reset = 0;
	b.m->st_tok_index = idx;
	b.clock();
	b.m->st_tok = 0;
	b.clock();
	b.clock();
	Stats s;
	s.seen = b.m->st_rstats[0];
	s.pi = b.m->st_rstats[1];
	s.po = b.m->st_rstats[2];
	s.bi = b.m->st_rstats[3];
	s.bo = b.m->st_rstats[4];
	return s;
}

void hit(Bench &b, unsigned idx, unsigned dir, unsigned len, uint32_t ts)
{
	b.m->st_exec = 1;
	b.m->st_idx = idx;
	b.m->st_dir = dir;
	b.m->st_len = len;
	b.m->st_ts = ts;
	b.clock();
	b.m->st_exec = 0;
}

void test_stats_back_to_back(void **)
{
	Bench b;
	for (unsigned i = 0; i < 16; i++) { /* reset every entry */
		b.m->st_tok = 1;
		b.m->st_tok_reset = 1;
		b.m->st_tok_index = i;
		b.clock();
	}
	b.m->st_tok = 0;
	b.m->st_tok_reset = 0;
	b.clock();
	/* three clocks in a row on entry 3, then 3 / 5 / 3 / 5 alternating,
	 * then directions alternating on entry 7 */
	hit(b, 3, 0, 100, 1);
	hit(b, 3, 0, 200, 2);
	hit(b, 3, 0, 300, 3);
	for (unsigned n = 0; n < 6; n++)
		hit(b, n % 2 ? 5 : 3, 0, 10, 10 + n);
	for (unsigned n = 0; n < 6; n++)
		hit(b, 7, n % 2, 1000 + n, 20 + n);
	Stats s = read_stats(b, 3);
	assert_int_equal(s.pi, 6);
	assert_int_equal(s.bi, 630);
	assert_int_equal(s.seen, 14);
	assert_int_equal(s.po, 0);
	s = read_stats(b, 5);
	assert_int_equal(s.pi, 3);
	assert_int_equal(s.seen, 15);
	s = read_stats(b, 7);
	assert_int_equal(s.pi, 3);
	assert_int_equal(s.po, 3);
	assert_int_equal(s.bi, 1000 + 1002 + 1004);
	assert_int_equal(s.bo, 1001 + 1003 + 1005);
	/* a reset token right behind a hit wins; a hit right behind it counts */
	hit(b, 3, 0, 1, 99);
	b.m->st_tok = 1;
	b.m->st_tok_reset = 1;
	b.m->st_tok_index = 3;
	b.clock();
	b.m->st_tok = 0;
	b.m->st_tok_reset = 0;
	hit(b, 3, 1, 64, 100);
	s = read_stats(b, 3);
	assert_int_equal(s.pi, 0);
	assert_int_equal(s.po, 1);
	assert_int_equal(s.bo, 64);
	assert_int_equal(s.seen, 100);
	/* a read token right behind a hit sees it */
	hit(b, 5, 1, 7, 200);
	s = read_stats(b, 5);
	assert_int_equal(s.po, 1);
	assert_int_equal(s.seen, 200);
}

uint32_t counter(Bench &b, unsigned i)
{
	b.m->cnt_index = i;
	b.settle();
	return b.m->cnt_value;
}

void test_counters(void **)
{
	Bench b;
	b.m->cnt_inc = 1;
	b.m->cnt_in_port = 2;
	b.m->cnt_verdict = RG_VERDICT_FORWARD;
	b.m->cnt_out_port = 3;
	b.m->cnt_hit = 1;
	b.clock();
	b.m->cnt_verdict = RG_VERDICT_PUNT;
	b.m->cnt_reason = RG_PUNT_SESSION;
	b.m->cnt_hit = 0;
	b.clock();
	b.m->cnt_verdict = RG_VERDICT_DROP;
	b.m->cnt_reason = RG_DROP_POLICY;
	b.m->cnt_in_port = 0;
	b.clock();
	b.m->cnt_inc = 0;
	b.clock();
	assert_int_equal(counter(b, RG_FPC_RX(2)), 2);
	assert_int_equal(counter(b, RG_FPC_RX(0)), 1);
	assert_int_equal(counter(b, RG_FPC_TX(3)), 1);
	assert_int_equal(counter(b, RG_FPC_HIT), 1);
	assert_int_equal(counter(b, RG_FPC_PUNT(RG_PUNT_SESSION)), 1);
	assert_int_equal(counter(b, RG_FPC_DROP(RG_DROP_POLICY)), 1);
	unsigned sum = 0;
	for (unsigned i = 0; i < RG_FPC_COUNT; i++)
		sum += counter(b, i);
	assert_int_equal(sum, 7);
	assert_int_equal(counter(b, 9), 0);   /* reserved */
	assert_int_equal(counter(b, 127), 0); /* beyond the block */
	b.m->rst = 1;
	b.clock();
	b.m->rst = 0;
	for (unsigned i = 0; i < RG_FPC_COUNT; i++)
		assert_int_equal(counter(b, i), 0);
}

void test_ram_lanes_and_read_first(void **)
{
	Bench b;
	b.m->ram_we = 3;
	b.m->ram_waddr = 5;
	b.m->ram_wdata = 0x1234;
	b.clock();
	b.m->ram_we = 1; /* low lane only */
	b.m->ram_wdata = 0xabcd;
	b.m->ram_raddr = 5; /* read in the same clock: the old word */
	b.clock();
	assert_int_equal(b.m->ram_rdata, 0x1234);
	b.m->ram_we = 0;
	b.clock();
	assert_int_equal(b.m->ram_rdata, 0x12cd);
}

} // namespace

int main()
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toeplitz_matches_definition),
		cmocka_unit_test(test_add_tree_extremes),
		cmocka_unit_test(test_fifo_order_full_empty),
		cmocka_unit_test(test_stats_back_to_back),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_ram_lanes_and_read_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
