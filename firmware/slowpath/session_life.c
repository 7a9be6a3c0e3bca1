/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Life of a session: creation (body, index, firmware state, timer, event),
 * ageing, TCP state tracking (RFC 5382 / RFC 7857 timers), deletion, and the
 * unsolicited inbound SYNs held for simultaneous open.
 *
 * Ageing without scans: every session has a timer at its earliest possible
 * expiry. When it fires, the fast path's statistics in the session entry
 * tell whether a refreshing packet went through since the last look (UDP and
 * ICMP: an I2O packet, or any packet when inbound refresh is configured; TCP:
 * any packet); if so the timer moves to last_seen + timeout, otherwise the
 * session is deleted. The fast path's last_seen is the time of the latest
 * packet in either direction, so a refreshed deadline is never early.
 */
#include "fw_internal.h"

uint32_t fw_sess_timeout_s(const struct rg_fw *fw, unsigned state)
{
	switch (state) {
	case FW_SS_ICMP:
		return fw->cfg.icmp_s;
	case FW_SS_TCP_EST:
		return fw->cfg.tcp_est_s;
	case FW_SS_TCP_SYN_OUT:
	case FW_SS_TCP_SYN_IN:
	case FW_SS_TCP_FIN_OUT:
	case FW_SS_TCP_FIN_IN:
	case FW_SS_TCP_FIN_BOTH:
	case FW_SS_TCP_CLOSED:
		return fw->cfg.tcp_trans_s;
	default:
		return fw->cfg.udp_s;
	}
}

/* States whose deadline is fixed: after RST or both FINs (time-wait). */
static int state_fixed(unsigned state)
{
	return state == FW_SS_TCP_CLOSED || state == FW_SS_TCP_FIN_BOTH;
}

static void arm_from_now(struct rg_fw *fw, uint32_t idx, uint32_t secs)
{
	/* +1: the wheel works in whole seconds, never fire early */
	fw_timer_arm(fw, idx, fw->now_s + secs + 1);
}

static void sess_event(struct rg_fw *fw, const struct rg_session *s, uint32_t idx, unsigned type,
		       unsigned reason)
{
	struct rg_evt_nat e;
	__builtin_memset(&e, 0, sizeof(e));
	e.proto = s->proto;
	uint32_t m = fw->sess[idx].map;
	e.owner = m != FW_NONE ? fw->maps[m].owner : RG_OWNER_STATIC;
	e.reason = (uint8_t)reason;
	e.in_addr = s->in_addr;
	e.in_port = s->in_port;
	e.out_addr = s->out_addr;
	e.out_port = s->out_port;
	if (fw->cfg.flags & RG_CFG_LOG_DEST) {
		e.rem_addr = s->rem_addr;
		e.rem_port = s->rem_port;
	}
	fw_event(fw, type, &e, sizeof(e));
}

/* The inside endpoint's adjacency; a subscriber remembers its own, since
 * neighbour entries (and so their adjacency indices) never move. */
static uint16_t in_adj(struct rg_fw *fw, const struct fw_new_sess *n)
{
	uint32_t sub = n->map != FW_NONE ? fw->maps[n->map].sub : FW_NONE;
	if (sub == FW_NONE || n->in_side != RG_PORT_INSIDE || fw->subs[sub].in_addr != n->in_addr)
		return fw_adj_for(fw, n->in_side, n->in_addr);
	struct fw_sub *s = &fw->subs[sub];
	if (s->adj == FW_ADJ_NONE) {
		s->adj = fw_adj_for(fw, n->in_side, n->in_addr);
		fw_adj_hold(fw, s->adj); /* the cache keeps the neighbour */
	}
	return s->adj;
}

static uint32_t refuse(enum rg_status *why, enum rg_status st)
{
	if (why)
		*why = st;
	return FW_NONE;
}

