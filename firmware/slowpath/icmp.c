/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMP the card originates (echo replies for its own addresses, errors:
 * time exceeded, fragmentation needed, port/admin unreachable) and the
 * translation of ICMP errors that travel through it (RFC 5508): the outer
 * header and the embedded packet are both translated, every checksum
 * recomputed, and an error never creates, refreshes or deletes a session.
 */
#include "fw_internal.h"

#define ICMP_QUOTE_MAX 548u	/* RFC 1812: the error stays within 576 bytes */
#define ICMP_ERRORS_PER_S 1000u /* RFC 1812 4.3.2.8: generated errors are rate limited */

uint32_t fw_reply_l2(struct rg_fw *fw, const uint8_t *f, unsigned port, uint8_t *o)
{
	__builtin_memcpy(o, f + 6, 6);
	__builtin_memcpy(o + 6, fw->params.port_mac[port & 3u], 6);
	rg_put_be16(o + 12, ETH_P_IPV4);
	return 14;
}

int fw_unicast_addr(uint32_t a)
{
	return a && (a >> 28) != 0xe && a != 0xffffffffu && (a >> 24) != 127;
}

void fw_icmp_echo_turn(uint8_t *icmp)
{
	/* type 8 -> 0 (13 -> 14): one word changes */
	uint16_t old = rg_get_be16(icmp);
	icmp[0] = icmp[0] == 13 ? 14 : 0;
	rg_put_be16(icmp + 2,
		    rg_csum_apply(rg_get_be16(icmp + 2), rg_csum_delta16(old, rg_get_be16(icmp))));
}

void fw_icmp_echo_reply(struct rg_fw *fw, const struct fw_pkt *p)
{
	if (!fw_unicast_addr(p->src) || (p->f[0] & 1u) || p->is_frag) {
		FWC(fw, DROP_TO_CARD);
		return;
	}
	uint8_t *o = fw->txbuf;
	uint32_t l2 = fw_reply_l2(fw, p->f, p->port, o);
	uint32_t ip_len = p->ip_end - p->l3;
	if (l2 + ip_len > sizeof(fw->txbuf)) {
		FWC(fw, DROP_TO_CARD);
		return;
	}
	uint8_t *ip = o + l2;
	__builtin_memcpy(ip, p->f + p->l3, ip_len);
	rg_put_be32(ip + 12, p->dst);
	rg_put_be32(ip + 16, p->src);
	ip[8] = 64;
	rg_put_be16(ip + 6, 0);
	fw_ip_set_csum(ip);
	fw_icmp_echo_turn(ip + p->ihl);
	fw_tx(fw, p->port, o, l2 + ip_len);
	FWC(fw, ICMP_ECHO_REPLIES);
}

int fw_reply_budget(struct rg_fw *fw)
{
	if (fw->icmp_err_s != fw->now_s) {
		fw->icmp_err_s = fw->now_s;
		fw->icmp_err_n = 0;
	}
	if (fw->icmp_err_n >= ICMP_ERRORS_PER_S)
		return 0;
	fw->icmp_err_n++;
	return 1;
}

/*
 * An error about the IPv4 packet at frame[l3..] (avail bytes of frame are
 * present), sent back out of the port it came in on, from the card's
 * address on that side.
 */
