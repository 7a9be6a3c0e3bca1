/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Firmware entry points: memory layout, init, reset, configuration, the
 * packet dispatcher, the periodic tick and the card information.
 */
#include "fw_internal.h"
#include "realmgate/regmap.h"

#define RG_FW_VERSION_CODE 0x000100u /* 0.1.0 */
#define FW_ALIGN 64u
#define DEFAULT_POOL_ADDRS 256u
#define DEFAULT_HELD_SYNS 64u

/* ---- memory layout -------------------------------------------------------- */

struct layout {
	size_t fw, tz, sess, maps, map_in, map_out, filt, subs, sub_hash, paddr, paddr_sorted,
		bitmaps, rules, fwd_ports, neigh, neigh_hash, frags, frag_buf, frag_hash, held,
		tnodes, total;
	uint32_t n_sess, n_maps, n_subs, n_rules, n_frags, n_neigh, n_paddr, n_held, n_filt;
	uint32_t map_hash, sub_hash_n, neigh_hash_n, frag_hash_n, n_tnodes;
};

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;
	while (p < v && p < 0x80000000u)
		p <<= 1;
	return p;
}

static size_t take(size_t *at, size_t bytes)
{
	size_t off = *at;
	*at = (off + bytes + FW_ALIGN - 1) & ~(size_t)(FW_ALIGN - 1);
	return off;
}

static int layout_of(const struct rg_fw_params *p, const struct rg_fpdev *dev, struct layout *l)
{
	if (!p || !dev || !dev->ops || !dev->sessions || dev->adjacencies < 2 ||
	    dev->buckets_log2 < 1 || dev->buckets_log2 > 28)
		return -1;
	if (!p->mappings || !p->subscribers || !p->neighbours)
		return -1;
	__builtin_memset(l, 0, sizeof(*l));
	l->n_sess = dev->sessions;
	l->n_maps = p->mappings;
	l->n_subs = p->subscribers;
	l->n_rules = p->rules;
	l->n_frags = p->frag_entries;
	l->n_neigh = p->neighbours < dev->adjacencies - 1 ? p->neighbours : dev->adjacencies - 1;
	l->n_paddr = p->pool_addrs ? p->pool_addrs : DEFAULT_POOL_ADDRS;
	l->n_held = p->held_syns ? p->held_syns : DEFAULT_HELD_SYNS;
	l->n_filt = p->mappings / 8u + 16u;
	if (l->n_paddr > 65535u || l->n_maps > 0x3fffffffu || l->n_subs > 0x3fffffffu)
		return -1;
	l->map_hash = pow2_at_least(l->n_maps);
	l->sub_hash_n = pow2_at_least(l->n_subs);
	l->neigh_hash_n = pow2_at_least(l->n_neigh);
	l->frag_hash_n = pow2_at_least(l->n_frags ? l->n_frags : 1);
	uint64_t nodes = (uint64_t)l->n_sess + l->n_maps + l->n_frags + l->n_held + l->n_neigh;
	if (nodes >= FW_NONE)
		return -1;
	l->n_tnodes = (uint32_t)nodes;
	size_t at = 0;
	l->fw = take(&at, sizeof(struct rg_fw));
	l->tz = take(&at, sizeof(struct rg_toeplitz));
	l->sess = take(&at, (size_t)l->n_sess * sizeof(struct fw_sess));
	l->maps = take(&at, (size_t)l->n_maps * sizeof(struct fw_map));
	l->map_in = take(&at, (size_t)l->map_hash * 4u);
	l->map_out = take(&at, (size_t)l->map_hash * 4u);
	l->filt = take(&at, (size_t)l->n_filt * sizeof(struct fw_filter_set));
	l->subs = take(&at, (size_t)l->n_subs * sizeof(struct fw_sub));
	l->sub_hash = take(&at, (size_t)l->sub_hash_n * 4u);
	l->paddr = take(&at, (size_t)l->n_paddr * sizeof(struct fw_paddr));
	l->paddr_sorted = take(&at, (size_t)l->n_paddr * 2u);
	l->bitmaps = take(&at, (size_t)l->n_paddr * FW_PROTO_CLASSES * FW_BITMAP_WORDS * 8u);
	l->rules = take(&at, (size_t)l->n_rules * sizeof(struct rg_rule));
	l->fwd_ports = take(&at, (size_t)FW_PROTO_CLASSES * FW_BITMAP_WORDS * 8u);
	l->neigh = take(&at, (size_t)l->n_neigh * sizeof(struct fw_neigh));
	l->neigh_hash = take(&at, (size_t)l->neigh_hash_n * 4u);
	l->frags = take(&at, (size_t)l->n_frags * sizeof(struct fw_frag));
	l->frag_buf = take(&at, (size_t)l->n_frags * FW_FRAG_BUF_BYTES);
	l->frag_hash = take(&at, (size_t)l->frag_hash_n * 4u);
	l->held = take(&at, (size_t)l->n_held * sizeof(struct fw_held));
	l->tnodes = take(&at, (size_t)l->n_tnodes * sizeof(struct fw_tnode));
	l->total = at;
	return 0;
}

