/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * New flows: what the slow path does with an IPv4 packet of the inside or
 * outside port that has no session.
 *
 * Outbound (inside port):
 *   drop rule -> exclusion (identity session) -> destination rewrite
 *   (twice-NAT) -> hairpin (destination is another inside host's outside
 *   mapping) -> the card's own services -> source mapping (existing EIM or
 *   endpoint-dependent mapping, else a new one from the subscriber's paired
 *   address, within quotas) -> session -> forward.
 * Inbound (outside port), destination must be one of the card's addresses:
 *   to-host rules -> echo requests -> mapping by outside endpoint, admitted
 *   by its filters (TCP: SYN only; a refused SYN is held for simultaneous
 *   open) -> static forward rules -> drop.
 * Either way the packet that created the session is forwarded at once:
 * re-injected into the fast path when the fast path can do it, else
 * translated here.
 */
#include "fw_internal.h"

void fw_quota_event(struct rg_fw *fw, uint32_t in_addr, unsigned kind, uint8_t proto,
		    uint32_t limit)
{
	struct rg_evt_quota e;
	__builtin_memset(&e, 0, sizeof(e));
	e.in_addr = rg_be32_field(in_addr);
	e.kind = (uint8_t)kind;
	e.proto = proto;
	e.limit = limit;
	fw_event(fw, kind >= FW_EXH_POOL ? RG_EVT_POOL_EXHAUSTED : RG_EVT_QUOTA, &e, sizeof(e));
}

/* Exhaustion: drop, and tell the inside host when configured (RFC 6888). */
static void exhausted(struct rg_fw *fw, const struct fw_pkt *p)
{
	if (fw->cfg.flags & RG_CFG_UNREACH_ON_QUOTA)
		fw_icmp_error(fw, p, 3, 13, 0);
}

/*
 * A session for packet p. A full session table (or index) is exhaustion
 * like a quota or an empty pool: dropped and counted, the host hears of it
 * and an inside sender gets its ICMP 3/13 when configured; nothing live is
 * evicted to make room (RFC 6888).
 */
static uint32_t new_session(struct rg_fw *fw, const struct fw_pkt *p, const struct fw_new_sess *n)
{
	enum rg_status st;
	uint32_t sidx = fw_sess_create(fw, n, &st);
	if (sidx == FW_NONE && st == RG_ST_NO_RESOURCES) {
		fw_quota_event(fw, n->in_addr, FW_EXH_SESS_TABLE, n->proto, fw->n_sess);
		if (p->port == RG_PORT_INSIDE)
			exhausted(fw, p);
	}
	return sidx;
}

static int nat_proto(const struct fw_pkt *p)
{
	return p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ||
	       (p->proto == IPPROTO_ICMP && p->icmp_query);
}

static unsigned initial_state(const struct fw_pkt *p, int inbound)
{
	if (p->proto == IPPROTO_TCP)
		return inbound ? FW_SS_TCP_SYN_IN : FW_SS_TCP_SYN_OUT;
	return p->proto == IPPROTO_ICMP ? FW_SS_ICMP : FW_SS_UDP;
}

/*
 * The mapping of the packet's inside source toward rem: found, revived from
 * hold-down, or created. FW_NONE when refused (counted, event sent).
 */
