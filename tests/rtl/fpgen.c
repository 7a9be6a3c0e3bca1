/* SPDX-License-Identifier: BSD-2-Clause */
/* Random fast path workloads (see fpgen.h). */
#include "fpgen.h"

#include <stdlib.h>
#include <string.h>

#include "../../firmware/fastpath/fp.h"
#include "../../firmware/lib/bytes.h"
#include "../../firmware/lib/csum.h"
#include "../lib/pktbuild.h"
#include "realmgate/regmap.h"

#define N_IN 12
#define N_REM 12
#define N_OUT 4

struct fpgen {
	uint64_t rng;
	struct fpgen_opts o;
	uint32_t buckets_log2, n_sessions, n_adj;
	uint8_t secret[RG_HASH_SECRET_BYTES];
	struct rg_toeplitz *tz;
	uint8_t mac[RG_PORT_COUNT][6];
	uint16_t vid[RG_PORT_COUNT]; /* the ports' VLANs (0: untagged) */
	uint32_t tunnel_src;
	struct rg_session *sess; /* bodies as written */
	uint8_t *live;
	uint32_t *list; /* installed session indices */
	uint32_t nlist;
	uint64_t *slots; /* shadow for placement */
	uint32_t ts;
};

uint64_t fpgen_rand(struct fpgen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static uint32_t rnd(struct fpgen *g, uint32_t n)
{
	return n ? (uint32_t)(fpgen_rand(g) % n) : 0;
}

static int pct(struct fpgen *g, unsigned p)
{
	return rnd(g, 100) < p;
}

struct fpgen *fpgen_new(uint64_t seed, const struct rg_fpdev *geo, const struct fpgen_opts *o)
{
	struct fpgen *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->rng = seed ? seed * 0x9e3779b97f4a7c15ull : 1;
	g->o = *o;
	g->buckets_log2 = geo->buckets_log2;
	g->n_sessions = geo->sessions;
	g->n_adj = geo->adjacencies;
	if (g->o.sessions > g->n_sessions)
		g->o.sessions = g->n_sessions;
	if (g->o.adjs > g->n_adj)
		g->o.adjs = g->n_adj;
	g->tz = malloc(sizeof(*g->tz));
	g->sess = calloc(g->n_sessions, sizeof(*g->sess));
	g->live = calloc(g->n_sessions, 1);
	g->list = calloc(g->n_sessions, sizeof(*g->list));
	g->slots = calloc((size_t)RG_INDEX_BANKS << g->buckets_log2,
			  RG_BUCKET_SLOTS * sizeof(uint64_t));
	if (!g->tz || !g->sess || !g->live || !g->list || !g->slots) {
		fpgen_free(g);
		return NULL;
	}
	return g;
}

void fpgen_free(struct fpgen *g)
{
	if (!g)
		return;
	free(g->tz);
	free(g->sess);
	free(g->live);
	free(g->list);
	free(g->slots);
	free(g);
}

static uint32_t in_addr(struct fpgen *g)
{
	return PKT_IPV4(10, 0, 0, 2 + rnd(g, N_IN));
}
static uint32_t rem_addr(struct fpgen *g)
{
	return PKT_IPV4(198, 51, 100, 1 + rnd(g, N_REM));
}
static uint32_t out_addr(struct fpgen *g)
{
	return PKT_IPV4(203, 0, 113, 1 + rnd(g, N_OUT));
}
static uint16_t port_no(struct fpgen *g)
{
	static const uint16_t common[] = { 53, 80, 443, 5351, 1024, 40000, 65535, 0 };
	return pct(g, 30) ? common[rnd(g, 8)] : (uint16_t)(1 + rnd(g, 65535));
}

static void set_deltas(struct rg_session *s)
{
	uint32_t in = rg_be32_val(s->in_addr), out = rg_be32_val(s->out_addr);
	uint32_t rx = rg_be32_val(s->rem_xaddr), r = rg_be32_val(s->rem_addr);
	uint16_t d3 = rg_csum_add(rg_csum_delta32(in, out), rg_csum_delta32(rx, r));
	uint16_t dp =
		rg_csum_add(rg_csum_delta16(rg_be16_val(s->in_port), rg_be16_val(s->out_port)),
			    rg_csum_delta16(rg_be16_val(s->rem_xport), rg_be16_val(s->rem_port)));
	s->csum_l3 = rg_be16_field(d3);
	s->csum_l4 = rg_be16_field(s->proto == 1 ? dp : rg_csum_add(d3, dp));
}

static void random_session(struct fpgen *g, struct rg_session *s)
{
	static const uint8_t protos[] = { 6, 6, 6, 17, 17, 17, 1, 1, 50, 51, 47 };
	memset(s, 0, sizeof(*s));
	s->proto = protos[rnd(g, sizeof(protos))];
	s->flags = RG_SESS_VALID;
	if (pct(g, 10))
		s->flags |= RG_SESS_I2O_TUNNEL;
	if (pct(g, 3))
		s->flags |= RG_SESS_O2I_TUNNEL;
	if (g->o.bogus && pct(g, 3))
		s->flags &= (uint8_t)~RG_SESS_VALID;
	unsigned i2o = RG_ACT_FORWARD, o2i = RG_ACT_FORWARD;
	if (pct(g, 25))
		i2o = rnd(g, 16);
	if (pct(g, 25))
		o2i = rnd(g, 16);
	if (pct(g, 10))
		o2i |= RG_ACT_ENCAP;
	if (pct(g, 10))
		i2o |= RG_ACT_KEEP_TTL;
	s->ops = RG_OPS(i2o, o2i);
	unsigned in_side = pct(g, 90) ? RG_PORT_INSIDE : rnd(g, 4);
	unsigned rem_side = pct(g, 80) ? RG_PORT_OUTSIDE : rnd(g, 4);
	s->sides = RG_SIDES(in_side, rem_side);
	s->in_addr = rg_be32_field(in_addr(g));
	s->out_addr = rg_be32_field(pct(g, 10) ? in_addr(g) : out_addr(g));
	s->rem_addr = rg_be32_field(rem_addr(g));
	s->rem_xaddr =
		pct(g, 85) ? s->rem_addr : rg_be32_field(pct(g, 50) ? out_addr(g) : rem_addr(g));
	uint16_t ip = port_no(g), op = pct(g, 30) ? ip : port_no(g), rp = port_no(g);
	uint16_t rxp = pct(g, 85) ? rp : port_no(g);
	if (s->proto == 1) {
		/* query id on the initiator's side */
		if (pct(g, 70)) {
			rp = rxp = 0;
		} else {
			ip = op = 0;
		}
	}
	s->in_port = rg_be16_field(ip);
	s->out_port = rg_be16_field(op);
	s->rem_port = rg_be16_field(rp);
	s->rem_xport = rg_be16_field(rxp);
	if (s->proto == 50 || s->proto == 51) { /* SPI never rewritten */
		s->out_port = s->in_port;
		s->rem_xport = s->rem_port;
	}
	set_deltas(s);
	if (g->o.bogus && pct(g, 10)) {
		static const uint16_t odd[] = { 0x0000, 0xffff, 0x0001, 0xfffe };
		s->csum_l3 = rg_be16_field(pct(g, 50) ? odd[rnd(g, 4)] : (uint16_t)fpgen_rand(g));
		s->csum_l4 = rg_be16_field(pct(g, 50) ? odd[rnd(g, 4)] : (uint16_t)fpgen_rand(g));
	}
	uint32_t na = g->o.adjs ? g->o.adjs : 1;
	s->adj_i2o = (uint16_t)(pct(g, 97) ? rnd(g, na) : rnd(g, 0x10000));
	s->adj_o2i = (uint16_t)(pct(g, 97) ? rnd(g, na) : rnd(g, 0x10000));
	s->tun_addr = rg_be32_field(in_addr(g));
	s->drop_i2o = (uint8_t)rnd(g, 20);
	s->drop_o2i = (uint8_t)rnd(g, 20);
	s->fw_cookie = (uint16_t)fpgen_rand(g);
}

static uint64_t *slot_at(struct fpgen *g, unsigned bank, uint32_t bucket, unsigned slot)
{
	return &g->slots[(((size_t)bank << g->buckets_log2) + bucket) * RG_BUCKET_SLOTS + slot];
}

static int write_slot(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev, unsigned bank,
		      uint32_t bucket, unsigned slot, uint64_t v)
{
	*slot_at(g, bank, bucket, slot) = v;
	for (unsigned d = 0; d < ndev; d++)
		if (devs[d]->ops->write_slot(devs[d]->ctx, bank, bucket, slot, v))
			return -1;
	return 0;
}

/* Place a session's two slots (first free slot of bank 0, then bank 1),
 * avoiding tag shadows. Returns 0, 1 if it does not fit, -1 on error. */
static int place(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev, uint32_t idx)
{
	uint32_t mask = (1u << g->buckets_log2) - 1;
	unsigned pb[2], pbk[2], ps[2];
	uint32_t h[2][3];
	for (unsigned dir = 0; dir < 2; dir++) {
		struct rg_flow_key k;
		rg_session_key(&g->sess[idx], dir, &k);
		rg_toeplitz_hash(g->tz, &k, h[dir]);
		int found = 0;
		for (unsigned b = 0; b < 2; b++)
			for (unsigned s = 0; s < RG_BUCKET_SLOTS; s++) {
				uint64_t v = *slot_at(g, b, h[dir][b] & mask, s);
				if ((v >> 63) && (uint32_t)v == h[dir][2])
					return 1; /* would shadow or be shadowed */
				if (!(v >> 63) && !found &&
				    !(dir == 1 && pbk[0] == b && pb[0] == (h[dir][b] & mask) &&
				      ps[0] == s)) {
					found = 1;
					pbk[dir] = b;
					pb[dir] = h[dir][b] & mask;
					ps[dir] = s;
				}
			}
		if (!found)
			return 1;
	}
	for (unsigned dir = 0; dir < 2; dir++) {
		uint64_t v = rg_slot_make(h[dir][2], idx, dir);
		if (g->o.bogus && pct(g, 2))
			v ^= 1ull << (32 + rnd(g, 31)); /* index or direction wrong */
		if (write_slot(g, devs, ndev, pbk[dir], pb[dir], ps[dir], v))
			return -1;
	}
	return 0;
}

static int install(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev, uint32_t idx)
{
	for (int tries = 0; tries < 4; tries++) {
		random_session(g, &g->sess[idx]);
		for (unsigned d = 0; d < ndev; d++)
			if (devs[d]->ops->write_session(devs[d]->ctx, idx, &g->sess[idx]))
				return -1;
		int rc = place(g, devs, ndev, idx);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			g->live[idx] = 1;
			g->list[g->nlist++] = idx;
			return 0;
		}
	}
	return 0; /* left unindexed: its packets miss */
}

