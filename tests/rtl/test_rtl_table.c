/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RTL's tables: filled to the design load factor through a bucketized
 * cuckoo placement (relocating slots, new copy before old is cleared) with
 * every session reachable in both directions; inserts, deletes and updates
 * issued through the CSRs while packets stream, replayed into the soft fast
 * path at the exact point in the packet stream where each command's token
 * entered the pipeline, with equal results, statistics and counters;
 * last-seen timestamps for aging; statistics of back-to-back packets of
 * one session (the read-modify-write forwarding); table command errors.
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
#include "../../firmware/lib/bytes.h"
#include "../../firmware/lib/csum.h"
#include "../lib/pktbuild.h"
#include "fpgen.h"
#include "realmgate/regmap.h"
#include "rtl_env.h"

/* The design load factor of the index (docs/design.md): at full session
 * capacity, sessions use half of the 2 x 2^BUCKETS_LOG2 x 4 slots. */
#define LOAD_PCT 50u

static const uint8_t MAC_IN[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const uint8_t MAC_OUT[6] = { 0x02, 0, 0, 0, 0, 0x11 };

struct env {
	struct rtl_env e;
	struct rg_toeplitz tz;
	uint32_t mask;
	/* slot owner: session index + 1 and direction, for relocation */
	uint32_t *owner;
	uint8_t *odir;
};

static int setup(void **state)
{
	struct env *v = calloc(1, sizeof(*v));
	if (!v || rtl_env_open(&v->e))
		return -1;
	uint8_t secret[RG_HASH_SECRET_BYTES];
	for (unsigned i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(i * 97 + 5);
	rg_toeplitz_init(&v->tz, secret);
	v->mask = (1u << v->e.rtl.buckets_log2) - 1;
	size_t nslots = (size_t)2 * (v->mask + 1) * 4;
	v->owner = calloc(nslots, sizeof(*v->owner));
	v->odir = calloc(nslots, 1);
	if (!v->owner || !v->odir)
		return -1;
	for (unsigned d = 0; d < 2; d++) {
		struct rg_fpdev *dev = v->e.devs[d];
		for (unsigned w = 0; w < 8; w++)
			dev->ops->write_reg(dev->ctx, RG_FP_HASH_SECRET + 4 * w,
					    rg_get_le32(secret + 4 * w));
		dev->ops->write_reg(dev->ctx, RG_FP_PORT_MAC_LO(0), rg_get_le32(MAC_IN));
		dev->ops->write_reg(dev->ctx, RG_FP_PORT_MAC_HI(0), MAC_IN[4] | MAC_IN[5] << 8);
		dev->ops->write_reg(dev->ctx, RG_FP_PORT_MAC_LO(1), rg_get_le32(MAC_OUT));
		dev->ops->write_reg(dev->ctx, RG_FP_PORT_MAC_HI(1), MAC_OUT[4] | MAC_OUT[5] << 8);
		for (unsigned a = 0; a < 2; a++) {
			struct rg_adjacency adj = { .port = (uint8_t)(1 - a),
						    .flags = RG_ADJ_VALID };
			adj.dst_mac[5] = (uint8_t)(0x20 + a);
			dev->ops->write_adj(dev->ctx, a, &adj);
		}
	}
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	struct env *v = *state;
	rtl_env_close(&v->e);
	free(v->owner);
	free(v->odir);
	free(v);
	return 0;
}

/* UDP session i: 10.x.y.z:port <-> 198.51.100.1:53, translated to
 * 203.0.113.1:(i + 1024) */
static void make_session(uint32_t i, struct rg_session *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = 17;
	s->flags = RG_SESS_VALID;
	s->ops = RG_OPS(RG_ACT_FORWARD, RG_ACT_FORWARD);
	s->sides = RG_SIDES(RG_PORT_INSIDE, RG_PORT_OUTSIDE);
	s->in_addr = rg_be32_field(PKT_IPV4(10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff));
	s->in_port = rg_be16_field((uint16_t)(1000 + i % 50000));
	s->out_addr = rg_be32_field(PKT_IPV4(203, 0, 113, 1));
	s->out_port = rg_be16_field((uint16_t)(1024 + i));
	s->rem_addr = s->rem_xaddr = rg_be32_field(PKT_IPV4(198, 51, 100, 1));
	s->rem_port = s->rem_xport = rg_be16_field(53);
	s->adj_i2o = 0;
	s->adj_o2i = 1;
	uint16_t d3 = rg_csum_delta32(rg_be32_val(s->in_addr), rg_be32_val(s->out_addr));
	uint16_t dp = rg_csum_delta16(rg_be16_val(s->in_port), rg_be16_val(s->out_port));
	s->csum_l3 = rg_be16_field(d3);
	s->csum_l4 = rg_be16_field(rg_csum_add(d3, dp));
}

static void key_of(const struct rg_session *s, unsigned dir, struct rg_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->proto = s->proto;
	if (!dir) {
		k->src_addr = s->in_addr;
		k->src_port = s->in_port;
		k->dst_addr = s->rem_xaddr;
		k->dst_port = s->rem_xport;
		k->side = RG_PORT_INSIDE;
	} else {
		k->src_addr = s->rem_addr;
		k->src_port = s->rem_port;
		k->dst_addr = s->out_addr;
		k->dst_port = s->out_port;
		k->side = RG_PORT_OUTSIDE;
	}
}

static size_t sl(struct env *v, unsigned bank, uint32_t bucket, unsigned slot)
{
	return ((size_t)bank * (v->mask + 1) + bucket) * 4 + slot;
}

static void slot_write(struct env *v, unsigned bank, uint32_t bucket, unsigned slot, uint64_t val,
		       uint32_t owner, unsigned dir)
{
	for (unsigned d = 0; d < 2; d++)
		assert_int_equal(
			v->e.devs[d]->ops->write_slot(v->e.devs[d]->ctx, bank, bucket, slot, val),
			0);
	v->owner[sl(v, bank, bucket, slot)] = owner;
	v->odir[sl(v, bank, bucket, slot)] = (uint8_t)dir;
}

static uint32_t bucket_of(struct env *v, uint32_t idx, unsigned dir, unsigned bank, uint32_t *tag)
{
	struct rg_session s;
	make_session(idx, &s);
	struct rg_flow_key k;
	key_of(&s, dir, &k);
	uint32_t h[3];
	rg_toeplitz_hash(&v->tz, &k, h);
	if (tag)
		*tag = h[2];
	return h[bank] & v->mask;
}

/* Move the occupant of (bank, bucket, slot) to (nbank, nbucket, nslot):
 * the new copy first, then the old one cleared, so lookups never miss. */
static void move(struct env *v, unsigned bank, uint32_t bucket, unsigned slot, unsigned nbank,
		 uint32_t nbucket, unsigned nslot)
{
	size_t o = sl(v, bank, bucket, slot);
	uint32_t owner = v->owner[o];
	unsigned dir = v->odir[o];
	uint32_t tag;
	bucket_of(v, owner - 1, dir, 0, &tag);
	slot_write(v, nbank, nbucket, nslot, rg_slot_make(tag, owner - 1, dir), owner, dir);
	slot_write(v, bank, bucket, slot, 0, 0, 0);
}

/* Bucketized cuckoo insert of one (session, direction) slot: breadth-first
 * search for a chain of occupants that can each move to their other
 * bucket, ending at a free slot; the moves run from the free end back. */
static int cuckoo_insert(struct env *v, uint32_t idx, unsigned dir, uint64_t *rng)
{
	enum { MAXN = 4096 };
	static struct node {
		unsigned bank, slot;
		uint32_t bucket;
		int parent;
	} q[MAXN];
	(void)rng;
	uint32_t tag;
	uint32_t b0 = bucket_of(v, idx, dir, 0, &tag), b1 = bucket_of(v, idx, dir, 1, NULL);
	int n = 0;
	for (unsigned b = 0; b < 2; b++)
		for (unsigned t = 0; t < 4; t++) {
			uint32_t bk = b ? b1 : b0;
			if (!v->owner[sl(v, b, bk, t)]) {
				slot_write(v, b, bk, t, rg_slot_make(tag, idx, dir), idx + 1, dir);
				return 0;
			}
			q[n++] = (struct node){ b, t, bk, -1 };
		}
	for (int head = 0; head < n; head++) {
		struct node *x = &q[head];
		size_t o = sl(v, x->bank, x->bucket, x->slot);
		unsigned ob = 1 - x->bank;
		uint32_t obk = bucket_of(v, v->owner[o] - 1, v->odir[o], ob, NULL);
		for (unsigned t = 0; t < 4; t++) {
			if (!v->owner[sl(v, ob, obk, t)]) {
				/* free slot found: shift the chain toward it */
				unsigned fb = ob, ft = t;
				uint32_t fbk = obk;
				for (int c = head; c >= 0; c = q[c].parent) {
					move(v, q[c].bank, q[c].bucket, q[c].slot, fb, fbk, ft);
					fb = q[c].bank;
					fbk = q[c].bucket;
					ft = q[c].slot;
				}
				slot_write(v, fb, fbk, ft, rg_slot_make(tag, idx, dir), idx + 1,
					   dir);
				return 0;
			}
			if (n < MAXN)
				q[n++] = (struct node){ ob, t, obk, head };
		}
	}
	return -1;
}

static uint32_t build(uint32_t i, unsigned dir, uint8_t *f, uint32_t cap, unsigned *port)
{
	struct rg_session s;
	make_session(i, &s);
	struct pkt_spec p;
	memset(&p, 0, sizeof(p));
	p.proto = 17;
	p.tcp_flags = 0x10;
	if (!dir) {
		memcpy(p.dmac, MAC_IN, 6);
		p.src = rg_be32_val(s.in_addr);
		p.sport = rg_be16_val(s.in_port);
		p.dst = rg_be32_val(s.rem_addr);
		p.dport = 53;
		*port = 0;
	} else {
		memcpy(p.dmac, MAC_OUT, 6);
		p.src = rg_be32_val(s.rem_addr);
		p.sport = 53;
		p.dst = rg_be32_val(s.out_addr);
		p.dport = rg_be16_val(s.out_port);
		*port = 1;
	}
	return pkt_build(&p, f, cap);
}

static void test_fill_to_load_factor(void **state)
{
	struct env *v = *state;
	uint32_t slots = 2 * (v->mask + 1) * 4;
	uint32_t n = slots * LOAD_PCT / 100 / 2;
	assert_true(n <= v->e.rtl.sessions); /* the capacity reaches the design load */
	uint64_t rng = 42;
	for (uint32_t i = 0; i < n; i++) {
		struct rg_session s;
		make_session(i, &s);
		for (unsigned d = 0; d < 2; d++)
			assert_int_equal(v->e.devs[d]->ops->write_session(v->e.devs[d]->ctx, i, &s),
					 0);
		for (unsigned dir = 0; dir < 2; dir++)
			if (cuckoo_insert(v, i, dir, &rng))
				fail_msg("index full at session %u of %u", i, n);
	}
	printf("# %u sessions in %u slots (%u%% load)\n", n, slots, 2 * n * 100 / slots);
	/* every session answers in both directions at full rate */
	uint8_t f[256];
	for (uint32_t i = 0; i < n; i++)
		for (unsigned dir = 0; dir < 2; dir++) {
			unsigned port;
			uint32_t len = build(i, dir, f, sizeof(f), &port);
			assert_int_equal(rg_rtl_push(v->e.sim, f, len, port, 0, i, 2 * i + dir), 0);
		}
	assert_int_equal(rg_rtl_drain(v->e.sim, 10ull * n + 10000), 0);
	struct rg_rtl_result r;
	uint64_t got = 0;
	while (rg_rtl_pull(v->e.sim, &r)) {
		uint32_t i = (uint32_t)(r.cookie / 2);
		unsigned dir = r.cookie & 1;
		if (r.meta.verdict != RG_VERDICT_FORWARD ||
		    r.meta.hit != (RG_FPOUT_HIT | (uint32_t)dir << 30 | i))
			fail_msg("session %u dir %u: verdict %u reason %u hit %08x", i, dir,
				 r.meta.verdict, r.meta.reason, r.meta.hit);
		assert_true(pkt_checksums_ok(r.frame, r.len));
		got++;
	}
	assert_int_equal(got, 2ull * n);
	/* statistics of a few: one packet each way, last_seen = i */
	for (uint32_t i = 0; i < n; i += n / 7) {
		struct rg_session s;
		assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, i, &s), 0);
		assert_int_equal(s.pkts_i2o, 1);
		assert_int_equal(s.pkts_o2i, 1);
		assert_int_equal(s.last_seen, i);
	}
}

