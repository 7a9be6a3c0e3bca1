/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * New sessions per second: a stream of first packets of distinct UDP flows
 * from 65536 inside hosts goes through the card as it runs — soft fast path
 * burst (miss, punt), firmware (subscriber, port allocation, mapping,
 * session, index placement), re-injection through the fast path — until 1M
 * sessions exist. The anchor is the same stream through the fast path alone
 * (every packet a miss), so the ratio shows what a setup costs over a punt.
 *
 *   BENCH setup_mps                 M sessions/s
 *   BENCH setup_ratio_punt_only     x
 *   BENCH session_total_bytes       bytes per session at the design load:
 *                                   entry + index + firmware state + mapping
 *   BENCH insert_fail_ppm_95        index insert failures per million at
 *                                   95 % slot load (cuckoo relocation)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench_util.h"
#include "../firmware/fastpath/fp.h"
#include "../firmware/fw.h"
#include "../firmware/lib/bytes.h"
#include "../tests/lib/pktbuild.h"
#include "realmgate/counters.h"

#define FLOWS_MAX 1000000u
static uint32_t FLOWS = FLOWS_MAX; /* RG_BENCH_FLOWS lowers it (valgrind) */
#define FLEN 64

/* the outside gateway 203.0.113.254 */
static const uint8_t GW_MAC[6] = { 2, 0, 0, 0, 0, 0xfe };

static const uint8_t MAC[4][6] = {
	{ 2, 0x52, 0x47, 0, 0, 0x10 },
	{ 2, 0x52, 0x47, 0, 0, 0x11 },
	{ 2, 0x52, 0x47, 0, 0, 0x12 },
	{ 2, 0x52, 0x47, 0, 0, 0x13 },
};

struct card {
	struct rg_fp fp;
	struct rg_fpdev dev;
	struct rg_fw *fw;
	void *fp_mem, *fw_mem;
	uint32_t now;
	uint64_t rnd;
	uint64_t tx, forwarded;
	uint8_t out[FLEN + 64];
};