static int remove_session(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev,
			  uint32_t idx)
{
	uint32_t nb = 1u << g->buckets_log2;
	for (unsigned b = 0; b < 2; b++)
		for (uint32_t k = 0; k < nb; k++)
			for (unsigned s = 0; s < RG_BUCKET_SLOTS; s++) {
				uint64_t v = *slot_at(g, b, k, s);
				if ((v >> 63) && ((v >> 32) & RG_SLOT_INDEX_MASK) == idx &&
				    write_slot(g, devs, ndev, b, k, s, 0))
					return -1;
			}
	g->live[idx] = 0;
	for (uint32_t i = 0; i < g->nlist; i++)
		if (g->list[i] == idx) {
			g->list[i] = g->list[--g->nlist];
			break;
		}
	return 0;
}

static void random_adj(struct fpgen *g, struct rg_adjacency *a)
{
	memset(a, 0, sizeof(*a));
	for (unsigned i = 0; i < 6; i++) {
		a->dst_mac[i] = (uint8_t)fpgen_rand(g);
		a->src_mac[i] = (uint8_t)fpgen_rand(g);
	}
	a->port = (uint8_t)(pct(g, 95) ? rnd(g, 4) : fpgen_rand(g));
	a->flags = (uint8_t)(pct(g, 92) ? RG_ADJ_VALID : 0);
	if (pct(g, 25))
		a->flags |= RG_ADJ_VLAN;
	if (pct(g, 3))
		a->flags = (uint8_t)fpgen_rand(g);
	a->vlan_tci = (uint16_t)fpgen_rand(g);
}