size_t rg_fw_mem_size(const struct rg_fw_params *p, const struct rg_fpdev *dev)
{
	struct layout l;
	return layout_of(p, dev, &l) ? 0 : l.total;
}

/* ---- time, randomness, own addresses ------------------------------------------ */

static void clock_update(struct rg_fw *fw)
{
	uint32_t ms = fw->hal.now_ms(fw->hal.ctx);
	fw->now_ms64 += (uint32_t)(ms - fw->last_ms32);
	fw->last_ms32 = ms;
	fw->now_s = (uint32_t)(fw->now_ms64 / 1000u);
}

uint32_t fw_now_ms(struct rg_fw *fw)
{
	return fw->last_ms32;
}

/* Outside ports and blocks must be hard to guess for an off-path attacker
 * (RFC 6056, RFC 6888 REQ-14): a ChaCha20 keystream with fast key erasure,
 * not a linear generator whose state a few observed ports give away. */
uint32_t fw_random(struct rg_fw *fw)
{
	return rg_chacha_rng_next(&fw->rng);
}

int fw_inside_onlink(const struct rg_fw *fw, uint32_t a)
{
	return fw->cfg.inside_addr && ((a ^ fw->cfg.inside_addr) & fw->cfg.inside_mask) == 0;
}

int fw_outside_onlink(const struct rg_fw *fw, uint32_t a)
{
	return fw->cfg.outside_addr && ((a ^ fw->cfg.outside_addr) & fw->cfg.outside_mask) == 0;
}

int fw_is_own_addr_outside(const struct rg_fw *fw, uint32_t a)
{
	return a && (a == fw->cfg.outside_addr || fw_paddr_find(fw, a) != FW_NONE);
}

int fw_is_own_addr(const struct rg_fw *fw, uint32_t a)
{
	return a && (a == fw->cfg.inside_addr || fw_is_own_addr_outside(fw, a));
}

/* An address of the inside realm: the inside link or a pool's subscribers. */
int fw_inside_realm(const struct rg_fw *fw, uint32_t a)
{
	if (fw_inside_onlink(fw, a))
		return 1;
	for (unsigned i = 0; i < FW_POOLS; i++) {
		const struct fw_pool *p = &fw->pools[i];
		if (p->used && p->sub_plen && (a & p->sub_mask) == p->sub_addr)
			return 1;
	}
	return 0;
}

/* ---- output ------------------------------------------------------------------ */

/* Last line of defence: an IPv4 frame leaving the outside port with an
 * inside-realm address as its source, in its IPv4 options (recorded or
 * source routes, timestamps), or quoted inside an ICMP error, is a bug or
 * an unexcluded leak (the host port, too, may only speak for the card); it
 * is dropped and counted. */
static int inside_exposed(struct rg_fw *fw, uint32_t a, uint32_t toward)
{
	if (!fw_inside_realm(fw, a) || fw_is_own_addr_outside(fw, a))
		return 0;
	struct fw_pkt p;
	__builtin_memset(&p, 0, sizeof(p));
	p.src = a;
	p.dst = toward;
	p.port = RG_PORT_INSIDE;
	return fw_rule_match(fw, FW_RULE_BIT(RG_RULE_EXCLUDE), &p) == NULL;
}

