/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fast path's pipeline stages, as the RTL does them:
 *   parse + validate -> key -> hash -> index scan -> session verify ->
 *   action (rewrite, checksums, TTL, encap/decap, L2) -> counters.
 * Every numbered step of "Fast path semantics" in docs/design.md is marked
 * below with its number; the order of checks is part of the contract because
 * it decides which reason a packet with several faults is counted under.
 *
 * The stages are inline so that the one-packet path (fp_process.c) and the
 * burst path (fp_burst.c) each compile them into one body: the soft fast
 * path is bound by instructions, and calls between stages (saving and
 * restoring registers, values passed through the context in memory) were a
 * tenth of them.
 */
#ifndef RG_FW_FASTPATH_STAGES_H
#define RG_FW_FASTPATH_STAGES_H

#include "fp.h"
#include "fp_internal.h"
#include "realmgate/regmap.h"

#include "../lib/bytes.h"
#include "../lib/csum.h"
#include "../lib/proto.h"

static inline void decide(struct fp_ctx *c, unsigned verdict, unsigned reason)
{
	c->verdict = (uint8_t)verdict;
	c->reason = (uint8_t)reason;
	c->decided = 1;
}

static inline void punt(struct fp_ctx *c, unsigned reason)
{
	decide(c, RG_VERDICT_PUNT, reason);
}

static inline void drop(struct fp_ctx *c, unsigned reason)
{
	decide(c, RG_VERDICT_DROP, reason);
}

/* Copy a header window (at most RG_FP_WIN_OUT bytes) in 16-byte pieces,
 * the last one overlapping the one before: for these lengths a call to a
 * variable-length memcpy costs more than the copy. */
static inline void fp_copy_window(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	if (n < 16) {
		for (uint32_t i = 0; i < n; i++)
			dst[i] = src[i];
		return;
	}
	for (uint32_t i = 0; i + 16 < n; i += 16)
		__builtin_memcpy(dst + i, src + i, 16);
	__builtin_memcpy(dst + n - 16, src + n - 16, 16);
}

static inline int mac_equal(const uint8_t *a, const uint8_t *b)
{
	return __builtin_memcmp(a, b, 6) == 0;
}

/*
 * Validate an IPv4 header at off that must end by `limit` (frame or outer
 * packet end). Returns 0 when valid (header length and total length set),
 * else decides the packet.
 */
static inline __attribute__((always_inline)) int check_ipv4(struct fp_ctx *c, const uint8_t *w,
							    uint32_t off, uint32_t limit,
							    unsigned short_reason,
							    unsigned *ihl_out, unsigned *tot_out)
{
	if (off + 20 > limit) {
		drop(c, short_reason);
		return -1;
	}
	if (off + 20 > c->win) {
		punt(c, RG_PUNT_HDR_WINDOW);
		return -1;
	}
	if ((w[off] >> 4) != 4) {
		drop(c, RG_DROP_BAD_IP_VER);
		return -1;
	}
	unsigned ihl = (w[off] & 0x0fu) * 4u;
	if (ihl < 20) {
		drop(c, RG_DROP_BAD_IP_HDR);
		return -1;
	}
	if (off + ihl > limit) {
		drop(c, short_reason);
		return -1;
	}
	if (off + ihl > c->win) {
		punt(c, RG_PUNT_HDR_WINDOW);
		return -1;
	}
	unsigned tot = rg_get_be16(w + off + 2);
	if (tot < ihl) {
		drop(c, RG_DROP_BAD_IP_HDR);
		return -1;
	}
	if (off + tot > limit) {
		drop(c, RG_DROP_BAD_IP_LEN);
		return -1;
	}
	if (rg_csum_fold_native(rg_csum_native(w + off, ihl)) != 0xffffu) {
		drop(c, RG_DROP_BAD_IP_CSUM);
		return -1;
	}
	if (rg_get_be16(w + off + 6) & 0x3fffu) {
		punt(c, RG_PUNT_FRAG);
		return -1;
	}
	/* options are the slow path's to check (and to scan for addresses
	 * that must not leave the inside realm) */
	if (ihl > 20) {
		punt(c, RG_PUNT_IP_OPTIONS);
		return -1;
	}
	*ihl_out = ihl;
	*tot_out = tot;
	return 0;
}