uint32_t fw_sess_create(struct rg_fw *fw, const struct fw_new_sess *n, enum rg_status *why)
{
	if (why)
		*why = RG_ST_OK;
	if (fw->sess_free == FW_NONE) {
		FWC(fw, DROP_TABLE_FULL);
		return refuse(why, RG_ST_NO_RESOURCES);
	}
	uint32_t idx = fw->sess_free;
	struct rg_session s;
	__builtin_memset(&s, 0, sizeof(s));
	s.proto = n->proto;
	s.flags = RG_SESS_VALID;
	s.ops = n->ops ? n->ops : RG_OPS(RG_ACT_FORWARD, RG_ACT_FORWARD);
	s.sides = RG_SIDES(n->in_side, n->rem_side);
	s.in_addr = rg_be32_field(n->in_addr);
	s.out_addr = rg_be32_field(n->out_addr);
	s.rem_addr = rg_be32_field(n->rem_addr);
	s.rem_xaddr = rg_be32_field(n->rem_xaddr);
	s.in_port = rg_be16_field(n->in_port);
	s.out_port = rg_be16_field(n->out_port);
	s.rem_port = rg_be16_field(n->rem_port);
	s.rem_xport = rg_be16_field(n->rem_xport);
	/* each adjacency is held as soon as it is known, so finding the other
	 * cannot reclaim it */
	s.adj_i2o = fw_adj_for(fw, n->rem_side, n->rem_addr);
	fw_adj_hold(fw, s.adj_i2o);
	s.adj_o2i = in_adj(fw, n);
	fw_adj_hold(fw, s.adj_o2i);
	if (s.adj_i2o == FW_ADJ_NONE || s.adj_o2i == FW_ADJ_NONE) {
		/* no neighbour entry to be had (counted): a session that could
		 * not deliver one of its directions is not made */
		fw_adj_release(fw, s.adj_i2o);
		fw_adj_release(fw, s.adj_o2i);
		return refuse(why, RG_ST_NOT_FOUND);
	}
	s.fw_cookie = (uint16_t)n->state;
	fw_sess_deltas(&s);

	/* body first, then the slots that point at it */
	if (fw->dev.ops->write_session(fw->dev.ctx, idx, &s)) {
		FWC(fw, SESSION_INSERT_FAIL);
		fw_adj_release(fw, s.adj_i2o);
		fw_adj_release(fw, s.adj_o2i);
		return refuse(why, RG_ST_IO);
	}
	int shadowed = 0;
	if (fw_index_insert(fw, idx, &s, &shadowed)) {
		struct rg_session zero;
		__builtin_memset(&zero, 0, sizeof(zero));
		fw->dev.ops->write_session(fw->dev.ctx, idx, &zero);
		fw_adj_release(fw, s.adj_i2o);
		fw_adj_release(fw, s.adj_o2i);
		FWC(fw, SESSION_INSERT_FAIL);
		FWC(fw, DROP_TABLE_FULL);
		/* no slot for the key within the search: the index is full
		 * around it, which is exhaustion as much as an empty free list */
		return refuse(why, RG_ST_NO_RESOURCES);
	}
	struct fw_sess *st = &fw->sess[idx];
	fw->sess_free = st->mnext;
	*st = (struct fw_sess){ .map = FW_NONE, .mnext = FW_NONE, .mprev = FW_NONE };
	st->state = n->state;
	st->flags = (uint8_t)(n->sflags | (shadowed ? FW_SF_SHADOWED : 0));
	if (shadowed)
		FWC(fw, INDEX_TAG_SHADOWS);
	if (n->map != FW_NONE)
		fw_map_attach_sess(fw, n->map, idx);
	fw->sess_used++;
	FWC(fw, SESSIONS_CREATED);
	FWC_SET(fw, SESSIONS_ACTIVE, fw->sess_used);
	arm_from_now(fw, idx, fw_sess_timeout_s(fw, n->state));
	sess_event(fw, &s, idx, RG_EVT_SESSION_CREATE, 0);
	if (n->proto == IPPROTO_TCP && !(n->sflags & FW_SF_INBOUND)) {
		/* an outbound SYN for a held inbound SYN's connection: the held
		 * one is dropped silently (RFC 5382 REQ-4) */
		struct rg_flow_key ok;
		rg_session_key(&s, RG_DIR_O2I, &ok);
		fw_held_cancel(fw, &ok);
	}
	return idx;
}

