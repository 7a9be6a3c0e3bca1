/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Established-flow translation on one core through the soft fast path's
 * burst path (rg_fp_process_burst), at 1K, 1M and 10M sessions, against
 * an anchor measured in the same harness, in chunks alternating with the
 * fast path's: a bare forward loop that parses the same frames (Ethernet,
 * IPv4 header and its checksum, L4 ports) and swaps MACs. Frames are drawn at random from all installed sessions (a
 * pool of 256K pre-built frames), so lookups touch the whole table.
 *
 *   BENCH fastpath_mpps_1k  / _1m / _10m   Mpps
 *   BENCH fastpath_ratio_bare_1m           x (fast path / bare loop)
 *   BENCH session_bytes                    bytes (the 64-byte entry)
 *   BENCH session_index_bytes_1m           bytes of index per session (design load)
 *
 * RG_BENCH_QUICK=1 skips the 10M point (for machines short of memory);
 * RG_BENCH_ONLY=1k|1m|10m runs one point (profiling).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench_util.h"
#include "../firmware/fastpath/fp.h"
#include "../firmware/fastpath/fp_stages.h"
#include "../firmware/lib/bytes.h"
#include "../firmware/lib/csum.h"
#include "../tests/lib/pktbuild.h"

#define FRAMES (1u << 18)
#define FLEN 64

static const uint8_t MAC_IN[6] = { 2, 0, 0, 0, 0, 0x10 };
static const uint8_t MAC_OUT[6] = { 2, 0, 0, 0, 0, 0x11 };

/* session i: inside 10.x.y.z:(1024 + i % 60000) -> 192.0.2.1:80 */
static uint32_t in_addr(uint32_t i)
{
	return 0x0a000000u | (i / 60000u + 1);
}
static uint16_t in_port(uint32_t i)
{
	return (uint16_t)(1024u + i % 60000u);
}

static void session_of(uint32_t i, struct rg_session *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = 17;
	s->flags = RG_SESS_VALID;
	s->ops = RG_OPS(RG_ACT_FORWARD, RG_ACT_FORWARD);
	s->sides = RG_SIDES(RG_PORT_INSIDE, RG_PORT_OUTSIDE);
	s->in_addr = rg_be32_field(in_addr(i));
	s->in_port = rg_be16_field(in_port(i));
	s->out_addr = rg_be32_field(0xc6336400u | (i % 250u));
	s->out_port = rg_be16_field((uint16_t)(1024u + (i / 250u) % 64000u));
	s->rem_addr = s->rem_xaddr = rg_be32_field(0xc0000201u);
	s->rem_port = s->rem_xport = rg_be16_field(80);
	s->adj_i2o = 1;
	s->adj_o2i = 2;
	uint16_t d3 = rg_csum_delta32(in_addr(i), rg_be32_val(s->out_addr));
	uint16_t dp = rg_csum_delta16(in_port(i), rg_be16_val(s->out_port));
	s->csum_l3 = rg_be16_field(d3);
	s->csum_l4 = rg_be16_field(rg_csum_add(d3, dp));
}

static int place(struct rg_fp *fp, const struct rg_flow_key *k, uint32_t idx, unsigned dir)
{
	uint32_t h[3];
	rg_fp_hash(fp, k, h);
	for (unsigned b = 0; b < 2; b++)
		for (unsigned sl = 0; sl < 4; sl++) {
			uint64_t *v = &fp->bank[b][(size_t)(h[b] & fp->bucket_mask) * 4 + sl];
			if (!(*v >> 63)) {
				*v = rg_slot_make(h[2], idx, dir);
				return 0;
			}
		}
	return -1;
}

struct table {
	struct rg_fp fp;
	void *mem;
	uint32_t n;
};

