/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DPM setup listener of seed 000 (wire format in docs/protocols.md):
 * a setup names the session's destination and whether the application's
 * port is replaceable, and becomes the same internal request as a PCP PEER
 * (with PREFER_FAILURE when the port is not replaceable). Two
 * non-replaceable setups for one port toward different destinations share
 * one outside address:port — the card keys sessions by the whole outside
 * 5-tuple — while the same destination twice is refused.
 */
#include <string.h>

#include "../libpcp/dpm_wire.h"
#include "proto.h"

static uint8_t from_mapper(enum rgd_map_status st)
{
	switch (st) {
	case RGD_MAP_OK:
		return DPM_OK;
	case RGD_MAP_NOT_AUTHORIZED:
		return DPM_ERR_NOT_AUTHORIZED;
	case RGD_MAP_CANNOT_PROVIDE:
		return DPM_ERR_PORT_TAKEN;
	case RGD_MAP_NO_RESOURCES:
	case RGD_MAP_EXCESSIVE_PEERS:
		return DPM_ERR_NO_RESOURCES;
	case RGD_MAP_QUOTA:
		return DPM_ERR_QUOTA;
	case RGD_MAP_INVALID:
		return DPM_ERR_MALFORMED;
	default:
		return DPM_ERR_FAILURE;
	}
}

static size_t reply(struct rgd_proto *s, struct dpm_msg *m, uint8_t status, uint8_t *out)
{
	m->version = DPM_VERSION;
	m->type = m->type == DPM_RELEASE ? DPM_RELEASE_REPLY : DPM_SETUP_REPLY;
	m->flags = status;
	if (status != DPM_OK) {
		m->addr = 0;
		m->port = 0;
		m->lifetime = 0;
	}
	s->stats.dpm_results[status]++;
	return dpm_encode(m, out);
}

size_t rgd_dpm_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
		      uint16_t sport, uint8_t *out)
{
	s->stats.dpm_rx++;
	if (!rgd_prefixes_contain(s->cfg->realm, s->cfg->n_realm, src)) {
		s->stats.outside_realm++;
		return 0;
	}
	struct dpm_msg m;
	int d = dpm_decode(req, len, &m);
	if (d < 0) {
		s->stats.dpm_dropped++;
		return 0;
	}
	if (d != DPM_OK)
		return reply(s, &m, (uint8_t)d, out);
	if ((m.type != DPM_SETUP && m.type != DPM_RELEASE) || (m.proto != 6 && m.proto != 17) ||
	    m.addr == 0 || m.port == 0 || (m.flags & ~DPM_F_REPLACEABLE))
		return reply(s, &m, DPM_ERR_MALFORMED, out);

	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	p.owner = RG_OWNER_DPM;
	p.key.proto = m.proto;
	p.key.peer = true;
	p.key.in_addr = src;
	p.key.in_port = m.in_port ? m.in_port : sport;
	p.key.rem_addr = m.addr;
	p.key.rem_port = m.port;
	p.client_addr = src;
	p.client_port = sport;
	uint16_t in_port = p.key.in_port;
	if (m.type == DPM_RELEASE) {
		bool existed;
		uint8_t st = from_mapper(rgd_mapper_delete(s->mapper, &p, NULL, &existed));
		m.in_port = in_port;
		return reply(s, &m, st, out);
	}
	/* not replaceable: the application's own port or nothing (seed 000
	 * [0008]); replaceable: the port is a suggestion the card may not
	 * follow ([0007], Fig. 7 step 78) */
	p.sugg_port = in_port;
	p.prefer_failure = !(m.flags & DPM_F_REPLACEABLE);
	p.lifetime = m.lifetime ? rgd_clamp_lifetime(s->cfg, m.lifetime) : s->cfg->dpm_lifetime;
	struct rgd_lease l;
	enum rgd_map_status st = rgd_mapper_request(s->mapper, &p, &l);
	m.in_port = in_port;
	if (st == RGD_MAP_OK) {
		m.addr = l.out_addr;
		m.port = l.out_port;
		m.lifetime = p.lifetime;
	}
	return reply(s, &m, from_mapper(st), out);
}