static uint32_t source_mapping(struct rg_fw *fw, const struct fw_pkt *p, uint32_t rem_addr,
			       uint16_t rem_port, int *created)
{
	enum rg_status st;
	*created = 0;
	uint32_t sub = fw_sub_get(fw, p->src, 1, &st);
	if (sub == FW_NONE) {
		/* no free subscriber entry, or no outside address for it */
		if (st == RG_ST_NO_RESOURCES && fw->sub_free == FW_NONE)
			fw_quota_event(fw, p->src, FW_EXH_SUB_TABLE, p->proto, fw->n_subs);
		else if (st == RG_ST_NO_RESOURCES)
			fw_quota_event(fw, p->src, FW_EXH_POOL, p->proto, 0);
		exhausted(fw, p);
		return FW_NONE;
	}
	struct fw_sub *s = &fw->subs[sub];
	if (fw->cfg.max_sess_per_sub && s->n_sess >= fw->cfg.max_sess_per_sub) {
		FWC(fw, DROP_QUOTA_SESSIONS);
		fw_quota_event(fw, p->src, FW_EXH_SESSIONS, p->proto, fw->cfg.max_sess_per_sub);
		exhausted(fw, p);
		fw_sub_put(fw, sub);
		return FW_NONE;
	}
	const struct fw_pool *pool = &fw->pools[s->pool];
	uint16_t in_port = p->proto == IPPROTO_ICMP ? p->sport : p->sport;
	uint8_t flags = 0;
	uint32_t m;
	if (pool->mapping == RG_MAP_EIM || p->proto == IPPROTO_ICMP) {
		m = fw_map_find_in(fw, p->proto, p->src, in_port, 0, 0);
	} else {
		flags = FW_MF_ED | (pool->mapping == RG_MAP_ADM ? FW_MF_ED_ADDR : 0);
		m = fw_map_find_in(fw, p->proto, p->src, in_port, rem_addr, rem_port);
	}
	if (m != FW_NONE) {
		if (fw->maps[m].flags & FW_MF_HOLD)
			fw_map_revive(fw, m);
		return m;
	}
	if (fw->cfg.max_ports_per_sub && pool->mode == RG_POOL_DYNAMIC &&
	    s->n_maps >= fw->cfg.max_ports_per_sub) {
		FWC(fw, DROP_QUOTA_PORTS);
		fw_quota_event(fw, p->src, FW_EXH_PORTS, p->proto, fw->cfg.max_ports_per_sub);
		exhausted(fw, p);
		fw_sub_put(fw, sub);
		return FW_NONE;
	}
	uint16_t out_port;
	int overlap = (flags & FW_MF_ED) ? ((flags & FW_MF_ED_ADDR) ? 2 : 1) : 0;
	if (fw_port_choose(fw, sub, p->proto, in_port, 0, rem_addr, rem_port, overlap, &out_port)) {
		FWC(fw, DROP_POOL_EXHAUSTED);
		fw_quota_event(fw, p->src,
			       pool->mode == RG_POOL_DYNAMIC ? FW_EXH_POOL : FW_EXH_PORTS, p->proto,
			       fw->cfg.max_ports_per_sub);
		exhausted(fw, p);
		fw_sub_put(fw, sub);
		return FW_NONE;
	}
	m = fw_map_new(fw, p->proto, p->src, in_port, sub, s->paddr, out_port, flags,
		       RG_OWNER_DYNAMIC, rem_addr, rem_port);
	if (m == FW_NONE) {
		/* the mapping table is full (counted): exhaustion as above */
		fw_quota_event(fw, p->src, FW_EXH_MAP_TABLE, p->proto, fw->n_maps);
		exhausted(fw, p);
		fw_sub_put(fw, sub);
		return FW_NONE;
	}
	*created = 1;
	return m;
}

/* A mapping created for a flow that then failed goes away at once (it was
 * never seen outside, so no hold-down). */
static void undo_mapping(struct rg_fw *fw, uint32_t m, int created)
{
	if (created && fw->maps[m].n_sess == 0)
		fw_map_free_now(fw, m);
}