int fw_ip_option_addrs(const uint8_t *ip, unsigned ihl, uint16_t off[FW_OPT_ADDRS_MAX])
{
	int n = 0;
	for (unsigned i = 20; i < ihl;) {
		uint8_t t = ip[i];
		if (t == 0)
			break;
		if (t == 1) {
			i++;
			continue;
		}
		if (i + 1 >= ihl || ip[i + 1] < 2 || i + ip[i + 1] > ihl)
			return -1;
		unsigned l = ip[i + 1], first = 0, step = 4;
		if (t == 7 || t == 131 || t == 137)
			first = 3;
		else if (t == 68 && l >= 4 && ((ip[i + 3] & 15u) == 1 || (ip[i + 3] & 15u) == 3)) {
			first = 4;
			step = 8;
		}
		for (unsigned a = first; first && a + 4 <= l && n < (int)FW_OPT_ADDRS_MAX;
		     a += step)
			off[n++] = (uint16_t)(i + a);
		i += l;
	}
	return n;
}

/* Options the card cannot read (the parser drops them on input) count as
 * exposing, so such a frame is not sent. */
static int options_expose(struct rg_fw *fw, const uint8_t *ip, unsigned ihl, uint32_t dst)
{
	uint16_t off[FW_OPT_ADDRS_MAX];
	int n = fw_ip_option_addrs(ip, ihl, off);
	if (n < 0)
		return 1;
	for (int k = 0; k < n; k++)
		if (inside_exposed(fw, rg_get_be32(ip + off[k]), dst))
			return 1;
	return 0;
}

static int leaks_inside(struct rg_fw *fw, const uint8_t *f, uint32_t len)
{
	uint32_t l3 = len >= 18 && rg_get_be16(f + 12) == ETH_P_8021Q ? 18u : 14u;
	if (len < l3 + 20 || rg_get_be16(f + l3 - 2) != ETH_P_IPV4)
		return 0;
	const uint8_t *ip = f + l3;
	uint32_t src = rg_get_be32(ip + 12), dst = rg_get_be32(ip + 16);
	if (inside_exposed(fw, src, dst))
		return 1;
	unsigned ihl = (ip[0] & 15u) * 4u;
	if (ihl > 20 && l3 + ihl <= len && options_expose(fw, ip, ihl, dst))
		return 1;
	if (ip[9] != IPPROTO_ICMP || (rg_get_be16(ip + 6) & 0x1fffu) || l3 + ihl + 8 + 20 > len)
		return 0;
	uint8_t t = ip[ihl];
	if (!(t == 3 || t == 4 || t == 5 || t == 11 || t == 12))
		return 0;
	const uint8_t *emb = ip + ihl + 8;
	return inside_exposed(fw, rg_get_be32(emb + 12), dst) ||
	       inside_exposed(fw, rg_get_be32(emb + 16), dst);
}

void fw_tx(struct rg_fw *fw, unsigned port, const uint8_t *f, uint32_t len)
{
	if (port == RG_PORT_OUTSIDE && leaks_inside(fw, f, len)) {
		FWC(fw, DROP_INSIDE_LEAK);
		return;
	}
	/* every frame the slow path builds has a 14-byte header; on a realm
	 * port with a VLAN it goes out tagged, as the fast path's do */
	unsigned vid = port <= RG_PORT_OUTSIDE ? fw->cfg.wire.vlan[port] : 0;
	if (vid && len >= 14 && rg_get_be16(f + 12) != ETH_P_8021Q) {
		if (len + 4 > sizeof(fw->tagbuf)) { /* no slow-path buffer is this long */
			FWC(fw, DROP_OVERSIZE);
			return;
		}
		__builtin_memcpy(fw->tagbuf, f, 12);
		rg_put_be16(fw->tagbuf + 12, ETH_P_8021Q);
		rg_put_be16(fw->tagbuf + 14, (uint16_t)vid);
		__builtin_memcpy(fw->tagbuf + 16, f + 12, len - 12);
		f = fw->tagbuf;
		len += 4;
	}
	fw->hal.tx(fw->hal.ctx, port, f, len);
	FWC(fw, SP_TX);
}