void fw_icmp_error_raw(struct rg_fw *fw, unsigned port, const uint8_t *frame, uint32_t l3,
		       uint32_t avail, uint8_t type, uint8_t code, uint16_t mtu)
{
	if (avail < l3 + 20 || (frame[0] & 1u))
		return;
	const uint8_t *oip = frame + l3;
	unsigned ihl = (oip[0] & 15u) * 4u;
	uint32_t src = rg_get_be32(oip + 12);
	uint32_t me = port == RG_PORT_INSIDE ? fw->cfg.inside_addr : fw->cfg.outside_addr;
	/* never about ICMP errors, non-first fragments, or to non-unicast */
	if (!me || !fw_unicast_addr(src) || (rg_get_be16(oip + 6) & 0x1fffu))
		return;
	if (oip[9] == IPPROTO_ICMP && l3 + ihl < avail) {
		uint8_t t = oip[ihl];
		if (!(t == 0 || t == 8 || t == 13 || t == 14))
			return;
	}
	if (!fw_reply_budget(fw)) {
		FWC(fw, ICMP_ERRORS_RATE_LIMITED);
		return;
	}
	uint32_t quote = rg_get_be16(oip + 2);
	if (quote > avail - l3)
		quote = avail - l3;
	if (quote > ICMP_QUOTE_MAX)
		quote = ICMP_QUOTE_MAX;
	uint8_t *o = fw->txbuf;
	uint32_t l2 = fw_reply_l2(fw, frame, port, o);
	uint8_t *ip = o + l2;
	uint32_t tot = 20 + 8 + quote;
	__builtin_memset(ip, 0, 28);
	ip[0] = 0x45;
	rg_put_be16(ip + 2, (uint16_t)tot);
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	rg_put_be32(ip + 12, me);
	rg_put_be32(ip + 16, src);
	fw_ip_set_csum(ip);
	uint8_t *icmp = ip + 20;
	icmp[0] = type;
	icmp[1] = code;
	if (type == 3 && code == 4)
		rg_put_be16(icmp + 6, mtu);
	__builtin_memcpy(icmp + 8, oip, quote);
	rg_put_be16(icmp + 2, (uint16_t)~rg_csum_fold(rg_csum_partial(icmp, 8 + quote)));
	fw_tx(fw, port, o, l2 + tot);
	FWC(fw, ICMP_ERRORS_SENT);
}

void fw_icmp_error(struct rg_fw *fw, const struct fw_pkt *p, uint8_t type, uint8_t code,
		   uint16_t mtu)
{
	fw_icmp_error_raw(fw, p->port, p->f, p->outer, p->frame_ip_end, type, code, mtu);
}

/* Replace a 32-bit word in a buffer, returning its checksum delta. */
static uint16_t put32_delta(uint8_t *at, uint32_t v)
{
	uint16_t d = rg_csum_delta32(rg_get_be32(at), v);
	rg_put_be32(at, v);
	return d;
}

static uint16_t put16_delta(uint8_t *at, uint16_t v)
{
	uint16_t d = rg_csum_delta16(rg_get_be16(at), v);
	rg_put_be16(at, v);
	return d;
}

/*
 * Endpoint substitution of a direction: packets of direction d change
 * their source from a_from to a_to and their destination from b_from to b_to.
 * The error travels in direction d; the packet it quotes travelled the other
 * way and was translated by the other direction, which this undoes.
 */
struct subst {
	uint32_t a_from, a_to, b_from, b_to;
	uint16_t ap_from, ap_to, bp_from, bp_to;
};

static void subst_of(const struct rg_session *s, unsigned dir, struct subst *x)
{
	if (dir == RG_DIR_I2O) {
		x->a_from = rg_be32_val(s->in_addr), x->ap_from = rg_be16_val(s->in_port);
		x->a_to = rg_be32_val(s->out_addr), x->ap_to = rg_be16_val(s->out_port);
		x->b_from = rg_be32_val(s->rem_xaddr), x->bp_from = rg_be16_val(s->rem_xport);
		x->b_to = rg_be32_val(s->rem_addr), x->bp_to = rg_be16_val(s->rem_port);
	} else {
		x->a_from = rg_be32_val(s->rem_addr), x->ap_from = rg_be16_val(s->rem_port);
		x->a_to = rg_be32_val(s->rem_xaddr), x->ap_to = rg_be16_val(s->rem_xport);
		x->b_from = rg_be32_val(s->out_addr), x->bp_from = rg_be16_val(s->out_port);
		x->b_to = rg_be32_val(s->in_addr), x->bp_to = rg_be16_val(s->in_port);
	}
}