/* Steps 1-8: everything up to and including the key. */
static inline void fp_parse(const struct rg_fp *fp, const uint8_t *w,
			    const struct rg_fp_in_meta *in, struct fp_ctx *c)
{
	__builtin_memset(c, 0, sizeof(*c));
	uint32_t len = in->frame_len;
	unsigned port = in->port & 3u;
	c->port = (uint8_t)port;
	c->force = (in->flags & RG_FPIN_FORCE) != 0;
	c->win = len < RG_FP_WIN_IN ? len : RG_FP_WIN_IN;

	/* 1. Ethernet */
	if (len < 14) {
		drop(c, RG_DROP_RUNT);
		return;
	}
	int group = w[0] & 1u;
	if (!group && !(fp->port_flags[port] & RG_FPPORT_PROMISC) &&
	    !mac_equal(w, fp->port_mac[port])) {
		drop(c, RG_DROP_NOT_MINE);
		return;
	}
	unsigned etype = rg_get_be16(w + 12);
	unsigned vid = 0; /* untagged, or a priority tag (VID 0) */
	c->l3 = 14;
	if (etype == ETH_P_8021Q) {
		if (len < 18) {
			drop(c, RG_DROP_RUNT);
			return;
		}
		vid = rg_get_be16(w + 14) & 0x0fffu;
		etype = rg_get_be16(w + 16);
		c->l3 = 18;
	}
	/* the port's VLAN only */
	if (vid != fp->port_vid[port]) {
		punt(c, RG_PUNT_VLAN);
		return;
	}
	if (etype != ETH_P_IPV4) {
		punt(c, RG_PUNT_NOT_IPV4);
		return;
	}
	if (group) {
		punt(c, RG_PUNT_L2_BCAST);
		return;
	}

	/* 2-3. IPv4 header, fragments */
	unsigned ihl, tot;
	if (check_ipv4(c, w, c->l3, len, RG_DROP_RUNT, &ihl, &tot))
		return;
	c->outer = c->l3;
	c->ip_end = c->l3 + tot;
	c->proto = w[c->l3 + 9];

	/* 4. IP-in-IP: the inner packet is what is looked up */
	if (c->proto == IPPROTO_IPIP) {
		uint32_t inner = c->l3 + ihl;
		if (check_ipv4(c, w, inner, c->ip_end, RG_DROP_BAD_IP_LEN, &ihl, &tot))
			return;
		c->tunnel = 1;
		c->l3 = inner;
		c->ip_end = inner + tot;
		c->proto = w[inner + 9];
		if (c->proto == IPPROTO_IPIP) {
			punt(c, RG_PUNT_PROTO);
			return;
		}
	}
	c->ihl = (uint8_t)ihl;
	c->l4 = c->l3 + ihl;

	/* 5. L4 header */
	unsigned need;
	switch (c->proto) {
	case IPPROTO_TCP:
		need = 20;
		break;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ESP:
		need = 8;
		break;
	case IPPROTO_AH:
		need = 12;
		break;
	default: {
		punt(c, RG_PUNT_PROTO);
		return;
	}
	}
	if (c->l4 + need > c->ip_end) {
		drop(c, RG_DROP_BAD_L4_LEN);
		return;
	}
	if (c->l4 + need > c->win) {
		punt(c, RG_PUNT_HDR_WINDOW);
		return;
	}
	const uint8_t *l4 = w + c->l4;
	int verify = 0;
	switch (c->proto) {
	case IPPROTO_TCP: {
		unsigned doff = (l4[12] >> 4) * 4u;
		if (doff < 20 || c->l4 + doff > c->ip_end) {
			drop(c, RG_DROP_BAD_L4_LEN);
			return;
		}
		verify = 1;
		break;
	}
	case IPPROTO_UDP:
		if (rg_get_be16(l4 + 4) != c->ip_end - c->l4) {
			drop(c, RG_DROP_BAD_L4_LEN);
			return;
		}
		verify = rg_get_be16(l4 + 6) != 0;
		break;
	case IPPROTO_ICMP:
		verify = 1;
		break;
	default:
		break; /* ESP/AH: integrity is IPsec's business */
	}

	/* 6. L4 checksum over the window part, the MAC's tail sum and the
	 * pseudo-header */
	if (verify) {
		if (c->ip_end > RG_FP_WIN_IN && len != c->ip_end) {
			punt(c, RG_PUNT_TRAILER);
			return;
		}
		uint32_t end = c->ip_end < RG_FP_WIN_IN ? c->ip_end : RG_FP_WIN_IN;
		/* summed in the host's byte order and folded once: only
		 * validity (0xffff) is asked */
		uint64_t s = rg_csum_native(l4, end - c->l4);
		if (c->ip_end > RG_FP_WIN_IN)
			s += rg_csum_native16(in->tail_sum);
		if (c->proto != IPPROTO_ICMP) {
			s += rg_csum_native(w + c->l3 + 12, 8);
			s += rg_csum_native16(c->proto) +
			     rg_csum_native16((uint16_t)(c->ip_end - c->l4));
		}
		if (rg_csum_fold_native(s) != 0xffffu) {
			drop(c, RG_DROP_BAD_L4_CSUM);
			return;
		}
	}

	/* 7. Packets the fast path does not translate by itself */
	if (c->proto == IPPROTO_ICMP) {
		unsigned type = l4[0];
		if (type == 8 || type == 13)
			c->icmp_request = 1;
		else if (type == 0 || type == 14)
			c->icmp_request = 0;
		else if (type == 3 || type == 4 || type == 5 || type == 11 || type == 12) {
			punt(c, RG_PUNT_ICMP_ERROR);
			return;
		} else {
			punt(c, RG_PUNT_ICMP_OTHER);
			return;
		}
	}
	if (c->proto == IPPROTO_TCP && (l4[13] & (TCP_SYN | TCP_FIN | TCP_RST)) && !c->force) {
		punt(c, RG_PUNT_TCP_CTRL);
		return;
	}

	/* 8. Key */
	struct rg_flow_key *k = &c->key;
	__builtin_memcpy(&k->src_addr, w + c->l3 + 12, 4);
	__builtin_memcpy(&k->dst_addr, w + c->l3 + 16, 4);
	switch (c->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		__builtin_memcpy(&k->src_port, l4, 2);
		__builtin_memcpy(&k->dst_port, l4 + 2, 2);
		break;
	case IPPROTO_ICMP:
		__builtin_memcpy(c->icmp_request ? &k->src_port : &k->dst_port, l4 + 4, 2);
		break;
	case IPPROTO_ESP:
		__builtin_memcpy(&k->src_port, l4, 4); /* SPI halves, in order */
		break;
	case IPPROTO_AH:
		__builtin_memcpy(&k->src_port, l4 + 4, 4);
		break;
	}
	k->proto = c->proto;
	k->side = (uint8_t)port;
	k->flags = c->tunnel ? RG_KEY_TUNNEL : 0;
}