void fw_reinject(struct rg_fw *fw, unsigned port, const uint8_t *f, uint32_t len)
{
	fw->hal.reinject(fw->hal.ctx, port, f, len);
	FWC(fw, SP_REINJECT);
}

/* ---- configuration ------------------------------------------------------------- */

static void default_config(struct rg_config *c)
{
	__builtin_memset(c, 0, sizeof(*c));
	c->flags = RG_CFG_HAIRPIN;
}

static uint32_t or_default(uint32_t v, uint32_t def)
{
	return v ? v : def;
}

enum rg_status rg_fw_set_config(struct rg_fw *fw, const struct rg_config *c)
{
	if (!c || c->inside_plen > 32 || c->outside_plen > 32 || c->rsvd ||
	    c->vlan[0] > RG_VLAN_VID_MAX || c->vlan[1] > RG_VLAN_VID_MAX ||
	    (c->flags & ~(RG_CFG_HAIRPIN | RG_CFG_UNREACH_ON_QUOTA | RG_CFG_LOG_DEST |
			  RG_CFG_INBOUND_REFRESH | RG_CFG_SYN_UNREACH)))
		return RG_ST_INVALID;
	/* 0 = default; anything else must meet the RFC minimums */
	if ((c->udp_timeout_s && c->udp_timeout_s < RG_MIN_UDP_TIMEOUT_S) ||
	    (c->tcp_est_timeout_s && c->tcp_est_timeout_s < RG_MIN_TCP_EST_TIMEOUT_S) ||
	    (c->tcp_trans_timeout_s && c->tcp_trans_timeout_s < RG_MIN_TCP_TRANS_TIMEOUT_S) ||
	    (c->icmp_timeout_s && c->icmp_timeout_s < RG_MIN_ICMP_TIMEOUT_S) ||
	    (c->syn_hold_s && c->syn_hold_s < RG_MIN_SYN_HOLD_S) ||
	    (c->port_holddown_s && c->port_holddown_s < RG_MIN_PORT_HOLDDOWN_S))
		return RG_ST_INVALID;
	if (c->udp_timeout_s > RG_MAX_TIMEOUT_S || c->tcp_est_timeout_s > RG_MAX_TIMEOUT_S ||
	    c->tcp_trans_timeout_s > RG_MAX_TIMEOUT_S || c->icmp_timeout_s > RG_MAX_TIMEOUT_S ||
	    c->syn_hold_s > RG_MAX_TIMEOUT_S || c->frag_timeout_s > RG_MAX_TIMEOUT_S ||
	    c->port_holddown_s > RG_MAX_TIMEOUT_S)
		return RG_ST_INVALID;
	for (unsigned i = 0; i < RG_PORT_COUNT; i++)
		if (c->mtu[i] && (c->mtu[i] < 68 || c->mtu[i] > 9000))
			return RG_ST_INVALID;
	uint32_t in = rg_be32_val(c->inside_addr), out = rg_be32_val(c->outside_addr);
	if ((in && fw_paddr_find(fw, in) != FW_NONE))
		return RG_ST_EXISTS; /* the inside address cannot be a pool address */
	struct fw_cfg *f = &fw->cfg;
	int vlan_changed = f->wire.vlan[0] != c->vlan[0] || f->wire.vlan[1] != c->vlan[1];
	f->wire = *c;
	f->inside_addr = in;
	f->outside_addr = out;
	f->inside_gw = rg_be32_val(c->inside_gw);
	f->outside_gw = rg_be32_val(c->outside_gw);
	f->inside_plen = c->inside_plen;
	f->outside_plen = c->outside_plen;
	f->inside_mask = fw_mask(c->inside_plen);
	f->outside_mask = fw_mask(c->outside_plen);
	f->flags = c->flags;
	f->udp_s = or_default(c->udp_timeout_s, 300);
	f->tcp_est_s = or_default(c->tcp_est_timeout_s, 7440);
	f->tcp_trans_s = or_default(c->tcp_trans_timeout_s, 240);
	f->icmp_s = or_default(c->icmp_timeout_s, 60);
	f->syn_hold_s = or_default(c->syn_hold_s, 6);
	f->frag_s = or_default(c->frag_timeout_s, 10);
	f->holddown_s = or_default(c->port_holddown_s, 120);
	f->max_sess_per_sub = c->max_sessions_per_sub;
	f->max_ports_per_sub = c->max_ports_per_sub;
	f->mss_clamp = c->mss_clamp;
	for (unsigned i = 0; i < RG_PORT_COUNT; i++) {
		f->mtu[i] = c->mtu[i] ? c->mtu[i] : 1500;
		fw->dev.ops->write_reg(fw->dev.ctx, RG_FP_PORT_MTU(i), f->mtu[i]);
	}
	fw->dev.ops->write_reg(fw->dev.ctx, RG_FP_TUNNEL_SRC, in);
	/* the wire copy reports the values in force */
	f->wire.udp_timeout_s = f->udp_s;
	f->wire.tcp_est_timeout_s = f->tcp_est_s;
	f->wire.tcp_trans_timeout_s = f->tcp_trans_s;
	f->wire.icmp_timeout_s = f->icmp_s;
	f->wire.syn_hold_s = f->syn_hold_s;
	f->wire.frag_timeout_s = f->frag_s;
	f->wire.port_holddown_s = f->holddown_s;
	for (unsigned i = 0; i < RG_PORT_COUNT; i++)
		f->wire.mtu[i] = f->mtu[i];
	/* next hops may have changed: subscribers look theirs up again */
	if (fw->subs)
		for (uint32_t i = 0; i < fw->n_subs; i++) {
			if (fw->subs[i].pool != 0xff)
				fw_adj_release(fw, fw->subs[i].adj);
			fw->subs[i].adj = FW_ADJ_NONE;
		}
	/* the fast path takes the ports' VLANs only and builds tagged headers
	 * from the adjacencies */
	for (unsigned p = RG_PORT_INSIDE; p <= RG_PORT_OUTSIDE; p++)
		fw->dev.ops->write_reg(fw->dev.ctx, RG_FP_PORT_FLAGS(p),
				       (uint32_t)c->vlan[p] << RG_FPPORT_VID_SHIFT);
	if (vlan_changed)
		fw_adj_rewrite_all(fw);
	return RG_ST_OK;
}