/* Raw CSR table command on the RTL while traffic runs; returns the number
 * of descriptors the pipeline had accepted before the command's token. */
static uint64_t rtl_cmd(struct rg_rtl *sim, uint32_t cmd, uint32_t index, uint32_t aux,
			const void *data, unsigned n)
{
	const uint8_t *b = data;
	for (unsigned w = 0; w < (n + 3) / 4; w++) {
		uint32_t val = 0;
		for (unsigned i = 0; i < 4 && 4 * w + i < n; i++)
			val |= (uint32_t)b[4 * w + i] << (8 * i);
		rg_rtl_csr_write(sim, RG_FP_BASE + RG_FP_TABLE_DATA + 4 * w, val);
	}
	rg_rtl_csr_write(sim, RG_FP_BASE + RG_FP_TABLE_INDEX, index);
	rg_rtl_csr_write(sim, RG_FP_BASE + RG_FP_TABLE_AUX, aux);
	struct rg_rtl_counts c0, c1;
	rg_rtl_counts(sim, &c0);
	rg_rtl_csr_write(sim, RG_FP_BASE + RG_FP_TABLE_CMD, cmd);
	uint32_t st;
	do
		st = rg_rtl_csr_read(sim, RG_FP_BASE + RG_FP_TABLE_STATUS);
	while (st & RG_TBL_BUSY);
	assert_int_equal(st & RG_TBL_ERROR, 0);
	rg_rtl_counts(sim, &c1);
	assert_int_equal(c1.tokens, c0.tokens + 1);
	return c1.last_token_at;
}

