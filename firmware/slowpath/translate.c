/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Forwarding a packet of a known session: checks that come before any
 * rewrite (session action, TTL, adjacency, MTU), then either re-injection
 * into the fast path — when the fast path is certain to forward it — or the
 * slow path's own rewrite, which does what the fast path's step 12 does for
 * packets the fast path cannot take: fragments, IPv4 options, headers beyond
 * its window, sessions hidden by a tag shadow, frames not addressed to the
 * port's MAC.
 */
#include "fw_internal.h"

static uint16_t port_mtu(const struct rg_fw *fw, unsigned port)
{
	uint16_t m = fw->cfg.mtu[port & 3u];
	return m ? m : 1500;
}

void fw_ip_set_csum(uint8_t *ip)
{
	unsigned ihl = (ip[0] & 15u) * 4u;
	rg_put_be16(ip + 10, 0);
	rg_put_be16(ip + 10, (uint16_t)~rg_csum_fold(rg_csum_partial(ip, ihl)));
}

int fw_adj_ready(struct rg_fw *fw, uint16_t adj)
{
	if (adj == FW_ADJ_HOST)
		return fw->host_mac_known;
	if (adj == FW_ADJ_NONE || adj == 0 || (uint32_t)adj - 1u >= fw->n_neigh)
		return 0;
	return fw->neigh[adj - 1u].state == FW_NB_REACHABLE;
}

/* Write the L2 header of an adjacency; returns its length (0: unusable). */
uint32_t fw_l2_header(struct rg_fw *fw, uint16_t adj, uint8_t *o, unsigned *port)
{
	if (!fw_adj_ready(fw, adj))
		return 0;
	if (adj == FW_ADJ_HOST) {
		__builtin_memcpy(o, fw->host_mac, 6);
		__builtin_memcpy(o + 6, fw->params.port_mac[RG_PORT_HOST], 6);
		*port = RG_PORT_HOST;
	} else {
		const struct fw_neigh *n = &fw->neigh[adj - 1u];
		__builtin_memcpy(o, n->mac, 6);
		__builtin_memcpy(o + 6, fw->params.port_mac[n->port], 6);
		*port = n->port;
	}
	rg_put_be16(o + 12, ETH_P_IPV4);
	return 14;
}

/* Does the fast path's first-tag-match scan lead to this session? */
static int fast_path_finds(struct rg_fw *fw, const struct rg_flow_key *k, uint32_t sidx,
			   unsigned dir)
{
	uint32_t h[RG_HASH_OUT_WORDS];
	rg_toeplitz_hash(fw->tz, k, h);
	for (unsigned b = 0; b < RG_INDEX_BANKS; b++) {
		uint64_t slots[RG_BUCKET_SLOTS];
		if (fw->dev.ops->read_bucket(fw->dev.ctx, b, h[b] & fw->bucket_mask, slots))
			continue;
		for (unsigned sl = 0; sl < RG_BUCKET_SLOTS; sl++) {
			uint64_t v = slots[sl];
			if ((v >> RG_SLOT_VALID_BIT) && (uint32_t)v == h[2])
				return ((uint32_t)(v >> RG_SLOT_INDEX_SHIFT) &
					RG_SLOT_INDEX_MASK) == sidx &&
				       ((v >> RG_SLOT_DIR_BIT) & 1u) == dir;
		}
	}
	return 0;
}

static unsigned l4_need(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 20u : proto == IPPROTO_AH ? 12u : 8u;
}

/* Would the fast path, given this frame with FORCE, forward it? */
static int fast_path_can(struct rg_fw *fw, const struct fw_pkt *p, uint32_t sidx, unsigned dir)
{
	if (p->is_frag || p->tunnel || p->port >= RG_PORT_HOST)
		return 0;
	if (p->ihl > 20)
		return 0; /* options: punted by step 3 */
	if (p->l4 + l4_need(p->proto) > RG_FP_WIN_IN)
		return 0;
	if (__builtin_memcmp(p->f, fw->params.port_mac[p->port], 6) != 0)
		return 0; /* group or foreign MAC: punted or dropped by step 1 */
	if (fw->sess[sidx].flags & FW_SF_SHADOWED)
		return 0;
	return fast_path_finds(fw, &p->key, sidx, dir);
}