void rg_fw_get_config(struct rg_fw *fw, struct rg_config *c)
{
	*c = fw->cfg.wire;
}

/* ---- init and reset --------------------------------------------------------------- */

static void program_fast_path(struct rg_fw *fw)
{
	const struct rg_fpdev *d = &fw->dev;
	uint8_t secret[RG_HASH_SECRET_BYTES];
	/* a secret that spreads clustered keys (design.md, "Choosing the
	 * secret"); at least one random secret in ten passes, so 256 draws all
	 * failing would mean a broken random source, and the last one serves */
	for (unsigned tries = 0; tries < 256; tries++) {
		fw->hal.random(fw->hal.ctx, secret, sizeof(secret));
		if (rg_toeplitz_spreads(secret, d->buckets_log2))
			break;
	}
	for (unsigned i = 0; i < RG_HASH_SECRET_BYTES; i += 4)
		d->ops->write_reg(d->ctx, RG_FP_HASH_SECRET + i, rg_get_le32(secret + i));
	rg_toeplitz_init(fw->tz, secret);
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		const uint8_t *m = fw->params.port_mac[p];
		d->ops->write_reg(d->ctx, RG_FP_PORT_MAC_LO(p), rg_get_le32(m));
		d->ops->write_reg(d->ctx, RG_FP_PORT_MAC_HI(p),
				  (uint32_t)m[4] | (uint32_t)m[5] << 8);
	}
}