static int build(struct table *t, uint32_t n, uint32_t blog2)
{
	struct rg_fp_geometry g = { .buckets_log2 = blog2, .sessions = n, .adjacencies = 4 };
	size_t len = rg_fp_mem_size(&g);
	/* 2 MiB aligned and huge-page backed where the kernel allows, as a
	 * card's (or a DPDK host's) table memory would be */
	size_t alloc = (len + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
	t->mem = aligned_alloc(2u << 20, alloc);
	if (!t->mem)
		return -1;
	madvise(t->mem, alloc, MADV_HUGEPAGE);
	if (rg_fp_init(&t->fp, &g, t->mem, len))
		return -1;
	/* a secret the firmware would accept (rg_toeplitz_spreads): these
	 * sessions differ in few key bits, as a subscriber prefix's do */
	uint8_t secret[RG_HASH_SECRET_BYTES];
	do
		for (unsigned i = 0; i < RG_HASH_SECRET_BYTES; i++)
			secret[i] = (uint8_t)rnd();
	while (!rg_toeplitz_spreads(secret, blog2));
	rg_fp_set_secret(&t->fp, secret);
	memcpy(t->fp.port_mac[0], MAC_IN, 6);
	memcpy(t->fp.port_mac[1], MAC_OUT, 6);
	struct rg_adjacency a = { .port = 1, .flags = RG_ADJ_VALID };
	memcpy(a.src_mac, MAC_OUT, 6);
	a.dst_mac[0] = 2;
	rg_fp_table_write_adj(&t->fp, 1, &a);
	a.port = 0;
	memcpy(a.src_mac, MAC_IN, 6);
	rg_fp_table_write_adj(&t->fp, 2, &a);
	t->n = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct rg_session s;
		session_of(i, &s);
		rg_fp_table_write_session(&t->fp, i, &s);
		struct rg_flow_key k;
		memset(&k, 0, sizeof(k));
		k.src_addr = s.in_addr;
		k.dst_addr = s.rem_xaddr;
		k.src_port = s.in_port;
		k.dst_port = s.rem_xport;
		k.proto = 17;
		k.side = 0;
		if (place(&t->fp, &k, i, 0))
			continue; /* a full bucket pair: the firmware would cuckoo */
		t->n++;
	}
	return 0;
}

static uint8_t (*frames)[FLEN];
static uint32_t *frame_len;

static void make_frames(uint32_t n)
{
	for (uint32_t f = 0; f < FRAMES; f++) {
		uint32_t i = (uint32_t)(rnd() % n);
		struct pkt_spec p;
		memset(&p, 0, sizeof(p));
		memcpy(p.dmac, MAC_IN, 6);
		p.smac[0] = 2;
		p.src = in_addr(i);
		p.dst = 0xc0000201u;
		p.proto = 17;
		p.sport = in_port(i);
		p.dport = 80;
		p.payload = (const uint8_t *)"0123456789abcdef01";
		p.payload_len = 18;
		frame_len[f] = pkt_build(&p, frames[f], FLEN);
	}
}

/* The anchor: the fast path's own parse stage (steps 1-8: Ethernet, IPv4
 * header and checksum, L4 header and checksum, key), then the egress frame
 * built with the MACs swapped. The difference to the fast path is exactly
 * the lookup, the rewrite and the accounting. */
static uint64_t bare_loop(struct rg_fp *fp, uint8_t (*out)[FLEN + 32], uint64_t npkts)
{
	uint64_t ok = 0;
	for (uint64_t n = 0; n < npkts; n++) {
		const uint8_t *f = frames[n & (FRAMES - 1)];
		uint32_t len = frame_len[n & (FRAMES - 1)];
		uint8_t *o = out[n & (RG_FP_BURST - 1)];
		struct rg_fp_in_meta in = { .frame_len = (uint16_t)len,
					    .port = 0,
					    .tail_sum = rg_fp_tail_sum(f, len),
					    .ts_ms = 1 };
		struct fp_ctx c;
		fp_parse(fp, f, &in, &c);
		if (c.decided && c.verdict == RG_VERDICT_DROP)
			continue;
		memcpy(o, f + 6, 6);
		memcpy(o + 6, f, 6);
		memcpy(o + 12, f + 12, len - 12);
		ok += c.key.proto != 0;
	}
	return ok;
}

