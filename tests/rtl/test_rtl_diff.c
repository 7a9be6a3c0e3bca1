/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Differential proof that the RTL fast path equals the soft fast path: the
 * same tables and the same packets through the Verilated pipeline and
 * through rg_fp_process give byte-identical frames (egress frames of
 * forwards, unchanged frames of punts and drops), identical out metadata
 * (verdict, reason, egress port, hdr_len, consumed, hit), an exception
 * record for every punt, identical counters and identical session
 * statistics. Tables are random and churn between batches; traffic mixes
 * session hits in both directions, misses and malformed/edge packets
 * (fpgen.c), at full rate and with random idle input clocks and random
 * back-pressure on both outputs.
 *
 * RG_DIFF_PACKETS sets the packet count (default 1,000,000; a tenth under
 * ASan), RG_SEED the seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/fastpath/fp.h"
#include "fpgen.h"
#include "realmgate/regmap.h"
#include "rtl_env.h"

#define BATCH 512u

struct expect {
	struct rg_fp_out_meta meta;
	uint32_t len;
	uint8_t frame[RG_FP_FRAME_MAX + RG_FP_WIN_OUT];
	struct fpgen_pkt in;
};
static struct expect exp_[BATCH];

static void hexdump(const char *what, const uint8_t *b, uint32_t n)
{
	printf("# %s (%u bytes):", what, n);
	for (uint32_t i = 0; i < n && i < 160; i++)
		printf("%s%02x", i % 32 ? " " : "\n#   ", b[i]);
	printf("\n");
}

/* The soft model's answer for one packet, egress frame assembled as the
 * packet buffer does (window ++ payload) for every verdict. */
static void soft_run(struct rg_fp *fp, struct expect *x)
{
	struct rg_fp_in_meta in = {
		.frame_len = (uint16_t)x->in.len,
		.port = x->in.port,
		.flags = x->in.flags,
		.tail_sum = rg_fp_tail_sum(x->in.frame, x->in.len),
		.ts_ms = x->in.ts_ms,
	};
	uint8_t o[RG_FP_WIN_OUT];
	rg_fp_process(fp, x->in.frame, &in, o, &x->meta);
	memcpy(x->frame, o, x->meta.hdr_len);
	uint32_t tail = x->in.len - x->meta.consumed;
	memcpy(x->frame + x->meta.hdr_len, x->in.frame + x->meta.consumed, tail);
	x->len = x->meta.hdr_len + tail;
}

static void compare_counters(struct rtl_env *e)
{
	for (uint32_t c = 0; c < RG_FPC_COUNT; c++) {
		uint32_t s = rg_fp_csr_read(e->fp, RG_FP_COUNTERS + 4 * c);
		uint32_t r = rg_rtl_csr_read(e->sim, RG_FP_BASE + RG_FP_COUNTERS + 4 * c);
		if (s != r)
			fail_msg("counter %u: soft %u rtl %u", c, s, r);
	}
}

static void compare_sessions(struct rtl_env *e, struct fpgen *g)
{
	static uint32_t idx[1u << 16];
	uint32_t n = fpgen_installed(g, idx, sizeof(idx) / sizeof(idx[0]));
	for (uint32_t i = 0; i < n; i++) {
		struct rg_session a, b;
		assert_int_equal(e->soft.ops->read_session(e->soft.ctx, idx[i], &a), 0);
		assert_int_equal(e->rtl.ops->read_session(e->rtl.ctx, idx[i], &b), 0);
		if (memcmp(&a, &b, sizeof(a)))
			fail_msg("session %u: soft pkts %u/%u bytes %u/%u seen %u, rtl pkts %u/%u "
				 "bytes "
				 "%u/%u seen %u",
				 idx[i], a.pkts_i2o, a.pkts_o2i, a.bytes_i2o, a.bytes_o2i,
				 a.last_seen, b.pkts_i2o, b.pkts_o2i, b.bytes_i2o, b.bytes_o2i,
				 b.last_seen);
	}
}

struct phase {
	unsigned idle, out_stall, exc_stall;
};