static void *big_alloc(size_t len)
{
	size_t a = (len + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
	void *p = aligned_alloc(2u << 20, a);
	if (p)
		madvise(p, a, MADV_HUGEPAGE);
	return p;
}

static uint32_t hal_now(void *ctx)
{
	return ((struct card *)ctx)->now;
}

static void hal_tx(void *ctx, unsigned port, const uint8_t *f, uint32_t len)
{
	(void)port;
	(void)f;
	(void)len;
	((struct card *)ctx)->tx++;
}

static void hal_reinject(void *ctx, unsigned port, const uint8_t *f, uint32_t len)
{
	struct card *c = ctx;
	uint32_t ol;
	struct rg_fp_out_meta m;
	rg_fp_process_frame(&c->fp, f, len, port, RG_FPIN_FORCE, c->now, c->out, sizeof(c->out),
			    &ol, &m);
	c->forwarded += m.verdict == RG_VERDICT_FORWARD;
}

static void hal_random(void *ctx, void *buf, uint32_t len)
{
	struct card *c = ctx;
	for (uint32_t i = 0; i < len; i++) {
		c->rnd = c->rnd * 6364136223846793005ull + 1442695040888963407ull;
		((uint8_t *)buf)[i] = (uint8_t)(c->rnd >> 56);
	}
}

#define BENCH_RULES 256

/* The rules of a gateway with many static port forwards: `forwards` of
 * them on the pool's addresses, on ports the benchmark's flows would like
 * to keep (20000-20003), plus the two to-host rules realmgated installs
 * for its services (PCP/NAT-PMP, DPM). */
static void add_rules(struct card *c, unsigned forwards)
{
	struct rg_rule r;
	for (unsigned i = 0; i < forwards; i++) {
		memset(&r, 0, sizeof(r));
		r.id = 1 + i;
		r.kind = RG_RULE_FORWARD;
		r.proto = 17;
		r.dst_addr = rg_be32_field(0xc6336400u + i % 64u);
		r.dst_plen = 32;
		r.dport_lo = r.dport_hi = rg_be16_field((uint16_t)(20000u + i / 64u));
		r.to_addr = rg_be32_field(0x0a020000u + i);
		rg_fw_rule_add(c->fw, &r);
	}
	static const uint16_t service[2] = { 5351, 1080 };
	for (unsigned i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		r.id = 0x7fff0000u + i;
		r.kind = RG_RULE_TO_HOST;
		r.proto = 17;
		r.dst_addr = rg_be32_field(0x0a000001u);
		r.dst_plen = 32;
		r.dport_lo = r.dport_hi = rg_be16_field(service[i]);
		rg_fw_rule_add(c->fw, &r);
	}
}

static void card_free(struct card *c)
{
	free(c->fp_mem);
	free(c->fw_mem);
	c->fp_mem = c->fw_mem = NULL;
	c->fw = NULL;
}

static int card_init(struct card *c, uint32_t sessions, uint32_t blog2)
{
	memset(c, 0, sizeof(*c));
	c->now = 5000;
	/* the platform random source's seed: RG_BENCH_SEED, default 7 */
	const char *seed = getenv("RG_BENCH_SEED");
	c->rnd = seed && *seed ? strtoull(seed, NULL, 10) : 7;
	struct rg_fp_geometry g = { .buckets_log2 = blog2,
				    .sessions = sessions,
				    .adjacencies = 65536 };
	size_t len = rg_fp_mem_size(&g);
	void *mem = c->fp_mem = big_alloc(len);
	if (!mem || rg_fp_init(&c->fp, &g, mem, len))
		return -1;
	rg_fpdev_soft(&c->dev, &c->fp);
	static struct rg_hal hal;
	hal = (struct rg_hal){ .ctx = c,
			       .now_ms = hal_now,
			       .tx = hal_tx,
			       .reinject = hal_reinject,
			       .random = hal_random };
	struct rg_fw_params p = { .mappings = sessions,
				  .subscribers = 65536,
				  .rules = BENCH_RULES + 16,
				  .frag_entries = 16,
				  .neighbours = 65535,
				  .pool_addrs = 64 };
	memcpy(p.port_mac, MAC, sizeof(MAC));
	size_t fl = rg_fw_mem_size(&p, &c->dev);
	void *fm = c->fw_mem = big_alloc(fl);
	c->fw = fm ? rg_fw_init(fm, fl, &p, &hal, &c->dev) : NULL;
	if (!c->fw)
		return -1;
	fprintf(stderr, "# firmware memory: %zu bytes for %u sessions\n", fl, sessions);
	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.inside_addr = rg_be32_field(0x0a000001u);
	cfg.inside_plen = 8;
	cfg.outside_addr = rg_be32_field(0xcb007101u);
	cfg.outside_plen = 24;
	cfg.outside_gw = rg_be32_field(0xcb0071feu);
	rg_fw_set_config(c->fw, &cfg);
	struct rg_pool pool;
	memset(&pool, 0, sizeof(pool));
	pool.port_lo = 1024;
	pool.port_hi = 65535;
	pool.flags = 1;
	pool.sub_addr = rg_be32_field(0x0a000000u);
	pool.sub_plen = 8;
	rg_fw_pool_set(c->fw, &pool);
	struct rg_pool_range r = { .lo = rg_be32_field(0xc6336400u),
				   .hi = rg_be32_field(0xc633643fu) };
	rg_fw_pool_add_range(c->fw, &r);
	/* resolve the gateway once */
	uint8_t f[60];
	pkt_build_arp(f, MAC[1], GW_MAC, 2, 0xcb0071feu, MAC[1], 0xcb007101u);
	/* a packet first so the firmware asks for the gateway */
	return 0;
}

static uint8_t (*frames)[FLEN];
static uint32_t *flen;

static void make_frames(void)
{
	for (uint32_t i = 0; i < FLOWS; i++) {
		struct pkt_spec p;
		memset(&p, 0, sizeof(p));
		memcpy(p.dmac, MAC[0], 6);
		uint32_t host = i % 65536u;
		p.smac[0] = 2;
		p.smac[4] = (uint8_t)(host >> 8);
		p.smac[5] = (uint8_t)host;
		p.src = 0x0a010000u + host;
		p.dst = 0xc0000201u;
		p.proto = 17;
		p.sport = (uint16_t)(20000u + i / 65536u);
		p.dport = 53;
		p.payload = (const uint8_t *)"0123456789abcdef01";
		p.payload_len = 18;
		flen[i] = pkt_build(&p, frames[i], FLEN);
	}
}

static void resolve_gateway(struct card *c)
{
	/* one flow's packet makes the firmware ask; the answer resolves it */
	struct rg_fp_out_meta m;
	uint32_t ol;
	rg_fp_process_frame(&c->fp, frames[FLOWS - 1], flen[FLOWS - 1], 0, 0, c->now, c->out,
			    sizeof(c->out), &ol, &m);
	if (m.verdict == RG_VERDICT_PUNT)
		rg_fw_punt(c->fw, frames[FLOWS - 1], flen[FLOWS - 1], 0, &m);
	uint8_t f[60];
	pkt_build_arp(f, MAC[1], GW_MAC, 2, 0xcb0071feu, MAC[1], 0xcb007101u);
	rg_fw_punt(c->fw, f, sizeof(f), 1, NULL);
}

static uint64_t counter(struct card *c, const char *name)
{
	for (uint32_t id = RG_FWC_BASE; id < RG_FWC_END; id++)
		if (!strcmp(rg_counter_name(id), name))
			return rg_fw_counter(c->fw, id);
	return 0;
}

static double run(struct card *c, int firmware)
{
	struct rg_fp_pkt pk[RG_FP_BURST];
	static uint8_t outs[RG_FP_BURST][FLEN + 64];
	double t0 = now_s();
	for (uint32_t i = 0; i + 1 < FLOWS; i += RG_FP_BURST) {
		unsigned n = FLOWS - 1 - i < RG_FP_BURST ? FLOWS - 1 - i : RG_FP_BURST;
		for (unsigned b = 0; b < n; b++)
			pk[b] = (struct rg_fp_pkt){ .frame = frames[i + b],
						    .len = flen[i + b],
						    .port = 0,
						    .ts_ms = c->now,
						    .out = outs[b] };
		rg_fp_process_burst(&c->fp, pk, n);
		if (firmware)
			rg_fw_punt_burst(c->fw, pk, n);
	}
	return now_s() - t0;
}

/* Index insert failures at a given slot load, with cuckoo relocation:
 * sessions are created until the load is reached. */
static void insert_failures(void)
{
	struct card c;
	uint32_t blog2 = 14; /* 2 x 16384 buckets x 4 = 131072 slots */
	uint32_t slots = 8u << blog2;
	uint32_t want = (uint32_t)(0.95 * slots / 2);
	if (card_init(&c, want + 64, blog2))
		return;
	resolve_gateway(&c);
	for (uint32_t i = 0; i < want; i++)
		rg_fw_punt(c.fw, frames[i], flen[i], 0, NULL);
	uint64_t fail = counter(&c, "session-insert-failures");
	uint64_t made = counter(&c, "sessions-created");
	fprintf(stderr, "# index at %.1f%% slot load: %llu inserted, %llu failed, %llu shadowed\n",
		100.0 * 2.0 * (double)made / slots, (unsigned long long)made,
		(unsigned long long)fail, (unsigned long long)counter(&c, "index-tag-shadows"));
	printf("BENCH insert_fail_ppm_95 %.1f ppm\n", 1e6 * (double)fail / (double)want);
}

int main(void)
{
	const char *nf = getenv("RG_BENCH_FLOWS");
	if (nf && strtoul(nf, NULL, 10) >= 1024 && strtoul(nf, NULL, 10) <= FLOWS_MAX)
		FLOWS = (uint32_t)strtoul(nf, NULL, 10);
	frames = malloc((size_t)FLOWS * FLEN);
	flen = malloc((size_t)FLOWS * sizeof(*flen));
	if (!frames || !flen)
		return 1;
	make_frames();
	/* 1M sessions in 2 x 2^18 buckets x 4 slots: 2M of 2M slots would be
	 * 100 %; 2^19 buckets give the 50 % design load */
	struct card anchor, c;
	if (card_init(&anchor, FLOWS, 19) || card_init(&c, FLOWS, 19))
		return 1;
	resolve_gateway(&c);
	double ta = run(&anchor, 0);
	double tf = run(&c, 1);
	card_free(&anchor);
	uint64_t made = counter(&c, "sessions-created");
	fprintf(stderr, "# %llu sessions created in %.2f s (%llu forwarded), punt-only %.2f s\n",
		(unsigned long long)made, tf, (unsigned long long)c.forwarded, ta);
	double mps = (double)made / tf / 1e6;
	printf("BENCH setup_mps %.3f M/s\n", mps);
	printf("BENCH setup_ratio_punt_only %.3f x\n", ta / tf);
	size_t fw_bytes = rg_fw_mem_size(&(struct rg_fw_params){ .mappings = FLOWS,
								 .subscribers = 65536,
								 .rules = 16,
								 .frag_entries = 16,
								 .neighbours = 65535,
								 .pool_addrs = 64 },
					 &c.dev);
	double index = (double)(1u << 19) * 64.0 / FLOWS;
	printf("BENCH session_total_bytes %.1f bytes\n", 64.0 + index + (double)fw_bytes / FLOWS);
	/* the same set-ups on a gateway with BENCH_RULES forwards (rules are
	 * asked on every new flow and for every port allocation tries) */
	card_free(&c);
	struct card r;
	if (card_init(&r, FLOWS, 19))
		return 1;
	add_rules(&r, BENCH_RULES);
	resolve_gateway(&r);
	double tr = run(&r, 1);
	uint64_t made_r = counter(&r, "sessions-created");
	fprintf(stderr, "# with %u forward rules: %llu sessions created in %.2f s\n", BENCH_RULES,
		(unsigned long long)made_r, tr);
	printf("BENCH setup_ratio_rules_%u %.3f x\n", BENCH_RULES,
	       ((double)made_r / tr) / (mps * 1e6));
	card_free(&r);
	insert_failures();
	return 0;
}