static uint64_t fast_loop(struct rg_fp *fp, uint8_t (*out)[FLEN + 32], uint64_t npkts)
{
	struct rg_fp_pkt pk[RG_FP_BURST];
	uint64_t fwd = 0;
	for (uint64_t n = 0; n < npkts; n += RG_FP_BURST) {
		for (unsigned b = 0; b < RG_FP_BURST; b++) {
			uint32_t f = (uint32_t)((n + b) & (FRAMES - 1));
			pk[b] = (struct rg_fp_pkt){ .frame = frames[f],
						    .len = frame_len[f],
						    .port = 0,
						    .ts_ms = 1,
						    .out = out[b] };
		}
		rg_fp_process_burst(fp, pk, RG_FP_BURST);
		for (unsigned b = 0; b < RG_FP_BURST; b++)
			fwd += pk[b].meta.verdict == RG_VERDICT_FORWARD;
	}
	return fwd;
}

/* The machine's speed drifts by tens of percent within seconds (a shared
 * VM), so the fast path and its anchor are timed in alternating chunks and
 * each figure is the packets over the sum of its chunks' times: drift then
 * affects both alike and the ratio stays meaningful. */
#define ROUNDS 10

static uint64_t round_packets(uint64_t npkts)
{
	uint64_t n = npkts / ROUNDS;
	return n < RG_FP_BURST ? RG_FP_BURST : n - n % RG_FP_BURST;
}

static void point(const char *name, uint32_t n, uint32_t blog2, uint8_t (*out)[FLEN + 32],
		  int with_bare)
{
	struct table t;
	if (build(&t, n, blog2)) {
		fprintf(stderr, "# %s: no memory\n", name);
		return;
	}
	make_frames(n);
	const char *np = getenv("RG_BENCH_PACKETS"); /* fewer for valgrind */
	uint64_t npkts = np ? strtoull(np, NULL, 10) : 20000000ull;
	uint64_t chunk = round_packets(npkts);
	fast_loop(&t.fp, out, FRAMES); /* warm */
	if (with_bare)
		bare_loop(&t.fp, out, FRAMES);
	uint64_t fwd = 0;
	double fast_s = 0, bare_s = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		double t0 = now_s();
		fwd += fast_loop(&t.fp, out, chunk);
		fast_s += now_s() - t0;
		if (with_bare) {
			t0 = now_s();
			volatile uint64_t ok = bare_loop(&t.fp, out, chunk);
			(void)ok;
			bare_s += now_s() - t0;
		}
	}
	double total = (double)chunk * ROUNDS;
	double mpps = total / fast_s / 1e6;
	fprintf(stderr, "# %s: %u sessions (%u placed), %.1f%% forwarded, index load %.0f%%\n",
		name, n, t.n, 100.0 * (double)fwd / total,
		100.0 * t.n / (8.0 * (double)(1u << blog2)));
	printf("BENCH %s %.2f Mpps\n", name, mpps);
	if (with_bare) {
		double bare = total / bare_s / 1e6;
		fprintf(stderr,
			"# bare forward loop: %.2f Mpps (chunks alternating with the fast "
			"path's)\n",
			bare);
		printf("BENCH fastpath_ratio_bare_1m %.2f x\n", mpps / bare);
		printf("BENCH session_index_bytes_1m %.1f bytes\n",
		       (double)(1u << blog2) * 64.0 / (double)n);
	}
	free(t.mem);
}

int main(void)
{
	frames = malloc((size_t)FRAMES * FLEN);
	frame_len = malloc((size_t)FRAMES * sizeof(*frame_len));
	uint8_t(*out)[FLEN + 32] = malloc(RG_FP_BURST * (FLEN + 32));
	if (!frames || !frame_len || !out)
		return 1;
	printf("BENCH session_bytes %zu bytes\n", sizeof(struct rg_session));
	/* one I2O slot per session here; buckets sized for <= 50% slot load
	 * so the two-slot firmware placement of the same sessions stays at
	 * the design load (see docs/benchmarks.md) */
	const char *only = getenv("RG_BENCH_ONLY"); /* e.g. "1k", for profiling */
	const char *q = getenv("RG_BENCH_QUICK");
	if (!only || !strcmp(only, "1k"))
		point("fastpath_mpps_1k", 1000, 8, out, 0);
	if (!only || !strcmp(only, "1m"))
		point("fastpath_mpps_1m", 1000000, 18, out, 1);
	if ((!only || !strcmp(only, "10m")) && (!q || !*q || *q == '0'))
		point("fastpath_mpps_10m", 10000000, 22, out, 0);
	free(out);
	free(frames);
	free(frame_len);
	return 0;
}