int fpgen_program(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev)
{
	for (unsigned i = 0; i < RG_HASH_SECRET_BYTES; i++)
		g->secret[i] = (uint8_t)fpgen_rand(g);
	rg_toeplitz_init(g->tz, g->secret);
	static const uint16_t mtus[] = { 1500, 1500, 0, 576, 1400, 9000, 100 };
	uint32_t mtu[RG_PORT_COUNT], flags[RG_PORT_COUNT];
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		for (unsigned i = 0; i < 6; i++)
			g->mac[p][i] = (uint8_t)fpgen_rand(g);
		g->mac[p][0] &= 0xfe; /* unicast */
		mtu[p] = mtus[rnd(g, 7)] | (pct(g, 5) ? 0xabcd0000u : 0);
		/* a VLAN on a quarter of the ports; other flag bits at random
		 * now and then (the card keeps only the ones it knows) */
		g->vid[p] = pct(g, 25) ? (uint16_t)(1 + rnd(g, 4094)) : 0;
		flags[p] = (pct(g, 15) ? (uint32_t)fpgen_rand(g) & ~RG_FPPORT_VID_MASK : 0) |
			   (uint32_t)g->vid[p] << RG_FPPORT_VID_SHIFT;
	}
	g->tunnel_src = PKT_IPV4(10, 0, 0, 1);
	for (unsigned d = 0; d < ndev; d++) {
		const struct rg_fpdev_ops *op = devs[d]->ops;
		void *c = devs[d]->ctx;
		for (unsigned w = 0; w < RG_HASH_SECRET_BYTES / 4; w++)
			op->write_reg(c, RG_FP_HASH_SECRET + 4 * w, rg_get_le32(g->secret + 4 * w));
		for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
			op->write_reg(c, RG_FP_PORT_MAC_LO(p), rg_get_le32(g->mac[p]));
			op->write_reg(c, RG_FP_PORT_MAC_HI(p),
				      g->mac[p][4] | (uint32_t)g->mac[p][5] << 8);
			op->write_reg(c, RG_FP_PORT_MTU(p), mtu[p]);
			op->write_reg(c, RG_FP_PORT_FLAGS(p), flags[p]);
		}
		op->write_reg(c, RG_FP_TUNNEL_SRC, g->tunnel_src);
		op->write_reg(c, RG_FP_CONTROL, RG_FPCTL_ENABLE);
	}
	for (uint32_t a = 0; a < g->o.adjs; a++) {
		struct rg_adjacency adj;
		random_adj(g, &adj);
		for (unsigned d = 0; d < ndev; d++)
			if (devs[d]->ops->write_adj(devs[d]->ctx, a, &adj))
				return -1;
	}
	for (uint32_t i = 0; i < g->o.sessions; i++)
		if (install(g, devs, ndev, i))
			return -1;
	if (g->o.bogus) /* a few slots that point nowhere useful */
		for (unsigned i = 0; i < 16; i++) {
			uint64_t v = rg_slot_make((uint32_t)fpgen_rand(g), (uint32_t)fpgen_rand(g),
						  rnd(g, 2));
			if (write_slot(g, devs, ndev, rnd(g, 2), rnd(g, 1u << g->buckets_log2),
				       rnd(g, 4), v))
				return -1;
		}
	return g->nlist ? 0 : -1;
}