void fw_sess_delete(struct rg_fw *fw, uint32_t idx, unsigned reason)
{
	if (idx >= fw->n_sess || fw->sess[idx].state == FW_SS_FREE)
		return;
	struct rg_session s;
	if (fw_sess_read(fw, idx, &s))
		return;
	/* slots first, then the body */
	fw_index_remove(fw, idx, &s);
	struct rg_session zero;
	__builtin_memset(&zero, 0, sizeof(zero));
	fw->dev.ops->write_session(fw->dev.ctx, idx, &zero);
	fw_timer_cancel(fw, idx);
	fw_adj_release(fw, s.adj_i2o);
	fw_adj_release(fw, s.adj_o2i);
	sess_event(fw, &s, idx, RG_EVT_SESSION_DELETE, reason);
	struct fw_sess *st = &fw->sess[idx];
	uint32_t m = st->map;
	if (m != FW_NONE)
		fw_map_detach_sess(fw, m, idx);
	*st = (struct fw_sess){ .map = FW_NONE, .mnext = fw->sess_free, .mprev = FW_NONE };
	fw->sess_free = idx;
	fw->sess_used--;
	FWC(fw, SESSIONS_DELETED);
	FWC_SET(fw, SESSIONS_ACTIVE, fw->sess_used);
	/* a dynamic mapping lives as long as its sessions */
	if (m != FW_NONE && fw->maps[m].n_sess == 0 && fw->maps[m].owner == RG_OWNER_DYNAMIC &&
	    !(fw->maps[m].flags & FW_MF_HOLD))
		fw_map_release(fw, m, RG_CLOSE_TIMEOUT);
}

static int refreshed(struct rg_fw *fw, const struct fw_sess *st, const struct rg_session *s)
{
	if (st->state >= FW_SS_TCP_SYN_OUT)
		return s->last_seen != st->seen_ts;
	if (s->pkts_i2o != st->seen_i2o)
		return 1;
	return (fw->cfg.flags & RG_CFG_INBOUND_REFRESH) && s->last_seen != st->seen_ts;
}

void fw_sess_timer(struct rg_fw *fw, uint32_t idx)
{
	struct fw_sess *st = &fw->sess[idx];
	if (st->state == FW_SS_FREE)
		return;
	struct rg_session s;
	if (fw_sess_read(fw, idx, &s)) {
		fw_sess_delete(fw, idx, RG_CLOSE_TIMEOUT);
		return;
	}
	if (state_fixed(st->state)) {
		fw_sess_delete(fw, idx, st->rsvd);
		return;
	}
	/* a TCP flow seen both ways is established even without its SYNs
	 * (picked up mid-stream after a timeout) */
	if ((st->state == FW_SS_TCP_SYN_OUT || st->state == FW_SS_TCP_SYN_IN) && s.pkts_i2o &&
	    s.pkts_o2i) {
		st->state = FW_SS_TCP_EST;
	}
	if (refreshed(fw, st, &s)) {
		st->seen_i2o = s.pkts_i2o;
		st->seen_ts = s.last_seen;
		uint32_t t_ms = fw_sess_timeout_s(fw, st->state) * 1000u;
		uint32_t idle = fw_now_ms(fw) - s.last_seen;
		if (idle < t_ms) {
			arm_from_now(fw, idx, (t_ms - idle + 999u) / 1000u);
			return;
		}
	}
	fw_sess_delete(fw, idx, RG_CLOSE_TIMEOUT);
}

/* The packet that created the session went through the fast path (and
 * was counted there): it is the baseline, not a refresh. */
void fw_sess_baseline(struct rg_fw *fw, uint32_t idx)
{
	struct rg_session s;
	if (fw->sess[idx].state != FW_SS_FREE && !fw_sess_read(fw, idx, &s)) {
		fw->sess[idx].seen_i2o = s.pkts_i2o;
		fw->sess[idx].seen_ts = s.last_seen;
	}
}

/* A packet of the session translated by the slow path itself (fragments,
 * shadowed sessions) refreshes it as a fast path packet would. */
void fw_sess_touch(struct rg_fw *fw, uint32_t idx, unsigned dir)
{
	struct fw_sess *st = &fw->sess[idx];
	if (st->state == FW_SS_FREE || state_fixed(st->state))
		return;
	int counts = dir == RG_DIR_I2O || st->state >= FW_SS_TCP_SYN_OUT ||
		     (fw->cfg.flags & RG_CFG_INBOUND_REFRESH);
	if (counts)
		arm_from_now(fw, idx, fw_sess_timeout_s(fw, st->state));
}

/*
 * TCP state from the control packets the fast path punts (SYN, FIN, RST).
 * dir is the direction of the packet within the session.
 */