/* Step 9: index scan. Returns the first slot whose tag matches, 0 if none.
 * All eight slots are compared and the first match selected by conditional
 * moves, as the RTL's priority encoder does: which slot matches is random,
 * so a loop that stops at it mispredicts on most packets. */
static inline uint64_t fp_scan(const struct rg_fp *fp, const uint32_t h[RG_HASH_OUT_WORDS])
{
	_Static_assert(RG_INDEX_BANKS * RG_BUCKET_SLOTS == 8, "eight candidate slots");
	const uint64_t *b0 = &fp->bank[0][(size_t)(h[0] & fp->bucket_mask) * RG_BUCKET_SLOTS];
	const uint64_t *b1 = &fp->bank[1][(size_t)(h[1] & fp->bucket_mask) * RG_BUCKET_SLOTS];
	const uint64_t tagged = (1ull << RG_SLOT_VALID_BIT) | h[2];
	const uint64_t mask = (1ull << RG_SLOT_VALID_BIT) | RG_SLOT_TAG_MASK;
	uint64_t first = 0;
#pragma GCC unroll 4
	for (int i = RG_BUCKET_SLOTS - 1; i >= 0; i--)
		first = (b1[i] & mask) == tagged ? b1[i] : first;
#pragma GCC unroll 4
	for (int i = RG_BUCKET_SLOTS - 1; i >= 0; i--)
		first = (b0[i] & mask) == tagged ? b0[i] : first;
	return first;
}