int fpgen_churn(struct fpgen *g, struct rg_fpdev *const *devs, unsigned ndev, unsigned n)
{
	for (unsigned i = 0; i < n && g->nlist; i++) {
		uint32_t idx = g->list[rnd(g, g->nlist)];
		if (remove_session(g, devs, ndev, idx) || install(g, devs, ndev, idx))
			return -1;
	}
	if (g->o.adjs) {
		struct rg_adjacency adj;
		uint32_t a = rnd(g, g->o.adjs);
		random_adj(g, &adj);
		for (unsigned d = 0; d < ndev; d++)
			if (devs[d]->ops->write_adj(devs[d]->ctx, a, &adj))
				return -1;
	}
	return 0;
}

uint32_t fpgen_installed(const struct fpgen *g, uint32_t *idx, uint32_t max)
{
	uint32_t n = g->nlist < max ? g->nlist : max;
	memcpy(idx, g->list, n * sizeof(*idx));
	return n;
}

/* ---- packets ------------------------------------------------------------ */

/* Force the L4 checksum field to `target` and keep it valid by adjusting
 * the first payload word (RFC 1624 arithmetic). */
static void force_l4_csum(uint8_t *f, uint32_t len, uint16_t target)
{
	struct pkt_view v;
	if (pkt_parse(f, len, &v))
		return;
	unsigned off = v.proto == 6 ? 16 : v.proto == 17 ? 6 : v.proto == 1 ? 2 : 0;
	unsigned hdr = v.proto == 6 ? 20 : 8;
	if (!off || v.l4 + hdr + 2 > v.ip_end || v.ip_end > len)
		return;
	uint8_t *c = f + v.l4 + off, *p = f + v.l4 + hdr;
	uint16_t old = rg_get_be16(c), pw = rg_get_be16(p);
	rg_put_be16(p, rg_csum_add(rg_csum_add(pw, old), (uint16_t)~target));
	rg_put_be16(c, target);
}