void fw_tcp_track(struct rg_fw *fw, uint32_t idx, unsigned dir, uint8_t fl)
{
	struct fw_sess *st = &fw->sess[idx];
	unsigned old = st->state;
	unsigned ns = old;
	if (fl & TCP_RST) {
		ns = FW_SS_TCP_CLOSED;
		st->rsvd = RG_CLOSE_TCP_RST;
	} else if (fl & TCP_SYN) {
		if (old == FW_SS_TCP_CLOSED || old == FW_SS_TCP_FIN_BOTH)
			ns = dir == RG_DIR_I2O ? FW_SS_TCP_SYN_OUT : FW_SS_TCP_SYN_IN;
		else if ((old == FW_SS_TCP_SYN_OUT && dir == RG_DIR_O2I) ||
			 (old == FW_SS_TCP_SYN_IN && dir == RG_DIR_I2O))
			ns = FW_SS_TCP_EST; /* SYN/ACK or simultaneous open */
	} else if (fl & TCP_FIN) {
		int out = dir == RG_DIR_I2O;
		switch (old) {
		case FW_SS_TCP_FIN_OUT:
			ns = out ? old : FW_SS_TCP_FIN_BOTH;
			break;
		case FW_SS_TCP_FIN_IN:
			ns = out ? FW_SS_TCP_FIN_BOTH : old;
			break;
		case FW_SS_TCP_FIN_BOTH:
		case FW_SS_TCP_CLOSED:
			break;
		default:
			ns = out ? FW_SS_TCP_FIN_OUT : FW_SS_TCP_FIN_IN;
			break;
		}
		if (ns == FW_SS_TCP_FIN_BOTH)
			st->rsvd = RG_CLOSE_TCP_FIN;
	}
	if (ns == old)
		return;
	st->state = (uint8_t)ns;
	/* a new state starts its own timeout now; an RST restarts nothing
	 * else: the 4 minutes are fixed (never refreshed) */
	arm_from_now(fw, idx, fw_sess_timeout_s(fw, ns));
	struct rg_session s;
	if (!fw_sess_read(fw, idx, &s)) {
		st->seen_i2o = s.pkts_i2o;
		st->seen_ts = s.last_seen;
	}
}

/* ---- unsolicited inbound SYNs ---------------------------------------------- */

void fw_syn_hold(struct rg_fw *fw, const struct fw_pkt *p)
{
	for (uint32_t i = 0; i < fw->n_held; i++) {
		struct fw_held *h = &fw->held[i];
		if (h->used && __builtin_memcmp(&h->key, &p->key, sizeof(p->key)) == 0)
			return; /* a retransmission of a SYN already held */
	}
	for (uint32_t i = 0; i < fw->n_held; i++) {
		struct fw_held *h = &fw->held[i];
		if (h->used)
			continue;
		h->used = 1;
		h->port = (uint8_t)p->port;
		h->key = p->key;
		/* keep L2 + IP header + 8 bytes of TCP for the ICMP error */
		uint32_t keep = p->l3 + p->ihl + 8;
		h->len = (uint16_t)(keep < FW_HELD_BYTES ? keep : FW_HELD_BYTES);
		h->l3 = (uint8_t)p->l3;
		__builtin_memcpy(h->frame, p->f, h->len);
		fw_timer_arm(fw, fw->tbase_held + i, fw->now_s + fw->cfg.syn_hold_s + 1);
		FWC(fw, SYNS_HELD);
		return;
	}
	/* no room to wait for a simultaneous open: dropped now, which is
	 * not the hold timing out */
	FWC(fw, DROP_SYN_HOLD_FULL);
}

void fw_held_timer(struct rg_fw *fw, uint32_t i)
{
	struct fw_held *h = &fw->held[i];
	if (!h->used)
		return;
	h->used = 0;
	FWC(fw, DROP_SYN_HELD_TIMEOUT);
	if (fw->cfg.flags & RG_CFG_SYN_UNREACH)
		fw_icmp_error_raw(fw, h->port, h->frame, h->l3, h->len, 3, 3, 0);
}

void fw_held_cancel(struct rg_fw *fw, const struct rg_flow_key *o2i_key)
{
	for (uint32_t i = 0; i < fw->n_held; i++) {
		struct fw_held *h = &fw->held[i];
		if (h->used && __builtin_memcmp(&h->key, o2i_key, sizeof(*o2i_key)) == 0) {
			h->used = 0;
			fw_timer_cancel(fw, fw->tbase_held + i);
			FWC(fw, SYNS_SIMULTANEOUS_OPEN);
		}
	}
}