/* The session answers to key k in direction dir: the same as comparing
 * rg_session_key(s, dir) with k byte for byte. On little-endian hosts (the
 * card's riscv64 cores, x86) the session's key is assembled as two 64-bit
 * words in registers, in the key's memory order, instead of in memory: a key
 * stored field by field and read back at once stalls store forwarding. */
static inline int session_key_equal(const struct rg_session *s, unsigned dir,
				    const struct rg_flow_key *k)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	_Static_assert(sizeof(*k) == 16, "key is two words");
	uint64_t kw[2];
	__builtin_memcpy(kw, k, sizeof(kw));
	uint64_t a, p;
	unsigned side, tunnel;
	if (dir == RG_DIR_I2O) {
		a = (uint64_t)s->in_addr | (uint64_t)s->rem_xaddr << 32;
		p = (uint64_t)s->in_port | (uint64_t)s->rem_xport << 16;
		side = RG_SIDES_IN(s->sides);
		tunnel = s->flags & RG_SESS_I2O_TUNNEL;
	} else {
		a = (uint64_t)s->rem_addr | (uint64_t)s->out_addr << 32;
		p = (uint64_t)s->rem_port | (uint64_t)s->out_port << 16;
		side = RG_SIDES_REM(s->sides);
		tunnel = s->flags & RG_SESS_O2I_TUNNEL;
	}
	p |= (uint64_t)s->proto << 32 | (uint64_t)side << 40 |
	     (uint64_t)(tunnel ? RG_KEY_TUNNEL : 0u) << 48;
	return ((kw[0] ^ a) | (kw[1] ^ p)) == 0;
#else
	struct rg_flow_key sk;
	rg_session_key(s, dir, &sk);
	return __builtin_memcmp(&sk, k, sizeof(sk)) == 0;
#endif
}

/* Step 9 continued: the candidate must really be this packet's session. */
static inline void fp_verify(const struct rg_fp *fp, struct fp_ctx *c, uint64_t slot)
{
	if (!slot) {
		punt(c, RG_PUNT_MISS);
		return;
	}
	uint32_t idx = (uint32_t)(slot >> RG_SLOT_INDEX_SHIFT) & RG_SLOT_INDEX_MASK;
	unsigned dir = (unsigned)(slot >> RG_SLOT_DIR_BIT) & 1u;
	if (idx >= fp->n_sessions) {
		punt(c, RG_PUNT_MISS);
		return;
	}
	const struct rg_session *s = &fp->sessions[idx];
	if (!(s->flags & RG_SESS_VALID)) {
		punt(c, RG_PUNT_MISS);
		return;
	}
	if (!session_key_equal(s, dir, &c->key)) {
		punt(c, RG_PUNT_MISS);
		return;
	}
	c->hit = 1;
	c->dir = (uint8_t)dir;
	c->idx = idx;
}

/* Incremental update of the IPv4 header checksum: addresses, then TTL. */
static inline void rewrite_ip(uint8_t *ip, uint32_t src, uint32_t dst, uint16_t d3, int dec_ttl)
{
	uint16_t c = (uint16_t)~rg_get_be16(ip + 10);
	c = rg_csum_add(c, d3);
	if (dec_ttl) {
		uint16_t old = rg_get_be16(ip + 8);
		uint16_t new_ = (uint16_t)(old - 0x0100u);
		c = rg_csum_add(c, (uint16_t)~old);
		c = rg_csum_add(c, new_);
		ip[8] = (uint8_t)(new_ >> 8);
	}
	rg_put_be16(ip + 10, (uint16_t)~c);
	rg_put_be32(ip + 12, src);
	rg_put_be32(ip + 16, dst);
}