static void tables_init(struct rg_fw *fw)
{
	fw_sess_init_free(fw);
	fw_map_init_free(fw);
	fw_sub_init_free(fw);
	fw_alloc_reset(fw);
	fw_rules_reset(fw);
	fw_neigh_reset(fw);
	fw_frag_reset(fw);
	for (uint32_t i = 0; i < fw->n_held; i++)
		fw->held[i].used = 0;
	fw_timer_init(fw);
	fw_host_adj_update(fw);
	FWC_SET(fw, SESSIONS_ACTIVE, 0);
	FWC_SET(fw, MAPPINGS_ACTIVE, 0);
	FWC_SET(fw, ADJ_ACTIVE, 0);
	FWC_SET(fw, SUBSCRIBERS_ACTIVE, 0);
}

struct rg_fw *rg_fw_init(void *mem, size_t len, const struct rg_fw_params *p,
			 const struct rg_hal *hal, const struct rg_fpdev *dev)
{
	struct layout l;
	if (!mem || !hal || !hal->now_ms || !hal->tx || !hal->reinject || !hal->random ||
	    layout_of(p, dev, &l) || len < l.total || ((uintptr_t)mem & (FW_ALIGN - 1)))
		return NULL;
	uint8_t *base = mem;
	struct rg_fw *fw = (struct rg_fw *)(void *)(base + l.fw);
	__builtin_memset(fw, 0, sizeof(*fw));
	fw->hal = *hal;
	fw->dev = *dev;
	fw->params = *p;
	fw->n_sess = l.n_sess;
	fw->n_maps = l.n_maps;
	fw->n_subs = l.n_subs;
	fw->n_rules = l.n_rules;
	fw->n_frags = l.n_frags;
	fw->n_neigh = l.n_neigh;
	fw->n_paddr = l.n_paddr;
	fw->n_held = l.n_held;
	fw->n_filt = l.n_filt;
	fw->n_tnodes = l.n_tnodes;
	fw->bucket_mask = (1u << dev->buckets_log2) - 1u;
	fw->tz = (struct rg_toeplitz *)(void *)(base + l.tz);
	fw->sess = (struct fw_sess *)(void *)(base + l.sess);
	fw->maps = (struct fw_map *)(void *)(base + l.maps);
	fw->map_in_hash = (uint32_t *)(void *)(base + l.map_in);
	fw->map_out_hash = (uint32_t *)(void *)(base + l.map_out);
	fw->map_hash_mask = l.map_hash - 1u;
	fw->filt = (struct fw_filter_set *)(void *)(base + l.filt);
	fw->subs = (struct fw_sub *)(void *)(base + l.subs);
	fw->sub_hash = (uint32_t *)(void *)(base + l.sub_hash);
	fw->sub_hash_mask = l.sub_hash_n - 1u;
	fw->paddr = (struct fw_paddr *)(void *)(base + l.paddr);
	fw->paddr_sorted = (uint16_t *)(void *)(base + l.paddr_sorted);
	fw->bitmaps = (uint64_t *)(void *)(base + l.bitmaps);
	fw->rules = (struct rg_rule *)(void *)(base + l.rules);
	fw->fwd_ports = (uint64_t *)(void *)(base + l.fwd_ports);
	fw->neigh = (struct fw_neigh *)(void *)(base + l.neigh);
	fw->neigh_hash = (uint32_t *)(void *)(base + l.neigh_hash);
	fw->neigh_hash_mask = l.neigh_hash_n - 1u;
	fw->frags = (struct fw_frag *)(void *)(base + l.frags);
	fw->frag_buf = (uint8_t(*)[FW_FRAG_BUF_BYTES])(void *)(base + l.frag_buf);
	fw->frag_hash = (uint32_t *)(void *)(base + l.frag_hash);
	fw->frag_hash_mask = l.frag_hash_n - 1u;
	fw->held = (struct fw_held *)(void *)(base + l.held);
	fw->tnodes = (struct fw_tnode *)(void *)(base + l.tnodes);
	fw->tbase_map = l.n_sess;
	fw->tbase_frag = fw->tbase_map + l.n_maps;
	fw->tbase_held = fw->tbase_frag + l.n_frags;
	fw->tbase_neigh = fw->tbase_held + l.n_held;

	fw->last_ms32 = hal->now_ms(hal->ctx);
	fw->now_ms64 = fw->last_ms32;
	fw->now_s = (uint32_t)(fw->now_ms64 / 1000u);
	fw->boot_ms = fw->last_ms32;
	uint32_t seed[8];
	hal->random(hal->ctx, seed, sizeof(seed));
	rg_chacha_rng_seed(&fw->rng, seed);
	__builtin_memset(seed, 0, sizeof(seed));
	hal->random(hal->ctx, &fw->hseed, sizeof(fw->hseed));
	program_fast_path(fw);
	tables_init(fw);
	struct rg_config c;
	default_config(&c);
	rg_fw_set_config(fw, &c);
	for (uint32_t i = 0; i < RG_FPC_COUNT; i++)
		fw->fpc_last[i] = dev->ops->read_reg(dev->ctx, RG_FP_COUNTERS + 4u * i);
	dev->ops->write_reg(dev->ctx, RG_FP_CONTROL, RG_FPCTL_ENABLE);
	return fw;
}

