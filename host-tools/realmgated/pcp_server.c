/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCP server (RFC 6887): MAP, PEER and ANNOUNCE with THIRD_PARTY,
 * PREFER_FAILURE and FILTER. Checks run in the order of RFC 6887 section
 * 8.3 (syntax, then the client address, then policy, then the request's
 * meaning); the first failing check decides the result code and nothing is
 * changed by a refused request.
 */
#include <string.h>

#include "proto.h"

/* RFC 6887 section 7.4: errors that will not go away by themselves are
 * answered with a long lifetime (how long the client should not retry),
 * errors of the moment with a short one. */
#define PCP_LONG_ERROR_LIFETIME 1800
#define PCP_SHORT_ERROR_LIFETIME 30

static uint32_t error_lifetime(int result)
{
	switch (result) {
	case PCP_NETWORK_FAILURE:
	case PCP_NO_RESOURCES:
	case PCP_USER_EX_QUOTA:
	case PCP_CANNOT_PROVIDE_EXTERNAL:
	case PCP_EXCESSIVE_REMOTE_PEERS:
		return PCP_SHORT_ERROR_LIFETIME;
	default:
		return PCP_LONG_ERROR_LIFETIME;
	}
}

uint32_t rgd_clamp_lifetime(const struct rgd_cfg *cfg, uint32_t requested)
{
	if (requested == 0)
		return 0;
	if (requested < cfg->min_lifetime)
		return cfg->min_lifetime;
	if (requested > cfg->max_lifetime)
		return cfg->max_lifetime;
	return requested;
}

static uint32_t epoch(struct rgd_proto *s)
{
	return s->epoch(s->epoch_arg);
}

static int from_mapper(enum rgd_map_status st)
{
	switch (st) {
	case RGD_MAP_OK:
		return PCP_SUCCESS;
	case RGD_MAP_NOT_AUTHORIZED:
		return PCP_NOT_AUTHORIZED;
	case RGD_MAP_CANNOT_PROVIDE:
		return PCP_CANNOT_PROVIDE_EXTERNAL;
	case RGD_MAP_NO_RESOURCES:
		return PCP_NO_RESOURCES;
	case RGD_MAP_QUOTA:
		return PCP_USER_EX_QUOTA;
	case RGD_MAP_EXCESSIVE_PEERS:
		return PCP_EXCESSIVE_REMOTE_PEERS;
	case RGD_MAP_INVALID:
		return PCP_MALFORMED_REQUEST;
	default:
		return PCP_NETWORK_FAILURE;
	}
}

/* Answer a decoded request: the request echoed with result and lifetime. */
static size_t answer(struct rgd_proto *s, struct pcp_msg *m, int result, uint32_t lifetime,
		     uint8_t *out)
{
	m->response = true;
	m->result = (uint8_t)result;
	m->lifetime = result == PCP_SUCCESS ? lifetime : error_lifetime(result);
	m->epoch = epoch(s);
	s->stats.pcp_results[result]++;
	return pcp_encode_response(m, out, PCP_MAX_LEN);
}

/* FILTER options -> card filters. Prefix length 0 clears what came before
 * (RFC 6887 13.3). Returns PCP_SUCCESS or the result code. */
static int take_filters(const struct pcp_msg *m, struct rgd_map_params *p)
{
	p->n_filters = 0;
	unsigned n = 0;
	struct rg_map_filter f[PCP_WIRE_MAX_FILTERS];
	for (unsigned i = 0; i < m->n_filters; i++) {
		const struct pcp_filter *w = &m->filters[i];
		if (w->plen == 0) {
			n = 0;
			continue;
		}
		if (!pcp_addr_is_v4(&w->addr))
			return PCP_MALFORMED_OPTION; /* an IPv6 peer cannot reach an IPv4 mapping */
		uint8_t plen = (uint8_t)(w->plen - 96);
		uint32_t a = pcp_addr_to_v4(&w->addr);
		if (plen < 32)
			a &= plen ? ~((1u << (32 - plen)) - 1) : 0;
		f[n].addr = __builtin_bswap32(a);
		f[n].plen = plen;
		f[n].rsvd = 0;
		f[n].port = __builtin_bswap16(w->port);
		n++;
	}
	if (n > RG_MAP_MAX_FILTERS)
		return PCP_EXCESSIVE_REMOTE_PEERS;
	p->n_filters = (uint8_t)n;
	memcpy(p->filters, f, n * sizeof(f[0]));
	p->set_filters = m->n_filters > 0;
	return PCP_SUCCESS;
}