static inline void write_encap(uint8_t *o, const uint8_t *inner, uint32_t inner_len, uint32_t src,
			       uint32_t dst)
{
	o[0] = 0x45;
	o[1] = inner[1];
	rg_put_be16(o + 2, (uint16_t)(inner_len + 20));
	rg_put_be16(o + 4, 0);
	rg_put_be16(o + 6, (inner[6] & 0x40u) ? 0x4000u : 0);
	o[8] = 64;
	o[9] = IPPROTO_IPIP;
	rg_put_be16(o + 10, 0);
	rg_put_be32(o + 12, src);
	rg_put_be32(o + 16, dst);
	rg_put_be16(o + 10, (uint16_t)~rg_csum_fold(rg_csum_partial(o, 20)));
}

/* Steps 10-13: the action of a hit. */
static inline void fp_act(struct rg_fp *fp, struct fp_ctx *c, const uint8_t *w,
			  const struct rg_fp_in_meta *in, uint8_t *o, struct rg_fp_out_meta *out)
{
	struct rg_session *s = &fp->sessions[c->idx];
	unsigned dir = c->dir;
	unsigned op = RG_OPS_DIR(s->ops, dir);
	unsigned kind = op & RG_ACT_KIND_MASK;

	/* 10. punt-always sessions, tunnel source, drops */
	if (kind == RG_ACT_PUNT) {
		punt(c, RG_PUNT_SESSION);
		return;
	}
	if (c->tunnel && rg_get_be32(w + c->outer + 12) != rg_be32_val(s->tun_addr)) {
		drop(c, RG_DROP_TUNNEL_SRC);
		return;
	}
	if (kind != RG_ACT_FORWARD) {
		unsigned r = dir ? s->drop_o2i : s->drop_i2o;
		if (kind != RG_ACT_DROP || r == RG_DROP_NONE || r >= RG_DROP__COUNT)
			r = RG_DROP_POLICY;
		c->executed = 1;
		{
			drop(c, r);
			return;
		}
	}

	/* 11. forwarding checks: TTL, adjacency, MTU */
	int dec_ttl = !(op & RG_ACT_KEEP_TTL);
	int encap = (op & RG_ACT_ENCAP) != 0;
	if (dec_ttl && w[c->l3 + 8] <= 1) {
		punt(c, RG_PUNT_TTL);
		return;
	}
	uint32_t ai = dir ? s->adj_o2i : s->adj_i2o;
	if (ai >= fp->n_adj || !(fp->adj[ai].flags & RG_ADJ_VALID)) {
		punt(c, RG_PUNT_NO_ADJ);
		return;
	}
	const struct rg_adjacency *a = &fp->adj[ai];
	unsigned egress = a->port & 3u;
	uint32_t ip_len = c->ip_end - c->l3;
	uint32_t mtu = fp->port_mtu[egress] ? fp->port_mtu[egress] : 1500u;
	if (ip_len + (encap ? 20u : 0u) > mtu) {
		punt(c, RG_PUNT_MTU);
		return;
	}

	/* 12. build the output window: L2, optional outer header, then the
	 * (inner) IP packet's bytes from the window, rewritten in place */
	uint32_t n = 0;
	__builtin_memcpy(o, a->dst_mac, 6);
	__builtin_memcpy(o + 6, a->src_mac, 6);
	n = 12;
	if (a->flags & RG_ADJ_VLAN) {
		rg_put_be16(o + 12, ETH_P_8021Q);
		__builtin_memcpy(o + 14, &a->vlan_tci, 2);
		n = 16;
	}
	rg_put_be16(o + n, ETH_P_IPV4);
	n += 2;
	uint32_t outer_at = n;
	if (encap)
		n += 20;
	uint32_t ip_at = n;
	fp_copy_window(o + n, w + c->l3, c->win - c->l3);
	n += c->win - c->l3;

	uint32_t src, dst;
	uint16_t sport, dport, d3, d4;
	if (dir == RG_DIR_I2O) {
		src = rg_be32_val(s->out_addr);
		sport = rg_be16_val(s->out_port);
		dst = rg_be32_val(s->rem_addr);
		dport = rg_be16_val(s->rem_port);
		d3 = rg_be16_val(s->csum_l3);
		d4 = rg_be16_val(s->csum_l4);
	} else {
		src = rg_be32_val(s->rem_xaddr);
		sport = rg_be16_val(s->rem_xport);
		dst = rg_be32_val(s->in_addr);
		dport = rg_be16_val(s->in_port);
		d3 = (uint16_t)~rg_be16_val(s->csum_l3);
		d4 = (uint16_t)~rg_be16_val(s->csum_l4);
	}
	uint8_t *ip = o + ip_at;
	rewrite_ip(ip, src, dst, d3, dec_ttl);
	uint8_t *l4 = ip + c->ihl;
	switch (c->proto) {
	case IPPROTO_TCP:
		rg_put_be16(l4, sport);
		rg_put_be16(l4 + 2, dport);
		rg_put_be16(l4 + 16, rg_csum_apply(rg_get_be16(l4 + 16), d4));
		break;
	case IPPROTO_UDP:
		rg_put_be16(l4, sport);
		rg_put_be16(l4 + 2, dport);
		if (rg_get_be16(l4 + 6)) {
			uint16_t cs = rg_csum_apply(rg_get_be16(l4 + 6), d4);
			rg_put_be16(l4 + 6, cs ? cs : 0xffffu);
		}
		break;
	case IPPROTO_ICMP:
		rg_put_be16(l4 + 4, c->icmp_request ? sport : dport);
		rg_put_be16(l4 + 2, rg_csum_apply(rg_get_be16(l4 + 2), d4));
		break;
	default:
		break; /* ESP/AH: the SPI is never rewritten */
	}
	if (encap)
		write_encap(o + outer_at, ip, ip_len, fp->tunnel_src, rg_be32_val(s->tun_addr));

	out->port = (uint8_t)egress;
	out->hdr_len = (uint16_t)n;
	c->executed = 1;
	decide(c, RG_VERDICT_FORWARD, 0);
	(void)in;
}