/* Force the IPv4 header checksum to `target` by adjusting the IP id. */
static void force_ip_csum(uint8_t *f, uint32_t len, uint16_t target)
{
	struct pkt_view v;
	if (pkt_parse(f, len, &v) || v.l3 + 20 > len)
		return;
	uint8_t *ip = f + v.l3;
	uint16_t old = rg_get_be16(ip + 10), id = rg_get_be16(ip + 4);
	rg_put_be16(ip + 4, rg_csum_add(rg_csum_add(id, old), (uint16_t)~target));
	rg_put_be16(ip + 10, target);
}

static void fix_ip_csum(uint8_t *ip)
{
	unsigned ihl = (ip[0] & 15u) * 4u;
	rg_put_be16(ip + 10, 0);
	rg_put_be16(ip + 10, pkt_csum(ip, ihl < 20 ? 20 : ihl, 0));
}

/* Give the outer header of an IP-in-IP frame n bytes of options (NOPs),
 * lengths and checksum fixed, so the inner and L4 headers move toward the
 * end of the window. */
static uint32_t outer_options(uint8_t *f, uint32_t len, uint32_t cap, unsigned n)
{
	unsigned l3 = rg_get_be16(f + 12) == 0x8100 ? 18 : 14;
	if (len + n > cap || len < l3 + 20 || f[l3 + 9] != 4 || (f[l3] & 15u) != 5)
		return len;
	memmove(f + l3 + 20 + n, f + l3 + 20, len - l3 - 20);
	memset(f + l3 + 20, 1, n);
	f[l3] = (uint8_t)(0x40 | (5 + n / 4));
	rg_put_be16(f + l3 + 2, (uint16_t)(rg_get_be16(f + l3 + 2) + n));
	fix_ip_csum(f + l3);
	return len + n;
}

/* Structural faults with valid header checksums, so they reach the checks
 * behind the checksum: inner header length, total length and protocol of
 * IP-in-IP, an IP packet that ends inside the L4 header, headers pushed
 * past the window by options. */
static uint32_t deep_fault(struct fpgen *g, uint8_t *f, uint32_t len, uint32_t cap)
{
	struct pkt_view v;
	if (pkt_parse(f, len, &v))
		return len;
	uint8_t *in = f + v.l3;
	switch (rnd(g, 6)) {
	case 0: /* inner (or only) header: total length shorter than its header */
		rg_put_be16(in + 2, (uint16_t)rnd(g, (in[0] & 15u) * 4u));
		fix_ip_csum(in);
		break;
	case 1: /* the IP packet ends inside the L4 header */
		rg_put_be16(in + 2, (uint16_t)((in[0] & 15u) * 4u + rnd(g, 20)));
		fix_ip_csum(in);
		if (v.tunnel) {
			uint8_t *o = f + v.outer_l3;
			rg_put_be16(o + 2, (uint16_t)(v.l3 - v.outer_l3 + rg_get_be16(in + 2)));
			fix_ip_csum(o);
		}
		break;
	case 2: /* IP-in-IP in IP-in-IP */
		in[9] = 4;
		fix_ip_csum(in);
		break;
	case 3: /* inner header with a bad version or IHL */
		in[0] = (uint8_t)(pct(g, 50) ? (in[0] & 15u) | 0x60 : 0x40 | rnd(g, 5));
		fix_ip_csum(in);
		break;
	default: /* headers toward / past the window end */
		len = outer_options(f, len, cap, 4 * (1 + rnd(g, 10)));
		break;
	}
	return len;
}