struct op {
	uint64_t at; /* descriptors before it */
	unsigned kind;
	uint32_t idx;
	unsigned bank, bucket, slot;
	uint64_t slotval;
	struct rg_session s;
};

static void test_writes_while_lookups_run(void **state)
{
	struct env *v = *state;
	enum { NS = 64, NP = 6000, NOPS = 120 };
	uint64_t rng = 7;
	for (uint32_t i = 0; i < NS; i++) {
		struct rg_session s;
		make_session(i, &s);
		for (unsigned d = 0; d < 2; d++)
			v->e.devs[d]->ops->write_session(v->e.devs[d]->ctx, i, &s);
		cuckoo_insert(v, i, 0, &rng);
		cuckoo_insert(v, i, 1, &rng);
	}
	static uint8_t frames[NP][128];
	static uint32_t lens[NP];
	static unsigned ports[NP];
	for (unsigned p = 0; p < NP; p++) {
		lens[p] = build(p % (NS + 8), (p / 3) & 1, frames[p], 128, &ports[p]);
		assert_int_equal(rg_rtl_push(v->e.sim, frames[p], lens[p], ports[p], 0, p, p), 0);
	}
	/* table commands race the stream: deletes (slot cleared), re-inserts
	 * (body then slot), updates (new body: action, rewrite), adjacency */
	static struct op ops[NOPS];
	for (unsigned k = 0; k < NOPS; k++) {
		struct op *o = &ops[k];
		rg_rtl_step(v->e.sim, 5 + k % 13);
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		o->kind = (rng >> 40) % 3;
		o->idx = (uint32_t)((rng >> 20) % NS);
		make_session(o->idx, &o->s);
		if (o->kind == 0) { /* delete or re-insert the I2O slot of idx */
			struct rg_flow_key key;
			key_of(&o->s, 0, &key);
			uint32_t h[3];
			rg_toeplitz_hash(&v->tz, &key, h);
			o->bank = 0;
			o->bucket = h[0] & v->mask;
			o->slot = 3;
			o->slotval = (rng >> 12) & 1 ? rg_slot_make(h[2], o->idx, 0) : 0;
			uint8_t d[8];
			memcpy(d, &o->slotval, 8);
			o->at = rtl_cmd(v->e.sim, RG_TBL_WRITE_SLOT, o->bucket,
					o->bank << 8 | o->slot, d, 8);
		} else if (o->kind == 1) { /* update: drop, punt or new translation */
			static const unsigned acts[] = { RG_ACT_DROP, RG_ACT_PUNT,
							 RG_ACT_FORWARD | RG_ACT_KEEP_TTL };
			o->s.ops = RG_OPS(acts[(rng >> 50) % 3], RG_ACT_FORWARD);
			o->s.drop_i2o = RG_DROP_FILTERED;
			o->at = rtl_cmd(v->e.sim, RG_TBL_WRITE_SESSION, o->idx, 0, &o->s,
					RG_SESSION_BODY_BYTES);
		} else { /* adjacency 0 flips between valid and not */
			struct rg_adjacency adj = {
				.port = 1, .flags = (uint8_t)((rng >> 30) & 1 ? RG_ADJ_VALID : 0)
			};
			adj.dst_mac[5] = (uint8_t)k;
			memcpy(&o->s, &adj, sizeof(adj));
			o->at = rtl_cmd(v->e.sim, RG_TBL_WRITE_ADJ, 0, 0, &adj, sizeof(adj));
		}
	}
	assert_int_equal(rg_rtl_drain(v->e.sim, 100000), 0);
	/* replay: the same commands between the same packets of the soft model */
	struct rg_fp *fp = v->e.fp;
	unsigned k = 0;
	struct rg_rtl_result r;
	for (unsigned p = 0; p < NP; p++) {
		while (k < NOPS && ops[k].at == p) {
			struct op *o = &ops[k++];
			if (o->kind == 0)
				rg_fp_table_write_slot(fp, o->bank, o->bucket, o->slot, o->slotval);
			else if (o->kind == 1)
				rg_fp_table_write_session(fp, o->idx, &o->s);
			else
				rg_fp_table_write_adj(
					fp, 0, (const struct rg_adjacency *)(const void *)&o->s);
		}
		uint8_t out[300];
		uint32_t olen;
		struct rg_fp_out_meta m;
		rg_fp_process_frame(fp, frames[p], lens[p], ports[p], 0, p, out, sizeof(out), &olen,
				    &m);
		assert_int_equal(rg_rtl_pull(v->e.sim, &r), 1);
		assert_int_equal(r.cookie, p);
		if (memcmp(&m, &r.meta, sizeof(m)))
			fail_msg("packet %u: soft verdict %u reason %u hit %08x, rtl %u %u %08x", p,
				 m.verdict, m.reason, m.hit, r.meta.verdict, r.meta.reason,
				 r.meta.hit);
		if (m.verdict == RG_VERDICT_FORWARD) {
			assert_int_equal(olen, r.len);
			assert_memory_equal(out, r.frame, olen);
		}
	}
	assert_int_equal(k, NOPS); /* every command landed inside the stream */
	for (uint32_t i = 0; i < NS; i++) {
		struct rg_session a, b;
		rg_fp_table_read_session(fp, i, &a);
		assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, i, &b), 0);
		assert_memory_equal(&a.last_seen, &b.last_seen, 20);
	}
	for (uint32_t c = 0; c < RG_FPC_COUNT; c++)
		assert_int_equal(rg_fp_csr_read(fp, RG_FP_COUNTERS + 4 * c),
				 rg_rtl_csr_read(v->e.sim, RG_FP_BASE + RG_FP_COUNTERS + 4 * c));
}

