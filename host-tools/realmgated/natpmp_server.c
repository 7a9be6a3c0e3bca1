/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAT-PMP server (RFC 6886) for older clients, on the PCP port. Mappings it
 * makes are ordinary leases of owner NATPMP: the same card mapping, expiry
 * and persistence as PCP's; a NAT-PMP request cannot touch a mapping that
 * PCP or the operator made.
 */
#include <string.h>

#include "../libpcp/natpmp_wire.h"
#include "proto.h"

static size_t reply(struct rgd_proto *s, struct natpmp_rsp *r, uint8_t *out)
{
	r->epoch = s->epoch(s->epoch_arg);
	if (r->result < 6)
		s->stats.natpmp_results[r->result]++;
	return natpmp_encode_response(r, out);
}

static uint16_t from_mapper(enum rgd_map_status st)
{
	switch (st) {
	case RGD_MAP_OK:
		return NATPMP_SUCCESS;
	case RGD_MAP_NOT_AUTHORIZED:
	case RGD_MAP_INVALID:
		return NATPMP_NOT_AUTHORIZED;
	case RGD_MAP_CANNOT_PROVIDE:
	case RGD_MAP_NO_RESOURCES:
	case RGD_MAP_QUOTA:
	case RGD_MAP_EXCESSIVE_PEERS:
		return NATPMP_NO_RESOURCES;
	default:
		return NATPMP_NETWORK_FAILURE;
	}
}

size_t rgd_natpmp_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
			 uint16_t sport, uint8_t *out)
{
	s->stats.natpmp_rx++;
	if (!rgd_prefixes_contain(s->cfg->realm, s->cfg->n_realm, src)) {
		s->stats.outside_realm++;
		return 0;
	}
	struct natpmp_req q;
	struct natpmp_rsp r;
	memset(&r, 0, sizeof(r));
	int d = natpmp_decode_request(req, len, &q);
	r.opcode = q.opcode;
	if (d == NATPMP_DROP) {
		s->stats.natpmp_dropped++;
		return 0;
	}
	if (d != NATPMP_SUCCESS) {
		/* unsupported version or opcode: the 8-byte error form */
		r.result = (uint16_t)d;
		r.header_only = true;
		return reply(s, &r, out);
	}
	if (q.opcode == NATPMP_OP_ADDR) {
		r.ext_addr = rgd_mapper_public_addr(s->mapper, src);
		r.result = r.ext_addr ? NATPMP_SUCCESS : NATPMP_NETWORK_FAILURE;
		return reply(s, &r, out);
	}
	uint8_t proto = q.opcode == NATPMP_OP_MAP_UDP ? 17 : 6;
	r.int_port = q.int_port;
	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	p.owner = RG_OWNER_NATPMP;
	p.key.proto = proto;
	p.key.in_addr = src;
	p.key.in_port = q.int_port;
	p.client_addr = src;
	p.client_port = sport;
	if (q.lifetime == 0) {
		/* RFC 6886 3.4: lifetime 0 deletes; internal port 0 (with
		 * suggested port 0) deletes all of the client's mappings */
		if (q.int_port == 0) {
			int n = rgd_mapper_delete_all(s->mapper, RG_OWNER_NATPMP, src, proto, NULL);
			r.result = n < 0 ? NATPMP_NETWORK_FAILURE : NATPMP_SUCCESS;
			return reply(s, &r, out);
		}
		bool existed;
		r.result = from_mapper(rgd_mapper_delete(s->mapper, &p, NULL, &existed));
		return reply(s, &r, out);
	}
	if (q.int_port == 0) {
		r.result = NATPMP_NOT_AUTHORIZED; /* no all-ports mappings */
		return reply(s, &r, out);
	}
	p.sugg_addr = rgd_mapper_public_addr(s->mapper, src);
	p.sugg_port = q.ext_port;
	p.lifetime = rgd_clamp_lifetime(s->cfg, q.lifetime);
	struct rgd_lease l;
	enum rgd_map_status st = rgd_mapper_request(s->mapper, &p, &l);
	r.result = from_mapper(st);
	if (st == RGD_MAP_OK) {
		r.ext_port = l.out_port;
		r.lifetime = p.lifetime;
	}
	return reply(s, &r, out);
}

size_t rgd_natpmp_announce(struct rgd_proto *s, uint32_t public_addr, uint8_t *out)
{
	struct natpmp_rsp r;
	memset(&r, 0, sizeof(r));
	r.opcode = NATPMP_OP_ADDR;
	r.ext_addr = public_addr;
	return reply(s, &r, out);
}

size_t rgd_port5351_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
			   uint16_t sport, uint8_t *out)
{
	if (len >= 1 && req[0] == NATPMP_VERSION && s->cfg->natpmp_enabled)
		return rgd_natpmp_handle(s, req, len, src, sport, out);
	if (s->cfg->pcp_enabled)
		return rgd_pcp_handle(s, req, len, src, sport, out);
	return rgd_natpmp_handle(s, req, len, src, sport, out);
}