/* Rewrite src/dst (and ports, or the ICMP identifier) of the IPv4 packet at
 * ip with checksums updated incrementally (RFC 1624), TTL decremented. */
static void rewrite(uint8_t *ip, uint32_t ip_len, int has_l4, uint32_t src, uint32_t dst,
		    uint16_t sport, uint16_t dport, int icmp_request, int dec_ttl)
{
	unsigned ihl = (ip[0] & 15u) * 4u;
	uint8_t proto = ip[9];
	uint32_t osrc = rg_get_be32(ip + 12), odst = rg_get_be32(ip + 16);
	uint16_t d3 = rg_csum_add(rg_csum_delta32(osrc, src), rg_csum_delta32(odst, dst));
	rg_put_be32(ip + 12, src);
	rg_put_be32(ip + 16, dst);
	/* the endpoints' addresses in options are translated with them: a
	 * sender's own address in record route or a timestamp (Linux records
	 * its outgoing address in the first slot of ping -R) becomes the
	 * outside one, and back inbound; any other inside address there still
	 * stops the frame at fw_tx. The header checksum is computed anew. */
	uint16_t off[FW_OPT_ADDRS_MAX];
	int n = ihl > 20 ? fw_ip_option_addrs(ip, ihl, off) : 0;
	for (int k = 0; k < n; k++) {
		uint32_t a = rg_get_be32(ip + off[k]);
		if (a == osrc)
			rg_put_be32(ip + off[k], src);
		else if (a == odst)
			rg_put_be32(ip + off[k], dst);
	}
	if (dec_ttl)
		ip[8]--;
	fw_ip_set_csum(ip);
	if (!has_l4)
		return;
	uint8_t *l4 = ip + ihl;
	uint32_t l4len = ip_len - ihl;
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP: {
		uint16_t osp = rg_get_be16(l4), odp = rg_get_be16(l4 + 2);
		uint16_t d = rg_csum_add(
			d3, rg_csum_add(rg_csum_delta16(osp, sport), rg_csum_delta16(odp, dport)));
		rg_put_be16(l4, sport);
		rg_put_be16(l4 + 2, dport);
		uint32_t co = proto == IPPROTO_TCP ? 16u : 6u;
		if (co + 2 > l4len)
			break;
		uint16_t c = rg_get_be16(l4 + co);
		if (proto == IPPROTO_UDP && c == 0)
			break; /* no checksum stays no checksum */
		c = rg_csum_apply(c, d);
		if (proto == IPPROTO_UDP && c == 0)
			c = 0xffff;
		rg_put_be16(l4 + co, c);
		break;
	}
	case IPPROTO_ICMP: {
		uint16_t oid = rg_get_be16(l4 + 4);
		uint16_t nid = icmp_request ? sport : dport;
		rg_put_be16(l4 + 4, nid);
		rg_put_be16(l4 + 2, rg_csum_apply(rg_get_be16(l4 + 2), rg_csum_delta16(oid, nid)));
		break;
	}
	default:
		break;
	}
}

/* Endpoints a direction rewrites to. */
static void dir_target(const struct rg_session *s, unsigned dir, uint32_t *src, uint32_t *dst,
		       uint16_t *sport, uint16_t *dport)
{
	if (dir == RG_DIR_I2O) {
		*src = rg_be32_val(s->out_addr);
		*sport = rg_be16_val(s->out_port);
		*dst = rg_be32_val(s->rem_addr);
		*dport = rg_be16_val(s->rem_port);
	} else {
		*src = rg_be32_val(s->rem_xaddr);
		*sport = rg_be16_val(s->rem_xport);
		*dst = rg_be32_val(s->in_addr);
		*dport = rg_be16_val(s->in_port);
	}
}