static void run(uint64_t seed, uint64_t packets, const struct fpgen_opts *o, const struct phase *ph,
		unsigned nph)
{
	struct rtl_env e;
	assert_int_equal(rtl_env_open(&e), 0);
	struct fpgen *g = fpgen_new(seed, &e.rtl, o);
	assert_non_null(g);
	assert_int_equal(fpgen_program(g, e.devs, 2), 0);

	uint64_t done = 0, batch = 0, punts_expected = 0, punts_seen = 0;
	uint32_t tags[BATCH * 2];
	uint8_t reasons[BATCH * 2];
	unsigned nq = 0;
	while (done < packets) {
		const struct phase *p = &ph[batch % nph];
		rg_rtl_set_traffic(e.sim, p->idle, p->out_stall, p->exc_stall, seed + batch);
		unsigned n = packets - done < BATCH ? (unsigned)(packets - done) : BATCH;
		for (unsigned i = 0; i < n; i++) {
			struct expect *x = &exp_[i];
			fpgen_packet(g, &x->in);
			soft_run(e.fp, x);
			assert_int_equal(rg_rtl_push(e.sim, x->in.frame, x->in.len, x->in.port,
						     x->in.flags, x->in.ts_ms, i),
					 0);
		}
		assert_int_equal(rg_rtl_drain(e.sim, 100ull * BATCH + 1000), 0);
		struct rg_rtl_result r;
		unsigned got = 0;
		while (rg_rtl_pull(e.sim, &r)) {
			assert_int_equal(r.cookie, got);
			struct expect *x = &exp_[got++];
			if (memcmp(&r.meta, &x->meta, sizeof(r.meta)) || r.len != x->len ||
			    memcmp(r.frame, x->frame, x->len)) {
				printf("# packet %llu (batch %llu #%u) port %u flags %u len %u\n",
				       (unsigned long long)(done + got - 1),
				       (unsigned long long)batch, got - 1, x->in.port, x->in.flags,
				       x->in.len);
				printf("# soft: verdict %u reason %u port %u hdr %u cons %u hit "
				       "%08x len %u\n",
				       x->meta.verdict, x->meta.reason, x->meta.port,
				       x->meta.hdr_len, x->meta.consumed, x->meta.hit, x->len);
				printf("# rtl:  verdict %u reason %u port %u hdr %u cons %u hit "
				       "%08x len %u\n",
				       r.meta.verdict, r.meta.reason, r.meta.port, r.meta.hdr_len,
				       r.meta.consumed, r.meta.hit, r.len);
				hexdump("input", x->in.frame, x->in.len);
				hexdump("soft out", x->frame, x->len);
				hexdump("rtl out", r.frame, r.len);
				fail_msg("RTL and soft fast path differ");
			}
			if (r.meta.verdict == RG_VERDICT_PUNT) {
				tags[nq] = r.tag;
				reasons[nq++] = r.meta.reason;
				punts_expected++;
			}
		}
		assert_int_equal(got, n);
		/* every punt also reached the exception queue, in order */
		struct rg_rtl_exception ex;
		unsigned k = 0;
		for (unsigned spin = 0; k < nq && spin < 10000; spin++) {
			while (k < nq && rg_rtl_pull_exception(e.sim, &ex)) {
				assert_int_equal(ex.tag, tags[k]);
				assert_int_equal(ex.reason, reasons[k]);
				k++;
				punts_seen++;
			}
			if (k < nq)
				rg_rtl_step(e.sim, 1);
		}
		assert_int_equal(k, nq);
		nq = 0;
		done += n;
		batch++;
		if (batch % 64 == 0) {
			compare_counters(&e);
			assert_int_equal(fpgen_churn(g, e.devs, 2, 8), 0);
		}
	}
	compare_counters(&e);
	compare_sessions(&e, g);
	assert_int_equal(punts_seen, punts_expected);
	struct rg_rtl_counts c;
	rg_rtl_counts(e.sim, &c);
	printf("# %llu packets in %llu clocks, %llu punts, %llu table tokens\n",
	       (unsigned long long)done, (unsigned long long)c.cycles,
	       (unsigned long long)punts_expected, (unsigned long long)c.tokens);
	fpgen_free(g);
	rtl_env_close(&e);
}

static uint64_t total(void)
{
	return rtl_env_count("RG_DIFF_PACKETS", 1000000, 10);
}

/* Mostly well-formed traffic of established sessions, full rate. */
static void test_diff_traffic_full_rate(void **state)
{
	(void)state;
	struct fpgen_opts o = { .sessions = 4000,
				.adjs = 64,
				.fault_pct = 10,
				.miss_pct = 10,
				.min_len = 0,
				.max_len = 1460,
				.bogus = 0 };
	struct phase ph[] = { { 0, 0, 0 } };
	run(rtl_env_seed(), total() * 4 / 10, &o, ph, 1);
}

/* Malformed and edge packets, bogus table entries, with idle clocks and
 * random back-pressure on the result and exception outputs. */
static void test_diff_faults_backpressure(void **state)
{
	(void)state;
	struct fpgen_opts o = { .sessions = 3000,
				.adjs = 40,
				.fault_pct = 60,
				.miss_pct = 15,
				.min_len = 0,
				.max_len = 300,
				.bogus = 1 };
	struct phase ph[] = { { 0, 0, 0 }, { 20, 30, 50 }, { 5, 70, 0 }, { 50, 0, 90 } };
	run(rtl_env_seed() + 1, total() * 6 / 10, &o, ph, 4);
}

/* The register file: after programming, every fast path block register
 * reads the same on both (except the table staging registers, which the
 * soft device's direct table calls do not use), the ID block says what the
 * contract says, and bad table commands fail alike. */