enum rg_status rg_fw_reset(struct rg_fw *fw)
{
	clock_update(fw);
	/* clear the fast path's view first: slots, then bodies */
	for (uint32_t i = 0; i < fw->n_sess; i++) {
		if (fw->sess[i].state == FW_SS_FREE)
			continue;
		struct rg_session s;
		if (!fw_sess_read(fw, i, &s))
			fw_index_remove(fw, i, &s);
		struct rg_session zero;
		__builtin_memset(&zero, 0, sizeof(zero));
		fw->dev.ops->write_session(fw->dev.ctx, i, &zero);
	}
	struct rg_adjacency none;
	__builtin_memset(&none, 0, sizeof(none));
	for (uint32_t n = 0; n < fw->neigh_used; n++)
		fw->dev.ops->write_adj(fw->dev.ctx, FW_ADJ_OF_NEIGH(n), &none);
	tables_init(fw);
	struct rg_config c;
	default_config(&c);
	rg_fw_set_config(fw, &c);
	uint32_t zero = 0;
	fw_event(fw, RG_EVT_CARD_RESET, &zero, sizeof(zero));
	return RG_ST_OK;
}

void rg_fw_info(struct rg_fw *fw, struct rg_info *info)
{
	clock_update(fw);
	__builtin_memset(info, 0, sizeof(*info));
	info->contract_version = RG_CONTRACT_VERSION;
	info->fw_version = RG_FW_VERSION_CODE;
	info->fastpath = fw->dev.kind;
	info->features = RG_FEAT_NAPT | RG_FEAT_HAIRPIN | RG_FEAT_TWICE_NAT | RG_FEAT_PORT_BLOCK |
			 RG_FEAT_DETERMINISTIC | RG_FEAT_HOST_PORT | RG_FEAT_FRAG |
			 RG_FEAT_SESSION_FILTER;
	info->sessions_max = fw->n_sess;
	info->sessions_used = fw->sess_used;
	info->mappings_max = fw->n_maps;
	info->mappings_used = fw->map_used;
	info->adjacencies_max = fw->dev.adjacencies;
	info->uptime_s = (uint32_t)((fw->now_ms64 - fw->boot_ms) / 1000u);
	for (unsigned i = 0; i < 4; i++)
		__builtin_memcpy(info->port_mac[i], fw->params.port_mac[i], 6);
	info->serial = fw->params.serial;
}

/* ---- packets and time ---------------------------------------------------------------- */