/* Send an IPv4 frame (L2 header at f, IP at l3), fragmenting when it
 * exceeds the egress MTU and DF is clear. */
static int send_ip(struct rg_fw *fw, uint8_t *f, uint32_t len, uint32_t l3, unsigned port)
{
	uint16_t mtu = port_mtu(fw, port);
	if (len - l3 <= mtu) {
		fw_tx(fw, port, f, len);
		return 0;
	}
	return fw_fragment_tx(fw, f, len, l3, port, mtu);
}

int fw_translate_tx(struct rg_fw *fw, const struct fw_pkt *p, const struct rg_session *s,
		    unsigned dir)
{
	uint8_t *o = fw->txbuf;
	unsigned port;
	uint16_t adj = dir == RG_DIR_I2O ? s->adj_i2o : s->adj_o2i;
	uint32_t l2 = fw_l2_header(fw, adj, o, &port);
	if (!l2)
		return -1;
	uint32_t ip_len = p->ip_end - p->l3;
	__builtin_memcpy(o + l2, p->f + p->l3, ip_len);
	uint32_t src, dst;
	uint16_t sport, dport;
	dir_target(s, dir, &src, &dst, &sport, &dport);
	unsigned op = RG_OPS_DIR(s->ops, dir);
	int has_l4 = p->l4 != 0 && s->proto != IPPROTO_ESP && s->proto != IPPROTO_AH;
	rewrite(o + l2, ip_len, has_l4, src, dst, sport, dport, p->icmp_request,
		!(op & RG_ACT_KEEP_TTL));
	FWC(fw, SP_TRANSLATED);
	return send_ip(fw, o, l2 + ip_len, l2, port);
}

/* Forward a packet of session sidx in direction dir. Returns 0 when it was
 * sent (or queued for ARP), -1 when it was dropped (counted). */
int fw_forward(struct rg_fw *fw, struct fw_pkt *p, uint32_t sidx, unsigned dir)
{
	struct rg_session s;
	if (fw_sess_read(fw, sidx, &s)) {
		FWC(fw, DROP_SESSION_UNREADABLE);
		return -1;
	}
	unsigned op = RG_OPS_DIR(s.ops, dir);
	if ((op & RG_ACT_KIND_MASK) != RG_ACT_FORWARD) {
		FWC(fw, DROP_RULE);
		return -1;
	}
	if (!(op & RG_ACT_KEEP_TTL) && p->ttl <= 1) {
		FWC(fw, DROP_TTL);
		fw_icmp_error(fw, p, 11, 0, 0);
		return -1;
	}
	uint16_t adj = dir == RG_DIR_I2O ? s.adj_i2o : s.adj_o2i;
	if (!fw_adj_ready(fw, adj)) {
		fw_pending_add(fw, adj, p);
		return 0;
	}
	unsigned egress = adj == FW_ADJ_HOST ? RG_PORT_HOST : fw->neigh[adj - 1u].port;
	uint32_t ip_len = p->ip_end - p->l3;
	if (ip_len > port_mtu(fw, egress) && p->df) {
		FWC(fw, DROP_FRAG_NEEDED);
		fw_icmp_error(fw, p, 3, 4, port_mtu(fw, egress));
		return -1;
	}
	if (ip_len <= port_mtu(fw, egress) && fast_path_can(fw, p, sidx, dir)) {
		/* the fast path does it (and keeps the statistics); a trailer
		 * beyond the IP packet is cut so it cannot be punted again */
		fw_reinject(fw, p->port, p->f, p->frame_ip_end);
		return 0;
	}
	if (fw_translate_tx(fw, p, &s, dir))
		return -1;
	fw_sess_touch(fw, sidx, dir);
	return 0;
}