void fpgen_packet(struct fpgen *g, struct fpgen_pkt *p)
{
	static uint8_t payload[RG_FP_FRAME_MAX];
	struct pkt_spec s;
	memset(&s, 0, sizeof(s));
	unsigned port = RG_PORT_INSIDE;
	int have = g->nlist && !pct(g, g->o.miss_pct);
	if (have) {
		struct rg_session *ss = &g->sess[g->list[rnd(g, g->nlist)]];
		unsigned dir = rnd(g, 2);
		struct rg_flow_key k;
		rg_session_key(ss, dir, &k);
		port = k.side;
		s.proto = k.proto;
		s.src = rg_be32_val(k.src_addr);
		s.dst = rg_be32_val(k.dst_addr);
		s.sport = rg_be16_val(k.src_port);
		s.dport = rg_be16_val(k.dst_port);
		if (k.proto == 1) {
			int req = s.sport != 0 || (s.dport == 0 && pct(g, 50));
			s.icmp_type = req ? (pct(g, 90) ? 8 : 13) : (pct(g, 90) ? 0 : 14);
			s.icmp_id = req ? s.sport : s.dport;
			s.icmp_seq = (uint16_t)fpgen_rand(g);
		}
		s.spi = (uint32_t)s.sport << 16 | s.dport;
		if (k.flags & RG_KEY_TUNNEL) {
			s.tunnel_src = pct(g, 90) ? rg_be32_val(ss->tun_addr) : in_addr(g);
			s.tunnel_dst = g->tunnel_src;
		}
	} else {
		static const uint8_t protos[] = { 6, 17, 1, 50, 51, 47, 4 };
		port = rnd(g, 4);
		s.proto = protos[rnd(g, sizeof(protos))];
		s.src = pct(g, 50) ? in_addr(g) : rem_addr(g);
		s.dst = pct(g, 50) ? out_addr(g) : rem_addr(g);
		s.sport = port_no(g);
		s.dport = port_no(g);
		s.icmp_type = pct(g, 70) ? 8 : (uint8_t)rnd(g, 20);
		s.icmp_id = s.sport;
		s.spi = (uint32_t)fpgen_rand(g);
	}
	memcpy(s.dmac, g->mac[port], 6);
	s.smac[0] = 0x02;
	s.smac[5] = (uint8_t)fpgen_rand(g);
	s.tcp_flags = 0x10;
	s.ttl = 64;
	s.ip_id = (uint16_t)fpgen_rand(g);
	/* mostly the port's own VLAN; sometimes another, a priority tag or
	 * none (each of which a VLAN port punts) */
	if (g->vid[port] && pct(g, 85))
		s.vlan_tci = (uint16_t)(g->vid[port] | rnd(g, 8) << 13);
	else if (pct(g, 10))
		s.vlan_tci = (uint16_t)(1 + rnd(g, 4094));
	else if (pct(g, 3))
		s.vlan_tci = (uint16_t)((rnd(g, 7) + 1) << 13); /* VID 0 */
	if (pct(g, 15))
		s.frag = 0x4000; /* DF */
	unsigned maxl = g->o.max_len > g->o.min_len ? g->o.max_len : g->o.min_len;
	uint32_t plen = g->o.min_len + rnd(g, maxl - g->o.min_len + 1);
	if (pct(g, 2))
		plen = rnd(g, 8000);
	if (g->o.imix) { /* frame sizes of the simple IMIX, headers included */
		unsigned r = rnd(g, 12);
		uint32_t size = r < 7 ? 64 : r < 11 ? 576 : 1500;
		uint32_t hdr = 14 + 20 +
			       (s.proto == 6	? 20
				: s.proto == 51 ? 12
						: 8) +
			       (s.tunnel_src ? 20 : 0);
		plen = size > hdr ? size - hdr : 0;
	}
	for (uint32_t i = 0; i < plen; i += 8) {
		uint64_t r = fpgen_rand(g);
		memcpy(payload + i, &r, plen - i < 8 ? plen - i : 8);
	}
	s.payload = payload;
	s.payload_len = plen;
	unsigned flags = pct(g, 3) ? RG_FPIN_FORCE : 0;

	/* faults that pktbuild expresses */
	unsigned fault = pct(g, g->o.fault_pct) ? 1 + rnd(g, 28) : 0;
	if (fault >= 25 && pct(g, 70)) { /* most deep faults on IP-in-IP with options */
		s.tunnel_src = s.tunnel_src ? s.tunnel_src : in_addr(g);
		s.tunnel_dst = g->tunnel_src;
		s.ip_opt_len = (uint8_t)(4 * rnd(g, 11));
	}
	switch (fault) {
	case 1:
		s.bad_ip_csum = 1;
		break;
	case 2:
		s.bad_l4_csum = 1;
		break;
	case 3:
		s.frag = (uint16_t)(pct(g, 50) ? 0x2000 : rnd(g, 0x10000));
		break;
	case 4:
		s.ip_opt_len = (uint8_t)(4 * (1 + rnd(g, 10)));
		break;
	case 5:
		s.ttl = (uint8_t)rnd(g, 3);
		if (!s.ttl)
			s.ttl = 0;
		break;
	case 6:
		s.tcp_flags = (uint8_t)fpgen_rand(g);
		break;
	case 7:
		s.icmp_type = (uint8_t)rnd(g, 20);
		break;
	case 8:
		s.udp_no_csum = 1;
		break;
	case 9:
		memset(s.dmac, 0xff, 6);
		break;
	case 10:
		s.dmac[0] = 0x01;
		break;
	case 11:
		s.dmac[5] ^= 1;
		break;
	case 12:
		flags = RG_FPIN_FORCE;
		s.tcp_flags = 0x12;
		break;
	default:
		break;
	}
	uint32_t n = pkt_build(&s, p->frame, sizeof(p->frame));
	if (!n) { /* too big: send a minimal frame */
		s.payload_len = 0;
		n = pkt_build(&s, p->frame, sizeof(p->frame));
	}
	if (fault == 5 && s.ttl == 0) {
		/* pktbuild maps 0 to 64: write TTL 0 and fix the checksum */
		struct pkt_view v;
		if (!pkt_parse(p->frame, n, &v)) {
			p->frame[v.l3 + 8] = 0;
			rg_put_be16(p->frame + v.l3 + 10, 0);
			rg_put_be16(p->frame + v.l3 + 10,
				    pkt_csum(p->frame + v.l3, v.l4 - v.l3, 0));
		}
	}
	/* faults on the built frame */
	switch (fault) {
	case 13:
		force_l4_csum(p->frame, n, 0xffff);
		break;
	case 14:
		force_l4_csum(p->frame, n, 0x0000);
		break;
	case 15:
		force_ip_csum(p->frame, n, pct(g, 50) ? 0xffff : 0x0000);
		break;
	case 16:
		n = rnd(g, n + 1);
		break; /* truncated anywhere */
	case 17:
		n = rnd(g, 60);
		break; /* tiny / runt */
	case 18: {     /* trailer after the IP packet */
		uint32_t extra = 1 + rnd(g, 200);
		if (n + extra <= sizeof(p->frame)) {
			for (uint32_t i = 0; i < extra; i++)
				p->frame[n + i] = (uint8_t)fpgen_rand(g);
			n += extra;
		}
		break;
	}
	case 19:
	case 20:
	case 21: { /* corrupt header bytes */
		unsigned k = 1 + rnd(g, 3);
		for (unsigned i = 0; i < k && n; i++)
			p->frame[rnd(g, n < 100 ? n : 100)] = (uint8_t)fpgen_rand(g);
		break;
	}
	case 22: { /* IP total length and IHL games */
		struct pkt_view v;
		if (!pkt_parse(p->frame, n, &v)) {
			if (pct(g, 50))
				rg_put_be16(p->frame + v.outer_l3 + 2, (uint16_t)fpgen_rand(g));
			else
				p->frame[v.outer_l3] = (uint8_t)(0x40 | rnd(g, 16));
		}
		break;
	}
	case 23: /* other ethertypes */
		rg_put_be16(p->frame + (s.vlan_tci ? 16 : 12), pct(g, 50) ? 0x86dd : 0x0806);
		break;
	case 24: /* L4 header fields */
		if (n > 60)
			p->frame[34 + rnd(g, 26)] = (uint8_t)fpgen_rand(g);
		break;
	case 25:
	case 26:
	case 27:
	case 28:
		n = deep_fault(g, p->frame, n, sizeof(p->frame));
		break;
	default:
		break;
	}
	p->len = n;
	p->port = (uint8_t)port;
	p->flags = (uint8_t)flags;
	p->ts_ms = g->ts += rnd(g, 3);
}