void fw_dispatch(struct rg_fw *fw, const uint8_t *f, uint32_t len, unsigned port,
		 unsigned meta_reason)
{
	struct fw_pkt p;
	enum fw_parse_kind k = fw_parse(fw, f, len, port, &p);
	if (k == FW_PK_BAD)
		return;
	if (k == FW_PK_ARP) {
		fw_arp_packet(fw, &p);
		return;
	}
	if (port == RG_PORT_HOST) {
		fw_host_mac_learn(fw, f + 6);
		fw_from_host(fw, &p);
		return;
	}
	if (port > RG_PORT_OUTSIDE) {
		FWC(fw, DROP_UNSUPPORTED);
		return;
	}
	if (f[0] & 1u) {
		/* IPv4 to a group MAC (DHCP, mDNS, broadcast pings): not translated */
		FWC(fw, DROP_BROADCAST);
		return;
	}
	/* the sender's MAC is fresh evidence for a neighbour: inside hosts are
	 * learned from their packets (so replies need no ARP), outside ones only
	 * refreshed. Punts a session asked for skip it (the fast path has its
	 * adjacency); new flows and the unresolved are what it is for. */
	if (meta_reason != RG_PUNT_SESSION) {
		if (port == RG_PORT_INSIDE && fw_inside_onlink(fw, p.src) &&
		    p.src != fw->cfg.inside_addr)
			fw_arp_learn(fw, port, p.src, f + 6, 1);
		else if (port == RG_PORT_OUTSIDE && fw_outside_onlink(fw, p.src))
			fw_arp_learn(fw, port, p.src, f + 6, 0);
	}
	fw_nat_packet(fw, &p);
}

void rg_fw_punt(struct rg_fw *fw, const uint8_t *frame, uint32_t len, unsigned in_port,
		const struct rg_fp_out_meta *meta)
{
	(void)meta; /* the slow path re-derives everything it needs from the frame */
	clock_update(fw);
	FWC(fw, SP_PACKETS);
	if (!frame) {
		FWC(fw, DROP_RUNT);
		return;
	}
	if (len > FW_FRAME_MAX) {
		/* larger than any buffer the slow path copies into: a jumbo the
		 * fast path let through, not a short frame */
		FWC(fw, DROP_OVERSIZE);
		return;
	}
	fw_dispatch(fw, frame, len, in_port & 3u,
		    meta && meta->verdict == RG_VERDICT_PUNT ? meta->reason : RG_PUNT_NONE);
}

/*
 * Expiries make events (a session's deletion, then its mapping's release),
 * and the timer wheel hands out a whole second's worth at once. When the
 * host's event ring is short of room, only what it can take expires now and
 * the rest waits for a later tick: the timeouts are lower bounds (RFC 4787
 * REQ-5, RFC 5382 REQ-5), so a late expiry breaks nothing, where a lost
 * event is a lost NAT log line. A host that reads no event for
 * FW_EVENT_STALL_S seconds (a daemon that died) no longer holds the tables
 * up: expiries go on and their events are counted lost.
 */
static uint32_t tick_budget(struct rg_fw *fw)
{
	if (!fw->hal.event_room)
		return FW_TICK_BUDGET;
	uint32_t types = 1u << RG_EVT_SESSION_DELETE | 1u << RG_EVT_MAPPING_DELETE;
	uint32_t room = fw->hal.event_room(fw->hal.ctx, types);
	uint32_t budget =
		room > FW_EVENT_RESERVE ? (room - FW_EVENT_RESERVE) / FW_EVENTS_PER_EXPIRY : 0;
	if (budget) {
		fw->evt_stall_s = 0;
		return budget < FW_TICK_BUDGET ? budget : FW_TICK_BUDGET;
	}
	if (!fw->evt_stall_s)
		fw->evt_stall_s = fw->now_s ? fw->now_s : 1;
	return fw->now_s - fw->evt_stall_s >= FW_EVENT_STALL_S ? FW_TICK_BUDGET : 0;
}

void rg_fw_tick(struct rg_fw *fw)
{
	clock_update(fw);
	uint32_t budget = tick_budget(fw);
	if (fw_timer_run(fw, budget) && budget < FW_TICK_BUDGET)
		FWC(fw, TICKS_PACED); /* expiries left for the host's sake */
	if (fw->now_s != fw->last_fold_s) {
		fw->last_fold_s = fw->now_s;
		fw_counters_fold(fw);
	}
}