static size_t map_or_peer(struct rgd_proto *s, struct pcp_msg *m, uint32_t src, uint16_t sport,
			  uint8_t *out)
{
	const struct rgd_cfg *cfg = s->cfg;
	uint32_t internal = src;
	if (m->third_party) {
		/* policy: only listed requesters may speak for another host,
		 * and only for a host of the inside realm */
		uint32_t tp = pcp_addr_to_v4(&m->third_party_addr);
		if (!pcp_addr_is_v4(&m->third_party_addr) || tp == 0)
			return answer(s, m, PCP_MALFORMED_OPTION, 0, out);
		if (!rgd_prefixes_contain(cfg->third_party, cfg->n_third_party, src) ||
		    !rgd_prefixes_contain(cfg->realm, cfg->n_realm, tp))
			return answer(s, m, PCP_NOT_AUTHORIZED, 0, out);
		internal = tp;
	}
	bool peer = m->opcode == PCP_OP_PEER;
	bool del = m->lifetime == 0;
	if (peer) {
		if (m->int_port == 0 || m->peer_port == 0 || pcp_addr_is_zero(&m->peer_addr) ||
		    !pcp_addr_is_v4(&m->peer_addr))
			return answer(s, m, PCP_MALFORMED_REQUEST, 0, out);
		if (m->proto != 6 && m->proto != 17)
			return answer(s, m, PCP_UNSUPP_PROTOCOL, 0, out);
	} else if (m->proto == 0) {
		/* all protocols: only as "delete all of this nonce" */
		if (!del)
			return answer(s, m, PCP_UNSUPP_PROTOCOL, 0, out);
	} else if (m->proto != 6 && m->proto != 17) {
		return answer(s, m, PCP_UNSUPP_PROTOCOL, 0, out);
	} else if (m->int_port == 0 && !del) {
		/* an all-ports mapping would expose the whole host: not offered */
		return answer(s, m, PCP_NOT_AUTHORIZED, 0, out);
	}

	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	p.owner = RG_OWNER_PCP;
	p.key.proto = m->proto;
	p.key.peer = peer;
	p.key.in_addr = internal;
	p.key.in_port = m->int_port;
	if (peer) {
		p.key.rem_addr = pcp_addr_to_v4(&m->peer_addr);
		p.key.rem_port = m->peer_port;
	}
	if (pcp_addr_is_v4(&m->ext_addr))
		p.sugg_addr = pcp_addr_to_v4(&m->ext_addr);
	p.sugg_port = m->ext_port;
	p.prefer_failure = m->prefer_failure;
	p.check_nonce = true;
	memcpy(p.nonce, m->nonce, PCP_NONCE_LEN);
	p.client_addr = src;
	p.client_port = sport;
	int r = take_filters(m, &p);
	if (r != PCP_SUCCESS)
		return answer(s, m, r, 0, out);

	struct rgd_lease l;
	if (del) {
		if (m->proto == 0 || m->int_port == 0) {
			int n = rgd_mapper_delete_all(s->mapper, RG_OWNER_PCP, internal, m->proto,
						      m->nonce);
			return answer(s, m, n < 0 ? PCP_NETWORK_FAILURE : PCP_SUCCESS, 0, out);
		}
		bool existed;
		enum rgd_map_status st = rgd_mapper_delete(s->mapper, &p, &l, &existed);
		if (st == RGD_MAP_OK && existed) {
			pcp_addr_from_v4(&m->ext_addr, l.out_addr);
			m->ext_port = l.out_port;
		}
		return answer(s, m, from_mapper(st), 0, out);
	}
	p.lifetime = rgd_clamp_lifetime(cfg, m->lifetime);
	enum rgd_map_status st = rgd_mapper_request(s->mapper, &p, &l);
	if (st != RGD_MAP_OK)
		return answer(s, m, from_mapper(st), 0, out);
	pcp_addr_from_v4(&m->ext_addr, l.out_addr);
	m->ext_port = l.out_port;
	return answer(s, m, PCP_SUCCESS, p.lifetime, out);
}

size_t rgd_pcp_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
		      uint16_t sport, uint8_t *out)
{
	s->stats.pcp_rx++;
	if (!rgd_prefixes_contain(s->cfg->realm, s->cfg->n_realm, src)) {
		s->stats.outside_realm++;
		return 0;
	}
	struct pcp_msg m;
	int r = pcp_decode_request(req, len, &m);
	if (r == PCP_DROP) {
		s->stats.pcp_dropped++;
		return 0;
	}
	if (r != PCP_SUCCESS) {
		s->stats.pcp_results[r]++;
		return pcp_encode_error(req, len, (uint8_t)r, error_lifetime(r), epoch(s), out);
	}
	/* RFC 6887 8.3: the client address field must be the packet's source
	 * (a NAT between client and server would show here) */
	if (!pcp_addr_is_v4(&m.client) || pcp_addr_to_v4(&m.client) != src)
		return answer(s, &m, PCP_ADDRESS_MISMATCH, 0, out);
	switch (m.opcode) {
	case PCP_OP_ANNOUNCE:
		return answer(s, &m, PCP_SUCCESS, 0, out);
	default:
		return map_or_peer(s, &m, src, sport, out);
	}
}

size_t rgd_pcp_announce(struct rgd_proto *s, uint8_t *out)
{
	struct pcp_msg m;
	memset(&m, 0, sizeof(m));
	m.opcode = PCP_OP_ANNOUNCE;
	m.response = true;
	m.result = PCP_SUCCESS;
	m.epoch = epoch(s);
	return pcp_encode_response(&m, out, PCP_MAX_LEN);
}

size_t rgd_pcp_unsolicited(struct rgd_proto *s, const struct rgd_lease *l, uint8_t *out)
{
	if (l->owner != RG_OWNER_PCP)
		return 0;
	struct pcp_msg m;
	memset(&m, 0, sizeof(m));
	m.opcode = l->key.peer ? PCP_OP_PEER : PCP_OP_MAP;
	m.response = true;
	m.result = PCP_SUCCESS;
	m.epoch = epoch(s);
	uint64_t now = s->mapper->now(s->mapper->now_arg);
	m.lifetime = l->expires > now ? (uint32_t)(l->expires - now) : 0;
	memcpy(m.nonce, l->nonce, PCP_NONCE_LEN);
	m.proto = l->key.proto;
	m.int_port = l->key.in_port;
	m.ext_port = l->out_port;
	pcp_addr_from_v4(&m.ext_addr, l->out_addr);
	if (l->key.peer) {
		m.peer_port = l->key.rem_port;
		pcp_addr_from_v4(&m.peer_addr, l->key.rem_addr);
	}
	if (l->client_addr != l->key.in_addr) {
		m.third_party = true;
		pcp_addr_from_v4(&m.third_party_addr, l->key.in_addr);
	}
	return pcp_encode_response(&m, out, PCP_MAX_LEN);
}