/* Packets to the card itself: to-host rules, echo, else dropped. */
static void own_services(struct rg_fw *fw, const struct fw_pkt *p)
{
	if (p->is_frag) {
		/* only echo requests are put back together (the first piece
		 * says what the datagram is; later ones follow it, frag.c) */
		if (p->first_frag && p->proto == IPPROTO_ICMP && p->icmp_type == 8 &&
		    !(p->f[0] & 1u) && fw_unicast_addr(p->src))
			fw_frag_for_card(fw, p);
		else
			FWC(fw, DROP_TO_CARD);
		return;
	}
	if (fw_host_match(fw, p)) {
		fw_to_host(fw, p);
		return;
	}
	if (p->proto == IPPROTO_ICMP && p->icmp_type == 8) {
		fw_icmp_echo_reply(fw, p);
		return;
	}
	/* an inside host asking for a service the card does not run is told
	 * so at once, as a router's own stack does (TCP: a reset; UDP: port
	 * unreachable; both rate limited): its connect fails instead of
	 * timing out, a traceroute to the gateway ends there. The outside
	 * realm learns nothing from the card's addresses. */
	if (p->port == RG_PORT_INSIDE && p->proto == IPPROTO_UDP)
		fw_icmp_error(fw, p, 3, 3, 0);
	else if (p->port == RG_PORT_INSIDE && p->proto == IPPROTO_TCP)
		fw_tcp_reset(fw, p);
	FWC(fw, DROP_TO_CARD);
}

static uint32_t outbound(struct rg_fw *fw, const struct fw_pkt *p)
{
	if (p->dst == fw->cfg.inside_addr || (!fw->cfg.inside_addr && !p->dst)) {
		own_services(fw, p);
		return FW_NONE;
	}
	const struct rg_rule *r =
		fw_rule_match(fw,
			      FW_RULE_BIT(RG_RULE_DROP) | FW_RULE_BIT(RG_RULE_EXCLUDE) |
				      FW_RULE_BIT(RG_RULE_DSTNAT) | FW_RULE_BIT(RG_RULE_TO_HOST),
			      p);
	if (r && r->kind == RG_RULE_DROP) {
		FWC(fw, DROP_RULE);
		return FW_NONE;
	}
	if (r && r->kind == RG_RULE_TO_HOST) {
		fw_to_host(fw, p);
		return FW_NONE;
	}
	if (!nat_proto(p)) {
		if (p->proto == IPPROTO_ICMP && !p->icmp_request)
			FWC(fw, DROP_NO_MAPPING);
		else
			FWC(fw, DROP_UNSUPPORTED);
		return FW_NONE;
	}
	if (p->proto == IPPROTO_ICMP && !p->icmp_request) {
		FWC(fw, DROP_NO_MAPPING); /* a reply without its request's session */
		return FW_NONE;
	}
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & (TCP_RST | TCP_FIN)) &&
	    !(p->tcp_flags & TCP_SYN)) {
		FWC(fw, DROP_NO_MAPPING); /* closing a connection we do not know */
		return FW_NONE;
	}
	if (p->ttl <= 1) {
		FWC(fw, DROP_TTL);
		fw_icmp_error(fw, p, 11, 0, 0);
		return FW_NONE;
	}
	struct fw_new_sess n;
	__builtin_memset(&n, 0, sizeof(n));
	n.proto = p->proto;
	n.in_side = RG_PORT_INSIDE;
	n.rem_side = RG_PORT_OUTSIDE;
	n.in_addr = p->src;
	n.in_port = p->sport;
	n.rem_xaddr = n.rem_addr = p->dst;
	n.rem_xport = n.rem_port = p->dport;
	n.state = (uint8_t)initial_state(p, 0);
	n.map = FW_NONE;
	if (r && r->kind == RG_RULE_EXCLUDE) {
		/* no translation toward this destination */
		n.out_addr = p->src;
		n.out_port = p->sport;
		n.sflags = FW_SF_RULE;
		return new_session(fw, p, &n);
	}
	uint32_t target = FW_NONE;
	if (r && r->kind == RG_RULE_DSTNAT) {
		n.rem_addr = rg_be32_val(r->to_addr);
		if (r->to_port && p->proto != IPPROTO_ICMP)
			n.rem_port = rg_be16_val(r->to_port);
		if (fw_inside_onlink(fw, n.rem_addr))
			n.rem_side = RG_PORT_INSIDE;
	} else if (fw_is_own_addr(fw, p->dst)) {
		/* hairpin: toward another inside host's outside endpoint */
		uint16_t tport = p->proto == IPPROTO_ICMP ? p->sport : p->dport;
		target = p->proto == IPPROTO_ICMP ? FW_NONE
						  : fw_map_find_out(fw, p->proto, p->dst, tport);
		if (target == FW_NONE || (fw->maps[target].flags & FW_MF_HOLD)) {
			own_services(fw, p);
			return FW_NONE;
		}
		if (!(fw->cfg.flags & RG_CFG_HAIRPIN)) {
			FWC(fw, DROP_FILTERED);
			return FW_NONE;
		}
		n.rem_addr = fw->maps[target].in_addr;
		n.rem_port = fw->maps[target].in_port;
		n.rem_side = RG_PORT_INSIDE;
		n.sflags = FW_SF_HAIRPIN;
	}
	int created;
	uint32_t m = source_mapping(fw, p, n.rem_addr, n.rem_port, &created);
	if (m == FW_NONE)
		return FW_NONE;
	n.out_addr = fw->maps[m].out_addr;
	n.out_port = fw->maps[m].out_port;
	n.map = m;
	if (target != FW_NONE && !fw_map_filter_allows(fw, target, n.out_addr, n.out_port)) {
		/* hairpinned packets pass the target mapping's filter as if they
		 * came from the source's outside endpoint (RFC 4787 REQ-9) */
		FWC(fw, DROP_FILTERED);
		undo_mapping(fw, m, created);
		return FW_NONE;
	}
	uint32_t sidx = new_session(fw, p, &n);
	if (sidx == FW_NONE) {
		undo_mapping(fw, m, created);
		return FW_NONE;
	}
	if (target != FW_NONE)
		FWC(fw, HAIRPIN);
	return sidx;
}