/* Step 13: statistics of an executed hit and the card counters. */
static inline void fp_finish(struct rg_fp *fp, struct fp_ctx *c, const uint8_t *w,
			     const struct rg_fp_in_meta *in, uint8_t *o, struct rg_fp_out_meta *out)
{
	if (c->verdict != RG_VERDICT_FORWARD || !c->decided) {
		/* a punt of a re-injected packet must not loop */
		if (c->verdict == RG_VERDICT_PUNT && c->force) {
			c->verdict = RG_VERDICT_DROP;
			c->reason = RG_DROP_FORCED_PUNT;
		}
		fp_copy_window(o, w, c->win);
		out->hdr_len = (uint16_t)c->win;
		out->port = 0;
	}
	out->verdict = c->verdict;
	out->reason = c->verdict == RG_VERDICT_FORWARD ? 0 : c->reason;
	out->flags = 0;
	out->consumed = (uint16_t)c->win;
	out->hit =
		c->hit ? (RG_FPOUT_HIT | ((uint32_t)c->dir << RG_FPOUT_HIT_DIR_SHIFT) | c->idx) : 0;

	fp->counters[RG_FPC_RX(c->port)]++;
	if (c->executed) {
		struct rg_session *s = &fp->sessions[c->idx];
		s->last_seen = in->ts_ms;
		if (c->dir == RG_DIR_I2O) {
			s->pkts_i2o++;
			s->bytes_i2o += in->frame_len;
		} else {
			s->pkts_o2i++;
			s->bytes_o2i += in->frame_len;
		}
		fp->counters[RG_FPC_HIT]++;
	}
	switch (out->verdict) {
	case RG_VERDICT_FORWARD:
		fp->counters[RG_FPC_TX(out->port)]++;
		break;
	case RG_VERDICT_PUNT:
		fp->counters[RG_FPC_PUNT(out->reason)]++;
		break;
	default:
		fp->counters[RG_FPC_DROP(out->reason)]++;
		break;
	}
}

#endif /* RG_FW_FASTPATH_STAGES_H */