static void test_diff_registers(void **state)
{
	(void)state;
	struct rtl_env e;
	assert_int_equal(rtl_env_open(&e), 0);
	struct fpgen_opts o = { .sessions = 50, .adjs = 8, .bogus = 1 };
	struct fpgen *g = fpgen_new(rtl_env_seed() + 2, &e.rtl, &o);
	assert_non_null(g);
	assert_int_equal(fpgen_program(g, e.devs, 2), 0);
	for (uint32_t off = 0; off < 0x1000; off += 4) {
		if (off == RG_FP_TABLE_INDEX || off == RG_FP_TABLE_AUX ||
		    off == RG_FP_TABLE_STATUS ||
		    (off >= RG_FP_TABLE_DATA && off < RG_FP_TABLE_DATA + 64))
			continue;
		uint32_t a = rg_fp_csr_read(e.fp, off),
			 b = rg_rtl_csr_read(e.sim, RG_FP_BASE + off);
		if (a != b)
			fail_msg("register 0x%03x: soft 0x%08x rtl 0x%08x", off, a, b);
	}
	rg_rtl_set_identity(e.sim, 0x010203, 20261123, 0xabcdef12);
	struct {
		uint32_t off, want;
	} id[] = {
		{ RG_RB_TYPE, RG_RB_TYPE_ID },
		{ RG_RB_VERSION, RG_ID_VERSION },
		{ RG_RB_NEXT, RG_CTRL_BASE },
		{ RG_ID_CONTRACT, RG_CONTRACT_VERSION },
		{ RG_ID_FW_VERSION, 0x010203 },
		{ RG_ID_BUILD_DATE, 20261123 },
		{ RG_ID_GIT_HASH, 0xabcdef12 },
		{ RG_ID_PORTS, RG_PORT_COUNT },
		{ RG_ID_FASTPATH, RG_FASTPATH_RTL },
		{ RG_ID_SESSIONS, e.rtl.sessions },
		{ RG_ID_FEATURES_LO, (uint32_t)(RG_FEAT_NAPT | RG_FEAT_HAIRPIN | RG_FEAT_TWICE_NAT |
						RG_FEAT_IPIP | RG_FEAT_SPI | RG_FEAT_HOST_PORT) },
		{ RG_ID_FEATURES_HI, 0 },
		{ RG_ID_SERIAL, 0 },
		{ 0xfc, 0 },
	};
	for (unsigned i = 0; i < sizeof(id) / sizeof(id[0]); i++)
		assert_int_equal(rg_rtl_csr_read(e.sim, RG_ID_BASE + id[i].off), id[i].want);
	assert_int_not_equal(rg_rtl_csr_read(e.sim, RG_ID_BASE + RG_ID_RTL_VERSION), 0);
	/* table commands through the CSRs on both, good and bad */
	const uint32_t cmds[][3] = {
		{ RG_TBL_READ_SESSION, 3, 0 },
		{ RG_TBL_READ_SLOT, 5, 1 << 8 | 2 },
		{ RG_TBL_READ_ADJ, 2, 0 },
		{ RG_TBL_READ_SESSION, e.rtl.sessions, 0 },
		{ RG_TBL_READ_SLOT, 0, 2 << 8 },
		{ RG_TBL_WRITE_ADJ, e.rtl.adjacencies, 0 },
		{ 9, 0, 0 },
		{ RG_TBL_WRITE_SLOT, 1, 3 },
		{ RG_TBL_READ_SLOT, 1, 3 },
	};
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		for (unsigned w = 0; w < 16; w++) {
			rg_fp_csr_write(e.fp, RG_FP_TABLE_DATA + 4 * w, 0x11111111u * w);
			rg_rtl_csr_write(e.sim, RG_FP_BASE + RG_FP_TABLE_DATA + 4 * w,
					 0x11111111u * w);
		}
		rg_fp_csr_write(e.fp, RG_FP_TABLE_INDEX, cmds[i][1]);
		rg_fp_csr_write(e.fp, RG_FP_TABLE_AUX, cmds[i][2]);
		rg_fp_csr_write(e.fp, RG_FP_TABLE_CMD, cmds[i][0]);
		rg_rtl_csr_write(e.sim, RG_FP_BASE + RG_FP_TABLE_INDEX, cmds[i][1]);
		rg_rtl_csr_write(e.sim, RG_FP_BASE + RG_FP_TABLE_AUX, cmds[i][2]);
		rg_rtl_csr_write(e.sim, RG_FP_BASE + RG_FP_TABLE_CMD, cmds[i][0]);
		uint32_t st;
		while ((st = rg_rtl_csr_read(e.sim, RG_FP_BASE + RG_FP_TABLE_STATUS)) & RG_TBL_BUSY)
			;
		assert_int_equal(st, rg_fp_csr_read(e.fp, RG_FP_TABLE_STATUS));
		for (uint32_t off = RG_FP_TABLE_INDEX; off < RG_FP_TABLE_DATA + 64; off += 4)
			if (off != RG_FP_TABLE_CMD && off != RG_FP_TABLE_STATUS &&
			    off != RG_FP_TUNNEL_SRC)
				assert_int_equal(rg_fp_csr_read(e.fp, off),
						 rg_rtl_csr_read(e.sim, RG_FP_BASE + off));
	}
	fpgen_free(g);
	rtl_env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_registers),
		cmocka_unit_test(test_diff_traffic_full_rate),
		cmocka_unit_test(test_diff_faults_backpressure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