void fw_icmp_error_translate(struct rg_fw *fw, struct fw_pkt *p)
{
	if (p->is_frag) {
		/* the error's checksum spans every fragment: a fragment cannot
		 * be translated on its own */
		FWC(fw, DROP_ICMP_ERROR_FRAG);
		return;
	}
	if (fw_parse_embedded(fw, p))
		return; /* counted */
	/* The quoted packet went emb_src -> emb_dst; the flow of the error is
	 * its reverse, arriving on the error's port. */
	struct rg_flow_key k;
	__builtin_memset(&k, 0, sizeof(k));
	k.src_addr = rg_be32_field(p->emb_dst);
	k.dst_addr = rg_be32_field(p->emb_src);
	k.src_port = rg_be16_field(p->emb_dport);
	k.dst_port = rg_be16_field(p->emb_sport);
	k.proto = p->emb_proto;
	k.side = (uint8_t)p->port;
	unsigned dir;
	uint32_t sidx = fw_sess_lookup(fw, &k, &dir);
	if (sidx == FW_NONE) {
		FWC(fw, DROP_ICMP_NO_MATCH);
		return;
	}
	struct rg_session s;
	if (fw_sess_read(fw, sidx, &s)) {
		FWC(fw, DROP_SESSION_UNREADABLE); /* the device refused the read */
		return;
	}
	struct subst x;
	subst_of(&s, dir, &x);
	if (p->dst != x.b_from) {
		FWC(fw, DROP_ICMP_NO_MATCH);
		return;
	}
	if (p->ttl <= 1) {
		FWC(fw, DROP_TTL); /* no error about an error */
		return;
	}
	uint16_t adj = dir == RG_DIR_I2O ? s.adj_i2o : s.adj_o2i;
	if (!fw_adj_ready(fw, adj)) {
		fw_pending_add(fw, adj, p);
		return;
	}
	uint8_t *o = fw->txbuf;
	unsigned port;
	uint32_t l2 = fw_l2_header(fw, adj, o, &port);
	uint32_t ip_len = p->ip_end - p->l3;
	uint8_t *ip = o + l2;
	__builtin_memcpy(ip, p->f + p->l3, ip_len);
	/* outer header: the destination per the session; the source is the
	 * endpoint's translation when the endpoint itself reports, else (a
	 * router on the way) it is kept — except that an inside router's
	 * address never leaves on the outside: the card's address stands in */
	uint32_t osrc = p->src;
	if (osrc == x.a_from)
		osrc = x.a_to;
	else if (port == RG_PORT_OUTSIDE && !fw_is_own_addr(fw, osrc) &&
		 (fw_inside_onlink(fw, osrc) || p->port == RG_PORT_INSIDE))
		osrc = fw->cfg.outside_addr;
	rg_put_be32(ip + 12, osrc);
	rg_put_be32(ip + 16, x.b_to);
	ip[8]--;
	fw_ip_set_csum(ip);

	/* embedded packet: source b_from -> b_to, destination a_from -> a_to */
	uint32_t e = p->emb_l3 - p->l3;
	uint8_t *eip = ip + e;
	uint8_t *el4 = ip + (p->emb_l4 - p->l3);
	uint32_t eavail = p->emb_end - p->emb_l4;
	uint16_t d3 = rg_csum_add(put32_delta(eip + 12, x.b_to), put32_delta(eip + 16, x.a_to));
	fw_ip_set_csum(eip);
	switch (p->emb_proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP: {
		uint16_t d = rg_csum_add(
			d3, rg_csum_add(put16_delta(el4, x.bp_to), put16_delta(el4 + 2, x.ap_to)));
		uint32_t co = p->emb_proto == IPPROTO_TCP ? 16u : 6u;
		if (co + 2 <= eavail) {
			uint16_t c = rg_get_be16(el4 + co);
			if (!(p->emb_proto == IPPROTO_UDP && c == 0)) {
				c = rg_csum_apply(c, d);
				rg_put_be16(el4 + co,
					    p->emb_proto == IPPROTO_UDP && !c ? 0xffff : c);
			}
		}
		break;
	}
	case IPPROTO_ICMP: {
		/* the identifier sits on the quoted request's source side */
		uint16_t nid = p->emb_icmp_request ? x.bp_to : x.ap_to;
		uint16_t d = put16_delta(el4 + 4, nid);
		rg_put_be16(el4 + 2, rg_csum_apply(rg_get_be16(el4 + 2), d));
		break;
	}
	default:
		break;
	}
	/* the error's own checksum covers everything after it: recompute */
	uint8_t *icmp = ip + p->ihl;
	rg_put_be16(icmp + 2, 0);
	rg_put_be16(icmp + 2, (uint16_t)~rg_csum_fold(rg_csum_partial(icmp, ip_len - p->ihl)));
	fw_tx(fw, port, o, l2 + ip_len);
	FWC(fw, ICMP_ERRORS_TRANSLATED);
}