static void test_aging_timestamps_and_back_to_back(void **state)
{
	struct env *v = *state;
	uint64_t rng = 3;
	for (uint32_t i = 0; i < 4; i++) {
		struct rg_session s;
		make_session(i, &s);
		for (unsigned d = 0; d < 2; d++)
			v->e.devs[d]->ops->write_session(v->e.devs[d]->ctx, i, &s);
		cuckoo_insert(v, i, 0, &rng);
		cuckoo_insert(v, i, 1, &rng);
	}
	/* 1000 back-to-back packets of session 0 I2O, then session 1 and 2
	 * interleaved per clock, session 1 alternating directions */
	uint8_t f[2][3][128];
	uint32_t len[2][3];
	unsigned port[2][3];
	for (unsigned dir = 0; dir < 2; dir++)
		for (unsigned i = 0; i < 3; i++)
			len[dir][i] = build(i, dir, f[dir][i], 128, &port[dir][i]);
	uint64_t bytes0 = 0, b1i = 0, b1o = 0;
	for (unsigned n = 0; n < 1000; n++) {
		rg_rtl_push(v->e.sim, f[0][0], len[0][0], port[0][0], 0, 100 + n, n);
		bytes0 += len[0][0];
	}
	for (unsigned n = 0; n < 1000; n++) {
		unsigned dir = n & 1;
		rg_rtl_push(v->e.sim, f[dir][1], len[dir][1], port[dir][1], 0, 5000 + n, n);
		*(dir ? &b1o : &b1i) += len[dir][1];
		rg_rtl_push(v->e.sim, f[0][2], len[0][2], port[0][2], 0, 7000, n);
	}
	assert_int_equal(rg_rtl_drain(v->e.sim, 100000), 0);
	struct rg_rtl_result r;
	while (rg_rtl_pull(v->e.sim, &r))
		assert_int_equal(r.meta.verdict, RG_VERDICT_FORWARD);
	struct rg_session s;
	assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, 0, &s), 0);
	assert_int_equal(s.pkts_i2o, 1000);
	assert_int_equal(s.bytes_i2o, bytes0);
	assert_int_equal(s.pkts_o2i, 0);
	assert_int_equal(s.last_seen, 1099);
	assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, 1, &s), 0);
	assert_int_equal(s.pkts_i2o, 500);
	assert_int_equal(s.pkts_o2i, 500);
	assert_int_equal(s.bytes_i2o, b1i);
	assert_int_equal(s.bytes_o2i, b1o);
	assert_int_equal(s.last_seen, 5999);
	assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, 2, &s), 0);
	assert_int_equal(s.pkts_i2o, 1000);
	assert_int_equal(s.last_seen, 7000);
	/* never hit: last_seen stays 0, so the firmware ages it out */
	assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, 3, &s), 0);
	assert_int_equal(s.last_seen, 0);
	assert_int_equal(s.pkts_i2o + s.pkts_o2i, 0);
	/* rewriting a body resets its statistics */
	make_session(0, &s);
	assert_int_equal(v->e.rtl.ops->write_session(v->e.rtl.ctx, 0, &s), 0);
	assert_int_equal(v->e.rtl.ops->read_session(v->e.rtl.ctx, 0, &s), 0);
	assert_int_equal(s.pkts_i2o, 0);
	assert_int_equal(s.bytes_i2o, 0);
	assert_int_equal(s.last_seen, 0);
	/* counters: 3000 hits, all forwarded */
	assert_int_equal(rg_rtl_csr_read(v->e.sim, RG_FP_BASE + RG_FP_COUNTERS + 4 * RG_FPC_HIT),
			 3000);
	assert_int_equal(rg_rtl_csr_read(v->e.sim, RG_FP_BASE + RG_FP_COUNTERS + 4 * RG_FPC_RX(0)),
			 2500);
	assert_int_equal(rg_rtl_csr_read(v->e.sim, RG_FP_BASE + RG_FP_COUNTERS + 4 * RG_FPC_TX(1)),
			 2500);
}