static uint32_t forward_rule_session(struct rg_fw *fw, const struct fw_pkt *p,
				     const struct rg_rule *r)
{
	if (p->proto == IPPROTO_TCP && !(p->tcp_flags & TCP_SYN)) {
		FWC(fw, DROP_NO_MAPPING);
		return FW_NONE;
	}
	struct fw_new_sess n;
	__builtin_memset(&n, 0, sizeof(n));
	n.proto = p->proto;
	n.in_side = RG_PORT_INSIDE;
	n.rem_side = RG_PORT_OUTSIDE;
	n.in_addr = rg_be32_val(r->to_addr);
	uint16_t lo = rg_be16_val(r->dport_lo);
	uint16_t port = p->proto == IPPROTO_ICMP ? p->dport : p->dport;
	n.in_port = r->to_port ? (uint16_t)(rg_be16_val(r->to_port) + (port - lo)) : port;
	n.out_addr = p->dst;
	n.out_port = port;
	n.rem_addr = n.rem_xaddr = p->src;
	n.rem_port = n.rem_xport = p->sport;
	n.state = (uint8_t)initial_state(p, 1);
	n.sflags = FW_SF_RULE | FW_SF_INBOUND;
	n.map = FW_NONE;
	return new_session(fw, p, &n);
}

static uint32_t inbound(struct rg_fw *fw, const struct fw_pkt *p)
{
	/* a source of the inside realm, or one of the card's own, never
	 * arrives from the outside honestly: spoofed, it must not reach the
	 * host's services (PCP would act for the inside host it names) nor
	 * open anything */
	if (fw_inside_realm(fw, p->src) || fw_is_own_addr(fw, p->src)) {
		FWC(fw, DROP_SPOOFED);
		return FW_NONE;
	}
	/* the outside realm reaches the card's outside and pool addresses only;
	 * its inside address is not answered from there */
	if (p->dst == fw->cfg.inside_addr && !fw_is_own_addr_outside(fw, p->dst)) {
		FWC(fw, DROP_TO_CARD);
		return FW_NONE;
	}
	if (!fw_is_own_addr(fw, p->dst)) {
		if (fw_inside_onlink(fw, p->dst) &&
		    fw_rule_match(fw, FW_RULE_BIT(RG_RULE_EXCLUDE), p))
			FWC(fw, DROP_EXCLUDED_INBOUND);
		else
			FWC(fw, DROP_NO_MAPPING);
		return FW_NONE;
	}
	const struct rg_rule *r =
		fw_rule_match(fw, FW_RULE_BIT(RG_RULE_DROP) | FW_RULE_BIT(RG_RULE_TO_HOST), p);
	if (r && r->kind == RG_RULE_DROP) {
		FWC(fw, DROP_RULE);
		return FW_NONE;
	}
	if (r || (p->proto == IPPROTO_ICMP && p->icmp_type == 8)) {
		own_services(fw, p);
		return FW_NONE;
	}
	if (!nat_proto(p)) {
		if (p->proto == IPPROTO_ICMP)
			FWC(fw, DROP_TO_CARD);
		else
			FWC(fw, DROP_UNSUPPORTED);
		return FW_NONE;
	}
	uint16_t oport = p->dport; /* ICMP replies carry the identifier there */
	uint32_t m = fw_map_find_out(fw, p->proto, p->dst, oport);
	int syn = p->proto == IPPROTO_TCP &&
		  (p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
	if (m == FW_NONE || (fw->maps[m].flags & FW_MF_HOLD)) {
		const struct rg_rule *fr = fw_rule_match(fw, FW_RULE_BIT(RG_RULE_FORWARD), p);
		if (fr) {
			if (p->ttl <= 1) {
				FWC(fw, DROP_TTL);
				fw_icmp_error(fw, p, 11, 0, 0);
				return FW_NONE;
			}
			return forward_rule_session(fw, p, fr);
		}
		if (syn)
			fw_syn_hold(fw, p);
		else
			FWC(fw, DROP_NO_MAPPING);
		return FW_NONE;
	}
	if (p->proto == IPPROTO_TCP && !syn) {
		FWC(fw, DROP_NO_MAPPING); /* only a SYN opens an inbound connection */
		return FW_NONE;
	}
	if (!fw_map_filter_allows(fw, m, p->src, p->sport)) {
		if (syn)
			fw_syn_hold(fw, p);
		else
			FWC(fw, DROP_FILTERED);
		return FW_NONE;
	}
	const struct fw_map *mp = &fw->maps[m];
	if (mp->sub != FW_NONE && fw->cfg.max_sess_per_sub &&
	    fw->subs[mp->sub].n_sess >= fw->cfg.max_sess_per_sub) {
		FWC(fw, DROP_QUOTA_SESSIONS);
		fw_quota_event(fw, mp->in_addr, FW_EXH_SESSIONS, p->proto,
			       fw->cfg.max_sess_per_sub);
		return FW_NONE;
	}
	if (p->ttl <= 1) {
		FWC(fw, DROP_TTL);
		fw_icmp_error(fw, p, 11, 0, 0);
		return FW_NONE;
	}
	struct fw_new_sess n;
	__builtin_memset(&n, 0, sizeof(n));
	n.proto = p->proto;
	n.in_side = RG_PORT_INSIDE;
	n.rem_side = RG_PORT_OUTSIDE;
	n.in_addr = mp->in_addr;
	n.in_port = mp->in_port;
	n.out_addr = mp->out_addr;
	n.out_port = mp->out_port;
	n.rem_addr = n.rem_xaddr = p->src;
	n.rem_port = n.rem_xport = p->sport;
	n.state = (uint8_t)initial_state(p, 1);
	n.sflags = FW_SF_INBOUND;
	n.map = m;
	return new_session(fw, p, &n);
}

/* The session a non-fragmented packet (or a first fragment) belongs to,
 * created when policy allows; FW_NONE when the packet was consumed or
 * dropped (and counted). */
uint32_t fw_nat_session(struct rg_fw *fw, const struct fw_pkt *p, unsigned *dir)
{
	uint32_t sidx = fw_sess_lookup(fw, &p->key, dir);
	if (sidx != FW_NONE)
		return sidx;
	if (p->tunnel) {
		/* IP-in-IP opens nothing: only a tunnel's own sessions (PAP,
		 * seed 003) may carry it, after the fast path's check of the
		 * tunnel source; translating the inner packet of an unknown
		 * tunnel would skip that check */
		FWC(fw, DROP_TUNNEL_NO_SESSION);
		return FW_NONE;
	}
	if (p->port == RG_PORT_INSIDE) {
		*dir = RG_DIR_I2O;
		return outbound(fw, p);
	}
	if (p->port == RG_PORT_OUTSIDE) {
		*dir = RG_DIR_O2I;
		return inbound(fw, p);
	}
	FWC(fw, DROP_NO_MAPPING);
	return FW_NONE;
}

/*
 * MSS clamping (configured): a SYN's MSS option is lowered to the
 * configured value and to what the outside MTU allows. The frame is copied,
 * the option and the TCP checksum updated (RFC 1624), and the copy goes on.
 */
static void mss_clamp(struct rg_fw *fw, struct fw_pkt *p)
{
	if (!fw->cfg.mss_clamp || p->proto != IPPROTO_TCP || !(p->tcp_flags & TCP_SYN) || !p->l4)
		return;
	uint32_t limit = fw->cfg.mss_clamp;
	uint32_t mtu_mss = (uint32_t)fw->cfg.mtu[RG_PORT_OUTSIDE] - 40u;
	if (mtu_mss < limit)
		limit = mtu_mss;
	const uint8_t *tcp = p->f + p->l4;
	uint32_t doff = (tcp[12] >> 4) * 4u;
	for (uint32_t i = 20; i + 1 < doff;) {
		uint8_t kind = tcp[i];
		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		uint8_t l = tcp[i + 1];
		if (l < 2 || i + l > doff)
			return;
		if (kind == 2 && l == 4) {
			uint16_t mss = rg_get_be16(tcp + i + 2);
			if (mss <= limit)
				return;
			__builtin_memcpy(fw->clampbuf, p->f, p->len);
			uint8_t *t = fw->clampbuf + p->l4;
			rg_put_be16(t + i + 2, (uint16_t)limit);
			rg_put_be16(t + 16, rg_csum_apply(rg_get_be16(t + 16),
							  rg_csum_delta16(mss, (uint16_t)limit)));
			p->f = fw->clampbuf;
			FWC(fw, MSS_CLAMPED);
			return;
		}
		i += l;
	}
}

void fw_nat_packet(struct rg_fw *fw, struct fw_pkt *p)
{
	if (p->tunnel && (p->icmp_error || (p->is_frag && !p->first_frag))) {
		/* neither is looked up as a tunnel's packet (there are no
		 * tunnel sessions before seed 003): not taken out of the tunnel */
		FWC(fw, DROP_TUNNEL_NO_SESSION);
		return;
	}
	if (p->icmp_error) {
		fw_icmp_error_translate(fw, p);
		return;
	}
	if (p->is_frag) {
		fw_frag_packet(fw, p);
		return;
	}
	unsigned dir;
	uint32_t sidx = fw_nat_session(fw, p, &dir);
	if (sidx == FW_NONE)
		return;
	int fresh = fw->sess[sidx].seen_ts == 0 && fw->sess[sidx].seen_i2o == 0;
	mss_clamp(fw, p);
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & (TCP_SYN | TCP_FIN | TCP_RST)))
		fw_tcp_track(fw, sidx, dir, p->tcp_flags);
	fw_forward(fw, p, sidx, dir);
	if (fresh)
		fw_sess_baseline(fw, sidx);
}