static void test_command_errors(void **state)
{
	struct env *v = *state;
	struct rg_rtl *sim = v->e.sim;
	uint32_t fp = RG_FP_BASE;
	struct {
		uint32_t cmd, index, aux;
	} bad[] = {
		{ RG_TBL_WRITE_SESSION, v->e.rtl.sessions, 0 },
		{ RG_TBL_READ_SESSION, 0xffffffffu, 0 },
		{ RG_TBL_WRITE_SLOT, v->mask + 1, 0 },
		{ RG_TBL_WRITE_SLOT, 0, 2 << 8 },
		{ RG_TBL_READ_SLOT, 0, 4 },
		{ RG_TBL_WRITE_ADJ, v->e.rtl.adjacencies, 0 },
		{ 0, 0, 0 },
		{ 7, 0, 0 },
		{ 0x101, 0, 0 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rg_rtl_csr_write(sim, fp + RG_FP_TABLE_INDEX, bad[i].index);
		rg_rtl_csr_write(sim, fp + RG_FP_TABLE_AUX, bad[i].aux);
		rg_rtl_csr_write(sim, fp + RG_FP_TABLE_CMD, bad[i].cmd);
		assert_int_equal(rg_rtl_csr_read(sim, fp + RG_FP_TABLE_STATUS), RG_TBL_ERROR);
		rg_fp_csr_write(v->e.fp, RG_FP_TABLE_INDEX, bad[i].index);
		rg_fp_csr_write(v->e.fp, RG_FP_TABLE_AUX, bad[i].aux);
		rg_fp_csr_write(v->e.fp, RG_FP_TABLE_CMD, bad[i].cmd);
		assert_int_equal(rg_fp_csr_read(v->e.fp, RG_FP_TABLE_STATUS), RG_TBL_ERROR);
	}
	/* a command written while one is running is refused with ERROR */
	rg_rtl_csr_write(sim, fp + RG_FP_TABLE_INDEX, 1);
	rg_rtl_csr_write(sim, fp + RG_FP_TABLE_CMD, RG_TBL_READ_ADJ);
	rg_rtl_csr_write(sim, fp + RG_FP_TABLE_CMD, RG_TBL_READ_SESSION);
	uint32_t st;
	while ((st = rg_rtl_csr_read(sim, fp + RG_FP_TABLE_STATUS)) & RG_TBL_BUSY)
		;
	assert_int_equal(st, RG_TBL_ERROR);
	/* READ_ADJ returned adjacency 1 and zeroed the other words */
	struct rg_adjacency a;
	uint32_t w[16];
	for (unsigned i = 0; i < 16; i++)
		w[i] = rg_rtl_csr_read(sim, fp + RG_FP_TABLE_DATA + 4 * i);
	memcpy(&a, w, sizeof(a));
	assert_int_equal(a.port, 0);
	assert_int_equal(a.flags, RG_ADJ_VALID);
	assert_int_equal(a.dst_mac[5], 0x21);
	for (unsigned i = 4; i < 16; i++)
		assert_int_equal(w[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fill_to_load_factor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_while_lookups_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aging_timestamps_and_back_to_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_command_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
